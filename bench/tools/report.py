#!/usr/bin/env python3
"""Turns one benchmark run's TSV (bench/run.sh) into a markdown report and PNG plots.

The TSV has one line per repetition and metric: SECTION CONTENDER SERVICES METRIC VALUE.
Every cell of the report is the median over repetitions with the min-max range; the ratio
table divides each contender's median by SwiftLB's (DNAT mode) in the same run. Plots need
matplotlib (Debian's python3-matplotlib); without it the report says so and still completes.

Also: report.py --check REPORT.md  exits 0 when the report's main table is well formed
(header, separator, one row per contender, the same number of cells in every row) and the
platform floor table (bench/floor.sh) has at least its noop row.
"""
import argparse
import collections
import datetime
import math
import os
import platform
import re
import statistics
import subprocess
import sys

CONTENDERS = ["routing", "swiftlb-dnat", "swiftlb-onearm", "swiftlb-fullnat", "iptables", "nftables", "haproxy",
              "nginx"]
PEERS = ["iptables", "nftables", "haproxy", "nginx"]
BASE = "swiftlb-dnat"
# metric, column title, higher is better, format
METRICS = [
    ("rps", "HTTP req/s (keep-alive)", True, "{:.0f}"),
    ("cps", "new conn/s", True, "{:.0f}"),
    ("p50_ms", "p50 ms", False, "{:.3f}"),
    ("p99_ms", "p99 ms", False, "{:.3f}"),
    ("paced_p99_ms", "paced p99 ms", False, "{:.3f}"),
    ("tcp_gbps", "TCP Gbit/s", True, "{:.2f}"),
    ("udp_pps", "UDP 64 B pkt/s", True, "{:.0f}"),
    ("host_cpu_us", "host CPU µs/req", False, "{:.1f}"),
    ("lb_cpu_us", "LB process CPU µs/req", False, "{:.1f}"),
]
SCALE_METRICS = [("rps", "req/s keep-alive", "{:.0f}"), ("cps", "new conn/s", "{:.0f}"),
                 ("p99_ms", "p99 ms", "{:.3f}"), ("cps_p99_ms", "new-conn p99 ms", "{:.3f}")]


def load(path):
    data = collections.defaultdict(list)
    with open(path) as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 5:
                continue
            section, contender, services, metric, value = parts
            try:
                number = float(value)
            except ValueError:
                continue
            if not math.isnan(number):
                data[(section, contender, services, metric)].append(number)
    return data


def cell(values, fmt):
    if not values:
        return "n/a"
    median = statistics.median(values)
    if len(values) == 1:
        return fmt.format(median)
    return f"{fmt.format(median)} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def median(data, key):
    values = data.get(key)
    return statistics.median(values) if values else None


def command_output(*argv):
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=5)
        text = (result.stdout + result.stderr).strip().splitlines()
        return text[0] if text else "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as handle:
            mem_kib = int(handle.readline().split()[1])
        load_avg = open("/proc/loadavg").read().split()[:3]
    except OSError:
        mem_kib, load_avg = 0, ["?"]
    return {
        "cpu": f"{os.cpu_count()} × {model}",
        "memory": f"{mem_kib / 1048576:.0f} GiB",
        "kernel": platform.release(),
        "load": " ".join(load_avg),
        "versions": "; ".join([
            command_output("wrk", "-v").split(" [")[0], command_output("iperf3", "-v").split(" (")[0],
            command_output("haproxy", "-v").split(" - ")[0], command_output("nginx", "-v").replace("nginx version: ", ""),
            command_output("nft", "-v"), command_output("iptables", "-V")]),
    }


def main_tables(data):
    lines = ["| contender | " + " | ".join(title for _, title, _, _ in METRICS) + " |",
             "|---|" + "---:|" * len(METRICS)]
    for contender in CONTENDERS:
        cells = [cell(data.get(("main", contender, "1", metric), []), fmt) for metric, _, _, fmt in METRICS]
        if data.get(("main", contender, "1", "failed")):
            cells = ["failed to start"] + cells[1:]
        lines.append(f"| {contender} | " + " | ".join(cells) + " |")
    ratio = ["| contender | " + " | ".join(title for _, title, _, _ in METRICS) + " |",
             "|---|" + "---:|" * len(METRICS)]
    for contender in CONTENDERS:
        cells = []
        for metric, _, _, _ in METRICS:
            base, value = median(data, ("main", BASE, "1", metric)), median(data, ("main", contender, "1", metric))
            cells.append(f"{value / base:.2f}×" if base and value is not None else "n/a")
        ratio.append(f"| {contender} | " + " | ".join(cells) + " |")
    return lines, ratio


def paced_note(data):
    """What load the paced run offered: its req/s per contender (set by the pacing, not a contest)."""
    rates = [(c, median(data, ("main", c, "1", "paced_rps"))) for c in CONTENDERS]
    rates = [f"{c} {r:.0f}" for c, r in rates if r is not None]
    if not rates:
        return []
    return ["", "paced: the keep-alive run again with every connection waiting "
            f"{os.environ.get('PACED_DELAY_MS', '2')} ms after each response (bench/tools/paced.lua), "
            "below every contender's maximum, so its p99 is latency without saturation; req/s it reached: "
            + ", ".join(rates) + "."]


def verdicts(data):
    """SwiftLB's best mode against the best peer, per metric, worst first."""
    rows = []
    for metric, title, higher, fmt in METRICS:
        ours = [(median(data, ("main", c, "1", metric)), c) for c in CONTENDERS if c.startswith("swiftlb")]
        peers = [(median(data, ("main", c, "1", metric)), c) for c in PEERS]
        ours = [x for x in ours if x[0] is not None]
        peers = [x for x in peers if x[0] is not None]
        if not ours or not peers:
            continue
        pick = max if higher else min
        best_ours, best_peer = pick(ours), pick(peers)
        if best_ours[0] == 0 or best_peer[0] == 0:
            continue
        # > 1 means SwiftLB is better.
        standing = best_ours[0] / best_peer[0] if higher else best_peer[0] / best_ours[0]
        rows.append((standing, title, best_ours, best_peer, fmt))
    rows.sort()
    out = ["| metric | SwiftLB (best mode) | best peer | SwiftLB relative to the best peer |", "|---|---:|---:|---:|"]
    for standing, title, ours, peer, fmt in rows:
        out.append(f"| {title} | {fmt.format(ours[0])} ({ours[1]}) | {fmt.format(peer[0])} ({peer[1]}) | "
                   f"{standing:.2f}× {'better' if standing >= 1 else 'worse'} |")
    return out, rows


def scale_table(data):
    sizes = sorted({int(k[2]) for k in data if k[0] == "scale"})
    names = sorted({k[1] for k in data if k[0] == "scale"}, key=lambda n: (n != "swiftlb", n))
    lines = ["| contender | services | " + " | ".join(t for _, t, _ in SCALE_METRICS) +
             " | new conn/s vs 1 service | rules load s | daemon RSS MiB | kernel maps MiB |",
             "|---|---:|" + "---:|" * (len(SCALE_METRICS) + 4)]
    for name in names:
        one = median(data, ("scale", name, "1", "cps"))
        for size in sizes:
            if not data.get(("scale", name, str(size), "rps")) and not data.get(("scale", name, str(size), "cps")):
                continue  # a size this contender does not run (iptables and nftables stop at 10,000)
            cells = [cell(data.get(("scale", name, str(size), m), []), fmt) for m, _, fmt in SCALE_METRICS]
            cps = median(data, ("scale", name, str(size), "cps"))
            ratio = f"{cps / one:.3f}" if one and cps is not None else "n/a"
            load_s = cell(data.get(("control", name, str(size), "create_s"), []), "{:.2f}")
            rss = cell(data.get(("control", name, str(size), "rss_mib"), []), "{:.1f}")
            maps = cell(data.get(("control", name, str(size), "kernel_maps_mib"), []), "{:.1f}")
            lines.append(f"| {name} | {size} | " + " | ".join(cells) + f" | {ratio} | {load_s} | {rss} | {maps} |")
    return lines, sizes, names


CHURN_CONTENDERS = ["swiftlb-dnat", "swiftlb-onearm", "swiftlb-fullnat", "iptables", "haproxy"]


def churn_table(data):
    """New connections per second in each window of the sustained churn run (run.sh churn)."""
    windows = sorted({int(k[2]) for k in data if k[0] == "churn" and k[3] == "cps" and k[2] != "0"})
    if not windows:
        return ["(not run)"]
    base = [median(data, ("churn", BASE, str(w), "cps")) for w in windows]
    base_median = statistics.median([v for v in base if v]) if any(base) else None
    header = "| contender | " + " | ".join(f"window {w}" for w in windows) + \
        " | last / first | median / SwiftLB DNAT | client SYN retransmits | server PAWS drops | errors |"
    lines = [header, "|---|" + "---:|" * (len(windows) + 5)]
    for name in CHURN_CONTENDERS:
        rates = [median(data, ("churn", name, str(w), "cps")) for w in windows]
        if not any(rates):
            continue
        cells = [f"{r:.0f}" if r is not None else "n/a" for r in rates]
        first, last = rates[0], rates[-1]
        trend = f"{last / first:.2f}" if first and last is not None else "n/a"
        measured = [r for r in rates if r is not None]
        versus = f"{statistics.median(measured) / base_median:.2f}" if base_median and measured else "n/a"
        errors = sum(sum(data.get(("churn", name, str(w), "errors"), [])) for w in windows)
        retrans = cell(data.get(("churn", name, "0", "syn_retrans"), []), "{:.0f}")
        paws = cell(data.get(("churn", name, "0", "paws_timewait"), []), "{:.0f}")
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {trend} | {versus} | {retrans} | {paws} | {errors:.0f} |")
    lines += ["", "A rate that falls from window to window (last / first well below 1) is the collapse of issue 21; "
              "onearm and fullnat rules use a 64-address snatSources pool (bench/lib/contenders/swiftlb.sh). "
              "Target: onearm and fullnat at 0.90 or more of SwiftLB DNAT, with no SYN retransmits."]
    return lines


def control_table(data):
    lines = ["| SwiftLB control plane | value |", "|---|---:|"]
    idle = data.get(("control", "swiftlb", "0", "idle_rss_mib"), [])
    maps = data.get(("control", "swiftlb", "0", "bpf_map_rss_mib"), [])
    lines.append(f"| daemon RSS at idle, 0 services, without mapped BPF maps (MiB) | {cell(idle, '{:.1f}')} |")
    lines.append(f"| mapped BPF maps resident (the conntrack table; MiB) | {cell(maps, '{:.1f}')} |")
    sizes = sorted({int(k[2]) for k in data if k[0] == "control" and k[1] == "swiftlb" and k[3] == "create_s"})
    total_s, total_n = 0.0, 0
    for size in sizes:
        seconds = median(data, ("control", "swiftlb", str(size), "create_s"))
        created = median(data, ("control", "swiftlb", str(size), "created"))
        rss = median(data, ("control", "swiftlb", str(size), "rss_mib"))
        if seconds is None or not created:
            continue
        total_s, total_n = total_s + seconds, total_n + created
        lines.append(f"| grow to {size} services: {created:.0f} POSTs through the API (s, per service ms) | "
                     f"{seconds:.2f} ({seconds / created * 1000:.2f}) |")
        lines.append(f"| daemon RSS with {size} services, without mapped BPF maps (MiB) | {rss:.1f} |")
    if total_n:
        lines.append(f"| all {total_n:.0f} services created (s) | {total_s:.2f} |")
    clients = [v for k, values in data.items() if k[:2] == ("control", "swiftlb") and k[3] == "clients"
               for v in values]
    if clients:
        value = f"{clients[0]:.0f}" if len(set(clients)) == 1 else cell(clients, "{:.0f}")
        lines.append(f"| concurrent API connections of those POSTs | {value} |")
    for key in sorted((k for k in data if k[:2] == ("control", "swiftlb") and k[3] == "delete_each_s"),
                      key=lambda k: int(k[2])):
        seconds = median(data, key)
        deleted = median(data, key[:3] + ("deleted",))
        conns = median(data, key[:3] + ("delete_clients",))
        if seconds is None or not deleted:
            continue
        over = f" over {conns:.0f} connections" if conns else ""
        lines.append(f"| DELETE one by one, {deleted:.0f} of {key[2]} services{over} (s, per delete ms) | "
                     f"{seconds:.2f} ({seconds / deleted * 1000:.2f}) |")
    for key in sorted((k for k in data if k[:2] == ("control", "swiftlb") and k[3] == "delete_all_s"),
                      key=lambda k: int(k[2])):
        rest = median(data, key[:3] + ("delete_all_services",))
        what = f"the other {rest:.0f} of {key[2]}" if rest is not None and rest < int(key[2]) else key[2]
        lines.append(f"| DELETE all, {what} services, one request (s) | {cell(data[key], '{:.3f}')} |")
    return lines


def plots(data, prefix, sizes, names):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return [], "matplotlib is not installed: no plots (apt-get install python3-matplotlib)"
    made = []
    fig, ax = plt.subplots(figsize=(10, 4.5))
    width = 0.38
    for offset, (metric, label) in enumerate([("rps", "HTTP req/s, keep-alive"), ("cps", "new connections/s")]):
        values = [median(data, ("main", c, "1", metric)) or 0 for c in CONTENDERS]
        spans = [data.get(("main", c, "1", metric), [0]) for c in CONTENDERS]
        errors = [[v - min(s) for v, s in zip(values, spans)], [max(s) - v for v, s in zip(values, spans)]]
        positions = [i + (offset - 0.5) * width for i in range(len(CONTENDERS))]
        ax.bar(positions, values, width, yerr=errors, capsize=3, label=label)
    ax.set_xticks(range(len(CONTENDERS)))
    ax.set_xticklabels(CONTENDERS, rotation=20)
    ax.set_ylabel("per second (median, bars: min–max)")
    ax.set_title("Requests and new connections per second, one run, same topology")
    ax.legend()
    fig.tight_layout()
    fig.savefig(prefix + "-rps-cps.png", dpi=90)
    plt.close(fig)
    made.append(prefix + "-rps-cps.png")
    if sizes and names:
        fig, axes = plt.subplots(1, 2, figsize=(10, 4))
        for ax, (metric, label) in zip(axes, [("cps", "new connections/s"), ("rps", "HTTP req/s, keep-alive")]):
            for name in names:
                points = [(s, median(data, ("scale", name, str(s), metric))) for s in sizes]
                points = [(s, v) for s, v in points if v is not None]
                if points:
                    ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=name)
            ax.set_xscale("log")
            ax.set_xlabel("services configured (traffic to one)")
            ax.set_ylabel(label)
            ax.set_ylim(bottom=0)
            ax.legend()
        fig.suptitle("Cost vs number of services")
        fig.tight_layout()
        fig.savefig(prefix + "-scale.png", dpi=90)
        plt.close(fig)
        made.append(prefix + "-scale.png")
    return made, ""


def check(path):
    """Validates the main table of a report; prints what is wrong."""
    text = open(path).read()
    match = re.search(r"## Contenders\n\n((?:\|.*\n)+)", text)
    if not match:
        print("check: no '## Contenders' table")
        return 1
    rows = [r for r in match.group(1).splitlines() if r.strip()]
    widths = {r.count("|") for r in rows}
    names = [r.split("|")[1].strip() for r in rows[2:]]
    problems = []
    if len(widths) != 1:
        problems.append(f"rows have different cell counts {sorted(widths)}")
    if not re.fullmatch(r"\|---\|(---:\|)+", rows[1]):
        problems.append("bad separator row")
    if names != CONTENDERS:
        problems.append(f"contenders {names} != {CONTENDERS}")
    if rows[0].count("|") != len(METRICS) + 2:
        problems.append("wrong number of columns")
    numeric = sum(1 for r in rows[2:] for c in r.split("|")[2:-1] if re.match(r"\s*[0-9]", c))
    if numeric == 0:
        problems.append("no measured value at all")
    for needed in ["## Scale", "## Datapath", "## Platform floor", "kernel"]:
        if needed not in text:
            problems.append(f"missing {needed}")
    if not re.search(r"^\|[^|\n]*`noop`[^|\n]*\| [0-9]+ \|", text, re.M):
        problems.append("no measured noop row in the platform floor table")
    for problem in problems:
        print("check:", problem)
    if not problems:
        print(f"check: {path} well formed ({len(names)} contenders, {numeric} measured cells)")
    return 1 if problems else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--check")
    parser.add_argument("--tsv")
    parser.add_argument("--datapath")
    parser.add_argument("--floor")
    parser.add_argument("--mode", default="full")
    parser.add_argument("--servers", default="3")
    parser.add_argument("--duration", default="?")
    parser.add_argument("--reps", default="?")
    parser.add_argument("--elapsed", default="?")
    parser.add_argument("--out")
    parser.add_argument("--plots")
    args = parser.parse_args()
    if args.check:
        sys.exit(check(args.check))
    data = load(args.tsv)
    info = machine()
    main_lines, ratio_lines = main_tables(data)
    verdict_lines, _ = verdicts(data)
    scale_lines, sizes, names = scale_table(data)
    made, plot_note = plots(data, args.plots, sizes, names) if args.plots else ([], "")
    datapath = open(args.datapath).read() if args.datapath and os.path.exists(args.datapath) else "(not run)\n"
    floor = open(args.floor).read() if args.floor and os.path.exists(args.floor) else "(not run)\n"
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = [f"# SwiftLB benchmark, {args.mode} run, {now}", "",
           f"- machine: {info['cpu']}, {info['memory']}; kernel {info['kernel']}; load average at the end {info['load']}",
           f"- run: {args.servers} servers, {args.duration} s per measurement, repetitions: {args.reps}, "
           f"wrk 1 thread × {os.environ.get('BENCH_CONNECTIONS', '16')} connections; the whole run took {args.elapsed} s",
           f"- tools: {info['versions']}",
           "- cells: median over repetitions (min–max). The machine is shared (other builds run beside the "
           "benchmark), so compare rows of this run, not runs.", "",
           "## Contenders", ""] + main_lines + paced_note(data) + [
           "", "### Ratio to SwiftLB (DNAT mode), medians", ""] + ratio_lines + [
           "", "### SwiftLB against the best peer (worst standing first)", ""] + verdict_lines + [
           "", "## Scale (traffic to one service among N)", ""] + scale_lines + [
           "", "## Connection churn (short connections, back-to-back windows)", ""] + churn_table(data) + [
           "", "## Control plane", ""] + control_table(data) + [
           "", "## Datapath (BPF_PROG_TEST_RUN)", "", datapath.strip(), "",
           "## Platform floor (single operations, bench/floor.sh)", "", floor.strip(), ""]
    for path in made:
        out += [f"![{os.path.basename(path)}]({os.path.basename(path)})", ""]
    if plot_note:
        out += [plot_note, ""]
    with open(args.out, "w") as handle:
        handle.write("\n".join(out))


if __name__ == "__main__":
    main()
