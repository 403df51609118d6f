/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ct6.h - conntrack entries of IPv6 flows: NAT66 and NAT64.
 *
 * The same two-entry design as ct.h (read it first), in the same map, with IPv6 keys
 * (family SLB_AF_INET6, all four address words). Lookup, expiry, the TCP state machine and
 * accounting are ct.h's, which work on any family; only creation differs:
 *   NAT66 default   FWD  C6:cp -> VIP6:vp   rewrites dst to EP6:ep          (SLB_NAT_DST)
 *                   REV  EP6:ep -> C6:cp    rewrites src to VIP6:vp         (SLB_NAT_SRC)
 *   NAT66 fullnat   FWD  C6:cp -> VIP6:vp   becomes S6:p -> EP6:ep          (SRC | DST)
 *   and onearm      REV  EP6:ep -> S6:p     becomes VIP6:vp -> C6:cp        (SRC | DST)
 *   NAT64 (every    FWD  C6:cp -> VIP6:vp   becomes S4:p -> EP4:ep, as IPv4 (SRC|DST|AF)
 *   mode)           REV  EP4:ep -> S4:p     (an IPv4 key) becomes VIP6:vp -> C6:cp, as IPv6
 * S6 is the VIP (fullnat) or the LB's IPv6 address toward the endpoint (onearm); S4 is always
 * the LB's IPv4 address toward the endpoint, because an IPv6 client address cannot be an IPv4
 * source. The port p is allocated as in slb_ct_create_snat. The rewrite's family is the
 * family of the packet after it (slb_nat.family); SLB_NAT_AF marks the entries whose rewrite
 * changes it, so slb_ct_twin_key finds the twin under the other family.
 */
#ifndef SLB_CT6_H
#define SLB_CT6_H

#include <linux/errno.h>

#include "compiler.h"
#include "ct.h"
#include "lb_select.h"
#include "maps.h"
#include "parse6.h"

/* An endpoint of an IPv6 service, with its full address. */
struct slb_backend6 {
	__be32 addr[4];
	__be16 port;
	__u16 slot;
	__u8 family; /* SLB_AF_INET6 (NAT66) or SLB_AF_INET (NAT64) */
	__u8 pad[3];
};

/* Fills `key` with the tuple of the IPv6 packet `p` as it arrived. */
static __always_inline void slb_ct6_key_init(struct slb_ct_key *key, const struct slb_pkt6 *p)
{
	__builtin_memset(key, 0, sizeof(*key));
	__builtin_memcpy(key->saddr, p->saddr, sizeof(key->saddr));
	__builtin_memcpy(key->daddr, p->daddr, sizeof(key->daddr));
	key->sport = p->base.sport;
	key->dport = p->base.dport;
	key->proto = p->base.proto;
	key->family = SLB_AF_INET6;
}

/* Fills the fields both entries of a new IPv6 flow share. */
static __always_inline void slb_ct6_val_init(struct slb_ct_val *val, const struct slb_pkt6 *p,
					     __u32 svc_id, __u16 slot, __u64 now)
{
	__builtin_memset(val, 0, sizeof(*val));
	val->last_seen_ns = now;
	val->svc_id = svc_id;
	val->ep_idx = slot;
	val->state = slb_ct_initial_state(&p->base);
}

/* Sets one entry's rewrite (full addresses) and direction; unused fields stay zero. */
static __always_inline void slb_ct6_set_nat(struct slb_ct_val *val, __u8 dir, __u8 flags,
					    const __be32 *saddr, __be16 sport, const __be32 *daddr,
					    __be16 dport, __u8 family)
{
	__builtin_memset(&val->nat, 0, sizeof(val->nat));
	if (saddr)
		__builtin_memcpy(val->nat.saddr, saddr, sizeof(val->nat.saddr));
	if (daddr)
		__builtin_memcpy(val->nat.daddr, daddr, sizeof(val->nat.daddr));
	val->nat.sport = sport;
	val->nat.dport = dport;
	val->nat.flags = flags;
	val->nat.family = family;
	val->dir = dir;
}

/*
 * Creates both entries of a new NAT66 default-mode flow (destination rewrite only). Returns 0
 * when the forward entry exists afterwards, -1 when the flow could not be tracked.
 */
static __always_inline int slb_ct6_create(const struct slb_ct_key *key, const struct slb_pkt6 *p,
					  __u32 svc_id, const struct slb_backend6 *be, __u64 now,
					  struct slb_ct_key *rev, struct slb_ct_val *val)
{
	long err;

	slb_ct6_val_init(val, p, svc_id, be->slot, now);
	slb_ct6_set_nat(val, SLB_DIR_FWD, SLB_NAT_DST, NULL, 0, be->addr, be->port, SLB_AF_INET6);
	err = slb_ct_add(key, val);
	if (err == -EEXIST)
		return 0;
	if (err)
		return -1;

	__builtin_memset(rev, 0, sizeof(*rev));
	__builtin_memcpy(rev->saddr, be->addr, sizeof(rev->saddr));
	__builtin_memcpy(rev->daddr, p->saddr, sizeof(rev->daddr));
	rev->sport = be->port;
	rev->dport = p->base.sport;
	rev->proto = p->base.proto;
	rev->family = SLB_AF_INET6;
	slb_ct6_set_nat(val, SLB_DIR_REV, SLB_NAT_SRC, p->daddr, p->base.dport, NULL, 0,
			SLB_AF_INET6);

	err = slb_ct_add(rev, val);
	if (err == -EEXIST && !slb_ct_rev_taken(rev, key, now))
		err = slb_ct_put(rev, val);
	if (err) {
		slb_ct_del(key);
		return -1;
	}
	return 0;
}

/*
 * Creates both entries of a new source-translating IPv6 flow: NAT66 fullnat/onearm (`be` is
 * IPv6, `snat` an IPv6 address) or NAT64 (`be` is IPv4, `snat` the LB's IPv4 address in word
 * 0), or a firewall SNAT flow (`be` is the packet's own destination). Port allocation
 * (`first_port` as there), ordering and results as slb_ct_create_snat (SLB_CT_ERR_*). `rev` and
 * `val` are scratch space (per-CPU memory, not the stack).
 */
static __always_inline int slb_ct6_create_snat(const struct slb_ct_key *key,
					       const struct slb_pkt6 *p, __u32 svc_id,
					       const struct slb_backend6 *be, const __be32 *snat,
					       __be16 first_port, __u64 now, struct slb_ct_key *rev,
					       struct slb_ct_val *val)
{
	__u8 flags = SLB_NAT_SRC | SLB_NAT_DST;
	__u32 start;
	long err;

	if (be->family != SLB_AF_INET6)
		flags |= SLB_NAT_AF;
	slb_ct6_val_init(val, p, svc_id, be->slot, now);
	slb_ct6_set_nat(val, SLB_DIR_REV, flags, p->daddr, p->base.dport, p->saddr, p->base.sport,
			SLB_AF_INET6);

	__builtin_memset(rev, 0, sizeof(*rev));
	__builtin_memcpy(rev->saddr, be->addr, sizeof(rev->saddr));
	__builtin_memcpy(rev->daddr, snat, sizeof(rev->daddr));
	rev->sport = be->port;
	rev->proto = p->base.proto;
	rev->family = be->family;

	start = slb_nat_port_start(first_port ? first_port : p->base.sport,
				   slb_jhash_3words(p->base.saddr, slb_addr6_fold(be->addr),
						    ((__u32)p->base.sport << 16) | p->base.dport,
						    p->base.proto));
	err = slb_nat_port_claim(rev, key, val, start);
	if (err == -EEXIST)
		return SLB_CT_ERR_NO_PORT;
	if (err)
		return SLB_CT_ERR_INSERT;

	slb_ct6_set_nat(val, SLB_DIR_FWD, flags, snat, rev->dport, be->addr, be->port, be->family);
	err = slb_ct_add(key, val);
	if (err)
		slb_ct_del(rev);
	if (err && err != -EEXIST)
		return SLB_CT_ERR_INSERT;
	return 0;
}

#endif /* SLB_CT6_H */
