// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bench_wrapper.bpf.c - benchmark harness program, never attached to an interface.
 *
 * BPF_PROG_TEST_RUN with `repeat` > 1 runs a program again and again on the same skb, so a
 * NAT program would see its own rewritten packet from the second run on and time the wrong
 * path (DESIGN §7). slb_bench_wrapper writes the original bytes (kept in slb_bench_pkt) back
 * into the packet, optionally gives it a fresh source port (the new-flow path must create a
 * flow on every run), and tail-calls the program under test in slot 0 of slb_bench_target.
 * bench/DatapathBench measures the wrapper around slb_tc_noop too and subtracts it. Both live
 * in this benchmark-only object (bpf/bench), which the daemon never embeds.
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "swiftlb_abi.h"

/* Offsets in an Ethernet + 20-byte IPv4 header frame (the benchmark builds only those). */
#define BENCH_OFF_PROTO 23
#define BENCH_OFF_SPORT 34
#define BENCH_OFF_TCP_CSUM 50
#define BENCH_OFF_UDP_CSUM 40

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_bench_pkt);
	__uint(max_entries, 1);
} slb_bench_pkt SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1);
} slb_bench_target SEC(".maps");

/* RFC 1624 incremental update of a ones'-complement checksum for one 16-bit word. */
static __always_inline __u16 bench_csum_replace(__u16 check, __u16 old, __u16 new)
{
	__u32 sum = (__u16)~check + (__u16)~old + new;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* Gives the stored packet the next source port (1024..65535), keeping its L4 checksum right. */
static __always_inline void bench_next_sport(struct slb_bench_pkt *p)
{
	__u16 *sport = (__u16 *)&p->data[BENCH_OFF_SPORT];
	__u16 old = *sport;
	__u16 port = 1024 + (p->seq++ % 64512);
	__u16 new = __builtin_bswap16(port);
	__u16 *csum;

	*sport = new;
	if (p->data[BENCH_OFF_PROTO] == IPPROTO_TCP) {
		csum = (__u16 *)&p->data[BENCH_OFF_TCP_CSUM];
		*csum = bench_csum_replace(*csum, old, new);
	} else if (p->data[BENCH_OFF_PROTO] == IPPROTO_UDP) {
		csum = (__u16 *)&p->data[BENCH_OFF_UDP_CSUM];
		if (*csum) {
			*csum = bench_csum_replace(*csum, old, new);
			if (!*csum)
				*csum = 0xffff;
		}
	}
}

SEC("tc")
int slb_bench_wrapper(struct __sk_buff *skb)
{
	__u32 zero = 0;
	struct slb_bench_pkt *p = bpf_map_lookup_elem(&slb_bench_pkt, &zero);
	__u32 len;

	if (!p)
		return TC_ACT_SHOT;
	len = p->len;
	if (len < 1 || len > SLB_BENCH_PKT_MAX)
		return TC_ACT_SHOT;
	if (p->vary_sport)
		bench_next_sport(p);
	if (bpf_skb_store_bytes(skb, 0, p->data, len, 0))
		return TC_ACT_SHOT;
	bpf_tail_call(skb, &slb_bench_target, 0);
	return TC_ACT_SHOT;
}

/* Passes everything: the floor every benchmark row is measured against. */
SEC("tc")
int slb_tc_noop(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
