/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * idle_reset.h - TCP reset of flows idle past their service's inactiveTimeOut.
 *
 * A service with inactive_timeout_s set gives its established TCP flows that idle timeout, as
 * loxilb's `inactiveTimeOut` does. When the next packet of such a flow arrives (from either
 * side) after both directions have been silent longer than that, the flow is forgotten and the
 * packet is answered with a TCP RST sent straight back out of the interface it came in on: the
 * sender learns at once that the connection is gone instead of retransmitting into a black hole
 * or, worse, being load balanced mid-stream to another endpoint. The RST follows RFC 9293 3.10.7.1:
 * SEQ = the packet's ACK when it carries one, otherwise SEQ 0 with ACK = SEQ + segment length.
 * Only the ingress program resets (it owns the arriving frame); IPv4 headers with options are
 * left to normal expiry. The other side of the flow gets its RST when it next sends.
 */
#ifndef SLB_IDLE_RESET_H
#define SLB_IDLE_RESET_H

#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>

#include "compiler.h"
#include "ct.h"
#include "ctx.h"
#include "lb_select.h"
#include "maps.h"
#include "nat.h"
#include "parse.h"
#include "stats.h"

/* Size of a RST frame: Ethernet, a 20-byte IPv4 header and a 20-byte TCP header. */
#define SLB_RST_FRAME_LEN (ETH_HLEN + sizeof(struct iphdr) + sizeof(struct tcphdr))
#define SLB_RST_TCP_OFF (ETH_HLEN + sizeof(struct iphdr))

/* The TCP pseudo-header summed into the checksum. */
struct slb_pseudo_hdr {
	__be32 saddr;
	__be32 daddr;
	__u8 zero;
	__u8 proto;
	__be16 len;
};

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
	twin = bpf_map_lookup_elem(&slb_ct, &twin_key);
	return !twin || slb_ct_idle(twin, now, timeout);
}

/* One RST frame to write: MACs (destination, source), tuple, SEQ/ACK and flags, network order. */
struct slb_rst4 {
	__u8 macs[2 * ETH_ALEN];
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__be32 seq;
	__be32 ack_seq;
	__u8 flags;
	__u8 pad[3];
};

/*
 * Makes `skb` the 54-byte TCP/IPv4 frame `r` with both checksums computed in full. A function
 * with its own stack frame, so that its header copies do not add to the pipeline's frame (the
 * program's stack is 512 bytes for all frames on a call chain).
 */
static __attribute__((noinline)) int slb_write_rst4(struct __sk_buff *skb, const struct slb_rst4 *r)
{
	struct slb_pseudo_hdr ph;
	struct tcphdr tcp;
	struct ethhdr eth;
	struct iphdr ip;
	__u64 sum;

	__builtin_memcpy(eth.h_dest, r->macs, 2 * ETH_ALEN);
	eth.h_proto = bpf_htons(ETH_P_IP);
	__builtin_memset(&ip, 0, sizeof(ip));
	ip.version = 4;
	ip.ihl = 5;
	ip.tot_len = bpf_htons(sizeof(struct iphdr) + sizeof(struct tcphdr));
	ip.ttl = 64;
	ip.protocol = IPPROTO_TCP;
	ip.saddr = r->saddr;
	ip.daddr = r->daddr;
	ip.check = slb_csum_fold(bpf_csum_diff(NULL, 0, (__be32 *)&ip, sizeof(ip), 0));

	__builtin_memset(&tcp, 0, sizeof(tcp));
	tcp.source = r->sport;
	tcp.dest = r->dport;
	tcp.seq = r->seq;
	tcp.ack_seq = r->ack_seq;
	tcp.doff = 5;
	/* The flags byte follows doff in the header (offset 13). */
	((__u8 *)&tcp)[13] = r->flags;
	ph.saddr = r->saddr;
	ph.daddr = r->daddr;
	ph.zero = 0;
	ph.proto = IPPROTO_TCP;
	ph.len = bpf_htons(sizeof(struct tcphdr));
	sum = bpf_csum_diff(NULL, 0, (__be32 *)&ph, sizeof(ph), 0);
	sum = bpf_csum_diff(NULL, 0, (__be32 *)&tcp, sizeof(tcp), sum);
	tcp.check = slb_csum_fold(sum);

	if (bpf_skb_change_tail(skb, SLB_RST_FRAME_LEN, 0))
		return -1;
	if (bpf_skb_store_bytes(skb, 0, &eth, sizeof(eth), 0) ||
	    bpf_skb_store_bytes(skb, ETH_HLEN, &ip, sizeof(ip), 0) ||
	    bpf_skb_store_bytes(skb, SLB_RST_TCP_OFF, &tcp, sizeof(tcp), 0))
		return -1;
	return 0;
}

/*
 * The RST for the flow's other end: the arriving packet as the flow's rewrite `nat` would
 * translate it, without payload, flags RST and the packet's own SEQ. That SEQ is the next byte
 * the other end expects (RCV.NXT) when the sender is in step, so the other end accepts the RST
 * at once (RFC 5961 3.2). Routed as fwd.h routes the flow's packets (ingress FIB lookup); returns
 * the egress interface, or 0 when the lookup gives no neighbour (then no RST is cloned: the
 * other end learns on its next send, as before).
 */
static __attribute__((noinline)) __u32 slb_peer_rst4(struct __sk_buff *skb, const struct slb_pkt *pkt,
						     const struct slb_nat *nat, __be32 seq,
						     struct slb_rst4 *r)
{
	struct bpf_fib_lookup fib;
	struct slb_tuple t;

	slb_nat_tuple(pkt, nat, &t);
	__builtin_memset(&fib, 0, sizeof(fib));
	fib.family = SLB_AF_INET;
	fib.tos = pkt->tos;
	fib.l4_protocol = IPPROTO_TCP;
	fib.ipv4_src = t.saddr;
	fib.ipv4_dst = t.daddr;
	fib.ifindex = skb->ifindex;
	if (bpf_fib_lookup(skb, &fib, sizeof(fib), 0) != BPF_FIB_LKUP_RET_SUCCESS)
		return 0;
	__builtin_memcpy(r->macs, fib.dmac, ETH_ALEN);
	__builtin_memcpy(r->macs + ETH_ALEN, fib.smac, ETH_ALEN);
	r->saddr = t.saddr;
	r->daddr = t.daddr;
	r->sport = t.sport;
	r->dport = t.dport;
	r->seq = seq;
	r->ack_seq = 0;
	r->flags = SLB_TCP_RST;
	return fib.ifindex;
}

/*
 * Resets both ends of the TCP/IPv4 flow of `pkt` (no IP options) whose rewrite is `nat`: a
 * copy rewritten as the other end's RST (slb_peer_rst4) leaves through bpf_clone_redirect, then
 * `skb` becomes the sender's RST (RFC 9293 3.10.7.1: SEQ = the packet's ACK when it carries
 * one, otherwise SEQ 0 with ACK = SEQ + segment length) back out of its arrival interface.
 * Returns the TC verdict.
 */
static __attribute__((noinline)) int slb_idle_rst_both4(struct __sk_buff *skb,
							const struct slb_pkt *pkt,
							const struct slb_nat *nat)
{
	struct slb_rst4 r;
	struct tcphdr tcp;
	__u8 macs[2 * ETH_ALEN];
	__be16 tot_len;
	__u32 payload, hdrs, ifindex;

	if (pkt->l4_off != SLB_RST_TCP_OFF)
		return TC_ACT_SHOT;
	if (bpf_skb_load_bytes(skb, 0, macs, sizeof(macs)) ||
	    bpf_skb_load_bytes(skb, ETH_HLEN + offsetof(struct iphdr, tot_len), &tot_len,
			       sizeof(tot_len)) ||
	    bpf_skb_load_bytes(skb, SLB_RST_TCP_OFF, &tcp, sizeof(tcp)))
		return TC_ACT_SHOT;

	ifindex = slb_peer_rst4(skb, pkt, nat, tcp.seq, &r);
	if (ifindex && !slb_write_rst4(skb, &r)) {
		if (!bpf_clone_redirect(skb, ifindex, 0))
			slb_count(SLB_CNT_TCP_IDLE_RESET_PEER);
	}

	__builtin_memcpy(r.macs, macs + ETH_ALEN, ETH_ALEN);
	__builtin_memcpy(r.macs + ETH_ALEN, macs, ETH_ALEN);
	r.saddr = pkt->daddr;
	r.daddr = pkt->saddr;
	r.sport = pkt->dport;
	r.dport = pkt->sport;
	if (tcp.ack) {
		r.seq = tcp.ack_seq;
		r.ack_seq = 0;
		r.flags = SLB_TCP_RST;
	} else {
		payload = bpf_ntohs(tot_len);
		hdrs = sizeof(struct iphdr) + tcp.doff * 4;
		payload = payload > hdrs ? payload - hdrs : 0;
		r.seq = 0;
		r.ack_seq = bpf_htonl(bpf_ntohl(tcp.seq) + payload + tcp.fin);
		r.flags = SLB_TCP_RST | SLB_TCP_ACK;
	}
	if (slb_write_rst4(skb, &r))
		return TC_ACT_SHOT;
	return bpf_redirect(skb->ifindex, 0);
}

/*
 * Resets the flow `key`/`ct` of `pkt` if it idled past its service's timeout: forgets both
 * directions and answers the packet with a RST to each end (slb_idle_rst_both4). Returns the
 * TC verdict, or -1 when the flow is not due (the caller goes on as usual).
 */
static __always_inline int slb_idle_reset(struct __sk_buff *skb, const struct slb_ct_key *key,
					  struct slb_ct_val *ct, const struct slb_pkt *pkt,
					  __u64 now, bool egress)
{
	struct slb_nat nat;

	if (egress || !slb_idle_reset_due(key, ct, pkt, now))
		return -1;
	__builtin_memcpy(&nat, &ct->nat, sizeof(nat));
	slb_ep_conn_close(ct->svc_id, ct->ep_idx);
	slb_ct_delete_flow(key, ct);
	slb_count(SLB_CNT_TCP_IDLE_RESET);
	return slb_idle_rst_both4(skb, pkt, &nat);
}

#endif /* SLB_IDLE_RESET_H */
