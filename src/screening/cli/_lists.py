"""``screening lists ...``: official screening lists (CSL CSV/JSON, OFAC legacy CSV sets, BIS
DPL, UN, EU, UK, OFSI, OpenSanctions): update, diff, rescreen, check.

A `ListError` here is bad input (exit 3, ``error: ...``), not bad rules as it is for
``screen --lists``: `_list_errors` says so before the top group's mapping sees it.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..audit import canonical_json
from ..errors import ListError
from ..lists import DEFAULT_MAX_DROP, SOURCES, ListEntry
from ._options import DATE, PATH, RULES_HELP, SHARE, json_option
from ._output import EXIT_INPUT, EXIT_USAGE, error, stdout

__all__ = ["lists"]

F = TypeVar("F", bound=Callable[..., int])


def _list_errors(command: F) -> F:
    """A `ListError` from ``command`` is an unreadable list or history: exit 3."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> int:
        try:
            return command(*args, **kwargs)
        except ListError as exc:
            error(f"error: {exc}")
            return EXIT_INPUT

    return run  # type: ignore[return-value]


@click.group(
    short_help="official screening lists: update, diff, rescreen, check", no_args_is_help=False
)
def lists() -> None:
    """Official screening lists (CSL CSV/JSON, OFAC legacy CSV sets, BIS DPL, UN, EU, UK and
    OFSI, OpenSanctions): update (download, validate and install with a manifest; the old copy
    is kept on failure), diff two releases, rescreen a history (JSON Lines) with new lists,
    check list files.

    \b
    Examples:
      screening lists update --source csl --dest lists
      screening lists diff old/consolidated.csv lists/csl
      screening lists rescreen history.jsonl --new lists/csl --old lists/csl.previous
      screening screen tx.yaml --lists lists/csl
    """


_SOURCES_EPILOG = "\b\nSources:\n" + "\n".join(
    f"  {s.name:<9} {s.title}\n            {s.urls[0]}" for s in SOURCES.values()
)


@lists.command(short_help="download, validate and install lists", epilog=_SOURCES_EPILOG)
@click.option(
    "--source",
    multiple=True,
    type=click.Choice(sorted(SOURCES)),
    metavar="NAME",
    help=f"list to update: {', '.join(SOURCES)} (repeatable; default csl)",
)
@click.option("--url", metavar="URL", help="download from URL instead (one --source only)")
@click.option("--dest", type=PATH, default=Path("lists"), metavar="DIR", help="default: ./lists")
@click.option(
    "--max-drop",
    type=SHARE,
    default=DEFAULT_MAX_DROP,
    metavar="SHARE",
    help=f"largest share of entries a release may lose (default {DEFAULT_MAX_DROP})",
)
@click.option(
    "--force",
    is_flag=True,
    help="install a release that lacks a column or changes nearly every entry's names or a "
    "field (refused otherwise); never one that does not parse or shrank past --max-drop",
)
@json_option("print one JSON result per source")
@_list_errors
def update(
    source: tuple[str, ...],
    url: str | None,
    dest: Path,
    max_drop: float,
    force: bool,
    as_json: bool,
) -> int:
    """Download each --source from its official address (or --url; file:// works), check that
    it parses, holds entries, and has not lost more than --max-drop of the entries of the
    current copy (overall or in any one list), that its header has every column of its format
    and of the current copy, and that it does not change the names of nearly every entry (or
    drop a field such as the addresses from nearly all) unless --force, then install it as
    DEST/SOURCE/ with a
    manifest.json (URL, fetch time, sha256, rows). The replaced copy is kept as
    DEST/SOURCE.previous/. On any failure the current copy is left as it was. Exit code: 0 all
    updated (or unchanged), 3 any failed, 5 usage.

    \b
    Examples:
      screening lists update --source csl --dest lists
      screening lists update --source sdn --url file:///data/ofac/sdn.csv --dest lists
    """
    from ..errors import ListUpdateError
    from ..lists import update_list

    sources = list(source) or ["csl"]
    if url and len(sources) != 1:
        error("error: --url needs exactly one --source")
        return EXIT_USAGE
    out = stdout()
    failed = False
    for name in sources:
        now = dt.datetime.now(dt.UTC)  # the edge: the library itself reads no clock
        try:
            result = update_list(name, dest, now=now, url=url, max_drop=max_drop, force=force)
        except ListUpdateError as exc:
            error(f"error: {name}: {exc}")
            failed = True
            continue
        m = result.manifest
        if as_json:
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


@lists.command(short_help="entries added, removed and changed between two list releases")
@click.argument("old", type=PATH, metavar="OLD")
@click.argument("new", type=PATH, metavar="NEW")
@json_option("print the difference as one JSON object")
@_list_errors
def diff(old: Path, new: Path, as_json: bool) -> int:
    """Compare two releases of a list (files or directories, any supported format), matching
    entries on the list's own key (CSL _id, OFAC ent_num, UN reference number, EU logical id,
    UK unique id, OFSI group id, OpenSanctions id). Exit code: 0 no differences, 1
    differences, 3 a list is unreadable.

    \b
    Example:
      screening lists diff lists/csl.previous lists/csl
    """
    from ..lists import diff_lists, read_list

    before, after = read_list(old), read_list(new)
    changes = diff_lists(before, after)
    out = stdout()
    if as_json:
        out.write(canonical_json(changes.to_dict()) + "\n")
        return 1 if changes else 0
    out.write(
        f"old: {before.path} ({before.format}, {len(before.entries)} entries, "
        f"sha256 {before.sha256[:12]})\n"
        f"new: {after.path} ({after.format}, {len(after.entries)} entries, "
        f"sha256 {after.sha256[:12]})\n"
        f"{len(changes.added)} added, {len(changes.removed)} removed, "
        f"{len(changes.changed)} changed\n"
    )
    out.writelines(_entry_line("+", e) for e in changes.added)
    out.writelines(_entry_line("-", e) for e in changes.removed)
    for change in changes.changed:
        out.write(_entry_line("~", change.new).rstrip("\n") + f"  [{', '.join(change.fields)}]\n")
    return 1 if changes else 0


def _entry_line(mark: str, e: ListEntry) -> str:
    cited = e.federal_register_notice or e.regime  # the lists beyond the US cite a regime
    extra = [x for x in (cited, e.start and f"from {e.start}") if x]
    tail = f" ({'; '.join(str(x) for x in extra)})" if extra else ""
    return f"{mark} {e.list} {e.id}  {e.name}{tail}\n"


@lists.command(short_help="which decisions of a history new lists would change")
@click.argument("history", type=PATH, metavar="HISTORY")
@click.option(
    "--new",
    "--lists",
    "new",
    multiple=True,
    required=True,
    type=PATH,
    metavar="PATH",
    help="a list of the new release (repeatable)",
)
@click.option("--old", multiple=True, type=PATH, metavar="PATH", help="the old release")
@click.option("--as-of", type=DATE, metavar="DATE", help="screen every line as of DATE")
@click.option("--rules", type=PATH, metavar="DIR", help=RULES_HELP)
@json_option("print one JSON object per change")
@_list_errors
def rescreen(
    history: Path,
    new: tuple[Path, ...],
    old: tuple[Path, ...],
    as_of: dt.date | None,
    rules: Path | None,
    as_json: bool,
) -> int:
    """Screen every transaction of HISTORY (JSON Lines: a transaction object, or a decision
    record with a 'transaction' key) with the rules and the --new lists, and report each
    decision that differs from the same screening with the --old lists or, without --old,
    from the decision recorded on the line. With --old, transactions whose names come near no
    changed entry are not screened twice (they cannot change). Each is screened as of
    --as-of, else its recorded as_of, else its own date. Exit code: 0 no decision changes, 1
    some change, 3 bad history or list, 4 bad rules.

    \b
    Example:
      screening lists rescreen history.jsonl --new lists/csl --old lists/csl.previous
    """
    from ..changes import rescreen_lists

    report, problems = rescreen_lists(history, new, old, rules=rules, as_of=as_of)
    out = stdout()
    for change in report.changes:
        if as_json:
            out.write(canonical_json(change.to_dict()) + "\n")
            continue
        out.write(
            f"line {change.line}: {change.transaction_id} as of {change.as_of}: "
            f"{change.before.value} -> {change.after.value}\n"
        )
        out.writelines(f"  + {h.outcome:<6} {h.rule_id}: {h.message}\n" for h in change.added)
        out.writelines(f"  - {h.outcome:<6} {h.rule_id}: {h.message}\n" for h in change.removed)
    if not as_json:
        baseline = "the old lists" if old else "the recorded decisions"
        out.write(
            f"{len(report.changes)} of {report.transactions} decisions would change "
            f"({report.screened} screened again; compared with {baseline})\n"
        )
    for problem in problems:
        error(f"error: {problem}")
    if problems:
        return EXIT_INPUT
    return 1 if report.changes else 0


@lists.command(short_help="read list files and summarise them")
@click.argument("paths", nargs=-1, required=True, type=PATH, metavar="PATH...")
@json_option("print one JSON summary per list")
@_list_errors
def check(paths: tuple[Path, ...], as_json: bool) -> int:
    """Read each list (format recognised by content) and print its format, version and
    entries per source list. Exit code: 0 all readable, 3 any is not.

    \b
    Example:
      screening lists check ../shared/data/csl/consolidated_csl_2022-05.csv.gz
    """
    from ..lists import read_list

    out = stdout()
    failed = False
    for path in paths:
        try:
            listed = read_list(path)
        except ListError as exc:
            error(f"error: {exc}")
            failed = True
            continue
        if as_json:
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
