/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * lb6.h - service lookup, endpoint and SNAT source of new IPv6 flows.
 *
 * An IPv6 VIP is a slb_svc key of family SLB_AF_INET6. Its endpoints are all IPv6 (NAT66) or
 * all IPv4 (NAT64); the control plane refuses mixed sets. The slot is chosen by the service's
 * algorithm exactly as for IPv4 (slb_select in lb_select.h, hashing the folded addresses);
 * the full address and family are then read from the slot.
 *
 * The translated source of a new flow (slb_snat6_addr):
 *   NAT66 default   none (the client's address is kept)
 *   NAT66 fullnat   the VIP
 *   NAT66 onearm    the LB's IPv6 address on the interface the FIB picks toward the endpoint
 *                   (slb_if_addr6)
 *   NAT64, any mode the LB's IPv4 address on the interface the FIB picks toward the endpoint
 *                   (slb_if_addr): an IPv6 client address cannot be an IPv4 source
 * Without a route or an address the flow cannot be translated (the caller passes the packet,
 * SLB_CNT_PASS_NO_SNAT_ADDR).
 */
#ifndef SLB_LB6_H
#define SLB_LB6_H

#include "compiler.h"
#include "ct6.h"
#include "ctx.h"
#include "lb_select.h"
#include "maps.h"
#include "parse6.h"

/* Picks an endpoint of `svc` for the new flow `p`. Returns 0 and fills `out`, or -1. */
static __always_inline int slb_select6(const struct slb_svc_val *svc, const struct slb_pkt6 *p,
				       struct slb_backend6 *out)
{
	const struct slb_endpoint *ep;
	struct slb_backend be = {}; /* zeroed for 6.1, as in flow.h */
	__u32 id = READ_ONCE(svc->id), slot, key;

	slb_select_client6(p->saddr);
	if (slb_select(svc, &p->base, &be))
		return -1;
	slot = be.slot;
	key = SLB_EP_KEY(id, slot);
	ep = bpf_map_lookup_elem(&slb_eps, &key);
	if (!ep)
		return -1;
	__builtin_memcpy(out->addr, ep->addr, sizeof(out->addr));
	out->port = ep->port;
	out->slot = slot;
	out->family = ep->family;
	if (out->family != SLB_AF_INET6 && out->family != SLB_AF_INET)
		return -1;
	return 0;
}

/* Reads the address of `ifindex` from `map` (slb_if_addr or slb_if_addr6) into `out`. */
static __always_inline int slb_if_addr_get(void *map, __u32 ifindex, __u8 family, __be32 *out)
{
	const struct slb_if_addr *ifa = bpf_map_lookup_elem(map, &ifindex);

	if (!ifa || ifa->family != family)
		return -1;
	__builtin_memcpy(out, ifa->addr, 4 * sizeof(__be32));
	return 0;
}

/*
 * Fills `snat` with the translated source of the new flow `p` of a service in `mode` to `be`
 * (see the header comment). Returns 0, or -1 when there is none. `fib` is scratch space.
 */
static __always_inline int slb_snat6_addr(struct __sk_buff *skb, const struct slb_pkt6 *p,
					  __u8 mode, const struct slb_backend6 *be, bool egress,
					  __be32 *snat, struct bpf_fib_lookup *fib)
{
	long rc;

	if (be->family == SLB_AF_INET6 && mode == SLB_MODE_FULLNAT) {
		__builtin_memcpy(snat, p->daddr, 4 * sizeof(__be32));
		return 0;
	}
	__builtin_memset(fib, 0, sizeof(*fib));
	fib->l4_protocol = p->base.proto;
	fib->ifindex = skb->ifindex;
	if (be->family == SLB_AF_INET) {
		fib->family = SLB_AF_INET;
		fib->tos = p->base.tos;
		fib->ipv4_dst = be->addr[0];
	} else {
		fib->family = SLB_AF_INET6;
		__builtin_memcpy(fib->ipv6_src, p->saddr, sizeof(fib->ipv6_src));
		__builtin_memcpy(fib->ipv6_dst, be->addr, sizeof(fib->ipv6_dst));
	}
	rc = bpf_fib_lookup(skb, fib, sizeof(*fib), egress ? BPF_FIB_LOOKUP_OUTPUT : 0);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH)
		return -1;
	__builtin_memset(snat, 0, 4 * sizeof(__be32));
	if (be->family == SLB_AF_INET)
		return slb_if_addr_get(&slb_if_addr, fib->ifindex, SLB_AF_INET, snat);
	return slb_if_addr_get(&slb_if_addr6, fib->ifindex, SLB_AF_INET6, snat);
}

#endif /* SLB_LB6_H */
