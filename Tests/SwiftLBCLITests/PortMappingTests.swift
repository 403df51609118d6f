import SwiftLBCLI
import Testing

@Suite("PORTS:TARGETPORTS parsing")
struct PortMappingTests {
    static let valid: [(text: String, port: Int, portMax: Int, targets: [Int])] = [
        ("80:8080", 80, 0, [8080]),
        ("2020:2020", 2020, 0, [2020]),
        ("8080-8081:32015", 8080, 8081, [32015]),
        ("5000:5201-5203", 5000, 0, [5201, 5202, 5203]),
        ("100-100:7", 100, 0, [7]),
        ("0:0", 0, 0, [0]),
        ("65535:1", 65535, 0, [1]),
    ]

    @Test("valid pairs", arguments: valid)
    func validPair(_ text: String, _ port: Int, _ portMax: Int, _ targets: [Int]) throws {
        let mapping = try PortMapping(parsing: text)
        #expect(mapping == PortMapping(port: port, portMax: portMax, targetPorts: targets))
    }

    static let invalid: [(text: String, message: String)] = [
        ("80", "port pair '80' must be PORTS:TARGETPORTS, e.g. 80:8080 or 8080-8081:32015"),
        ("80:90:100", "port pair '80:90:100' must be PORTS:TARGETPORTS, e.g. 80:8080 or 8080-8081:32015"),
        ("http:80", "port 'http' in 'http:80' is not a port (0-65535) or a range like 8080-8081"),
        ("80:", "target port '' in '80:' is not a port (0-65535) or a range like 8080-8081"),
        ("70000:80", "port '70000' in '70000:80' is not a port (0-65535) or a range like 8080-8081"),
        ("-1:80", "port '-1' in '-1:80' is not a port (0-65535) or a range like 8080-8081"),
        ("90-80:80", "port range '90-80' in '90-80:80' ends before it starts"),
        ("80:1-2-3", "target port '1-2-3' in '80:1-2-3' is not a port (0-65535) or a range like 8080-8081"),
        ("80:1-2000", "target port range in '80:1-2000' spans 2000 ports; at most 1024"),
        (" 80:8080", "port ' 80' in ' 80:8080' is not a port (0-65535) or a range like 8080-8081"),
    ]

    @Test("invalid pairs say what is wrong", arguments: invalid)
    func invalidPair(_ text: String, _ message: String) {
        #expect(throws: CLIError.invalidInput(message)) { try PortMapping(parsing: text) }
    }
}
