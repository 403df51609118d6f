/* SPDX-License-Identifier: Apache-2.0 */
/*
 * swiftlb_policer.h - the QoS policers' maps (bpf/lib/policer.h, docs/qos.md), shared with Swift.
 *
 * A policer is a pair of token buckets (RFC 2698 trTCM: committed and peak; RFC 2697 srTCM:
 * committed and excess) shared by every CPU: one slb_pol_state element per policer id, updated
 * under its bpf_spin_lock. Rates are bytes per nanosecond in fixed point (SLB_POL_FRAC_BITS
 * fraction bits), tokens are bytes in the same fixed point, time is CLOCK_MONOTONIC ns. The
 * control plane (PolicerConfig.swift) converts loxilb's Mbps and block sizes. A packet finds
 * its policer through the interface it enters by (slb_pol_port) or its flow's service id
 * (slb_pol_svc); both maps are read only while slb_config.flags has SLB_CFG_POLICE.
 */
#ifndef SWIFTLB_POLICER_H
#define SWIFTLB_POLICER_H

#include <linux/types.h>

#define SLB_MAP_POL_CFG "slb_pol_cfg"
#define SLB_MAP_POL_STATE "slb_pol_state"
#define SLB_MAP_POL_STATS "slb_pol_stats"
#define SLB_MAP_POL_SVC "slb_pol_svc"
#define SLB_MAP_POL_PORT "slb_pol_port"
#define SLB_MAP_POL_CLOCK "slb_pol_clock"

/* Policer ids are 1 ..< SLB_POL_MAX (also the arrays' size); 0 = none. */
#define SLB_POL_MAX 8192
/* Attachments: services and interfaces with a policer. */
#define SLB_POL_MAX_SVC 65536
#define SLB_POL_MAX_PORTS 1024
/* Fraction bits of rates (bytes/ns) and tokens (bytes). */
#define SLB_POL_FRAC_BITS 20
/*
 * Time credited at most per update: its product with the largest rate (SLB_POL_MAX_MBPS,
 * 100 Gbit/s = 12.5 bytes/ns = 13107200 in fixed point) stays below 2^64, and the largest
 * bucket (SLB_POL_MAX_BUCKET bytes) still fills at the smallest rate (8 Mbit/s = 1 byte/us:
 * 1 GiB takes 1074 s < 2^40 ns).
 */
#define SLB_POL_MAX_ELAPSED_NS (1ULL << 40)
#define SLB_POL_MAX_MBPS 100000
#define SLB_POL_MIN_MBPS 8
#define SLB_POL_MAX_BUCKET (1ULL << 30)

enum slb_pol_type {
	SLB_POL_TRTCM = 0, /* two rates: committed (CIR, CBS) and peak (PIR, EBS) */
	SLB_POL_SRTCM =
		1, /* one rate (CIR) filling the committed bucket, its overflow the excess one */
};

enum slb_pol_color {
	SLB_POL_GREEN = 0,
	SLB_POL_YELLOW = 1,
	SLB_POL_RED = 2,
};

/* A policer's parameters (array slb_pol_cfg, by policer id); rates 0 = unused slot. */
struct slb_pol_cfg {
	__u64 cir;	  /* committed rate, bytes/ns << SLB_POL_FRAC_BITS */
	__u64 pir;	  /* trTCM: peak rate (same unit); srTCM: unused */
	__u64 cbs;	  /* committed bucket size, bytes << SLB_POL_FRAC_BITS */
	__u64 ebs;	  /* trTCM: peak bucket size; srTCM: excess bucket size */
	__u8 type;	  /* enum slb_pol_type */
	__u8 color_aware; /* 1: a packet's DSCP pre-colours it (docs/qos.md) */
	__u8 pad[6];
};

/*
 * A policer's buckets (array slb_pol_state, by policer id). The control plane writes them full
 * with last_ns 0 when it (re)configures the policer; the datapath starts counting time at the
 * first packet.
 */
struct slb_pol_state {
#ifdef __bpf__
	struct bpf_spin_lock lock;
#else
	__u32 lock; /* the kernel's struct bpf_spin_lock: never copied from or to user space */
#endif
	__u32 pad;
	__u64 last_ns; /* clock of the last update, 0 = not started */
	__u64 tc;      /* committed bucket tokens (fixed point) */
	__u64 te;      /* peak (trTCM) or excess (srTCM) bucket tokens */
};

/* Packets and bytes of each colour, per policer id and CPU (slb_pol_stats). */
struct slb_pol_stat {
	__u64 packets[3]; /* by enum slb_pol_color */
	__u64 bytes[3];
};

/*
 * The single element of slb_pol_clock: a clock for BPF_PROG_TEST_RUN fixtures. When fixed_ns
 * is not 0 the policers read it instead of the kernel's clock; the daemon leaves it 0.
 */
struct slb_pol_clock {
	__u64 fixed_ns;
};

#endif /* SWIFTLB_POLICER_H */
