#!/usr/bin/env python3
"""A userspace SRv6 endpoint for e2e/srv6, for kernels built without CONFIG_IPV6_SEG6_LWTUNNEL
(no seg6local End.DX4/End.DX6 routes, no seg6 encap routes) and without ip6 tunnels.

Inbound: IPv6 packets on --dev (AF_PACKET) whose destination is one of its SIDs: --end SIDs take
the next segment (RFC 8986 End: segments left - 1, destination = Segment List[segments left]);
at a --dx SID with segments left 0 (or no SRH) the inner IPv4 or IPv6 packet (next header 4 or
41) is written to a TUN device, so the local stack receives it (End.DX4 / End.DX6 toward this
host). Outbound: what the stack routes into the TUN device (replies) is encapsulated toward
--lb-sid, with an SRH listing it (as the kernel's `seg6 mode encap`) or, with --reduced, without
(H.Encaps.Red), and sent through a raw IPv6 socket. Bounded by --seconds.
"""
import argparse
import fcntl
import ipaddress
import os
import select
import socket
import struct
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
ETH_P_IPV6 = 0x86DD
STATS = {"end": 0, "dx": 0, "encap": 0}


def addr(text):
    return ipaddress.IPv6Address(text).packed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", required=True)
    ap.add_argument("--tun", required=True)
    ap.add_argument("--end", action="append", default=[])
    ap.add_argument("--dx", action="append", default=[])
    ap.add_argument("--src", required=True, help="outer source of replies")
    ap.add_argument("--lb-sid", required=True)
    ap.add_argument("--reduced", action="store_true")
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--stats", required=True, help="file rewritten every second: end N dx N encap N")
    a = ap.parse_args()
    ends = {addr(s) for s in a.end}
    dxs = {addr(s) for s in a.dx}
    src, lb = addr(a.src), addr(a.lb_sid)

    tun = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH", a.tun.encode(), IFF_TUN | IFF_NO_PI))
    sniff = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IPV6))
    sniff.bind((a.dev, ETH_P_IPV6))
    raw = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    print("ready", flush=True)
    deadline = time.monotonic() + a.seconds
    next_stats = 0.0
    while time.monotonic() < deadline:
        ready, _, _ = select.select([sniff, tun], [], [], 0.5)
        if sniff in ready:
            inbound(bytearray(sniff.recv(65535)), ends, dxs, tun)
        if tun in ready:
            outbound(os.read(tun, 65535), src, lb, a.reduced, raw)
        if time.monotonic() >= next_stats:
            with open(a.stats + ".tmp", "w") as f:
                f.write("end %d dx %d encap %d\n" % (STATS["end"], STATS["dx"], STATS["encap"]))
            os.replace(a.stats + ".tmp", a.stats)
            next_stats = time.monotonic() + 1.0


def inbound(pkt, ends, dxs, tun):
    for _ in range(8):  # End steps at most
        if len(pkt) < 40 or pkt[0] >> 4 != 6:
            return
        dst = bytes(pkt[24:40])
        nh, off = pkt[6], 40
        if nh == 43:
            if len(pkt) < 48 or pkt[42] != 4:
                return
            sl, hdrlen = pkt[43], pkt[41]
            if sl > 0:
                if dst not in ends:
                    return
                sl -= 1
                STATS["end"] += 1
                pkt[43] = sl
                pkt[24:40] = pkt[48 + 16 * sl : 64 + 16 * sl]
                if bytes(pkt[24:40]) in ends | dxs:
                    continue
                return
            nh, off = pkt[40], 40 + 8 + 8 * hdrlen
        if dst in dxs and nh in (4, 41):
            STATS["dx"] += 1
            os.write(tun, bytes(pkt[off:]))
        return


def outbound(inner, src, lb, reduced, raw):
    nh = 4 if inner[0] >> 4 == 4 else 41
    if reduced:
        ext, first = b"", nh
    else:
        ext, first = bytes([nh, 2, 4, 0, 0, 0, 0, 0]) + lb, 43
    hdr = struct.pack("!IHBB", 6 << 28, len(ext) + len(inner), first, 64) + src + lb
    try:
        raw.sendto(hdr + ext + inner, (str(ipaddress.IPv6Address(lb)), 0))
        STATS["encap"] += 1
    except OSError:
        pass


if __name__ == "__main__":
    main()
