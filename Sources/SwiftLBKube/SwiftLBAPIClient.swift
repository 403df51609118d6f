import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwiftLBCore

/// The REST calls swiftlb-kube makes to one SwiftLB (loxilb's paths under /netlox/v1).
public struct SwiftLBAPIClient: Sendable {
    /// The API's base URL, e.g. `http://10.0.0.1:11111`.
    public let baseURL: String
    let token: String?
    let http: HTTPClient

    /// A failed call: `status` 0 when the instance could not be reached.
    public struct CallError: Error, CustomStringConvertible {
        public let status: Int
        public let description: String
    }

    public init(baseURL: String, token: String?, http: HTTPClient) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.http = http
    }

    /// Every rule the instance holds.
    public func rules() async throws(CallError) -> [LoadBalancerEntry] {
        let body = try await call(.GET, "/netlox/v1/config/loadbalancer/all")
        do {
            return try JSONDecoder().decode(LoadBalancerList.self, from: body).lbAttr
        } catch {
            throw CallError(status: 0, description: "\(baseURL): cannot read the rule list: \(error)")
        }
    }

    /// Creates or updates a rule.
    public func create(_ entry: LoadBalancerEntry) async throws(CallError) {
        try await post("/netlox/v1/config/loadbalancer", entry)
    }

    /// POSTs `body` as JSON to `path`.
    public func post(_ path: String, _ body: some Encodable) async throws(CallError) {
        let data: Data
        do { data = try JSONEncoder().encode(body) } catch {
            throw CallError(status: 0, description: "cannot encode the body of \(path): \(error)")
        }
        _ = try await call(.POST, path, body: data)
    }

    /// Deletes the rule of `key`; a rule already gone is no error.
    public func delete(_ key: RuleKey) async throws(CallError) {
        let path =
            "/netlox/v1/config/loadbalancer/externalipaddress/\(key.vip)/port/\(key.port)/protocol/\(key.proto)"
        do {
            _ = try await call(.DELETE, path)
        } catch  where error.status == 404 {
            return
        }
    }

    /// Sends `body` (JSON) to `path` with `method`; the answer's body, or an error with its message.
    public func call(_ method: HTTPMethod, _ path: String, body: Data? = nil) async throws(CallError) -> Data {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response: HTTPClientResponse
        let data: ByteBuffer
        do {
            response = try await http.execute(request, timeout: .seconds(30))
            data = try await response.body.collect(upTo: 256 << 20)
        } catch {
            throw CallError(status: 0, description: "\(baseURL) is unreachable: \(error)")
        }
        let bytes = Data(data.readableBytesView)
        guard (200..<300).contains(response.status.code) else {
            let message =
                (try? JSONDecoder().decode(ErrorBody.self, from: bytes).message)
                ?? String(decoding: bytes.prefix(500), as: UTF8.self)
            throw CallError(
                status: Int(response.status.code),
                description: "\(method) \(path) on \(baseURL): \(response.status.code) \(message)")
        }
        return bytes
    }

    private struct ErrorBody: Decodable {
        let message: String
    }
}

/// A rule's identity on an instance: VIP, port and protocol.
public struct RuleKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let vip: String
    public let port: Int
    public let proto: String

    public init(_ entry: LoadBalancerEntry) {
        vip = entry.serviceArguments.externalIP
        port = entry.serviceArguments.port
        proto = entry.serviceArguments.protocol.lowercased()
    }

    public var description: String { "\(vip):\(port)/\(proto)" }

    public static func < (a: RuleKey, b: RuleKey) -> Bool { (a.vip, a.port, a.proto) < (b.vip, b.port, b.proto) }
}
