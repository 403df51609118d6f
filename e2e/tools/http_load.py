#!/usr/bin/env python3
"""Sends HTTP GETs to one URL back to back and logs each outcome, for health-check scenarios.

Each line of the log: "<start unix ms> <end unix ms> ok <body>" or "<start> <end> fail <reason>".
Stops on SIGTERM/SIGINT, after --max-requests, or after --max-seconds, whichever comes first
(every loop is bounded). One new connection per request (Connection: close), --timeout per request.
Standard library only.
"""

import argparse
import signal
import socket
import sys
import time
import urllib.error
import urllib.request

stopping = False


def stop(_signum, _frame):
    global stopping
    stopping = True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--timeout", type=float, default=2.0)
    parser.add_argument("--pause", type=float, default=0.02)
    parser.add_argument("--max-requests", type=int, default=5000)
    parser.add_argument("--max-seconds", type=float, default=90.0)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    deadline = time.monotonic() + args.max_seconds
    with open(args.log, "w", buffering=1) as log:
        for _ in range(args.max_requests):
            if stopping or time.monotonic() > deadline:
                break
            start = int(time.time() * 1000)
            try:
                request = urllib.request.Request(args.url, headers={"Connection": "close"})
                with urllib.request.urlopen(request, timeout=args.timeout) as response:
                    body = response.read().decode("utf-8", "replace").strip()
                outcome = "ok " + (body or "-")
            except (urllib.error.URLError, OSError, socket.timeout) as error:
                outcome = "fail " + str(getattr(error, "reason", error)).replace("\n", " ")
            end = int(time.time() * 1000)
            log.write(f"{start} {end} {outcome}\n")
            time.sleep(args.pause)
    return 0


if __name__ == "__main__":
    sys.exit(main())
