"""The ``end_user_control`` kind: licences for items going to an end use or end user of
concern (15 CFR 744.21 military end use / end user; the Government of Venezuela)."""

from __future__ import annotations

from ..models import Hit, Outcome, Transaction
from ..names import fold_text
from ..rules import EndUserControl, ListedListing
from ._common import (
    RECEIVING,
    Context,
    cap,
    contains_term,
    hit_for,
    items_label,
    kept_notes,
    party_label,
    reach_of,
)
from ._content import eccn_matches, without_food_medicine


def end_user_controls(ctx: Context) -> list[Hit]:
    """End-user controls: an item in scope going to one of the rule's countries, with an end
    use or end user of concern shown by the stated end use, a party's name or a list match."""
    hits = []
    for rule in ctx.rules.in_force(EndUserControl, ctx.day):
        if ctx.touched.isdisjoint(rule.countries):  # no receiving place can be in them
            continue
        places = [p for p in ctx.receiving if p.code in rule.countries]
        if not places:
            continue
        shown = _shown(ctx, rule)
        if shown is None:
            continue
        outcome, field, why, verified = shown
        statuses, exempt = ctx.statuses, tuple[str, ...]()
        if rule.except_food_medicine:
            statuses, exempt = without_food_medicine(ctx.tx, ctx.rules, ctx.day, statuses)
        notes: tuple[str, ...] = exempt
        if rule.eccns is not None:
            in_scope = tuple(
                s
                for s in statuses
                if ctx.tx.items[s.index].eccn is None
                or eccn_matches(ctx.tx.items[s.index].eccn or "", rule.eccns)
            )
            unknown = [s.index for s in in_scope if ctx.tx.items[s.index].eccn is None]
            if unknown:
                notes += (
                    f"{items_label(ctx.tx, unknown)}: no ECCN, so whether the item is in the "
                    "rule's scope cannot be told.",
                )
                outcome = cap(outcome, Outcome.REVIEW)
            statuses = in_scope
        reach = reach_of(statuses, rule.items)
        if reach is None:
            continue
        title = rule.title or rule.id
        message = (
            f"{title}: {why}, to {places[0].label}; reaches {items_label(ctx.tx, reach.items)}."
        )
        hits.append(
            hit_for(
                ctx.rules,
                rule,
                cap(cap(rule.outcome, outcome), reach.cap),
                message,
                field=field,
                verified=verified and reach.verified,
                evidence=tuple(f"{p.field}: {p.label}" for p in places),
                notes=((reach.note,) if reach.note else ()) + notes + kept_notes(rule, ctx.day),
            )
        )
    return hits


def _shown(ctx: Context, rule: EndUserControl) -> tuple[Outcome, str, str, bool] | None:
    """How the transaction shows the end use or user of concern, strongest first: (outcome,
    field, what shows it, verified), or None."""
    tx = ctx.tx
    if tx.end_use is not None:
        folded = fold_text(tx.end_use)
        term = next((t for t in rule.end_use_terms if contains_term(folded, t)), None)
        if term is not None:
            return Outcome.BLOCK, "end_use", f"the stated end use names '{term}'", True
    listed = _listed(ctx, rule, tx)
    if listed is not None and listed[0] is Outcome.BLOCK:
        return listed
    for i, party in enumerate(tx.parties):
        if party.role not in RECEIVING or party.country not in rule.countries:
            continue
        folded = fold_text(" ".join((party.name, *party.aliases)))
        for terms, outcome in (
            (rule.end_use_terms + rule.party_terms, Outcome.BLOCK),
            (rule.review_terms, Outcome.REVIEW),
        ):
            term = next((t for t in terms if contains_term(folded, t)), None)
            if term is not None:
                why = f"{party_label(party)} has '{term}' in its name"
                return outcome, f"parties[{i}].name", why, True
    return listed


def _listed(
    ctx: Context, rule: EndUserControl, tx: Transaction
) -> tuple[Outcome, str, str, bool] | None:
    """A receiving party matched to a listing on one of the rule's lists."""
    if not rule.lists:
        return None
    rules = ctx.rules
    found: tuple[Outcome, str, str, bool] | None = None
    for i, party in enumerate(tx.parties):
        if party.role not in RECEIVING:
            continue
        for name in (party.name, *party.aliases):
            for match in rules.names.search(name, cutoff=rules.matching.possible):
                for listing in rules.listings.get(match.key, ()):
                    code = listing.list_code if isinstance(listing, ListedListing) else listing.list
                    if code not in rule.lists or not listing.in_force(ctx.day):
                        continue
                    sure = match.score >= rules.matching.match
                    outcome = Outcome.BLOCK if sure else Outcome.REVIEW
                    why = (
                        f"{party_label(party)} matches '{match.name}' on {listing.list} "
                        f"(score {match.score:.2f})"
                    )
                    if found is None or (outcome is Outcome.BLOCK and found[0] is Outcome.REVIEW):
                        found = (outcome, f"parties[{i}].name", why, match.verified)
    return found
