/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * icmp46.h - ICMP on the IPv4 side of NAT64 flows: errors translated to ICMPv6 for the client,
 * and fragmentation needed for replies too big for the client's link.
 *
 * Errors (RFC 7915 §4.2). The endpoint (or a router toward it) answers a translated packet
 * A4:p -> EP4:ep with an ICMPv4 error to A4 quoting it; icmp.h finds the flow's reply entry
 * (EP4:ep -> A4:p, SLB_NAT_AF) and hands it here. The error becomes the ICMPv6 error the client
 * would have received for the packet it sent:
 *   outer   X4 -> A4    [ICMPv4 t/c | A4:p -> EP4:ep ...]
 *   becomes VIP6 -> C6  [ICMPv6 t'/c' | C6:cp -> VIP6:vp ...]
 * The outer source is the VIP even when a router reported (there is no NAT64 prefix to embed X4
 * in). Types and codes: destination unreachable 0, 1, 5-8, 11, 12 -> unreachable / no route;
 * 9, 10, 13, 15 -> unreachable / administratively prohibited; 3 (port) -> unreachable / port;
 * 2 (protocol) -> parameter problem / unrecognized next header, pointer 6; 4 (fragmentation
 * needed) -> packet too big with MTU = max(1280, min(MTU + 20, client-side link MTU)), where an
 * MTU of 0 (a pre-RFC 1191 router) is replaced by the largest RFC 1191 plateau below the
 * quoted total length; time exceeded -> time exceeded, same code. Code 14 and other types
 * (parameter problem, redirect, ...) are not translated: the error passes untouched, as do
 * errors with IPv4 options (outer or quoted), quoting neither TCP nor UDP, or whose ICMPv6 form
 * would exceed 1280 bytes (RFC 4443 §2.4 (c)).
 * The quoted header becomes IPv6 (traffic class = TOS, payload length = total length - 20, next
 * header = protocol, hop limit = TTL), the quoted ports the client's; the quoted TCP/UDP
 * checksum is updated for the address and port changes (when quoted). The ICMPv6 checksum is
 * computed from the ICMPv4 one: minus the replaced bytes, plus the new ones and the IPv6
 * pseudo-header (the data after the quoted ports is the same). In the packet, change_proto and
 * adjust_room(NET) each insert 20 bytes, so the quoted transport header moves from 42 to 82
 * bytes after the MAC header, and everything before it is written in one store.
 *
 * Too big (RFC 7915 §4, RFC 1191). A reply of a NAT64 flow grows by 20 bytes; when it no
 * longer fits the client-side device (per segment for GSO, dsr.h's check), DF set: it is
 * answered with the ICMP fragmentation needed icmp.h builds, next-hop MTU = that device's
 * MTU - 20, sent back to the endpoint; DF clear: the datapath cannot fragment (RFC 7915 asks
 * the translator to), so the packet is dropped and counted (SLB_CNT_DROP_NAT64_BIG).
 */
#ifndef SLB_ICMP46_H
#define SLB_ICMP46_H

#include "compiler.h"
#include "ctx.h"
#include "dsr.h"
#include "icmp.h"
#include "nat6.h"
#include "parse.h"
#include "parse6.h"
#include "stats.h"

#define SLB_ICMP6_DEST_UNREACH 1
#define SLB_ICMP6_PKT_TOO_BIG 2
#define SLB_ICMP6_TIME_EXCEEDED 3
#define SLB_ICMP6_PARAM_PROB 4
#define SLB_IPV6_MIN_MTU 1280
/* Growth of a packet translated from IPv4 to IPv6. */
#define SLB_NAT64_GROWTH 20
/* Where the quoted transport header sits after translation: Ethernet, IPv6, ICMPv6, IPv6. */
#define SLB_ICMP46_L4_OFF (ETH_HLEN + SLB_IP6_HLEN + 8 + SLB_IP6_HLEN)

/* Scratch space of the error translation (per-CPU, see pipeline6.h). */
struct slb_icmp46 {
	/* As received: ICMPv4 header (checksum zeroed), quoted IPv4 header, quoted L4 8 bytes. */
	__u8 old[8 + 20 + 8];
	__u8 pad[2]; /* puts the IPv6 headers in `frame` on 4-byte boundaries */
	/* As sent: Ethernet, IPv6, ICMPv6, quoted IPv6 headers, quoted L4 8 bytes. */
	__u8 frame[SLB_ICMP46_L4_OFF + 8];
	__be32 pseudo[10]; /* the outer IPv6 pseudo-header */
	__be32 v4s[4];
	__be32 v4d[4];
};

/* RFC 7915 §4.2: the ICMPv6 type and code of an ICMPv4 error; false when it is not translated. */
static __always_inline bool slb_icmp46_map(__u8 type, __u8 code, __u8 *t6, __u8 *c6)
{
	if (type == SLB_ICMP_TIME_EXCEEDED) {
		*t6 = SLB_ICMP6_TIME_EXCEEDED;
		*c6 = code;
		return code <= 1;
	}
	if (type != SLB_ICMP_DEST_UNREACH)
		return false;
	*t6 = SLB_ICMP6_DEST_UNREACH;
	*c6 = 0;
	switch (code) {
	case 0:
	case 1:
	case 5:
	case 6:
	case 7:
	case 8:
	case 11:
	case 12:
		return true;
	case 2:
		*t6 = SLB_ICMP6_PARAM_PROB;
		*c6 = 1;
		return true;
	case 3:
		*c6 = 4;
		return true;
	case SLB_ICMP_FRAG_NEEDED:
		*t6 = SLB_ICMP6_PKT_TOO_BIG;
		return true;
	case 9:
	case 10:
	case 13:
	case 15:
		*c6 = 1;
		return true;
	default:
		return false;
	}
}

/*
 * The packet too big MTU for a fragmentation needed advertising `mtu4` about a packet of total
 * length `quoted_len`, with the client-side link MTU `link_mtu` (0 when unknown).
 */
static __always_inline __u32 slb_icmp46_mtu(__u32 mtu4, __u32 quoted_len, __u32 link_mtu)
{
	__u32 mtu = mtu4;

	/* RFC 1191 plateaus; those below 1492 end at the IPv6 minimum anyway. */
	if (!mtu)
		mtu = quoted_len > 32000 ? 32000 :
		      quoted_len > 17914 ? 17914 :
		      quoted_len > 8166	 ? 8166 :
		      quoted_len > 4352	 ? 4352 :
		      quoted_len > 2002	 ? 2002 :
		      quoted_len > 1492	 ? 1492 :
					   1006;
	mtu += SLB_NAT64_GROWTH;
	if (link_mtu && mtu > link_mtu)
		mtu = link_mtu;
	return mtu < SLB_IPV6_MIN_MTU ? SLB_IPV6_MIN_MTU : mtu;
}

/* Fills the 40-byte IPv6 header `ip6`. */
static __always_inline void slb_icmp46_ip6(struct ipv6hdr *ip6, __u8 tos, __u16 plen, __u8 next,
					   __u8 hop, const __be32 *src, const __be32 *dst)
{
	__builtin_memset(ip6, 0, sizeof(*ip6));
	ip6->version = 6;
	ip6->priority = tos >> 4;
	ip6->flow_lbl[0] = (tos & 0x0f) << 4;
	ip6->payload_len = bpf_htons(plen);
	ip6->nexthdr = next;
	ip6->hop_limit = hop;
	__builtin_memcpy(&ip6->saddr, src, 16);
	__builtin_memcpy(&ip6->daddr, dst, 16);
}

/*
 * Translates the ICMPv4 error `pkt` about the NAT64 flow whose reply entry is `ct` into the
 * ICMPv6 error VIP6 -> C6, with hop limit `hop`, MACs `macs` (or the frame's own) and the
 * client-side link MTU `link_mtu`. Returns 0 (translated), 1 (not translatable, untouched) or
 * -1 (a helper failed once the packet was being changed).
 */
static __always_inline int slb_icmp46_xlate(struct __sk_buff *skb, const struct slb_pkt *pkt,
					    const struct slb_ct_val *ct, __u8 hop, const __u8 *macs,
					    __u32 link_mtu, struct slb_icmp46 *e)
{
	__u32 in_l4 = pkt->l4_off + 8 + sizeof(struct iphdr), tot, qlen, diff, l4_diff;
	struct iphdr *in4 = (struct iphdr *)(e->old + 8);
	struct slb_icmphdr *ic4 = (struct slb_icmphdr *)e->old;
	struct ipv6hdr *ip6 = (struct ipv6hdr *)(e->frame + ETH_HLEN);
	struct slb_icmphdr *ic6 = (struct slb_icmphdr *)(e->frame + ETH_HLEN + SLB_IP6_HLEN);
	struct ipv6hdr *in6 = (struct ipv6hdr *)(e->frame + ETH_HLEN + SLB_IP6_HLEN + 8);
	__be16 *ports = (__be16 *)(e->frame + SLB_ICMP46_L4_OFF);
	__be16 tot_len, csum4, tcp_old = 0, tcp_new = 0, udp;
	__be32 *vip = (__be32 *)ct->nat.saddr, *client = (__be32 *)ct->nat.daddr;
	bool tcp_sum = false;
	__u8 t6, c6;

	if (pkt->l4_off != SLB_L3_OFF + sizeof(struct iphdr) ||
	    bpf_skb_load_bytes(skb, pkt->l4_off, e->old, sizeof(e->old)) ||
	    bpf_skb_load_bytes(skb, SLB_L3_OFF + offsetof(struct iphdr, tot_len), &tot_len,
			       sizeof(tot_len)))
		return 1;
	tot = bpf_ntohs(tot_len);
	qlen = bpf_ntohs(in4->tot_len);
	if (e->old[8] != 0x45 || qlen < sizeof(struct iphdr) ||
	    (in4->protocol != IPPROTO_TCP && in4->protocol != IPPROTO_UDP) ||
	    tot + SLB_IP6_HLEN > SLB_IPV6_MIN_MTU ||
	    !slb_icmp46_map(ic4->type, ic4->code, &t6, &c6))
		return 1;
	/* A quoted TCP checksum lies beyond the first 8 bytes: only some errors carry it. */
	if (in4->protocol == IPPROTO_TCP && in_l4 + 18 <= SLB_L3_OFF + tot &&
	    !bpf_skb_load_bytes(skb, in_l4 + 16, &tcp_old, sizeof(tcp_old)))
		tcp_sum = true;
	csum4 = ic4->checksum;
	ic4->checksum = 0;

	if (slb_eth_header(skb, macs, bpf_htons(ETH_P_IPV6), e->frame))
		return 1;
	slb_icmp46_ip6(ip6, pkt->tos, tot, SLB_NEXTHDR_ICMP6, hop, vip, client);
	ic6->type = t6;
	ic6->code = c6;
	ic6->checksum = 0;
	ic6->rest = 0;
	if (t6 == SLB_ICMP6_PKT_TOO_BIG)
		ic6->rest =
			bpf_htonl(slb_icmp46_mtu(bpf_ntohl(ic4->rest) & 0xffff, qlen, link_mtu));
	else if (t6 == SLB_ICMP6_PARAM_PROB)
		ic6->rest = bpf_htonl(offsetof(struct ipv6hdr, nexthdr));
	slb_icmp46_ip6(in6, in4->tos, qlen - sizeof(struct iphdr), in4->protocol, in4->ttl, client,
		       vip);

	/* The quoted packet as the client sent it: C6:cp -> VIP6:vp, its checksum to match. */
	__builtin_memcpy(ports, e->old + 28, 8);
	ports[0] = READ_ONCE(ct->nat.dport);
	ports[1] = READ_ONCE(ct->nat.sport);
	__builtin_memset(e->v4s, 0, sizeof(e->v4s));
	__builtin_memset(e->v4d, 0, sizeof(e->v4d));
	e->v4s[0] = in4->saddr;
	e->v4d[0] = in4->daddr;
	l4_diff = slb_csum_add(slb_csum_diff16(e->v4s, client), slb_csum_diff16(e->v4d, vip));
	l4_diff = slb_csum_add(l4_diff, slb_csum_diff2(*(__be16 *)(e->old + 28), ports[0]));
	l4_diff = slb_csum_add(l4_diff, slb_csum_diff2(*(__be16 *)(e->old + 30), ports[1]));
	if (in4->protocol == IPPROTO_UDP && ports[3]) {
		udp = slb_csum_update(ports[3], l4_diff);
		ports[3] = udp ? udp : 0xffff;
	}
	if (tcp_sum)
		tcp_new = slb_csum_update(tcp_old, l4_diff);

	/* ICMPv6 checksum: pseudo-header, then the changed bytes (checksum fields zero). */
	__builtin_memcpy(e->pseudo, vip, 16);
	__builtin_memcpy(e->pseudo + 4, client, 16);
	e->pseudo[8] = bpf_htonl(tot);
	e->pseudo[9] = bpf_htonl(SLB_NEXTHDR_ICMP6);
	diff = (__u32)bpf_csum_diff(NULL, 0, e->pseudo, sizeof(e->pseudo), 0);
	diff = (__u32)bpf_csum_diff((__be32 *)e->old, sizeof(e->old), (__be32 *)ic6,
				    8 + SLB_IP6_HLEN + 8, diff);
	diff = slb_csum_add(diff, slb_csum_diff2(tcp_old, tcp_new));
	ic6->checksum = slb_csum_update(csum4, diff);

	if (bpf_skb_change_proto(skb, bpf_htons(ETH_P_IPV6), 0) ||
	    bpf_skb_adjust_room(skb, SLB_NAT64_GROWTH, BPF_ADJ_ROOM_NET, 0) ||
	    bpf_skb_store_bytes(skb, 0, e->frame, sizeof(e->frame), BPF_F_RECOMPUTE_CSUM))
		return -1;
	if (tcp_sum && bpf_skb_store_bytes(skb, SLB_ICMP46_L4_OFF + 16, &tcp_new, sizeof(tcp_new),
					   BPF_F_RECOMPUTE_CSUM))
		return -1;
	return 0;
}

/*
 * Whether the NAT64 reply `pkt` fits the client-side device `ifindex` once translated. Returns
 * -1 when it does (or cannot be translated anyway: IPv4 options), otherwise the TC verdict of
 * the fragmentation needed sent back (DF set) or of the drop (DF clear).
 */
static __always_inline int slb_nat64_fit(struct __sk_buff *skb, const struct slb_pkt *pkt,
					 __u32 ifindex, bool egress)
{
	__u32 mtu = 0;
	__be16 frag;

	if (pkt->l4_off != SLB_L3_OFF + sizeof(struct iphdr) ||
	    !slb_dsr_too_big(skb, pkt, ifindex, &mtu, SLB_NAT64_GROWTH))
		return -1;
	if (bpf_skb_load_bytes(skb, SLB_L3_OFF + offsetof(struct iphdr, frag_off), &frag,
			       sizeof(frag)) ||
	    !(frag & bpf_htons(SLB_IP_DF)) || mtu <= SLB_NAT64_GROWTH) {
		slb_count(SLB_CNT_DROP_NAT64_BIG);
		return TC_ACT_SHOT;
	}
	return slb_icmp_frag_needed(skb, pkt, mtu - SLB_NAT64_GROWTH, egress);
}

#endif /* SLB_ICMP46_H */
