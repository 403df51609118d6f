import Foundation
import Hummingbird
import SwiftLBCore

/// loxilb's firewall paths: `POST /config/firewall`, `GET /config/firewall/all` and
/// `DELETE /config/firewall?sourceIP=...` (the query names the rule; missing fields are zero).
/// Without a firewall store (no datapath for it) every path answers 503.
struct FirewallHandlers: Sendable {
    let firewall: FirewallStore?

    static let path = APIRoutes.base + "/config/firewall"

    var routes: [(path: String, method: HTTPRequest.Method, handler: Handler)] {
        [(Self.path, .post, create), (Self.path + "/all", .get, list), (Self.path, .delete, delete)]
    }

    private static let whitespace: Set<UInt8> = [0x20, 0x09, 0x0a, 0x0d]

    private func store() throws(APIError) -> FirewallStore {
        guard let firewall else { throw APIError(status: 503, message: "the firewall is not available in this daemon") }
        return firewall
    }

    /// `POST /config/firewall`: 200 `{"result":"Success"}` once the rule is stored and installed.
    var create: Handler {
        { request, _ in
            let firewall = try store()
            let body = Data(buffer: try await request.body.collect(upTo: APIRoutes.maxBodySize))
            // A `null` body would decode Go-style as a rule with every field zero: one matching every
            // packet. Such a rule must be asked for with an object ({} or explicit fields).
            guard body.first(where: { !Self.whitespace.contains($0) }) == UInt8(ascii: "{") else {
                throw APIError.badRequest(field: "body", message: "the body must be a JSON object (a firewall entry)")
            }
            let entry = try LoxiJSON.decodeRequest(FirewallEntry.self, from: body)
            try await firewall.add(entry)
            return JSONResponse.success
        }
    }

    /// `GET /config/firewall/all`: `{"fwAttr":[...]}` with "packets:bytes" counters.
    var list: Handler {
        { _, _ in
            JSONResponse.make(FirewallList(fwAttr: try await store().entries()))
        }
    }

    /// `DELETE /config/firewall?...`: 200 `{"result":"Success"}`, 404 for no such rule.
    var delete: Handler {
        { request, _ in
            let firewall = try store()
            try await firewall.delete(try Self.arguments(request.uri.queryParameters))
            return JSONResponse.success
        }
    }

    /// The rule a DELETE's query names; numbers that are not numbers are 400s naming them.
    static func arguments(_ query: Parameters) throws(APIError) -> FirewallRuleArguments {
        func number(_ name: String) throws(APIError) -> Int {
            guard let text = query.get(name), !text.isEmpty else { return 0 }
            return try DeleteParameters.number(name, text)
        }
        return FirewallRuleArguments(
            sourceIP: query.get("sourceIP") ?? "", destinationIP: query.get("destinationIP") ?? "",
            minSourcePort: try number("minSourcePort"), maxSourcePort: try number("maxSourcePort"),
            minDestinationPort: try number("minDestinationPort"), maxDestinationPort: try number("maxDestinationPort"),
            protocol: try number("protocol"), portName: query.get("portName") ?? "",
            preference: try number("preference"))
    }
}
