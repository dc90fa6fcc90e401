"""Reviewers' dispositions applied to a decision: a pure function of the decision, the
transaction, the rules and the dispositions offered (no store, no clock: expiry is judged on
the decision's own as-of date), so an audit applies them again and gets the same decision."""

from __future__ import annotations

import hashlib
import re
import weakref

from .._io.canonical import canonical_json
from ..models import Decision, Disposition, Finding, Hit, Outcome, Party, Transaction
from ..names import compact
from ..rules import Entity, Listing, RuleSet

__all__ = ["apply_dispositions", "disposable", "entry_of", "hit_id", "party_key", "party_of"]

_PARTY = re.compile(r"^parties\[(\d+)\]")
_UNSTABLE = {"list_version", "list_file"}
"""Listing fields that change with every list release, not with the entry itself."""


def disposable(hit: Hit) -> bool:
    """Only a name-match hit (a listing matched on a party's name) can be disposed of: an
    embargo, de minimis, licence or denial-order finding is not a question of identity."""
    return (
        hit.kind == "listing"
        and hit.score is not None
        and _PARTY.match(hit.field or "") is not None
    )


def hit_id(hit: Hit) -> str:
    """A short stable id of a hit within its case: the rule and the party position, so the
    same hit keeps its id when the transaction is screened again."""
    match = _PARTY.match(hit.field or "")
    where = match.group(0) if match else (hit.party or hit.item or hit.field or "")
    return hashlib.sha256(f"{hit.rule_id}|{where}".encode()).hexdigest()[:12]


def party_of(tx: Transaction, hit: Hit) -> Party | None:
    """The transaction's party a hit is about (from its field ``parties[i]...``), if any."""
    match = _PARTY.match(hit.field or "")
    if match is None:
        return None
    index = int(match.group(1))
    return tx.parties[index] if index < len(tx.parties) else None


def party_key(party: Party) -> tuple[str, str]:
    """What a disposition is keyed to on the party's side: canonical name and country."""
    return compact(party.name), party.country


def entry_of(rules: RuleSet, hit: Hit) -> tuple[str, str] | None:
    """The list entry behind a listing hit and the sha256 of its content (the entity and the
    listing as the rules hold them, without the list file version): None for other hits."""
    per_rules = _ENTRIES.get(rules)
    if per_rules is None:
        per_rules = _ENTRIES[rules] = {}
    if hit.rule_id not in per_rules:
        per_rules[hit.rule_id] = _entry(rules, hit.rule_id)
    found = per_rules[hit.rule_id]
    return None if found is None else (hit.list_entry or found[0], found[1])


_ENTRIES: weakref.WeakKeyDictionary[RuleSet, dict[str, tuple[str, str] | None]] = (
    weakref.WeakKeyDictionary()
)
"""`_entry` by rule set and rule id, worked out once: hashing an entry's content costs some
25 us, and a recurring false positive asks for it at every screening of its party. A rule set
does not change once loaded, and its entries go with it."""


def _entry(rules: RuleSet, rule_id: str) -> tuple[str, str] | None:
    if rule_id not in rules:
        return None
    listing = rules[rule_id]
    if not isinstance(listing, Listing):
        return None
    entity = rules.entities.get(listing.entity)
    if not isinstance(entity, Entity):
        return None
    content = {
        "entity": entity.model_dump(mode="json"),
        "listing": listing.model_dump(mode="json", exclude=_UNSTABLE),
    }
    return entity.id, hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def apply_dispositions(
    decision: Decision,
    tx: Transaction,
    rules: RuleSet,
    dispositions: tuple[Disposition, ...] | list[Disposition],
) -> Decision:
    """``decision`` with the dispositions that still hold applied to its name-match hits.

    A false positive clears exactly its hit (still shown, naming the disposition); a true
    match blocks. One that no longer holds (expired on the decision's date, the entry's
    content or the party's name or country changed, awaiting approval) leaves the hit at
    least a review, with a note saying why. The outcome is recomputed from the hits."""
    offered = tuple(sorted(dispositions, key=lambda d: d.id))
    if not offered:
        return decision
    rule_ids = {d.rule_id for d in offered}
    hits = [
        _apply(hit, decision, tx, rules, offered) if hit.rule_id in rule_ids else hit
        for hit in decision.hits
    ]
    if all(a is b for a, b in zip(hits, decision.hits, strict=True)):
        # nothing applied: the hits, their order (evaluate's) and the outcome stay
        return decision.model_copy(update={"dispositions": offered})
    hits.sort(key=lambda h: (-h.outcome.rank, h.rule_id, h.field or "", h.listed_name or ""))
    outcome = max((h.outcome for h in hits), key=lambda o: o.rank, default=Outcome.CLEAR)
    return decision.model_copy(
        update={"hits": tuple(hits), "outcome": outcome, "dispositions": offered}
    )


def _apply(
    hit: Hit,
    decision: Decision,
    tx: Transaction,
    rules: RuleSet,
    offered: tuple[Disposition, ...],
) -> Hit:
    if not disposable(hit):
        return hit
    party = party_of(tx, hit)
    entry = entry_of(rules, hit)
    if party is None or entry is None:
        return hit
    name, country = party_key(party)
    entry_id, entry_hash = entry
    mine = [d for d in offered if d.rule_id == hit.rule_id and d.list_entry == entry_id]
    why: list[str] = []
    for d in sorted(mine, key=lambda d: (d.decided_at, d.id), reverse=True):
        label = f"Disposition {d.id} ({d.finding.value} by {d.reviewer}, {d.decided_at[:10]})"
        if d.party_name != name:
            if d.transaction_id == tx.id:
                why.append(f"{label} no longer applies: the party's name changed.")
            continue
        if d.party_country != country:
            why.append(
                f"{label} no longer applies: the party's country changed "
                f"from {d.party_country} to {country}."
            )
        elif d.entry_hash != entry_hash:
            why.append(f"{label} no longer applies: the list entry {entry_id} changed.")
        elif d.expires is not None and decision.as_of > d.expires:
            why.append(f"{label} no longer applies: it expired on {d.expires}.")
        elif d.needs_approval and d.approved_by is None:
            why.append(f"{label} does not apply yet: it awaits a second reviewer's approval.")
        else:
            return _disposed(hit, d, label)
    if not why:
        return hit
    outcome = hit.outcome if hit.outcome.rank >= Outcome.REVIEW.rank else Outcome.REVIEW
    return hit.model_copy(update={"outcome": outcome, "notes": (*hit.notes, *why)})


def _disposed(hit: Hit, d: Disposition, label: str) -> Hit:
    if d.finding is Finding.FALSE_POSITIVE:
        outcome, what = Outcome.CLEAR, "cleared as a false positive"
    else:
        outcome, what = Outcome.BLOCK, "confirmed as a true match"
    note = f"{label}: {what}; reason: {d.reason}"
    if d.approved_by:
        note += f"; approved by {d.approved_by}"
    return hit.model_copy(
        update={"outcome": outcome, "disposition": d, "notes": (*hit.notes, note + ".")}
    )
