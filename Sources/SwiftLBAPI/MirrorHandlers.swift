import Foundation
import Hummingbird
import SwiftLBCore

/// loxilb's mirror paths: `POST /config/mirror`, `GET /config/mirror/all` and
/// `DELETE /config/mirror/ident/{ident}`. Without a mirror store every path answers 503.
struct MirrorHandlers: Sendable {
    let mirrors: MirrorStore?

    static let path = APIRoutes.base + "/config/mirror"

    var routes: [(path: String, method: HTTPRequest.Method, handler: Handler)] {
        [(Self.path, .post, create), (Self.path + "/all", .get, list), (Self.path + "/ident/:ident", .delete, delete)]
    }

    private static let whitespace: Set<UInt8> = [0x20, 0x09, 0x0a, 0x0d]

    private func store() throws(APIError) -> MirrorStore {
        guard let mirrors else { throw APIError(status: 503, message: "mirroring is not available in this daemon") }
        return mirrors
    }

    /// `POST /config/mirror`: 200 `{"result":"Success"}` once the mirror is stored and installed.
    var create: Handler {
        { request, _ in
            let mirrors = try store()
            let body = Data(buffer: try await request.body.collect(upTo: APIRoutes.maxBodySize))
            guard body.first(where: { !Self.whitespace.contains($0) }) == UInt8(ascii: "{") else {
                throw APIError.badRequest(field: "body", message: "the body must be a JSON object (a mirror entry)")
            }
            try await mirrors.add(try LoxiJSON.decodeRequest(MirrorEntry.self, from: body))
            return JSONResponse.success
        }
    }

    /// `GET /config/mirror/all`: `{"mirrAttr":[...]}` with `sync` and the copies' counters.
    var list: Handler {
        { _, _ in
            JSONResponse.make(MirrorList(mirrAttr: try await store().entries()))
        }
    }

    /// `DELETE /config/mirror/ident/{ident}`: 200 `{"result":"Success"}`, 404 for no such mirror.
    var delete: Handler {
        { request, context in
            let mirrors = try store()
            let ident = try DeleteParameters.text("ident", in: context.parameters)
            try await mirrors.delete(try MirrorValidator.ident(ident))
            return JSONResponse.success
        }
    }
}
