#!/usr/bin/python3
"""GTP-U fixture packets for GTPUFixtureTests, built by scapy (scapy.contrib.gtp).

Prints one JSON object: case name -> {"in": hex, "out": hex or null}. "out" is the frame the
datapath must leave, byte for byte (checksums as scapy computes them), or null when the packet
must be dropped. Topology of scripts/fixture-netns.sh: the gNB 10.10.1.2 (02:00:00:00:00:02) on
fx0 (10.10.1.1, 02:00:00:00:00:01), the data network 10.10.2.10 and the breakout 10.10.2.11 on
fx1 (02:00:00:00:01:01). Session: UE 10.45.0.2, core tunnel TEID 0x100 at 10.10.1.1, access
tunnel TEID 0x200 at 10.10.1.2, classifier QFI 9 -> 10.10.2.11.
"""
import json
import logging

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import IP, UDP, TCP, ICMP, Ether, Raw  # noqa: E402
from scapy.contrib.gtp import (  # noqa: E402
    GTP_U_Header,
    GTPPDUSessionContainer,
    GTP_UDPPort_ExtensionHeader,
)

FX0, GNB = "02:00:00:00:00:01", "02:00:00:00:00:02"
FX1 = "02:00:00:00:01:01"
DN, BREAKOUT = "02:00:00:00:01:0a", "02:00:00:00:01:0b"
UE = "10.45.0.2"


def inner(dst="10.10.2.10", src=UE, payload=b"uplink payload", df=False):
    return IP(src=src, dst=dst, id=7, flags="DF" if df else 0) / UDP(sport=40000, dport=5000) / Raw(payload)


def to_upf(gtp, teid=0x100):
    return Ether(dst=FX0, src=GNB) / IP(src="10.10.1.2", dst="10.10.1.1", id=1) / UDP(sport=2152, dport=2152) / gtp


def routed(pkt, mac):
    return Ether(dst=mac, src=FX1) / pkt


def hexof(p):
    return bytes(p).hex() if p is not None else None


cases = {}
inner5 = inner()
# Uplink with a PDU session container, QFI 5 (no classifier): routed by its own destination.
cases["ul_qfi5"] = (
    to_upf(GTP_U_Header(teid=0x100, next_ex=0x85) / GTPPDUSessionContainer(type=1, QFI=5) / inner5),
    routed(inner5, DN),
)
# QFI 9: the classifier's breakout 10.10.2.11 is the next hop, the inner packet is unchanged.
cases["ul_qfi9"] = (
    to_upf(GTP_U_Header(teid=0x100, next_ex=0x85) / GTPPDUSessionContainer(type=1, QFI=9) / inner5),
    routed(inner5, BREAKOUT),
)
# No optional fields at all (flags 0x30): no QFI, routed by destination.
cases["ul_plain"] = (to_upf(GTP_U_Header(teid=0x100, E=0, S=0, PN=0) / inner5), routed(inner5, DN))
# Sequence number only (S): optional octets present, no extension.
cases["ul_seq"] = (to_upf(GTP_U_Header(teid=0x100, S=1, seq=77) / inner5), routed(inner5, DN))
# A UDP port extension header before the PDU session container: the walk reaches QFI 9.
cases["ul_two_ext"] = (
    to_upf(
        GTP_U_Header(teid=0x100, next_ex=0x40, gtp_type=255)
        / GTP_UDPPort_ExtensionHeader(udp_port=2152, next_ex=0x85)
        / GTPPDUSessionContainer(type=1, QFI=9)
        / inner5
    ),
    routed(inner5, BREAKOUT),
)
# A TCP inner packet with DF: unchanged too.
tcp_inner = IP(src=UE, dst="10.10.2.10", id=9, flags="DF") / TCP(sport=40001, dport=80, flags="S", seq=1000)
cases["ul_tcp"] = (
    to_upf(GTP_U_Header(teid=0x100, next_ex=0x85) / GTPPDUSessionContainer(type=1, QFI=5) / tcp_inner),
    routed(tcp_inner, DN),
)


def raw_gtp(body, length=None, flags=0x34, teid=0x100):
    """A GTP-U header by hand (for broken ones): flags, G-PDU, length, TEID, then `body`."""
    n = len(body) if length is None else length
    return bytes([flags, 0xFF, n >> 8, n & 0xFF]) + teid.to_bytes(4, "big") + body


ext_pdu = bytes([0, 0, 0, 0x85, 1, 0x10, 5, 0])
good_inner = bytes(inner5)
# The GTP-U length says more than the datagram carries.
cases["bad_length_long"] = (to_upf(Raw(raw_gtp(ext_pdu + good_inner, length=len(ext_pdu + good_inner) + 4))), None)
# ... or less.
cases["bad_length_short"] = (to_upf(Raw(raw_gtp(ext_pdu + good_inner, length=len(ext_pdu + good_inner) - 4))), None)
# Truncated inside the extension header chain.
cases["truncated_ext"] = (to_upf(Raw(raw_gtp(bytes([0, 0, 0, 0x85, 1, 0x10])))), None)
# An extension header of length 0 (would loop forever).
cases["ext_len_zero"] = (to_upf(Raw(raw_gtp(bytes([0, 0, 0, 0x85, 0, 0x10, 5, 0x85]) + good_inner))), None)
# Five chained extension headers: more than the datapath walks.
chain = bytes([0, 0, 0, 0x40]) + bytes([1, 0x08, 0x68, 0x40]) * 4 + bytes([1, 0x08, 0x68, 0x00])
cases["too_many_ext"] = (to_upf(Raw(raw_gtp(chain + good_inner))), None)
# A downlink container (PDU type 0) in an uplink packet.
cases["dl_container_uplink"] = (
    to_upf(GTP_U_Header(teid=0x100, next_ex=0x85) / GTPPDUSessionContainer(type=0, QFI=5) / inner5),
    None,
)
# Inner source is not the session's UE (spoofed).
cases["inner_spoofed"] = (
    to_upf(GTP_U_Header(teid=0x100, next_ex=0x85) / GTPPDUSessionContainer(type=1, QFI=5) / inner(src="10.45.0.9")),
    None,
)
# Another TEID: no session, passes untouched.
cases["other_teid"] = (
    to_upf(GTP_U_Header(teid=0x999, next_ex=0x85) / GTPPDUSessionContainer(type=1, QFI=5) / inner5),
    "same",
)


def downlink(src, qfi, df=False):
    pkt = IP(src=src, dst=UE, id=3, tos=0x28, flags="DF" if df else 0) / UDP(sport=5000, dport=40000) / Raw(
        b"downlink payload"
    )
    frame = Ether(dst=FX1, src=DN) / pkt
    outer = (
        Ether(dst=GNB, src=FX0)
        / IP(src="10.10.1.1", dst="10.10.1.2", id=0, ttl=64, tos=0x28, flags="DF" if df else 0)
        / UDP(sport=2152, dport=2152, chksum=0)
        / GTP_U_Header(teid=0x200, next_ex=0x85)
        / GTPPDUSessionContainer(type=0, QFI=qfi)
        / pkt
    )
    return frame, outer


# From the data network: the session's default QFI 1.
cases["dl_default"] = downlink("10.10.2.10", 1)
# From the breakout address: its classifier's QFI 9, DF copied to the outer header.
cases["dl_breakout"] = downlink("10.10.2.11", 9, df=True)
# ICMP echo to the UE is encapsulated as well.
icmp = IP(src="10.10.2.10", dst=UE, id=4) / ICMP(id=1, seq=1) / Raw(b"ping")
cases["dl_icmp"] = (
    Ether(dst=FX1, src=DN) / icmp,
    Ether(dst=GNB, src=FX0)
    / IP(src="10.10.1.1", dst="10.10.1.2", id=0, ttl=64)
    / UDP(sport=2152, dport=2152, chksum=0)
    / GTP_U_Header(teid=0x200, next_ex=0x85)
    / GTPPDUSessionContainer(type=0, QFI=1)
    / icmp,
)

out = {}
for name, (pkt_in, pkt_out) in cases.items():
    out[name] = {"in": hexof(pkt_in), "out": hexof(pkt_in) if pkt_out == "same" else hexof(pkt_out)}
print(json.dumps(out))
