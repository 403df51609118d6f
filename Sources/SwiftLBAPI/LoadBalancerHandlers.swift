import Foundation
import Hummingbird
import SwiftLBCore

/// The request handlers: decode and check the request, call the `RuleStore`, encode the answer.
struct LoadBalancerHandlers: Sendable {
    let store: RuleStore
    let versionInfo: VersionInfo
    /// False when the daemon runs without BGP: a rule asking to be announced is then refused
    /// rather than accepted and silently never announced.
    var bgpEnabled = true

    /// `POST /config/loadbalancer`: 200 `{"result":"Success"}` once the rule is programmed and saved.
    var create: Handler {
        { [store, bgpEnabled] request, _ in
            let body = try await request.body.collect(upTo: APIRoutes.maxBodySize)
            let entry = try LoxiJSON.decodeEntryRequest(from: Data(buffer: body))
            if entry.serviceArguments.bgp && !bgpEnabled {
                throw APIError.badRequest(
                    field: "serviceArguments.bgp",
                    message:
                        "bgp is true but this daemon runs without BGP, so the VIP would never be announced; start swiftlb with --bgp or send bgp false"
                )
            }
            try await store.create(entry)
            return JSONResponse.success
        }
    }

    /// `GET /config/loadbalancer/all`: `{"lbAttr":[...]}` with endpoint state and counters.
    var list: Handler {
        { [store] _, _ in
            JSONResponse.make(LoadBalancerList(lbAttr: await store.list()))
        }
    }

    /// `DELETE /config/loadbalancer/all`: 204, also when there is nothing to delete.
    var deleteAll: Handler {
        { [store] request, _ in
            try DeleteParameters.checkQuery(request.uri.queryParameters)
            try await store.deleteAll()
            return Response(status: .noContent)
        }
    }

    /// `DELETE /config/loadbalancer/name/{lb_name}`: 204, or 404 when no rule has that name.
    var deleteByName: Handler {
        { [store] request, context in
            try DeleteParameters.checkQuery(request.uri.queryParameters)
            let name = try DeleteParameters.text("lb_name", in: context.parameters)
            try await store.delete(.name(name))
            return Response(status: .noContent)
        }
    }

    /// The four loxilb DELETE forms naming a service by address, port(s), protocol and host URL.
    var deleteService: Handler {
        { [store] request, context in
            let selector = try DeleteParameters.selector(path: context.parameters, query: request.uri.queryParameters)
            try await store.delete(selector)
            return Response(status: .noContent)
        }
    }

    /// `GET /config/conntrack/all`: `{"ctAttr":[...]}`.
    var connections: Handler {
        { [store] _, _ in
            JSONResponse.make(ConntrackList(ctAttr: try await store.connections()))
        }
    }

    /// `GET /version`.
    /// 200 `{"ready":true}` once the datapath is programmed, 503 `{"ready":false}` while it loads.
    var ready: Handler {
        { [store] _, _ in
            let ready = await store.isReady
            return Response(
                status: ready ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: ready ? #"{"ready":true}"# : #"{"ready":false}"#)))
        }
    }

    var version: Handler {
        { [versionInfo] _, _ in
            JSONResponse.make(versionInfo)
        }
    }
}
