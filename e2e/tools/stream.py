#!/usr/bin/env python3
"""A long-lived TCP stream to watch a connection survive load balancer changes.

server: echoes everything it receives, one thread per connection (idle connections are
        dropped after --idle seconds).
client: opens ONE connection and, for --duration seconds at --rate chunks per second,
        sends a numbered chunk and waits for its echo (verifying every byte). Once a second
        it prints a progress line

            progress t=<unix time> seq=<chunks echoed> rx=<bytes echoed> gap=<s since last byte>

        and at the end one line

            result {"ok": ..., "bytes_tx": ..., "bytes_rx": ..., "chunks": ..., "stalls": ...,
                    "longest_gap": ..., "broke": ..., "error": ...}

        A stall is a wait of more than --stall seconds for an echo; the client gives up after
        --max-stall seconds without a byte.

Client exit codes: 0 ran the whole duration without a break; 1 could not connect;
2 the connection broke (reset, EOF, broken pipe); 3 gave up after --max-stall;
4 an echo did not match what was sent.

Standard library only; all loops are bounded by --duration and --max-stall.
"""

import argparse
import json
import select
import signal
import socket
import socketserver
import struct
import sys
import time

HEADER = struct.Struct("!Q")


# ---------------------------------------------------------------- server


class EchoHandler(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        sock.settimeout(self.server.idle)
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    return
                sock.sendall(data)
        except OSError:
            return


class EchoServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def run_server(args):
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    srv = EchoServer((args.bind, args.port), EchoHandler)
    srv.idle = args.idle
    try:
        srv.serve_forever(poll_interval=0.5)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        srv.server_close()


# ---------------------------------------------------------------- client


class Broke(Exception):
    pass


class GaveUp(Exception):
    pass


class Mismatch(Exception):
    pass


def make_chunk(seq, size):
    body = bytes((seq + i) & 0xFF for i in range(size - HEADER.size))
    return HEADER.pack(seq) + body


def run_client(args):
    st = {
        "ok": False,
        "bytes_tx": 0,
        "bytes_rx": 0,
        "chunks": 0,
        "stalls": 0,
        "longest_gap": 0.0,
        "broke": False,
        "error": None,
        "duration": 0.0,
    }
    started = time.monotonic()
    last_byte = started
    next_progress = started + 1.0

    def progress(now):
        print(
            "progress t=%.3f seq=%d rx=%d gap=%.2f"
            % (time.time(), st["chunks"], st["bytes_rx"], now - last_byte),
            flush=True,
        )

    def finish(code, error=None):
        st["duration"] = round(time.monotonic() - started, 3)
        st["longest_gap"] = round(st["longest_gap"], 3)
        st["error"] = error
        st["ok"] = code == 0
        print("result " + json.dumps(st, sort_keys=True), flush=True)
        return code

    try:
        sock = socket.create_connection((args.host, args.port), timeout=args.connect_timeout)
    except OSError as e:
        return finish(1, "connect: %s" % e)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.settimeout(args.max_stall)
    last_byte = time.monotonic()
    interval = 1.0 / args.rate
    deadline = started + args.duration
    seq = 0
    try:
        while time.monotonic() < deadline:
            slot = time.monotonic()
            chunk = make_chunk(seq, args.chunk)
            try:
                sock.sendall(chunk)
            except socket.timeout:
                raise GaveUp("send blocked for %.1f s" % args.max_stall)
            except OSError as e:
                raise Broke("send: %s" % e)
            st["bytes_tx"] += len(chunk)

            got = bytearray()
            wait_started = time.monotonic()
            stalled = False
            while len(got) < len(chunk):
                now = time.monotonic()
                if now >= next_progress:
                    progress(now)
                    next_progress = now + 1.0
                gap = now - last_byte
                if gap > args.max_stall:
                    raise GaveUp("no data for %.1f s" % gap)
                if not stalled and now - wait_started > args.stall:
                    stalled = True
                    st["stalls"] += 1
                ready, _, _ = select.select([sock], [], [], 0.2)
                if not ready:
                    continue
                try:
                    data = sock.recv(len(chunk) - len(got))
                except OSError as e:
                    raise Broke("recv: %s" % e)
                if not data:
                    raise Broke("recv: connection closed by peer")
                now = time.monotonic()
                st["longest_gap"] = max(st["longest_gap"], now - last_byte)
                last_byte = now
                got += data
            if bytes(got) != chunk:
                raise Mismatch("echo of chunk %d differs from what was sent" % seq)
            st["bytes_rx"] += len(got)
            st["chunks"] += 1
            seq += 1

            now = time.monotonic()
            if now >= next_progress:
                progress(now)
                next_progress = now + 1.0
            pause = slot + interval - now
            if pause > 0:
                time.sleep(min(pause, max(0.0, deadline - now)))
        progress(time.monotonic())
        # Close politely: our FIN, then drain until the server's FIN (bounded).
        try:
            sock.shutdown(socket.SHUT_WR)
            sock.settimeout(3.0)
            while sock.recv(65536):
                pass
        except OSError:
            pass
        return finish(0)
    except Broke as e:
        st["broke"] = True
        return finish(2, str(e))
    except GaveUp as e:
        return finish(3, str(e))
    except Mismatch as e:
        return finish(4, str(e))
    finally:
        sock.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="role", required=True)
    s = sub.add_parser("server", help="echo server")
    s.add_argument("--bind", default="0.0.0.0")
    s.add_argument("--port", type=int, default=9000)
    s.add_argument("--idle", type=float, default=60.0, help="drop a connection idle this long")
    c = sub.add_parser("client", help="one long connection")
    c.add_argument("--host", required=True)
    c.add_argument("--port", type=int, default=9000)
    c.add_argument("--duration", type=float, default=12.0)
    c.add_argument("--rate", type=float, default=50.0, help="chunks per second (bounded)")
    c.add_argument("--chunk", type=int, default=1024, help="bytes per chunk (16..65536)")
    c.add_argument("--stall", type=float, default=1.0, help="count waits longer than this")
    c.add_argument("--max-stall", type=float, default=10.0, help="give up after this long without data")
    c.add_argument("--connect-timeout", type=float, default=3.0)
    args = ap.parse_args()
    if args.role == "server":
        run_server(args)
        return 0
    if not 16 <= args.chunk <= 65536 or not 0 < args.rate <= 1000 or not 0 < args.duration <= 3600:
        ap.error("need 16 <= --chunk <= 65536, 0 < --rate <= 1000, 0 < --duration <= 3600")
    return run_client(args)


if __name__ == "__main__":
    sys.exit(main())
