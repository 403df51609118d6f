/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * parse.h - Ethernet / IPv4 / TCP / UDP / SCTP / ICMP parsing into struct slb_pkt.
 *
 * The parser reads the headers once, with bounds-checked direct packet access, pulling them
 * into the linear area first when they sit in fragments, and copies out everything later
 * stages need: the 5-tuple, TTL, TOS, TCP flags and the offsets to rewrite. Later stages work
 * from these copies and offsets only, because helpers that change the packet invalidate
 * packet pointers.
 *
 * Classification (enum slb_parse_result):
 *   not Ethernet+IPv4                                  -> NOT_IP    (pass)
 *   IPv4 header invalid (version, ihl < 5, truncated,  -> MALFORMED (drop; the stack would)
 *   total length outside the frame)
 *   fragment (MF set or offset != 0)                   -> FRAGMENT  (pass, untouched)
 *   ICMP (echo, errors: see icmp.h)                    -> ICMP
 *   neither TCP, UDP, SCTP nor ICMP                    -> OTHER_L4  (pass)
 *   TCP/UDP/SCTP/ICMP header truncated, TCP doff < 5   -> MALFORMED (drop)
 * SCTP (see sctp.h) is parsed like UDP: its ports form the tuple, and the type of its first
 * chunk is kept in `chunk` for the association state machine.
 * A total length of 0 on a frame longer than 64 KiB is accepted as an IPv4 BIG TCP GSO
 * packet, whose real length is the frame's.
 */
#ifndef SLB_PARSE_H
#define SLB_PARSE_H

#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>

#include "compiler.h"
#include "ctx.h"

#ifndef offsetof
#define offsetof(type, member) __builtin_offsetof(type, member)
#endif

#define SLB_L3_OFF ETH_HLEN

#define SLB_IP_MF 0x2000
#define SLB_IP_OFFSET 0x1fff

/* TCP flag bits as in byte 13 of the TCP header. */
#define SLB_TCP_FIN 0x01
#define SLB_TCP_SYN 0x02
#define SLB_TCP_RST 0x04
#define SLB_TCP_ACK 0x10

/* Offsets of the IPv4 fields the datapath rewrites, from the start of the frame. */
#define SLB_IP_TTL_OFF (SLB_L3_OFF + offsetof(struct iphdr, ttl))
#define SLB_IP_CSUM_OFF (SLB_L3_OFF + offsetof(struct iphdr, check))
#define SLB_IP_SADDR_OFF (SLB_L3_OFF + offsetof(struct iphdr, saddr))
#define SLB_IP_DADDR_OFF (SLB_L3_OFF + offsetof(struct iphdr, daddr))

enum slb_parse_result {
	SLB_PARSE_OK = 0,
	SLB_PARSE_NOT_IP,
	SLB_PARSE_MALFORMED,
	SLB_PARSE_FRAGMENT,
	SLB_PARSE_OTHER_L4,
	SLB_PARSE_ICMP, /* IPv4 ICMP: sport/dport 0, chunk = ICMP type */
};

#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP 132
#endif
/* SCTP common header (RFC 9260 3.1) followed by the first chunk's type, flags and length. */
#define SLB_SCTP_HDR_LEN 12
#define SLB_SCTP_CSUM_OFF 8

/* The first 8 bytes of every ICMP message (linux/icmp.h drags in libc headers). */
struct slb_icmphdr {
	__u8 type;
	__u8 code;
	__sum16 checksum;
	__be32 rest; /* echo: id and sequence; frag needed: unused and next-hop MTU */
};

/* What later stages know about a TCP/UDP/SCTP (or ICMP) over IPv4 packet. Addresses and ports are big endian. */
struct slb_pkt {
	__u32 len;    /* skb->len: the bytes accounted to the flow */
	__u32 l4_off; /* start of the TCP/UDP header, from the start of the frame */
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__u8 proto;	/* IPPROTO_TCP or IPPROTO_UDP */
	__u8 tos;	/* for the FIB lookup */
	__u8 ttl;	/* for the forwarding decrement */
	__u8 tcp_flags; /* SLB_TCP_*; 0 for UDP */
	__u8 csum_off;	/* L4 checksum offset within the L4 header */
	__u8 chunk;	/* SCTP: type of the first chunk; ICMP: the ICMP type */
	__u8 pad[2];
};

/* Parses the frame in `skb` into `pkt`. Returns an enum slb_parse_result. */
static __always_inline int slb_parse(struct __sk_buff *skb, struct slb_pkt *pkt)
{
	struct ethhdr *eth;
	struct iphdr *iph;
	void *data, *end;
	__u32 ihl_len, tot_len, ip_len;

	if (ctx_pull(skb, ETH_HLEN))
		return SLB_PARSE_NOT_IP;
	data = ctx_data(skb);
	end = ctx_data_end(skb);
	eth = data;
	if ((void *)(eth + 1) > end)
		return SLB_PARSE_NOT_IP;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return SLB_PARSE_NOT_IP;

	if (ctx_pull(skb, SLB_L3_OFF + sizeof(struct iphdr)))
		return SLB_PARSE_MALFORMED;
	data = ctx_data(skb);
	end = ctx_data_end(skb);
	iph = data + SLB_L3_OFF;
	if ((void *)(iph + 1) > end)
		return SLB_PARSE_MALFORMED;
	if (iph->version != 4 || iph->ihl < 5)
		return SLB_PARSE_MALFORMED;
	ihl_len = iph->ihl * 4;
	tot_len = bpf_ntohs(iph->tot_len);
	ip_len = skb->len - SLB_L3_OFF;
	if (tot_len == 0 && ip_len > 0xffff)
		tot_len = ip_len;
	if (tot_len < ihl_len || tot_len > ip_len)
		return SLB_PARSE_MALFORMED;
	if (iph->frag_off & bpf_htons(SLB_IP_MF | SLB_IP_OFFSET))
		return SLB_PARSE_FRAGMENT;

	pkt->len = skb->len;
	pkt->l4_off = SLB_L3_OFF + ihl_len;
	pkt->saddr = iph->saddr;
	pkt->daddr = iph->daddr;
	pkt->proto = iph->protocol;
	pkt->tos = iph->tos;
	pkt->ttl = iph->ttl;
	pkt->tcp_flags = 0;
	pkt->chunk = 0;

	if (pkt->proto == IPPROTO_TCP) {
		struct tcphdr *th;

		if (ihl_len + sizeof(*th) > tot_len)
			return SLB_PARSE_MALFORMED;
		if (ctx_pull(skb, SLB_L3_OFF + ihl_len + sizeof(*th)))
			return SLB_PARSE_MALFORMED;
		data = ctx_data(skb);
		end = ctx_data_end(skb);
		th = data + SLB_L3_OFF + ihl_len;
		if ((void *)(th + 1) > end)
			return SLB_PARSE_MALFORMED;
		if (th->doff < 5 || ihl_len + th->doff * 4 > tot_len)
			return SLB_PARSE_MALFORMED;
		pkt->sport = th->source;
		pkt->dport = th->dest;
		pkt->tcp_flags = ((__u8 *)th)[13];
		pkt->csum_off = offsetof(struct tcphdr, check);
		return SLB_PARSE_OK;
	}
	if (pkt->proto == IPPROTO_UDP) {
		struct udphdr *uh;

		if (ihl_len + sizeof(*uh) > tot_len)
			return SLB_PARSE_MALFORMED;
		if (ctx_pull(skb, SLB_L3_OFF + ihl_len + sizeof(*uh)))
			return SLB_PARSE_MALFORMED;
		data = ctx_data(skb);
		end = ctx_data_end(skb);
		uh = data + SLB_L3_OFF + ihl_len;
		if ((void *)(uh + 1) > end)
			return SLB_PARSE_MALFORMED;
		pkt->sport = uh->source;
		pkt->dport = uh->dest;
		pkt->csum_off = offsetof(struct udphdr, check);
		return SLB_PARSE_OK;
	}
	if (pkt->proto == IPPROTO_SCTP) {
		__u8 *sh;

		/* The common header and at least one chunk header (type, flags, length). */
		if (ihl_len + SLB_SCTP_HDR_LEN + 4 > tot_len)
			return SLB_PARSE_MALFORMED;
		if (ctx_pull(skb, SLB_L3_OFF + ihl_len + SLB_SCTP_HDR_LEN + 4))
			return SLB_PARSE_MALFORMED;
		data = ctx_data(skb);
		end = ctx_data_end(skb);
		sh = data + SLB_L3_OFF + ihl_len;
		if ((void *)(sh + SLB_SCTP_HDR_LEN + 4) > end)
			return SLB_PARSE_MALFORMED;
		pkt->sport = *(__be16 *)sh;
		pkt->dport = *(__be16 *)(sh + 2);
		pkt->chunk = sh[SLB_SCTP_HDR_LEN];
		pkt->csum_off = SLB_SCTP_CSUM_OFF;
		return SLB_PARSE_OK;
	}
	if (pkt->proto == IPPROTO_ICMP) {
		struct slb_icmphdr *ih;

		if (ihl_len + sizeof(*ih) > tot_len)
			return SLB_PARSE_MALFORMED;
		if (ctx_pull(skb, SLB_L3_OFF + ihl_len + sizeof(*ih)))
			return SLB_PARSE_MALFORMED;
		data = ctx_data(skb);
		end = ctx_data_end(skb);
		ih = data + SLB_L3_OFF + ihl_len;
		if ((void *)(ih + 1) > end)
			return SLB_PARSE_MALFORMED;
		pkt->sport = 0;
		pkt->dport = 0;
		pkt->chunk = ih->type;
		pkt->csum_off = offsetof(struct slb_icmphdr, checksum);
		return SLB_PARSE_ICMP;
	}
	return SLB_PARSE_OTHER_L4;
}

#endif /* SLB_PARSE_H */
