"""Cost of decision records and of verifying them, as ratios against screening in the same run.

Machines here are noisy, so absolute times mean little: each figure is reported next to a
baseline measured in the same process.

- baseline "screen": evaluating the ZTE scenario transactions against the bundled rules.
- "screen + record": the same, plus building each decision's canonical JSON record.
- "verify": reading a log line back and screening it again (what ``audit verify`` does).
- "report": rendering the HTML case report of the whole replay, once.

Run: python benchmarks/bench_records.py [--repeat N]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from timing import best_of

from screening import load_rules, parse_transaction, verify_record
from screening._io.documents import read_document
from screening.audit import record_line
from screening.authoring import replay, scenario_files
from screening.engine import evaluate
from screening.report import build_case, read_case, render_html, rule_snippets

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="passes over the scenarios")
    args = parser.parse_args()

    rules = load_rules(ROOT / "rules")
    examples = ROOT / "examples" / "zte"
    txs = [
        parse_transaction(read_document(p).data["transaction"]) for p in scenario_files(examples)
    ]
    lines = [record_line(evaluate(tx, rules, tx.date), tx, rules=rules) for tx in txs]
    n = len(txs) * args.repeat

    def screen_all() -> None:
        for _ in range(args.repeat):
            for tx in txs:
                evaluate(tx, rules, tx.date)

    def record_all() -> None:
        for _ in range(args.repeat):
            for tx in txs:
                record_line(evaluate(tx, rules, tx.date), tx, rules=rules)

    def verify_all() -> None:
        for _ in range(args.repeat):
            for line in lines:
                assert verify_record(line, rules).reproduced

    results = replay(examples, rules)

    def report() -> None:
        snippets = rule_snippets(rules, ROOT / "rules")
        render_html(build_case(examples, results, rules, snippets, read_case(examples)))

    screen_all(), record_all(), verify_all(), report()  # warm caches
    screen_s = best_of(screen_all, 5)
    record_s = best_of(record_all, 5)
    verify_s = best_of(verify_all, 5)
    report_s = best_of(report, 5)
    print(f"transactions: {n} ({len(txs)} scenarios x {args.repeat})")
    print(f"baseline screen : {n / screen_s:8.0f} tx/s  ({screen_s / n * 1e6:.0f} us/tx)")
    print(f"screen + record : {n / record_s:8.0f} tx/s  (x{record_s / screen_s:.2f} the baseline)")
    print(f"verify a record : {n / verify_s:8.0f} rec/s (x{verify_s / screen_s:.2f} the baseline)")
    per_screen = report_s / (screen_s / n)
    print(f"HTML report     : {report_s * 1000:8.1f} ms    (= {per_screen:.0f} screenings)")


if __name__ == "__main__":
    main()
