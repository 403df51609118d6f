/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ctx.h - the program context (struct __sk_buff) as the datapath sees it.
 *
 * The TC programs are the only entry points. Every header reaches packet memory through these
 * accessors; an XDP flavour would need more than them, since the rewrites use skb-only helpers
 * (bpf_skb_store_bytes, bpf_l3/l4_csum_replace, bpf_skb_change_proto, bpf_redirect_neigh). Packet
 * pointers obtained here are invalidated by any helper that may move packet data
 * (bpf_skb_pull_data, bpf_skb_store_bytes, the checksum helpers): callers keep offsets, not
 * pointers, across such calls.
 */
#ifndef SLB_CTX_H
#define SLB_CTX_H

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "compiler.h"

/* skb->ip_summed values (include/linux/skbuff.h). */
#define SLB_CHECKSUM_NONE 0
#define SLB_CHECKSUM_UNNECESSARY 1
#define SLB_CHECKSUM_COMPLETE 2
#define SLB_CHECKSUM_PARTIAL 3

#include "swiftlb_abi.h"

/*
 * The kernel's view of the context: read-only, but it shows fields __sk_buff does not. Weak:
 * the kfunc exists from Linux 6.2 on, and an object that needs it would not load on 6.1. The
 * loader sets slb_features.kern_ctx when the kernel has it; otherwise the call is dead code,
 * which the verifier removes.
 */
extern void *bpf_cast_to_kern_ctx(void *obj) __ksym __weak;

/* Set by the loader before load (swiftlb_abi.h); in its own section so loaders find it by name. */
const volatile struct slb_features slb_features SEC(SLB_FEATURES_SECTION) = {};

/* The one field of struct sk_buff the datapath reads, located through CO-RE. */
struct sk_buff___slb {
	__u8 ip_summed : 2;
} __attribute__((preserve_access_index));

static __always_inline void *ctx_data(const struct __sk_buff *skb)
{
	return (void *)(long)skb->data;
}

static __always_inline void *ctx_data_end(const struct __sk_buff *skb)
{
	return (void *)(long)skb->data_end;
}

/*
 * Makes the first `len` bytes of the packet directly readable, pulling them into the linear
 * area when they sit in fragments. Returns 0 on success, -1 when the packet is shorter than
 * `len` or the pull fails. Invalidates packet pointers.
 */
static __always_inline int ctx_pull(struct __sk_buff *skb, __u32 len)
{
	if (ctx_data(skb) + len <= ctx_data_end(skb))
		return 0;
	if (len > skb->len)
		return -1;
	return bpf_skb_pull_data(skb, len) ? -1 : 0;
}

/*
 * How the packet's L4 checksum stands (SLB_CHECKSUM_*), which decides how a rewrite must adjust
 * it: the checksum helpers read the same field. The cast is free (the verifier rewrites it
 * to a register move) and so is the load. Without the kfunc this says CHECKSUM_COMPLETE, the
 * one state callers never rewrite directly: they take the checksum helpers, which handle
 * every state themselves (a few tens of ns slower per packet, never wrong).
 */
static __always_inline __u8 ctx_ip_summed(struct __sk_buff *skb)
{
	struct sk_buff___slb *kskb;

	if (!slb_features.kern_ctx)
		return SLB_CHECKSUM_COMPLETE;
	kskb = bpf_cast_to_kern_ctx(skb);
	return BPF_CORE_READ_BITFIELD(kskb, ip_summed);
}

#endif /* SLB_CTX_H */
