/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * dsr.h - direct server return (mode 3): the endpoint answers the client itself.
 *
 * The client's packets keep their addresses and ports (the endpoint holds the VIP on a
 * loopback or dummy device and answers from it); only the way they reach the endpoint changes.
 * The choice is made per packet from the route to the endpoint's address:
 *   on-link endpoint (the FIB's next hop is the endpoint itself)  -> L2 DSR: the TTL is
 *       decremented and the MACs are rewritten to the endpoint's, nothing else;
 *   routed endpoint (the next hop is a gateway)                    -> L3 DSR: the packet is
 *       encapsulated in IPIP (outer source: the load balancer's address on the egress
 *       interface from slb_if_addr; outer destination: the endpoint), which the endpoint's
 *       ipip tunnel device decapsulates.
 * Only a FWD conntrack entry exists (SLB_NAT_DSR, see ct.h): replies never cross the load
 * balancer, and an endpoint is selected once per flow. loxilb requires the hash selection and
 * an unchanged port for DSR; the control plane enforces both. IPv6 services with IPv6
 * endpoints take the same decisions in dsr6.h (IPv6-in-IPv6 instead of IPIP).
 *
 * The encapsulation grows the packet by 20 bytes with bpf_skb_adjust_room(BPF_ADJ_ROOM_MAC,
 * BPF_F_ADJ_ROOM_ENCAP_L3_IPV4), which keeps GSO packets consistent (their segments shrink by
 * the outer header). bpf_check_mtu decides whether the result fits the egress device (per
 * segment for GSO); when it does not and DF is set, an ICMP fragmentation needed with the
 * egress MTU minus 20 goes back to the client (icmp.h); without DF the packet is dropped
 * (SLB_CNT_DROP_DSR), as the datapath cannot fragment. No route to the endpoint, or no source
 * address for the outer header, drops and counts SLB_CNT_DROP_DSR as well.
 */
#ifndef SLB_DSR_H
#define SLB_DSR_H

#include <linux/errno.h>

#include "compiler.h"
#include "ct.h"
#include "ctx.h"
#include "fwd.h"
#include "icmp.h"
#include "maps.h"
#include "nat.h"
#include "parse.h"
#include "stats.h"

#define SLB_IPIP_HLEN 20
#define SLB_IP_DF 0x4000

/* Creates the single (FWD) entry of a new DSR flow to endpoint `be`. Returns 0 or -1. */
static __always_inline int slb_ct_create_dsr(const struct slb_ct_key *key,
					     const struct slb_pkt *pkt, __u32 svc_id,
					     const struct slb_backend *be, __u64 now)
{
	struct slb_ct_val val;
	long err;

	slb_ct_val_init(&val, pkt, svc_id, be, now);
	slb_ct_set_nat(&val, SLB_DIR_FWD, SLB_NAT_DSR, 0, 0, be->addr, be->port);
	err = slb_ct_add(key, &val);
	return err && err != -EEXIST ? -1 : 0;
}

/* Writes the outer IPv4 header of the IPIP packet `pkt` after bpf_skb_adjust_room. */
static __always_inline int slb_dsr_outer(struct __sk_buff *skb, const struct slb_pkt *pkt,
					 __be32 src, __be32 dst)
{
	__u8 ip[SLB_IPIP_HLEN];
	__be16 inner_len, frag;

	if (bpf_skb_load_bytes(skb, SLB_L3_OFF + SLB_IPIP_HLEN + 2, &inner_len, 2) ||
	    bpf_skb_load_bytes(skb, SLB_L3_OFF + SLB_IPIP_HLEN + 6, &frag, 2))
		return -1;
	__builtin_memset(ip, 0, sizeof(ip));
	ip[0] = 0x45;
	ip[1] = pkt->tos;
	/* A BIG TCP inner length of 0 stays 0 outside. */
	if (inner_len)
		*(__be16 *)&ip[2] = bpf_htons(bpf_ntohs(inner_len) + SLB_IPIP_HLEN);
	*(__be16 *)&ip[6] = frag & bpf_htons(SLB_IP_DF);
	ip[8] = SLB_ICMP_TTL;
	ip[9] = IPPROTO_IPIP;
	*(__be32 *)&ip[12] = src;
	*(__be32 *)&ip[16] = dst;
	*(__u16 *)&ip[10] = slb_csum_words((const __u16 *)ip, sizeof(ip) / 2);
	return bpf_skb_store_bytes(skb, SLB_L3_OFF, ip, sizeof(ip), 0) ? -1 : 0;
}

/*
 * Whether `pkt` encapsulated in an outer header of `hlen` bytes would exceed the MTU of device
 * `ifindex` (set in `*mtu`). A GSO packet is checked per segment: gso_size plus its inner
 * headers plus the outer header. dsr6.h uses it with the 40-byte IPv6 header.
 */
static __always_inline bool slb_dsr_too_big(struct __sk_buff *skb, const struct slb_pkt *pkt,
					    __u32 ifindex, __u32 *mtu, __u32 hlen)
{
	__u32 hdrs = pkt->l4_off - SLB_L3_OFF + hlen;
	__u8 doff;

	*mtu = 0;
	if (bpf_check_mtu(skb, ifindex, mtu, hlen, 0))
		return true;
	if (!skb->gso_size)
		return false;
	if (pkt->proto == IPPROTO_TCP) {
		if (bpf_skb_load_bytes(skb, pkt->l4_off + 12, &doff, 1))
			return true;
		hdrs += (doff >> 4) * 4;
	} else {
		hdrs += sizeof(struct udphdr);
	}
	return skb->gso_size + hdrs > *mtu;
}

/*
 * Forwards the packet `pkt` of DSR entry `ct` to its endpoint, L2 or L3 as the route decides.
 * Returns the TC verdict.
 */
static __attribute__((noinline)) int slb_dsr_forward(struct __sk_buff *skb, struct slb_pkt *pkt,
						     struct slb_ct_val *ct, bool egress)
{
	__be32 ep = READ_ONCE(ct->nat.daddr[0]);
	const struct slb_if_addr *ifa;
	struct bpf_redir_neigh rn;
	struct bpf_fib_lookup fib;
	__u8 macs[2 * ETH_ALEN];
	struct slb_tuple t;
	__u32 ifindex, mtu = 0;
	__be16 frag;
	long rc;

	__builtin_memset(&fib, 0, sizeof(fib));
	fib.family = SLB_AF_INET;
	fib.tos = pkt->tos;
	fib.l4_protocol = pkt->proto;
	fib.ipv4_src = pkt->saddr;
	fib.ipv4_dst = ep;
	fib.ifindex = skb->ifindex;
	rc = bpf_fib_lookup(skb, &fib, sizeof(fib), egress ? BPF_FIB_LOOKUP_OUTPUT : 0);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH)
		goto drop;
	if (!egress && pkt->ttl <= 1) {
		slb_count(SLB_CNT_PASS_TTL);
		return TC_ACT_OK;
	}
	ifindex = fib.ifindex;
	__builtin_memcpy(macs, fib.dmac, ETH_ALEN);
	__builtin_memcpy(macs + ETH_ALEN, fib.smac, ETH_ALEN);
	t.saddr = pkt->saddr;
	t.daddr = pkt->daddr;
	t.sport = pkt->sport;
	t.dport = pkt->dport;

	if (fib.ipv4_dst == ep) {
		/* L2: only the TTL and the MACs change. */
		if (slb_rewrite(skb, pkt, &t, !egress,
				rc == BPF_FIB_LKUP_RET_SUCCESS ? macs : NULL))
			goto drop_rewrite;
		slb_count(SLB_CNT_DSR_L2);
	} else {
		ifa = bpf_map_lookup_elem(&slb_if_addr, &ifindex);
		if (!ifa || ifa->family != SLB_AF_INET || !ifa->addr[0])
			goto drop;
		if (slb_dsr_too_big(skb, pkt, ifindex, &mtu, SLB_IPIP_HLEN)) {
			if (bpf_skb_load_bytes(skb, SLB_L3_OFF + 6, &frag, 2) ||
			    !(frag & bpf_htons(SLB_IP_DF)) || mtu <= SLB_IPIP_HLEN)
				goto drop;
			return slb_icmp_frag_needed(skb, pkt, mtu - SLB_IPIP_HLEN, egress);
		}
		if (slb_rewrite(skb, pkt, &t, !egress, NULL))
			goto drop_rewrite;
		if (bpf_skb_adjust_room(skb, SLB_IPIP_HLEN, BPF_ADJ_ROOM_MAC,
					BPF_F_ADJ_ROOM_ENCAP_L3_IPV4))
			goto drop_rewrite;
		if (slb_dsr_outer(skb, pkt, READ_ONCE(ifa->addr[0]), ep))
			goto drop_rewrite;
		if (rc == BPF_FIB_LKUP_RET_SUCCESS &&
		    bpf_skb_store_bytes(skb, 0, macs, sizeof(macs), 0))
			goto drop_rewrite;
		slb_count(SLB_CNT_DSR_IPIP);
	}
	return slb_send(rc, ifindex, SLB_AF_INET, fib.ipv6_dst, &rn);

drop:
	return slb_counted(SLB_CNT_DROP_DSR, TC_ACT_SHOT);
drop_rewrite:
	return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
}

#endif /* SLB_DSR_H */
