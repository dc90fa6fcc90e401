"""Reading a rules directory into a `RuleSet`: all or nothing, every problem at once.

Each problem is reported as ``rules/file.yaml:LINE: rule 'id' → key.path: message``, pointing
at the offending key or value, so a compliance officer can fix the file without a debugger.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
import typing
from collections.abc import Callable, Sequence
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
from .models import ListVersion, Outcome
from .ruleset import RuleSet
from .schema import (
    KINDS,
    Classification,
    CountryGroup,
    DeMinimis,
    GeneralLicence,
    HeaderFile,
    ItemControl,
    Listing,
    ListPolicy,
    Rule,
    RuleFile,
    RulesetHeader,
)
from .yamlfile import Flaw, Located, YamlProblem, read_yaml

__all__ = ["bundled_rules_dir", "load_rules", "located_problems", "rule_files"]

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


def rule_files(directory: Path) -> list[Path]:
    """The rule files of a directory: its ``*.yaml`` / ``*.yml`` files, sorted by name.
    Subdirectories (such as ``tests/``) are not rule files."""
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


_DEFINED_ID = re.compile(r"^[ \t-]*id:[ \t]*[\"']?([a-z0-9][a-z0-9._-]*)", re.MULTILINE)
_DEFINED_GROUP = re.compile(r"^[ \t-]*group:[ \t]*[\"']?([A-E]:[0-9])", re.MULTILINE)
_GROUP_NAME = re.compile(r"[A-E]:[0-9]")


def _load(
    directory: Path, *, display_root: str, lists: Sequence[str | Path | ListFile] = ()
) -> RuleSet:
    if not directory.is_dir():
        raise RuleError([Problem("not a directory", file=display_root)])
    paths = rule_files(directory)
    if not paths:
        raise RuleError([Problem("no rule files (*.yaml) found", file=display_root)])

    problems: list[Problem] = []
    header: tuple[RulesetHeader, Located] | None = None
    header_seen = False
    rules: list[Rule] = []
    places: dict[str, tuple[Located, int]] = {}
    failed = _Failed()
    digest = hashlib.sha256()
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
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(raw).digest())
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
        order = [f"{display_root.rstrip('/')}/{p.name}" for p in paths]
        raise RuleError(_in_reading_order(problems, order))
    assert header is not None
    meta, header_file = header
    return RuleSet(
        positions=_positions(places),
        name=meta.name,
        version=meta.version,
        covers_from=meta.covers.start,
        covers_source=f"{header_file.file}:{header_file.line_of(('ruleset', 'covers'))}",
        matching=meta.matching,
        rules=rules,
        sources=sources,
        fingerprint=digest.hexdigest(),
        files=tuple(f"{display_root.rstrip('/')}/{p.name}" for p in paths),
        digests=digests,
        lists=versions,
    )


def _in_reading_order(problems: list[Problem], files: list[str]) -> list[Problem]:
    """Problems by file (in the order the files are read), then line; stable otherwise.
    Problems of the directory as a whole come last."""
    rank = {name: i for i, name in enumerate(files)}
    return sorted(problems, key=lambda p: (rank.get(p.file or "", len(files)), p.line or 0))


class _Failed:
    """What did not load, so references to it are not reported a second time."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.groups: set[str] = set()
        self.any_group = False

    def unreadable(self, path: Path) -> None:
        """A file that could not be parsed: whatever it seems to define counts as failed."""
        try:
            text = path.read_bytes().decode("utf-8", "replace")
        except OSError:
            return
        self.ids.update(_DEFINED_ID.findall(text))
        self.groups.update(_DEFINED_GROUP.findall(text))

    def rule(self, item: dict[str, Any]) -> None:
        """A rule that did not validate (or was spoiled by a duplicate key)."""
        if isinstance(item.get("id"), str):
            self.ids.add(item["id"])
        if item.get("kind") == "country_group":
            group = item.get("group")
            if isinstance(group, str) and _GROUP_NAME.fullmatch(group):
                self.groups.add(group)
            else:  # which group it meant is anyone's guess: report no group as missing
                self.any_group = True


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
        flaw.message, file=located.file, line=flaw.line, rule_id=rule_id, path=_dotted(path)
    )


def _dotted(path: tuple[str | int, ...]) -> str | None:
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    return text or None


def _validate_header(located: Located, problems: list[Problem]) -> RulesetHeader | None:
    try:
        return HeaderFile.model_validate(located.data).ruleset
    except ValidationError as exc:
        problems += located_problems(exc, located, (), HeaderFile, located.data, None)
        return None


def _validate_rules(
    located: Located, problems: list[Problem], failed: _Failed
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
        hint = _suggest(key, list(RuleFile.model_fields))
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
            hint = _suggest(str(kind), list(KINDS)) or f" (one of: {', '.join(KINDS)})"
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
            problems += located_problems(exc, located, where, _model_of(kind), item, rule_id)
            continue
        if i in spoiled:
            continue
        failed.ids.discard(rule.id)
        if isinstance(rule, CountryGroup):
            failed.groups.discard(rule.group)
        out.append((rule, i))
    return out


def _model_of(kind: str) -> type[BaseModel]:
    for model in typing.get_args(typing.get_args(Rule)[0]):
        if model.model_fields["kind"].annotation.__args__[0] == kind:
            return model  # type: ignore[no-any-return]
    raise KeyError(kind)  # pragma: no cover - KINDS and the models agree


def located_problems(
    exc: ValidationError,
    located: Located,
    base: tuple[str | int, ...],
    model: type[BaseModel],
    data: Any,
    rule_id: str | None,
    *,
    subject: str = "rule",
) -> list[Problem]:
    """A pydantic error as problems located in the file: the line of each offending key or
    value, the key path inside the rule (or test), and a message in plain words.

    ``base`` is where ``data`` sits in the file (``("rules", 3)``); ``model`` validated it.
    A misspelt required key is reported once, as the unknown key with a did-you-mean hint.
    """
    errors = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        # The discriminated union puts the kind's name in the location: drop it.
        if loc and loc[0] in KINDS and isinstance(data, dict) and data.get("kind") == loc[0]:
            loc = loc[1:]
        # Validators on constrained types add their own step ('function-after[...]'): drop it.
        loc = tuple(p for p in loc if not (isinstance(p, str) and "[" in p and "]" in p))
        errors.append((loc, error))
    hinted = set()
    messages = []
    for loc, error in errors:
        message = _message(error, model, loc)
        if error["type"] == "extra_forbidden":
            hint = re.search(r"\(did you mean '([^']+)'\?\)$", message)
            if hint is not None:
                hinted.add((*loc[:-1], hint.group(1)))
        messages.append(message)
    failing = [loc for loc, _ in errors]
    out = []
    for (loc, error), message in zip(errors, messages, strict=True):
        if error["type"] == "missing" and loc in hinted:
            continue  # said already: "unknown key 'citaton' (did you mean 'citation'?)"
        if error["type"] == "too_short" and any(f[: len(loc)] == loc and f != loc for f in failing):
            continue  # a list whose entries failed is not also "empty": say the entries' fault
        out.append(
            Problem(
                message,
                file=located.file,
                line=located.line_of((*base, *loc)),
                rule_id=rule_id,
                path=_dotted(loc),
                subject=subject,
            )
        )
    return out


_KINDS_OF_TEXT = {
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be text",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
    "dict_type": "must be a mapping (key: value lines)",
    "model_type": "must be a mapping (key: value lines)",
    "model_attributes_type": "must be a mapping (key: value lines)",
    "decimal_type": "must be a number",
    "decimal_parsing": "must be a number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
}
"""pydantic's error types, said the way a rule author thinks of the value."""


def _message(error: Any, model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        return f"unknown key '{key}'{_suggest(key, _keys_at(model, loc[:-1]))}"
    if kind == "missing":
        return "missing required key"
    if kind == "too_short":
        return "must not be empty"
    if kind == "string_too_short":
        return "must not be blank"
    if kind in _KINDS_OF_TEXT:
        message = _KINDS_OF_TEXT[kind]
        if kind == "string_type" and isinstance(value, int | float | bool):
            return f"{message} (got {value}; put it in quotes: '{value}')"
    else:
        message = str(error["msg"])
        message = message.removeprefix("Value error, ")
        if message.startswith("Input should be "):
            message = "must be " + message.removeprefix("Input should be ")
        if kind == "value_error":
            return message
    if value is not None and not isinstance(value, dict | list | tuple):
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
    rules: list[Rule], places: dict[str, tuple[Located, int]], failed: _Failed
) -> list[Problem]:
    """Cross-rule checks: what one rule names must exist in the set. A reference to a rule
    that failed to validate (or sits in a file that could not be read) is not reported again."""
    ids = {r.id: r for r in rules}
    groups = sorted({r.group for r in rules if isinstance(r, CountryGroup)})
    out: list[Problem] = []

    def problem(rule: Rule, path: tuple[str | int, ...], message: str) -> None:
        located, index = places[rule.id]
        line = located.line_of(("rules", index, *path))
        out.append(
            Problem(message, file=located.file, line=line, rule_id=rule.id, path=_dotted(path))
        )

    def dangling(target_id: str, kind: str) -> str | None:
        """What is wrong with a reference to a rule of ``kind``, or None when it is fine."""
        target = ids.get(target_id)
        if target is not None:
            if target.kind == kind:
                return None
            return f"'{target_id}' is a rule of kind '{target.kind}', not '{kind}'"
        if target_id in failed.ids:
            return None
        others = sorted(r.id for r in rules if r.kind == kind)
        return f"no {kind} with id '{target_id}'{_suggest(target_id, others)}"

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
        if isinstance(rule, Listing):
            message = dangling(rule.entity, "entity")
            if message is not None:
                problem(rule, ("entity",), message)
        if isinstance(rule, GeneralLicence):
            for i, listing_id in enumerate(rule.listings):
                message = dangling(listing_id, "listing")
                if message is not None:
                    problem(rule, ("listings", i), message)
        if isinstance(rule, DeMinimis | ItemControl):
            for i, group in enumerate(rule.destinations.groups):
                if group not in groups and group not in failed.groups and not failed.any_group:
                    problem(
                        rule,
                        ("destinations", "groups", i),
                        f"no country_group defines group '{group}'"
                        + (f" (defined: {', '.join(groups)})" if groups else ""),
                    )
        if getattr(rule, "outcome", None) is Outcome.CLEAR:
            problem(
                rule,
                ("outcome",),
                f"a {rule.kind} cannot have outcome 'clear' (remove the rule, or use review)",
            )
        if isinstance(rule, Listing) and rule.other_roles is Outcome.CLEAR:
            problem(rule, ("other_roles",), "use null (no hit) rather than 'clear'")
    _overlapping_classifications(rules, problem)
    return out


def _overlapping_classifications(
    rules: list[Rule], problem: Callable[[Rule, tuple[str | int, ...], str], None]
) -> None:
    """Two classifications of one ECCN in force on the same day would make the answer depend
    on file order: refuse them."""
    seen: dict[str, list[Classification]] = {}
    for rule in rules:
        if not isinstance(rule, Classification):
            continue
        for other in seen.get(rule.eccn, []):
            if _overlap(rule, other):
                problem(
                    rule,
                    ("eccn",),
                    f"ECCN {rule.eccn} is also classified by '{other.id}' "
                    "over an overlapping window",
                )
        seen.setdefault(rule.eccn, []).append(rule)


def _overlap(a: Classification, b: Classification) -> bool:
    lo, hi = dt.date.min, dt.date.max
    return (a.start or lo) <= (b.end or hi) and (b.start or lo) <= (a.end or hi)
