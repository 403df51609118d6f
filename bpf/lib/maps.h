/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * maps.h - every map of the datapath.
 *
 * The layouts, names and sizes come from swiftlb_abi.h, the contract with the Swift control
 * plane; this file only instantiates them. Every map is pinned by name (LIBBPF_PIN_BY_NAME),
 * so a restarted daemon or a replaced program reuses the live services, conntrack entries and
 * counters instead of starting empty. The variable names are the pin names; the asserts at
 * the bottom keep them equal to the SLB_MAP_* strings Swift uses.
 */
#ifndef SLB_MAPS_H
#define SLB_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "swiftlb_abi.h"
#include "swiftlb_ct_table.h"

/*
 * Sizes are the defaults of swiftlb_abi.h; the daemon resizes the service-indexed maps, the
 * endpoint-keyed ones and slb_sel_tbl before load (EBPFDatapath, --max-services,
 * --endpoint-entries, --selection-tables). Endpoint-keyed maps are hashes (key SLB_EP_KEY):
 * an array of every service's SLB_MAX_ENDPOINTS slots would take gigabytes. They allocate on
 * demand (BPF_F_NO_PREALLOC) so their memory follows the endpoints configured, and the per-CPU
 * one does not reserve its size times the CPU count up front.
 */

/* Services: {VIP, port, proto, family} -> id, algorithm, mode, endpoint count. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct slb_svc_key);
	__type(value, struct slb_svc_val);
	__uint(max_entries, SLB_MAX_SERVICE_KEYS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_svc SEC(".maps");

/* Endpoint slots: SLB_EP_KEY(service id, slot) -> endpoint; slots [0, ep_count), holes absent. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct slb_endpoint);
	__uint(max_entries, SLB_EP_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_eps SEC(".maps");

/* Active endpoints: SLB_EP_KEY(service id, position) -> slot, positions [0, active_count). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, SLB_EP_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_ep_act SEC(".maps");

/* Round-robin cursor of each service (shared by all CPUs, advanced atomically). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, SLB_MAX_SERVICES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_rr SEC(".maps");

/*
 * Connection tracking: two entries per flow, one per direction (see ct.h), in an
 * open-addressing table of 2 * SLB_CT_MAX_ENTRIES home slots (layout: swiftlb_ct_table.h; access:
 * ct_table.h). Not an LRU: when a key's window is full the new flow is refused
 * (SLB_CNT_DROP_CT_FULL) and no tracked flow is ever evicted to make room; expired entries are
 * freed on lookup and by the daemon's sweeps. Mmapable so that the daemon sweeps it in place.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_ct_slot);
	__uint(max_entries, 2 * SLB_CT_MAX_ENTRIES + SLB_CT_PROBES);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_ct SEC(".maps");

/* Packets and bytes per service, both directions. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_stats);
	__uint(max_entries, SLB_MAX_SERVICES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_svc_stats SEC(".maps");

/* Packets and bytes per endpoint slot, key SLB_EP_KEY: created by the daemon with the slot. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__type(key, __u32);
	__type(value, struct slb_stats);
	__uint(max_entries, SLB_EP_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_ep_stats SEC(".maps");

/* Global counters, indexed by enum slb_counter. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, SLB_CNT_MAX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_counters SEC(".maps");

/* Datapath-wide settings; a zero field selects the built-in default. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_config);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_cfg SEC(".maps");

/* slb_config.flags (enum slb_config_flags), 0 when the element is missing. */
static __always_inline __u32 slb_cfg_flags(void)
{
	const struct slb_config *cfg;
	__u32 zero = 0;

	cfg = bpf_map_lookup_elem(&slb_cfg, &zero);
	return cfg ? READ_ONCE(cfg->flags) : 0;
}

/* ifindex -> the LB's own IPv4 address on it, written by Swift: the onearm SNAT source. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct slb_if_addr);
	__uint(max_entries, SLB_MAX_IF_ADDRS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_if_addr SEC(".maps");

/* Allowed source prefixes per service (services with SLB_SVC_F_ALLOWLIST). */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct slb_allow_key);
	__type(value, __u8);
	__uint(max_entries, SLB_MAX_ALLOWED_SOURCES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_allow SEC(".maps");
/* ifindex -> the LB's own IPv6 address on it, written by Swift: the onearm NAT66 source. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct slb_if_addr);
	__uint(max_entries, SLB_MAX_IF_ADDRS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_if_addr6 SEC(".maps");
/* Selection tables of hash, priority and persist services (lb_select.h), allocated on demand. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct slb_sel_table);
	__uint(max_entries, SLB_MAX_SEL_TABLES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_sel_tbl SEC(".maps");

/* Persist services: {service id, client address} -> endpoint slot, least recently used evicted. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct slb_persist_key);
	__type(value, struct slb_persist_val);
	__uint(max_entries, SLB_PERSIST_ENTRIES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_persist SEC(".maps");

/* Open flows per endpoint slot (lc), key SLB_EP_KEY: created by the daemon with the slot. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, SLB_EP_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_ep_conns SEC(".maps");

/* A rule's own pool of full NAT / onearm source addresses, by service id (count 0: none). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_snat_pool);
	__uint(max_entries, SLB_MAX_SERVICES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} slb_snat_pool SEC(".maps");

/*
 * Slots of new conntrack entries (struct slb_ct_event), written only while slb_config.flags has
 * SLB_CFG_CT_EVENTS. Not pinned: each loaded object has its own, read by the daemon that loaded
 * it. When the reader falls behind and the ring is full, records are dropped: its next pass over
 * the table finds those flows instead.
 */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SLB_CT_EVENTS_BYTES);
} slb_ct_events SEC(".maps");

#define SLB_ASSERT_MAP_NAME(var, name) \
	_Static_assert(__builtin_strcmp(#var, name) == 0, "map " #var " must be named " name)

SLB_ASSERT_MAP_NAME(slb_svc, SLB_MAP_SERVICES);
SLB_ASSERT_MAP_NAME(slb_eps, SLB_MAP_ENDPOINTS);
SLB_ASSERT_MAP_NAME(slb_rr, SLB_MAP_RR);
SLB_ASSERT_MAP_NAME(slb_ct, SLB_MAP_CONNTRACK);
SLB_ASSERT_MAP_NAME(slb_svc_stats, SLB_MAP_SVC_STATS);
SLB_ASSERT_MAP_NAME(slb_ep_stats, SLB_MAP_EP_STATS);
SLB_ASSERT_MAP_NAME(slb_counters, SLB_MAP_COUNTERS);
SLB_ASSERT_MAP_NAME(slb_cfg, SLB_MAP_CONFIG);
SLB_ASSERT_MAP_NAME(slb_if_addr, SLB_MAP_IF_ADDRS);
SLB_ASSERT_MAP_NAME(slb_allow, SLB_MAP_ALLOW);
SLB_ASSERT_MAP_NAME(slb_if_addr6, SLB_MAP_IF_ADDRS6);
SLB_ASSERT_MAP_NAME(slb_sel_tbl, SLB_MAP_SEL_TABLE);
SLB_ASSERT_MAP_NAME(slb_persist, SLB_MAP_PERSIST);
SLB_ASSERT_MAP_NAME(slb_ep_conns, SLB_MAP_EP_CONNS);
SLB_ASSERT_MAP_NAME(slb_snat_pool, SLB_MAP_SNAT_POOL);
SLB_ASSERT_MAP_NAME(slb_ep_act, SLB_MAP_EP_ACTIVE);
SLB_ASSERT_MAP_NAME(slb_ct_events, SLB_MAP_CT_EVENTS);

#endif /* SLB_MAPS_H */
