/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * nat.h - address and port rewriting with checksum fix-ups.
 *
 * Every change goes through the kernel's checksum helpers, never a hand-made sum, because
 * packets from local sockets and veth often carry CHECKSUM_PARTIAL (only the pseudo-header
 * sum is in the L4 checksum field, the device or the stack finishes it): bpf_l4_csum_replace
 * with BPF_F_PSEUDO_HDR updates exactly what is there for either kind, and keeps skb->csum
 * right for CHECKSUM_COMPLETE. UDP adds BPF_F_MARK_MANGLED_0, so a zero ("no checksum") UDP
 * checksum stays zero and a computed zero is sent as 0xffff. Fields are only written when
 * their value changes. Any helper failure is reported to the caller, which drops the packet
 * (SLB_CNT_DROP_REWRITE) rather than send it half rewritten.
 */
#ifndef SLB_NAT_H
#define SLB_NAT_H

#include "compiler.h"
#include "ctx.h"
#include "parse.h"

static __always_inline __u64 slb_l4_csum_flags(const struct slb_pkt *pkt, __u64 flags)
{
	if (pkt->proto == IPPROTO_UDP)
		flags |= BPF_F_MARK_MANGLED_0;
	return flags;
}

/* Replaces the IPv4 address at frame offset `off` (source or destination) `from` by `to`. */
static __always_inline int slb_rewrite_addr(struct __sk_buff *skb, const struct slb_pkt *pkt,
					    __u32 off, __be32 from, __be32 to)
{
	__u32 l4_csum = pkt->l4_off + pkt->csum_off;

	if (bpf_l3_csum_replace(skb, SLB_IP_CSUM_OFF, from, to, sizeof(to)))
		return -1;
	if (bpf_l4_csum_replace(skb, l4_csum, from, to,
				slb_l4_csum_flags(pkt, BPF_F_PSEUDO_HDR | sizeof(to))))
		return -1;
	if (bpf_skb_store_bytes(skb, off, &to, sizeof(to), 0))
		return -1;
	return 0;
}

/* Replaces the L4 port at frame offset `off` (source or destination) `from` by `to`. */
static __always_inline int slb_rewrite_port(struct __sk_buff *skb, const struct slb_pkt *pkt,
					    __u32 off, __be16 from, __be16 to)
{
	__u32 l4_csum = pkt->l4_off + pkt->csum_off;

	if (bpf_l4_csum_replace(skb, l4_csum, from, to, slb_l4_csum_flags(pkt, sizeof(to))))
		return -1;
	if (bpf_skb_store_bytes(skb, off, &to, sizeof(to), 0))
		return -1;
	return 0;
}

/*
 * Applies the rewrite `nat` (from a conntrack entry) to the packet and updates `pkt` to the
 * new tuple. Returns 0, or -1 when a helper failed.
 */
static __always_inline int slb_nat_apply(struct __sk_buff *skb, struct slb_pkt *pkt,
					 const struct slb_nat *nat)
{
	__u8 flags = READ_ONCE(nat->flags);
	__be32 addr;
	__be16 port;

	if (flags & SLB_NAT_SRC) {
		addr = READ_ONCE(nat->saddr[0]);
		port = READ_ONCE(nat->sport);
		if (addr != pkt->saddr) {
			if (slb_rewrite_addr(skb, pkt, SLB_IP_SADDR_OFF, pkt->saddr, addr))
				return -1;
			pkt->saddr = addr;
		}
		if (port != pkt->sport) {
			if (slb_rewrite_port(skb, pkt, pkt->l4_off, pkt->sport, port))
				return -1;
			pkt->sport = port;
		}
	}
	if (flags & SLB_NAT_DST) {
		addr = READ_ONCE(nat->daddr[0]);
		port = READ_ONCE(nat->dport);
		if (addr != pkt->daddr) {
			if (slb_rewrite_addr(skb, pkt, SLB_IP_DADDR_OFF, pkt->daddr, addr))
				return -1;
			pkt->daddr = addr;
		}
		if (port != pkt->dport) {
			/* The destination port follows the source port in both TCP and UDP. */
			if (slb_rewrite_port(skb, pkt, pkt->l4_off + sizeof(__be16), pkt->dport,
					     port))
				return -1;
			pkt->dport = port;
		}
	}
	return 0;
}

#endif /* SLB_NAT_H */
