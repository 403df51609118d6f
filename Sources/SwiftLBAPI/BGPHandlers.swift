import Foundation
import Hummingbird
import SwiftLBCore

/// loxilb's BGP paths: `/config/bgp/global` (POST, GET) and `/config/bgp/neigh` (POST, GET,
/// `GET .../all`, `DELETE .../{ip_address}?remoteAs=N`). Without a BGP subsystem (daemon started
/// without `--bgp`) every one answers 503 saying how to enable it.
struct BGPHandlers: Sendable {
    let bgp: (any BGPControl)?

    /// The routes, relative to nothing (full paths).
    var routes: [(path: String, method: HTTPRequest.Method, handler: Handler)] {
        let base = APIRoutes.base + "/config/bgp"
        return [
            (base + "/global", .post, setGlobal),
            (base + "/global", .get, getGlobal),
            (base + "/neigh", .post, addNeighbor),
            (base + "/neigh", .get, listNeighbors),
            (base + "/neigh/all", .get, listNeighbors),
            (base + "/neigh/:ip_address", .delete, deleteNeighbor),
        ]
    }

    /// `POST /config/bgp/global`: 200 `{"result":"Success"}` once validated and saved.
    var setGlobal: Handler {
        { [bgp] request, _ in
            let control = try Self.enabled(bgp)
            let body = try await request.body.collect(upTo: APIRoutes.maxBodySize)
            let config = try LoxiJSON.decodeRequest(BGPGlobalConfig.self, from: Data(buffer: body))
            try await control.setGlobal(config)
            return JSONResponse.success
        }
    }

    /// `GET /config/bgp/global`: the settings with defaults filled in, or 404 when not configured.
    var getGlobal: Handler {
        { [bgp] _, _ in
            let control = try Self.enabled(bgp)
            guard let global = await control.global() else {
                throw APIError.notFound(
                    "BGP is not configured yet; POST /netlox/v1/config/bgp/global with localAs and routerId")
            }
            return JSONResponse.make(global)
        }
    }

    /// `POST /config/bgp/neigh`: 200 once validated and saved (the session comes up asynchronously).
    var addNeighbor: Handler {
        { [bgp] request, _ in
            let control = try Self.enabled(bgp)
            let body = try await request.body.collect(upTo: APIRoutes.maxBodySize)
            let neighbor = try LoxiJSON.decodeRequest(BGPNeighbor.self, from: Data(buffer: body))
            try await control.addNeighbor(neighbor)
            return JSONResponse.success
        }
    }

    /// `GET /config/bgp/neigh/all`: `{"bgpNeiAttr":[...]}` with each session's state.
    var listNeighbors: Handler {
        { [bgp] _, _ in
            let control = try Self.enabled(bgp)
            return JSONResponse.make(BGPNeighborList(bgpNeiAttr: await control.neighbors()))
        }
    }

    /// `DELETE /config/bgp/neigh/{ip_address}[?remoteAs=N]`: 200, or 404 when no such neighbor.
    var deleteNeighbor: Handler {
        { [bgp] request, context in
            let control = try Self.enabled(bgp)
            let address = try DeleteParameters.text("ip_address", in: context.parameters)
            let remoteAs = try request.uri.queryParameters.get("remoteAs").map { text throws(APIError) in
                try DeleteParameters.number("remoteAs", text)
            }
            try await control.deleteNeighbor(ipAddress: address, remoteAs: remoteAs)
            return JSONResponse.success
        }
    }

    private static func enabled(_ bgp: (any BGPControl)?) throws(APIError) -> any BGPControl {
        guard let bgp else {
            throw APIError.unavailable("BGP is disabled on this instance; start swiftlb with --bgp to use it")
        }
        return bgp
    }
}
