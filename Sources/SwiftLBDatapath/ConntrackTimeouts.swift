import SwiftLBABI

/// Conntrack idle timeouts per state, in seconds. Written to the datapath's config map at start,
/// and used by the garbage collector, so both sides expire entries alike.
public struct ConntrackTimeouts: Sendable, Equatable {
    public var tcpSyn: UInt32 = 30
    public var tcpEstablished: UInt32 = 3600
    public var tcpFin: UInt32 = 120
    public var tcpClosed: UInt32 = 10
    public var udpNew: UInt32 = 30
    public var udpEstablished: UInt32 = 120

    public init() {}

    /// The timeout for an entry of protocol `proto` (IP number) in `state` whose rewrite has `natFlags`:
    /// a TCP flow with an allocated source port (full NAT, onearm, NAT64) that both ends closed keeps it
    /// for the endpoint's TIME_WAIT, SLB_NAT_TIME_WAIT_S, as the datapath does (slb_ct_hold_ns in ct.h).
    func seconds(proto: UInt8, state: UInt8, natFlags: UInt8) -> UInt32 {
        let timeout = seconds(proto: proto, state: state)
        let both = UInt8(SLB_NAT_SRC.rawValue | SLB_NAT_DST.rawValue)
        guard proto == 6, UInt32(state) == SLB_CT_TIME_WAIT.rawValue, natFlags & both == both,
            natFlags & UInt8(SLB_NAT_DSR.rawValue) == 0
        else { return timeout }
        return max(timeout, UInt32(SLB_NAT_TIME_WAIT_S))
    }

    /// The timeout for an entry of protocol `proto` (IP number) in `state`.
    func seconds(proto: UInt8, state: UInt8) -> UInt32 {
        // SCTP associations follow the TCP states and timeouts (bpf/lib/sctp.h).
        if proto != 6 && proto != 132 {
            return UInt32(state) == SLB_CT_ESTABLISHED.rawValue ? udpEstablished : udpNew
        }
        switch UInt32(state) {
        case SLB_CT_SYN_SENT.rawValue, SLB_CT_SYN_RECV.rawValue: return tcpSyn
        case SLB_CT_ESTABLISHED.rawValue: return tcpEstablished
        case SLB_CT_FIN_WAIT.rawValue: return tcpFin
        default: return tcpClosed
        }
    }

    var abiConfig: slb_config {
        var config = slb_config()
        config.tcp_syn_timeout_s = tcpSyn
        config.tcp_established_timeout_s = tcpEstablished
        config.tcp_fin_timeout_s = tcpFin
        config.tcp_closed_timeout_s = tcpClosed
        config.udp_new_timeout_s = udpNew
        config.udp_established_timeout_s = udpEstablished
        return config
    }
}
