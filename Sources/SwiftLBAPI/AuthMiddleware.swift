import Hummingbird
import SwiftLBCore

/// Checks every request's token before it reaches a handler: 401 without a valid one, 403 when a
/// read-only token asks for a write. The token comes in `Authorization`, as `Bearer <token>` or
/// bare (what loxicmd sends). Login is the one path open to all: it is how loxicmd gets a token.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let access: APIAccess

    static var loginPath: String { APIRoutes.base + "/auth/login" }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if access.isOpen || request.uri.path == Self.loginPath {
            return try await next(request, context)
        }
        guard let secret = Self.secret(in: request.headers[.authorization]) else {
            throw APIError(
                status: 401,
                message:
                    "this API needs a token: send `Authorization: Bearer <token>` (tokens are in the daemon's --api-token-file)",
                fields: ["Authorization"])
        }
        guard let token = access.token(secret: secret) else {
            throw APIError(status: 401, message: "the token is not valid", fields: ["Authorization"])
        }
        if token.scope == .read && !(request.method == .get || request.method == .head) {
            throw APIError(
                status: 403,
                message: "token \(token.name) may only read; \(request.method.rawValue) needs an admin token",
                fields: ["Authorization"])
        }
        return try await next(request, context)
    }

    /// The secret from an `Authorization` value: after `Bearer ` (any case), or the whole value.
    static func secret(in header: String?) -> String? {
        guard var value = header?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if value.lowercased().hasPrefix("bearer ") {
            value = String(value.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        }
        return value.isEmpty ? nil : value
    }
}

/// Writes with a body must say `Content-Type: application/json` (415 otherwise), so a web page
/// cannot post to the API as a plain form without the browser asking first.
struct JSONContentTypeMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Paths that also take `multipart/form-data`.
    var formPaths: Set<String> = []

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let writes: [HTTPRequest.Method] = [.post, .put, .patch]
        if writes.contains(request.method), Self.hasBody(request) {
            let type = request.headers[.contentType]?.split(separator: ";").first?
                .trimmingCharacters(in: .whitespaces).lowercased()
            let form = type == "multipart/form-data" && formPaths.contains(request.uri.path)
            guard type == "application/json" || form else {
                throw APIError(
                    status: 415,
                    message: "send the body as JSON with `Content-Type: application/json` (got \(type ?? "none"))",
                    fields: ["Content-Type"])
            }
        }
        return try await next(request, context)
    }

    private static func hasBody(_ request: Request) -> Bool {
        if let length = request.headers[.contentLength] { return length != "0" }
        return request.headers[.transferEncoding] != nil
    }
}
