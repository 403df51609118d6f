/* SPDX-License-Identifier: Apache-2.0 */
/*
 * swiftlb_mirror.h - traffic mirroring's maps (bpf/lib/mirror.h, docs/mirroring.md), shared
 * with Swift.
 *
 * A mirror sends a copy of packets to an interface (bpf_clone_redirect to its egress). What is
 * copied: every packet entering a port (slb_mirror_port, keyed by the port's ifindex) or every
 * IPv4 packet of an LB rule's flows, both directions (slb_mirror_svc, keyed by the rule's
 * service id). The copy's interface is the mirror port itself (SPAN) or a netdev the daemon
 * creates for the mirror (a VLAN device for RSPAN, an ERSPAN device for ERSPAN), so the kernel
 * adds the tag or the encapsulation. The datapath looks at these maps only while slb_config.flags
 * has SLB_CFG_MIRROR (some mirror is attached).
 */
#ifndef SWIFTLB_MIRROR_H
#define SWIFTLB_MIRROR_H

#include <linux/types.h>

#define SLB_MAP_MIRROR_PORT "slb_mirror_port"
#define SLB_MAP_MIRROR_SVC "slb_mirror_svc"
#define SLB_MAP_MIRROR_STATS "slb_mirror_stats"

/* slb_config.flags: some mirror is attached (the datapath looks its maps up). */
#define SLB_CFG_MIRROR 4U /* 1 << 2 */

/*
 * skb->mark of a copy while bpf_clone_redirect sends it ("SLBM"): the copy reaches the target's
 * egress programs, ours among them, which must let it leave as it is (not translate it as a
 * packet of its flow). The original gets its own mark back at once.
 */
#define SLB_MIRROR_MARK 0x534c424dU

/* Mirror ids are 1 ..< SLB_MIRROR_MAX (also the counter array's size). */
#define SLB_MIRROR_MAX 1024
/* Attachments (ports plus rule services) of all mirrors together. */
#define SLB_MIRROR_MAX_ATTACH 4096

/* Value of both attachment maps: where the copy goes and whose counters it adds to. */
struct slb_mirror_target {
	__u32 ifindex; /* the copy leaves by this interface's egress */
	__u32 id;      /* the mirror's id (slb_mirror_stats) */
};

/* Per mirror id, per CPU. */
struct slb_mirror_stat {
	__u64 packets;	/* copies sent */
	__u64 bytes;	/* their bytes */
	__u64 failures; /* copies the kernel refused (target gone or down) */
};

#endif /* SWIFTLB_MIRROR_H */
