import Foundation
import SwiftLBCore
import Testing

/// Request bodies: numbers with a fraction or exponent are refused like loxilb's Go server
/// refuses them, naming the field, even when their value is integral.
@Suite struct IntegerFieldTests {
    struct Rule: Decodable {
        var serviceArguments: [String: Int]
    }

    @Test(arguments: [
        (#"{"serviceArguments":{"externalIP":"1.2.3.4","port":80.0}}"#, "serviceArguments.port", "80.0"),
        (#"{"serviceArguments":{"port":8e1}}"#, "serviceArguments.port", "8e1"),
        (#"{"endpoints":[{"endpointIP":"1.1.1.1","weight":1},{"weight": 2.5}]}"#, "endpoints[].weight", "2.5"),
        (#"{ "port" : -1E2 }"#, "port", "-1E2"),
    ])
    func aNonIntegerNumberIsRefusedNamingItsField(body: String, field: String, text: String) {
        #expect(
            throws: APIError.badRequest(
                field: field,
                message: "\(field) must be an integer, not \(text); send it without a fraction or exponent")
        ) { try LoxiJSON.decodeRequest([String: String].self, from: Data(body.utf8)) }
    }

    @Test func integersAndNumbersInsideStringsPass() throws {
        let body = #"{"serviceArguments":{"port":80,"portMax":-1,"name":"v1.5e3 \"2.5\""}}"#
        struct Args: Decodable {
            var serviceArguments: Inner
            struct Inner: Decodable {
                var port: Int
                var portMax: Int
                var name: String
            }
        }
        let decoded = try LoxiJSON.decodeRequest(Args.self, from: Data(body.utf8))
        #expect(decoded.serviceArguments.port == 80 && decoded.serviceArguments.name == #"v1.5e3 "2.5""#)
    }

    @Test func theStoredRuleDecoderStillReadsWhatItWrote() throws {
        // Stored and CLI-side JSON go through `decode`, which is unchanged.
        let decoded = try LoxiJSON.decode([String: Double].self, from: Data(#"{"delay":1.5}"#.utf8))
        #expect(decoded["delay"] == 1.5)
    }
}
