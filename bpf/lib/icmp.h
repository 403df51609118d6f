/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * icmp.h - ICMP the load balancer answers or generates itself.
 *
 * Echo: an echo request to an address that has an `icmp` rule (service key {VIP, port 0,
 * IPPROTO_ICMP}, what loxicmd's `--icmp` creates) is answered here, as loxilb answers pings to
 * its VIPs: the same frame becomes the reply (MACs and addresses swapped, TTL 64, type 0, both
 * checksums updated incrementally) and leaves through the interface it came in on. The payload
 * is untouched, so every size up to the MTU (`ping -M do -s 1472`) is answered.
 * Echo requests to other addresses, and every other ICMP type this header does not handle,
 * go to the stack untouched (counted as pass_no_match).
 *
 * Errors about tracked flows: a destination unreachable (type 3: port unreachable,
 * fragmentation needed, ...) or time exceeded (type 11) quotes the header of the packet that
 * caused it, which carries the translated tuple (e.g. client -> endpoint after DNAT, or
 * VIP:port -> endpoint after full NAT). The reverse of that quoted tuple is the key of the
 * flow's other conntrack entry, whose rewrite turns it back into what the peer sent: the quoted
 * addresses and ports are restored (client -> VIP), the outer destination becomes the peer
 * (the client) and an outer source equal to the quoted destination (the endpoint reporting
 * itself) becomes the VIP. The outer and quoted IPv4 header checksums and the ICMP checksum
 * are updated incrementally, and so is a quoted UDP checksum (within the 8 quoted bytes); a
 * quoted TCP or SCTP checksum lies beyond them and is left alone. The translated error goes to the stack,
 * which routes it to the client (SLB_CNT_ICMP_ERR_XLATE). Errors about untracked packets pass
 * untouched. Only quoted headers without IP options are translated. Errors about NAT64 flows
 * (the entry's rewrite changes the family) leave as ICMPv6: icmp46.h, via pipeline6.h.
 *
 * Fragmentation needed: when DSR's IPIP encapsulation (or NAT64's IPv6 header, icmp46.h) would
 * make a packet with DF set larger than the egress MTU, the frame is cut down and rewritten into an ICMP destination
 * unreachable / fragmentation needed (type 3 code 4) carrying the original IP header and the
 * first 8 bytes of its payload, with the next-hop MTU the client must use (the egress MTU minus
 * the 20 bytes of the outer header); it goes back out of the interface the packet came in on.
 * Its source is the load balancer's own address on that interface (slb_if_addr), or the VIP
 * when none is known.
 */
#ifndef SLB_ICMP_H
#define SLB_ICMP_H

#include "compiler.h"
#include "ct.h"
#include "ctx.h"
#include "lb_select.h"
#include "maps.h"
#include "nat.h"
#include "parse.h"
#include "stats.h"

#define SLB_ICMP_ECHO_REPLY 0
#define SLB_ICMP_DEST_UNREACH 3
#define SLB_ICMP_FRAG_NEEDED 4
#define SLB_ICMP_ECHO 8
#define SLB_ICMP_TIME_EXCEEDED 11

/* Default TTL of packets the load balancer originates. */
#define SLB_ICMP_TTL 64

/* Sends the frame back out of the interface it arrived on (or up the stack from egress). */
static __always_inline int slb_icmp_bounce(struct __sk_buff *skb, bool egress)
{
	return bpf_redirect(skb->ifindex, egress ? BPF_F_INGRESS : 0);
}

/* Answers the echo request `pkt` to a VIP with an `icmp` rule. Returns a TC verdict. */
static __attribute__((noinline)) int slb_icmp_echo(struct __sk_buff *skb, struct slb_pkt *pkt,
						   bool egress)
{
	__u8 macs[2 * ETH_ALEN];
	__be32 addrs[2];
	__u32 l3_diff, l4_diff;
	__u8 type = SLB_ICMP_ECHO_REPLY, ttl = SLB_ICMP_TTL;

	if (!slb_svc_find(pkt->daddr, 0, IPPROTO_ICMP)) {
		slb_count(SLB_CNT_PASS_NO_MATCH);
		return TC_ACT_OK;
	}
	if (bpf_skb_load_bytes(skb, 0, macs, sizeof(macs)))
		goto drop;
	{
		__u8 tmp[ETH_ALEN];

		__builtin_memcpy(tmp, macs, ETH_ALEN);
		__builtin_memcpy(macs, macs + ETH_ALEN, ETH_ALEN);
		__builtin_memcpy(macs + ETH_ALEN, tmp, ETH_ALEN);
	}
	addrs[0] = pkt->daddr;
	addrs[1] = pkt->saddr;
	/* Swapping the addresses leaves both sums alone; the TTL and the type change them. */
	l3_diff = slb_csum_diff2(bpf_htons(((__u16)pkt->ttl << 8) | IPPROTO_ICMP),
				 bpf_htons(((__u16)ttl << 8) | IPPROTO_ICMP));
	l4_diff = slb_csum_diff2(bpf_htons((__u16)SLB_ICMP_ECHO << 8),
				 bpf_htons((__u16)SLB_ICMP_ECHO_REPLY << 8));
	if (bpf_skb_store_bytes(skb, 0, macs, sizeof(macs), 0) ||
	    bpf_skb_store_bytes(skb, SLB_IP_TTL_OFF, &ttl, 1, 0) ||
	    bpf_skb_store_bytes(skb, SLB_IP_SADDR_OFF, addrs, sizeof(addrs), 0) ||
	    bpf_skb_store_bytes(skb, pkt->l4_off, &type, 1, 0))
		goto drop;
	if (bpf_l3_csum_replace(skb, SLB_IP_CSUM_OFF, 0, l3_diff, 0) ||
	    bpf_l4_csum_replace(skb, pkt->l4_off + pkt->csum_off, 0, l4_diff, 0))
		goto drop;
	slb_count(SLB_CNT_ICMP_ECHO_REPLY);
	return slb_icmp_bounce(skb, egress);
drop:
	slb_count(SLB_CNT_DROP_REWRITE);
	return TC_ACT_SHOT;
}

/* Folds a 32-bit ones' complement sum to 16 bits. */
static __always_inline __u16 slb_csum_fold16(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* Ones' complement update of the checksum `old` by the sum of differences `diff`. */
static __always_inline __u16 slb_csum_update(__u16 old, __u32 diff)
{
	return ~slb_csum_fold16(slb_csum_add((__u16)~old, diff));
}

/* slb_icmp_error: the error is about a NAT64 flow, whose errors leave as ICMPv6 (icmp46.h). */
#define SLB_ICMP_ERR_NAT46 -1

/*
 * The ICMP error `pkt` about a packet of a tracked flow, translated back; a TC verdict, or
 * SLB_ICMP_ERR_NAT46 with the slot of the flow's reply entry in `*nat46_index`.
 */
static __attribute__((noinline)) int slb_icmp_error(struct __sk_buff *skb, struct slb_pkt *pkt,
						    __u32 *nat46_index, bool egress)
{
	__u32 in_off = pkt->l4_off + 8, in_l4 = in_off + 20;
	struct slb_ct_key key;
	struct slb_ct_val *ct;
	struct slb_tuple t, in_new;
	struct slb_pkt rp;
	__u8 inner[20];
	__be16 l4[4]; /* the quoted transport header's first 8 bytes */
	__be32 out_addrs[2];
	__u32 addr_diff, port_diff, icmp_diff, out_diff;
	__u16 old_csum, new_csum;

	if (bpf_skb_load_bytes(skb, in_off, inner, sizeof(inner)) ||
	    bpf_skb_load_bytes(skb, in_l4, l4, sizeof(l4)))
		goto pass;
	if (inner[0] != 0x45 ||
	    (inner[9] != IPPROTO_TCP && inner[9] != IPPROTO_UDP && inner[9] != IPPROTO_SCTP))
		goto pass;

	/* The reply to the quoted packet: its tuple reversed, as the other entry's key. */
	__builtin_memset(&rp, 0, sizeof(rp));
	rp.saddr = *(__be32 *)&inner[16];
	rp.daddr = *(__be32 *)&inner[12];
	rp.sport = l4[1];
	rp.dport = l4[0];
	rp.proto = inner[9];
	slb_ct_key_init(&key, &rp);
	*nat46_index = slb_ct_index(&key);
	ct = slb_ct_entry_at(*nat46_index);
	if (!ct)
		goto pass;
	if (READ_ONCE(ct->nat.flags) & SLB_NAT_AF)
		return SLB_ICMP_ERR_NAT46;
	slb_nat_tuple(&rp, &ct->nat, &t);
	/* The packet the peer sent, which the error is really about: the translated reply reversed. */
	in_new.saddr = t.daddr;
	in_new.daddr = t.saddr;
	in_new.sport = t.dport;
	in_new.dport = t.sport;

	addr_diff = slb_csum_add(slb_csum_diff4(rp.daddr, in_new.saddr),
				 slb_csum_diff4(rp.saddr, in_new.daddr));
	port_diff = slb_csum_add(slb_csum_diff2(l4[0], in_new.sport),
				 slb_csum_diff2(l4[1], in_new.dport));
	old_csum = *(__u16 *)&inner[10];
	new_csum = slb_csum_update(old_csum, addr_diff);
	icmp_diff = slb_csum_add(slb_csum_add(addr_diff, port_diff),
				 slb_csum_diff2(old_csum, new_csum));
	/* A quoted UDP checksum (pseudo-header included) is updated like the datagram's own. */
	if (inner[9] == IPPROTO_UDP && l4[3]) {
		__u16 udp = slb_csum_update(l4[3], slb_csum_add(addr_diff, port_diff));

		if (!udp)
			udp = 0xffff;
		icmp_diff = slb_csum_add(icmp_diff, slb_csum_diff2(l4[3], udp));
		l4[3] = udp;
	}
	*(__u16 *)&inner[10] = new_csum;
	*(__be32 *)&inner[12] = in_new.saddr;
	*(__be32 *)&inner[16] = in_new.daddr;
	l4[0] = in_new.sport;
	l4[1] = in_new.dport;

	out_addrs[0] = pkt->saddr == rp.saddr ? t.saddr : pkt->saddr;
	out_addrs[1] = in_new.saddr;
	out_diff = slb_csum_add(slb_csum_diff4(pkt->saddr, out_addrs[0]),
				slb_csum_diff4(pkt->daddr, out_addrs[1]));

	if (bpf_skb_store_bytes(skb, in_off, inner, sizeof(inner), 0) ||
	    bpf_skb_store_bytes(skb, in_l4, l4, sizeof(l4), 0) ||
	    bpf_skb_store_bytes(skb, SLB_IP_SADDR_OFF, out_addrs, sizeof(out_addrs), 0))
		goto drop;
	if (bpf_l3_csum_replace(skb, SLB_IP_CSUM_OFF, 0, out_diff, 0) ||
	    bpf_l4_csum_replace(skb, pkt->l4_off + pkt->csum_off, 0, icmp_diff, 0))
		goto drop;
	slb_count(SLB_CNT_ICMP_ERR_XLATE);
	return TC_ACT_OK;
pass:
	slb_count(SLB_CNT_PASS_NO_MATCH);
	return TC_ACT_OK;
drop:
	slb_count(SLB_CNT_DROP_REWRITE);
	return TC_ACT_SHOT;
}

/* The folded ones' complement checksum of `words` 16-bit words at `p` (bounded loop). */
static __always_inline __u16 slb_csum_words(const __u16 *p, int words)
{
	__u32 sum = 0;
	int i;

	for (i = 0; i < words; i++)
		sum += p[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* Bytes of the original packet an ICMP error quotes: its 20-byte IP header and 8 more. */
#define SLB_ICMP_QUOTE 28

/* The fragmentation-needed reply frame: Ethernet, IPv4, ICMP, quoted original. */
struct slb_icmp_frag_frame {
	__u8 dmac[ETH_ALEN];
	__u8 smac[ETH_ALEN];
	__be16 proto;
	__u8 ip[20];
	__u8 icmp[8];
	__u8 quote[SLB_ICMP_QUOTE];
} __attribute__((packed));

/*
 * Turns the packet `pkt` (IPv4 header without options) into an ICMP fragmentation needed
 * advertising `next_mtu`, sent back toward its source. Returns a TC verdict.
 */
static __always_inline int slb_icmp_frag_needed(struct __sk_buff *skb, const struct slb_pkt *pkt,
						__u32 next_mtu, bool egress)
{
	struct slb_icmp_frag_frame f;
	const struct slb_if_addr *ifa;
	__u32 ifindex = skb->ifindex;
	__be32 src = pkt->daddr;

	if (pkt->l4_off != SLB_L3_OFF + 20)
		goto drop;
	if (bpf_skb_load_bytes(skb, 0, &f, ETH_HLEN) ||
	    bpf_skb_load_bytes(skb, SLB_L3_OFF, f.quote, SLB_ICMP_QUOTE))
		goto drop;
	ifa = bpf_map_lookup_elem(&slb_if_addr, &ifindex);
	if (ifa && ifa->family == SLB_AF_INET && ifa->addr[0])
		src = ifa->addr[0];
	{
		__u8 tmp[ETH_ALEN];

		__builtin_memcpy(tmp, f.dmac, ETH_ALEN);
		__builtin_memcpy(f.dmac, f.smac, ETH_ALEN);
		__builtin_memcpy(f.smac, tmp, ETH_ALEN);
	}
	__builtin_memset(f.ip, 0, sizeof(f.ip));
	f.ip[0] = 0x45;
	f.ip[1] = pkt->tos;
	*(__be16 *)&f.ip[2] = bpf_htons(sizeof(f) - ETH_HLEN);
	f.ip[8] = SLB_ICMP_TTL;
	f.ip[9] = IPPROTO_ICMP;
	*(__be32 *)&f.ip[12] = src;
	*(__be32 *)&f.ip[16] = pkt->saddr;
	*(__u16 *)&f.ip[10] = slb_csum_words((const __u16 *)f.ip, sizeof(f.ip) / 2);

	__builtin_memset(f.icmp, 0, sizeof(f.icmp));
	f.icmp[0] = SLB_ICMP_DEST_UNREACH;
	f.icmp[1] = SLB_ICMP_FRAG_NEEDED;
	*(__be16 *)&f.icmp[6] = bpf_htons((__u16)next_mtu);
	*(__u16 *)&f.icmp[2] =
		slb_csum_words((const __u16 *)f.icmp, (sizeof(f.icmp) + sizeof(f.quote)) / 2);

	if (bpf_skb_change_tail(skb, sizeof(f), 0))
		goto drop;
	if (bpf_skb_store_bytes(skb, 0, &f, sizeof(f), 0))
		goto drop;
	slb_count(SLB_CNT_ICMP_FRAG_NEEDED);
	return slb_icmp_bounce(skb, egress);
drop:
	slb_count(SLB_CNT_DROP_DSR);
	return TC_ACT_SHOT;
}

#endif /* SLB_ICMP_H */
