/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * compiler.h - compiler helpers for the SwiftLB datapath.
 *
 * Branch hints, forced inlining and the volatile accessors that every header under bpf/lib
 * uses. Most of the datapath is inlined into the program entry points, so that no BPF-to-BPF
 * call frames eat into the 512-byte stack budget. The exceptions are global functions
 * (non-static, noinline: ct_table.h, ct.h, lb_select.h, sctp.h), which the verifier checks once on
 * their own instead of once per path that reaches them, and a few static noinline helpers that
 * keep a stage's stack frame small.
 */
#ifndef SLB_COMPILER_H
#define SLB_COMPILER_H

#include <stdbool.h>

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#endif

#ifndef unlikely
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

#ifndef barrier
#define barrier() asm volatile("" ::: "memory")
#endif

/*
 * Hides a value's known range from the compiler, so that a bounds check the compiler could
 * prove redundant is still emitted for the verifier (which cannot prove it).
 */
#define barrier_var(var) asm volatile("" : "+r"(var))

/* Single loads and stores of fields that another CPU or the control plane may change. */
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#endif /* SLB_COMPILER_H */
