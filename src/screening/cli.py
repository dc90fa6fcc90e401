"""The `screening` command: a thin shell over the library.

Exit codes: 0 clear, 1 review, 2 block (for ``screen``: the most severe outcome of all files);
``replay`` exits 0 when every scenario gets its expected decision and 1 otherwise; errors exit
3 (bad transaction or scenario file), 4 (bad rule files, or a bad list file loaded with them) or
5 (bad command line). ``lists`` commands: see `_lists_parser`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from ._version import __version__
from .api import parse_transaction
from .engine import evaluate
from .errors import Problem, RuleError, ScreeningError, TransactionError
from .lists import ListEntry
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
    _lists_option(p)

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
    _lists_option(p)

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
    _lists_option(c)
    _lists_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None) -> int:
    """Run the command line; returns the exit code."""
    out = stdout or sys.stdout
    args = _parser().parse_args(argv)
    if args.command == "lists":
        return _lists_main(args, out)
    try:
        if args.command == "rules":
            rules = _rules(args.directory, args.lists)
            print(
                f"ok: {len(rules)} rules in {len(rules.files)} files; "
                f"{rules.name} {rules.version}; fingerprint {rules.fingerprint}",
                file=out,
            )
            for version in rules.lists:
                print(
                    f"list: {version.file}: {version.format}, {version.entries} entries, "
                    f"sha256 {version.sha256}",
                    file=out,
                )
            return 0
        rules = _rules(args.rules, args.lists)
        if args.command == "screen":
            return _screen(args.files, rules, args.as_of, args.json, out)
        return _replay(args.directory, rules, args.json, out)
    except RuleError as exc:
        print(f"error: rules: {exc}", file=sys.stderr)
        return EXIT_RULES
    except (ScenarioError, TransactionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except ScreeningError as exc:  # pragma: no cover - every subclass is handled above
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT


def _rules(directory: Path | None, lists: Sequence[Path] = ()) -> RuleSet:
    return load_rules(directory, lists=lists)


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
Official screening lists (CSL CSV/JSON, OFAC legacy CSV sets, BIS DPL).

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
    from .lists import DEFAULT_MAX_DROP, SOURCES

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
    from .errors import ListError

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


def _dumps(data: object) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _lists_check(args: argparse.Namespace, out: TextIO) -> int:
    from .errors import ListError
    from .lists import read_list

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
            out.write(_dumps(summary) + "\n")
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
    from .errors import ListUpdateError
    from .lists import update_list

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
            out.write(_dumps(data) + "\n")
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
    from .lists import diff_lists, read_list

    old, new = read_list(args.old), read_list(args.new)
    diff = diff_lists(old, new)
    if args.json:
        out.write(_dumps(diff.to_dict()) + "\n")
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
    from .errors import ListError
    from .lists import read_list
    from .lists.rescreen import changed_names, read_history, rescreen

    items, problems = read_history(args.history)
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
            out.write(_dumps(change.to_dict()) + "\n")
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


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
