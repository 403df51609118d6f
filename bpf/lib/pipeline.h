/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * pipeline.h - the per-packet path shared by the ingress and egress programs.
 *
 * parse -> conntrack lookup -> (new flow: service lookup, source allow-list (acl.h), endpoint
 * selection, for full NAT and onearm the source address (snat.h) and port, conntrack
 * creation) -> state and counters -> rewrite -> forward. Packets that match neither a conntrack entry nor a service leave
 * exactly as they came (only headers too broken for the stack to accept are dropped, see
 * parse.h), and so do packets of new onearm flows when no source address is known. The only
 * difference between the directions is in forwarding (see fwd.h): the FIB lookup flavour
 * and the TTL, which only the ingress program decrements. A packet translated by one hook
 * reaches the other with a tuple that is neither a VIP nor a conntrack key and passes
 * untouched, so the programs can be attached on both hooks of every interface.
 * IPv6 frames and the IPv4 replies of NAT64 flows continue in pipeline6.h.
 * Mode 3 (DSR) flows have a single entry and are forwarded by dsr.h instead of fwd.h, on
 * ingress only: an L2 DSR packet keeps its tuple, so when it leaves through the egress hook
 * after the redirect it would match its own entry again; the egress program passes DSR flows
 * untouched (SLB_CNT_PASS_DSR_EGRESS). ICMP
 * goes to icmp.h (echo to a VIP answered, errors about tracked flows translated back).
 */
#ifndef SLB_PIPELINE_H
#define SLB_PIPELINE_H

#include "acl.h"
#include "clock.h"
#include "compiler.h"
#include "ct.h"
#include "ctx.h"
#include "dsr.h"
#include "fwd.h"
#include "icmp.h"
#include "idle_reset.h"
#include "lb_select.h"
#include "maps.h"
#include "nat.h"
#include "parse.h"
#include "pipeline6.h"
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

	if (mode == SLB_MODE_DSR)
		return slb_ct_create_verdict(slb_ct_create_dsr(key, pkt, id, be, now));
	if (!slb_mode_snat(mode))
		return slb_ct_create_verdict(slb_ct_create(key, pkt, id, be, now));
	snat = slb_snat_addr(skb, pkt, mode, be, egress);
	if (!snat) {
		slb_count(SLB_CNT_PASS_NO_SNAT_ADDR);
		return TC_ACT_OK;
	}
	return slb_ct_create_verdict(slb_ct_create_snat(key, pkt, id, be, snat, now));
}

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
 * The IPv4 path's packet summary and conntrack key live in a per-CPU scratch slot rather than
 * on the stack: the program's frame plus the deepest call chain (new flow -> endpoint
 * selection, DSR forwarding) must fit the verifier's 512 bytes. A program runs to completion
 * on its CPU, so the slot is never shared.
 */
struct slb_scratch4 {
	struct slb_pkt pkt;
	struct slb_ct_key key;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_scratch4);
	__uint(max_entries, 1);
} slb_scratch4 SEC(".maps");

static __always_inline struct slb_scratch4 *slb_scratch4_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&slb_scratch4, &zero);
}

/*
 * Sets up the flow of the untracked packet s->pkt (key s->key), seen at `now`. Returns its new
 * forward entry in `*ct` and -1, or a TC verdict (>= 0) when the packet is not load balanced.
 * Not inlined: its locals (service, endpoint, the new entries) get their own stack frame,
 * which keeps the programs under the verifier's 512-byte stack limit. It takes the packet's
 * clock reading rather than reading the clock again (each read costs tens of ns).
 */
static __attribute__((noinline)) int slb_new_flow(struct __sk_buff *skb, struct slb_scratch4 *s,
						  __u64 now, bool egress, struct slb_ct_val **ct)
{
	const struct slb_ct_key *key = &s->key;
	const struct slb_pkt *pkt = &s->pkt;
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
	if (egress && READ_ONCE(svc->mode) == SLB_MODE_DSR) {
		slb_count(SLB_CNT_PASS_DSR_EGRESS);
		return TC_ACT_OK;
	}
	if (!slb_source_allowed(svc, pkt)) {
		slb_count(SLB_CNT_DROP_NOT_ALLOWED);
		return TC_ACT_SHOT;
	}
	if (slb_select(svc, pkt, &be)) {
		slb_count(SLB_CNT_DROP_NO_ENDPOINT);
		return TC_ACT_SHOT;
	}
	/* Port ranges: an endpoint port of 0 keeps the port the client asked for. */
	if (!be.port)
		be.port = pkt->dport;
	rc = slb_track_new(skb, key, pkt, svc, &be, now, egress);
	if (rc >= 0)
		return rc;
	*ct = slb_ct_find(key);
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
	struct slb_scratch4 *scratch = slb_scratch4_get();
	struct slb_ct_key *key;
	struct slb_ct_val *ct;
	struct slb_pkt *pkt;
	__u64 now;
	int rc;

	if (!scratch)
		return TC_ACT_OK;
	key = &scratch->key;
	pkt = &scratch->pkt;
	slb_count(SLB_CNT_RX);
	switch (slb_parse(skb, pkt)) {
	case SLB_PARSE_OK:
		break;
	case SLB_PARSE_NOT_IP:
		/* IPv6: pipeline6.h (counts its own outcomes). */
		return slb_handle6(skb, egress);
	case SLB_PARSE_FRAGMENT:
		slb_count(SLB_CNT_PASS_FRAGMENT);
		return TC_ACT_OK;
	case SLB_PARSE_ICMP:
		if (pkt->chunk == SLB_ICMP_ECHO)
			return slb_icmp_echo(skb, pkt, egress);
		if (pkt->chunk == SLB_ICMP_DEST_UNREACH || pkt->chunk == SLB_ICMP_TIME_EXCEEDED)
			return slb_icmp_error(skb, pkt, egress);
		slb_count(SLB_CNT_PASS_NO_MATCH);
		return TC_ACT_OK;
	case SLB_PARSE_OTHER_L4:
		slb_count(SLB_CNT_PASS_NO_MATCH);
		return TC_ACT_OK;
	default:
		slb_count(SLB_CNT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}

	now = slb_now_ns();
	slb_ct_key_init(key, pkt);
	ct = slb_ct_find_inline(key);
	if (ct && egress && (READ_ONCE(ct->nat.flags) & SLB_NAT_DSR)) {
		slb_count(SLB_CNT_PASS_DSR_EGRESS);
		return TC_ACT_OK;
	}
	if (ct) {
		/* idle_reset.h: an established flow idle past inactiveTimeOut is reset both ways. */
		rc = slb_idle_reset(skb, key, ct, pkt, now, egress);
		if (rc >= 0)
			return rc;
		ct = slb_ct_check(key, ct, pkt, now);
	}
	if (ct) {
		slb_count(SLB_CNT_CT_HIT);
	} else {
		rc = slb_new_flow(skb, scratch, now, egress, &ct);
		if (rc >= 0)
			return rc;
	}

	if (pkt->proto == IPPROTO_SCTP && slb_sctp_check(skb, pkt, key, ct)) {
		slb_count(SLB_CNT_DROP_SCTP_VTAG);
		return TC_ACT_SHOT;
	}
	slb_ct_track(key, ct, pkt, now);
	slb_stats_add(ct->svc_id, ct->ep_idx, pkt->len);
	/* A NAT64 flow's IPv4 reply becomes IPv6 (pipeline6.h). */
	if (ct->nat.flags & SLB_NAT_AF)
		return slb_forward46(skb, pkt, ct, egress);
	if (READ_ONCE(ct->nat.flags) & SLB_NAT_DSR)
		return slb_dsr_forward(skb, pkt, ct, egress);
	return slb_forward(skb, pkt, ct, now, egress);
}

#endif /* SLB_PIPELINE_H */
