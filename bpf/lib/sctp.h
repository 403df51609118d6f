/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * sctp.h - SCTP associations: chunk-driven state and the CRC32c fix-up after a
 * port change.
 *
 * An SCTP packet (RFC 9260) is a 12-byte common header {source port,
 * destination port, verification tag, CRC32c checksum} followed by chunks. The
 * datapath tracks an association like a TCP connection, keyed by addresses and
 * ports (parse.h), with its state driven by the type of the first chunk of each
 * packet: INIT from the client                  -> SYN_SENT  (a new
 * association; also restarts a closed one, as a TCP SYN does) INIT ACK from the
 * endpoint            -> SYN_RECV COOKIE ECHO / DATA / SACK afterwards  ->
 * ESTABLISHED SHUTDOWN / SHUTDOWN ACK               -> FIN_WAIT SHUTDOWN
 * COMPLETE / ABORT             -> CLOSED and the TCP timeouts of those states.
 * The verification tag is carried through untouched.
 *
 * The CRC32c covers the SCTP packet only, not the IP addresses, so a pure
 * address rewrite (default mode with an unchanged port, DSR) leaves it valid.
 * When a port changes (full NAT and onearm port allocation, or a target port
 * other than the service port) the checksum is updated incrementally, without
 * reading the payload: the CRC is linear over GF(2), so for two messages of the
 * same length L that differ only in their first four bytes (the ports),
 *   crc(new) = crc(old) XOR crc0(D || 0^(L-4))
 * where D is the XOR of the old and new port bytes and crc0 is the raw CRC
 * (initial value 0, no final inversion; the initial and final inversions cancel
 * between equal-length messages). crc0(D || 0^(L-4)) is D multiplied by x^(8L)
 * modulo the CRC32c polynomial: one multiplication by a precomputed x^(8 * 2^k)
 * per set bit k of L (at most 17 of 32 steps each, the method zlib uses to
 * combine CRCs), in a global function that the verifier checks once. The packet length costs
 * nothing, so GSO-sized and 9000-byte packets are handled alike.
 */
#ifndef SLB_SCTP_H
#define SLB_SCTP_H

#include "compiler.h"
#include "ctx.h"
#include "maps.h"
#include "parse.h"

/* Chunk types (RFC 9260 3.2). */
#define SLB_SCTP_DATA 0
#define SLB_SCTP_INIT 1
#define SLB_SCTP_INIT_ACK 2
#define SLB_SCTP_SACK 3
#define SLB_SCTP_ABORT 6
#define SLB_SCTP_SHUTDOWN 7
#define SLB_SCTP_SHUTDOWN_ACK 8
#define SLB_SCTP_COOKIE_ECHO 10
#define SLB_SCTP_COOKIE_ACK 11
#define SLB_SCTP_SHUTDOWN_COMPLETE 14

/* CRC32c (Castagnoli) polynomial, bit-reflected. */
#define SLB_CRC32C_POLY 0x82f63b78u

/*
 * The CRC arithmetic below is unrolled straight-line code without selects: a bit chooses a
 * term by multiplying it by 0 or 1, never through a mask -(bit) or a branch. Clang lowers a
 * mask to "shift left, arithmetic shift right by 31, and", and since Linux 6.19 (and in some
 * stable builds before) the verifier forks its state at every such "and" to follow both
 * values: 544 of them made 2^n paths and got the datapath refused. The bit is hidden from
 * clang (barrier_var) so that it cannot turn the multiplication back into a select; the
 * verifier sees a plain multiplication by [0, 1] and walks each instruction once.
 */

/* `v` if `bit` (0 or 1) is set, else 0. */
static __always_inline __u32 slb_crc_pick(__u32 v, __u32 bit)
{
	barrier_var(bit);
	return v * bit;
}

/* b * x modulo the polynomial (reflected form). */
static __always_inline __u32 slb_crc_mulx(__u32 b)
{
	return (b >> 1) ^ slb_crc_pick(SLB_CRC32C_POLY, b & 1);
}

/* a * b modulo the polynomial, both in reflected form (bit 31 = x^0). */
static __always_inline __u32 slb_crc_mulmod(__u32 a, __u32 b)
{
	__u32 p = 0;
	int i;

#pragma clang loop unroll(full)
	for (i = 0; i < 32; i++) {
		p ^= slb_crc_pick(b, (a >> (31 - i)) & 1);
		b = slb_crc_mulx(b);
	}
	return p;
}

/* x^(8 * 2^k) modulo the polynomial (reflected), k = 0..16: shifts by 2^k zero
 * bytes. */
static const __u32 slb_crc_x8pow[17] = {
	0x00800000, 0x00008000, 0x82f63b78, 0x6ea2d55c, 0x18b8ea18, 0x510ac59a,
	0xb82be955, 0xb8fdb1e7, 0x88e56f72, 0x74c360a4, 0xe4172b16, 0x0d65762a,
	0x35d73a62, 0x28461564, 0xbf455269, 0xe2ea32dc, 0xfe7740e6,
};

/*
 * crc0(D || 0^(n-4)) for the first four bytes D of an n-byte message (`d`: D in memory order
 * as a little-endian word), i.e. D times x^(8n): one multiplication per bit of n, kept where the bit is set. A global
 * function, so the verifier checks it once, on its own, however many paths of however many
 * programs reach an SCTP port rewrite (a bpf_loop callback or inlined loops are re-verified at
 * every one of them, which pushed the programs over the verifier's limit on some kernels).
 */
__attribute__((noinline)) __u32 slb_crc32c_shifted(__u32 d, __u32 n)
{
	__u32 c = d;
	int k;

#pragma clang loop unroll(full)
	for (k = 0; k < 17; k++)
		c ^= slb_crc_pick(slb_crc_mulmod(slb_crc_x8pow[k], c) ^ c, (n >> k) & 1);
	return c;
}

/*
 * XORs into the CRC32c of the `len`-byte SCTP packet at `l4_off` the change of its first four
 * bytes by `d` (memory order as a little-endian word: the reflected CRC consumes the lowest
 * byte first, and the stored checksum is the same little-endian word). Returns 0, or -1 when
 * the checksum could not be read or written.
 */
static __always_inline int slb_sctp_crc_xor(struct __sk_buff *skb, __u32 l4_off, __u32 d, __u32 len)
{
	__u32 crc;

	if (bpf_skb_load_bytes(skb, l4_off + SLB_SCTP_CSUM_OFF, &crc, sizeof(crc)))
		return -1;
	crc ^= slb_crc32c_shifted(d, len);
	if (bpf_skb_store_bytes(skb, l4_off + SLB_SCTP_CSUM_OFF, &crc, sizeof(crc), 0))
		return -1;
	return 0;
}

/*
 * slb_sctp_crc_xor for an IPv4 packet, whose SCTP length is taken from the IPv4 total length.
 * Returns 0, or -1 when the packet could not be read or written.
 */
static __always_inline int slb_sctp_crc_update(struct __sk_buff *skb, __u32 l4_off, __u32 d)
{
	__u32 len;
	__be16 tot_len;

	if (!d)
		return 0;
	if (l4_off < SLB_L3_OFF + 20 || l4_off > SLB_L3_OFF + 60)
		return -1;
	if (bpf_skb_load_bytes(skb, SLB_L3_OFF + offsetof(struct iphdr, tot_len), &tot_len,
			       sizeof(tot_len)))
		return -1;
	len = bpf_ntohs(tot_len);
	if (len < l4_off - SLB_L3_OFF + SLB_SCTP_HDR_LEN)
		return -1;
	return slb_sctp_crc_xor(skb, l4_off, d, len - (l4_off - SLB_L3_OFF));
}

/* The CRC32c update for the ports of `pkt` changing to new_sport/new_dport
 * (network order). */
static __always_inline int slb_sctp_fix_crc(struct __sk_buff *skb, const struct slb_pkt *pkt,
					    __be16 new_sport, __be16 new_dport)
{
	__u16 xs = pkt->sport ^ new_sport, xd = pkt->dport ^ new_dport;

	return slb_sctp_crc_update(skb, pkt->l4_off, (__u32)xs | ((__u32)xd << 16));
}

/* The state of an association after a packet whose first chunk is `chunk`, in
 * direction `dir`. */
static __always_inline __u8 slb_sctp_next(__u8 state, __u8 dir, __u8 chunk)
{
	switch (chunk) {
	case SLB_SCTP_ABORT:
	case SLB_SCTP_SHUTDOWN_COMPLETE:
		return SLB_CT_CLOSED;
	case SLB_SCTP_SHUTDOWN:
	case SLB_SCTP_SHUTDOWN_ACK:
		return SLB_CT_FIN_WAIT;
	case SLB_SCTP_INIT_ACK:
		return state == SLB_CT_SYN_SENT && dir == SLB_DIR_REV ? SLB_CT_SYN_RECV : state;
	case SLB_SCTP_COOKIE_ECHO:
	case SLB_SCTP_COOKIE_ACK:
	case SLB_SCTP_DATA:
	case SLB_SCTP_SACK:
		if (state == SLB_CT_SYN_SENT || state == SLB_CT_SYN_RECV)
			return SLB_CT_ESTABLISHED;
		return state;
	default:
		return state;
	}
}

/* Offsets in the SCTP packet: verification tag; Initiate Tag of an INIT / INIT ACK chunk. */
#define SLB_SCTP_VTAG_OFF 4
#define SLB_SCTP_INIT_TAG_OFF (SLB_SCTP_HDR_LEN + 4)

/* Whether `pkt` carries a verification tag other than the one its entry `ct` learned. */
static __always_inline bool slb_sctp_vtag_bad(struct __sk_buff *skb, const struct slb_pkt *pkt,
					      const struct slb_ct_val *ct)
{
	__be32 want = READ_ONCE(ct->vtag), tag;

	if (!want || pkt->chunk == SLB_SCTP_INIT || pkt->chunk == SLB_SCTP_ABORT ||
	    pkt->chunk == SLB_SCTP_SHUTDOWN_COMPLETE)
		return false;
	if (bpf_skb_load_bytes(skb, pkt->l4_off + SLB_SCTP_VTAG_OFF, &tag, sizeof(tag)))
		return true;
	return tag != want;
}

/*
 * Learns a verification tag from the INIT (client, FWD) or INIT ACK (endpoint, REV) `pkt`:
 * its Initiate Tag is what the other direction's packets will carry, so it goes into the
 * other direction's entry `twin`.
 */
static __always_inline void slb_sctp_learn(struct __sk_buff *skb, const struct slb_pkt *pkt,
					   const struct slb_ct_val *ct, struct slb_ct_val *twin)
{
	__be32 tag;

	if (!twin)
		return;
	if (!(pkt->chunk == SLB_SCTP_INIT && ct->dir == SLB_DIR_FWD) &&
	    !(pkt->chunk == SLB_SCTP_INIT_ACK && ct->dir == SLB_DIR_REV))
		return;
	if (bpf_skb_load_bytes(skb, pkt->l4_off + SLB_SCTP_INIT_TAG_OFF, &tag, sizeof(tag)))
		return;
	WRITE_ONCE(twin->vtag, tag);
}

#endif /* SLB_SCTP_H */
