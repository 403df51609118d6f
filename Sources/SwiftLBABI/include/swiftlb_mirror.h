/* SPDX-License-Identifier: Apache-2.0 */
/*
 * swiftlb_mirror.h - traffic mirroring's maps (bpf/lib/mirror.h, docs/mirroring.md), shared
 * with Swift.
 *
 * A mirror sends a copy of packets out of an interface with bpf_clone_redirect. What is
 * copied: every packet entering a port (slb_mirror_port, keyed by the port's ifindex) or every
 * IPv4 packet of an LB rule's flows, both directions (slb_mirror_svc, keyed by the rule's
 * service id). How: as it is (SPAN), with a VLAN tag (RSPAN), or encapsulated in ERSPAN type II
 * (GRE) to a collector (ERSPAN); the datapath adds the tag or the headers to the packet, sends
 * the copy and takes them off again, so the original leaves with its own bytes. The datapath
 * looks at these maps only while slb_config.flags has SLB_CFG_MIRROR (some mirror is attached).
 */
#ifndef SWIFTLB_MIRROR_H
#define SWIFTLB_MIRROR_H

#include <linux/types.h>

#define SLB_MAP_MIRROR_PORT "slb_mirror_port"
#define SLB_MAP_MIRROR_SVC "slb_mirror_svc"
#define SLB_MAP_MIRROR_STATS "slb_mirror_stats"
#define SLB_MAP_MIRROR_SEQ "slb_mirror_seq"

/* slb_config.flags: some mirror is attached (the datapath looks its maps up); 1 << 2. */
#define SLB_CFG_MIRROR 4U

/*
 * skb->mark of a copy while bpf_clone_redirect sends it ("SLBM"): the copy reaches the egress
 * programs of the interface it leaves by, ours among them, which must let it leave as it is
 * (not translate it as a packet of its flow). The original gets its own mark back at once.
 */
#define SLB_MIRROR_MARK 0x534c424dU

/* Mirror ids are 1 ..< SLB_MIRROR_MAX (also the counter arrays' size). */
#define SLB_MIRROR_MAX 1024
/* Attachments (ports plus rule services) of all mirrors together. */
#define SLB_MIRROR_MAX_ATTACH 4096

/* loxilb's mirror types (mirrorInfo.type). */
enum slb_mirror_kind {
	SLB_MIRROR_SPAN = 0,   /* the copy as it is, out of ifindex */
	SLB_MIRROR_RSPAN = 1,  /* tagged with vlan, out of ifindex */
	SLB_MIRROR_ERSPAN = 2, /* ERSPAN type II from source to remote, out where the FIB says */
};

/*
 * The bytes ERSPAN puts in front of the copied frame after the outer Ethernet header: outer
 * IPv4 (20), GRE with a sequence number (8), ERSPAN type II (8), then the copied frame's own
 * Ethernet header (14) before its L3 header.
 */
#define SLB_ERSPAN_ROOM 50

/* Value of both attachment maps: how the copy leaves and whose counters it adds to. */
struct slb_mirror_target {
	__u32 ifindex; /* SPAN, RSPAN: the copy leaves by this interface's egress */
	__u32 id;      /* the mirror's id (slb_mirror_stats, slb_mirror_seq) */
	__u8 kind;     /* enum slb_mirror_kind */
	__u8 pad;
	__u16 vlan;    /* RSPAN: the copy's VLAN id */
	__be32 remote; /* ERSPAN: the collector */
	__be32 source; /* ERSPAN: the outer source address */
	__u16 session; /* ERSPAN: the session id (10 bits) */
	__u16 pad2;
};

/* Per mirror id, per CPU. */
struct slb_mirror_stat {
	__u64 packets;	/* copies sent */
	__u64 bytes;	/* the copied packets' bytes (before any tag or encapsulation) */
	__u64 failures; /* copies not sent: no route or neighbour, a helper or the kernel refused */
};

#endif /* SWIFTLB_MIRROR_H */
