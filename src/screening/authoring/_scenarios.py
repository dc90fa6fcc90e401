"""Historical scenarios: a transaction plus the decision it must get, replayed as regression.

A scenario file (YAML) holds ``title``, ``summary``, ``facts`` (where the facts come from),
optionally ``as_of``, an ``expect:`` block (``outcome`` and the exact set of ``rules`` that must
fire) and the ``transaction``. Files whose name starts with ``_`` are not scenarios (a case
directory keeps its report metadata in ``_case.yaml``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from .._io.documents import read_document
from .._io.yamlfile import Located
from ..api import transaction_from
from ..engine import evaluate
from ..errors import Problem, ScenarioError, ScreeningError
from ..models import Decision, Outcome, Transaction
from ..rules import RuleSet

__all__ = [
    "Replay",
    "Scenario",
    "load_scenario",
    "replay",
    "scenario_files",
    "transaction_or_scenario",
]


class Expectation(BaseModel):
    """What a scenario must get: the outcome and the exact set of rule ids that fire."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    outcome: Outcome
    rules: tuple[str, ...] = ()


class Scenario(BaseModel):
    """One historical case: a transaction and its expected decision."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)
    id: str
    title: str
    summary: str | None = None
    facts: str | None = None
    as_of: dt.date | None = None
    expect: Expectation
    transaction: Transaction = Field(exclude=True)
    file: str


@dataclass(frozen=True, slots=True)
class Replay:
    """A scenario, the decision it got, and whether that is what it expected."""

    scenario: Scenario
    decision: Decision

    @property
    def fired(self) -> tuple[str, ...]:
        """The ids of the rules that fired, sorted, each once."""
        return tuple(sorted({h.rule_id for h in self.decision.hits}))

    @property
    def missing(self) -> tuple[str, ...]:
        """Expected rules that did not fire."""
        return tuple(sorted(set(self.scenario.expect.rules) - set(self.fired)))

    @property
    def unexpected(self) -> tuple[str, ...]:
        """Rules that fired but were not expected."""
        return tuple(sorted(set(self.fired) - set(self.scenario.expect.rules)))

    @property
    def ok(self) -> bool:
        """True when the outcome and the set of fired rules are exactly as expected."""
        return (
            self.decision.outcome is self.scenario.expect.outcome
            and not self.missing
            and not self.unexpected
        )


def load_scenario(path: Path) -> Scenario:
    """Read and validate one scenario file; errors name the file and line."""
    doc = read_document(path)
    data = doc.data
    if not isinstance(data, dict) or "transaction" not in data:
        raise ScenarioError(f"{path}: not a scenario (expected 'transaction:' and 'expect:')")
    tx = transaction_from(doc, key="transaction")
    fields = {k: v for k, v in data.items() if k != "transaction"}
    try:
        return Scenario.model_validate(
            {"id": tx.id, **fields, "transaction": tx, "file": str(path)}
        )
    except ValidationError as exc:
        lines = []
        for e in exc.errors(include_url=False):
            loc = tuple(e["loc"])
            where = f"{path}:{doc.line_of(loc)}" if doc.lines else str(path)
            lines.append(f"{where}: {'.'.join(str(x) for x in loc)}: {e['msg']}")
        raise ScenarioError("\n".join(lines)) from None


def scenario_files(directory: Path) -> list[Path]:
    """The scenario files in a directory, sorted by name (names starting with ``_`` skipped)."""
    if not directory.is_dir():
        raise ScenarioError(f"{directory}: not a directory")
    files = sorted(
        p
        for p in directory.iterdir()
        if p.suffix in (".yaml", ".yml", ".json") and not p.name.startswith("_")
    )
    if not files:
        raise ScenarioError(f"{directory}: no scenario files (*.yaml, *.json)")
    return files


def replay(directory: Path, rules: RuleSet) -> list[Replay]:
    """Screen every scenario in ``directory`` as of its date (or its ``as_of``)."""
    out = []
    problems: list[Problem] = []
    for path in scenario_files(directory):
        try:
            scenario = load_scenario(path)
        except ScreeningError as exc:
            problems.append(Problem(str(exc)))
            continue
        decision = evaluate(
            scenario.transaction, rules, scenario.as_of or scenario.transaction.date
        )
        out.append(Replay(scenario, decision))
    if problems:
        raise ScenarioError("\n".join(str(p) for p in problems))
    return out


_DATE = TypeAdapter(dt.date)


def transaction_or_scenario(doc: Located, shown: str) -> tuple[Transaction, dt.date | None]:
    """The transaction of a transaction document, or of a scenario document with its ``as_of``
    (None when it has none), for screening either kind of file; ``shown`` names it in errors.

    Raises `ScenarioError` for a document that is neither, or a scenario with a bad ``as_of``;
    `TransactionError` for a bad transaction.
    """
    data = doc.data
    if isinstance(data, dict) and not data.keys() & {"transaction", "id", "date", "items"}:
        raise ScenarioError(
            f"{shown}: not a transaction or a scenario (no 'id', 'date', 'items' or "
            "'transaction:'; a case's _case.yaml is read by replay --report)"
        )
    as_of, key = None, None
    if isinstance(data, dict) and "transaction" in data:
        key = "transaction"
        if data.get("as_of") is not None:  # a scenario file: screened as of its as_of
            try:
                as_of = _DATE.validate_python(data["as_of"])
            except ValidationError:
                raise ScenarioError(f"{shown}: as_of: not a date: {data['as_of']!r}") from None
    return transaction_from(doc, key=key), as_of
