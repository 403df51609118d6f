#!/usr/bin/env python3
"""UDP for the NAT64 ICMP checks of e2e/nat64.

server --port P          answers a datagram holding the decimal number N with N bytes (DF as
                         Linux sets it by default: path MTU discovery on)
client --host H --port P --size N [--timeout T]
                         sends N from an IPv6 socket connected to [H]:P and prints what came
                         back: "refused" (an ICMPv6 port unreachable reached the socket),
                         "answer <bytes>" or "timeout"
"""
import argparse
import errno
import socket


def server(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", args.port))
    while True:
        data, peer = s.recvfrom(2048)
        try:
            size = min(int(data.decode()), 1472)
        except ValueError:
            continue
        try:
            s.sendto(b"r" * size, peer)
        except OSError:
            pass


def client(args):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.settimeout(args.timeout)
    s.connect((args.host, args.port))
    s.send(str(args.size).encode())
    try:
        data = s.recv(65535)
        print("answer %d" % len(data))
    except socket.timeout:
        print("timeout")
    except OSError as e:
        print("refused" if e.errno == errno.ECONNREFUSED else "error %s" % e)


ap = argparse.ArgumentParser()
sub = ap.add_subparsers(dest="role", required=True)
sv = sub.add_parser("server")
sv.add_argument("--port", type=int, required=True)
cl = sub.add_parser("client")
cl.add_argument("--host", required=True)
cl.add_argument("--port", type=int, required=True)
cl.add_argument("--size", type=int, required=True)
cl.add_argument("--timeout", type=float, default=2.0)
args = ap.parse_args()
server(args) if args.role == "server" else client(args)
