/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * dsr6.h - direct server return (mode 3) for IPv6 services with IPv6 endpoints.
 *
 * The IPv6 twin of dsr.h (read it first): the client's packet keeps its addresses and ports,
 * the endpoint holds the VIP and answers the client itself, and the route to the endpoint
 * decides per packet how the packet gets there:
 *   on-link endpoint (the FIB's next hop is the endpoint)  -> L2 DSR: hop limit decremented,
 *       MACs rewritten, nothing else;
 *   routed endpoint (the next hop is a gateway)             -> L3 DSR: IPv6-in-IPv6 (RFC 2473,
 *       next header 41): outer source the load balancer's IPv6 address on the egress interface
 *       (slb_if_addr6), outer destination the endpoint, hop limit 64, the first word (version,
 *       traffic class, flow label) copied from the inner header; the endpoint decapsulates
 *       with an ip6tnl (ip6ip6) device.
 * A flow has one FWD entry (SLB_NAT_DSR, family IPv6, naming the endpoint), as in IPv4.
 *
 * The encapsulation grows the packet by 40 bytes (bpf_skb_adjust_room with
 * BPF_F_ADJ_ROOM_ENCAP_L3_IPV6, GSO kept consistent). When the result would exceed the egress
 * MTU (per segment for GSO), the packet is turned into an ICMPv6 packet too big (RFC 4443
 * §3.2) sent back out of the interface it came in on: MTU = egress MTU - 40, but at least 1280
 * (the IPv6 minimum, RFC 8200 §5); its source is the load balancer's IPv6 address on that
 * interface (or the VIP), and it quotes the first 48 bytes of the packet (the IPv6 header and
 * 8 bytes, which hold the ports), as icmp.h quotes 28 for IPv4. A packet of at most 1280 bytes
 * that still does not fit cannot be helped by a smaller MTU and is dropped (SLB_CNT_DROP_DSR),
 * as are packets without a route to the endpoint or without an outer source address.
 */
#ifndef SLB_DSR6_H
#define SLB_DSR6_H

#include <linux/errno.h>

#include "compiler.h"
#include "ct6.h"
#include "ctx.h"
#include "dsr.h"
#include "lb6.h"
#include "maps.h"
#include "nat6.h"
#include "parse6.h"
#include "stats.h"

#define SLB_IP6IP6_HLEN 40
#define SLB_IPV6_MIN_MTU 1280
#define SLB_NEXTHDR_IPV6 41
#define SLB_ICMP6_PKT_TOO_BIG 2
/* Packet too big frame: Ethernet, IPv6, ICMPv6 header, the quoted IPv6 header and 8 bytes. */
#define SLB_PTB6_QUOTE (SLB_IP6_HLEN + 8)
#define SLB_PTB6_ICMP_OFF (SLB_L3_OFF + SLB_IP6_HLEN)
#define SLB_PTB6_LEN (SLB_PTB6_ICMP_OFF + 8 + SLB_PTB6_QUOTE)

/* Per-CPU scratch of the IPv6 DSR path (the stack is spent by the callers). */
struct slb_dsr6_buf {
	struct bpf_fib_lookup fib;
	struct bpf_redir_neigh rn;
	__be32 ep[4];
	__be32 src[4];
	__u32 mtu;
	__be16 inner_plen;
	__u8 hop;
	__u8 pad;
	__u8 macs[2 * ETH_ALEN];
	__u8 outer[SLB_IP6IP6_HLEN];
	__u8 ptb[SLB_PTB6_LEN + 2] __attribute__((aligned(8)));
};

/* Creates the single (FWD) entry of a new IPv6 DSR flow to `be`. Returns 0 or -1. */
static __always_inline int slb_ct6_create_dsr(const struct slb_ct_key *key,
					      const struct slb_pkt6 *p, __u32 svc_id,
					      const struct slb_backend6 *be, __u64 now,
					      struct slb_ct_val *val)
{
	long err;

	slb_ct6_val_init(val, p, svc_id, be->slot, now);
	slb_ct6_set_nat(val, SLB_DIR_FWD, SLB_NAT_DSR, NULL, 0, be->addr, be->port, SLB_AF_INET6);
	err = slb_ct_add(key, val);
	return err && err != -EEXIST ? -1 : 0;
}

/* Writes the outer IPv6 header toward b->ep after bpf_skb_adjust_room. Returns 0 or -1. */
static __always_inline int slb_dsr6_outer(struct __sk_buff *skb, struct slb_dsr6_buf *b)
{
	__u8 *ip = b->outer;
	__u32 plen;

	if (bpf_skb_load_bytes(skb, SLB_L3_OFF + SLB_IP6IP6_HLEN, ip, 4) ||
	    bpf_skb_load_bytes(skb, SLB_L3_OFF + SLB_IP6IP6_HLEN + 4, &b->inner_plen, 2))
		return -1;
	/* A BIG TCP inner payload length of 0 (or one that overflows) stays 0 outside. */
	plen = b->inner_plen ? bpf_ntohs(b->inner_plen) + SLB_IP6_HLEN : 0;
	*(__be16 *)&ip[4] = plen > 0xffff ? 0 : bpf_htons(plen);
	ip[6] = SLB_NEXTHDR_IPV6;
	ip[7] = SLB_ICMP_TTL;
	__builtin_memcpy(ip + 8, b->src, sizeof(b->src));
	__builtin_memcpy(ip + 24, b->ep, sizeof(b->ep));
	return bpf_skb_store_bytes(skb, SLB_L3_OFF, ip, SLB_IP6IP6_HLEN, 0) ? -1 : 0;
}

/*
 * Turns the packet `p` into an ICMPv6 packet too big advertising `mtu`, sent back toward its
 * source; `f` is the frame's scratch space. Returns a TC verdict.
 */
static __always_inline int slb_dsr6_too_big(struct __sk_buff *skb, const struct slb_pkt6 *p,
					    __u32 mtu, bool egress, __u8 *f)
{
	const __u16 *w = (const __u16 *)f;
	__u32 sum = 0;
	int i;

	/* The MACs swapped, the EtherType kept, the packet's first bytes quoted. */
	if (bpf_skb_load_bytes(skb, 0, f + ETH_ALEN, ETH_ALEN) ||
	    bpf_skb_load_bytes(skb, ETH_ALEN, f, ETH_ALEN) ||
	    bpf_skb_load_bytes(skb, 2 * ETH_ALEN, f + 2 * ETH_ALEN, 2) ||
	    bpf_skb_load_bytes(skb, SLB_L3_OFF, f + SLB_PTB6_ICMP_OFF + 8, SLB_PTB6_QUOTE))
		goto drop;
	__builtin_memset(f + SLB_L3_OFF, 0, SLB_IP6_HLEN + 8);
	f[SLB_L3_OFF] = 0x60;
	*(__be16 *)&f[SLB_L3_OFF + 4] = bpf_htons(8 + SLB_PTB6_QUOTE);
	f[SLB_L3_OFF + 6] = SLB_NEXTHDR_ICMP6;
	f[SLB_L3_OFF + 7] = SLB_ICMP_TTL;
	if (slb_if_addr_get(&slb_if_addr6, skb->ifindex, SLB_AF_INET6,
			    (__be32 *)&f[SLB_L3_OFF + 8]))
		__builtin_memcpy(&f[SLB_L3_OFF + 8], p->daddr, 16);
	__builtin_memcpy(&f[SLB_L3_OFF + 24], p->saddr, 16);
	f[SLB_PTB6_ICMP_OFF] = SLB_ICMP6_PKT_TOO_BIG;
	*(__be32 *)&f[SLB_PTB6_ICMP_OFF + 4] = bpf_htonl(mtu);

	/* Checksum: pseudo-header (both addresses, length, next header) and the message. */
#pragma unroll
	for (i = 0; i < 16; i++)
		sum += w[(SLB_L3_OFF + 8) / 2 + i];
#pragma unroll
	for (i = 0; i < (8 + SLB_PTB6_QUOTE) / 2; i++)
		sum += w[SLB_PTB6_ICMP_OFF / 2 + i];
	sum += bpf_htons(8 + SLB_PTB6_QUOTE) + bpf_htons(SLB_NEXTHDR_ICMP6);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	*(__u16 *)&f[SLB_PTB6_ICMP_OFF + 2] = (__u16)~sum;

	if (bpf_skb_change_tail(skb, SLB_PTB6_LEN, 0) ||
	    bpf_skb_store_bytes(skb, 0, f, SLB_PTB6_LEN, 0))
		goto drop;
	slb_count(SLB_CNT_ICMP6_TOO_BIG);
	return slb_icmp_bounce(skb, egress);
drop:
	slb_count(SLB_CNT_DROP_DSR);
	return TC_ACT_SHOT;
}

/*
 * Forwards the IPv6 packet `p` of DSR entry `ct` to its endpoint, L2 or L3 as the route
 * decides; `b` is scratch space. Returns the TC verdict. Not inlined: its own frame.
 */
static __attribute__((noinline)) int slb_dsr_forward6(struct __sk_buff *skb, struct slb_pkt6 *p,
						      struct slb_ct_val *ct, struct slb_dsr6_buf *b,
						      bool egress)
{
	struct bpf_fib_lookup *fib = &b->fib;
	__u32 ifindex, next;
	long rc;

	__builtin_memcpy(b->ep, ct->nat.daddr, sizeof(b->ep));
	__builtin_memset(fib, 0, sizeof(*fib));
	fib->family = SLB_AF_INET6;
	fib->flowinfo = bpf_htonl((__u32)p->base.tos << 20);
	fib->l4_protocol = p->base.proto;
	fib->ifindex = skb->ifindex;
	__builtin_memcpy(fib->ipv6_src, p->saddr, sizeof(fib->ipv6_src));
	__builtin_memcpy(fib->ipv6_dst, b->ep, sizeof(fib->ipv6_dst));
	rc = bpf_fib_lookup(skb, fib, sizeof(*fib), egress ? BPF_FIB_LOOKUP_OUTPUT : 0);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH)
		goto drop;
	if (!egress && p->base.ttl <= 1) {
		slb_count(SLB_CNT_PASS_TTL);
		return TC_ACT_OK;
	}
	ifindex = fib->ifindex;
	__builtin_memcpy(b->macs, fib->dmac, ETH_ALEN);
	__builtin_memcpy(b->macs + ETH_ALEN, fib->smac, ETH_ALEN);
	/* Addresses and ports stay: no checksum changes (the hop limit is not covered). */
	b->hop = p->base.ttl - 1;

	if (!__builtin_memcmp(fib->ipv6_dst, b->ep, sizeof(b->ep))) {
		slb_count(SLB_CNT_DSR_L2);
	} else {
		if (slb_if_addr_get(&slb_if_addr6, ifindex, SLB_AF_INET6, b->src))
			goto drop;
		if (slb_dsr_too_big(skb, &p->base, ifindex, &b->mtu, SLB_IP6IP6_HLEN)) {
			next = b->mtu > SLB_IP6IP6_HLEN ? b->mtu - SLB_IP6IP6_HLEN : 0;
			if (next < SLB_IPV6_MIN_MTU) {
				/* A smaller MTU would not help a packet already this small. */
				if (!skb->gso_size && skb->len - SLB_L3_OFF <= SLB_IPV6_MIN_MTU)
					goto drop;
				next = SLB_IPV6_MIN_MTU;
			}
			return slb_dsr6_too_big(skb, p, next, egress, b->ptb);
		}
		if (!egress && bpf_skb_store_bytes(skb, SLB_IP6_HOP_OFF, &b->hop, 1, 0))
			goto drop_rewrite;
		if (bpf_skb_adjust_room(skb, SLB_IP6IP6_HLEN, BPF_ADJ_ROOM_MAC,
					BPF_F_ADJ_ROOM_ENCAP_L3_IPV6))
			goto drop_rewrite;
		if (slb_dsr6_outer(skb, b))
			goto drop_rewrite;
		slb_count(SLB_CNT_DSR_IPIP);
		/* The inner hop limit is written already. */
		egress = true;
	}
	if (!egress && bpf_skb_store_bytes(skb, SLB_IP6_HOP_OFF, &b->hop, 1, 0))
		goto drop_rewrite;
	if (rc == BPF_FIB_LKUP_RET_SUCCESS &&
	    bpf_skb_store_bytes(skb, 0, b->macs, sizeof(b->macs), 0))
		goto drop_rewrite;
	return slb_send(rc, ifindex, SLB_AF_INET6, fib->ipv6_dst, &b->rn);

drop:
	return slb_counted(SLB_CNT_DROP_DSR, TC_ACT_SHOT);
drop_rewrite:
	return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
}

#endif /* SLB_DSR6_H */
