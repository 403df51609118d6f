/*
 * idle_reset.h - TCP reset of flows idle past their service's inactiveTimeOut, both ways.
 *
 * A service with inactive_timeout_s set gives its established TCP flows that idle timeout, as
 * loxilb's `inactiveTimeOut` does. When the next packet of such a flow arrives (from either
 * side) after both directions have been silent longer than that, the flow is forgotten and both
 * ends are reset by that one event:
 *   - the other end gets a RST made from a copy of the packet (bpf_clone_redirect): the packet
 *     translated as the flow's rewrite would (DNAT, onearm, full NAT, NAT66, and NAT64 in either
 *     direction, which changes the family), without payload, with the packet's own SEQ. A sender
 *     in step sends exactly the SEQ the other end expects next (RCV.NXT), so the other end
 *     accepts the RST at once (RFC 5961 3.2). It is routed as the flow's packets are (ingress
 *     FIB lookup); without a neighbour entry no copy is sent (SLB_CNT_TCP_IDLE_RESET_PEER counts
 *     the copies sent);
 *   - the sender gets the packet itself turned into a RST, sent straight back out of the
 *     interface it came in on (RFC 9293 3.10.7.1: SEQ = the packet's ACK when it carries one,
 *     otherwise SEQ 0 with ACK = SEQ + segment length).
 * Either way the ends learn at once that the connection is gone instead of retransmitting into a
 * black hole or, worse, being load balanced mid-stream to another endpoint. Only the ingress
 * program resets (it owns the arriving frame); IPv4 headers with options and IPv6 headers with
 * extension headers are left to normal expiry. The RSTs carry full checksums (the frame is
 * rebuilt from scratch: IPv4 ID 0 without DF, TTL / hop limit 64, window 0).
 */
#ifndef SLB_IDLE_RESET_H
#define SLB_IDLE_RESET_H

#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>

#include "compiler.h"
#include "ct.h"
#include "ctx.h"
#include "lb6.h"
#include "lb_select.h"
#include "maps.h"
#include "parse.h"
#include "parse6.h"
#include "stats.h"

/* RST frames: Ethernet, a 20-byte IPv4 or 40-byte IPv6 header, a 20-byte TCP header. */
#define SLB_RST_TCP_OFF (ETH_HLEN + sizeof(struct iphdr))
#define SLB_RST_FRAME_LEN (SLB_RST_TCP_OFF + sizeof(struct tcphdr))
#define SLB_RST6_TCP_OFF (ETH_HLEN + sizeof(struct ipv6hdr))
#define SLB_RST6_FRAME_LEN (SLB_RST6_TCP_OFF + sizeof(struct tcphdr))

static __always_inline __u16 slb_csum_fold(__u64 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* Whether `key`/`ct` is an established TCP flow whose service timeout both directions outlived. */
static __always_inline bool slb_idle_reset_due(const struct slb_ct_key *key,
					       const struct slb_ct_val *ct,
					       const struct slb_pkt *pkt, __u64 now)
{
	struct slb_ct_key twin_key;
	struct slb_ct_val *twin;
	__u32 inactive_s;
	__u64 timeout;

	if (pkt->proto != IPPROTO_TCP || (pkt->tcp_flags & (SLB_TCP_SYN | SLB_TCP_RST)))
		return false;
	if (likely(!slb_ct_idle(ct, now, SLB_NSEC_PER_SEC)))
		return false;
	if (READ_ONCE(ct->state) != SLB_CT_ESTABLISHED)
		return false;
	inactive_s = slb_ct_inactive_s(key, ct);
	if (!inactive_s)
		return false;
	timeout = (__u64)inactive_s * SLB_NSEC_PER_SEC;
	if (!slb_ct_idle(ct, now, timeout))
		return false;
	slb_ct_twin_key(&twin_key, key, &ct->nat);
	twin = slb_ct_find(&twin_key);
	return !twin || slb_ct_idle(twin, now, timeout);
}

/* One RST frame to write: MACs (destination, source), tuple, SEQ/ACK, flags, network order. */
struct slb_rst {
	__u8 macs[2 * ETH_ALEN];
	__be32 saddr[4]; /* IPv4: word 0 */
	__be32 daddr[4];
	__be16 sport;
	__be16 dport;
	__be32 seq;
	__be32 ack_seq;
	__u8 flags;
	__u8 family;
	__u8 pad[2];
};

/*
 * Per-CPU scratch of an idle reset: the reset runs at the end of a call chain that already holds
 * the pipeline's frames, and the verifier allows 512 bytes of stack for all of them together.
 * A program runs to completion on its CPU, so the slot is never shared. Datapath-private.
 */
struct slb_idle_scratch {
	struct slb_rst r;
	struct bpf_fib_lookup fib;
	struct slb_nat nat;
	struct tcphdr tcp; /* the arriving packet's */
	__u8 macs[2 * ETH_ALEN];
	__be16 l3_len;
	__u16 pad;
	/* The RST being written. */
	struct ethhdr eth;
	__u16 pad2;
	struct iphdr ip;
	struct ipv6hdr ip6;
	struct tcphdr out;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct slb_idle_scratch);
	__uint(max_entries, 1);
} slb_idle_scratch SEC(".maps");

/* The RST's TCP header with its checksum; `sum` is the pseudo-header's partial sum. */
static __always_inline void slb_rst_tcp(struct tcphdr *tcp, const struct slb_rst *r, __u64 sum)
{
	__builtin_memset(tcp, 0, sizeof(*tcp));
	tcp->source = r->sport;
	tcp->dest = r->dport;
	tcp->seq = r->seq;
	tcp->ack_seq = r->ack_seq;
	tcp->doff = 5;
	/* The flags byte follows doff in the header (offset 13). */
	((__u8 *)tcp)[13] = r->flags;
	tcp->check = slb_csum_fold(bpf_csum_diff(NULL, 0, (__be32 *)tcp, sizeof(*tcp), sum));
}

/*
 * Makes `skb` the IPv4 RST frame sc->r, both checksums computed in full; the headers are built
 * in the scratch, not on the stack.
 */
static __attribute__((noinline)) int slb_write_rst4(struct __sk_buff *skb,
						    struct slb_idle_scratch *sc)
{
	__be32 tail = bpf_htonl((IPPROTO_TCP << 16) | sizeof(struct tcphdr));
	const struct slb_rst *r = &sc->r;
	struct iphdr *ip = &sc->ip;
	__u64 sum;

	__builtin_memcpy(sc->eth.h_dest, r->macs, 2 * ETH_ALEN);
	sc->eth.h_proto = bpf_htons(ETH_P_IP);
	__builtin_memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = bpf_htons(sizeof(struct iphdr) + sizeof(struct tcphdr));
	ip->ttl = 64;
	ip->protocol = IPPROTO_TCP;
	ip->saddr = r->saddr[0];
	ip->daddr = r->daddr[0];
	ip->check = slb_csum_fold(bpf_csum_diff(NULL, 0, (__be32 *)ip, sizeof(*ip), 0));
	/* Pseudo-header: the two addresses, then zero, protocol and TCP length. */
	sum = bpf_csum_diff(NULL, 0, (__be32 *)&ip->saddr, 2 * sizeof(__be32), 0);
	sum = bpf_csum_diff(NULL, 0, &tail, sizeof(tail), sum);
	slb_rst_tcp(&sc->out, r, sum);

	if (skb->protocol != bpf_htons(ETH_P_IP) &&
	    bpf_skb_change_proto(skb, bpf_htons(ETH_P_IP), 0))
		return -1;
	if (bpf_skb_change_tail(skb, SLB_RST_FRAME_LEN, 0))
		return -1;
	if (bpf_skb_store_bytes(skb, 0, &sc->eth, sizeof(sc->eth), 0) ||
	    bpf_skb_store_bytes(skb, ETH_HLEN, ip, sizeof(*ip), 0) ||
	    bpf_skb_store_bytes(skb, SLB_RST_TCP_OFF, &sc->out, sizeof(sc->out), 0))
		return -1;
	return 0;
}

/* The same for an IPv6 RST frame sc->r. */
static __attribute__((noinline)) int slb_write_rst6(struct __sk_buff *skb,
						    struct slb_idle_scratch *sc)
{
	__be32 tail[2] = { bpf_htonl(sizeof(struct tcphdr)), bpf_htonl(IPPROTO_TCP) };
	const struct slb_rst *r = &sc->r;
	struct ipv6hdr *ip6 = &sc->ip6;
	__u64 sum;

	__builtin_memcpy(sc->eth.h_dest, r->macs, 2 * ETH_ALEN);
	sc->eth.h_proto = bpf_htons(ETH_P_IPV6);
	__builtin_memset(ip6, 0, sizeof(*ip6));
	ip6->version = 6;
	ip6->payload_len = bpf_htons(sizeof(struct tcphdr));
	ip6->nexthdr = IPPROTO_TCP;
	ip6->hop_limit = 64;
	__builtin_memcpy(&ip6->saddr, r->saddr, sizeof(ip6->saddr));
	__builtin_memcpy(&ip6->daddr, r->daddr, sizeof(ip6->daddr));
	/* Pseudo-header (RFC 8200 8.1): the addresses, the 32-bit length, zeros, next header. */
	sum = bpf_csum_diff(NULL, 0, (__be32 *)&ip6->saddr, 2 * sizeof(ip6->saddr), 0);
	sum = bpf_csum_diff(NULL, 0, tail, sizeof(tail), sum);
	slb_rst_tcp(&sc->out, r, sum);

	if (skb->protocol != bpf_htons(ETH_P_IPV6) &&
	    bpf_skb_change_proto(skb, bpf_htons(ETH_P_IPV6), 0))
		return -1;
	if (bpf_skb_change_tail(skb, SLB_RST6_FRAME_LEN, 0))
		return -1;
	if (bpf_skb_store_bytes(skb, 0, &sc->eth, sizeof(sc->eth), 0) ||
	    bpf_skb_store_bytes(skb, ETH_HLEN, ip6, sizeof(*ip6), 0) ||
	    bpf_skb_store_bytes(skb, SLB_RST6_TCP_OFF, &sc->out, sizeof(sc->out), 0))
		return -1;
	return 0;
}

/* Makes `skb` the RST frame sc->r of either family. */
static __always_inline int slb_write_rst(struct __sk_buff *skb, struct slb_idle_scratch *sc)
{
	return sc->r.family == SLB_AF_INET6 ? slb_write_rst6(skb, sc) : slb_write_rst4(skb, sc);
}

/*
 * Fills sc->r with the RST for the flow's other end: the tuple of entry `key` after its rewrite
 * sc->nat (the family changes for NAT64), flags RST, the arriving packet's SEQ (sc->tcp), MACs
 * from an ingress FIB lookup.
 * Returns the egress interface, or 0 when the lookup gives no neighbour (no RST is sent).
 */
static __attribute__((noinline)) __u32
slb_peer_rst(struct __sk_buff *skb, const struct slb_ct_key *key, struct slb_idle_scratch *sc)
{
	const struct slb_nat *nat = &sc->nat;
	struct bpf_fib_lookup *fib = &sc->fib;
	struct slb_rst *r = &sc->r;
	__u8 flags = nat->flags;

	__builtin_memcpy(r->saddr, (flags & SLB_NAT_SRC) ? nat->saddr : key->saddr,
			 sizeof(r->saddr));
	__builtin_memcpy(r->daddr, (flags & SLB_NAT_DST) ? nat->daddr : key->daddr,
			 sizeof(r->daddr));
	r->sport = (flags & SLB_NAT_SRC) ? nat->sport : key->sport;
	r->dport = (flags & SLB_NAT_DST) ? nat->dport : key->dport;
	r->family = (flags & SLB_NAT_AF) ? nat->family : key->family;
	r->seq = sc->tcp.seq;
	r->ack_seq = 0;
	r->flags = SLB_TCP_RST;

	__builtin_memset(fib, 0, sizeof(*fib));
	fib->family = r->family;
	fib->l4_protocol = IPPROTO_TCP;
	fib->ifindex = skb->ifindex;
	if (r->family == SLB_AF_INET6) {
		__builtin_memcpy(fib->ipv6_src, r->saddr, sizeof(fib->ipv6_src));
		__builtin_memcpy(fib->ipv6_dst, r->daddr, sizeof(fib->ipv6_dst));
	} else {
		fib->ipv4_src = r->saddr[0];
		fib->ipv4_dst = r->daddr[0];
	}
	if (bpf_fib_lookup(skb, fib, sizeof(*fib), 0) != BPF_FIB_LKUP_RET_SUCCESS)
		return 0;
	__builtin_memcpy(r->macs, fib->dmac, ETH_ALEN);
	__builtin_memcpy(r->macs + ETH_ALEN, fib->smac, ETH_ALEN);
	return fib->ifindex;
}

/*
 * Resets both ends of the TCP flow of the arriving frame (entry `key`, rewrite sc->nat, TCP
 * header at `l4_off`): the other end's RST leaves as a clone, then `skb` becomes the sender's RST
 * back out of its arrival interface (see the header). Returns the TC verdict.
 */
static __attribute__((noinline)) int slb_idle_rst_both(struct __sk_buff *skb,
						       const struct slb_ct_key *key,
						       struct slb_idle_scratch *sc, __u32 l4_off)
{
	struct slb_rst *r;
	__u32 payload, ifindex;
	bool v6;

	if (!skb || !key || !sc)
		return TC_ACT_SHOT;
	r = &sc->r;
	v6 = key->family == SLB_AF_INET6;
	if (bpf_skb_load_bytes(skb, 0, sc->macs, sizeof(sc->macs)) ||
	    bpf_skb_load_bytes(skb,
			       v6 ? SLB_IP6_PLEN_OFF : ETH_HLEN + offsetof(struct iphdr, tot_len),
			       &sc->l3_len, sizeof(sc->l3_len)) ||
	    bpf_skb_load_bytes(skb, l4_off, &sc->tcp, sizeof(sc->tcp)))
		return TC_ACT_SHOT;

	ifindex = slb_peer_rst(skb, key, sc);
	if (ifindex && !slb_write_rst(skb, sc) && !bpf_clone_redirect(skb, ifindex, 0))
		slb_count(SLB_CNT_TCP_IDLE_RESET_PEER);

	__builtin_memcpy(r->macs, sc->macs + ETH_ALEN, ETH_ALEN);
	__builtin_memcpy(r->macs + ETH_ALEN, sc->macs, ETH_ALEN);
	__builtin_memcpy(r->saddr, key->daddr, sizeof(r->saddr));
	__builtin_memcpy(r->daddr, key->saddr, sizeof(r->daddr));
	r->sport = key->dport;
	r->dport = key->sport;
	r->family = key->family;
	if (sc->tcp.ack) {
		r->seq = sc->tcp.ack_seq;
		r->ack_seq = 0;
		r->flags = SLB_TCP_RST;
	} else {
		/* Segment length: the IP payload (IPv4: after its 20-byte header) minus TCP's. */
		payload = bpf_ntohs(sc->l3_len) - (v6 ? 0 : sizeof(struct iphdr));
		payload = payload > sc->tcp.doff * 4U ? payload - sc->tcp.doff * 4U : 0;
		r->seq = 0;
		r->ack_seq = bpf_htonl(bpf_ntohl(sc->tcp.seq) + payload + sc->tcp.fin);
		r->flags = SLB_TCP_RST | SLB_TCP_ACK;
	}
	if (slb_write_rst(skb, sc))
		return TC_ACT_SHOT;
	return bpf_redirect(skb->ifindex, 0);
}

/*
 * Whether slb_idle_reset_at would reset the flow: due (slb_idle_reset_due) and the TCP header
 * at `l4_off_plain`, right after an L3 header without options or extensions.
 */
static __always_inline bool slb_idle_reset_wanted(const struct slb_ct_key *key,
						  const struct slb_ct_val *ct,
						  const struct slb_pkt *pkt, __u64 now,
						  __u32 l4_off_plain)
{
	return pkt->l4_off == l4_off_plain && slb_idle_reset_due(key, ct, pkt, now);
}

/*
 * Resets the flow `key`/`ct` of `pkt` (TCP header at `l4_off`, `l4_off_plain` when the L3
 * header has no options or extensions) if it idled past its service's timeout: forgets both
 * directions and resets both ends (slb_idle_rst_both). Returns the TC verdict, or -1 when the
 * flow is not due (the caller goes on as usual).
 */
static __always_inline int slb_idle_reset_at(struct __sk_buff *skb, const struct slb_ct_key *key,
					     struct slb_ct_val *ct, const struct slb_pkt *pkt,
					     __u64 now, __u32 l4_off_plain)
{
	struct slb_idle_scratch *sc;
	__u32 zero = 0;

	if (!slb_idle_reset_wanted(key, ct, pkt, now, l4_off_plain))
		return -1;
	sc = bpf_map_lookup_elem(&slb_idle_scratch, &zero);
	if (!sc)
		return -1;
	/* The rewrite outlives the entries deleted here. */
	__builtin_memcpy(&sc->nat, &ct->nat, sizeof(sc->nat));
	slb_ep_conn_close(ct->svc_id, ct->ep_idx);
	slb_ct_delete_flow(key, ct);
	slb_count(SLB_CNT_TCP_IDLE_RESET);
	return slb_idle_rst_both(skb, key, sc, pkt->l4_off);
}

/* The IPv4 hook (pipeline.h): ingress only. */
static __always_inline int slb_idle_reset(struct __sk_buff *skb, const struct slb_ct_key *key,
					  struct slb_ct_val *ct, const struct slb_pkt *pkt,
					  __u64 now, bool egress)
{
	if (egress)
		return -1;
	return slb_idle_reset_at(skb, key, ct, pkt, now, SLB_RST_TCP_OFF);
}

/* The IPv6 hook (pipeline6.h): ingress only, no extension headers. */
static __always_inline int slb_idle_reset6(struct __sk_buff *skb, const struct slb_ct_key *key,
					   struct slb_ct_val *ct, const struct slb_pkt *pkt,
					   __u64 now, bool egress)
{
	if (egress)
		return -1;
	return slb_idle_reset_at(skb, key, ct, pkt, now, SLB_RST6_TCP_OFF);
}

#endif /* SLB_IDLE_RESET_H */
