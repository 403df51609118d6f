#!/usr/bin/env python3
"""Creates services over several concurrent keep-alive API connections and records each one
only after the daemon acknowledged it, for e2e/sigkill_bulk.

Worker W (0..N-1, one process and one HTTP connection each) POSTs distinct services
10.NET.(200 + 7W + k // 254).(1 + k % 254):80 tcp (k = 0, 1, ...) to /netlox/v1/config/loadbalancer
back to back. After each 200 it appends "VIP:80 UNIXTIME" to OUT_DIR/acked.W and flushes and
fsyncs the file before the next POST, so a line in the file means "the daemon said 200".
All workers connect first and start together (OUT_DIR/started is written then).

A worker stops at a connection error (the daemon was killed), after its share of --max
services (at most 7 x 254), or after --seconds. One line per worker on stdout:
"worker W acked K stopped STOP_REASON". Exit 0 unless a POST was answered with a status other
than 200 (printed with its body) or the arguments are wrong (2). Standard library only.
The admin token comes from SWIFTLB_TOKEN_FILE (NAME SCOPE SECRET lines), as for swiftlbctl.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import queue
import signal
import socket
import sys
import threading
import time

from api_token import auth_headers

PATH = "/netlox/v1/config/loadbalancer"
OCTETS_PER_WORKER = 7  # third octets 200..255 for 8 workers
HOSTS_PER_OCTET = 254  # .1 .. .254




def vip(net, worker, k):
    return f"10.{net}.{200 + OCTETS_PER_WORKER * worker + k // HOSTS_PER_OCTET}.{1 + k % HOSTS_PER_OCTET}"


def payload(address, endpoints):
    return json.dumps({
        "serviceArguments": {"externalIP": address, "port": 80, "protocol": "tcp", "sel": 0, "mode": 0},
        "endpoints": [{"endpointIP": ip, "targetPort": port, "weight": 1} for ip, port in endpoints],
    })


def worker(index, args, endpoints, barrier, results):
    headers = {"Content-Type": "application/json", **auth_headers()}
    conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=args.timeout)
    acked = 0
    stop = "bound"
    status = 0
    try:
        conn.connect()
    except OSError as error:
        stop = f"connect: {error}"
    try:
        barrier.wait(timeout=10)
    except threading.BrokenBarrierError:  # start anyway: the counts say what happened
        pass
    deadline = time.monotonic() + args.seconds
    limit = min(args.max // args.workers + (index < args.max % args.workers),
                OCTETS_PER_WORKER * HOSTS_PER_OCTET)
    path = os.path.join(args.out_dir, f"acked.{index}")
    with open(path, "a") as out:
        for k in range(limit if stop == "bound" else 0):
            if time.monotonic() > deadline:
                stop = "time"
                break
            address = vip(args.net, index, k)
            try:
                conn.request("POST", PATH, body=payload(address, endpoints), headers=headers)
                response = conn.getresponse()
                text = response.read()
            except (OSError, http.client.HTTPException, socket.timeout) as error:
                stop = f"connection: {type(error).__name__}: {error}"
                break
            if response.status != 200:
                stop = f"POST {address}:80 answered {response.status}: {text[:300]!r}"
                status = 1
                break
            out.write(f"{address}:80 {time.time():.6f}\n")
            out.flush()
            os.fsync(out.fileno())
            acked += 1
    conn.close()
    # One write(2) per line: the workers share stdout (a file opened for appending).
    os.write(1, f"worker {index} acked {acked} stopped {stop}\n".encode())
    results.put(status)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=11111)
    parser.add_argument("--net", type=int, required=True, help="second octet of the VIPs")
    parser.add_argument("--endpoints", required=True, help="IP:PORT,... of every service")
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--max", type=int, default=3000, help="services in all")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--timeout", type=float, default=10.0, help="per request")
    args = parser.parse_args()
    if not 1 <= args.workers <= 8 or not 0 <= args.net <= 255 or args.max < 0:
        print("bulk_create: --workers 1..8, --net 0..255, --max >= 0", file=sys.stderr)
        return 2
    try:
        endpoints = [(ip, int(port)) for ip, port in (e.rsplit(":", 1) for e in args.endpoints.split(","))]
    except ValueError:
        print(f"bulk_create: bad --endpoints {args.endpoints!r} (want IP:PORT,...)", file=sys.stderr)
        return 2
    os.makedirs(args.out_dir, exist_ok=True)
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(args.workers + 1)
    results = context.Queue()
    procs = [context.Process(target=worker, args=(i, args, endpoints, barrier, results))
             for i in range(args.workers)]
    for proc in procs:
        proc.start()

    def stop(_signum, _frame):  # take the workers along (teardown signals this process only)
        for proc in procs:
            if proc.is_alive():
                proc.kill()
        os._exit(143)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        barrier.wait(timeout=15)
    except threading.BrokenBarrierError:
        print("bulk_create: not every worker reached the start barrier", flush=True)
    with open(os.path.join(args.out_dir, "started"), "w") as f:
        f.write(f"{time.time():.6f}\n")
    statuses = []
    for _ in procs:
        try:
            statuses.append(results.get(timeout=args.seconds + args.timeout + 15))
        except queue.Empty:  # a worker died without reporting
            statuses.append(1)
    for proc in procs:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()
        elif proc.exitcode:
            statuses.append(1)
    return 1 if any(statuses) else 0


if __name__ == "__main__":
    sys.exit(main())
