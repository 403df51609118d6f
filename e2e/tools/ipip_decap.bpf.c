// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ipip_decap.bpf.c - a stand-in for the kernel's ipip tunnel device, for e2e/l4dsr.
 *
 * The test kernel may be built without the ipip driver (no tunl0), so the L3 DSR endpoint
 * strips the outer IPv4 header itself: on TC ingress, an IPv4 packet with protocol 4 (IPIP)
 * loses its first 20-byte header (bpf_skb_adjust_room with the L3 decap flag, which keeps GSO
 * packets consistent) and continues up the stack as the inner packet, exactly what tunl0
 * would deliver. Everything else passes untouched. No maps, nothing pinned.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/* BPF_F_ADJ_ROOM_DECAP_L3_IPV4 (Linux 6.3+), spelled out for older uapi headers. */
#define DECAP_L3_IPV4 (1ULL << 7)

SEC("tc")
int ipip_decap(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);

	if ((void *)(iph + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	if (iph->protocol != IPPROTO_IPIP || iph->ihl != 5)
		return TC_ACT_OK;
	if (bpf_skb_adjust_room(skb, -(int)sizeof(*iph), BPF_ADJ_ROOM_MAC, DECAP_L3_IPV4))
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
