import SwiftLBABI

/// The stable snake_case name of each global counter of the datapath (`enum slb_counter` of the ABI
/// header), used as the `reason` of `swiftlb_packets_total`.
///
/// A name, once published, keeps its meaning: dashboards and alerts depend on it. New counters get
/// new names; an index without a name here is not exported.
public enum PacketCounterNames {
    /// Each named counter: its ABI index and its name.
    public static let all: [(counter: slb_counter, name: String)] = [
        (SLB_CNT_RX, "rx"),
        (SLB_CNT_PASS_NOT_IP, "pass_not_ip"),
        (SLB_CNT_PASS_NO_MATCH, "pass_no_match"),
        (SLB_CNT_PASS_FRAGMENT, "pass_fragment"),
        (SLB_CNT_CT_NEW, "ct_new"),
        (SLB_CNT_CT_HIT, "ct_hit"),
        (SLB_CNT_CT_EXPIRED, "ct_expired"),
        (SLB_CNT_FWD_REDIRECT, "fwd_redirect"),
        (SLB_CNT_FWD_NEIGH, "fwd_neigh"),
        (SLB_CNT_FWD_STACK, "fwd_stack"),
        (SLB_CNT_DROP_MALFORMED, "drop_malformed"),
        (SLB_CNT_DROP_NO_ENDPOINT, "drop_no_endpoint"),
        (SLB_CNT_DROP_REWRITE, "drop_rewrite"),
        (SLB_CNT_DROP_CT_INSERT, "drop_ct_insert"),
        (SLB_CNT_DROP_TCP_NO_CT, "drop_tcp_no_ct"),
        (SLB_CNT_PASS_TTL, "pass_ttl"),
        (SLB_CNT_DROP_NAT_PORTS, "drop_nat_ports"),
        (SLB_CNT_PASS_NO_SNAT_ADDR, "pass_no_snat_addr"),
        (SLB_CNT_DROP_NOT_ALLOWED, "drop_not_allowed"),
        (SLB_CNT_PASS_IPV6_EXT, "pass_ipv6_ext"),
        (SLB_CNT_FWD_ICMP6_ECHO, "fwd_icmp6_echo"),
        (SLB_CNT_DROP_NAT64, "drop_nat64"),
        (SLB_CNT_CT_ICMP6_ERR, "ct_icmp6_error"),
        (SLB_CNT_DSR_L2, "dsr_l2"),
        (SLB_CNT_DSR_IPIP, "dsr_ipip"),
        (SLB_CNT_ICMP_FRAG_NEEDED, "icmp_frag_needed"),
        (SLB_CNT_ICMP_ECHO_REPLY, "icmp_echo_reply"),
        (SLB_CNT_ICMP_ERR_XLATE, "icmp_err_xlate"),
        (SLB_CNT_DROP_DSR, "drop_dsr"),
        (SLB_CNT_PASS_DSR_EGRESS, "pass_dsr_egress"),
        (SLB_CNT_DROP_SCTP_VTAG, "drop_sctp_vtag"),
        (SLB_CNT_DROP_CT_FULL, "drop_ct_full"),
        (SLB_CNT_TCP_IDLE_RESET, "tcp_idle_reset"),
        (SLB_CNT_ICMP6_TOO_BIG, "icmp6_too_big"),
        (SLB_CNT_TCP_IDLE_RESET_PEER, "tcp_idle_reset_peer"),
        (SLB_CNT_CT_ICMP46_ERR, "ct_icmp46_error"),
        (SLB_CNT_DROP_NAT64_BIG, "drop_nat64_too_big"),
        (SLB_CNT_PASS_NO_STAGE, "pass_no_stage"),
        (SLB_CNT_NAT_PORT_RETRY, "nat_port_retry"),
        (SLB_CNT_NAT_PORT_HELD, "nat_port_held"),
        (SLB_CNT_CT_REOPEN, "ct_reopen"),
        (SLB_CNT_REPLY_NO_FLOW, "reply_no_flow"),
        (SLB_CNT_DROP_FIREWALL, "drop_firewall"),
        (SLB_CNT_PASS_FW_TRAP, "pass_firewall_trap"),
        (SLB_CNT_FWD_FW_REDIRECT, "fwd_firewall_redirect"),
        (SLB_CNT_PASS_OTHERHOST, "pass_otherhost"),
        (SLB_CNT_MIRROR_PORT, "mirror_port_copies"),
        (SLB_CNT_MIRROR_RULE, "mirror_rule_copies"),
        (SLB_CNT_MIRROR_FAIL, "mirror_failures"),
        (SLB_CNT_POL_GREEN, "policer_green"),
        (SLB_CNT_POL_YELLOW, "policer_yellow"),
        (SLB_CNT_DROP_POL_RED, "drop_policer_red"),
        (SLB_CNT_POL_NO_CFG, "policer_no_config"),
        (SLB_CNT_GTPU_UL_DECAP, "gtpu_ul_decap"),
        (SLB_CNT_GTPU_UL_ULCL, "gtpu_ul_ulcl"),
        (SLB_CNT_GTPU_DL_ENCAP, "gtpu_dl_encap"),
        (SLB_CNT_DROP_GTPU_MALFORMED, "drop_gtpu_malformed"),
        (SLB_CNT_DROP_GTPU_INNER, "drop_gtpu_inner"),
        (SLB_CNT_DROP_GTPU_ROUTE, "drop_gtpu_route"),
        (SLB_CNT_DROP_GTPU_GSO, "drop_gtpu_gso"),
        (SLB_CNT_DROP_GTPU_TOO_BIG, "drop_gtpu_too_big"),
        (SLB_CNT_DROP_SCTP_ASCONF, "drop_sctp_asconf"),
        (SLB_CNT_SCTP_MH_REWRITE, "sctp_mh_rewrite"),
        (SLB_CNT_SCTP_MH_PATH, "sctp_mh_path"),
        (SLB_CNT_SCTP_MH_PATH_FAIL, "sctp_mh_path_fail"),
        (SLB_CNT_DROP_SCTP_MH, "drop_sctp_mh"),
        (SLB_CNT_CT_FW_SNAT, "ct_fw_snat"),
        (SLB_CNT_SRV6_ENCAP, "srv6_encap"),
        (SLB_CNT_SRV6_DECAP, "srv6_decap"),
        (SLB_CNT_DROP_SRV6_MALFORMED, "drop_srv6_malformed"),
        (SLB_CNT_DROP_SRV6_NO_ROUTE, "drop_srv6_no_route"),
        (SLB_CNT_GTPU_GSO_RESEGMENT, "gtpu_gso_resegment"),
    ]

    /// `values` (indexed by `enum slb_counter`, as `EBPFDatapath.globalCounters()` returns them) by
    /// name. Every named counter is present, zero when `values` is too short; unnamed indexes are left out.
    public static func named(_ values: [UInt64]) -> [String: UInt64] {
        var result: [String: UInt64] = [:]
        for (counter, name) in all {
            let index = Int(counter.rawValue)
            result[name] = index < values.count ? values[index] : 0
        }
        return result
    }
}
