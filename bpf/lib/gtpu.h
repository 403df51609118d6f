/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * gtpu.h - GTP-U user plane sessions (loxilb's /config/session and /config/sessionulcl).
 *
 * The load balancer acts as a UPF for the sessions in slb_gtp_ul / slb_gtp_dl (swiftlb_gtpu.h):
 *   uplink   an IPv4 G-PDU (TS 29.281: version 1, type 255) to UDP port 2152 whose TEID and
 *            outer destination are a session's core network tunnel: the header is parsed with
 *            its optional fields and at most SLB_GTP_MAX_EXT extension headers, the PDU session
 *            container (TS 38.415, type 0x85, PDU type UL) gives the QFI. The inner packet must
 *            be IPv4 from the session's UE. A classifier for (UE, QFI) sends it to its breakout
 *            address as next hop (the inner destination is kept); otherwise it is routed by its
 *            own destination. The outer IPv4, UDP and GTP-U headers are removed; the inner
 *            packet leaves byte for byte as it was tunnelled (no TTL decrement), only the MACs
 *            are new.
 *   downlink an IPv4 packet to a session's UE address gets an outer IPv4 header (source: the
 *            core tunnel's address, destination: the gNB's access tunnel address), UDP 2152 ->
 *            2152 with checksum 0 (allowed for IPv4, TS 29.281 §4.4.2.0 / RFC 768) and a GTP-U
 *            header with the access tunnel's TEID and a PDU session container of PDU type DL
 *            carrying the QFI: the classifier's whose breakout address is the packet's source,
 *            else the session's default.
 * Packets of no session (another TEID, not a G-PDU, another destination) return -1 untouched:
 * the caller goes on as the entry would, so load-balancing rules, the n3 selection and the
 * rest keep working. Only ingress packets are looked at. A GSO packet of a session (GRO or
 * TSO super-packet) cannot be handled as one packet: encapsulated, the kernel's UDP tunnel GSO
 * would copy one GTP-U length into every segment; an uplink UDP GSO packet holds several G-PDUs.
 * It is redirected to the resegmenting veth pair of slb_gtp_gso (swiftlb_gtpu.h), where the
 * kernel segments it in software, and its segments come back one by one (counted
 * SLB_CNT_GTPU_GSO_RESEGMENT); without a pair, or when still GSO on the way back, it is dropped
 * (SLB_CNT_DROP_GTPU_GSO). A downlink packet too big for the gNB's route once encapsulated gets
 * an ICMP fragmentation needed when DF is set, and is dropped otherwise.
 */
#ifndef SLB_GTPU_H
#define SLB_GTPU_H

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "compiler.h"
#include "dsr.h"
#include "fwd.h"
#include "icmp.h"
#include "maps.h"
#include "parse.h"
#include "stats.h"
#include "swiftlb_abi.h"
#include "swiftlb_gtpu.h"

/* Outer IPv4 (20) + UDP (8) + GTP-U with optional fields (12) + PDU session container (4). */
#define SLB_GTP_ENCAP_LEN 44
#define SLB_GTP_HDR_LEN 16
#define SLB_GTP_FLAGS_V1 0x30	     /* version 1, protocol type GTP */
#define SLB_GTP_FLAGS_OPT 0x07	     /* E, S or PN: the 4 optional octets are present */
#define SLB_GTP_FLAG_E 0x04	     /* an extension header follows */
#define SLB_GTP_GPDU 0xff	     /* message type G-PDU */
#define SLB_GTP_EXT_PDU_SESSION 0x85 /* PDU session container (TS 38.415) */
#define SLB_GTP_PDU_DL 0	     /* PDU type of downlink session information */
#define SLB_GTP_PDU_UL 1	     /* PDU type of uplink session information */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct slb_gtp_ul_key);
	__type(value, struct slb_gtp_ul_val);
	__uint(max_entries, SLB_GTP_MAX_SESSIONS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_gtp_ul SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __be32);
	__type(value, struct slb_gtp_dl_val);
	__uint(max_entries, SLB_GTP_MAX_SESSIONS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_gtp_dl SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct slb_gtp_ulcl_key);
	__type(value, struct slb_gtp_ulcl_val);
	__uint(max_entries, SLB_GTP_MAX_ULCLS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_gtp_ulcl SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct slb_gtp_dlqfi_key);
	__type(value, struct slb_gtp_dlqfi_val);
	__uint(max_entries, SLB_GTP_MAX_ULCLS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_gtp_dlqfi SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_gtp_stat);
	__uint(max_entries, SLB_GTP_MAX_SESSIONS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_gtp_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_gtp_gso);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_gtp_gso SEC(".maps");

_Static_assert(__builtin_strcmp("slb_gtp_gso", SLB_MAP_GTP_GSO) == 0, "slb_gtp_gso pin name");
_Static_assert(__builtin_strcmp("slb_gtp_ul", SLB_MAP_GTP_UL) == 0, "slb_gtp_ul pin name");
_Static_assert(__builtin_strcmp("slb_gtp_dl", SLB_MAP_GTP_DL) == 0, "slb_gtp_dl pin name");
_Static_assert(__builtin_strcmp("slb_gtp_ulcl", SLB_MAP_GTP_ULCL) == 0, "slb_gtp_ulcl pin name");
_Static_assert(__builtin_strcmp("slb_gtp_dlqfi", SLB_MAP_GTP_DLQFI) == 0, "slb_gtp_dlqfi pin name");
_Static_assert(__builtin_strcmp("slb_gtp_stats", SLB_MAP_GTP_STATS) == 0, "slb_gtp_stats pin name");

/*
 * Whether the entry program should hand the IPv4 packet `pkt` to the GTPU stage: sessions exist
 * (one flag test while there are none), and it is UDP to port 2152 or goes to a UE's address
 * (one hash lookup).
 */
static __always_inline bool slb_gtpu_wanted(const struct slb_pkt *pkt, bool egress)
{
	const struct slb_config *cfg;
	__u32 zero = 0;

	if (egress)
		return false;
	cfg = bpf_map_lookup_elem(&slb_cfg, &zero);
	if (!cfg || !(READ_ONCE(cfg->flags) & SLB_CFG_GTPU))
		return false;
	if (pkt->proto == IPPROTO_UDP && pkt->dport == bpf_htons(SLB_GTP_PORT))
		return true;
	return bpf_map_lookup_elem(&slb_gtp_dl, &pkt->daddr) != NULL;
}

static __always_inline void slb_gtpu_account(__u32 sess_id, bool uplink, __u32 bytes)
{
	struct slb_gtp_stat *st = bpf_map_lookup_elem(&slb_gtp_stats, &sess_id);

	if (!st)
		return;
	if (uplink) {
		st->ul_packets += 1;
		st->ul_bytes += bytes;
	} else {
		st->dl_packets += 1;
		st->dl_bytes += bytes;
	}
}

/*
 * A session's GSO packet: redirected to the resegmenting pair's egress, addressed to the peer's
 * MAC, or dropped when there is no pair or when it arrived from the pair (the kernel did not
 * segment it: never sent round again).
 */
static __always_inline int slb_gtpu_resegment(struct __sk_buff *skb)
{
	const struct slb_gtp_gso *gso;
	__u32 zero = 0;

	gso = bpf_map_lookup_elem(&slb_gtp_gso, &zero);
	if (!gso || !gso->out_ifindex || skb->ifindex == gso->in_ifindex ||
	    skb->ifindex == gso->out_ifindex)
		return slb_counted(SLB_CNT_DROP_GTPU_GSO, TC_ACT_SHOT);
	if (bpf_skb_store_bytes(skb, 0, gso->in_mac, ETH_ALEN, 0))
		return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
	slb_count(SLB_CNT_GTPU_GSO_RESEGMENT);
	return bpf_redirect(gso->out_ifindex, 0);
}

/* What the walk over a G-PDU's header found. */
struct slb_gtp_hdr {
	__u32 hlen; /* GTP-U header with optional fields and extensions */
	__u32 len;  /* the header's length field: octets after the first 8 */
	__u8 qfi;
	__u8 has_qfi;
};

/*
 * Walks the GTP-U header at `off` whose first 8 octets are in `g`: optional fields, then at
 * most SLB_GTP_MAX_EXT extension headers, each inside the length the header declares. Returns
 * 0, or -1 for a malformed header.
 */
static __always_inline int slb_gtpu_walk(struct __sk_buff *skb, __u32 off, const __u8 *g,
					 struct slb_gtp_hdr *h)
{
	__u8 opt[4], ext[3];
	__u8 next, elen;
	int i;

	h->len = ((__u32)g[2] << 8) | g[3];
	h->hlen = 8;
	h->has_qfi = 0;
	h->qfi = 0;
	if (!(g[0] & SLB_GTP_FLAGS_OPT))
		return 0;
	if (h->len < 4 || bpf_skb_load_bytes(skb, off + 8, opt, sizeof(opt)))
		return -1;
	h->hlen = 12;
	next = (g[0] & SLB_GTP_FLAG_E) ? opt[3] : 0;
	for (i = 0; i < SLB_GTP_MAX_EXT && next; i++) {
		if (bpf_skb_load_bytes(skb, off + h->hlen, ext, sizeof(ext)))
			return -1;
		/* The length counts 4-octet units, this length octet and the next-type octet included. */
		elen = ext[0];
		if (!elen || h->hlen + 4 * (__u32)elen > h->len + 8)
			return -1;
		if (next == SLB_GTP_EXT_PDU_SESSION) {
			if ((ext[1] >> 4) != SLB_GTP_PDU_UL)
				return -1;
			h->qfi = ext[2] & 0x3f;
			h->has_qfi = 1;
		}
		if (bpf_skb_load_bytes(skb, off + h->hlen + 4 * (__u32)elen - 1, &next, 1))
			return -1;
		h->hlen += 4 * (__u32)elen;
	}
	return next ? -1 : 0;
}

/*
 * The uplink G-PDU `pkt` (UDP to port 2152) of a session: decapsulated and forwarded. Returns
 * the TC verdict, or -1 when it belongs to no session.
 */
static __attribute__((noinline)) int slb_gtpu_uplink(struct __sk_buff *skb,
						     const struct slb_pkt *pkt)
{
	const struct slb_gtp_ulcl_val *cls;
	const struct slb_gtp_ul_val *sess;
	struct slb_gtp_ulcl_key ck = {};
	struct slb_gtp_ul_key key = {};
	struct bpf_redir_neigh rn;
	struct bpf_fib_lookup fib;
	__u32 off = pkt->l4_off + 8, inner, counter = SLB_CNT_GTPU_UL_DECAP;
	__be16 udp_len, ip_len, inner_len;
	__u8 macs[2 * ETH_ALEN];
	struct slb_gtp_hdr h;
	__be32 ue, nh, sid;
	__u8 g[8], ver;
	long rc;

	if (bpf_skb_load_bytes(skb, off, g, sizeof(g)))
		return -1;
	if ((g[0] & 0xf0) != SLB_GTP_FLAGS_V1 || g[1] != SLB_GTP_GPDU)
		return -1;
	__builtin_memcpy(&key.teid, g + 4, sizeof(key.teid));
	key.addr = pkt->daddr;
	sess = bpf_map_lookup_elem(&slb_gtp_ul, &key);
	if (!sess)
		return -1;
	sid = sess->sess_id;
	ue = sess->ue;
	/* Several G-PDUs in one UDP GSO packet: each gets its own decapsulation once segmented. */
	if (skb->gso_size)
		return slb_gtpu_resegment(skb);
	/* A session's G-PDU from here on: what does not add up is dropped, and counted. */
	if (bpf_skb_load_bytes(skb, pkt->l4_off + 4, &udp_len, 2) ||
	    bpf_skb_load_bytes(skb, SLB_L3_OFF + 2, &ip_len, 2))
		goto malformed;
	if (bpf_ntohs(udp_len) < 16 ||
	    pkt->l4_off - SLB_L3_OFF + bpf_ntohs(udp_len) > bpf_ntohs(ip_len))
		goto malformed;
	if (slb_gtpu_walk(skb, off, g, &h) || h.len + 16 != bpf_ntohs(udp_len))
		goto malformed;
	if (h.hlen + 20 > h.len + 8)
		goto malformed;
	inner = off + h.hlen;
	if (bpf_skb_load_bytes(skb, inner, &ver, 1) ||
	    bpf_skb_load_bytes(skb, inner + 2, &inner_len, 2) ||
	    bpf_skb_load_bytes(skb, inner + 16, &nh, 4))
		goto malformed;
	if ((ver >> 4) != 4 || (ver & 0xf) < 5)
		return slb_counted(SLB_CNT_DROP_GTPU_INNER, TC_ACT_SHOT);
	if (bpf_ntohs(inner_len) != h.len + 8 - h.hlen)
		goto malformed;
	if (bpf_skb_load_bytes(skb, inner + 12, &ck.ue, 4) || ck.ue != ue)
		return slb_counted(SLB_CNT_DROP_GTPU_INNER, TC_ACT_SHOT);
	if (h.has_qfi) {
		ck.qfi = h.qfi;
		cls = bpf_map_lookup_elem(&slb_gtp_ulcl, &ck);
		if (cls) {
			nh = cls->addr;
			counter = SLB_CNT_GTPU_UL_ULCL;
		}
	}

	__builtin_memset(&fib, 0, sizeof(fib));
	fib.family = SLB_AF_INET;
	fib.l4_protocol = 0;
	fib.ipv4_src = ue;
	fib.ipv4_dst = nh;
	fib.ifindex = skb->ifindex;
	rc = bpf_fib_lookup(skb, &fib, sizeof(fib), 0);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH)
		return slb_counted(SLB_CNT_DROP_GTPU_ROUTE, TC_ACT_SHOT);
	__builtin_memcpy(macs, fib.dmac, ETH_ALEN);
	__builtin_memcpy(macs + ETH_ALEN, fib.smac, ETH_ALEN);
	if (bpf_skb_adjust_room(skb, -(__s32)(inner - SLB_L3_OFF), BPF_ADJ_ROOM_MAC, 0))
		return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
	if (rc == BPF_FIB_LKUP_RET_SUCCESS && bpf_skb_store_bytes(skb, 0, macs, sizeof(macs), 0))
		return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
	slb_gtpu_account(sid, true, bpf_ntohs(inner_len));
	slb_count(counter);
	return slb_send(rc, fib.ifindex, SLB_AF_INET, fib.ipv6_dst, &rn);

malformed:
	return slb_counted(SLB_CNT_DROP_GTPU_MALFORMED, TC_ACT_SHOT);
}

/* Writes the 44 outer octets of a downlink G-PDU carrying `inner_len` octets of IPv4. */
static __always_inline int slb_gtpu_outer(struct __sk_buff *skb, const struct slb_gtp_dl_val *dl,
					  __u8 qfi, __u8 tos, __be16 frag, __u16 inner_len)
{
	__u8 o[SLB_GTP_ENCAP_LEN];

	__builtin_memset(o, 0, sizeof(o));
	o[0] = 0x45;
	o[1] = tos;
	*(__be16 *)&o[2] = bpf_htons(inner_len + SLB_GTP_ENCAP_LEN);
	*(__be16 *)&o[6] = frag & bpf_htons(SLB_IP_DF);
	o[8] = SLB_ICMP_TTL;
	o[9] = IPPROTO_UDP;
	__builtin_memcpy(&o[12], &dl->cn_addr, 4);
	__builtin_memcpy(&o[16], &dl->an_addr, 4);
	*(__u16 *)&o[10] = slb_csum_words((const __u16 *)o, 10);
	*(__be16 *)&o[20] = bpf_htons(SLB_GTP_PORT);
	*(__be16 *)&o[22] = bpf_htons(SLB_GTP_PORT);
	*(__be16 *)&o[24] = bpf_htons(inner_len + SLB_GTP_ENCAP_LEN - 20);
	/* o[26..27]: UDP checksum 0, none */
	o[28] = SLB_GTP_FLAGS_V1 | SLB_GTP_FLAG_E;
	o[29] = SLB_GTP_GPDU;
	*(__be16 *)&o[30] = bpf_htons(inner_len + 8);
	__builtin_memcpy(&o[32], &dl->an_teid, 4);
	/* o[36..38]: sequence number and N-PDU number, unused */
	o[39] = SLB_GTP_EXT_PDU_SESSION;
	o[40] = 1; /* one 4-octet unit */
	o[41] = SLB_GTP_PDU_DL << 4;
	o[42] = qfi & 0x3f;
	/* o[43]: no further extension header */
	return bpf_skb_store_bytes(skb, SLB_L3_OFF, o, sizeof(o), 0) ? -1 : 0;
}

/*
 * The downlink packet `pkt` to a session's UE: encapsulated toward the gNB. Returns the TC
 * verdict, or -1 when its destination is no session's UE.
 */
static __attribute__((noinline)) int slb_gtpu_downlink(struct __sk_buff *skb,
						       const struct slb_pkt *pkt)
{
	const struct slb_gtp_dlqfi_val *q;
	const struct slb_gtp_dl_val *dl;
	struct slb_gtp_dlqfi_key qk = {};
	struct bpf_redir_neigh rn;
	struct bpf_fib_lookup fib;
	__u8 macs[2 * ETH_ALEN];
	__be16 frag, ip_len;
	__u32 mtu = 0;
	__u8 qfi;
	long rc;

	dl = bpf_map_lookup_elem(&slb_gtp_dl, &pkt->daddr);
	if (!dl)
		return -1;
	qk.ue = pkt->daddr;
	qk.peer = pkt->saddr;
	q = bpf_map_lookup_elem(&slb_gtp_dlqfi, &qk);
	qfi = q ? q->qfi : dl->qfi;
	if (skb->gso_size)
		return slb_gtpu_resegment(skb);
	if (bpf_skb_load_bytes(skb, SLB_L3_OFF + 2, &ip_len, 2) ||
	    bpf_skb_load_bytes(skb, SLB_L3_OFF + 6, &frag, 2))
		return slb_counted(SLB_CNT_DROP_GTPU_MALFORMED, TC_ACT_SHOT);

	__builtin_memset(&fib, 0, sizeof(fib));
	fib.family = SLB_AF_INET;
	fib.l4_protocol = IPPROTO_UDP;
	fib.sport = bpf_htons(SLB_GTP_PORT);
	fib.dport = bpf_htons(SLB_GTP_PORT);
	fib.ipv4_src = dl->cn_addr;
	fib.ipv4_dst = dl->an_addr;
	fib.ifindex = skb->ifindex;
	rc = bpf_fib_lookup(skb, &fib, sizeof(fib), 0);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH)
		return slb_counted(SLB_CNT_DROP_GTPU_ROUTE, TC_ACT_SHOT);
	if (bpf_check_mtu(skb, fib.ifindex, &mtu, SLB_GTP_ENCAP_LEN, 0)) {
		if (!(frag & bpf_htons(SLB_IP_DF)) || mtu <= SLB_GTP_ENCAP_LEN)
			return slb_counted(SLB_CNT_DROP_GTPU_TOO_BIG, TC_ACT_SHOT);
		/* Counted as icmp_frag_needed, like DSR's (dsr.h). */
		return slb_icmp_frag_needed(skb, pkt, mtu - SLB_GTP_ENCAP_LEN, false);
	}
	__builtin_memcpy(macs, fib.dmac, ETH_ALEN);
	__builtin_memcpy(macs + ETH_ALEN, fib.smac, ETH_ALEN);
	if (bpf_skb_adjust_room(skb, SLB_GTP_ENCAP_LEN, BPF_ADJ_ROOM_MAC,
				BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_ENCAP_L4_UDP |
					BPF_F_ADJ_ROOM_ENCAP_L2(SLB_GTP_HDR_LEN)))
		return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
	if (slb_gtpu_outer(skb, dl, qfi, pkt->tos, frag, bpf_ntohs(ip_len)))
		return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
	if (rc == BPF_FIB_LKUP_RET_SUCCESS && bpf_skb_store_bytes(skb, 0, macs, sizeof(macs), 0))
		return slb_counted(SLB_CNT_DROP_REWRITE, TC_ACT_SHOT);
	slb_gtpu_account(dl->sess_id, false, bpf_ntohs(ip_len));
	slb_count(SLB_CNT_GTPU_DL_ENCAP);
	return slb_send(rc, fib.ifindex, SLB_AF_INET, fib.ipv6_dst, &rn);
}

/*
 * The GTPU stage's work on the ingress IPv4 packet `pkt`: a session's uplink G-PDU or downlink
 * packet is handled (TC verdict); anything else returns -1, untouched.
 */
static __always_inline int slb_gtpu_handle(struct __sk_buff *skb, const struct slb_pkt *pkt,
					   bool egress)
{
	int rc;

	if (egress)
		return -1;
	if (pkt->proto == IPPROTO_UDP && pkt->dport == bpf_htons(SLB_GTP_PORT)) {
		rc = slb_gtpu_uplink(skb, pkt);
		if (rc >= 0)
			return rc;
	}
	return slb_gtpu_downlink(skb, pkt);
}

#endif /* SLB_GTPU_H */
