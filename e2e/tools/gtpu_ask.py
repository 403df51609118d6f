#!/usr/bin/env python3
"""Sends GTP-U G-PDUs (3GPP TS 29.281) to HOST:PORT, each tunnel from several source ports, and
prints one line per tunnel: "<teid> <answer> <answer> ...", the first line of each answer.

Every datagram goes from a fresh socket (a new source port, as a gNB's tunnels may use), and the
peer answers with its name (udp_named.py). Bounded: TEIDS x FLOWS datagrams, --timeout s each.
"""

import argparse
import socket
import struct
import sys


def gpdu(teid):
    inner = bytes([0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 10, 60, 0, 1, 10, 70, 0, 1])
    # Flags 0x30: version 1, protocol type GTP; message type 255 (G-PDU); length; TEID.
    return struct.pack("!BBHI", 0x30, 0xFF, len(inner), teid) + inner


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("--teids", type=int, default=30)
    parser.add_argument("--flows", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=2.0)
    args = parser.parse_args()
    if not (1 <= args.teids <= 1000 and 1 <= args.flows <= 10):
        print("--teids must be 1..1000 and --flows 1..10", file=sys.stderr)
        return 2
    for teid in range(1, args.teids + 1):
        answers = []
        for _ in range(args.flows):
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.settimeout(args.timeout)
            sock.sendto(gpdu(teid), (args.host, args.port))
            try:
                data, _ = sock.recvfrom(2048)
                answers.append(data.decode(errors="replace").strip() or "-")
            except socket.timeout:
                answers.append("timeout")
            finally:
                sock.close()
        print(teid, " ".join(answers), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
