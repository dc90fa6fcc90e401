"""``screening screen``, ``replay`` and ``explain``: screen files, replay scenarios, and show
what changes a decision between two dates or two rule sets."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from .._io.documents import parse_document, read_document
from .._io.yamlfile import Located
from ..audit import append_records, canonical_json, chain_lines, decision_record, diff_decisions
from ..authoring import replay as replay_scenarios
from ..authoring import transaction_or_scenario
from ..engine import evaluate
from ..errors import DocumentError
from ..models import Transaction
from ..rules import load_rules
from ._options import (
    DATE,
    PATH,
    REPORT,
    as_of_option,
    json_option,
    log_option,
    rules_option,
    screen_lists_option,
    store_option,
)
from ._output import EXIT, decision_table, diff_dict, diff_table, replay_table, stdout

__all__ = ["explain", "replay", "screen"]


@click.command(short_help="screen transaction files")
@click.argument("files", nargs=-1, required=True, type=PATH, metavar="FILE...")
@as_of_option
@json_option()
@log_option
@rules_option
@screen_lists_option
@store_option()
def screen(
    files: tuple[Path, ...],
    as_of: dt.date | None,
    as_json: bool,
    log: Path | None,
    rules: Path | None,
    lists: tuple[Path, ...],
    store: str | None,
) -> int:
    """Screen one or more transaction files (YAML or JSON; a scenario file works too; - for
    stdin).

    Exit code: 0 clear, 1 review, 2 block (the most severe), 3+ errors. A scenario file is
    screened as of its `as_of:`, if it has one, else its date. With --store, reviewers'
    dispositions apply and a review opens (or updates) the transaction's case.

    \b
    Examples:
      screening screen examples/zte/03-entity-list-before-tgl-2016-03.yaml \\
          --as-of 2016-03-24
      screening screen examples/zte/[0-9]*.yaml --json --log decisions.jsonl
    """
    rule_set = load_rules(rules, lists=lists)
    # Read every input first: a bad file stops the run before anything is screened or logged.
    inputs = [_load_input(path) for path in files]
    if store is None:
        decisions = [evaluate(tx, rule_set, as_of or own or tx.date) for tx, own in inputs]
    else:
        from ..api import screen as screen_one
        from ..store import open_store

        with open_store(store) as opened:
            decisions = [
                screen_one(tx, rules=rule_set, as_of=as_of or own or tx.date, store=opened)
                for tx, own in inputs
            ]
    pairs = [(d, tx) for d, (tx, _) in zip(decisions, inputs, strict=True)]
    records = [decision_record(d, tx, rules=rule_set) for d, tx in pairs] if as_json or log else []
    # Logged before it is shown: what was shown was recorded (as chained in the log).
    lines = append_records(log, records) if log is not None else chain_lines(records, None)
    worst = max((d.outcome for d in decisions), key=lambda o: o.rank)
    out = stdout()
    for i, decision in enumerate(decisions):
        out.write(lines[i] + "\n" if as_json else decision_table(decision))
    return EXIT[worst]


@click.command(short_help="replay historical scenarios and compare with their expected decisions")
@click.argument("directory", type=PATH, metavar="DIR")
@json_option()
@log_option
@click.option(
    "--report",
    type=REPORT,
    metavar="FILE",
    help="write a case report: FILE.html (one self-contained page) or FILE.md (Markdown)",
)
@rules_option
@screen_lists_option
def replay(
    directory: Path,
    as_json: bool,
    log: Path | None,
    report: Path | None,
    rules: Path | None,
    lists: tuple[Path, ...],
) -> int:
    """Screen every scenario in DIR as of its date and compare outcome and fired rules with
    the scenario's `expect:`. Exit code 0 when all match, 1 otherwise.

    \b
    Examples:
      screening replay examples/zte
      screening replay examples/zte --report report.html
    """
    from ..report import write_report

    rule_set = load_rules(rules, lists=lists)
    results = replay_scenarios(directory, rule_set)
    records = (
        [decision_record(r.decision, r.scenario.transaction, rules=rule_set) for r in results]
        if as_json or log
        else []
    )
    lines = append_records(log, records) if log is not None else chain_lines(records, None)
    if report is not None:
        write_report(report, directory, results, rule_set, rules)
    out = stdout()
    if as_json:
        out.writelines(line + "\n" for line in lines)
    else:
        out.write(replay_table(results, rule_set))
        if report is not None:
            out.write(f"report written to {report}\n")
    return 0 if all(r.ok for r in results) else 1


@click.command(
    short_help="show which hits appear or disappear between two dates or two rule versions"
)
@click.argument("file", type=PATH, metavar="FILE")
@click.option("--as-of", type=DATE, multiple=True, metavar="DATE", help="before, then after date")
@click.option("--rules", type=PATH, multiple=True, metavar="DIR", help="before, then after rules")
@json_option("print the difference as one JSON object")
@click.pass_context
def explain(
    ctx: click.Context,
    file: Path,
    as_of: tuple[dt.date, ...],
    rules: tuple[Path, ...],
    as_json: bool,
) -> int:
    """Screen one transaction (or scenario; - for stdin) twice and show which hits appear,
    disappear or change: between two dates (--as-of A --as-of B), two rule sets (--rules OLD
    --rules NEW), or both (A with OLD against B with NEW). A missing --as-of means the
    transaction's date (or a scenario's as_of); a missing --rules the bundled rules. Exit code
    0 when outcome and hits are the same, 1 when they differ.

    \b
    Examples:
      screening explain examples/zte/04-entity-list-with-tgl-2016-06.yaml \\
          --as-of 2016-03-23 --as-of 2016-03-24
      screening explain tx.yaml --rules rules-old/ --rules rules/
    """
    dates, rule_dirs = list(as_of), list(rules)
    if len(dates) > 2 or len(rule_dirs) > 2 or max(len(dates), len(rule_dirs)) < 2:
        raise click.UsageError(
            "explain compares two screenings: give two dates (--as-of A --as-of B), "
            "two rule sets (--rules OLD --rules NEW), or both",
            ctx,
        )
    tx, own = _load_input(file)
    default = own or tx.date
    days = (dates or [default]) * (2 // max(len(dates), 1))
    rule_sets = [load_rules(d) for d in rule_dirs] or [load_rules(None)]
    rule_sets = rule_sets * (2 // len(rule_sets))
    diff = diff_decisions(evaluate(tx, rule_sets[0], days[0]), evaluate(tx, rule_sets[1], days[1]))
    out = stdout()
    if as_json:
        out.write(canonical_json(diff_dict(diff)) + "\n")
    else:
        out.write(diff_table(diff))
    return 1 if diff.outcome_changed or diff.hits_changed else 0


def _read(path: Path) -> Located:
    """A YAML or JSON document from ``path``, or from stdin for ``-``."""
    if str(path) == "-":
        raw = sys.stdin.buffer.read()
        try:
            return parse_document(raw.decode("utf-8"), "<stdin>")
        except UnicodeDecodeError as exc:
            raise DocumentError(f"<stdin>: not UTF-8 text (byte {exc.start})") from None
    return read_document(path)


def _load_input(path: Path) -> tuple[Transaction, dt.date | None]:
    """A transaction file, or a scenario file's transaction and its ``as_of`` (if any)."""
    return transaction_or_scenario(_read(path), str(path))
