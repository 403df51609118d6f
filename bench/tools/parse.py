#!/usr/bin/env python3
"""Reads one load generator's output and prints its numbers on one line.

  parse.py wrk FILE     -> "RPS P50_MS P99_MS REQUESTS ERRORS"
  parse.py iperf FILE   -> "GBIT_PER_S"        (iperf3 -J, TCP: bits received per second)
  parse.py udp FILE     -> "PACKETS_PER_S"     (iperf3 -J -u: datagrams received per second)
Prints "nan ..." when the output holds no result (the caller records the run as failed).
"""
import json
import re
import sys

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def duration_ms(text):
    match = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", text)
    return float(match.group(1)) * UNITS[match.group(2)] if match else float("nan")


def wrk(text):
    rps = re.search(r"Requests/sec:\s+([0-9.]+)", text)
    total = re.search(r"(\d+) requests in", text)
    p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors += int(non2xx.group(1)) if non2xx else 0
    if not rps or not total:
        return "nan nan nan 0 0"
    return " ".join([rps.group(1), str(duration_ms(p50.group(1)) if p50 else "nan"),
                     str(duration_ms(p99.group(1)) if p99 else "nan"), total.group(1), str(errors)])


def iperf(text, udp):
    try:
        end = json.loads(text)["end"]
    except (ValueError, KeyError):
        return "nan"
    if not udp:
        received = end.get("sum_received", {})
        return f"{received.get('bits_per_second', float('nan')) / 1e9:.3f}"
    summary = end.get("sum_received") or end.get("sum") or {}
    seconds = summary.get("seconds") or 0
    if "packets" not in summary or not seconds:
        return "nan"
    received = summary["packets"] - summary.get("lost_packets", 0)
    return f"{received / seconds:.0f}"


def main():
    kind, path = sys.argv[1], sys.argv[2]
    with open(path, errors="replace") as handle:
        text = handle.read()
    if kind == "wrk":
        print(wrk(text))
    else:
        print(iperf(text, kind == "udp"))


if __name__ == "__main__":
    main()
