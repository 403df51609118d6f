import Foundation
import Hummingbird
import SwiftLBCore

/// loxilb's endpoint monitoring paths: `/config/endpoint` (create, list, delete) and
/// `/config/endpointhoststate`.
struct EndpointHandlers: Sendable {
    let store: RuleStore

    /// `POST /config/endpoint`: 200 `{"result":"Success"}` once the entry is saved.
    var create: Handler {
        { [store] request, _ in
            let body = try await request.body.collect(upTo: APIRoutes.maxBodySize)
            let entry = try LoxiJSON.decodeRequest(EndPointEntry.self, from: Data(buffer: body))
            // Checked here, not in the validator that restore also runs: an entry stored by an
            // older version must not keep the daemon from starting.
            if let host = IPAddress(entry.hostName),
                let problem = RuleValidator.unusableReason(host, allowLoopback: true)
            {
                throw APIError.badRequest(
                    field: "hostName", message: "hostName \(entry.hostName) is \(problem); probe a unicast address")
            }
            try await store.createEndpoint(entry)
            return JSONResponse.success
        }
    }

    /// `GET /config/endpoint/all`: `{"Attr":[...]}` with state and probe delays.
    var list: Handler {
        { [store] _, _ in
            JSONResponse.make(EndPointList(Attr: await store.endpointStates()))
        }
    }

    /// `DELETE /config/endpoint/epipaddress/{ip_address}?name=&probe_type=&probe_port=`: 204, or 404.
    var delete: Handler {
        { [store] request, context in
            let host = try DeleteParameters.text("ip_address", in: context.parameters)
            let query = request.uri.queryParameters
            var port = 0
            if let text = query.get("probe_port"), !text.isEmpty {
                port = try DeleteParameters.number("probe_port", text)
            }
            try await store.deleteEndpoints(
                host: host, name: query.get("name") ?? "", probeType: query.get("probe_type") ?? "", probePort: port)
            return Response(status: .noContent)
        }
    }

    /// `POST /config/endpointhoststate`: 200 `{"result":"Success"}` once the mark is applied.
    var hostState: Handler {
        { [store] request, _ in
            let body = try await request.body.collect(upTo: APIRoutes.maxBodySize)
            let state = try LoxiJSON.decodeRequest(EndPointHostState.self, from: Data(buffer: body))
            try await store.setHostState(state)
            return JSONResponse.success
        }
    }
}
