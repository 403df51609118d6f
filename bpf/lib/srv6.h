/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * srv6.h - SRv6 for load-balanced flows (RFC 8986 behaviours, SRH of RFC 8754; docs/telco.md).
 *
 * Toward an endpoint with a segment list (slb_srv6_path, swiftlb_srv6.h), the packet of the
 * forward direction is translated as usual (NAT66, or NAT64 to an IPv4 endpoint) and then
 * encapsulated (slb_srv6_encap): H.Encaps, an outer IPv6 header and an SRH listing the
 * segments in reverse order (segments left and last entry = segments - 1), or H.Encaps.Red,
 * the outer header alone, for a single segment. The outer header: source the rule's SID,
 * destination the first segment, hop limit 64, traffic class copied from the inner packet,
 * flow label from the translated inner tuple (slb_srv6_flow_label), payload length from the
 * packet (0 for a BIG TCP super-packet above 65535). The route to the first segment decides the
 * egress interface and MACs. Growing the packet goes through bpf_skb_adjust_room with
 * BPF_F_ADJ_ROOM_ENCAP_L3_IPV6, which keeps GSO consistent (gso_size reduced, SKB_GSO_IPXIP6:
 * the kernel segments the outer header and the SRH like its own seg6 encapsulation). A packet
 * that would not fit the egress MTU gets an ICMPv6 packet too big to the client instead
 * (dsr6.h), MTU = egress MTU - the headers' size, at least 1280.
 * The endpoint's side decapsulates with the kernel's seg6local End.DX4 / End.DX6 and sends its
 * replies encapsulated to the SID. An IPv6 packet to a SID in slb_srv6_sid (ingress) is
 * decapsulated here (slb_srv6_decap): End.DX4 when it carries IPv4 (next header 4), End.DX6
 * for IPv6 (41), with or without an SRH, whose segments left must be 0 (the SID is the last
 * segment). The inner packet then starts over in the entry (IPv4: the NAT64 reply path) or the
 * V6 stage (IPv6: the NAT66 reply path). Anything else sent to the SID is dropped
 * (SLB_CNT_DROP_SRV6_MALFORMED).
 */
#ifndef SLB_SRV6_H
#define SLB_SRV6_H

#include <linux/in.h>

#include "compiler.h"
#include "ct.h"
#include "ctx.h"
#include "dsr6.h"
#include "fwd6.h"
#include "nat6.h"
#include "parse6.h"
#include "stats.h"
#include "swiftlb_srv6.h"

/* Newer than some uapi headers: the decapsulation sets skb->protocol to the inner family. */
#ifndef BPF_F_ADJ_ROOM_DECAP_L3_IPV4
#define BPF_F_ADJ_ROOM_DECAP_L3_IPV4 (1ULL << 7)
#define BPF_F_ADJ_ROOM_DECAP_L3_IPV6 (1ULL << 8)
#endif
/* Newer still: the decapsulation also clears the tunnel GSO type and skb->encapsulation. */
#ifndef BPF_F_ADJ_ROOM_DECAP_IPXIP6
#define BPF_F_ADJ_ROOM_DECAP_IPXIP6 (1ULL << 12)
#endif

#define SLB_SRV6_OUTER_HOP 64
#define SLB_SRH_TYPE 4

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct slb_srv6_path);
	__uint(max_entries, SLB_SRV6_PATHS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_srv6_path SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct slb_srv6_sid);
	__type(value, __u32);
	__uint(max_entries, SLB_SRV6_SIDS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_srv6_sid SEC(".maps");

_Static_assert(__builtin_strcmp("slb_srv6_path", SLB_MAP_SRV6_PATH) == 0, "slb_srv6_path name");
_Static_assert(__builtin_strcmp("slb_srv6_sid", SLB_MAP_SRV6_SID) == 0, "slb_srv6_sid name");

/* Per-CPU scratch of the SRv6 paths (the IPv6 stages' stack is spent). */
struct slb_srv6_buf {
	struct bpf_fib_lookup fib;
	struct bpf_redir_neigh rn;
	struct slb_srv6_sid sid;
	__u32 mtu;
	__u8 hdr[SLB_SRV6_HDR_MAX];
	__u8 srh[8];
	__u8 ptb[SLB_PTB6_LEN + 2] __attribute__((aligned(8)));
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_srv6_buf);
	__uint(max_entries, 1);
} slb_srv6_scratch SEC(".maps");

/*
 * The encapsulation of the flow of entry `ct`: its endpoint's path, forward direction only.
 * While no endpoint has segments (SLB_CFG_SRV6 clear) flows pay an array lookup, not a hash one.
 */
static __always_inline const struct slb_srv6_path *slb_srv6_path_of(const struct slb_ct_val *ct)
{
	__u32 key;

	if (!(slb_cfg_flags() & SLB_CFG_SRV6))
		return NULL;
	if (READ_ONCE(ct->dir) != SLB_DIR_FWD || (READ_ONCE(ct->nat.flags) & SLB_NAT_DSR))
		return NULL;
	key = SLB_EP_KEY(READ_ONCE(ct->svc_id), READ_ONCE(ct->ep_idx));
	return bpf_map_lookup_elem(&slb_srv6_path, &key);
}

/* Whether the IPv6 destination `daddr` (16 bytes) is a SID of the load balancer. */
static __always_inline bool slb_srv6_sid_owned(const void *daddr)
{
	struct slb_srv6_sid key;

	__builtin_memcpy(key.addr, daddr, sizeof(key.addr));
	return bpf_map_lookup_elem(&slb_srv6_sid, &key) != NULL;
}

/*
 * The outer flow label (20 bits, never 0) of the translated inner tuple `t` of `family`:
 * the addresses' words, the ports and the protocol folded together, so every packet of a flow
 * takes the same ECMP path in the underlay (RFC 6437).
 */
static __always_inline __u32 slb_srv6_flow_label(const struct slb_tuple6 *t, __u8 family,
						 __u8 proto)
{
	__u32 x = ((__u32)bpf_ntohs(t->sport) << 16 | bpf_ntohs(t->dport)) ^ proto;
	int i;

	x ^= bpf_ntohl(t->saddr[0]) ^ bpf_ntohl(t->daddr[0]);
	if (family == SLB_AF_INET6) {
#pragma unroll
		for (i = 1; i < 4; i++)
			x ^= bpf_ntohl(t->saddr[i]) ^ bpf_ntohl(t->daddr[i]);
	}
	x = (x ^ (x >> 20) ^ (x >> 12)) & 0xfffff;
	return x ? x : 1;
}

/*
 * Translates the IPv6 packet `p` of the forward entry `ct` (its tuple after translation in
 * `t`, NAT64 scratch `xb`) and sends it encapsulated along `path`. Returns the TC verdict.
 */
static __always_inline int slb_srv6_encap(struct __sk_buff *skb, struct slb_pkt6 *p,
					  struct slb_ct_val *ct, const struct slb_srv6_path *path,
					  struct slb_tuple6 *t, struct slb_xlate_buf *xb,
					  bool egress)
{
	__u8 family = (READ_ONCE(ct->nat.flags) & SLB_NAT_AF) ? SLB_AF_INET : SLB_AF_INET6;
	__u32 zero = 0, len, next, plen, word;
	struct slb_srv6_buf *b = bpf_map_lookup_elem(&slb_srv6_scratch, &zero);
	__be16 eth = bpf_htons(ETH_P_IPV6);
	long rc, route;

	if (!b)
		goto drop;
	len = READ_ONCE(path->len);
	if (len < SLB_IP6_HLEN || len > SLB_SRV6_HDR_MAX)
		goto drop;
	__builtin_memcpy(b->hdr, path->hdr, sizeof(b->hdr));
	route = slb_route(skb, &b->fib, SLB_AF_INET6, (const __be32 *)&b->hdr[8],
			  (const __be32 *)&b->hdr[24], p->base.tos, b->hdr[6], egress);
	if (route != BPF_FIB_LKUP_RET_SUCCESS && route != BPF_FIB_LKUP_RET_NO_NEIGH)
		goto drop;
	if (!egress && p->base.ttl <= 1) {
		/* The stack answers with time exceeded. */
		slb_count(SLB_CNT_PASS_TTL);
		return TC_ACT_OK;
	}
	/* Too big once encapsulated: packet too big to the client (before any rewrite). */
	b->mtu = 0;
	if (bpf_check_mtu(skb, b->fib.ifindex, &b->mtu, (__s32)len, 0) ==
	    BPF_MTU_CHK_RET_FRAG_NEEDED) {
		next = b->mtu > len ? b->mtu - len : 0;
		if (next < SLB_IPV6_MIN_MTU) {
			if (!skb->gso_size && skb->len - SLB_L3_OFF <= SLB_IPV6_MIN_MTU)
				goto drop;
			next = SLB_IPV6_MIN_MTU;
		}
		return slb_dsr6_too_big(skb, p, next, egress, b->ptb);
	}

	slb_nat6_tuple(p, &ct->nat, t);
	if (family == SLB_AF_INET6) {
		if (slb_rewrite6(skb, p, t, !egress, NULL))
			goto drop_rewrite;
	} else {
		rc = slb_xlate64(skb, p, t, p->base.ttl - (egress ? 0 : 1), NULL,
				 (__u16)READ_ONCE(ct->packets), xb);
		if (rc == SLB_XLATE_UNSUPPORTED)
			return slb_counted(SLB_CNT_DROP_NAT64, TC_ACT_SHOT);
		if (rc)
			goto drop_rewrite;
	}

	/* Version 6, the inner traffic class, the flow label; the payload length. */
	word = 6U << 28 | (__u32)p->base.tos << 20 | slb_srv6_flow_label(t, family, p->base.proto);
	*(__be32 *)&b->hdr[0] = bpf_htonl(word);
	if (bpf_skb_adjust_room(skb, (__s32)len, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV6))
		goto drop_rewrite;
	plen = skb->len - SLB_L3_OFF - SLB_IP6_HLEN;
	*(__be16 *)&b->hdr[4] = plen > 0xffff ? 0 : bpf_htons(plen);
	if (bpf_skb_store_bytes(skb, SLB_L3_OFF, b->hdr, len, 0) ||
	    bpf_skb_store_bytes(skb, 2 * ETH_ALEN, &eth, sizeof(eth), 0))
		goto drop_rewrite;
	if (route == BPF_FIB_LKUP_RET_SUCCESS) {
		__builtin_memcpy(b->ptb, b->fib.dmac, ETH_ALEN);
		__builtin_memcpy(b->ptb + ETH_ALEN, b->fib.smac, ETH_ALEN);
		if (bpf_skb_store_bytes(skb, 0, b->ptb, 2 * ETH_ALEN, 0))
			goto drop_rewrite;
	}
	slb_count(SLB_CNT_SRV6_ENCAP);
	return slb_send(route, b->fib.ifindex, SLB_AF_INET6, b->fib.ipv6_dst, &b->rn);

drop:
	return slb_counted(SLB_CNT_DROP_SRV6_NO_ROUTE, TC_ACT_SHOT);
drop_rewrite:
	return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
}

/*
 * End.DX4 / End.DX6 on the packet to a SID whose fixed header is `ip6`: strips the outer
 * header and the SRH. Returns -1 with `*inet` set when the inner packet (IPv4 when `*inet`) is
 * ready to start over, otherwise the TC verdict (dropped, counted).
 */
static __always_inline int slb_srv6_decap(struct __sk_buff *skb, const struct ipv6hdr *ip6,
					  bool *inet)
{
	__u32 zero = 0, off = SLB_IP6_HLEN, inner;
	struct slb_srv6_buf *b = bpf_map_lookup_elem(&slb_srv6_scratch, &zero);
	__u8 nh = ip6->nexthdr, *srh;
	__u64 flags;
	__be16 eth;

	if (!b)
		goto malformed;
	srh = b->srh;
	if (nh == SLB_NEXTHDR_ROUTING) {
		/* next header, length in 8 bytes, type 4, segments left 0, last entry */
		if (bpf_skb_load_bytes(skb, SLB_L3_OFF + SLB_IP6_HLEN, srh, 8))
			goto malformed;
		if (srh[2] != SLB_SRH_TYPE || srh[3] != 0 || (srh[1] & 1) ||
		    srh[1] < 2 * ((__u32)srh[4] + 1))
			goto malformed;
		off += 8 + (__u32)srh[1] * 8;
		nh = srh[0];
	}
	if (nh != IPPROTO_IPIP && nh != SLB_NEXTHDR_IPV6)
		goto malformed;
	inner = nh == IPPROTO_IPIP ? sizeof(struct iphdr) : SLB_IP6_HLEN;
	if (off + inner > SLB_IP6_HLEN + (__u32)bpf_ntohs(ip6->payload_len) ||
	    SLB_L3_OFF + off + inner > skb->len)
		goto malformed;
	*inet = nh == IPPROTO_IPIP;
	eth = bpf_htons(*inet ? ETH_P_IP : ETH_P_IPV6);
	flags = *inet ? BPF_F_ADJ_ROOM_DECAP_L3_IPV4 : BPF_F_ADJ_ROOM_DECAP_L3_IPV6;
	/*
	 * A GSO packet the endpoint's kernel encapsulated carries SKB_GSO_IPXIP6: kernels that know
	 * BPF_F_ADJ_ROOM_DECAP_IPXIP6 clear it with the outer header; older ones refuse the flag
	 * (-EINVAL, nothing changed) and decapsulate without it.
	 */
	if (bpf_skb_adjust_room(skb, -(__s32)off, BPF_ADJ_ROOM_MAC,
				flags | BPF_F_ADJ_ROOM_DECAP_IPXIP6) &&
	    bpf_skb_adjust_room(skb, -(__s32)off, BPF_ADJ_ROOM_MAC, flags))
		return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
	if (bpf_skb_store_bytes(skb, 2 * ETH_ALEN, &eth, sizeof(eth), 0))
		return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
	slb_count(SLB_CNT_SRV6_DECAP);
	return -1;

malformed:
	return slb_counted(SLB_CNT_DROP_SRV6_MALFORMED, TC_ACT_SHOT);
}

#endif /* SLB_SRV6_H */
