/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ct_table.h - find, add, replace and delete conntrack entries in slb_ct, the open-addressing
 * table whose layout swiftlb_ct_table.h describes. These four calls stand in for the kernel
 * hash map's lookup, update (BPF_NOEXIST / BPF_ANY) and delete, with the same results, so
 * ct.h and the pipelines read as before; what they save is the call into the kernel's hash
 * code (a hot lookup here is a few inline loads).
 *
 * Concurrency: slots change state only by 64-bit compare-and-swap on their control word, so
 * two CPUs never claim one slot and a delete never hits a slot reused since it was read. Two
 * CPUs adding the same key at once both write a slot; each then looks at the slots of the
 * window before its own, and the later one backs out (-EEXIST), as the hash map's BPF_NOEXIST
 * lets the first writer win.
 */
#ifndef SLB_CT_TABLE_H
#define SLB_CT_TABLE_H

#include <linux/errno.h>

#include "compiler.h"
#include "maps.h"
#include "swiftlb_ct_table.h"

/* The table's head, or NULL before the daemon has set the table up. */
static __always_inline const struct slb_ct_head *slb_ct_head_get(void)
{
	__u32 zero = 0;
	struct slb_ct_slot *slot = bpf_map_lookup_elem(&slb_ct, &zero);

	if (!slot || READ_ONCE(slot->head.magic) != SLB_CT_HEAD_MAGIC)
		return NULL;
	return &slot->head;
}

static __always_inline struct slb_ct_slot *slb_ct_slot_at(__u32 index)
{
	return bpf_map_lookup_elem(&slb_ct, &index);
}

/* Whether `slot` (control word `ctl`) holds `key` of hash `hash`, or is being written for it. */
static __always_inline bool slb_ct_slot_holds(const struct slb_ct_slot *slot, __u64 ctl, __u32 hash,
					      const struct slb_ct_key *key, bool busy_counts)
{
	__u32 state = slb_ct_slot_state(ctl);

	if (slb_ct_slot_hash(ctl) != hash)
		return false;
	if (state == SLB_CT_SLOT_BUSY)
		return busy_counts;
	return state == SLB_CT_SLOT_LIVE && slb_ct_key_same(&slot->entry.key, key);
}

/*
 * The index of the LIVE slot holding `key` (hash `hash`, home slot `home`) within its window,
 * or 0 (the head's slot) when it has none.
 */
static __always_inline __u32 slb_ct_probe(const struct slb_ct_key *key, __u32 hash, __u32 home)
{
	struct slb_ct_slot *slot;
	__u64 ctl;
	__u32 i;

	for (i = 0; i < SLB_CT_PROBES; i++) {
		slot = slb_ct_slot_at(home + i);
		if (!slot)
			return 0;
		ctl = READ_ONCE(slot->ctl);
		if (slb_ct_slot_state(ctl) == SLB_CT_SLOT_EMPTY)
			return 0;
		if (slb_ct_slot_holds(slot, ctl, hash, key, false))
			return home + i;
	}
	return 0;
}

/*
 * The probes below are global functions: the verifier checks their loop once rather than at
 * every caller, which keeps the pipelines within its instruction budget. Arguments of global
 * functions may be NULL as far as the verifier knows.
 */

/* slb_ct_probe for a key whose hash and home slot the caller has already computed. */
__attribute__((noinline)) __u32 slb_ct_index_at(const struct slb_ct_key *key, __u32 hash,
						__u32 home)
{
	return key ? slb_ct_probe(key, hash, home) : 0;
}

/* The index of the LIVE slot holding `key`, or 0 when it has none. */
__attribute__((noinline)) __u32 slb_ct_index(const struct slb_ct_key *key)
{
	const struct slb_ct_head *head = slb_ct_head_get();
	__u32 hash;

	if (!head || !key)
		return 0;
	hash = slb_ct_hash(key, head->seed);
	return slb_ct_probe(key, hash, slb_ct_home(head, hash));
}

/* The entry in slot `index` (from a probe), or NULL for 0. */
static __always_inline struct slb_ct_val *slb_ct_entry_at(__u32 index)
{
	struct slb_ct_slot *slot;

	if (!index)
		return NULL;
	slot = slb_ct_slot_at(index);
	if (!slot)
		return NULL;
	/* Keeps clang from offsetting the pointer before its null check (the verifier refuses). */
	barrier_var(slot);
	return &slot->entry.val;
}

/* bpf_map_lookup_elem: the entry of `key`, or NULL. */
static __always_inline struct slb_ct_val *slb_ct_find(const struct slb_ct_key *key)
{
	return slb_ct_entry_at(slb_ct_index(key));
}

/*
 * slb_ct_find for the one lookup every packet makes (pipeline.h, pipeline6.h): the key's home
 * slot, where most entries sit, is checked inline; the rest of the window through
 * slb_ct_index_at, with the hash already computed. Also returns the entry's slot index in
 * `*index` (0 when not found), which later stages of the packet (stages.h) use to reach the
 * entry again without another probe.
 */
static __always_inline struct slb_ct_val *slb_ct_find_inline(const struct slb_ct_key *key,
							     __u32 *index)
{
	const struct slb_ct_head *head = slb_ct_head_get();
	struct slb_ct_slot *slot;
	__u32 hash, home;
	__u64 ctl;

	*index = 0;
	if (!head)
		return NULL;
	hash = slb_ct_hash(key, head->seed);
	home = slb_ct_home(head, hash);
	slot = slb_ct_slot_at(home);
	if (!slot)
		return NULL;
	ctl = READ_ONCE(slot->ctl);
	if (slb_ct_slot_state(ctl) == SLB_CT_SLOT_EMPTY)
		return NULL;
	if (slb_ct_slot_holds(slot, ctl, hash, key, false)) {
		*index = home;
		return &slot->entry.val;
	}
	*index = slb_ct_index_at(key, hash, home);
	return slb_ct_entry_at(*index);
}

/* bpf_map_delete_elem: 0, or -ENOENT when `key` has no entry. */
__attribute__((noinline)) long slb_ct_del(const struct slb_ct_key *key)
{
	__u32 index = slb_ct_index(key);
	struct slb_ct_slot *slot = index ? slb_ct_slot_at(index) : NULL;
	__u64 ctl;

	if (!slot)
		return -ENOENT;
	ctl = READ_ONCE(slot->ctl);
	if (slb_ct_slot_state(ctl) != SLB_CT_SLOT_LIVE)
		return -ENOENT;
	if (__sync_val_compare_and_swap(&slot->ctl, ctl,
					slb_ct_ctl_with_state(ctl, SLB_CT_SLOT_DEAD)) != ctl)
		return -ENOENT;
	return 0;
}

/*
 * After publishing `key` in slot `mine` (index `mine_index`, control word `live`): backs out
 * with -EEXIST when an earlier slot of the window holds the same key or is being written for
 * its hash (another CPU added it at the same time and wins), otherwise returns 0.
 */
static __always_inline long slb_ct_add_settle(struct slb_ct_slot *mine, __u32 mine_index,
					      __u64 live, __u32 home, __u32 hash,
					      const struct slb_ct_key *key)
{
	struct slb_ct_slot *slot;
	__u32 i;

	for (i = 0; i < SLB_CT_PROBES; i++) {
		if (home + i >= mine_index)
			break;
		slot = slb_ct_slot_at(home + i);
		if (!slot)
			break;
		if (slb_ct_slot_holds(slot, READ_ONCE(slot->ctl), hash, key, true)) {
			__sync_val_compare_and_swap(&mine->ctl, live,
						    slb_ct_ctl_with_state(live, SLB_CT_SLOT_DEAD));
			return -EEXIST;
		}
	}
	return 0;
}

/* Tells conntrack sync, while it runs, which slot a new entry took (slb_ct_events). */
static __always_inline void slb_ct_notify(__u32 index)
{
	const struct slb_config *cfg;
	struct slb_ct_event event = { .slot = index };
	__u32 zero = 0;

	cfg = bpf_map_lookup_elem(&slb_cfg, &zero);
	if (cfg && (READ_ONCE(cfg->flags) & SLB_CFG_CT_EVENTS))
		bpf_ringbuf_output(&slb_ct_events, &event, sizeof(event), 0);
}

/*
 * bpf_map_update_elem(BPF_NOEXIST): 0 when `key` was added with `val`; -EEXIST when it has an
 * entry (or is being added by another CPU); -E2BIG when its window has no free slot (the
 * table is full there); -EBUSY when another CPU took the free slot first.
 */
__attribute__((noinline)) long slb_ct_add(const struct slb_ct_key *key,
					  const struct slb_ct_val *val)
{
	const struct slb_ct_head *head = slb_ct_head_get();
	struct slb_ct_slot *slot;
	__u32 hash, home, i, free_index = 0;
	__u64 ctl, free_ctl = 0, busy, live;

	if (!head || !key || !val)
		return -E2BIG;
	hash = slb_ct_hash(key, head->seed);
	home = slb_ct_home(head, hash);
	for (i = 0; i < SLB_CT_PROBES; i++) {
		slot = slb_ct_slot_at(home + i);
		if (!slot)
			break;
		ctl = READ_ONCE(slot->ctl);
		if (slb_ct_slot_holds(slot, ctl, hash, key, true))
			return -EEXIST;
		if (slb_ct_slot_free(slb_ct_slot_state(ctl)) && !free_index) {
			free_index = home + i;
			free_ctl = ctl;
		}
		if (slb_ct_slot_state(ctl) == SLB_CT_SLOT_EMPTY)
			break;
	}
	slot = free_index ? slb_ct_slot_at(free_index) : NULL;
	if (!slot)
		return -E2BIG;
	busy = slb_ct_ctl_claim(free_ctl, hash, SLB_CT_SLOT_BUSY);
	ctl = __sync_val_compare_and_swap(&slot->ctl, free_ctl, busy);
	if (ctl != free_ctl) {
		/* The daemon's sweep may have aged or emptied the free slot meanwhile: still free. */
		if (!slb_ct_slot_free(slb_ct_slot_state(ctl)))
			return -EBUSY;
		busy = slb_ct_ctl_claim(ctl, hash, SLB_CT_SLOT_BUSY);
		if (__sync_val_compare_and_swap(&slot->ctl, ctl, busy) != ctl)
			return -EBUSY;
	}
	__builtin_memcpy(&slot->entry.key, key, sizeof(*key));
	__builtin_memcpy(&slot->entry.val, val, sizeof(*val));
	/* A full barrier: key and value are visible before the slot reads as LIVE. */
	live = slb_ct_ctl_with_state(busy, SLB_CT_SLOT_LIVE);
	__sync_val_compare_and_swap(&slot->ctl, busy, live);
	if (slb_ct_add_settle(slot, free_index, live, home, hash, key))
		return -EEXIST;
	slb_ct_notify(free_index);
	return 0;
}

/* bpf_map_update_elem(BPF_ANY): overwrites the entry of `key` in place, or adds it. */
__attribute__((noinline)) long slb_ct_put(const struct slb_ct_key *key,
					  const struct slb_ct_val *val)
{
	__u32 index = slb_ct_index(key);
	struct slb_ct_slot *slot = index ? slb_ct_slot_at(index) : NULL;

	if (!slot || !val)
		return slb_ct_add(key, val);
	__builtin_memcpy(&slot->entry.val, val, sizeof(*val));
	return 0;
}

#endif /* SLB_CT_TABLE_H */
