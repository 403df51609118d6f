#!/usr/bin/env python3
"""A userspace SCTP peer over raw IPv4 or IPv6 sockets (protocol 132), for kernels without SCTP sockets.

    sctp_mh_peer.py server --name srv1 --port 38412 --addr 10.1.2.2 [--timeout 60]
    sctp_mh_peer.py client --vip 10.1.100.1 --vip2 10.1.100.2 --port 38412 --addrs 10.1.1.2,10.1.5.2
                        --cut "ip link set c0 down" [--timeout 10]

The family is that of --addr (server) or --vip (client): IPv6 peers list IPv6 address parameters
(type 6), IPv4 peers IPv4 ones (type 5).

The server answers INIT with INIT ACK (listing --addr and a state cookie), COOKIE ECHO with
COOKIE ACK, HEARTBEAT with HEARTBEAT ACK, DATA with SACK + DATA "<name>:<payload>", always to
the address the packet came from (the path the client used) and with a correct CRC32c.

The client runs the scenario e2e/sctp_multihome checks: association up through the primary VIP
(INIT listing all its addresses, INIT ACK, COOKIE ECHO, COOKIE ACK), DATA answered on the
primary path; then runs --cut (the primary link goes down) and sends HEARTBEAT and DATA to the
secondary VIP. It prints one line per fact ("initack_addrs A,B", "primary srv1", ...) and exits
1 on the first failure. Every loop is bounded in count and time.
"""
import argparse
import os
import select
import socket
import struct
import subprocess
import sys
import time

IPPROTO_SCTP = 132
INIT, INIT_ACK, SACK, HEARTBEAT, HEARTBEAT_ACK, ABORT = 1, 2, 3, 4, 5, 6
COOKIE_ECHO, COOKIE_ACK, DATA = 10, 11, 0


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def packet(sport, dport, vtag, chunks):
    body = struct.pack("!HHII", sport, dport, vtag, 0) + chunks
    crc = crc32c(body)
    return body[:8] + struct.pack("<I", crc) + body[12:]


def crc_ok(sctp):
    stored = struct.unpack("<I", sctp[8:12])[0]
    return crc32c(sctp[:8] + b"\0\0\0\0" + sctp[12:]) == stored


def chunk(ctype, value, flags=0):
    raw = struct.pack("!BBH", ctype, flags, 4 + len(value)) + value
    return raw + b"\0" * (-len(raw) % 4)


def chunks_of(sctp):
    off, out = 12, []
    while off + 4 <= len(sctp) and len(out) < 32:
        ctype, flags, length = struct.unpack("!BBH", sctp[off:off + 4])
        if length < 4:
            break
        out.append((ctype, flags, sctp[off + 4:off + length]))
        off += (length + 3) & ~3
    return out


def params_of(value):
    off, out = 0, []
    while off + 4 <= len(value) and len(out) < 32:
        ptype, length = struct.unpack("!HH", value[off:off + 4])
        if length < 4:
            break
        out.append((ptype, value[off + 4:off + length]))
        off += (length + 3) & ~3
    return out


def init_value(tag, params):
    return struct.pack("!IIHHI", tag, 65535, 10, 10, 1) + params


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def addr_param(addr):
    """The IPv4 (type 5) or IPv6 (type 6) address parameter of `addr`."""
    family = family_of(addr)
    raw = socket.inet_pton(family, addr)
    return struct.pack("!HH", 6 if family == socket.AF_INET6 else 5, 4 + len(raw)) + raw


def addrs_of(params, family):
    """The addresses of `family` that the parameter list `params` carries, in order."""
    ptype = 6 if family == socket.AF_INET6 else 5
    return [socket.inet_ntop(family, p[1]) for p in params if p[0] == ptype]


def open_socket(family):
    sock = socket.socket(family, socket.SOCK_RAW, IPPROTO_SCTP)
    sock.setblocking(False)
    return sock


def receive(sock, port, deadline):
    """The next (source, sctp bytes) for local port `port` before `deadline`, or (None, None)."""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([sock], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        data, peer = sock.recvfrom(65535)
        src = peer[0]
        # IPv4 raw sockets deliver the IP header, IPv6 ones only the payload.
        sctp = data[(data[0] & 0x0F) * 4:] if sock.family == socket.AF_INET else data
        if len(sctp) < 16 or struct.unpack("!H", sctp[2:4])[0] != port:
            continue
        return src, sctp
    return None, None


def serve(args):
    family = family_of(args.addr)
    sock = open_socket(family)
    deadline = time.monotonic() + args.timeout
    my_tag = int.from_bytes(os.urandom(4), "big") | 1
    peer_tag = 0
    while time.monotonic() < deadline:
        src, sctp = receive(sock, args.port, deadline)
        if sctp is None:
            break
        if not crc_ok(sctp):
            print(f"bad crc from {src}", flush=True)
            continue
        sport = struct.unpack("!H", sctp[0:2])[0]
        replies = b""
        for ctype, _, value in chunks_of(sctp):
            if ctype == INIT:
                peer_tag = struct.unpack("!I", value[0:4])[0]
                addrs = addrs_of(params_of(value[16:]), family)
                print(f"init from {src} addrs {','.join(addrs)}", flush=True)
                cookie = struct.pack("!HH", 7, 12) + b"cookie42"
                replies += chunk(INIT_ACK, init_value(my_tag, addr_param(args.addr) + cookie))
            elif ctype == COOKIE_ECHO:
                replies += chunk(COOKIE_ACK, b"")
            elif ctype == HEARTBEAT:
                print(f"heartbeat from {src}", flush=True)
                replies += chunk(HEARTBEAT_ACK, value)
            elif ctype == DATA:
                tsn = struct.unpack("!I", value[0:4])[0]
                payload = value[12:]
                print(f"data from {src}: {payload.decode(errors='replace')}", flush=True)
                replies += chunk(SACK, struct.pack("!IIHH", tsn, 65535, 0, 0))
                answer = f"{args.name}:".encode() + payload
                replies += chunk(DATA, struct.pack("!IHHI", tsn, 0, 0, 0) + answer, flags=3)
        if replies:
            sock.sendto(packet(args.port, sport, peer_tag, replies), (src, 0))
    return 0


class Client:
    def __init__(self, args):
        self.args = args
        self.family = family_of(args.vip)
        self.sock = open_socket(self.family)
        self.cport = 30000 + int.from_bytes(os.urandom(2), "big") % 20000
        self.tag = int.from_bytes(os.urandom(4), "big") | 1
        self.peer_tag = 0
        self.tsn = 1

    def fail(self, why):
        print(f"FAIL {why}", flush=True)
        sys.exit(1)

    def exchange(self, dst, vtag, chunks, want):
        """Sends to dst, returns (source, chunk list) of the first answer holding chunk type `want`."""
        for _ in range(3):
            self.sock.sendto(packet(self.cport, self.args.port, vtag, chunks), (dst, 0))
            deadline = time.monotonic() + self.args.timeout / 3
            while True:
                src, sctp = receive(self.sock, self.cport, deadline)
                if sctp is None:
                    break
                if not crc_ok(sctp):
                    self.fail(f"bad CRC32c in a packet from {src}")
                got = chunks_of(sctp)
                if any(c[0] == want for c in got):
                    if struct.unpack("!I", sctp[4:8])[0] != self.tag:
                        self.fail(f"answer from {src} carries tag {sctp[4:8].hex()}, not ours")
                    return src, got
        self.fail(f"no chunk {want} from {dst}")

    def data(self, dst):
        payload = f"hello-{self.tsn}".encode()
        value = struct.pack("!IHHI", self.tsn, 0, 0, 0) + payload
        src, got = self.exchange(dst, self.peer_tag, chunk(DATA, value, flags=3), DATA)
        self.tsn += 1
        if src != dst:
            self.fail(f"DATA to {dst} answered from {src}")
        answer = [c for c in got if c[0] == DATA][0][2][12:].decode(errors="replace")
        if not answer.endswith(payload.decode()):
            self.fail(f"DATA answer {answer!r}")
        return answer.split(":")[0]

    def run(self):
        a = self.args
        addrs = a.addrs.split(",")
        params = b"".join(addr_param(x) for x in addrs)
        src, got = self.exchange(a.vip, 0, chunk(INIT, init_value(self.tag, params)), INIT_ACK)
        if src != a.vip:
            self.fail(f"INIT ACK from {src}, not the VIP")
        value = [c for c in got if c[0] == INIT_ACK][0][2]
        self.peer_tag = struct.unpack("!I", value[0:4])[0]
        listed = addrs_of(params_of(value[16:]), self.family)
        cookie = [p[1] for p in params_of(value[16:]) if p[0] == 7]
        print(f"initack_addrs {','.join(listed)}", flush=True)
        if not cookie:
            self.fail("INIT ACK without a state cookie")
        if sorted(set(listed + [a.vip])) != sorted({a.vip, a.vip2}):
            self.fail(f"INIT ACK lists {listed}: not only the VIPs")
        src, _ = self.exchange(a.vip, self.peer_tag, chunk(COOKIE_ECHO, cookie[0]), COOKIE_ACK)
        print("association up", flush=True)
        print(f"primary {self.data(a.vip)}", flush=True)
        if a.cut:
            subprocess.run(a.cut, shell=True, check=True, timeout=10)
            print(f"cut: {a.cut}", flush=True)
        src, _ = self.exchange(a.vip2, self.peer_tag, chunk(HEARTBEAT, struct.pack("!HH", 1, 12) + b"hbinfo42"),
                               HEARTBEAT_ACK)
        if src != a.vip2:
            self.fail(f"HEARTBEAT ACK from {src}")
        print(f"heartbeat_ack from {src}", flush=True)
        print(f"secondary {self.data(a.vip2)}", flush=True)
        return 0


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    s = sub.add_parser("server")
    s.add_argument("--name", required=True)
    s.add_argument("--port", type=int, default=38412)
    s.add_argument("--addr", required=True)
    s.add_argument("--timeout", type=float, default=120)
    c = sub.add_parser("client")
    c.add_argument("--vip", required=True)
    c.add_argument("--vip2", required=True)
    c.add_argument("--port", type=int, default=38412)
    c.add_argument("--addrs", required=True)
    c.add_argument("--cut", default="")
    c.add_argument("--timeout", type=float, default=6)
    args = parser.parse_args()
    if args.mode == "server":
        return serve(args)
    return Client(args).run()


if __name__ == "__main__":
    sys.exit(main())
