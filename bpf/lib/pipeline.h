/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * pipeline.h - the IPv4 entry program and the IPv4 stages (stages.h).
 *
 * Entry (both hooks): parse -> conntrack lookup -> state and counters -> rewrite -> forward,
 * for the packets of established flows. It continues elsewhere for everything else: IPv6
 * (V6, pipeline6.h), ICMP (ICMP4), a packet without a live entry (NEW4: flow.h, then forwarded
 * like the packets of established flows), an established flow idle past its service's
 * inactiveTimeOut (IDLE), DSR flows (DSR4) and the IPv4 replies of NAT64 flows (NAT46,
 * pipeline6.h). Packets that match neither a conntrack entry nor a service leave exactly as
 * they came (only headers too broken for the stack to accept are dropped, see parse.h). The
 * only difference between the directions is in forwarding (see fwd.h): the FIB lookup flavour
 * and the TTL, which only the ingress program decrements. A packet translated by one hook
 * reaches the other with a tuple that is neither a VIP nor a conntrack key and passes
 * untouched, so the programs can be attached on both hooks of every interface.
 * Mode 3 (DSR) flows have a single entry and are forwarded by dsr.h, on ingress only: an L2
 * DSR packet keeps its tuple, so when it leaves through the egress hook after the redirect it
 * would match its own entry again; the egress program passes DSR flows untouched
 * (SLB_CNT_PASS_DSR_EGRESS).
 */
#ifndef SLB_PIPELINE_H
#define SLB_PIPELINE_H

#include <linux/if_packet.h>

#include "clock.h"
#include "compiler.h"
#include "ct.h"
#include "ctx.h"
#include "dsr.h"
#include "flow.h"
#include "fw.h"
#include "fwd.h"
#include "gtpu.h"
#include "icmp.h"
#include "idle_reset.h"
#include "maps.h"
#include "mirror.h"
#include "parse.h"
#include "pipeline6.h"
#include "policer.h"
#include "sctp.h"
#include "sctp_mh.h"
#include "stages.h"
#include "stats.h"

/*
 * SCTP verification tags (sctp.h): returns true when `pkt` carries the wrong tag for its entry
 * `key`/`ct`; otherwise learns the tag an INIT or INIT ACK announces for the other direction.
 */
static __always_inline bool slb_sctp_check(struct __sk_buff *skb, const struct slb_pkt *pkt,
					   const struct slb_ct_key *key, struct slb_ct_val *ct)
{
	struct slb_ct_key twin_key;

	if (slb_sctp_vtag_bad(skb, pkt, ct))
		return true;
	if (pkt->chunk == SLB_SCTP_INIT || pkt->chunk == SLB_SCTP_INIT_ACK) {
		slb_ct_twin_key(&twin_key, key, &ct->nat);
		slb_sctp_learn(skb, pkt, ct, slb_ct_find(&twin_key));
	}
	return false;
}

/*
 * Looks the flow of the packet parsed into `s` up. Returns its live entry (slot in
 * s->ct_index), or NULL with `*rc` set: a verdict, or -1 for a packet that opens a new flow.
 * An established flow idle past its timeout goes to IDLE instead.
 */
static __always_inline struct slb_ct_val *
slb_entry_lookup(struct __sk_buff *skb, struct slb_scratch4 *s, bool egress, int *rc)
{
	struct slb_ct_key *key = &s->key;
	struct slb_pkt *pkt = &s->pkt;
	struct slb_ct_val *ct;

	*rc = -1;
	s->now = slb_now_ns();
	s->new_flow = 0;
	s->fw_snat.on = 0;
	s->fw_est = 0;
	slb_ct_key_init(key, pkt);
	ct = slb_ct_find_inline(key, &s->ct_index);
	if (!ct)
		return NULL;
	if (egress && (READ_ONCE(ct->nat.flags) & SLB_NAT_DSR)) {
		*rc = slb_counted(SLB_CNT_PASS_DSR_EGRESS, TC_ACT_OK);
		return NULL;
	}
	if (!egress && slb_idle_reset_wanted(key, ct, pkt, s->now, SLB_RST_TCP_OFF)) {
		*rc = slb_stage_go(skb, SLB_STAGE_IDLE, egress);
		return NULL;
	}
	ct = slb_ct_check(key, ct, pkt, s->now);
	if (ct)
		slb_count(SLB_CNT_CT_HIT);
	return ct;
}

static __always_inline int slb_forward4(struct __sk_buff *skb, struct slb_scratch4 *s,
					struct slb_ct_val *ct, bool egress);

/*
 * The packet in `s` of the live entry `ct` (slot in s->ct_index): SCTP verification tags,
 * state and counters, then the rewrite and forwarding, in this program (fwd.h) or, for DSR
 * and NAT64 flows, in their stages. For packets of established flows (ENTRY) and for the first
 * packet of a flow (NEW4) alike.
 */
static __always_inline int slb_established4_go(struct __sk_buff *skb, struct slb_scratch4 *s,
					       struct slb_ct_val *ct, bool egress)
{
	/* A flow of a service with a policer goes through it first (POLICE, policer.h). */
	if (s->pol_on) {
		s->pol_id = slb_pol_of_svc(ct->svc_id);
		if (s->pol_id) {
			s->pol_port = SLB_POL_AT_SVC4;
			return slb_stage_go(skb, SLB_STAGE_POLICE, egress);
		}
	}
	return slb_forward4(skb, s, ct, egress);
}

/* The rest of slb_established4_go, after the policer if the flow has one. */
static __always_inline int slb_forward4(struct __sk_buff *skb, struct slb_scratch4 *s,
					struct slb_ct_val *ct, bool egress)
{
	struct slb_pkt *pkt = &s->pkt;

	slb_ct_track(&s->key, ct, pkt, s->now);
	slb_stats_add(ct->svc_id, ct->ep_idx, pkt->len);
	if (ct->nat.flags & SLB_NAT_AF)
		return slb_stage_go(skb, SLB_STAGE_NAT46, egress);
	if (READ_ONCE(ct->nat.flags) & SLB_NAT_DSR)
		return slb_stage_go(skb, SLB_STAGE_DSR4, egress);
	return slb_forward(skb, pkt, ct, s->now, egress);
}

/* slb_established4_go after the SCTP checks; chunks that change associations go to SCTPMH. */
static __always_inline int slb_established4(struct __sk_buff *skb, struct slb_scratch4 *s,
					    struct slb_ct_val *ct, bool egress)
{
	struct slb_pkt *pkt = &s->pkt;

	if (pkt->proto == IPPROTO_SCTP) {
		if (slb_sctp_check(skb, pkt, &s->key, ct))
			return slb_counted(SLB_CNT_DROP_SCTP_VTAG, TC_ACT_SHOT);
		/* Ingress only: Linux 6.1's verifier refuses the egress build of the stage. */
		if (!egress && slb_sctp_mh_chunk(pkt->chunk) && !(ct->nat.flags & SLB_NAT_AF))
			return slb_stage_go(skb, SLB_STAGE_SCTPMH, egress);
	}
	return slb_established4_go(skb, s, ct, egress);
}

/*
 * The SCTPMH stage (sctp_mh.h): multihoming's work on the packet in the scratch, then the
 * entry's accounting and forwarding. A first packet dropped here leaves no flow behind.
 */
static __always_inline int slb_sctpmh4(struct __sk_buff *skb, bool egress)
{
	struct slb_scratch4 *s = slb_scratch4_get();
	struct slb_ct_val *ct = s ? slb_ct_entry_at(s->ct_index) : NULL;
	int rc;

	if (!s || !ct)
		return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
	if (egress)
		return slb_established4_go(skb, s, ct, egress);
	rc = slb_sctp_mh_packet(skb, &s->pkt, &s->key, ct, s->now);
	if (rc >= 0) {
		if (rc == TC_ACT_SHOT && s->new_flow) {
			slb_ep_conn_close(READ_ONCE(ct->svc_id), READ_ONCE(ct->ep_idx));
			slb_ct_delete_flow(&s->key, ct);
		}
		return rc;
	}
	return slb_established4_go(skb, s, ct, egress);
}

/* Where an ICMP or other non-TCP/UDP/SCTP packet goes from the entry. */
static __always_inline int slb_entry_not_tcp_udp(struct __sk_buff *skb, const struct slb_pkt *pkt,
						 bool egress)
{
	if (pkt->proto == IPPROTO_ICMP)
		return slb_stage_go(skb, SLB_STAGE_ICMP4, egress);
	return slb_counted(SLB_CNT_PASS_NO_MATCH, TC_ACT_OK);
}

/*
 * The IPv4 packet in `s` of the live entry `ct` (ENTRY, NEW4 or FW4): a mirrored rule's flow
 * through MIRROR first (`mirror`: slb_config has SLB_CFG_MIRROR), then on.
 */
static __always_inline int slb_flow4_go(struct __sk_buff *skb, struct slb_scratch4 *s,
					struct slb_ct_val *ct, bool mirror, bool egress)
{
	if (mirror && slb_mirror_rule(ct->svc_id))
		return slb_stage_go(skb, SLB_STAGE_MIRROR, egress);
	return slb_established4(skb, s, ct, egress);
}

/*
 * Where a TCP, UDP or SCTP packet without a live entry goes from the entry: a GTP-U session's
 * packet to GTPU, others to the firewall (ingress only, as in loxilb: fw.h) and NEW4.
 */
static __always_inline int slb_entry_new(struct __sk_buff *skb, const struct slb_pkt *pkt,
					 bool egress)
{
	if (slb_gtpu_wanted(pkt, egress))
		return slb_stage_go(skb, SLB_STAGE_GTPU, egress);
	return slb_stage_go(skb, egress ? SLB_STAGE_NEW4 : SLB_STAGE_FW4, egress);
}

/* The entry program of either hook (stages.h: ENTRY). */
static __always_inline int slb_entry(struct __sk_buff *skb, bool egress)
{
	struct slb_scratch4 *s = slb_scratch4_get();
	struct slb_ct_val *ct;
	bool mirror;
	__u32 flags;
	int rc;

	if (!s)
		return TC_ACT_OK;
	/* One read of the flags for both features (each packet pays for it). */
	flags = slb_cfg_flags();
	mirror = flags & SLB_CFG_MIRROR;
	if (s->pol_again) {
		/* Second pass: the ingress interface's policer passed the packet (POLICE). */
		s->pol_again = 0;
	} else {
		slb_count(SLB_CNT_RX);
		/* Port mirrors copy every packet entering the port, before anything reads it (mirror.h). */
		if (mirror) {
			if (slb_mirror_is_copy(skb))
				return TC_ACT_OK;
			if (!egress && !slb_mirror_port_copy(skb))
				return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
		}
		/*
		 * A frame for another host's MAC reached us only because a switch flooded it: the
		 * host it was sent to (an HA MASTER) forwards it, and a second copy from here would
		 * duplicate it.
		 */
		if (!egress && skb->pkt_type == PACKET_OTHERHOST)
			return slb_counted(SLB_CNT_PASS_OTHERHOST, TC_ACT_OK);
		s->pol_on = !!(flags & SLB_CFG_POLICE);
		if (!egress && s->pol_on) {
			s->pol_id = slb_pol_of_port(skb->ifindex);
			if (s->pol_id) {
				s->pol_port = SLB_POL_AT_PORT;
				return slb_stage_go(skb, SLB_STAGE_POLICE, egress);
			}
		}
	}
	switch (slb_parse(skb, &s->pkt)) {
	case SLB_PARSE_OK:
		break;
	case SLB_PARSE_NOT_IP:
		return slb_stage_go(skb, SLB_STAGE_V6, egress);
	case SLB_PARSE_FRAGMENT:
		return slb_counted(SLB_CNT_PASS_FRAGMENT, TC_ACT_OK);
	case SLB_PARSE_ICMP:
	case SLB_PARSE_OTHER_L4:
		if (slb_gtpu_wanted(&s->pkt, egress))
			return slb_stage_go(skb, SLB_STAGE_GTPU, egress);
		return slb_entry_not_tcp_udp(skb, &s->pkt, egress);
	default:
		return slb_counted(SLB_CNT_DROP_MALFORMED, TC_ACT_SHOT);
	}
	ct = slb_entry_lookup(skb, s, egress, &rc);
	if (!ct)
		return rc >= 0 ? rc : slb_entry_new(skb, &s->pkt, egress);
	/* A firewall rule for every packet: tracked flows meet the firewall too (FW4 goes on). */
	if (!egress && (flags & SLB_CFG_FW_EVERY)) {
		s->fw_est = 1;
		return slb_stage_go(skb, SLB_STAGE_FW4, egress);
	}
	return slb_flow4_go(skb, s, ct, mirror, egress);
}

/*
 * The GTPU stage (ingress, gtpu.h): a GTP-U session's packet is decapsulated or encapsulated;
 * any other packet continues as it would have from the entry.
 */
static __always_inline int slb_gtpu(struct __sk_buff *skb, bool egress)
{
	struct slb_scratch4 *s = slb_scratch4_get();
	struct slb_pkt *pkt;
	int rc;

	if (!s)
		return TC_ACT_OK;
	pkt = &s->pkt;
	rc = slb_gtpu_handle(skb, pkt, egress);
	if (rc >= 0)
		return rc;
	if (pkt->proto == IPPROTO_TCP || pkt->proto == IPPROTO_UDP || pkt->proto == IPPROTO_SCTP)
		return slb_stage_go(skb, egress ? SLB_STAGE_NEW4 : SLB_STAGE_FW4, egress);
	return slb_entry_not_tcp_udp(skb, pkt, egress);
}

/* The NEW4 stage: sets up the flow of the packet in the scratch (flow.h) and forwards it. */
static __always_inline int slb_new4(struct __sk_buff *skb, bool egress)
{
	struct slb_scratch4 *s = slb_scratch4_get();
	struct slb_ct_val *ct;
	int rc;

	if (!s)
		return TC_ACT_OK;
	rc = slb_flow_new4(skb, s, egress, &ct);
	if (rc >= 0)
		return rc;
	s->new_flow = 1;
	return slb_flow4_go(skb, s, ct, slb_mirror_on(), egress);
}

/*
 * The firewall's verdict (fw.h) on the IPv4 packet in `s` (of a `tracked` flow or not): a TC
 * verdict, or -1 to go on.
 */
static __always_inline int slb_fw_verdict4(struct __sk_buff *skb, struct slb_scratch4 *s,
					   bool tracked)
{
	struct slb_fw_pkt p = {};

	p.saddr[0] = s->pkt.saddr;
	p.daddr[0] = s->pkt.daddr;
	p.sport = s->pkt.sport;
	p.dport = s->pkt.dport;
	p.proto = s->pkt.proto;
	p.family = SLB_AF_INET;
	p.len = s->pkt.len;
	p.ifindex = skb->ifindex;
	return slb_fw_check(skb, &p, tracked ? NULL : &s->fw_snat, tracked);
}

/*
 * The FW4 stage: the firewall's verdict on the packet in the scratch, then NEW4 if it goes on;
 * for a packet of a tracked flow (fw_est), the flow's own path as the entry would have taken it.
 */
static __always_inline int slb_fw4(struct __sk_buff *skb, bool egress)
{
	struct slb_scratch4 *s = slb_scratch4_get();
	struct slb_ct_val *ct;
	int rc;

	if (!s)
		return TC_ACT_OK;
	if (!s->fw_est) {
		rc = slb_fw_verdict4(skb, s, false);
		return rc >= 0 ? rc : slb_stage_go(skb, SLB_STAGE_NEW4, egress);
	}
	rc = slb_fw_verdict4(skb, s, true);
	if (rc >= 0)
		return rc;
	ct = slb_ct_entry_at(s->ct_index);
	if (!ct)
		return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
	return slb_flow4_go(skb, s, ct, slb_mirror_on(), egress);
}

/* The ICMP4 stage: echo to a VIP answered, errors about tracked flows translated back. */
static __always_inline int slb_icmp4(struct __sk_buff *skb, bool egress)
{
	struct slb_scratch4 *s = slb_scratch4_get();
	struct slb_pkt *pkt;
	int rc;

	if (!s)
		return TC_ACT_OK;
	/* ICMP arriving here is never part of a tracked flow's fast path: the firewall sees it all. */
	rc = egress ? -1 : slb_fw_verdict4(skb, s, false);
	if (rc >= 0)
		return rc;
	pkt = &s->pkt;
	if (pkt->chunk == SLB_ICMP_ECHO)
		return slb_icmp_echo(skb, pkt, egress);
	if (pkt->chunk != SLB_ICMP_DEST_UNREACH && pkt->chunk != SLB_ICMP_TIME_EXCEEDED)
		return slb_counted(SLB_CNT_PASS_NO_MATCH, TC_ACT_OK);
	rc = slb_icmp_error(skb, pkt, &s->ct_index, egress);
	/* An error about a NAT64 flow leaves as ICMPv6 (pipeline6.h). */
	return rc == SLB_ICMP_ERR_NAT46 ? slb_stage_go(skb, SLB_STAGE_NAT46, egress) : rc;
}

/* The DSR4 stage: the entry accounted the packet of a DSR flow; dsr.h forwards it. */
static __always_inline int slb_dsr4(struct __sk_buff *skb, bool egress)
{
	struct slb_scratch4 *s = slb_scratch4_get();
	struct slb_ct_val *ct = s ? slb_ct_entry_at(s->ct_index) : NULL;

	int rc;

	if (!s || !ct)
		return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
	rc = slb_dsr_forward(skb, &s->pkt, ct, egress);
	if (rc == TC_ACT_SHOT && s->new_flow)
		slb_flow_undo(&s->key, ct);
	return rc;
}

/*
 * The IDLE stage (ingress only): resets the idle flow of the packet in the scratch. A flow that
 * turned out not to be due (another CPU saw a packet meanwhile) goes on as in the entry.
 */
static __always_inline int slb_idle(struct __sk_buff *skb, bool egress)
{
	struct slb_scratch4 *s = slb_scratch4_get();
	struct slb_ct_val *ct = s ? slb_ct_entry_at(s->ct_index) : NULL;
	int rc;

	if (!s || !ct || egress)
		return TC_ACT_OK;
	rc = slb_idle_reset_at(skb, &s->key, ct, &s->pkt, s->now, SLB_RST_TCP_OFF);
	if (rc >= 0)
		return rc;
	ct = slb_ct_check(&s->key, ct, &s->pkt, s->now);
	if (!ct)
		return slb_stage_go(skb, SLB_STAGE_NEW4, egress);
	slb_count(SLB_CNT_CT_HIT);
	return slb_established4(skb, s, ct, egress);
}

/*
 * The POLICE stage: the policer in s->pol_id. A packet it passes continues in the entry again
 * (interface policer) or is forwarded as its flow's packets are (service policer; IPv6 and
 * NAT64 flows in pipeline6.h); a red one is dropped, and a new flow it would have opened is
 * undone.
 */
static __always_inline int slb_police(struct __sk_buff *skb, bool egress)
{
	struct slb_scratch4 *s = slb_scratch4_get();
	struct slb_ct_val *ct;
	int rc;

	if (!s)
		return TC_ACT_OK;
	if (s->pol_port == SLB_POL_AT_SVC6)
		return slb_police6(skb, s->pol_id, egress);
	rc = slb_pol_apply(skb, s->pol_id, s->pol_port == SLB_POL_AT_PORT ? NULL : &s->pkt.tos);
	if (s->pol_port == SLB_POL_AT_PORT) {
		if (rc >= 0)
			return rc;
		s->pol_again = 1;
		rc = slb_stage_go(skb, SLB_STAGE_ENTRY, egress);
		s->pol_again = 0;
		return rc;
	}
	ct = slb_ct_entry_at(s->ct_index);
	if (!ct)
		return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
	if (rc >= 0) {
		if (s->new_flow)
			slb_flow_refuse(&s->key, ct);
		return rc;
	}
	return slb_forward4(skb, s, ct, egress);
}

/*
 * The MIRROR stage: a copy of the packet of a mirrored rule's flow (mirror.h), as it arrived,
 * then the packet goes on as in the entry (or NEW4, which left its new entry in the scratch).
 * An IPv6 frame came from V6 or NEW6 (pipeline6.h: slb_mirror6).
 */
static __always_inline int slb_mirror4(struct __sk_buff *skb, bool egress)
{
	struct slb_scratch4 *s;
	struct slb_ct_val *ct;
	const struct slb_mirror_target *t;

	if (slb_frame_ipv6(skb))
		return slb_mirror6(skb, egress);
	s = slb_scratch4_get();
	ct = s ? slb_ct_entry_at(s->ct_index) : NULL;
	if (!s || !ct)
		return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
	t = slb_mirror_rule(ct->svc_id);
	if (t && !slb_mirror_copy(skb, t, SLB_CNT_MIRROR_RULE))
		return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
	return slb_established4(skb, s, ct, egress);
}

#endif /* SLB_PIPELINE_H */
