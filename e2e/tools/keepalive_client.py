#!/usr/bin/env python3
"""One HTTP/1.1 keep-alive connection, one request per step, for firewall checks of tracked flows.

keepalive_client.py HOST PORT SOURCE STEPS GATE: connects from SOURCE to HOST:PORT and sends
`GET /` once per step on that same connection. Before step i > 1 it waits (at most 30 s) for the
file GATE.i, which the caller creates once it changed what it wanted to change. After each step
it prints "i <body>" or "i timeout" (no answer within 2 s; the later steps then time out too).
"""

import os
import socket
import sys
import time


def request(conn):
    conn.sendall(b"GET / HTTP/1.1\r\nHost: vip\r\nConnection: keep-alive\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = conn.recv(4096)
        if not chunk:
            raise ConnectionError("closed")
        body += chunk
    return body[:length].decode().strip()


def main():
    host, port, source, steps, gate = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    conn = socket.socket(family, socket.SOCK_STREAM)
    conn.settimeout(2)
    conn.bind((source, 0))
    conn.connect((host, port))
    for step in range(1, steps + 1):
        if step > 1:
            deadline = time.monotonic() + 30
            while not os.path.exists(f"{gate}.{step}") and time.monotonic() < deadline:
                time.sleep(0.05)
        try:
            print(step, request(conn), flush=True)
        except (OSError, ConnectionError):
            print(step, "timeout", flush=True)
    conn.close()


if __name__ == "__main__":
    main()
