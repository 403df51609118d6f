#!/usr/bin/env python3
"""Sends one UDP datagram to HOST:PORT and prints the first answer (exit 1 after --timeout s)."""

import argparse
import socket
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("--timeout", type=float, default=2.0)
    args = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(args.timeout)
    sock.sendto(b"who?\n", (args.host, args.port))
    try:
        data, _ = sock.recvfrom(2048)
    except socket.timeout:
        print(f"no answer from {args.host}:{args.port} within {args.timeout} s", file=sys.stderr)
        return 1
    sys.stdout.write(data.decode(errors="replace"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
