import Foundation
import SwiftLBCLI
import SwiftLBCore
import Testing

@Suite("create, get, delete, save and apply mirror")
struct MirrorCommandTests {
    @Test("create mirror sends loxicmd's body; a rule named vip:port/proto keeps its colon")
    func create() async throws {
        let transport = FakeTransport()
        try await run(
            [
                "create", "mirror", "mirr-1", "--mirrorInfo=type:0,port:hs0",
                "--targetObject=attachement:1,mirrObjName:hs1",
            ], transport: transport)
        try await run(
            [
                "create", "mirr", "m2", "--mirrorInfo=type:2,remoteIP:10.9.9.9",
                "--mirrorInfo=sourceIP:10.9.9.1,tunnelID:7",
                "--targetObject=attachement:2,mirrObjName:20.20.20.1:80/tcp",
            ], transport: transport)
        let requests = await transport.requests
        #expect(requests.map(\.path) == ["/netlox/v1/config/mirror", "/netlox/v1/config/mirror"])
        let bodies = try requests.map { try LoxiJSON.decode(MirrorEntry.self, from: try #require($0.body)) }
        #expect(
            bodies[0].configuration
                == MirrorEntry(
                    mirrorIdent: "mirr-1", mirrorInfo: MirrorInfo(type: 0, port: "hs0"),
                    targetObject: MirrorTargetObject(attachment: 1, mirrObjName: "hs1")))
        #expect(
            bodies[1].configuration
                == MirrorEntry(
                    mirrorIdent: "m2",
                    mirrorInfo: MirrorInfo(type: 2, remoteIP: "10.9.9.9", sourceIP: "10.9.9.1", tunnelID: 7),
                    targetObject: MirrorTargetObject(attachment: 2, mirrObjName: "20.20.20.1:80/tcp")))
        let json = String(decoding: try #require(requests[0].body), as: UTF8.self)
        #expect(json.contains(#""targetObject":{"attachment":1,"mirrObjName":"hs1"}"#))
    }

    @Test("bad flags are refused before any request")
    func refused() async throws {
        try await expectRefusedLocally([
            ["create", "mirror", "m", "--mirrorInfo=type:0,port:hs0"],
            ["create", "mirror", "m", "--mirrorInfo=type:span", "--targetObject=attachement:1,mirrObjName:a"],
            ["create", "mirror", "m", "--mirrorInfo=colour:red", "--targetObject=attachement:1,mirrObjName:a"],
            ["create", "mirror", "m", "--targetObject=attachement"],
        ])
    }

    @Test("delete mirror sends DELETE /config/mirror/ident/NAME")
    func delete() async throws {
        let transport = FakeTransport()
        try await run(["delete", "mirror", "mirr-1"], transport: transport)
        #expect(await transport.requests.map(\.description) == ["DELETE /netlox/v1/config/mirror/ident/mirr-1"])
    }

    static let answer =
        #"{"mirrAttr":[{"mirrorIdent":"m1","mirrorInfo":{"type":1,"port":"eth2","vlan":30,"remoteIP":"","#
        + #""sourceIP":"","tunnelID":0},"targetObject":{"attachment":2,"mirrObjName":"web"},"sync":0,"#
        + #""counter":"4:240","failures":0}]}"#

    @Test("get mirror prints loxicmd's columns and the counters; wide adds Sync")
    func get() async throws {
        let transport = FakeTransport(status: 200, body: Self.answer)
        let text = try await run(["get", "mirror"], transport: transport).lines.joined(separator: "\n")
        #expect(text.contains("MIRROR NAME") && text.contains("LB Rule") && text.contains("Vlan ID : 30"))
        #expect(text.contains("4:240"))
        let wide = try await run(["get", "mirror", "-o", "wide"], transport: transport).lines.joined()
        #expect(wide.contains("SYNC"))
    }

    @Test("save --mirror writes MIRRconfig.txt without live fields; apply --mirror posts it back")
    func saveAndApply() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slbmir-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let transport = FakeTransport(status: 200, body: Self.answer)
        try await run(["save", "--mirror", "-c", directory.path], transport: transport)
        let file = directory.appendingPathComponent("MIRRconfig.txt")
        let saved = String(decoding: try Data(contentsOf: file), as: UTF8.self)
        #expect(saved.hasPrefix(#"{"mirrAttr":[{"#) && !saved.contains("counter") && !saved.contains("sync"))
        let apply = FakeTransport()
        try await run(["apply", "--mirror", file.path], transport: apply)
        let posted = await apply.requests
        #expect(posted.map(\.path) == ["/netlox/v1/config/mirror"])
        let entry = try LoxiJSON.decode(MirrorEntry.self, from: try #require(posted.first?.body))
        #expect(entry.mirrorIdent == "m1" && entry.mirrorInfo.vlan == 30 && entry.targetObject.mirrObjName == "web")
        let yaml = directory.appendingPathComponent("m.yaml")
        try Data(
            "kind: Mirror\nspec:\n  mirrorIdent: y\n  mirrorInfo: {type: 0, port: eth2}\n  targetObject: {attachment: 1, mirrObjName: eth0}\n"
                .utf8
        ).write(to: yaml)
        let applyYAML = FakeTransport()
        try await run(["apply", "-f", yaml.path], transport: applyYAML)
        #expect(await applyYAML.requests.map(\.path) == ["/netlox/v1/config/mirror"])
    }
}
