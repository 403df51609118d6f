import SwiftLBCore
import SwiftLBHealth
import Testing

/// The per-target state machine, driven by tables of probe results.
@Suite struct EndpointHealthMachineTests {
    typealias Action = EndpointHealthMachine.Action
    static let ok = ProbeResult.success(delay: .milliseconds(2))
    static func fail(_ reason: String = "refused") -> ProbeResult { .failure(reason: reason) }

    /// Feeds `results` and returns the actions after each one.
    static func run(retries: Int, _ results: [ProbeResult]) -> (EndpointHealthMachine, [[Action]]) {
        var machine = EndpointHealthMachine(retries: retries)
        let actions = results.map { machine.handle($0) }
        return (machine, actions)
    }

    @Test func firstResultDecidesAtOnce() {
        #expect(Self.run(retries: 3, [Self.ok]).1 == [[.markUp]])
        #expect(Self.run(retries: 3, [Self.fail()]).1 == [[.markDown(reason: "refused")]])
    }

    @Test func upTargetGoesDownOnlyAfterRetriesFailuresInARow() {
        let (machine, actions) = Self.run(
            retries: 3, [Self.ok, Self.fail(), Self.fail(), Self.fail("timeout"), Self.fail()])
        #expect(actions == [[.markUp], [], [], [.markDown(reason: "timeout")], []])
        #expect(machine.up == false && machine.failures == 4 && machine.lastError == "refused")
    }

    @Test("retries of a failing up target come interval / retries apart; otherwise the interval")
    func retriesComeFaster() {
        #expect(Self.run(retries: 2, [Self.ok]).0.nextProbeDelay(interval: 1) == .seconds(1))
        #expect(Self.run(retries: 2, [Self.ok, Self.fail()]).0.nextProbeDelay(interval: 1) == .milliseconds(500))
        #expect(
            Self.run(retries: 4, [Self.ok, Self.fail(), Self.fail()]).0.nextProbeDelay(interval: 2)
                == .milliseconds(500))
        // Down: back to the interval; one retry: nothing to speed up.
        #expect(Self.run(retries: 2, [Self.ok, Self.fail(), Self.fail()]).0.nextProbeDelay(interval: 1) == .seconds(1))
        #expect(Self.run(retries: 1, [Self.ok, Self.fail()]).0.nextProbeDelay(interval: 3) == .seconds(3))
        // Worst case for retries r and interval I: the first failing probe up to I after the
        // failure, r - 1 retries I / r apart: down by I + (r - 1) I / r <= r I.
        for retries in 2...5 {
            var machine = EndpointHealthMachine(retries: retries)
            _ = machine.handle(Self.ok)
            var elapsed = Duration.seconds(1)
            for _ in 0..<retries - 1 {
                _ = machine.handle(Self.fail())
                elapsed += machine.nextProbeDelay(interval: 1)
            }
            #expect(machine.handle(Self.fail()) == [.markDown(reason: "refused")])
            #expect(elapsed <= .seconds(retries))
        }
    }

    @Test func aSuccessBetweenFailuresResetsTheCount() {
        let (machine, actions) = Self.run(retries: 2, [Self.ok, Self.fail(), Self.ok, Self.fail(), Self.ok])
        #expect(actions == [[.markUp], [], [], [], []])
        #expect(machine.up == true && machine.failures == 0)
    }

    @Test func aProbeThatCouldNotBeSentChangesNoState() {
        let local = ProbeResult.localError(reason: "udp socket: Too many open files")
        let (up, upActions) = Self.run(retries: 1, [Self.ok, local, local, local])
        #expect(upActions == [[.markUp], [], [], []])
        #expect(up.up == true && up.failures == 0 && up.lastError.hasPrefix("probe not sent"))
        let (_, downActions) = Self.run(retries: 1, [Self.fail(), local, Self.ok])
        #expect(downActions == [[.markDown(reason: "refused")], [], [.markUp]])
        #expect(Self.run(retries: 1, [local]).0.up == nil)
    }

    @Test func oneSuccessBringsADownTargetBack() {
        let (machine, actions) = Self.run(retries: 2, [Self.ok, Self.fail(), Self.fail(), Self.ok])
        #expect(actions == [[.markUp], [], [.markDown(reason: "refused")], [.markUp]])
        #expect(machine.status.up && machine.status.lastError.isEmpty)
    }

    @Test func retriesBelowOneCountAsOne() {
        #expect(EndpointHealthMachine(retries: 0).retries == 1)
        let (_, actions) = Self.run(retries: 0, [Self.ok, Self.fail()])
        #expect(actions == [[.markUp], [.markDown(reason: "refused")]])
    }

    @Test func undecidedTargetReportsUpWithoutDelays() {
        let status = EndpointHealthMachine(retries: 2).status
        #expect(status == ProbeStatus(up: true))
    }

    @Test func delayStatisticsCoverRecentSuccessesOnly() {
        var machine = EndpointHealthMachine(retries: 2)
        for millis in [4, 2, 6] { _ = machine.handle(.success(delay: .milliseconds(millis))) }
        _ = machine.handle(Self.fail())
        #expect(machine.status.minDelay == .milliseconds(2))
        #expect(machine.status.maxDelay == .milliseconds(6))
        #expect(machine.status.avgDelay == .milliseconds(4))
        for _ in 0..<EndpointHealthMachine.window { _ = machine.handle(.success(delay: .milliseconds(1))) }
        #expect(machine.delays.count == EndpointHealthMachine.window)
        #expect(machine.status.maxDelay == .milliseconds(1), "older delays leave the window")
    }
}
