"""The `screening` command: a thin shell over the library.

Exit codes: 0 clear, 1 review, 2 block (for ``screen``: the most severe outcome of all files);
``replay`` exits 0 when every scenario gets its expected decision and 1 otherwise; errors exit
3 (bad transaction or scenario file), 4 (bad rule files) or 5 (bad command line).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from ._version import __version__
from .api import parse_transaction
from .engine import evaluate
from .errors import BatchError, RuleError, ScreeningError, TransactionError
from .loading import load_rules
from .models import Decision, Outcome
from .ruleset import RuleSet
from .scenarios import Replay, ScenarioError, read_document, replay

__all__ = ["main"]

EXIT_INPUT = 3
EXIT_RULES = 4
EXIT_USAGE = 5
_EXIT = {Outcome.CLEAR: 0, Outcome.REVIEW: 1, Outcome.BLOCK: 2}


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors, which would read as "block": use 5 instead."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): '{text}'") from None


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="screening",
        description="Export-control screening over declarative YAML rules.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"screening {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    rules_help = "rules directory (default: the bundled rules)"
    p = sub.add_parser(
        "screen",
        help="screen transaction files",
        description=(
            "Screen one or more transaction files (YAML or JSON; a scenario file works too).\n"
            "Exit code: 0 clear, 1 review, 2 block (the most severe), 3+ errors.\n\n"
            "example:\n  screening screen examples/zte/01-iran-2010-direct.yaml --as-of 2016-03-10"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="transaction file(s); - for stdin"
    )
    p.add_argument("--as-of", type=_date, metavar="DATE", help="evaluate the rules as of this date")
    p.add_argument("--json", action="store_true", help="print one JSON decision per line")
    p.add_argument("--rules", type=Path, metavar="DIR", help=rules_help)

    p = sub.add_parser(
        "replay",
        help="replay historical scenarios and compare with their expected decisions",
        description=(
            "Screen every scenario in DIR as of its date and compare outcome and fired rules\n"
            "with the scenario's `expect:`. Exit code 0 when all match, 1 otherwise.\n\n"
            "example:\n  screening replay examples/zte"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("directory", type=Path, metavar="DIR")
    p.add_argument("--json", action="store_true", help="print one JSON decision per line")
    p.add_argument("--rules", type=Path, metavar="DIR", help=rules_help)

    p = sub.add_parser(
        "rules",
        help="work with rule files",
        description="Work with rule files.\n\nexample:\n  screening rules check rules/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rules_sub = p.add_subparsers(dest="rules_command", required=True, parser_class=_Parser)
    c = rules_sub.add_parser(
        "check",
        help="validate a rules directory and report every problem with file and line",
        description="Validate a rules directory: exit 0 when it loads, 4 listing every problem.",
    )
    c.add_argument("directory", nargs="?", type=Path, metavar="DIR", help=rules_help)

    _add_batch_parser(sub, rules_help)
    return parser


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None) -> int:
    """Run the command line; returns the exit code."""
    out = stdout or sys.stdout
    args = _parser().parse_args(argv)
    try:
        if args.command == "rules":
            rules = _rules(args.directory)
            print(
                f"ok: {len(rules)} rules in {len(rules.files)} files; "
                f"{rules.name} {rules.version}; fingerprint {rules.fingerprint}",
                file=out,
            )
            return 0
        rules = _rules(args.rules)
        if args.command == "batch":
            return _batch(args, rules)
        if args.command == "screen":
            return _screen(args.files, rules, args.as_of, args.json, out)
        return _replay(args.directory, rules, args.json, out)
    except RuleError as exc:
        print(f"error: rules: {exc}", file=sys.stderr)
        return EXIT_RULES
    except (ScenarioError, TransactionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except BatchError as exc:
        print(f"error: batch: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except ScreeningError as exc:  # pragma: no cover - every subclass is handled above
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT


def _rules(directory: Path | None) -> RuleSet:
    return load_rules(directory)


def _read_transaction(path: Path) -> object:
    if str(path) == "-":
        text = sys.stdin.read()
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            from .yamlfile import YamlProblem, parse_yaml

            try:
                return parse_yaml(text, "<stdin>").data
            except YamlProblem as exc:
                raise ScenarioError(str(exc.problem)) from None
    return read_document(path)


def _screen(
    files: list[Path], rules: RuleSet, as_of: dt.date | None, as_json: bool, out: TextIO
) -> int:
    worst = Outcome.CLEAR
    for path in files:
        data = _read_transaction(path)
        if isinstance(data, dict) and "transaction" in data:
            data = data["transaction"]  # a scenario file: screen its transaction
        try:
            tx = parse_transaction(data)  # type: ignore[arg-type]
        except TransactionError as exc:
            raise ScenarioError(f"{path}: {exc}") from None
        decision = evaluate(tx, rules, as_of or tx.date)
        if decision.outcome.rank > worst.rank:
            worst = decision.outcome
        out.write(_json(decision) + "\n" if as_json else _table(decision))
    return _EXIT[worst]


def _replay(directory: Path, rules: RuleSet, as_json: bool, out: TextIO) -> int:
    results = replay(directory, rules)
    if as_json:
        for r in results:
            out.write(_json(r.decision) + "\n")
    else:
        out.write(_replay_table(results, rules))
    return 0 if all(r.ok for r in results) else 1


def _json(decision: Decision) -> str:
    return json.dumps(decision.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _table(decision: Decision) -> str:
    lines = [
        f"{decision.transaction_id}  as of {decision.as_of}  {decision.outcome.value.upper()}"
        f"  ({decision.ruleset} {decision.ruleset_version}, {decision.ruleset_fingerprint[:12]})"
    ]
    for hit in decision.hits:
        score = f"  score {hit.score:.2f}" if hit.score is not None else ""
        lines.append(f"  {hit.outcome.value.upper():<7} {hit.rule_id}  [{hit.kind}]{score}")
        lines.append(f"          {hit.message}")
        lines.append(f"          cite: {hit.citation}")
        lines.append(
            f"          rule: {hit.source}" + (f"  field: {hit.field}" if hit.field else "")
        )
        lines += [f"          note: {n}" for n in hit.notes]
    if not decision.hits:
        lines.append("  no rule fired")
    for s in decision.items:
        lines.append(f"  item[{s.index}] {s.description}: {s.jurisdiction.value} ({s.reason})")
    return "\n".join(lines) + "\n\n"


def _replay_table(results: list[Replay], rules: RuleSet) -> str:
    width = max(len(r.scenario.id) for r in results)
    head = f"{'scenario':<{width}}  {'as of':<10}  {'expected':<8}  {'got':<8}  result"
    lines = [head, "-" * len(head)]
    for r in results:
        status = "ok" if r.ok else "MISMATCH"
        lines.append(
            f"{r.scenario.id:<{width}}  {r.decision.as_of!s:<10}  "
            f"{r.scenario.expect.outcome.value:<8}  {r.decision.outcome.value:<8}  {status}"
        )
        if r.missing:
            lines.append(f"{'':<{width}}    expected but did not fire: {', '.join(r.missing)}")
        if r.unexpected:
            lines.append(f"{'':<{width}}    fired but not expected: {', '.join(r.unexpected)}")
    failed = sum(not r.ok for r in results)
    lines.append("")
    lines.append(
        f"{len(results) - failed} of {len(results)} scenarios as expected "
        f"({rules.name} {rules.version}, fingerprint {rules.fingerprint[:12]})"
    )
    return "\n".join(lines) + "\n"


# --- batch ------------------------------------------------------------------------------------

EXIT_INTERRUPTED = 130
"""``screening batch`` stopped by Ctrl-C: OUTPUT is valid, and the same command resumes."""


def _add_batch_parser(sub: Any, rules_help: str) -> None:
    p = sub.add_parser(
        "batch",
        help="screen a file of many transactions (JSON Lines, CSV, Parquet) into an output file",
        description=(
            "Screen every transaction in INPUT and write one record per input record to\n"
            "OUTPUT, in input order: the decision, or an error with its reason for a bad record.\n"
            "Formats by extension: .jsonl/.ndjson, .csv, .parquet (.jsonl.gz and .csv.gz too).\n"
            "Resumable: run the same command again and the records OUTPUT holds are skipped.\n"
            "Ctrl-C stops after the current chunk, leaving OUTPUT valid.\n"
            "Exit code: 0 all clear, 1 any review or error record, 2 any block, 3 unusable\n"
            "file, 4 bad rules, 130 interrupted.\n\n"
            "example:\n  screening batch payments.jsonl -o decisions.jsonl --workers 2"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("input", metavar="INPUT", help="transactions to screen; - reads JSON Lines")
    p.add_argument("-o", "--output", required=True, metavar="OUTPUT", help="where to write")
    p.add_argument(
        "--workers",
        type=_count,
        default=0,
        metavar="N",
        help="worker processes (default 0: one per CPU; 1 screens in this process)",
    )
    p.add_argument("--as-of", type=_date, metavar="DATE", help="evaluate the rules as of this date")
    p.add_argument("--rules", type=Path, metavar="DIR", help=rules_help)
    p.add_argument("--input-format", choices=["jsonl", "csv", "parquet"], help="override")
    p.add_argument("--output-format", choices=["jsonl", "csv", "parquet"], help="override")
    p.add_argument(
        "--chunk-size", type=_count, default=64, metavar="N", help="records per unit of work"
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"not a whole number >= 0: '{text}'")
    return int(text)


def _batch(args: argparse.Namespace, rules: RuleSet) -> int:
    from .batchjob import run_batch

    if args.chunk_size < 1:
        print("screening batch: error: --chunk-size must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    try:
        summary = run_batch(
            args.input,
            args.output,
            rules=rules,
            workers=args.workers,
            as_of=args.as_of,
            input_format=args.input_format,
            output_format=args.output_format,
            chunk_size=args.chunk_size,
            progress=False if args.quiet else None,
        )
    except KeyboardInterrupt:
        print(
            f"interrupted: {args.output} holds every record finished; run the same command "
            "again to resume",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    if not args.quiet:
        print(summary.line(args.output), file=sys.stderr)
    if summary.interrupted:
        if args.quiet:
            print(
                f"interrupted: run the same command again to resume {args.output}", file=sys.stderr
            )
        return EXIT_INTERRUPTED
    return _EXIT[Outcome(summary.worst)]


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
