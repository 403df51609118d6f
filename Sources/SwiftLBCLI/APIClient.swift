import Foundation
import SwiftLBCore

/// Sends requests through a transport and turns non-2xx answers into `CLIError.server`.
public struct APIClient: Sendable {
    /// How requests travel.
    public let transport: any HTTPTransport

    /// Creates a client over `transport`.
    public init(transport: any HTTPTransport) {
        self.transport = transport
    }

    /// Sends `request`; returns the answer when its status is 2xx and throws `.server` otherwise.
    @discardableResult
    public func send(_ request: APIRequest) async throws(CLIError) -> APIResponse {
        let response = try await transport.send(request)
        guard (200..<300).contains(response.status) else {
            throw APIClient.serverError(response)
        }
        return response
    }

    /// GETs `path` and decodes the answer as `type`.
    public func get<T: Decodable>(_ type: T.Type, path: String) async throws(CLIError) -> T {
        let response = try await send(APIRequest(method: .get, path: path))
        do {
            return try LoxiJSON.decode(type, from: response.body)
        } catch {
            throw .badResponse("GET \(path): \(error.message)")
        }
    }

    /// The error for a refused request: the server's `ErrorModel` message and fields when it sent
    /// one, otherwise the start of the body as text.
    static func serverError(_ response: APIResponse) -> CLIError {
        if let model = try? LoxiJSON.decode(ErrorModel.self, from: response.body) {
            var message = model.message.isEmpty ? model.result : model.message
            if response.status == 401 {
                // The usual cause is a user who cannot read the daemon's token file.
                message += " (HTTP 401; swiftlbctl sends --token, $SWIFTLB_TOKEN or the token file it can read)"
            }
            if !message.isEmpty {
                return .server(status: response.status, message: message, fields: model.fields)
            }
        }
        let text = String(decoding: response.body.prefix(200), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let message = text.isEmpty ? "the server answered HTTP \(response.status)" : "HTTP \(response.status): \(text)"
        return .server(status: response.status, message: message, fields: [])
    }
}
