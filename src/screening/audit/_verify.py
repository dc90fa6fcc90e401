"""Verifying decision records: screen each recorded transaction again and say whether the
recorded decision still reproduces, and if not, why.

A record reproduces when screening its transaction again, as of its date, gives the same
decision: the same outcome, hits and item findings, for a transaction whose hash still matches.
A record made with other rules or another library version that still gives the same decision
reproduces (with a note). One that does not is put down to one or more causes:

- ``input tampering``: the recorded transaction no longer matches its hash, or is invalid;
- ``rule change``: the rule set differs (fingerprint) and the decision differs;
- ``list change``: as a rule change, but only listed-party hits differ (who is listed, when);
- ``code change``: the library version differs and the decision differs;
- ``record altered``: same rules, same code, same input, yet a different decision: the record
  was edited (or screening was not deterministic, which would be a bug);
- ``unreadable``: the line is not a decision record this version can read;
- ``chain broken``: the record's ``prev_hash`` is not the hash of the line before it: a record
  was deleted, inserted, duplicated or reordered there, or the line before it was edited.

Every field counts: a record made with the rules it is verified against must match the record
made now key for key (provenance included: rule files, fingerprint, versions, hit sources), and
a record's ``ruleset_files`` and ``lists`` must give its ``ruleset_fingerprint``. An edit to the
last record of a log is caught by comparing the log's head hash with a published one
(``screening audit head``, ``audit verify --head``). Format 1 records (unchained) still verify,
with a note that deletions and reorderings around them cannot be detected.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from .._io.logfile import read_lines
from ..api import parse_transaction
from ..engine import apply_dispositions, evaluate
from ..errors import RecordError, TransactionError
from ..models import Decision, Hit
from ..rules import RuleSet, fingerprint_of
from ._diff import DecisionDiff, diff_decisions, hit_key
from ._records import (
    DECISION_FIELDS,
    RecordedDecision,
    canonical_json,
    decision_record,
    line_hash,
    read_record,
    rule_source,
    transaction_hash,
)

__all__ = [
    "Cause",
    "Verification",
    "verify_lines",
    "verify_log",
    "verify_record",
]


class Cause(StrEnum):
    """Why a record does not reproduce."""

    INPUT = "input tampering"
    RULES = "rule change"
    LISTS = "list change"
    CODE = "code change"
    RECORD = "record altered"
    UNREADABLE = "unreadable"
    CHAIN = "chain broken"


class Verification(BaseModel):
    """The verdict on one record: reproduced or not, the causes, and the details behind them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    line: int | None = None
    """Line of the record in its log (1-based), when read from a log."""
    transaction_id: str | None = None
    as_of: str | None = None
    reproduced: bool
    causes: tuple[Cause, ...] = ()
    details: tuple[str, ...] = ()
    """One sentence per finding: what differs, from what to what."""
    notes: tuple[str, ...] = ()
    """What changed without changing the decision (e.g. the rules were edited elsewhere)."""
    diff: DecisionDiff | None = None
    """Recorded decision (before) against the decision made now (after), when it does not
    reproduce and both exist."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (the diff as rule ids, not whole decisions)."""
        out: dict[str, Any] = self.model_dump(mode="json", exclude={"diff"})
        if self.diff is not None:
            out["outcome"] = {
                "recorded": self.diff.before.outcome.value,
                "now": self.diff.after.outcome.value,
            }
            out["appeared"] = [h.rule_id for h in self.diff.appeared]
            out["disappeared"] = [h.rule_id for h in self.diff.disappeared]
            out["changed"] = {c.after.rule_id: list(c.fields) for c in self.diff.changed}
        return out


def verify_record(
    record: str | dict[str, Any], rules: RuleSet, *, line: int | None = None
) -> Verification:
    """Screen the transaction of one record (a JSON line, or parsed JSON) again and compare.
    Its place in a log (``prev_hash``) is checked by `verify_log`, which sees the log."""
    recorded = _read(record, line)
    if isinstance(recorded, Verification):
        return recorded
    return _verify(recorded, rules, line, record if isinstance(record, str) else None)


def _read(record: str | dict[str, Any], line: int | None) -> RecordedDecision | Verification:
    if isinstance(record, str):
        try:
            data = json.loads(record)
        except json.JSONDecodeError as exc:
            return _unreadable(line, f"not JSON: {exc.msg} (column {exc.colno})")
        except ValueError as exc:  # a number of more digits than Python converts, say
            return _unreadable(line, f"not JSON: {exc}")
        except RecursionError:
            return _unreadable(line, "not JSON: nested too deeply")
    else:
        data = record
    try:
        return read_record(data)
    except RecordError as exc:
        return _unreadable(line, str(exc))


def _unreadable(line: int | None, detail: str) -> Verification:
    return Verification(line=line, reproduced=False, causes=(Cause.UNREADABLE,), details=(detail,))


def _verify(
    recorded: RecordedDecision, rules: RuleSet, line: int | None, text: str | None
) -> Verification:
    old = recorded.decision
    base = {"line": line, "transaction_id": old.transaction_id, "as_of": old.as_of.isoformat()}
    try:
        tx = parse_transaction(recorded.transaction)
        digest = transaction_hash(tx)
    except TransactionError as exc:
        detail = f"the recorded transaction is not valid: {exc}"
        return Verification(**base, reproduced=False, causes=(Cause.INPUT,), details=(detail,))
    causes: list[Cause] = []
    details: list[str] = []
    notes: list[str] = []
    if digest != recorded.input_hash:
        causes.append(Cause.INPUT)
        details.append(
            f"the recorded transaction does not match its hash (recorded "
            f"{recorded.input_hash[:12]}, computed {digest[:12]}): it was altered"
        )
    if tx.id != old.transaction_id:
        causes.append(Cause.INPUT)
        details.append(f"the record is for transaction '{old.transaction_id}' but holds '{tx.id}'")
    # The reviewers' dispositions the record names (hash-checked on reading) apply again.
    new = apply_dispositions(evaluate(tx, rules, old.as_of), tx, rules, old.dispositions)
    fresh = decision_record(new, tx, rules=rules)
    new = new.model_copy(  # compared as recorded: rule sources without their directory
        update={
            "hits": tuple(h.model_copy(update={"source": rule_source(h.source)}) for h in new.hits)
        }
    )
    same = _decision_part(recorded.record) == _decision_part(fresh)
    rules_differ = old.ruleset_fingerprint != rules.fingerprint
    moved = []
    if (
        not same
        and rules_differ  # with the same rules, a hit's source must be what it is now
        and _decision_part(recorded.record, sources=False) == _decision_part(fresh, sources=False)
    ):
        same = True  # the same decision; only the rules' places in their files changed
        moved = _moved(recorded.record, fresh)
    code_differs = old.library_version != new.library_version
    provenance = _provenance(recorded, rules, new)
    altered = _altered_fields(recorded, fresh, rules_differ or code_differs)
    if altered:
        same = False
    diff = None
    if same:
        notes += provenance
        if moved:
            notes.append("rules moved within their files: " + ", ".join(moved))
        if text is not None and text != canonical_json(recorded.record):
            notes.append("the line is not in canonical form (reformatted), but holds the same data")
    else:
        diff = diff_decisions(old, new)
        details += _what_differs(diff, recorded.record, fresh)
        details += altered
        if altered:
            causes.append(Cause.RECORD)
        elif rules_differ:
            only_lists = diff.hits_changed and all(
                h.kind == "listing"
                for h in (*diff.appeared, *diff.disappeared, *(c.after for c in diff.changed))
            )
            causes.append(Cause.LISTS if only_lists else Cause.RULES)
        if code_differs and not altered:
            causes.append(Cause.CODE)
        details += provenance
        if not (rules_differ or code_differs or altered) and Cause.INPUT not in causes:
            causes.append(Cause.RECORD)
            details.append(
                "same rules, same code and same input give another decision: the record was "
                "altered after it was written"
            )
    return Verification(
        **base,
        reproduced=not causes,
        causes=tuple(dict.fromkeys(causes)),
        details=tuple(details),
        notes=tuple(notes),
        diff=diff,
    )


def _altered_fields(
    recorded: RecordedDecision, fresh: dict[str, Any], other_rules_or_code: bool
) -> list[str]:
    """Sentences on the fields that show the record was edited: with the same rules and code,
    every key must be what it is now (but ``prev_hash``, the log's to check); with other rules,
    the recorded rule files and lists must still give the recorded fingerprint."""
    record = recorded.record
    out = []
    if not other_rules_or_code:
        skip = {"prev_hash", "record_format", *DECISION_FIELDS}  # the decision: compared above
        if not recorded.ruleset_files:
            skip.add("ruleset_files")  # written without the rules at hand (`record_line`)
        keys = sorted((set(record) | set(fresh)) - skip)
        differ = [k for k in keys if canonical_json(record.get(k)) != canonical_json(fresh.get(k))]
        if differ:
            out.append(
                "same rules and code, yet the record's "
                + ", ".join(differ)
                + " differ from what they are now: the record was altered"
            )
        return out
    files = recorded.ruleset_files
    if files:
        lists = record.get("lists") or []
        try:
            expected = fingerprint_of(files, [(v["format"], v["sha256"]) for v in lists])
        except (KeyError, TypeError, ValueError):
            expected = None
        if expected != recorded.decision.ruleset_fingerprint:
            out.append(
                "the record's ruleset_files and lists do not give its ruleset_fingerprint "
                f"({recorded.decision.ruleset_fingerprint[:12]}): the record was altered"
            )
    return out


def _decision_part(record: dict[str, Any], *, sources: bool = True) -> str:
    part = {k: record.get(k) for k in DECISION_FIELDS}
    if not sources:
        part["hits"] = [{**h, "source": None} for h in part["hits"] or []]
    return canonical_json(part)


def _moved(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    pairs = zip(old["hits"], new["hits"], strict=True)
    found = {
        f"{a['rule_id']} {a['source']} → {b['source']}"
        for a, b in pairs
        if a["source"] != b["source"]
    }
    return sorted(found)


def _about(hit: Hit) -> str:
    about = hit.party or hit.item or hit.field
    return f"{hit.rule_id} [{about}]" if about else hit.rule_id


def _provenance(recorded: RecordedDecision, rules: RuleSet, new: Decision) -> list[str]:
    """Sentences on what differs in the rules and code between the record and now."""
    old = recorded.decision
    out = []
    if old.ruleset_fingerprint != rules.fingerprint:
        was = f"{old.ruleset} {old.ruleset_version} ({old.ruleset_fingerprint[:12]})"
        now = f"{rules.name} {rules.version} ({rules.fingerprint[:12]})"
        sentence = f"rules: recorded with {was}, now {now}"
        if recorded.ruleset_files:
            changed = _changed_files(recorded.ruleset_files, dict(rules.digests))
            sentence += "; files changed: " + (", ".join(changed) or "none by content")
        else:
            sentence += "; the record has no file digests to say which file changed"
        out.append(sentence)
    if old.library_version != new.library_version:
        out.append(
            f"code: recorded with screening {old.library_version}, now {new.library_version}"
        )
    return out


def _changed_files(before: dict[str, str], after: dict[str, str]) -> list[str]:
    out = []
    for name in sorted(set(before) | set(after)):
        if name not in after:
            out.append(f"{name} (removed)")
        elif name not in before:
            out.append(f"{name} (added)")
        elif before[name] != after[name]:
            out.append(name)
    return out


def _what_differs(diff: DecisionDiff, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    out = []
    if diff.outcome_changed:
        out.append(f"outcome: recorded {diff.before.outcome.value}, now {diff.after.outcome.value}")
    out += [f"hit now fires: {_about(h)} ({h.outcome.value})" for h in diff.appeared]
    out += [f"hit no longer fires: {_about(h)} ({h.outcome.value})" for h in diff.disappeared]
    for change in diff.changed:
        parts = []
        for name in change.fields:
            before, after = getattr(change.before, name), getattr(change.after, name)
            if name in ("outcome",):
                parts.append(f"{name} {before.value} → {after.value}")
            else:
                parts.append(name)
        out.append(f"hit changed: {_about(change.after)}: {', '.join(parts)}")
    before = {hit_key(h): h.message for h in diff.before.hits}
    reworded = [h.rule_id for h in diff.unchanged if before.get(hit_key(h)) != h.message]
    if reworded:
        out.append(f"hit message changed: {', '.join(reworded)}")
    if canonical_json(old.get("items")) != canonical_json(new.get("items")):
        out.append("item findings (jurisdiction, de minimis) differ")
    return out


def verify_log(path: Path, rules: RuleSet) -> list[Verification]:
    """Verify every record of a decision log (JSON Lines) against ``rules``.

    Raises `LogError` when the log cannot be read or holds no records; a line that is not a
    record is reported in its own `Verification`, and the others are still verified.
    """
    return verify_lines(read_lines(path), rules)


UNCHAINED = (
    "unchained record (format 1, written before records carried prev_hash): a record deleted, "
    "inserted or reordered next to it cannot be detected"
)


def verify_lines(lines: Iterable[tuple[int, bytes]], rules: RuleSet) -> list[Verification]:
    """Verify numbered record lines (UTF-8 bytes) against ``rules``, in order, and the chain:
    each chained record's ``prev_hash`` must be the hash of the line before it (null for the
    first line)."""
    out = []
    before: bytes | None = None
    for number, chunk in lines:
        expected = None if before is None else line_hash(before)
        before = chunk
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError as exc:
            out.append(_unreadable(number, f"not UTF-8 text (byte {exc.start + 1})"))
            continue
        record = text.rstrip("\r")
        recorded = _read(record, number)
        if isinstance(recorded, Verification):
            out.append(recorded)
            continue
        verdict = _verify(recorded, rules, number, record)
        if not recorded.chained:
            verdict = verdict.model_copy(update={"notes": (*verdict.notes, UNCHAINED)})
        elif recorded.prev_hash != expected:
            was = "the first line" if expected is None else f"line hash {expected[:12]}"
            detail = (
                f"chain broken: prev_hash {str(recorded.prev_hash)[:12]} does not match the "
                f"line before it ({was}): a record was deleted, inserted, duplicated or "
                "reordered before it, or the line before it was edited"
            )
            verdict = verdict.model_copy(
                update={
                    "reproduced": False,
                    "causes": tuple(dict.fromkeys((*verdict.causes, Cause.CHAIN))),
                    "details": (*verdict.details, detail),
                }
            )
        out.append(verdict)
    return out
