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
    fold_text,
)
from ..rules import (
    Category,
    Entity,
    GeneralLicence,
    ListedEntity,
    ListedListing,
    Listing,
    RuleSet,
    read_requirement,
)
from ._cache import PartyMatches
from ._common import Context, cap, contains_term, hit_for, kept_notes, party_label, reach_of
from ._content import without_food_medicine

_ADDRESS_CORROBORATES = 0.90


def listed_parties(ctx: Context) -> list[Hit]:
    """Listings: each party's name and aliases searched in the entities' names; a match on an
    entity with a listing in force gives a hit, relaxed by any general licence in force."""
    tx, rules, day, statuses = ctx.tx, ctx.rules, ctx.day, ctx.statuses
    hits: list[Hit] = []
    for i, party in enumerate(tx.parties):
        found = (
            _search(rules, party) if ctx.cache is None else ctx.cache.matches(rules, party, _search)
        )
        for name_field, query, matches in found:
            if not matches:  # most names of most parties
                continue
            field = f"parties[{i}].{name_field}"
            for match in matches:
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


def _search(rules: RuleSet, party: Party) -> PartyMatches:
    """The listed names each of the party's names matches: what `PartyCache` keeps."""
    names = [("name", party.name), *((f"aliases[{j}]", a) for j, a in enumerate(party.aliases))]
    cutoff = rules.matching.possible
    return tuple((field, q, tuple(rules.names.search(q, cutoff=cutoff))) for field, q in names)


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
    notes: list[str] = []
    requirement = read_requirement(listing.licence_requirement)
    if requirement.except_food_medicine:
        statuses, exempt = without_food_medicine(tx, rules, day, statuses)
        notes += exempt
        if not statuses:
            return None  # every item is exempt food or medicine
    if requirement.projects_746_5:
        projects = _for_746_5_projects(tx, rules, day)
        if projects is False:
            return None  # the stated end use is not a project the requirement names
        if projects is None:
            base = cap(base, Outcome.REVIEW)
            notes.append(
                "The entry's licence requirement applies only to items for projects specified "
                "in 15 CFR 746.5; the end use is not stated, so this is a review."
            )
    if requirement.note:
        notes.append(requirement.note)
    reach = reach_of(statuses, listing.items)
    if reach is None:
        return None
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
    notes += kept_notes(listing, day)
    outcome = cap(outcome, reach.cap)

    licences = [lic for lic in rules.licences.get(listing.id, ()) if lic.in_force(day)]
    extra: list[Hit] = []
    for lic in licences:
        outside = _outside_licence(tx, rules, day, lic)
        if outside is not None:
            notes.append(
                f"General licence {lic.id} is in force but does not cover this: {outside}."
            )
            continue
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
        message += f"; licence requirement: {listing.licence_requirement.rstrip('.')}"
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


def _for_746_5_projects(tx: Transaction, rules: RuleSet, day: dt.date) -> bool | None:
    """Does the stated end use name a project of 15 CFR 746.5 (by the terms of the
    ``section-746-5-projects`` category)? None when the end use is not stated or no category
    rule is in force to tell."""
    rules_in_force = [
        r for r in rules.in_force(Category, day) if r.category == "section-746-5-projects"
    ]
    if tx.end_use is None or not rules_in_force:
        return None
    folded = fold_text(tx.end_use)
    return any(contains_term(folded, t) for r in rules_in_force for t in r.end_use_terms)


def _outside_licence(
    tx: Transaction, rules: RuleSet, day: dt.date, lic: GeneralLicence
) -> str | None:
    """Why ``lic`` does not cover ``tx`` (an excluded destination or party, an end use it does
    not authorise), or None when it may. An unknown end use is not covered: fail closed."""
    if lic.not_to is not None:
        places = [("destination", tx.destination)] + [
            (party_label(p), p.country) for p in tx.parties
        ]
        for label, code in places:
            if rules.membership(lic.not_to, code, day).member:
                return f"{label} ({code}) is in a destination it excludes"
    if lic.end_use_terms:
        if tx.end_use is None:
            return "no end use is stated, and it covers only certain activities"
        folded = fold_text(tx.end_use)
        if not any(contains_term(folded, term) for term in lic.end_use_terms):
            return f"the stated end use '{tx.end_use}' is not among the activities it covers"
    return None
