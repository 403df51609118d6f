// SPDX-License-Identifier: Apache-2.0
/*
 * packet-test.c - sends a few packets through SwiftLB's loaded datapath with
 * BPF_PROG_TEST_RUN and checks what comes out (slb-verify --packet).
 *
 * It proves, on whatever kernel slb-verify runs on, that the programs do not only pass the
 * verifier but still translate: one IPv4 TCP service and one IPv6 TCP service in DNAT mode,
 * a client's SYN to each VIP, and the endpoint's SYN-ACK back through the conntrack entry
 * the first SYN created. The expected bytes are computed here, independently of the
 * datapath: addresses, ports, and the IPv4 header and TCP checksums recomputed from scratch.
 *
 * Only libbpf calls on the loaded object are used, so the same code runs on the host and
 * statically linked inside the QEMU guests of scripts/kernel-matrix.sh. The conntrack table
 * (slb_ct) is mmapped and its head set up with the daemon's own code (swiftlb_ct_user.h),
 * as the daemon does before it attaches the programs; without a head the datapath tracks
 * nothing. All addresses are documentation prefixes (RFC 5737, RFC 3849).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "slb-verify.h"
#include "swiftlb_abi.h"
#include "swiftlb_ct_user.h"

#define ETH_LEN 14
#define IP4_LEN 20
#define IP6_LEN 40
#define TCP_LEN 20
#define ETHERTYPE_IP4 0x0800
#define ETHERTYPE_IP6 0x86dd
#define PROTO_TCP 6
#define TCP_SYN 0x02
#define TCP_ACK 0x10

/* TC verdicts (linux/pkt_cls.h): a translated packet is handed to the stack or redirected. */
#define VERDICT_OK 0
#define VERDICT_REDIRECT 7

/* Fixed, so a run is reproducible; the datapath only needs the head to be set up. */
#define CT_SEED 0x5eed5eedu

#define SVC4_ID 1
#define SVC6_ID 2

/* Room for the largest frame a rewrite could make of the small test frames. */
#define OUT_MAX 512

/* One TCP endpoint of a test packet: family, address (network order) and port. */
struct sock_addr {
	int family;
	unsigned char addr[16];
	unsigned short port;
};

/* The datapath's maps the test writes or reads. */
struct datapath {
	int prog_fd;
	int svc_fd;
	int eps_fd;
	int act_fd;
	int counters_fd;
	int ncpus;
};

static struct sock_addr addr_of(int family, const char *text, unsigned short port)
{
	struct sock_addr a;

	memset(&a, 0, sizeof(a));
	a.family = family;
	a.port = port;
	if (inet_pton(family, text, a.addr) != 1) {
		fprintf(stderr, "packet-test: bad address %s\n", text);
		exit(2);
	}
	return a;
}

static const char *addr_text(const struct sock_addr *a, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(a->family, a->addr, ip, sizeof(ip));
	snprintf(buf, size, a->family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip, a->port);
	return buf;
}

/* One's complement sum of `len` bytes, added to `sum` (not folded). */
static unsigned long csum_add(unsigned long sum, const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (unsigned long)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (unsigned long)(p[len - 1] << 8);
	return sum;
}

static unsigned short csum_fold(unsigned long sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (unsigned short)~sum;
}

static void put16(unsigned char *p, unsigned int v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, unsigned int v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static unsigned int get16(const unsigned char *p)
{
	return (unsigned int)(p[0] << 8 | p[1]);
}

/*
 * The TCP checksum of the segment at `l4` (`len` bytes) with the pseudo-header of `family`,
 * source `src` and destination `dst` (network order). Returns 0 when the stored checksum is
 * right, the value to store when the checksum field holds 0.
 */
static unsigned short tcp_csum(int family, const unsigned char *src, const unsigned char *dst,
			       const unsigned char *l4, size_t len)
{
	unsigned char pseudo[8];
	size_t alen = family == AF_INET6 ? 16 : 4;
	unsigned long sum = 0;

	sum = csum_add(sum, src, alen);
	sum = csum_add(sum, dst, alen);
	if (family == AF_INET6) {
		put32(pseudo, (unsigned int)len);
		put32(pseudo + 4, PROTO_TCP);
		sum = csum_add(sum, pseudo, 8);
	} else {
		pseudo[0] = 0;
		pseudo[1] = PROTO_TCP;
		put16(pseudo + 2, (unsigned int)len);
		sum = csum_add(sum, pseudo, 4);
	}
	return csum_fold(csum_add(sum, l4, len));
}

/*
 * Writes an Ethernet frame carrying a TCP segment without payload from `src` to `dst` with
 * `flags`, both checksums right. Returns the frame's length.
 */
static size_t build_tcp(unsigned char *f, const struct sock_addr *src, const struct sock_addr *dst,
			unsigned int flags)
{
	/* lo's address (all zero): the test runs on lo, and a frame for another MAC is not balanced */
	static const unsigned char dmac[6] = { 0 };
	static const unsigned char smac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	unsigned char *l3 = f + ETH_LEN, *l4;
	size_t l3_len;

	memset(f, 0, ETH_LEN + IP6_LEN + TCP_LEN);
	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	if (src->family == AF_INET6) {
		put16(f + 12, ETHERTYPE_IP6);
		put32(l3, 0x60000000);
		put16(l3 + 4, TCP_LEN);
		l3[6] = PROTO_TCP;
		l3[7] = 64;
		memcpy(l3 + 8, src->addr, 16);
		memcpy(l3 + 24, dst->addr, 16);
		l3_len = IP6_LEN;
	} else {
		put16(f + 12, ETHERTYPE_IP4);
		l3[0] = 0x45;
		put16(l3 + 2, IP4_LEN + TCP_LEN);
		put16(l3 + 4, 0x1234);
		put16(l3 + 6, 0x4000); /* DF */
		l3[8] = 64;
		l3[9] = PROTO_TCP;
		memcpy(l3 + 12, src->addr, 4);
		memcpy(l3 + 16, dst->addr, 4);
		put16(l3 + 10, csum_fold(csum_add(0, l3, IP4_LEN)));
		l3_len = IP4_LEN;
	}
	l4 = l3 + l3_len;
	put16(l4, src->port);
	put16(l4 + 2, dst->port);
	put32(l4 + 4, flags & TCP_ACK ? 0x20000000u : 0x10000000u); /* seq */
	put32(l4 + 8, flags & TCP_ACK ? 0x10000001u : 0);	    /* ack */
	l4[12] = (TCP_LEN / 4) << 4;
	l4[13] = (unsigned char)flags;
	put16(l4 + 14, 64240);
	put16(l4 + 16, tcp_csum(src->family, l3 + (l3_len == IP6_LEN ? 8 : 12),
				l3 + (l3_len == IP6_LEN ? 24 : 16), l4, TCP_LEN));
	return ETH_LEN + l3_len + TCP_LEN;
}

/*
 * Checks the frame `f` (`len` bytes) that came out: an IPv4 or IPv6 TCP segment from `src` to
 * `dst`, IPv4 header and TCP checksums right. Writes what is wrong to `why` and returns -1,
 * or returns 0.
 */
static int check_tcp(const unsigned char *f, size_t len, const struct sock_addr *src,
		     const struct sock_addr *dst, char *why, size_t why_size)
{
	int v6 = src->family == AF_INET6;
	size_t alen = v6 ? 16 : 4, l3_len, l4_len;
	const unsigned char *l3 = f + ETH_LEN, *l4, *saddr, *daddr;
	struct sock_addr got_src, got_dst;
	char want_s[64], want_d[64], got_s[64], got_d[64];
	unsigned short sum;

	if (len < ETH_LEN + (v6 ? IP6_LEN : IP4_LEN) + TCP_LEN ||
	    get16(f + 12) != (v6 ? ETHERTYPE_IP6 : ETHERTYPE_IP4)) {
		snprintf(why, why_size, "an %s TCP frame, got %zu bytes of ethertype 0x%04x",
			 v6 ? "IPv6" : "IPv4", len, len >= ETH_LEN ? get16(f + 12) : 0);
		return -1;
	}
	if (v6) {
		l3_len = IP6_LEN;
		l4_len = get16(l3 + 4);
		saddr = l3 + 8;
		daddr = l3 + 24;
		if (l3[6] != PROTO_TCP || ETH_LEN + IP6_LEN + l4_len > len) {
			snprintf(why, why_size,
				 "next header TCP within the frame, got %u, length %zu", l3[6],
				 l4_len);
			return -1;
		}
	} else {
		l3_len = (size_t)(l3[0] & 0x0f) * 4;
		if ((l3[0] >> 4) != 4 || l3_len < IP4_LEN || l3[9] != PROTO_TCP ||
		    ETH_LEN + get16(l3 + 2) > len || get16(l3 + 2) < l3_len + TCP_LEN) {
			snprintf(why, why_size,
				 "an IPv4 TCP header, got version/ihl 0x%02x proto %u", l3[0],
				 l3[9]);
			return -1;
		}
		sum = csum_fold(csum_add(0, l3, l3_len));
		if (sum) {
			snprintf(why, why_size,
				 "a valid IPv4 header checksum, got 0x%04x (off by 0x%04x)",
				 get16(l3 + 10), sum);
			return -1;
		}
		l4_len = get16(l3 + 2) - l3_len;
		saddr = l3 + 12;
		daddr = l3 + 16;
	}
	l4 = l3 + l3_len;
	memset(&got_src, 0, sizeof(got_src));
	memset(&got_dst, 0, sizeof(got_dst));
	got_src.family = got_dst.family = src->family;
	memcpy(got_src.addr, saddr, alen);
	memcpy(got_dst.addr, daddr, alen);
	got_src.port = (unsigned short)get16(l4);
	got_dst.port = (unsigned short)get16(l4 + 2);
	if (memcmp(&got_src, src, sizeof(got_src)) || memcmp(&got_dst, dst, sizeof(got_dst))) {
		snprintf(why, why_size, "%s -> %s, got %s -> %s", addr_text(src, want_s, 64),
			 addr_text(dst, want_d, 64), addr_text(&got_src, got_s, 64),
			 addr_text(&got_dst, got_d, 64));
		return -1;
	}
	sum = tcp_csum(src->family, saddr, daddr, l4, l4_len);
	if (sum) {
		snprintf(why, why_size, "a valid TCP checksum, got 0x%04x (off by 0x%04x)",
			 get16(l4 + 16), sum);
		return -1;
	}
	return 0;
}

/* Reads the global counters summed over CPUs into `out` (SLB_CNT_MAX values); 0 or -1. */
static int read_counters(const struct datapath *dp, unsigned long long *out)
{
	unsigned long long *percpu;
	__u32 i;
	int c;

	memset(out, 0, SLB_CNT_MAX * sizeof(*out));
	if (dp->counters_fd < 0 || dp->ncpus <= 0)
		return -1;
	percpu = calloc((size_t)dp->ncpus, sizeof(*percpu));
	if (!percpu)
		return -1;
	for (i = 0; i < SLB_CNT_MAX; i++) {
		if (bpf_map_lookup_elem(dp->counters_fd, &i, percpu))
			continue;
		for (c = 0; c < dp->ncpus; c++)
			out[i] += percpu[c];
	}
	free(percpu);
	return 0;
}

/* Prints which counters (enum slb_counter in swiftlb_abi.h) a failed case moved. */
static void print_counter_moves(const unsigned long long *before, const unsigned long long *after)
{
	int i, any = 0;

	printf("    counters moved (enum slb_counter):");
	for (i = 0; i < SLB_CNT_MAX; i++) {
		if (after[i] != before[i]) {
			printf(" [%d]+%llu", i, after[i] - before[i]);
			any = 1;
		}
	}
	printf("%s\n", any ? "" : " none");
}

/*
 * One case: sends a TCP segment from `in_src` to `in_dst` with `flags` through the ingress
 * program and expects it out translated to `out_src` -> `out_dst`. Returns 0 when it passed.
 */
static int run_case(const struct datapath *dp, const char *name, const struct sock_addr *in_src,
		    const struct sock_addr *in_dst, unsigned int flags,
		    const struct sock_addr *out_src, const struct sock_addr *out_dst)
{
	unsigned char in[ETH_LEN + IP6_LEN + TCP_LEN], out[OUT_MAX];
	unsigned long long before[SLB_CNT_MAX], after[SLB_CNT_MAX];
	char why[320];
	size_t in_len = build_tcp(in, in_src, in_dst, flags);
	int err, failed = 0;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_size_in = (__u32)in_len,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);

	read_counters(dp, before);
	err = bpf_prog_test_run_opts(dp->prog_fd, &opts);
	if (err) {
		printf("packet: %s: FAILED: expected the test run to work, got %s\n", name,
		       strerror(errno));
		return 1;
	}
	read_counters(dp, after);
	if (opts.retval != VERDICT_OK && opts.retval != VERDICT_REDIRECT) {
		printf("packet: %s: FAILED: expected verdict TC_ACT_OK (0) or TC_ACT_REDIRECT (7), "
		       "got %d\n",
		       name, (int)opts.retval);
		failed = 1;
	} else if (check_tcp(out, opts.data_size_out, out_src, out_dst, why, sizeof(why))) {
		printf("packet: %s: FAILED: expected %s (verdict %d)\n", name, why,
		       (int)opts.retval);
		failed = 1;
	}
	if (failed) {
		print_counter_moves(before, after);
		return 1;
	}
	printf("packet: %s: ok (verdict %d)\n", name, (int)opts.retval);
	return 0;
}

/* Adds service `id`: VIP `vip` (TCP, DNAT, round robin) with the single endpoint `ep`. */
static int add_service(const struct datapath *dp, __u32 id, const struct sock_addr *vip,
		       const struct sock_addr *ep)
{
	struct slb_svc_key key;
	struct slb_svc_val val;
	struct slb_endpoint ep0;
	__u32 ep_key = SLB_EP_KEY(id, 0), slot0 = 0;
	__u8 family = vip->family == AF_INET6 ? SLB_AF_INET6 : SLB_AF_INET;

	memset(&key, 0, sizeof(key));
	memcpy(key.vip, vip->addr, family == SLB_AF_INET6 ? 16 : 4);
	key.port = htons(vip->port);
	key.proto = PROTO_TCP;
	key.family = family;
	memset(&val, 0, sizeof(val));
	val.id = id;
	val.sel = SLB_SEL_RR;
	val.mode = SLB_MODE_DNAT;
	val.ep_count = 1;
	val.active_count = 1;
	memset(&ep0, 0, sizeof(ep0));
	memcpy(ep0.addr, ep->addr, ep->family == AF_INET6 ? 16 : 4);
	ep0.port = htons(ep->port);
	ep0.weight = 1;
	ep0.family = ep->family == AF_INET6 ? SLB_AF_INET6 : SLB_AF_INET;
	if (bpf_map_update_elem(dp->eps_fd, &ep_key, &ep0, BPF_ANY) ||
	    bpf_map_update_elem(dp->act_fd, &ep_key, &slot0, BPF_ANY) ||
	    bpf_map_update_elem(dp->svc_fd, &key, &val, BPF_ANY)) {
		printf("packet: FAILED: expected to configure service %u, got %s\n", id,
		       strerror(errno));
		return -1;
	}
	return 0;
}

/* Sets up the conntrack table's head as the daemon does. Returns 0 or -1. */
static int init_conntrack(struct bpf_object *obj)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, SLB_MAP_CONNTRACK);
	long page = sysconf(_SC_PAGESIZE);
	size_t size;
	__u32 count;
	void *mem;
	int rc;

	if (!map || bpf_map__fd(map) < 0) {
		printf("packet: FAILED: expected a loaded map %s\n", SLB_MAP_CONNTRACK);
		return -1;
	}
	count = bpf_map__max_entries(map);
	size = (size_t)count * sizeof(struct slb_ct_slot);
	size = (size + (size_t)page - 1) / (size_t)page * (size_t)page;
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(map), 0);
	if (mem == MAP_FAILED) {
		printf("packet: FAILED: expected to mmap %s (%u slots), got %s\n",
		       SLB_MAP_CONNTRACK, count, strerror(errno));
		return -1;
	}
	rc = slb_ct_user_init(mem, count, CT_SEED);
	munmap(mem, size);
	if (rc < 0) {
		printf("packet: FAILED: expected to set up the head of %s (%u slots), got %s\n",
		       SLB_MAP_CONNTRACK, count, strerror(-rc));
		return -1;
	}
	return 0;
}

static int map_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);

	return map ? bpf_map__fd(map) : -1;
}

int slb_packet_test(struct bpf_object *obj)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, SLB_PROG_INGRESS);
	struct sock_addr client4 = addr_of(AF_INET, "192.0.2.7", 40000);
	struct sock_addr vip4 = addr_of(AF_INET, "198.51.100.10", 80);
	struct sock_addr ep4 = addr_of(AF_INET, "203.0.113.5", 8080);
	struct sock_addr client6 = addr_of(AF_INET6, "2001:db8::7", 40000);
	struct sock_addr vip6 = addr_of(AF_INET6, "2001:db8::10", 80);
	struct sock_addr ep6 = addr_of(AF_INET6, "2001:db8:1::5", 8080);
	struct datapath dp;
	int failed = 0;

	if (!prog) {
		printf("packet: skipped: the object has no program %s\n", SLB_PROG_INGRESS);
		return 0;
	}
	dp.prog_fd = bpf_program__fd(prog);
	if (dp.prog_fd < 0) {
		printf("packet: not run: %s did not load\n", SLB_PROG_INGRESS);
		return 1;
	}
	dp.svc_fd = map_fd(obj, SLB_MAP_SERVICES);
	dp.eps_fd = map_fd(obj, SLB_MAP_ENDPOINTS);
	dp.act_fd = map_fd(obj, SLB_MAP_EP_ACTIVE);
	dp.counters_fd = map_fd(obj, SLB_MAP_COUNTERS);
	dp.ncpus = libbpf_num_possible_cpus();
	if (dp.svc_fd < 0 || dp.eps_fd < 0 || dp.act_fd < 0) {
		printf("packet: FAILED: expected the maps %s, %s and %s\n", SLB_MAP_SERVICES,
		       SLB_MAP_ENDPOINTS, SLB_MAP_EP_ACTIVE);
		return 1;
	}
	if (init_conntrack(obj) || add_service(&dp, SVC4_ID, &vip4, &ep4) ||
	    add_service(&dp, SVC6_ID, &vip6, &ep6))
		return 1;

	failed |= run_case(&dp, "ipv4 new flow", &client4, &vip4, TCP_SYN, &client4, &ep4);
	failed |= run_case(&dp, "ipv4 reply", &ep4, &client4, TCP_SYN | TCP_ACK, &vip4, &client4);
	failed |= run_case(&dp, "ipv6 new flow", &client6, &vip6, TCP_SYN, &client6, &ep6);
	return failed;
}
