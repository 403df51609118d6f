#!/usr/bin/env python3
"""UDP counterpart of named_http_server.py: answers every datagram with "<name>\n".

Serves until killed; standard library only. Used by scenarios that put TCP and UDP services
on the same VIP and port.
"""

import argparse
import socket


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--name", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("0.0.0.0", args.port))
    answer = (args.name + "\n").encode()
    while True:
        _, peer = sock.recvfrom(2048)
        sock.sendto(answer, peer)


if __name__ == "__main__":
    main()
