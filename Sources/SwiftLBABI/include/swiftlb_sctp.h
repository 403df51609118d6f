/* SPDX-License-Identifier: Apache-2.0 */
/*
 * swiftlb_sctp.h - SCTP multihoming (bpf/lib/sctp_mh.h, docs/telco.md), shared with Swift.
 *
 * slb_sctp_mh holds, per service id, the VIP set of an IPv4 SCTP rule with secondaryIPs: the
 * primary VIP first, then the secondary ones. The control plane writes it before the rule's
 * match keys and removes it with them; a service without an entry is single-homed and the
 * datapath leaves its INIT and INIT ACK chunks alone.
 *
 * slb_sctp_assoc remembers the paths of each multihomed association, keyed by the client's
 * Initiate Tag and the two ports, so that a chunk seen on any path (COOKIE ACK, ABORT,
 * SHUTDOWN COMPLETE) can bring every path's entries to the same state. Datapath-private.
 *
 * slb_sctp_mh6 and slb_sctp_assoc6 are the same for IPv6 SCTP rules (bpf/lib/sctp_mh6.h), with
 * full IPv6 addresses; both families share the limits and the association key.
 */
#ifndef SWIFTLB_SCTP_H
#define SWIFTLB_SCTP_H

#include <linux/types.h>

#define SLB_MAP_SCTP_MH "slb_sctp_mh"
#define SLB_MAP_SCTP_ASSOC "slb_sctp_assoc"
#define SLB_MAP_SCTP_MH6 "slb_sctp_mh6"
#define SLB_MAP_SCTP_ASSOC6 "slb_sctp_assoc6"

/* VIPs of one multihomed service: the primary and at most 4 secondary (RuleValidator). */
#define SLB_SCTP_MH_MAX_VIPS 5
/* Services with secondary VIPs on SCTP at once. */
#define SLB_SCTP_MH_MAX_SERVICES 4096
/* Associations remembered at once (LRU: an evicted one only loses the joint state changes). */
#define SLB_SCTP_ASSOC_MAX 65536
/* IPv6 associations remembered at once (each value is 164 bytes). */
#define SLB_SCTP_ASSOC6_MAX 16384

/* slb_sctp_mh value: the VIP set, IPv4, network order, vip[0] the primary. */
struct slb_sctp_mh {
	__u32 count; /* VIPs in vip[], 2 ..= SLB_SCTP_MH_MAX_VIPS */
	__be32 vip[SLB_SCTP_MH_MAX_VIPS];
};

/* slb_sctp_assoc key: the client's Initiate Tag and the client and VIP ports. */
struct slb_sctp_assoc_key {
	__be32 client_tag;
	__be16 cport;
	__be16 vport;
};

/* slb_sctp_assoc value: path k joins client address caddr[k] and VIP vip[k]. */
struct slb_sctp_assoc {
	__u32 paths; /* 1 ..= SLB_SCTP_MH_MAX_VIPS */
	__be32 caddr[SLB_SCTP_MH_MAX_VIPS];
	__be32 vip[SLB_SCTP_MH_MAX_VIPS];
};

/* slb_sctp_mh6 value: the VIP set of an IPv6 rule, network order, vip[0] the primary. */
struct slb_sctp_mh6 {
	__u32 count; /* VIPs in vip[], 2 ..= SLB_SCTP_MH_MAX_VIPS */
	__be32 vip[SLB_SCTP_MH_MAX_VIPS][4];
};

/* slb_sctp_assoc6 value (key: struct slb_sctp_assoc_key): path k joins caddr[k] and vip[k]. */
struct slb_sctp_assoc6 {
	__u32 paths; /* 1 ..= SLB_SCTP_MH_MAX_VIPS */
	__be32 caddr[SLB_SCTP_MH_MAX_VIPS][4];
	__be32 vip[SLB_SCTP_MH_MAX_VIPS][4];
};

#endif /* SWIFTLB_SCTP_H */
