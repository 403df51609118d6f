import Foundation
import SwiftLBCore

/// `POST /config/loadbalancer`: `LoadBalancerEntry`, `RuleValidator.validate`, and for `oper` 1 and 2
/// the `EndpointOperation` merge that `RuleStore.changeEndpoints` does.
enum RuleBodyCheck {
    /// Decodes, validates, and checks the persistence and endpoint-operation properties.
    static func check(_ body: Data) {
        guard let entry = FuzzInvariant.decode(LoadBalancerEntry.self, from: body) else { return }
        FuzzInvariant.storeRoundTrip(entry, what: "load-balancer entry")
        let rule: LBRule
        do {
            rule = try RuleValidator.validate(entry)
        } catch {
            Trace.note("load-balancer entry", "rejected: \(error.message)")
            FuzzInvariant.checkErrorBody(error)
            return
        }
        Trace.note("load-balancer entry", "accepted as \(rule.key)")
        checkRestore(rule)
        checkOperation(rule, oper: entry.serviceArguments.oper)
    }

    /// The config store saves `rule.entry`; restore re-validates it, and must get the same rule back.
    static func checkRestore(_ rule: LBRule) {
        let stored = FuzzInvariant.storeRoundTrip(rule.entry, what: "normalized load-balancer entry")
        PlainJSONCheck.checkEncoding(rule.entry)
        let restored: LBRule
        do {
            restored = try RuleValidator.validate(stored)
        } catch {
            FuzzInvariant.fail("an accepted rule's stored entry is rejected on restore: \(error.message)")
        }
        guard restored == rule else {
            FuzzInvariant.fail("an accepted rule restores as a different rule: \(restored), not \(rule)")
        }
    }

    /// Attach on a service without a rule creates the rule as requested; attaching a rule's own
    /// endpoints to it changes nothing; detaching them all is refused.
    static func checkOperation(_ rule: LBRule, oper: Int) {
        guard let operation = EndpointOperation(rawValue: oper) else { return }
        checkFirstAttach(rule, operation)
        do {
            let merged = try operation.merge(request: rule, into: rule)
            guard merged == nil, operation == .attach else {
                FuzzInvariant.fail("\(operation) of a rule's own endpoints gave \(String(describing: merged))")
            }
        } catch {
            FuzzInvariant.checkErrorBody(error)
        }
    }

    private static func checkFirstAttach(_ rule: LBRule, _ operation: EndpointOperation) {
        let merged: LoadBalancerEntry?
        do {
            merged = try operation.merge(request: rule, into: nil)
        } catch {
            FuzzInvariant.checkErrorBody(error)
            return
        }
        guard let merged else { FuzzInvariant.fail("\(operation) into no rule changed nothing") }
        var expected = rule
        expected.entry.serviceArguments.oper = 0
        do {
            let created = try RuleValidator.validate(merged)
            guard created == expected else {
                FuzzInvariant.fail("attach into no rule created \(created), not \(expected)")
            }
        } catch {
            FuzzInvariant.fail("attach into no rule made an entry that does not validate: \(error.message)")
        }
    }
}
