import Glibc
import PacketTestSupport
import SwiftLBDatapath
import Testing

@testable import BPFLoader

/// The fuzzer's checker on made-up outcomes (no kernel needed): each promise it claims to check is caught when broken,
/// and what the datapath does on purpose is not reported.
struct PacketFuzzPropertiesTests {
    let frame = Fixture.toVIP().bytes

    func input(_ bytes: [UInt8]? = nil) -> PacketFuzzInput {
        PacketFuzzInput(frame: bytes ?? frame, hook: .ingress, ifindex: 3, recipe: "test", intact: true)
    }

    func outcome(
        _ verdict: UInt32, _ packet: [UInt8]? = nil, counters: [String] = [], newKeys: [[UInt8]] = []
    ) -> PacketFuzzOutcome {
        let moved = Dictionary(uniqueKeysWithValues: counters.map { (PacketFuzzProperties.counter($0), UInt64(1)) })
        let run = TestRun.Result(verdict: verdict, packet: packet ?? frame, durationNanoseconds: 0)
        return PacketFuzzOutcome(result: .success(run), counters: moved, newKeys: newKeys)
    }

    func violations(_ outcome: PacketFuzzOutcome, _ input: PacketFuzzInput? = nil) -> [String] {
        PacketFuzzProperties.violations(of: input ?? self.input(), outcome)
    }

    static let key = [UInt8](repeating: 0, count: 36) + [6, 2, 0, 0]

    @Test func anUntouchedPassAndACountedDropKeepThePromises() {
        #expect(violations(outcome(Verdict.ok, counters: ["rx", "pass_no_match"])).isEmpty)
        #expect(violations(outcome(Verdict.shot, counters: ["rx", "drop_malformed"])).isEmpty)
    }

    @Test func brokenPromisesAreReported() {
        var changed = frame
        changed[changed.count - 1] ^= 1  // in the TCP header: the IPv4 header stays valid
        #expect(violations(outcome(Verdict.ok, changed, counters: ["pass_no_match"])).count == 1)
        #expect(violations(outcome(Verdict.shot)) == ["dropped without a drop_* counter"])
        #expect(violations(outcome(Verdict.redirect, counters: ["drop_rewrite"])).count == 1)
        #expect(violations(outcome(1)).contains("verdict 1 is no TC action"))
        #expect(violations(outcome(Verdict.ok, counters: ["pass_no_stage"])).count == 1)
        let leftEntry = violations(outcome(Verdict.shot, counters: ["drop_dsr", "ct_new"], newKeys: [Self.key]))
        #expect(leftEntry.count == 1 && leftEntry[0].hasPrefix(PacketFuzzProperties.refusedWithEntries))
    }

    @Test func lengthsFollowWhatTheDatapathDoes() {
        let longer = frame + [0]
        #expect(violations(outcome(Verdict.redirect, longer, counters: ["fwd_redirect"])).count == 1)
        let ipip = frame + [UInt8](repeating: 0, count: 20)
        #expect(violations(outcome(Verdict.redirect, ipip, counters: ["dsr_ipip"])).isEmpty)
        #expect(violations(outcome(Verdict.redirect, ipip, counters: ["fwd_redirect"])).count == 1)
    }

    @Test func aRewriteMustKeepAValidHeaderChecksum() {
        var broken = frame
        broken[22] = 1  // TTL changed, checksum not
        #expect(violations(outcome(Verdict.redirect, broken, counters: ["fwd_redirect"])).count == 1)
    }

    @Test func onlyTheKernelsOwnRefusalsAreExcused() {
        let refused = PacketFuzzOutcome(
            result: .failure(BPFError(operation: "test-run", code: EINVAL)), counters: [:], newKeys: [])
        #expect(violations(refused, input(Array(frame.prefix(30)))).isEmpty)
        #expect(violations(refused).count == 1)
    }

    @Test func finding1IsKnownOnlyWhenItIsAllThatHappened() {
        let dsr = outcome(Verdict.shot, counters: ["drop_dsr", "ct_new"], newKeys: [Self.key])
        #expect(PacketFuzzProperties.onlyKnownIssue(violations(dsr), dsr))
        let other = outcome(Verdict.shot, counters: ["drop_ct_insert", "ct_new"], newKeys: [Self.key])
        #expect(!PacketFuzzProperties.onlyKnownIssue(violations(other), other))
    }
}
