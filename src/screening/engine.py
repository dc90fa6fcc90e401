"""Evaluating one transaction against a rule set, as of one day: a pure function.

No I/O, no clock, no global state: the same transaction, rule set and day always give the same
`Decision`, hits in the same order. Unknowns never clear: when a fact the rules need is missing
(an item's origin, its US content, its ECCN) the engine reports a review saying what is missing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from fractions import Fraction

from ._io.countries import country_name
from .models import Decision, Hit, ItemStatus, Jurisdiction, Outcome, Party, Role, Transaction
from .names import NameMatch, address_similarity, fold_text
from .rules import (
    BaseRule,
    DestinationMismatch,
    Embargo,
    EndUse,
    Entity,
    ItemControl,
    ItemScope,
    ListedListing,
    Listing,
    Membership,
    MissingParty,
    RuleSet,
    Transshipment,
)

__all__ = ["evaluate"]

_RECEIVING = (Role.BUYER, Role.CONSIGNEE, Role.INTERMEDIATE_CONSIGNEE, Role.END_USER)
"""Roles whose country is a destination of the goods (for de minimis and licence checks)."""

_ADDRESS_CORROBORATES = 0.90


@dataclass(frozen=True, slots=True)
class _Place:
    """A place the transaction touches: a country (or region) and the field that says so."""

    code: str
    field: str
    label: str


@dataclass(frozen=True, slots=True)
class _Reach:
    """Which items a rule reaches, and the cap on its outcome when that is uncertain."""

    items: tuple[int, ...]
    cap: Outcome
    note: str | None
    verified: bool = True


def evaluate(tx: Transaction, rules: RuleSet, day: dt.date) -> Decision:
    """Screen a validated transaction against ``rules`` as they stood on ``day``."""
    statuses = _jurisdiction(tx, rules, day)
    hits: list[Hit] = []
    if day < rules.covers_from:
        hits.append(
            Hit(
                rule_id="ruleset.covers",
                kind="coverage",
                outcome=Outcome.REVIEW,
                citation=f"rule set {rules.name} {rules.version}",
                message=(
                    f"The rule set covers dates from {rules.covers_from}; {day} is earlier, so "
                    "rules then in force may be missing. Screen against an appropriate rule set."
                ),
                source=rules.covers_source,
            )
        )
    hits += _embargoes(tx, rules, day, statuses)
    hits += _listed_parties(tx, rules, day, statuses)
    hits += _item_controls(tx, rules, day, statuses)
    hits += _red_flags(tx, rules, day)
    hits = _dedupe(hits)
    hits.sort(key=lambda h: (-h.outcome.rank, h.rule_id, h.field or "", h.listed_name or ""))
    outcome = max((h.outcome for h in hits), key=lambda o: o.rank, default=Outcome.CLEAR)
    return Decision(
        transaction_id=tx.id,
        as_of=day,
        outcome=outcome,
        hits=tuple(hits),
        items=statuses,
        ruleset=rules.name,
        ruleset_version=rules.version,
        ruleset_fingerprint=rules.fingerprint,
        lists=rules.lists,
    )


# --- helpers ---------------------------------------------------------------------------------


def _hit(
    rules: RuleSet,
    rule: BaseRule,
    outcome: Outcome,
    message: str,
    *,
    field: str | None = None,
    party: str | None = None,
    item: str | None = None,
    matched_name: str | None = None,
    listed_name: str | None = None,
    list_name: str | None = None,
    list_entry: str | None = None,
    list_version: str | None = None,
    score: float | None = None,
    verified: bool = True,
    evidence: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
) -> Hit:
    """A hit for ``rule``; a block that rests on an unverified fact becomes a review."""
    verified = verified and rule.verified
    if not verified and outcome is Outcome.BLOCK:
        outcome = Outcome.REVIEW
        notes += ("Would block, but rests on a fact not confirmed by a primary source.",)
    if rule.note:
        notes += (rule.note,)
    return Hit(
        rule_id=rule.id,
        kind=rule.kind,
        outcome=outcome,
        citation=rule.citation or "",
        message=message,
        source=rules.source(rule.id),
        field=field,
        party=party,
        item=item,
        matched_name=matched_name,
        listed_name=listed_name,
        list=list_name,
        list_entry=list_entry,
        list_version=list_version,
        score=score,
        verified=verified,
        evidence=evidence,
        notes=notes,
    )


def _cap(outcome: Outcome, cap: Outcome) -> Outcome:
    return outcome if outcome.rank <= cap.rank else cap


def _party_label(party: Party) -> str:
    return f"{party.role} '{party.name}' ({party.country})"


def _place_name(code: str) -> str:
    return f"{country_name(code)} ({code})"


def _receiving_countries(tx: Transaction) -> list[_Place]:
    places = [_Place(tx.destination, "destination", f"destination {_place_name(tx.destination)}")]
    for i, party in enumerate(tx.parties):
        if party.role in _RECEIVING:
            places.append(_Place(party.country, f"parties[{i}].country", f"{_party_label(party)}"))
    return places


def _percent(share: Fraction, level: Decimal | None = None) -> Decimal:
    """``share`` as a decimal percentage for display: two places, or as many more as it takes
    not to look equal to ``level`` when it is not (10.0004% is not "10.00%")."""
    with localcontext(Context(prec=60, rounding=ROUND_HALF_EVEN)):
        exact = Decimal(share.numerator) / Decimal(share.denominator)
        for places in range(2, 13):
            shown = exact.quantize(Decimal(1).scaleb(-places))
            if level is None or (shown == level) == (share == level):
                return shown
        return shown


# --- jurisdiction: is each item subject to the EAR? -----------------------------------------


def _jurisdiction(tx: Transaction, rules: RuleSet, day: dt.date) -> tuple[ItemStatus, ...]:
    return tuple(_item_status(tx, i, rules, day) for i in range(len(tx.items)))


@dataclass(frozen=True, slots=True)
class _Level:
    """A de minimis level in force for one of the places the goods go to."""

    percent: Decimal
    rule_id: str
    place: str
    verified: bool


def _ships_from(tx: Transaction) -> str | None:
    if tx.ships_from is not None:
        return tx.ships_from
    exporters = {p.country for p in tx.parties if p.role is Role.EXPORTER}
    return "US" if "US" in exporters else None


def _item_status(tx: Transaction, index: int, rules: RuleSet, day: dt.date) -> ItemStatus:
    """Is item ``index`` subject to the EAR (15 CFR 734.3, 734.4), and why."""
    item = tx.items[index]
    base = {"index": index, "description": item.description}
    subject, unknown = Jurisdiction.SUBJECT, Jurisdiction.UNKNOWN
    if item.origin == "US":
        return ItemStatus(**base, jurisdiction=subject, reason="US-origin item")
    if _ships_from(tx) == "US":
        reason = "item in or exported from the United States (15 CFR 734.3(a)(1))"
        return ItemStatus(**base, jurisdiction=subject, reason=reason)
    made_in = f"made in {item.origin}"
    if item.origin is None:
        return ItemStatus(**base, jurisdiction=unknown, reason="origin not given")
    if item.us_content_value is None:
        reason = f"{made_in}; US content value not given"
        return ItemStatus(**base, jurisdiction=unknown, reason=reason)
    if item.us_content_value == 0:
        reason = f"{made_in}; no US content"
        return ItemStatus(**base, jurisdiction=Jurisdiction.NOT_SUBJECT, reason=reason)
    if not item.unit_value:
        reason = f"{made_in}; unit value not given"
        return ItemStatus(**base, jurisdiction=unknown, reason=reason)
    # Exact arithmetic: no rounding, and no dependence on the caller's decimal context.
    share = Fraction(item.us_content_value) * 100 / Fraction(item.unit_value)
    strictest_verified, strictest = _de_minimis_levels(tx, rules, day)
    if strictest is None:
        reason = f"{made_in}; no de minimis level in force on {day}"
        return ItemStatus(
            **base, jurisdiction=unknown, reason=reason, us_content_percent=_percent(share)
        )
    if strictest_verified is not None and share > strictest_verified.percent:
        level, found, verified = strictest_verified, subject, True
    elif share > strictest.percent:
        level, found, verified = strictest, subject, False  # only the unverified level is passed
    elif strictest_verified is not None:
        level, found, verified = strictest, Jurisdiction.NOT_SUBJECT, True
    else:
        level, found, verified = strictest, unknown, False  # below an unverified level only
    shown = _percent(share, level.percent)
    verb = "exceeds" if share > level.percent else "does not exceed"
    reason = f"{made_in}; US content {shown}% {verb} the {level.percent}% de minimis level for "
    reason += level.place
    if not level.verified:
        reason += " (the level rests on an unverified fact)"
    return ItemStatus(
        **base,
        jurisdiction=found,
        reason=reason,
        us_content_percent=shown,
        de_minimis_percent=level.percent,
        rule_id=level.rule_id,
        verified=verified,
    )


def _de_minimis_levels(
    tx: Transaction, rules: RuleSet, day: dt.date
) -> tuple[_Level | None, _Level | None]:
    """The strictest verified level, and the strictest of all, in force for any country the
    goods go to (fail closed: the lowest level wins)."""
    places = _receiving_countries(tx) + [
        _Place(code, f"route[{i}]", f"route {_place_name(code)}") for i, code in enumerate(tx.route)
    ]
    levels = [
        _Level(rule.percent, rule.id, place.label, member.verified and rule.verified)
        for place in places
        for rule in rules.de_minimis
        if rule.in_force(day)
        and (member := rules.membership(rule.destinations, place.code, day)).member
    ]
    verified = [lv for lv in levels if lv.verified]
    key = lambda lv: (lv.percent, not lv.verified)  # noqa: E731
    return (min(verified, key=key, default=None), min(levels, key=key, default=None))


def _reach(statuses: tuple[ItemStatus, ...], scope: ItemScope) -> _Reach | None:
    if scope is ItemScope.ALL:
        return _Reach(tuple(s.index for s in statuses), Outcome.BLOCK, None)
    subject = tuple(s.index for s in statuses if s.jurisdiction is Jurisdiction.SUBJECT)
    if subject:
        unverified = [s for s in statuses if s.index in subject and not s.verified]
        if len(unverified) == len(subject):
            note = "Whether the items are subject to the EAR rests on an unverified fact."
            return _Reach(subject, Outcome.REVIEW, note, verified=False)
        return _Reach(subject, Outcome.BLOCK, None)
    unknown = [s for s in statuses if s.jurisdiction is Jurisdiction.UNKNOWN]
    if unknown:
        what = "; ".join(f"items[{s.index}] '{s.description}': {s.reason}" for s in unknown)
        return _Reach(
            tuple(s.index for s in unknown),
            Outcome.REVIEW,
            f"Cannot tell whether the items are subject to the EAR ({what}).",
        )
    return None


def _items_label(tx: Transaction, indexes: Iterable[int]) -> str:
    return ", ".join(f"items[{i}] '{tx.items[i].description}'" for i in indexes)


# --- embargoes -------------------------------------------------------------------------------


def _contains_term(folded_text: str, term: str) -> bool:
    """Whole-word match for short terms ("IRGC", "Kerch"); longer terms also match inside a
    compound word ("paramilitary"), since missing one is worse than a spare review."""
    folded = fold_text(term)
    if len(folded) >= 6:
        return folded in folded_text
    return re.search(rf"(?<!\w){re.escape(folded)}(?!\w)", folded_text) is not None


def _embargo_places(tx: Transaction, rule: Embargo) -> list[_Place]:
    places: list[_Place] = []
    if rule.region is not None:
        region = rule.region
        for i, party in enumerate(tx.parties):
            if "parties" not in rule.checks or party.address is None:
                continue
            if party.country not in region.countries:
                continue
            folded = fold_text(party.address)
            term = next((t for t in region.address_terms if _contains_term(folded, t)), None)
            if term is not None:
                places.append(
                    _Place(
                        region.name,
                        f"parties[{i}].address",
                        f"{_party_label(party)} with an address in {region.name} ('{term}')",
                    )
                )
        return places
    targets = set(rule.countries)
    if "destination" in rule.checks and tx.destination in targets:
        places.append(
            _Place(tx.destination, "destination", f"destination {_place_name(tx.destination)}")
        )
    if "route" in rule.checks:
        places += [
            _Place(code, f"route[{i}]", f"route through {_place_name(code)}")
            for i, code in enumerate(tx.route)
            if code in targets
        ]
    if "parties" in rule.checks:
        places += [
            _Place(p.country, f"parties[{i}].country", _party_label(p))
            for i, p in enumerate(tx.parties)
            if p.country in targets
        ]
    return places


def _region_unknowns(tx: Transaction, rule: Embargo) -> list[_Place]:
    """Receiving places in a region's countries whose address cannot rule the region out."""
    region = rule.region
    if region is None or "parties" not in rule.checks:
        return []
    receiving = [
        (i, p)
        for i, p in enumerate(tx.parties)
        if p.role in _RECEIVING and p.country in region.countries
    ]
    places = [
        _Place(p.country, f"parties[{i}].address", f"{_party_label(p)} has no address")
        for i, p in receiving
        if p.address is None
    ]
    if tx.destination in region.countries and not any(p.address for _, p in receiving):
        label = f"destination {_place_name(tx.destination)} with no receiving party's address"
        places.append(_Place(tx.destination, "destination", label))
    return places


def _embargoes(
    tx: Transaction, rules: RuleSet, day: dt.date, statuses: tuple[ItemStatus, ...]
) -> list[Hit]:
    hits = []
    for rule in rules.embargoes:
        if not rule.in_force(day):
            continue
        places = _embargo_places(tx, rule)
        if not places:
            unknown = _region_unknowns(tx, rule)
            reach = _reach(statuses, rule.items) if unknown else None
            if reach is not None:
                assert rule.region is not None
                message = (
                    f"{rule.title or rule.id}: {unknown[0].label}, so the {rule.region.name} "
                    f"cannot be ruled out; reaches {_items_label(tx, reach.items)}."
                )
                evidence = tuple(f"{p.field}: {p.label}" for p in unknown)
                hits.append(
                    _hit(
                        rules,
                        rule,
                        Outcome.REVIEW,
                        message,
                        field=unknown[0].field,
                        evidence=evidence,
                    )
                )
            continue
        reach = _reach(statuses, rule.items)
        if reach is None:
            continue
        title = rule.title or rule.id
        message = f"{title}: {places[0].label}"
        if len(places) > 1:
            message += f" (and {len(places) - 1} more)"
        message += f"; reaches {_items_label(tx, reach.items)}."
        hits.append(
            _hit(
                rules,
                rule,
                _cap(rule.outcome, reach.cap),
                message,
                field=places[0].field,
                verified=reach.verified,
                evidence=tuple(f"{p.field}: {p.label}" for p in places),
                notes=(reach.note,) if reach.note else (),
            )
        )
    return hits


def _embargoed_places(tx: Transaction, rules: RuleSet, day: dt.date) -> list[_Place]:
    """Every place the transaction touches that an embargo in force on ``day`` names."""
    return [p for r in rules.embargoes if r.in_force(day) for p in _embargo_places(tx, r)]


# --- listed parties --------------------------------------------------------------------------


def _listed_parties(
    tx: Transaction, rules: RuleSet, day: dt.date, statuses: tuple[ItemStatus, ...]
) -> list[Hit]:
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
    reach = _reach(statuses, listing.items)
    if reach is None:
        return None
    notes: list[str] = []
    is_match = match.score >= rules.matching.match
    address_score = None
    if party.address and entity.addresses:
        address_score = max(address_similarity(party.address, a) for a in entity.addresses)
        if not is_match and address_score >= _ADDRESS_CORROBORATES:
            is_match = True
            notes.append(
                f"Possible name match corroborated by the address (score {address_score})."
            )
    outcome = base if is_match else _cap(base, Outcome.REVIEW)
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
    outcome = _cap(outcome, reach.cap)

    licences = [lic for lic in rules.licences.get(listing.id, ()) if lic.in_force(day)]
    extra: list[Hit] = []
    for lic in licences:
        if lic.verified:
            outcome = _cap(outcome, lic.outcome)
            notes.append(f"General licence {lic.id} in force ({lic.citation}).")
        else:  # an unverified licence may not relax anything: fail closed
            notes.append(f"General licence {lic.id} may apply, but rests on an unverified fact.")
        extra.append(
            _hit(
                rules,
                lic,
                _cap(lic.outcome, outcome),
                f"{lic.title or lic.id} covers {listing.list} listing {listing.id} on {day}; "
                "check that the transaction meets its terms.",
                field=field,
                party=_party_label(party),
                listed_name=entity.name,
                list_name=listing.list,
            )
        )
    listed = f"'{match.name}'" + (f" ({entity.name})" if match.name != entity.name else "")
    window = ""
    if listing.start or listing.end:
        window = f" from {listing.start or 'an earlier date'}"
        window += f" to {listing.end}" if listing.end else ""
    message = f"{_party_label(party)} {grade} {listed}, on the {listing.list}{window}"
    if listing.licence_requirement:
        message += f"; licence requirement: {listing.licence_requirement}"
    message += "."
    evidence = [f"score {match.score} against '{match.name}'"]
    if match.detail:
        evidence.append(match.detail)
    if address_score is not None:
        evidence.append(f"address score {address_score}")
    from_list = listing if isinstance(listing, ListedListing) else None
    if from_list is not None:
        evidence.append(
            f"{from_list.list_code} entry {from_list.entry_id} in {rules.source(from_list.id)} "
            f"(list version sha256 {from_list.list_version})"
        )
    return [
        _hit(
            rules,
            listing,
            outcome,
            message,
            field=field,
            party=_party_label(party),
            matched_name=query,
            listed_name=match.name,
            list_name=listing.list,
            score=match.score,
            verified=match.verified and reach.verified,
            list_entry=from_list.entry_id if from_list is not None else None,
            list_version=from_list.list_version if from_list is not None else None,
            evidence=tuple(evidence),
            notes=tuple(notes),
        ),
        *extra,
    ]


# --- item controls ---------------------------------------------------------------------------


def _item_controls(
    tx: Transaction, rules: RuleSet, day: dt.date, statuses: tuple[ItemStatus, ...]
) -> list[Hit]:
    hits = []
    places = _receiving_countries(tx)
    for rule in rules.item_controls:
        if not rule.in_force(day):
            continue
        for place in places:
            member = rules.membership(rule.destinations, place.code, day)
            if not member.member:
                continue
            for status in statuses:
                if status.jurisdiction is not Jurisdiction.NOT_SUBJECT:
                    hit = _item_control_hit(tx, rules, day, rule, place, member, status)
                    if hit is not None:
                        hits.append(hit)
    return hits


def _item_control_hit(
    tx: Transaction,
    rules: RuleSet,
    day: dt.date,
    rule: ItemControl,
    place: _Place,
    member: Membership,
    status: ItemStatus,
) -> Hit | None:
    """Does ``rule`` require a licence for one item to one place? Unknowns give a review."""
    item = tx.items[status.index]
    label = f"items[{status.index}] '{item.description}'"
    notes: tuple[str, ...] = ()
    if status.jurisdiction is Jurisdiction.UNKNOWN:
        notes = (f"Whether {label} is subject to the EAR is unknown: {status.reason}.",)
    if item.eccn == "EAR99":
        return None
    entries = []
    if item.eccn is None:
        unknown = f"{label} has no ECCN"
    else:
        entries = [c for c in rules.classifications.get(item.eccn[:5], ()) if c.in_force(day)]
        unknown = f"{label} has ECCN {item.eccn}, which this rule set does not classify"
    field = f"items[{status.index}].eccn"
    if not entries:
        message = (
            f"{unknown}, so the licence requirement of {rule.id} "
            f"({'/'.join(rule.reasons)}) for {place.label} cannot be ruled out."
        )
        return _hit(rules, rule, Outcome.REVIEW, message, field=field, item=label, notes=notes)
    entry = entries[0]
    if not set(entry.reasons) & set(rule.reasons):
        return None
    outcome = rule.outcome if status.jurisdiction is Jurisdiction.SUBJECT else Outcome.REVIEW
    message = (
        f"{label} ({item.eccn}, controlled for {'/'.join(entry.reasons)}) to "
        f"{place.label}: {rule.title or rule.id}."
    )
    return _hit(
        rules,
        rule,
        outcome,
        message,
        field=field,
        item=label,
        verified=entry.verified and member.verified and status.verified,
        evidence=(f"{place.field}: {place.label}", f"classification {entry.id}"),
        notes=notes,
    )


# --- red flags -------------------------------------------------------------------------------


def _red_flags(tx: Transaction, rules: RuleSet, day: dt.date) -> list[Hit]:
    embargoed = _embargoed_places(tx, rules, day)
    hits = [
        h
        for r in rules.transshipment
        if r.in_force(day)
        for h in _transship(tx, rules, r, embargoed)
    ]
    hits += [
        h for r in rules.destination_mismatch if r.in_force(day) for h in _mismatch(tx, rules, r)
    ]
    hits += [h for r in rules.missing_party if r.in_force(day) for h in _missing(tx, rules, r)]
    hits += [h for r in rules.end_use if r.in_force(day) for h in _end_use(tx, rules, r)]
    return hits


_VIA_ROLES = (Role.INTERMEDIATE_CONSIGNEE, Role.FORWARDER, Role.CONSIGNEE, Role.BUYER)


def _transship(
    tx: Transaction, rules: RuleSet, rule: Transshipment, embargoed: list[_Place]
) -> list[Hit]:
    if not embargoed:
        return []
    hubs = set(rule.hubs)
    via = [
        _Place(code, f"route[{i}]", f"route through {_place_name(code)}")
        for i, code in enumerate(tx.route)
        if code in hubs and code != tx.destination
    ]
    via += [
        _Place(p.country, f"parties[{i}].country", _party_label(p))
        for i, p in enumerate(tx.parties)
        if p.country in hubs and p.role in _VIA_ROLES
    ]
    if not via:
        return []
    message = (
        f"Goods reach {embargoed[0].label} via the transshipment hub "
        f"{_place_name(via[0].code)} ({via[0].label})."
    )
    evidence = tuple(f"{p.field}: {p.label}" for p in via + embargoed)
    return [_hit(rules, rule, rule.outcome, message, field=via[0].field, evidence=evidence)]


def _mismatch(tx: Transaction, rules: RuleSet, rule: DestinationMismatch) -> list[Hit]:
    off = [
        _Place(p.country, f"parties[{i}].country", _party_label(p))
        for i, p in enumerate(tx.parties)
        if p.role in rule.roles and p.country != tx.destination
    ]
    if tx.route and tx.route[-1] != tx.destination:
        off.append(_Place(tx.route[-1], f"route[{len(tx.route) - 1}]", "the route's last country"))
    if not off:
        return []
    message = (
        f"Declared destination is {_place_name(tx.destination)}, but {off[0].label} is in "
        f"{_place_name(off[0].code)}."
    )
    evidence = tuple(f"{p.field}: {p.label}" for p in off)
    return [_hit(rules, rule, rule.outcome, message, field=off[0].field, evidence=evidence)]


def _missing(tx: Transaction, rules: RuleSet, rule: MissingParty) -> list[Hit]:
    if any(p.role is rule.role for p in tx.parties):
        return []
    message = f"No {rule.role} is declared: {rule.title or rule.id}."
    return [_hit(rules, rule, rule.outcome, message, field="parties")]


def _end_use(tx: Transaction, rules: RuleSet, rule: EndUse) -> list[Hit]:
    if tx.end_use is None:
        return []
    folded = fold_text(tx.end_use)
    found = tuple(t for t in rule.terms if _contains_term(folded, t))
    if not found:
        return []
    message = f"The stated end use mentions {', '.join(repr(t) for t in found)}."
    return [_hit(rules, rule, rule.outcome, message, field="end_use", evidence=found)]


def _dedupe(hits: list[Hit]) -> list[Hit]:
    """One hit per rule and party or field: keep the most severe, then the best scored."""
    best: dict[tuple[str, str], Hit] = {}
    for hit in hits:
        key = (hit.rule_id, hit.party or hit.item or hit.field or "")
        prev = best.get(key)
        if prev is None or (hit.outcome.rank, hit.score or 0.0) > (
            prev.outcome.rank,
            prev.score or 0.0,
        ):
            best[key] = hit
    return list(best.values())
