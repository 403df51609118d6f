#!/usr/bin/env python3
"""A simulated gNB for e2e/gtpu: sends uplink G-PDUs (GTP-U with a PDU session container of
type UL carrying a QFI, TS 29.281 / TS 38.415) from UDP port 2152 to the UPF, each carrying a
UDP datagram from the UE to a data network server, and reads the downlink G-PDUs that come
back to port 2152.

Prints one line per uplink packet sent:
    <token> <answer> qfi=<downlink QFI> teid=<downlink TEID> pdu=<PDU type> src=<inner source>
or "<token> none" when no answer came within the timeout. Needs scapy (python3-scapy).
"""

import argparse
import logging
import socket
import time

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import IP, UDP, Raw  # noqa: E402
from scapy.contrib.gtp import GTP_U_Header, GTPPDUSessionContainer  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--upf", required=True, help="the core network tunnel's address")
    parser.add_argument("--teid", type=int, required=True, help="the uplink (core network) TEID")
    parser.add_argument("--ue", required=True)
    parser.add_argument("--server", required=True, help="inner destination")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--qfi", type=int, required=True)
    parser.add_argument("--count", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=2.0)
    args = parser.parse_args()

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("0.0.0.0", 2152))
    sock.settimeout(0.2)
    for i in range(args.count):
        token = "q%d-%d" % (args.qfi, i)
        inner = IP(src=args.ue, dst=args.server) / UDP(sport=40000 + i, dport=args.port) / Raw(token.encode())
        gpdu = GTP_U_Header(teid=args.teid, next_ex=0x85) / GTPPDUSessionContainer(type=1, QFI=args.qfi) / inner
        sock.sendto(bytes(gpdu), (args.upf, 2152))
        line = token + " none"
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            try:
                data, _ = sock.recvfrom(4096)
            except socket.timeout:
                continue
            gtp = GTP_U_Header(data)
            container = gtp.getlayer(GTPPDUSessionContainer)
            ip = gtp.getlayer(IP)
            if ip is None or ip.getlayer(UDP) is None or ip[UDP].dport != 40000 + i:
                continue
            answer = bytes(ip[UDP].payload).decode(errors="replace").strip()
            line = "%s %s qfi=%s teid=%d pdu=%s src=%s" % (
                token,
                answer,
                container.QFI if container is not None else "none",
                gtp.teid,
                container.type if container is not None else "none",
                ip.src,
            )
            break
        print(line, flush=True)


if __name__ == "__main__":
    main()
