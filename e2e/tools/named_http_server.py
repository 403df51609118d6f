#!/usr/bin/env python3
"""A tiny threaded HTTP server that says who it is.

GET /            -> "<name>\n"
GET /bytes/N     -> N bytes (0 <= N <= 64 MiB) of a repeating pattern, for bulk transfers
GET /whoami      -> "<name> <client-ip>:<client-port>\n" (shows what the server saw)
Connections close after each answer unless the request says "Connection: keep-alive".
POST /upload     -> "<name> <bytes received> <sha256 hex>\n" (body of at most 64 MiB)

Standard library only; logs nothing per request. Used by the e2e scenarios and the demo,
started inside a server network namespace.
"""

import argparse
import hashlib
import http.server
import signal
import socket
import sys

MAX_BYTES = 64 * 1024 * 1024
PATTERN = bytes(range(256)) * 256  # 64 KiB


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "named/1"
    protocol_version = "HTTP/1.1"
    timeout = 15  # an idle or stuck connection is dropped after this many seconds

    def _reply(self, body_len, write_body):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(body_len))
        # Closed after each answer unless the client asks to keep it (keepalive_client.py does).
        keep = self.headers.get("Connection", "").lower() == "keep-alive"
        self.send_header("Connection", "keep-alive" if keep else "close")
        self.end_headers()
        if write_body is not None:
            write_body()
        self.close_connection = not keep

    def _route(self, with_body):
        name = self.server.name
        path = self.path.split("?", 1)[0]
        if path.startswith("/bytes/"):
            try:
                n = int(path[len("/bytes/"):])
            except ValueError:
                n = -1
            if not 0 <= n <= MAX_BYTES:
                self.send_error(400, "want /bytes/N with 0 <= N <= %d" % MAX_BYTES)
                return

            def write():
                left = n
                while left > 0:
                    chunk = PATTERN[: min(left, len(PATTERN))]
                    self.wfile.write(chunk)
                    left -= len(chunk)

            self._reply(n, write if with_body else None)
            return
        if path == "/whoami":
            host, port = self.client_address[:2]
            body = ("%s %s:%d\n" % (name, host, port)).encode()
        else:
            body = (name + "\n").encode()
        self._reply(len(body), (lambda: self.wfile.write(body)) if with_body else None)

    def do_GET(self):  # noqa: N802 (http.server naming)
        self._route(True)

    def do_HEAD(self):  # noqa: N802
        self._route(False)

    def do_POST(self):  # noqa: N802
        try:
            n = int(self.headers.get("Content-Length", "-1"))
        except ValueError:
            n = -1
        if not 0 <= n <= MAX_BYTES:
            self.send_error(411 if n < 0 else 413, "want a Content-Length of at most %d" % MAX_BYTES)
            return
        digest = hashlib.sha256()
        left = n
        while left > 0:
            data = self.rfile.read(min(left, 65536))
            if not data:
                break
            digest.update(data)
            left -= len(data)
        body = ("%s %d %s\n" % (self.server.name, n - left, digest.hexdigest())).encode()
        self._reply(len(body), lambda: self.wfile.write(body))

    def log_message(self, fmt, *args):  # quiet: no per-request lines
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class Server6(Server):
    """IPv6 only (IPV6_V6ONLY), so it can share the port with an IPv4 server in the same namespace."""

    address_family = socket.AF_INET6

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        super().server_bind()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--name", required=True, help="what to answer, e.g. srv2")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--bind", default="0.0.0.0", help="address to listen on; an IPv6 one (e.g. ::) listens on IPv6 only")
    args = ap.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    srv = (Server6 if ":" in args.bind else Server)((args.bind, args.port), Handler)
    srv.name = args.name
    srv.timeout = 1
    try:
        srv.serve_forever(poll_interval=0.5)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        srv.server_close()


if __name__ == "__main__":
    main()
