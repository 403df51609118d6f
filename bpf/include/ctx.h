/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ctx.h - the program context (struct __sk_buff) as the datapath sees it.
 *
 * The TC programs are the only entry points today. Every header reaches packet memory through
 * these accessors, so an XDP flavour later only has to provide the same few functions. Packet
 * pointers obtained here are invalidated by any helper that may move packet data
 * (bpf_skb_pull_data, bpf_skb_store_bytes, the checksum helpers): callers keep offsets, not
 * pointers, across such calls.
 */
#ifndef SLB_CTX_H
#define SLB_CTX_H

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "compiler.h"

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

#endif /* SLB_CTX_H */
