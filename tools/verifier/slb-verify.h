/* SPDX-License-Identifier: Apache-2.0 */
/* slb-verify.h - what slb-verify.c and packet-test.c share. */
#ifndef SLB_VERIFY_H
#define SLB_VERIFY_H

#include <bpf/libbpf.h>

/* Conntrack slots of the check's private table (home slots + SLB_CT_PROBES). */
#define SLB_VERIFY_CT_HOME 4096
#define SLB_VERIFY_CT_SLOTS (SLB_VERIFY_CT_HOME + 16)

/*
 * Sends packets through the loaded datapath `obj` with BPF_PROG_TEST_RUN and checks what
 * comes out. Prints one line per case; returns 0 when every case passed.
 */
int slb_packet_test(struct bpf_object *obj);

#endif
