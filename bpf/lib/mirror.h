/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * mirror.h - traffic mirroring (loxilb's /config/mirror, docs/mirroring.md).
 *
 * A copy of a packet leaves through bpf_clone_redirect: the kernel clones the skb, the
 * original goes on with its own bytes and verdict. SPAN sends the copy as it is out of the
 * mirror port; RSPAN pushes a VLAN tag (offload metadata) for the copy and pops it after; ERSPAN
 * makes room after the Ethernet header, writes the outer Ethernet, IPv4, GRE and ERSPAN type II
 * headers and the frame's own Ethernet header, sends the copy where the FIB routes the
 * collector, then takes the room away and restores the Ethernet header. Two attachments
 * (swiftlb_mirror.h):
 *   port  every packet entering the port, copied by the ingress entry program before it
 *         parses anything (so IPv6, ARP and packets of no rule are copied too);
 *   rule  every packet of an LB rule's flows in both directions, established ones included,
 *         IPv4, IPv6 and NAT64: the entry program (and NEW4, for a flow's first packet; V6 and
 *         NEW6 for IPv6 packets) sees the flow's service id and continues in the MIRROR stage,
 *         which copies the packet as it arrived (before any rewrite) and then forwards it as
 *         the entry (slb_established4) or V6 (pipeline6.h) would.
 * Unmirrored traffic pays one array lookup (slb_cfg, for SLB_CFG_MIRROR) while no mirror
 * exists, plus one hash lookup per packet while some mirror is attached. A copy carries
 * SLB_MIRROR_MARK while it is sent, so that our programs on the interface it leaves by let it
 * go as it is.
 */
#ifndef SLB_MIRROR_H
#define SLB_MIRROR_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
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

/* ERSPAN: the GRE sequence number of each mirror's next copy (shared by the CPUs). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, SLB_MIRROR_MAX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_mirror_seq SEC(".maps");

_Static_assert(__builtin_strcmp("slb_mirror_port", SLB_MAP_MIRROR_PORT) == 0,
	       "slb_mirror_port pin name");
_Static_assert(__builtin_strcmp("slb_mirror_svc", SLB_MAP_MIRROR_SVC) == 0,
	       "slb_mirror_svc pin name");
_Static_assert(__builtin_strcmp("slb_mirror_stats", SLB_MAP_MIRROR_STATS) == 0,
	       "slb_mirror_stats pin name");
_Static_assert(__builtin_strcmp("slb_mirror_seq", SLB_MAP_MIRROR_SEQ) == 0,
	       "slb_mirror_seq pin name");

/* What ERSPAN puts after the outer Ethernet header (swiftlb_mirror.h: SLB_ERSPAN_ROOM). */
struct slb_erspan_hdr {
	struct iphdr ip;
	__be16 gre_flags; /* S: a sequence number follows */
	__be16 gre_proto; /* ETH_P_ERSPAN */
	__be32 gre_seq;
	__be16 ver_vlan; /* version 1 (type II), the copied frame's VLAN (none) */
	__be16 session;	 /* COS, En, T: 0; session id (10 bits) */
	__be32 index;	 /* reserved, index: 0 */
	struct ethhdr inner;
} __attribute__((packed));

_Static_assert(sizeof(struct slb_erspan_hdr) == SLB_ERSPAN_ROOM, "ERSPAN room");

/* Datapath-private, per CPU: ERSPAN's FIB lookup and headers, off the stack. */
struct slb_mirror_scratch {
	struct bpf_fib_lookup fib;
	struct slb_erspan_hdr h;
	__u8 pad[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_mirror_scratch);
	__uint(max_entries, 1);
} slb_mirror_scratch SEC(".maps");

#define SLB_ETH_P_ERSPAN 0x88BE
#define SLB_GRE_SEQ 0x1000
#define SLB_ERSPAN_V1 0x1000

/* True while some mirror is attached (slb_config.flags): the only cost for everyone else. */
static __always_inline bool slb_mirror_on(void)
{
	return slb_cfg_flags() & SLB_CFG_MIRROR;
}

/* Sends a copy of the packet as it is now out of `ifindex`, marked as a copy. */
static __always_inline long slb_mirror_send(struct __sk_buff *skb, __u32 ifindex)
{
	__u32 mark = skb->mark;
	long rc;

	skb->mark = SLB_MIRROR_MARK;
	rc = bpf_clone_redirect(skb, ifindex, 0);
	skb->mark = mark;
	return rc;
}

/*
 * RSPAN: the copy carries the VLAN tag. The tag is pushed on the packet (as offload metadata:
 * the bytes do not change), the copy sent, the tag popped. A frame that has a tag already is
 * not copied: popping would also move its own tag.
 */
static __always_inline long slb_mirror_rspan(struct __sk_buff *skb,
					     const struct slb_mirror_target *t)
{
	long rc;

	if (skb->vlan_present || skb->protocol == bpf_htons(ETH_P_8021Q) ||
	    skb->protocol == bpf_htons(ETH_P_8021AD))
		return -1;
	if (bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), t->vlan & 0xfff))
		return -1;
	rc = slb_mirror_send(skb, t->ifindex);
	if (bpf_skb_vlan_pop(skb))
		return -1;
	return rc;
}

/* Fills the ERSPAN headers in `m` for the packet in `skb` (its first ETH_HLEN bytes read). */
static __always_inline void slb_erspan_build(struct __sk_buff *skb,
					     const struct slb_mirror_target *t,
					     struct slb_mirror_scratch *m)
{
	struct slb_erspan_hdr *h = &m->h;
	__u32 id = t->id;
	__u32 *seq = bpf_map_lookup_elem(&slb_mirror_seq, &id);
	__s64 sum;

	h->ip.version = 4;
	h->ip.ihl = 5;
	h->ip.tos = 0;
	h->ip.tot_len = bpf_htons(skb->len + SLB_ERSPAN_ROOM - ETH_HLEN);
	h->ip.id = 0;
	h->ip.frag_off = 0;
	h->ip.ttl = 64;
	h->ip.protocol = IPPROTO_GRE;
	h->ip.check = 0;
	h->ip.saddr = t->source;
	h->ip.daddr = t->remote;
	sum = bpf_csum_diff(NULL, 0, (__be32 *)(void *)h, sizeof(struct iphdr), 0); /* ip first */
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	h->ip.check = (__u16)~sum;
	h->gre_flags = bpf_htons(SLB_GRE_SEQ);
	h->gre_proto = bpf_htons(SLB_ETH_P_ERSPAN);
	h->gre_seq = bpf_htonl(seq ? __sync_fetch_and_add(seq, 1) : 0);
	h->ver_vlan = bpf_htons(SLB_ERSPAN_V1);
	h->session = bpf_htons(t->session & 0x3ff);
	h->index = 0;
}

/*
 * ERSPAN type II: room for the headers after the frame's Ethernet header, the outer Ethernet
 * (from the FIB: the route to the collector), IPv4, GRE and ERSPAN headers and the frame's own
 * Ethernet header written, the copy sent, then the room taken away and the frame's Ethernet
 * header put back. GSO packets are not copied (the copy would be segmented as the inner
 * packet), nor frames other than IPv4 and IPv6 (the kernel grows only those).
 */
static __always_inline long slb_mirror_erspan(struct __sk_buff *skb,
					      const struct slb_mirror_target *t)
{
	struct slb_mirror_scratch *m;
	__be16 proto = bpf_htons(ETH_P_IP);
	__u32 zero = 0;
	long rc;

	if (skb->gso_segs > 1 || skb->gso_size)
		return -1;
	if (skb->protocol != bpf_htons(ETH_P_IP) && skb->protocol != bpf_htons(ETH_P_IPV6))
		return -1;
	m = bpf_map_lookup_elem(&slb_mirror_scratch, &zero);
	if (!m)
		return -1;
	__builtin_memset(&m->fib, 0, sizeof(m->fib));
	m->fib.family = 2; /* AF_INET */
	m->fib.ipv4_src = t->source;
	m->fib.ipv4_dst = t->remote;
	m->fib.ifindex = skb->ifindex;
	if (bpf_fib_lookup(skb, &m->fib, sizeof(m->fib), 0) != BPF_FIB_LKUP_RET_SUCCESS)
		return -1;
	if (bpf_skb_load_bytes(skb, 0, &m->h.inner, ETH_HLEN))
		return -1;
	slb_erspan_build(skb, t, m);
	if (bpf_skb_adjust_room(skb, SLB_ERSPAN_ROOM, BPF_ADJ_ROOM_MAC, 0))
		return -1;
	rc = bpf_skb_store_bytes(skb, 0, m->fib.dmac, ETH_ALEN, BPF_F_RECOMPUTE_CSUM);
	if (!rc)
		rc = bpf_skb_store_bytes(skb, ETH_ALEN, m->fib.smac, ETH_ALEN,
					 BPF_F_RECOMPUTE_CSUM);
	if (!rc)
		rc = bpf_skb_store_bytes(skb, 2 * ETH_ALEN, &proto, sizeof(proto),
					 BPF_F_RECOMPUTE_CSUM);
	if (!rc)
		rc = bpf_skb_store_bytes(skb, ETH_HLEN, &m->h, sizeof(m->h), BPF_F_RECOMPUTE_CSUM);
	if (!rc)
		rc = slb_mirror_send(skb, m->fib.ifindex);
	/* Whatever happened after the room was made, the original gets its own bytes back. */
	if (bpf_skb_adjust_room(skb, -SLB_ERSPAN_ROOM, BPF_ADJ_ROOM_MAC, 0) ||
	    bpf_skb_store_bytes(skb, 0, &m->h.inner, ETH_HLEN, BPF_F_RECOMPUTE_CSUM))
		return -2;
	return rc;
}

/*
 * Sends a copy of the packet in `skb` as `t` says, counted as `counter` (or SLB_CNT_MIRROR_FAIL).
 * Invalidates every packet pointer the caller holds (the helpers may reallocate the head).
 * Returns false only when the original could not be put back (ERSPAN): then it must be dropped.
 */
static __always_inline bool slb_mirror_copy(struct __sk_buff *skb,
					    const struct slb_mirror_target *t, __u32 counter)
{
	struct slb_mirror_stat *stat;
	__u32 id = t->id;
	__u32 len = skb->len;
	long rc;

	if (t->kind == SLB_MIRROR_RSPAN)
		rc = slb_mirror_rspan(skb, t);
	else if (t->kind == SLB_MIRROR_ERSPAN)
		rc = slb_mirror_erspan(skb, t);
	else
		rc = slb_mirror_send(skb, t->ifindex);
	stat = bpf_map_lookup_elem(&slb_mirror_stats, &id);
	if (rc) {
		slb_count(SLB_CNT_MIRROR_FAIL);
		if (stat)
			stat->failures++;
		return rc != -2;
	}
	slb_count(counter);
	if (stat) {
		stat->packets++;
		stat->bytes += len;
	}
	return true;
}

/*
 * A copy on its way out (SLB_MIRROR_MARK) passes every program untouched: a copy of a rule's
 * packet still carries the flow's tuple and would otherwise be translated and sent on.
 */
static __always_inline bool slb_mirror_is_copy(const struct __sk_buff *skb)
{
	return skb->mark == SLB_MIRROR_MARK;
}

/*
 * Port mirrors (ingress): a copy of the packet when its port is mirrored. False only when the
 * original could not be restored (it must be dropped).
 */
static __always_inline bool slb_mirror_port_copy(struct __sk_buff *skb)
{
	const struct slb_mirror_target *t;
	__u32 ifindex = skb->ifindex;

	t = bpf_map_lookup_elem(&slb_mirror_port, &ifindex);
	return t ? slb_mirror_copy(skb, t, SLB_CNT_MIRROR_PORT) : true;
}

/* The mirror of the LB rule with service id `svc_id`, NULL when it has none. */
static __always_inline const struct slb_mirror_target *slb_mirror_rule(__u32 svc_id)
{
	return bpf_map_lookup_elem(&slb_mirror_svc, &svc_id);
}

#endif /* SLB_MIRROR_H */
