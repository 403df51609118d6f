/* Compile-time checks that the shared structs have the sizes both sides assume. */
#include "swiftlb_abi.h"
#include "swiftlb_ct_table.h"
#include "swiftlb_ct_user.h" /* compiled here so the C compiler checks it too */
#include "swiftlb_fw.h"
#include "swiftlb_gtpu.h"
#include "swiftlb_policer.h"
#include "swiftlb_mirror.h"

_Static_assert(sizeof(struct slb_svc_key) == 20, "slb_svc_key layout");
_Static_assert(sizeof(struct slb_svc_val) == 20, "slb_svc_val layout");
_Static_assert(sizeof(struct slb_endpoint) == 24, "slb_endpoint layout");
_Static_assert(sizeof(struct slb_ct_key) == 40, "slb_ct_key layout");
_Static_assert(sizeof(struct slb_nat) == 40, "slb_nat layout");
_Static_assert(sizeof(struct slb_nexthop) == 32, "slb_nexthop layout");
_Static_assert(sizeof(struct slb_ct_val) == 112, "slb_ct_val layout");
_Static_assert(__builtin_offsetof(struct slb_ct_val, nh) == 80, "slb_ct_val layout");
_Static_assert(sizeof(struct slb_config) == 36, "slb_config layout");
_Static_assert(sizeof(struct slb_mirror_target) == 24, "slb_mirror_target layout");
_Static_assert(sizeof(struct slb_mirror_stat) == 24, "slb_mirror_stat layout");
_Static_assert(sizeof(struct slb_snat_pool) == 8, "slb_snat_pool layout");
_Static_assert(sizeof(struct slb_allow_key) == 28, "slb_allow_key layout");
_Static_assert(sizeof(struct slb_if_addr) == 20, "slb_if_addr layout");
_Static_assert(sizeof(struct slb_bench_pkt) == 16 + SLB_BENCH_PKT_MAX, "slb_bench_pkt layout");
_Static_assert(sizeof(struct slb_persist_key) == 24, "slb_persist_key layout");
_Static_assert(sizeof(struct slb_persist_val) == 16, "slb_persist_val layout");
_Static_assert(SLB_MAX_ENDPOINTS < SLB_SEL_SLOT_NONE, "selection tables store slots in a __u16");
_Static_assert((SLB_MAX_ENDPOINTS & (SLB_MAX_ENDPOINTS - 1)) == 0, "SLB_EP_KEY masks the slot");
_Static_assert((__u64)SLB_MAX_SERVICES_LIMIT *SLB_MAX_ENDPOINTS - 1 <= 0xffffffffULL,
	       "endpoint keys fit a __u32");
_Static_assert(sizeof(struct slb_ct_head) == 16, "slb_ct_head layout");
_Static_assert(sizeof(struct slb_ct_slot) == 160, "slb_ct_slot layout");
_Static_assert(__builtin_offsetof(struct slb_ct_slot, entry.key) == 8, "slb_ct_slot layout");
_Static_assert(__builtin_offsetof(struct slb_ct_slot, entry.val) == 48, "slb_ct_slot layout");
_Static_assert(__builtin_offsetof(struct slb_ct_slot, head) == 8, "slb_ct_slot layout");
_Static_assert(sizeof(struct slb_fw_key) == 44, "slb_fw_key layout");
_Static_assert(sizeof(struct slb_fw_val) == 40, "slb_fw_val layout");
_Static_assert(sizeof(struct slb_fw_mask) == 40, "slb_fw_mask layout");
_Static_assert(sizeof(struct slb_fw_tuples) == 8 + 40 * SLB_FW_MAX_TUPLES, "slb_fw_tuples layout");
_Static_assert(SLB_FW_MAX_TUPLES <= 256, "slb_fw_key.tuple is a __u8");
_Static_assert(sizeof(struct slb_gtp_ul_key) == 8, "slb_gtp_ul_key layout");
_Static_assert(sizeof(struct slb_gtp_dl_val) == 20, "slb_gtp_dl_val layout");
_Static_assert(sizeof(struct slb_gtp_ulcl_key) == 8, "slb_gtp_ulcl_key layout");
_Static_assert(sizeof(struct slb_gtp_stat) == 32, "slb_gtp_stat layout");

#include "swiftlb_sctp.h"
_Static_assert(sizeof(struct slb_sctp_mh) == 24, "slb_sctp_mh layout");
_Static_assert(sizeof(struct slb_sctp_assoc_key) == 8, "slb_sctp_assoc_key layout");
_Static_assert(sizeof(struct slb_sctp_assoc) == 44, "slb_sctp_assoc layout");
_Static_assert(sizeof(struct slb_sctp_mh6) == 84, "slb_sctp_mh6 layout");
_Static_assert(sizeof(struct slb_sctp_assoc6) == 164, "slb_sctp_assoc6 layout");
_Static_assert(sizeof(struct slb_pol_cfg) == 40, "slb_pol_cfg layout");
_Static_assert(sizeof(struct slb_pol_state) == 32, "slb_pol_state layout");
_Static_assert(sizeof(struct slb_pol_stat) == 48, "slb_pol_stat layout");
