"""Reading a rules directory into a `RuleSet`: all or nothing, every problem at once.

Each problem is reported as ``rules/file.yaml:LINE: rule 'id' → key.path: message``, pointing
at the offending key or value, so a compliance officer can fix the file without a debugger.
"""

from __future__ import annotations

import difflib
import hashlib
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from .errors import ListError, Problem, RuleError
from .lists.formats import read_list
from .lists.model import ListFile
from .lists.policy import list_rules
from .models import ListVersion
from .ruleset import RuleSet
from .schema import (
    KINDS,
    DeMinimis,
    Embargo,
    GeneralLicence,
    HeaderFile,
    ItemControl,
    Listing,
    ListPolicy,
    Rule,
    RuleFile,
    RulesetHeader,
)
from .yamlfile import Located, YamlProblem, read_yaml

__all__ = ["bundled_rules_dir", "load_rules"]

_RULE = TypeAdapter(Rule)


def bundled_rules_dir() -> Path:
    """The rules directory shipped with the library (inside the wheel, or the source tree's)."""
    packaged = resources.files("screening").joinpath("_bundled", "rules")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "rules"


def load_rules(
    path: str | Path | None = None, *, lists: Sequence[str | Path | ListFile] = ()
) -> RuleSet:
    """Load, validate and index every ``*.yaml`` file in a rules directory.

    With no ``path`` the bundled rules are loaded. ``lists`` names official list files (CSL
    CSV or JSON, OFAC ``sdn.csv`` / ``cons_prim.csv`` with their companions, BIS ``dpl.txt``, a
    directory written by ``screening lists update``, or a `ListFile` already read); each entry
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


def _load(
    directory: Path, *, display_root: str, lists: Sequence[str | Path | ListFile] = ()
) -> RuleSet:
    if not directory.is_dir():
        raise RuleError([Problem("not a directory", file=display_root)])
    paths = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if not paths:
        raise RuleError([Problem("no rule files (*.yaml) found", file=display_root)])

    problems: list[Problem] = []
    header: tuple[RulesetHeader, Located] | None = None
    header_seen = False
    rules: list[Rule] = []
    places: dict[str, tuple[Located, int]] = {}
    failed: set[str] = set()
    digest = hashlib.sha256()
    named_lists: list[_NamedList] = []

    for path in paths:
        display = f"{display_root.rstrip('/')}/{path.name}"
        try:
            located = read_yaml(path, display)
        except YamlProblem as exc:
            problems.append(exc.problem)
            continue
        raw = path.read_bytes().replace(b"\r\n", b"\n")
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(raw).digest())
        data = located.data
        if data is None:
            problems.append(
                Problem("file is empty (expected 'rules:' or 'ruleset:')", file=display)
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

    if not header_seen:
        problems.append(
            Problem("no 'ruleset:' header found (put one in ruleset.yaml)", file=display_root)
        )
    problems += _check_references(rules, places, failed)
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
        for version in sorted(versions, key=lambda v: v.sha256):
            digest.update(b"list\0" + version.format.encode() + b"\0" + version.sha256.encode())
    if list_problems:
        raise ListError(problems + list_problems)
    if problems:
        raise RuleError(problems)
    assert header is not None
    meta, header_file = header
    return RuleSet(
        name=meta.name,
        version=meta.version,
        covers_from=meta.covers.start,
        covers_source=f"{header_file.file}:{header_file.line_of(('ruleset', 'covers'))}",
        matching=meta.matching,
        rules=rules,
        sources=sources,
        fingerprint=digest.hexdigest(),
        files=tuple(f"{display_root.rstrip('/')}/{p.name}" for p in paths),
        lists=versions,
    )


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


def _validate_header(located: Located, problems: list[Problem]) -> RulesetHeader | None:
    try:
        return HeaderFile.model_validate(located.data).ruleset
    except ValidationError as exc:
        problems += _problems(exc, located, (), HeaderFile, located.data, rule_id=None)
        return None


def _validate_rules(
    located: Located, problems: list[Problem], failed: set[str]
) -> list[tuple[Rule, int]]:
    """The valid rules of one file with their index; problems and the ids of invalid rules
    are collected into ``problems`` and ``failed``."""
    data = located.data
    file = located.file
    extra = sorted(set(data) - set(RuleFile.model_fields))
    for key in extra:
        hint = _suggest(key, list(RuleFile.model_fields))
        problems.append(
            Problem(f"unknown key '{key}'{hint}", file=file, line=located.line_of((key,)), path=key)
        )
    items = data.get("rules")
    if items is None:
        if not extra and "lists" not in data:
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
        if rule_id is not None:
            failed.add(rule_id)  # until it validates
        if kind not in KINDS:
            key_line = located.line_of((*where, "kind")) if "kind" in item else line
            message = (
                f"unknown kind '{kind}'{_suggest(str(kind), list(KINDS))}"
                if "kind" in item
                else "missing 'kind'"
            )
            problems.append(
                Problem(
                    f"{message} (one of: {', '.join(KINDS)})",
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
            problems += _problems(exc, located, where, _model_of(kind), item, rule_id=rule_id)
            continue
        failed.discard(rule.id)
        out.append((rule, i))
    return out


def _model_of(kind: str) -> type[BaseModel]:
    for model in typing.get_args(typing.get_args(Rule)[0]):
        if model.model_fields["kind"].annotation.__args__[0] == kind:
            return model  # type: ignore[no-any-return]
    raise KeyError(kind)  # pragma: no cover - KINDS and the models agree


def _problems(
    exc: ValidationError,
    located: Located,
    base: tuple[str | int, ...],
    model: type[BaseModel],
    data: Any,
    *,
    rule_id: str | None,
) -> list[Problem]:
    out = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        # The discriminated union puts the kind's name in the location: drop it.
        if loc and loc[0] in KINDS and isinstance(data, dict) and data.get("kind") == loc[0]:
            loc = loc[1:]
        # Validators on constrained types add their own step ('function-after[...]'): drop it.
        loc = tuple(p for p in loc if not (isinstance(p, str) and "[" in p and "]" in p))
        path = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in loc).replace(".[", "[")
        message = _message(error, model, loc)
        out.append(
            Problem(
                message,
                file=located.file,
                line=located.line_of((*base, *loc)),
                rule_id=rule_id,
                path=path or None,
            )
        )
    # A list whose elements failed is also reported as too short: say only the real fault.
    paths = [p.path or "" for p in out]
    return [
        p
        for p, error in zip(out, exc.errors(include_url=False), strict=True)
        if not (error["type"] == "too_short" and any(q.startswith(f"{p.path}[") for q in paths))
    ]


def _message(error: Any, model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        return f"unknown key '{key}'{_suggest(key, _keys_at(model, loc[:-1]))}"
    if kind == "missing":
        return "missing required key"
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    value = error.get("input")
    if kind in ("string_pattern_mismatch", "date_from_datetime_parsing", "date_parsing", "enum"):
        message += f" (got {value!r})"
    return message


def _keys_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys a model accepts at a location, for did-you-mean hints."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = _field_by_key(current, part)
        if field is None:
            return []
        current = _inner_model(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or name for name, f in current.model_fields.items()]
    return []


def _field_by_key(model: type[BaseModel], key: str) -> Any:
    for name, field in model.model_fields.items():
        if (field.alias or name) == key:
            return field
    return None


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    origin = getattr(annotation, "__origin__", None)  # Annotated[X, ...] -> X
    if origin is not None and origin is not annotation:
        return _inner_model(origin)
    return None


def _suggest(word: str, choices: list[str]) -> str:
    """A did-you-mean hint: a close spelling, or a known key inside a compound
    ('efective_from' -> 'from')."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not close:
        parts = word.replace("-", "_").split("_")
        close = [c for c in choices if c in parts][:1]
    return f" (did you mean '{close[0]}'?)" if close else ""


def _check_references(
    rules: list[Rule], places: dict[str, tuple[Located, int]], failed: set[str]
) -> list[Problem]:
    """Cross-rule checks: what one rule names must exist in the set. A reference to a rule
    that failed to validate is not reported again."""
    ids = {r.id: r for r in rules}
    groups = {r.group for r in rules if r.kind == "country_group"}
    out: list[Problem] = []

    def problem(rule: Rule, path: tuple[str | int, ...], message: str) -> None:
        located, index = places[rule.id]
        dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        line = located.line_of(("rules", index, *path))
        out.append(Problem(message, file=located.file, line=line, rule_id=rule.id, path=dotted))

    policy_of: dict[str, str] = {}
    for rule in rules:
        if isinstance(rule, ListPolicy):
            for i, code in enumerate(rule.lists):
                if code in policy_of:
                    problem(
                        rule,
                        ("lists", i),
                        f"list '{code}' already has a policy ('{policy_of[code]}')",
                    )
                policy_of.setdefault(code, rule.id)
        if isinstance(rule, Listing) and rule.entity not in failed:
            target = ids.get(rule.entity)
            if target is None or target.kind != "entity":
                problem(rule, ("entity",), f"no entity with id '{rule.entity}'")
        if isinstance(rule, GeneralLicence):
            for i, listing_id in enumerate(rule.listings):
                target = ids.get(listing_id)
                if listing_id not in failed and (target is None or target.kind != "listing"):
                    problem(rule, ("listings", i), f"no listing with id '{listing_id}'")
        if isinstance(rule, DeMinimis | ItemControl):
            for i, group in enumerate(rule.destinations.groups):
                if group not in groups:
                    problem(
                        rule,
                        ("destinations", "groups", i),
                        f"no country_group defines group '{group}'",
                    )
        if isinstance(rule, Embargo) and rule.outcome.value == "clear":
            problem(rule, ("outcome",), "an embargo cannot have outcome 'clear'")
    return out
