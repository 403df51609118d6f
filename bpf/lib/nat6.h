/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * nat6.h - NAT66 rewriting and NAT64 header translation (RFC 7915), with checksum fix-ups.
 *
 * NAT66 (slb_rewrite6): addresses, ports, hop limit and MACs are written directly with the
 * checksum computed here in the common case (slb_rewrite6_direct, see nat.h), otherwise with
 * bpf_skb_store_bytes; IPv6 has no header checksum, so only the L4 checksum changes: the sum
 * of the address-word differences goes into one bpf_l4_csum_replace with BPF_F_PSEUDO_HDR,
 * the port differences into one without (see nat.h for why this keeps CHECKSUM_PARTIAL and
 * CHECKSUM_COMPLETE packets right). Extension headers stay where they are. SCTP's CRC32c has
 * no pseudo-header: address changes leave it alone, port changes update it (sctp.h), in NAT66
 * and NAT64 alike (the SCTP packet's length is the same in both families).
 *
 * NAT64 (slb_xlate64: IPv6 -> IPv4; slb_xlate46: IPv4 -> IPv6). The L4 checksum is fixed
 * first, while the old header is still in place: an IPv4 and an IPv6 pseudo-header carry the
 * same length and protocol values, so the difference is only the addresses (the removed
 * words minus the added ones) plus the ports. Then bpf_skb_change_proto() removes or inserts
 * the 20 bytes between the MAC and the L4 header, and also switches the GSO type (TCPV6 <->
 * TCPV4) while keeping gso_size, so GRO super-packets are segmented right after the
 * translation (DESIGN §7). Finally the Ethernet header (MACs, EtherType) and the new IP header
 * are written in one store. Header fields (RFC 7915 §4.1, §5.1):
 *   IPv6 -> IPv4  version 4, IHL 5, TOS = traffic class, total length = payload length + 20,
 *                 TTL = hop limit (decremented when routed), protocol = next header,
 *                 DF set when the IPv4 packet is larger than 1260 bytes, and then ID 0;
 *                 otherwise DF clear and ID from the flow's packet counter; header checksum
 *                 computed here. Packets with extension headers are not translated.
 *   IPv4 -> IPv6  version 6, traffic class = TOS, flow label 0, payload length = total
 *                 length - 20, next header = protocol, hop limit = TTL (decremented when
 *                 routed). IPv4 options (IHL > 5) and UDP without checksum (which IPv6 forbids
 *                 and a translator would have to compute over the whole payload) are not
 *                 translated: the caller drops and counts them (SLB_CNT_DROP_NAT64).
 * Every helper failure is reported; the caller drops the packet (SLB_CNT_DROP_REWRITE).
 */
#ifndef SLB_NAT6_H
#define SLB_NAT6_H

#include "compiler.h"
#include "ctx.h"
#include "nat.h"
#include "parse.h"
#include "parse6.h"

/* Results of the translators besides 0 and -1 (helper failure). */
#define SLB_XLATE_UNSUPPORTED -2

/* IPv4 packets up to this size are sent without DF by the IPv6 -> IPv4 translator. */
#define SLB_XLATE_DF_MIN 1260

/* Scratch space of the translators (per-CPU memory: the program's stack is spent by then). */
struct slb_xlate_buf {
	__u8 hdr[ETH_HLEN + sizeof(struct ipv6hdr)];
	__u8 pad[2];
	struct iphdr ip4;
	struct ipv6hdr ip6;
	__be32 v4s[4];
	__be32 v4d[4];
};

/* The addresses and ports of an IPv6 packet, in frame order (addresses contiguous). */
struct slb_tuple6 {
	__be32 saddr[4];
	__be32 daddr[4];
	__be16 sport;
	__be16 dport;
};

/* The tuple of `p` after the rewrite `nat` (addresses as the rewrite stores them). */
static __always_inline void slb_nat6_tuple(const struct slb_pkt6 *p, const struct slb_nat *nat,
					   struct slb_tuple6 *t)
{
	__u8 flags = READ_ONCE(nat->flags);

	__builtin_memcpy(t->saddr, p->saddr, sizeof(t->saddr));
	__builtin_memcpy(t->daddr, p->daddr, sizeof(t->daddr));
	t->sport = p->base.sport;
	t->dport = p->base.dport;
	if (flags & SLB_NAT_SRC) {
		__builtin_memcpy(t->saddr, nat->saddr, sizeof(t->saddr));
		t->sport = READ_ONCE(nat->sport);
	}
	if (flags & SLB_NAT_DST) {
		__builtin_memcpy(t->daddr, nat->daddr, sizeof(t->daddr));
		t->dport = READ_ONCE(nat->dport);
	}
}

/* The checksum difference of replacing the four words `from` by `to`. */
static __always_inline __u32 slb_csum_diff16(const __be32 *from, const __be32 *to)
{
	__u32 d = 0;
	int i;

#pragma unroll
	for (i = 0; i < 4; i++)
		d = slb_csum_add(d, slb_csum_diff4(from[i], to[i]));
	return d;
}

/* The port part of the checksum difference between `old` and the tuple's ports. */
static __always_inline __u32 slb_port_diff(const struct slb_pkt *old, __be16 sport, __be16 dport)
{
	return slb_csum_add(slb_csum_diff2(old->sport, sport), slb_csum_diff2(old->dport, dport));
}

/*
 * Applies the address difference `addr_diff` (pseudo-header) and the port change to `to`'s
 * ports to the L4 checksum at `l4_csum`, and writes the ports at `l4_off`. SCTP (`len` bytes
 * from `l4_off`) has no pseudo-header: only a port change touches its CRC32c (sctp.h).
 * Returns 0 or -1.
 */
static __always_inline int slb_l4_fix(struct __sk_buff *skb, const struct slb_pkt *pkt,
				      __u32 l4_off, __u32 addr_diff, bool addr, __be16 sport,
				      __be16 dport, __u32 len)
{
	__u32 l4_csum = l4_off + pkt->csum_off;
	__be16 ports[2] = { sport, dport };
	bool sctp = pkt->proto == IPPROTO_SCTP;

	if (addr && !sctp &&
	    bpf_l4_csum_replace(skb, l4_csum, 0, addr_diff,
				slb_l4_csum_flags(pkt, BPF_F_PSEUDO_HDR)))
		return -1;
	if (sport == pkt->sport && dport == pkt->dport)
		return 0;
	if (bpf_skb_store_bytes(skb, l4_off, ports, sizeof(ports), 0))
		return -1;
	if (sctp)
		return len < SLB_SCTP_HDR_LEN ?
			       -1 :
			       slb_sctp_crc_xor(skb, l4_off,
						(__u32)(__u16)(pkt->sport ^ sport) |
							((__u32)(__u16)(pkt->dport ^ dport) << 16),
						len);
	return bpf_l4_csum_replace(skb, l4_csum, 0, slb_port_diff(pkt, sport, dport),
				   slb_l4_csum_flags(pkt, 0)) ?
		       -1 :
		       0;
}

/*
 * The helper-free NAT66 rewrite, as slb_rewrite_direct (nat.h) is for IPv4: a TCP or UDP packet
 * without extension headers, headers linear, ip_summed not CHECKSUM_COMPLETE, gets the MACs
 * `macs` (unless NULL), the hop limit `hop` (when `hop_dec`), the tuple `t` and its L4
 * checksum written directly. Returns false, having written nothing, for any other packet.
 */
static __always_inline bool slb_rewrite6_direct(struct __sk_buff *skb, const struct slb_pkt6 *p,
						const struct slb_tuple6 *t, bool hop_dec, __u8 hop,
						const __u8 *macs, __u32 addr_diff)
{
	bool udp = p->base.proto == IPPROTO_UDP;
	__u32 port_diff;
	__u16 *l4_check;
	void *data;
	__u8 summed;

	if (p->base.l4_off != SLB_IP6_L4_OFF || (p->base.proto != IPPROTO_TCP && !udp))
		return false;
	data = slb_direct_data(skb, SLB_IP6_L4_OFF + slb_l4_csum_off(udp) + sizeof(__u16), &summed);
	if (!data)
		return false;
	l4_check = data + SLB_IP6_L4_OFF + slb_l4_csum_off(udp);

	if (macs)
		__builtin_memcpy(data, macs, 2 * ETH_ALEN);
	if (hop_dec)
		*(__u8 *)(data + SLB_IP6_HOP_OFF) = hop;
	__builtin_memcpy(data + SLB_IP6_SADDR_OFF, t, 8 * sizeof(__be32));
	__builtin_memcpy(data + SLB_IP6_L4_OFF, &t->sport, 2 * sizeof(__be16));
	port_diff = slb_port_diff(&p->base, t->sport, t->dport);
	if (addr_diff || port_diff)
		*l4_check = slb_l4_csum_fix(*l4_check, summed, udp, addr_diff, port_diff);
	return true;
}

/*
 * Rewrites the IPv6 packet `p` to the tuple `t` (NAT66), decrementing the hop limit when
 * `hop_dec` and writing the MACs `macs` (destination then source) unless NULL. Returns 0 or -1.
 */
static __always_inline int slb_rewrite6(struct __sk_buff *skb, struct slb_pkt6 *p,
					const struct slb_tuple6 *t, bool hop_dec, const __u8 *macs)
{
	__u32 addr_diff;
	bool addr;
	__u8 hop = p->base.ttl - 1;

	addr_diff = slb_csum_add(slb_csum_diff16(p->saddr, t->saddr),
				 slb_csum_diff16(p->daddr, t->daddr));
	addr = __builtin_memcmp(p->saddr, t->saddr, sizeof(t->saddr)) ||
	       __builtin_memcmp(p->daddr, t->daddr, sizeof(t->daddr));

	if (slb_rewrite6_direct(skb, p, t, hop_dec, hop, macs, addr ? addr_diff : 0))
		goto done;
	if (macs && bpf_skb_store_bytes(skb, 0, macs, 2 * ETH_ALEN, 0))
		return -1;
	if (hop_dec && bpf_skb_store_bytes(skb, SLB_IP6_HOP_OFF, &hop, sizeof(hop), 0))
		return -1;
	if (addr && bpf_skb_store_bytes(skb, SLB_IP6_SADDR_OFF, t, 8 * sizeof(__be32), 0))
		return -1;
	if (slb_l4_fix(skb, &p->base, p->base.l4_off, addr_diff, addr, t->sport, t->dport,
		       SLB_IP6_L4_OFF + p->plen - p->base.l4_off))
		return -1;
done:
	__builtin_memcpy(p->saddr, t->saddr, sizeof(p->saddr));
	__builtin_memcpy(p->daddr, t->daddr, sizeof(p->daddr));
	p->base.sport = t->sport;
	p->base.dport = t->dport;
	return 0;
}

/* Fills the Ethernet header `eth` (14 bytes): `macs` or the frame's own, then `proto`. */
static __always_inline int slb_eth_header(struct __sk_buff *skb, const __u8 *macs, __be16 proto,
					  __u8 *eth)
{
	if (macs)
		__builtin_memcpy(eth, macs, 2 * ETH_ALEN);
	else if (bpf_skb_load_bytes(skb, 0, eth, 2 * ETH_ALEN))
		return -1;
	__builtin_memcpy(eth + 2 * ETH_ALEN, &proto, sizeof(proto));
	return 0;
}

/* The IPv4 header checksum of `iph` (20 bytes, check field zero). */
static __always_inline __sum16 slb_ip4_csum(const struct iphdr *iph)
{
	const __u16 *w = (const __u16 *)iph;
	__u32 sum = 0;
	int i;

#pragma unroll
	for (i = 0; i < (int)(sizeof(*iph) / 2); i++)
		sum += w[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__sum16)~sum;
}

/*
 * Translates the IPv6 packet `p` (no extension headers) to IPv4 with the tuple `t` (IPv4
 * addresses in word 0), TTL `ttl`, MACs `macs` (or the frame's own) and, when DF is clear, ID
 * `id`. Returns 0, -1 (helper failure) or SLB_XLATE_UNSUPPORTED.
 */
static __always_inline int slb_xlate64(struct __sk_buff *skb, struct slb_pkt6 *p,
				       const struct slb_tuple6 *t, __u8 ttl, const __u8 *macs,
				       __u16 id, struct slb_xlate_buf *b)
{
	__u32 addr_diff, tot_len = p->plen + sizeof(struct iphdr);

	if (p->ext)
		return SLB_XLATE_UNSUPPORTED;
	__builtin_memset(b->v4s, 0, sizeof(b->v4s));
	__builtin_memset(b->v4d, 0, sizeof(b->v4d));
	b->v4s[0] = t->saddr[0];
	b->v4d[0] = t->daddr[0];
	addr_diff =
		slb_csum_add(slb_csum_diff16(p->saddr, b->v4s), slb_csum_diff16(p->daddr, b->v4d));
	if (slb_l4_fix(skb, &p->base, SLB_IP6_L4_OFF, addr_diff, true, t->sport, t->dport, p->plen))
		return -1;
	if (bpf_skb_change_proto(skb, bpf_htons(ETH_P_IP), 0))
		return -1;

	if (slb_eth_header(skb, macs, bpf_htons(ETH_P_IP), b->hdr))
		return -1;
	__builtin_memset(&b->ip4, 0, sizeof(b->ip4));
	b->ip4.version = 4;
	b->ip4.ihl = 5;
	b->ip4.tos = p->base.tos;
	/* A BIG TCP super-packet above 64 KiB carries 0, as the kernel's own. */
	b->ip4.tot_len = tot_len > 0xffff ? 0 : bpf_htons(tot_len);
	if (tot_len > SLB_XLATE_DF_MIN)
		b->ip4.frag_off = bpf_htons(0x4000);
	else
		b->ip4.id = bpf_htons(id);
	b->ip4.ttl = ttl;
	b->ip4.protocol = p->base.proto;
	b->ip4.saddr = t->saddr[0];
	b->ip4.daddr = t->daddr[0];
	b->ip4.check = slb_ip4_csum(&b->ip4);
	__builtin_memcpy(b->hdr + ETH_HLEN, &b->ip4, sizeof(b->ip4));
	if (bpf_skb_store_bytes(skb, 0, b->hdr, ETH_HLEN + sizeof(b->ip4), 0))
		return -1;
	return 0;
}

/*
 * Translates the IPv4 packet `pkt` (20-byte header) to IPv6 with the tuple `t`, hop limit
 * `hop` and MACs `macs` (or the frame's own). Returns 0, -1 (helper failure) or
 * SLB_XLATE_UNSUPPORTED (IPv4 options, UDP without checksum).
 */
static __always_inline int slb_xlate46(struct __sk_buff *skb, const struct slb_pkt *pkt,
				       const struct slb_tuple6 *t, __u8 hop, const __u8 *macs,
				       struct slb_xlate_buf *b)
{
	__u32 addr_diff, plen;
	__be16 tot_len, udp_csum;

	if (pkt->l4_off != SLB_L3_OFF + sizeof(struct iphdr))
		return SLB_XLATE_UNSUPPORTED;
	if (bpf_skb_load_bytes(skb, SLB_L3_OFF + offsetof(struct iphdr, tot_len), &tot_len,
			       sizeof(tot_len)))
		return -1;
	if (pkt->proto == IPPROTO_UDP) {
		if (bpf_skb_load_bytes(skb, pkt->l4_off + pkt->csum_off, &udp_csum,
				       sizeof(udp_csum)))
			return -1;
		if (!udp_csum)
			return SLB_XLATE_UNSUPPORTED;
	}
	plen = bpf_ntohs(tot_len);
	/* IPv4 BIG TCP (total length 0): the frame's length. */
	plen = (plen ? plen : skb->len - SLB_L3_OFF) - sizeof(struct iphdr);

	__builtin_memset(b->v4s, 0, sizeof(b->v4s));
	__builtin_memset(b->v4d, 0, sizeof(b->v4d));
	b->v4s[0] = pkt->saddr;
	b->v4d[0] = pkt->daddr;
	addr_diff =
		slb_csum_add(slb_csum_diff16(b->v4s, t->saddr), slb_csum_diff16(b->v4d, t->daddr));
	if (slb_l4_fix(skb, pkt, pkt->l4_off, addr_diff, true, t->sport, t->dport, plen))
		return -1;
	if (bpf_skb_change_proto(skb, bpf_htons(ETH_P_IPV6), 0))
		return -1;

	if (slb_eth_header(skb, macs, bpf_htons(ETH_P_IPV6), b->hdr))
		return -1;
	__builtin_memset(&b->ip6, 0, sizeof(b->ip6));
	b->ip6.version = 6;
	b->ip6.priority = pkt->tos >> 4;
	b->ip6.flow_lbl[0] = (pkt->tos & 0x0f) << 4;
	b->ip6.payload_len = plen > 0xffff ? 0 : bpf_htons(plen);
	b->ip6.nexthdr = pkt->proto;
	b->ip6.hop_limit = hop;
	__builtin_memcpy(&b->ip6.saddr, t->saddr, sizeof(t->saddr));
	__builtin_memcpy(&b->ip6.daddr, t->daddr, sizeof(t->daddr));
	__builtin_memcpy(b->hdr + ETH_HLEN, &b->ip6, sizeof(b->ip6));
	if (bpf_skb_store_bytes(skb, 0, b->hdr, sizeof(b->hdr), 0))
		return -1;
	return 0;
}

#endif /* SLB_NAT6_H */
