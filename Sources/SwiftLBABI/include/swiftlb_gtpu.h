/* SPDX-License-Identifier: Apache-2.0 */
/*
 * swiftlb_gtpu.h - GTP-U user plane sessions (bpf/lib/gtpu.h, docs/telco.md), shared with Swift.
 *
 * A session (loxilb's /config/session) is a UE address with two GTP-U tunnel endpoints, named
 * as in 3GPP and loxilb: the core network tunnel is the UPF's own side (the TEID and address
 * the gNB sends uplink G-PDUs to), the access network tunnel is the gNB's side (the TEID and
 * address downlink G-PDUs go to). Uplink classifiers (loxilb's /config/sessionulcl) add
 * (QFI, breakout address) pairs to a session. The control plane writes four hash maps:
 *   slb_gtp_ul      (core TEID, core address) -> session: uplink decapsulation
 *   slb_gtp_dl      UE address -> session: downlink encapsulation toward the gNB
 *   slb_gtp_ulcl    (UE address, QFI) -> breakout address: uplink classification
 *   slb_gtp_dlqfi   (UE address, peer address) -> QFI of downlink packets from a breakout peer
 * and keeps counters per session id in slb_gtp_stats. slb_gtp_gso (one entry) names the veth
 * pair through which GSO packets of a session are sent to be segmented in software first.
 */
#ifndef SWIFTLB_GTPU_H
#define SWIFTLB_GTPU_H

#include <linux/types.h>

#define SLB_MAP_GTP_UL "slb_gtp_ul"
#define SLB_MAP_GTP_DL "slb_gtp_dl"
#define SLB_MAP_GTP_ULCL "slb_gtp_ulcl"
#define SLB_MAP_GTP_DLQFI "slb_gtp_dlqfi"
#define SLB_MAP_GTP_STATS "slb_gtp_stats"
#define SLB_MAP_GTP_GSO "slb_gtp_gso"

/* Session ids are 1 ..< SLB_GTP_MAX_SESSIONS (also the counter array's size). */
#define SLB_GTP_MAX_SESSIONS 65536
/* Uplink classifiers of all sessions together. */
#define SLB_GTP_MAX_ULCLS 65536
/* GTP-U extension headers walked before the inner packet; more is a malformed packet. */
#define SLB_GTP_MAX_EXT 4
/* The UDP port of GTP-U (TS 29.281 §4.4.2). */
#define SLB_GTP_PORT 2152

struct slb_gtp_ul_key {
	__be32 teid;
	__be32 addr; /* the core network tunnel's address: the outer destination */
};

struct slb_gtp_ul_val {
	__u32 sess_id;
	__be32 ue; /* the inner source every uplink packet of the session must carry */
};

/* Keyed by the UE's address (__be32). */
struct slb_gtp_dl_val {
	__u32 sess_id;
	__be32 an_teid; /* downlink TEID, the gNB's */
	__be32 an_addr; /* outer destination: the gNB */
	__be32 cn_addr; /* outer source: the UPF's tunnel address */
	__u8 qfi;	/* QFI of downlink packets not from a classifier's address */
	__u8 pad[3];
};

struct slb_gtp_ulcl_key {
	__be32 ue;
	__u8 qfi;
	__u8 pad[3];
};

struct slb_gtp_ulcl_val {
	__be32 addr; /* the breakout address: next hop of the decapsulated packet */
	__u32 sess_id;
};

struct slb_gtp_dlqfi_key {
	__be32 ue;
	__be32 peer; /* a classifier's breakout address, the downlink packet's source */
};

struct slb_gtp_dlqfi_val {
	__u8 qfi;
	__u8 pad[3];
};

/* Per session id, per CPU. Bytes are the inner packet's IP length. */
struct slb_gtp_stat {
	__u64 ul_packets;
	__u64 ul_bytes;
	__u64 dl_packets;
	__u64 dl_bytes;
};

/*
 * The resegmenting veth pair the daemon keeps while sessions exist (slb_gtp_gso, key 0; zero
 * ifindexes: none). A GSO packet of a session cannot be encapsulated or decapsulated as one packet
 * (its segments would share one GTP-U length), so it is redirected to the egress of `out_ifindex`,
 * whose checksum and segmentation offloads are off: the kernel segments it in software before
 * the veth transmits, and the segments come back one by one at the ingress of `in_ifindex`, its
 * peer, where the datapath handles them like any packet. The packet's destination MAC becomes
 * `in_mac`, the peer's, so that the segments arrive as the peer's own (not PACKET_OTHERHOST). A
 * GSO packet arriving at `in_ifindex` is dropped (never sent round again).
 */
struct slb_gtp_gso {
	__u32 out_ifindex;
	__u32 in_ifindex;
	__u8 in_mac[6];
	__u8 pad[2];
};

#endif /* SWIFTLB_GTPU_H */
