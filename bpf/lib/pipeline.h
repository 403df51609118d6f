/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * pipeline.h - the per-packet path shared by the ingress and egress programs.
 *
 * parse -> conntrack lookup -> (new flow: service lookup, endpoint selection, for full NAT
 * and onearm the source address (snat.h) and port, conntrack creation) -> state and counters
 * -> rewrite -> forward. Packets that match neither a conntrack entry nor a service leave
 * exactly as they came (only headers too broken for the stack to accept are dropped, see
 * parse.h), and so do packets of new onearm flows when no source address is known. The only
 * difference between the directions is in forwarding (see fwd.h): the FIB lookup flavour
 * and the TTL, which only the ingress program decrements. A packet translated by one hook
 * reaches the other with a tuple that is neither a VIP nor a conntrack key and passes
 * untouched, so the programs can be attached on both hooks of every interface.
 */
#ifndef SLB_PIPELINE_H
#define SLB_PIPELINE_H

#include "compiler.h"
#include "ct.h"
#include "ctx.h"
#include "fwd.h"
#include "idle_reset.h"
#include "lb_select.h"
#include "maps.h"
#include "nat.h"
#include "parse.h"
#include "snat.h"
#include "stats.h"

/*
 * Creates the conntrack entries of a new flow of service `svc` to endpoint `be`: DNAT only, or
 * with a translated source for full NAT and onearm. Returns -1 when the flow is tracked,
 * otherwise its TC verdict (after counting why).
 */
static __always_inline int slb_track_new(struct __sk_buff *skb, const struct slb_ct_key *key,
					 const struct slb_pkt *pkt, const struct slb_svc_val *svc,
					 const struct slb_backend *be, __u64 now, bool egress)
{
	__u8 mode = READ_ONCE(svc->mode);
	__u32 id = READ_ONCE(svc->id);
	__be32 snat;
	int rc;

	if (!slb_mode_snat(mode)) {
		if (slb_ct_create(key, pkt, id, be, now))
			goto insert_failed;
		return -1;
	}
	snat = slb_snat_addr(skb, pkt, mode, be, egress);
	if (!snat) {
		slb_count(SLB_CNT_PASS_NO_SNAT_ADDR);
		return TC_ACT_OK;
	}
	rc = slb_ct_create_snat(key, pkt, id, be, snat, now);
	if (rc == SLB_CT_ERR_NO_PORT) {
		slb_count(SLB_CNT_DROP_NAT_PORTS);
		return TC_ACT_SHOT;
	}
	if (rc)
		goto insert_failed;
	return -1;

insert_failed:
	slb_count(SLB_CNT_DROP_CT_INSERT);
	return TC_ACT_SHOT;
}

/*
 * Sets up the flow of the untracked packet `pkt`. Returns its new forward entry in `*ct` and
 * -1, or a TC verdict (>= 0) when the packet is not load balanced.
 */
static __always_inline int slb_new_flow(struct __sk_buff *skb, const struct slb_ct_key *key,
					const struct slb_pkt *pkt, __u64 now, bool egress,
					struct slb_ct_val **ct)
{
	struct slb_svc_val *svc;
	struct slb_backend be;
	int rc;

	svc = slb_svc_find(pkt->daddr, pkt->dport, pkt->proto);
	if (!svc) {
		slb_count(SLB_CNT_PASS_NO_MATCH);
		return TC_ACT_OK;
	}
	if (pkt->proto == IPPROTO_TCP && (pkt->tcp_flags & SLB_TCP_RST)) {
		slb_count(SLB_CNT_DROP_TCP_NO_CT);
		return TC_ACT_SHOT;
	}
	if (slb_select(svc, pkt, &be)) {
		slb_count(SLB_CNT_DROP_NO_ENDPOINT);
		return TC_ACT_SHOT;
	}
	rc = slb_track_new(skb, key, pkt, svc, &be, now, egress);
	if (rc >= 0)
		return rc;
	*ct = bpf_map_lookup_elem(&slb_ct, key);
	if (!*ct) {
		slb_count(SLB_CNT_DROP_CT_INSERT);
		return TC_ACT_SHOT;
	}
	slb_count(SLB_CNT_CT_NEW);
	slb_ep_conn_open((*ct)->svc_id, (*ct)->ep_idx);
	return -1;
}

static __always_inline int slb_handle(struct __sk_buff *skb, bool egress)
{
	struct slb_ct_key key;
	struct slb_ct_val *ct;
	struct slb_pkt pkt;
	__u64 now;
	int rc;

	slb_count(SLB_CNT_RX);
	switch (slb_parse(skb, &pkt)) {
	case SLB_PARSE_OK:
		break;
	case SLB_PARSE_NOT_IP:
		slb_count(SLB_CNT_PASS_NOT_IP);
		return TC_ACT_OK;
	case SLB_PARSE_FRAGMENT:
		slb_count(SLB_CNT_PASS_FRAGMENT);
		return TC_ACT_OK;
	case SLB_PARSE_OTHER_L4:
		slb_count(SLB_CNT_PASS_NO_MATCH);
		return TC_ACT_OK;
	default:
		slb_count(SLB_CNT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}

	now = bpf_ktime_get_ns();
	slb_ct_key_init(&key, &pkt);
	ct = bpf_map_lookup_elem(&slb_ct, &key);
	if (ct) {
		/* idle_reset.h: an established flow idle past inactiveTimeOut is answered with RST. */
		rc = slb_idle_reset(skb, &key, ct, &pkt, now, egress);
		if (rc >= 0)
			return rc;
		ct = slb_ct_check(&key, ct, &pkt, now);
	}
	if (ct) {
		slb_count(SLB_CNT_CT_HIT);
	} else {
		rc = slb_new_flow(skb, &key, &pkt, now, egress, &ct);
		if (rc >= 0)
			return rc;
	}

	slb_ct_track(&key, ct, &pkt, now);
	slb_stats_add(ct->svc_id, ct->ep_idx, pkt.len);
	return slb_forward(skb, &pkt, ct, now, egress);
}

#endif /* SLB_PIPELINE_H */
