/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * mirror.h - traffic mirroring (loxilb's /config/mirror, docs/mirroring.md).
 *
 * A copy of a packet leaves by the egress of a target interface through bpf_clone_redirect:
 * the kernel clones the skb, and the original goes on unchanged (same bytes, same verdict).
 * The target is the mirror port itself (SPAN) or a netdev the daemon made for the mirror (VLAN
 * device: RSPAN; ERSPAN device: ERSPAN type II), so tagging and encapsulation are the
 * kernel's. Two attachments (swiftlb_mirror.h):
 *   port  every packet entering the port, copied by the ingress entry program before it
 *         parses anything (so IPv6, ARP and packets of no rule are copied too);
 *   rule  every IPv4 packet of an LB rule's flows in both directions, established ones
 *         included: the entry program (and NEW4, for a flow's first packet) sees the flow's
 *         service id and continues in the MIRROR stage, which copies the packet as it arrived
 *         (before any rewrite) and then forwards it as the entry would (slb_established4).
 * Unmirrored traffic pays one array lookup (slb_cfg, for SLB_CFG_MIRROR) while no mirror
 * exists, plus one hash lookup per packet while some mirror is attached.
 */
#ifndef SLB_MIRROR_H
#define SLB_MIRROR_H

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "compiler.h"
#include "maps.h"
#include "stats.h"
#include "swiftlb_abi.h"
#include "swiftlb_mirror.h"

/* ifindex of a mirrored port -> where its packets' copies go. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct slb_mirror_target);
	__uint(max_entries, SLB_MIRROR_MAX_ATTACH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_mirror_port SEC(".maps");

/* service id of a mirrored LB rule -> where its flows' copies go. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct slb_mirror_target);
	__uint(max_entries, SLB_MIRROR_MAX_ATTACH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_mirror_svc SEC(".maps");

/* Copies sent and refused, per mirror id and CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_mirror_stat);
	__uint(max_entries, SLB_MIRROR_MAX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_mirror_stats SEC(".maps");

_Static_assert(__builtin_strcmp("slb_mirror_port", SLB_MAP_MIRROR_PORT) == 0, "slb_mirror_port pin name");
_Static_assert(__builtin_strcmp("slb_mirror_svc", SLB_MAP_MIRROR_SVC) == 0, "slb_mirror_svc pin name");
_Static_assert(__builtin_strcmp("slb_mirror_stats", SLB_MAP_MIRROR_STATS) == 0, "slb_mirror_stats pin name");

/* True while some mirror is attached (slb_config.flags): the only cost for everyone else. */
static __always_inline bool slb_mirror_on(void)
{
	const struct slb_config *cfg;
	__u32 zero = 0;

	cfg = bpf_map_lookup_elem(&slb_cfg, &zero);
	return cfg && (cfg->flags & SLB_CFG_MIRROR);
}

/*
 * Sends a copy of the packet in `skb` to `t`, counted as `counter` (or SLB_CNT_MIRROR_FAIL).
 * Invalidates every packet pointer the caller holds (the helper may reallocate the head).
 */
static __always_inline void slb_mirror_copy(struct __sk_buff *skb, const struct slb_mirror_target *t,
					    __u32 counter)
{
	struct slb_mirror_stat *stat;
	__u32 id = t->id;
	__u32 len = skb->len;
	__u32 mark = skb->mark;
	long rc;

	skb->mark = SLB_MIRROR_MARK;
	rc = bpf_clone_redirect(skb, t->ifindex, 0);
	skb->mark = mark;
	stat = bpf_map_lookup_elem(&slb_mirror_stats, &id);
	if (rc) {
		slb_count(SLB_CNT_MIRROR_FAIL);
		if (stat)
			stat->failures++;
		return;
	}
	slb_count(counter);
	if (stat) {
		stat->packets++;
		stat->bytes += len;
	}
}

/*
 * A copy on its way out (SLB_MIRROR_MARK) passes every program untouched: a copy of a rule's
 * packet still carries the flow's tuple and would otherwise be translated and sent on.
 */
static __always_inline bool slb_mirror_is_copy(const struct __sk_buff *skb)
{
	return skb->mark == SLB_MIRROR_MARK;
}

/* Port mirrors (ingress): a copy of the packet when its port is mirrored. */
static __always_inline void slb_mirror_port_copy(struct __sk_buff *skb)
{
	const struct slb_mirror_target *t;
	__u32 ifindex = skb->ifindex;

	t = bpf_map_lookup_elem(&slb_mirror_port, &ifindex);
	if (t)
		slb_mirror_copy(skb, t, SLB_CNT_MIRROR_PORT);
}

/* The mirror of the LB rule with service id `svc_id`, NULL when it has none. */
static __always_inline const struct slb_mirror_target *slb_mirror_rule(__u32 svc_id)
{
	return bpf_map_lookup_elem(&slb_mirror_svc, &svc_id);
}

#endif /* SLB_MIRROR_H */
