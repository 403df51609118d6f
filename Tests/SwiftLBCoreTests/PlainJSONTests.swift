import Foundation
import Testing

@testable import SwiftLBCore

/// The plain-JSON shortcuts for load-balancer entries must be invisible: the same entry, the same
/// error and the same stored bytes as the `Decodable`/`Encodable` path they skip.
@Suite("plain JSON shortcuts")
struct PlainJSONTests {
    /// Bodies the shortcut reads itself.
    static let plainBodies = [
        #"{"serviceArguments":{"externalIP":"10.100.0.1","port":80,"protocol":"tcp","sel":0,"mode":0},"#
            + #""endpoints":[{"endpointIP":"10.1.0.2","targetPort":8080,"weight":1}]}"#,
        String(decoding: LoxiJSON.encode(LoxiJSONTests.fullEntry), as: UTF8.self),
        String(decoding: LoxiJSON.encode(LoadBalancerEntry()), as: UTF8.self),
        """
        { "serviceArguments" : {"EXTERNALIP":"10.0.0.1","Port":80,"Protocol":"TCP","BGP":true,"Monitor":true,
         "inactivetimeout":30,"PROXYPROTOCOLV2":true,"unknownField":{"nested":[1,-2,{"x":null},"s",false]},"Sel":1},
         "Endpoints":[{"endpointip":"10.0.1.1","TargetPort":8080,"WEIGHT":2,"extra":null}, null],\t
         "SECONDARYIPS":[{"SecondaryIP":"10.0.0.2"}],"allowedsources":[{"Prefix":"10.0.0.0/8"}],"extraTop":"x"}\r\n
        """,
        #"{"serviceArguments":{"externalIP":null,"port":null,"bgp":null,"name":null},"endpoints":null,"#
            + #""secondaryIPs":null,"allowedSources":[null]}"#,
        #"{"serviceArguments":null}"#, "null", "{}", " {} ",
        #"{"serviceArguments":{"port":-9223372036854775808,"portMax":9223372036854775807,"sel":-1,"mode":0}}"#,
        #"{"serviceArguments":{"name":"a/b c~!@#$%^&*()_+{}[]:;'<>,.?|`=-"}}"#,
        #"{"endpoints":[],"secondaryIPs":[],"allowedSources":[],"x":[[[]]],"y":{}}"#,
    ]

    /// Bodies the shortcut hands to `JSONDecoder`: valid or not, its reading is the API's.
    static let genericBodies = [
        #"{"serviceArguments":{"port":80.0}}"#, #"{"serviceArguments":{"port":8e1}}"#,
        #"{"serviceArguments":{"port":1.5}}"#, #"{"x":2.5}"#, #"{"serviceArguments":{"port":-0}}"#,
        #"{"serviceArguments":{"port":08}}"#, #"{"serviceArguments":{"port":99999999999999999999999}}"#,
        #"{"serviceArguments":{"port":9223372036854775808}}"#,
        #"{"serviceArguments":{"port":"80"}}"#, #"{"serviceArguments":{"bgp":1}}"#,
        #"{"serviceArguments":{"externalIP":10}}"#, #"{"serviceArguments":{"name":"caf\u00e9"}}"#,
        #"{"serviceArguments":{"name":"café"}}"#, #"{"serviceArguments":{"name":"a\"b"}}"#,
        #"{"serviceArguments":{"PORT":1,"port":2,"Port":3}}"#, #"{"serviceArguments":{"port":1,"port":2}}"#,
        #"{"serviceArguments":{"Port":1,"PORT":2}}"#, #"{"serviceArguments":{"PORT":"80","port":2}}"#,
        #"{"ENDPOINTS":[],"endpoints":[{"weight":1}]}"#, #"{"serviceArguments":{"port":80}"#,
        #"{"serviceArguments":{"port":80}} x"#, #"{"endpoints":{}}"#, #"{"serviceArguments":[]}"#,
        #"{"secondaryIPs":[{"secondaryIP":[]}]}"#, "[]", "not json", "", "nul", "{,}", #"{"a":1,}"#,
        #"{"a":tru}"#, #"{"a":[1,]}"#, "\u{FEFF}{}", #"{"K\u212A":1}"#, #"{"sel\u0000":1}"#,
        String(repeating: #"{"a":"#, count: 40) + "1" + String(repeating: "}", count: 40),
        #"{"serviceArguments":{"port":+1}}"#, #"{"serviceArguments":{"port":-}}"#,
        "{\"serviceArguments\":{\"name\":\"tab\there\"}}", "{\"a\":1}\u{0B}",
    ]

    static func sameAsGeneric(_ body: String) -> Bool {
        let data = Data(body.utf8)
        let generic = Result { () throws(APIError) in try LoxiJSON.decodeRequest(LoadBalancerEntry.self, from: data) }
        let shortcut = Result { () throws(APIError) in try LoxiJSON.decodeEntryRequest(from: data) }
        let stored = Result { () throws(APIError) in try LoxiJSON.decode(LoadBalancerEntry.self, from: data) }
        let storedShortcut = Result { () throws(APIError) in try LoxiJSON.decodeEntry(from: data) }
        return generic == shortcut && stored == storedShortcut
    }

    @Test("plain bodies are read by the shortcut, as JSONDecoder reads them", arguments: plainBodies)
    func plainBody(body: String) throws {
        let entry = try #require(LoxiJSON.plainEntry(Data(body.utf8)))
        #expect(entry == (try LoxiJSON.decodeRequest(LoadBalancerEntry.self, from: Data(body.utf8))))
        #expect(Self.sameAsGeneric(body))
    }

    @Test("other bodies go to JSONDecoder: the same entry or the same 400", arguments: genericBodies)
    func genericBody(body: String) {
        #expect(LoxiJSON.plainEntry(Data(body.utf8)) == nil)
        #expect(Self.sameAsGeneric(body))
    }

    @Test("mutated bodies: the shortcut and the generic path agree on every one")
    func mutatedBodies() {
        var random = SplitMix64(seed: 14)
        let seeds = (Self.plainBodies + Self.genericBodies).map { Array($0.utf8) }
        let alphabet = Array(#"{}[]:,"\ -0123456789.eE+tfnul aAzZ"#.utf8) + [0x09, 0x0A, 0xC3, 0xA9, 0x00]
        var disagreements: [String] = []
        for round in 0..<4000 {
            var bytes = seeds[round % seeds.count]
            for _ in 0..<(1 + Int(random.next() % 3)) {
                let position = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count))
                let byte = alphabet[Int(random.next() % UInt64(alphabet.count))]
                switch random.next() % 3 {
                case 0 where !bytes.isEmpty: bytes[position] = byte
                case 1 where !bytes.isEmpty: bytes.remove(at: position)
                default: bytes.insert(byte, at: position)
                }
            }
            let data = Data(bytes)
            let generic = Result { () throws(APIError) in
                try LoxiJSON.decodeRequest(LoadBalancerEntry.self, from: data)
            }
            let shortcut = Result { () throws(APIError) in try LoxiJSON.decodeEntryRequest(from: data) }
            if generic != shortcut { disagreements.append(String(decoding: bytes, as: UTF8.self)) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }

    @Test(
        "the writer's bytes are JSONEncoder's",
        arguments: [
            LoxiJSONTests.fullEntry, LoadBalancerEntry(),
            LoadBalancerEntry(
                serviceArguments: ServiceArguments(port: Int.min, portMax: Int.max, snatSources: "10.9.0.0/28")),
            LoadBalancerEntry(serviceArguments: ServiceArguments(name: "café")),
            LoadBalancerEntry(serviceArguments: ServiceArguments(name: "a\"b\\c/d\t\u{7F}")),
            LoadBalancerEntry(endpoints: [LBEndpoint(endpointIP: "fd00::1", targetPort: -1, weight: 0), LBEndpoint()]),
        ])
    func writer(entry: LoadBalancerEntry) throws {
        #expect(LoxiJSON.encodeEntry(entry) == LoxiJSON.encode(entry))
        #expect(try LoxiJSON.decodeEntry(from: LoxiJSON.encodeEntry(entry)) == entry)
    }

    @Test("every field is read and written by the shortcuts")
    func everyField() throws {
        var entry = LoxiJSONTests.fullEntry
        entry.serviceArguments.snatSources = "10.9.0.1-10.9.0.4"
        let data = LoxiJSON.encodeEntry(entry)
        #expect(LoxiJSON.plainEntry(data) == entry)
    }
}

/// A small seeded generator, so that a failing mutation is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
