import Foundation
import SwiftLBCore
import Testing

@Suite("mirror validation")
struct MirrorValidatorTests {
    static func entry(
        _ ident: String = "m1", type: Int = 0, port: String = "eth2", vlan: Int = 0, remote: String = "",
        source: String = "", tunnel: Int = 0, attachment: Int = 1, target: String = "eth0"
    ) -> MirrorEntry {
        MirrorEntry(
            mirrorIdent: ident,
            mirrorInfo: MirrorInfo(
                type: type, port: port, vlan: vlan, remoteIP: remote, sourceIP: source, tunnelID: tunnel),
            targetObject: MirrorTargetObject(attachment: attachment, mirrObjName: target))
    }

    @Test("SPAN, RSPAN and ERSPAN to ports and rules are accepted")
    func accepted() throws {
        #expect(try MirrorValidator.mirror(from: Self.entry()).destination == .span(port: "eth2"))
        let rspan = try MirrorValidator.mirror(from: Self.entry(type: 1, vlan: 100, attachment: 2, target: "web"))
        #expect(rspan.destination == .rspan(port: "eth2", vlan: 100) && rspan.attachment == .rule("web"))
        let erspan = try MirrorValidator.mirror(
            from: Self.entry(
                type: 2, port: "", remote: "10.9.9.9", source: "10.9.9.1", tunnel: 7, attachment: 2,
                target: "20.20.20.1:80/tcp"))
        #expect(
            erspan.destination
                == .erspan(remote: IPAddress("10.9.9.9")!, source: IPAddress("10.9.9.1")!, session: 7))
    }

    @Test("each bad field is a 400 naming it")
    func refused() {
        let cases: [(MirrorEntry, String)] = [
            (Self.entry(""), "mirrorIdent"),
            (Self.entry("a/b"), "mirrorIdent"),
            (Self.entry(String(repeating: "x", count: 64)), "mirrorIdent"),
            (Self.entry(type: 3), "mirrorInfo.type"),
            (Self.entry(port: ""), "mirrorInfo.port"),
            (Self.entry(port: "a-very-long-interface"), "mirrorInfo.port"),
            (Self.entry(vlan: 5), "mirrorInfo.vlan"),
            (Self.entry(type: 1, vlan: 0), "mirrorInfo.vlan"),
            (Self.entry(type: 1, vlan: 4095), "mirrorInfo.vlan"),
            (Self.entry(type: 2, remote: "10.0.0.x", source: "10.0.0.1", tunnel: 1), "mirrorInfo.remoteIP"),
            (Self.entry(type: 2, remote: "0.0.0.0", source: "10.0.0.1", tunnel: 1), "mirrorInfo.remoteIP"),
            (Self.entry(type: 2, remote: "fd00::1", source: "10.0.0.1", tunnel: 1), "mirrorInfo.remoteIP"),
            (Self.entry(type: 2, remote: "10.0.0.2", source: "", tunnel: 1), "mirrorInfo.sourceIP"),
            (Self.entry(type: 2, remote: "10.0.0.2", source: "10.0.0.1", tunnel: 0), "mirrorInfo.tunnelID"),
            (Self.entry(type: 2, remote: "10.0.0.2", source: "10.0.0.1", tunnel: 1024), "mirrorInfo.tunnelID"),
            (Self.entry(attachment: 0), "targetObject.attachment"),
            (Self.entry(attachment: 3), "targetObject.attachment"),
            (Self.entry(target: ""), "targetObject.mirrObjName"),
            (Self.entry(attachment: 2, target: "a b"), "targetObject.mirrObjName"),
            (Self.entry(port: "eth0", target: "eth0"), "targetObject.mirrObjName"),
        ]
        for (entry, field) in cases {
            do {
                _ = try MirrorValidator.mirror(from: entry)
                Issue.record("accepted \(entry)")
            } catch {
                #expect(error.status == 400 && error.fields == [field], "\(entry): \(error)")
            }
        }
    }

    @Test("decoding is Go-style: case-insensitive keys, missing fields zero; answer-only fields are not kept")
    func decoding() throws {
        let json = #"{"MirrorIdent":"m","mirrorInfo":{"TYPE":1,"port":"e","vlan":9},"targetObject":null,"sync":1}"#
        let entry = try LoxiJSON.decodeRequest(MirrorEntry.self, from: Data(json.utf8))
        #expect(
            entry.configuration == MirrorEntry(mirrorIdent: "m", mirrorInfo: MirrorInfo(type: 1, port: "e", vlan: 9)))
        #expect(entry.sync == 1)
        #expect(entry.configuration.sync == nil)
        let valid = MirrorValidatorTests.entry()
        var answered = valid
        answered.sync = 0
        answered.counter = "1:2"
        #expect(try MirrorValidator.mirror(from: answered).entry == valid)
    }
}
