"""The ``country_licence`` kind, with the ``hts_list`` data it names: a licence for every CCL
item and for EAR99 items listed by HTS code (15 CFR 746.8, 746.10)."""

from __future__ import annotations

import datetime as dt

from ..models import Hit, Item, Jurisdiction, Outcome
from ..rules import CountryLicence, HtsEntry, HtsList, RuleSet
from ._common import Context, Place, hit_for


def country_licences(ctx: Context) -> list[Hit]:
    """Country licence requirements: each item subject to the EAR (or of unknown jurisdiction)
    going to one of the rule's countries, as a destination or a receiving party's country."""
    hits = []
    for rule in ctx.rules.in_force(CountryLicence, ctx.day):
        if ctx.touched.isdisjoint(rule.countries):  # no receiving place can be in them
            continue
        places = [p for p in ctx.receiving if p.code in rule.countries]
        if not places:
            continue
        for status in ctx.statuses:
            if status.jurisdiction is Jurisdiction.NOT_SUBJECT:
                continue
            hit = _item_hit(ctx, rule, places[0], status.index)
            if hit is not None:
                hits.append(hit)
    return hits


def _item_hit(ctx: Context, rule: CountryLicence, place: Place, index: int) -> Hit | None:
    """Does ``rule`` require a licence for one item? What cannot be told gives a review."""
    item = ctx.tx.items[index]
    status = ctx.statuses[index]
    label = f"items[{index}] '{item.description}'"
    title = rule.title or rule.id
    notes: tuple[str, ...] = ()
    if status.jurisdiction is Jurisdiction.UNKNOWN:
        notes += (f"Whether {label} is subject to the EAR is unknown: {status.reason}.",)
    if rule.exceptions:
        notes += (
            "Licence exceptions that may still apply (not applied here; the exporter must "
            f"claim and check them): {', '.join(rule.exceptions)}.",
        )
    evidence = (f"{place.field}: {place.label}",)
    outcome = rule.outcome if status.jurisdiction is Jurisdiction.SUBJECT else Outcome.REVIEW
    verified = status.verified
    if item.eccn is None:
        message = f"{label} has no ECCN, so {title} for {place.label} cannot be ruled out."
        return hit_for(
            ctx.rules,
            rule,
            Outcome.REVIEW,
            message,
            field=f"items[{index}].eccn",
            item=label,
            evidence=evidence,
            notes=notes,
        )
    if item.eccn != "EAR99":
        if not rule.ccl:
            return None
        message = f"{label} ({item.eccn}, on the CCL) to {place.label}: {title}."
        return hit_for(
            ctx.rules,
            rule,
            outcome,
            message,
            field=f"items[{index}].eccn",
            item=label,
            verified=verified,
            evidence=evidence,
            notes=notes,
        )
    if not rule.hts_lists:
        return None
    if item.hts is None:
        message = (
            f"{label} is EAR99 with no hts, so whether {title} lists it by HTS code "
            f"({', '.join(rule.hts_lists)}) for {place.label} cannot be told."
        )
        return hit_for(
            ctx.rules,
            rule,
            Outcome.REVIEW,
            message,
            field=f"items[{index}].hts",
            item=label,
            evidence=evidence,
            notes=notes,
        )
    found = listed_hts(ctx.rules, rule.hts_lists, item, ctx.day)
    if found is None:
        return None
    source, entry = found
    message = (
        f"{label} (EAR99, HTS {item.hts}) is listed under {entry.hts} in {entry.supplement} "
        f"to {place.label}: {title}."
    )
    return hit_for(
        ctx.rules,
        rule,
        outcome,
        message,
        field=f"items[{index}].hts",
        item=label,
        verified=verified and source.verified and entry.verified,
        evidence=(*evidence, f"{source.id}: {entry.hts} ({entry.supplement}, {entry.source})"),
        notes=notes,
    )


def listed_hts(
    rules: RuleSet, names: tuple[str, ...], item: Item, day: dt.date
) -> tuple[HtsList, HtsEntry] | None:
    """The first entry in force on ``day`` of the named HTS lists that is a prefix of the item's
    ``hts`` (a verified entry preferred), or None."""
    if item.hts is None:
        return None
    found: list[tuple[HtsList, HtsEntry]] = [
        (source, entry)
        for source in rules.in_force(HtsList, day)
        if source.list in names
        for entry in source.entries
        if entry.in_force(day) and item.hts.startswith(entry.hts)
    ]
    found.sort(key=lambda pair: not (pair[0].verified and pair[1].verified))
    return found[0] if found else None
