// SPDX-License-Identifier: GPL-2.0-only
/*
 * floor.bpf.c - single-operation TC programs for bench/floor.sh, never attached.
 *
 * Each program does one elementary operation that a conntrack datapath needs (clock read, map
 * lookup, insert, inline array write, packet write, checksum helper, redirect), so that
 * `bpftool prog run ... repeat N` minus the noop program gives that operation's cost on this
 * machine. Programs that need a fresh key take it from their own slot of a per-CPU counter,
 * so their rows include one per-CPU array lookup + increment (the pcpu_array_inc row).
 * A program returns 0 (redirect: TC_ACT_REDIRECT) when its last run did what it should and 1
 * otherwise; floor.sh checks that.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

/* The conntrack's layout sizes: 40-byte key, 112-byte value, 262,144 slots by default. */
#define CT_SLOTS 262144
/* Keys of the random-lookup table present after the fill program: half of CT_SLOTS. */
#define FILL_BITS 17

struct key40 {
	__u32 w[10];
};

struct val112 {
	__u64 w[14];
};

/* One slot of the inline array tables: state word, key, value = 160 bytes. */
struct slot {
	__u32 state;
	struct key40 key;
	__u32 pad;
	struct val112 val;
};

/* Counter slots, one per program that needs fresh keys. */
enum { CTR_PCPU, CTR_RANDOM, CTR_INSERT, CTR_ARRAY, CTR_MAX };

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, CTR_MAX);
} ctr SEC(".maps");

/* Lookup tables: the hot key and the filled keys live here. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct key40);
	__type(value, struct val112);
	__uint(max_entries, CT_SLOTS);
} htab SEC(".maps");

/* Kept apart from htab so that its steady single entry is not mixed with the filled keys. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct key40);
	__type(value, struct val112);
	__uint(max_entries, CT_SLOTS);
} htab_ins SEC(".maps");

static __always_inline __u64 next_id(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&ctr, &idx);

	if (!v)
		return 0;
	return (*v)++;
}

/* A 64-bit finalizer: consecutive ids land far apart, beyond what a prefetcher follows. */
static __always_inline __u64 mix64(__u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* A key that differs from its neighbours in one word, like flows differing in a port. */
static __always_inline void make_key(struct key40 *k, __u32 id, __u32 tag)
{
	__builtin_memset(k, 0x5a, sizeof(*k));
	k->w[0] = id;
	k->w[1] = tag;
}

SEC("tc")
int noop(struct __sk_buff *skb)
{
	return 0;
}

SEC("tc")
int ktime(struct __sk_buff *skb)
{
	bpf_ktime_get_ns();
	return 0;
}

SEC("tc")
int ktime_coarse(struct __sk_buff *skb)
{
	bpf_ktime_get_coarse_ns();
	return 0;
}

SEC("tc")
int jiffies(struct __sk_buff *skb)
{
	bpf_jiffies64();
	return 0;
}

SEC("tc")
int pcpu_array_inc(struct __sk_buff *skb)
{
	next_id(CTR_PCPU);
	return 0;
}

/* The same key every run: the first run inserts it, every later run is a cache-hot hit. */
SEC("tc")
int htab_lookup_hot(struct __sk_buff *skb)
{
	struct key40 k;
	struct val112 v = {};

	make_key(&k, 0xffffffff, 1);
	if (bpf_map_lookup_elem(&htab, &k))
		return 0;
	bpf_map_update_elem(&htab, &k, &v, BPF_NOEXIST);
	return 1;
}

static long fill_one(__u64 i, void *ctx)
{
	struct key40 k;
	struct val112 v = {};

	make_key(&k, (__u32)i, 0);
	bpf_map_update_elem(&htab, &k, &v, BPF_ANY);
	return 0;
}

/* Not measured: run once before htab_lookup_random to put 2^FILL_BITS keys into htab. */
SEC("tc")
int htab_fill(struct __sk_buff *skb)
{
	return bpf_loop(1 << FILL_BITS, fill_one, NULL, 0) == (1 << FILL_BITS) ? 0 : 1;
}

/* A different filled key every run, in a random bucket: a hit on cold memory. */
SEC("tc")
int htab_lookup_random(struct __sk_buff *skb)
{
	struct key40 k;
	__u32 id = mix64(next_id(CTR_RANDOM)) & ((1 << FILL_BITS) - 1);

	make_key(&k, id, 0);
	return bpf_map_lookup_elem(&htab, &k) ? 0 : 1;
}

/*
 * Insert a new key, then delete the one the previous run inserted, so the table holds about
 * one entry per CPU and stays steady. The CPU is in the key: per-CPU counters repeat ids.
 */
SEC("tc")
int htab_insert(struct __sk_buff *skb)
{
	struct key40 k;
	struct val112 v = {};
	__u32 id = next_id(CTR_INSERT);
	__u32 cpu = bpf_get_smp_processor_id();
	long err;

	make_key(&k, id, cpu);
	v.w[0] = id;
	err = bpf_map_update_elem(&htab_ins, &k, &v, BPF_NOEXIST);
	k.w[0] = id - 1;
	bpf_map_delete_elem(&htab_ins, &k);
	return err ? 1 : 0;
}

static __always_inline int array_write(void *map, __u32 idx, __u64 id)
{
	struct slot *s = bpf_map_lookup_elem(map, &idx);
	__u32 old;
	int i;

	if (!s)
		return 1;
	old = s->state;
	if (__sync_val_compare_and_swap(&s->state, old, old + 1) != old)
		return 1;
	make_key(&s->key, (__u32)id, 0);
#pragma unroll
	for (i = 0; i < 14; i++)
		s->val.w[i] = id + i;
	return 0;
}

/*
 * The cheapest inline "conntrack insert": hash a fresh id to a slot of a 2^bits array, claim
 * the slot with a compare-and-swap of its state word and write key and value. Array lookups
 * are inlined by the verifier, so no kernel helper runs. The claim always succeeds (it bumps
 * the state's generation), so every run writes, as a real insert into a free slot would.
 */
#define ARRAY_WRITE(bits)                                   \
	struct {                                            \
		__uint(type, BPF_MAP_TYPE_ARRAY);           \
		__type(key, __u32);                         \
		__type(value, struct slot);                 \
		__uint(max_entries, 1 << (bits));           \
	} slots_##bits SEC(".maps");                        \
                                                            \
	SEC("tc")                                           \
	int array_write_##bits(struct __sk_buff *skb)       \
	{                                                   \
		__u64 id = next_id(CTR_ARRAY);              \
		__u32 idx = mix64(id) >> (64 - (bits));     \
		return array_write(&slots_##bits, idx, id); \
	}

ARRAY_WRITE(10)
ARRAY_WRITE(14)
ARRAY_WRITE(16)
ARRAY_WRITE(18)
ARRAY_WRITE(20)

/*
 * The read side of the same table (an established flow's lookup): a random slot of the
 * default-size array, its state and 40-byte key compared with the wanted key. The result is
 * only kept alive, not returned, so the check of the return value stays simple.
 */
SEC("tc")
int array_read_18(struct __sk_buff *skb)
{
	__u64 id = next_id(CTR_ARRAY);
	__u32 idx = mix64(id) >> (64 - 18);
	struct slot *s = bpf_map_lookup_elem(&slots_18, &idx);
	struct key40 k;
	__u32 diff = 0;
	int i;

	if (!s)
		return 1;
	make_key(&k, (__u32)id, 0);
#pragma unroll
	for (i = 0; i < 10; i++)
		diff |= s->key.w[i] ^ k.w[i];
	diff |= s->state == 0;
	asm volatile("" : : "r"(diff));
	return 0;
}

/* 38 bytes: the span a NAT rewrite touches (Ethernet + IPv4 addresses). */
#define WRITE_LEN 38

SEC("tc")
int store_bytes_38(struct __sk_buff *skb)
{
	__u8 buf[40];

	__builtin_memset(buf, 0x11, sizeof(buf));
	return bpf_skb_store_bytes(skb, 0, buf, WRITE_LEN, 0) ? 1 : 0;
}

SEC("tc")
int direct_write_38(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	if (data + WRITE_LEN > data_end)
		return 1;
	__builtin_memset(data, 0x11, WRITE_LEN);
	return 0;
}

/* Offset of the TCP checksum in an Ethernet + 20-byte IPv4 + TCP frame. */
#define TCP_CSUM_OFF 50

SEC("tc")
int l4_csum_replace(struct __sk_buff *skb)
{
	return bpf_l4_csum_replace(skb, TCP_CSUM_OFF, 0x0a000001, 0x0a000002,
				   BPF_F_PSEUDO_HDR | sizeof(__u32)) ?
		       1 :
		       0;
}

SEC("tc")
int redirect(struct __sk_buff *skb)
{
	return bpf_redirect(1, 0);
}
