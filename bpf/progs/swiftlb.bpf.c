// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * swiftlb.bpf.c - the TC programs of the SwiftLB datapath.
 *
 * slb_tc_ingress and slb_tc_egress are the programs attached to the hooks; every other program
 * is a stage they reach by tail call (lib/stages.h). Each stage has an ingress and an egress
 * program: the two differ only in how a translated packet is forwarded.
 */
#include "flow.h"
#include "pipeline.h"
#include "pipeline6.h"
#include "pipeline_sctpmh6.h"

#define SLB_STAGE_DEFINE(in, eg, body)          \
	SEC("tc") int in(struct __sk_buff *skb) \
	{                                       \
		return body(skb, false);        \
	}                                       \
	SEC("tc") int eg(struct __sk_buff *skb) \
	{                                       \
		return body(skb, true);         \
	}

SLB_STAGE_DEFINE(slb_tc_ingress, slb_tc_egress, slb_entry)
SLB_STAGE_DEFINE(slb_new4_in, slb_new4_eg, slb_new4)
SLB_STAGE_DEFINE(slb_icmp4_in, slb_icmp4_eg, slb_icmp4)
SLB_STAGE_DEFINE(slb_nat46_in, slb_nat46_eg, slb_nat46)
SLB_STAGE_DEFINE(slb_dsr4_in, slb_dsr4_eg, slb_dsr4)
SLB_STAGE_DEFINE(slb_idle_in, slb_idle_eg, slb_idle)
SLB_STAGE_DEFINE(slb_v6_in, slb_v6_eg, slb_v6)
SLB_STAGE_DEFINE(slb_new6_in, slb_new6_eg, slb_new6)
SLB_STAGE_DEFINE(slb_icmp6_in, slb_icmp6_eg, slb_icmp6)
SLB_STAGE_DEFINE(slb_dsr6_in, slb_dsr6_eg, slb_dsr6)
SLB_STAGE_DEFINE(slb_fw4_in, slb_fw4_eg, slb_fw4)
SLB_STAGE_DEFINE(slb_fw6_in, slb_fw6_eg, slb_fw6)
SLB_STAGE_DEFINE(slb_police_in, slb_police_eg, slb_police)
SLB_STAGE_DEFINE(slb_gtpu_in, slb_gtpu_eg, slb_gtpu)
SLB_STAGE_DEFINE(slb_sctpmh_in, slb_sctpmh_eg, slb_sctpmh4)
SLB_STAGE_DEFINE(slb_sctpmh6_in, slb_sctpmh6_eg, slb_sctpmh6)
SLB_STAGE_DEFINE(slb_srv6_in, slb_srv6_eg, slb_srv6)
SLB_STAGE_DEFINE(slb_mirror_in, slb_mirror_eg, slb_mirror4)

char LICENSE[] SEC("license") = "GPL";
