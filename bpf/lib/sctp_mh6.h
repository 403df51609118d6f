/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * sctp_mh6.h - SCTP multihoming for IPv6 rules: the work of the SCTPMH6 stage.
 *
 * The IPv6 twin of sctp_mh.h (read it first): the same chunks reach it, from V6 instead of the
 * entry (pipeline6.h), for the associations of an IPv6 SCTP rule with secondary VIPs
 * (slb_sctp_mh6, full addresses). The rules are the same with IPv6 address parameters (type 6,
 * 20 bytes) in the role of the IPv4 ones:
 *   INIT, default mode   IPv6 parameters other than C0 are kept, up to n of them; further
 *                        ones become C0.
 *   INIT, full NAT       the k-th IPv6 parameter other than C0 becomes Vk, C0 and further V0.
 *   INIT ACK             the k-th IPv6 parameter becomes Vk, further ones V0.
 *   IPv4 and host name parameters become PAD parameters (an IPv4 address zeroed): an IPv6
 *   rule has no IPv4 VIP to offer in their place.
 * Paths, the association record (slb_sctp_assoc6, same key as slb_sctp_assoc), the states every
 * path takes together, and the ASCONF drop are sctp_mh.h's, with IPv6 conntrack keys (ct6.h).
 * Its own stage keeps the IPv4 stage's verifier cost where it was: an address here is four
 * words, every one of them compared, stored and folded into the CRC32c.
 */
#ifndef SLB_SCTP_MH6_H
#define SLB_SCTP_MH6_H

#include "compiler.h"
#include "ct.h"
#include "ct6.h"
#include "ctx.h"
#include "lb_select.h"
#include "maps.h"
#include "parse6.h"
#include "sctp.h"
#include "sctp_mh.h"
#include "stats.h"
#include "swiftlb_sctp.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct slb_sctp_mh6);
	__uint(max_entries, SLB_SCTP_MH_MAX_SERVICES);
} slb_sctp_mh6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct slb_sctp_assoc_key);
	__type(value, struct slb_sctp_assoc6);
	__uint(max_entries, SLB_SCTP_ASSOC6_MAX);
} slb_sctp_assoc6 SEC(".maps");

_Static_assert(__builtin_strcmp("slb_sctp_mh6", SLB_MAP_SCTP_MH6) == 0, "slb_sctp_mh6 pin name");
_Static_assert(__builtin_strcmp("slb_sctp_assoc6", SLB_MAP_SCTP_ASSOC6) == 0, "assoc6 name");

/* The rewrite of one IPv6 INIT or INIT ACK, per CPU (off the stage's stack). */
struct slb_sctp_mh6_work {
	__be32 want[SLB_SCTP_MH_MAX_PATHS][4];	/* what the k-th IPv6 parameter becomes */
	__be32 found[SLB_SCTP_MH_MAX_PATHS][4]; /* the k-th IPv6 parameter as it came */
	__be32 fallback[4];			/* what further IPv6 parameters become (not kept) */
	__be32 source[4]; /* INIT: C0 (kept: what further ones become); else 0 */
	__be32 addr[4];	  /* the parameter being rewritten, as it came */
	__be32 out[4];	  /* and what it becomes */
	__u32 nwant;
	__u32 nfound;
	__u32 keep; /* 1: default-mode INIT, IPv6 parameters kept */
	__u32 crc;  /* XOR of the words' CRC changes */
	struct slb_sctp_assoc6 assoc;
	struct slb_ct_key fwd;
	struct slb_ct_key rev;
	struct slb_ct_val val;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_sctp_mh6_work);
	__uint(max_entries, 1);
} slb_sctp_mh6_work SEC(".maps");

static __always_inline bool slb_sctp_mh6_eq(const __be32 *a, const __be32 *b)
{
	return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3])) == 0;
}

static __always_inline void slb_sctp_mh6_cp(__be32 *dst, const __be32 *src)
{
	dst[0] = src[0];
	dst[1] = src[1];
	dst[2] = src[2];
	dst[3] = src[3];
}

/* Sets w->out to what the IPv6 address parameter w->addr becomes (see the top of this file). */
static __always_inline void slb_sctp_mh6_addr(struct slb_sctp_mh6_work *w)
{
	__u32 k = w->nfound;

	if (k >= SLB_SCTP_MH_MAX_PATHS || k >= w->nwant || slb_sctp_mh6_eq(w->addr, w->source)) {
		slb_sctp_mh6_cp(w->out, w->keep ? w->source : w->fallback);
		return;
	}
	/* Bounded on its own: Linux 6.1 loses the bound of a combined test (sctp_mh.h). */
	if (k >= SLB_SCTP_MH_MAX_PATHS)
		return;
	barrier_var(k);
	slb_sctp_mh6_cp(w->found[k], w->addr);
	w->nfound = k + 1;
	slb_sctp_mh6_cp(w->out, w->keep ? w->addr : w->want[k]);
}

/*
 * The IPv6 address parameter at `off` (`rel` bytes into the `len`-byte SCTP packet): rewritten
 * as w says. Returns 0 or -1.
 */
static __always_inline int slb_sctp_mh6_param6(struct __sk_buff *skb, struct slb_sctp_mh6_work *w,
					       __u32 off, __u32 rel, __u32 len)
{
	__u32 j;

	if (bpf_skb_load_bytes(skb, off, w->addr, sizeof(w->addr)))
		return -1;
	slb_sctp_mh6_addr(w);
#pragma clang loop unroll(full)
	for (j = 0; j < 4; j++) {
		if (slb_sctp_mh_store(skb, &w->crc, off + 4 * j, rel + 4 * j, len, w->addr[j],
				      w->out[j]))
			return -1;
	}
	return 0;
}

/*
 * Rewrites the address parameters of the IPv6 INIT or INIT ACK `p` as `w` says and fixes its
 * CRC32c. Returns 0, or -1 when the chunk is malformed or could not be rewritten.
 */
static __always_inline int slb_sctp_mh6_rewrite(struct __sk_buff *skb, const struct slb_pkt6 *p,
						struct slb_sctp_mh6_work *w)
{
	__u32 l4 = p->base.l4_off, len, end, off, crc, word, plen, i, hlen;
	union {
		__u32 word;
		__be16 h[2];
	} hd;

	hlen = l4 - SLB_L3_OFF;
	if (hlen < 40 || hlen > 1024 || p->plen + 40 < hlen)
		return -1;
	len = p->plen + 40 - hlen;
	if (len < SLB_SCTP_HDR_LEN + SLB_SCTP_INIT_FIXED || len > 0xffff)
		return -1;
	if (bpf_skb_load_bytes(skb, l4 + SLB_SCTP_HDR_LEN, &hd, sizeof(hd)))
		return -1;
	end = bpf_ntohs(hd.h[1]);
	if (end < SLB_SCTP_INIT_FIXED || end > len - SLB_SCTP_HDR_LEN)
		return -1;
	end += SLB_SCTP_HDR_LEN;
	off = SLB_SCTP_HDR_LEN + SLB_SCTP_INIT_FIXED;
	w->crc = 0;
	for (i = 0; i < SLB_SCTP_MH_MAX_PARAMS; i++) {
		if (off + 4 > end)
			break;
		if (bpf_skb_load_bytes(skb, l4 + off, &hd, sizeof(hd)))
			return -1;
		plen = bpf_ntohs(hd.h[1]);
		if (plen < 4 || off + plen > end)
			return -1;
		if (hd.h[0] == bpf_htons(SLB_SCTP_PARAM_IPV6)) {
			if (plen != 20 || slb_sctp_mh6_param6(skb, w, l4 + off + 4, off + 4, len))
				return -1;
		} else if (hd.h[0] == bpf_htons(SLB_SCTP_PARAM_IPV4) ||
			   hd.h[0] == bpf_htons(SLB_SCTP_PARAM_HOSTNAME)) {
			word = hd.word;
			hd.h[0] = bpf_htons(SLB_SCTP_PARAM_PAD);
			if (slb_sctp_mh_store(skb, &w->crc, l4 + off, off, len, word, hd.word))
				return -1;
			if (plen == 8 &&
			    (bpf_skb_load_bytes(skb, l4 + off + 4, &word, 4) ||
			     slb_sctp_mh_store(skb, &w->crc, l4 + off + 4, off + 4, len, word, 0)))
				return -1;
		}
		off += (plen + 3) & ~3u;
		if (off > 0xffff)
			return -1;
	}
	if (!w->crc)
		return 0;
	if (bpf_skb_load_bytes(skb, l4 + SLB_SCTP_CSUM_OFF, &crc, sizeof(crc)))
		return -1;
	crc ^= w->crc;
	return bpf_skb_store_bytes(skb, l4 + SLB_SCTP_CSUM_OFF, &crc, sizeof(crc), 0) ? -1 : 0;
}

/*
 * Fills w->want with the VIPs of `mh` other than `v0`, in the set's order, and w->fallback with
 * v0. Returns how many there are.
 */
static __always_inline __u32 slb_sctp_mh6_others(struct slb_sctp_mh6_work *w,
						 const struct slb_sctp_mh6 *mh, const __be32 *v0)
{
	__u32 count = READ_ONCE(mh->count), n = 0, i;

	slb_sctp_mh6_cp(w->fallback, v0);
	for (i = 0; i < SLB_SCTP_MH_MAX_VIPS; i++) {
		if (n >= SLB_SCTP_MH_MAX_PATHS)
			break;
		barrier_var(n);
		if (i >= count || slb_sctp_mh6_eq(mh->vip[i], w->fallback))
			continue;
		slb_sctp_mh6_cp(w->want[n], mh->vip[i]);
		n++;
	}
	w->nwant = n;
	w->nfound = 0;
	return n;
}

/* slb_sctp_mh_path_add (sctp_mh.h) for IPv6 path (caddr, vip). */
static __always_inline int slb_sctp_mh6_path_add(struct slb_sctp_mh6_work *w,
						 const struct slb_ct_key *key,
						 const struct slb_ct_val *ct, const __be32 *caddr,
						 const __be32 *vip, __be32 client_tag, __u64 now)
{
	bool fullnat = READ_ONCE(ct->nat.flags) & SLB_NAT_SRC;
	struct slb_ct_key *fwd = &w->fwd, *rev = &w->rev;
	struct slb_ct_val *val = &w->val;
	long err;

	__builtin_memcpy(fwd, key, sizeof(*fwd));
	slb_sctp_mh6_cp(fwd->saddr, caddr);
	slb_sctp_mh6_cp(fwd->daddr, vip);
	slb_sctp_mh_path_val(val, ct, now);
	if (fullnat)
		slb_sctp_mh6_cp(val->nat.saddr, vip);
	slb_ct_twin_key(rev, fwd, &val->nat);
	err = slb_ct_add(fwd, val);
	if (err == -EEXIST)
		return 0;
	if (err)
		return slb_sctp_mh_path_failed();
	val->vtag = client_tag;
	if (fullnat)
		slb_ct6_set_nat(val, SLB_DIR_REV, SLB_NAT_SRC | SLB_NAT_DST, vip, key->dport, caddr,
				key->sport, SLB_AF_INET6);
	else
		slb_ct6_set_nat(val, SLB_DIR_REV, SLB_NAT_SRC, vip, key->dport, NULL, 0,
				SLB_AF_INET6);
	return slb_sctp_mh_path_rev(fwd, rev, val, now);
}

/*
 * The client's INIT `p` of a multihomed IPv6 service (`mh`), primary forward entry `key`/`ct`:
 * rewrites its addresses, creates its paths and records them. Returns 0 or -1 (malformed).
 */
static __always_inline int slb_sctp_mh6_init(struct __sk_buff *skb, const struct slb_pkt6 *p,
					     const struct slb_ct_key *key,
					     const struct slb_ct_val *ct,
					     const struct slb_sctp_mh6 *mh,
					     struct slb_sctp_mh6_work *w, __u64 now)
{
	struct slb_sctp_assoc_key akey = {};
	__u8 flags = READ_ONCE(ct->nat.flags);
	__be32 client_tag;
	__u32 k;

	slb_sctp_mh6_others(w, mh, p->daddr);
	w->keep = !(flags & SLB_NAT_SRC);
	slb_sctp_mh6_cp(w->source, p->saddr);
	/* Full NAT from another source than the VIP: one path, addresses hidden (sctp_mh.h). */
	if ((flags & SLB_NAT_SRC) && !slb_sctp_mh6_eq(ct->nat.saddr, p->daddr)) {
		w->nwant = 0;
		slb_sctp_mh6_cp(w->fallback, ct->nat.saddr);
	}
	if (slb_sctp_mh6_rewrite(skb, p, w))
		return -1;
	slb_count(SLB_CNT_SCTP_MH_REWRITE);
	if (bpf_skb_load_bytes(skb, p->base.l4_off + SLB_SCTP_INIT_TAG_OFF, &client_tag, 4))
		return -1;
	__builtin_memset(&w->assoc, 0, sizeof(w->assoc));
	w->assoc.paths = 1;
	slb_sctp_mh6_cp(w->assoc.caddr[0], p->saddr);
	slb_sctp_mh6_cp(w->assoc.vip[0], p->daddr);
#pragma clang loop unroll(full)
	for (k = 0; k < SLB_SCTP_MH_MAX_PATHS; k++) {
		__u32 n = w->assoc.paths;

		if (n >= SLB_SCTP_MH_MAX_VIPS)
			break;
		barrier_var(n);
		if (k >= w->nfound || k >= w->nwant)
			break;
		if (slb_sctp_mh6_path_add(w, key, ct, w->found[k], w->want[k], client_tag, now))
			continue;
		slb_sctp_mh6_cp(w->assoc.caddr[n], w->found[k]);
		slb_sctp_mh6_cp(w->assoc.vip[n], w->want[k]);
		w->assoc.paths = n + 1;
	}
	akey.client_tag = client_tag;
	akey.cport = p->base.sport;
	akey.vport = p->base.dport;
	bpf_map_update_elem(&slb_sctp_assoc6, &akey, &w->assoc, BPF_ANY);
	return 0;
}

/* slb_sctp_mh_path_state (sctp_mh.h) for path k of the IPv6 association `a`. */
static __always_inline void slb_sctp_mh6_path_set(struct slb_sctp_mh6_work *w,
						  const struct slb_ct_key *tmpl,
						  const struct slb_sctp_assoc6 *a,
						  const struct slb_sctp_assoc_key *akey, __u32 k,
						  __u8 state, __be32 ftag)
{
	if (k >= SLB_SCTP_MH_MAX_VIPS)
		return;
	barrier_var(k);
	__builtin_memcpy(&w->fwd, tmpl, sizeof(w->fwd));
	slb_sctp_mh6_cp(w->fwd.saddr, a->caddr[k]);
	slb_sctp_mh6_cp(w->fwd.daddr, a->vip[k]);
	w->fwd.sport = akey->cport;
	w->fwd.dport = akey->vport;
	slb_sctp_mh_path_state(&w->fwd, &w->rev, akey, state, ftag);
}

/* slb_sctp_mh_sync (sctp_mh.h) for an IPv6 association: every path to the chunk's state. */
static __always_inline void slb_sctp_mh6_sync(struct slb_sctp_mh6_work *w, const struct slb_pkt6 *p,
					      const struct slb_ct_key *key,
					      const struct slb_ct_val *ct)
{
	struct slb_sctp_assoc_key akey = {};
	struct slb_sctp_assoc6 *a;
	__be32 ftag = 0;
	__u8 state;
	__u32 k;

	state = p->base.chunk == SLB_SCTP_COOKIE_ACK ? SLB_CT_ESTABLISHED : SLB_CT_CLOSED;
	if (!slb_sctp_mh_assoc_of(key, ct, &w->rev, &akey, &ftag))
		return;
	a = bpf_map_lookup_elem(&slb_sctp_assoc6, &akey);
	if (!a)
		return;
#pragma clang loop unroll(full)
	for (k = 0; k < SLB_SCTP_MH_MAX_VIPS; k++) {
		if (k >= READ_ONCE(a->paths))
			break;
		slb_sctp_mh6_path_set(w, key, a, &akey, k, state, ftag);
	}
	if (state == SLB_CT_CLOSED)
		bpf_map_delete_elem(&slb_sctp_assoc6, &akey);
}

/*
 * The SCTPMH6 stage's work on `p` of the live IPv6 entry `key`/`ct`. Returns -1 to go on
 * (accounting and forwarding), or a TC verdict.
 */
static __always_inline int slb_sctp_mh6_packet(struct __sk_buff *skb, const struct slb_pkt6 *p,
					       const struct slb_ct_key *key, struct slb_ct_val *ct,
					       __u64 now)
{
	__u32 id = READ_ONCE(ct->svc_id), zero = 0;
	__u8 dir = ct->dir, chunk = p->base.chunk;
	struct slb_sctp_mh6_work *w;
	struct slb_sctp_mh6 *mh;

	mh = bpf_map_lookup_elem(&slb_sctp_mh6, &id);
	if (!mh)
		return -1;
	if (slb_sctp_mh_asconf(skb, &p->base))
		return slb_counted(SLB_CNT_DROP_SCTP_ASCONF, TC_ACT_SHOT);
	w = bpf_map_lookup_elem(&slb_sctp_mh6_work, &zero);
	if (!w)
		return -1;
	if (chunk == SLB_SCTP_INIT && dir == SLB_DIR_FWD)
		return slb_sctp_mh6_init(skb, p, key, ct, mh, w, now) ?
			       slb_counted(SLB_CNT_DROP_SCTP_MH, TC_ACT_SHOT) :
			       -1;
	/* An endpoint's INIT (associations crossing) is hidden like its INIT ACK. */
	if ((chunk == SLB_SCTP_INIT_ACK || chunk == SLB_SCTP_INIT) && dir == SLB_DIR_REV) {
		/* Replies leave from the VIP the reply entry restores: V0 of this path. */
		slb_sctp_mh6_others(w, mh, ct->nat.saddr);
		w->keep = 0;
		__builtin_memset(w->source, 0, sizeof(w->source));
		/* Full NAT from a source pool: the INIT kept one path, so the client gets one VIP. */
		if ((READ_ONCE(ct->nat.flags) & SLB_NAT_DST) &&
		    !slb_sctp_mh6_eq(key->daddr, w->fallback))
			w->nwant = 0;
		if (slb_sctp_mh6_rewrite(skb, p, w))
			return slb_counted(SLB_CNT_DROP_SCTP_MH, TC_ACT_SHOT);
		slb_count(SLB_CNT_SCTP_MH_REWRITE);
		return -1;
	}
	if (chunk == SLB_SCTP_COOKIE_ACK || chunk == SLB_SCTP_ABORT ||
	    chunk == SLB_SCTP_SHUTDOWN_COMPLETE)
		slb_sctp_mh6_sync(w, p, key, ct);
	return -1;
}

#endif /* SLB_SCTP_MH6_H */
