"""False alarms of the name matcher on a DEVELOPMENT set of unlisted real names (issue 15).

The labelled sets of make_names_cases.py hold some 620 unlisted names each: too few to tune on
without fitting those very names, and the ``aside`` set must stay unseen. This draws a larger
set from the same sources as bench_names.py's `negatives()` (real companies; OFAC SDN entries
of 2024 and non-SDN entries of 2025 not on the CSL 2022-05; the DPL 2022-09), with another seed,
and leaves out every name of ``names_cases/{tune,aside}/unlisted.jsonl`` (their names are read
only to be left out). The well-known companies and the DPL names are all in those two sets
already, so the development set is what remains of the OFAC sources: mostly 2024 SDN names.

It prints the false-alarm rate at the rule set's ``possible`` threshold (a name whose best hit
on the CSL 2022-05 index reaches it), the median query time, and each alarm grouped by its
cause, read from the index's `explain` of the query and the name hit:

- ``inside``: a listed name found whole inside the query (containment);
- ``acronym``: a word aligned as the initials of the other name's words;
- ``one word, one typo``: the alignment is one word of each name one typing error apart;
- ``typo or variant``: a word one typing error or a romanisation variant apart, with others;
- ``weak words carry``: the words aligned are mostly legal forms and generic words (by weight);
- ``words reordered``: the distinctive words aligned come in another order;
- ``same words``: the rest (the words aligned are equal, in order; often a namesake).

    python benchmarks/bench_names_alarms_dev.py [--per-source 4000] [--show 10]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_names import build_index, candidates, negatives, read_csl, thresholds
from bench_names_cases import load

from screening.names import Explanation, NameIndex
from screening.names.normalize import weak_words

DEV_SEED = 20261125
"""Not the seed of bench_names.py nor of either labelled set."""

WEAK_SHARE = 0.5
"""An alarm is carried by weak words when these weigh at least this share of what aligned."""


def excluded() -> set[str]:
    """The unlisted names of both labelled sets: never part of the development set."""
    return {
        case["query"]
        for which in ("tune", "aside")
        for case in load(which).get("unlisted", [])
        if case["type"] == "unlisted"
    }


def dev_names(per_source: int) -> list[tuple[str, str]]:
    """(source, name) of the development set: `negatives()` with `DEV_SEED`, both labelled
    sets' unlisted names left out before sampling."""
    entries = read_csl()
    # Every name of the sources, in the order `negatives()` gives them, then our own sample.
    every = negatives(entries, random.Random(DEV_SEED), per_source=10**9)
    skip = excluded()
    by_source: dict[str, list[str]] = defaultdict(list)
    for q in every:
        if q.text not in skip:
            by_source[q.kind[4:]].append(q.text)
    rng = random.Random(DEV_SEED)
    out = []
    for source, names in by_source.items():
        kept = rng.sample(names, per_source) if len(names) > per_source else names
        out += [(source, n) for n in kept]
    return out


def cause(ex: Explanation) -> str:
    """What carries an alarm (see the module docstring), from the explanation of its hit."""
    notes = " ".join(ex.notes)
    reasons = [a.reason for a in ex.aligned]
    if "wholly inside" in notes:
        return "inside"
    if any("acronym" in r for r in reasons):
        return "acronym"
    fuzzy = [r for r in reasons if r in ("one typing error", "romanisation variant")]
    if fuzzy and len(ex.aligned) == 1:
        return "one word, one typo"
    if fuzzy:
        return "typo or variant"
    weak = weak_words()
    total = sum(a.weight for a in ex.aligned)
    on_weak = sum(a.weight for a in ex.aligned if all(w in weak for w in a.left + a.right))
    if total and on_weak / total >= WEAK_SHARE:
        return "weak words carry"
    strong = [a for a in ex.aligned if not all(w in weak for w in a.left)]
    right = [ex.right_words.index(a.right[0]) for a in strong if a.right]
    if right != sorted(right):
        return "words reordered"
    return "same words"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--per-source", type=int, default=4000)
    ap.add_argument("--show", type=int, default=10, help="alarms shown per cause")
    ap.add_argument("--json", type=Path, help="write every alarm (query, hit, score, cause) here")
    args = ap.parse_args(argv)
    _, possible = thresholds()
    names = dev_names(args.per_source)
    index: NameIndex
    index, _, _ = build_index(candidates(read_csl()), possible, repeat=1)
    times: list[float] = []
    alarms: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    per_source: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for source, name in names:
        start = time.perf_counter()
        found = index.search(name, cutoff=possible)
        times.append(time.perf_counter() - start)
        per_source[source][1] += 1
        if found:
            per_source[source][0] += 1
            top = found[0]
            alarms[cause(index.explain(name, top.name))].append((name, top.name, top.score))
    n_alarms = sum(len(v) for v in alarms.values())
    print(
        f"development set: {len(names)} unlisted real names (seed {DEV_SEED}); possible {possible}"
    )
    for source, (hit, n) in sorted(per_source.items()):
        print(f"  {source:14} {hit:4} of {n:5}  {hit / n:.4f}")
    print(f"false alarms: {n_alarms} of {len(names)}: {n_alarms / max(1, len(names)):.4f}")
    for what, rows in sorted(alarms.items(), key=lambda kv: -len(kv[1])):
        print(f"\n  {what}: {len(rows)}")
        for q, hit, s in sorted(rows, key=lambda r: -r[2])[: args.show]:
            print(f"    {q!r} -> {hit!r} {s}")
    print(f"\nmedian ms/query {statistics.median(times) * 1000:.3f}")
    if args.json:
        rows_out = [
            {"query": q, "hit": h, "score": s, "cause": c}
            for c, rows in alarms.items()
            for q, h, s in rows
        ]
        args.json.write_text("\n".join(json.dumps(r) for r in rows_out) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
