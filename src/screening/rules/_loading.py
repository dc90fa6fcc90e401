"""Reading a rules directory into a `RuleSet`: all or nothing, every problem at once.

Each problem is reported as ``rules/file.yaml:LINE: rule 'id' → key.path: message``, pointing
at the offending key or value, so a compliance officer can fix the file without a debugger.
"""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from .._io.yamlfile import Flaw, Located, read_yaml
from ..errors import ListError, Problem, RuleError, YamlProblem
from ..lists.formats import read_list
from ..lists.model import ListFile
from ..models import ListVersion
from ._data import read_data_file
from ._listpolicy import list_rules
from ._locate import dotted, located_problems, model_of, suggest
from ._references import Failed, check_references
from ._ruleset import RuleSet
from ._schema import (
    KINDS,
    CountryGroup,
    HeaderFile,
    ListPolicy,
    Rule,
    RuleFile,
    RulesetHeader,
)

__all__ = ["bundled_rules_dir", "fingerprint_of", "load_rules", "rule_files"]

_RULE = TypeAdapter(Rule)


def bundled_rules_dir() -> Path:
    """The rules directory shipped with the library (inside the wheel, or the source tree's)."""
    packaged = resources.files("screening").joinpath("_bundled", "rules")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "rules"


def load_rules(
    path: str | Path | None = None, *, lists: Sequence[str | Path | ListFile] = ()
) -> RuleSet:
    """Load, validate and index every ``*.yaml`` file in a rules directory.

    With no ``path`` the bundled rules are loaded. ``lists`` names official list files (CSL
    CSV or JSON, OFAC ``sdn.csv`` / ``cons_prim.csv`` with their companions, BIS ``dpl.txt``,
    UN or EU XML, an EU CSV, OpenSanctions FtM JSON Lines, a directory written by
    ``screening lists update``, or a `ListFile` already read); each entry
    becomes a listing under the ``list_policy`` rule for its source list, as do the entries of
    the lists a rule file names under ``lists:``.
    Raises `RuleError` listing every problem found (file, line, rule id, key path), or
    `ListError` (a `RuleError`) when a list file is at fault; nothing is loaded on any error.
    """
    if isinstance(lists, str | Path):
        raise TypeError("lists must be a sequence of paths, e.g. lists=['csl.csv']")
    if path is None and not lists:
        return _bundled()
    if path is None:
        return _load(bundled_rules_dir(), display_root="rules", lists=lists)
    return _load(Path(path), display_root=str(path), lists=lists)


@lru_cache(maxsize=1)
def _bundled() -> RuleSet:
    return _load(bundled_rules_dir(), display_root="rules")


def fingerprint_of(digests: Mapping[str, str], lists: Iterable[tuple[str, str]] = ()) -> str:
    """A rule set's fingerprint from the sha256 (hex) of each rule file, by name, and the
    (format, sha256) of each list file: what `RuleSet.fingerprint` is, so a decision record's
    ``ruleset_files`` and ``lists`` can be checked against its ``ruleset_fingerprint``."""
    digest = hashlib.sha256()
    for name in sorted(digests):
        digest.update(name.encode() + b"\0" + bytes.fromhex(digests[name]))
    for fmt, sha in sorted(lists, key=lambda pair: pair[1]):
        digest.update(b"list\0" + fmt.encode() + b"\0" + sha.encode())
    return digest.hexdigest()


NOT_RULE_FILES = ("README", "rules.schema.json")
"""Entries of a rules directory that are not rule files: a README (any extension, any case), the
JSON Schema `screening rules schema` writes, and subdirectories (such as ``tests/``)."""


def rule_files(directory: Path) -> list[Path]:
    """The rule files of a directory, sorted by name: every entry whose name ends in ``.yaml`` or
    ``.yml`` (any case). Raises `RuleError` naming every entry that is neither a readable rule
    file (a regular file, or a link to one) nor one of `NOT_RULE_FILES`: a dangling link, a
    device, a FIFO or a stray file is reported, never skipped, so no rule is silently lost."""
    paths, problems = _scan(directory, str(directory))
    if problems:
        raise RuleError(problems)
    return paths


def _scan(directory: Path, display_root: str) -> tuple[list[Path], list[Problem]]:
    paths: list[Path] = []
    problems: list[Problem] = []
    for entry in sorted(directory.iterdir(), key=lambda p: p.name):
        display = f"{display_root.rstrip('/')}/{entry.name}"
        is_rule = entry.suffix.lower() in (".yaml", ".yml")
        try:
            mode = entry.stat().st_mode
        except OSError as exc:
            what = "a dangling link" if entry.is_symlink() else "unreadable"
            problems.append(
                Problem(f"cannot read this entry ({what}: {exc.strerror})", file=display)
            )
            continue
        if stat.S_ISDIR(mode) and not is_rule:
            continue
        if not is_rule and (
            entry.name == NOT_RULE_FILES[1] or entry.name.upper().split(".")[0] == NOT_RULE_FILES[0]
        ):
            continue
        if not is_rule:
            problems.append(
                Problem(
                    "not a rule file: a rules directory holds *.yaml / *.yml rule files, a "
                    f"README, {NOT_RULE_FILES[1]} and subdirectories only (move it elsewhere)",
                    file=display,
                )
            )
        elif not stat.S_ISREG(mode):
            problems.append(
                Problem(
                    f"cannot read this rule file: it is {_kind_of(mode)}, not a regular file",
                    file=display,
                )
            )
        else:
            paths.append(entry)
    return paths, problems


def _kind_of(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _load(
    directory: Path, *, display_root: str, lists: Sequence[str | Path | ListFile] = ()
) -> RuleSet:
    if not directory.is_dir():
        raise RuleError([Problem("not a directory", file=display_root)])
    paths, problems = _scan(directory, display_root)
    if not paths and not problems:
        raise RuleError([Problem("no rule files (*.yaml) found", file=display_root)])

    header: tuple[RulesetHeader, Located] | None = None
    header_seen = False
    rules: list[Rule] = []
    places: dict[str, tuple[Located, int]] = {}
    failed = Failed()
    digests: dict[str, str] = {}
    named_lists: list[_NamedList] = []

    for path in paths:
        display = f"{display_root.rstrip('/')}/{path.name}"
        try:
            located = read_yaml(path, display, collect=True)
        except YamlProblem as exc:
            problems.append(exc.problem)
            failed.unreadable(path)
            continue
        raw = path.read_bytes().replace(b"\r\n", b"\n")
        digests[path.name] = hashlib.sha256(raw).hexdigest()
        data = located.data
        if data is None:
            problems.append(
                Problem("file is empty (expected 'rules:' or 'ruleset:')", file=display, line=1)
            )
            continue
        if not isinstance(data, dict):
            problems.append(
                Problem(
                    "expected a mapping with 'rules:' (or 'ruleset:') at the top",
                    file=display,
                    line=1,
                )
            )
            continue
        if "ruleset" in data:
            header_seen = True
            problems += [_flaw_problem(located, flaw, data) for flaw in located.flaws]
            parsed = _validate_header(located, problems)
            if parsed is not None and header is not None:
                problems.append(
                    Problem(
                        f"a second 'ruleset:' header (the first is in {header[1].file})",
                        file=display,
                        line=located.line_of(("ruleset",)),
                    )
                )
            elif parsed is not None:
                header = (parsed, located)
            continue
        named_lists += _named_lists(located, directory, display_root, problems)
        read = [located, *_data_files(located, directory, display_root, problems, digests)]
        for one in read:
            _collect(one, problems, failed, places, rules)

    if not header_seen:
        problems.append(
            Problem("no 'ruleset:' header found (put one in ruleset.yaml)", file=display_root)
        )
    problems += check_references(rules, places, failed)
    list_files, list_problems = _read_lists(lists, named_lists)
    sources = {rule_id: _where(*place) for rule_id, place in places.items()}
    versions: tuple[ListVersion, ...] = ()
    if not problems and not list_problems and list_files:
        compiled = list_rules(list_files, [r for r in rules if isinstance(r, ListPolicy)])
        list_problems += compiled.problems
        for listing in compiled.listings:
            if listing.id in sources or listing.entity in sources:
                list_problems.append(
                    Problem(
                        f"rule id '{listing.id}' of a list entry is also a rule id in "
                        f"{sources.get(listing.id) or sources[listing.entity]}",
                        file=compiled.sources[listing.id],
                    )
                )
        rules += [*compiled.entities, *compiled.listings]
        sources.update(compiled.sources)
        versions = compiled.versions
        del compiled
    # The entries read are in the rules now: dropped before the name index is built, so the
    # two are never alive together (the load's peak is the index build's end).
    del list_files
    if list_problems:
        raise ListError(problems + list_problems)
    if problems:
        # By file name: a data file's problems sit among the rule files' by its own name.
        shown = {f"{display_root.rstrip('/')}/{p.name}" for p in directory.iterdir()}
        shown |= {p.file for p in problems if p.file and p.file != display_root}
        order = sorted(shown, key=lambda f: (Path(f).name, f))
        raise RuleError(_in_reading_order(problems, order))
    assert header is not None
    meta, header_file = header
    return RuleSet(
        positions=_positions(places),
        name=meta.name,
        version=meta.version,
        covers_from=meta.covers.start,
        covers_to=meta.covers.end,
        covers_source=f"{header_file.file}:{header_file.line_of(('ruleset', 'covers'))}",
        matching=meta.matching,
        rules=rules,
        sources=sources,
        fingerprint=fingerprint_of(digests, [(v.format, v.sha256) for v in versions]),
        files=tuple(f"{display_root.rstrip('/')}/{p.name}" for p in paths),
        digests=digests,
        lists=versions,
    )


def _collect(
    located: Located,
    problems: list[Problem],
    failed: Failed,
    places: dict[str, tuple[Located, int]],
    rules: list[Rule],
) -> None:
    """Validate one file's rules into ``rules``, refusing a second use of an id."""
    display = located.file
    for rule, index in _validate_rules(located, problems, failed):
        if rule.id in places:
            first, first_index = places[rule.id]
            problems.append(
                Problem(
                    f"duplicate rule id (first defined at {_where(first, first_index)})",
                    file=display,
                    line=located.line_of(("rules", index, "id")),
                    rule_id=rule.id,
                    path="id",
                )
            )
            continue
        places[rule.id] = (located, index)
        rules.append(rule)


def _data_files(
    located: Located,
    directory: Path,
    display_root: str,
    problems: list[Problem],
    digests: dict[str, str],
) -> list[Located]:
    """The data files a rule file names under ``data:``, read as rule files; each one's
    sha256 joins ``digests`` (so the fingerprint covers it) under its relative path."""
    value = located.data.get("data")
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(
            Problem(
                "'data' must be a list of data file paths (relative to the rules directory)",
                file=located.file,
                line=located.line_of(("data",)),
                path="data",
            )
        )
        return []
    out = []
    for name in value:
        shown = f"{display_root.rstrip('/')}/{name.strip()}"
        read = read_data_file(directory / name.strip(), shown, problems)
        if read is not None:
            digests[name.strip()] = hashlib.sha256(read.raw).hexdigest()
            out.append(read.located)
    return out


def _in_reading_order(problems: list[Problem], files: list[str]) -> list[Problem]:
    """Problems by file (in the order the files are read), then line; stable otherwise.
    Problems of the directory as a whole come last."""
    rank = {name: i for i, name in enumerate(files)}
    return sorted(problems, key=lambda p: (rank.get(p.file or "", len(files)), p.line or 0))


@dataclass(frozen=True, slots=True)
class _NamedList:
    """A list file named under ``lists:`` in a rule file, and where it is named."""

    path: Path
    shown: str
    file: str
    line: int | None
    key: str


def _named_lists(
    located: Located, directory: Path, display_root: str, problems: list[Problem]
) -> list[_NamedList]:
    """The list files a rule file names under ``lists:``, relative to the rules directory."""
    value = located.data.get("lists")
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(
            Problem(
                "'lists' must be a list of list file paths (relative to the rules directory)",
                file=located.file,
                line=located.line_of(("lists",)),
                path="lists",
            )
        )
        return []
    return [
        _NamedList(
            path=directory / name.strip(),
            shown=f"{display_root.rstrip('/')}/{name.strip()}",
            file=located.file,
            line=located.line_of(("lists", i)),
            key=f"lists[{i}]",
        )
        for i, name in enumerate(value)
    ]


def _read_lists(
    lists: Sequence[str | Path | ListFile], named: list[_NamedList]
) -> tuple[list[ListFile], list[Problem]]:
    """Read every list: those passed to `load_rules`, then those the rule files name (a missing
    one of these is reported where it is named)."""
    out: list[ListFile] = []
    problems: list[Problem] = []
    wanted: list[tuple[str | Path | ListFile, str, _NamedList | None]] = [
        (p, str(p), None) for p in lists
    ]
    wanted += [(n.path, n.shown, n) for n in named]
    for item, shown, where in wanted:
        if isinstance(item, ListFile):
            out.append(item)
        elif where is not None and not where.path.exists():
            message = f"list file not found: {shown}"
            problems.append(Problem(message, file=where.file, line=where.line, path=where.key))
        else:
            try:
                out.append(read_list(item, display=shown))
            except ListError as exc:
                problems += exc.problems
    return out, problems


def _where(located: Located, index: int) -> str:
    return f"{located.file}:{located.line_of(('rules', index))}"


def _positions(
    places: dict[str, tuple[Located, int]],
) -> dict[str, dict[tuple[str | int, ...], int]]:
    """For each rule, the line of every key path inside it (relative to the rule)."""
    by_file: dict[int, dict[int, dict[tuple[str | int, ...], int]]] = {}
    for located, _ in places.values():
        if id(located) in by_file:
            continue
        per_rule: dict[int, dict[tuple[str | int, ...], int]] = {}
        for path, line in located.lines.items():
            if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
                per_rule.setdefault(path[1], {})[path[2:]] = line
        by_file[id(located)] = per_rule
    return {
        rule_id: by_file[id(located)].get(index, {}) for rule_id, (located, index) in places.items()
    }


def _flaw_problem(located: Located, flaw: Flaw, data: Any) -> Problem:
    """A reading flaw (duplicate key) as a problem, naming the rule it is in when there is one."""
    path = flaw.path
    rule_id = None
    if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
        items = data.get("rules") if isinstance(data, dict) else None
        item = items[path[1]] if isinstance(items, list) and path[1] < len(items) else None
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            rule_id = item["id"]
            path = path[2:]
    return Problem(
        flaw.message, file=located.file, line=flaw.line, rule_id=rule_id, path=dotted(path)
    )


def _validate_header(located: Located, problems: list[Problem]) -> RulesetHeader | None:
    try:
        return HeaderFile.model_validate(located.data).ruleset
    except ValidationError as exc:
        problems += located_problems(exc, located, (), HeaderFile, located.data, None)
        return None


def _validate_rules(
    located: Located, problems: list[Problem], failed: Failed
) -> list[tuple[Rule, int]]:
    """The valid rules of one file with their index; problems and the ids of invalid rules
    are collected into ``problems`` and ``failed``."""
    data = located.data
    file = located.file
    spoiled: set[int] = set()
    for flaw in located.flaws:
        problems.append(_flaw_problem(located, flaw, data))
        if len(flaw.path) >= 2 and flaw.path[0] == "rules" and isinstance(flaw.path[1], int):
            spoiled.add(flaw.path[1])
    extra = sorted(set(data) - set(RuleFile.model_fields))
    for key in extra:
        hint = suggest(key, list(RuleFile.model_fields))
        problems.append(
            Problem(f"unknown key '{key}'{hint}", file=file, line=located.line_of((key,)), path=key)
        )
    items = data.get("rules")
    if items is None:
        if "rules" in data:
            line = located.line_of(("rules",))
            problems.append(Problem("'rules' is empty", file=file, line=line, path="rules"))
        elif not extra and "lists" not in data:
            problems.append(Problem("no 'rules:' list in this file", file=file, line=1))
        return []
    if not isinstance(items, list):
        problems.append(
            Problem(
                "'rules' must be a list", file=file, line=located.line_of(("rules",)), path="rules"
            )
        )
        return []
    out: list[tuple[Rule, int]] = []
    for i, item in enumerate(items):
        where = ("rules", i)
        line = located.line_of(where) or 1
        rule_id = item.get("id") if isinstance(item, dict) else None
        rule_id = rule_id if isinstance(rule_id, str) else None
        if not isinstance(item, dict):
            problems.append(Problem("a rule must be a mapping", file=file, line=line))
            continue
        kind = item.get("kind")
        failed.rule(item)  # until it validates
        if kind not in KINDS:
            key_line = located.line_of((*where, "kind")) if "kind" in item else line
            hint = suggest(str(kind), list(KINDS)) or f" (one of: {', '.join(KINDS)})"
            message = f"unknown kind '{kind}'{hint}" if "kind" in item else f"missing 'kind'{hint}"
            problems.append(
                Problem(
                    message,
                    file=file,
                    line=key_line,
                    rule_id=rule_id,
                    path="kind",
                )
            )
            continue
        try:
            rule = _RULE.validate_python(item)
        except ValidationError as exc:
            problems += located_problems(exc, located, where, model_of(kind), item, rule_id)
            continue
        if i in spoiled:
            continue
        failed.ids.discard(rule.id)
        if isinstance(rule, CountryGroup):
            failed.groups.discard(rule.group)
        out.append((rule, i))
    return out
