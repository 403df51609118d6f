#!/usr/bin/env python3
"""Creates the benchmark's services in a SwiftLB daemon through its loxilb REST API.

Usage:
  api_load.py --port P main --net N --servers K --mode M [--snat-sources POOL]   web + bulk TCP/UDP services
  api_load.py --port P idle --net N --from A --to B --mode M   idle services A..B-1 (10.N.128.0/17)
Prints "created C seconds T". One keep-alive HTTP connection; stops at the first error.
"""
import argparse
import http.client
import json
import os
import sys
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


def auth_headers():
    """The daemon's admin token from SWIFTLB_TOKEN_FILE (NAME SCOPE SECRET lines), if set."""
    path = os.environ.get("SWIFTLB_TOKEN_FILE")
    if not path:
        return {}
    with open(path) as f:
        for line in f:
            fields = line.split()
            if len(fields) == 3 and fields[1] == "admin":
                return {"Authorization": "Bearer " + fields[2]}
    return {}


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=11111)
    parser.add_argument("what", choices=["main", "idle"])
    parser.add_argument("--net", type=int, required=True)
    parser.add_argument("--servers", type=int, default=3)
    parser.add_argument("--mode", type=int, default=0)
    parser.add_argument("--from", dest="first", type=int, default=0)
    parser.add_argument("--to", type=int, default=0)
    parser.add_argument("--snat-sources", default="", help="fullnat/onearm source pool of the main services")
    args = parser.parse_args()
    n = args.net
    if args.what == "main":
        web = [(f"10.{n}.{k + 1}.2", 8080) for k in range(1, args.servers + 1)]
        pool = args.snat_sources
        requests = [body(f"10.{n}.100.1", 80, "tcp", args.mode, web, pool)]
        requests += [body(f"10.{n}.100.2", 5201, proto, args.mode, [(f"10.{n}.2.2", 5201)], pool)
                     for proto in ("tcp", "udp")]
    else:
        requests = (body(f"10.{n}.{128 + i // 256}.{i % 256}", 80, "tcp", args.mode, [(f"10.{n}.2.2", 8080)])
                    for i in range(args.first, args.to))
    elapsed = post_all(args.port, requests)
    count = 3 if args.what == "main" else max(0, args.to - args.first)
    print(f"created {count} seconds {elapsed:.3f}")


if __name__ == "__main__":
    main()
