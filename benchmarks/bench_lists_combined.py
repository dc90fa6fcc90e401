"""The combined index (issue 18): CSL + OFAC + UN + EU + UK + OFSI loaded into one rule set.

Measures, each in a fresh process (so peak memory, ru_maxrss, is its own):

- "stdlib": reading the same files with the standard library only (csv rows, gzip and
  xml.etree elements, no validation): the baseline the other figures are ratios of.
- "combined": `load_rules(lists=[all of them])`: read, validate, entities, listings, name index.
- "csl": `load_rules(lists=[CSL])`, for the name-search comparison.

and, in the last two, the median and 95th-percentile time of `RuleSet.search` over the same
queries: 400 listed names drawn from the CSL and the UN list, each with one typing error (two
adjacent letters swapped) or its words in reverse order, and 100 unlisted names.

Files: the CSL 2022-05 (14,160 rows), OFAC consistent_set_2022-01 (sdn, alt, add), the UN
snapshot 2026-02-27 (1,003 entries) from ../shared/data; the EU XML, UK CSV and OFSI CSV samples
from tests/data (a handful of entries each: no real release of those lists is here).

Run: python benchmarks/bench_lists_combined.py [--repeat N]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import random
import statistics
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from timing import peak_mb, run_child, us_list_rows

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
TESTS = ROOT / "tests" / "data"
CSL = DATA / "csl" / "consolidated_csl_2022-05.csv.gz"
OFAC = DATA / "ofac" / "consistent_set_2022-01"
UN = DATA / "un" / "un_sc_consolidated_2026-02-27.xml.gz"
EU = TESTS / "eu_fsf_sample.xml"
UK_CSV = TESTS / "uk_sanctions_list_sample.csv"
OFSI = TESTS / "ofsi_conlist_sample.csv"
COMBINED = (CSL, OFAC, UN, EU, UK_CSV, OFSI)
"""One version of each list: the UK CSV, not also the UK XML (the same entries: refused)."""
SEED = 18
LISTED, UNLISTED = 400, 100


def _stdlib() -> int:
    """Rows and elements of every file, read with the standard library only."""
    count = us_list_rows(CSL, OFAC)
    for path in (UN, EU):
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        count += sum(1 for _ in ET.fromstring(data).iter())
    for path in (UK_CSV, OFSI):
        count += sum(1 for _ in csv.reader(io.StringIO(path.read_text("utf-8-sig"), newline="")))
    return count


def _queries() -> list[str]:
    """Listed names (CSL and UN) with one typing error or reversed words, and unlisted ones."""
    from screening.lists import read_list

    rng = random.Random(SEED)
    names = [e.name for p in (CSL, UN) for e in read_list(p).entries if len(e.name) >= 8]
    out = []
    for name in rng.sample(names, LISTED):
        if rng.random() < 0.5 and " " in name:
            out.append(" ".join(reversed(name.split())))
        else:
            i = rng.randrange(1, len(name) - 2)
            out.append(name[:i] + name[i + 1] + name[i] + name[i + 2 :])
    first = ["Maria", "Jonas", "Keiko", "Pablo", "Anneli", "Tomasz", "Ingrid", "Ravi"]
    last = ["Lindqvist", "Okafor", "Brennan", "Sato", "Moreau", "Kowalczyk", "Haugen", "Iyer"]
    firms = ["Harbour", "Meadow", "Granite", "Juniper", "Copper", "Willow", "Falcon", "Aster"]
    kinds = ["Bakery Ltd", "Dental Clinic", "Florists", "Bookshop GmbH", "Joinery", "Cafe"]
    for _ in range(UNLISTED // 2):
        out.append(f"{rng.choice(first)} {rng.choice(last)}")
        out.append(f"{rng.choice(firms)} {rng.choice(kinds)}")
    return out


def _child(kind: str) -> dict[str, Any]:
    """One measurement, in this (fresh) process."""
    if kind == "stdlib":
        before = peak_mb()
        start, cpu = time.perf_counter(), time.process_time()
        rows = _stdlib()
        return {
            "seconds": time.perf_counter() - start,
            "cpu": time.process_time() - cpu,
            "rows": rows,
            "base_mb": before,
            "peak_mb": peak_mb(),
        }
    from screening import load_rules

    load_rules()  # the bundled rules and imports, outside the measurement
    before = peak_mb()
    start, cpu = time.perf_counter(), time.process_time()
    rules = load_rules(lists=list(COMBINED if kind == "combined" else (CSL,)))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = peak_mb()
    queries = _queries()
    for q in queries[:20]:  # warm the query-side caches the same way in both runs
        rules.search(q)
    times, found = [], 0
    for q in queries:
        t = time.perf_counter()
        found += bool(rules.search(q))
        times.append(time.perf_counter() - t)
    return {
        "seconds": seconds,
        "cpu": cpu,
        "base_mb": before,
        "peak_mb": peak,
        "entries": sum(v.entries for v in rules.lists),
        "lists": len(rules.lists),
        "names": len(rules.names),
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": statistics.quantiles(times, n=20)[-1] * 1000,
        "found": found,
        "queries": len(queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per measurement")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child)))
        return
    missing = [p for p in COMBINED if not p.exists()]
    if missing:
        raise SystemExit(f"not found: {', '.join(map(str, missing))}")

    runs: dict[str, list[dict[str, Any]]] = {"stdlib": [], "combined": [], "csl": []}
    for _ in range(args.repeat):
        for kind in runs:  # interleaved: a busy moment slows each kind alike
            runs[kind].append(run_child(__file__, kind))
    best = {k: min(v, key=lambda r: r["cpu"]) for k, v in runs.items()}
    base = best["stdlib"]
    print(f"best of {args.repeat} fresh processes (by CPU time)")
    print(
        f"stdlib read          : {base['seconds']:6.2f} s wall, {base['cpu']:6.2f} s CPU, "
        f"peak {base['peak_mb']:4.0f} MB ({base['rows']} rows and elements)"
    )
    for kind, label in (("combined", "combined load_rules"), ("csl", "CSL-only load_rules")):
        r = best[kind]
        print(
            f"{label:<21}: {r['seconds']:6.2f} s wall ({r['seconds'] / base['seconds']:5.1f}x), "
            f"{r['cpu']:6.2f} s CPU ({r['cpu'] / base['cpu']:5.1f}x), "
            f"peak {r['peak_mb']:4.0f} MB ({r['peak_mb'] / base['peak_mb']:4.1f}x; "
            f"{r['peak_mb'] - r['base_mb']:+4.0f} MB in the step); {r['entries']} entries "
            f"from {r['lists']} lists, {r['names']} names"
        )
    comb, csl = best["combined"], best["csl"]
    med_c = statistics.median(r["median_ms"] for r in runs["combined"])
    med_s = statistics.median(r["median_ms"] for r in runs["csl"])
    p95_c = statistics.median(r["p95_ms"] for r in runs["combined"])
    p95_s = statistics.median(r["p95_ms"] for r in runs["csl"])
    print(
        f"name search, {comb['queries']} queries (median of the runs' medians): combined "
        f"{med_c:.2f} ms (p95 {p95_c:.2f}), CSL alone {med_s:.2f} ms (p95 {p95_s:.2f}): "
        f"{med_c / med_s:.2f}x; queries with a match: {comb['found']} vs {csl['found']}"
    )
    verdict = "within" if comb["cpu"] <= 5 and comb["peak_mb"] <= 500 else "OVER"
    print(f"names targets for the combined index (<= 5 s CPU, <= 500 MB peak): {verdict}")


if __name__ == "__main__":
    main()
