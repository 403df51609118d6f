/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * fwd.h - forwarding a translated packet: FIB lookup, TTL, MAC rewrite, redirect.
 *
 * The translated tuple is looked up in the kernel's FIB (ingress: as a packet received on
 * skb->ifindex; egress: as output from it, BPF_FIB_LOOKUP_OUTPUT).
 *   SUCCESS   neighbour known: on ingress the TTL is checked and decremented as a router
 *             would, the MACs are rewritten and the packet is redirected to the egress
 *             device (SLB_CNT_FWD_REDIRECT);
 *   NO_NEIGH  the same TTL handling, then bpf_redirect_neigh() lets the kernel resolve the
 *             next hop's MAC (SLB_CNT_FWD_NEIGH);
 *   otherwise (local destination, no route, forwarding disabled, MTU exceeded) the packet
 *             goes to the stack, which routes, delivers, fragments or answers with ICMP
 *             (SLB_CNT_FWD_STACK).
 * A packet whose TTL would expire on ingress is left to the stack (SLB_CNT_PASS_TTL) so it
 * sends the ICMP time exceeded. tot_len is left 0 in the lookup: the kernel then checks the
 * skb against the egress MTU itself, which accepts GSO super-packets (a tot_len above the
 * MTU would send every GRO-merged packet to the slow path).
 */
#ifndef SLB_FWD_H
#define SLB_FWD_H

#include "compiler.h"
#include "ctx.h"
#include "parse.h"
#include "stats.h"

/* Decrements the IPv4 TTL, fixing the header checksum. */
static __always_inline int slb_ttl_dec(struct __sk_buff *skb, const struct slb_pkt *pkt)
{
	/* TTL and protocol form one 16-bit word of the header, which is what the sum covers. */
	__be16 from = bpf_htons(((__u16)pkt->ttl << 8) | pkt->proto);
	__u8 ttl = pkt->ttl - 1;
	__be16 to = bpf_htons(((__u16)ttl << 8) | pkt->proto);

	if (bpf_l3_csum_replace(skb, SLB_IP_CSUM_OFF, from, to, sizeof(to)))
		return -1;
	if (bpf_skb_store_bytes(skb, SLB_IP_TTL_OFF, &ttl, sizeof(ttl), 0))
		return -1;
	return 0;
}

/* Forwards the translated packet `pkt`; returns the TC verdict. */
static __always_inline int slb_forward(struct __sk_buff *skb, const struct slb_pkt *pkt,
				       bool egress)
{
	struct bpf_redir_neigh nh;
	struct bpf_fib_lookup fib;
	__u8 macs[2 * ETH_ALEN];
	long rc;

	__builtin_memset(&fib, 0, sizeof(fib));
	fib.family = SLB_AF_INET;
	fib.tos = pkt->tos;
	fib.l4_protocol = pkt->proto;
	fib.ipv4_src = pkt->saddr;
	fib.ipv4_dst = pkt->daddr;
	fib.ifindex = skb->ifindex;
	rc = bpf_fib_lookup(skb, &fib, sizeof(fib), egress ? BPF_FIB_LOOKUP_OUTPUT : 0);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH) {
		slb_count(SLB_CNT_FWD_STACK);
		return TC_ACT_OK;
	}

	if (!egress) {
		if (pkt->ttl <= 1) {
			slb_count(SLB_CNT_PASS_TTL);
			return TC_ACT_OK;
		}
		if (slb_ttl_dec(skb, pkt)) {
			slb_count(SLB_CNT_DROP_REWRITE);
			return TC_ACT_SHOT;
		}
	}

	if (rc == BPF_FIB_LKUP_RET_SUCCESS) {
		__builtin_memcpy(macs, fib.dmac, ETH_ALEN);
		__builtin_memcpy(macs + ETH_ALEN, fib.smac, ETH_ALEN);
		if (bpf_skb_store_bytes(skb, 0, macs, sizeof(macs), 0)) {
			slb_count(SLB_CNT_DROP_REWRITE);
			return TC_ACT_SHOT;
		}
		slb_count(SLB_CNT_FWD_REDIRECT);
		return bpf_redirect(fib.ifindex, 0);
	}

	__builtin_memset(&nh, 0, sizeof(nh));
	nh.nh_family = SLB_AF_INET;
	nh.ipv4_nh = fib.ipv4_dst;
	slb_count(SLB_CNT_FWD_NEIGH);
	return bpf_redirect_neigh(fib.ifindex, &nh, sizeof(nh), 0);
}

#endif /* SLB_FWD_H */
