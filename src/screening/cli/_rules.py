"""``screening rules ...``: check, schema, test and diff.

Library errors propagate: the top group turns a `RuleError` into exit 4 and a `ScenarioError`
into exit 3, each with its located message.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import click

from .._io.durable import atomic_write
from ..authoring import (
    CODES,
    TESTS_DIR,
    LintWarning,
    Replay,
    lint,
    load_rule_tests,
    replay,
    rules_json_schema_text,
    run_rule_tests,
)
from ..changes import Impact, RuleDiff, diff_rules, impact, read_history
from ..errors import Problem, RuleError
from ..rules import (
    RuleCoverage,
    RuleSet,
    bundled_rules_dir,
    load_rules,
    ownership_from_csv,
    ownership_yaml,
    rules_coverage,
)
from ._options import PATH, json_option, lists_option
from ._output import stdout

__all__ = ["rules"]


@click.group(short_help="work with rule files", no_args_is_help=False)
def rules() -> None:
    """Work with rule files: check (validate and lint), schema (JSON Schema for editors), test
    (run rule tests), diff (changes and their impact).

    \b
    Example:
      screening rules check rules/
    """


_WARNINGS_EPILOG = "\b\nWarnings:\n" + "".join(
    textwrap.fill(f"{code}: {text}", 78, initial_indent="  ", subsequent_indent="    ") + "\n"
    for code, text in CODES.items()
)


@rules.command(
    short_help="validate a rules directory and its tests; lint it for likely mistakes",
    epilog=_WARNINGS_EPILOG,
)
@click.argument("directory", required=False, type=PATH, metavar="[DIR]")
@click.option("--strict", is_flag=True, help="treat warnings as errors (exit 4)")
@json_option("print the result as one JSON object")
@lists_option("also load an official list file or directory with the rules (repeatable)")
def check(directory: Path | None, strict: bool, as_json: bool, lists: tuple[Path, ...]) -> int:
    """Validate every rule file and test file of DIR (default: the bundled rules; exit 4
    listing every problem with file and line), then print lint warnings: things that load but
    are probably not meant. Warnings exit 0 unless --strict. A rule accepts a warning its
    author has checked with `accept_warnings: [code]`.

    \b
    Example:
      screening rules check rules/ --strict
    """
    return _check(directory, strict, as_json, stdout(), list(lists))


@rules.command(
    short_help="print the JSON Schema of rule files (for editor completion and checking)"
)
@click.option("--output", "-o", type=PATH, metavar="FILE", help="write to FILE, not stdout")
def schema(output: Path | None) -> int:
    """Print a JSON Schema that every file of a rules directory satisfies (rule files,
    ruleset.yaml and tests/*.yaml). Point your editor at it for completion and red
    underlines; see rules/README.md.

    \b
    Example:
      screening rules schema > rules/rules.schema.json
    """
    return _schema(output, stdout())


@rules.command(short_help="run the rule tests (DIR/tests/*.yaml) and print a table")
@click.argument("directory", required=False, type=PATH, metavar="[DIR]")
@click.option(
    "--cases",
    type=PATH,
    multiple=True,
    metavar="DIR",
    help="also run the scenario files in DIR (repeatable)",
)
@json_option("print one JSON result per line")
def test(directory: Path | None, cases: tuple[Path, ...], as_json: bool) -> int:
    """Screen every test case in DIR/tests/*.yaml (DIR default: the bundled rules; and, with
    --cases, every scenario file in a directory such as examples/zte) and compare the outcome
    and the exact set of fired rules with the case's `expect:`. Exit 0 when all pass, 1 when
    any fails or there is nothing to run.

    \b
    Example:
      screening rules test rules/ --cases examples/zte
    """
    return _test(directory, cases, as_json, stdout())


@rules.command(
    short_help="list rule changes between two rules directories and the past decisions they change"
)
@click.argument("old", type=PATH, metavar="OLD_DIR")
@click.argument("new", type=PATH, metavar="NEW_DIR")
@click.option("--against", type=PATH, metavar="FILE", help="JSON Lines history to replay")
@json_option("print the result as one JSON object")
def diff(old: Path, new: Path, against: Path | None, as_json: bool) -> int:
    """List the rules added, removed and changed (key by key) from OLD_DIR to NEW_DIR. With
    --against, screen each past transaction in a JSON Lines file (a line is a transaction, or
    a record with a 'transaction' key) under both and list those whose outcome or fired rules
    change. Exit 0 when nothing differs, 1 otherwise.

    \b
    Example:
      screening rules diff rules-2026-10/ rules/ --against history.jsonl
    """
    return _diff(old, new, against, as_json, stdout())


def _dir(directory: Path | None) -> tuple[Path, str]:
    """The directory to read and the name to show in messages."""
    if directory is None:
        return bundled_rules_dir(), "rules"
    return directory, str(directory)


# --- check -----------------------------------------------------------------------------------


def _check(
    directory: Path | None, strict: bool, as_json: bool, out: TextIO, lists: list[Path]
) -> int:
    path, shown = _dir(directory)
    problems: list[Problem] = []
    rules: RuleSet | None = None
    try:
        rules = load_rules(directory, lists=lists)
    except RuleError as exc:
        problems += exc.problems
    try:
        tests = load_rule_tests(path, rules=rules, display_root=shown)
    except RuleError as exc:
        problems += exc.problems
        tests = ()
    if problems:
        raise RuleError(problems)
    assert rules is not None
    warnings = lint(rules)
    open_ = [w for w in warnings if not w.accepted]
    accepted = len(warnings) - len(open_)
    if strict and open_:
        raise RuleError([_as_problem(w) for w in open_])
    if as_json:
        result = {
            "ok": True,
            "rules": len(rules),
            "files": len(rules.files),
            "tests": len(tests),
            "ruleset": rules.name,
            "version": rules.version,
            "fingerprint": rules.fingerprint,
            "warnings": [w.to_dict() for w in warnings],
            "lists": [v.model_dump(mode="json") for v in rules.lists],
        }
        out.write(json.dumps(result, sort_keys=True, ensure_ascii=False) + "\n")
        return 0
    for w in open_:
        out.write(f"warning: {w}\n")
    note = f"{len(open_)} warning{'s' if len(open_) != 1 else ''}"
    if accepted:
        note += f" ({accepted} accepted)"
    out.write(
        f"ok: {len(rules)} rules in {len(rules.files)} files, {len(tests)} tests; "
        f"{rules.name} {rules.version}; fingerprint {rules.fingerprint}; {note}\n"
    )
    for version in rules.lists:
        out.write(
            f"list: {version.file}: {version.format}, {version.entries} entries, "
            f"sha256 {version.sha256}\n"
        )
    return 0


def _as_problem(w: LintWarning) -> Problem:
    return Problem(f"{w.message} [{w.code}]", w.file, w.line, w.rule_id, w.path)


# --- schema ----------------------------------------------------------------------------------


def _schema(output: Path | None, out: TextIO) -> int:
    text = rules_json_schema_text()
    if output is None:
        out.write(text)
    else:
        output.write_text(text, encoding="utf-8")
    return 0


# --- test ------------------------------------------------------------------------------------


def _test(directory: Path | None, cases: Sequence[Path], as_json: bool, out: TextIO) -> int:
    path, shown = _dir(directory)
    rules = load_rules(directory)
    results = run_rule_tests(load_rule_tests(path, rules=rules, display_root=shown), rules)
    for folder in cases:
        results += replay(folder, rules)
    if as_json:
        for r in results:
            out.write(json.dumps(_result(r), sort_keys=True, ensure_ascii=False) + "\n")
    elif results:
        out.write(_table(results, rules))
    if not results:
        where = f"{shown}/{TESTS_DIR}/*.yaml"
        out.write(f"no test cases: write some in {where}, or pass --cases DIR\n")
        return 1
    return 0 if all(r.ok for r in results) else 1


def _result(r: Replay) -> dict[str, Any]:
    return {
        "id": r.scenario.id,
        "file": r.scenario.file,
        "as_of": r.decision.as_of.isoformat(),
        "expected": r.scenario.expect.outcome.value,
        "got": r.decision.outcome.value,
        "missing": list(r.missing),
        "unexpected": list(r.unexpected),
        "ok": r.ok,
    }


def _table(results: list[Replay], rules: RuleSet) -> str:
    width = max(len("test"), *(len(r.scenario.id) for r in results))
    head = f"{'test':<{width}}  {'as of':<10}  {'expected':<8}  {'got':<8}  result"
    lines = [head, "-" * len(head)]
    for r in results:
        lines.append(
            f"{r.scenario.id:<{width}}  {r.decision.as_of!s:<10}  "
            f"{r.scenario.expect.outcome.value:<8}  {r.decision.outcome.value:<8}  "
            + ("ok" if r.ok else "FAIL")
        )
        if r.ok:
            continue
        pad = " " * (width + 4)
        lines.append(f"{pad}at {r.scenario.file}")
        if r.missing:
            lines.append(f"{pad}expected but did not fire: {', '.join(r.missing)}")
        if r.unexpected:
            lines.append(f"{pad}fired but not expected: {', '.join(r.unexpected)}")
    failed = sum(not r.ok for r in results)
    lines += [
        "",
        f"{len(results) - failed} of {len(results)} tests passed, {failed} failed "
        f"({rules.name} {rules.version}, fingerprint {rules.fingerprint[:12]})",
    ]
    return "\n".join(lines) + "\n"


# --- diff ------------------------------------------------------------------------------------


def _diff(old_dir: Path, new_dir: Path, against: Path | None, as_json: bool, out: TextIO) -> int:
    old = _load_side(old_dir, "OLD_DIR")
    new = _load_side(new_dir, "NEW_DIR")
    changes = diff_rules(old, new)
    history = read_history(against) if against is not None else None
    impacts = impact(old, new, history) if history is not None else []
    if as_json:
        result: dict[str, Any] = {
            "old": _side(old, old_dir),
            "new": _side(new, new_dir),
            **changes.to_dict(),
        }
        if history is not None:
            result["impact"] = {
                "history": str(against),
                "transactions": len(history),
                "changed": [i.to_dict() for i in impacts],
            }
        out.write(json.dumps(result, sort_keys=True, ensure_ascii=False) + "\n")
    else:
        out.write(_diff_text(changes, old, new, old_dir, new_dir))
        if history is not None:
            out.write(_impact_text(impacts, len(history), against))
    return 1 if changes or impacts else 0


def _load_side(directory: Path, label: str) -> RuleSet:
    try:
        return load_rules(directory)
    except RuleError as exc:
        heading = Problem(f"{label} {directory} does not load")
        raise RuleError([heading, *exc.problems]) from None


def _side(rules: RuleSet, directory: Path) -> dict[str, Any]:
    return {
        "directory": str(directory),
        "ruleset": rules.name,
        "version": rules.version,
        "fingerprint": rules.fingerprint,
    }


def _diff_text(changes: RuleDiff, old: RuleSet, new: RuleSet, old_dir: Path, new_dir: Path) -> str:
    lines = [
        f"old: {old_dir} ({old.name} {old.version}, fingerprint {old.fingerprint[:12]})",
        f"new: {new_dir} ({new.name} {new.version}, fingerprint {new.fingerprint[:12]})",
        "",
    ]
    if not changes:
        lines.append("no rule changed")
    for field in changes.header:
        lines.append(f"header   ruleset.{field}")
    for c in changes.added:
        lines.append(f"added    {c.rule_id} [{c.kind}]  {c.new_source}")
    for c in changes.removed:
        lines.append(f"removed  {c.rule_id} [{c.kind}]  {c.old_source}")
    for c in changes.changed:
        lines.append(f"changed  {c.rule_id} [{c.kind}]  {c.new_source}")
        lines += [f"           {f}" for f in c.fields]
    lines.append("")
    lines.append(
        f"{len(changes.added)} added, {len(changes.removed)} removed, "
        f"{len(changes.changed)} changed" + (", header changed" if changes.header else "")
    )
    return "\n".join(lines) + "\n"


def _impact_text(impacts: list[Impact], total: int, against: Path | None) -> str:
    lines = ["", f"impact on {total} past transactions ({against}):"]
    if impacts:
        width = max(len("transaction"), *(len(i.entry.transaction.id) for i in impacts))
        head = (
            f"  {'line':>5}  {'transaction':<{width}}  {'as of':<10}  {'old':<7}  {'new':<7}  rules"
        )
        lines += [head, "  " + "-" * (len(head) - 2)]
        for i in impacts:
            fired = [f"+{r}" for r in i.rules_added] + [f"-{r}" for r in i.rules_removed]
            lines.append(
                f"  {i.entry.line:>5}  {i.entry.transaction.id:<{width}}  "
                f"{i.entry.as_of!s:<10}  {i.old.outcome.value:<7}  {i.new.outcome.value:<7}  "
                + " ".join(fired)
            )
    outcome = sum(i.outcome_changed for i in impacts)
    lines.append(
        f"outcome changed: {outcome}; fired rules changed (same outcome): "
        f"{len(impacts) - outcome}; unchanged: {total - len(impacts)}"
    )
    return "\n".join(lines) + "\n"


@rules.group(short_help="the ownership file: import it from CSV")
def ownership() -> None:
    """The ownership file (who owns whom, read by the ownership rules): import it from a CSV
    the compliance team keeps. See rules/README.md, "The ownership file".

    \b
    Example:
      screening rules ownership import ownership.csv --rules rules/
    """


_OWNERSHIP_ABOUT = (
    "The ownership file, imported from {csv} (sha256 {digest}) by `screening rules ownership "
    "import`: edit the CSV and import it again rather than editing this file. Each line says "
    "that `owner` holds `share` percent of `owned` over its window, citing where that was read; "
    "the ownership rules (ownership-rules.yaml) screen the owners against the lists."
)


@ownership.command(name="import", short_help="write the ownership file from a CSV")
@click.argument("csv_file", type=PATH, metavar="FILE.csv")
@click.option(
    "--rules", "directory", type=PATH, metavar="DIR", help="rules directory (default: rules)"
)
@click.option(
    "--output", "-o", type=PATH, metavar="FILE", help="write here (default: DIR/ownership.yaml)"
)
def import_ownership(csv_file: Path, directory: Path | None, output: Path | None) -> int:
    """Read FILE.csv (columns owner, owned, share, source, and optionally from, to,
    owner_country, note) and replace the ownership file with its rows, as `ownership` rules.
    Every bad row is refused with its line (exit 4) and nothing is written; the new rules
    directory is loaded before the file is replaced, so a row that breaks it (a duplicate id)
    is refused too. The CSV is the team's source of truth: import it again after each edit.

    \b
    Example:
      screening rules ownership import ownership.csv --rules rules/
    """
    out = stdout()
    rules_dir = directory if directory is not None else Path("rules")
    target = output if output is not None else rules_dir / "ownership.yaml"
    try:
        data = csv_file.read_bytes()
    except OSError as exc:
        raise RuleError([Problem(f"cannot read: {exc.strerror}", file=str(csv_file))]) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RuleError([Problem("not UTF-8 text", file=str(csv_file))]) from exc
    lines = ownership_from_csv(text, file=str(csv_file))
    about = _OWNERSHIP_ABOUT.format(csv=csv_file.name, digest=hashlib.sha256(data).hexdigest())
    yaml_text = ownership_yaml(lines, about=about)
    if target.resolve().parent == rules_dir.resolve():
        _check_with(rules_dir, target.name, yaml_text)
    atomic_write(target, yaml_text.encode("utf-8"))
    out.write(f"ok: {len(lines)} ownership lines from {csv_file} written to {target}\n")
    return 0


def _check_with(rules_dir: Path, name: str, yaml_text: str) -> None:
    """Load ``rules_dir`` with ``name`` replaced by ``yaml_text`` (in a temporary copy), so an
    import that would break the rule set is refused before anything is written."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "rules"
        shutil.copytree(rules_dir, copy)
        (copy / name).write_text(yaml_text, encoding="utf-8")
        load_rules(copy)


@rules.command(short_help="what the rule set covers and does not: programmes, countries, dates")
@click.argument("directory", required=False, type=PATH, metavar="[DIR]")
@json_option("print the coverage as one JSON object")
@lists_option("also load an official list file or directory with the rules (repeatable)")
def coverage(directory: Path | None, as_json: bool, lists: tuple[Path, ...]) -> int:
    """Print what the rule set in DIR (default: the bundled rules) covers: its period, each
    programme (embargoes, US-person reach, ownership rules) with its countries, window and
    whether it can block, the lists names are screened against, and what it does not cover,
    so you know what a "clear" from it means. Exit 0.

    \b
    Example:
      screening rules coverage rules/ --json
    """
    path, _ = _dir(directory)
    found = rules_coverage(load_rules(path, lists=list(lists)))
    out = stdout()
    if as_json:
        out.write(json.dumps(found.model_dump(mode="json"), ensure_ascii=False) + "\n")
        return 0
    out.write(coverage_text(found))
    return 0


def coverage_text(found: RuleCoverage) -> str:
    """The coverage as the plain text `screening rules coverage` prints."""
    lines = [
        f"{found.name} {found.version}: covers {found.covers_from} to "
        f"{found.covers_to or '(no end declared)'}",
        "",
        "Programmes:",
        f"  {'status':<12} {'can give':<8} {'from':<10}  {'to':<11} {'where':<16} rule",
    ]
    for r in found.regimes:
        where = ",".join(r.countries) if r.region is None else f"region ({','.join(r.countries)})"
        to = f"{r.end}{'?' if r.end_unverified else ''}" if r.end else "open"
        lines.append(
            f"  {r.status:<12} {r.outcome.value:<8} {r.start or 'always'!s:<10}  {to:<11} "
            f"{(where or 'any'):<16} {r.id}: {r.title}"
        )
    lines += [
        "",
        f"Countries with a country-wide programme: {', '.join(found.countries) or 'none'}",
        f"Regions: {'; '.join(found.regions) or 'none'}",
        "",
        "Lists:",
    ]
    for lst in found.lists:
        if lst.source != "policy":
            lines.append(
                f"  {lst.list}: {lst.listings} {lst.source} listings ({lst.outcome.value})"
            )
    policies = [f"{lst.list} {lst.outcome.value}" for lst in found.lists if lst.source == "policy"]
    if policies:
        loaded = ", ".join(found.list_files) or "none loaded"
        lines.append(
            textwrap.fill(
                f"list files ({loaded}), by policy: " + "; ".join(policies),
                96,
                initial_indent="  ",
                subsequent_indent="    ",
            )
        )
    lines += ["", 'Not covered (what a "clear" does not vouch for):']
    lines += [
        textwrap.fill(s, 96, initial_indent="  - ", subsequent_indent="    ")
        for s in found.not_covered
    ]
    return "\n".join(lines) + "\n"
