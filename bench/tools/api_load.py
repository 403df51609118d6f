#!/usr/bin/env python3
"""Creates the benchmark's services in a SwiftLB daemon through its loxilb REST API.

Usage:
  api_load.py --port P main --net N --servers K --mode M [--snat-sources POOL]   web + bulk TCP/UDP services
  api_load.py --port P idle --net N --from A --to B --mode M [--clients C]   idle services A..B-1 (10.N.128.0/17,
                                                                            port 80, then 81, ... every 32,768)
  api_load.py --port P delete --net N --from A --to B [--clients C]   deletes idle services A..B-1, one request each
Prints "created C seconds T" (main, idle) or "deleted C seconds T" (delete). main uses one keep-alive
HTTP connection; idle and delete use C (default 8) concurrent keep-alive connections, one process
each with its own contiguous slice of the services, timed from the moment all are connected to
the last answer. Any answer other than 200 (204 too for DELETE) or a connection error: the status
and body on stderr, exit 1 (the other connections stop at their next request).
"""
import argparse
import http.client
import json
import multiprocessing
import os
import queue
import sys

# The token helper is shared with the e2e tools.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "e2e", "tools"))
from api_token import auth_headers  # noqa: E402
import threading
import time

PATH = "/netlox/v1/config/loadbalancer"


def body(vip, port, proto, mode, endpoints, snat_sources=""):
    arguments = {"externalIP": vip, "port": port, "protocol": proto, "sel": 0, "mode": mode}
    if snat_sources:
        arguments["snatSources"] = snat_sources
    return json.dumps({
        "serviceArguments": arguments,
        "endpoints": [{"endpointIP": ip, "targetPort": p, "weight": 1} for ip, p in endpoints],
    })




def idle_vip(net, index):
    """Address and port of idle service `index`: the /17 holds 32,768 addresses, so the scale
    run's larger steps (100,000 services) take the next port on the same addresses."""
    slot = index % 32768
    return f"10.{net}.{128 + slot // 256}.{slot % 256}", 80 + index // 32768


def post_all(port, requests):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json", **auth_headers()}
    start = time.monotonic()
    for count, payload in enumerate(requests):
        conn.request("POST", PATH, body=payload, headers=headers)
        response = conn.getresponse()
        text = response.read()
        if response.status != 200:
            print(f"POST {count} answered {response.status}: {text[:200]!r}", file=sys.stderr)
            sys.exit(1)
    elapsed = time.monotonic() - start
    conn.close()
    return elapsed


def client(port, requests, barrier, failed, results):
    """One connection: sends its (method, path, body) requests after the start barrier; puts
    (ok, monotonic end time) on results."""
    bare = auth_headers()
    headers = {"Content-Type": "application/json", **bare}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    ok = True
    try:
        conn.connect()
        barrier.wait(timeout=30)
        for method, path, payload in requests:
            if failed.is_set():
                ok = False
                break
            conn.request(method, path, body=payload, headers=headers if payload else bare)
            response = conn.getresponse()
            text = response.read()
            if response.status not in ((200,) if method == "POST" else (200, 204)):
                print(f"{method} {path} answered {response.status}: {text[:200]!r}", file=sys.stderr)
                ok = False
                break
    except threading.BrokenBarrierError:  # another connection failed first and said why
        ok = False
    except (OSError, http.client.HTTPException) as error:
        print(f"connection error: {type(error).__name__}: {error}", file=sys.stderr)
        ok = False
        barrier.abort()
    if not ok:
        failed.set()
    results.put((ok, time.monotonic()))
    conn.close()


def run_concurrent(port, requests, clients):
    """Sends requests over `clients` connections (contiguous slices); returns the seconds from
    all connected to the last answer, or exits 1 if any request failed."""
    clients = max(1, min(clients, len(requests)))
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(clients + 1)
    failed = context.Event()
    results = context.Queue()
    bounds = [len(requests) * k // clients for k in range(clients + 1)]
    procs = [context.Process(target=client, args=(port, requests[bounds[k]:bounds[k + 1]], barrier, failed, results))
             for k in range(clients)]
    for proc in procs:
        proc.start()
    try:
        barrier.wait(timeout=30)
    except threading.BrokenBarrierError:
        failed.set()
    start = time.monotonic()
    ends = []
    while len(ends) < len(procs):
        try:
            ends.append(results.get(timeout=1))
        except queue.Empty:
            if any(proc.is_alive() for proc in procs):
                continue
            try:  # all gone: what they put is in the pipe by now
                ends.append(results.get(timeout=1))
            except queue.Empty:
                print("a client process ended without a result", file=sys.stderr)
                ends.append((False, time.monotonic()))
                break
    for proc in procs:
        proc.join(timeout=10)
        if proc.is_alive():
            proc.kill()
    if failed.is_set() or not all(ok for ok, _ in ends):
        sys.exit(1)
    return max(end for _, end in ends) - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=11111)
    parser.add_argument("what", choices=["main", "idle", "delete"])
    parser.add_argument("--net", type=int, required=True)
    parser.add_argument("--servers", type=int, default=3)
    parser.add_argument("--mode", type=int, default=0)
    parser.add_argument("--from", dest="first", type=int, default=0)
    parser.add_argument("--to", type=int, default=0)
    parser.add_argument("--snat-sources", default="", help="fullnat/onearm source pool of the main services")
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections of idle and delete")
    args = parser.parse_args()
    if args.clients < 1:
        parser.error("--clients must be at least 1")
    n = args.net
    indices = range(args.first, args.to)
    if args.what == "idle":
        requests = [("POST", PATH, body(*idle_vip(n, i), "tcp", args.mode, [(f"10.{n}.2.2", 8080)]))
                    for i in indices]
        elapsed = run_concurrent(args.port, requests, args.clients) if requests else 0.0
        print(f"created {len(requests)} seconds {elapsed:.3f}")
        return
    if args.what == "delete":
        requests = [("DELETE", "{}/externalipaddress/{}/port/{}/protocol/tcp".format(PATH, *idle_vip(n, i)), None)
                    for i in indices]
        elapsed = run_concurrent(args.port, requests, args.clients) if requests else 0.0
        print(f"deleted {len(requests)} seconds {elapsed:.3f}")
        return
    web = [(f"10.{n}.{k + 1}.2", 8080) for k in range(1, args.servers + 1)]
    pool = args.snat_sources
    requests = [body(f"10.{n}.100.1", 80, "tcp", args.mode, web, pool)]
    requests += [body(f"10.{n}.100.2", 5201, proto, args.mode, [(f"10.{n}.2.2", 5201)], pool)
                 for proto in ("tcp", "udp")]
    elapsed = post_all(args.port, requests)
    print(f"created {len(requests)} seconds {elapsed:.3f}")


if __name__ == "__main__":
    main()
