/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * pipeline6.h - the per-packet path of IPv6 packets (NAT66, NAT64 forward direction, ICMPv6
 * echo to a VIP) and of the IPv4 replies of NAT64 flows.
 *
 * slb_handle6 mirrors slb_handle (pipeline.h), plus ICMPv6 echo to VIPs (icmp6.h) and ICMPv6
 * errors about NAT66 flows (icmp6_err.h): parse (parse6.h) -> conntrack lookup with an
 * IPv6 key -> (new flow: IPv6 service, endpoint, SNAT source (lb6.h), entries (ct6.h)) ->
 * SCTP verification tags (sctp.h) -> state and counters (ct.h, unchanged) -> route and
 * rewrite -> forward. Mode 3 flows go to dsr6.h instead (L2 or IPv6-in-IPv6), on ingress
 * only, as in pipeline.h; the egress program passes them (SLB_CNT_PASS_DSR_EGRESS). slb_handle hands it
 * every frame whose EtherType is IPv6, and hands slb_forward46 the IPv4 packets whose
 * conntrack entry changes the family (the replies of NAT64 flows); icmp.h hands
 * slb_icmp46_error the ICMPv4 errors about NAT64 flows (icmp46.h: translated to ICMPv6, and
 * the fragmentation needed for replies too big for the client's link).
 *
 * Forwarding follows fwd.h: the translated packet is routed first (bpf_fib_lookup in the
 * family of the translated packet; ingress as received on skb->ifindex, egress as output),
 * then rewritten in one pass with the MACs and the hop limit/TTL decrement (ingress only), and
 * redirected (SUCCESS) or handed to bpf_redirect_neigh (NO_NEIGH). Without a usable route the
 * packet is only translated and left to the stack (SLB_CNT_FWD_STACK); a hop limit that would
 * expire leaves it to the stack too (SLB_CNT_PASS_TTL). Unlike IPv4 DNAT these paths do not use
 * the next-hop cache: each packet makes one FIB lookup.
 */
#ifndef SLB_PIPELINE6_H
#define SLB_PIPELINE6_H

#include "acl.h"
#include "clock.h"
#include "compiler.h"
#include "ct.h"
#include "ct6.h"
#include "ctx.h"
#include "dsr6.h"
#include "icmp6.h"
#include "icmp46.h"
#include "icmp6_err.h"
#include "idle_reset.h"
#include "lb6.h"
#include "maps.h"
#include "nat6.h"
#include "parse6.h"
#include "snat.h"
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
 * Everything large the IPv6 paths need. The IPv4 path already uses most of the 512-byte stack
 * and everything is inlined into one function, so these live in a per-CPU array instead
 * (DESIGN §6). A TC program runs to completion on one CPU, so no two packets share it.
 */
struct slb_scratch6 {
	struct slb_pkt6 p;
	struct ipv6hdr ip6;
	struct slb_ct_key key;
	struct slb_ct_key rev;
	struct slb_ct_val val;
	struct bpf_fib_lookup fib;
	struct slb_fwd_plan plan;
	struct slb_tuple6 t;
	struct slb_backend6 be;
	__be32 snat[4];
	struct slb_xlate_buf xb;
	struct slb_icmp6_err err;
	struct slb_dsr6_buf dsr;
	struct slb_icmp46 icmp46;
};

/* Datapath-private (never pinned, never read by Swift): the IPv6 paths' scratch space. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_scratch6);
	__uint(max_entries, 1);
} slb_scratch6 SEC(".maps");

static __always_inline struct slb_scratch6 *slb_scratch6_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&slb_scratch6, &zero);
}

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

/* Translates and forwards the IPv6 packet `s->p` of entry `ct` (NAT66 or NAT64 forward). */
static __always_inline int slb_forward6(struct __sk_buff *skb, struct slb_scratch6 *s,
					struct slb_ct_val *ct, bool egress)
{
	__u8 family = (ct->nat.flags & SLB_NAT_AF) ? SLB_AF_INET : SLB_AF_INET6;
	struct slb_fwd_plan *plan = &s->plan;
	struct slb_pkt6 *p = &s->p;
	int rc;

	slb_nat6_tuple(p, &ct->nat, &s->t);
	slb_fwd_plan(skb, plan, &s->fib, family, &s->t, p->base.tos, p->base.proto, p->base.ttl,
		     egress);
	if (family == SLB_AF_INET6) {
		if (slb_rewrite6(skb, p, &s->t, slb_plan_dec(plan, egress), slb_plan_macs(plan)))
			goto drop;
		return slb_fwd_send(plan);
	}
	rc = slb_xlate64(skb, p, &s->t, p->base.ttl - slb_plan_dec(plan, egress),
			 slb_plan_macs(plan), (__u16)READ_ONCE(ct->packets), &s->xb);
	if (rc == SLB_XLATE_UNSUPPORTED) {
		slb_count(SLB_CNT_DROP_NAT64);
		return TC_ACT_SHOT;
	}
	if (rc)
		goto drop;
	return slb_fwd_send(plan);

drop:
	slb_count(SLB_CNT_DROP_REWRITE);
	return TC_ACT_SHOT;
}

/*
 * The per-CPU scratch with its tuple `t` set to the rewrite of the NAT64 reply entry `ct`: the
 * VIP6 and client addresses, and the ports when `ports` (else 0, for ICMP). NULL, counted as a
 * rewrite drop, if the scratch is missing.
 */
static __always_inline struct slb_scratch6 *slb_scratch6_nat46(const struct slb_ct_val *ct,
							       bool ports)
{
	struct slb_scratch6 *s = slb_scratch6_get();

	if (!s) {
		slb_count(SLB_CNT_DROP_REWRITE);
		return NULL;
	}
	__builtin_memcpy(s->t.saddr, ct->nat.saddr, sizeof(s->t.saddr));
	__builtin_memcpy(s->t.daddr, ct->nat.daddr, sizeof(s->t.daddr));
	s->t.sport = ports ? READ_ONCE(ct->nat.sport) : 0;
	s->t.dport = ports ? READ_ONCE(ct->nat.dport) : 0;
	return s;
}

/*
 * Translates the IPv4 packet `pkt` of the NAT64 entry `ct` (a reply from an IPv4 endpoint) to
 * IPv6 and forwards it; returns the TC verdict.
 */
static __attribute__((noinline)) int slb_forward46(struct __sk_buff *skb, struct slb_pkt *pkt,
						   struct slb_ct_val *ct, bool egress)
{
	struct slb_scratch6 *s = slb_scratch6_nat46(ct, true);
	int rc;

	if (!s)
		return TC_ACT_SHOT;
	slb_fwd_plan(skb, &s->plan, &s->fib, SLB_AF_INET6, &s->t, pkt->tos, pkt->proto, pkt->ttl,
		     egress);
	/* 20 bytes larger once translated: frag needed or drop when too big (icmp46.h). */
	if (s->plan.routed && !s->plan.ttl_pass) {
		rc = slb_nat64_fit(skb, pkt, s->plan.ifindex, egress);
		if (rc >= 0)
			return rc;
	}
	rc = slb_xlate46(skb, pkt, &s->t, pkt->ttl - slb_plan_dec(&s->plan, egress),
			 slb_plan_macs(&s->plan), &s->xb);
	if (rc == SLB_XLATE_UNSUPPORTED) {
		slb_count(SLB_CNT_DROP_NAT64);
		return TC_ACT_SHOT;
	}
	if (rc) {
		slb_count(SLB_CNT_DROP_REWRITE);
		return TC_ACT_SHOT;
	}
	return slb_fwd_send(&s->plan);
}

/*
 * Translates the ICMPv4 error `pkt` about the NAT64 flow whose reply entry is `ct` (found by
 * icmp.h from the quoted packet) to ICMPv6 (icmp46.h), routes it to the client and forwards it.
 * Returns the TC verdict.
 */
static __attribute__((noinline)) int slb_icmp46_error(struct __sk_buff *skb,
						      const struct slb_pkt *pkt,
						      const struct slb_ct_val *ct, bool egress)
{
	struct slb_scratch6 *s = slb_scratch6_nat46(ct, false);
	__u32 mtu = 0;
	int rc;

	if (!s)
		return TC_ACT_SHOT;
	slb_fwd_plan(skb, &s->plan, &s->fib, SLB_AF_INET6, &s->t, pkt->tos, SLB_NEXTHDR_ICMP6,
		     pkt->ttl, egress);
	/* The client-side MTU bounds a packet too big's MTU (RFC 7915 §4.2). */
	if (s->plan.routed)
		bpf_check_mtu(skb, s->plan.ifindex, &mtu, 0, 0);
	rc = slb_icmp46_xlate(skb, pkt, ct, pkt->ttl - slb_plan_dec(&s->plan, egress),
			      slb_plan_macs(&s->plan), mtu, &s->icmp46);
	if (rc > 0) {
		slb_count(SLB_CNT_PASS_NO_MATCH);
		return TC_ACT_OK;
	}
	if (rc) {
		slb_count(SLB_CNT_DROP_REWRITE);
		return TC_ACT_SHOT;
	}
	slb_count(SLB_CNT_CT_ICMP46_ERR);
	return slb_fwd_send(&s->plan);
}

/*
 * Creates the entries of the new flow `s->p` (key `s->key`) of IPv6 service `svc` to
 * `s->be`. Returns -1 when the flow is tracked, otherwise its TC verdict (after counting why).
 */
static __always_inline int slb_track_new6(struct __sk_buff *skb, struct slb_scratch6 *s,
					  const struct slb_svc_val *svc, __u64 now, bool egress)
{
	const struct slb_backend6 *be = &s->be;
	__u8 mode = READ_ONCE(svc->mode);
	__u32 id = READ_ONCE(svc->id);

	if (mode == SLB_MODE_DSR) {
		/* loxilb does not do DSR across families; the control plane refuses it too. */
		if (be->family != SLB_AF_INET6) {
			slb_count(SLB_CNT_DROP_DSR);
			return TC_ACT_SHOT;
		}
		return slb_ct_create_verdict(
			slb_ct6_create_dsr(&s->key, &s->p, id, be, now, &s->val));
	}
	if (be->family == SLB_AF_INET6 && !slb_mode_snat(mode))
		return slb_ct_create_verdict(
			slb_ct6_create(&s->key, &s->p, id, be, now, &s->rev, &s->val));
	if (be->family == SLB_AF_INET && s->p.ext) {
		/* Translation needs the L4 header right after the fixed header. */
		slb_count(SLB_CNT_DROP_NAT64);
		return TC_ACT_SHOT;
	}
	if (slb_snat6_addr(skb, &s->p, mode, be, egress, s->snat, &s->fib)) {
		slb_count(SLB_CNT_PASS_NO_SNAT_ADDR);
		return TC_ACT_OK;
	}
	return slb_ct_create_verdict(
		slb_ct6_create_snat(&s->key, &s->p, id, be, s->snat, now, &s->rev, &s->val));
}

/* slb_new_flow for IPv6: returns the new forward entry in `*ct` and -1, or a TC verdict. */
static __always_inline int slb_new_flow6(struct __sk_buff *skb, struct slb_scratch6 *s, __u64 now,
					 bool egress, struct slb_ct_val **ct)
{
	const struct slb_pkt6 *p = &s->p;
	struct slb_svc_val *svc;
	int rc;

	svc = slb_svc_find6(p->daddr, p->base.dport, p->base.proto);
	if (!svc) {
		slb_count(SLB_CNT_PASS_NO_MATCH);
		return TC_ACT_OK;
	}
	if (p->base.proto == IPPROTO_TCP && (p->base.tcp_flags & SLB_TCP_RST)) {
		slb_count(SLB_CNT_DROP_TCP_NO_CT);
		return TC_ACT_SHOT;
	}
	if (egress && READ_ONCE(svc->mode) == SLB_MODE_DSR) {
		slb_count(SLB_CNT_PASS_DSR_EGRESS);
		return TC_ACT_OK;
	}
	if (!slb_source_allowed6(svc, p->saddr)) {
		slb_count(SLB_CNT_DROP_NOT_ALLOWED);
		return TC_ACT_SHOT;
	}
	if (slb_select6(svc, p, &s->be)) {
		slb_count(SLB_CNT_DROP_NO_ENDPOINT);
		return TC_ACT_SHOT;
	}
	/* Port ranges: an endpoint port of 0 keeps the port the client asked for. */
	if (!s->be.port)
		s->be.port = p->base.dport;
	rc = slb_track_new6(skb, s, svc, now, egress);
	if (rc >= 0)
		return rc;
	*ct = slb_ct_find(&s->key);
	if (!*ct) {
		slb_count(SLB_CNT_DROP_CT_INSERT);
		return TC_ACT_SHOT;
	}
	slb_count(SLB_CNT_CT_NEW);
	return -1;
}

/* Translates an ICMPv6 error about a tracked NAT66 flow (icmp6_err.h) and forwards it. */
static __always_inline int slb_icmp6_error(struct __sk_buff *skb, struct slb_scratch6 *s,
					   bool egress)
{
	struct slb_pkt6 *p = &s->p;
	int rc;

	rc = slb_icmp6_error_xlate(skb, p, &s->key, &s->err);
	if (rc > 0) {
		slb_count(SLB_CNT_PASS_NO_MATCH);
		return TC_ACT_OK;
	}
	if (rc < 0)
		goto drop;
	slb_count(SLB_CNT_CT_ICMP6_ERR);
	/* Addresses are final: route them, then only MACs and hop limit change. */
	__builtin_memcpy(s->t.saddr, p->saddr, sizeof(s->t.saddr));
	__builtin_memcpy(s->t.daddr, p->daddr, sizeof(s->t.daddr));
	s->t.sport = p->base.sport;
	s->t.dport = p->base.dport;
	slb_fwd_plan(skb, &s->plan, &s->fib, SLB_AF_INET6, &s->t, p->base.tos, p->base.proto,
		     p->base.ttl, egress);
	if (slb_rewrite6(skb, p, &s->t, slb_plan_dec(&s->plan, egress), slb_plan_macs(&s->plan)))
		goto drop;
	return slb_fwd_send(&s->plan);

drop:
	slb_count(SLB_CNT_DROP_REWRITE);
	return TC_ACT_SHOT;
}

/*
 * SCTP verification tags (sctp.h), as slb_sctp_check in pipeline.h: returns true when the
 * packet carries the wrong tag for its entry `ct`; otherwise learns the tag an INIT or INIT
 * ACK announces for the other direction (twin key in s->rev, scratch).
 */
static __always_inline bool slb_sctp_check6(struct __sk_buff *skb, struct slb_scratch6 *s,
					    struct slb_ct_val *ct)
{
	const struct slb_pkt *pkt = &s->p.base;

	if (slb_sctp_vtag_bad(skb, pkt, ct))
		return true;
	if (pkt->chunk == SLB_SCTP_INIT || pkt->chunk == SLB_SCTP_INIT_ACK) {
		slb_ct_twin_key(&s->rev, &s->key, &ct->nat);
		slb_sctp_learn(skb, pkt, ct, slb_ct_find(&s->rev));
	}
	return false;
}

/* The IPv6 path; the caller (slb_handle) has counted the packet as received. */
static __attribute__((noinline)) int slb_handle6(struct __sk_buff *skb, bool egress)
{
	struct slb_scratch6 *s = slb_scratch6_get();
	struct slb_ct_val *ct;
	__u64 now;
	int rc;

	if (!s) {
		slb_count(SLB_CNT_PASS_NOT_IP);
		return TC_ACT_OK;
	}
	switch (slb_parse6(skb, &s->p, &s->ip6)) {
	case SLB_PARSE_OK:
		break;
	case SLB_PARSE_NOT_IP:
		slb_count(SLB_CNT_PASS_NOT_IP);
		return TC_ACT_OK;
	case SLB_PARSE_FRAGMENT:
		slb_count(SLB_CNT_PASS_FRAGMENT);
		return TC_ACT_OK;
	case SLB_PARSE6_EXT:
		slb_count(SLB_CNT_PASS_IPV6_EXT);
		return TC_ACT_OK;
	case SLB_PARSE6_ECHO:
		return slb_icmp6_echo(skb, &s->p, egress);
	case SLB_PARSE6_ICMP_ERR:
		return slb_icmp6_error(skb, s, egress);
	case SLB_PARSE_OTHER_L4:
		slb_count(SLB_CNT_PASS_NO_MATCH);
		return TC_ACT_OK;
	default:
		slb_count(SLB_CNT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}

	now = slb_now_ns();
	slb_ct6_key_init(&s->key, &s->p);
	ct = slb_ct_find_inline(&s->key);
	if (ct && egress && (READ_ONCE(ct->nat.flags) & SLB_NAT_DSR)) {
		/* The ingress program's own L2 DSR output (dsr6.h). */
		slb_count(SLB_CNT_PASS_DSR_EGRESS);
		return TC_ACT_OK;
	}
	if (ct) {
		/* idle_reset.h: an established flow idle past inactiveTimeOut is reset both ways. */
		rc = slb_idle_reset6(skb, &s->key, ct, &s->p.base, now, egress);
		if (rc >= 0)
			return rc;
		ct = slb_ct_check(&s->key, ct, &s->p.base, now);
	}
	if (ct) {
		slb_count(SLB_CNT_CT_HIT);
	} else {
		rc = slb_new_flow6(skb, s, now, egress, &ct);
		if (rc >= 0)
			return rc;
	}

	if (s->p.base.proto == IPPROTO_SCTP && slb_sctp_check6(skb, s, ct)) {
		slb_count(SLB_CNT_DROP_SCTP_VTAG);
		return TC_ACT_SHOT;
	}
	slb_ct_track(&s->key, ct, &s->p.base, now);
	slb_stats_add(ct->svc_id, ct->ep_idx, s->p.base.len);
	if (READ_ONCE(ct->nat.flags) & SLB_NAT_DSR)
		return slb_dsr_forward6(skb, &s->p, ct, &s->dsr, egress);
	return slb_forward6(skb, s, ct, egress);
}

#endif /* SLB_PIPELINE6_H */
