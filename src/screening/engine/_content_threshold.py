"""The ``content_threshold`` kind: a sanctions programme's own US-content test (the ITSR,
31 CFR 560.205 with 560.420), which reaches foreign-made goods the EAR de minimis clears."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from ..models import Hit, Jurisdiction, Outcome
from ..rules import ContentThreshold
from ._common import Context, hit_for
from ._content import foreign_made, share
from ._jurisdiction import us_share_all


def content_thresholds(ctx: Context) -> list[Hit]:
    """A foreign-made item not subject to the EAR going to a country whose programme covers
    US-origin content of ``percent`` or more (``>=``, all of it: EAR99 included)."""
    tx, rules, day = ctx.tx, ctx.rules, ctx.day
    hits: list[Hit] = []
    for rule in rules.in_force(ContentThreshold, day):
        if ctx.touched.isdisjoint(rule.countries):  # no receiving place can be in them
            continue
        # The content places but the route's (`content_places`): the receiving places.
        places = [p for p in ctx.receiving if p.code in rule.countries]
        if not places:
            continue
        place = places[0]
        for status in ctx.statuses:
            item = tx.items[status.index]
            if status.jurisdiction is Jurisdiction.SUBJECT or not foreign_made(tx, item):
                continue
            label = f"items[{status.index}] '{item.description}'"
            found = us_share_all(item)
            if found is None:
                if status.jurisdiction is Jurisdiction.UNKNOWN:
                    continue  # the jurisdiction review already asks for the content
                message = (
                    f"{label} to {place.label}: its US-origin content cannot be worked out "
                    f"(unit value not given), so {rule.title or rule.id} cannot be ruled out."
                )
                hits.append(hit_for(rules, rule, Outcome.REVIEW, message, item=label))
                continue
            if found < rule.percent:
                continue
            verified, notes = True, tuple[str, ...]()
            if item.components is not None and not rule.ear99_verified:
                listed = sum(
                    (p.value for p in item.components if p.origin == "US" and p.eccn != "EAR99"),
                    Decimal(0),
                )
                assert item.unit_value
                if share(listed, item.unit_value) < rule.percent:
                    verified = False
                    notes = (
                        "The share reaches the threshold only with EAR99 content; whether the "
                        "programme counts EAR99 content is not confirmed by a primary source.",
                    )
            shown = _shown(found)
            message = (
                f"{label}, made in {item.origin}, to {place.label}: US-origin content {shown}% "
                f"is {rule.percent}% or more of its value; {rule.title or rule.id}."
            )
            hits.append(
                hit_for(
                    rules,
                    rule,
                    rule.outcome,
                    message,
                    field=f"items[{status.index}]",
                    item=label,
                    verified=verified,
                    evidence=(f"{place.field}: {place.label}", f"item status: {status.reason}"),
                    notes=notes,
                )
            )
    return hits


def _shown(found: Fraction) -> Decimal:
    return (Decimal(found.numerator) / Decimal(found.denominator)).quantize(Decimal("0.01"))
