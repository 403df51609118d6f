import Foundation
import Hummingbird
import SwiftLBCore

/// loxilb's login paths, so `loxicmd set login` works: the user name is a token's name and the
/// password its secret; the answer carries the token loxicmd then sends on every request.
struct AuthHandlers {
    let access: APIAccess

    struct Login: Decodable {
        var username: String
        var password: String
    }

    struct TokenAnswer: Encodable {
        var token: String
    }

    var routes: [(path: String, method: HTTPRequest.Method, handler: Handler)] {
        [
            (APIRoutes.base + "/auth/login", .post, login),
            (APIRoutes.base + "/auth/logout", .post, logout),
        ]
    }

    @Sendable func login(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: APIRoutes.maxBodySize)
        let login = try LoxiJSON.decodeRequest(Login.self, from: Data(buffer: body))
        if access.isOpen { return JSONResponse.make(TokenAnswer(token: "")) }
        guard let token = access.login(name: login.username, password: login.password) else {
            throw APIError(status: 401, message: "unknown user name or password", fields: ["username", "password"])
        }
        return JSONResponse.make(TokenAnswer(token: token.secret))
    }

    /// Tokens live in the token file, so there is nothing to revoke; loxicmd only needs the 200.
    @Sendable func logout(_ request: Request, context: BasicRequestContext) async throws -> Response {
        JSONResponse.success
    }
}
