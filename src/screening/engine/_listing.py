"""The ``listing`` kind, with the ``entity`` it names and the ``general_licence`` that
relaxes it."""

from __future__ import annotations

import datetime as dt

from ..models import Hit, ItemStatus, Outcome, Party, Transaction
from ..names import (
    IdentityEvidence,
    NameMatch,
    address_similarity,
    compare_dob,
    compare_identifiers,
)
from ..rules import Entity, ListedEntity, ListedListing, Listing, RuleSet
from ._common import Context, cap, hit_for, party_label, reach_of

_ADDRESS_CORROBORATES = 0.90


def listed_parties(ctx: Context) -> list[Hit]:
    """Listings: each party's name and aliases searched in the entities' names; a match on an
    entity with a listing in force gives a hit, relaxed by any general licence in force."""
    tx, rules, day, statuses = ctx.tx, ctx.rules, ctx.day, ctx.statuses
    hits: list[Hit] = []
    thresholds = rules.matching
    for i, party in enumerate(tx.parties):
        queries = [(f"parties[{i}].name", party.name)]
        queries += [(f"parties[{i}].aliases[{j}]", a) for j, a in enumerate(party.aliases)]
        for field, query in queries:
            for match in rules.names.search(query, cutoff=thresholds.possible):
                entity = rules.entities[match.key]
                for listing in rules.listings.get(entity.id, ()):
                    if not listing.in_force(day):
                        continue
                    hit = _listing_hit(
                        tx, rules, day, statuses, party, field, query, match, entity, listing
                    )
                    if hit is not None:
                        hits += hit
    return hits


def _identity(party: Party, entity: Entity) -> list[IdentityEvidence]:
    """The party's date of birth and identifiers against what the list gives for the entity
    (official list entries carry them; hand-written entities do not)."""
    if not isinstance(entity, ListedEntity) or not (party.dob or party.identifiers):
        return []
    ids = tuple((i.type, i.value) for i in party.identifiers)
    found = [
        compare_identifiers(ids, entity.identifiers),
        compare_dob(party.dob, entity.birth_dates),
    ]
    return [ev for ev in found if ev.verdict != "none"]


def _listing_hit(
    tx: Transaction,
    rules: RuleSet,
    day: dt.date,
    statuses: tuple[ItemStatus, ...],
    party: Party,
    field: str,
    query: str,
    match: NameMatch,
    entity: Entity,
    listing: Listing,
) -> list[Hit] | None:
    base = listing.outcome if party.role in listing.roles else listing.other_roles
    if base is None:
        return None
    reach = reach_of(statuses, listing.items)
    if reach is None:
        return None
    notes: list[str] = []
    identity = _identity(party, entity)
    score = match.score
    for ev in identity:
        score = round(score * ev.factor, 4)
    is_match = score >= rules.matching.match
    if any(ev.verdict == "match" and ev.reason.startswith("identifier") for ev in identity):
        if not is_match:
            notes.append("Possible name match made a match by an identifier on the list entry.")
        is_match = True
    elif score < match.score:
        notes.append(
            f"Name score {match.score} lowered to {score} by conflicting evidence"
            + (
                f"; kept for review although below {rules.matching.possible} (fail closed)."
                if score < rules.matching.possible
                else "."
            )
        )
    address_score = None
    if party.address and entity.addresses:
        address_score = max(address_similarity(party.address, a) for a in entity.addresses)
        if not is_match and address_score >= _ADDRESS_CORROBORATES:
            is_match = True
            notes.append(
                f"Possible name match corroborated by the address (score {address_score})."
            )
    outcome = base if is_match else cap(base, Outcome.REVIEW)
    grade = "matches" if is_match else "possibly matches"
    if not match.verified:
        why = next((a.note for a in entity.aliases if a.name == match.name and a.note), None)
        notes.append(
            f"The listed name '{match.name}' is an unverified alias"
            + (f" ({why.rstrip('.')})." if why else ".")
        )
    if party.role not in listing.roles:
        notes.append(
            f"The listing reaches the roles {', '.join(r.value for r in listing.roles)}; "
            f"this party is the {party.role}."
        )
    if reach.note:
        notes.append(reach.note)
    outcome = cap(outcome, reach.cap)

    licences = [lic for lic in rules.licences.get(listing.id, ()) if lic.in_force(day)]
    extra: list[Hit] = []
    for lic in licences:
        if lic.verified:
            outcome = cap(outcome, lic.outcome)
            notes.append(f"General licence {lic.id} in force ({lic.citation}).")
        else:  # an unverified licence may not relax anything: fail closed
            notes.append(f"General licence {lic.id} may apply, but rests on an unverified fact.")
        extra.append(
            hit_for(
                rules,
                lic,
                cap(lic.outcome, outcome),
                f"{lic.title or lic.id} covers {listing.list} listing {listing.id} on {day}; "
                "check that the transaction meets its terms.",
                field=field,
                party=party_label(party),
                listed_name=entity.name,
                list_name=listing.list,
            )
        )
    listed = f"'{match.name}'" + (f" ({entity.name})" if match.name != entity.name else "")
    window = ""
    if listing.start or listing.end:
        window = f" from {listing.start or 'an earlier date'}"
        window += f" to {listing.end}" if listing.end else ""
    message = f"{party_label(party)} {grade} {listed}, on the {listing.list}{window}"
    if listing.licence_requirement:
        message += f"; licence requirement: {listing.licence_requirement}"
    message += "."
    evidence = [f"score {match.score} against '{match.name}'"]
    if match.detail:
        evidence.append(match.detail)
    evidence += [ev.reason for ev in identity if ev.reason]
    if address_score is not None:
        evidence.append(f"address score {address_score}")
    from_list = listing if isinstance(listing, ListedListing) else None
    if from_list is not None:
        evidence.append(
            f"{from_list.list_code} entry {from_list.entry_id} in {rules.source(from_list.id)} "
            f"(list version sha256 {from_list.list_version})"
        )
    return [
        hit_for(
            rules,
            listing,
            outcome,
            message,
            field=field,
            party=party_label(party),
            matched_name=query,
            listed_name=match.name,
            list_name=listing.list,
            score=score,
            verified=match.verified and reach.verified,
            list_entry=from_list.entry_id if from_list is not None else None,
            list_version=from_list.list_version if from_list is not None else None,
            evidence=tuple(evidence),
            notes=tuple(notes),
        ),
        *extra,
    ]
