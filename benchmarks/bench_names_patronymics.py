"""A listed person queried without the patronymic the list gives (issue 15).

Russian, Ukrainian and Belarusian persons are listed as ``SURNAME, Given Patronymic``
("LUKASHENKO, Alexander Grigoryevich"); the systems that screen them seldom hold a patronymic
and send "Alexander Lukashenko". For every listed person of that form (one surname word, a given
name and a patronymic `screening.names.normalize.patronymics` recognises), the query "Given
Surname" is searched on an index of the list itself, and the figure is how often the person is
found at the rule set's ``possible`` threshold, and found first. Two lists: the CSL 2022-05,
which the weights were chosen on, and the OFAC SDN list of 2024-05-03, which they were not.

    python benchmarks/bench_names_patronymics.py [--sample 800] [--show 10]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_names import SDN_2024, read_csl
from bench_names_cases import thresholds

from screening.names import NameCandidate, NameIndex, tokens
from screening.names.normalize import patronymics


def csl_people() -> list[tuple[str, str]]:
    """(key, name) of every name of the CSL 2022-05."""
    return [(e.entry_id, n) for e in read_csl() for n in e.names]


def sdn_people() -> list[tuple[str, str]]:
    """(key, name) of every individual of the SDN list of 2024-05-03 (its primary names)."""
    with SDN_2024.open(encoding="utf-8", errors="replace", newline="") as fh:
        return [(r[0], r[1]) for r in csv.reader(fh) if len(r) > 2 and r[2].strip() == "individual"]


def queries(rows: list[tuple[str, str]], sample: int) -> list[tuple[str, str, str]]:
    """(query, key, listed name): "Given Surname" of each ``SURNAME, Given Patronymic``."""
    out = []
    for key, name in rows:
        surname, _, given = name.partition(",")
        words = given.split()
        if len(surname.split()) == 1 and len(words) == 2 and patronymics(tokens(name)):
            out.append((f"{words[0]} {surname.strip().title()}", key, name))
    random.Random(20261126).shuffle(out)
    return out[:sample]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=800, help="queries per list")
    parser.add_argument("--show", type=int, default=0, help="misses shown per list")
    args = parser.parse_args(argv)
    _, possible = thresholds()
    for label, rows in (("CSL 2022-05", csl_people()), ("SDN 2024-05-03", sdn_people())):
        index = NameIndex([NameCandidate(k, n) for k, n in rows], cutoff=possible)
        cases = queries(rows, args.sample)
        found = first = 0
        misses = []
        for query, key, name in cases:
            hits = index.search(query, cutoff=possible)
            found += any(h.key == key for h in hits)
            first += bool(hits) and hits[0].key == key
            if not any(h.key == key for h in hits):
                misses.append(f"    {query!r} for {name!r}: {index.similarity(query, name)}")
        n = len(cases)
        print(f"{label:15} {n} queries: found {found / n:.3f}, first {first / n:.3f}")
        print("\n".join(misses[: args.show]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
