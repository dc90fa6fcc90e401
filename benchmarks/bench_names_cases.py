"""Per-class figures of the name matcher on the labelled sets of issue 15 (full CSL 2022-05).

Reads ``benchmarks/names_cases/<set>/*.jsonl`` (made by ``make_names_cases.py``) and prints, per
class: top-1 recall of its queries at the rule set's ``possible`` threshold, the pairwise AUC of
its pairs (each query with its source name is a true pair; the negative pairs are written in the
file), and over the unlisted real names the false-alarm rate; then the median query time, the
index build time (best of 3, cold caches) and the peak memory of a fresh process.

    python benchmarks/bench_names_cases.py [--set tune|aside|both] [--show 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_names import _probe, build_index, candidates, read_csl, thresholds

from screening.names import NameIndex

CASES = Path(__file__).resolve().parent / "names_cases"


def load(which: str) -> dict[str, list[dict[str, Any]]]:
    out = {}
    for path in sorted((CASES / which).glob("*.jsonl")):
        lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x]
        out[path.stem] = [x for x in lines if "type" in x]
    return out


def auc(pos: list[float], neg: list[float]) -> float:
    """The probability that a true pair outscores a false one (ties count half)."""
    if not pos or not neg:
        return float("nan")
    neg_sorted = sorted(neg)
    import bisect

    total = 0.0
    for p in pos:
        lo = bisect.bisect_left(neg_sorted, p)
        hi = bisect.bisect_right(neg_sorted, p)
        total += lo + 0.5 * (hi - lo)
    return total / (len(pos) * len(neg))


def run(index: NameIndex, which: str, possible: float, show: int) -> dict[str, Any]:
    classes = load(which)
    times: list[float] = []
    figures: dict[str, Any] = {}
    all_pos: list[float] = []
    all_neg: list[float] = []
    print(f"\n== set {which}")
    print(f"{'class':12}{'recall':>8}{'n':>5}{'AUC':>8}{'pos':>6}{'neg':>6}  mean neg score")
    for cls, cases in classes.items():
        if cls == "unlisted":
            continue
        hits = total = 0
        pos: list[float] = []
        neg: list[float] = []
        misses = []
        by_how: dict[str, list[float]] = defaultdict(list)
        for c in cases:
            if c["type"] == "query":
                start = time.perf_counter()
                found = index.search(c["query"], cutoff=possible)
                times.append(time.perf_counter() - start)
                ok = bool(found) and found[0].key in c["truth"]
                hits += ok
                total += 1
                by_how[c["how"]].append(ok)
                if not ok:
                    misses.append((c["how"], c["query"], c["source"], found[0] if found else None))
                pos.append(index.similarity(c["query"], c["source"]))
            elif c["same"] is None:  # measured apart: the score must drop, not vanish
                s = index.similarity(c["a"], c["b"])
                by_how["apart " + c["how"] + " (score < 1)"].append(s < 1.0)
                by_how["apart " + c["how"] + " (score >= possible)"].append(s >= possible)
            else:
                s = index.similarity(c["a"], c["b"])
                (pos if c["same"] else neg).append(s)
                if not c["same"]:
                    by_how["neg " + c["how"].split(":")[0]].append(s < possible)
        a = auc(pos, neg)
        all_pos += pos
        all_neg += neg
        rec = hits / total if total else float("nan")
        mean_neg = statistics.mean(neg) if neg else float("nan")
        print(f"{cls:12}{rec:8.3f}{total:5}{a:8.3f}{len(pos):6}{len(neg):6}  {mean_neg:.3f}")
        for how, oks in sorted(by_how.items()):
            label = (
                "below possible"
                if how.startswith("neg ")
                else ""
                if how.startswith("apart")
                else "top-1"
            )
            print(f"    {how:44} {label} {sum(oks) / len(oks):.3f} of {len(oks)}")
        for how, q, src, got in misses[:show]:
            top = f"{got.name!r} {got.score}" if got else "-"
            print(f"    miss [{how}] {q!r} (from {src!r}) -> {top}")
        figures[cls] = {"recall": rec, "auc": a}
    alarms = []
    unlisted = classes.get("unlisted", [])
    for c in unlisted:
        start = time.perf_counter()
        found = index.search(c["query"], cutoff=possible)
        times.append(time.perf_counter() - start)
        if found:
            alarms.append((c["query"], found[0].name, found[0].score))
    rate = len(alarms) / max(1, len(unlisted))
    overall = auc(all_pos, all_neg)
    print(f"{'ALL pairs':12}{'':13}{overall:8.3f}{len(all_pos):6}{len(all_neg):6}")
    print(f"false alarms on {len(unlisted)} unlisted real names: {rate:.3f} ({len(alarms)})")
    for q, name, s in alarms[:show]:
        print(f"    alarm {q!r} -> {name!r} {s}")
    med = statistics.median(times) * 1000
    print(f"median ms/query {med:.3f} (p95 {sorted(times)[int(0.95 * len(times))] * 1000:.2f})")
    figures.update(auc=overall, alarms=rate, median_ms=med)
    return figures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", default="tune", choices=["tune", "aside", "both"])
    ap.add_argument("--show", type=int, default=5)
    ap.add_argument("--memory", action=argparse.BooleanOptionalAction, default=True)
    args = ap.parse_args(argv)
    probe = _probe() if args.memory else None
    _, possible = thresholds()
    cands = candidates(read_csl())
    index, wall, cpu = build_index(cands, possible)
    print(f"CSL 2022-05: {len(cands)} names; possible {possible}; index {index.stats()}")
    for which in ("tune", "aside") if args.set == "both" else (args.set,):
        for c in load(which).get("leet", [])[:30]:  # warm caches, as a running service has
            if c["type"] == "query":
                index.search(c["query"] + " warm", cutoff=possible)
        run(index, which, possible, args.show)
    print(f"\nindex build (best of 3, cold caches): {wall:.2f} s wall, {cpu:.2f} s CPU")
    if probe:
        print(f"peak RSS of a fresh process with the index: {probe[2]:.0f} MB")
    load_avg = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load_avg[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
