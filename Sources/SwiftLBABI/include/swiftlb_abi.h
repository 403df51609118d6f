/* SPDX-License-Identifier: Apache-2.0 */
/*
 * swiftlb_abi.h - the one contract between the eBPF datapath and the Swift control plane.
 *
 * Every map's name, key and value layout, every enum the two sides exchange and every size
 * limit lives here. The BPF programs include this header; Swift imports it through the
 * SwiftLBABI C target. Nothing here may be mirrored by hand on either side.
 *
 * Addresses are stored in network byte order in 16-byte slots: IPv4 uses word 0 and leaves
 * the other three zero, so IPv6 can use the same maps later. Ports are network byte order.
 */
#ifndef SWIFTLB_ABI_H
#define SWIFTLB_ABI_H

#include <linux/types.h>

/*
 * Size limits. The service, endpoint and selection maps are sized at load from the daemon's
 * flags (--max-services, --endpoint-entries, --selection-tables); the values here are their
 * defaults, which the object file declares. Swift refuses configuration beyond them before
 * touching a map.
 */
#define SLB_MAX_SERVICES 65536
/* Largest --max-services: an endpoint key, id * SLB_MAX_ENDPOINTS + slot, must fit a __u32. */
#define SLB_MAX_SERVICES_LIMIT 4194304
/* Endpoint slots per service; SLB_EP_KEY(id, slot) keys every per-endpoint map. */
#define SLB_MAX_ENDPOINTS 1024
#define SLB_EP_KEY(id, slot) \
	((__u32)(id)*SLB_MAX_ENDPOINTS + ((__u32)(slot) & (SLB_MAX_ENDPOINTS - 1)))
/* Entries of each endpoint-keyed map (slb_eps, slb_ep_act, slb_ep_stats, slb_ep_conns). */
#define SLB_EP_ENTRIES 262144
#define SLB_CT_MAX_ENTRIES 262144
/*
 * Entries of the service match map: each port of a range and each secondary VIP takes one.
 * The daemon sizes it to max(SLB_MIN_SERVICE_KEYS, 2 * --max-services).
 */
#define SLB_MAX_SERVICE_KEYS 131072
#define SLB_MIN_SERVICE_KEYS 65536
/* The id of the service map's ICMPv6 echo markers: beyond every possible service id. */
#define SLB_SVC_ID_MARKER SLB_MAX_SERVICES_LIMIT
/* Allowed source prefixes of all services together (slb_allow). */
#define SLB_MAX_ALLOWED_SOURCES 16384
/* Size of slb_ct_events: 16,384 records of 16 bytes (8 of header, the slot, padding). */
#define SLB_CT_EVENTS_BYTES (256 * 1024)

/* Map names (also the pin names under the bpffs pin root). At most 15 characters. */
#define SLB_MAP_SERVICES "slb_svc"
#define SLB_MAP_ENDPOINTS "slb_eps"
#define SLB_MAP_RR "slb_rr"
#define SLB_MAP_CONNTRACK "slb_ct"
#define SLB_MAP_SVC_STATS "slb_svc_stats"
#define SLB_MAP_EP_STATS "slb_ep_stats"
#define SLB_MAP_COUNTERS "slb_counters"
#define SLB_MAP_CONFIG "slb_cfg"
#define SLB_MAP_IF_ADDRS "slb_if_addr"
#define SLB_MAP_ALLOW "slb_allow"
#define SLB_MAP_IF_ADDRS6 "slb_if_addr6"
#define SLB_MAP_SEL_TABLE "slb_sel_tbl"
#define SLB_MAP_PERSIST "slb_persist"
#define SLB_MAP_EP_CONNS "slb_ep_conns"
#define SLB_MAP_SNAT_POOL "slb_snat_pool"
#define SLB_MAP_EP_ACTIVE "slb_ep_act"
/* New conntrack entries' slots, for conntrack sync (a ring buffer, not pinned). */
#define SLB_MAP_CT_EVENTS "slb_ct_events"
/* The datapath's stage programs (bpf/lib/stages.h), a program array libbpf fills at load. */
#define SLB_MAP_STAGES "slb_stages"
/* Slots of slb_stages: two per stage (ingress, egress), room for more stages. */
#define SLB_STAGE_SLOTS 48

/*
 * Kernel features the datapath uses when present: the only variable of the object's data
 * section SLB_FEATURES_SECTION, which the loader fills before load (all zero = the portable
 * paths). A section of its own, so that loaders write it whole by its name.
 */
#define SLB_FEATURES_SECTION ".rodata.features"
struct slb_features {
	/* the kfunc bpf_cast_to_kern_ctx exists (Linux 6.2+): checksum state read directly */
	__u32 kern_ctx;
	__u32 pad;
};

/*
 * Endpoint selection tables (slb_sel_tbl, docs/algorithms.md). A service using hash, priority or
 * persist has one table of SLB_SEL_TABLE_SIZE buckets (a prime: 64 buckets per endpoint at
 * SLB_MAX_ENDPOINTS), each holding an endpoint slot (__u16) or SLB_SEL_SLOT_NONE; Swift computes
 * it (Maglev for hash and persist, a smooth weighted sequence for priority) over the active
 * endpoints. At most SLB_MAX_SEL_TABLES services (the default of --selection-tables) have one
 * (the map allocates them on demand, 128 KiB each).
 */
#define SLB_SEL_TABLE_SIZE 65537
#define SLB_MAX_SEL_TABLES 1024
#define SLB_SEL_SLOT_NONE 0xffff
/* lc compares the open flows of at most this many active endpoints per new flow (lb_select.h). */
#define SLB_LC_WINDOW 32

/* Clients remembered by persist services (slb_persist, LRU) and the default persistence time. */
#define SLB_PERSIST_ENTRIES 65536
#define SLB_PERSIST_DEFAULT_S 3600

/* Interfaces whose own address the datapath can use as onearm source (slb_if_addr, slb_if_addr6). */
#define SLB_MAX_IF_ADDRS 1024

/*
 * Source ports full NAT and onearm allocate per flow: [SLB_NAT_PORT_MIN, SLB_NAT_PORT_MAX],
 * the Linux ephemeral range. A new flow tries at most SLB_NAT_PORT_TRIES ports: the first half
 * consecutive from its start, the second half SLB_NAT_PORT_STRIDE apart across the range.
 */
#define SLB_NAT_PORT_MIN 32768
#define SLB_NAT_PORT_MAX 60999
#define SLB_NAT_PORT_TRIES 16
/* Just above an eighth of the range: the 8 jumps land apart from each other and from the start. */
#define SLB_NAT_PORT_STRIDE 3533
/*
 * Seconds a full NAT / onearm TCP flow closed by both FINs keeps its source port: the endpoint
 * may hold the connection in TIME_WAIT that long (Linux: TCP_TIMEWAIT_LEN), and a different
 * client reaching it on the same four-tuple would be refused (PAWS). Only the same client
 * tuple may take the port over earlier (ct.h).
 */
#define SLB_NAT_TIME_WAIT_S 60
/* Most addresses one source pool (struct slb_snat_pool) may hold: a /16. */
#define SLB_SNAT_POOL_MAX 65536

/* Program names in the object file. */
#define SLB_PROG_INGRESS "slb_tc_ingress"
#define SLB_PROG_EGRESS "slb_tc_egress"
/* The benchmarks' no-op floor, in the benchmark-only object (bpf/bench), not the datapath's. */
#define SLB_PROG_NOOP "slb_tc_noop"

/* Address families as stored in keys (values of AF_INET / AF_INET6). */
#define SLB_AF_INET 2
#define SLB_AF_INET6 10

/* Endpoint selection algorithms: loxilb's `sel` codes. */
enum slb_sel {
	SLB_SEL_RR = 0,
	SLB_SEL_HASH = 1,
	SLB_SEL_PRIORITY = 2,
	SLB_SEL_PERSIST = 3,
	SLB_SEL_LC = 4,
	/* loxilb's n3: GTP-U over UDP, the Maglev table indexed by a hash of the tunnel's TEID */
	SLB_SEL_N3 = 6,
};

/* NAT modes: loxilb's `mode` codes. */
enum slb_mode {
	SLB_MODE_DNAT = 0,
	SLB_MODE_ONEARM = 1,
	SLB_MODE_FULLNAT = 2,
	SLB_MODE_DSR = 3,
	SLB_MODE_FULLPROXY = 4,
	SLB_MODE_HOSTONEARM = 5,
};

/* Connection-tracking states. UDP and ICMP use NEW until a reply is seen, then ESTABLISHED. */
enum slb_ct_state {
	SLB_CT_NONE = 0,
	SLB_CT_NEW = 1,
	SLB_CT_SYN_SENT = 2,
	SLB_CT_SYN_RECV = 3,
	SLB_CT_ESTABLISHED = 4,
	SLB_CT_FIN_WAIT = 5,
	SLB_CT_TIME_WAIT = 6,
	SLB_CT_CLOSED = 7,
	SLB_CT_STATE_MAX = 8,
};

/* Direction of a conntrack entry. */
enum slb_ct_dir {
	SLB_DIR_FWD = 0, /* client -> service */
	SLB_DIR_REV = 1, /* endpoint -> client (reply) */
};

/* Which parts of a packet a conntrack entry rewrites. */
enum slb_nat_flags {
	SLB_NAT_SRC = 1 << 0,
	SLB_NAT_DST = 1 << 1,
	/*
	 * The rewrite changes the address family (NAT64 forward: IPv6 -> IPv4; its reply: IPv4 ->
	 * IPv6); slb_nat.family is the family after the rewrite. Always with SRC and DST.
	 */
	SLB_NAT_AF = 1 << 2,
	/* DSR (mode 3): addresses and ports stay; daddr names the endpoint (see bpf/lib/dsr.h). */
	SLB_NAT_DSR = 1 << 3,
};

/* Indexes of the global per-CPU counter array: what happened to each packet. */
enum slb_counter {
	SLB_CNT_RX = 0,		       /* packets seen by the programs */
	SLB_CNT_PASS_NOT_IP = 1,       /* neither IPv4 nor IPv6: passed untouched */
	SLB_CNT_PASS_NO_MATCH = 2,     /* no service and no conntrack entry: passed untouched */
	SLB_CNT_PASS_FRAGMENT = 3,     /* IPv4 fragment: passed to the stack untouched */
	SLB_CNT_CT_NEW = 4,	       /* new flows created */
	SLB_CNT_CT_HIT = 5,	       /* packets of tracked flows */
	SLB_CNT_CT_EXPIRED = 6,	       /* expired entries replaced on lookup */
	SLB_CNT_FWD_REDIRECT = 7,      /* translated and redirected after a FIB hit */
	SLB_CNT_FWD_NEIGH = 8,	       /* translated and redirected, neighbour resolved by kernel */
	SLB_CNT_FWD_STACK = 9,	       /* translated and handed to the stack (local or no FIB) */
	SLB_CNT_DROP_MALFORMED = 10,   /* truncated or invalid headers */
	SLB_CNT_DROP_NO_ENDPOINT = 11, /* service has no endpoint */
	SLB_CNT_DROP_REWRITE = 12,     /* a helper failed while rewriting */
	SLB_CNT_DROP_CT_INSERT = 13,   /* conntrack insert failed */
	SLB_CNT_DROP_TCP_NO_CT = 14,   /* RST for an untracked flow */
	SLB_CNT_PASS_TTL = 15,	       /* TTL would expire: left to the stack for ICMP */
	SLB_CNT_DROP_NAT_PORTS = 16,   /* fullnat/onearm: no free source port for a new flow */
	SLB_CNT_PASS_NO_SNAT_ADDR = 17, /* onearm: no IPv4 address on the egress interface */
	SLB_CNT_DROP_NOT_ALLOWED =
		18, /* new flow from a source outside the rule's allowedSources */
	/* IPv6 (pipeline6.h). */
	SLB_CNT_PASS_IPV6_EXT = 19,  /* IPv6 extension header not walked (ESP, AH, unknown, > 4) */
	SLB_CNT_FWD_ICMP6_ECHO = 20, /* ICMPv6 echo request to an IPv6 VIP answered */
	SLB_CNT_DROP_NAT64 = 21,     /* NAT64: packet that cannot be translated (IPv4 options,
					  zero UDP checksum, extension headers on a new flow) */
	SLB_CNT_CT_ICMP6_ERR = 22,   /* ICMPv6 error about a NAT66 flow translated to the client */
	/* L4 modes and protocols (bpf/lib/dsr.h, icmp.h, sctp.h). */
	SLB_CNT_DSR_L2 = 23,	       /* DSR: MACs rewritten toward an on-link endpoint */
	SLB_CNT_DSR_IPIP = 24,	       /* DSR: IPIP-encapsulated toward a routed endpoint */
	SLB_CNT_ICMP_FRAG_NEEDED = 25, /* DSR: too big for IPIP, frag needed sent back */
	SLB_CNT_ICMP_ECHO_REPLY = 26,  /* ICMP echo to a VIP answered */
	SLB_CNT_ICMP_ERR_XLATE = 27,   /* ICMP error about a tracked flow translated back */
	SLB_CNT_DROP_DSR = 28,	       /* DSR: no route, no IPIP source, or too big without DF */
	SLB_CNT_PASS_DSR_EGRESS = 29,  /* DSR flow seen by the egress program: passed */
	SLB_CNT_DROP_SCTP_VTAG = 30,   /* SCTP packet with the wrong verification tag */
	SLB_CNT_DROP_CT_FULL = 31,     /* new flow refused: the conntrack table is full */
	SLB_CNT_TCP_IDLE_RESET = 32,   /* idle TCP flow past inactiveTimeOut answered with RST */
	SLB_CNT_ICMP6_TOO_BIG = 33,    /* IPv6 DSR: too big for IPv6-in-IPv6, packet too big sent */
	/* idle reset: RST also sent to the flow's other end */
	SLB_CNT_TCP_IDLE_RESET_PEER = 34,
	SLB_CNT_CT_ICMP46_ERR = 35,  /* ICMPv4 error about a NAT64 flow translated to ICMPv6 */
	SLB_CNT_DROP_NAT64_BIG = 36, /* NAT64 reply too big for the client, DF clear */
	/* a stage program (bpf/lib/stages.h) was missing from slb_stages: passed untouched */
	SLB_CNT_PASS_NO_STAGE = 37,
	/* fullnat/onearm: a tried source port belonged to a live flow, the next one was tried */
	SLB_CNT_NAT_PORT_RETRY = 38,
	/* fullnat/onearm: a tried source port was held for the endpoint's TIME_WAIT, next tried */
	SLB_CNT_NAT_PORT_HELD = 39,
	/* a client's SYN reopened its own closed flow (same four-tuple: safe port reuse) */
	SLB_CNT_CT_REOPEN = 40,
	/* an endpoint's packet matched a reply entry whose flow had expired: not forwarded as one */
	SLB_CNT_REPLY_NO_FLOW = 41,
	/* a new flow's packet dropped by a firewall rule (fw.h) */
	SLB_CNT_DROP_FIREWALL = 42,
	/* a new flow's packet trapped by a firewall rule: to the stack untouched */
	SLB_CNT_PASS_FW_TRAP = 43,
	/* a new flow's packet sent out of another interface by a firewall redirect rule */
	SLB_CNT_FWD_FW_REDIRECT = 44,
	/* a frame for another host's MAC (a switch flooding, e.g. to a BACKUP): left to the stack */
	SLB_CNT_PASS_OTHERHOST = 45,
	/* mirroring (bpf/lib/mirror.h): copies of packets entering a mirrored port sent */
	SLB_CNT_MIRROR_PORT = 52,
	/* mirroring: copies of packets of a mirrored LB rule's flows sent */
	SLB_CNT_MIRROR_RULE = 53,
	/* mirroring: copies the kernel refused (bpf_clone_redirect failed); originals go on */
	SLB_CNT_MIRROR_FAIL = 54,
	/* QoS policers (bpf/lib/policer.h): packets coloured green (passed untouched) */
	SLB_CNT_POL_GREEN = 46,
	/* packets coloured yellow: passed with their DSCP marked (docs/qos.md) */
	SLB_CNT_POL_YELLOW = 47,
	/* packets coloured red: dropped */
	SLB_CNT_DROP_POL_RED = 48,
	/* a packet whose attachment named a policer without parameters: passed untouched */
	SLB_CNT_POL_NO_CFG = 49,
	/* a new flow source-NATed by a firewall SNAT rule (fw.h, flow.h) */
	SLB_CNT_CT_FW_SNAT = 76,
	/*
	 * Reserved ranges for features being built side by side (policers 46-51, mirroring
	 * 52-55, GTP-U sessions 56-63, SRv6 64-69, SCTP multihoming 70-75); 76 is the firewall's SNAT.
	 */
	/* GTP-U sessions (gtpu.h, docs/telco.md) */
	SLB_CNT_GTPU_UL_DECAP = 56,	  /* uplink G-PDU decapsulated, routed by its destination */
	SLB_CNT_GTPU_UL_ULCL = 57,	  /* uplink G-PDU decapsulated, sent to a ULCL breakout */
	SLB_CNT_GTPU_DL_ENCAP = 58,	  /* downlink packet encapsulated toward the gNB */
	SLB_CNT_DROP_GTPU_MALFORMED = 59, /* session G-PDU truncated, bad length or extensions */
	SLB_CNT_DROP_GTPU_INNER = 60,	  /* inner packet not IPv4 or not from the session's UE */
	SLB_CNT_DROP_GTPU_ROUTE = 61,	  /* no route to the next hop or to the gNB */
	SLB_CNT_DROP_GTPU_GSO = 62,	/* GSO packet and no resegmenting pair (or back from it) */
	SLB_CNT_DROP_GTPU_TOO_BIG = 63, /* too big once encapsulated, DF clear (DF: frag needed) */
	/* SCTP multihoming (sctp_mh.h): an ASCONF or ASCONF ACK chunk of a multihomed association */
	SLB_CNT_DROP_SCTP_ASCONF = 70,
	/* SCTP multihoming: an INIT or INIT ACK whose address parameters were rewritten */
	SLB_CNT_SCTP_MH_REWRITE = 71,
	/* SCTP multihoming: a secondary path's two entries created from an INIT's addresses */
	SLB_CNT_SCTP_MH_PATH = 72,
	/* SCTP multihoming: a secondary path that could not be tracked (table full, key taken) */
	SLB_CNT_SCTP_MH_PATH_FAIL = 73,
	/* SCTP multihoming: an INIT or INIT ACK too long or malformed to rewrite: dropped */
	SLB_CNT_DROP_SCTP_MH = 74,
	/* SRv6 (srv6.h): a translated packet sent encapsulated toward its endpoint's segments */
	SLB_CNT_SRV6_ENCAP = 64,
	/* SRv6: a packet to a SID of the load balancer decapsulated (End.DX4 / End.DX6) */
	SLB_CNT_SRV6_DECAP = 65,
	/* SRv6: a packet to a SID with a bad SRH (type, segments left, lengths) or payload */
	SLB_CNT_DROP_SRV6_MALFORMED = 66,
	/* SRv6: no route to an endpoint's first segment */
	SLB_CNT_DROP_SRV6_NO_ROUTE = 67,
	/* GTP-U: a GSO packet of a session sent through the resegmenting veth pair (gtpu.h) */
	SLB_CNT_GTPU_GSO_RESEGMENT = 90,
	SLB_CNT_MAX = 96,
};

/* Key of the service map: one entry per VIP, port and protocol. */
struct slb_svc_key {
	__be32 vip[4];
	__be16 port;
	__u8 proto; /* IPPROTO_TCP / IPPROTO_UDP */
	__u8 family;
};

/* slb_svc_val.flags */
#define SLB_SVC_F_ALLOWLIST 0x1 /* only sources listed in slb_allow for the id may open flows */
#define SLB_SVC_F_SECONDARY 0x2 /* this key's VIP is a secondary IP of the service */

/*
 * Value of the service map. `id` indexes the rr, stats and source-pool maps and, through
 * SLB_EP_KEY, the endpoint maps. `ep_count` slots are laid out (holes included); `active_count`
 * of them take new flows, listed compactly in slb_ep_act. A rule with a port range or secondary
 * IPs has one key per (VIP, port), all with the same value but for the SECONDARY flag. An
 * endpoint port of 0 keeps the packet's destination port (port ranges).
 */
struct slb_svc_val {
	__u32 id;
	__u8 sel;  /* enum slb_sel */
	__u8 mode; /* enum slb_mode */
	__u16 ep_count;
	__u32 flags;
	__u32 inactive_timeout_s; /* 0 = protocol default */
	__u16 active_count;
	__u16 pad;
};

/* slb_endpoint.flags: the endpoint takes no new flows (health down, detached); tracked flows go on. */
#define SLB_EP_F_INACTIVE 0x1

/*
 * One endpoint slot: value of slb_eps (hash, key SLB_EP_KEY(service id, slot)). A slot keeps its
 * index while its endpoint stays in the service, so the counters keyed by it never shift; a
 * hole has no entry.
 */
struct slb_endpoint {
	__be32 addr[4];
	__be16 port;
	__u16 weight;
	__u8 family;
	__u8 flags;
	__u16 pad;
};

/*
 * slb_ep_act (hash, key SLB_EP_KEY(service id, position), value __u32 slot): the slots of the
 * service's active endpoints at positions [0, active_count), so that rr and the fallbacks pick
 * one with a single lookup whatever the number of endpoints.
 */

/* Per-rule and per-endpoint counters (per-CPU; Swift sums the CPUs). */
struct slb_stats {
	__u64 packets;
	__u64 bytes;
};

/* Key of the conntrack map: the packet's tuple as it arrives. */
struct slb_ct_key {
	__be32 saddr[4];
	__be32 daddr[4];
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 family;
	__u16 pad;
};

/* The rewrite one direction of a flow applies. */
struct slb_nat {
	__be32 saddr[4];
	__be32 daddr[4];
	__be16 sport;
	__be16 dport;
	__u8 flags; /* enum slb_nat_flags */
	__u8 family;
	__u16 pad;
};

/*
 * Next hop of a conntrack entry's translated packets, cached from a successful FIB lookup so
 * that established flows skip bpf_fib_lookup. The cache is used for at most SLB_NH_CACHE_NS
 * after the lookup (then looked up again), and only for packets arriving on the same
 * interface and hook with the same TOS that fit the cached egress MTU (or are GSO): a changed
 * route, neighbour MAC, MTU or forwarding setting takes effect on a flow within one second.
 * Written by the datapath only (stamp_ns last; CPUs refreshing the same entry concurrently
 * write the same values); the control plane ignores it and zero means empty.
 */
#define SLB_NH_CACHE_NS 1000000000ULL

struct slb_nexthop {
	__u64 stamp_ns;	   /* CLOCK_MONOTONIC ns (bpf/lib/clock.h) of the lookup, 0 = empty */
	__u32 in_ifindex;  /* skb->ifindex the lookup was made for */
	__u32 out_ifindex; /* where to redirect */
	__u8 dmac[6]; /* next hop's MAC, then the egress device's: the frame's first 12 bytes */
	__u8 smac[6];
	__u16 mtu;   /* egress device MTU */
	__u8 tos;    /* TOS the lookup was made with */
	__u8 egress; /* 1 when looked up by the egress program (BPF_FIB_LOOKUP_OUTPUT) */
};

/*
 * Value of the conntrack map. Each flow has two entries, one per direction; the other
 * direction's key is the reverse of this entry's tuple after its rewrite is applied.
 */
struct slb_ct_val {
	struct slb_nat nat;
	__u64 last_seen_ns; /* CLOCK_MONOTONIC ns (bpf/lib/clock.h) of the last packet */
	__u64 packets;
	__u64 bytes;
	__u32 svc_id;
	__u16 ep_idx;
	__u8 state;    /* enum slb_ct_state, kept equal in both entries */
	__u8 dir;      /* enum slb_ct_dir */
	__u8 fin_dirs; /* bit per direction that has sent FIN */
	__u8 pad[3];
	__be32 vtag; /* SCTP: verification tag this direction's packets carry, 0 = not known yet */
	struct slb_nexthop nh; /* datapath-private forwarding cache */
};

/*
 * Key of slb_allow (LPM trie): a service id and a source prefix. `prefixlen` counts the bits
 * after itself: SLB_ALLOW_FIXED_BITS (svc_id, family, pad: always matched whole) plus the
 * prefix length. The value is unused (one byte, 1).
 */
#define SLB_ALLOW_FIXED_BITS 64

struct slb_allow_key {
	__u32 prefixlen;
	__u32 svc_id;
	__u8 family;
	__u8 pad[3];
	__be32 addr[4];
};

/*
 * A pool of consecutive IPv4 source addresses for full NAT / onearm flows: `first` and the
 * `count` - 1 addresses after it (count 0: no pool). A flow takes the address its client tuple
 * hashes to (snat.h), so one client port always leaves from the same address. Value of
 * slb_snat_pool, indexed by service id (a rule's own pool), and of slb_config.fullnat_pool.
 */
struct slb_snat_pool {
	__be32 first;
	__u32 count;
};

/* slb_config.flags */
enum slb_config_flags {
	/* every new conntrack entry's slot goes to slb_ct_events (set while conntrack sync runs) */
	SLB_CFG_CT_EVENTS = 1 << 0,
	/* some policer is attached: look packets up in slb_pol_port / slb_pol_svc (policer.h) */
	SLB_CFG_POLICE = 1 << 1,
	/* at least one GTP-U session exists: the entry programs look for its packets (gtpu.h) */
	SLB_CFG_GTPU = 1 << 3,
	/* some endpoint is reached through SRv6 segments: look flows up in slb_srv6_path (srv6.h) */
	SLB_CFG_SRV6 = 1 << 4,
	/* some firewall rule has SLB_FW_F_EVERY: ingress packets of tracked flows meet it (fw.h) */
	SLB_CFG_FW_EVERY = 1 << 5,
};

/*
 * One record of slb_ct_events: the slot a new conntrack entry was written to. Conntrack sync
 * reads the entry from the mapped table and streams it to the peers at once, instead of at its
 * next pass over the table (tens of milliseconds later).
 */
struct slb_ct_event {
	__u32 slot;
};

/* Datapath-wide settings (array map with one element). Timeouts in seconds. */
struct slb_config {
	__u32 tcp_syn_timeout_s;
	__u32 tcp_established_timeout_s;
	__u32 tcp_fin_timeout_s;
	__u32 tcp_closed_timeout_s;
	__u32 udp_new_timeout_s;
	__u32 udp_established_timeout_s;
	__u32 flags; /* enum slb_config_flags */
	/* sources of IPv4 fullnat flows (`swiftlb --fullnat-source`); count 0 = the VIP */
	struct slb_snat_pool fullnat_pool;
};

/*
 * Value of slb_if_addr, keyed by __u32 ifindex: the interface's primary address (IPv4 in
 * word 0), the source onearm flows leaving through it are translated to. slb_if_addr6 has the
 * same layout and holds the interface's first global IPv6 address (family SLB_AF_INET6), the
 * source of onearm NAT66 flows. A second map rather than a family in the key keeps the IPv4
 * map's layout and its users unchanged.
 */
struct slb_if_addr {
	__be32 addr[4];
	__u8 family;
	__u8 pad[3];
};

/*
 * Benchmark only (bpf/bench/bench_wrapper.bpf.c, bench/DatapathBench): the packet the wrapper
 * program writes back before every run of BPF_PROG_TEST_RUN's `repeat` loop, so each run of the
 * program under test sees the original bytes. Not loaded by the daemon.
 */
#define SLB_BENCH_PKT_MAX 128
#define SLB_MAP_BENCH_PKT "slb_bench_pkt"
#define SLB_MAP_BENCH_TARGET "slb_bench_target"
#define SLB_PROG_BENCH_WRAPPER "slb_bench_wrapper"
#define SLB_BENCH_OBJECT "bench_wrapper"

/* Value of slb_bench_pkt (one slot). With vary_sport set, every run gets the next source port. */
struct slb_bench_pkt {
	__u32 len;
	__u32 vary_sport;
	__u32 seq;
	__u32 pad;
	__u8 data[SLB_BENCH_PKT_MAX];
};

/*
 * Value of slb_sel_tbl, keyed by __u32 service id: bucket -> endpoint slot (SLB_SEL_TABLE_SIZE
 * __u16s, host byte order). Declared for BPF only: Swift would import the array as a
 * 65537-element tuple, so it writes the value as plain bytes of that size.
 */
#ifdef __bpf__
struct slb_sel_table {
	__u16 slot[SLB_SEL_TABLE_SIZE];
};
#endif

/* Key of slb_persist: a client of a persist service. */
struct slb_persist_key {
	__u32 svc_id;
	__be32 addr[4];
	__u8 family;
	__u8 pad[3];
};

/* Value of slb_persist: the client's endpoint slot and when it last opened a flow. */
struct slb_persist_val {
	__u64 last_seen_ns;
	__u16 slot;
	__u16 pad;
	__u32 pad2;
};

/*
 * slb_ep_conns (hash, __u32, key SLB_EP_KEY(service id, slot)): open flows per
 * endpoint, for lc. The datapath adds one per new flow and subtracts one when a flow closes
 * (RST, both FINs) or expires on lookup; the daemon's garbage collector recounts from the
 * conntrack table every sweep, so a lost update never lasts.
 */

#endif /* SWIFTLB_ABI_H */
