/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * pipeline_sctpmh6.h - the SCTPMH6 stage (stages.h): V6 (pipeline6.h) sends it the IPv6 SCTP
 * packets whose first chunk changes or ends an association; multihoming (sctp_mh6.h) does its
 * work on them, then they are accounted and forwarded as V6 would. A first packet dropped here
 * leaves no flow behind.
 */
#ifndef SLB_PIPELINE_SCTPMH6_H
#define SLB_PIPELINE_SCTPMH6_H

#include "ct.h"
#include "lb_select.h"
#include "pipeline6.h"
#include "sctp_mh6.h"
#include "stages.h"
#include "stats.h"

static __always_inline int slb_sctpmh6(struct __sk_buff *skb, bool egress)
{
	struct slb_scratch6 *s = slb_scratch6_get();
	struct slb_ct_val *ct = s ? slb_ct_entry_at(s->ct_index) : NULL;
	int rc;

	if (!s || !ct)
		return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
	if (egress)
		return slb_established6_go(skb, s, ct, egress);
	rc = slb_sctp_mh6_packet(skb, &s->p, &s->key, ct, s->now);
	if (rc >= 0) {
		if (rc == TC_ACT_SHOT && s->new_flow) {
			slb_ep_conn_close(READ_ONCE(ct->svc_id), READ_ONCE(ct->ep_idx));
			slb_ct_delete_flow(&s->key, ct);
		}
		return rc;
	}
	return slb_established6_go(skb, s, ct, egress);
}

#endif /* SLB_PIPELINE_SCTPMH6_H */
