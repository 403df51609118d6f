import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SwiftLBAPI
import SwiftLBCore
import Testing

/// A router over a `RuleStore` with in-memory config and datapath, driven through HummingbirdTesting.
struct APITestHarness {
    let datapath = InMemoryDatapath()
    let config = InMemoryConfigStore()
    let store: RuleStore
    static let version = VersionInfo(version: "0.1.0", buildInfo: "test", buildDate: "2026-01-01")

    init() {
        let logger = Logger(label: "swiftlb.api.test", factory: { _ in SwiftLogNoOpLogHandler() })
        store = RuleStore(config: config, datapath: datapath, logger: logger)
    }

    /// Runs `test` against the router.
    func run(_ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: makeRouter(store: store, version: APITestHarness.version))
        try await app.test(.router, test)
    }

    /// A loxicmd-style body: `BGP`/`Monitor` spelled as loxicmd does, empty fields omitted.
    static func body(
        vip: String = "20.20.20.1", port: Int = 2020, proto: String = "tcp", name: String = "",
        endpoints: [String] = ["31.31.31.1", "32.32.32.1"], sel: Int = 0
    ) -> String {
        let eps = endpoints.map { #"{"endpointIP":"\#($0)","targetPort":8080,"weight":1}"# }.joined(separator: ",")
        let nameField = name.isEmpty ? "" : #","name":"\#(name)""#
        return #"{"serviceArguments":{"externalIP":"\#(vip)","port":\#(port),"protocol":"\#(proto)","sel":\#(sel),"#
            + #""mode":0,"BGP":false,"Monitor":false,"inactiveTimeOut":0,"block":0\#(nameField)},"#
            + #""endpoints":[\#(eps)]}"#
    }
}

extension TestClientProtocol {
    func post(_ path: String, _ json: String) async throws -> TestResponse {
        try await execute(
            uri: path, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: json))
    }

    func get(_ path: String) async throws -> TestResponse {
        try await execute(uri: path, method: .get)
    }

    func delete(_ path: String) async throws -> TestResponse {
        try await execute(uri: path, method: .delete)
    }

    /// The rules currently listed by the API.
    func listed() async throws -> [LoadBalancerEntry] {
        let response = try await get("/netlox/v1/config/loadbalancer/all")
        #expect(response.status == .ok)
        return try response.decode(LoadBalancerList.self).lbAttr
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try LoxiJSON.decode(type, from: Data(body.readableBytesView))
    }

    /// The body as the loxilb error model.
    func errorModel() throws -> ErrorModel {
        try decode(ErrorModel.self)
    }

    var isJSON: Bool { headers[.contentType] == "application/json" }
}
