"""The ``us_person_reach`` kind: sanctions programmes that bind persons (US persons, and where
the programme says so the foreign entities they own or control), whatever the goods' EAR
status, plus exports from the United States.

Ownership: US persons' shares are added up and multiplied down the chain of owners. 50% or
more is "owned" (31 CFR 560.215(b)(1)(i)); any US share below that gives a review, since
control by board seats or otherwise (560.215(b)(1)(ii), (iii)) cannot be told from shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..models import Hit, Outcome, Owner, Party
from ..rules import UsPersonReach
from ._common import Context, hit_for, kept_notes, party_label
from ._content import ships_from
from ._embargo import embargo_places, touching

_OWNED = Fraction(50)


def us_status(us_person: bool | None, country: str) -> bool | None:
    """A party's or owner's US-person status: as given, else true in the US, else unknown."""
    if us_person is not None:
        return us_person
    return True if country == "US" else None


@dataclass(frozen=True, slots=True)
class UsShare:
    """Percent of a party held by US persons (``known``) and by owners whose status is not
    known (``unknown``), aggregated and multiplied down the chain."""

    known: Fraction
    unknown: Fraction


def us_share(owners: tuple[Owner, ...]) -> UsShare:
    """How much of an entity with these owners US persons hold, directly or indirectly."""
    known = unknown = Fraction(0)
    for owner in owners:
        share = Fraction(owner.share)
        status = us_status(owner.us_person, owner.country)
        if status is True:
            known += share
        elif status is None:
            unknown += share
        else:
            below = us_share(owner.owners)
            known += share * below.known / 100
            unknown += share * below.unknown / 100
    return UsShare(known, unknown)


def _pct(value: Fraction) -> str:
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


@dataclass(frozen=True, slots=True)
class _Finding:
    outcome: Outcome
    what: str


def _finding(rule: UsPersonReach, party: Party) -> _Finding | None:
    """Whether the programme binds ``party``: a US person, owned or controlled by US persons,
    not bound, or unknown (a review in the rule's ``unknown_roles``)."""
    status = us_status(party.us_person, party.country)
    if status is True and "us_persons" in rule.reaches:
        how = "declared a US person" if party.us_person else "in the United States"
        return _Finding(rule.outcome, f"is a US person ({how})")
    asks = party.role in rule.unknown_roles
    unknowns: list[str] = []
    if status is None and "us_persons" in rule.reaches:
        unknowns.append("its US-person status is not given")
    if "owned_or_controlled" in rule.reaches and status is not True:
        if party.owners is None:
            unknowns.append("its owners are not given")
        else:
            share = us_share(party.owners)
            if share.known >= _OWNED:
                return _Finding(
                    rule.outcome,
                    f"is owned by US persons ({_pct(share.known)} of it, aggregated and "
                    "multiplied down the chain of owners), so it is bound like a US person",
                )
            if share.known + share.unknown >= _OWNED:
                return _Finding(
                    Outcome.REVIEW,
                    f"may be owned by US persons: they hold {_pct(share.known)} and owners of "
                    f"unknown US-person status hold {_pct(share.unknown)}",
                )
            if share.known + share.unknown > 0:
                return _Finding(
                    Outcome.REVIEW,
                    f"is partly owned by US persons ({_pct(share.known)}, and "
                    f"{_pct(share.unknown)} held by owners of unknown status): below 50%, so "
                    "control by board seats or otherwise must be checked",
                )
    if unknowns and asks:
        return _Finding(
            Outcome.REVIEW,
            f"may be a US person or owned by one: {' and '.join(unknowns)} (give us_person "
            "and owners)",
        )
    return None


def us_person_reach(ctx: Context) -> list[Hit]:
    """US-person reach: a party bound by a programme in force (a US person, or a company
    owned or controlled by US persons where the programme says so), or an export from the
    United States, in a transaction touching the programme's country or region."""
    tx, rules, day = ctx.tx, ctx.rules, ctx.day
    hits: list[Hit] = []
    for rule in touching(rules, UsPersonReach, day, ctx.touched):
        places = embargo_places(tx, rule)
        if not places:
            continue
        where = places[0].label
        evidence = tuple(f"{p.field}: {p.label}" for p in places)
        title = rule.title or rule.id
        notes = kept_notes(rule, day)
        if rule.exports_from_us and ships_from(tx) == "US":
            hits.append(
                hit_for(
                    rules,
                    rule,
                    rule.outcome,
                    f"{title}: an export from the United States, and {where}; the programme "
                    "reaches it whoever exports and whatever the goods' EAR status.",
                    field="ships_from",
                    evidence=evidence,
                    notes=notes,
                )
            )
        for i, party in enumerate(tx.parties):
            if party.role not in rule.roles:
                continue
            found = _finding(rule, party)
            if found is None:
                continue
            message = (
                f"{title}: {party_label(party)} {found.what}, and {where}; the programme binds "
                "US persons whatever the goods' EAR status."
            )
            hits.append(
                hit_for(
                    rules,
                    rule,
                    found.outcome,
                    message,
                    field=f"parties[{i}]",
                    party=party_label(party),
                    evidence=evidence,
                    notes=notes,
                )
            )
    return hits
