#!/usr/bin/env python3
"""Prints the iptables-restore or nft ruleset a kube-proxy would write for the benchmark's services.

Usage: rules.py iptables|nftables --net N --servers K --services S --mode tcp

Service 0 is the benchmark's web service (VIP 10.N.100.1:80 -> every server :8080); the bulk
service (10.N.100.2:5201 TCP and UDP -> server 1 :5201) comes with it. Services 1..S-1 are idle
ones on 10.N.128.0/17 with one endpoint each, placed like kube-proxy places them (one rule set
per service); the web service sits in the middle of the service list so a linear iptables scan
meets it after half of them (the average case).
"""
import argparse


def services(net, servers, count):
    idle = [(f"10.{net}.{128 + i // 256}.{i % 256}", 80, "tcp", [f"10.{net}.2.2:8080"]) for i in range(count - 1)]
    web = (f"10.{net}.100.1", 80, "tcp", [f"10.{net}.{k + 1}.2:8080" for k in range(1, servers + 1)])
    bulk = [(f"10.{net}.100.2", 5201, proto, [f"10.{net}.2.2:5201"]) for proto in ("tcp", "udp")]
    middle = len(idle) // 2
    return idle[:middle] + [web] + bulk + idle[middle:]


def iptables(svcs):
    out = ["*nat", ":PREROUTING ACCEPT [0:0]", ":KUBE-SERVICES - [0:0]"]
    body = []
    for i, (vip, port, proto, eps) in enumerate(svcs):
        svc = f"KUBE-SVC-{i:06d}"
        out.append(f":{svc} - [0:0]")
        body.append(f"-A KUBE-SERVICES -d {vip}/32 -p {proto} -m {proto} --dport {port} -j {svc}")
        for k, ep in enumerate(eps):
            sep = f"KUBE-SEP-{i:06d}-{k}"
            out.append(f":{sep} - [0:0]")
            left = len(eps) - k
            if left > 1:
                body.append(f"-A {svc} -m statistic --mode random --probability {1 / left:.11f} -j {sep}")
            else:
                body.append(f"-A {svc} -j {sep}")
            body.append(f"-A {sep} -p {proto} -m {proto} -j DNAT --to-destination {ep}")
    out.append("-A PREROUTING -j KUBE-SERVICES")
    return "\n".join(out + body + ["COMMIT", ""])


def nftables(svcs, table):
    elements, chains = [], []
    for i, (vip, port, proto, eps) in enumerate(svcs):
        svc = f"service-{i:06d}"
        elements.append(f"{vip} . {proto} . {port} : goto {svc}")
        if len(eps) == 1:
            chains.append(f"chain {svc} {{ goto endpoint-{i:06d}-0; }}")
        else:
            vmap = ", ".join(f"{k} : goto endpoint-{i:06d}-{k}" for k in range(len(eps)))
            chains.append(f"chain {svc} {{ numgen random mod {len(eps)} vmap {{ {vmap} }}; }}")
        for k, ep in enumerate(eps):
            chains.append(f"chain endpoint-{i:06d}-{k} {{ meta l4proto {proto} dnat to {ep}; }}")
    lines = [f"table ip {table} {{"]
    lines.append("map service-ips { type ipv4_addr . inet_proto . inet_service : verdict; elements = { "
                 + ", ".join(elements) + " }; }")
    lines.append("chain services { ip daddr . meta l4proto . th dport vmap @service-ips; }")
    lines.append("chain nat-prerouting { type nat hook prerouting priority dstnat; policy accept; jump services; }")
    lines += chains
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["iptables", "nftables"])
    parser.add_argument("--net", type=int, required=True)
    parser.add_argument("--servers", type=int, required=True)
    parser.add_argument("--services", type=int, default=1)
    parser.add_argument("--table", default="slbbench")
    args = parser.parse_args()
    svcs = services(args.net, args.servers, max(1, args.services))
    print(iptables(svcs) if args.kind == "iptables" else nftables(svcs, args.table), end="")


if __name__ == "__main__":
    main()
