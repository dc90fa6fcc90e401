"""The schema of rule files: one frozen pydantic model per rule ``kind``.

A rule file is a mapping with an optional ``about:`` text and a ``rules:`` list; one file,
``ruleset.yaml``, carries a ``ruleset:`` header instead (name, version, coverage, thresholds).
Every rule has an ``id``, a ``kind``, a ``citation`` and optional ``from`` / ``to`` dates
(inclusive: the first and the last day the rule is in force).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from .._io.countries import Country
from ..models import Outcome, Role

__all__ = [
    "KINDS",
    "MODELS",
    "AddressPlace",
    "Alias",
    "Category",
    "ChartColumn",
    "ChartRow",
    "Classification",
    "ContentThreshold",
    "CountryGroup",
    "CountryLicence",
    "DeMinimis",
    "DestinationMismatch",
    "Destinations",
    "DirectProduct",
    "Embargo",
    "EndUse",
    "EndUserControl",
    "Entity",
    "GeneralLicence",
    "HtsEntry",
    "HtsList",
    "ItemControl",
    "ItemScope",
    "LintCode",
    "ListPolicy",
    "ListedEntity",
    "ListedListing",
    "ListedText",
    "Listing",
    "Matching",
    "Member",
    "MissingParty",
    "NoDeMinimis",
    "Ownership",
    "OwnershipRule",
    "PlaceNames",
    "Region",
    "Rule",
    "RuleFile",
    "RulesetHeader",
    "Transshipment",
    "UsPersonReach",
]


def _shaped(pattern: str, what: str, hint: str) -> Callable[[str], str]:
    """A validator saying, in the reader's words, what a well-formed value looks like."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if compiled.fullmatch(value) is None:
            raise ValueError(f"invalid {what} '{value}' ({hint})")
        return value

    return check


_ID = r"[a-z0-9][a-z0-9._-]{0,79}"
_GROUP = r"[A-E]:[0-9]"
_ECCN = r"EAR99|[0-9][A-E][0-9]{3}"
_REASON = r"[A-Z]{2,3}"
_COLUMN = r"(CB|NP|NS|MT|RS|FC|CC|AT)[1-3]"

RuleId = Annotated[
    str,
    AfterValidator(
        _shaped(
            _ID,
            "id",
            "lower-case letters, digits, '.', '_' and '-', starting with a letter or digit, "
            "at most 80 characters",
        )
    ),
    WithJsonSchema({"type": "string", "pattern": f"^{_ID}$"}),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
GroupName = Annotated[
    str,
    AfterValidator(_shaped(_GROUP, "country group", "a letter A-E, ':' and a digit, e.g. 'E:1'")),
    WithJsonSchema({"type": "string", "pattern": f"^{_GROUP}$"}),
]
Eccn = Annotated[
    str,
    AfterValidator(
        _shaped(
            _ECCN,
            "ECCN",
            "a digit, a letter A-E and three digits, e.g. '5A991', or 'EAR99'",
        )
    ),
    WithJsonSchema({"type": "string", "pattern": f"^({_ECCN})$"}),
]
Reason = Annotated[
    str,
    AfterValidator(
        _shaped(_REASON, "reason for control", "two or three capital letters, e.g. 'AT' or 'NS'")
    ),
    WithJsonSchema({"type": "string", "pattern": f"^{_REASON}$"}),
]

ChartColumn = Annotated[
    str,
    AfterValidator(
        _shaped(
            _COLUMN,
            "Country Chart column",
            "a chart reason (CB, NP, NS, MT, RS, FC, CC, AT) and a column number, e.g. 'NS2'",
        )
    ),
    WithJsonSchema({"type": "string", "pattern": f"^{_COLUMN}$"}),
]
"""A column of the Commerce Country Chart (Supp. No. 1 to 15 CFR part 738), e.g. ``NS2``."""

Flag = Annotated[bool, Strict()]
"""true or false, nothing else: the YAML reader keeps yes/no/on/off as text, and so do we."""

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _day(value: object) -> object:
    """Dates are written YYYY-MM-DD; a number is not a date (pydantic would read 0 as 1970)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    shown = f"'{value}'" if isinstance(value, str) else str(value)
    if isinstance(value, str) and _DAY.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"invalid date {shown} ({exc})") from None
    raise ValueError(f"invalid date {shown} (write dates as YYYY-MM-DD, e.g. 2016-03-08)")


Day = Annotated[
    dt.date,
    BeforeValidator(_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": f"^{_DAY.pattern}$"}),
]
"""A calendar day written YYYY-MM-DD."""


class _Closed(BaseModel):
    # Attribute docstrings become descriptions in the JSON Schema: editors show them on hover.
    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=False, use_attribute_docstrings=True
    )


class Dated(_Closed):
    """Anything in force over an inclusive window of days."""

    start: Day | None = Field(default=None, alias="from")
    """First day in force (YYYY-MM-DD, inclusive); none: since always."""
    end: Day | None = Field(default=None, alias="to")
    """Last day in force (YYYY-MM-DD, inclusive); none: still in force."""
    verified: Flag = True
    """False marks a fact no primary source confirmed: it may raise a review, never a block."""
    to_verified: Flag = True
    """False when the end (``to``) is not confirmed by a primary source: the restriction then
    stays in force after it, as last verified (an unverified end never relaxes anything)."""
    note: Text | None = None
    """Free text for the reader: context, caveats, what is uncertain."""

    @field_validator("end")
    @classmethod
    def _window_in_order(cls, end: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("start")
        if start is not None and end is not None and end < start:
            raise ValueError(f"'to' ({end}) is before 'from' ({start})")
        return end

    @model_validator(mode="after")
    def _end_to_verify(self) -> Dated:
        if not self.to_verified and self.end is None:
            raise ValueError("'to_verified: false' needs a 'to' date to be about")
        return self

    def in_force(self, day: dt.date) -> bool:
        """True when ``day`` falls inside the window; a restriction whose end is unverified
        stays in force after it (fail closed: the last verified state holds)."""
        if self.start is not None and day < self.start:
            return False
        return self.end is None or day <= self.end or not self.to_verified

    def kept_past_end(self, day: dt.date) -> bool:
        """True when ``day`` is after an unverified end, so the rule is in force only because
        that end is not confirmed."""
        return self.end is not None and day > self.end and not self.to_verified


LintCode = Literal[
    "overlapping-windows",
    "unverified-block",
    "unverified-text",
    "no-citation",
    "entity-not-listed",
    "licence-outside-listing",
    "duplicate-name",
    "reason-not-classified",
    "unused-group",
    "unused-acceptance",
    "unverified-end",
]
"""The warnings `screening rules check` gives (see `screening.lint`); a rule may accept some."""


class BaseRule(Dated):
    id: RuleId
    """Unique across all rule files; quoted in every decision this rule takes part in."""
    kind: str
    """What sort of rule this is; decides which other keys it takes."""
    title: Text | None = None
    """A short human-readable name."""
    citation: Text
    """The legal source (Federal Register, CFR section, order), quoted in every hit."""
    accept_warnings: tuple[LintCode, ...] = ()
    """Lint warnings the author has looked at and accepts for this rule (no effect on screening)."""


class ItemScope(StrEnum):
    """Which items a rule reaches: only those subject to the EAR, or any item at all."""

    SUBJECT_TO_EAR = "subject_to_ear"
    ALL = "all"


class Destinations(_Closed):
    """A set of destinations named by country group and/or country; ``all: true`` for every one."""

    groups: tuple[GroupName, ...] = ()
    countries: tuple[Country, ...] = ()
    all: Flag = False
    excluding: tuple[Country, ...] = ()
    """Countries left out even when a group or ``all`` names them (e.g. Canada for EI)."""

    @model_validator(mode="after")
    def _not_empty(self) -> Destinations:
        if not (self.groups or self.countries or self.all):
            raise ValueError("name at least one of 'groups', 'countries' or 'all: true'")
        return self


class Member(Dated):
    """A country's membership of a group over a window."""

    country: Country
    citation: Text | None = None


class CountryGroup(BaseRule):
    """A Country Group of Supp. No. 1 to 15 CFR part 740 (e.g. E:1), with dated membership."""

    kind: Literal["country_group"]
    group: GroupName
    members: Annotated[tuple[Member, ...], Field(min_length=1)]


class Region(_Closed):
    """A sub-national region recognised from a party's address (e.g. Crimea)."""

    name: Text
    countries: Annotated[tuple[Country, ...], Field(min_length=1)]
    address_terms: Annotated[tuple[Text, ...], Field(min_length=1)]


Check = Literal["destination", "route", "parties"]


class Embargo(BaseRule):
    """A comprehensive embargo on a country or region: fires on destination, route or a party."""

    kind: Literal["embargo"]
    countries: tuple[Country, ...] = ()
    region: Region | None = None
    outcome: Outcome = Outcome.BLOCK
    items: ItemScope = ItemScope.SUBJECT_TO_EAR
    checks: Annotated[tuple[Check, ...], Field(min_length=1)] = ("destination", "route", "parties")
    except_food_medicine: Flag = False
    """True when the embargo exempts food and medicine designated EAR99: items whose ``hts``
    falls in a food or medicine category are then not reached (without ``hts``, they are)."""

    @model_validator(mode="after")
    def _one_target(self) -> Embargo:
        if bool(self.countries) == (self.region is not None):
            raise ValueError("give either 'countries' or 'region', not both or neither")
        return self


class DeMinimis(BaseRule):
    """A de minimis level (15 CFR 734.4): foreign-made items above it are subject to the EAR."""

    kind: Literal["de_minimis"]
    percent: Annotated[Decimal, Field(ge=0, le=100)]
    destinations: Destinations


EccnPattern = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[0-9A-Z?*.\[\]-]{1,20}$"),
]
"""An ECCN or a pattern of ECCNs: ``?`` one character, ``*`` any, ``[A-X]`` a range
(e.g. ``??515.[A-X]*`` for 9x515.a-.x, ``??6??.Y*`` for 600-series .y items)."""


HtsCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{2,10}$")]
"""An HTS prefix: a chapter (2 digits), heading (4), subheading (6) or longer, digits only."""


class HtsEntry(Dated):
    """One row of an HTS list: the code (a prefix of an item's ``hts``), the supplement that
    lists it, and its source; ``from`` is the day it took effect."""

    hts: HtsCode
    supplement: Text
    source: Text


class HtsList(BaseRule):
    """A list of EAR99 items by HTS code (e.g. Supps. 2, 4, 5, 6 to 15 CFR part 746), kept as
    data with the date each entry took effect; `country_licence` rules name it by ``list``."""

    kind: Literal["hts_list"]
    list: RuleId
    entries: Annotated[tuple[HtsEntry, ...], Field(min_length=1)]


class CountryLicence(BaseRule):
    """A licence requirement to a country for every CCL item and/or for EAR99 items by HTS
    (15 CFR 746.8, 746.10): an EAR99 item without ``hts`` cannot be ruled in or out, so reviews."""

    kind: Literal["country_licence"]
    countries: Annotated[tuple[Country, ...], Field(min_length=1)]
    ccl: Flag = False
    """True: every item with an ECCN other than EAR99 (AT-only included) needs a licence."""
    hts_lists: tuple[RuleId, ...] = ()
    """The `hts_list` lists whose EAR99 items (by ``hts`` prefix) need a licence."""
    outcome: Outcome = Outcome.BLOCK
    exceptions: tuple[Text, ...] = ()
    """Licence exceptions that may still apply: named in the hit, never applied."""

    @model_validator(mode="after")
    def _something(self) -> CountryLicence:
        if not (self.ccl or self.hts_lists):
            raise ValueError("give 'ccl: true' or 'hts_lists'")
        return self


class EndUserControl(BaseRule):
    """A licence requirement for items going to an end use or end user of concern in a country
    (15 CFR 744.21 military end use / end user; E.O. 13884): shown by the stated end use, a
    receiving party's name, or a match on a listed party of the given lists."""

    kind: Literal["end_user_control"]
    countries: Annotated[tuple[Country, ...], Field(min_length=1)]
    eccns: tuple[EccnPattern, ...] | None = None
    """The items in scope (e.g. Supp. No. 2 to part 744); absent: every item subject to the EAR
    (``items: all`` for any item at all)."""
    items: ItemScope = ItemScope.SUBJECT_TO_EAR
    except_food_medicine: Flag = False
    end_use_terms: tuple[Text, ...] = ()
    """Terms of the stated end use (or a receiving party's name) that show the end use or user."""
    party_terms: tuple[Text, ...] = ()
    """Terms of a receiving party's name that show it is the end user of concern (block)."""
    review_terms: tuple[Text, ...] = ()
    """Terms of a receiving party's name that may show it (review: a person has to look)."""
    lists: tuple[Text, ...] = ()
    """Codes of official lists (e.g. MEU) whose parties, matched by name, are end users of
    concern."""
    outcome: Outcome = Outcome.BLOCK

    @model_validator(mode="after")
    def _trigger(self) -> EndUserControl:
        if not (self.end_use_terms or self.party_terms or self.review_terms or self.lists):
            raise ValueError(
                "give at least one of 'end_use_terms', 'party_terms', 'review_terms' or 'lists'"
            )
        return self


class NoDeMinimis(BaseRule):
    """Content with no de minimis eligibility (15 CFR 734.4(a)): a foreign-made item with any
    US-origin part of these ECCNs is subject to the EAR when it goes to these destinations."""

    kind: Literal["no_de_minimis"]
    eccns: Annotated[tuple[EccnPattern, ...], Field(min_length=1)]
    destinations: Destinations


class ContentThreshold(BaseRule):
    """A sanctions programme's own US-content test (e.g. ITSR 31 CFR 560.205 with 560.420): a
    foreign-made item going to ``countries`` whose US-origin content, all of it, is ``percent``
    or more of its value is covered, whatever the EAR de minimis says."""

    kind: Literal["content_threshold"]
    countries: Annotated[tuple[Country, ...], Field(min_length=1)]
    percent: Annotated[Decimal, Field(gt=0, le=100)]
    """Covered at this share of the item's value or more (``>=``)."""
    ear99_verified: Flag = False
    """Whether counting EAR99 content toward the share is confirmed by a primary source; if
    not, a share reached only with EAR99 content gives a review."""
    outcome: Outcome = Outcome.BLOCK


class DirectProduct(BaseRule):
    """A foreign direct product rule (15 CFR 736.2(b)(3) before 2022-02-03, 734.9 after): a
    foreign-made item that is the direct product of US technology or software of these ECCNs is
    subject to the EAR when it goes to ``destinations`` or to an Entity List party whose entry
    carries ``footnote``."""

    kind: Literal["direct_product"]
    eccns: Annotated[tuple[EccnPattern, ...], Field(min_length=1)]
    """The ECCNs of the US-origin technology / software the rule names (patterns allowed)."""
    destinations: Destinations | None = None
    footnote: Annotated[int, Field(ge=1, le=9)] | None = None
    """The Entity List footnote the rule applies to (1: §736.2(b)(3)(vi), then §734.9(e))."""

    @model_validator(mode="after")
    def _one_trigger(self) -> DirectProduct:
        if (self.destinations is None) == (self.footnote is None):
            raise ValueError("give either 'destinations' or 'footnote', not both or neither")
        return self


CategoryName = Literal["food", "medicine", "section-746-5-projects"]


class Category(BaseRule):
    """What the engine may recognise as food or medicine (by HTS code, never by description),
    or as a project of 15 CFR 746.5 (by terms of the stated end use), for exemptions and
    licence requirements that name them."""

    kind: Literal["category"]
    category: CategoryName
    hts: tuple[Annotated[str, StringConstraints(pattern=r"^[0-9]{2,10}$")], ...] = ()
    """HTS prefixes (chapters ``30``, headings ``0402``, ...) that put an item in the category."""
    end_use_terms: tuple[Text, ...] = ()
    """Terms of the stated end use that put a transaction in the category."""

    @model_validator(mode="after")
    def _something(self) -> Category:
        if not (self.hts or self.end_use_terms):
            raise ValueError("give 'hts' prefixes or 'end_use_terms'")
        return self


class Classification(BaseRule):
    """An ECCN of the Commerce Control List with its reasons for control."""

    kind: Literal["classification"]
    eccn: Eccn
    reasons: tuple[Reason, ...] = ()
    columns: tuple[ChartColumn, ...] = ()
    """The Country Chart columns the entry's licence requirements name (e.g. NS2, AT1): the
    licence determination crosses these with the destination's row (15 CFR 738.4)."""
    columns_verified: Flag = False
    """True once the columns were read in the entry's primary text; until then an answer that
    rests on them is a review (fail closed), whatever ``verified`` says of the reasons."""
    exceptions: tuple[Text, ...] = ()
    """List-based licence exceptions the entry names (e.g. 'LVS $5000', 'GBS', 'ENC'): named
    in a review when a licence is required, never applied (their conditions are not assessed)."""

    @model_validator(mode="after")
    def _columns_of_reasons(self) -> Classification:
        stray = sorted({c[:2] for c in self.columns} - set(self.reasons))
        if stray:
            raise ValueError(f"columns name reasons not in 'reasons': {', '.join(stray)}")
        return self


class ChartRow(BaseRule):
    """One destination's row of the Commerce Country Chart: the columns marked X (a licence is
    required for items controlled in that column), over a window of dates."""

    kind: Literal["country_chart"]
    country: Country
    marked: tuple[ChartColumn, ...] = ()
    """The columns with an X for this destination; every other column is blank (no licence)."""
    verified_columns: tuple[ChartColumn, ...] = ()
    """Columns whose cell (X or blank) was read in primary text even though the row as a whole
    is ``verified: false``: only these cells can decide alone (block, or no licence)."""

    def cell_verified(self, column: str) -> bool:
        """True when this row's cell in ``column`` was confirmed by primary text."""
        return self.verified or column in self.verified_columns


class ItemControl(BaseRule):
    """A licence requirement for items controlled for given reasons to given destinations."""

    kind: Literal["item_control"]
    reasons: Annotated[tuple[Reason, ...], Field(min_length=1)]
    destinations: Destinations
    outcome: Outcome = Outcome.BLOCK
    chart: Flag = False
    """True: the destinations are those whose Country Chart row marks one of the item's columns
    for these reasons (`licence_determination`); ``destinations`` then bounds where it is read."""


class Alias(_Closed):
    """Another name of an entity; an unverified alias can raise a review, never a block."""

    name: Text
    verified: Flag = True
    note: Text | None = None


def _alias(value: object) -> object:
    return {"name": value} if isinstance(value, str) else value


class Entity(BaseRule):
    """Who a listed party is: name, aliases, addresses and country. Listings say what applies."""

    kind: Literal["entity"]
    name: Text
    aliases: tuple[
        Annotated[Alias, BeforeValidator(_alias, json_schema_input_type=Text | Alias)], ...
    ] = ()
    """Other names: plain text, or ``{name: ..., verified: false, note: ...}``."""
    addresses: tuple[Text, ...] = ()
    country: Country
    citation: Text | None = None  # type: ignore[assignment]


class Listing(BaseRule):
    """An entity's place on a list (Entity List, denial order, ...) over a window."""

    kind: Literal["listing"]
    entity: RuleId
    list: Text
    outcome: Outcome = Outcome.BLOCK
    roles: tuple[Role, ...] = tuple(Role)
    """Roles in which a match gives ``outcome``; the listing reaches these parties."""
    other_roles: Outcome | None = Outcome.REVIEW
    """Outcome for a match in any other role (None: no hit)."""
    items: ItemScope = ItemScope.SUBJECT_TO_EAR
    licence_requirement: Text | None = None
    licence_policy: Text | None = None


ListCode = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_upper=True, pattern=r"^(\*|[A-Z0-9][A-Z0-9-]{0,39})$"
    ),
]
"""A source list's short code as the list files name it (``EL``, ``SDN``, ``DPL``, ...), or
``*`` for every list that has no policy of its own."""


class ListPolicy(BaseRule):
    """What a match on an official list means: the outcome, the roles and items it reaches.

    Each entry of a loaded list file (``load_rules(lists=[...])``) becomes an entity and a
    listing with this policy's outcome, roles and item scope; the entry brings its own names,
    addresses, dates and Federal Register citation. Dates come from each entry, not the policy.
    """

    kind: Literal["list_policy"]
    lists: Annotated[tuple[ListCode, ...], Field(min_length=1)]
    """The source lists this policy governs, by code; ``*`` for any list without a policy."""
    regimes: tuple[Text, ...] = ()
    """Only entries listed under these regimes (programmes: UN ``Al-Qaida``, EU ``RUS``, ...);
    none: every regime. For an entry, a policy naming its regime wins over one naming none."""
    outcome: Outcome
    roles: Annotated[tuple[Role, ...], Field(min_length=1)] = tuple(Role)
    other_roles: Outcome | None = Outcome.REVIEW
    items: ItemScope = ItemScope.SUBJECT_TO_EAR
    licence_requirement: Text | None = None
    """Used when an entry gives none (e.g. SDN entries carry no licence requirement)."""
    licence_policy: Text | None = None
    url: Text | None = None
    """Where the list is published; cited for entries without a Federal Register notice."""

    @model_validator(mode="after")
    def _no_window(self) -> ListPolicy:
        if self.start is not None or self.end is not None:
            raise ValueError(
                "a list_policy takes no 'from' / 'to': each list entry brings its own dates"
            )
        return self


class GeneralLicence(BaseRule):
    """A general licence or authorisation that relaxes listings over a window (e.g. ZTE's TGL)."""

    kind: Literal["general_licence"]
    listings: Annotated[tuple[RuleId, ...], Field(min_length=1)]
    outcome: Outcome = Outcome.REVIEW
    """What a match on a covered listing gives while this licence is in force."""
    end_use_terms: tuple[Text, ...] = ()
    """When given, the licence covers only transactions whose stated end use mentions one of
    these terms (the activities it authorises); any other end use, or none, is not covered."""
    not_to: Destinations | None = None
    """Destinations the licence excludes: no relaxation when the destination or any party is
    in them (e.g. Country Group E for ZTE's 2018 authorisation)."""

    def in_force(self, day: dt.date) -> bool:
        """A licence relaxes only inside its stated window: an unverified end never extends a
        relaxation."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


Reach = Literal["us_persons", "owned_or_controlled"]


class UsPersonReach(BaseRule):
    """A sanctions programme that binds persons, whatever the goods' EAR status: US persons
    (and, where the programme says so, foreign entities they own or control) dealing with a
    country or region, and exports from the United States to it."""

    kind: Literal["us_person_reach"]
    countries: tuple[Country, ...] = ()
    region: Region | None = None
    checks: Annotated[tuple[Check, ...], Field(min_length=1)] = ("destination", "route", "parties")
    """Where the transaction touches the country or region: as for an embargo."""
    reaches: Annotated[tuple[Reach, ...], Field(min_length=1)] = ("us_persons",)
    """Whom the programme binds: US persons, and/or entities owned or controlled by them (50% or
    more, aggregated and multiplied down the chain; less than 50% gives a review)."""
    exports_from_us: Flag = True
    """Whether exports from the United States are reached whoever makes them."""
    roles: Annotated[tuple[Role, ...], Field(min_length=1)] = tuple(Role)
    """The parties whose US-person status and ownership are checked."""
    unknown_roles: tuple[Role, ...] = (Role.EXPORTER,)
    """Roles in which an unknown US-person status or ownership gives a review that says so."""
    outcome: Outcome = Outcome.BLOCK

    @model_validator(mode="after")
    def _one_target(self) -> UsPersonReach:
        if bool(self.countries) == (self.region is not None):
            raise ValueError("give either 'countries' or 'region', not both or neither")
        return self


class Ownership(BaseRule):
    """One line of the ownership file a compliance team keeps (``rules/ownership.yaml``, or
    imported from CSV): ``owner`` holds ``share`` percent of ``owned`` over the rule's window.
    Read by the ``ownership_rule`` kind: the owned party's owners are screened against the
    lists. ``citation`` is where the team read it (registry extract, filing, ...)."""

    kind: Literal["ownership"]
    owned: Text
    """The owned company, as the transactions name it (matched ignoring case and accents)."""
    owner: Text
    """Who holds the share; screened against the lists like a party."""
    owner_country: Country | None = None
    share: Annotated[Decimal, Field(gt=0, le=100)]
    """Percent of the equity (by vote or value) the owner holds."""


class OwnershipRule(BaseRule):
    """An ownership rule: a party owned ``percent`` or more, directly or indirectly (through
    entities themselves owned that much), by parties on ``lists`` is treated as listed (OFAC's
    50 percent rule, BIS's Affiliates Rule). Any smaller listed share gives a review."""

    kind: Literal["ownership_rule"]
    lists: Annotated[tuple[Text, ...], Field(min_length=1)]
    """The lists whose entries count as owners, by code (``SDN``, ``EL``) or by the name a
    listing gives (``Entity List``); matched ignoring case."""
    percent: Annotated[Decimal, Field(gt=0, le=100)] = Decimal(50)
    aggregate: Flag = True
    """Whether listed owners' shares add up (OFAC since Aug. 13, 2014); false: one listed owner
    must hold ``percent`` on its own (and an aggregate of several gives a review)."""
    outcome: Outcome = Outcome.BLOCK
    roles: Annotated[tuple[Role, ...], Field(min_length=1)] = tuple(Role)
    """Roles in which an owned party gives ``outcome``; in any other role, a review."""
    items: ItemScope = ItemScope.SUBJECT_TO_EAR


class Transshipment(BaseRule):
    """Red flag: goods for an embargoed destination routed or consigned via a transshipment hub."""

    kind: Literal["transshipment"]
    hubs: Annotated[tuple[Country, ...], Field(min_length=1)]
    outcome: Outcome = Outcome.REVIEW


class DestinationMismatch(BaseRule):
    """Red flag: a consignee or end user, or the route's end, is not in the declared destination."""

    kind: Literal["destination_mismatch"]
    roles: Annotated[tuple[Role, ...], Field(min_length=1)] = (Role.CONSIGNEE, Role.END_USER)
    outcome: Outcome = Outcome.REVIEW


class MissingParty(BaseRule):
    """Red flag: no party in a required role (e.g. no end user declared)."""

    kind: Literal["missing_party"]
    role: Role
    outcome: Outcome = Outcome.REVIEW


class EndUse(BaseRule):
    """Red flag: the stated end use mentions a term of concern (military, nuclear, ...)."""

    kind: Literal["end_use"]
    terms: Annotated[tuple[Text, ...], Field(min_length=1)]
    outcome: Outcome = Outcome.REVIEW


class PlaceNames(_Closed):
    """Names of places (the country's own names, cities, ports, regions) in one country."""

    country: Country
    names: Annotated[tuple[Text, ...], Field(min_length=1)]
    source: Text | None = None
    """Where the names were taken from."""


class AddressPlace(BaseRule):
    """Red flag: a party's address names a place in another country than the party's (a
    destination of DE, an address in Tehran), or a place of an embargoed region (the
    ``address_terms`` of the region embargoes in force) for a party of any country."""

    kind: Literal["address_place"]
    places: Annotated[tuple[PlaceNames, ...], Field(min_length=1)]
    regions: Flag = True
    """Also search addresses for the region embargoes' ``address_terms``, whatever the
    party's country (the embargo itself reads them for the region's countries only)."""
    outcome: Outcome = Outcome.REVIEW


TextField = Literal["address", "end_use"]


class ListedText(BaseRule):
    """Red flag: a listed name inside free text (a party's address, the stated end use), found
    by searching the names of the listings in force with the text's word windows."""

    kind: Literal["listed_text"]
    fields: Annotated[tuple[TextField, ...], Field(min_length=1)] = ("address", "end_use")
    outcome: Outcome = Outcome.REVIEW


Rule = Annotated[
    CountryGroup
    | Embargo
    | DeMinimis
    | NoDeMinimis
    | ContentThreshold
    | DirectProduct
    | Category
    | Classification
    | ChartRow
    | ItemControl
    | Entity
    | Listing
    | ListPolicy
    | GeneralLicence
    | Transshipment
    | DestinationMismatch
    | MissingParty
    | EndUse
    | UsPersonReach
    | Ownership
    | OwnershipRule
    | AddressPlace
    | ListedText
    | HtsList
    | CountryLicence
    | EndUserControl,
    Field(discriminator="kind"),
]

MODELS: Mapping[str, type[BaseRule]] = MappingProxyType(
    {
        model.model_fields["kind"].annotation.__args__[0]: model
        for model in get_args(get_args(Rule)[0])
    }
)
"""The registry of rule kinds, layer by layer: each kind's schema model, in the order of the
`Rule` union (which is also the order of the JSON Schema). The engine's evaluators
(`screening.engine`) and the lint checks (`screening.authoring`) are tables keyed by these
kinds; tests check that every kind has its row in each."""

KINDS: tuple[str, ...] = tuple(MODELS)
"""Every rule kind, as written after ``kind:`` in a rule file."""


class RuleFile(_Closed):
    """One file of rules; ``lists:`` names official list files, relative to the rules directory."""

    about: Text | None = None
    lists: tuple[Text, ...] = ()
    data: tuple[Text, ...] = ()
    """Data files, relative to the rules directory, whose rows become rules: a ``.csv`` of
    Country Chart rows (`ChartRow`) or a ``.yaml`` of CCL entries (`Classification`)."""
    rules: tuple[Rule, ...] = ()


# --- rules built from official list files (never written by hand) ------------------------------


class ListedEntity(Entity):
    """An entity built from an official list entry. Unlike a hand-written entity it may have
    no country (vessels, many SDN entries): the list is the authority, not the rule writer."""

    country: Country | None = None  # type: ignore[assignment]
    countries: tuple[Country, ...] = ()
    birth_dates: tuple[Text, ...] = ()
    """Dates of birth as the list gives them ("1971", "1960-05-12", "1954..1958")."""
    identifiers: tuple[Text, ...] = ()
    """Documents and numbers as the list gives them ("Passport OB 0243318 (CD)")."""


class ListedListing(Listing):
    """A listing built from an official list entry under a `ListPolicy`, citing the entry."""

    entry_id: Text
    """The entry's own id on its source list (e.g. the CSL ``_id`` or the OFAC ``ent_num``)."""
    list_code: Text
    list_file: Text
    list_version: Text
    """sha256 of the list file (set): the version every hit from this listing cites."""
    policy: RuleId
    federal_register_notice: Text | None = None


class Matching(_Closed):
    """Name-matching thresholds: at or above ``match`` a hit counts as a match (the listing's
    outcome); at or above ``possible`` it is a possible match (review)."""

    match: Annotated[float, Field(gt=0, le=1)] = 0.92
    possible: Annotated[float, Field(gt=0, le=1)] = 0.82
    four_eyes: Flag = False
    """Four-eyes review: a reviewer's disposition of a hit scored at or above ``match`` applies
    only once a second reviewer approves it (`screening.store`)."""

    @field_validator("possible")
    @classmethod
    def _ordered(cls, possible: float, info: ValidationInfo) -> float:
        match = info.data.get("match")
        if match is not None and possible > match:
            raise ValueError(f"'possible' ({possible}) is above 'match' ({match})")
        return possible


class Coverage(_Closed):
    """The period the rule set was written and checked for; dates outside it get a review."""

    start: Day = Field(alias="from")
    """The first day the rules were written for."""
    end: Day | None = Field(default=None, alias="to")
    """The last day the rules were checked for (the date of the last verified fact); later
    dates get a review. None: no end declared (not for a bundled rule set)."""

    @field_validator("end")
    @classmethod
    def _in_order(cls, end: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("start")
        if start is not None and end is not None and end < start:
            raise ValueError(f"'to' ({end}) is before 'from' ({start})")
        return end


class RulesetHeader(_Closed):
    """The ``ruleset:`` header of ``ruleset.yaml``."""

    name: Text
    version: Text
    description: Text | None = None
    covers: Coverage
    matching: Matching = Matching()


class HeaderFile(_Closed):
    """The file that carries the header."""

    about: Text | None = None
    ruleset: RulesetHeader
