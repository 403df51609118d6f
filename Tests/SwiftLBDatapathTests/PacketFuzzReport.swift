import BPFLoader
import Foundation

/// Tallies of a fuzz run for the summary the test prints (docs/security.md records them): inputs by recipe, what the
/// datapath did with them, and the findings.
struct PacketFuzzReport {
    private(set) var inputs = 0
    private(set) var findings = 0
    /// Inputs that broke only a promise the datapath is known not to keep yet (`PacketFuzzProperties.onlyKnownIssue`).
    private(set) var knownFindings = 0
    private var recipes: [String: Int] = [:]
    private var outcomes: [String: Int] = [:]
    private var kinds: [String: Int] = [:]

    mutating func record(_ input: PacketFuzzInput, _ outcome: PacketFuzzOutcome, violations: [String], known: Bool) {
        inputs += 1
        let recipe = input.recipe.split(separator: " ").first.map(String.init) ?? input.recipe
        recipes[recipe + (input.intact ? "" : " (mutated)"), default: 0] += 1
        outcomes[Self.outcomeName(input, outcome), default: 0] += 1
        guard !violations.isEmpty else { return }
        if known {
            knownFindings += 1
            return
        }
        findings += 1
        for violation in violations { kinds[Self.kind(of: violation), default: 0] += 1 }
    }

    /// The line printed for a finding: everything needed to replay it or to turn it into a regression test.
    static func finding(
        seed: UInt64, iteration: Int, target: String, input: PacketFuzzInput, outcome: PacketFuzzOutcome,
        violations: [String], known: Bool = false
    ) -> String {
        var result = ""
        if case .success(let run) = outcome.result {
            result = "verdict=\(run.verdict) output=\(run.packet.count) bytes "
        }
        let counters = PacketFuzzProperties.names(outcome.counters.keys).joined(separator: ",")
        let label = known ? "KNOWN" : "FINDING"
        return "PacketFuzz \(label) seed=0x\(String(seed, radix: 16)) iteration=\(iteration) target=\(target) "
            + "hook=\(input.hook.rawValue) ifindex=\(input.ifindex) recipe=\"\(input.recipe)\"\n  "
            + result + "counters=\(counters)\n  " + violations.joined(separator: "\n  ")
            + "\n  input (\(input.frame.count) bytes): \(hex(input.frame))"
    }

    /// The run's summary: counts by recipe, by outcome, and the kinds of finding.
    func summary(seed: UInt64, seconds: Double, targets: [PacketFuzzTarget]) -> String {
        let rate = seconds > 0 ? Int(Double(inputs) / seconds) : 0
        let elapsed = String(format: "%.1f", seconds)
        var lines = [
            "PacketFuzz summary: seed=0x\(String(seed, radix: 16)) inputs=\(inputs) elapsed=\(elapsed) s (\(rate)/s) "
                + "findings=\(findings) known=\(knownFindings)"
        ]
        lines.append("  by recipe: " + Self.sorted(recipes))
        lines.append("  outcomes: " + Self.sorted(outcomes))
        if !kinds.isEmpty { lines.append("  findings by kind: " + Self.sorted(kinds)) }
        for target in targets {
            let totals = target.counterTotals()
            let fired = totals.filter { $0.value > 0 }.map { "\($0.key)=\($0.value)" }.sorted()
            let silent = totals.filter { $0.value == 0 }.map(\.key).sorted()
            lines.append("  \(target.name) counters: " + fired.joined(separator: " "))
            lines.append("  \(target.name) never counted: " + silent.joined(separator: " "))
            lines.append("  \(target.name) conntrack resets: \(target.resets)")
        }
        return lines.joined(separator: "\n")
    }

    /// What the datapath did with the input, in a few words.
    static func outcomeName(_ input: PacketFuzzInput, _ outcome: PacketFuzzOutcome) -> String {
        guard case .success(let run) = outcome.result else { return "test run refused" }
        switch run.verdict {
        case Verdict.shot: return "dropped"
        case Verdict.redirect: return "redirected"
        case Verdict.ok: return run.packet == input.frame ? "passed untouched" : "passed rewritten"
        default: return "verdict \(run.verdict)"
        }
    }

    /// A violation without its specifics (numbers, bytes), for counting findings by kind.
    static func kind(of violation: String) -> String {
        String(violation.prefix { $0 != ":" && !$0.isNumber }).trimmingSuffix()
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }

    /// A conntrack key as "proto src:port > dst:port" (family from the key).
    static func describe(key: [UInt8]) -> String {
        let tuple = PacketFuzzKey(key)
        func address(_ bytes: [UInt8]) -> String {
            bytes.count == 4 ? bytes.map(String.init).joined(separator: ".") : hex(bytes)
        }
        return "proto \(tuple.proto) \(address(tuple.src)):\(tuple.sport) > \(address(tuple.dst)):\(tuple.dport)"
    }

    private static func sorted(_ counts: [String: Int]) -> String {
        counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
            .map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    }
}

extension String {
    fileprivate func trimmingSuffix() -> String {
        var copy = self
        while copy.last == " " || copy.last == "(" { copy.removeLast() }
        return copy
    }
}
