// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * swiftlb.bpf.c - the TC programs of the SwiftLB datapath.
 *
 * slb_tc_ingress and slb_tc_egress run the same pipeline (lib/pipeline.h) and differ only in
 * how a translated packet is forwarded. slb_tc_noop passes everything: it is the floor the
 * benchmarks compare against.
 */
#include "pipeline.h"

SEC("tc")
int slb_tc_ingress(struct __sk_buff *skb)
{
	return slb_handle(skb, false);
}

SEC("tc")
int slb_tc_egress(struct __sk_buff *skb)
{
	return slb_handle(skb, true);
}

SEC("tc")
int slb_tc_noop(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
