#!/usr/bin/env python3
"""Captures frames on one interface (AF_PACKET, with the VLAN tag the kernel keeps aside) and
counts them for the mirror scenario; no scapy needed.

  mirror_capture.py capture IFACE OUT SECONDS   # writes "<tci or -> <hex frame>" per frame,
                                                # at most 20000 frames, for at most SECONDS
  mirror_capture.py count OUT KIND ARGS...      # prints how many captured frames are of KIND:
    tcp SRC DST DPORT|any SPORT|any   IPv4 or IPv6 TCP frames SRC -> DST (ports or any; IPv6:
                                      without extension headers)
    vlan VID SRC DST                  tagged VID, IPv4 SRC -> DST
    erspan SESSION SRC DST            ERSPAN II (GRE 0x88BE) frames of session SESSION whose
                                      inner frame is IPv4 TCP SRC -> DST
  mirror_capture.py outgoing OUT ...  like count, only frames this host sent (PACKET_OUTGOING)
"""
import ipaddress
import select
import socket
import struct
import sys
import time

SOL_PACKET = 263
PACKET_AUXDATA = 8
TP_STATUS_VLAN_VALID = 1 << 4
PACKET_OUTGOING = 4


def capture(iface, out, seconds):
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    sock.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    sock.bind((iface, 0))
    deadline = time.monotonic() + float(seconds)
    count = 0
    with open(out, "w", buffering=1) as f:
        while count < 20000:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([sock], [], [], min(left, 0.5))
            if not ready:
                continue
            data, anc, _, addr = sock.recvmsg(65535, socket.CMSG_SPACE(20))
            tci = "-"
            for level, kind, payload in anc:
                if level == SOL_PACKET and kind == PACKET_AUXDATA and len(payload) >= 20:
                    status = struct.unpack_from("=I", payload, 0)[0]
                    if status & TP_STATUS_VLAN_VALID:
                        tci = str(struct.unpack_from("=H", payload, 16)[0] & 0xFFF)
            direction = "out" if addr[2] == PACKET_OUTGOING else "in"
            f.write(f"{direction} {tci} {data.hex()}\n")
            count += 1


def tcp_of(frame, src, dst, dport="any", sport="any"):
    src, dst = ipaddress.ip_address(src), ipaddress.ip_address(dst)
    if src.version == 6:
        if len(frame) < 54 or frame[12:14] != b"\x86\xdd" or frame[20] != 6:
            return False
        if frame[22:38] != src.packed or frame[38:54] != dst.packed:
            return False
        l4 = 54
    else:
        if len(frame) < 34 or frame[12:14] != b"\x08\x00" or frame[23] != 6:
            return False
        if frame[26:30] != src.packed or frame[30:34] != dst.packed:
            return False
        l4 = 14 + (frame[14] & 0xF) * 4
    if len(frame) < l4 + 4:
        return False
    fs, fd = struct.unpack_from("!HH", frame, l4)
    return (dport == "any" or fd == int(dport)) and (sport == "any" or fs == int(sport))


def matches(direction, tci, frame, kind, args):
    if kind == "tcp":
        return tci == "-" and tcp_of(frame, *args)
    if kind == "vlan":
        return tci == args[0] and tcp_of(frame, args[1], args[2])
    if kind == "erspan":
        # outer Ethernet, IPv4 (no options), GRE with S (8 bytes), ERSPAN II (8), inner frame
        if len(frame) < 64 or frame[12:14] != b"\x08\x00" or frame[23] != 47:
            return False
        gre = 14 + (frame[14] & 0xF) * 4
        flags, proto = struct.unpack_from("!HH", frame, gre)
        if proto != 0x88BE or flags != 0x1000:
            return False
        ver_vlan, session = struct.unpack_from("!HH", frame, gre + 8)
        if ver_vlan >> 12 != 1 or session & 0x3FF != int(args[0]):
            return False
        return tcp_of(frame[gre + 16 :], args[1], args[2])
    raise SystemExit(f"unknown kind {kind}")


def count(out, kind, args, outgoing_only=False):
    n = 0
    with open(out) as f:
        for line in f:
            direction, tci, hexframe = line.split()
            if outgoing_only and direction != "out":
                continue
            if matches(direction, tci, bytes.fromhex(hexframe), kind, args):
                n += 1
    print(n)


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "capture":
        capture(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) >= 4 and sys.argv[1] in ("count", "outgoing"):
        count(sys.argv[2], sys.argv[3], sys.argv[4:], outgoing_only=sys.argv[1] == "outgoing")
    else:
        raise SystemExit(__doc__)
