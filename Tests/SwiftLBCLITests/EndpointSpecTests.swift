import SwiftLBCLI
import Testing

@Suite("--endpoints parsing")
struct EndpointSpecTests {
    static let valid: [(text: String, ip: String, weight: Int)] = [
        ("10.0.0.1:1", "10.0.0.1", 1),
        ("10.0.0.1:5", "10.0.0.1", 5),
        ("10.0.0.1", "10.0.0.1", 1),
        ("10.0.0.1:0", "10.0.0.1", 0),
        ("10.0.0.1:255", "10.0.0.1", 255),
        ("4ffe::1:1", "4ffe::1", 1),
        ("4ffe::1:7", "4ffe::1", 7),
        ("2001:db8::ab", "2001:db8::ab", 1),
        ("[2001:db8::10]", "2001:db8::10", 1),
        ("[2001:db8::10]:3", "2001:db8::10", 3),
    ]

    @Test("IP:WEIGHT and IP", arguments: valid)
    func validEndpoint(_ text: String, _ ip: String, _ weight: Int) throws {
        #expect(try EndpointSpec(parsing: text) == EndpointSpec(ip: ip, weight: weight))
    }

    static let invalid: [(text: String, message: String)] = [
        ("10.0.0.300:1", "endpoint '10.0.0.300:1' is not IP or IP:WEIGHT (e.g. 10.0.0.1:1)"),
        ("web:1", "endpoint 'web:1' is not IP or IP:WEIGHT (e.g. 10.0.0.1:1)"),
        ("10.0.0.1:x", "endpoint '10.0.0.1:x': weight 'x' is not a number 0-255"),
        ("10.0.0.1:", "endpoint '10.0.0.1:': weight '' is not a number 0-255"),
        ("10.0.0.1:256", "endpoint '10.0.0.1:256': weight '256' is not a number 0-255"),
        ("10.0.0.1:-1", "endpoint '10.0.0.1:-1': weight '-1' is not a number 0-255"),
        ("[2001:db8::10", "endpoint '[2001:db8::10' has no closing ']'"),
        ("[10.0.0]:1", "endpoint '[10.0.0]:1': '10.0.0' is not an IP address"),
        ("[::1]x", "endpoint '[::1]x' is not [IP] or [IP]:WEIGHT"),
    ]

    @Test("invalid endpoints say what is wrong", arguments: invalid)
    func invalidEndpoint(_ text: String, _ message: String) {
        #expect(throws: CLIError.invalidInput(message)) { try EndpointSpec(parsing: text) }
    }

    @Test("lists split on commas and repeated flags, keeping order")
    func list() throws {
        let endpoints = try EndpointSpec.list(["10.0.0.2:2,10.0.0.1", "10.0.0.3:3"])
        #expect(
            endpoints == [
                EndpointSpec(ip: "10.0.0.2", weight: 2), EndpointSpec(ip: "10.0.0.1", weight: 1),
                EndpointSpec(ip: "10.0.0.3", weight: 3),
            ])
    }
}
