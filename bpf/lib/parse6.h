/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * parse6.h - Ethernet / IPv6 (extension headers) / TCP / UDP / SCTP / ICMPv6 parsing into
 * struct slb_pkt6.
 *
 * The IPv6 twin of parse.h. Headers are read with bpf_skb_load_bytes, which accepts the
 * variable offsets an extension-header walk produces and works on non-linear packets. The
 * shared part of the result (struct slb_pkt: ports, protocol, TCP flags, L4 offset, length,
 * traffic class as tos, hop limit as ttl) lets the IPv4 conntrack state machine and endpoint
 * selection work unchanged; the full addresses are in saddr/daddr. The base's 32-bit
 * saddr/daddr hold the XOR of the four address words, for hashing only.
 *
 * Extension headers: hop-by-hop (0), routing (43) with segments left 0 and destination
 * options (60) are skipped, at most SLB_IP6_MAX_EXT of them (bounded loop). Classification:
 *   not Ethernet+IPv6                                 -> NOT_IP     (pass)
 *   version != 6, payload length beyond the frame,    -> MALFORMED  (drop; the stack would)
 *   truncated extension or L4 header, TCP doff < 5,
 *   SCTP without a common header and a chunk header
 *   fragment header (44)                              -> FRAGMENT   (pass, untouched)
 *   routing header with segments left, ESP (50), AH   -> SLB_PARSE6_EXT (pass, counted as
 *   (51), mobility (135), HIP (139), shim6 (140),        pass_ipv6_ext): the final destination
 *   experimental (253, 254), more than 4 headers         or the L4 header cannot be known
 *   ICMPv6 echo request                               -> SLB_PARSE6_ECHO (answered if to a VIP)
 *   ICMPv6 error (types 1-4)                          -> SLB_PARSE6_ICMP_ERR (icmp6_err.h)
 *   any other upper layer                             -> OTHER_L4   (pass)
 * SCTP is parsed as in parse.h: its ports form the tuple and the first chunk's type goes into
 * `base.chunk` for the association state machine (sctp.h).
 * A payload length of 0 on a packet longer than 64 KiB is accepted as IPv6 BIG TCP.
 */
#ifndef SLB_PARSE6_H
#define SLB_PARSE6_H

#include <linux/icmpv6.h>
#include <linux/in6.h>
#include <linux/ipv6.h>

#include "compiler.h"
#include "ctx.h"
#include "parse.h"

#define SLB_IP6_HLEN 40
#define SLB_IP6_MAX_EXT 4
/* Offsets from the start of the frame. */
#define SLB_IP6_PLEN_OFF (SLB_L3_OFF + offsetof(struct ipv6hdr, payload_len))
#define SLB_IP6_HOP_OFF (SLB_L3_OFF + offsetof(struct ipv6hdr, hop_limit))
#define SLB_IP6_SADDR_OFF (SLB_L3_OFF + offsetof(struct ipv6hdr, saddr))
#define SLB_IP6_DADDR_OFF (SLB_L3_OFF + offsetof(struct ipv6hdr, daddr))
#define SLB_IP6_L4_OFF (SLB_L3_OFF + SLB_IP6_HLEN)

/* Results of slb_parse6 besides enum slb_parse_result. */
#define SLB_PARSE6_EXT 100
#define SLB_PARSE6_ECHO 101
#define SLB_PARSE6_ICMP_ERR 102

#define SLB_NEXTHDR_HOP 0
#define SLB_NEXTHDR_ROUTING 43
#define SLB_NEXTHDR_FRAGMENT 44
#define SLB_NEXTHDR_ESP 50
#define SLB_NEXTHDR_AUTH 51
#define SLB_NEXTHDR_ICMP6 58
#define SLB_NEXTHDR_DEST 60

#define SLB_ICMP6_ECHO_REQUEST 128
#define SLB_ICMP6_ECHO_REPLY 129

/* What later stages know about an IPv6 packet. Addresses are big endian. */
struct slb_pkt6 {
	struct slb_pkt base; /* saddr/daddr: XOR folds of the addresses, for hashing only */
	__be32 saddr[4];
	__be32 daddr[4];
	__u32 plen; /* payload length (after the fixed header), from the header or the frame */
	__u8 ext;   /* 1 when extension headers sit between the fixed and the L4 header */
	__u8 icmp_type;
	__u8 icmp_code;
	__u8 pad;
};

static __always_inline __be32 slb_addr6_fold(const __be32 *a)
{
	return a[0] ^ a[1] ^ a[2] ^ a[3];
}

/* Whether the extension header `nh` ends the walk without a known upper layer. */
static __always_inline bool slb_ip6_opaque_ext(__u8 nh)
{
	return nh == SLB_NEXTHDR_ESP || nh == SLB_NEXTHDR_AUTH || nh == 135 || nh == 139 ||
	       nh == 140 || nh == 253 || nh == 254;
}

/*
 * Parses the IPv6 frame in `skb` into `p`, reading the fixed header into `ip6` (scratch
 * memory: the stack is spent by then). Returns an enum slb_parse_result or SLB_PARSE6_*.
 */
static __always_inline int slb_parse6(struct __sk_buff *skb, struct slb_pkt6 *p,
				      struct ipv6hdr *hdr)
{
	__be16 proto;
	__u32 off = SLB_IP6_L4_OFF, ip_len, i;
	__u8 nh, ext[8];

	if (bpf_skb_load_bytes(skb, offsetof(struct ethhdr, h_proto), &proto, sizeof(proto)))
		return SLB_PARSE_NOT_IP;
	if (proto != bpf_htons(ETH_P_IPV6))
		return SLB_PARSE_NOT_IP;
	if (bpf_skb_load_bytes(skb, SLB_L3_OFF, hdr, sizeof(*hdr)))
		return SLB_PARSE_MALFORMED;
	if (hdr->version != 6)
		return SLB_PARSE_MALFORMED;
	ip_len = skb->len - SLB_L3_OFF;
	p->plen = bpf_ntohs(hdr->payload_len);
	if (p->plen == 0 && ip_len > 0xffff + SLB_IP6_HLEN)
		p->plen = ip_len - SLB_IP6_HLEN;
	if (p->plen + SLB_IP6_HLEN > ip_len)
		return SLB_PARSE_MALFORMED;

	nh = hdr->nexthdr;
	p->ext = 0;
	for (i = 0; i < SLB_IP6_MAX_EXT; i++) {
		if (nh != SLB_NEXTHDR_HOP && nh != SLB_NEXTHDR_ROUTING && nh != SLB_NEXTHDR_DEST)
			break;
		if (bpf_skb_load_bytes(skb, off, ext, sizeof(ext)))
			return SLB_PARSE_MALFORMED;
		/* A routing header with segments left names another final destination. */
		if (nh == SLB_NEXTHDR_ROUTING && ext[3] != 0)
			return SLB_PARSE6_EXT;
		nh = ext[0];
		off += ((__u32)ext[1] + 1) * 8;
		p->ext = 1;
	}
	if (nh == SLB_NEXTHDR_FRAGMENT)
		return SLB_PARSE_FRAGMENT;
	if (nh == SLB_NEXTHDR_HOP || nh == SLB_NEXTHDR_ROUTING || nh == SLB_NEXTHDR_DEST ||
	    slb_ip6_opaque_ext(nh))
		return SLB_PARSE6_EXT;
	if (off > SLB_L3_OFF + SLB_IP6_HLEN + p->plen)
		return SLB_PARSE_MALFORMED;

	__builtin_memcpy(p->saddr, &hdr->saddr, sizeof(p->saddr));
	__builtin_memcpy(p->daddr, &hdr->daddr, sizeof(p->daddr));
	__builtin_memset(&p->base, 0, sizeof(p->base));
	p->base.len = skb->len;
	p->base.l4_off = off;
	p->base.saddr = slb_addr6_fold(p->saddr);
	p->base.daddr = slb_addr6_fold(p->daddr);
	p->base.proto = nh;
	p->base.tos = (hdr->priority << 4) | (hdr->flow_lbl[0] >> 4);
	p->base.ttl = hdr->hop_limit;
	p->icmp_type = 0;
	p->icmp_code = 0;
	/* From here on, lengths are checked against the end of the payload. */
	ip_len = SLB_L3_OFF + SLB_IP6_HLEN + p->plen;

	if (nh == IPPROTO_TCP) {
		struct tcphdr th;

		if (off + sizeof(th) > ip_len || bpf_skb_load_bytes(skb, off, &th, sizeof(th)))
			return SLB_PARSE_MALFORMED;
		if (th.doff < 5 || off + th.doff * 4 > ip_len)
			return SLB_PARSE_MALFORMED;
		p->base.sport = th.source;
		p->base.dport = th.dest;
		p->base.tcp_flags = ((__u8 *)&th)[13];
		p->base.csum_off = offsetof(struct tcphdr, check);
		return SLB_PARSE_OK;
	}
	if (nh == IPPROTO_UDP) {
		struct udphdr uh;

		if (off + sizeof(uh) > ip_len || bpf_skb_load_bytes(skb, off, &uh, sizeof(uh)))
			return SLB_PARSE_MALFORMED;
		p->base.sport = uh.source;
		p->base.dport = uh.dest;
		p->base.csum_off = offsetof(struct udphdr, check);
		return SLB_PARSE_OK;
	}
	if (nh == IPPROTO_SCTP) {
		__u8 sh[SLB_SCTP_HDR_LEN + 4];

		/* The common header and the first chunk's type, as parse.h does for IPv4. */
		if (off + sizeof(sh) > ip_len || bpf_skb_load_bytes(skb, off, sh, sizeof(sh)))
			return SLB_PARSE_MALFORMED;
		p->base.sport = *(__be16 *)sh;
		p->base.dport = *(__be16 *)(sh + 2);
		p->base.chunk = sh[SLB_SCTP_HDR_LEN];
		p->base.csum_off = SLB_SCTP_CSUM_OFF;
		return SLB_PARSE_OK;
	}
	if (nh == SLB_NEXTHDR_ICMP6) {
		__u8 icmp[4];

		if (off + 8 > ip_len || bpf_skb_load_bytes(skb, off, icmp, sizeof(icmp)))
			return SLB_PARSE_MALFORMED;
		p->icmp_type = icmp[0];
		p->icmp_code = icmp[1];
		p->base.csum_off = offsetof(struct icmp6hdr, icmp6_cksum);
		if (icmp[0] == SLB_ICMP6_ECHO_REQUEST && icmp[1] == 0)
			return SLB_PARSE6_ECHO;
		/* Destination unreachable, packet too big, time exceeded, parameter problem. */
		if (icmp[0] >= 1 && icmp[0] <= 4)
			return SLB_PARSE6_ICMP_ERR;
	}
	return SLB_PARSE_OTHER_L4;
}

#endif /* SLB_PARSE6_H */
