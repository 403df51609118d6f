import SwiftLBABI
import Testing

@testable import SwiftLBDatapath

/// The garbage collector's timeouts keep a closed full NAT / onearm port for the endpoint's TIME_WAIT,
/// as the datapath does (no kernel needed; the datapath side is NATPortHoldFixtureTests).
struct ConntrackHoldTests {
    let timeWait = UInt8(SLB_CT_TIME_WAIT.rawValue)
    let snat = UInt8(SLB_NAT_SRC.rawValue | SLB_NAT_DST.rawValue)

    @Test func aClosedTCPFlowWithAnAllocatedPortIsHeldSixtySeconds() {
        let timeouts = ConntrackTimeouts()
        #expect(timeouts.seconds(proto: 6, state: timeWait, natFlags: snat) == UInt32(SLB_NAT_TIME_WAIT_S))
        // A longer configured closed timeout wins.
        var long = ConntrackTimeouts()
        long.tcpClosed = 90
        #expect(long.seconds(proto: 6, state: timeWait, natFlags: snat) == 90)
    }

    @Test func otherFlowsKeepTheirStatesTimeout() {
        let timeouts = ConntrackTimeouts()
        let dnatForward = UInt8(SLB_NAT_DST.rawValue)
        let dsr = snat | UInt8(SLB_NAT_DSR.rawValue)
        #expect(timeouts.seconds(proto: 6, state: timeWait, natFlags: dnatForward) == timeouts.tcpClosed)
        #expect(timeouts.seconds(proto: 6, state: timeWait, natFlags: dsr) == timeouts.tcpClosed)
        #expect(timeouts.seconds(proto: 132, state: timeWait, natFlags: snat) == timeouts.tcpClosed)
        let closed = UInt8(SLB_CT_CLOSED.rawValue)
        #expect(timeouts.seconds(proto: 6, state: closed, natFlags: snat) == timeouts.tcpClosed)
        let established = UInt8(SLB_CT_ESTABLISHED.rawValue)
        #expect(timeouts.seconds(proto: 6, state: established, natFlags: snat) == timeouts.tcpEstablished)
    }
}
