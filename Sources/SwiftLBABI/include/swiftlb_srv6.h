/* SPDX-License-Identifier: Apache-2.0 */
/*
 * swiftlb_srv6.h - SRv6 (RFC 8986, SRH of RFC 8754) maps (bpf/lib/srv6.h, docs/telco.md),
 * shared with Swift.
 *
 * slb_srv6_path holds, per endpoint slot (SLB_EP_KEY), the headers that a packet of a flow to
 * that endpoint is encapsulated in once it is translated: an outer IPv6 header (source the
 * rule's SID, destination the first segment) and, for two segments or more, a segment routing
 * header listing them in reverse order (H.Encaps); one segment gets no SRH (H.Encaps.Red).
 * The control plane builds the bytes (Sources/SwiftLBDatapath/SRv6Encapsulation.swift); the
 * datapath only fills the outer payload length and the traffic class and flow label.
 * slb_srv6_sid lists the SIDs owned by the load balancer: an IPv6 packet to one of them is
 * decapsulated (End.DX4 when it carries IPv4, End.DX6 when it carries IPv6) and handled as
 * the packet it carried (the reply of a translated flow).
 */
#ifndef SWIFTLB_SRV6_H
#define SWIFTLB_SRV6_H

#include <linux/types.h>

#define SLB_MAP_SRV6_PATH "slb_srv6_path"
#define SLB_MAP_SRV6_SID "slb_srv6_sid"

/* Segments of one endpoint's list at most. */
#define SLB_SRV6_MAX_SEGS 6
/* Outer IPv6 header, SRH fixed part and the segments. */
#define SLB_SRV6_HDR_MAX (40 + 8 + 16 * SLB_SRV6_MAX_SEGS)
/* Endpoint slots with a segment list, all services together. */
#define SLB_SRV6_PATHS 16384
/* SIDs owned by the load balancer. */
#define SLB_SRV6_SIDS 256

/* Value of slb_srv6_path (hash, key __u32 SLB_EP_KEY(service id, slot)). */
struct slb_srv6_path {
	__u16 len;   /* bytes of hdr in use: 40, or 40 + 8 + 16 * segments */
	__u8 segs;   /* segments in the list */
	__u8 family; /* family of the inner packet (the endpoint's): SLB_AF_INET or SLB_AF_INET6 */
	__u8 hdr[SLB_SRV6_HDR_MAX];
};

/* Key of slb_srv6_sid (hash, value __u32: the number of rules using the SID). */
struct slb_srv6_sid {
	__be32 addr[4];
};

#endif /* SWIFTLB_SRV6_H */
