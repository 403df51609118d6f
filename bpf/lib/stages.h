/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * stages.h - one packet's work split over several programs joined by tail calls.
 *
 * The verifier checks every program on its own and walks every path through it, so one
 * program that does everything costs the sum of all its paths and sat at the edge of the
 * kernel's 1,000,000-instruction budget (where the kernel build decided whether it loaded).
 * Split, each program pays only for its own paths. The entry program of each hook
 * (slb_tc_ingress, slb_tc_egress) parses the packet and forwards the packets of established
 * IPv4 TCP and UDP flows itself: the fast path makes no tail call. Everything else continues in
 * a stage program, reached through the program array slb_stages:
 *   ENTRY  the entry program
 *   NEW4   IPv4 packet without an entry: service, allow-list, endpoint, entries (flow.h); then
 *          accounted and forwarded with the entry's own code (slb_established4)
 *   ICMP4  ICMPv4 echo to a VIP, ICMPv4 errors about tracked flows (icmp.h)
 *   NAT46  NAT64 flows back to IPv6: IPv4 replies and ICMPv4 errors about them (nat46 stage)
 *   DSR4   forwarding of an IPv4 DSR flow (dsr.h)
 *   IDLE   resetting a TCP flow idle past its service's inactiveTimeOut (idle_reset.h); a flow
 *          not due after all (another CPU saw a packet) is forwarded as the entry would
 *   V6     the IPv6 path: parse, lookup, established NAT66 / NAT64 forwarding (pipeline6.h)
 *   NEW6   IPv6 packet without an entry (flow.h), then forwarded as V6 would
 *   ICMP6  ICMPv6 echo to a VIP and errors about NAT66 flows
 *   DSR6   forwarding of an IPv6 DSR flow (dsr6.h)
 *   FW4    firewall (fw.h) for an IPv4 ingress packet without an entry, then NEW4
 *   FW6    firewall for an IPv6 ingress packet without an entry, then NEW6
 *   POLICE QoS policer (policer.h) of the packet's ingress interface (then the entry again) or of
 *          its flow's service, IPv4 or IPv6 (then forwarded as the entry or V6 would)
 *   MIRROR a copy of the packet of a mirrored LB rule's flow (mirror.h), IPv4 or IPv6, then
 *          forwarded as the entry or V6 would
 *   GTPU   GTP-U sessions (gtpu.h): uplink decapsulation and classification, downlink
 *          encapsulation; a packet of no session continues as the entry would
 *   SRV6   SRv6 (srv6.h): encapsulation of a flow's packets toward an endpoint's segments, and
 *          decapsulation of packets to the load balancer's SIDs, which start over in ENTRY/V6
 *   SCTPMH SCTP multihoming (sctp_mh.h): an IPv4 SCTP packet whose first chunk changes or
 *          ends an association (INIT, INIT ACK, COOKIE ACK, ABORT, ...), then accounted and
 *          forwarded as the entry would
 *   SCTPMH6 the same for IPv6 SCTP packets from V6 (sctp_mh6.h), then forwarded as V6 would
 * Each stage has an ingress and an egress program, in slots 2 * stage and 2 * stage + 1, so
 * that the direction stays a compile-time constant inside every program. What one stage
 * learned (parsed packet, conntrack key, the entry's slot, the clock reading) waits for the
 * next in the per-CPU scratch: a tail call never returns and nothing else runs on the CPU in
 * between. A tail call that fails (a slot left empty) passes the packet untouched and counts
 * SLB_CNT_PASS_NO_STAGE. Each loaded object has its own array, filled by libbpf at load, so an
 * entry program only ever reaches stages of its own build, which share its per-CPU scratch
 * maps (those are not pinned: a shared array would hand a packet from an old entry to a new
 * stage that reads another scratch map while a restarted daemon re-attaches). The daemon pins
 * the array once its entry programs are attached, replacing the previous daemon's pin, so that
 * attached programs keep reaching their stages after the daemon exits.
 * Stages are reached only from a program's main function, never from a BPF-to-BPF call, so
 * the kernel's 256-byte frame limit for subprograms in tail-call chains does not apply.
 *
 * Headers below this one never tail-call: they return a verdict or ask their caller to
 * continue in a stage, which keeps each header's dependencies pointing downward.
 */
#ifndef SLB_STAGES_H
#define SLB_STAGES_H

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "compiler.h"
#include "ct.h"
#include "ct6.h"
#include "dsr6.h"
#include "fw.h"
#include "fwd6.h"
#include "icmp46.h"
#include "icmp6_err.h"
#include "lb6.h"
#include "nat6.h"
#include "parse.h"
#include "parse6.h"
#include "srv6.h"
#include "stats.h"

enum slb_stage {
	SLB_STAGE_ENTRY = 0,
	SLB_STAGE_NEW4 = 1,
	SLB_STAGE_ICMP4 = 2,
	SLB_STAGE_NAT46 = 3,
	SLB_STAGE_DSR4 = 4,
	SLB_STAGE_IDLE = 5,
	SLB_STAGE_V6 = 6,
	SLB_STAGE_NEW6 = 7,
	SLB_STAGE_ICMP6 = 8,
	SLB_STAGE_DSR6 = 9,
	SLB_STAGE_FW4 = 10,
	SLB_STAGE_FW6 = 11,
	SLB_STAGE_POLICE = 12,
	SLB_STAGE_MIRROR = 13,
	SLB_STAGE_GTPU = 14,
	SLB_STAGE_SRV6 = 15,
	SLB_STAGE_SCTPMH = 16,
	SLB_STAGE_SCTPMH6 = 17,
	SLB_STAGE_COUNT = 18,
};

_Static_assert(2 * SLB_STAGE_COUNT <= SLB_STAGE_SLOTS, "slb_stages has a slot per stage and hook");

/* The stage programs (progs/swiftlb.bpf.c), named <stage>_in / <stage>_eg. */
#define SLB_STAGE_PROGS(X)                                \
	X(slb_tc_ingress, slb_tc_egress, SLB_STAGE_ENTRY) \
	X(slb_new4_in, slb_new4_eg, SLB_STAGE_NEW4)       \
	X(slb_icmp4_in, slb_icmp4_eg, SLB_STAGE_ICMP4)    \
	X(slb_nat46_in, slb_nat46_eg, SLB_STAGE_NAT46)    \
	X(slb_dsr4_in, slb_dsr4_eg, SLB_STAGE_DSR4)       \
	X(slb_idle_in, slb_idle_eg, SLB_STAGE_IDLE)       \
	X(slb_v6_in, slb_v6_eg, SLB_STAGE_V6)             \
	X(slb_new6_in, slb_new6_eg, SLB_STAGE_NEW6)       \
	X(slb_icmp6_in, slb_icmp6_eg, SLB_STAGE_ICMP6)    \
	X(slb_dsr6_in, slb_dsr6_eg, SLB_STAGE_DSR6)       \
	X(slb_fw4_in, slb_fw4_eg, SLB_STAGE_FW4)          \
	X(slb_fw6_in, slb_fw6_eg, SLB_STAGE_FW6)          \
	X(slb_police_in, slb_police_eg, SLB_STAGE_POLICE) \
	X(slb_mirror_in, slb_mirror_eg, SLB_STAGE_MIRROR) \
	X(slb_gtpu_in, slb_gtpu_eg, SLB_STAGE_GTPU)       \
	X(slb_srv6_in, slb_srv6_eg, SLB_STAGE_SRV6)       \
	X(slb_sctpmh_in, slb_sctpmh_eg, SLB_STAGE_SCTPMH) \
	X(slb_sctpmh6_in, slb_sctpmh6_eg, SLB_STAGE_SCTPMH6)

#define SLB_STAGE_DECLARE(in, eg, stage) \
	int in(struct __sk_buff *skb);   \
	int eg(struct __sk_buff *skb);
SLB_STAGE_PROGS(SLB_STAGE_DECLARE)

/* Designated initializers of both slots of a stage (helper macros keep clang-format on C). */
#define SLB_STAGE_AT(slot) [slot]
#define SLB_STAGE_SLOT(in, eg, stage) \
	SLB_STAGE_AT(2 * (stage)) = (void *)&in, SLB_STAGE_AT(2 * (stage) + 1) = (void *)&eg,

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, SLB_STAGE_SLOTS);
	/* A size, not a BTF type: the kernel takes no BTF for program arrays. */
	__uint(key_size, sizeof(__u32));
	__array(values, int(struct __sk_buff *));
} slb_stages SEC(".maps") = {
	.values = { SLB_STAGE_PROGS(SLB_STAGE_SLOT) },
};

_Static_assert(__builtin_strcmp("slb_stages", SLB_MAP_STAGES) == 0, "slb_stages pin name");

/*
 * Continues the packet in `stage` of this hook. Returns only when the stage is missing: then
 * the packet passes untouched (counted), as a packet the datapath does not handle.
 */
static __always_inline int slb_stage_go(struct __sk_buff *skb, __u32 stage, bool egress)
{
	bpf_tail_call(skb, &slb_stages, 2 * stage + (egress ? 1 : 0));
	slb_count(SLB_CNT_PASS_NO_STAGE);
	return TC_ACT_OK;
}

/*
 * What the IPv4 stages share, per CPU (a program runs to completion on its CPU). Also keeps the
 * large values off the 512-byte stack.
 */
struct slb_scratch4 {
	struct slb_pkt pkt;
	struct slb_ct_key key;
	__u64 now;	/* the packet's clock reading (each read costs tens of ns) */
	__u32 ct_index; /* slot of the packet's conntrack entry (ct_table.h), 0 = none */
	__u32 new_flow; /* 1: this packet created the flow's entries (undone if it is dropped) */
	__u32 pol_id;	/* POLICE: the policer to apply (policer.h) */
	__u8 pol_on;	/* slb_config has SLB_CFG_POLICE (read once by the entry) */
	__u8 pol_port;	/* POLICE: 1 = the interface's policer, then the entry again */
	__u8 pol_again; /* the entry runs again after the interface's policer passed the packet */
	__u8 fw_est; /* FW4 sees a packet of the tracked flow in s->ct_index (SLB_CFG_FW_EVERY) */
	struct slb_fw_snat fw_snat; /* a firewall SNAT rule's ask (FW4), reset by the entry */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_scratch4);
	__uint(max_entries, 1);
} slb_scratch4 SEC(".maps");

static __always_inline struct slb_scratch4 *slb_scratch4_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&slb_scratch4, &zero);
}

/*
 * What the IPv6 stages (and NAT46) share, and everything large they need: per CPU, off the
 * 512-byte stack (DESIGN §6). A TC program runs to completion on one CPU, so no two packets
 * share it.
 */
struct slb_scratch6 {
	struct slb_pkt6 p;
	struct ipv6hdr ip6;
	struct slb_ct_key key;
	struct slb_ct_key rev;
	struct slb_ct_val val;
	struct bpf_fib_lookup fib;
	struct slb_fwd_plan plan;
	struct slb_tuple6 t;
	struct slb_backend6 be;
	__be32 snat[4];
	struct slb_xlate_buf xb;
	struct slb_icmp6_err err;
	struct slb_dsr6_buf dsr;
	struct slb_icmp46 icmp46;
	__u64 now;	/* the packet's clock reading */
	__u32 ct_index; /* slot of the packet's conntrack entry (ct_table.h), 0 = none */
	__u8 parsed;	/* what slb_parse6 made of the packet (for the ICMP6 stage) */
	__u8 new_flow;	/* 1: this packet created the flow's entries (undone if it is dropped) */
	__u8 fw_est; /* FW6 sees a packet of the tracked flow in s->ct_index (SLB_CFG_FW_EVERY) */
	__u8 pad;
	struct slb_fw_snat fw_snat; /* a firewall SNAT rule's ask (FW6), reset by V6 */
};

/* Datapath-private (never pinned, never read by Swift): the IPv6 paths' scratch space. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_scratch6);
	__uint(max_entries, 1);
} slb_scratch6 SEC(".maps");

static __always_inline struct slb_scratch6 *slb_scratch6_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&slb_scratch6, &zero);
}

#endif /* SLB_STAGES_H */
