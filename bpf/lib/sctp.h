/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * sctp.h - SCTP associations: chunk-driven state and the CRC32c fix-up after a port change.
 *
 * An SCTP packet (RFC 9260) is a 12-byte common header {source port, destination port,
 * verification tag, CRC32c checksum} followed by chunks. The datapath tracks an association
 * like a TCP connection, keyed by addresses and ports (parse.h), with its state driven by the
 * type of the first chunk of each packet:
 *   INIT from the client                  -> SYN_SENT  (a new association; also restarts a
 *                                            closed one, as a TCP SYN does)
 *   INIT ACK from the endpoint            -> SYN_RECV
 *   COOKIE ECHO / DATA / SACK afterwards  -> ESTABLISHED
 *   SHUTDOWN / SHUTDOWN ACK               -> FIN_WAIT
 *   SHUTDOWN COMPLETE / ABORT             -> CLOSED
 * and the TCP timeouts of those states. The verification tag is carried through untouched.
 *
 * The CRC32c covers the SCTP packet only, not the IP addresses, so a pure address rewrite
 * (default mode with an unchanged port, DSR) leaves it valid. When a port changes (full NAT and
 * onearm port allocation, or a target port other than the service port) the checksum is
 * updated incrementally, without reading the payload: the CRC is linear over GF(2), so for two
 * messages of the same length L that differ only in their first four bytes (the ports),
 *   crc(new) = crc(old) XOR crc0(D || 0^(L-4))
 * where D is the XOR of the old and new port bytes and crc0 is the raw CRC (initial value 0,
 * no final inversion; the initial and final inversions cancel between equal-length
 * messages). crc0(D || 0^n) is crc0(D) multiplied by x^(8n) modulo the CRC32c polynomial,
 * which takes at most 16 squarings and multiplications of 32 steps each for any n < 64 KiB
 * (the method zlib uses to combine CRCs). Every loop is bounded; the packet length costs
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
 * The CRC arithmetic below is branch-free (masks instead of conditionals), so the verifier
 * walks each bounded loop once instead of forking at every bit.
 */

/* b * x modulo the polynomial (reflected form). */
static __always_inline __u32 slb_crc_mulx(__u32 b)
{
	return (b >> 1) ^ (SLB_CRC32C_POLY & -(b & 1));
}

/* a * b modulo the polynomial, both in reflected form (bit 31 = x^0). */
static __always_inline __u32 slb_crc_mulmod(__u32 a, __u32 b)
{
	__u32 p = 0;
	int i;

#pragma clang loop unroll(disable)
	for (i = 0; i < 32; i++) {
		p ^= b & -((a >> (31 - i)) & 1);
		b = slb_crc_mulx(b);
	}
	return p;
}

/* The raw CRC32c (initial value 0, no final XOR) of the four bytes of `word` in memory order. */
static __always_inline __u32 slb_crc_raw4(__u32 word_le)
{
	__u32 c = word_le;
	int i;

#pragma clang loop unroll(disable)
	for (i = 0; i < 32; i++)
		c = slb_crc_mulx(c);
	return c;
}

/*
 * crc0(D || 0^n) for the four bytes D (`d`, memory order as a little-endian word): the raw CRC
 * of D, multiplied by x^(8n). A global (non-inlined) function, so that the verifier checks its
 * loops once with unknown arguments instead of simulating them at every call site.
 */
__attribute__((noinline)) __u32 slb_crc32c_shifted(__u32 d, __u32 n)
{
	__u32 c = slb_crc_raw4(d);
	__u32 pow = 0x00800000u; /* x^8, reflected */
	int i;

#pragma clang loop unroll(disable)
	for (i = 0; i < 16; i++) {
		__u32 mask = -((n >> i) & 1);

		c = (slb_crc_mulmod(pow, c) & mask) | (c & ~mask);
		pow = slb_crc_mulmod(pow, pow);
	}
	return c;
}

/*
 * Updates the CRC32c of the SCTP packet at `pkt->l4_off` whose ports change from
 * old_sport/old_dport to new_sport/new_dport (all network order). The SCTP length is taken from
 * the IPv4 total length. Returns 0, or -1 when the packet could not be read or written.
 */
static __always_inline int slb_sctp_fix_crc(struct __sk_buff *skb, const struct slb_pkt *pkt,
					    __be16 old_sport, __be16 old_dport, __be16 new_sport,
					    __be16 new_dport)
{
	__u32 d, crc, len;
	__be16 tot_len;

	if (bpf_skb_load_bytes(skb, SLB_L3_OFF + offsetof(struct iphdr, tot_len), &tot_len,
			       sizeof(tot_len)))
		return -1;
	len = bpf_ntohs(tot_len);
	if (!len) /* BIG TCP-style length 0 is never SCTP; take the frame's */
		len = skb->len - SLB_L3_OFF;
	len -= pkt->l4_off - SLB_L3_OFF;
	if (len < SLB_SCTP_HDR_LEN || len > 0xffff)
		return -1;
	/*
	 * The four port bytes as they lie in memory, read as a little-endian word: the reflected
	 * CRC consumes the lowest byte first. On the little-endian BPF target a plain load does
	 * that, and the stored checksum is the same little-endian word.
	 */
	{
		__u16 xs = old_sport ^ new_sport, xd = old_dport ^ new_dport;

		d = (__u32)xs | ((__u32)xd << 16);
	}
	if (!d)
		return 0;
	if (bpf_skb_load_bytes(skb, pkt->l4_off + SLB_SCTP_CSUM_OFF, &crc, sizeof(crc)))
		return -1;
	crc ^= slb_crc32c_shifted(d, len - 4);
	if (bpf_skb_store_bytes(skb, pkt->l4_off + SLB_SCTP_CSUM_OFF, &crc, sizeof(crc), 0))
		return -1;
	return 0;
}

/* The state of an association after a packet whose first chunk is `chunk`, in direction `dir`. */
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

#endif /* SLB_SCTP_H */
