// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ip6ip6_decap.bpf.c - a stand-in for the kernel's ip6tnl (ip6ip6) device, for e2e/l4v6.
 *
 * The test kernel may be built without the ip6_tunnel driver, so the IPv6 L3 DSR endpoint
 * strips the outer IPv6 header itself: on TC ingress, an IPv6 packet whose next header is 41
 * (IPv6) loses its first 40-byte header (bpf_skb_adjust_room with the L3 decap flag, which
 * keeps GSO packets consistent) and continues up the stack as the inner packet, as an ip6tnl
 * device would deliver it. Everything else passes untouched. No maps, nothing pinned.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/* BPF_F_ADJ_ROOM_DECAP_L3_IPV6 (Linux 6.3+), spelled out for older uapi headers. */
#define DECAP_L3_IPV6 (1ULL << 8)

SEC("tc")
int ip6ip6_decap(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = data + sizeof(*eth);

	if ((void *)(ip6 + 1) > end || eth->h_proto != bpf_htons(ETH_P_IPV6))
		return TC_ACT_OK;
	if (ip6->nexthdr != IPPROTO_IPV6)
		return TC_ACT_OK;
	if (bpf_skb_adjust_room(skb, -(int)sizeof(*ip6), BPF_ADJ_ROOM_MAC, DECAP_L3_IPV6))
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
