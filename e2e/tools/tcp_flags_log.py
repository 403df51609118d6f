#!/usr/bin/env python3
"""Logs the TCP handshake and teardown packets (SYN, RST, FIN) of one port seen in this
network namespace, and with --payload N the segments carrying exactly N bytes, one line each:
"<unix time> <iface>/<in|out> <src>:<port> > <dst>:<port> <flags> [len=N]".

Used by the HA scenarios to show, when a short connection fails during a failover, which of its
packets reached the client and the servers (its local port is in the probe's failure line).

    tcp_flags_log.py --port 9000 --duration 20 > flags.log

IPv4 over Ethernet only; stops after --duration seconds (bounded). Standard library only.
"""
import argparse
import socket
import struct
import time

ETH_P_ALL = 0x0003
FLAG_NAMES = ((0x02, "S"), (0x10, "A"), (0x01, "F"), (0x04, "R"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--duration", type=float, required=True)
    ap.add_argument("--payload", type=int, default=0, help="also log segments with this many bytes (0: none)")
    a = ap.parse_args()
    if not (0 < a.port < 65536 and 0 < a.duration <= 600):
        ap.error("port 1..65535, duration (0,600]")
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.settimeout(0.5)
    end = time.monotonic() + a.duration
    while time.monotonic() < end:
        try:
            frame, where = sock.recvfrom(256)
        except socket.timeout:
            continue
        # where: (ifname, proto, pkttype, hatype, addr); outgoing copies have pkttype 4.
        if len(frame) < 54 or frame[12:14] != b"\x08\x00" or frame[23] != 6:
            continue
        ihl = (frame[14] & 0x0F) * 4
        tcp = 14 + ihl
        if len(frame) < tcp + 14:
            continue
        sport, dport = struct.unpack("!HH", frame[tcp:tcp + 4])
        flags = frame[tcp + 13]
        length = struct.unpack("!H", frame[16:18])[0] - ihl - (frame[tcp + 12] >> 4) * 4
        if a.port not in (sport, dport) or not (flags & 0x07 or (a.payload and length == a.payload)):
            continue
        names = "".join(n for bit, n in FLAG_NAMES if flags & bit)
        src, dst = socket.inet_ntoa(frame[26:30]), socket.inet_ntoa(frame[30:34])
        direction = "out" if where[2] == socket.PACKET_OUTGOING else "in"
        print("%.6f %s/%s %s:%d > %s:%d %s%s" % (time.time(), where[0], direction, src, sport, dst, dport, names,
                                               " len=%d" % length if length else ""), flush=True)


if __name__ == "__main__":
    main()
