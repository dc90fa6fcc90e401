"""Throughput of `screen` on the ZTE scenarios, as ratios against baselines run in the same process.

Machines here are noisy, so absolute times mean little: each figure is reported next to a
baseline measured in the same run.

- baseline "parse": validating the same transactions into `Transaction` models (pydantic only).
- "screen": parsing plus full evaluation against the bundled rules.
- "load": loading and indexing the bundled rule set, once.

Run: python benchmarks/bench_screen.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from timing import best_of

from screening import Transaction, load_rules, screen
from screening._io.documents import read_document
from screening.authoring import scenario_files

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50, help="passes over the scenarios")
    args = parser.parse_args()

    start = time.perf_counter()
    rules = load_rules(ROOT / "rules")
    load_s = time.perf_counter() - start

    txs = [read_document(p).data["transaction"] for p in scenario_files(ROOT / "examples" / "zte")]
    n = len(txs) * args.repeat

    def parse_all() -> None:
        for _ in range(args.repeat):
            for tx in txs:
                Transaction.model_validate(tx)

    def screen_all() -> None:
        for _ in range(args.repeat):
            for tx in txs:
                screen(tx, rules=rules)

    parse_all(), screen_all()  # warm caches
    parse_s = best_of(parse_all, 5)
    screen_s = best_of(screen_all, 5)
    per_tx = [screen_s / n * 1e6]
    print(f"rules: {len(rules)} rules, load+index {load_s * 1000:.1f} ms")
    print(f"transactions: {n} ({len(txs)} scenarios x {args.repeat})")
    print(f"baseline parse : {n / parse_s:10.0f} tx/s")
    print(f"screen         : {n / screen_s:10.0f} tx/s  ({statistics.mean(per_tx):.0f} us/tx)")
    print(f"ratio screen/parse time: {screen_s / parse_s:.1f}x")


if __name__ == "__main__":
    main()
