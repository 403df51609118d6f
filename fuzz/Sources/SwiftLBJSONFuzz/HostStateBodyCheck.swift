import Foundation
import Logging
import SwiftLBCore

/// `POST /config/endpointhoststate`: `EndPointHostState` and `RuleStore.setHostState`, whose checks
/// are private to the store, so they run on a fresh in-memory store per input.
enum HostStateBodyCheck {
    /// Decodes and applies the mark; the store may only accept it or reject it with an `APIError`.
    static func check(_ body: Data) {
        guard let state = FuzzInvariant.decode(EndPointHostState.self, from: body) else { return }
        FuzzInvariant.storeRoundTrip(state, what: "endpoint host state")
        let rejection = Blocking.run { () async -> APIError? in
            let store = RuleStore(config: InMemoryConfigStore(), datapath: InMemoryDatapath(), logger: quietLogger)
            do throws(APIError) {
                try await store.setHostState(state)
                return nil
            } catch {
                return error
            }
        }
        Trace.note("endpoint host state", rejection.map { "rejected: \($0.message)" } ?? "accepted")
        if let rejection { FuzzInvariant.checkErrorBody(rejection) }
    }

    private static let quietLogger = Logger(label: "fuzz-json", factory: { _ in SwiftLogNoOpLogHandler() })
}
