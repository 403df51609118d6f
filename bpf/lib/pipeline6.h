/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * pipeline6.h - the IPv6 stages (stages.h) and NAT46, the stage that turns IPv4 packets of
 * NAT64 flows back into IPv6.
 *
 * V6 mirrors the IPv4 entry (pipeline.h): parse (parse6.h) -> conntrack lookup with an IPv6
 * key -> SCTP verification tags (sctp.h) -> state and counters (ct.h, shared) -> route and
 * rewrite (fwd6.h) -> forward, for NAT66 flows and the forward direction of NAT64 flows. A
 * packet without a live entry continues in NEW6 (flow.h), which forwards it as V6 would;
 * ICMPv6 echo to a VIP (icmp6.h) and ICMPv6 errors about NAT66 flows (icmp6_err.h)
 * continue in ICMP6, mode 3 flows in DSR6 (dsr6.h: L2 or IPv6-in-IPv6, ingress only; the
 * egress program passes them, SLB_CNT_PASS_DSR_EGRESS). An established TCP flow idle past its
 * service's inactiveTimeOut is reset both ways (idle_reset.h). The packets of a mirrored or
 * policed rule's flows, NAT66 and NAT64, go through MIRROR and POLICE first (slb_flow6_go).
 * NAT46 gets from the IPv4 entry the replies of NAT64 flows (nat6.h translates them; icmp46.h
 * answers with fragmentation needed when they would not fit the client's link), and from
 * ICMP4 the ICMPv4 errors about NAT64 flows (translated to ICMPv6 by icmp46.h).
 */
#ifndef SLB_PIPELINE6_H
#define SLB_PIPELINE6_H

#include "clock.h"
#include "compiler.h"
#include "ct.h"
#include "ct6.h"
#include "ctx.h"
#include "dsr6.h"
#include "flow.h"
#include "fw.h"
#include "fwd6.h"
#include "icmp46.h"
#include "icmp6.h"
#include "icmp6_err.h"
#include "idle_reset.h"
#include "maps.h"
#include "mirror.h"
#include "nat6.h"
#include "parse6.h"
#include "policer.h"
#include "sctp.h"
#include "sctp_mh.h"
#include "srv6.h"
#include "stages.h"
#include "stats.h"

/* Translates and forwards the IPv6 packet `s->p` of entry `ct` (NAT66 or NAT64 forward). */
static __always_inline int slb_forward6(struct __sk_buff *skb, struct slb_scratch6 *s,
					struct slb_ct_val *ct, bool egress)
{
	__u8 family = (ct->nat.flags & SLB_NAT_AF) ? SLB_AF_INET : SLB_AF_INET6;
	struct slb_fwd_plan *plan = &s->plan;
	struct slb_pkt6 *p = &s->p;
	int rc;

	/* Toward an endpoint reached through segments: encapsulated in the SRV6 stage. */
	if (slb_srv6_path_of(ct))
		return slb_stage_go(skb, SLB_STAGE_SRV6, egress);
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
static __always_inline int slb_forward46(struct __sk_buff *skb, struct slb_pkt *pkt,
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
static __always_inline int slb_icmp46_error(struct __sk_buff *skb, const struct slb_pkt *pkt,
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
 * SCTP verification tags (sctp.h), as slb_sctp_check (pipeline.h): returns true when the
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

/*
 * Looks the flow of the IPv6 packet in `s` up. Returns its live entry (slot in s->ct_index), or
 * NULL with `*rc` set: a verdict, or -1 for a packet that opens a new flow.
 */
static __always_inline struct slb_ct_val *
slb_v6_lookup(struct __sk_buff *skb, struct slb_scratch6 *s, bool egress, int *rc)
{
	struct slb_ct_val *ct;

	*rc = -1;
	s->now = slb_now_ns();
	s->new_flow = 0;
	s->fw_snat.on = 0;
	s->fw_est = 0;
	slb_ct6_key_init(&s->key, &s->p);
	ct = slb_ct_find_inline(&s->key, &s->ct_index);
	if (!ct)
		return NULL;
	if (egress && (READ_ONCE(ct->nat.flags) & SLB_NAT_DSR)) {
		/* The ingress program's own L2 DSR output (dsr6.h). */
		*rc = slb_counted(SLB_CNT_PASS_DSR_EGRESS, TC_ACT_OK);
		return NULL;
	}
	*rc = slb_idle_reset6(skb, &s->key, ct, &s->p.base, s->now, egress);
	if (*rc >= 0)
		return NULL;
	ct = slb_ct_check(&s->key, ct, &s->p.base, s->now);
	if (ct)
		slb_count(SLB_CNT_CT_HIT);
	return ct;
}

/*
 * The IPv6 packet in `s` of the live entry `ct` (slot in s->ct_index): verification tags, state
 * and counters, then DSR6 or the translation and forwarding. For V6 and NEW6 alike.
 */
static __always_inline int slb_established6_go(struct __sk_buff *skb, struct slb_scratch6 *s,
					       struct slb_ct_val *ct, bool egress);

static __always_inline int slb_established6(struct __sk_buff *skb, struct slb_scratch6 *s,
					    struct slb_ct_val *ct, bool egress)
{
	if (s->p.base.proto == IPPROTO_SCTP && slb_sctp_check6(skb, s, ct))
		return slb_counted(SLB_CNT_DROP_SCTP_VTAG, TC_ACT_SHOT);
	/* Chunks that change associations: multihoming first (SCTPMH6, ingress as for IPv4). */
	if (!egress && s->p.base.proto == IPPROTO_SCTP && slb_sctp_mh_chunk(s->p.base.chunk) &&
	    !(ct->nat.flags & SLB_NAT_AF))
		return slb_stage_go(skb, SLB_STAGE_SCTPMH6, egress);
	return slb_established6_go(skb, s, ct, egress);
}

/* slb_established6 after the SCTP checks: state, counters, DSR6 or forwarding. */
static __always_inline int slb_established6_go(struct __sk_buff *skb, struct slb_scratch6 *s,
					       struct slb_ct_val *ct, bool egress)
{
	slb_ct_track(&s->key, ct, &s->p.base, s->now);
	slb_stats_add(ct->svc_id, ct->ep_idx, s->p.base.len);
	if (READ_ONCE(ct->nat.flags) & SLB_NAT_DSR)
		return slb_stage_go(skb, SLB_STAGE_DSR6, egress);
	return slb_forward6(skb, s, ct, egress);
}

/*
 * Undoes the flow whose first packet a rule's policer or mirror dropped: both its entries (the
 * one of a DSR flow) and its endpoint's open-flow count, so that the refused packet leaves
 * nothing behind (no reply entry holding an allocated port either).
 */
static __always_inline void slb_flow_refuse(const struct slb_ct_key *key,
					    const struct slb_ct_val *ct)
{
	slb_ep_conn_close(READ_ONCE(ct->svc_id), READ_ONCE(ct->ep_idx));
	if (READ_ONCE(ct->nat.flags) & SLB_NAT_DSR)
		slb_ct_del(key);
	else
		slb_ct_delete_flow(key, ct);
}

/*
 * Rule policers and mirrors for IPv6 and NAT64 flows, as the IPv4 entry has them (pipeline.h):
 * the packet of a mirrored rule's flow is copied as it arrived (MIRROR), the packet of a policed
 * rule's flow meets its policer (POLICE, which finds it in the IPv4 scratch with pol_port
 * SLB_POL_AT_SVC6), then slb_established6: before any state, counter or translation. V6 and
 * NEW6 look the rule up only while slb_config has SLB_CFG_MIRROR or SLB_CFG_POLICE
 * (slb_flow6_go): flows of a datapath without mirrors and policers pay that one flag test.
 */

/* POLICE when flow `ct`'s rule has a policer (handed over in the IPv4 scratch), else -1. */
static __always_inline int slb_rule_police_stage6(const struct slb_ct_val *ct, __u32 flags)
{
	struct slb_scratch4 *s4;
	__u32 id;

	if (!(flags & SLB_CFG_POLICE))
		return -1;
	id = slb_pol_of_svc(ct->svc_id);
	s4 = id ? slb_scratch4_get() : NULL;
	if (!s4)
		return -1;
	s4->pol_id = id;
	s4->pol_port = SLB_POL_AT_SVC6;
	return SLB_STAGE_POLICE;
}

/*
 * The IPv6 packet in `s` of the live entry `ct` (V6, NEW6 or FW6): its rule's stages, then on.
 * `flags` are slb_config's flags as the caller read them.
 */
static __always_inline int slb_flow6_go(struct __sk_buff *skb, struct slb_scratch6 *s,
					struct slb_ct_val *ct, __u32 flags, bool egress)
{
	int stage;

	if (flags & (SLB_CFG_MIRROR | SLB_CFG_POLICE)) {
		if ((flags & SLB_CFG_MIRROR) && slb_mirror_rule(ct->svc_id))
			stage = SLB_STAGE_MIRROR;
		else
			stage = slb_rule_police_stage6(ct, flags);
		if (stage >= 0)
			return slb_stage_go(skb, stage, egress);
	}
	return slb_established6(skb, s, ct, egress);
}

/*
 * The POLICE stage for the IPv6 packet in the IPv6 scratch (SLB_POL_AT_SVC6): policer `id`. A
 * red packet is dropped and the flow it would have opened undone; a green or yellow one goes on
 * (a yellow one with the traffic class it was marked with, which NAT64 carries into the TOS).
 */
static __always_inline int slb_police6(struct __sk_buff *skb, __u32 id, bool egress)
{
	struct slb_scratch6 *s = slb_scratch6_get();
	struct slb_ct_val *ct = s ? slb_ct_entry_at(s->ct_index) : NULL;
	int rc;

	if (!s || !ct)
		return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
	rc = slb_pol_apply(skb, id, &s->p.base.tos);
	if (rc < 0)
		return slb_established6(skb, s, ct, egress);
	if (s->new_flow)
		slb_flow_refuse(&s->key, ct);
	return rc;
}

/* True for an IPv6 frame: MIRROR serves V6 and NEW6 too (the IPv4 paths send it only IPv4). */
static __always_inline bool slb_frame_ipv6(struct __sk_buff *skb)
{
	__be16 proto;

	if (bpf_skb_load_bytes(skb, offsetof(struct ethhdr, h_proto), &proto, sizeof(proto)))
		return false;
	return proto == bpf_htons(ETH_P_IPV6);
}

/*
 * The MIRROR stage for the IPv6 packet in the IPv6 scratch: a copy as it arrived (mirror.h),
 * then the rule's policer, then slb_established6.
 */
static __always_inline int slb_mirror6(struct __sk_buff *skb, bool egress)
{
	struct slb_scratch6 *s = slb_scratch6_get();
	struct slb_ct_val *ct = s ? slb_ct_entry_at(s->ct_index) : NULL;
	const struct slb_mirror_target *t;
	int stage;

	if (!s || !ct)
		return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
	t = slb_mirror_rule(ct->svc_id);
	if (t && !slb_mirror_copy(skb, t, SLB_CNT_MIRROR_RULE)) {
		if (s->new_flow)
			slb_flow_refuse(&s->key, ct);
		return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
	}
	stage = slb_rule_police_stage6(ct, slb_cfg_flags());
	if (stage >= 0)
		return slb_stage_go(skb, stage, egress);
	return slb_established6(skb, s, ct, egress);
}

/* The V6 stage: every IPv6 frame (the entry counted it as received). */
static __always_inline int slb_v6(struct __sk_buff *skb, bool egress)
{
	struct slb_scratch6 *s = slb_scratch6_get();
	struct slb_ct_val *ct;
	__u32 flags;
	int rc;

	if (!s)
		return slb_counted(SLB_CNT_PASS_NOT_IP, TC_ACT_OK);
	s->parsed = slb_parse6(skb, &s->p, &s->ip6);
	switch (s->parsed) {
	case SLB_PARSE_OK:
		break;
	case SLB_PARSE_NOT_IP:
		return slb_counted(SLB_CNT_PASS_NOT_IP, TC_ACT_OK);
	case SLB_PARSE_FRAGMENT:
		return slb_counted(SLB_CNT_PASS_FRAGMENT, TC_ACT_OK);
	case SLB_PARSE6_EXT:
		if (!egress && slb_srv6_sid_owned(&s->ip6.daddr))
			return slb_stage_go(skb, SLB_STAGE_SRV6, egress);
		return slb_counted(SLB_CNT_PASS_IPV6_EXT, TC_ACT_OK);
	case SLB_PARSE6_ECHO:
	case SLB_PARSE6_ICMP_ERR:
		return slb_stage_go(skb, SLB_STAGE_ICMP6, egress);
	case SLB_PARSE_OTHER_L4:
		/* SRv6 replies to a SID (next header 4 or 41, after an SRH or not). */
		if (!egress && slb_srv6_sid_owned(&s->ip6.daddr))
			return slb_stage_go(skb, SLB_STAGE_SRV6, egress);
		return slb_counted(SLB_CNT_PASS_NO_MATCH, TC_ACT_OK);
	default:
		return slb_counted(SLB_CNT_DROP_MALFORMED, TC_ACT_SHOT);
	}
	ct = slb_v6_lookup(skb, s, egress, &rc);
	if (!ct)
		return rc >= 0 ? rc :
				 slb_stage_go(skb, egress ? SLB_STAGE_NEW6 : SLB_STAGE_FW6, egress);
	/* A firewall rule for every packet: tracked flows meet the firewall too (FW6 goes on). */
	flags = slb_cfg_flags();
	if (!egress && (flags & SLB_CFG_FW_EVERY)) {
		s->fw_est = 1;
		return slb_stage_go(skb, SLB_STAGE_FW6, egress);
	}
	return slb_flow6_go(skb, s, ct, flags, egress);
}

/* The NEW6 stage: sets up the flow of the IPv6 packet in the scratch (flow.h) and forwards it. */
static __always_inline int slb_new6(struct __sk_buff *skb, bool egress)
{
	struct slb_scratch6 *s = slb_scratch6_get();
	struct slb_ct_val *ct;
	int rc;

	if (!s)
		return TC_ACT_OK;
	rc = slb_flow_new6(skb, s, egress, &ct);
	if (rc >= 0)
		return rc;
	s->new_flow = 1;
	return slb_flow6_go(skb, s, ct, slb_cfg_flags(), egress);
}

/*
 * The firewall's verdict (fw.h) on the IPv6 packet in `s`: a TC verdict, or -1 to go on. A SNAT
 * rule's ask goes to `snat` (NULL: not wanted, as for ICMPv6).
 */
static __always_inline int slb_fw_verdict6(struct __sk_buff *skb, const struct slb_scratch6 *s,
					   struct slb_fw_snat *snat, bool tracked)
{
	struct slb_fw_pkt p = {};

	__builtin_memcpy(p.saddr, s->p.saddr, sizeof(p.saddr));
	__builtin_memcpy(p.daddr, s->p.daddr, sizeof(p.daddr));
	p.sport = s->p.base.sport;
	p.dport = s->p.base.dport;
	p.proto = s->p.base.proto;
	p.family = SLB_AF_INET6;
	p.len = s->p.base.len;
	p.ifindex = skb->ifindex;
	return slb_fw_check(skb, &p, snat, tracked);
}

/*
 * The FW6 stage: the firewall's verdict on the IPv6 packet in the scratch, then NEW6; for a
 * packet of a tracked flow (fw_est), the flow's own path.
 */
static __always_inline int slb_fw6(struct __sk_buff *skb, bool egress)
{
	struct slb_scratch6 *s = slb_scratch6_get();
	struct slb_ct_val *ct;
	int rc;

	if (!s)
		return TC_ACT_OK;
	if (!s->fw_est) {
		rc = slb_fw_verdict6(skb, s, &s->fw_snat, false);
		return rc >= 0 ? rc : slb_stage_go(skb, SLB_STAGE_NEW6, egress);
	}
	/* A packet of a tracked flow (SLB_CFG_FW_EVERY): on along the flow's path if it passes. */
	rc = slb_fw_verdict6(skb, s, NULL, true);
	if (rc >= 0)
		return rc;
	ct = slb_ct_entry_at(s->ct_index);
	if (!ct)
		return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
	return slb_flow6_go(skb, s, ct, slb_cfg_flags(), egress);
}

/* The ICMP6 stage: ICMPv6 echo to a VIP, or an ICMPv6 error about a NAT66 flow. */
static __always_inline int slb_icmp6(struct __sk_buff *skb, bool egress)
{
	struct slb_scratch6 *s = slb_scratch6_get();
	int rc;

	if (!s)
		return TC_ACT_OK;
	/* Echo and errors (not neighbour discovery, which never comes here) meet the firewall. */
	rc = egress ? -1 : slb_fw_verdict6(skb, s, NULL, false);
	if (rc >= 0)
		return rc;
	if (s->parsed == SLB_PARSE6_ECHO)
		return slb_icmp6_echo(skb, &s->p, egress);
	return slb_icmp6_error(skb, s, egress);
}

/* The DSR6 stage: V6 accounted the packet of a DSR flow; dsr6.h forwards it. */
static __always_inline int slb_dsr6(struct __sk_buff *skb, bool egress)
{
	struct slb_scratch6 *s = slb_scratch6_get();
	struct slb_ct_val *ct = s ? slb_ct_entry_at(s->ct_index) : NULL;

	int rc;

	if (!s || !ct)
		return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
	rc = slb_dsr_forward6(skb, &s->p, ct, &s->dsr, egress);
	if (rc == TC_ACT_SHOT && s->new_flow)
		slb_flow_undo(&s->key, ct);
	return rc;
}

/*
 * The SRV6 stage (srv6.h): from V6's lookup, a packet of a flow whose endpoint is reached
 * through segments (translated and encapsulated); from V6's parse (not OK), a packet to a SID
 * of the load balancer (decapsulated, then its inner packet starts over in the entry or V6).
 */
static __always_inline int slb_srv6(struct __sk_buff *skb, bool egress)
{
	struct slb_scratch6 *s = slb_scratch6_get();
	const struct slb_srv6_path *path;
	struct slb_ct_val *ct;
	bool inet = false;
	int rc;

	if (!s)
		return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
	if (s->parsed != SLB_PARSE_OK) {
		rc = slb_srv6_decap(skb, &s->ip6, &inet);
		if (rc >= 0)
			return rc;
		return slb_stage_go(skb, inet ? SLB_STAGE_ENTRY : SLB_STAGE_V6, egress);
	}
	ct = slb_ct_entry_at(s->ct_index);
	path = ct ? slb_srv6_path_of(ct) : NULL;
	if (!ct || !path)
		return slb_counted(SLB_CNT_DROP_SRV6_NO_ROUTE, TC_ACT_SHOT);
	return slb_srv6_encap(skb, &s->p, ct, path, &s->t, &s->xb, egress);
}

/*
 * The NAT46 stage: an IPv4 packet of a NAT64 flow (its entry's slot in the IPv4 scratch) leaves
 * as IPv6: a reply accounted by the entry, or an ICMPv4 error about the flow from ICMP4.
 */
static __always_inline int slb_nat46(struct __sk_buff *skb, bool egress)
{
	struct slb_scratch4 *s4 = slb_scratch4_get();
	struct slb_ct_val *ct = s4 ? slb_ct_entry_at(s4->ct_index) : NULL;

	if (!s4 || !ct)
		return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
	if (s4->pkt.proto == IPPROTO_ICMP)
		return slb_icmp46_error(skb, &s4->pkt, ct, egress);
	return slb_forward46(skb, &s4->pkt, ct, egress);
}

#endif /* SLB_PIPELINE6_H */
