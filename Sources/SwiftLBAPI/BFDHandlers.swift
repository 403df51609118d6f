import Foundation
import Hummingbird
import SwiftLBCore

/// loxilb's BFD paths: `POST /config/bfd`, `GET /config/bfd/all` and
/// `DELETE /config/bfd/remoteIP/{ip}[?instance=NAME]`. Without a BFD subsystem (API tests) they
/// answer 503.
struct BFDHandlers: Sendable {
    let bfd: (any BFDControl)?

    var routes: [(path: String, method: HTTPRequest.Method, handler: Handler)] {
        let base = APIRoutes.base + "/config/bfd"
        return [(base, .post, add), (base + "/all", .get, list), (base + "/remoteIP/:remote_ip", .delete, delete)]
    }

    /// `POST /config/bfd`: 200 once validated and saved (the session comes up asynchronously).
    var add: Handler {
        { [bfd] request, _ in
            let control = try Self.enabled(bfd)
            let body = try await request.body.collect(upTo: APIRoutes.maxBodySize)
            try await control.add(try LoxiJSON.decodeRequest(BFDSessionConfig.self, from: Data(buffer: body)))
            return JSONResponse.success
        }
    }

    /// `GET /config/bfd/all`: `{"Attr":[...]}` with each session's state.
    var list: Handler {
        { [bfd] _, _ in
            let control = try Self.enabled(bfd)
            return JSONResponse.make(BFDSessionList(sessions: await control.sessions()))
        }
    }

    /// `DELETE /config/bfd/remoteIP/{ip}[?instance=NAME]`: 200, or 404 when there is no such session.
    var delete: Handler {
        { [bfd] request, context in
            let control = try Self.enabled(bfd)
            let peer = try DeleteParameters.text("remote_ip", in: context.parameters)
            try await control.delete(remoteIp: peer, instance: request.uri.queryParameters.get("instance"))
            return JSONResponse.success
        }
    }

    private static func enabled(_ bfd: (any BFDControl)?) throws(APIError) -> any BFDControl {
        guard let bfd else {
            throw .unavailable("BFD is not available in this process")
        }
        return bfd
    }
}
