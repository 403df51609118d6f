#!/usr/bin/env python3
"""Sends gratuitous ARPs (RFC 5227 announcements) for IPv4 addresses from one interface.

    garp.py IFACE ADDR[,ADDR...] [--count 3] [--interval 0.2]

Each announcement is a broadcast ARP request whose sender and target address are ADDR and whose
sender hardware address is IFACE's MAC, so that hosts on the segment update their caches. Used by
the HA scenarios' scripted takeover (SLB_HA_MANUAL=1), which moves the VIP without the daemon's
HA. Standard library only; bounded by --count (at most 20).
"""

import argparse
import fcntl
import socket
import struct
import sys
import time


def mac_of(sock, iface):
    # SIOCGIFHWADDR asks this network namespace (/sys/class/net may show another one's).
    req = struct.pack("256s", iface.encode()[:15])
    return fcntl.ioctl(sock.fileno(), 0x8927, req)[18:24]


def announcement(mac, addr):
    ip = socket.inet_aton(addr)
    eth = b"\xff" * 6 + mac + struct.pack("!H", 0x0806)
    # htype 1 (Ethernet), ptype IPv4, hlen 6, plen 4, op 1 (request)
    arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac + ip + b"\x00" * 6 + ip
    return eth + arp


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("iface")
    ap.add_argument("addrs", help="comma-separated IPv4 addresses")
    ap.add_argument("--count", type=int, default=3)
    ap.add_argument("--interval", type=float, default=0.2)
    a = ap.parse_args()
    if not 1 <= a.count <= 20 or not 0 <= a.interval <= 5:
        ap.error("need 1 <= --count <= 20 and 0 <= --interval <= 5")
    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as s:
        s.bind((a.iface, 0))
        mac = mac_of(s, a.iface)
        frames = [announcement(mac, addr) for addr in a.addrs.split(",") if addr]
        for i in range(a.count):
            for frame in frames:
                s.send(frame)
            if i + 1 < a.count:
                time.sleep(a.interval)
    return 0


if __name__ == "__main__":
    sys.exit(main())
