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
        // Login is how a client gets a token; readiness is what probes (kubelet) ask without one.
        if access.isOpen || request.uri.path == Self.loginPath || request.uri.path == APIRoutes.readyPath {
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
        // Plain byte work: Foundation's trimming cost more than the rest of a POST's checks.
        guard var value = header.map(Self.trimmedSpaces), !value.isEmpty else { return nil }
        if value.utf8.count > 7, value.prefix(7).lowercased() == "bearer " {
            value = Self.trimmedSpaces(value.dropFirst(7))
        }
        return value.isEmpty ? nil : value
    }

    /// `text` without leading and trailing spaces and tabs.
    static func trimmedSpaces(_ text: some StringProtocol) -> String {
        // Printable ASCII (every token and content type in practice) has one byte per Character:
        // trimmed on bytes, as walking Characters cost 1 % of a create's CPU.
        let string = String(text)
        let utf8 = string.utf8
        if utf8.allSatisfy({ (0x20..<0x7F).contains($0) || $0 == 0x09 }) {
            let blankByte: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
            guard let first = utf8.firstIndex(where: { !blankByte($0) }),
                let last = utf8.lastIndex(where: { !blankByte($0) })
            else { return "" }
            return String(string[first...last])
        }
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) })
        else { return "" }
        return String(text[first...last])
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
            let type = request.headers[.contentType]?.split(separator: ";").first
                .map { AuthMiddleware<Context>.trimmedSpaces($0).lowercased() }
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
