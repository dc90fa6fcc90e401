"""What a loaded rule set covers: its period, the programmes (embargoes, US-person reach,
ownership rules) with their countries and windows, the lists it screens, and what it does not
cover, so a user knows what "clear" means. Derived from the rules alone: pure, no I/O."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ..models import Outcome
from ._ruleset import RuleSet
from ._schema import (
    CountryLicence,
    Embargo,
    EndUserControl,
    ListedListing,
    Listing,
    ListPolicy,
    OwnershipRule,
    UsPersonReach,
)

__all__ = ["CoveredList", "CoveredRegime", "RuleCoverage", "rules_coverage"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


RegimeStatus = Literal["encoded", "unverified", "not encoded"]
"""``encoded``: may block; ``unverified``: rests on a fact no primary source confirmed, so it
can only review; ``not encoded``: a placeholder that reviews every transaction it touches."""


class CoveredRegime(_Frozen):
    """One programme rule: where and when it applies and how far its outcome can go."""

    id: str
    kind: str
    title: str
    countries: tuple[str, ...]
    region: str | None
    start: dt.date | None
    end: dt.date | None
    end_unverified: bool
    """True when the end is not confirmed: the rule stays in force after it (fail closed)."""
    outcome: Outcome
    status: RegimeStatus
    citation: str


class CoveredList(_Frozen):
    """A list the rule set screens names against: how many listings, and the outcome."""

    list: str
    source: Literal["rules", "list file", "policy"]
    """``rules``: hand-written listings; ``list file``: entries of a loaded official list;
    ``policy``: a list policy for list files (none loaded unless ``listings`` > 0)."""
    listings: int
    outcome: Outcome


class RuleCoverage(_Frozen):
    """What a rule set covers and does not: see `rules_coverage`."""

    name: str
    version: str
    covers_from: dt.date
    covers_to: dt.date | None
    regimes: tuple[CoveredRegime, ...]
    countries: tuple[str, ...]
    """Countries a country-wide embargo or US-person programme names (on some day), besides
    placeholders that are not encoded."""
    regions: tuple[str, ...]
    """Regions (part of a country) an embargo or programme names."""
    lists: tuple[CoveredList, ...]
    list_files: tuple[str, ...]
    not_covered: tuple[str, ...]
    """Plain sentences: what a "clear" from this rule set does not vouch for."""


_Programme = Embargo | UsPersonReach | OwnershipRule | CountryLicence | EndUserControl
"""The rule kinds that make a programme: a country, region or ownership a clear vouches for."""


def _status(rule: _Programme) -> RegimeStatus:
    if "not-encoded" in rule.id or "not encoded" in (rule.title or "").casefold():
        return "not encoded"
    return "encoded" if rule.verified else "unverified"


def _regime(rule: _Programme) -> CoveredRegime:
    countries: tuple[str, ...] = ()
    region = None
    if isinstance(rule, Embargo | UsPersonReach):
        countries = tuple(rule.countries) or (rule.region.countries if rule.region else ())
        region = rule.region.name if rule.region else None
    elif isinstance(rule, CountryLicence | EndUserControl):
        countries = tuple(rule.countries)
    return CoveredRegime(
        id=rule.id,
        kind=rule.kind,
        title=rule.title or rule.id,
        countries=countries,
        region=region,
        start=rule.start,
        end=rule.end,
        end_unverified=not rule.to_verified,
        outcome=rule.outcome if rule.verified else min(rule.outcome, Outcome.REVIEW, key=_rank),
        status=_status(rule),
        citation=" ".join(rule.citation.split()),
    )


def _rank(outcome: Outcome) -> int:
    return outcome.rank


def _lists(rules: RuleSet) -> tuple[CoveredList, ...]:
    by_list: Counter[tuple[str, str, Outcome]] = Counter()
    for listing in rules.of_kind(Listing):
        source = "list file" if isinstance(listing, ListedListing) else "rules"
        by_list[(listing.list, source, listing.outcome)] += 1
    found = [
        CoveredList(list=name, source=source, listings=n, outcome=outcome)
        for (name, source, outcome), n in sorted(by_list.items(), key=lambda kv: kv[0][:2])
    ]
    for policy in rules.of_kind(ListPolicy):
        name = f"{policy.title or policy.id} ({', '.join(policy.lists)})"
        found.append(CoveredList(list=name, source="policy", listings=0, outcome=policy.outcome))
    return tuple(found)


def rules_coverage(rules: RuleSet) -> RuleCoverage:
    """What ``rules`` covers: its period, its programmes (embargo, us_person_reach and
    ownership_rule rules with their windows and whether they can block), the lists its names
    come from, and sentences on what a "clear" from it does not vouch for."""
    regimes = (
        *(_regime(r) for r in rules.of_kind(Embargo)),
        *(_regime(r) for r in rules.of_kind(UsPersonReach)),
        *(_regime(r) for r in rules.of_kind(OwnershipRule)),
        *(_regime(r) for r in rules.of_kind(CountryLicence)),
        *(_regime(r) for r in rules.of_kind(EndUserControl)),
    )
    countries = sorted(
        {
            c
            for r in regimes
            # An end-use control reaches only some transactions to its countries: not theirs.
            if r.region is None and r.status != "not encoded" and r.kind != "end_user_control"
            for c in r.countries
        }
    )
    regions = sorted({r.region for r in regimes if r.region is not None})
    not_covered = [
        f"Dates before {rules.covers_from}"
        + (f" or after {rules.covers_to}" if rules.covers_to else "")
        + ": outside the period the rules were written and checked for; every screening of "
        "such a date gets a review.",
    ]
    if rules.covers_to is None:
        not_covered.append("No end of coverage is declared: later changes of the law are unknown.")
    not_covered += [
        f"{r.title} ({', '.join(r.countries) or r.region or 'all'}, from {r.start or 'always'}): "
        "not encoded; transactions it touches get a review, never a clear."
        for r in regimes
        if r.status == "not encoded"
    ]
    not_covered += [
        f"{r.title} ({r.start or 'always'} to {r.end or 'open'}): rests on an unverified fact, so "
        "it can only review."
        for r in regimes
        if r.status == "unverified"
    ]
    not_covered.append(
        "Countries without an embargo or US-person programme here ("
        + ("every country except " + ", ".join(countries) if countries else "every country")
        + (f"; for {', '.join(regions)} only those regions" if regions else "")
        + "): a clear means only that no listed party, item control, foreign direct product, de "
        "minimis or red-flag rule applied."
    )
    if not rules.lists:
        listed = sum(1 for lst in _lists(rules) if lst.source == "rules")
        not_covered.append(
            "No official list file is loaded: names are screened only against the "
            f"hand-written listings ({listed} list(s)); load the CSL, SDN or other lists "
            "(--lists) to screen against them."
        )
    return RuleCoverage(
        name=rules.name,
        version=rules.version,
        covers_from=rules.covers_from,
        covers_to=rules.covers_to,
        regimes=regimes,
        countries=tuple(countries),
        regions=tuple(regions),
        lists=_lists(rules),
        list_files=tuple(v.file for v in rules.lists),
        not_covered=tuple(not_covered),
    )
