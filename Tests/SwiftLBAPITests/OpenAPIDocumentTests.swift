import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SwiftLBCore
import Testing

@testable import SwiftLBAPI

@Suite("OpenAPI document: valid JSON, the router's routes exactly, served by the router")
struct OpenAPIDocumentTests {
    /// One documented or served operation: an OpenAPI path template and a lower-case method.
    struct Operation: Hashable, CustomStringConvertible {
        var path: String
        var method: String

        var description: String { "\(method.uppercased()) \(path)" }
    }

    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// The document as a JSON object.
    static func document() throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8))
        return try #require(value as? [String: Any], "the document is not a JSON object")
    }

    /// Every operation of the document, with its object.
    static func documented() throws -> [Operation: [String: Any]] {
        let paths = try #require(try document()["paths"] as? [String: Any], "the document has no paths")
        var operations: [Operation: [String: Any]] = [:]
        for (path, item) in paths {
            let item = try #require(item as? [String: Any], "\(path) is not a path item")
            for (key, value) in item where methods.contains(key) {
                operations[Operation(path: path, method: key)] = try #require(
                    value as? [String: Any], "\(key) \(path) is not an operation")
            }
        }
        return operations
    }

    /// Every route the router registers, with `:param` written `{param}`.
    static func served() -> Set<Operation> {
        let logger = Logger(label: "swiftlb.api.test", factory: { _ in SwiftLogNoOpLogHandler() })
        let store = RuleStore(config: InMemoryConfigStore(), datapath: InMemoryDatapath(), logger: logger)
        let routes = routeTable(store: store, version: APITestHarness.version)
        return Set(
            routes.map { route in
                let segments = route.path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
                    segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
                }
                return Operation(path: segments.joined(separator: "/"), method: route.method.rawValue.lowercased())
            })
    }

    @Test("parses as an OpenAPI 3.0 document with info, paths and components")
    func parses() throws {
        let document = try Self.document()
        #expect((document["openapi"] as? String)?.hasPrefix("3.0.") == true)
        #expect(document["info"] is [String: Any])
        #expect(document["components"] is [String: Any])
        #expect(!(try Self.documented()).isEmpty)
    }

    @Test("documents exactly the routes makeRouter registers, no more and no fewer")
    func matchesRouter() throws {
        let documented = Set(try Self.documented().keys)
        let served = Self.served()
        let undocumented = served.subtracting(documented).map(\.description).sorted()
        let unserved = documented.subtracting(served).map(\.description).sorted()
        #expect(undocumented.isEmpty, "routes missing from OpenAPIDocument: \(undocumented)")
        #expect(unserved.isEmpty, "documented routes the router does not serve: \(unserved)")
        #expect(served.count > 20)
    }

    @Test("every operation has a success response, 401, 403 when it writes with a token, and its path parameters")
    func operationsComplete() throws {
        for (operation, object) in try Self.documented() {
            let responses = try #require(object["responses"] as? [String: Any], "\(operation) has no responses")
            #expect(responses.keys.contains { $0.hasPrefix("2") }, "\(operation) has no 2xx response")
            // Login and the readiness probe are open without a token (`security: []`): no 403, and
            // the probe no 401 either.
            let open = (object["security"] as? [Any])?.isEmpty == true
            #expect(open || responses["401"] != nil, "\(operation) lacks 401")
            if !open && (operation.method == "post" || operation.method == "delete") {
                #expect(responses["403"] != nil, "\(operation) is a write but lacks 403")
            }
            let parameters = (object["parameters"] as? [[String: Any]]) ?? []
            let declared = Set(parameters.filter { $0["in"] as? String == "path" }.compactMap { $0["name"] as? String })
            let templated = Set(
                operation.path.split(separator: "/").filter { $0.hasPrefix("{") }.map {
                    String($0.dropFirst().dropLast())
                })
            #expect(declared == templated, "\(operation) declares path parameters \(declared), not \(templated)")
        }
    }

    @Test("every $ref names a component that exists")
    func referencesResolve() throws {
        let document = try Self.document()
        var references: [String] = []
        func collect(_ value: Any) {
            if let object = value as? [String: Any] {
                if let reference = object["$ref"] as? String { references.append(reference) }
                object.values.forEach(collect)
            } else if let array = value as? [Any] {
                array.forEach(collect)
            }
        }
        collect(document)
        #expect(!references.isEmpty)
        for reference in Set(references) {
            var node: Any? = document
            for key in reference.dropFirst(2).split(separator: "/") {
                node = (node as? [String: Any])?[String(key)]
            }
            #expect(node is [String: Any], "\(reference) does not resolve")
        }
    }

    @Test("GET /netlox/v1/openapi.json answers the document as JSON")
    func servesDocument() async throws {
        try await APITestHarness().run { client in
            let response = try await client.get("/netlox/v1/openapi.json")
            #expect(response.status == .ok)
            #expect(response.isJSON)
            #expect(response.text == OpenAPIDocument.json)
        }
    }
}
