import SwiftLBAPI
import Testing

/// The API connection deadlines as a table of events: which deadline is in force after each.
@Suite struct ConnectionDeadlinesTests {
    typealias Event = ConnectionDeadlines.Event
    // Idle 60 s, header 10 s, body 30 s, in nanoseconds from t = 0.
    static let limits = ConnectionDeadlines.Limits(idle: 60, header: 10, body: 30)
    static let s: Int64 = 1_000_000_000

    /// Deadlines after each (event, second) in order.
    static func run(_ events: [(Event, Int64)]) -> [Int64?] {
        var deadlines = ConnectionDeadlines(limits: limits)
        return events.map { deadlines.handle($0.0, now: $0.1 * s) }
    }

    @Test func anIdleConnectionHasTheIdleDeadline() {
        #expect(Self.run([(.opened, 0)]) == [60 * Self.s])
    }

    @Test func theHeaderClockStartsAtTheFirstByteAndLaterBytesDoNotPushItBack() {
        let deadlines = Self.run([(.opened, 0), (.bytes, 5), (.bytes, 8), (.bytes, 14)])
        #expect(deadlines == [60 * Self.s, 15 * Self.s, 15 * Self.s, 15 * Self.s])
    }

    @Test func aRequestIsTimedUntilItsEndThenNotWhileAnswered() {
        let deadlines = Self.run([(.opened, 0), (.bytes, 1), (.requestHead, 2), (.requestEnd, 3), (.responseEnd, 9)])
        #expect(deadlines == [60 * Self.s, 11 * Self.s, 32 * Self.s, nil, 69 * Self.s])
    }

    @Test func aPipelinedRequestKeepsItsBodyClockAcrossTheFirstResponse() {
        let deadlines = Self.run([
            (.opened, 0), (.bytes, 1), (.requestHead, 1), (.requestEnd, 1), (.requestHead, 2), (.responseEnd, 3),
            (.requestEnd, 4), (.responseEnd, 5),
        ])
        #expect(deadlines == [60 * Self.s, 11 * Self.s, 31 * Self.s, nil, 32 * Self.s, 32 * Self.s, nil, 65 * Self.s])
    }

    @Test func bytesDuringAnAnswerDoNotStartAHeaderClock() {
        var deadlines = ConnectionDeadlines(limits: Self.limits)
        _ = deadlines.handle(.opened, now: 0)
        _ = deadlines.handle(.requestHead, now: 0)
        _ = deadlines.handle(.requestEnd, now: 0)
        #expect(deadlines.handle(.bytes, now: 5 * Self.s) == nil)
        #expect(deadlines.phase == .answering)
    }
}
