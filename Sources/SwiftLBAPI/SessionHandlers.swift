import Foundation
import Hummingbird
import SwiftLBCore

/// loxilb's GTP-U session paths: `POST /config/session`, `GET /config/session/all`,
/// `DELETE /config/session/ident/{ident}`, and for uplink classifiers `POST /config/sessionulcl`,
/// `GET /config/sessionulcl/all`, `DELETE /config/sessionulcl/ident/{ident}/ulclAddress/{ip}`.
/// Without a session store (no datapath for it) every path answers 503.
struct SessionHandlers: Sendable {
    let sessions: GTPSessionStore?

    static let path = APIRoutes.base + "/config/session"
    static let ulclPath = APIRoutes.base + "/config/sessionulcl"

    var routes: [(path: String, method: HTTPRequest.Method, handler: Handler)] {
        [
            (Self.path, .post, create), (Self.path + "/all", .get, list),
            (Self.path + "/ident/:ident", .delete, delete),
            (Self.ulclPath, .post, createClassifier), (Self.ulclPath + "/all", .get, listClassifiers),
            (Self.ulclPath + "/ident/:ident/ulclAddress/:ip_address", .delete, deleteClassifier),
        ]
    }

    private static let whitespace: Set<UInt8> = [0x20, 0x09, 0x0a, 0x0d]

    private func store() throws(APIError) -> GTPSessionStore {
        guard let sessions else {
            throw APIError(status: 503, message: "GTP-U sessions are not available in this daemon")
        }
        return sessions
    }

    /// The request's body, which must be a JSON object.
    private static func body(_ request: Request) async throws -> Data {
        let body = Data(buffer: try await request.body.collect(upTo: APIRoutes.maxBodySize))
        guard body.first(where: { !whitespace.contains($0) }) == UInt8(ascii: "{") else {
            throw APIError.badRequest(field: "body", message: "the body must be a JSON object")
        }
        return body
    }

    /// `POST /config/session`: 200 `{"result":"Success"}` once stored and programmed.
    var create: Handler {
        { request, _ in
            let sessions = try store()
            let entry = try LoxiJSON.decodeRequest(SessionEntry.self, from: try await Self.body(request))
            try await sessions.add(entry)
            return JSONResponse.success
        }
    }

    /// `GET /config/session/all`: `{"sessionAttr":[...]}` with "packets:bytes" counters.
    var list: Handler {
        { _, _ in JSONResponse.make(SessionList(sessionAttr: try await store().entries())) }
    }

    /// `DELETE /config/session/ident/{ident}`: 404 for no such session.
    var delete: Handler {
        { _, context in
            let sessions = try store()
            try await sessions.delete(ident: try DeleteParameters.text("ident", in: context.parameters))
            return JSONResponse.success
        }
    }

    /// `POST /config/sessionulcl`: 200 once stored and programmed; 404 for no such session.
    var createClassifier: Handler {
        { request, _ in
            let sessions = try store()
            let entry = try LoxiJSON.decodeRequest(SessionUlClEntry.self, from: try await Self.body(request))
            try await sessions.addClassifier(entry)
            return JSONResponse.success
        }
    }

    /// `GET /config/sessionulcl/all`: `{"ulclAttr":[...]}`.
    var listClassifiers: Handler {
        { _, _ in JSONResponse.make(SessionUlClList(ulclAttr: try await store().classifierEntries())) }
    }

    /// `DELETE /config/sessionulcl/ident/{ident}/ulclAddress/{ip_address}`.
    var deleteClassifier: Handler {
        { _, context in
            let sessions = try store()
            try await sessions.deleteClassifier(
                ident: try DeleteParameters.text("ident", in: context.parameters),
                address: try DeleteParameters.text("ip_address", in: context.parameters))
            return JSONResponse.success
        }
    }
}
