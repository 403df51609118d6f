#!/usr/bin/python3
"""SCTP endpoints made of crafted packets (scapy), for e2e/l4proto and e2e/l4v6 (IPv4 or IPv6,
as the addresses say): the kernel here has no
SCTP sockets, so both ends are played by this script.

server --iface IF --port P --name N
    Answers every SCTP packet to port P seen on IF: INIT -> INIT ACK (with a state cookie),
    COOKIE ECHO -> COOKIE ACK, DATA -> SACK, SHUTDOWN -> SHUTDOWN ACK. Prints one line per
    packet: "rx <chunk> src=<addr>:<port> crc=<ok|bad> tag=<hex>" (flushed), so the scenario
    can see what arrived and whether the load balancer kept the CRC32c right.
client --iface IF --vip V --port P --sport S
    Runs INIT, COOKIE ECHO + DATA, SHUTDOWN, SHUTDOWN COMPLETE against V:P from source port S,
    checking that every answer comes from V:P to S with our verification tag and a correct
    CRC32c. Prints "ok <server name from DATA echo>" or "fail <reason>" and exits 0/1.
"""
import argparse
import sys
import time

from scapy.all import AsyncSniffer, IP, IPv6, conf, raw, send, sniff  # noqa: E402
from scapy.layers.sctp import (  # noqa: E402
    SCTP, SCTPChunkCookieAck, SCTPChunkCookieEcho, SCTPChunkData, SCTPChunkInit, SCTPChunkInitAck,
    SCTPChunkParamStateCookie, SCTPChunkSACK, SCTPChunkShutdown, SCTPChunkShutdownAck,
    SCTPChunkShutdownComplete, crc32c)

conf.verb = 0
NAMES = {0: "DATA", 1: "INIT", 2: "INIT_ACK", 3: "SACK", 7: "SHUTDOWN", 8: "SHUTDOWN_ACK",
         10: "COOKIE_ECHO", 11: "COOKIE_ACK", 14: "SHUTDOWN_COMPLETE", 6: "ABORT"}


def l3(p):
    """The IPv4 or IPv6 layer of `p` when it carries SCTP itself, else None (e2e/l4v6 runs over IPv6).
    An ICMP error quoting an SCTP packet (the kernel here answers SCTP with one) does not count."""
    if SCTP not in p:
        return None
    if IP in p:
        return p[IP] if p[IP].proto == 132 else None
    return p[IPv6] if IPv6 in p and p[IPv6].nh == 132 else None


def l3_class(addr):
    return IPv6 if ":" in addr else IP


def hlen(ip):
    return ip.ihl * 4 if isinstance(ip, IP) else 40


def crc_ok(ip):
    """Whether the SCTP CRC32c of the IP packet `ip` (as received) is right."""
    end = ip.len if isinstance(ip, IP) else 40 + ip.plen
    data = bytearray(raw(ip)[hlen(ip):end])
    stored = bytes(data[8:12])
    data[8:12] = b"\0\0\0\0"
    return crc32c(bytes(data)).to_bytes(4, "big") == stored


def first_chunk(ip):
    body = raw(ip)[hlen(ip) + 12:]
    return body[0] if body else -1


def server(args):
    my_tag = 0x5EED0001

    def handle(p):
        ip = l3(p)
        sc = ip[SCTP]
        chunk = first_chunk(ip)
        ok = crc_ok(ip)
        print("rx %s src=%s:%d crc=%s tag=%08x" % (NAMES.get(chunk, chunk), ip.src, sc.sport,
                                                  "ok" if ok else "bad", sc.tag), flush=True)
        if not ok:
            return
        reply = l3_class(ip.src)(src=ip.dst, dst=ip.src) / SCTP(sport=sc.dport, dport=sc.sport)
        if chunk == 1:
            init = sc[SCTPChunkInit]
            reply[SCTP].tag = init.init_tag
            reply = reply / SCTPChunkInitAck(
                init_tag=my_tag, a_rwnd=65535, n_out_streams=10, n_in_streams=10, init_tsn=100,
                params=[SCTPChunkParamStateCookie(cookie=b"swiftlb-cookie!!")])
        else:
            # Every later packet carries our tag; answer with the peer's, remembered by port.
            peer_tag = tags.get((ip.src, sc.sport))
            if peer_tag is None:
                return
            reply[SCTP].tag = peer_tag
            if chunk == 10:
                reply = reply / SCTPChunkCookieAck()
                data = sc.getlayer(SCTPChunkData)
                if data is not None:
                    print("data %s" % bytes(data.data).decode(errors="replace"), flush=True)
                    reply = reply / SCTPChunkSACK(cumul_tsn_ack=data.tsn, a_rwnd=65535) / \
                        SCTPChunkData(tsn=100, stream_id=0, stream_seq=0, beginning=1, ending=1,
                                      data=args.name.encode())
            elif chunk == 0:
                reply = reply / SCTPChunkSACK(cumul_tsn_ack=sc[SCTPChunkData].tsn, a_rwnd=65535)
            elif chunk == 7:
                reply = reply / SCTPChunkShutdownAck()
            else:
                return
        if chunk == 1:
            tags[(ip.src, sc.sport)] = sc[SCTPChunkInit].init_tag
        send(reply, iface=None)

    tags = {}
    print("listening port=%d" % args.port, flush=True)
    sniff(iface=args.iface, store=False, prn=handle,
          lfilter=lambda p: l3(p) is not None and p[SCTP].dport == args.port)


def client(args):
    my_tag = 0xC11E0001
    base = l3_class(args.vip)(dst=args.vip) / SCTP(sport=args.sport, dport=args.port)

    def exchange(pkt, want_chunk, what):
        sniffer = AsyncSniffer(
            iface=args.iface, count=1, timeout=4,
            lfilter=lambda p: l3(p) is not None
            and p[SCTP].dport == args.sport and l3(p).src == args.vip)
        sniffer.start()
        time.sleep(0.3)
        send(pkt)
        sniffer.join()
        got = sniffer.results
        if not got:
            fail("%s: no answer from %s:%d" % (what, args.vip, args.port))
        ip = l3(got[0])
        if ip[SCTP].sport != args.port:
            fail("%s: answer from port %d, want %d" % (what, ip[SCTP].sport, args.port))
        if ip[SCTP].tag != my_tag:
            fail("%s: answer carries tag %08x, want ours %08x" % (what, ip[SCTP].tag, my_tag))
        if not crc_ok(ip):
            fail("%s: answer has a wrong CRC32c" % what)
        if first_chunk(ip) != want_chunk:
            fail("%s: answer's first chunk is %s, want %s" % (what, NAMES.get(first_chunk(ip)),
                                                               NAMES[want_chunk]))
        return ip

    ack = exchange(base.copy() / SCTPChunkInit(init_tag=my_tag, a_rwnd=65535, n_out_streams=10,
                                                n_in_streams=10, init_tsn=1), 2, "INIT")
    peer_tag = ack[SCTPChunkInitAck].init_tag
    cookie = ack[SCTPChunkParamStateCookie].cookie
    p = base.copy()
    p[SCTP].tag = peer_tag
    payload = ("hello-sctp-" + "x" * 1200).encode()
    ans = exchange(p / SCTPChunkCookieEcho(cookie=cookie) /
                   SCTPChunkData(tsn=1, stream_id=0, stream_seq=0, beginning=1, ending=1, data=payload),
                   11, "COOKIE ECHO + DATA")
    data = ans.getlayer(SCTPChunkData)
    name = bytes(data.data).decode() if data is not None else "?"
    p = base.copy()
    p[SCTP].tag = peer_tag
    exchange(p / SCTPChunkShutdown(cumul_tsn_ack=100), 8, "SHUTDOWN")
    p = base.copy()
    p[SCTP].tag = peer_tag
    send(p / SCTPChunkShutdownComplete())
    print("ok %s" % name, flush=True)


def fail(why):
    print("fail %s" % why, flush=True)
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="role", required=True)
    s = sub.add_parser("server")
    s.add_argument("--iface", required=True)
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--name", required=True)
    c = sub.add_parser("client")
    c.add_argument("--iface", required=True)
    c.add_argument("--vip", required=True)
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--sport", type=int, required=True)
    args = ap.parse_args()
    (server if args.role == "server" else client)(args)


if __name__ == "__main__":
    main()
