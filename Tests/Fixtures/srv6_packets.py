#!/usr/bin/python3
"""SRv6 fixture packets for SRv6ScapyFixtureTests, built by scapy (IPv6ExtHdrSegmentRouting of scapy.layers.inet6).

Prints one JSON object: case name -> {"in": hex, "out": hex or null}. "out" is the frame the datapath must leave,
byte for byte (inner checksums as scapy computes them). The services are those of SRv6FixtureTests: [VIP6]:80/tcp
to one endpoint on port 8080 through a segment list, the load balancer's SID fd00:10:ff::100; topology of
scripts/fixture-netns.sh. Argument `port=N`: the source port NAT64 allocated (read from the datapath's first
output), used by the nat64_* expected frames.
"""
import json
import logging
import socket
import struct
import sys

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import IP, TCP, Ether, IPv6, Raw  # noqa: E402
from scapy.layers.inet6 import IPv6ExtHdrSegmentRouting  # noqa: E402

args = dict(arg.split("=", 1) for arg in sys.argv[1:])
NAT_PORT = int(args.get("port", "0"))

FX0, CLIENT = "02:00:00:00:00:01", "02:00:00:00:00:02"
FX1, ENDPOINT = "02:00:00:00:01:01", "02:00:00:00:01:0a"
SID = "fd00:10:ff::100"
E1, DX6, DX4 = "fd00:10:3::e1", "fd00:10:3::d6", "fd00:10:3::d4"
CLIENT6, VIP6, ENDPOINT6 = "fd00:10:1::2", "fd00:10:100::1", "fd00:10:2::a"
LB4, ENDPOINT4 = "10.10.2.1", "10.10.2.10"


def flow_label(src, dst, sport, dport, proto):
    """The outer flow label srv6.h derives from the translated tuple (RFC 6437 asks for a flow hash; this is ours)."""
    family = socket.AF_INET6 if ":" in src else socket.AF_INET
    a, b = socket.inet_pton(family, src), socket.inet_pton(family, dst)
    x = ((sport << 16) | dport) ^ proto
    for i in range(0, len(a), 4):
        x ^= struct.unpack("!I", a[i : i + 4])[0] ^ struct.unpack("!I", b[i : i + 4])[0]
    x = (x ^ (x >> 20) ^ (x >> 12)) & 0xFFFFF
    return x or 1


def syn6(tc=0):
    return (
        Ether(dst=FX0, src=CLIENT)
        / IPv6(src=CLIENT6, dst=VIP6, hlim=64, tc=tc, fl=0)
        / TCP(sport=40000, dport=80, seq=1000, flags="S", window=65535)
        / Raw(b"srv6")
    )


def srh(nh, segments, left):
    """An SRH (RFC 8754 §2) whose list holds `segments` in reverse order, as the wire carries it."""
    return IPv6ExtHdrSegmentRouting(nh=nh, segleft=left, lastentry=len(segments) - 1, tag=0, addresses=segments[::-1])


def hexof(p):
    return bytes(p).hex() if p is not None else None


cases = {}

# H.Encaps.Red (RFC 8986 §5.2): one segment, no SRH; the NAT66-translated packet inside, hop limit decremented.
syn = syn6(tc=0x28)
inner = IPv6(src=CLIENT6, dst=ENDPOINT6, hlim=63, tc=0x28, fl=0) / TCP(
    sport=40000, dport=8080, seq=1000, flags="S", window=65535
) / Raw(b"srv6")
outer = IPv6(src=SID, dst=DX6, hlim=64, tc=0x28, fl=flow_label(CLIENT6, ENDPOINT6, 40000, 8080, 6), nh=41)
cases["red_nat66"] = (syn, Ether(dst=ENDPOINT, src=FX1) / outer / inner)

# H.Encaps (RFC 8986 §5.1): two segments, an SRH with segments left 1, the NAT64-translated IPv4 packet inside.
syn = syn6()
inner4 = IP(src=LB4, dst=ENDPOINT4, ttl=63, id=1, flags=0, tos=0) / TCP(
    sport=NAT_PORT, dport=8080, seq=1000, flags="S", window=65535
) / Raw(b"srv6")
outer = IPv6(src=SID, dst=E1, hlim=64, tc=0, fl=flow_label(LB4, ENDPOINT4, NAT_PORT, 8080, 6), nh=43)
cases["encaps_nat64"] = (syn, Ether(dst=ENDPOINT, src=FX1) / outer / srh(4, [E1, DX4], 1) / inner4)

# End.DX6 (RFC 8986 §4.5): the reply to the SID, with an SRH (segments left 0) and without one.
reply6 = IPv6(src=ENDPOINT6, dst=CLIENT6, hlim=64, tc=0, fl=0) / TCP(
    sport=8080, dport=40000, seq=1000, ack=5000, flags="SA", window=65535
) / Raw(b"answer")
seen6 = Ether(dst=CLIENT, src=FX0) / IPv6(src=VIP6, dst=CLIENT6, hlim=63, tc=0, fl=0) / TCP(
    sport=80, dport=40000, seq=1000, ack=5000, flags="SA", window=65535
) / Raw(b"answer")
to_sid = Ether(dst=FX1, src=ENDPOINT)
cases["dx6_srh"] = (to_sid / IPv6(src=DX6, dst=SID, hlim=64, nh=43) / srh(41, [SID], 0) / reply6, seen6)
cases["dx6_plain"] = (to_sid / IPv6(src=DX6, dst=SID, hlim=64, nh=41) / reply6, seen6)

# End.DX4 (RFC 8986 §4.6): the IPv4 reply to the NAT64 flow, reverse-translated to IPv6.
reply4 = IP(src=ENDPOINT4, dst=LB4, ttl=64, id=0x1234, flags="DF") / TCP(
    sport=8080, dport=NAT_PORT, seq=1000, ack=5000, flags="SA", window=65535
) / Raw(b"answer")
cases["dx4_srh"] = (to_sid / IPv6(src=DX4, dst=SID, hlim=64, nh=43) / srh(4, [SID], 0) / reply4, seen6)
cases["dx4_plain"] = (to_sid / IPv6(src=DX4, dst=SID, hlim=64, nh=4) / reply4, seen6)
# Segments left 1 at the SID: not an End.DX* for this node to act on, a malformed packet dropped.
cases["dx4_segments_left"] = (to_sid / IPv6(src=DX4, dst=SID, hlim=64, nh=43) / srh(4, [DX4, SID], 1) / reply4, None)

print(json.dumps({name: {"in": hexof(i), "out": hexof(o)} for name, (i, o) in cases.items()}, indent=1, sort_keys=True))
