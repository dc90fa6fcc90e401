"""The ``address_place`` kind: an address that names a place in another country than the
party's, or a place of an embargoed region, gives a review (issue 13, item 4).

The embargo evaluator reads a region's ``address_terms`` for parties of the region's countries
only (UA and RU for Crimea); a party declared in DE with an address in Simferopol, or in Tehran,
would otherwise be clear.
"""

from __future__ import annotations

from ..models import Hit
from ..names import fold_text
from ..rules import AddressPlace, Embargo
from ._common import Context, contains_term, hit_for, party_label, place_name


def address_places(ctx: Context) -> list[Hit]:
    """For each party's address: each place named that lies outside the party's country, and
    each term of a region embargo in force for a party outside the region's countries."""
    tx, rules, day = ctx.tx, ctx.rules, ctx.day
    hits: list[Hit] = []
    regions = [e for e in rules.in_force(Embargo, day) if e.region is not None]
    for rule in rules.in_force(AddressPlace, day):
        for i, party in enumerate(tx.parties):
            if not party.address:
                continue
            folded = fold_text(party.address)
            field = f"parties[{i}].address"
            for places in rule.places:
                if places.country == party.country:
                    continue
                found = [n for n in places.names if contains_term(folded, n)]
                if found:
                    message = (
                        f"The address of {party_label(party)} names {', '.join(found)}, in "
                        f"{place_name(places.country)}, not in the party's country "
                        f"{place_name(party.country)}."
                    )
                    hits.append(_hit(ctx, rule, message, field, party_label(party), found))
            if not rule.regions:
                continue
            for embargo in regions:
                region = embargo.region
                assert region is not None
                if party.country in region.countries:
                    continue  # the embargo itself reads this address
                found = [t for t in region.address_terms if contains_term(folded, t)]
                if found:
                    message = (
                        f"The address of {party_label(party)} names {', '.join(found)}, in the "
                        f"{region.name} (embargo {embargo.id}), though the party's country is "
                        f"{place_name(party.country)}."
                    )
                    hits.append(_hit(ctx, rule, message, field, party_label(party), found))
    return hits


def _hit(
    ctx: Context, rule: AddressPlace, message: str, field: str, party: str, found: list[str]
) -> Hit:
    return hit_for(
        ctx.rules,
        rule,
        rule.outcome,
        message,
        field=field,
        party=party,
        evidence=tuple(f"address names '{n}'" for n in found),
    )
