/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * icmp6_err.h - ICMPv6 errors about tracked NAT66 flows, translated back to the client.
 *
 * An endpoint (or a router between the LB and the endpoint) answers a translated packet with
 * an ICMPv6 error: destination unreachable (1), packet too big (2), time exceeded (3) or
 * parameter problem (4). Its payload starts with the packet as the LB sent it,
 * S:p -> EP:ep (S the client in default mode, the SNAT address otherwise), and it is addressed
 * to S. The conntrack entry whose key is the reverse of that inner tuple (EP:ep -> S:p) is the
 * flow's reply entry; its rewrite (to VIP:vp -> C:cp) gives the client's view:
 *   inner packet   S:p -> EP:ep    becomes C:cp -> VIP:vp   (what the client sent)
 *   outer header   X -> S          becomes X' -> C          (X' = VIP when X is the endpoint
 *                                                             itself, else X unchanged)
 * The inner TCP/UDP checksum is updated for the inner changes (when the inner header is
 * complete in the error), and the ICMPv6 checksum for everything: the outer addresses through
 * its pseudo-header (BPF_F_PSEUDO_HDR), the inner bytes and the inner checksum field as data.
 * The packet too big MTU is kept (NAT66 does not change sizes). The result is routed and
 * forwarded like a reply (pipeline6.h) and counted as ct_icmp6_error on the way. Errors whose
 * inner packet is not a tracked NAT66 TCP/UDP flow (or carries extension headers) pass
 * untouched (pass_no_match). ICMPv4 errors about NAT64 flows are icmp46.h's.
 */
#ifndef SLB_ICMP6_ERR_H
#define SLB_ICMP6_ERR_H

#include "compiler.h"
#include "ct.h"
#include "ctx.h"
#include "maps.h"
#include "nat6.h"
#include "parse6.h"
#include "stats.h"

/* What the error handler reads and rewrites, in scratch memory. */
struct slb_icmp6_err {
	struct ipv6hdr inner;  /* the embedded packet's header */
	struct slb_tuple6 old; /* inner addresses and ports as received */
	struct slb_tuple6 new; /* inner addresses and ports as the client sent them */
	__be32 outer_old[8];   /* outer source, destination as received */
	__be32 outer_new[8];
};

/* Whether ICMPv6 `type` is one of the errors this file translates. */
static __always_inline bool slb_icmp6_is_error(__u8 type)
{
	return type >= 1 && type <= 4;
}

/*
 * Translates the ICMPv6 error `p` if it is about a tracked NAT66 flow. Returns 0 when the packet
 * was rewritten (`p` then holds the new outer addresses), 1 when it is not about a tracked flow
 * (untouched), -1 when a helper failed. `key` and `e` are scratch space.
 */
static __always_inline int slb_icmp6_error_xlate(struct __sk_buff *skb, struct slb_pkt6 *p,
						 struct slb_ct_key *key, struct slb_icmp6_err *e)
{
	__u32 inner_off = p->base.l4_off + 8, l4 = inner_off + SLB_IP6_HLEN;
	__u32 icmp_csum = p->base.l4_off + 2, data_diff, addr_diff, csum_off;
	const struct slb_ct_val *ct;
	__be16 ports[2], old_csum, new_csum;
	__u8 flags, proto;
	bool inner_csum;

	if (bpf_skb_load_bytes(skb, inner_off, &e->inner, sizeof(e->inner)) ||
	    bpf_skb_load_bytes(skb, l4, ports, sizeof(ports)))
		return 1;
	proto = e->inner.nexthdr;
	if (e->inner.version != 6 || (proto != IPPROTO_TCP && proto != IPPROTO_UDP))
		return 1;
	__builtin_memcpy(e->old.saddr, &e->inner.saddr, sizeof(e->old.saddr));
	__builtin_memcpy(e->old.daddr, &e->inner.daddr, sizeof(e->old.daddr));
	e->old.sport = ports[0];
	e->old.dport = ports[1];

	__builtin_memset(key, 0, sizeof(*key));
	__builtin_memcpy(key->saddr, e->old.daddr, sizeof(key->saddr));
	__builtin_memcpy(key->daddr, e->old.saddr, sizeof(key->daddr));
	key->sport = e->old.dport;
	key->dport = e->old.sport;
	key->proto = proto;
	key->family = SLB_AF_INET6;
	ct = slb_ct_find(key);
	if (!ct || ct->dir != SLB_DIR_REV)
		return 1;
	flags = READ_ONCE(ct->nat.flags);
	if ((flags & SLB_NAT_AF) || !(flags & SLB_NAT_SRC))
		return 1;

	/* The client's view: it sent C:cp -> VIP:vp. */
	e->new = e->old;
	__builtin_memcpy(e->new.daddr, ct->nat.saddr, sizeof(e->new.daddr));
	e->new.dport = READ_ONCE(ct->nat.sport);
	if (flags & SLB_NAT_DST) {
		__builtin_memcpy(e->new.saddr, ct->nat.daddr, sizeof(e->new.saddr));
		e->new.sport = READ_ONCE(ct->nat.dport);
	}
	__builtin_memcpy(e->outer_old, p->saddr, 4 * sizeof(__be32));
	__builtin_memcpy(e->outer_old + 4, p->daddr, 4 * sizeof(__be32));
	__builtin_memcpy(e->outer_new, e->outer_old, sizeof(e->outer_new));
	if (!__builtin_memcmp(p->saddr, e->old.daddr, sizeof(e->old.daddr)))
		__builtin_memcpy(e->outer_new, e->new.daddr, 4 * sizeof(__be32));
	__builtin_memcpy(e->outer_new + 4, e->new.saddr, 4 * sizeof(__be32));

	/* Inner bytes: addresses (as data here, but they are the inner pseudo-header too). */
	addr_diff = slb_csum_add(slb_csum_diff16(e->old.saddr, e->new.saddr),
				 slb_csum_diff16(e->old.daddr, e->new.daddr));
	data_diff = slb_csum_add(addr_diff, slb_csum_diff2(e->old.sport, e->new.sport));
	data_diff = slb_csum_add(data_diff, slb_csum_diff2(e->old.dport, e->new.dport));
	if (bpf_skb_store_bytes(skb, inner_off + offsetof(struct ipv6hdr, saddr), e->new.saddr,
				8 * sizeof(__be32), 0) ||
	    bpf_skb_store_bytes(skb, l4, &e->new.sport, 2 * sizeof(__be16), 0))
		return -1;

	/* The inner L4 checksum, when the error carries it. */
	csum_off = l4 + (proto == IPPROTO_TCP ? 16 : 6);
	inner_csum = csum_off + 2 <= skb->len &&
		     !bpf_skb_load_bytes(skb, csum_off, &old_csum, sizeof(old_csum));
	if (inner_csum && !(proto == IPPROTO_UDP && !old_csum)) {
		if (bpf_l4_csum_replace(skb, csum_off, 0, data_diff,
					proto == IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0) ||
		    bpf_skb_load_bytes(skb, csum_off, &new_csum, sizeof(new_csum)))
			return -1;
		data_diff = slb_csum_add(data_diff, slb_csum_diff2(old_csum, new_csum));
	}

	/* The outer header and the ICMPv6 checksum. */
	if (bpf_skb_store_bytes(skb, SLB_IP6_SADDR_OFF, e->outer_new, sizeof(e->outer_new), 0))
		return -1;
	if (bpf_l4_csum_replace(skb, icmp_csum, 0, data_diff, 0))
		return -1;
	if (bpf_l4_csum_replace(skb, icmp_csum, 0,
				slb_csum_add(slb_csum_diff16(e->outer_old, e->outer_new),
					     slb_csum_diff16(e->outer_old + 4, e->outer_new + 4)),
				BPF_F_PSEUDO_HDR))
		return -1;
	__builtin_memcpy(p->saddr, e->outer_new, 4 * sizeof(__be32));
	__builtin_memcpy(p->daddr, e->outer_new + 4, 4 * sizeof(__be32));
	return 0;
}

#endif /* SLB_ICMP6_ERR_H */
