#!/usr/bin/env python3
"""A UE behind a simulated gNB for e2e/gtpu: the UE's own IP stack (its address on a TUN device,
so curl and the kernel's TCP run over it) and a gNB that tunnels it. Every packet the UE sends
(read from the TUN device) goes to the UPF as an uplink G-PDU (TS 29.281) with a PDU session
container of type UL carrying --qfi (TS 38.415), from UDP port 2152; every downlink G-PDU that
comes back to port 2152 is checked and its inner packet written to the TUN device.

Checks on every downlink G-PDU: version 1, G-PDU, TEID --dl-teid, the GTP-U length equal to the
datagram's (a GSO super-packet encapsulated whole and segmented afterwards would carry one
length in every segment), a PDU session container of type DL, and the inner packet's IPv4 and
TCP/UDP checksums. An inner checksum left for offload (CHECKSUM_PARTIAL on veth: the field holds
the pseudo-header sum, as the kernel leaves it for a NIC) is completed here, as the gNB's NIC
would have received it completed; any other bad checksum is counted and the packet is written
unchanged (the UE's stack drops it).

Runs until SIGTERM/SIGINT, then writes one JSON line of counters to --stats:
    {"ul": n, "dl": n, "dl_bytes": n, "qfi": {"1": n}, "bad_gtp": n, "bad_len": n,
     "bad_csum": n, "csum_completed": n, "max_inner": n}
Needs an existing TUN device (ip tuntap add mode tun); standard library only.
"""

import argparse
import array
import fcntl
import json
import os
import select
import signal
import socket
import struct

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def ones_sum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(array.array("H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def l4_state(packet):
    """'ok', 'partial' or 'bad' for the inner IPv4 packet's TCP/UDP checksum (others: 'ok')."""
    ihl = (packet[0] & 0x0F) * 4
    proto = packet[9]
    if ones_sum(bytes(packet[:ihl])) != 0xFFFF:
        return "bad", None
    if proto not in (6, 17) or len(packet) < ihl + 8:
        return "ok", None
    offset = ihl + (16 if proto == 6 else 6)
    segment = bytes(packet[ihl:])
    if proto == 17 and segment[6:8] == b"\0\0":
        return "ok", None
    pseudo = packet[12:20] + struct.pack("!BBH", 0, proto, len(segment))
    if ones_sum(pseudo + segment) == 0xFFFF:
        return "ok", None
    # Sums are of native-order words (the one's complement sum commutes with byte order): the
    # field is read, and written back, in native order too.
    field = struct.unpack("=H", packet[offset : offset + 2])[0]
    if field == ones_sum(pseudo):
        zeroed = segment[: offset - ihl] + b"\0\0" + segment[offset - ihl + 2 :]
        return "partial", (offset, (~ones_sum(pseudo + zeroed)) & 0xFFFF)
    return "bad", None


def parse_downlink(data, teid):
    """(inner packet, QFI, PDU type, length ok) or None for what is not a G-PDU of the session."""
    if len(data) < 8:
        return None
    flags, kind, length, got_teid = struct.unpack("!BBHI", data[:8])
    if flags >> 5 != 1 or kind != 0xFF or got_teid != teid:
        return None
    length_ok = length == len(data) - 8
    offset, qfi, pdu = 8, None, None
    if flags & 0x07:
        next_type = data[11]
        offset = 12
        for _ in range(4):
            if not next_type:
                break
            units = data[offset]
            if next_type == 0x85:
                pdu = data[offset + 1] >> 4
                qfi = data[offset + 2] & 0x3F
            offset += 4 * units
            next_type = data[offset - 1]
    return data[offset:], qfi, pdu, length_ok


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tun", required=True)
    parser.add_argument("--upf", required=True, help="the core network tunnel's address")
    parser.add_argument("--teid", type=int, required=True, help="uplink (core network) TEID")
    parser.add_argument("--dl-teid", type=int, required=True, help="expected downlink (access network) TEID")
    parser.add_argument("--qfi", type=int, required=True)
    parser.add_argument("--stats", required=True)
    args = parser.parse_args()

    tun = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH", args.tun.encode(), IFF_TUN | IFF_NO_PI))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.bind(("0.0.0.0", 2152))
    stats = {"ul": 0, "dl": 0, "dl_bytes": 0, "qfi": {}, "bad_gtp": 0, "bad_len": 0, "bad_csum": 0,
             "csum_completed": 0, "max_inner": 0}
    running = [True]

    def stop(*_):
        running[0] = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    header = struct.Struct("!BBHIHBBBBBB")
    while running[0]:
        try:
            ready, _, _ = select.select([tun, sock], [], [], 0.2)
        except InterruptedError:
            continue
        if tun in ready:
            inner = os.read(tun, 65535)
            # v1, PT, E; G-PDU; length; TEID; sequence, N-PDU, next: PDU session container;
            # container: 1 unit, PDU type UL, QFI, no further extension.
            gpdu = header.pack(0x34, 0xFF, len(inner) + 8, args.teid, 0, 0, 0x85, 1, 0x10, args.qfi & 0x3F, 0)
            sock.sendto(gpdu + inner, (args.upf, 2152))
            stats["ul"] += 1
        if sock in ready:
            data = sock.recv(65535)
            parsed = parse_downlink(data, args.dl_teid)
            if parsed is None:
                stats["bad_gtp"] += 1
                continue
            inner, qfi, pdu, length_ok = parsed
            if pdu != 0:
                stats["bad_gtp"] += 1
            if not length_ok:
                stats["bad_len"] += 1
            stats["dl"] += 1
            stats["dl_bytes"] += len(inner)
            stats["max_inner"] = max(stats["max_inner"], len(inner))
            key = str(qfi)
            stats["qfi"][key] = stats["qfi"].get(key, 0) + 1
            if len(inner) >= 20 and inner[0] >> 4 == 4:
                state, fix = l4_state(bytearray(inner))
                if state == "partial":
                    packet = bytearray(inner)
                    offset, value = fix
                    packet[offset : offset + 2] = struct.pack("=H", value)
                    inner = bytes(packet)
                    stats["csum_completed"] += 1
                elif state == "bad":
                    stats["bad_csum"] += 1
            os.write(tun, inner)
    with open(args.stats, "w") as out:
        out.write(json.dumps(stats, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
