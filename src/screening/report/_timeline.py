"""The timeline of a case, derived from its rules: who was on which list when, the general
licences that relaxed those listings, and the other dated rule changes behind its decisions.

Pure: everything comes from a loaded `RuleSet` (plus case milestones the caller supplies, such
as a plea, which are facts about the case rather than rules). Nothing is hard-coded, so the
timeline follows the rules when they are corrected.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .._io.countries import country_name
from ..rules import GeneralLicence, Listing, RuleSet

__all__ = ["Event", "Lane", "Span", "Timeline", "case_timeline"]

_ONE_DAY = dt.timedelta(days=1)

# How the start and the end of a listing read, by list; any other list reads generically.
_START = {"Entity List": "Entity List addition", "Denied Persons List": "Denial order"}
_END = {"Entity List": "Entity List removal", "Denied Persons List": "Denial order terminated"}


@dataclass(frozen=True, slots=True)
class Span:
    """A window in force: a listing (row 0 of its lane) or a general licence (rows 1 and 2)."""

    start: dt.date
    end: dt.date | None
    """The last day in force; None when still in force at the end of the rule set's knowledge."""
    kind: str
    """``listing`` or ``general_licence``."""
    label: str
    """Short, for the picture: the list's name, or ``licence`` / ``ext. 2`` for licences."""
    title: str
    """Long, for tooltips and tables: the list or licence title."""
    rule_ids: tuple[str, ...]
    citation: str
    list: str | None = None
    row: int = 0


@dataclass(frozen=True, slots=True)
class Lane:
    """The listed parties that share the same windows, and those windows."""

    title: str
    entity_ids: tuple[str, ...]
    spans: tuple[Span, ...]

    @property
    def rows(self) -> int:
        """How many rows the lane needs: its listings, then its licences."""
        return 1 + max((s.row for s in self.spans), default=0)


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened on a day: a listing, a removal, a licence, a milestone."""

    day: dt.date
    label: str
    """Short, for the picture."""
    detail: str
    """One sentence, for the table of events."""
    kind: str
    """``listing``, ``removal``, ``licence``, ``rule`` (another dated rule) or ``milestone``."""
    source: str
    """Where it is written: a rule's ``file:line``, or the milestone's source."""
    rule_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Timeline:
    """Lanes of windows and dated events, ordered by date."""

    lanes: tuple[Lane, ...]
    events: tuple[Event, ...]

    @property
    def window(self) -> tuple[dt.date, dt.date] | None:
        """First and last day the lanes' windows and the listing events touch."""
        days = [s.start for lane in self.lanes for s in lane.spans]
        days += [s.end for lane in self.lanes for s in lane.spans if s.end is not None]
        days += [e.day for e in self.events if e.kind in ("listing", "removal", "licence")]
        return (min(days), max(days)) if days else None


def case_timeline(
    rules: RuleSet,
    *,
    milestones: Sequence[Event] = (),
    rule_ids: Iterable[str] = (),
) -> Timeline:
    """The timeline of the dated listings and general licences of ``rules``, the case
    ``milestones``, and the dated changes of the rules in ``rule_ids`` (those behind the
    decisions being reported, e.g. an embargo that ended, a country leaving a group)."""
    lanes = _lanes(rules)
    events = _listing_events(rules) + _licence_events(rules) + list(milestones)
    events += _rule_events(rules, rule_ids)
    events.sort(key=lambda e: (e.day, _ORDER.get(e.kind, 9), e.label))
    return Timeline(lanes=tuple(lanes), events=tuple(_unique(events)))


_ORDER = {"removal": 0, "listing": 1, "licence": 2, "rule": 3, "milestone": 4}


def _unique(events: list[Event]) -> list[Event]:
    seen: set[tuple[dt.date, str]] = set()
    out = []
    for e in events:
        if (e.day, e.detail) not in seen:
            seen.add((e.day, e.detail))
            out.append(e)
    return out


def _dated_listings(rules: RuleSet) -> list[Listing]:
    return [
        listing
        for listings in rules.listings.values()
        for listing in listings
        if listing.start is not None or listing.end is not None
    ]


def _name(rules: RuleSet, entity_id: str) -> str:
    entity = rules.entities.get(entity_id)
    return entity.name if entity is not None else entity_id


def _lanes(rules: RuleSet) -> list[Lane]:
    windows: dict[str, list[Listing]] = {}
    for listing in _dated_listings(rules):
        windows.setdefault(listing.entity, []).append(listing)
    groups: dict[tuple[tuple[str, dt.date | None, dt.date | None], ...], list[str]] = {}
    for entity_id, listings in windows.items():
        key = tuple(sorted({(x.list, x.start, x.end) for x in listings}, key=_window_order))
        groups.setdefault(key, []).append(entity_id)
    lanes = []
    for key, entity_ids in groups.items():
        ids = {x.id for e in entity_ids for x in windows[e]}
        spans = []
        for list_name, start, end in key:
            matching = sorted(
                x.id
                for e in entity_ids
                for x in windows[e]
                if (x.list, x.start, x.end) == (list_name, start, end)
            )
            first = rules[matching[0]]
            spans.append(
                Span(
                    start=start or rules.covers_from,
                    end=end,
                    kind="listing",
                    label=list_name,
                    title=list_name,
                    rule_ids=tuple(matching),
                    citation=first.citation or "",
                    list=list_name,
                )
            )
        spans += _licence_spans(rules, ids)
        title = " · ".join(_name(rules, e) for e in entity_ids)
        lanes.append(Lane(title=title, entity_ids=tuple(entity_ids), spans=tuple(spans)))
    lanes.sort(key=lambda lane: (min(s.start for s in lane.spans), lane.title))
    return lanes


def _window_order(
    window: tuple[str, dt.date | None, dt.date | None],
) -> tuple[dt.date, str]:
    return (window[1] or dt.date.min, window[0])


_DAY = dt.timedelta(days=1)


def _licences_for(rules: RuleSet, listing_ids: set[str]) -> list[GeneralLicence]:
    found: dict[str, GeneralLicence] = {}
    for listing_id in sorted(listing_ids):
        for lic in rules.licences.get(listing_id, ()):
            found[lic.id] = lic
    return sorted(found.values(), key=lambda x: (x.start or dt.date.min, x.id))


def _licence_spans(rules: RuleSet, listing_ids: set[str]) -> list[Span]:
    """Licences in a relay, on alternating rows so each hand-over (and overlap) shows. A licence
    that starts by the day after the previous one ends extends it ("ext. 1"); one that starts
    later is a licence of its own (ZTE's 2018 authorisation after the 2016 TGL)."""
    spans = []
    previous: GeneralLicence | None = None
    extension = 0
    for i, lic in enumerate(_licences_for(rules, listing_ids)):
        extends = previous is not None and (
            previous.end is None or lic.start is None or lic.start <= previous.end + _DAY
        )
        extension = extension + 1 if extends else 0
        previous = lic
        spans.append(
            Span(
                start=lic.start or rules.covers_from,
                end=lic.end,
                kind="general_licence",
                label=f"ext. {extension}" if extension else "licence",
                title=lic.title or lic.id,
                rule_ids=(lic.id,),
                citation=lic.citation,
                row=1 + i % 2,
            )
        )
    return spans


def _listing_events(rules: RuleSet) -> list[Event]:
    starts: dict[tuple[dt.date, str], list[Listing]] = {}
    ends: dict[tuple[dt.date, str], list[Listing]] = {}
    for listing in _dated_listings(rules):
        if listing.start is not None and listing.start > rules.covers_from:
            starts.setdefault((listing.start, listing.list), []).append(listing)
        if listing.end is not None:
            ends.setdefault((listing.end + _ONE_DAY, listing.list), []).append(listing)
    out = []
    for (day, list_name), listings in starts.items():
        names = _names(rules, listings)
        out.append(
            Event(
                day=day,
                label=_START.get(list_name, f"{list_name}: listed"),
                detail=f"{names} put on the {list_name} ({listings[0].citation}).",
                kind="listing",
                source=rules.source(listings[0].id),
                rule_ids=tuple(x.id for x in listings),
            )
        )
    for (day, list_name), listings in ends.items():
        names = _names(rules, listings)
        out.append(
            Event(
                day=day,
                label=_END.get(list_name, f"{list_name}: delisted"),
                detail=(
                    f"{names} off the {list_name} (last day listed {day - _ONE_DAY}; "
                    f"{listings[0].citation})."
                ),
                kind="removal",
                source=rules.source(listings[0].id),
                rule_ids=tuple(x.id for x in listings),
            )
        )
    return out


def _names(rules: RuleSet, listings: list[Listing]) -> str:
    names = list(dict.fromkeys(_name(rules, x.entity) for x in listings))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _licence_events(rules: RuleSet) -> list[Event]:
    out = []
    for listing_ids in {tuple(sorted(lic.listings)) for lic in _all_licences(rules)}:
        for i, lic in enumerate(_licences_for(rules, set(listing_ids))):
            if lic.start is None:
                continue
            until = f" to {lic.end}" if lic.end else ""
            out.append(
                Event(
                    day=lic.start,
                    label=(lic.title or lic.id) if i == 0 else f"extension {i}",
                    detail=f"{lic.title or lic.id}: in force from {lic.start}{until} "
                    f"({lic.citation}).",
                    kind="licence",
                    source=rules.source(lic.id),
                    rule_ids=(lic.id,),
                )
            )
    return out


def _all_licences(rules: RuleSet) -> list[GeneralLicence]:
    return [r for r in rules if isinstance(r, GeneralLicence)]


def _rule_events(rules: RuleSet, rule_ids: Iterable[str]) -> list[Event]:
    """The start and end of each dated rule in ``rule_ids`` (listings and licences aside), and
    the dated membership changes of the country groups those rules name."""
    out: list[Event] = []
    groups: set[str] = set()
    for rule_id in sorted(set(rule_ids)):
        if rule_id not in rules:
            continue
        rule = rules[rule_id]
        if isinstance(rule, Listing | GeneralLicence):
            continue
        destinations = getattr(rule, "destinations", None)
        if destinations is not None:
            groups.update(destinations.groups)
        title = rule.title or rule.id
        short = re.sub(r"\s*\([^)]*\)", "", title)
        if rule.start is not None and rule.start > rules.covers_from:
            out.append(
                Event(
                    day=rule.start,
                    label=short,
                    detail=f"{title}: in force from {rule.start} ({rule.citation}).",
                    kind="rule",
                    source=rules.source(rule.id),
                    rule_ids=(rule.id,),
                )
            )
        if rule.end is not None:
            out.append(
                Event(
                    day=rule.end + _ONE_DAY,
                    label=f"{short}: end",
                    detail=f"{title}: last day in force {rule.end} ({rule.citation}).",
                    kind="rule",
                    source=rules.source(rule.id),
                    rule_ids=(rule.id,),
                )
            )
    for group_name in sorted(groups):
        for group in rules.groups.get(group_name, ()):
            # A country whose membership only changes its footing (verified, then not) on a
            # day stays a member: that is no event.
            starts = {(m.country, m.start) for m in group.members if m.start is not None}
            ends = {(m.country, m.end + _ONE_DAY) for m in group.members if m.end is not None}
            for member in group.members:
                cite = f" ({member.citation})" if member.citation else ""
                if member.end is not None and (member.country, member.end + _ONE_DAY) not in starts:
                    out.append(
                        Event(
                            day=member.end + _ONE_DAY,
                            label=f"{country_name(member.country)} leaves {group_name}",
                            detail=f"{country_name(member.country)} no longer in Country Group "
                            f"{group_name} "
                            f"(last day {member.end}){cite}.",
                            kind="rule",
                            source=rules.source(group.id),
                            rule_ids=(group.id,),
                        )
                    )
                if (
                    member.start is not None
                    and member.start > rules.covers_from
                    and (member.country, member.start) not in ends
                ):
                    out.append(
                        Event(
                            day=member.start,
                            label=f"{country_name(member.country)} joins {group_name}",
                            detail=f"{country_name(member.country)} in Country Group "
                            f"{group_name} from {member.start}{cite}.",
                            kind="rule",
                            source=rules.source(group.id),
                            rule_ids=(group.id,),
                        )
                    )
    return out
