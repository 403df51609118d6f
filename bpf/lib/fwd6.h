/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * fwd6.h - forwarding of translated packets of either family, without the next-hop cache.
 *
 * The IPv6 paths (NAT66, NAT64 both ways, ICMPv6 errors) route the translated packet first
 * (bpf_fib_lookup in the family of the translated packet; ingress as received on
 * skb->ifindex, egress as output), then rewrite it in one pass with the MACs and the hop
 * limit/TTL decrement (ingress only), and redirect it (SUCCESS) or hand it to
 * bpf_redirect_neigh (NO_NEIGH). Without a usable route the packet is only translated and left
 * to the stack (SLB_CNT_FWD_STACK); a hop limit that would expire leaves it to the stack too
 * (SLB_CNT_PASS_TTL). Unlike IPv4 DNAT (fwd.h) these paths make one FIB lookup per packet.
 */
#ifndef SLB_FWD6_H
#define SLB_FWD6_H

#include "compiler.h"
#include "ctx.h"
#include "fwd.h"
#include "nat6.h"
#include "parse6.h"
#include "stats.h"

/* What slb_fwd_plan decided for a translated packet. */
struct slb_fwd_plan {
	__u8 macs[2 * ETH_ALEN];
	__u32 ifindex;
	long rc;       /* bpf_fib_lookup result */
	bool routed;   /* SUCCESS or NO_NEIGH: rewrite MACs (SUCCESS) and decrement */
	bool ttl_pass; /* ingress and the hop limit / TTL would expire */
	__be32 nh[4];  /* next hop for bpf_redirect_neigh */
	__u8 nh_family;
};

/*
 * Routes a packet of `family` from `src` to `dst` (IPv4 in word 0). Returns the
 * bpf_fib_lookup result; `fib` holds the egress interface and MACs on success.
 */
static __always_inline long slb_route(struct __sk_buff *skb, struct bpf_fib_lookup *fib,
				      __u8 family, const __be32 *src, const __be32 *dst, __u8 tos,
				      __u8 proto, bool egress)
{
	__builtin_memset(fib, 0, sizeof(*fib));
	fib->family = family;
	fib->l4_protocol = proto;
	fib->ifindex = skb->ifindex;
	if (family == SLB_AF_INET) {
		fib->tos = tos;
		fib->ipv4_src = src[0];
		fib->ipv4_dst = dst[0];
	} else {
		fib->flowinfo = bpf_htonl((__u32)tos << 20);
		__builtin_memcpy(fib->ipv6_src, src, sizeof(fib->ipv6_src));
		__builtin_memcpy(fib->ipv6_dst, dst, sizeof(fib->ipv6_dst));
	}
	return bpf_fib_lookup(skb, fib, sizeof(*fib), egress ? BPF_FIB_LOOKUP_OUTPUT : 0);
}

/*
 * Routes the translated tuple `t` of `family` and decides how to forward (see the header);
 * `fib` is scratch space.
 */
static __always_inline void slb_fwd_plan(struct __sk_buff *skb, struct slb_fwd_plan *plan,
					 struct bpf_fib_lookup *fib, __u8 family,
					 const struct slb_tuple6 *t, __u8 tos, __u8 proto, __u8 ttl,
					 bool egress)
{
	plan->rc = slb_route(skb, fib, family, t->saddr, t->daddr, tos, proto, egress);
	plan->routed = plan->rc == BPF_FIB_LKUP_RET_SUCCESS ||
		       plan->rc == BPF_FIB_LKUP_RET_NO_NEIGH;
	plan->ttl_pass = plan->routed && !egress && ttl <= 1;
	plan->ifindex = fib->ifindex;
	plan->nh_family = family;
	__builtin_memcpy(plan->macs, fib->dmac, ETH_ALEN);
	__builtin_memcpy(plan->macs + ETH_ALEN, fib->smac, ETH_ALEN);
	__builtin_memset(plan->nh, 0, sizeof(plan->nh));
	if (family == SLB_AF_INET)
		plan->nh[0] = fib->ipv4_dst;
	else
		__builtin_memcpy(plan->nh, fib->ipv6_dst, sizeof(plan->nh));
}

/* Whether the plan rewrites the MACs (a resolved next hop) and decrements the hop limit. */
static __always_inline const __u8 *slb_plan_macs(const struct slb_fwd_plan *plan)
{
	return plan->routed && !plan->ttl_pass && plan->rc == BPF_FIB_LKUP_RET_SUCCESS ?
		       plan->macs :
		       NULL;
}

static __always_inline bool slb_plan_dec(const struct slb_fwd_plan *plan, bool egress)
{
	return plan->routed && !plan->ttl_pass && !egress;
}

/* Sends the rewritten packet as planned; returns the TC verdict. */
static __always_inline int slb_fwd_send(const struct slb_fwd_plan *plan)
{
	struct bpf_redir_neigh rn;

	if (!plan->routed) {
		slb_count(SLB_CNT_FWD_STACK);
		return TC_ACT_OK;
	}
	if (plan->ttl_pass) {
		slb_count(SLB_CNT_PASS_TTL);
		return TC_ACT_OK;
	}
	return slb_send(plan->rc, plan->ifindex, plan->nh_family, plan->nh, &rn);
}

#endif /* SLB_FWD6_H */
