"""Impact analysis: what changed between two rule sets, and which past decisions it changes.

`diff_rules` compares two loaded rule sets rule by rule (added, removed, changed, with each
changed key path and its old and new value). `read_history` reads past transactions from JSON
Lines (a line is a transaction object, or a decision record with a ``"transaction"`` key), and
`impact` screens each under both rule sets and keeps those whose outcome or fired rules differ.
All pure except `read_history`, which reads one file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine import evaluate
from ..errors import ScenarioError, TransactionError
from ..models import Decision, Transaction
from ..rules import RuleSet
from ._history import BadLine, read_history_lines

__all__ = [
    "ABSENT",
    "FieldChange",
    "HistoryEntry",
    "Impact",
    "RuleChange",
    "RuleDiff",
    "diff_rules",
    "impact",
    "read_history",
]


class _Absent:
    """The value of a key that is not there (an added or removed entry)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One key path whose value differs: ``old`` or ``new`` is `ABSENT` when added/removed."""

    path: str
    old: Any
    new: Any

    def __str__(self) -> str:
        if self.old is ABSENT:
            return f"{self.path}: added {_show(self.new)}"
        if self.new is ABSENT:
            return f"{self.path}: removed {_show(self.old)}"
        return f"{self.path}: {_show(self.old)} → {_show(self.new)}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; an absent side is left out."""
        out: dict[str, Any] = {"path": self.path}
        if self.old is not ABSENT:
            out["old"] = self.old
        if self.new is not ABSENT:
            out["new"] = self.new
        return out


@dataclass(frozen=True, slots=True)
class RuleChange:
    """A rule added, removed or changed, with where it is written in each set."""

    rule_id: str
    kind: str
    status: str
    """``added``, ``removed`` or ``changed``."""
    old_source: str | None
    new_source: str | None
    fields: tuple[FieldChange, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "rule_id": self.rule_id,
            "kind": self.kind,
            "status": self.status,
            "old_source": self.old_source,
            "new_source": self.new_source,
            "fields": [f.to_dict() for f in self.fields],
        }


@dataclass(frozen=True, slots=True)
class RuleDiff:
    """Everything that differs between two rule sets, rule by rule."""

    header: tuple[FieldChange, ...]
    added: tuple[RuleChange, ...]
    removed: tuple[RuleChange, ...]
    changed: tuple[RuleChange, ...]

    def __bool__(self) -> bool:
        return bool(self.header or self.added or self.removed or self.changed)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "header": [f.to_dict() for f in self.header],
            "added": [c.to_dict() for c in self.added],
            "removed": [c.to_dict() for c in self.removed],
            "changed": [c.to_dict() for c in self.changed],
        }


def diff_rules(old: RuleSet, new: RuleSet) -> RuleDiff:
    """Rules added, removed and changed from ``old`` to ``new`` (sorted by id), and header
    changes (name, version, coverage, matching thresholds). Where a rule is written (file and
    line) is not a change; a rule moved to another file is reported as changed (``file``)."""
    header = tuple(_changes(_header(old), _header(new), ""))
    added = tuple(
        RuleChange(r.id, r.kind, "added", None, new.source(r.id))
        for r in sorted(new, key=lambda r: r.id)
        if r.id not in old
    )
    removed = tuple(
        RuleChange(r.id, r.kind, "removed", old.source(r.id), None)
        for r in sorted(old, key=lambda r: r.id)
        if r.id not in new
    )
    changed = []
    for rule in sorted(new, key=lambda r: r.id):
        if rule.id not in old:
            continue
        before, after = old[rule.id], rule
        fields = list(_changes(_dump(before), _dump(after), ""))
        old_file = _file(old.source(rule.id))
        new_file = _file(new.source(rule.id))
        if old_file != new_file:
            fields.insert(0, FieldChange("file", old_file, new_file))
        if fields:
            changed.append(
                RuleChange(
                    rule.id,
                    rule.kind,
                    "changed",
                    old.source(rule.id),
                    new.source(rule.id),
                    tuple(fields),
                )
            )
    return RuleDiff(header, added, removed, tuple(changed))


def _file(source: str) -> str:
    """The file name of a ``dir/file.yaml:LINE`` source (directories differ between sets)."""
    return Path(source.rsplit(":", 1)[0]).name


def _header(rules: RuleSet) -> dict[str, Any]:
    return {
        "name": rules.name,
        "version": rules.version,
        "covers": {
            "from": rules.covers_from.isoformat(),
            "to": rules.covers_to.isoformat() if rules.covers_to else None,
        },
        "matching": rules.matching.model_dump(mode="json"),
    }


def _dump(rule: Any) -> Any:
    return rule.model_dump(mode="json", by_alias=True)


def _changes(old: Any, new: Any, path: str) -> Iterator[FieldChange]:
    """Key-level differences between two JSON values, depth first, in key order."""
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            sub = f"{path}.{key}" if path else str(key)
            yield from _changes(old.get(key, ABSENT), new.get(key, ABSENT), sub)
        return
    if isinstance(old, list) and isinstance(new, list):
        yield from _list_changes(old, new, path)
        return
    yield FieldChange(path, old, new)


def _list_changes(old: list[Any], new: list[Any], path: str) -> Iterator[FieldChange]:
    """Entries added, removed or changed, aligned so one inserted entry is one change."""
    keys_old = [json.dumps(x, sort_keys=True) for x in old]
    keys_new = [json.dumps(x, sort_keys=True) for x in new]
    matcher = difflib.SequenceMatcher(a=keys_old, b=keys_new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                yield from _changes(old[i], new[j], f"{path}[{j}]")
            continue
        for i in range(i1, i2):
            yield FieldChange(f"{path}[{i}]", old[i], ABSENT)
        for j in range(j1, j2):
            yield FieldChange(f"{path}[{j}]", ABSENT, new[j])


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


# --- impact on past transactions -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """A past transaction from a history file, the line it is on and the day to screen it as
    of (the record's ``as_of``, else the transaction's date)."""

    line: int
    transaction: Transaction
    as_of: dt.date


@dataclass(frozen=True, slots=True)
class Impact:
    """A past transaction whose decision differs between the old and the new rule set."""

    entry: HistoryEntry
    old: Decision
    new: Decision

    @property
    def outcome_changed(self) -> bool:
        """True when the outcome differs (not just the rules that fired)."""
        return self.old.outcome is not self.new.outcome

    @property
    def rules_added(self) -> tuple[str, ...]:
        """Rules that fire under the new set only."""
        return tuple(sorted(_fired(self.new) - _fired(self.old)))

    @property
    def rules_removed(self) -> tuple[str, ...]:
        """Rules that fired under the old set only."""
        return tuple(sorted(_fired(self.old) - _fired(self.new)))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "line": self.entry.line,
            "transaction_id": self.entry.transaction.id,
            "as_of": self.entry.as_of.isoformat(),
            "old_outcome": self.old.outcome.value,
            "new_outcome": self.new.outcome.value,
            "rules_added": list(self.rules_added),
            "rules_removed": list(self.rules_removed),
        }


def _fired(decision: Decision) -> set[str]:
    return {h.rule_id for h in decision.hits}


def impact(old: RuleSet, new: RuleSet, history: Iterable[HistoryEntry]) -> list[Impact]:
    """The past transactions whose outcome or set of fired rules differs between ``old`` and
    ``new``, in history order."""
    out = []
    for entry in history:
        before = evaluate(entry.transaction, old, entry.as_of)
        after = evaluate(entry.transaction, new, entry.as_of)
        if before.outcome is not after.outcome or _fired(before) != _fired(after):
            out.append(Impact(entry, before, after))
    return out


def read_history(path: Path) -> list[HistoryEntry]:
    """Read a JSON Lines history: each non-blank line a transaction object, or a decision
    record with the transaction under ``"transaction"`` (and optionally ``"as_of"``, or
    ``"decision": {"as_of": ...}``). Raises `ScenarioError` naming every bad line and field."""
    try:
        lines = read_history_lines(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot read file: {exc}") from None
    entries = []
    problems = []
    for line in lines:
        where = f"{path}:{line.line}"
        if isinstance(line, BadLine):
            if line.error is not None:
                problems.append(
                    f"{where}: invalid JSON: {line.error.msg} (column {line.error.colno})"
                )
            else:
                problems.append(f"{where}: expected a JSON object (a transaction or a record)")
            continue
        record = line.record
        prefix = "transaction." if record is not None else ""
        try:
            tx = line.transaction()
        except TransactionError as exc:
            problems += [
                f"{where}: {prefix}{p.path}: {p.message}" if p.path else f"{where}: {p.message}"
                for p in exc.problems
            ]
            continue
        as_of = tx.date
        if record is not None:
            decision = record.get("decision")
            written = record.get("as_of") or (
                decision.get("as_of") if isinstance(decision, dict) else None
            )
            if written is not None:
                try:
                    as_of = dt.date.fromisoformat(str(written))
                except ValueError:
                    problems.append(f"{where}: as_of: invalid date '{written}'")
                    continue
        entries.append(HistoryEntry(line.line, tx, as_of))
    if problems:
        raise ScenarioError("\n".join(problems))
    return entries
