/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * stats.h - counters.
 *
 * Three kinds, all per-CPU so the packet path never contends on a cache line (Swift sums the
 * CPUs when it reads them): the global counters of enum slb_counter, saying what happened to
 * each packet and why every drop happened; packets and bytes per service; and packets and
 * bytes per endpoint slot of a service. Out-of-range indexes are ignored, never wrapped onto
 * another service's slot.
 */
#ifndef SLB_STATS_H
#define SLB_STATS_H

#include "compiler.h"
#include "maps.h"

/* Adds one to global counter `idx` (enum slb_counter). */
static __always_inline void slb_count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&slb_counters, &idx);

	if (v)
		*v += 1;
}

/* Counts `idx` and returns `verdict`: a packet's outcome and its reason in one statement. */
static __always_inline int slb_counted(__u32 idx, int verdict)
{
	slb_count(idx);
	return verdict;
}

static __always_inline void slb_stats_add_one(void *map, __u32 idx, __u32 bytes)
{
	struct slb_stats *s = bpf_map_lookup_elem(map, &idx);

	if (s) {
		s->packets += 1;
		s->bytes += bytes;
	}
}

/* Accounts one packet of `bytes` to service `svc_id` and to its endpoint slot `ep_idx`. */
static __always_inline void slb_stats_add(__u32 svc_id, __u32 ep_idx, __u32 bytes)
{
	if (svc_id >= SLB_MAX_SERVICES_LIMIT)
		return;
	slb_stats_add_one(&slb_svc_stats, svc_id, bytes);
	if (ep_idx < SLB_MAX_ENDPOINTS)
		slb_stats_add_one(&slb_ep_stats, SLB_EP_KEY(svc_id, ep_idx), bytes);
}

#endif /* SLB_STATS_H */
