/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * nat.h - address, port, TTL and MAC rewriting with checksum fix-ups.
 *
 * Every checksum change goes through the kernel's checksum helpers, because
 * packets from local sockets and veth often carry CHECKSUM_PARTIAL (only the pseudo-header
 * sum is in the L4 checksum field, the device or the stack finishes it): bpf_l4_csum_replace
 * with BPF_F_PSEUDO_HDR updates exactly what is there for either kind, and keeps skb->csum
 * right for CHECKSUM_COMPLETE. UDP adds BPF_F_MARK_MANGLED_0, so a zero ("no checksum") UDP
 * checksum stays zero and a computed zero is sent as 0xffff. To keep the helper calls few
 * (each costs tens of ns), the program only adds up the differences of the changed words
 * (slb_csum_diff4/2, what bpf_csum_diff would return) and hands them to the helpers, which
 * apply them per ip_summed. Any helper failure is reported to the caller, which drops the packet
 * (SLB_CNT_DROP_REWRITE) rather than send it half rewritten.
 * SCTP has no pseudo-header checksum: address changes leave its CRC32c alone and port changes
 * update it incrementally (sctp.h).
 *
 * The common case skips the helpers altogether (slb_rewrite_direct): a TCP or UDP packet with a
 * 20-byte IPv4 header whose headers are in the linear area and whose ip_summed is not
 * CHECKSUM_COMPLETE is rewritten through direct packet access, both checksums computed here
 * exactly as the helpers would for that ip_summed. Only CHECKSUM_COMPLETE needs skb->csum
 * adjusted, which a program can only do through the helpers; those packets, SCTP and unusual
 * headers take the helper path. Each helper call costs tens of ns on a mitigated CPU, a
 * direct store a few.
 */
#ifndef SLB_NAT_H
#define SLB_NAT_H

#include "compiler.h"
#include "ctx.h"
#include "parse.h"
#include "sctp.h"

static __always_inline __u64 slb_l4_csum_flags(const struct slb_pkt *pkt, __u64 flags)
{
	if (pkt->proto == IPPROTO_UDP)
		flags |= BPF_F_MARK_MANGLED_0;
	return flags;
}

/* The addresses and ports of a packet in frame order (contiguous after a 20-byte IPv4 header). */
struct slb_tuple {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
};

/* Ones' complement addition of two 32-bit partial sums (the kernel's csum_add). */
static __always_inline __u32 slb_csum_add(__u32 a, __u32 b)
{
	__u32 r = a + b;

	return r + (r < a);
}

/* The checksum difference for replacing the 32-bit word `from` by `to` (as bpf_csum_diff). */
static __always_inline __u32 slb_csum_diff4(__be32 from, __be32 to)
{
	return slb_csum_add(~(__u32)from, (__u32)to);
}

/* The same for a 16-bit word: ~from as a 16-bit ones' complement value, zero-extended. */
static __always_inline __u32 slb_csum_diff2(__be16 from, __be16 to)
{
	return slb_csum_add((__u16)~from, (__u16)to);
}

/*
 * The checksum field `check` after adding the difference `diff` (RFC 1624 eqn. 3), computed
 * as the kernel's csum_replace_by_diff (what bpf_l3_csum_replace does with size 0).
 */
static __always_inline __u16 slb_csum_apply(__u16 check, __u32 diff)
{
	__u32 sum = slb_csum_add(diff, ~(__u32)check);

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/*
 * The checksum field `check` folded with `diff` without complementing: how a CHECKSUM_PARTIAL
 * packet's L4 field (the uncomplemented pseudo-header sum) takes a change of addresses, as the
 * kernel's inet_proto_csum_replace_by_diff does for it.
 */
static __always_inline __u16 slb_csum_apply_partial(__u16 check, __u32 diff)
{
	__u32 sum = slb_csum_add(diff, check);

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/*
 * The TCP or UDP checksum field `check` after the addresses changed by `addr_diff` and the ports
 * by `port_diff`, as bpf_l4_csum_replace leaves it for `ip_summed` (never COMPLETE here): a
 * PARTIAL field holds the pseudo-header sum, which only the addresses enter (the device adds
 * the ports when it finishes the sum); otherwise it is a full checksum (RFC 1624). A UDP
 * checksum of 0 means "none" and stays 0; a computed 0 goes out as 0xffff
 * (BPF_F_MARK_MANGLED_0).
 */
static __always_inline __u16 slb_l4_csum_fix(__u16 check, __u8 ip_summed, bool udp, __u32 addr_diff,
					     __u32 port_diff)
{
	if (udp && !check)
		return 0;
	if (ip_summed == SLB_CHECKSUM_PARTIAL)
		check = slb_csum_apply_partial(check, addr_diff);
	else
		check = slb_csum_apply(check, slb_csum_add(addr_diff, port_diff));
	if (udp && !check)
		check = 0xffff;
	return check;
}

/* The tuple of `pkt` after the rewrite `nat` (from a conntrack entry). */
static __always_inline void slb_nat_tuple(const struct slb_pkt *pkt, const struct slb_nat *nat,
					  struct slb_tuple *t)
{
	__u8 flags = READ_ONCE(nat->flags);

	t->saddr = pkt->saddr;
	t->daddr = pkt->daddr;
	t->sport = pkt->sport;
	t->dport = pkt->dport;
	if (flags & SLB_NAT_SRC) {
		t->saddr = READ_ONCE(nat->saddr[0]);
		t->sport = READ_ONCE(nat->sport);
	}
	if (flags & SLB_NAT_DST) {
		t->daddr = READ_ONCE(nat->daddr[0]);
		t->dport = READ_ONCE(nat->dport);
	}
}

/*
 * The packet's data for a direct rewrite of everything before byte `len` (through the L4
 * checksum field), with its ip_summed in `*summed`; NULL when the packet must take the helpers:
 * CHECKSUM_COMPLETE, or those bytes not linear. Callers write only after this succeeded, so
 * NULL leaves the packet untouched.
 */
static __always_inline void *slb_direct_data(struct __sk_buff *skb, __u32 len, __u8 *summed)
{
	void *data;

	*summed = ctx_ip_summed(skb);
	if (*summed == SLB_CHECKSUM_COMPLETE)
		return NULL;
	data = ctx_data(skb);
	if (data + len > ctx_data_end(skb))
		return NULL;
	return data;
}

/* Offset of the checksum field in a TCP or UDP header. */
static __always_inline __u32 slb_l4_csum_off(bool udp)
{
	return udp ? offsetof(struct udphdr, check) : offsetof(struct tcphdr, check);
}

/*
 * The helper-free rewrite (see the top of this file): writes the MACs `macs` (unless NULL), the
 * TTL `ttl` (when `ttl_dec`), the tuple `t` and both checksums straight into the packet.
 * Returns false, having written nothing, when the packet is not such a case.
 */
static __always_inline bool slb_rewrite_direct(struct __sk_buff *skb, const struct slb_pkt *pkt,
					       const struct slb_tuple *t, bool ttl_dec, __u8 ttl,
					       const __u8 *macs, __u32 l3_diff, __u32 addr_diff,
					       __u32 port_diff)
{
	const __u32 l4_off = SLB_IP_SADDR_OFF + 2 * sizeof(__be32);
	bool udp = pkt->proto == IPPROTO_UDP;
	__u16 *l4_check, *ip_check;
	void *data;
	__u8 summed;

	if (pkt->l4_off != l4_off || (pkt->proto != IPPROTO_TCP && !udp))
		return false;
	data = slb_direct_data(skb, l4_off + slb_l4_csum_off(udp) + sizeof(__u16), &summed);
	if (!data)
		return false;
	l4_check = data + l4_off + slb_l4_csum_off(udp);
	ip_check = data + SLB_IP_CSUM_OFF;

	if (macs)
		__builtin_memcpy(data, macs, 2 * ETH_ALEN);
	if (ttl_dec)
		*(__u8 *)(data + SLB_IP_TTL_OFF) = ttl;
	__builtin_memcpy(data + SLB_IP_SADDR_OFF, t, sizeof(*t));
	if (addr_diff || ttl_dec)
		*ip_check = slb_csum_apply(*ip_check, l3_diff);
	if (addr_diff || port_diff)
		*l4_check = slb_l4_csum_fix(*l4_check, summed, udp, addr_diff, port_diff);
	return true;
}

/*
 * Rewrites the packet `pkt` to the tuple `t`, decrementing the TTL when `ttl_dec` and writing
 * the MAC addresses `macs` (destination then source) unless NULL, and updates `pkt` to the
 * new tuple. Returns 0, or -1 when a helper failed.
 *
 * The address changes (and the TTL's) form one checksum difference for one
 * bpf_l3_csum_replace; the address changes alone go into one bpf_l4_csum_replace with
 * BPF_F_PSEUDO_HDR, the port changes into one without it (a CHECKSUM_PARTIAL packet's L4 field
 * holds only the pseudo-header sum, so ports must not be folded into it). The differences are
 * passed to the helpers (size 0), which still decide per ip_summed what to update. With a
 * 20-byte IPv4 header everything that changes lies in the first 38 bytes, which are read,
 * changed on the stack, the IPv4 header checksum included (plain ones' complement math, the
 * same result bpf_l3_csum_replace gives), and written back with one bpf_skb_store_bytes before
 * the L4 checksum helpers adjust the L4 field in place (they depend on ip_summed).
 */
static __always_inline int slb_rewrite(struct __sk_buff *skb, struct slb_pkt *pkt,
				       const struct slb_tuple *t, bool ttl_dec, const __u8 *macs)
{
	__u32 l4_csum = pkt->l4_off + pkt->csum_off;
	__u32 addr_diff = 0, port_diff = 0, l3_diff;
	bool addr = false, port = false, l3_done = false;
	__u8 ttl = pkt->ttl - 1;
	__u8 hdr[SLB_IP_SADDR_OFF + sizeof(struct slb_tuple)];
	void *data, *end;

	if (t->saddr != pkt->saddr) {
		addr_diff = slb_csum_diff4(pkt->saddr, t->saddr);
		addr = true;
	}
	if (t->daddr != pkt->daddr) {
		addr_diff = slb_csum_add(addr_diff, slb_csum_diff4(pkt->daddr, t->daddr));
		addr = true;
	}
	if (t->sport != pkt->sport) {
		port_diff = slb_csum_diff2(pkt->sport, t->sport);
		port = true;
	}
	if (t->dport != pkt->dport) {
		port_diff = slb_csum_add(port_diff, slb_csum_diff2(pkt->dport, t->dport));
		port = true;
	}
	l3_diff = addr_diff;
	if (ttl_dec)
		/* TTL and protocol form one 16-bit word of the header, which is what the sum covers. */
		l3_diff = slb_csum_add(
			l3_diff, slb_csum_diff2(bpf_htons(((__u16)pkt->ttl << 8) | pkt->proto),
						bpf_htons(((__u16)ttl << 8) | pkt->proto)));

	if (slb_rewrite_direct(skb, pkt, t, ttl_dec, ttl, macs, l3_diff, addr ? addr_diff : 0,
			       port ? port_diff : 0))
		goto done;

	data = ctx_data(skb);
	end = ctx_data_end(skb);
	if (pkt->l4_off == SLB_IP_SADDR_OFF + 2 * sizeof(__be32) && data + sizeof(hdr) <= end) {
		if (addr || port || ttl_dec || macs) {
			__builtin_memcpy(hdr, data, sizeof(hdr));
			if (macs)
				__builtin_memcpy(hdr, macs, 2 * ETH_ALEN);
			if (ttl_dec)
				hdr[SLB_IP_TTL_OFF] = ttl;
			__builtin_memcpy(hdr + SLB_IP_SADDR_OFF, t, sizeof(*t));
			/* The IPv4 header checksum is plain (no ip_summed cases): fixed here, and
			 * written with the rest, instead of by bpf_l3_csum_replace. */
			if (addr || ttl_dec) {
				__u16 *check = (__u16 *)(hdr + SLB_IP_CSUM_OFF);

				*check = slb_csum_apply(*check, l3_diff);
			}
			if (bpf_skb_store_bytes(skb, 0, hdr, sizeof(hdr), 0))
				return -1;
		}
		l3_done = true;
	} else {
		if (macs && bpf_skb_store_bytes(skb, 0, macs, 2 * ETH_ALEN, 0))
			return -1;
		if (ttl_dec && bpf_skb_store_bytes(skb, SLB_IP_TTL_OFF, &ttl, sizeof(ttl), 0))
			return -1;
		if (addr && bpf_skb_store_bytes(skb, SLB_IP_SADDR_OFF, t, 2 * sizeof(__be32), 0))
			return -1;
		if (port && bpf_skb_store_bytes(skb, pkt->l4_off, &t->sport, 2 * sizeof(__be16), 0))
			return -1;
	}

	if (!l3_done && (addr || ttl_dec) &&
	    bpf_l3_csum_replace(skb, SLB_IP_CSUM_OFF, 0, l3_diff, 0))
		return -1;
	if (pkt->proto == IPPROTO_SCTP) {
		if (port && slb_sctp_fix_crc(skb, pkt, t->sport, t->dport))
			return -1;
	} else {
		if (addr && bpf_l4_csum_replace(skb, l4_csum, 0, addr_diff,
						slb_l4_csum_flags(pkt, BPF_F_PSEUDO_HDR)))
			return -1;
		if (port &&
		    bpf_l4_csum_replace(skb, l4_csum, 0, port_diff, slb_l4_csum_flags(pkt, 0)))
			return -1;
	}
done:
	pkt->saddr = t->saddr;
	pkt->daddr = t->daddr;
	pkt->sport = t->sport;
	pkt->dport = t->dport;
	return 0;
}

#endif /* SLB_NAT_H */
