/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * icmp6.h - ICMPv6 echo requests to an IPv6 VIP are answered by the datapath, as loxilb
 * answers pings to its service addresses.
 *
 * The VIP need not be assigned to any interface, so the kernel would not answer. The control
 * plane marks every IPv6 VIP that has at least one service with a slb_svc entry
 * {VIP, port 0, IPPROTO_ICMPV6, SLB_AF_INET6} (never a TCP/UDP key, so no flow matches it).
 * An echo request (type 128, code 0) to a marked address arriving on ingress is turned into
 * its reply in place: addresses swapped, type 129, hop limit 64, MACs swapped, and sent back
 * out of the interface it came in on (SLB_CNT_FWD_ICMP6_ECHO). The ICMPv6 checksum only
 * changes by the type word: the pseudo-header holds the same two addresses, swapped, whose
 * ones' complement sum is the same. Identifier, sequence and data are returned unchanged.
 * Requests seen by the egress program, or to other addresses, pass untouched.
 */
#ifndef SLB_ICMP6_H
#define SLB_ICMP6_H

#include "compiler.h"
#include "ctx.h"
#include "lb6.h"
#include "parse6.h"
#include "stats.h"

#define SLB_ECHO_HOP_LIMIT 64

/* Whether `addr` is an IPv6 VIP with at least one service (its echo marker exists). */
static __always_inline bool slb_is_vip6(const __be32 *addr)
{
	return slb_svc_find6(addr, 0, SLB_NEXTHDR_ICMP6) != NULL;
}

/* Answers the echo request `p` if it is addressed to a VIP; returns the TC verdict. */
static __always_inline int slb_icmp6_echo(struct __sk_buff *skb, const struct slb_pkt6 *p,
					  bool egress)
{
	struct {
		__u8 hop;
		__be32 saddr[4];
		__be32 daddr[4];
	} __attribute__((packed)) l3;
	__u8 macs[2 * ETH_ALEN], tmp[ETH_ALEN];
	__u8 type = SLB_ICMP6_ECHO_REPLY;
	__be16 old_word, new_word;

	if (egress || !slb_is_vip6(p->daddr)) {
		slb_count(SLB_CNT_PASS_NO_MATCH);
		return TC_ACT_OK;
	}
	if (bpf_skb_load_bytes(skb, 0, macs, sizeof(macs)))
		goto drop;
	__builtin_memcpy(tmp, macs, ETH_ALEN);
	__builtin_memcpy(macs, macs + ETH_ALEN, ETH_ALEN);
	__builtin_memcpy(macs + ETH_ALEN, tmp, ETH_ALEN);
	l3.hop = SLB_ECHO_HOP_LIMIT;
	__builtin_memcpy(l3.saddr, p->daddr, sizeof(l3.saddr));
	__builtin_memcpy(l3.daddr, p->saddr, sizeof(l3.daddr));

	old_word = bpf_htons(((__u16)SLB_ICMP6_ECHO_REQUEST << 8) | p->icmp_code);
	new_word = bpf_htons(((__u16)SLB_ICMP6_ECHO_REPLY << 8) | p->icmp_code);
	if (bpf_skb_store_bytes(skb, 0, macs, sizeof(macs), 0) ||
	    bpf_skb_store_bytes(skb, SLB_IP6_HOP_OFF, &l3, sizeof(l3), 0) ||
	    bpf_skb_store_bytes(skb, p->base.l4_off, &type, sizeof(type), 0) ||
	    bpf_l4_csum_replace(skb, p->base.l4_off + p->base.csum_off, old_word, new_word,
				sizeof(new_word)))
		goto drop;
	slb_count(SLB_CNT_FWD_ICMP6_ECHO);
	return bpf_redirect(skb->ifindex, 0);

drop:
	slb_count(SLB_CNT_DROP_REWRITE);
	return TC_ACT_SHOT;
}

#endif /* SLB_ICMP6_H */
