"""The `screening` command: a thin shell over the library.

Exit codes: 0 clear, 1 review, 2 block (for ``screen``: the most severe outcome of all files);
``replay`` exits 0 when every scenario gets its expected decision and 1 otherwise; ``audit
verify`` exits 0 when every record reproduces and 1 otherwise; ``explain`` exits 0 when the two
decisions have the same outcome and hits and 1 otherwise; errors exit 3 (bad transaction,
scenario or log file), 4 (bad rule files, or a bad list file loaded with them), 5 (bad command
line) or 6 (an internal error: a bug). A usage error or ``--help`` exits through `SystemExit`, as
argparse does. ``lists`` commands: see `_lists_parser`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from pydantic import TypeAdapter, ValidationError

from .._io.documents import parse_document, read_document
from .._io.logfile import append_lines
from .._io.yamlfile import Located
from .._version import __version__
from ..api import transaction_from
from ..audit import (
    DecisionDiff,
    Verification,
    canonical_json,
    diff_decisions,
    record_line,
    verify_log,
)
from ..authoring import Replay, replay
from ..engine import evaluate
from ..errors import (
    BatchError,
    DocumentError,
    LogError,
    Problem,
    RecordError,
    RuleError,
    ScenarioError,
    ScreeningError,
    TransactionError,
)
from ..lists import ListEntry
from ..models import Decision, Hit, Outcome, Transaction
from ..rules import RuleSet, bundled_rules_dir, load_rules
from . import _rules as cli_rules

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
    _lists_option(p)

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
    _lists_option(p)

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
    _lists_parser(sub)
    _add_batch_parser(sub, rules_help)
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
    if args.command == "lists":
        return _lists_main(args, out)
    try:
        if args.command == "rules":
            return cli_rules.run(args, out)
        if args.command == "explain":
            return _explain(
                args.subparser, args.file, args.as_of or [], args.rules or [], args.json, out
            )
        rules = _rules(args.rules, getattr(args, "lists", ()))
        if args.command == "audit":
            return _audit_verify(args.log, rules, args.json, out)
        if args.command == "batch":
            return _batch(args, rules)
        if args.command == "screen":
            return _screen(args.files, rules, args.as_of, args.json, args.log, out)
        return _replay(args.directory, rules, args.rules, args.json, args.log, args.report, out)
    except RuleError as exc:
        print(f"error: rules: {exc}", file=sys.stderr)
        return EXIT_RULES
    except (DocumentError, ScenarioError, TransactionError, LogError, RecordError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except BatchError as exc:
        print(f"error: batch: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except ScreeningError as exc:  # pragma: no cover - every subclass is handled above
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT


def _rules(directory: Path | None, lists: Sequence[Path] = ()) -> RuleSet:
    return load_rules(directory, lists=lists)


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
    from ..report import build_case, read_case, render_html, render_markdown, rule_snippets

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
    for version in decision.lists:
        lines.append(f"  list {version.file} ({version.format}, sha256 {version.sha256[:12]})")
    for hit in decision.hits:
        score = f"  score {hit.score:.2f}" if hit.score is not None else ""
        lines.append(f"  {hit.outcome.value.upper():<7} {hit.rule_id}  [{hit.kind}]{score}")
        lines.append(f"          {hit.message}")
        lines.append(f"          cite: {hit.citation}")
        lines.append(
            f"          rule: {hit.source}" + (f"  field: {hit.field}" if hit.field else "")
        )
        if hit.list_entry is not None:
            lines.append(
                f"          list entry: {hit.list_entry}  version: {(hit.list_version or '')[:12]}"
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


# --- screening lists ... ---------------------------------------------------------------------


def _lists_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--lists",
        action="append",
        type=Path,
        default=[],
        metavar="PATH",
        help="also screen against an official list file or directory (repeatable)",
    )


_LISTS_HELP = """\
Official screening lists (CSL CSV/JSON, OFAC legacy CSV sets, BIS DPL, UN XML, EU FSF XML/CSV,
OpenSanctions FtM JSON Lines).

  update    download, validate and install lists with a manifest (old copy kept on failure)
  diff      entries added, removed and changed between two releases
  rescreen  which decisions of a history (JSON Lines) new lists would change
  check     read list files and summarise them

examples:
  screening lists update --source csl --dest lists
  screening lists diff old/consolidated.csv lists/csl
  screening lists rescreen history.jsonl --new lists/csl --old lists/csl.previous
  screening screen tx.yaml --lists lists/csl
"""


def _lists_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from ..lists import DEFAULT_MAX_DROP, SOURCES

    p = sub.add_parser(
        "lists",
        help="official screening lists: update, diff, rescreen, check",
        description=_LISTS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    lists_sub = p.add_subparsers(dest="lists_command", required=True, parser_class=_Parser)
    sources = "\n".join(
        f"  {s.name:<9} {s.title}\n            {s.urls[0]}" for s in SOURCES.values()
    )
    u = lists_sub.add_parser(
        "update",
        help="download, validate and install lists",
        description=(
            "Download each --source from its official address (or --url; file:// works), check\n"
            "that it parses, holds entries, and has not lost more than --max-drop of the entries\n"
            "of the current copy (overall or in any one list), then install it as DEST/SOURCE/\n"
            "with a manifest.json (URL, fetch time, sha256, rows). The replaced copy is kept as\n"
            "DEST/SOURCE.previous/. On any failure the current copy is left as it was.\n"
            "Exit code: 0 all updated (or unchanged), 3 any failed, 5 usage.\n\n"
            f"sources:\n{sources}\n\n"
            "examples:\n  screening lists update --source csl --dest lists\n"
            "  screening lists update --source sdn --url file:///data/ofac/sdn.csv --dest lists"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    u.add_argument(
        "--source",
        action="append",
        choices=sorted(SOURCES),
        metavar="NAME",
        help=f"list to update: {', '.join(SOURCES)} (repeatable; default csl)",
    )
    u.add_argument("--url", metavar="URL", help="download from URL instead (one --source only)")
    u.add_argument(
        "--dest", type=Path, default=Path("lists"), metavar="DIR", help="default: ./lists"
    )
    u.add_argument(
        "--max-drop",
        type=_share,
        default=DEFAULT_MAX_DROP,
        metavar="SHARE",
        help=f"largest share of entries a release may lose (default {DEFAULT_MAX_DROP})",
    )
    u.add_argument("--json", action="store_true", help="print one JSON result per source")

    d = lists_sub.add_parser(
        "diff",
        help="entries added, removed and changed between two list releases",
        description=(
            "Compare two releases of a list (files or directories, any supported format).\n"
            "Exit code: 0 no differences, 1 differences, 3 a list is unreadable.\n\n"
            "example:\n  screening lists diff lists/csl.previous lists/csl"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    d.add_argument("old", type=Path, metavar="OLD")
    d.add_argument("new", type=Path, metavar="NEW")
    d.add_argument("--json", action="store_true", help="print the difference as one JSON object")

    r = lists_sub.add_parser(
        "rescreen",
        help="which decisions of a history new lists would change",
        description=(
            "Screen every transaction of HISTORY (JSON Lines: a transaction object, or a\n"
            "decision record with a 'transaction' key) with the rules and the --new lists, and\n"
            "report each decision that differs from the same screening with the --old lists or,\n"
            "without --old, from the decision recorded on the line. With --old, transactions\n"
            "whose names come near no changed entry are not screened twice (they cannot change).\n"
            "Each is screened as of --as-of, else its recorded as_of, else its own date.\n"
            "Exit code: 0 no decision changes, 1 some change, 3 bad history or list,\n"
            "4 bad rules.\n\n"
            "example:\n"
            "  screening lists rescreen history.jsonl --new lists/csl --old lists/csl.previous"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    r.add_argument("history", type=Path, metavar="HISTORY")
    r.add_argument(
        "--new",
        "--lists",
        dest="new",
        action="append",
        type=Path,
        required=True,
        metavar="PATH",
        help="a list of the new release (repeatable)",
    )
    r.add_argument(
        "--old", action="append", type=Path, default=[], metavar="PATH", help="the old release"
    )
    r.add_argument("--as-of", type=_date, metavar="DATE", help="screen every line as of DATE")
    r.add_argument("--rules", type=Path, metavar="DIR", help="rules directory (default: bundled)")
    r.add_argument("--json", action="store_true", help="print one JSON object per change")

    c = lists_sub.add_parser(
        "check",
        help="read list files and summarise them",
        description=(
            "Read each list (format recognised by content) and print its format, version and\n"
            "entries per source list. Exit code: 0 all readable, 3 any is not.\n\n"
            "example:\n  screening lists check ../shared/data/csl/consolidated_csl_2022-05.csv.gz"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    c.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    c.add_argument("--json", action="store_true", help="print one JSON summary per list")


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: '{text}'") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 0 and below 1: '{text}'")
    return value


def _lists_main(args: argparse.Namespace, out: TextIO) -> int:
    from ..errors import ListError

    try:
        if args.lists_command == "update":
            return _lists_update(args, out)
        if args.lists_command == "diff":
            return _lists_diff(args, out)
        if args.lists_command == "rescreen":
            return _lists_rescreen(args, out)
        return _lists_check(args, out)
    except ListError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except RuleError as exc:
        print(f"error: rules: {exc}", file=sys.stderr)
        return EXIT_RULES


def _lists_check(args: argparse.Namespace, out: TextIO) -> int:
    from ..errors import ListError
    from ..lists import read_list

    failed = False
    for path in args.paths:
        try:
            listed = read_list(path)
        except ListError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed = True
            continue
        if args.json:
            summary = {
                "file": listed.path,
                "format": listed.format,
                "layout": listed.layout,
                "sha256": listed.sha256,
                "entries": len(listed.entries),
                "rows": listed.rows,
                "entries_by_list": listed.counts(),
                "notes": list(listed.notes),
                "fetched_at": listed.fetched_at,
                "url": listed.url,
            }
            out.write(canonical_json(summary) + "\n")
            continue
        counts = ", ".join(f"{k} {v}" for k, v in listed.counts().items())
        out.write(
            f"{listed.path}: {listed.format} ({listed.layout}), {len(listed.entries)} entries "
            f"from {listed.rows} rows, sha256 {listed.sha256}\n  {counts}\n"
        )
        if listed.fetched_at:
            out.write(f"  fetched {listed.fetched_at} from {listed.url}\n")
        out.writelines(f"  note: {n}\n" for n in listed.notes)
    return EXIT_INPUT if failed else 0


def _lists_update(args: argparse.Namespace, out: TextIO) -> int:
    from ..errors import ListUpdateError
    from ..lists import update_list

    sources = args.source or ["csl"]
    if args.url and len(sources) != 1:
        print("error: --url needs exactly one --source", file=sys.stderr)
        return EXIT_USAGE
    failed = False
    for name in sources:
        now = dt.datetime.now(dt.UTC)  # the edge: the library itself reads no clock
        try:
            result = update_list(name, args.dest, now=now, url=args.url, max_drop=args.max_drop)
        except ListUpdateError as exc:
            print(f"error: {name}: {exc}", file=sys.stderr)
            failed = True
            continue
        m = result.manifest
        if args.json:
            data = json.loads(m.to_json())
            data.update(status=result.status, directory=str(result.directory))
            data["notes"] = list(result.notes)
            out.write(canonical_json(data) + "\n")
            continue
        was = "" if result.previous_entries is None else f" (was {result.previous_entries})"
        out.write(
            f"{name}: {result.status}: {m.entries} entries{was}, sha256 {m.sha256[:12]}, "
            f"from {m.primary.url} -> {result.directory}\n"
        )
        out.writelines(f"  note: {n}\n" for n in result.notes)
    return EXIT_INPUT if failed else 0


def _entry_line(mark: str, e: ListEntry) -> str:
    extra = [x for x in (e.federal_register_notice, e.start and f"from {e.start}") if x]
    tail = f" ({'; '.join(str(x) for x in extra)})" if extra else ""
    return f"{mark} {e.list} {e.id}  {e.name}{tail}\n"


def _lists_diff(args: argparse.Namespace, out: TextIO) -> int:
    from ..lists import diff_lists, read_list

    old, new = read_list(args.old), read_list(args.new)
    diff = diff_lists(old, new)
    if args.json:
        out.write(canonical_json(diff.to_dict()) + "\n")
        return 1 if diff else 0
    out.write(
        f"old: {old.path} ({old.format}, {len(old.entries)} entries, sha256 {old.sha256[:12]})\n"
        f"new: {new.path} ({new.format}, {len(new.entries)} entries, sha256 {new.sha256[:12]})\n"
        f"{len(diff.added)} added, {len(diff.removed)} removed, {len(diff.changed)} changed\n"
    )
    out.writelines(_entry_line("+", e) for e in diff.added)
    out.writelines(_entry_line("-", e) for e in diff.removed)
    for change in diff.changed:
        out.write(_entry_line("~", change.new).rstrip("\n") + f"  [{', '.join(change.fields)}]\n")
    return 1 if diff else 0


def _lists_rescreen(args: argparse.Namespace, out: TextIO) -> int:
    from ..changes import changed_names, read_history_items, rescreen
    from ..errors import ListError
    from ..lists import read_list

    items, problems = read_history_items(args.history)
    new_files = [read_list(p) for p in args.new]
    old_files = [read_list(p) for p in args.old]
    new_rules = load_rules(args.rules, lists=new_files)
    old_rules = load_rules(args.rules, lists=old_files) if old_files else None
    if old_rules is None:
        missing = [i.line for i in items if i.recorded is None]
        if missing:
            shown = ", ".join(str(n) for n in missing[:10])
            raise ListError(
                [
                    Problem(
                        f"lines {shown} hold no recorded decision to compare with: give the "
                        "old lists with --old",
                        file=str(args.history),
                    )
                ]
            )
    near = changed_names(old_files, new_files) if old_rules is not None else None
    report = rescreen(items, new_rules, old=old_rules, as_of=args.as_of, only_near=near)
    for change in report.changes:
        if args.json:
            out.write(canonical_json(change.to_dict()) + "\n")
            continue
        out.write(
            f"line {change.line}: {change.transaction_id} as of {change.as_of}: "
            f"{change.before.value} -> {change.after.value}\n"
        )
        out.writelines(f"  + {h.outcome:<6} {h.rule_id}: {h.message}\n" for h in change.added)
        out.writelines(f"  - {h.outcome:<6} {h.rule_id}: {h.message}\n" for h in change.removed)
    if not args.json:
        baseline = "the old lists" if old_rules is not None else "the recorded decisions"
        out.write(
            f"{len(report.changes)} of {report.transactions} decisions would change "
            f"({report.screened} screened again; compared with {baseline})\n"
        )
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        return EXIT_INPUT
    return 1 if report.changes else 0


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
    _lists_option(p)
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
    from ..batch import run_batch

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
