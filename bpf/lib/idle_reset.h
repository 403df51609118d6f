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

/*
 * Turns the TCP/IPv4 frame in `skb` (TCP header at `l4_off`, no IP options) into the RST
 * answering it. A global function with its own stack frame, so that its header copies do not
 * add to the pipeline's frame (the program's stack is 512 bytes for all frames on a call chain).
 */
__attribute__((noinline)) int slb_rewrite_as_rst(struct __sk_buff *skb, __u32 l4_off)
{
	struct slb_pseudo_hdr ph;
	struct tcphdr tcp;
	struct ethhdr eth;
	struct iphdr ip;
	__u32 payload, hdrs, seq, ack_seq;
	__u8 mac[ETH_ALEN];
	__be32 addr;
	__be16 port;
	bool acked, fin;
	__u64 sum;

	if (!skb || l4_off != SLB_RST_TCP_OFF)
		return -1;
	if (bpf_skb_load_bytes(skb, 0, &eth, sizeof(eth)) ||
	    bpf_skb_load_bytes(skb, ETH_HLEN, &ip, sizeof(ip)) ||
	    bpf_skb_load_bytes(skb, SLB_RST_TCP_OFF, &tcp, sizeof(tcp)))
		return -1;
	payload = bpf_ntohs(ip.tot_len);
	hdrs = sizeof(struct iphdr) + tcp.doff * 4;
	payload = payload > hdrs ? payload - hdrs : 0;
	seq = bpf_ntohl(tcp.seq);
	ack_seq = tcp.ack_seq;
	acked = tcp.ack;
	fin = tcp.fin;

	/* The headers are rewritten in place (one copy each keeps the stack frame small). */
	__builtin_memcpy(mac, eth.h_dest, ETH_ALEN);
	__builtin_memcpy(eth.h_dest, eth.h_source, ETH_ALEN);
	__builtin_memcpy(eth.h_source, mac, ETH_ALEN);

	addr = ip.saddr;
	ip.saddr = ip.daddr;
	ip.daddr = addr;
	ip.version = 4;
	ip.ihl = 5;
	ip.tos = 0;
	ip.tot_len = bpf_htons(sizeof(struct iphdr) + sizeof(struct tcphdr));
	ip.id = 0;
	ip.frag_off = 0;
	ip.ttl = 64;
	ip.check = 0;
	ip.check = slb_csum_fold(bpf_csum_diff(NULL, 0, (__be32 *)&ip, sizeof(ip), 0));

	port = tcp.source;
	__builtin_memset(&tcp, 0, sizeof(tcp));
	tcp.dest = port;
	tcp.doff = 5;
	tcp.rst = 1;
	if (acked) {
		tcp.seq = ack_seq;
	} else {
		tcp.ack = 1;
		tcp.ack_seq = bpf_htonl(seq + payload + fin);
	}
	ph.saddr = ip.saddr;
	ph.daddr = ip.daddr;
	ph.zero = 0;
	ph.proto = IPPROTO_TCP;
	ph.len = bpf_htons(sizeof(struct tcphdr));

	if (bpf_skb_change_tail(skb, SLB_RST_FRAME_LEN, 0))
		return -1;
	/* The source port is the incoming destination port, still in the frame. */
	if (bpf_skb_load_bytes(skb, SLB_RST_TCP_OFF + offsetof(struct tcphdr, dest), &tcp.source,
			       sizeof(tcp.source)))
		return -1;
	sum = bpf_csum_diff(NULL, 0, (__be32 *)&ph, sizeof(ph), 0);
	sum = bpf_csum_diff(NULL, 0, (__be32 *)&tcp, sizeof(tcp), sum);
	tcp.check = slb_csum_fold(sum);
	if (bpf_skb_store_bytes(skb, 0, &eth, sizeof(eth), 0) ||
	    bpf_skb_store_bytes(skb, ETH_HLEN, &ip, sizeof(ip), 0) ||
	    bpf_skb_store_bytes(skb, SLB_RST_TCP_OFF, &tcp, sizeof(tcp), 0))
		return -1;
	return 0;
}

/*
 * Resets the flow `key`/`ct` of `pkt` if it idled past its service's timeout: forgets both
 * directions and answers the packet with a RST out of its arrival interface. Returns the TC
 * verdict, or -1 when the flow is not due (the caller goes on as usual).
 */
static __always_inline int slb_idle_reset(struct __sk_buff *skb, const struct slb_ct_key *key,
					  struct slb_ct_val *ct, const struct slb_pkt *pkt,
					  __u64 now, bool egress)
{
	if (egress || !slb_idle_reset_due(key, ct, pkt, now))
		return -1;
	slb_ep_conn_close(ct->svc_id, ct->ep_idx);
	slb_ct_delete_flow(key, ct);
	slb_count(SLB_CNT_TCP_IDLE_RESET);
	if (slb_rewrite_as_rst(skb, pkt->l4_off))
		return TC_ACT_SHOT;
	return bpf_redirect(skb->ifindex, 0);
}

#endif /* SLB_IDLE_RESET_H */
