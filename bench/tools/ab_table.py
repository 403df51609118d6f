#!/usr/bin/env python3
"""Summarises bench/ab.sh's runs: per path and object, the median of the rounds' "above floor ns"
(min-max). Usage: ab_table.py DIR NAME... (DIR holds NAME.ROUND.md, each a swiftlb-bench table)."""
import statistics
import sys
from pathlib import Path


def rows(path):
    """(path label, ns above floor) of each row of a swiftlb-bench --paths-only table."""
    for line in path.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[0] not in ("path", "") and not cells[0].startswith("---"):
            try:
                yield cells[0], float(cells[3])
            except ValueError:
                continue


def main():
    directory, names = Path(sys.argv[1]), sys.argv[2:]
    values = {}  # path -> name -> [ns]
    order = []
    for name in names:
        for run in sorted(directory.glob(f"{name}.*.md")):
            for label, above in rows(run):
                if label not in values:
                    values[label] = {}
                    order.append(label)
                values[label].setdefault(name, []).append(above)
    print("| path | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for label in order:
        cells = []
        for name in names:
            got = values[label].get(name, [])
            if got:
                cells.append(f"{statistics.median(got):.0f} ({min(got):.0f}–{max(got):.0f})")
            else:
                cells.append("n/a")
        print(f"| {label} | " + " | ".join(cells) + " |")
    print(f"\nns above the wrapper floor, median of {max(len(v) for d in values.values() for v in d.values())} "
          "rounds (min–max).")


if __name__ == "__main__":
    main()
