#!/usr/bin/env python3
"""Measures what clients of a VIP see while a load balancer fails over (issue 16).

One client process opens --streams long TCP connections to HOST:PORT (an echo server such as
`stream.py server` behind the VIP) and, beside them, starts one short connection every
--short-interval seconds (connect, send --short-bytes, read the echo, close). It runs for
--duration seconds and then reports.

Each long stream sends a numbered chunk --rate times a second and waits for its echo, verifying
every byte (as stream.py's client does). Its gap is the longest time without a received byte
while it waited for one. A stream is broken when it is reset or closed, when an echo differs
from what was sent, or when no byte arrives for --max-stall seconds.

Short connections run concurrently (at most --short-inflight at once, each bounded by
--short-timeout), so a SYN lost while the VIP moves delays one connection, not the ones after
it. The sequence's gap is the longest time between two successive completed connections (from
the start until the first, and from the last until the end count too). A short connection
fails when it is refused, reset, times out or gets a wrong echo.

Output (stdout):

    progress t=<unix> streams_ok=<n> short_ok=<n> short_failed=<n>     once a second
    stream <i> ok|broken chunks=<n> gap=<s> gap_at=<unix> error=<text>
    short attempts=<n> ok=<n> failed=<n> gap=<s> gap_at=<unix> slowest=<s> slowest_at=<unix> errors=<kind:n,...>
    gap t=<unix> len=<s> who=<stream i|short>      every gap above --report-gap, oldest first
    fail t=<unix> who=<stream i|short> error=<...>  when a stream broke / a short connection began
                                                    (short: Error(connect|echo,port=<local port>))
                                                    (the first 100 short failures)
    summary max_gap=<s> who=<...> broken_streams=<n> failed_short=<n> broken=<n> short_ok=<n>
            slowest_short=<s> pass=yes|no

The slowest short connection (its connect + echo time, e.g. 1 s when its SYN was lost and
retransmitted) is reported beside the gap: it is not a silence of the sequence, which other
connections kept filling, but it is the longest wait one short-lived client saw.
    result {json of the same}

gap_at / t are the wall-clock times at which a gap began, so that a caller can tell which event
(takeover, return) caused it. Exit codes: 0 the targets hold (max gap < --max-gap, nothing
broken); 1 they do not; 2 the streams could not all be opened at the start.

Standard library only; every loop is bounded by --duration, --max-stall and --short-timeout.
"""

import argparse
import json
import select
import socket
import struct
import sys
import threading
import time

HEADER = struct.Struct("!Q")


def make_chunk(seq, size):
    body = bytes((seq + i) & 0xFF for i in range(size - HEADER.size))
    return HEADER.pack(seq) + body


def wall(mono, base_mono, base_wall):
    """The wall-clock time of a monotonic instant."""
    return base_wall + (mono - base_mono)


class Gap:
    """The longest silence of one flow of data and every silence above a threshold."""

    def __init__(self, start, threshold):
        self.last = start
        self.longest = 0.0
        self.longest_at = start
        self.threshold = threshold
        self.events = []  # (begin_mono, length)

    def seen(self, now):
        if now <= self.last:  # a completion noted late by another thread: no new silence
            return
        gap = now - self.last
        if gap > self.longest:
            self.longest, self.longest_at = gap, self.last
        if gap > self.threshold:
            self.events.append((self.last, gap))
        self.last = now


class Stream(threading.Thread):
    def __init__(self, index, sock, args, deadline, threshold):
        super().__init__(daemon=True)
        self.index = index
        self.sock = sock
        self.args = args
        self.deadline = deadline
        self.gap = Gap(time.monotonic(), threshold)
        self.chunks = 0
        self.broken = False
        self.error = ""
        self.broke_at = None
        self.done = False

    def run(self):
        try:
            self.stream()
        except Exception as e:  # noqa: BLE001 - any failure of the connection is a break
            self.broken = True
            self.broke_at = time.monotonic()
            self.gap.seen(self.broke_at)  # the silence before the break is a gap too
            self.error = "%s: %s" % (type(e).__name__, e)
        finally:
            self.done = True
            try:
                self.sock.close()
            except OSError:
                pass

    def recv_exact(self, n):
        got = bytearray()
        while len(got) < n:
            now = time.monotonic()
            if now - self.gap.last > self.args.max_stall:
                raise TimeoutError("no data for %.1f s" % (now - self.gap.last))
            ready, _, _ = select.select([self.sock], [], [], 0.1)
            if not ready:
                continue
            data = self.sock.recv(n - len(got))
            if not data:
                raise ConnectionError("closed by peer")
            self.gap.seen(time.monotonic())
            got += data
        return bytes(got)

    def stream(self):
        a = self.args
        interval = 1.0 / a.rate
        seq = 0
        self.gap.last = time.monotonic()
        while time.monotonic() < self.deadline:
            slot = time.monotonic()
            chunk = make_chunk((self.index << 32) | seq, a.chunk)
            self.sock.sendall(chunk)
            if self.recv_exact(len(chunk)) != chunk:
                raise ValueError("echo of chunk %d differs" % seq)
            self.chunks += 1
            seq += 1
            pause = slot + interval - time.monotonic()
            if pause > 0:
                time.sleep(min(pause, max(0.0, self.deadline - time.monotonic())))
        # Politely: our FIN, then the server's (bounded).
        self.sock.shutdown(socket.SHUT_WR)
        self.sock.settimeout(3.0)
        try:
            while self.sock.recv(65536):
                pass
        except OSError:
            pass


class Shorts:
    """Short connections started every interval, each in a thread of its own (bounded)."""

    def __init__(self, args, start, threshold):
        self.args = args
        self.lock = threading.Lock()
        self.gap = Gap(start, threshold)
        self.attempts = 0
        self.ok = 0
        self.failed = 0
        self.skipped = 0
        self.slowest = 0.0
        self.slowest_at = 0.0
        self.errors = {}
        self.failures = []  # (begun_mono, error) of the first 100 failures
        self.inflight = 0
        self.threads = []

    def one(self, seq):
        a = self.args
        begun = time.monotonic()
        payload = make_chunk(seq, a.short_bytes)
        error = None
        # The local port and how far the connection got say, in a capture, which packets were lost.
        port, phase = 0, "connect"
        try:
            family, kind, proto, _, address = socket.getaddrinfo(a.host, a.port, type=socket.SOCK_STREAM)[0]
            with socket.socket(family, kind, proto) as s:
                s.settimeout(a.short_timeout)
                s.bind(("", 0))
                port = s.getsockname()[1]
                s.connect(address)
                phase = "echo"
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                s.sendall(payload)
                got = bytearray()
                while len(got) < len(payload):
                    left = a.short_timeout - (time.monotonic() - begun)
                    if left <= 0:
                        raise TimeoutError("echo timed out")
                    s.settimeout(left)
                    data = s.recv(len(payload) - len(got))
                    if not data:
                        raise ConnectionError("closed before the echo")
                    got += data
                if bytes(got) != payload:
                    raise ValueError("wrong echo")
        except Exception as e:  # noqa: BLE001 - every failure counts
            error = "%s(%s)" % (type(e).__name__, phase)
        now = time.monotonic()
        with self.lock:
            self.inflight -= 1
            if error is None:
                self.ok += 1
                if now - begun > self.slowest:
                    self.slowest, self.slowest_at = now - begun, begun
                self.gap.seen(now)
            else:
                self.failed += 1
                self.errors[error] = self.errors.get(error, 0) + 1
                if len(self.failures) < 100:
                    self.failures.append((begun, "%s,port=%d" % (error, port)))

    def run(self, deadline):
        """Starts connections until deadline; then waits (bounded) for those in flight."""
        a = self.args
        seq = 0
        next_at = time.monotonic()
        while True:
            now = time.monotonic()
            if now >= deadline:
                break
            if now < next_at:
                time.sleep(min(next_at - now, deadline - now))
                continue
            next_at += a.short_interval
            if next_at < now:  # fell behind (a slow host): do not burst to catch up
                next_at = now + a.short_interval
            with self.lock:
                if self.inflight >= a.short_inflight:
                    self.skipped += 1
                    continue
                self.inflight += 1
                self.attempts += 1
            t = threading.Thread(target=self.one, args=(seq,), daemon=True)
            seq += 1
            t.start()
            self.threads.append(t)
            self.threads = [x for x in self.threads if x.is_alive()]
        end = time.monotonic() + a.short_timeout + 1.0
        for t in self.threads:
            t.join(max(0.0, end - time.monotonic()))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", type=int, default=9000)
    ap.add_argument("--streams", type=int, default=20)
    ap.add_argument("--duration", type=float, default=20.0)
    ap.add_argument("--rate", type=float, default=20.0, help="chunks per second per stream")
    ap.add_argument("--chunk", type=int, default=256, help="bytes per chunk (16..65536)")
    ap.add_argument("--max-stall", type=float, default=8.0, help="a stream without data this long is broken")
    ap.add_argument("--short-interval", type=float, default=0.02, help="seconds between short connections")
    ap.add_argument("--short-bytes", type=int, default=64)
    ap.add_argument("--short-timeout", type=float, default=5.0)
    ap.add_argument("--short-inflight", type=int, default=200)
    ap.add_argument("--no-short", action="store_true", help="long streams only")
    ap.add_argument("--max-gap", type=float, default=1.0, help="target: every gap below this (s)")
    ap.add_argument("--report-gap", type=float, default=0.3, help="list gaps longer than this (s)")
    ap.add_argument("--connect-timeout", type=float, default=3.0)
    a = ap.parse_args()
    if not (
        0 <= a.streams <= 200
        and 16 <= a.chunk <= 65536
        and 16 <= a.short_bytes <= 65536
        and 0 < a.rate <= 200
        and 0 < a.duration <= 600
        and 0.005 <= a.short_interval <= 10
        and 0 < a.short_timeout <= 30
        and 1 <= a.short_inflight <= 1000
        and 0 < a.max_stall <= 60
    ):
        ap.error("out of range: streams 0..200, chunk/short-bytes 16..65536, rate (0,200], duration (0,600], "
                 "short-interval 0.005..10, short-timeout (0,30], short-inflight 1..1000, max-stall (0,60]")

    base_mono, base_wall = time.monotonic(), time.time()
    socks = []
    for i in range(a.streams):
        try:
            s = socket.create_connection((a.host, a.port), timeout=a.connect_timeout)
        except OSError as e:
            print("error: stream %d could not connect to %s:%d: %s" % (i, a.host, a.port, e), flush=True)
            for s in socks:
                s.close()
            return 2
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.setblocking(True)
        s.settimeout(a.max_stall)
        socks.append(s)

    start = time.monotonic()
    deadline = start + a.duration
    streams = [Stream(i, s, a, deadline, a.report_gap) for i, s in enumerate(socks)]
    for st in streams:
        st.start()
    shorts = Shorts(a, start, a.report_gap)
    runner = None
    if not a.no_short:
        runner = threading.Thread(target=shorts.run, args=(deadline,), daemon=True)
        runner.start()

    # Progress once a second until the end (bounded by the deadline plus the stall allowance).
    hard_end = deadline + a.max_stall + a.short_timeout + 5.0
    while time.monotonic() < hard_end:
        alive = [st for st in streams if not st.done]
        if time.monotonic() >= deadline and not alive and (runner is None or not runner.is_alive()):
            break
        with shorts.lock:
            sok, sfail = shorts.ok, shorts.failed
        print(
            "progress t=%.3f streams_ok=%d short_ok=%d short_failed=%d"
            % (time.time(), sum(1 for st in streams if not st.broken), sok, sfail),
            flush=True,
        )
        time.sleep(1.0)
    end = time.monotonic()
    for st in streams:
        if not st.done:
            st.broken, st.error = True, "did not finish in time"
    if runner is not None:
        shorts.gap.seen(min(end, deadline))  # the silence before the end counts too

    def w(m):
        return round(wall(m, base_mono, base_wall), 3)

    events = []
    for st in streams:
        print(
            "stream %d %s chunks=%d gap=%.3f gap_at=%.3f error=%s"
            % (st.index, "broken" if st.broken else "ok", st.chunks, st.gap.longest, w(st.gap.longest_at),
               st.error or "-"),
            flush=True,
        )
        events += [(b, length, "stream %d" % st.index) for b, length in st.gap.events]
    if runner is not None:
        errs = ",".join("%s:%d" % kv for kv in sorted(shorts.errors.items())) or "-"
        print(
            "short attempts=%d ok=%d failed=%d skipped=%d gap=%.3f gap_at=%.3f slowest=%.3f slowest_at=%.3f errors=%s"
            % (shorts.attempts, shorts.ok, shorts.failed, shorts.skipped, shorts.gap.longest,
               w(shorts.gap.longest_at), shorts.slowest, w(shorts.slowest_at) if shorts.ok else 0.0, errs),
            flush=True,
        )
        events += [(b, length, "short") for b, length in shorts.gap.events]
    for b, length, who in sorted(events):
        print("gap t=%.3f len=%.3f who=%s" % (w(b), length, who.replace(" ", "")), flush=True)
    fails = [(st.broke_at, "stream%d" % st.index, st.error) for st in streams if st.broke_at is not None]
    fails += [(b, "short", e) for b, e in shorts.failures]
    for at, who, why in sorted(fails):
        print("fail t=%.3f who=%s error=%s" % (w(at), who, why.replace(" ", "_")), flush=True)

    flows = [(st.gap.longest, st.gap.longest_at, "stream%d" % st.index) for st in streams]
    if runner is not None:
        flows.append((shorts.gap.longest, shorts.gap.longest_at, "short"))
    max_gap, max_at, who = max(flows) if flows else (0.0, start, "-")
    broken_streams = sum(1 for st in streams if st.broken)
    failed_short = shorts.failed
    passed = max_gap < a.max_gap and broken_streams == 0 and failed_short == 0
    summary = {
        "max_gap": round(max_gap, 3),
        "max_gap_at": w(max_at),
        "who": who,
        "streams": len(streams),
        "broken_streams": broken_streams,
        "short_ok": shorts.ok,
        "failed_short": failed_short,
        "broken": broken_streams + failed_short,
        "slowest_short": round(shorts.slowest, 3),
        "pass": passed,
    }
    print(
        "summary max_gap=%.3f who=%s broken_streams=%d failed_short=%d broken=%d short_ok=%d slowest_short=%.3f pass=%s"
        % (max_gap, who, broken_streams, failed_short, broken_streams + failed_short, shorts.ok, shorts.slowest,
           "yes" if passed else "no"),
        flush=True,
    )
    print("result " + json.dumps(summary, sort_keys=True), flush=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
