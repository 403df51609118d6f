/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * flow.h - a packet that no conntrack entry knows: what the NEW4 and NEW6 stages (stages.h)
 * do before the packet is forwarded like any other.
 *
 * Both families take the same steps, in one implementation where the step is the same:
 *   slb_flow_admit    the service (looked up by the caller in its family), a RST that opens
 *                     nothing, DSR services on the egress hook, the source allow-list (acl.h)
 *   selection         lb_select.h (IPv6: lb6.h adds the full client address and endpoint)
 *   entries           ct.h / ct6.h, DSR in dsr.h / dsr6.h; full NAT and onearm sources in
 *                     snat.h / lb6.h
 *   slb_flow_tracked  the forward entry found again, counted, and the endpoint's open-flow
 *                     count raised (lc, lb_select.h)
 * then the stage accounts and forwards the packet with the same code as the packets of
 * established flows (slb_established4 in pipeline.h, slb_established6 in pipeline6.h).
 * Packets that match no service leave exactly as they came, and so do packets of new onearm
 * flows when no source address is known.
 */
#ifndef SLB_FLOW_H
#define SLB_FLOW_H

#include "acl.h"
#include "compiler.h"
#include "ct.h"
#include "ct6.h"
#include "ctx.h"
#include "dsr.h"
#include "dsr6.h"
#include "lb6.h"
#include "lb_select.h"
#include "maps.h"
#include "snat.h"
#include "stages.h"
#include "stats.h"

/*
 * Whether the new flow of `pkt` (source `saddr` of `family`) to service `svc` (NULL: none) may
 * go on to endpoint selection. Returns -1 if so, otherwise its TC verdict after counting why.
 */
static __always_inline int slb_flow_admit(const struct slb_svc_val *svc, const struct slb_pkt *pkt,
					  __u8 family, const __be32 *saddr, bool egress)
{
	if (!svc)
		return slb_counted(SLB_CNT_PASS_NO_MATCH, TC_ACT_OK);
	if (pkt->proto == IPPROTO_TCP && (pkt->tcp_flags & SLB_TCP_RST))
		return slb_counted(SLB_CNT_DROP_TCP_NO_CT, TC_ACT_SHOT);
	if (egress && READ_ONCE(svc->mode) == SLB_MODE_DSR)
		return slb_counted(SLB_CNT_PASS_DSR_EGRESS, TC_ACT_OK);
	if (!slb_source_allowed(svc, family, saddr))
		return slb_counted(SLB_CNT_DROP_NOT_ALLOWED, TC_ACT_SHOT);
	return -1;
}

/*
 * After the entries of the new flow `key` were created (here or by a CPU that won the race):
 * finds the forward entry (`*ct`, its slot in `*index`), counts the flow and raises its
 * endpoint's open-flow count. Returns -1, or TC_ACT_SHOT when the entry is gone (counted).
 */
static __always_inline int slb_flow_tracked(const struct slb_ct_key *key, __u32 *index,
					    struct slb_ct_val **ct)
{
	*index = slb_ct_index(key);
	*ct = slb_ct_entry_at(*index);
	if (!*ct)
		return slb_counted(SLB_CNT_DROP_CT_INSERT, TC_ACT_SHOT);
	slb_count(SLB_CNT_CT_NEW);
	slb_ep_conn_open((*ct)->svc_id, (*ct)->ep_idx);
	return -1;
}

/*
 * Undoes the flow whose first packet the DSR forwarding dropped (no route, too big): its only
 * entry (DSR keeps no reply entry) and its endpoint's open-flow count, so that a refused packet
 * leaves nothing behind. Later packets of a flow dropped the same way keep the flow.
 */
static __always_inline void slb_flow_undo(const struct slb_ct_key *key, const struct slb_ct_val *ct)
{
	slb_ep_conn_close(READ_ONCE(ct->svc_id), READ_ONCE(ct->ep_idx));
	slb_ct_del(key);
}

/*
 * Creates the conntrack entries of a new IPv4 flow of service `svc` to endpoint `be`: DNAT
 * only, DSR, or with a translated source for full NAT and onearm. Returns -1 when the flow is
 * tracked, otherwise its TC verdict (after counting why).
 */
static __always_inline int slb_track_new4(struct __sk_buff *skb, const struct slb_ct_key *key,
					  const struct slb_pkt *pkt, const struct slb_svc_val *svc,
					  const struct slb_backend *be, __u64 now, bool egress)
{
	__u8 mode = READ_ONCE(svc->mode);
	__u32 id = READ_ONCE(svc->id);
	__be32 snat;

	if (mode == SLB_MODE_DSR)
		return slb_ct_create_verdict(slb_ct_create_dsr(key, pkt, id, be, now));
	if (!slb_mode_snat(mode))
		return slb_ct_create_verdict(slb_ct_create(key, pkt, id, be, now));
	snat = slb_snat_addr(skb, pkt, id, mode, be, egress);
	if (!snat)
		return slb_counted(SLB_CNT_PASS_NO_SNAT_ADDR, TC_ACT_OK);
	return slb_ct_create_verdict(slb_ct_create_snat(key, pkt, id, be, snat, 0, now));
}

/*
 * The flow of a packet a firewall SNAT rule matched (fw.h): to its own destination, with the
 * source rewritten to the rule's address and an allocated port (the client's own, or the
 * rule's, when free). Its entries carry SLB_SVC_ID_FW_SNAT: no service counts them. Returns -1
 * with the forward entry in `*ct`, or the packet's verdict.
 */
static __always_inline int slb_flow_fw_snat4(struct slb_scratch4 *s, struct slb_ct_val **ct)
{
	const struct slb_pkt *pkt = &s->pkt;
	struct slb_backend be = {};
	int rc;

	if (pkt->proto == IPPROTO_TCP && (pkt->tcp_flags & SLB_TCP_RST))
		return slb_counted(SLB_CNT_DROP_TCP_NO_CT, TC_ACT_SHOT);
	be.addr = pkt->daddr;
	be.port = pkt->dport;
	rc = slb_ct_create_verdict(slb_ct_create_snat(&s->key, pkt, SLB_SVC_ID_FW_SNAT, &be,
						      s->fw_snat.addr[0], s->fw_snat.port, s->now));
	if (rc >= 0)
		return rc;
	slb_count(SLB_CNT_CT_FW_SNAT);
	return slb_flow_tracked(&s->key, &s->ct_index, ct);
}

/* slb_flow_fw_snat4 for the IPv6 packet in the scratch: an IPv6 rule's address in s->fw_snat. */
static __always_inline int slb_flow_fw_snat6(struct slb_scratch6 *s, struct slb_ct_val **ct)
{
	struct slb_backend6 *be = &s->be;
	int rc;

	if (s->p.base.proto == IPPROTO_TCP && (s->p.base.tcp_flags & SLB_TCP_RST))
		return slb_counted(SLB_CNT_DROP_TCP_NO_CT, TC_ACT_SHOT);
	__builtin_memset(be, 0, sizeof(*be));
	__builtin_memcpy(be->addr, s->p.daddr, sizeof(be->addr));
	be->port = s->p.base.dport;
	be->family = SLB_AF_INET6;
	rc = slb_ct_create_verdict(slb_ct6_create_snat(&s->key, &s->p, SLB_SVC_ID_FW_SNAT, be,
						       s->fw_snat.addr, s->fw_snat.port, s->now,
						       &s->rev, &s->val));
	if (rc >= 0)
		return rc;
	slb_count(SLB_CNT_CT_FW_SNAT);
	return slb_flow_tracked(&s->key, &s->ct_index, ct);
}

/*
 * The entries of the new IPv6 flow `s->p` (key `s->key`) of service `svc` to `s->be`, which
 * may be an IPv4 endpoint (NAT64). Returns -1 when the flow is tracked, otherwise its verdict.
 */
static __always_inline int slb_track_new6(struct __sk_buff *skb, struct slb_scratch6 *s,
					  const struct slb_svc_val *svc, bool egress)
{
	const struct slb_backend6 *be = &s->be;
	__u8 mode = READ_ONCE(svc->mode);
	__u32 id = READ_ONCE(svc->id);

	if (mode == SLB_MODE_DSR) {
		/* loxilb does not do DSR across families; the control plane refuses it too. */
		if (be->family != SLB_AF_INET6)
			return slb_counted(SLB_CNT_DROP_DSR, TC_ACT_SHOT);
		return slb_ct_create_verdict(
			slb_ct6_create_dsr(&s->key, &s->p, id, be, s->now, &s->val));
	}
	if (be->family == SLB_AF_INET6 && !slb_mode_snat(mode))
		return slb_ct_create_verdict(
			slb_ct6_create(&s->key, &s->p, id, be, s->now, &s->rev, &s->val));
	/* NAT64 translation needs the L4 header right after the fixed header. */
	if (be->family == SLB_AF_INET && s->p.ext)
		return slb_counted(SLB_CNT_DROP_NAT64, TC_ACT_SHOT);
	if (slb_snat6_addr(skb, &s->p, mode, be, egress, s->snat, &s->fib))
		return slb_counted(SLB_CNT_PASS_NO_SNAT_ADDR, TC_ACT_OK);
	return slb_ct_create_verdict(
		slb_ct6_create_snat(&s->key, &s->p, id, be, s->snat, 0, s->now, &s->rev, &s->val));
}

/*
 * Sets up the flow of the IPv4 packet in the scratch (NEW4). Returns -1 with its forward entry
 * in `*ct` (slot in s->ct_index), or the packet's TC verdict.
 */
static __always_inline int slb_flow_new4(struct __sk_buff *skb, struct slb_scratch4 *s, bool egress,
					 struct slb_ct_val **ct)
{
	struct slb_pkt *pkt = &s->pkt;
	struct slb_svc_val *svc;
	/* Zeroed: older verifiers (6.1) refuse uninitialized stack passed to a global function. */
	struct slb_backend be = {};
	int rc;

	svc = slb_svc_find(pkt->daddr, pkt->dport, pkt->proto);
	/* A firewall SNAT rule wins over services, unless it is for traffic no service takes. */
	if (s->fw_snat.on && (!svc || !(s->fw_snat.flags & SLB_FW_F_DEFAULT)))
		return slb_flow_fw_snat4(s, ct);
	rc = slb_flow_admit(svc, pkt, SLB_AF_INET, &pkt->saddr, egress);
	if (rc >= 0)
		return rc;
	slb_select_n3(skb, svc, pkt);
	if (slb_select(svc, pkt, &be))
		return slb_counted(SLB_CNT_DROP_NO_ENDPOINT, TC_ACT_SHOT);
	/* Port ranges: an endpoint port of 0 keeps the port the client asked for. */
	if (!be.port)
		be.port = pkt->dport;
	rc = slb_track_new4(skb, &s->key, pkt, svc, &be, s->now, egress);
	if (rc >= 0)
		return rc;
	return slb_flow_tracked(&s->key, &s->ct_index, ct);
}

/* slb_flow_new4 for the IPv6 packet in the scratch (NEW6), whose endpoint may be IPv4 (NAT64). */
static __always_inline int slb_flow_new6(struct __sk_buff *skb, struct slb_scratch6 *s, bool egress,
					 struct slb_ct_val **ct)
{
	struct slb_svc_val *svc;
	int rc;

	svc = slb_svc_find6(s->p.daddr, s->p.base.dport, s->p.base.proto);
	if (s->fw_snat.on && (!svc || !(s->fw_snat.flags & SLB_FW_F_DEFAULT)))
		return slb_flow_fw_snat6(s, ct);
	rc = slb_flow_admit(svc, &s->p.base, SLB_AF_INET6, s->p.saddr, egress);
	if (rc >= 0)
		return rc;
	slb_select_n3(skb, svc, &s->p.base);
	if (slb_select6(svc, &s->p, &s->be))
		return slb_counted(SLB_CNT_DROP_NO_ENDPOINT, TC_ACT_SHOT);
	if (!s->be.port)
		s->be.port = s->p.base.dport;
	rc = slb_track_new6(skb, s, svc, egress);
	if (rc >= 0)
		return rc;
	return slb_flow_tracked(&s->key, &s->ct_index, ct);
}

#endif /* SLB_FLOW_H */
