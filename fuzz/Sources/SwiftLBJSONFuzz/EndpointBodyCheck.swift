import Foundation
import SwiftLBCore

/// `POST /config/endpoint`: `EndPointEntry` and `RuleValidator.validate`, as
/// `RuleStore.createEndpoint` runs them before saving the normalized entry.
enum EndpointBodyCheck {
    /// Decodes, validates, and checks that the saved entry validates to the same target on restore.
    static func check(_ body: Data) {
        guard let entry = FuzzInvariant.decode(EndPointEntry.self, from: body) else { return }
        FuzzInvariant.storeRoundTrip(entry, what: "endpoint entry")
        let normalized: EndPointEntry
        let target: ProbeTarget
        do {
            (normalized, target) = try RuleValidator.validate(entry)
        } catch {
            Trace.note("endpoint entry", "rejected: \(error.message)")
            FuzzInvariant.checkErrorBody(error)
            return
        }
        Trace.note("endpoint entry", "accepted as \(target.key)")
        let stored = FuzzInvariant.storeRoundTrip(normalized, what: "normalized endpoint entry")
        do {
            let (again, againTarget) = try RuleValidator.validate(stored)
            guard again == normalized, againTarget == target else {
                FuzzInvariant.fail("an endpoint entry restores as \(again) \(againTarget), not \(normalized) \(target)")
            }
        } catch {
            FuzzInvariant.fail("an accepted endpoint entry is rejected on restore: \(error.message)")
        }
    }
}
