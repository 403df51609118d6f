/* SPDX-License-Identifier: Apache-2.0 */
/*
 * swiftlb_ct_user.h - the daemon's side of the conntrack table (swiftlb_ct_table.h).
 *
 * The daemon maps the slb_ct array into its memory and works on the slots directly, with the
 * same protocol as the datapath (bpf/lib/ct_table.h): control words are read with acquire
 * loads and changed only by compare-and-swap, so the daemon and the datapath may act on the
 * table at the same time. Every function takes the mapped slots and the map's element count
 * (N + SLB_CT_PROBES) and never touches a slot at or past that count.
 *
 * Return conventions: 0 or a slot index on success, a negative errno otherwise.
 */
#ifndef SWIFTLB_CT_USER_H
#define SWIFTLB_CT_USER_H

#ifdef __bpf__
#error "swiftlb_ct_user.h is for the daemon; the datapath uses bpf/lib/ct_table.h"
#endif

#include <errno.h>
#include <string.h>

#include "swiftlb_ct_table.h"

/* How often a read or delete starts over when a slot changed under it. */
#define SLB_CT_USER_RETRIES 4

/* What one compaction pass changed. */
struct slb_ct_compaction {
	__u32 emptied; /* DEAD_OLD -> EMPTY */
	__u32 aged;    /* DEAD -> DEAD_OLD */
};

static inline __u64 slb_ct_user_ctl(const struct slb_ct_slot *slot)
{
	/* Acquire: the key and value read after it are the ones published with it. */
	return __atomic_load_n(&slot->ctl, __ATOMIC_ACQUIRE);
}

static inline int slb_ct_user_cas(struct slb_ct_slot *slot, __u64 old, __u64 new_ctl)
{
	return __atomic_compare_exchange_n(&slot->ctl, &old, new_ctl, 0, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST);
}

/* Whether `count` elements make a table: N + SLB_CT_PROBES with N a power of two. */
static inline int slb_ct_user_count_valid(__u32 count)
{
	__u32 n = count - SLB_CT_PROBES;

	return count > SLB_CT_PROBES && (n & (n - 1)) == 0;
}

/*
 * Sets up the head of a table of `count` elements unless it has one already (a pinned table
 * the daemon reuses keeps its seed, or its entries would be lost). Returns 1 when it wrote
 * the head, 0 when the existing head fits `count`, -EINVAL when `count` is no table size and
 * -EPROTO when the existing head describes another geometry (a table of another build).
 */
static inline int slb_ct_user_init(struct slb_ct_slot *slots, __u32 count, __u32 seed)
{
	struct slb_ct_head *head = &slots[0].head;

	if (!slb_ct_user_count_valid(count))
		return -EINVAL;
	if (slb_ct_user_ctl(&slots[0]) == SLB_CT_SLOT_HEAD && head->magic == SLB_CT_HEAD_MAGIC)
		return head->mask == count - SLB_CT_PROBES - 1 && head->probes == SLB_CT_PROBES ?
			       0 :
			       -EPROTO;
	head->seed = seed;
	head->mask = count - SLB_CT_PROBES - 1;
	head->probes = SLB_CT_PROBES;
	head->magic = SLB_CT_HEAD_MAGIC;
	/* Release: the datapath reads the geometry only after it sees the HEAD state. */
	__atomic_store_n(&slots[0].ctl, SLB_CT_SLOT_HEAD, __ATOMIC_RELEASE);
	return 1;
}

/* One past the last slot of the window starting at `home`, never past the table. */
static inline __u32 slb_ct_user_window_end(__u32 home, __u32 count)
{
	return home + SLB_CT_PROBES < count ? home + SLB_CT_PROBES : count;
}

/* Whether slot `ctl` (already read) holds `key` of hash `hash`, LIVE. */
static inline int slb_ct_user_holds(const struct slb_ct_slot *slot, __u64 ctl,
				    const struct slb_ct_key *key, __u32 hash)
{
	return slb_ct_slot_state(ctl) == SLB_CT_SLOT_LIVE && slb_ct_slot_hash(ctl) == hash &&
	       slb_ct_key_same(&slot->entry.key, key);
}

/* Whether an insert of `key` must give way to slot `ctl`: the key LIVE, or a claim of its hash. */
static inline int slb_ct_user_taken(const struct slb_ct_slot *slot, __u64 ctl,
				    const struct slb_ct_key *key, __u32 hash)
{
	if (slb_ct_slot_state(ctl) == SLB_CT_SLOT_BUSY)
		return slb_ct_slot_hash(ctl) == hash;
	return slb_ct_user_holds(slot, ctl, key, hash);
}

/* The index of the LIVE slot holding `key` (its control word in *ctl), or 0 when absent. */
static inline __u32 slb_ct_user_find(const struct slb_ct_slot *slots, __u32 count,
				     const struct slb_ct_key *key, __u32 hash, __u64 *ctl)
{
	__u32 home = slb_ct_home(&slots[0].head, hash);
	__u32 end = slb_ct_user_window_end(home, count);

	for (__u32 i = home; i < end; i++) {
		__u64 seen = slb_ct_user_ctl(&slots[i]);

		/* Nothing is ever stored past an EMPTY slot of the window. */
		if (slb_ct_slot_state(seen) == SLB_CT_SLOT_EMPTY)
			return 0;
		if (slb_ct_user_holds(&slots[i], seen, key, hash)) {
			*ctl = seen;
			return i;
		}
	}
	return 0;
}

/*
 * Copies the value of `key` to *val and the slot's control word to *seen (for
 * slb_ct_user_delete_slot; may be NULL). Returns the slot index (> 0), -ENOENT when the key is
 * absent, or -EAGAIN when its slot changed while being read SLB_CT_USER_RETRIES times in a row.
 */
static inline int slb_ct_user_lookup(const struct slb_ct_slot *slots, __u32 count,
				     const struct slb_ct_key *key, struct slb_ct_val *val,
				     __u64 *seen)
{
	__u32 hash = slb_ct_hash(key, slots[0].head.seed);

	for (int attempt = 0; attempt < SLB_CT_USER_RETRIES; attempt++) {
		__u64 ctl = 0;
		__u32 i = slb_ct_user_find(slots, count, key, hash, &ctl);

		if (!i)
			return -ENOENT;
		memcpy(val, &slots[i].entry.val, sizeof(*val));
		/* A changed control word means the slot was freed (and maybe reused) meanwhile. */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&slots[i].ctl, __ATOMIC_RELAXED) != ctl)
			continue;
		if (seen)
			*seen = ctl;
		return (int)i;
	}
	return -EAGAIN;
}

/*
 * Copies slot `index` out when it is LIVE. Returns its control word, or 0 when the slot is not
 * LIVE or changed while being copied (a LIVE control word is never 0).
 */
static inline __u64 slb_ct_user_read_slot(const struct slb_ct_slot *slots, __u32 count, __u32 index,
					  struct slb_ct_key *key, struct slb_ct_val *val)
{
	__u64 ctl;

	if (index == 0 || index >= count)
		return 0;
	ctl = slb_ct_user_ctl(&slots[index]);
	if (slb_ct_slot_state(ctl) != SLB_CT_SLOT_LIVE)
		return 0;
	memcpy(key, &slots[index].entry.key, sizeof(*key));
	memcpy(val, &slots[index].entry.val, sizeof(*val));
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return __atomic_load_n(&slots[index].ctl, __ATOMIC_RELAXED) == ctl ? ctl : 0;
}

/*
 * The first LIVE slot at or after `from` (at least 1), or `count` when there is none. Reads
 * control words only; the caller copies the slot with slb_ct_user_read_slot, which checks again
 * that it is LIVE.
 */
static inline __u32 slb_ct_user_next_live(const struct slb_ct_slot *slots, __u32 count, __u32 from)
{
	for (__u32 i = from ? from : 1; i < count; i++) {
		if (slb_ct_slot_state(slb_ct_user_ctl(&slots[i])) == SLB_CT_SLOT_LIVE)
			return i;
	}
	return count;
}

/* The first free slot of the window (its control word in *ctl), 0 when none; -EEXIST if taken. */
static inline int slb_ct_user_free_slot(const struct slb_ct_slot *slots, __u32 count,
					const struct slb_ct_key *key, __u32 hash, __u64 *ctl)
{
	__u32 home = slb_ct_home(&slots[0].head, hash);
	__u32 end = slb_ct_user_window_end(home, count);
	__u32 free_index = 0;

	for (__u32 i = home; i < end; i++) {
		__u64 seen = slb_ct_user_ctl(&slots[i]);

		if (slb_ct_user_taken(&slots[i], seen, key, hash))
			return -EEXIST;
		if (!free_index && slb_ct_slot_free(slb_ct_slot_state(seen))) {
			free_index = i;
			*ctl = seen;
		}
		/* Past an EMPTY slot the window holds nothing: no key to find there. */
		if (slb_ct_slot_state(seen) == SLB_CT_SLOT_EMPTY)
			break;
	}
	return (int)free_index;
}

/* Whether a slot of the window before `index` holds or claims `key`: the earlier slot wins. */
static inline int slb_ct_user_lost_race(const struct slb_ct_slot *slots, __u32 index,
					const struct slb_ct_key *key, __u32 hash)
{
	for (__u32 i = slb_ct_home(&slots[0].head, hash); i < index; i++) {
		if (slb_ct_user_taken(&slots[i], slb_ct_user_ctl(&slots[i]), key, hash))
			return 1;
	}
	return 0;
}

/*
 * Inserts `key`, which must not be present. Returns 0, -EEXIST when the key is (or is being)
 * inserted, -E2BIG when its window has no free slot, -EBUSY when the free slot changed before
 * it could be claimed.
 */
static inline int slb_ct_user_insert(struct slb_ct_slot *slots, __u32 count,
				     const struct slb_ct_key *key, const struct slb_ct_val *val,
				     __u32 hash)
{
	__u64 old = 0, busy;
	int i = slb_ct_user_free_slot(slots, count, key, hash, &old);

	if (i < 0)
		return i;
	if (i == 0)
		return -E2BIG;
	busy = slb_ct_ctl_claim(old, hash, SLB_CT_SLOT_BUSY);
	if (!slb_ct_user_cas(&slots[i], old, busy))
		return -EBUSY;
	memcpy(&slots[i].entry.key, key, sizeof(*key));
	memcpy(&slots[i].entry.val, val, sizeof(*val));
	/* Only the claimer moves a BUSY slot on, so this cannot fail. */
	slb_ct_user_cas(&slots[i], busy, slb_ct_ctl_with_state(busy, SLB_CT_SLOT_LIVE));
	if (slb_ct_user_lost_race(slots, (__u32)i, key, hash)) {
		slb_ct_user_cas(&slots[i], slb_ct_ctl_with_state(busy, SLB_CT_SLOT_LIVE),
				slb_ct_ctl_with_state(busy, SLB_CT_SLOT_DEAD));
		return -EEXIST;
	}
	return 0;
}

/*
 * Stores `val` under `key`: in place when present, else in a new slot. Returns 0, -E2BIG when
 * the key's window is full, -EBUSY when concurrent changes kept it from finishing.
 */
static inline int slb_ct_user_update(struct slb_ct_slot *slots, __u32 count,
				     const struct slb_ct_key *key, const struct slb_ct_val *val)
{
	__u32 hash = slb_ct_hash(key, slots[0].head.seed);

	for (int attempt = 0; attempt < SLB_CT_USER_RETRIES; attempt++) {
		__u64 ctl = 0;
		__u32 i = slb_ct_user_find(slots, count, key, hash, &ctl);
		int rc;

		if (i) {
			/* In place, as the datapath updates a flow's value: readers may see it torn. */
			memcpy(&slots[i].entry.val, val, sizeof(*val));
			return 0;
		}
		rc = slb_ct_user_insert(slots, count, key, val, hash);
		/* -EEXIST: another writer inserted the key meanwhile; find it again. */
		if (rc != -EEXIST)
			return rc;
	}
	return -EBUSY;
}

/*
 * Marks slot `index` DEAD if its control word is still `ctl` (a LIVE word read earlier), so a
 * slot freed and reused since is never deleted. Returns 0, -ESTALE when the slot changed,
 * -EINVAL when `index` or `ctl` cannot name a LIVE slot.
 */
static inline int slb_ct_user_delete_slot(struct slb_ct_slot *slots, __u32 count, __u32 index,
					  __u64 ctl)
{
	if (index == 0 || index >= count || slb_ct_slot_state(ctl) != SLB_CT_SLOT_LIVE)
		return -EINVAL;
	return slb_ct_user_cas(&slots[index], ctl, slb_ct_ctl_with_state(ctl, SLB_CT_SLOT_DEAD)) ?
		       0 :
		       -ESTALE;
}

/* Deletes `key`. Returns 0, or -ENOENT when it is absent (or deleted by another writer). */
static inline int slb_ct_user_delete(struct slb_ct_slot *slots, __u32 count,
				     const struct slb_ct_key *key)
{
	__u32 hash = slb_ct_hash(key, slots[0].head.seed);

	for (int attempt = 0; attempt < SLB_CT_USER_RETRIES; attempt++) {
		__u64 ctl = 0;
		__u32 i = slb_ct_user_find(slots, count, key, hash, &ctl);

		if (!i)
			return -ENOENT;
		if (slb_ct_user_delete_slot(slots, count, i, ctl) == 0)
			return 0;
	}
	return -ENOENT;
}

/* Whether the slot after `index` is EMPTY; the last slot's successor counts as EMPTY. */
static inline int slb_ct_user_next_empty(const struct slb_ct_slot *slots, __u32 count, __u32 index)
{
	return index + 1 >= count ||
	       slb_ct_slot_state(slb_ct_user_ctl(&slots[index + 1])) == SLB_CT_SLOT_EMPTY;
}

/*
 * One compaction pass, last slot first: a DEAD_OLD slot whose successor is EMPTY (the last
 * slot has none) becomes EMPTY, so a run of them clears in one pass; a DEAD slot becomes
 * DEAD_OLD, to be emptied no earlier than the next pass, after every insert that saw it free
 * has finished. The generation is kept, so claims go on counting up.
 */
static inline struct slb_ct_compaction slb_ct_user_compact(struct slb_ct_slot *slots, __u32 count)
{
	struct slb_ct_compaction done = { 0, 0 };

	if (!slb_ct_user_count_valid(count))
		return done;
	for (__u32 i = count - 1; i >= 1; i--) {
		__u64 ctl = slb_ct_user_ctl(&slots[i]);

		if (slb_ct_slot_state(ctl) == SLB_CT_SLOT_DEAD_OLD &&
		    slb_ct_user_next_empty(slots, count, i) &&
		    slb_ct_user_cas(&slots[i], ctl, slb_ct_ctl_with_state(ctl, SLB_CT_SLOT_EMPTY)))
			done.emptied++;
		else if (slb_ct_slot_state(ctl) == SLB_CT_SLOT_DEAD &&
			 slb_ct_user_cas(&slots[i], ctl,
					 slb_ct_ctl_with_state(ctl, SLB_CT_SLOT_DEAD_OLD)))
			done.aged++;
	}
	return done;
}

/*
 * A fingerprint of what conntrack sync sends for slot `index` besides counters: the rewrite,
 * service, endpoint slot, state, direction, FIN bits, SCTP tag, and last_seen_ns divided by
 * `period_ns` (0: not at all), so that a busy flow changes once a period and its copy on a
 * peer does not age out there. Read without checking the control word: a torn read only makes a
 * spurious change, which the caller copies again with slb_ct_user_read_slot.
 */
static inline __u64 slb_ct_user_sync_digest(const struct slb_ct_slot *slots, __u32 index,
					    __u64 period_ns)
{
	const struct slb_ct_val *val = &slots[index].entry.val;
	const __u32 *nat = (const __u32 *)&val->nat;
	const __u64 prime = 0x100000001b3ULL;
	__u64 h = 0xcbf29ce484222325ULL;
	__u64 seen = __atomic_load_n(&val->last_seen_ns, __ATOMIC_RELAXED);

	for (unsigned int i = 0; i < sizeof(val->nat) / 4; i++)
		h = (h ^ nat[i]) * prime;
	h = (h ^ val->svc_id) * prime;
	h = (h ^ ((__u64)val->ep_idx << 32 | (__u64)val->state << 16 | (__u64)val->dir << 8 |
		  val->fin_dirs)) *
	    prime;
	h = (h ^ val->vtag) * prime;
	h = (h ^ (period_ns ? seen / period_ns : 0)) * prime;
	return h;
}

#endif /* SWIFTLB_CT_USER_H */
