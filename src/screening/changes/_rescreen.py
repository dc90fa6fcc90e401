"""Re-screening a history of screened transactions: which decisions would new lists change?

A history is JSON Lines: each line a transaction object, or a decision record object with a
``transaction`` key (the decision itself under ``decision``, or its ``outcome`` / ``hits`` /
``as_of`` beside the transaction). Each transaction is screened with the new lists and compared
with either the same transaction screened with the old lists (exact, and fast: a transaction
none of whose names comes near a changed entry cannot change and is not screened twice) or, with
no old lists, the decision recorded in the history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine import evaluate
from ..errors import ListError, Problem, TransactionError
from ..lists import read_list
from ..lists.model import ListFile
from ..models import Decision, Hit, Outcome, Transaction
from ..names import NameCandidate, NameIndex
from ..rules import RuleSet, load_rules
from ._history import BadLine, HistoryLine, read_history_lines

__all__ = [
    "Change",
    "HistoryItem",
    "HitRef",
    "Recorded",
    "RescreenReport",
    "changed_names",
    "read_history_items",
    "rescreen",
    "rescreen_lists",
]


@dataclass(frozen=True, slots=True, order=True)
class HitRef:
    """What identifies a hit when comparing two decisions: rule, field and outcome."""

    rule_id: str
    field: str
    outcome: str
    message: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        """Rule, field and outcome (the message may be worded differently)."""
        return (self.rule_id, self.field, self.outcome)

    @classmethod
    def of(cls, hit: Hit) -> HitRef:
        """The reference of a hit."""
        return cls(hit.rule_id, hit.field or "", hit.outcome.value, hit.message)


@dataclass(frozen=True, slots=True)
class Recorded:
    """A decision as recorded in the history: its outcome, hits and as-of date."""

    outcome: Outcome
    hits: tuple[HitRef, ...]
    as_of: dt.date | None


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """One line of a history: the transaction, and the decision recorded with it (if any)."""

    line: int
    transaction: Transaction
    recorded: Recorded | None


@dataclass(frozen=True, slots=True)
class Change:
    """A decision that the new lists change: before and after, and the hits that differ."""

    line: int
    transaction_id: str
    as_of: dt.date
    before: Outcome
    after: Outcome
    added: tuple[HitRef, ...]
    removed: tuple[HitRef, ...]
    decision: Decision
    """The decision with the new lists."""
    baseline: str
    """``old lists`` or ``recorded decision``: what the new decision was compared with."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready and deterministic."""
        return {
            "line": self.line,
            "transaction_id": self.transaction_id,
            "as_of": self.as_of.isoformat(),
            "before": self.before.value,
            "after": self.after.value,
            "baseline": self.baseline,
            "added_hits": [_ref_dict(h) for h in self.added],
            "removed_hits": [_ref_dict(h) for h in self.removed],
            "decision": self.decision.to_dict(),
        }


def _ref_dict(ref: HitRef) -> dict[str, str]:
    return {
        "rule_id": ref.rule_id,
        "field": ref.field,
        "outcome": ref.outcome,
        "message": ref.message,
    }


@dataclass(frozen=True, slots=True)
class RescreenReport:
    """Every changed decision, and how many were read, screened and passed over unchanged."""

    changes: tuple[Change, ...]
    transactions: int
    screened: int
    """Transactions screened again; the others had no name near any changed entry."""


def _recorded(data: dict[str, Any], where: str) -> Recorded:
    outcome = data.get("outcome")
    try:
        result = Outcome(str(outcome))
    except ValueError:
        raise ValueError(
            f"{where}outcome: not one of clear, review, block (got {outcome!r})"
        ) from None
    hits = data.get("hits", [])
    if not isinstance(hits, list):
        raise ValueError(f"{where}hits: expected a list")
    refs = []
    for i, hit in enumerate(hits):
        if not isinstance(hit, dict) or not isinstance(hit.get("rule_id"), str):
            raise ValueError(f"{where}hits[{i}]: expected an object with a rule_id")
        refs.append(
            HitRef(
                hit["rule_id"],
                str(hit.get("field") or ""),
                str(hit.get("outcome") or ""),
                str(hit.get("message") or ""),
            )
        )
    as_of = data.get("as_of")
    try:
        day = None if as_of is None else dt.date.fromisoformat(str(as_of))
    except ValueError:
        raise ValueError(f"{where}as_of: not a date (got {as_of!r})") from None
    return Recorded(result, tuple(sorted(refs)), day)


def _item(line: HistoryLine) -> HistoryItem:
    recorded = None
    record = line.record
    if record is not None:
        decision = record.get("decision")
        if isinstance(decision, dict):
            recorded = _recorded(decision, "decision.")
        elif "outcome" in record:
            recorded = _recorded(record, "")
    try:
        tx = line.transaction()
    except TransactionError as exc:
        raise ValueError(f"transaction: {exc}") from None
    return HistoryItem(line.line, tx, recorded)


def read_history_items(
    path: Path, display: str | None = None
) -> tuple[list[HistoryItem], list[Problem]]:
    """The lines of a JSON Lines history, and a located problem for each line that is not a
    transaction or a decision record (blank lines are skipped)."""
    shown = display or str(path)
    items: list[HistoryItem] = []
    problems: list[Problem] = []
    try:
        lines = read_history_lines(path)
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Problem(f"cannot read history: {exc}", file=shown)]
    for line in lines:
        if isinstance(line, BadLine):
            message = (
                f"invalid JSON: {line.error.msg}"
                if line.error is not None
                else f"expected an object, got {line.found}"
            )
            problems.append(Problem(message, file=shown, line=line.line))
            continue
        try:
            items.append(_item(line))
        except ValueError as exc:
            problems.append(Problem(str(exc), file=shown, line=line.line))
    return items, problems


def changed_names(old: Iterable[ListFile], new: Iterable[ListFile]) -> NameIndex:
    """The names and aliases of every entry added, removed or changed between the old and the
    new lists, both versions: only a party near one of them can get a different decision."""

    def by_key(files: Iterable[ListFile]) -> dict[tuple[str, str, str], Any]:
        return {(f.family, *e.key): e for f in files for e in f.entries}

    a, b = by_key(old), by_key(new)
    candidates = []
    for key in sorted(a.keys() | b.keys()):
        before, after = a.get(key), b.get(key)
        if before is not None and after is not None and before.content() == after.content():
            continue
        for entry in (before, after):
            if entry is not None:
                label = "/".join(key)
                candidates += [NameCandidate(label, n) for n in (entry.name, *entry.aliases)]
    return NameIndex(candidates)


def _near(tx: Transaction, names: NameIndex, cutoff: float) -> bool:
    for party in tx.parties:
        for query in (party.name, *party.aliases):
            if names.search(query, cutoff=cutoff):
                return True
    return False


def rescreen(
    history: Iterable[HistoryItem],
    new: RuleSet,
    *,
    old: RuleSet | None = None,
    as_of: dt.date | None = None,
    only_near: NameIndex | None = None,
) -> RescreenReport:
    """Screen each transaction of ``history`` with ``new`` and report the decisions that differ
    from ``old`` (the same rules with the old lists) or, without ``old``, from the recorded one.

    Each is screened as of ``as_of``, else the recorded decision's date, else its own date.
    ``only_near`` (from `changed_names`, with ``old``) skips transactions that cannot change.
    Raises ValueError for a line with nothing to compare with (no ``old`` and no record).
    """
    changes: list[Change] = []
    count = screened = 0
    for item in history:
        count += 1
        tx = item.transaction
        recorded = item.recorded
        day = as_of or (recorded.as_of if recorded else None) or tx.date
        if old is None and recorded is None:
            raise ValueError(
                f"line {item.line}: no recorded decision to compare with; give the old lists"
            )
        cutoff = min(new.matching.possible, old.matching.possible) if old else 0.0
        if old is not None and only_near is not None and not _near(tx, only_near, cutoff):
            continue
        screened += 1
        after = evaluate(tx, new, day)
        if old is not None:
            before = evaluate(tx, old, day)
            before_outcome, before_hits, baseline = (
                before.outcome,
                tuple(sorted(HitRef.of(h) for h in before.hits)),
                "old lists",
            )
        else:
            assert recorded is not None
            before_outcome, before_hits, baseline = (
                recorded.outcome,
                recorded.hits,
                "recorded decision",
            )
        after_hits = tuple(sorted(HitRef.of(h) for h in after.hits))
        old_keys = {h.key for h in before_hits}
        new_keys = {h.key for h in after_hits}
        added = tuple(h for h in after_hits if h.key not in old_keys)
        removed = tuple(h for h in before_hits if h.key not in new_keys)
        if before_outcome is after.outcome and not added and not removed:
            continue
        changes.append(
            Change(
                line=item.line,
                transaction_id=tx.id,
                as_of=day,
                before=before_outcome,
                after=after.outcome,
                added=added,
                removed=removed,
                decision=after,
                baseline=baseline,
            )
        )
    return RescreenReport(tuple(changes), count, screened)


def rescreen_lists(
    history: Path,
    new: Sequence[Path],
    old: Sequence[Path] = (),
    *,
    rules: Path | None = None,
    as_of: dt.date | None = None,
) -> tuple[RescreenReport, list[Problem]]:
    """`rescreen` the JSON Lines ``history`` with the rules (``rules``, default bundled) loaded
    with the ``new`` list files, against the same rules with the ``old`` ones or, without
    ``old``, against each line's recorded decision.

    Returns the report and a located problem per unreadable line (those lines are skipped).
    Raises `ListError` for an unreadable list, or when, without ``old``, a line holds no
    recorded decision to compare with; `RuleError` for bad rules.
    """
    items, problems = read_history_items(history)
    new_files = [read_list(p) for p in new]
    old_files = [read_list(p) for p in old]
    new_rules = load_rules(rules, lists=new_files)
    old_rules = load_rules(rules, lists=old_files) if old_files else None
    if old_rules is None:
        missing = [i.line for i in items if i.recorded is None]
        if missing:
            shown = ", ".join(str(n) for n in missing[:10])
            raise ListError(
                [
                    Problem(
                        f"lines {shown} hold no recorded decision to compare with: give the "
                        "old lists with --old",
                        file=str(history),
                    )
                ]
            )
    near = changed_names(old_files, new_files) if old_rules is not None else None
    report = rescreen(items, new_rules, old=old_rules, as_of=as_of, only_near=near)
    return report, problems
