/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * fw.h - the firewall (loxilb's /config/firewall): first match by preference, IPv4 and IPv6.
 *
 * Tuple-space search (swiftlb_fw.h, docs/firewall.md): for each mask in slb_fw_tuples (at most
 * SLB_FW_MAX_TUPLES), the packet's addresses, ports, protocol and interface are masked and
 * looked up in one hash map; the hit of highest rank wins. The cost is at most
 * SLB_FW_MAX_TUPLES hash lookups whatever the number of rules. It runs in its own stages
 * (FW4, FW6: stages.h), for ingress packets without a conntrack entry, before a flow is set up.
 * Packets of tracked flows pay for it only while some rule asks for every packet
 * (SLB_CFG_FW_EVERY); otherwise they never reach it.
 */
#ifndef SLB_FW_H
#define SLB_FW_H

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "compiler.h"
#include "stats.h"
#include "swiftlb_abi.h"
#include "swiftlb_fw.h"

/* Packets: masked key -> winning rule (its rank, id, action, mark). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct slb_fw_key);
	__type(value, struct slb_fw_val);
	__uint(max_entries, SLB_FW_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_fw_rules SEC(".maps");

/* The masks in use (one element). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_fw_tuples);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_fw_tuples SEC(".maps");

/* Packets and bytes matched, per rule id and CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_fw_stat);
	__uint(max_entries, SLB_FW_MAX_RULES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_fw_stats SEC(".maps");

_Static_assert(__builtin_strcmp("slb_fw_rules", SLB_MAP_FW_RULES) == 0, "slb_fw_rules pin name");
_Static_assert(__builtin_strcmp("slb_fw_tuples", SLB_MAP_FW_TUPLES) == 0, "slb_fw_tuples pin name");
_Static_assert(__builtin_strcmp("slb_fw_stats", SLB_MAP_FW_STATS) == 0, "slb_fw_stats pin name");

/* The fields of a packet the firewall matches (addresses: IPv4 in word 0, the rest zero). */
struct slb_fw_pkt {
	__be32 saddr[4];
	__be32 daddr[4];
	__be16 sport;
	__be16 dport;
	__u32 ifindex;
	__u32 len;
	__u8 proto;
	__u8 family;
};

/* Masks `p` with slot `i`'s mask `m` into `key`. */
static __always_inline void slb_fw_mask_key(struct slb_fw_key *key, const struct slb_fw_pkt *p,
					    const struct slb_fw_mask *m, __u32 i)
{
	for (int w = 0; w < 4; w++) {
		key->saddr[w] = p->saddr[w] & m->smask[w];
		key->daddr[w] = p->daddr[w] & m->dmask[w];
	}
	key->sport = p->sport & m->spmask;
	key->dport = p->dport & m->dpmask;
	key->ifindex = m->match_if ? p->ifindex : 0;
	key->proto = p->proto & m->proto_mask;
	key->family = p->family;
	key->tuple = i;
	key->pad = 0;
}

/* What a SNAT rule asks of the new flow (slb_fw_check), for flow.h; on 0 = nothing. */
struct slb_fw_snat {
	__be32 addr[4]; /* the rule's family: IPv4 in word 0 */
	__be16 port;
	__u8 flags; /* enum slb_fw_flags */
	__u8 on;
};

/*
 * The verdict for `p`: TC_ACT_SHOT (drop), TC_ACT_OK (trap: to the stack untouched),
 * TC_ACT_REDIRECT (out of the rule's interface, untouched) or -1 (allowed, SNAT, or no rule
 * matched: go on). A SNAT hit fills `snat` (left as it is otherwise). Counts the winning rule
 * and sets its mark. For a packet of a `tracked` flow only a winner with SLB_FW_F_EVERY acts
 * (first match still wins: a higher rule without it shields the packet).
 */
static __always_inline int slb_fw_check(struct __sk_buff *skb, const struct slb_fw_pkt *p,
					struct slb_fw_snat *snat, bool tracked)
{
	const struct slb_fw_tuples *tuples;
	const struct slb_fw_val *hit;
	struct slb_fw_key key;
	struct slb_fw_stat *stat;
	__u64 best_rank = 0;
	__u32 best_id = 0, best_mark = 0, best_ifindex = 0, zero = 0, count;
	__be32 best_snat[4] = {};
	__be16 best_port = 0;
	__u8 best_action = 0, best_flags = 0;

	tuples = bpf_map_lookup_elem(&slb_fw_tuples, &zero);
	if (!tuples)
		return -1;
	count = READ_ONCE(tuples->count);
	for (__u32 i = 0; i < SLB_FW_MAX_TUPLES; i++) {
		if (i >= count)
			break;
		if (tuples->t[i].family != p->family)
			continue;
		slb_fw_mask_key(&key, p, &tuples->t[i], i);
		hit = bpf_map_lookup_elem(&slb_fw_rules, &key);
		/* Copied out: a later lookup must not compare against an entry changed meanwhile. */
		if (hit && (!best_id || hit->rank > best_rank)) {
			best_rank = hit->rank;
			best_id = hit->rule_id;
			best_mark = hit->mark;
			best_action = hit->action;
			best_ifindex = hit->redirect_ifindex;
			__builtin_memcpy(best_snat, hit->snat_addr, sizeof(best_snat));
			best_port = hit->snat_port;
			best_flags = hit->flags;
		}
	}
	if (!best_id || (tracked && !(best_flags & SLB_FW_F_EVERY)))
		return -1;
	stat = bpf_map_lookup_elem(&slb_fw_stats, &best_id);
	if (stat) {
		stat->packets++;
		stat->bytes += p->len;
	}
	if (best_mark)
		skb->mark = best_mark;
	if (best_action == SLB_FW_DROP)
		return slb_counted(SLB_CNT_DROP_FIREWALL, TC_ACT_SHOT);
	if (best_action == SLB_FW_TRAP)
		return slb_counted(SLB_CNT_PASS_FW_TRAP, TC_ACT_OK);
	if (best_action == SLB_FW_REDIRECT) {
		slb_count(SLB_CNT_FWD_FW_REDIRECT);
		return bpf_redirect(best_ifindex, 0);
	}
	if (best_action == SLB_FW_SNAT && snat) {
		__builtin_memcpy(snat->addr, best_snat, sizeof(snat->addr));
		snat->port = best_port;
		snat->flags = best_flags;
		snat->on = 1;
	}
	return -1;
}

#endif /* SLB_FW_H */
