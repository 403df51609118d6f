/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * lb_select.h - service lookup and endpoint selection.
 *
 * A new flow's destination {address, port, protocol} is looked up in slb_svc; a hit names the
 * service id that indexes its endpoint set, its round-robin cursor and its counters. The
 * endpoint slot is chosen by the service's algorithm:
 *   SLB_SEL_RR    one cursor per service shared by all CPUs and advanced atomically, so N
 *                 flows over K endpoints land exactly N/K on each;
 *   SLB_SEL_HASH  a jhash of the 5-tuple, so a given tuple always picks the same slot;
 *   anything else falls back to round robin until the datapath implements it.
 * Only the first ep_count slots (at most SLB_MAX_ENDPOINTS) are considered. A slot whose
 * address is zero, or that carries SLB_EP_F_INACTIVE (health down), is skipped: the flow goes
 * to the next active slot after the chosen one, and with none active the packet is dropped as
 * "no endpoint". Weights are not applied yet.
 */
#ifndef SLB_LB_SELECT_H
#define SLB_LB_SELECT_H

#include "compiler.h"
#include "maps.h"
#include "parse.h"

/* The endpoint a new flow was assigned to. */
struct slb_backend {
	__be32 addr;
	__be16 port;
	__u16 slot;
};

/* Returns the service {vip, port, proto} of IPv4, or NULL. */
static __always_inline struct slb_svc_val *slb_svc_find(__be32 vip, __be16 port, __u8 proto)
{
	struct slb_svc_key key;

	__builtin_memset(&key, 0, sizeof(key));
	key.vip[0] = vip;
	key.port = port;
	key.proto = proto;
	key.family = SLB_AF_INET;
	return bpf_map_lookup_elem(&slb_svc, &key);
}

static __always_inline __u32 slb_rol32(__u32 word, unsigned int shift)
{
	return (word << shift) | (word >> ((-shift) & 31));
}

/* Bob Jenkins' lookup3 final mix, as the kernel's jhash_3words(). */
static __always_inline __u32 slb_jhash_3words(__u32 a, __u32 b, __u32 c, __u32 initval)
{
	initval += 0xdeadbeef + (3 << 2);
	a += initval;
	b += initval;
	c += initval;
	c ^= b;
	c -= slb_rol32(b, 14);
	a ^= c;
	a -= slb_rol32(c, 11);
	b ^= a;
	b -= slb_rol32(a, 25);
	c ^= b;
	c -= slb_rol32(b, 16);
	a ^= c;
	a -= slb_rol32(c, 4);
	b ^= a;
	b -= slb_rol32(a, 14);
	c ^= b;
	c -= slb_rol32(b, 24);
	return c;
}

static __always_inline __u32 slb_hash_tuple(const struct slb_pkt *pkt)
{
	return slb_jhash_3words(pkt->saddr, pkt->daddr, ((__u32)pkt->sport << 16) | pkt->dport,
				pkt->proto);
}

/*
 * Picks an endpoint of `svc` for the new flow `pkt`. Returns 0 and fills `out`, or -1 when
 * the service has no usable endpoint.
 */
static __always_inline int slb_select(const struct slb_svc_val *svc, const struct slb_pkt *pkt,
				      struct slb_backend *out)
{
	const struct slb_endpoint *ep;
	const struct slb_ep_set *eps;
	__u32 id = READ_ONCE(svc->id);
	__u32 n = READ_ONCE(svc->ep_count);
	__u32 idx = 0, slot, i;
	__u32 *rr;

	if (n == 0)
		return -1;
	if (n > SLB_MAX_ENDPOINTS)
		n = SLB_MAX_ENDPOINTS;
	if (svc->sel == SLB_SEL_HASH) {
		idx = slb_hash_tuple(pkt) % n;
	} else {
		rr = bpf_map_lookup_elem(&slb_rr, &id);
		if (rr)
			idx = __sync_fetch_and_add(rr, 1) % n;
	}
	barrier_var(idx);
	idx &= SLB_MAX_ENDPOINTS - 1;

	eps = bpf_map_lookup_elem(&slb_eps, &id);
	if (!eps)
		return -1;
	/* Walk on from the chosen slot to the first active one (health down or detached slots
	 * keep their index but take no new flows); none active means no endpoint. */
	for (i = 0; i < SLB_MAX_ENDPOINTS; i++) {
		if (i >= n)
			break;
		slot = (idx + i) % n;
		barrier_var(slot); /* keep the mask: the verifier loses the modulo's bound */
		slot &= SLB_MAX_ENDPOINTS - 1;
		ep = &eps->ep[slot];
		if (!ep->addr[0] || (ep->flags & SLB_EP_F_INACTIVE))
			continue;
		out->addr = ep->addr[0];
		out->port = ep->port;
		out->slot = slot;
		return 0;
	}
	return -1;
}

#endif /* SLB_LB_SELECT_H */
