/* SPDX-License-Identifier: Apache-2.0 */
/*
 * swiftlb_fw.h - the firewall's maps (bpf/lib/fw.h, docs/firewall.md), shared with Swift.
 *
 * Tuple-space search: every rule is stored under one or more keys made of the packet's fields
 * under a mask (a "tuple": source and destination prefix lengths, port prefix lengths, whether
 * protocol and interface count). slb_fw_tuples lists the masks in use, at most
 * SLB_FW_MAX_TUPLES; the datapath masks the packet once per mask and looks the key up in
 * slb_fw_rules, keeping the hit of highest rank. The control plane (FirewallTables.swift) cuts
 * port ranges into aligned blocks and decides which rule owns a key that several rules share.
 */
#ifndef SWIFTLB_FW_H
#define SWIFTLB_FW_H

#include <linux/types.h>

#include "swiftlb_abi.h"

#define SLB_MAP_FW_RULES "slb_fw_rules"
#define SLB_MAP_FW_TUPLES "slb_fw_tuples"
#define SLB_MAP_FW_STATS "slb_fw_stats"

/* Masks in use at once: the datapath's loop bound. */
#define SLB_FW_MAX_TUPLES 32
/* Rule ids are 1 ..< SLB_FW_MAX_RULES (also the counter array's size). */
#define SLB_FW_MAX_RULES 131072
/* Hash entries of all rules together (a port range takes up to 30 per port field). */
#define SLB_FW_MAX_ENTRIES 262144

enum slb_fw_action {
	SLB_FW_ALLOW = 1, /* continue: load balancing, or untouched */
	SLB_FW_DROP = 2,
	SLB_FW_TRAP = 3,     /* to the host's stack untouched, without load balancing */
	SLB_FW_REDIRECT = 4, /* out of interface redirect_ifindex untouched (loxilb's redirect) */
	SLB_FW_SNAT =
		5, /* a tracked flow with the source rewritten to snat_addr (loxilb's --snat) */
};

/* slb_fw_val.flags */
enum slb_fw_flags {
	/* SLB_FW_SNAT only for packets that no service matches (loxilb's onDefault, --egress) */
	SLB_FW_F_DEFAULT = 1 << 0,
	/* the rule also acts on packets of tracked flows (SwiftLB's everyPacket; SLB_CFG_FW_EVERY) */
	SLB_FW_F_EVERY = 1 << 1,
};

/*
 * The service id of firewall SNAT flows' conntrack entries: past every per-service array, so
 * their packets count toward no service and no endpoint.
 */
#define SLB_SVC_ID_FW_SNAT (SLB_MAX_SERVICES_LIMIT + 1)

/* A masked packet: addresses and ports in network byte order, IPv4 in word 0. */
struct slb_fw_key {
	__be32 saddr[4];
	__be32 daddr[4];
	__be16 sport;
	__be16 dport;
	__u32 ifindex; /* 0 unless the tuple matches the interface */
	__u8 proto;    /* 0 unless the tuple matches the protocol */
	__u8 family;   /* SLB_AF_INET or SLB_AF_INET6 */
	__u8 tuple;    /* the mask's slot in slb_fw_tuples */
	__u8 pad;
};

struct slb_fw_val {
	__u64 rank; /* preference << 32 | (0xffffffff - rule id): the largest hit wins */
	__u32 rule_id;
	__u32 mark;		/* skb->mark set on a hit, 0 = left alone */
	__u8 action;		/* enum slb_fw_action */
	__u8 flags;		/* enum slb_fw_flags */
	__be16 snat_port;	/* SLB_FW_SNAT: the first source port tried, 0 = the client's own */
	__u32 redirect_ifindex; /* SLB_FW_REDIRECT: the interface the packet leaves by */
	__be32 snat_addr[4];	/* SLB_FW_SNAT: the flow's source address (IPv4 in word 0) */
};

struct slb_fw_mask {
	__be32 smask[4];
	__be32 dmask[4];
	__be16 spmask;
	__be16 dpmask;
	__u8 proto_mask; /* 0xff or 0 */
	__u8 match_if;	 /* 1: the key carries the packet's ifindex */
	__u8 family;	 /* 0 = free slot */
	__u8 pad;
};

/* The single element of slb_fw_tuples: slots 0 ..< count are looked at. */
struct slb_fw_tuples {
	__u32 count;
	__u32 pad;
	struct slb_fw_mask t[SLB_FW_MAX_TUPLES];
};

/* Per rule id, per CPU. */
struct slb_fw_stat {
	__u64 packets;
	__u64 bytes;
};

#endif /* SWIFTLB_FW_H */
