/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * lb_select.h - service lookup and endpoint selection.
 *
 * A new flow's destination {address, port, protocol} is looked up in slb_svc; a hit names the
 * service id that indexes its endpoint set, its cursor, its selection table and its counters.
 * The endpoint slot is chosen by the service's algorithm (loxilb's `sel` codes):
 *   SLB_SEL_RR        a cursor per service shared by all CPUs and advanced atomically;
 *   SLB_SEL_HASH      the service's Maglev table (slb_sel_tbl) indexed by a jhash of the
 *                     5-tuple: a tuple keeps its endpoint, and adding or removing one of N
 *                     endpoints moves about 1/N of the tuples;
 *   SLB_SEL_PRIORITY  the cursor walks the service's smooth weighted sequence (weights honoured
 *                     exactly over any run of flows, interleaved);
 *   SLB_SEL_PERSIST   the client's remembered slot (slb_persist, keyed by the full IPv4 or IPv6
 *                     client address) while it is active and younger
 *                     than the persistence time (the service's inactive_timeout_s, default
 *                     SLB_PERSIST_DEFAULT_S); otherwise the Maglev table indexed by a hash of the
 *                     client address, remembered;
 *   SLB_SEL_LC        the active slot with the fewest open flows (slb_ep_conns) among
 *                     SLB_LC_WINDOW consecutive entries of the active list from a rotating
 *                     start: exact up to SLB_LC_WINDOW active endpoints, above that a
 *                     least-loaded choice within each window (docs/algorithms.md);
 *   SLB_SEL_N3        (UDP) the Maglev table indexed by a hash of the GTP-U TEID the caller
 *                     read (slb_select_n3): every packet of a tunnel goes to one endpoint,
 *                     whatever source port the gNB sends from; not GTP-U: as SLB_SEL_HASH.
 * Swift computes the tables over active endpoints only and lists the active slots compactly
 * (slb_ep_act, active_count of them), so round robin and every fallback take one entry of
 * that list: no per-packet loop grows with the number of endpoints. A slot is usable when
 * it holds an endpoint (slb_eps entry, family set) without SLB_EP_F_INACTIVE; when a table or
 * remembered slot names an unusable slot (the tables are being rewritten) or a service has no
 * table, the list entry the tuple hashes to is taken instead. Flows already tracked never come
 * here: conntrack keeps them on their endpoint whatever the tables say.
 *
 * Open flows per slot (slb_ep_conns) are counted for every algorithm: one more when a flow is
 * tracked (slb_ep_conn_open), one less when it closes or expires (slb_ep_conn_close, called by
 * ct.h), never below zero; the daemon recounts them from conntrack on every sweep.
 */
#ifndef SLB_LB_SELECT_H
#define SLB_LB_SELECT_H

#include "clock.h"
#include "compiler.h"
#include "maps.h"
#include "parse.h"

/* The endpoint a new flow was assigned to. */
struct slb_backend {
	__be32 addr;
	__be16 port;
	__u16 slot;
};

/* Returns the service {vip, port, proto} of IPv4, or NULL. */
static __always_inline struct slb_svc_val *slb_svc_find(__be32 vip, __be16 port, __u8 proto)
{
	struct slb_svc_key key;

	__builtin_memset(&key, 0, sizeof(key));
	key.vip[0] = vip;
	key.port = port;
	key.proto = proto;
	key.family = SLB_AF_INET;
	return bpf_map_lookup_elem(&slb_svc, &key);
}

/* Returns the IPv6 service {vip, port, proto}, or NULL. */
static __always_inline struct slb_svc_val *slb_svc_find6(const __be32 *vip, __be16 port, __u8 proto)
{
	struct slb_svc_key key;

	__builtin_memset(&key, 0, sizeof(key));
	__builtin_memcpy(key.vip, vip, sizeof(key.vip));
	key.port = port;
	key.proto = proto;
	key.family = SLB_AF_INET6;
	return bpf_map_lookup_elem(&slb_svc, &key);
}

static __always_inline __u32 slb_rol32(__u32 word, unsigned int shift)
{
	return (word << shift) | (word >> ((-shift) & 31));
}

/* Bob Jenkins' lookup3 final mix, as the kernel's jhash_3words(). */
static __always_inline __u32 slb_jhash_3words(__u32 a, __u32 b, __u32 c, __u32 initval)
{
	initval += 0xdeadbeef + (3 << 2);
	a += initval;
	b += initval;
	c += initval;
	c ^= b;
	c -= slb_rol32(b, 14);
	a ^= c;
	a -= slb_rol32(c, 11);
	b ^= a;
	b -= slb_rol32(a, 25);
	c ^= b;
	c -= slb_rol32(b, 16);
	a ^= c;
	a -= slb_rol32(c, 4);
	b ^= a;
	b -= slb_rol32(a, 14);
	c ^= b;
	c -= slb_rol32(b, 24);
	return c;
}

/* Mixed into the TEID hash (SLB_SEL_N3) so that it differs from the tuple hash's. */
#define SLB_N3_SEED 0x4e330000

static __always_inline __u32 slb_hash_tuple(const struct slb_pkt *pkt)
{
	return slb_jhash_3words(pkt->saddr, pkt->daddr, ((__u32)pkt->sport << 16) | pkt->dport,
				pkt->proto);
}

/*
 * Per-CPU scratch of slb_select: it runs as its own function and shares the program's 512-byte
 * stack with the pipeline's frames, so its map keys and the persist entry live here (a map
 * lookup accepts a key in a map value). Datapath-private: not pinned, not seen by Swift.
 */
struct slb_sel_scratch {
	struct slb_persist_key key;
	struct slb_persist_val val;
	__u32 idx; /* key of the array lookups */
	__u32 pad;
	/* An IPv6 caller's full client address (slb_select_client6), taken by the next slb_select:
	 * slb_pkt carries only a fold of it, which two clients may share. */
	__be32 client6[4];
	__u8 client6_set;
	/* The GTP-U TEID of a caller's packet (slb_select_n3), taken by the next slb_select. */
	__u8 teid_set;
	__u8 pad2[2];
	__be32 teid;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_sel_scratch);
	__uint(max_entries, 1);
} slb_sel_scratch SEC(".maps");

/* The endpoint in slot `slot` of service `id`, or NULL (a hole or beyond the slots). */
static __always_inline const struct slb_endpoint *slb_ep_get(struct slb_sel_scratch *scr, __u32 id,
							     __u32 slot)
{
	scr->idx = SLB_EP_KEY(id, slot);
	return bpf_map_lookup_elem(&slb_eps, &scr->idx);
}

/* Whether `ep` holds an endpoint that takes new flows. */
static __always_inline bool slb_ep_usable(const struct slb_endpoint *ep)
{
	return ep && ep->family && !(ep->flags & SLB_EP_F_INACTIVE);
}

/* The slot at position `pos` of the service's active list, or -1 (a list being rewritten). */
static __always_inline int slb_active_slot(struct slb_sel_scratch *scr, __u32 id, __u32 pos)
{
	__u32 *slot;

	scr->idx = SLB_EP_KEY(id, pos);
	slot = bpf_map_lookup_elem(&slb_ep_act, &scr->idx);
	if (!slot)
		return -1;
	return *slot & (SLB_MAX_ENDPOINTS - 1);
}

/* Advances the service's shared cursor; returns its previous value (0 without one). */
static __always_inline __u32 slb_cursor_next(struct slb_sel_scratch *scr, __u32 id)
{
	__u32 *rr;

	scr->idx = id;
	rr = bpf_map_lookup_elem(&slb_rr, &scr->idx);

	return rr ? __sync_fetch_and_add(rr, 1) : 0;
}

/* The slot bucket `h` of the service's selection table names, or -1 (no table, bucket empty). */
static __always_inline int slb_table_slot(struct slb_sel_scratch *scr, __u32 id, __u32 h)
{
	const struct slb_sel_table *tbl;
	__u32 bucket = h % SLB_SEL_TABLE_SIZE;
	__u16 slot;

	scr->idx = id;
	tbl = bpf_map_lookup_elem(&slb_sel_tbl, &scr->idx);

	if (!tbl)
		return -1;
	barrier_var(bucket);
	if (bucket >= SLB_SEL_TABLE_SIZE)
		return -1;
	slot = tbl->slot[bucket];
	return slot == SLB_SEL_SLOT_NONE ? -1 : slot;
}

/* Open flows of (service, slot); negative transients (racing decrements) read as zero. */
static __always_inline __u32 slb_ep_conns_read(struct slb_sel_scratch *scr, __u32 id, __u32 slot)
{
	__u32 *count;
	__s32 value;

	scr->idx = SLB_EP_KEY(id, slot);
	count = bpf_map_lookup_elem(&slb_ep_conns, &scr->idx);

	if (!count)
		return 0;
	value = (__s32)READ_ONCE(*count);
	return value < 0 ? 0 : value;
}

/* A flow to (service, slot) was tracked. */
static __always_inline void slb_ep_conn_open(__u32 id, __u32 slot)
{
	__u32 key = SLB_EP_KEY(id, slot);
	__u32 *count;

	/* Flows of no service (firewall SNAT): their id's key would wrap onto service 0's. */
	if (id >= SLB_MAX_SERVICES_LIMIT)
		return;
	count = bpf_map_lookup_elem(&slb_ep_conns, &key);

	if (count)
		__sync_fetch_and_add(count, 1);
}

/* A flow to (service, slot) closed or expired; the count never goes below zero by itself. */
static __always_inline void slb_ep_conn_close(__u32 id, __u32 slot)
{
	__u32 key = SLB_EP_KEY(id, slot);
	__u32 *count;

	if (id >= SLB_MAX_SERVICES_LIMIT)
		return;
	count = bpf_map_lookup_elem(&slb_ep_conns, &key);

	if (count && (__s32)READ_ONCE(*count) > 0)
		__sync_fetch_and_add(count, -1);
}

/* Whether a flow in `state` still counts as open for lc. */
static __always_inline bool slb_ct_state_open(__u8 state)
{
	return state != SLB_CT_TIME_WAIT && state != SLB_CT_CLOSED && state != SLB_CT_NONE;
}

/*
 * lc's measure of active-list position `pos` of service `id`, scanned `i`-th: its slot's open
 * flows above, `i` below, so that the smallest score names the least loaded slot and, among
 * equal ones, the first scanned; all ones when the position holds nothing. A global function:
 * the verifier checks its branches once, and the loop in slb_least_conns forks only on the
 * comparison.
 */
__attribute__((noinline)) __u64 slb_lc_score(__u32 id, __u32 pos, __u32 i)
{
	struct slb_sel_scratch *scr;
	__u32 zero = 0;
	int slot;

	scr = bpf_map_lookup_elem(&slb_sel_scratch, &zero);
	if (!scr)
		return ~0ULL;
	slot = slb_active_slot(scr, id, pos);
	if (slot < 0)
		return ~0ULL;
	return ((__u64)slb_ep_conns_read(scr, id, slot) << 32) | i;
}

/* lc: the least loaded of SLB_LC_WINDOW active slots from a rotating start (m active). */
static __always_inline int slb_least_conns(struct slb_sel_scratch *scr, __u32 id, __u32 m)
{
	__u32 start = slb_cursor_next(scr, id) % m, i;
	__u64 best = ~0ULL, score;

	for (i = 0; i < SLB_LC_WINDOW; i++) {
		if (i >= m)
			break;
		score = slb_lc_score(id, (start + i) % m, i);
		if (score < best)
			best = score;
	}
	if (best == ~0ULL)
		return -1;
	return slb_active_slot(scr, id, (start + (__u32)best) % m);
}

/*
 * persist: the client's remembered slot if usable and fresh, else a table pick (or the active
 * entry the client hashes to), remembered. An IPv6 client (`client6`: its address is in
 * scratch->client6) is remembered by its full address under family SLB_AF_INET6; its table pick
 * hashes the fold, which is the same for every flow of the client.
 */
static __always_inline int slb_persist_pick(struct slb_sel_scratch *scratch,
					    const struct slb_svc_val *svc,
					    const struct slb_pkt *pkt, __u32 id, __u32 n, __u32 m,
					    bool client6)
{
	struct slb_persist_val *old;
	__u32 timeout_s = READ_ONCE(svc->inactive_timeout_s);
	__u32 h = slb_jhash_3words(pkt->saddr, 0, 0, id);
	__u64 now = slb_now_ns();
	int idx;
	__builtin_memset(&scratch->key, 0, sizeof(scratch->key));
	scratch->key.svc_id = id;
	if (client6) {
		__builtin_memcpy(scratch->key.addr, scratch->client6, sizeof(scratch->key.addr));
		scratch->key.family = SLB_AF_INET6;
	} else {
		scratch->key.addr[0] = pkt->saddr;
		scratch->key.family = SLB_AF_INET;
	}
	if (!timeout_s)
		timeout_s = SLB_PERSIST_DEFAULT_S;
	old = bpf_map_lookup_elem(&slb_persist, &scratch->key);
	if (old && now - READ_ONCE(old->last_seen_ns) <= (__u64)timeout_s * 1000000000ULL &&
	    old->slot < n) {
		idx = old->slot;
		if (slb_ep_usable(slb_ep_get(scratch, id, idx))) {
			WRITE_ONCE(old->last_seen_ns, now);
			return idx;
		}
	}
	idx = slb_table_slot(scratch, id, h);
	if (idx < 0 || (__u32)idx >= n || !slb_ep_usable(slb_ep_get(scratch, id, idx)))
		idx = slb_active_slot(scratch, id, h % m);
	if (idx < 0)
		return -1;
	__builtin_memset(&scratch->val, 0, sizeof(scratch->val));
	scratch->val.last_seen_ns = now;
	scratch->val.slot = idx;
	bpf_map_update_elem(&slb_persist, &scratch->key, &scratch->val, BPF_ANY);
	return idx;
}

/*
 * Picks an endpoint of `svc` for the new flow `pkt`. Returns 0 and fills `out`, or -1 when
 * the service has no usable endpoint. A global (not inlined) function: the verifier checks it
 * once on its own instead of once per path of the pipeline that reaches it.
 */
__attribute__((noinline)) int slb_select(const struct slb_svc_val *svc, const struct slb_pkt *pkt,
					 struct slb_backend *out)
{
	const struct slb_endpoint *ep;
	struct slb_sel_scratch *scr;
	__u32 id, n, m, zero = 0;
	bool client6, tunnel;
	__u8 sel;
	int idx;

	if (!svc || !pkt || !out)
		return -1;
	scr = bpf_map_lookup_elem(&slb_sel_scratch, &zero);
	if (!scr)
		return -1;
	/* Consumed here, so an IPv4 flow never sees an earlier IPv6 caller's address. */
	client6 = scr->client6_set;
	scr->client6_set = 0;
	tunnel = scr->teid_set;
	scr->teid_set = 0;
	id = READ_ONCE(svc->id);
	n = READ_ONCE(svc->ep_count);
	m = READ_ONCE(svc->active_count);
	sel = READ_ONCE(svc->sel);
	if (n == 0 || m == 0)
		return -1;
	if (n > SLB_MAX_ENDPOINTS)
		n = SLB_MAX_ENDPOINTS;
	if (m > n)
		m = n;

	switch (sel) {
	case SLB_SEL_HASH:
		idx = slb_table_slot(scr, id, slb_hash_tuple(pkt));
		break;
	case SLB_SEL_PRIORITY:
		idx = slb_table_slot(scr, id, slb_cursor_next(scr, id));
		break;
	case SLB_SEL_PERSIST:
		idx = slb_persist_pick(scr, svc, pkt, id, n, m, client6);
		break;
	case SLB_SEL_LC:
		idx = slb_least_conns(scr, id, m);
		break;
	case SLB_SEL_N3:
		idx = slb_table_slot(scr, id,
				     tunnel ? slb_jhash_3words(scr->teid, 0, 0, SLB_N3_SEED) :
					      slb_hash_tuple(pkt));
		break;
	default:
		idx = slb_active_slot(scr, id, slb_cursor_next(scr, id) % m);
		break;
	}
	ep = idx < 0 || (__u32)idx >= n ? NULL : slb_ep_get(scr, id, idx);
	if (!slb_ep_usable(ep)) {
		/* No table (yet), an empty bucket, or a slot that just went inactive. */
		idx = slb_active_slot(scr, id, slb_hash_tuple(pkt) % m);
		if (idx < 0 || (__u32)idx >= n)
			return -1;
		ep = slb_ep_get(scr, id, idx);
		if (!slb_ep_usable(ep))
			return -1;
	}
	out->addr = ep->addr[0];
	out->port = ep->port;
	out->slot = idx & (SLB_MAX_ENDPOINTS - 1);
	if (!out->addr)
		return -1;
	return 0;
}

/*
 * For a service selecting by N3: hands the GTP-U TEID of the UDP packet `pkt` to the next
 * slb_select on this CPU. GTPv1-U (3GPP TS 29.281) starts the UDP payload with flags (version 1
 * and protocol type 1 in the top bits), message type, length, then the TEID. Anything else is
 * left alone, and that flow is hashed by its tuple.
 */
static __always_inline void slb_select_n3(struct __sk_buff *skb, const struct slb_svc_val *svc,
					  const struct slb_pkt *pkt)
{
	struct slb_sel_scratch *scr;
	__u8 gtp[8];
	__u32 zero = 0;

	if (!svc || READ_ONCE(svc->sel) != SLB_SEL_N3 || pkt->proto != IPPROTO_UDP)
		return;
	if (bpf_skb_load_bytes(skb, pkt->l4_off + 8, gtp, sizeof(gtp)) || (gtp[0] & 0xf0) != 0x30)
		return;
	scr = bpf_map_lookup_elem(&slb_sel_scratch, &zero);
	if (!scr)
		return;
	__builtin_memcpy(&scr->teid, gtp + 4, sizeof(scr->teid));
	scr->teid_set = 1;
}

/*
 * Hands the full IPv6 client address `saddr` to the next slb_select on this CPU (persist keys
 * IPv6 clients by it). Call right before slb_select: a program runs to completion on its CPU.
 */
static __always_inline void slb_select_client6(const __be32 *saddr)
{
	struct slb_sel_scratch *scr;
	__u32 zero = 0;

	scr = bpf_map_lookup_elem(&slb_sel_scratch, &zero);
	if (!scr)
		return;
	__builtin_memcpy(scr->client6, saddr, sizeof(scr->client6));
	scr->client6_set = 1;
}

#endif /* SLB_LB_SELECT_H */
