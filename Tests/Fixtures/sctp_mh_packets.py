#!/usr/bin/python3
"""SCTP multihoming fixture packets for SCTPMultihomeScapyFixtureTests, built by scapy (scapy.layers.sctp).

Prints one JSON object: case name -> {"in": hex, "out": hex or null}. "out" is the frame the datapath
must leave, byte for byte (CRC32c as scapy computes it), or null when the packet must be dropped.
The services are those of SCTPMultihomeFixtureTests (IPv4) and SCTPMultihome6FixtureTests (IPv6):
VIP set vip0 + vip1 port 38412/sctp to one endpoint, on the topology of scripts/fixture-netns.sh.
Argument `port=N`: the source port full NAT allocated (read from the datapath's first output), used
by the fullnat_* expected frames.
"""
import json
import logging
import struct
import sys

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import IP, Ether, IPv6, Raw  # noqa: E402
from scapy.layers.sctp import (  # noqa: E402
    SCTP,
    SCTPChunkCookieAck,
    SCTPChunkCookieEcho,
    SCTPChunkData,
    SCTPChunkHeartbeatReq,
    SCTPChunkInit,
    SCTPChunkInitAck,
    SCTPChunkParamHeartbeatInfo,
    SCTPChunkParamIPv4Addr,
    SCTPChunkParamIPv6Addr,
    SCTPChunkParamStateCookie,
    SCTPChunkParamSupportedAddrTypes,
)

args = dict(arg.split("=", 1) for arg in sys.argv[1:])
NAT_PORT = int(args.get("port", "0"))

FX0, CLIENT = "02:00:00:00:00:01", "02:00:00:00:00:02"
FX1, ENDPOINT = "02:00:00:00:01:01", "02:00:00:00:01:0a"
CLIENT_TAG, ENDPOINT_TAG = 0xA1B2C3D4, 0x01020304
CPORT, VPORT = 40000, 38412
COOKIE = b"\x01\x02\x03\x04\x05\x06\x07\x08"


def pad(n):
    """A PAD parameter (RFC 4820, type 0x8005) of n zero bytes: what the datapath writes over an address it hides."""
    return Raw(struct.pack("!HH", 0x8005, 4 + n) + b"\x00" * n)


def init(chunk, tag, params):
    return chunk(init_tag=tag, a_rwnd=65535, n_out_streams=10, n_in_streams=10, init_tsn=1, params=params)


def sctp(sport, dport, tag, *chunks):
    packet = SCTP(sport=sport, dport=dport, tag=tag)
    for chunk in chunks:
        packet = packet / chunk
    return packet


def hexof(p):
    return bytes(p).hex() if p is not None else None


class Family:
    """Addresses, parameters and frames of one address family."""

    def __init__(self, v6):
        self.v6 = v6
        if v6:
            self.client0, self.client1, self.client2 = "fd00:10:1::2", "fd00:10:1::3", "fd00:10:1::4"
            self.vip0, self.vip1 = "fd00:10:100::1", "fd00:10:100::2"
            self.endpoint, self.endpoint2 = "fd00:10:2::a", "fd00:10:2::b"
            # The other family's addresses: one PAD of the same length each.
            self.other_client = SCTPChunkParamIPv4Addr(addr="10.10.1.9")
            self.other_endpoint = SCTPChunkParamIPv4Addr(addr="10.10.2.10")
            self.other_pad = 4
            self.supported = SCTPChunkParamSupportedAddrTypes(addr_type_list=[6, 5])
        else:
            self.client0, self.client1, self.client2 = "10.10.1.2", "10.10.1.3", "10.10.1.4"
            self.vip0, self.vip1 = "10.10.100.1", "10.10.100.2"
            self.endpoint, self.endpoint2 = "10.10.2.10", "10.10.2.11"
            v6 = SCTPChunkParamIPv6Addr(addr="2001:db8::7")
            self.other_client, self.other_endpoint = v6, v6
            self.other_pad = 16
            self.supported = SCTPChunkParamSupportedAddrTypes(addr_type_list=[5])

    def addr(self, a):
        return SCTPChunkParamIPv6Addr(addr=a) if self.v6 else SCTPChunkParamIPv4Addr(addr=a)

    def ip(self, src, dst, ttl):
        if self.v6:
            return IPv6(src=src, dst=dst, hlim=ttl, tc=0, fl=0)
        return IP(src=src, dst=dst, ttl=ttl, id=0x1234, flags="DF")

    def from_client(self, src, dst, l4):
        return Ether(dst=FX0, src=CLIENT) / self.ip(src, dst, 64) / l4

    def from_endpoint(self, dst, l4):
        return Ether(dst=FX1, src=ENDPOINT) / self.ip(self.endpoint, dst, 64) / l4

    def to_endpoint(self, src, l4):
        return Ether(dst=ENDPOINT, src=FX1) / self.ip(src, self.endpoint, 63) / l4

    def to_client(self, src, l4):
        return Ether(dst=CLIENT, src=FX0) / self.ip(src, self.client0, 63) / l4

    def init_params(self, first, second, third, pad_other):
        other = pad(self.other_pad) if pad_other else self.other_client
        return [self.addr(first), self.addr(second), self.addr(third), other, self.supported]

    def cases(self, prefix):
        f = self
        cases = {}
        sent = init(SCTPChunkInit, CLIENT_TAG, f.init_params(f.client0, f.client1, f.client2, False))
        client_init = f.from_client(f.client0, f.vip0, sctp(CPORT, VPORT, 0, sent))
        # Default mode: client0 stays, client1 pairs with vip1, client2 (no VIP left) becomes client0,
        # the other family's address becomes PAD.
        dnat = init(SCTPChunkInit, CLIENT_TAG, f.init_params(f.client0, f.client1, f.client0, True))
        cases[prefix + "init"] = (client_init, f.to_endpoint(f.client0, sctp(CPORT, VPORT, 0, dnat)))
        # The endpoint's own addresses become vip1 then vip0; the client sees only the VIP set.
        cookie = SCTPChunkParamStateCookie(cookie=COOKIE)
        ack_params = [f.addr(f.endpoint), f.addr(f.endpoint2), f.other_endpoint, cookie]
        seen_params = [f.addr(f.vip1), f.addr(f.vip0), pad(f.other_pad), cookie]
        acked = sctp(VPORT, CPORT, CLIENT_TAG, init(SCTPChunkInitAck, ENDPOINT_TAG, ack_params))
        seen = sctp(VPORT, CPORT, CLIENT_TAG, init(SCTPChunkInitAck, ENDPOINT_TAG, seen_params))
        cases[prefix + "init_ack"] = (f.from_endpoint(f.client0, acked), f.to_client(f.vip0, seen))
        echo = sctp(CPORT, VPORT, ENDPOINT_TAG, SCTPChunkCookieEcho(cookie=COOKIE))
        cases[prefix + "cookie_echo"] = (f.from_client(f.client0, f.vip0, echo), f.to_endpoint(f.client0, echo))
        cookie_ack = sctp(VPORT, CPORT, CLIENT_TAG, SCTPChunkCookieAck())
        cases[prefix + "cookie_ack"] = (f.from_endpoint(f.client0, cookie_ack), f.to_client(f.vip0, cookie_ack))
        # The primary path is cut: client1 -> vip1 carries a HEARTBEAT, then DATA, unchanged but for the address.
        heartbeat = sctp(
            CPORT, VPORT, ENDPOINT_TAG, SCTPChunkHeartbeatReq(params=[SCTPChunkParamHeartbeatInfo(data=b"\x09" * 8)])
        )
        data = sctp(CPORT, VPORT, ENDPOINT_TAG, SCTPChunkData(tsn=1, stream_id=0, stream_seq=0, data=b"\x01\x02\x03"))
        for name, l4 in (("heartbeat", heartbeat), ("data", data)):
            cases[prefix + "path1_" + name] = (f.from_client(f.client1, f.vip1, l4), f.to_endpoint(f.client1, l4))
        # A wrong verification tag on the secondary path is dropped.
        forged = sctp(CPORT, VPORT, 0xDEAD, SCTPChunkData(tsn=2, data=b"\x01"))
        cases[prefix + "path1_forged"] = (f.from_client(f.client1, f.vip1, forged), None)
        # Full NAT: every address the endpoint sees is a VIP (client0 -> vip0, client1 -> vip1, client2 -> vip0).
        fullnat = init(SCTPChunkInit, CLIENT_TAG, f.init_params(f.vip0, f.vip1, f.vip0, True))
        cases[prefix + "fullnat_init"] = (client_init, f.to_endpoint(f.vip0, sctp(NAT_PORT, VPORT, 0, fullnat)))
        nat_acked = sctp(VPORT, NAT_PORT, CLIENT_TAG, init(SCTPChunkInitAck, ENDPOINT_TAG, ack_params))
        cases[prefix + "fullnat_init_ack"] = (f.from_endpoint(f.vip0, nat_acked), f.to_client(f.vip0, seen))
        return cases


cases = {}
cases.update(Family(False).cases("v4_"))
cases.update(Family(True).cases("v6_"))
print(json.dumps({name: {"in": hexof(i), "out": hexof(o)} for name, (i, o) in cases.items()}, indent=1, sort_keys=True))
