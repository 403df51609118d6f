import Foundation
import Hummingbird
import SwiftLBCore

/// loxilb's HA state paths: `GET /config/cistate/all` and `POST /config/cistate`. Without an HA
/// subsystem (API tests) they answer 503.
struct HAHandlers: Sendable {
    let ha: (any HAControl)?

    var routes: [(path: String, method: HTTPRequest.Method, handler: Handler)] {
        let base = APIRoutes.base + "/config/cistate"
        return [(base, .post, set), (base + "/all", .get, list)]
    }

    /// `POST /config/cistate`: 200 once validated, saved and applied.
    var set: Handler {
        { [ha] request, _ in
            let control = try Self.enabled(ha)
            let body = try await request.body.collect(upTo: APIRoutes.maxBodySize)
            try await control.set(try LoxiJSON.decodeRequest(HAInstanceState.self, from: Data(buffer: body)))
            return JSONResponse.success
        }
    }

    /// `GET /config/cistate/all`: `{"Attr":[...]}` with each instance's role now.
    var list: Handler {
        { [ha] _, _ in
            let control = try Self.enabled(ha)
            return JSONResponse.make(HAInstanceList(instances: await control.states()))
        }
    }

    private static func enabled(_ ha: (any HAControl)?) throws(APIError) -> any HAControl {
        guard let ha else { throw .unavailable("HA is not available in this process") }
        return ha
    }
}
