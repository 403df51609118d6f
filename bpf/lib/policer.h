/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * policer.h - QoS policers (loxilb's /config/policy): two-rate (RFC 2698 trTCM) and single-rate
 * (RFC 2697 srTCM) three-colour markers, colour-blind or colour-aware.
 *
 * One pair of token buckets per policer (swiftlb_policer.h), shared by all CPUs and updated
 * under its bpf_spin_lock, so the rate holds exactly whatever CPU a packet arrives on (per-CPU
 * buckets would let each CPU pass the full rate). The lock is held for a handful of
 * instructions: credit the time since the last update, then take the packet's bytes. Time is
 * the precise CLOCK_MONOTONIC ns (bpf_ktime_get_ns), read before taking the lock: a tick-coarse
 * clock would release a tick's worth of tokens at once, more than a small bucket holds.
 * Green packets pass untouched, yellow ones pass with their DSCP set to a higher drop
 * precedence (slb_pol_yellow_dscp), red ones are dropped. The packet's colour, when the
 * policer is colour-aware, comes from its DSCP (slb_pol_precolor).
 * Policing runs in its own stage (POLICE, stages.h). The entry program only tests a bit of
 * slb_config (SLB_CFG_POLICE) before looking up slb_pol_port / slb_pol_svc, so traffic of a
 * datapath without policers pays one array lookup; so does V6 (pipeline6.h) for IPv6 flows.
 */
#ifndef SLB_POLICER_H
#define SLB_POLICER_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "compiler.h"
#include "maps.h"
#include "stats.h"
#include "swiftlb_abi.h"
#include "swiftlb_policer.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_pol_cfg);
	__uint(max_entries, SLB_POL_MAX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_pol_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_pol_state);
	__uint(max_entries, SLB_POL_MAX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_pol_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_pol_stat);
	__uint(max_entries, SLB_POL_MAX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_pol_stats SEC(".maps");

/* Service id -> policer id (rules attached with attachment 2). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, SLB_POL_MAX_SVC);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_pol_svc SEC(".maps");

/* Ingress ifindex -> policer id (interfaces attached with attachment 1). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, SLB_POL_MAX_PORTS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_pol_port SEC(".maps");

/* Fixtures' clock (swiftlb_policer.h); not pinned: each loaded object has its own, left 0. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_pol_clock);
	__uint(max_entries, 1);
} slb_pol_clock SEC(".maps");

_Static_assert(__builtin_strcmp("slb_pol_cfg", SLB_MAP_POL_CFG) == 0, "slb_pol_cfg pin name");
_Static_assert(__builtin_strcmp("slb_pol_state", SLB_MAP_POL_STATE) == 0, "slb_pol_state pin name");
_Static_assert(__builtin_strcmp("slb_pol_stats", SLB_MAP_POL_STATS) == 0, "slb_pol_stats pin name");
_Static_assert(__builtin_strcmp("slb_pol_svc", SLB_MAP_POL_SVC) == 0, "slb_pol_svc pin name");
_Static_assert(__builtin_strcmp("slb_pol_port", SLB_MAP_POL_PORT) == 0, "slb_pol_port pin name");
_Static_assert(__builtin_strcmp("slb_pol_clock", SLB_MAP_POL_CLOCK) == 0, "slb_pol_clock pin name");

/* Which policer the POLICE stage applies (slb_scratch4.pol_port), and what follows it. */
enum {
	SLB_POL_AT_SVC4 = 0, /* an IPv4 flow's rule: then forwarded as the entry would */
	SLB_POL_AT_PORT = 1, /* the ingress interface's: then the entry again */
	SLB_POL_AT_SVC6 = 2, /* an IPv6 or NAT64 flow's rule (IPv6 scratch): then as V6 would */
};

/* True when some policer is attached (the only cost for datapaths without policers). */
static __always_inline bool slb_pol_enabled(void)
{
	return slb_cfg_flags() & SLB_CFG_POLICE;
}

/* The policer attached to ingress interface `ifindex`, 0 = none. */
static __always_inline __u32 slb_pol_of_port(__u32 ifindex)
{
	__u32 *id = bpf_map_lookup_elem(&slb_pol_port, &ifindex);

	return id ? *id : 0;
}

/* The policer attached to service `svc_id`, 0 = none. */
static __always_inline __u32 slb_pol_of_svc(__u32 svc_id)
{
	__u32 *id = bpf_map_lookup_elem(&slb_pol_svc, &svc_id);

	return id ? *id : 0;
}

static __always_inline __u64 slb_pol_now(void)
{
	const struct slb_pol_clock *c;
	__u32 zero = 0;

	c = bpf_map_lookup_elem(&slb_pol_clock, &zero);
	if (c && c->fixed_ns)
		return c->fixed_ns;
	return bpf_ktime_get_ns();
}

/* Tokens `rate` earns in `elapsed` ns, on top of `tokens`, capped at `size` (all fixed point). */
static __always_inline __u64 slb_pol_fill(__u64 tokens, __u64 rate, __u64 elapsed, __u64 size)
{
	__u64 add;

	if (elapsed > SLB_POL_MAX_ELAPSED_NS)
		elapsed = SLB_POL_MAX_ELAPSED_NS;
	add = elapsed * rate;
	return add >= size || tokens >= size - add ? size : tokens + add;
}

/*
 * The colour of a `len`-byte packet pre-coloured `pre` (GREEN when colour-blind), taking its
 * tokens from policer `cfg`/`st` at time `now`.
 */
static __always_inline __u8 slb_pol_meter(const struct slb_pol_cfg *cfg, struct slb_pol_state *st,
					  __u64 now, __u32 len, __u8 pre)
{
	__u64 b = (__u64)len << SLB_POL_FRAC_BITS, elapsed = 0;
	__u8 color;

	bpf_spin_lock(&st->lock);
	if (st->last_ns && now > st->last_ns)
		elapsed = now - st->last_ns;
	if (!st->last_ns || now > st->last_ns)
		st->last_ns = now;
	if (cfg->type == SLB_POL_SRTCM) {
		/* RFC 2697: the committed bucket fills first, its overflow goes to the excess one. */
		__u64 earned = elapsed > SLB_POL_MAX_ELAPSED_NS ? SLB_POL_MAX_ELAPSED_NS : elapsed;
		__u64 room = st->tc < cfg->cbs ? cfg->cbs - st->tc : 0, over;

		earned *= cfg->cir;
		if (earned <= room) {
			st->tc += earned;
		} else {
			over = earned - room;
			st->tc = cfg->cbs;
			st->te = over >= cfg->ebs || st->te >= cfg->ebs - over ? cfg->ebs :
										 st->te + over;
		}
		if (pre == SLB_POL_GREEN && st->tc >= b) {
			st->tc -= b;
			color = SLB_POL_GREEN;
		} else if (pre != SLB_POL_RED && st->te >= b) {
			st->te -= b;
			color = SLB_POL_YELLOW;
		} else {
			color = SLB_POL_RED;
		}
	} else {
		/* RFC 2698: red above the peak rate, yellow above the committed one. */
		st->tc = slb_pol_fill(st->tc, cfg->cir, elapsed, cfg->cbs);
		st->te = slb_pol_fill(st->te, cfg->pir, elapsed, cfg->ebs);
		if (pre == SLB_POL_RED || st->te < b) {
			color = SLB_POL_RED;
		} else if (pre == SLB_POL_YELLOW || st->tc < b) {
			st->te -= b;
			color = SLB_POL_YELLOW;
		} else {
			st->te -= b;
			st->tc -= b;
			color = SLB_POL_GREEN;
		}
	}
	bpf_spin_unlock(&st->lock);
	return color;
}

/*
 * DSCP and colour: the assured-forwarding code points AFc1, AFc2, AFc3 (RFC 2597: 8c + 2d,
 * class c 1-4, drop precedence d 1-3) carry green, yellow and red; any other DSCP is green.
 */
static __always_inline bool slb_pol_is_af(__u8 dscp)
{
	__u8 c = dscp >> 3, d = (dscp >> 1) & 3;

	return c >= 1 && c <= 4 && d >= 1 && !(dscp & 1);
}

static __always_inline __u8 slb_pol_precolor(__u8 dscp)
{
	if (!slb_pol_is_af(dscp))
		return SLB_POL_GREEN;
	return ((dscp >> 1) & 3) - 1;
}

/* A yellow packet's DSCP: its AF class at drop precedence 2, AF12 for any other DSCP. */
static __always_inline __u8 slb_pol_yellow_dscp(__u8 dscp)
{
	return slb_pol_is_af(dscp) ? (dscp & 0x38) | 4 : 12;
}

/*
 * The DSCP of the IPv4 or IPv6 packet in `skb` (Ethernet, no VLAN tag) into `*dscp`; returns
 * its EtherType in host order, 0 when it is neither.
 */
static __always_inline __u16 slb_pol_read_dscp(struct __sk_buff *skb, __u8 *dscp)
{
	__u8 b[2];
	__be16 proto;

	if (bpf_skb_load_bytes(skb, offsetof(struct ethhdr, h_proto), &proto, sizeof(proto)))
		return 0;
	if (bpf_skb_load_bytes(skb, ETH_HLEN, b, sizeof(b)))
		return 0;
	if (proto == bpf_htons(ETH_P_IP) && (b[0] >> 4) == 4) {
		*dscp = b[1] >> 2;
		return ETH_P_IP;
	}
	if (proto == bpf_htons(ETH_P_IPV6) && (b[0] >> 4) == 6) {
		*dscp = ((b[0] & 0x0f) << 2) | (b[1] >> 6);
		return ETH_P_IPV6;
	}
	return 0;
}

/* Rewrites the DSCP of the packet read by slb_pol_read_dscp (`proto`) to `dscp`. */
static __always_inline void slb_pol_write_dscp(struct __sk_buff *skb, __u16 proto, __u8 dscp)
{
	__u8 b[2];

	if (bpf_skb_load_bytes(skb, ETH_HLEN, b, sizeof(b)))
		return;
	if (proto == ETH_P_IP) {
		__u8 tos = (dscp << 2) | (b[1] & 3);
		__be16 old = bpf_htons((b[0] << 8) | b[1]), new = bpf_htons((b[0] << 8) | tos);

		b[1] = tos;
		if (bpf_skb_store_bytes(skb, ETH_HLEN, b, sizeof(b), 0))
			return;
		bpf_l3_csum_replace(skb, ETH_HLEN + offsetof(struct iphdr, check), old, new, 2);
	} else if (proto == ETH_P_IPV6) {
		/*
		 * No header checksum, and the traffic class is in no L4 pseudo-header: only a
		 * CHECKSUM_COMPLETE sum over the frame changes (BPF_F_RECOMPUTE_CSUM keeps it).
		 */
		b[0] = (b[0] & 0xf0) | (dscp >> 2);
		b[1] = (b[1] & 0x3f) | ((dscp & 3) << 6);
		bpf_skb_store_bytes(skb, ETH_HLEN, b, sizeof(b), BPF_F_RECOMPUTE_CSUM);
	}
}

/*
 * Polices the packet in `skb` with policer `id`: returns TC_ACT_SHOT for red (counted), -1 for
 * green and yellow (yellow marked) and for a policer without parameters. `tos` (NULL: none) is
 * the parsed packet's TOS or traffic class byte, kept equal to the mark (a translation that
 * builds a new header from it, NAT64 or NAT46, carries the mark on).
 */
static __always_inline int slb_pol_apply(struct __sk_buff *skb, __u32 id, __u8 *tos)
{
	const struct slb_pol_cfg *cfg = bpf_map_lookup_elem(&slb_pol_cfg, &id);
	struct slb_pol_state *st = bpf_map_lookup_elem(&slb_pol_state, &id);
	struct slb_pol_stat *stat;
	__u8 dscp = 0, pre = SLB_POL_GREEN, color;
	__u16 proto;
	__u64 now = slb_pol_now();

	if (!cfg || !st || !cfg->cir) {
		slb_count(SLB_CNT_POL_NO_CFG);
		return -1;
	}
	proto = slb_pol_read_dscp(skb, &dscp);
	if (cfg->color_aware && proto)
		pre = slb_pol_precolor(dscp);
	color = slb_pol_meter(cfg, st, now, skb->len, pre);
	stat = bpf_map_lookup_elem(&slb_pol_stats, &id);
	if (stat) {
		/* Constant indexes: the verifier does not bound a colour computed under the lock. */
		__u32 i = color == SLB_POL_RED	  ? SLB_POL_RED :
			  color == SLB_POL_YELLOW ? SLB_POL_YELLOW :
						    SLB_POL_GREEN;

		if (i == SLB_POL_RED) {
			stat->packets[SLB_POL_RED]++;
			stat->bytes[SLB_POL_RED] += skb->len;
		} else if (i == SLB_POL_YELLOW) {
			stat->packets[SLB_POL_YELLOW]++;
			stat->bytes[SLB_POL_YELLOW] += skb->len;
		} else {
			stat->packets[SLB_POL_GREEN]++;
			stat->bytes[SLB_POL_GREEN] += skb->len;
		}
	}
	if (color == SLB_POL_RED)
		return slb_counted(SLB_CNT_DROP_POL_RED, TC_ACT_SHOT);
	if (color == SLB_POL_YELLOW) {
		if (proto && dscp != slb_pol_yellow_dscp(dscp)) {
			slb_pol_write_dscp(skb, proto, slb_pol_yellow_dscp(dscp));
			if (tos)
				*tos = (slb_pol_yellow_dscp(dscp) << 2) | (*tos & 3);
		}
		slb_count(SLB_CNT_POL_YELLOW);
		return -1;
	}
	slb_count(SLB_CNT_POL_GREEN);
	return -1;
}

#endif /* SLB_POLICER_H */
