#!/usr/bin/python3
"""An SCTP listener for sctp health probes (e2e/health_sctp), on a raw IPv4 socket (protocol
132): this kernel has no SCTP sockets. While the socket is open the kernel hands it SCTP packets
instead of answering them with ICMP protocol unreachable.

    sctp_listener.py --port P

Answers every INIT to port P with an INIT ACK (our tag, a state cookie) and prints one line per
packet to P, flushed: "rx <INIT|ABORT|...> src=<addr>:<port> crc=<ok|bad>". Runs until killed;
each read waits at most 1 s, so the loop is bounded by the process's life.
"""
import argparse
import socket
import struct

NAMES = {0: "DATA", 1: "INIT", 2: "INIT_ACK", 6: "ABORT", 10: "COOKIE_ECHO"}


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def with_crc(packet):
    return packet[:8] + struct.pack("<I", crc32c(packet[:8] + b"\0\0\0\0" + packet[12:])) + packet[12:]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, 132)
    sock.settimeout(1.0)
    my_tag = 0x5EED0002
    print("listening port=%d" % args.port, flush=True)
    while True:
        try:
            data, (src, _) = sock.recvfrom(2048)
        except socket.timeout:
            continue
        sctp = data[(data[0] & 0x0F) * 4:]
        if len(sctp) < 16:
            continue
        sport, dport = struct.unpack("!HH", sctp[:4])
        if dport != args.port:
            continue
        ok = struct.unpack("<I", sctp[8:12])[0] == crc32c(sctp[:8] + b"\0\0\0\0" + sctp[12:])
        chunk = sctp[12]
        print("rx %s src=%s:%d crc=%s" % (NAMES.get(chunk, chunk), src, sport, "ok" if ok else "bad"), flush=True)
        if not ok or chunk != 1 or len(sctp) < 32:
            continue
        peer_tag = struct.unpack("!I", sctp[16:20])[0]
        cookie = b"swiftlb-cookie!!"
        params = struct.pack("!HH", 7, 4 + len(cookie)) + cookie
        ack = struct.pack("!BBHIIHHI", 2, 0, 20 + len(params), my_tag, 65535, 1, 1, 100) + params
        sock.sendto(with_crc(struct.pack("!HHII", dport, sport, peer_tag, 0) + ack), (src, 0))


if __name__ == "__main__":
    main()
