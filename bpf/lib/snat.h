/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * snat.h - the source address of full NAT (mode 2) and onearm (mode 1) flows.
 *
 * Both modes rewrite the client's address and port as well as the destination, so replies
 * come back to the load balancer whatever the endpoint's routing (see ct.h for the entries and
 * the port allocation). They differ only in the address:
 *   fullnat  the service's own address, the VIP (loxilb's default when no SNAT address is set);
 *   onearm   the load balancer's own IPv4 address on the interface toward the endpoint: the FIB
 *            is asked for the DNATed destination (the same lookup flavour as fwd.h) and the
 *            egress interface's address is read from slb_if_addr, which the control plane
 *            keeps filled with every interface's primary address.
 * A pool of addresses replaces both: the rule's own (slb_snat_pool, `snatSources`), else for
 * fullnat the instance's (slb_config.fullnat_pool, `swiftlb --fullnat-source`). Each source
 * address gives every endpoint 28,232 ports, and a closed TCP flow keeps its port for
 * SLB_NAT_TIME_WAIT_S (ct.h), so one address carries about 470 new connections per second
 * per endpoint from distinct client tuples; a pool multiplies that.
 * An onearm flow whose egress interface is unknown (no route) or has no address cannot be
 * translated; its packet goes to the stack untouched (SLB_CNT_PASS_NO_SNAT_ADDR).
 */
#ifndef SLB_SNAT_H
#define SLB_SNAT_H

#include "compiler.h"
#include "ctx.h"
#include "lb_select.h"
#include "maps.h"
#include "parse.h"

/* Whether a service in `mode` translates the client's source. */
static __always_inline bool slb_mode_snat(__u8 mode)
{
	return mode == SLB_MODE_FULLNAT || mode == SLB_MODE_ONEARM;
}

/*
 * The address of `pool` that the client tuple of `pkt` hashes to, or 0 when the pool is empty.
 * Not the endpoint: a client port reopening its flow then leaves from the same address.
 */
static __always_inline __be32 slb_snat_pool_pick(const struct slb_snat_pool *pool,
						 const struct slb_pkt *pkt)
{
	__u32 count = pool ? READ_ONCE(pool->count) : 0;
	__u32 hash;

	if (!count)
		return 0;
	hash = slb_jhash_3words(pkt->saddr, ((__u32)pkt->sport << 16) | pkt->dport, pkt->proto, 0);
	return bpf_htonl(bpf_ntohl(READ_ONCE(pool->first)) + hash % count);
}

/*
 * The SNAT source for the new flow `pkt` of service `svc_id` in `mode` to endpoint `be`, or 0
 * when there is none (onearm only): the rule's pool, else for fullnat the instance's pool or the
 * VIP, for onearm the egress interface's address.
 */
static __always_inline __be32 slb_snat_addr(struct __sk_buff *skb, const struct slb_pkt *pkt,
					    __u32 svc_id, __u8 mode, const struct slb_backend *be,
					    bool egress)
{
	const struct slb_if_addr *ifa;
	struct bpf_fib_lookup fib;
	__u32 ifindex, zero = 0;
	__be32 pooled;
	long rc;

	pooled = slb_snat_pool_pick(bpf_map_lookup_elem(&slb_snat_pool, &svc_id), pkt);
	if (pooled)
		return pooled;
	if (mode == SLB_MODE_FULLNAT) {
		const struct slb_config *cfg = bpf_map_lookup_elem(&slb_cfg, &zero);

		pooled = slb_snat_pool_pick(cfg ? &cfg->fullnat_pool : NULL, pkt);
		return pooled ? pooled : pkt->daddr;
	}

	__builtin_memset(&fib, 0, sizeof(fib));
	fib.family = SLB_AF_INET;
	fib.tos = pkt->tos;
	fib.l4_protocol = pkt->proto;
	fib.ipv4_src = pkt->saddr;
	fib.ipv4_dst = be->addr;
	fib.ifindex = skb->ifindex;
	rc = bpf_fib_lookup(skb, &fib, sizeof(fib), egress ? BPF_FIB_LOOKUP_OUTPUT : 0);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH)
		return 0;
	ifindex = fib.ifindex;
	ifa = bpf_map_lookup_elem(&slb_if_addr, &ifindex);
	if (!ifa || ifa->family != SLB_AF_INET)
		return 0;
	return READ_ONCE(ifa->addr[0]);
}

#endif /* SLB_SNAT_H */
