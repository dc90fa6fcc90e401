"""Loading official lists into a rule set: seconds and peak memory, against a baseline.

Loads the full Consolidated Screening List (2022-05, 14,160 rows) plus the OFAC SDN triple
(consistent_set_2022-01: sdn.csv, alt.csv, add.csv) with the bundled rules, i.e. parsing,
validating, building an entity and a listing per entry and indexing ~60k names. Targets:
<= 5 s and <= 500 MB together.

Each measurement runs in a fresh process, so peak memory (ru_maxrss) is its own; wall time and
CPU time are both reported (on a shared, busy machine wall time inflates, CPU time much less).
The figures are reported next to a baseline measured in the same run on the same files:

- baseline "csv": reading the same files with the csv module into lists of rows (no validation).
- "read": `read_list` of each list (parse, validate, build `ListEntry`s; no rules).
- "load": `load_rules(lists=[...])`: read + rules + entities/listings + name index.

Run: python benchmarks/bench_lists.py [--repeat N]   (needs ../shared/data beside the repo)
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from timing import peak_mb, run_child, us_list_rows

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
CSL = DATA / "csl" / "consolidated_csl_2022-05.csv.gz"
OFAC = DATA / "ofac" / "consistent_set_2022-01"


def _child(kind: str) -> dict[str, Any]:
    """One measurement, in this (fresh) process."""
    if kind == "csv":
        before = peak_mb()
        start, cpu = time.perf_counter(), time.process_time()
        rows = us_list_rows(CSL, OFAC)
        return {
            "seconds": time.perf_counter() - start,
            "cpu": time.process_time() - cpu,
            "rows": rows,
            "base_mb": before,
        }
    from screening import load_rules
    from screening.lists import read_list

    load_rules()  # the bundled rules and imports, outside the measurement
    before = peak_mb()
    start, cpu = time.perf_counter(), time.process_time()
    if kind == "read":
        entries = sum(len(read_list(p).entries) for p in (CSL, OFAC))
        return {
            "seconds": time.perf_counter() - start,
            "cpu": time.process_time() - cpu,
            "entries": entries,
            "base_mb": before,
        }
    rules = load_rules(lists=[CSL, OFAC])
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "seconds": seconds,
        "cpu": cpu,
        "rules": len(rules),
        "names": len(rules.names),
        "entries": sum(v.entries for v in rules.lists),
        "base_mb": before,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per measurement")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = _child(args.child)
        result["peak_mb"] = peak_mb()
        print(json.dumps(result))
        return
    if not CSL.exists():
        raise SystemExit(f"shared data not found at {DATA}")

    best: dict[str, dict[str, Any]] = {}
    for _ in range(args.repeat):
        for kind in ("csv", "read", "load"):
            result = run_child(__file__, kind)
            if kind not in best or result["seconds"] < best[kind]["seconds"]:
                best[kind] = result
    csv_s, csv_cpu = best["csv"]["seconds"], best["csv"]["cpu"]
    print(f"files: {CSL.name} + {OFAC.name}/{{sdn,alt,add}}.csv; best of {args.repeat} processes")
    for kind, label in (
        ("csv", "baseline csv rows"),
        ("read", "read_list (entries)"),
        ("load", "load_rules (rule set)"),
    ):
        r = best[kind]
        print(
            f"{label:<22}: {r['seconds']:6.2f} s wall ({r['seconds'] / csv_s:5.1f}x csv), "
            f"{r['cpu']:6.2f} s CPU ({r['cpu'] / csv_cpu:5.1f}x csv)  "
            f"peak {r['peak_mb']:4.0f} MB ({r['peak_mb'] - r['base_mb']:+4.0f} MB in the step)"
        )
    load = best["load"]
    print(
        f"rule set: {load['rules']} rules from {load['entries']} list entries, "
        f"{load['names']} names indexed"
    )
    verdict = "within" if load["cpu"] <= 5 and load["peak_mb"] <= 500 else "OVER"
    print(f"targets (<= 5 s CPU, <= 500 MB peak): {verdict}")


if __name__ == "__main__":
    main()
