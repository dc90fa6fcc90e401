"""The combined index (issue 18): CSL + OFAC + UN + EU + UK + OFSI loaded into one rule set.

Measures, each in a fresh process (so peak memory, ru_maxrss, is its own):

- "stdlib": reading the same files with the standard library only (csv rows, gzip and
  xml.etree elements, no validation): the baseline the other figures are ratios of.
- "combined": `load_rules(lists=[all of them])`: read, validate, entities, listings, name index.
- "csl": `load_rules(lists=[CSL])`, for the name-search comparison.

In the last two, the name index's build (`NameIndex.__init__`, inside the load) is also timed on
its own, with the memory it leaves resident (RSS after it less RSS before it) and how far the
process's peak rose during it: the figures issue 15's targets (<= 3 s CPU, <= 300 MB) apply to.

and, in the last two, the median and 95th-percentile time of `RuleSet.search` over the same
queries: 400 listed names drawn from the CSL and the UN list, each with one typing error (two
adjacent letters swapped) or its words in reverse order, and 100 unlisted names.

Files: the CSL 2022-05 (14,160 rows), OFAC consistent_set_2022-01 (sdn, alt, add), the UN
snapshot 2026-02-27 (1,003 entries) from ../shared/data; the EU XML, UK CSV and OFSI CSV samples
from tests/data (a handful of entries each: no real release of those lists is here).

Run: python benchmarks/bench_lists_combined.py [--repeat N]
     python benchmarks/bench_lists_combined.py --profile [--top N]

``--profile`` profiles one combined load instead: cProfile (functions by own and cumulative
time), then, in another process, tracemalloc (the allocation sites holding the most memory at
the end of the load, and at the peak of the name index's build).
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import gzip
import io
import json
import os
import pstats
import random
import statistics
import subprocess
import sys
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


def _rss_mb() -> float:
    """This process's resident memory now, in MB (Linux: /proc/self/statm, in pages)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _timed_index(into: dict[str, float]) -> None:
    """Time the name index's build wherever a load makes it: CPU and wall seconds, resident
    memory before and after, and the peak after (the peak before is the load's so far)."""
    from screening.names import NameIndex

    build = NameIndex.__init__

    def timed(self: NameIndex, *args: Any, **kwargs: Any) -> None:
        into.update(rss_before=_rss_mb(), peak_before=peak_mb())
        start, cpu = time.perf_counter(), time.process_time()
        build(self, *args, **kwargs)
        into.update(
            seconds=time.perf_counter() - start,
            cpu=time.process_time() - cpu,
            rss_after=_rss_mb(),
            peak_after=peak_mb(),
        )

    NameIndex.__init__ = timed  # type: ignore[method-assign]


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
    index: dict[str, float] = {}
    _timed_index(index)
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
        "index": index,
    }


def _profile(top: int) -> None:
    """cProfile of one combined load, by own then cumulative time."""
    from screening import load_rules

    load_rules()
    profiler = cProfile.Profile()
    profiler.enable()
    load_rules(lists=list(COMBINED))
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def _allocations(top: int) -> None:
    """tracemalloc of one combined load: what holds memory at the end, and at the index's peak."""
    import tracemalloc

    from screening import load_rules
    from screening.names import NameIndex

    load_rules()
    build = NameIndex.__init__
    at_peak: list[Any] = []

    def traced(self: NameIndex, *args: Any, **kwargs: Any) -> None:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        build(self, *args, **kwargs)
        current, peak = tracemalloc.get_traced_memory()
        at_peak.append((before, current, peak))

    NameIndex.__init__ = traced  # type: ignore[method-assign]
    tracemalloc.start(1)
    rules = load_rules(lists=list(COMBINED))
    snapshot = tracemalloc.take_snapshot()
    total, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"traced: {total / 2**20:.0f} MB held after the load, peak {peak / 2**20:.0f} MB")
    for before, current, index_peak in at_peak:
        print(
            f"name index: {before / 2**20:.0f} MB before its build, {current / 2**20:.0f} MB "
            f"after (+{(current - before) / 2**20:.0f} MB), peak {index_peak / 2**20:.0f} MB"
        )
    print(f"by package, held after the load (rule set alive: {len(rules)} rules)")
    by_package: dict[str, int] = {}
    for stat in snapshot.statistics("filename"):
        parts = Path(stat.traceback[0].filename).parts
        where = next(
            (p for p in reversed(parts[:-1]) if p in ("names", "lists", "rules", "site-packages")),
            parts[-2] if len(parts) > 1 else parts[0],
        )
        if where == "site-packages":
            where = parts[parts.index("site-packages") + 1]
        by_package[where] = by_package.get(where, 0) + stat.size
    for where, size in sorted(by_package.items(), key=lambda kv: -kv[1])[:10]:
        print(f"{size / 2**20:8.1f} MB  {where}")
    print(f"top {top} allocation sites held after the load")
    for stat in snapshot.statistics("lineno")[:top]:
        frame = stat.traceback[0]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        print(f"{stat.size / 2**20:8.1f} MB {stat.count:9} blocks  {where}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per measurement")
    parser.add_argument("--profile", action="store_true", help="profile one combined load")
    parser.add_argument("--top", type=int, default=25, help="rows of each profile table")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "allocations":
        _allocations(args.top)
        return
    if args.child:
        print(json.dumps(_child(args.child)))
        return
    if args.profile:
        _profile(args.top)
        out = subprocess.run(
            [sys.executable, __file__, "--child", "allocations", "--top", str(args.top)],
            check=True,
            capture_output=True,
            text=True,
        )
        print(out.stdout)
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
        ix = r["index"]
        print(
            f"  of which name index: {ix['seconds']:6.2f} s wall, {ix['cpu']:6.2f} s CPU, "
            f"{ix['rss_after'] - ix['rss_before']:+4.0f} MB resident after it "
            f"({ix['rss_after']:4.0f} MB), peak {ix['peak_after']:4.0f} MB "
            f"({ix['peak_after'] - ix['peak_before']:+4.0f} MB during it)"
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
    ix = comb["index"]
    verdict = "within" if ix["cpu"] <= 3 and comb["peak_mb"] <= 300 else "OVER"
    print(
        f"names targets (issue 15) on the combined index: index build {ix['cpu']:.2f} s CPU "
        f"(<= 3 s), process peak {comb['peak_mb']:.0f} MB (<= 300 MB): {verdict}"
    )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
