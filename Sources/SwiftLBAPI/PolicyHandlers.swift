import Foundation
import Hummingbird
import SwiftLBCore

/// loxilb's QoS policy paths: `POST /config/policy`, `GET /config/policy/all` and
/// `DELETE /config/policy/ident/{ident}`. Without a policy store every path answers 503.
struct PolicyHandlers: Sendable {
    let policies: PolicyStore?

    static let path = APIRoutes.base + "/config/policy"

    var routes: [(path: String, method: HTTPRequest.Method, handler: Handler)] {
        [(Self.path, .post, create), (Self.path + "/all", .get, list), (Self.path + "/ident/:ident", .delete, delete)]
    }

    private static let whitespace: Set<UInt8> = [0x20, 0x09, 0x0a, 0x0d]

    private func store() throws(APIError) -> PolicyStore {
        guard let policies else { throw APIError(status: 503, message: "policies are not available in this daemon") }
        return policies
    }

    /// `POST /config/policy`: 200 `{"result":"Success"}` once the policy is stored and installed.
    var create: Handler {
        { request, _ in
            let policies = try store()
            let body = Data(buffer: try await request.body.collect(upTo: APIRoutes.maxBodySize))
            guard body.first(where: { !Self.whitespace.contains($0) }) == UInt8(ascii: "{") else {
                throw APIError.badRequest(field: "body", message: "the body must be a JSON object (a policy entry)")
            }
            try await policies.add(try LoxiJSON.decodeRequest(PolicyEntry.self, from: body))
            return JSONResponse.success
        }
    }

    /// `GET /config/policy/all`: `{"polAttr":[...]}` with per-colour counters in `policyStats`.
    var list: Handler {
        { _, _ in
            JSONResponse.make(PolicyList(polAttr: try await store().entries()))
        }
    }

    /// `DELETE /config/policy/ident/{ident}`: 200 `{"result":"Success"}`, 404 for no such policy.
    var delete: Handler {
        { _, context in
            let policies = try store()
            try await policies.delete(ident: try DeleteParameters.text("ident", in: context.parameters))
            return JSONResponse.success
        }
    }
}
