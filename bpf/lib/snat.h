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
 * The SNAT source for the new flow `pkt` of a service in `mode` to endpoint `be`, or 0 when
 * there is none (onearm only). Full NAT uses the instance's configured source address
 * (slb_config.fullnat_saddr4, `swiftlb --fullnat-source`) or else the VIP.
 */
static __always_inline __be32 slb_snat_addr(struct __sk_buff *skb, const struct slb_pkt *pkt,
					    __u8 mode, const struct slb_backend *be, bool egress)
{
	const struct slb_if_addr *ifa;
	struct bpf_fib_lookup fib;
	__u32 ifindex;
	long rc;

	if (mode == SLB_MODE_FULLNAT) {
		__u32 zero = 0;
		const struct slb_config *cfg = bpf_map_lookup_elem(&slb_cfg, &zero);
		__be32 configured = cfg ? READ_ONCE(cfg->fullnat_saddr4) : 0;

		return configured ? configured : pkt->daddr;
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
