/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * acl.h - per-service source allow-lists (loxilb's allowedSources).
 *
 * A service whose value carries SLB_SVC_F_ALLOWLIST accepts new flows only from sources inside
 * one of its prefixes in the slb_allow LPM trie. The check runs once per flow, before endpoint
 * selection: packets of tracked flows never pay for it, and a refused packet creates no state.
 */
#ifndef SLB_ACL_H
#define SLB_ACL_H

#include "compiler.h"
#include "maps.h"
#include "parse.h"

/* Looks `key` (address and family filled in) up in the allow-list of `svc`. */
static __always_inline bool slb_allow_lookup(struct slb_allow_key *key,
					     const struct slb_svc_val *svc, __u32 bits)
{
	key->prefixlen = SLB_ALLOW_FIXED_BITS + bits;
	key->svc_id = READ_ONCE(svc->id);
	return bpf_map_lookup_elem(&slb_allow, key) != NULL;
}

/*
 * True when the source `saddr` of family `family` (IPv4: word 0 only is read) may open a flow
 * to the service `svc`.
 */
static __always_inline bool slb_source_allowed(const struct slb_svc_val *svc, __u8 family,
					       const __be32 *saddr)
{
	struct slb_allow_key key;

	if (!(READ_ONCE(svc->flags) & SLB_SVC_F_ALLOWLIST))
		return true;
	__builtin_memset(&key, 0, sizeof(key));
	key.family = family;
	if (family == SLB_AF_INET6) {
		__builtin_memcpy(key.addr, saddr, sizeof(key.addr));
		return slb_allow_lookup(&key, svc, 128);
	}
	key.addr[0] = saddr[0];
	return slb_allow_lookup(&key, svc, 32);
}

#endif /* SLB_ACL_H */
