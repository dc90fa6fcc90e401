"""How many pairs of names the CSL 2022-05 gives one party score a possible match (issue 15).

A party's aliases are the list's own spellings of one name (``SOLEIMANI, Qasem`` /
``SULAIMANI, Qasem``, ``FA'UR, Husayn Ali`` / ``FAOUR, Housein Ali``): real romanisation
variants that nobody here wrote. Every pair of names of one entry with as many words, and not
the same words, is scored with `screening.names.similarity`; the figure is how many reach the
bundled rule set's ``possible`` and ``match`` thresholds. Higher is better: these are the same
party. (How many *other* parties' names reach them is the false-alarm benchmarks' question.)

    python benchmarks/bench_names_aliases.py [--results FILE] [--show N]

Run it in two trees (``PYTHONPATH=<tree>/src``) with ``--results`` to see which pairs moved.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_names import read_csl
from bench_names_cases import thresholds

from screening.names import similarity, tokens


def alias_pairs() -> list[tuple[str, str]]:
    """Each pair of one entry's names with as many words, not the same words, in list order."""
    pairs = []
    for entry in read_csl():
        names = entry.names
        words = [tokens(n) for n in names]
        for i in range(len(names)):
            for j in range(i + 1, len(names)):
                a, b = words[i], words[j]
                if len(a) == len(b) > 1 and sorted(a) != sorted(b):
                    pairs.append((names[i], names[j]))
    return pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, help="write each pair and its score here")
    parser.add_argument("--show", type=int, default=0, help="pairs below possible shown")
    args = parser.parse_args(argv)
    match, possible = thresholds()
    scored = [(a, b, similarity(a, b)) for a, b in alias_pairs()]
    if args.results:
        with args.results.open("w", encoding="utf-8") as out:
            for row in scored:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    n = len(scored)
    reach = sum(s >= possible for _, _, s in scored)
    block = sum(s >= match for _, _, s in scored)
    print(f"{n} pairs of one entry's names (as many words, not the same words), CSL 2022-05")
    print(f"  >= possible {possible}: {reach} ({reach / n:.3f})")
    print(f"  >= match {match}:    {block} ({block / n:.3f})")
    below = [row for row in scored if row[2] < possible]
    for a, b, s in below[: args.show]:
        print(f"    {s:.3f}  {a!r} / {b!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
