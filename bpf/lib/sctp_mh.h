/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * sctp_mh.h - SCTP multihoming (RFC 9260 6.4) through the load balancer: the SCTPMH stage.
 *
 * A multihomed IPv4 SCTP rule has a VIP set (swiftlb_sctp.h: slb_sctp_mh, primary first). The
 * packets of its associations whose first chunk is INIT, INIT ACK, COOKIE ACK, ABORT, SHUTDOWN
 * COMPLETE, ASCONF, ASCONF ACK or AUTH leave the entry program for this stage (pipeline.h); DATA,
 * SACK and HEARTBEAT stay on the fast path.
 *
 * Addresses. The INIT and INIT ACK list their sender's other addresses as parameters (type 5
 * IPv4, 6 IPv6, 11 host name). The association's primary path is the INIT's: client address C0
 * to VIP V0. Its other VIPs, in the set's order without V0, are V1.. Vn. Rewritten in place (the
 * packet keeps its length; each changed word updates the CRC32c incrementally, sctp.h):
 *   INIT, default mode   IPv4 parameters other than C0 are kept, up to n of them: the endpoint
 *                        sees the client's addresses, which it reaches through the load balancer
 *                        (its route back). Further ones become C0.
 *   INIT, full NAT       the k-th IPv4 parameter other than C0 becomes Vk (k = 1..n), C0 and
 *                        further ones V0: the endpoint sees the VIPs, the flow's sources.
 *   INIT ACK             the k-th IPv4 parameter becomes Vk, further ones V0: the client sees only
 *                        the VIP set.
 *   IPv6 and host name parameters become PAD parameters (RFC 4820, type 0x8005, skipped by the
 *   peer), an IPv6 address zeroed. An INIT or INIT ACK is never bundled (RFC 9260 6.10), so its
 *   parameters run to the end of the chunk; at most SLB_SCTP_MH_MAX_PARAMS are read.
 * This happens for every INIT and INIT ACK, whatever the state of the entry it meets: a re-INIT
 * on an established association (an endpoint restart) is rewritten like the first (loxilb
 * issue 1113 leaked the client's addresses there).
 *
 * Paths. The INIT's k-th kept client address Ck pairs with Vk: path k has both entries created
 * with the primary's endpoint, state and service, Ck:cport -> Vk:vport forward and the reply
 * entry (default: endpoint -> Ck:cport; full NAT: endpoint -> Vk:nat port, the primary's port).
 * slb_sctp_assoc records the paths under the client's Initiate Tag: a COOKIE ACK brings every
 * path to ESTABLISHED (and gives them the verification tags), an ABORT or SHUTDOWN COMPLETE on
 * any path closes all of them, so they expire together.
 *
 * ASCONF and ASCONF ACK (RFC 5061: adding or deleting addresses after the handshake), also behind
 * an AUTH chunk, are dropped and counted: the load balancer cannot translate the new addresses.
 * The peer's ASCONF times out and the association keeps the addresses of its handshake.
 */
#ifndef SLB_SCTP_MH_H
#define SLB_SCTP_MH_H

#include "compiler.h"
#include "ct.h"
#include "ctx.h"
#include "lb_select.h"
#include "maps.h"
#include "parse.h"
#include "sctp.h"
#include "stats.h"
#include "swiftlb_sctp.h"

#define SLB_SCTP_ASCONF_ACK 0x80
#define SLB_SCTP_ASCONF 0xc1
#define SLB_SCTP_AUTH 15

#define SLB_SCTP_PARAM_IPV4 5
#define SLB_SCTP_PARAM_IPV6 6
#define SLB_SCTP_PARAM_HOSTNAME 11
#define SLB_SCTP_PARAM_PAD 0x8005

/* INIT / INIT ACK: chunk header, Initiate Tag, a_rwnd, streams, initial TSN; then parameters. */
#define SLB_SCTP_INIT_FIXED 20
#define SLB_SCTP_MH_MAX_PARAMS 16
/* Paths besides the primary one. */
#define SLB_SCTP_MH_MAX_PATHS (SLB_SCTP_MH_MAX_VIPS - 1)

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct slb_sctp_mh);
	__uint(max_entries, SLB_SCTP_MH_MAX_SERVICES);
} slb_sctp_mh SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct slb_sctp_assoc_key);
	__type(value, struct slb_sctp_assoc);
	__uint(max_entries, SLB_SCTP_ASSOC_MAX);
} slb_sctp_assoc SEC(".maps");

_Static_assert(__builtin_strcmp("slb_sctp_mh", SLB_MAP_SCTP_MH) == 0, "slb_sctp_mh pin name");
_Static_assert(__builtin_strcmp("slb_sctp_assoc", SLB_MAP_SCTP_ASSOC) == 0, "slb_sctp_assoc name");

/* The rewrite of one INIT or INIT ACK, per CPU (off the stage's stack). */
struct slb_sctp_mh_work {
	__be32 want[SLB_SCTP_MH_MAX_PATHS];  /* what the k-th IPv4 parameter becomes (keep: 0) */
	__be32 found[SLB_SCTP_MH_MAX_PATHS]; /* default-mode INIT: the client addresses kept */
	__be32 fallback;		     /* what further IPv4 parameters become */
	__be32 source;			     /* INIT: C0, never paired with another VIP; else 0 */
	__u32 nwant;			     /* entries of want[] */
	__u32 nfound;
	__u32 keep; /* 1: default-mode INIT, IPv4 parameters kept */
	__u32 crc;  /* XOR of the words' CRC changes */
	struct slb_sctp_assoc assoc;
	/* A path's entries being made or changed. */
	struct slb_ct_key fwd;
	struct slb_ct_key rev;
	struct slb_ct_val val;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_sctp_mh_work);
	__uint(max_entries, 1);
} slb_sctp_mh_work SEC(".maps");

/* Whether a packet whose first chunk is `chunk` goes to the SCTPMH stage. */
static __always_inline bool slb_sctp_mh_chunk(__u8 chunk)
{
	return chunk == SLB_SCTP_INIT || chunk == SLB_SCTP_INIT_ACK ||
	       chunk == SLB_SCTP_COOKIE_ACK || chunk == SLB_SCTP_ABORT ||
	       chunk == SLB_SCTP_SHUTDOWN_COMPLETE || chunk == SLB_SCTP_ASCONF ||
	       chunk == SLB_SCTP_ASCONF_ACK || chunk == SLB_SCTP_AUTH;
}

/*
 * Replaces the 4 bytes at `off` (an offset of the frame, `rel` bytes into the `len`-byte SCTP
 * packet) by `new`, folding the CRC32c change into *crc. Returns 0 or -1. For both families.
 */
static __always_inline int slb_sctp_mh_store(struct __sk_buff *skb, __u32 *crc, __u32 off,
					     __u32 rel, __u32 len, __u32 old, __u32 new)
{
	if (old == new)
		return 0;
	if (bpf_skb_store_bytes(skb, off, &new, sizeof(new), 0))
		return -1;
	*crc ^= slb_crc32c_shifted(old ^ new, len - rel);
	return 0;
}

/* What the IPv4 address parameter `addr` becomes (`w` says how; see the top of this file). */
static __always_inline __be32 slb_sctp_mh_addr(struct slb_sctp_mh_work *w, __be32 addr)
{
	__u32 k = w->nfound;

	/* Bounded first, on its own: Linux 6.1 loses the bound of a combined test (unbounded access). */
	if (k >= SLB_SCTP_MH_MAX_PATHS)
		return w->keep && addr == w->source ? addr : w->keep ? w->source : w->fallback;
	barrier_var(k);
	if (w->keep) {
		if (addr == w->source)
			return addr;
		if (k >= w->nwant)
			return w->source;
		w->found[k] = addr;
		w->nfound = k + 1;
		return addr;
	}
	if (addr == w->source || k >= w->nwant)
		return w->fallback;
	w->found[k] = addr;
	w->nfound = k + 1;
	return w->want[k];
}

/*
 * Rewrites the address parameters of the INIT or INIT ACK `pkt` as `w` says and fixes its CRC32c.
 * Returns 0, or -1 when the chunk is malformed or could not be rewritten.
 */
static __always_inline int slb_sctp_mh_rewrite(struct __sk_buff *skb, const struct slb_pkt *pkt,
					       struct slb_sctp_mh_work *w)
{
	__u32 l4 = pkt->l4_off, len, end, off, crc;
	union {
		__u32 word;
		__be16 h[2];
	} hd;
	__u32 word, addr, plen, i, j;
	__be16 tot_len;

	if (l4 < SLB_L3_OFF + 20 || l4 > SLB_L3_OFF + 60)
		return -1;
	if (bpf_skb_load_bytes(skb, SLB_L3_OFF + offsetof(struct iphdr, tot_len), &tot_len,
			       sizeof(tot_len)))
		return -1;
	len = bpf_ntohs(tot_len);
	if (len < l4 - SLB_L3_OFF + SLB_SCTP_HDR_LEN + SLB_SCTP_INIT_FIXED)
		return -1;
	len -= l4 - SLB_L3_OFF;
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
		if (hd.h[0] == bpf_htons(SLB_SCTP_PARAM_IPV4)) {
			if (plen != 8 || bpf_skb_load_bytes(skb, l4 + off + 4, &addr, 4))
				return -1;
			if (slb_sctp_mh_store(skb, &w->crc, l4 + off + 4, off + 4, len, addr,
					      slb_sctp_mh_addr(w, addr)))
				return -1;
		} else if (hd.h[0] == bpf_htons(SLB_SCTP_PARAM_IPV6) ||
			   hd.h[0] == bpf_htons(SLB_SCTP_PARAM_HOSTNAME)) {
			word = hd.word;
			hd.h[0] = bpf_htons(SLB_SCTP_PARAM_PAD);
			if (slb_sctp_mh_store(skb, &w->crc, l4 + off, off, len, word, hd.word))
				return -1;
			for (j = 1; j < 5 && plen == 20; j++) {
				if (bpf_skb_load_bytes(skb, l4 + off + 4 * j, &word, 4) ||
				    slb_sctp_mh_store(skb, &w->crc, l4 + off + 4 * j, off + 4 * j,
						      len, word, 0))
					return -1;
			}
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

/* Whether `pkt` (an ASCONF or ASCONF ACK, or an AUTH chunk followed by one) changes addresses. */
static __always_inline bool slb_sctp_mh_asconf(struct __sk_buff *skb, const struct slb_pkt *pkt)
{
	__be16 hdr[2] __attribute__((aligned(4)));
	__u8 next;
	__u32 off;

	if (pkt->chunk == SLB_SCTP_ASCONF || pkt->chunk == SLB_SCTP_ASCONF_ACK)
		return true;
	if (pkt->chunk != SLB_SCTP_AUTH)
		return false;
	if (bpf_skb_load_bytes(skb, pkt->l4_off + SLB_SCTP_HDR_LEN, hdr, sizeof(hdr)))
		return false;
	off = pkt->l4_off + SLB_SCTP_HDR_LEN + ((bpf_ntohs(hdr[1]) + 3) & ~3u);
	if (bpf_skb_load_bytes(skb, off, &next, 1))
		return false;
	return next == SLB_SCTP_ASCONF || next == SLB_SCTP_ASCONF_ACK;
}

/*
 * Fills w->want with the VIPs of `mh` other than `v0`, in the set's order, and w->fallback with
 * v0. Returns how many there are.
 */
static __always_inline __u32 slb_sctp_mh_others(struct slb_sctp_mh_work *w,
						const struct slb_sctp_mh *mh, __be32 v0)
{
	__u32 count = READ_ONCE(mh->count), n = 0, i;

#pragma clang loop unroll(full)
	for (i = 0; i < SLB_SCTP_MH_MAX_VIPS; i++) {
		__be32 vip = READ_ONCE(mh->vip[i]);

		if (n >= SLB_SCTP_MH_MAX_PATHS)
			break;
		barrier_var(n);
		if (i >= count || vip == v0)
			continue;
		w->want[n] = vip;
		n++;
	}
	w->nwant = n;
	w->nfound = 0;
	w->fallback = v0;
	return n;
}

/*
 * The value of a new path's forward entry in `val`: the primary's (`ct`), seen `now`, with no
 * packets, tag or next hop yet. For both families.
 */
static __always_inline void slb_sctp_mh_path_val(struct slb_ct_val *val,
						 const struct slb_ct_val *ct, __u64 now)
{
	__builtin_memcpy(val, ct, sizeof(*val));
	__builtin_memset(&val->nh, 0, sizeof(val->nh));
	val->last_seen_ns = now;
	val->packets = 0;
	val->bytes = 0;
	val->vtag = 0;
}

/* A path that could not be tracked: counted; returns -1. */
static __always_inline int slb_sctp_mh_path_failed(void)
{
	slb_count(SLB_CNT_SCTP_MH_PATH_FAIL);
	return -1;
}

/*
 * After a path's forward entry `fwd`: adds its reply entry `rev` (value `val`, a port another
 * flow left behind is taken over) and counts the path, or removes `fwd` again. Returns 0 or -1
 * (counted). For both families.
 */
static __always_inline int slb_sctp_mh_path_rev(const struct slb_ct_key *fwd,
						const struct slb_ct_key *rev,
						const struct slb_ct_val *val, __u64 now)
{
	long err = slb_ct_add(rev, val);

	if (err == -EEXIST && !slb_ct_rev_taken(rev, fwd, now))
		err = slb_ct_put(rev, val);
	if (err) {
		slb_ct_del(fwd);
		return slb_sctp_mh_path_failed();
	}
	slb_ep_conn_open(val->svc_id, val->ep_idx);
	slb_count(SLB_CNT_SCTP_MH_PATH);
	return 0;
}

/*
 * Creates path (caddr, vip) of the association whose primary forward entry is `ct` (key `key`):
 * its forward and reply entries with the primary's endpoint. An entry the path already has is
 * kept (a re-INIT). Returns 0, or -1 when the path could not be tracked (counted).
 */
static __always_inline int slb_sctp_mh_path_add(struct slb_sctp_mh_work *w,
						const struct slb_ct_key *key,
						const struct slb_ct_val *ct, __be32 caddr,
						__be32 vip, __be32 client_tag, __u64 now)
{
	bool fullnat = READ_ONCE(ct->nat.flags) & SLB_NAT_SRC;
	struct slb_ct_key *fwd = &w->fwd, *rev = &w->rev;
	struct slb_ct_val *val = &w->val;
	long err;

	__builtin_memcpy(fwd, key, sizeof(*fwd));
	fwd->saddr[0] = caddr;
	fwd->daddr[0] = vip;
	slb_sctp_mh_path_val(val, ct, now);
	if (fullnat)
		val->nat.saddr[0] = vip;
	slb_ct_twin_key(rev, fwd, &val->nat);
	err = slb_ct_add(fwd, val);
	if (err == -EEXIST)
		return 0;
	if (err)
		return slb_sctp_mh_path_failed();
	val->dir = SLB_DIR_REV;
	val->vtag = client_tag;
	__builtin_memset(&val->nat, 0, sizeof(val->nat));
	val->nat.family = SLB_AF_INET;
	val->nat.saddr[0] = vip;
	val->nat.sport = key->dport;
	val->nat.flags = SLB_NAT_SRC;
	if (fullnat) {
		val->nat.daddr[0] = caddr;
		val->nat.dport = key->sport;
		val->nat.flags = SLB_NAT_SRC | SLB_NAT_DST;
	}
	return slb_sctp_mh_path_rev(fwd, rev, val, now);
}

/*
 * The client's INIT `pkt` of a multihomed service (`mh`), primary forward entry `key`/`ct`:
 * rewrites its addresses, creates its paths and records them. Returns 0 or -1 (malformed).
 */
static __always_inline int slb_sctp_mh_init(struct __sk_buff *skb, const struct slb_pkt *pkt,
					    const struct slb_ct_key *key,
					    const struct slb_ct_val *ct,
					    const struct slb_sctp_mh *mh,
					    struct slb_sctp_mh_work *w, __u64 now)
{
	struct slb_sctp_assoc_key akey = {};
	__u8 flags = READ_ONCE(ct->nat.flags);
	__be32 client_tag;
	__u32 k;

	slb_sctp_mh_others(w, mh, pkt->daddr);
	w->keep = !(flags & SLB_NAT_SRC);
	w->source = pkt->saddr;
	/* Full NAT from another source than the VIP (a source pool): one path, addresses hidden. */
	if ((flags & SLB_NAT_SRC) && READ_ONCE(ct->nat.saddr[0]) != pkt->daddr) {
		w->nwant = 0;
		w->fallback = READ_ONCE(ct->nat.saddr[0]);
	}
	if (slb_sctp_mh_rewrite(skb, pkt, w))
		return -1;
	slb_count(SLB_CNT_SCTP_MH_REWRITE);
	if (bpf_skb_load_bytes(skb, pkt->l4_off + SLB_SCTP_INIT_TAG_OFF, &client_tag, 4))
		return -1;
	__builtin_memset(&w->assoc, 0, sizeof(w->assoc));
	w->assoc.paths = 1;
	w->assoc.caddr[0] = pkt->saddr;
	w->assoc.vip[0] = pkt->daddr;
#pragma clang loop unroll(full)
	for (k = 0; k < SLB_SCTP_MH_MAX_PATHS; k++) {
		__u32 p = w->assoc.paths;

		if (p >= SLB_SCTP_MH_MAX_VIPS)
			break;
		barrier_var(p);
		if (k >= w->nfound || k >= w->nwant)
			break;
		if (slb_sctp_mh_path_add(w, key, ct, w->found[k], w->want[k], client_tag, now))
			continue;
		w->assoc.caddr[p] = w->found[k];
		w->assoc.vip[p] = w->want[k];
		w->assoc.paths = p + 1;
	}
	akey.client_tag = client_tag;
	akey.cport = pkt->sport;
	akey.vport = pkt->dport;
	bpf_map_update_elem(&slb_sctp_assoc, &akey, &w->assoc, BPF_ANY);
	return 0;
}

/*
 * Brings the path whose forward key is w->fwd to `state`, both entries: ESTABLISHED only from
 * SYN_SENT or SYN_RECV, with the verification tags of the primary path (`ftag` for forward
 * packets, the client's tag in `akey` for replies); CLOSED from any state, giving back the
 * endpoint's open-flow count. For both families (sctp_mh6.h builds its IPv6 keys).
 */
static __always_inline void slb_sctp_mh_path_state(struct slb_ct_key *fwd, struct slb_ct_key *rev,
						   const struct slb_sctp_assoc_key *akey,
						   __u8 state, __be32 ftag)
{
	struct slb_ct_val *f, *r;
	__u8 old;

	f = slb_ct_find(fwd);
	if (!f || f->dir != SLB_DIR_FWD)
		return;
	slb_ct_twin_key(rev, fwd, &f->nat);
	r = slb_ct_find(rev);
	old = READ_ONCE(f->state);
	if (state == SLB_CT_ESTABLISHED) {
		if (old != SLB_CT_SYN_SENT && old != SLB_CT_SYN_RECV)
			return;
		if (ftag)
			WRITE_ONCE(f->vtag, ftag);
		if (r)
			WRITE_ONCE(r->vtag, akey->client_tag);
	} else if (slb_ct_state_open(old)) {
		slb_ep_conn_close(READ_ONCE(f->svc_id), READ_ONCE(f->ep_idx));
	}
	WRITE_ONCE(f->state, state);
	if (r)
		WRITE_ONCE(r->state, state);
}

/* slb_sctp_mh_path_state for path k of the IPv4 association `a` (key `akey`). */
static __always_inline void slb_sctp_mh_path_set(struct slb_sctp_mh_work *w,
						 const struct slb_ct_key *tmpl,
						 const struct slb_sctp_assoc *a,
						 const struct slb_sctp_assoc_key *akey, __u32 k,
						 __u8 state, __be32 ftag)
{
	if (k >= SLB_SCTP_MH_MAX_VIPS)
		return;
	barrier_var(k);
	__builtin_memcpy(&w->fwd, tmpl, sizeof(w->fwd));
	w->fwd.saddr[0] = a->caddr[k];
	w->fwd.daddr[0] = a->vip[k];
	w->fwd.sport = akey->cport;
	w->fwd.dport = akey->vport;
	slb_sctp_mh_path_state(&w->fwd, &w->rev, akey, state, ftag);
}

/*
 * The association of entry `key`/`ct` (its twin's key goes to `twin`): its key in `akey` and the
 * primary path's forward tag in `ftag`. Returns false when the client's tag is not known yet.
 * For both families.
 */
static __always_inline bool slb_sctp_mh_assoc_of(const struct slb_ct_key *key,
						 const struct slb_ct_val *ct,
						 struct slb_ct_key *twin,
						 struct slb_sctp_assoc_key *akey, __be32 *ftag)
{
	struct slb_ct_val *t;

	slb_ct_twin_key(twin, key, &ct->nat);
	t = slb_ct_find(twin);
	if (ct->dir == SLB_DIR_REV) {
		akey->client_tag = READ_ONCE(ct->vtag);
		akey->cport = twin->sport;
		akey->vport = twin->dport;
		*ftag = t ? READ_ONCE(t->vtag) : 0;
	} else {
		akey->client_tag = t ? READ_ONCE(t->vtag) : 0;
		akey->cport = key->sport;
		akey->vport = key->dport;
		*ftag = READ_ONCE(ct->vtag);
	}
	return akey->client_tag != 0;
}

/*
 * A COOKIE ACK, ABORT or SHUTDOWN COMPLETE `pkt` on any path of a recorded association (entry
 * `key`/`ct`): every path goes to the state the chunk leads to.
 */
static __always_inline void slb_sctp_mh_sync(struct slb_sctp_mh_work *w, const struct slb_pkt *pkt,
					     const struct slb_ct_key *key,
					     const struct slb_ct_val *ct)
{
	struct slb_sctp_assoc_key akey = {};
	struct slb_sctp_assoc *a;
	struct slb_ct_key twin;
	__be32 ftag = 0;
	__u8 state;
	__u32 k;

	if (pkt->chunk == SLB_SCTP_COOKIE_ACK)
		state = SLB_CT_ESTABLISHED;
	else
		state = SLB_CT_CLOSED;
	if (!slb_sctp_mh_assoc_of(key, ct, &twin, &akey, &ftag))
		return;
	a = bpf_map_lookup_elem(&slb_sctp_assoc, &akey);
	if (!a)
		return;
#pragma clang loop unroll(full)
	for (k = 0; k < SLB_SCTP_MH_MAX_VIPS; k++) {
		if (k >= READ_ONCE(a->paths))
			break;
		slb_sctp_mh_path_set(w, key, a, &akey, k, state, ftag);
	}
	if (state == SLB_CT_CLOSED)
		bpf_map_delete_elem(&slb_sctp_assoc, &akey);
}

/*
 * The SCTPMH stage's work on `pkt` of the live IPv4 entry `key`/`ct`. Returns -1 to go on
 * (accounting and forwarding), or a TC verdict.
 */
static __always_inline int slb_sctp_mh_packet(struct __sk_buff *skb, const struct slb_pkt *pkt,
					      const struct slb_ct_key *key, struct slb_ct_val *ct,
					      __u64 now)
{
	__u32 id = READ_ONCE(ct->svc_id), zero = 0;
	struct slb_sctp_mh_work *w;
	struct slb_sctp_mh *mh;
	__u8 dir = ct->dir;

	mh = bpf_map_lookup_elem(&slb_sctp_mh, &id);
	if (!mh)
		return -1;
	if (slb_sctp_mh_asconf(skb, pkt))
		return slb_counted(SLB_CNT_DROP_SCTP_ASCONF, TC_ACT_SHOT);
	w = bpf_map_lookup_elem(&slb_sctp_mh_work, &zero);
	if (!w)
		return -1;
	if (pkt->chunk == SLB_SCTP_INIT && dir == SLB_DIR_FWD)
		return slb_sctp_mh_init(skb, pkt, key, ct, mh, w, now) ?
			       slb_counted(SLB_CNT_DROP_SCTP_MH, TC_ACT_SHOT) :
			       -1;
	/* An endpoint's INIT (associations crossing) is hidden like its INIT ACK. */
	if ((pkt->chunk == SLB_SCTP_INIT_ACK || pkt->chunk == SLB_SCTP_INIT) &&
	    dir == SLB_DIR_REV) {
		/* Replies leave from the VIP the reply entry restores: V0 of this path. */
		slb_sctp_mh_others(w, mh, READ_ONCE(ct->nat.saddr[0]));
		w->keep = 0;
		w->source = 0;
		/* Full NAT from a source pool: the INIT kept one path, so the client gets one VIP. */
		if ((READ_ONCE(ct->nat.flags) & SLB_NAT_DST) && key->daddr[0] != w->fallback)
			w->nwant = 0;
		if (slb_sctp_mh_rewrite(skb, pkt, w))
			return slb_counted(SLB_CNT_DROP_SCTP_MH, TC_ACT_SHOT);
		slb_count(SLB_CNT_SCTP_MH_REWRITE);
		return -1;
	}
	if (pkt->chunk == SLB_SCTP_COOKIE_ACK || pkt->chunk == SLB_SCTP_ABORT ||
	    pkt->chunk == SLB_SCTP_SHUTDOWN_COMPLETE)
		slb_sctp_mh_sync(w, pkt, key, ct);
	return -1;
}

#endif /* SLB_SCTP_MH_H */
