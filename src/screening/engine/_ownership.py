"""The ``ownership_rule`` kind, with the ``ownership`` lines it reads: a party owned 50% or
more by listed parties is treated as listed (OFAC's 50 percent rule, BIS's Affiliates Rule).

Owners come from the party's ``owners`` (recursive) and from the ownership file's lines whose
``owned`` is the party's (or an owner's) name. Each owner is screened against the lists through
the name index, like a party. An owner that is listed, or is itself owned ``percent`` or more
by listed owners, counts with its whole share (OFAC FAQs 398-402: ownership through an entity
that is itself blocked). A share held through an owner that is not itself owned that much is
multiplied down the chain and gives a review, as does any listed share below the threshold and
any owner that only possibly matches a listed name: never silence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from ..models import Hit, Outcome, Owner
from ..names import fold_text
from ..rules import ListedListing, Listing, Ownership, OwnershipRule, RuleSet
from ._common import Context, cap, hit_for, kept_notes, party_label, reach_of

_MAX_DEPTH = 12
"""Chains deeper than this are not followed (a cycle in the ownership file ends here too)."""


@dataclass(frozen=True, slots=True)
class _Holder:
    """An owner, from the transaction or the ownership file, with its own owners."""

    name: str
    country: str | None
    share: Fraction
    owners: tuple[Owner, ...]
    source: str


@dataclass(slots=True)
class _Tally:
    """What listed parties hold of one entity: whole shares of listed (or listed-owned)
    owners, shares of possible matches, shares held through owners not themselves owned
    enough (multiplied down the chain), and a line per owner that counts."""

    listed: list[Fraction] = field(default_factory=list)
    possible: Fraction = Fraction(0)
    indirect: Fraction = Fraction(0)
    lines: list[str] = field(default_factory=list)

    @property
    def listed_total(self) -> Fraction:
        return sum(self.listed, Fraction(0))


def _pct(value: Fraction) -> str:
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _file_owners(rules: RuleSet, day: dt.date) -> dict[str, list[Ownership]]:
    """The ownership file's lines in force on ``day``, by the folded name of the owned."""
    by_owned: dict[str, list[Ownership]] = {}
    for line in rules.in_force(Ownership, day):
        by_owned.setdefault(fold_text(line.owned), []).append(line)
    return by_owned


def _holders(
    names: tuple[str, ...], given: tuple[Owner, ...], by_owned: dict[str, list[Ownership]]
) -> list[_Holder]:
    """An entity's owners: as the transaction gives them, then the ownership file's lines for
    any of its names whose owner the transaction does not already name."""
    holders = [
        _Holder(o.name, o.country, Fraction(o.share), o.owners, "transaction") for o in given
    ]
    if not by_owned:  # no ownership lines in force: only the given owners
        return holders
    seen = {fold_text(o.name) for o in given}
    for name in names:
        for line in by_owned.get(fold_text(name), ()):
            if fold_text(line.owner) in seen:
                continue
            seen.add(fold_text(line.owner))
            holders.append(
                _Holder(line.owner, line.owner_country, Fraction(line.share), (), line.id)
            )
    return holders


def _counts(rule: OwnershipRule, listing: Listing) -> bool:
    wanted = {name.casefold() for name in rule.lists}
    names = {listing.list.casefold()}
    if isinstance(listing, ListedListing):
        names.add(listing.list_code.casefold())
    return bool(wanted & names)


def _listed(ctx: Context, rule: OwnershipRule, name: str) -> tuple[str, bool] | None:
    """How ``name`` matches a party on the rule's lists in force: (what, confident), or None."""
    rules = ctx.rules
    best: tuple[str, bool] | None = None
    for match in rules.names.search(name, cutoff=rules.matching.possible):
        entity = rules.entities[match.key]
        for listing in rules.listings.get(entity.id, ()):
            if not listing.in_force(ctx.day) or not _counts(rule, listing):
                continue
            sure = match.score >= rules.matching.match and match.verified
            what = f"'{match.name}' on the {listing.list} ({listing.id}, score {match.score})"
            if sure:
                return what, True
            best = best or (what, False)
    return best


def _tally(
    ctx: Context,
    rule: OwnershipRule,
    holders: list[_Holder],
    by_owned: dict[str, list[Ownership]],
    depth: int,
) -> _Tally:
    tally = _Tally()
    threshold = Fraction(rule.percent)
    for holder in holders:
        pct = _pct(holder.share)
        found = _listed(ctx, rule, holder.name)
        if found is not None and found[1]:
            tally.listed.append(holder.share)
            tally.lines.append(f"{holder.name} holds {pct}: listed, {found[0]}")
            continue
        below = (
            _tally(
                ctx, rule, _holders((holder.name,), holder.owners, by_owned), by_owned, depth + 1
            )
            if depth < _MAX_DEPTH
            else _Tally()
        )
        inner = "; ".join(below.lines)
        owned_enough = (
            below.listed_total >= threshold
            if rule.aggregate
            else any(s >= threshold for s in below.listed)
        )
        if owned_enough:
            tally.listed.append(holder.share)
            tally.lines.append(
                f"{holder.name} holds {pct} and is itself {_pct(below.listed_total)} owned by "
                f"listed parties ({inner})"
            )
        elif found is not None:
            tally.possible += holder.share
            tally.lines.append(f"{holder.name} holds {pct}: possibly listed, {found[0]}")
        elif below.listed or below.possible or below.indirect:
            exposure = below.listed_total + below.possible + below.indirect
            tally.indirect += holder.share * exposure / 100
            tally.lines.append(
                f"{holder.name} holds {pct} and is {_pct(exposure)} held by listed or possibly "
                f"listed parties ({inner}), {_pct(holder.share * exposure / 100)} down the chain"
            )
    return tally


def ownership_rules(ctx: Context) -> list[Hit]:
    """Ownership rules in force: each party whose owners (given, or in the ownership file) are
    listed parties holding ``percent`` or more gets the rule's outcome; any smaller listed
    share, an owner that only possibly matches, or a share held down a chain, a review."""
    tx, rules, day = ctx.tx, ctx.rules, ctx.day
    in_force = rules.in_force(OwnershipRule, day)
    if not in_force:
        return []
    by_owned = _file_owners(rules, day)
    # Who owns each party does not depend on the rule: found once, and most parties have no
    # known owners at all (then no rule has anything to say about them).
    owned = [
        (i, party, holders)
        for i, party in enumerate(tx.parties)
        if (holders := _holders((party.name, *party.aliases), party.owners or (), by_owned))
    ]
    if not owned:
        return []
    hits: list[Hit] = []
    for rule in in_force:
        reach = reach_of(ctx.statuses, rule.items)
        if reach is None:
            continue
        threshold = Fraction(rule.percent)
        title = rule.title or rule.id
        for i, party, holders in owned:
            tally = _tally(ctx, rule, holders, by_owned, 0)
            if not tally.lines:
                continue
            total = tally.listed_total
            chain = "; ".join(tally.lines)
            blocked = (
                total >= threshold if rule.aggregate else any(s >= threshold for s in tally.listed)
            )
            notes = list(kept_notes(rule, day))
            if blocked:
                outcome = rule.outcome if party.role in rule.roles else Outcome.REVIEW
                if party.role not in rule.roles:
                    notes.append(f"The rule reaches the roles {', '.join(rule.roles)}.")
                how = "in aggregate " if len(tally.listed) > 1 else ""
                what = f"is owned {how}{_pct(total)} by listed parties, at least {_pct(threshold)}"
                if rule.outcome is Outcome.BLOCK:
                    what += ", so it is treated as listed"
            else:
                outcome = Outcome.REVIEW
                parts = [
                    f"{_pct(value)} {how}"
                    for value, how in (
                        (total, "by listed owners"),
                        (tally.possible, "by owners that possibly match a listed name"),
                        (
                            tally.indirect,
                            "down chains through owners not themselves owned "
                            f"{_pct(threshold)} or more",
                        ),
                    )
                    if value
                ]
                what = (
                    f"is partly owned by listed parties ({', '.join(parts)}): below "
                    f"{_pct(threshold)}"
                    + ("" if rule.aggregate else " for any one listed owner")
                    + ", so the rule does not apply on shares alone; check control and the "
                    "owners' names"
                )
            if reach.note:
                notes.append(reach.note)
            hits.append(
                hit_for(
                    rules,
                    rule,
                    cap(outcome, reach.cap),
                    f"{title}: {party_label(party)} {what}. Owners: {chain}.",
                    field=f"parties[{i}].owners",
                    party=party_label(party),
                    verified=reach.verified,
                    evidence=tuple(tally.lines),
                    notes=tuple(notes),
                )
            )
    return hits
