"""The `screening` command: a thin shell over the library.

Exit codes: 0 clear, 1 review, 2 block (for ``screen``: the most severe outcome of all files);
``replay`` exits 0 when every scenario gets its expected decision and 1 otherwise; ``audit
verify`` exits 0 when every record reproduces and 1 otherwise; ``explain`` exits 0 when the two
decisions have the same outcome and hits and 1 otherwise; errors exit 3 (bad transaction,
scenario or log file), 4 (bad rule files), 5 (bad command line) or 6 (an internal error: a bug).
A usage error or ``--help`` exits through `SystemExit`, as argparse does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from pydantic import TypeAdapter, ValidationError

from . import cli_rules
from ._version import __version__
from .audit import Verification, verify_log
from .diff import DecisionDiff, diff_decisions
from .documents import DocumentError, parse_document, read_document, transaction_from
from .engine import evaluate
from .errors import RuleError, ScreeningError, TransactionError
from .loading import bundled_rules_dir, load_rules
from .logfile import LogError, append_lines
from .models import Decision, Hit, Outcome, Transaction
from .records import RecordError, canonical_json, record_line
from .ruleset import RuleSet
from .scenarios import Replay, ScenarioError, replay
from .yamlfile import Located

__all__ = ["main"]

EXIT_INPUT = 3
EXIT_RULES = 4
EXIT_USAGE = 5
EXIT_INTERNAL = 6
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
    json_help = "print one decision record per line (canonical JSON Lines)"
    log_help = "append the decision records to this JSON Lines log (never rewritten)"
    p = sub.add_parser(
        "screen",
        help="screen transaction files",
        description=(
            "Screen one or more transaction files (YAML or JSON; a scenario file works too).\n"
            "Exit code: 0 clear, 1 review, 2 block (the most severe), 3+ errors.\n\n"
            "A scenario file is screened as of its `as_of:`, if it has one, else its date.\n\n"
            "examples:\n"
            "  screening screen examples/zte/03-entity-list-before-tgl-2016-03.yaml \\\n"
            "      --as-of 2016-03-24\n"
            "  screening screen examples/zte/[0-9]*.yaml --json --log decisions.jsonl"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="transaction file(s); - for stdin"
    )
    p.add_argument("--as-of", type=_date, metavar="DATE", help="evaluate the rules as of this date")
    p.add_argument("--json", action="store_true", help=json_help)
    p.add_argument("--log", type=Path, metavar="LOG", help=log_help)
    p.add_argument("--rules", type=Path, metavar="DIR", help=rules_help)

    p = sub.add_parser(
        "replay",
        help="replay historical scenarios and compare with their expected decisions",
        description=(
            "Screen every scenario in DIR as of its date and compare outcome and fired rules\n"
            "with the scenario's `expect:`. Exit code 0 when all match, 1 otherwise.\n\n"
            "examples:\n  screening replay examples/zte\n"
            "  screening replay examples/zte --report report.html"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("directory", type=Path, metavar="DIR")
    p.add_argument("--json", action="store_true", help=json_help)
    p.add_argument("--log", type=Path, metavar="LOG", help=log_help)
    p.add_argument(
        "--report",
        type=_report_path,
        metavar="FILE",
        help="write a case report: FILE.html (one self-contained page) or FILE.md (Markdown)",
    )
    p.add_argument("--rules", type=Path, metavar="DIR", help=rules_help)

    p = sub.add_parser(
        "audit",
        help="verify logged decision records",
        description=(
            "Work with decision logs.\n\nexample:\n  screening audit verify decisions.jsonl"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    audit_sub = p.add_subparsers(dest="audit_command", required=True, parser_class=_Parser)
    v = audit_sub.add_parser(
        "verify",
        help="screen every logged record again and report those that no longer reproduce",
        description=(
            "Screen the transaction of every record in LOG again, as of the record's date, and\n"
            "report each record whose decision no longer reproduces and why: input tampering\n"
            "(hash mismatch), rule change or list change (other rules, other decision), code\n"
            "change (other library version, other decision) or record altered.\n"
            "Exit code 0 when every record reproduces, 1 otherwise, 3 if LOG is unreadable.\n\n"
            "examples:\n  screening audit verify decisions.jsonl\n"
            "  screening audit verify decisions.jsonl --rules rules-2027/"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    v.add_argument("log", type=Path, metavar="LOG", help="a JSON Lines decision log")
    v.add_argument("--rules", type=Path, metavar="DIR", help=rules_help)
    v.add_argument("--json", action="store_true", help="print one JSON verdict per record")

    p = sub.add_parser(
        "explain",
        help="show which hits appear or disappear between two dates or two rule versions",
        description=(
            "Screen one transaction twice and show which hits appear, disappear or change:\n"
            "between two dates (--as-of A --as-of B), two rule sets (--rules OLD --rules NEW),\n"
            "or both (A with OLD against B with NEW). A missing --as-of means the transaction's\n"
            "date (or a scenario's as_of); a missing --rules the bundled rules.\n"
            "Exit code 0 when outcome and hits are the same, 1 when they differ.\n\n"
            "examples:\n"
            "  screening explain examples/zte/04-entity-list-with-tgl-2016-06.yaml \\\n"
            "      --as-of 2016-03-23 --as-of 2016-03-24\n"
            "  screening explain tx.yaml --rules rules-old/ --rules rules/"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "file", type=Path, metavar="FILE", help="transaction or scenario file; - for stdin"
    )
    p.add_argument(
        "--as-of", type=_date, action="append", metavar="DATE", help="before, then after date"
    )
    p.add_argument(
        "--rules", type=Path, action="append", metavar="DIR", help="before, then after rules"
    )
    p.add_argument("--json", action="store_true", help="print the difference as one JSON object")
    p.set_defaults(subparser=p)

    p = sub.add_parser(
        "rules",
        help="work with rule files",
        description=(
            "Work with rule files: check (validate and lint), schema (JSON Schema for\n"
            "editors), test (run rule tests), diff (changes and their impact).\n\n"
            "example:\n  screening rules check rules/"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rules_sub = p.add_subparsers(dest="rules_command", required=True, parser_class=_Parser)
    cli_rules.add_commands(rules_sub)
    return parser


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None) -> int:
    """Run the command line; returns the exit code."""
    out = stdout or sys.stdout
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return _run(args, out)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception:  # never let a crash exit 1 or 2, which read as "review" / "block"
        traceback.print_exc()
        print("error: internal error (a bug: please report it with the traceback)", file=sys.stderr)
        return EXIT_INTERNAL


def _run(args: argparse.Namespace, out: TextIO) -> int:
    try:
        if args.command == "rules":
            return cli_rules.run(args, out)
        if args.command == "explain":
            return _explain(
                args.subparser, args.file, args.as_of or [], args.rules or [], args.json, out
            )
        rules = load_rules(args.rules)
        if args.command == "audit":
            return _audit_verify(args.log, rules, args.json, out)
        if args.command == "screen":
            return _screen(args.files, rules, args.as_of, args.json, args.log, out)
        return _replay(args.directory, rules, args.rules, args.json, args.log, args.report, out)
    except RuleError as exc:
        print(f"error: rules: {exc}", file=sys.stderr)
        return EXIT_RULES
    except (DocumentError, ScenarioError, TransactionError, LogError, RecordError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except ScreeningError as exc:  # pragma: no cover - every subclass is handled above
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT


def _read(path: Path) -> Located:
    if str(path) == "-":
        raw = sys.stdin.buffer.read()
        try:
            return parse_document(raw.decode("utf-8"), "<stdin>")
        except UnicodeDecodeError as exc:
            raise DocumentError(f"<stdin>: not UTF-8 text (byte {exc.start})") from None
    return read_document(path)


_DATE = TypeAdapter(dt.date)


def _load_input(path: Path) -> tuple[Transaction, dt.date | None]:
    """A transaction file, or a scenario file's transaction and its ``as_of`` (if any)."""
    doc = _read(path)
    data = doc.data
    if isinstance(data, dict) and not data.keys() & {"transaction", "id", "date", "items"}:
        raise ScenarioError(
            f"{path}: not a transaction or a scenario (no 'id', 'date', 'items' or "
            "'transaction:'; a case's _case.yaml is read by replay --report)"
        )
    as_of, key = None, None
    if isinstance(data, dict) and "transaction" in data:
        key = "transaction"
        if data.get("as_of") is not None:  # a scenario file: screened as of its as_of
            try:
                as_of = _DATE.validate_python(data["as_of"])
            except ValidationError:
                raise ScenarioError(f"{path}: as_of: not a date: {data['as_of']!r}") from None
    return transaction_from(doc, key=key), as_of


def _screen(
    files: list[Path],
    rules: RuleSet,
    as_of: dt.date | None,
    as_json: bool,
    log: Path | None,
    out: TextIO,
) -> int:
    # Read every input first: a bad file stops the run before anything is screened or logged.
    inputs = [_load_input(path) for path in files]
    decisions = [evaluate(tx, rules, as_of or own or tx.date) for tx, own in inputs]
    pairs = [(d, tx) for d, (tx, _) in zip(decisions, inputs, strict=True)]
    lines = [record_line(d, tx, rules=rules) for d, tx in pairs] if as_json or log else []
    if log is not None:
        append_lines(log, lines)  # logged before it is shown: what was shown was recorded
    worst = max((d.outcome for d in decisions), key=lambda o: o.rank)
    for i, decision in enumerate(decisions):
        out.write(lines[i] + "\n" if as_json else _table(decision))
    return _EXIT[worst]


def _replay(
    directory: Path,
    rules: RuleSet,
    rules_dir: Path | None,
    as_json: bool,
    log: Path | None,
    report: Path | None,
    out: TextIO,
) -> int:
    results = replay(directory, rules)
    lines = (
        [record_line(r.decision, r.scenario.transaction, rules=rules) for r in results]
        if as_json or log
        else []
    )
    if log is not None:
        append_lines(log, lines)
    if report is not None:
        _write_report(report, directory, results, rules, rules_dir or bundled_rules_dir())
    if as_json:
        out.writelines(line + "\n" for line in lines)
    else:
        out.write(_replay_table(results, rules))
        if report is not None:
            out.write(f"report written to {report}\n")
    return 0 if all(r.ok for r in results) else 1


def _report_path(text: str) -> Path:
    path = Path(text)
    if path.suffix.lower() not in (".html", ".htm", ".md", ".markdown"):
        raise argparse.ArgumentTypeError(
            f"report file must end in .html or .md (for HTML or Markdown): '{text}'"
        )
    return path


def _write_report(
    path: Path, directory: Path, results: list[Replay], rules: RuleSet, rules_dir: Path
) -> None:
    from .report import build_case, read_case, render_html, render_markdown, rule_snippets

    snippets = rule_snippets(rules, rules_dir)
    case = build_case(directory, results, rules, snippets, read_case(directory))
    html = path.suffix.lower() in (".html", ".htm")
    text = render_html(case) if html else render_markdown(case)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)  # never a half-written report
    except OSError as exc:
        raise LogError(f"{path}: cannot write the report: {exc.strerror}") from None


def _audit_verify(log: Path, rules: RuleSet, as_json: bool, out: TextIO) -> int:
    verdicts = verify_log(log, rules)
    if as_json:
        out.writelines(canonical_json(v.to_dict()) + "\n" for v in verdicts)
    else:
        out.write(_verify_table(verdicts, rules))
    return 0 if all(v.reproduced for v in verdicts) else 1


def _verify_table(verdicts: list[Verification], rules: RuleSet) -> str:
    lines = []
    shared: dict[str, int] = {}  # notes of reproduced records, said once with a count
    for v in verdicts:
        status = "reproduced" if v.reproduced else "NOT REPRODUCED: " + ", ".join(v.causes)
        lines.append(f"line {v.line}  {v.transaction_id or '?'}  as of {v.as_of or '?'}  {status}")
        lines += [f"    {d}" for d in v.details]
        for note in v.notes:
            shared[note] = shared.get(note, 0) + 1
    failed = [v for v in verdicts if not v.reproduced]
    counts: dict[str, int] = {}
    for v in failed:
        for cause in v.causes:
            counts[cause] = counts.get(cause, 0) + 1
    why = "; ".join(f"{cause}: {n}" for cause, n in sorted(counts.items()))
    lines.append("")
    lines += [f"note ({n} reproduced records): {note}" for note, n in shared.items()]
    lines.append(
        f"{len(verdicts) - len(failed)} of {len(verdicts)} records reproduced"
        + (f", {len(failed)} not ({why})" if failed else "")
        + f"; checked against {rules.name} {rules.version} "
        f"(fingerprint {rules.fingerprint[:12]}), screening {__version__}"
    )
    return "\n".join(lines) + "\n"


def _explain(
    parser: argparse.ArgumentParser,
    path: Path,
    dates: list[dt.date],
    rule_dirs: list[Path],
    as_json: bool,
    out: TextIO,
) -> int:
    if len(dates) > 2 or len(rule_dirs) > 2 or max(len(dates), len(rule_dirs)) < 2:
        parser.error(
            "explain compares two screenings: give two dates (--as-of A --as-of B), "
            "two rule sets (--rules OLD --rules NEW), or both"
        )
    tx, own = _load_input(path)
    default = own or tx.date
    days = (dates or [default]) * (2 // max(len(dates), 1))
    rule_sets = [load_rules(d) for d in rule_dirs] or [load_rules(None)]
    rule_sets = rule_sets * (2 // len(rule_sets))
    before = evaluate(tx, rule_sets[0], days[0])
    after = evaluate(tx, rule_sets[1], days[1])
    diff = diff_decisions(before, after)
    if as_json:
        out.write(canonical_json(_diff_dict(diff)) + "\n")
    else:
        out.write(_diff_table(diff))
    return 1 if diff.outcome_changed or diff.hits_changed else 0


def _diff_dict(diff: DecisionDiff) -> dict[str, object]:
    def side(d: Decision) -> dict[str, object]:
        return {
            "as_of": d.as_of.isoformat(),
            "outcome": d.outcome.value,
            "ruleset": d.ruleset,
            "ruleset_version": d.ruleset_version,
            "ruleset_fingerprint": d.ruleset_fingerprint,
        }

    def hit(h: Hit) -> dict[str, object]:
        return {
            "rule_id": h.rule_id,
            "kind": h.kind,
            "outcome": h.outcome.value,
            "about": h.party or h.item or h.field,
            "message": h.message,
            "citation": h.citation,
            "source": h.source,
        }

    return {
        "transaction_id": diff.after.transaction_id,
        "before": side(diff.before),
        "after": side(diff.after),
        "appeared": [hit(h) for h in diff.appeared],
        "disappeared": [hit(h) for h in diff.disappeared],
        "changed": [
            {"before": hit(c.before), "after": hit(c.after), "fields": list(c.fields)}
            for c in diff.changed
        ],
        "unchanged": [hit(h) for h in diff.unchanged],
    }


def _diff_table(diff: DecisionDiff) -> str:
    def side(label: str, d: Decision) -> str:
        return (
            f"  {label}: as of {d.as_of}, rules {d.ruleset} {d.ruleset_version} "
            f"({d.ruleset_fingerprint[:12]}): {d.outcome.value.upper()}"
        )

    def body(h: Hit) -> list[str]:
        about = h.party or h.item or h.field
        return [
            *([f"      about: {about}"] if about else []),
            f"      {h.message}",
            f"      cite: {h.citation}",
            f"      rule: {h.source}",
        ]

    lines = [
        f"{diff.after.transaction_id}",
        side("before", diff.before),
        side("after ", diff.after),
        "",
    ]
    for h in diff.appeared:
        lines.append(f"+ appears     {h.outcome.value.upper():<7} {h.rule_id}  [{h.kind}]")
        lines += body(h)
    for h in diff.disappeared:
        lines.append(f"- disappears  {h.outcome.value.upper():<7} {h.rule_id}  [{h.kind}]")
        lines += body(h)
    for c in diff.changed:
        was, now = c.before.outcome.value.upper(), c.after.outcome.value.upper()
        outcome = f"{was} → {now}" if was != now else now
        lines.append(
            f"~ changes     {outcome}  {c.after.rule_id}  [{c.after.kind}]: {', '.join(c.fields)}"
        )
        lines += body(c.after)
    if diff.unchanged:
        lines.append("= unchanged   " + ", ".join(h.rule_id for h in diff.unchanged))
    if not (diff.hits_changed or diff.unchanged):
        lines.append("no rule fires on either side")
    elif not diff.hits_changed and not diff.outcome_changed:
        lines.append("no difference in outcome or hits")
    return "\n".join(lines) + "\n"


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


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
