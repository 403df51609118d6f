/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ct.h - connection tracking: lookup, creation, TCP/UDP state machine and expiry.
 *
 * A flow has two entries in slb_ct, one per direction, each keyed by the tuple its packets
 * carry on arrival and holding the rewrite those packets need:
 *   FWD  client -> VIP       rewrites the destination to the endpoint (SLB_NAT_DST)
 *   REV  endpoint -> client  rewrites the source back to the VIP     (SLB_NAT_SRC)
 * Full NAT and onearm flows rewrite both ends in both directions (SLB_NAT_SRC | SLB_NAT_DST):
 *   FWD  client -> VIP          becomes snat:port -> endpoint
 *   REV  endpoint -> snat:port  becomes VIP -> client
 * with a source port allocated per flow (slb_ct_create_snat).
 * The other direction's key is always the reverse of an entry's tuple after its rewrite,
 * so either entry finds its twin. A translated packet's tuple is never a key itself, which
 * keeps the programs idempotent when a packet crosses a second hook.
 *
 * The entries live in slb_ct, the open-addressing table of ct_table.h, whose slb_ct_find,
 * slb_ct_add (BPF_NOEXIST), slb_ct_put (BPF_ANY) and slb_ct_del behave as the hash map calls.
 * Creation adds FWD: if another CPU created the flow first, its entry (and so its endpoint)
 * wins. REV is added the same way; a stale entry holding the key
 * is replaced, but one that belongs to another live flow is kept and the new flow refused
 * (see slb_ct_rev_taken). If REV cannot be written FWD is removed again.
 *
 * State is kept equal in both entries. TCP: SYN -> SYN_SENT; SYN|ACK from REV -> SYN_RECV;
 * ACK from FWD -> ESTABLISHED; FIN marks its direction in fin_dirs (FIN_WAIT), both
 * directions -> TIME_WAIT; RST -> CLOSED. A TCP flow picked up mid-stream starts
 * ESTABLISHED. A SYN (without ACK) from the client on a flow in TIME_WAIT or CLOSED deletes
 * both entries (a full NAT / onearm flow in TIME_WAIT: the forward one, see slb_ct_check) and
 * starts a new flow, with a new endpoint selection. UDP: NEW until a REV
 * packet, then ESTABLISHED. SCTP follows its first chunk's type (sctp.h) and uses the TCP
 * timeouts; an INIT restarts a closed association as a SYN does.
 * DSR flows (SLB_NAT_DSR, see dsr.h) have only the FWD entry, since replies never pass the
 * load balancer: its rewrite keeps the tuple and names the endpoint, and a TCP flow becomes
 * ESTABLISHED on the client's first ACK.
 *
 * Each packet stamps last_seen and adds to packets/bytes of its own direction's entry only.
 * Expiry is lazy, on lookup: an entry expires when neither it nor its twin has seen a packet
 * for the timeout of the flow's state (slb_cfg, zero = default; for TCP ESTABLISHED the
 * service's inactive_timeout_s when set; a TCP flow with an allocated source port holds it
 * SLB_NAT_TIME_WAIT_S after both FINs, slb_ct_hold_ns). Checking the twin keeps one-way streams alive
 * (a silent direction does not expire while the other is busy). The table is not an LRU: when
 * a new key's window is full the flow is refused (counted) and tracked ones stay; the control
 * plane sweeps.
 * A flow leaving the open states (RST, both FINs, expiry) gives back its endpoint's open-flow
 * count (slb_ep_conn_close, lb_select.h).
 */
#ifndef SLB_CT_H
#define SLB_CT_H

#include <linux/errno.h>

#include "compiler.h"
#include "ct_table.h"
#include "lb_select.h"
#include "maps.h"
#include "parse.h"
#include "sctp.h"
#include "stats.h"

#define SLB_NSEC_PER_SEC 1000000000ULL

/* Built-in timeouts (seconds), used when the matching slb_config field is zero. */
#define SLB_DEF_TCP_SYN_S 30
#define SLB_DEF_TCP_ESTABLISHED_S 3600
#define SLB_DEF_TCP_FIN_S 120
#define SLB_DEF_TCP_CLOSED_S 10
#define SLB_DEF_UDP_NEW_S 30
#define SLB_DEF_UDP_ESTABLISHED_S 120

/* Fills `key` with the tuple of `pkt` as it arrived. */
static __always_inline void slb_ct_key_init(struct slb_ct_key *key, const struct slb_pkt *pkt)
{
	__builtin_memset(key, 0, sizeof(*key));
	key->saddr[0] = pkt->saddr;
	key->daddr[0] = pkt->daddr;
	key->sport = pkt->sport;
	key->dport = pkt->dport;
	key->proto = pkt->proto;
	key->family = SLB_AF_INET;
}

/* Whether two keys name the same tuple (all four words: IPv6 keys use them). */
static __always_inline bool slb_ct_key_eq(const struct slb_ct_key *a, const struct slb_ct_key *b)
{
	return a->saddr[0] == b->saddr[0] && a->daddr[0] == b->daddr[0] &&
	       a->saddr[1] == b->saddr[1] && a->daddr[1] == b->daddr[1] &&
	       a->saddr[2] == b->saddr[2] && a->daddr[2] == b->daddr[2] &&
	       a->saddr[3] == b->saddr[3] && a->daddr[3] == b->daddr[3] && a->sport == b->sport &&
	       a->dport == b->dport && a->proto == b->proto && a->family == b->family;
}

/*
 * Fills `twin` with the key of the other direction of the entry `key` whose rewrite is `nat`.
 * All four address words are copied (IPv6); a family-changing rewrite (SLB_NAT_AF, NAT64)
 * gives the twin the rewrite's family.
 */
static __always_inline void slb_ct_twin_key(struct slb_ct_key *twin, const struct slb_ct_key *key,
					    const struct slb_nat *nat)
{
	__u8 flags = nat->flags;

	__builtin_memset(twin, 0, sizeof(*twin));
	if (flags & SLB_NAT_SRC) {
		__builtin_memcpy(twin->daddr, nat->saddr, sizeof(twin->daddr));
		twin->dport = nat->sport;
	} else {
		__builtin_memcpy(twin->daddr, key->saddr, sizeof(twin->daddr));
		twin->dport = key->sport;
	}
	if (flags & SLB_NAT_DST) {
		__builtin_memcpy(twin->saddr, nat->daddr, sizeof(twin->saddr));
		twin->sport = nat->dport;
	} else {
		__builtin_memcpy(twin->saddr, key->daddr, sizeof(twin->saddr));
		twin->sport = key->dport;
	}
	twin->proto = key->proto;
	twin->family = (flags & SLB_NAT_AF) ? nat->family : key->family;
}

static __always_inline __u64 slb_timeout_ns(__u32 configured, __u32 dflt)
{
	return (__u64)(configured ? configured : dflt) * SLB_NSEC_PER_SEC;
}

/* The idle timeout of a flow in `state`; `inactive_s` is the service's override (0 = none). */
static __always_inline __u64 slb_ct_timeout_ns(__u8 proto, __u8 state, __u32 inactive_s)
{
	const struct slb_config *cfg;
	__u32 zero = 0;

	cfg = bpf_map_lookup_elem(&slb_cfg, &zero);
	if (proto == IPPROTO_UDP) {
		if (state == SLB_CT_ESTABLISHED)
			return slb_timeout_ns(cfg ? cfg->udp_established_timeout_s : 0,
					      SLB_DEF_UDP_ESTABLISHED_S);
		return slb_timeout_ns(cfg ? cfg->udp_new_timeout_s : 0, SLB_DEF_UDP_NEW_S);
	}
	switch (state) {
	case SLB_CT_ESTABLISHED:
		if (inactive_s)
			return (__u64)inactive_s * SLB_NSEC_PER_SEC;
		return slb_timeout_ns(cfg ? cfg->tcp_established_timeout_s : 0,
				      SLB_DEF_TCP_ESTABLISHED_S);
	case SLB_CT_FIN_WAIT:
		return slb_timeout_ns(cfg ? cfg->tcp_fin_timeout_s : 0, SLB_DEF_TCP_FIN_S);
	case SLB_CT_TIME_WAIT:
	case SLB_CT_CLOSED:
		return slb_timeout_ns(cfg ? cfg->tcp_closed_timeout_s : 0, SLB_DEF_TCP_CLOSED_S);
	default:
		return slb_timeout_ns(cfg ? cfg->tcp_syn_timeout_s : 0, SLB_DEF_TCP_SYN_S);
	}
}

/*
 * The service timeout of the flow of entry `key`/`ct` (0 if gone or unset), for either family:
 * the VIP is the forward entry's destination, or the reply entry's rewritten source (whose
 * family differs from the key's for NAT64). Not inlined: its service key would otherwise add
 * to the frames of the pipelines, which are near the verifier's 512-byte stack limit.
 */
static __attribute__((noinline)) __u32 slb_ct_inactive_s(const struct slb_ct_key *key,
							 const struct slb_ct_val *ct)
{
	const struct slb_svc_val *svc;
	const __be32 *vip = key->daddr;
	__be16 port = key->dport;
	__u8 family = key->family;

	if (ct->dir != SLB_DIR_FWD) {
		vip = ct->nat.saddr;
		port = ct->nat.sport;
		family = ct->nat.family;
	}
	if (family == SLB_AF_INET6)
		svc = slb_svc_find6(vip, port, key->proto);
	else
		svc = slb_svc_find(vip[0], port, key->proto);
	return svc ? READ_ONCE(svc->inactive_timeout_s) : 0;
}

static __always_inline bool slb_ct_idle(const struct slb_ct_val *ct, __u64 now, __u64 timeout)
{
	__u64 seen = READ_ONCE(ct->last_seen_ns);

	/* Another CPU may have stamped the entry after this CPU read the clock. */
	return now > seen && now - seen > timeout;
}

/* Deletes the entry `key`/`ct` and its twin. */
static __always_inline void slb_ct_delete_flow(const struct slb_ct_key *key,
					       const struct slb_ct_val *ct)
{
	struct slb_ct_key twin;

	slb_ct_twin_key(&twin, key, &ct->nat);
	slb_ct_del(&twin);
	slb_ct_del(key);
}

/* Whether `ct` belongs to a flow with an allocated source port (full NAT, onearm, NAT64). */
static __always_inline bool slb_ct_nat_port(const struct slb_ct_val *ct)
{
	__u8 flags = READ_ONCE(ct->nat.flags);

	return (flags & (SLB_NAT_SRC | SLB_NAT_DST)) == (SLB_NAT_SRC | SLB_NAT_DST) &&
	       !(flags & SLB_NAT_DSR);
}

/*
 * `timeout` (of `state`), raised to SLB_NAT_TIME_WAIT_S for a TCP flow with an allocated
 * source port that both ends closed: its endpoint may hold the four-tuple in TIME_WAIT that
 * long, so the port is not given to another client before (slb_ct_create_snat sees it taken).
 * The Swift garbage collector keeps the same hold (ConntrackTimeouts).
 */
static __always_inline __u64 slb_ct_hold_ns(const struct slb_ct_key *key,
					    const struct slb_ct_val *ct, __u8 state, __u64 timeout)
{
	const __u64 hold = (__u64)SLB_NAT_TIME_WAIT_S * SLB_NSEC_PER_SEC;

	if (key->proto == IPPROTO_TCP && state == SLB_CT_TIME_WAIT && timeout < hold &&
	    slb_ct_nat_port(ct))
		return hold;
	return timeout;
}

/*
 * Whether entry `key`/`ct` has seen a packet within the timeout of its state. Every timeout is
 * a whole number of seconds, at least one, so an entry idle for less is live without the
 * config and service lookups: busy flows never pay for them.
 */
static __always_inline bool slb_ct_live(const struct slb_ct_key *key, const struct slb_ct_val *ct,
					__u64 now)
{
	__u8 state = READ_ONCE(ct->state);
	__u32 inactive_s = 0;

	if (likely(!slb_ct_idle(ct, now, SLB_NSEC_PER_SEC)))
		return true;
	if (key->proto == IPPROTO_TCP && state == SLB_CT_ESTABLISHED)
		inactive_s = slb_ct_inactive_s(key, ct);
	return !slb_ct_idle(ct, now,
			    slb_ct_hold_ns(key, ct, state,
					   slb_ct_timeout_ns(key->proto, state, inactive_s)));
}

/* Whether `pkt` opens a connection: a TCP SYN without ACK, or an SCTP INIT. */
static __always_inline bool slb_ct_opening(const struct slb_pkt *pkt)
{
	if (pkt->proto == IPPROTO_TCP)
		return (pkt->tcp_flags & (SLB_TCP_SYN | SLB_TCP_ACK)) == SLB_TCP_SYN;
	return pkt->proto == IPPROTO_SCTP && pkt->chunk == SLB_SCTP_INIT;
}

/*
 * Whether the twin `twin_key` of entry `key` exists and points back to it: 0 when it does not
 * (gone, or the forward entry of a newer flow of the same client tuple, see slb_ct_check), 1 when
 * it does but is idle past its timeout, 2 when it is live. A global function: it runs only for
 * entries idle a second or more, and keeps its key off the pipelines' stack frames.
 */
__attribute__((noinline)) int slb_ct_twin_state(const struct slb_ct_key *key,
						const struct slb_ct_key *twin_key, __u64 now)
{
	struct slb_ct_key back;
	struct slb_ct_val *twin;

	if (!key || !twin_key)
		return 0;
	twin = slb_ct_find(twin_key);
	if (!twin)
		return 0;
	slb_ct_twin_key(&back, twin_key, &twin->nat);
	if (!slb_ct_key_eq(&back, key))
		return 0;
	return slb_ct_live(twin_key, twin, now) ? 2 : 1;
}

/*
 * Decides whether the entry found for `pkt` still describes its flow. Returns `ct` if so;
 * otherwise deletes it (with its twin when that is still its twin) and returns NULL so that the
 * caller handles the packet as a new flow: when the flow expired, i.e. neither direction is live
 * (counted as SLB_CNT_CT_EXPIRED, and SLB_CNT_REPLY_NO_FLOW for an endpoint's packet), or when
 * a SYN from the client reopens a flow in TIME_WAIT or CLOSED (SLB_CNT_CT_REOPEN). A reopened
 * flow with an allocated source port loses only its forward entry: the reply entry goes on
 * holding the port for the endpoint's TIME_WAIT, so that the new flow, if it goes to another
 * endpoint, leaves the old four-tuple to nobody but this client tuple (slb_nat_port_taken).
 */
static __always_inline struct slb_ct_val *slb_ct_check(const struct slb_ct_key *key,
						       struct slb_ct_val *ct,
						       const struct slb_pkt *pkt, __u64 now)
{
	__u8 state = READ_ONCE(ct->state);
	struct slb_ct_key twin_key;
	int twin;

	if (ct->dir == SLB_DIR_FWD && slb_ct_opening(pkt) &&
	    (state == SLB_CT_TIME_WAIT || state == SLB_CT_CLOSED)) {
		slb_count(SLB_CNT_CT_REOPEN);
		if (state == SLB_CT_TIME_WAIT && slb_ct_nat_port(ct))
			slb_ct_del(key);
		else
			slb_ct_delete_flow(key, ct);
		return NULL;
	}
	if (likely(slb_ct_live(key, ct, now)))
		return ct;

	slb_ct_twin_key(&twin_key, key, &ct->nat);
	twin = slb_ct_twin_state(key, &twin_key, now);
	if (twin == 2)
		return ct;

	slb_count(SLB_CNT_CT_EXPIRED);
	if (ct->dir == SLB_DIR_REV)
		slb_count(SLB_CNT_REPLY_NO_FLOW);
	if (slb_ct_state_open(state))
		slb_ep_conn_close(ct->svc_id, ct->ep_idx);
	if (twin)
		slb_ct_del(&twin_key);
	slb_ct_del(key);
	return NULL;
}

/*
 * Whether the existing reply entry `rev_key` belongs to another live flow. That happens when
 * one client address and port reach the same endpoint through two services (DNAT keeps the
 * client's tuple, so both flows would need the same reply key): the flow already tracked keeps
 * its entry and the new one is refused. A leftover of this same flow, or one whose flow is
 * gone or idle past its timeout, is not taken and gets replaced.
 */
static __always_inline bool slb_ct_rev_taken(const struct slb_ct_key *rev_key,
					     const struct slb_ct_key *fwd_key, __u64 now)
{
	struct slb_ct_val *old, *old_fwd;
	struct slb_ct_key old_fwd_key;

	old = slb_ct_find(rev_key);
	if (!old)
		return false;
	slb_ct_twin_key(&old_fwd_key, rev_key, &old->nat);
	if (slb_ct_key_eq(&old_fwd_key, fwd_key))
		return false;
	old_fwd = slb_ct_find(&old_fwd_key);
	if (!old_fwd)
		return false;
	return slb_ct_live(&old_fwd_key, old_fwd, now) || slb_ct_live(rev_key, old, now);
}

/*
 * Counts why an insert failed: -E2BIG means the key's window of the table is full
 * (SLB_CNT_DROP_CT_FULL; the caller refuses the new flow and counts SLB_CNT_DROP_CT_INSERT too;
 * -EBUSY, another CPU taking the free slot first, only the latter). Returns -1.
 */
static __always_inline int slb_ct_insert_failed(long err)
{
	if (err == -E2BIG)
		slb_count(SLB_CNT_DROP_CT_FULL);
	return -1;
}

/* Results of slb_ct_create_snat besides 0 (tracked). */
#define SLB_CT_ERR_INSERT -1
#define SLB_CT_ERR_NO_PORT -2

/*
 * The outcome of creating a flow's entries, `rc` (0, SLB_CT_ERR_NO_PORT or another failure), for
 * the pipelines: -1 when the flow is tracked, otherwise TC_ACT_SHOT after counting why (no free
 * source port for the translated tuple, or the insert failed).
 */
static __always_inline int slb_ct_create_verdict(int rc)
{
	if (!rc)
		return -1;
	slb_count(rc == SLB_CT_ERR_NO_PORT ? SLB_CNT_DROP_NAT_PORTS : SLB_CNT_DROP_CT_INSERT);
	return TC_ACT_SHOT;
}

/* The state a new flow starts in, from its first packet. */
static __always_inline __u8 slb_ct_initial_state(const struct slb_pkt *pkt)
{
	if (pkt->proto != IPPROTO_TCP && pkt->proto != IPPROTO_SCTP)
		return SLB_CT_NEW;
	if (slb_ct_opening(pkt))
		return SLB_CT_SYN_SENT;
	return SLB_CT_ESTABLISHED;
}

/* Fills the fields both entries of a new flow share; the rewrite is set by slb_ct_set_nat. */
static __always_inline void slb_ct_val_init(struct slb_ct_val *val, const struct slb_pkt *pkt,
					    __u32 svc_id, const struct slb_backend *be, __u64 now)
{
	__builtin_memset(val, 0, sizeof(*val));
	val->last_seen_ns = now;
	val->svc_id = svc_id;
	val->ep_idx = be->slot;
	val->state = slb_ct_initial_state(pkt);
}

/* Sets the rewrite and direction of one entry; fields outside `flags` are left zero. */
static __always_inline void slb_ct_set_nat(struct slb_ct_val *val, __u8 dir, __u8 flags,
					   __be32 saddr, __be16 sport, __be32 daddr, __be16 dport)
{
	__builtin_memset(&val->nat, 0, sizeof(val->nat));
	val->nat.saddr[0] = saddr;
	val->nat.sport = sport;
	val->nat.daddr[0] = daddr;
	val->nat.dport = dport;
	val->nat.flags = flags;
	val->nat.family = SLB_AF_INET;
	val->dir = dir;
}

/*
 * Creates both entries of a new flow from `pkt` (key `key`) of service `svc_id`, VIP
 * pkt->daddr:pkt->dport, to endpoint `be`. Returns 0 when the forward entry exists afterwards
 * (created here or by a CPU that won the race), -1 when the flow could not be tracked.
 */
/* Inlined into the NEW4 stage (flow.h), whose frame holds the new entries. */
static __always_inline int slb_ct_create(const struct slb_ct_key *key, const struct slb_pkt *pkt,
					 __u32 svc_id, const struct slb_backend *be, __u64 now)
{
	struct slb_ct_key rev_key;
	struct slb_ct_val val;
	long err;

	slb_ct_val_init(&val, pkt, svc_id, be, now);
	slb_ct_set_nat(&val, SLB_DIR_FWD, SLB_NAT_DST, 0, 0, be->addr, be->port);

	err = slb_ct_add(key, &val);
	if (err == -EEXIST)
		return 0;
	if (err)
		return slb_ct_insert_failed(err);

	__builtin_memset(&rev_key, 0, sizeof(rev_key));
	rev_key.saddr[0] = be->addr;
	rev_key.daddr[0] = pkt->saddr;
	rev_key.sport = be->port;
	rev_key.dport = pkt->sport;
	rev_key.proto = pkt->proto;
	rev_key.family = SLB_AF_INET;

	slb_ct_set_nat(&val, SLB_DIR_REV, SLB_NAT_SRC, pkt->daddr, pkt->dport, 0, 0);

	err = slb_ct_add(&rev_key, &val);
	if (err == -EEXIST && !slb_ct_rev_taken(&rev_key, key, now))
		err = slb_ct_put(&rev_key, &val);
	if (err) {
		slb_ct_del(key);
		return slb_ct_insert_failed(err);
	}
	return 0;
}

/*
 * Where the port search of a new full NAT / onearm flow starts, as an offset into
 * [SLB_NAT_PORT_MIN, SLB_NAT_PORT_MAX]: the client's own source port when it lies in that range
 * (Linux clients pick theirs from the same range by default), else `hash` of the tuple. The
 * endpoint then sees the same four-tuple (snat:port -> endpoint) whenever the same client port
 * connects again, and a client's TCP timestamps on one four-tuple only grow, so an endpoint that
 * still holds the previous connection in TIME_WAIT accepts the new SYN. A port shared by
 * different client tuples within the endpoint's TIME_WAIT (60 s on Linux) carries unrelated
 * timestamps, and the endpoint drops the SYNs whose timestamps look older (PAWS, RFC 7323):
 * measured with a hashed start, full NAT fell from 14,600 to 4,600 new connections per second
 * within 15 s, with 3,500 client SYN retransmissions and 1,200 PAWS rejections per server in
 * every 5 s (issue 21); starting at the client's port it held 22,000-26,000 with none.
 */
static __always_inline __u32 slb_nat_port_start(__be16 sport, __u32 hash)
{
	__u32 port = bpf_ntohs(sport);

	if (port >= SLB_NAT_PORT_MIN && port <= SLB_NAT_PORT_MAX)
		return port - SLB_NAT_PORT_MIN;
	return hash % (SLB_NAT_PORT_MAX - SLB_NAT_PORT_MIN + 1);
}

/*
 * Whether the new flow `fwd_key` may take the source port whose reply key `rev_key` exists: only
 * when that entry was left by the same client tuple (its forward twin is `fwd_key`: the client
 * reopened the four-tuple, and its timestamps only grow). Otherwise counts why the port is
 * taken: held for the endpoint's TIME_WAIT (SLB_CNT_NAT_PORT_HELD) or in use
 * (SLB_CNT_NAT_PORT_RETRY). A global function, so the allocation loop's verifier cost does not
 * grow with it.
 */
__attribute__((noinline)) int slb_nat_port_taken(const struct slb_ct_key *rev_key,
						 const struct slb_ct_key *fwd_key)
{
	struct slb_ct_key owner;
	struct slb_ct_val *old;

	if (!rev_key || !fwd_key)
		return 1;
	old = slb_ct_find(rev_key);
	if (old) {
		slb_ct_twin_key(&owner, rev_key, &old->nat);
		if (slb_ct_key_eq(&owner, fwd_key))
			return 0;
	}
	if (old && READ_ONCE(old->state) == SLB_CT_TIME_WAIT)
		slb_count(SLB_CNT_NAT_PORT_HELD);
	else
		slb_count(SLB_CNT_NAT_PORT_RETRY);
	return 1;
}

/*
 * Tries SLB_NAT_PORT_TRIES source ports from offset `start` of [SLB_NAT_PORT_MIN,
 * SLB_NAT_PORT_MAX] for the reply entry `rev_key`/`val` of the new flow `fwd_key`: half of them
 * consecutive (a client keeps its own port, or gets the next free one), then half
 * SLB_NAT_PORT_STRIDE apart across the range, so that a long run of taken ports (clients that
 * kept their consecutive own ports) cannot hide every free one from a flow starting inside it.
 * The first port whose reply key is free (BPF_NOEXIST), or was left behind by this same client
 * tuple (slb_nat_port_taken), gets the entry. Returns 0 with the port in rev_key->dport,
 * -EEXIST when every tried port was taken, or the failed update's error. The search of both
 * families (slb_ct_create_snat, slb_ct6_create_snat).
 */
_Static_assert(SLB_NAT_PORT_STRIDE *(SLB_NAT_PORT_TRIES / 2) %
			       (SLB_NAT_PORT_MAX - SLB_NAT_PORT_MIN + 1) >=
		       SLB_NAT_PORT_TRIES / 2,
	       "no jump lands back on the consecutive tries");

static __always_inline long slb_nat_port_claim(struct slb_ct_key *rev_key,
					       const struct slb_ct_key *fwd_key,
					       const struct slb_ct_val *val, __u32 start)
{
	const __u32 range = SLB_NAT_PORT_MAX - SLB_NAT_PORT_MIN + 1;
	long err;
	__u32 i;

	for (i = 0; i < SLB_NAT_PORT_TRIES; i++) {
		__u32 off = i < SLB_NAT_PORT_TRIES / 2 ?
				    i :
				    (i - SLB_NAT_PORT_TRIES / 2 + 1) * SLB_NAT_PORT_STRIDE;

		rev_key->dport = bpf_htons(SLB_NAT_PORT_MIN + (start + off) % range);
		err = slb_ct_add(rev_key, val);
		if (err == -EEXIST && !slb_nat_port_taken(rev_key, fwd_key))
			err = slb_ct_put(rev_key, val);
		if (err != -EEXIST)
			return err;
	}
	return -EEXIST;
}

/*
 * Creates both entries of a new full NAT / onearm flow: the client's packets are rewritten to
 * `snat`:<port> -> endpoint `be`, the endpoint's replies back to VIP:vport -> client. The port
 * is allocated here so that two clients with the same source port never share a reply key:
 * starting at the client's own port (or `first_port` when not 0: a firewall SNAT rule's
 * toPort) (slb_nat_port_start), slb_nat_port_claim takes the first
 * port whose reply key (endpoint -> snat:port) is free. The forward entry goes in last, also
 * with BPF_NOEXIST: a CPU that created the flow first wins and the reply entry made here is
 * removed again. A port held by another flow, live, idle, expired or closed within the
 * endpoint's TIME_WAIT, counts as taken (it is freed by lazy expiry or the garbage collector);
 * only a reply entry this same client tuple left behind is taken over. Returns 0 when the flow
 * is tracked afterwards, SLB_CT_ERR_NO_PORT when every tried port was taken,
 * SLB_CT_ERR_INSERT when a map update failed.
 */
static __always_inline int slb_ct_create_snat(const struct slb_ct_key *key,
					      const struct slb_pkt *pkt, __u32 svc_id,
					      const struct slb_backend *be, __be32 snat,
					      __be16 first_port, __u64 now)
{
	struct slb_ct_key rev_key;
	struct slb_ct_val val;
	__u32 start;
	long err;

	slb_ct_val_init(&val, pkt, svc_id, be, now);
	slb_ct_set_nat(&val, SLB_DIR_REV, SLB_NAT_SRC | SLB_NAT_DST, pkt->daddr, pkt->dport,
		       pkt->saddr, pkt->sport);

	__builtin_memset(&rev_key, 0, sizeof(rev_key));
	rev_key.saddr[0] = be->addr;
	rev_key.daddr[0] = snat;
	rev_key.sport = be->port;
	rev_key.proto = pkt->proto;
	rev_key.family = SLB_AF_INET;

	start = slb_nat_port_start(first_port ? first_port : pkt->sport,
				   slb_jhash_3words(pkt->saddr, be->addr,
						    ((__u32)pkt->sport << 16) | pkt->dport,
						    pkt->proto));
	err = slb_nat_port_claim(&rev_key, key, &val, start);
	if (err == -EEXIST)
		return SLB_CT_ERR_NO_PORT;
	if (err) {
		slb_ct_insert_failed(err);
		return SLB_CT_ERR_INSERT;
	}

	slb_ct_set_nat(&val, SLB_DIR_FWD, SLB_NAT_SRC | SLB_NAT_DST, snat, rev_key.dport, be->addr,
		       be->port);

	err = slb_ct_add(key, &val);
	if (err)
		slb_ct_del(&rev_key);
	if (err && err != -EEXIST) {
		slb_ct_insert_failed(err);
		return SLB_CT_ERR_INSERT;
	}
	return 0;
}

/* The TCP state after a packet with `flags` in direction `dir`; updates `fin_dirs`. */
static __always_inline __u8 slb_tcp_next(__u8 state, __u8 dir, __u8 flags, __u8 *fin_dirs)
{
	if (flags & SLB_TCP_RST)
		return SLB_CT_CLOSED;
	if (state == SLB_CT_SYN_SENT && dir == SLB_DIR_REV &&
	    (flags & (SLB_TCP_SYN | SLB_TCP_ACK)) == (SLB_TCP_SYN | SLB_TCP_ACK))
		state = SLB_CT_SYN_RECV;
	else if (state == SLB_CT_SYN_RECV && dir == SLB_DIR_FWD &&
		 (flags & (SLB_TCP_SYN | SLB_TCP_ACK)) == SLB_TCP_ACK)
		state = SLB_CT_ESTABLISHED;
	if (!(flags & SLB_TCP_FIN))
		return state;
	if (state == SLB_CT_ESTABLISHED || state == SLB_CT_SYN_RECV || state == SLB_CT_FIN_WAIT) {
		*fin_dirs |= 1 << (dir & 1);
		state = *fin_dirs == 3 ? SLB_CT_TIME_WAIT : SLB_CT_FIN_WAIT;
	}
	return state;
}

/*
 * Accounts the packet `pkt` to its entry `key`/`ct`: last_seen, packets, bytes and the state
 * machine. A state change is mirrored into the twin entry.
 */
static __always_inline void slb_ct_track(const struct slb_ct_key *key, struct slb_ct_val *ct,
					 const struct slb_pkt *pkt, __u64 now)
{
	__u8 state = READ_ONCE(ct->state), fin_dirs = READ_ONCE(ct->fin_dirs);
	__u8 next = state, next_fin = fin_dirs;
	struct slb_ct_key twin_key;
	struct slb_ct_val *twin;

	WRITE_ONCE(ct->last_seen_ns, now);
	__sync_fetch_and_add(&ct->packets, 1);
	__sync_fetch_and_add(&ct->bytes, pkt->len);

	if (pkt->proto == IPPROTO_TCP) {
		__u8 from = state;

		/* A DSR flow never sees the SYN|ACK: the client's ACK establishes it. */
		if ((READ_ONCE(ct->nat.flags) & SLB_NAT_DSR) && state == SLB_CT_SYN_SENT &&
		    (pkt->tcp_flags & (SLB_TCP_SYN | SLB_TCP_ACK | SLB_TCP_RST)) == SLB_TCP_ACK)
			from = SLB_CT_ESTABLISHED;
		next = slb_tcp_next(from, ct->dir, pkt->tcp_flags, &next_fin);
	} else if (pkt->proto == IPPROTO_SCTP)
		next = slb_sctp_next(state, ct->dir, pkt->chunk);
	else if (state == SLB_CT_NEW && ct->dir == SLB_DIR_REV)
		next = SLB_CT_ESTABLISHED;
	if (likely(next == state && next_fin == fin_dirs))
		return;

	if (slb_ct_state_open(state) && !slb_ct_state_open(next))
		slb_ep_conn_close(ct->svc_id, ct->ep_idx);
	WRITE_ONCE(ct->state, next);
	WRITE_ONCE(ct->fin_dirs, next_fin);
	slb_ct_twin_key(&twin_key, key, &ct->nat);
	twin = slb_ct_find(&twin_key);
	if (twin) {
		WRITE_ONCE(twin->state, next);
		WRITE_ONCE(twin->fin_dirs, next_fin);
	}
}

#endif /* SLB_CT_H */
