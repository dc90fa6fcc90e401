"""The review queue as the API and the reviewer's page show it: filtering and sorting cases,
and what a reviewer reads about each hit (the name alignment, the list entry, the rule)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import Problem
from ..models import Outcome, Transaction
from ..names import explain
from ..rules import RuleSet
from ..store import Case, CaseHit
from ._refusal import Refusal

__all__ = ["SORTS", "HitView", "Queue", "hit_views", "list_of", "queue"]

SORTS = ("oldest", "newest", "score", "hits")
"""``oldest`` first (the default: the longest waiting), ``newest`` first, highest ``score``
first, most ``hits`` first."""

_PARTY = re.compile(r"parties\[(\d+)\]")


@dataclass(frozen=True)
class Queue:
    """A filtered, sorted list of cases, with the lists they can be filtered by."""

    cases: tuple[Case, ...]
    lists: tuple[str, ...]
    """Every list named by a hit of the cases before filtering (for the filter's choices)."""


def list_of(hit: CaseHit, rules: RuleSet) -> str:
    """The list a hit's entry is on (``Entity List``, an official list file's name), or its
    rule kind when it is not a list hit (or its rule left the rule set)."""
    if hit.rule_id in rules:
        named = getattr(rules[hit.rule_id], "list", None)
        if isinstance(named, str) and named:
            return named
    return hit.kind


def age_days(case: Case, now: dt.datetime) -> int:
    """Whole days since the case was opened."""
    opened = dt.datetime.fromisoformat(case.opened_at.replace("Z", "+00:00"))
    return max(0, (now - opened).days)


def queue(
    cases: Sequence[Case],
    rules: RuleSet,
    now: dt.datetime,
    *,
    outcome: str | None = None,
    listed: str | None = None,
    age: int | None = None,
    sort: str = "oldest",
) -> Queue:
    """``cases`` with the filters applied: the case's ``outcome``, a hit on list ``listed``,
    opened at least ``age`` days ago; sorted by ``sort`` (one of `SORTS`). A bad value is a
    422 naming the parameter."""
    if outcome is not None and outcome not in {o.value for o in Outcome}:
        raise _bad("outcome", f"expected one of {', '.join(o.value for o in Outcome)}")
    if sort not in SORTS:
        raise _bad("sort", f"expected one of {', '.join(SORTS)}")
    if age is not None and age < 0:
        raise _bad("age", "days must be 0 or more")
    lists = sorted({list_of(h, rules) for c in cases for h in c.hits})
    chosen = [
        c
        for c in cases
        if (outcome is None or c.outcome.value == outcome)
        and (listed is None or any(list_of(h, rules) == listed for h in c.hits))
        and (age is None or age_days(c, now) >= age)
    ]
    if sort == "newest":
        chosen.sort(key=lambda c: (c.opened_at, c.id), reverse=True)
    elif sort == "score":
        chosen.sort(key=lambda c: (-max((h.score or 0.0 for h in c.hits), default=0.0), c.id))
    elif sort == "hits":
        chosen.sort(key=lambda c: (-len(c.hits), c.opened_at, c.id))
    else:
        chosen.sort(key=lambda c: (c.opened_at, c.id))
    return Queue(tuple(chosen), tuple(lists))


@dataclass(frozen=True)
class HitView:
    """One hit of a case as the reviewer's page shows it."""

    hit: CaseHit
    list: str
    party_name: str | None
    """The party's name as written in the transaction."""
    alignment: dict[str, Any] | None
    """`screening.names.explain` of the party's name against the listed name."""
    entry: str | None
    """The list entry's data (the entity and the listing), as indented JSON."""
    citation: str | None
    rule_text: str | None
    """The rule as written in its file, else its fields as JSON; None if it left the rules."""
    can_decide: bool


def hit_views(
    case: Case, tx: Transaction, rules: RuleSet, snippets: dict[str, str]
) -> list[HitView]:
    """What the reviewer reads about each hit of ``case`` (screened as ``tx``)."""
    out = []
    for hit in case.hits:
        party_name = None
        found = _PARTY.match(hit.field or "")
        if found and int(found.group(1)) < len(tx.parties):
            party_name = tx.parties[int(found.group(1))].name
        alignment = None
        if party_name and hit.listed_name:
            alignment = explain(party_name, hit.listed_name).to_dict()
        rule = None
        if hit.rule_id in rules:  # a reload may have taken it out
            rule = rules[hit.rule_id]
        entry = None
        citation = None
        text = None
        if rule is not None:
            citation = getattr(rule, "citation", None)
            text = snippets.get(hit.rule_id) or _json(rule.model_dump(mode="json"))
            entity_id = getattr(rule, "entity", None)
            entity = rules.entities.get(entity_id) if isinstance(entity_id, str) else None
            if entity is not None:
                entry = _json(
                    {
                        "entry": hit.list_entry,
                        "entity": entity.model_dump(mode="json", exclude_none=True),
                        "listing": rule.model_dump(mode="json", exclude_none=True),
                    }
                )
        if entry is None and hit.list_entry:
            entry = _json({"entry": hit.list_entry, "listed_name": hit.listed_name})
        out.append(
            HitView(
                hit=hit,
                list=list_of(hit, rules),
                party_name=party_name,
                alignment=alignment,
                entry=entry,
                citation=citation,
                rule_text=text,
                can_decide=hit.disposable and hit.disposition is None,
            )
        )
    return out


def _json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


def _bad(param: str, message: str) -> Refusal:
    return Refusal(422, "invalid request", f"{param}: {message}", [Problem(message, path=param)])
