/* SPDX-License-Identifier: Apache-2.0 */
/*
 * swiftlb_ct_table.h - the layout of the conntrack table, shared by the datapath
 * (bpf/lib/ct_table.h) and the daemon (swiftlb_ct_user.h).
 *
 * The table is an open-addressing hash table kept in one BPF array map (slb_ct), not a kernel
 * hash map: the datapath finds a flow with inline loads instead of a call into the kernel's
 * hash code, which was the largest single cost of an established flow's packet.
 *
 * Slot 0 holds the table's geometry (struct slb_ct_head). Slots 1 .. N + SLB_CT_PROBES - 1
 * hold entries, where N (a power of two) is the number of home slots: a key hashes to home
 * slot 1 + (hash & (N - 1)) and may sit in that slot or one of the next SLB_CT_PROBES - 1
 * (its window; windows never wrap, the extra slots at the end take the overflow). The map
 * therefore has N + SLB_CT_PROBES elements. Linear probing within a bounded window refuses
 * some inserts before every slot is used (simulated: 0.04 % of inserts up to half the home
 * slots, 1.4 % up to three quarters), so N is twice the entries the table is sized for.
 *
 * Each slot starts with a control word `ctl`: bits 0-2 the slot's state, bits 3-31 a
 * generation that grows each time the slot is claimed (so a compare-and-swap on `ctl` never
 * acts on a slot that was freed and reused in between), bits 32-63 the key's hash.
 *
 *   EMPTY     never used since the last compaction: a probe stops here
 *   BUSY      claimed by an insert that is still writing key and value
 *   LIVE      holds a flow's entry
 *   DEAD      deleted: free for inserts, but probes go on past it (keys behind it)
 *   DEAD_OLD  deleted and seen so by a compaction pass; the next pass may empty it
 *
 * Deleting only marks a slot DEAD. The daemon's sweep turns a DEAD_OLD slot whose successor is
 * EMPTY back into EMPTY (scanning backwards, so whole runs clear): a key's window never holds
 * an EMPTY slot before the key, so no probe stops short of it. Waiting one sweep (DEAD ->
 * DEAD_OLD -> EMPTY) lets every insert that saw the slot before it died finish first.
 */
#ifndef SWIFTLB_CT_TABLE_H
#define SWIFTLB_CT_TABLE_H

#include "swiftlb_abi.h"

/* Inlined on both sides: the datapath must not pay for a call per hash. */
#define SLB_CT_INLINE static inline __attribute__((always_inline))

/* Slots a key may occupy: its home slot and the ones after it. */
#define SLB_CT_PROBES 16

#define SLB_CT_SLOT_EMPTY 0
#define SLB_CT_SLOT_BUSY 1
#define SLB_CT_SLOT_LIVE 2
#define SLB_CT_SLOT_DEAD 3
#define SLB_CT_SLOT_DEAD_OLD 4
#define SLB_CT_SLOT_HEAD 7

#define SLB_CT_STATE_MASK 7ULL
/* Adding this to a control word advances its generation (bits 3-31). */
#define SLB_CT_GEN_STEP 8ULL
#define SLB_CT_GEN_MASK 0xfffffff8ULL

/* Written once by the daemon when it creates the table; the datapath only reads it. */
#define SLB_CT_HEAD_MAGIC 0x534c4243u /* "SLBC" */

struct slb_ct_head {
	__u32 magic;  /* SLB_CT_HEAD_MAGIC once set up; the datapath tracks nothing before */
	__u32 seed;   /* random per table: flows cannot be aimed at one window */
	__u32 mask;   /* N - 1 */
	__u32 probes; /* SLB_CT_PROBES of the build that set the table up */
};

struct slb_ct_slot {
	__u64 ctl;
	union {
		struct {
			struct slb_ct_key key;
			struct slb_ct_val val;
		} entry;
		struct slb_ct_head head; /* slot 0 only */
	};
};

SLB_CT_INLINE __u32 slb_ct_slot_state(__u64 ctl)
{
	return (__u32)(ctl & SLB_CT_STATE_MASK);
}

SLB_CT_INLINE __u32 slb_ct_slot_hash(__u64 ctl)
{
	return (__u32)(ctl >> 32);
}

/* The control word of a slot claimed for `hash` (BUSY) or published (LIVE), one generation on. */
SLB_CT_INLINE __u64 slb_ct_ctl_claim(__u64 old, __u32 hash, __u32 state)
{
	return ((__u64)hash << 32) | ((old + SLB_CT_GEN_STEP) & SLB_CT_GEN_MASK) | state;
}

/* The same slot and generation in another state. */
SLB_CT_INLINE __u64 slb_ct_ctl_with_state(__u64 ctl, __u32 state)
{
	return (ctl & ~SLB_CT_STATE_MASK) | state;
}

SLB_CT_INLINE int slb_ct_slot_free(__u32 state)
{
	return state == SLB_CT_SLOT_EMPTY || state == SLB_CT_SLOT_DEAD ||
	       state == SLB_CT_SLOT_DEAD_OLD;
}

/*
 * The hash of a key: each of its ten words mixed in by multiply and shift, then the 32-bit
 * finaliser of MurmurHash3. Both sides compute it with this one function.
 */
SLB_CT_INLINE __u32 slb_ct_hash(const struct slb_ct_key *key, __u32 seed)
{
	const __u32 *w = (const __u32 *)key;
	__u32 h = seed ^ 0x2545f491u;

#define SLB_CT_MIX(i)             \
	do {                      \
		h ^= w[i];        \
		h *= 0x9e3779b1u; \
		h ^= h >> 16;     \
	} while (0)
	SLB_CT_MIX(0);
	SLB_CT_MIX(1);
	SLB_CT_MIX(2);
	SLB_CT_MIX(3);
	SLB_CT_MIX(4);
	SLB_CT_MIX(5);
	SLB_CT_MIX(6);
	SLB_CT_MIX(7);
	SLB_CT_MIX(8);
	SLB_CT_MIX(9);
#undef SLB_CT_MIX
	h ^= h >> 15;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/* Whether two keys are the same tuple: all ten words (the padding is always zero). */
SLB_CT_INLINE int slb_ct_key_same(const struct slb_ct_key *a, const struct slb_ct_key *b)
{
	const __u32 *x = (const __u32 *)a;
	const __u32 *y = (const __u32 *)b;

	return x[0] == y[0] && x[1] == y[1] && x[2] == y[2] && x[3] == y[3] && x[4] == y[4] &&
	       x[5] == y[5] && x[6] == y[6] && x[7] == y[7] && x[8] == y[8] && x[9] == y[9];
}

/* The index of the home slot of `hash` in a table whose head is `head`. */
SLB_CT_INLINE __u32 slb_ct_home(const struct slb_ct_head *head, __u32 hash)
{
	return 1 + (hash & head->mask);
}

#endif /* SWIFTLB_CT_TABLE_H */
