"""A development set for the scripts class of issue 15, from the TUNE half of the CSL only.

The labelled tune set holds 38 Arabic-script, 38 acronym and 38 Wade-Giles queries: too few to
show what fails in general. This script makes *every* query the generator's fixed makers
(`arabic`, `acronym` of organisations, `wade_giles`) make of the listed names of tune-half entries
(``half(entry_id) == "tune"`` in make_names_cases.py; no aside-half entry is used), with the
generator's own rules (a name of at least six letters, a query that reads differently from its
source and is no other entity's listed name) and its truth (`read_alike`: every entry with a name
the maker writes the same way). It builds them in memory, writes nothing, and prints top-1
recall per maker at the rule set's ``possible`` threshold and the misses grouped by cause:

- ``outranked``: the source scores at or above ``possible``, another entry's name comes first;
- ``below possible``: the source name scores under ``possible`` (the matcher's reading fails);
- ``not found``: as above, and the search returns nothing at all.

    python benchmarks/bench_names_scripts_dev.py [--show 10] [--maker arabic|acronym|wade-giles]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_names import build_index, candidates, read_csl, thresholds
from make_names_cases import Answers, Row, acronym, arabic, half, organisation, rows, wade_giles

from screening.names import tokens

Maker = Callable[[str, random.Random], tuple[str, str] | None]
MAKERS: dict[str, tuple[Maker, Callable[[Row, str], bool]]] = {
    "arabic": (arabic, lambda e, n: True),
    "acronym": (acronym, organisation),
    "wade-giles": (wade_giles, lambda e, n: True),
}


def dev_cases(entries: list[Row], maker: str) -> list[tuple[str, str, frozenset[str]]]:
    """(query, a source name, truth ids) for every distinct query ``maker`` makes of tune-half
    names, by the generator's rules (module docstring)."""
    make, mine = MAKERS[maker]
    answers = Answers(entries)
    alike = answers.read_alike(make, mine)
    out: dict[str, tuple[str, set[str]]] = {}
    for e in entries:
        if half(e.entry_id) != "tune":
            continue
        for n in e.names:
            if len("".join(tokens(n))) < 6 or not mine(e, n):
                continue
            made = make(n, random.Random(0))
            if not made or tokens(made[0]) == tokens(n) or answers.listed_otherwise(made[0], n):
                continue  # the same name, or another entity's listed name
            _source, right = out.setdefault(made[0], (n, set()))
            right |= set(answers.truth(n)) | alike.get(made[0], set())
    return [(q, src, frozenset(right)) for q, (src, right) in out.items()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--show", type=int, default=10, help="misses shown per maker and cause")
    ap.add_argument("--maker", choices=sorted(MAKERS), action="append")
    args = ap.parse_args(argv)
    entries = rows()
    _, possible = thresholds()
    index, _, _ = build_index(candidates(read_csl()), possible, repeat=1)
    times: list[float] = []
    for maker in args.maker or sorted(MAKERS):
        cases = dev_cases(entries, maker)
        misses: dict[str, list[str]] = defaultdict(list)
        hits = 0
        for query, source, truth in cases:
            start = time.perf_counter()
            found = index.search(query, cutoff=possible)
            times.append(time.perf_counter() - start)
            if found and found[0].key in truth:
                hits += 1
                continue
            own = index.similarity(query, source)
            got = f"{found[0].name!r} {found[0].score:.3f}" if found else "-"
            cause = "outranked" if own >= possible else "below possible" if found else "not found"
            misses[cause].append(f"{query!r} (from {source!r} {own:.3f}) -> {got}")
        print(f"{maker:8} top-1 recall {hits / len(cases):.3f} of {len(cases)}")
        for cause, lines in sorted(misses.items()):
            print(f"    {cause:15} {len(lines)}")
            for line in lines[: args.show]:
                print(f"        {line}")
    print(f"median ms/query {statistics.median(times) * 1000:.3f} over {len(times)} queries")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
