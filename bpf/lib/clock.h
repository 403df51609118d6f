/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * clock.h - the datapath's clock.
 *
 * Conntrack last-seen stamps, the next-hop cache and persistence all count in CLOCK_MONOTONIC
 * nanoseconds, the clock the control plane reads. Their timeouts are whole seconds, so the
 * coarse clock (the time of the last tick) is precise enough. It only moves when jiffies
 * does, so each CPU keeps its last reading beside the jiffies it was taken at and reads the
 * clock again only after a tick: bpf_jiffies64 is inlined by the verifier into one load,
 * while a clock helper costs 20-40 ns on a VM, where it reads the paravirtual clock source.
 * A reading taken in the instant between a tick's jiffies and clock updates lags one tick
 * until the next: never ahead, so stamps stay monotonic.
 */
#ifndef SLB_CLOCK_H
#define SLB_CLOCK_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "compiler.h"

struct slb_clock {
	__u64 jiffies;
	__u64 now_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_clock);
	__uint(max_entries, 1);
} slb_clock SEC(".maps");

static __always_inline __u64 slb_now_ns(void)
{
	__u64 jiffies = bpf_jiffies64();
	struct slb_clock *c;
	__u32 zero = 0;

	c = bpf_map_lookup_elem(&slb_clock, &zero);
	if (!c)
		return bpf_ktime_get_coarse_ns();
	if (c->jiffies != jiffies || !c->now_ns) {
		c->now_ns = bpf_ktime_get_coarse_ns();
		c->jiffies = jiffies;
	}
	return c->now_ns;
}

#endif /* SLB_CLOCK_H */
