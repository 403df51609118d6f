#!/usr/bin/env python3
"""UDP for e2e/l4proto.

server --port P --name N   answers every datagram with "N <source addr>:<port> <payload>"
client --host H --port P --count C
    sends C datagrams from C fresh sockets (new source ports), full-size (1472 bytes of
    payload = 1500-byte IP packets) every other one; prints one answer line each
    ("<name> <seen source> <payload length>") or "timeout"; exits 1 if any timed out.
"""
import argparse
import socket
import sys


def server(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", args.port))
    while True:
        data, peer = s.recvfrom(65535)
        s.sendto(("%s %s:%d %d" % (args.name, peer[0], peer[1], len(data))).encode(), peer)


def client(args):
    bad = 0
    for i in range(args.count):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2)
        size = 1472 if i % 2 else 16
        # Full-size datagrams must not be fragmented on the way.
        s.setsockopt(socket.IPPROTO_IP, 10, 2)  # IP_MTU_DISCOVER = IP_PMTUDISC_DO
        s.sendto(b"u" * size, (args.host, args.port))
        try:
            data, peer = s.recvfrom(65535)
            if peer != (args.host, args.port):
                print("answer from %s:%d" % peer)
                bad += 1
            print(data.decode())
        except socket.timeout:
            print("timeout")
            bad += 1
        s.close()
    sys.exit(1 if bad else 0)


ap = argparse.ArgumentParser()
sub = ap.add_subparsers(dest="role", required=True)
sv = sub.add_parser("server")
sv.add_argument("--port", type=int, required=True)
sv.add_argument("--name", required=True)
cl = sub.add_parser("client")
cl.add_argument("--host", required=True)
cl.add_argument("--port", type=int, required=True)
cl.add_argument("--count", type=int, default=12)
a = ap.parse_args()
server(a) if a.role == "server" else client(a)
