"""The data that goes into `screen` (a transaction) and comes out of it (a decision).

All models are frozen and closed: unknown keys are errors, so a misspelt field never goes
unnoticed. Money is `Decimal`, so arithmetic and output are exact and platform-independent.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from ._io.canonical import canonical_json
from ._io.countries import Country
from ._version import __version__
from .names import MAX_WORDS, tokens

__all__ = [
    "LIMITS",
    "Component",
    "Decision",
    "Disposition",
    "Finding",
    "Hit",
    "Identifier",
    "Item",
    "ItemStatus",
    "Jurisdiction",
    "ListVersion",
    "Outcome",
    "Owner",
    "Party",
    "Role",
    "Transaction",
]

MAX_ID = 200
"""Characters in a transaction id."""
MAX_NAME = 500
"""Characters in a party name or alias (the longest name on the CSL has 383)."""
MAX_TEXT = 2000
"""Characters in any other free-text field: an address, an item description, the end use, a
metadata key or text value."""
MAX_PARTIES = 100
MAX_ALIASES = 50
"""Aliases of one party."""
MAX_ITEMS = 1000
MAX_IDENTIFIERS = 20
"""Identifiers of one party (passport, tax id, registration, IMO number...)."""
MAX_IDENTIFIER = 100
"""Characters in an identifier's type or value."""
MAX_ROUTE = 50
MAX_COMPONENTS = 200
"""Components of one item (de minimis per destination)."""
MAX_DIRECT_PRODUCT_OF = 50
"""ECCNs an item is said to be a direct product of."""
MAX_METADATA_DEPTH = 16
"""Levels of lists and mappings in ``metadata`` (``{"a": 1}`` is one)."""
MAX_METADATA_VALUES = 1000
"""Keys and values in ``metadata``, counted at every level."""

LIMITS: dict[str, int] = {
    "id": MAX_ID,
    "name": MAX_NAME,
    "name_words": MAX_WORDS,
    "text": MAX_TEXT,
    "parties": MAX_PARTIES,
    "aliases": MAX_ALIASES,
    "identifiers": MAX_IDENTIFIERS,
    "identifier": MAX_IDENTIFIER,
    "items": MAX_ITEMS,
    "route": MAX_ROUTE,
    "components": MAX_COMPONENTS,
    "direct_product_of": MAX_DIRECT_PRODUCT_OF,
    "metadata_depth": MAX_METADATA_DEPTH,
    "metadata_values": MAX_METADATA_VALUES,
}
"""Every size limit of a transaction, by name (README.md, "Limits"): input past one is a
`TransactionError` naming the field, never screened partly. Why: the work of screening grows
with the input, and a limit refused up front is clearer than a slow or failed screening."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Outcome(StrEnum):
    """What screening says: stop, look closer, or go ahead. Ordered by severity."""

    CLEAR = "clear"
    REVIEW = "review"
    BLOCK = "block"

    @property
    def rank(self) -> int:
        """0 for clear, 1 for review, 2 for block: the larger, the more severe."""
        return _RANK[self]


_RANK = {Outcome.CLEAR: 0, Outcome.REVIEW: 1, Outcome.BLOCK: 2}


class Role(StrEnum):
    """The part a party plays in a transaction (15 CFR 748.5 names most of these)."""

    EXPORTER = "exporter"
    BUYER = "buyer"
    CONSIGNEE = "consignee"
    INTERMEDIATE_CONSIGNEE = "intermediate_consignee"
    END_USER = "end_user"
    FORWARDER = "forwarder"
    PAYER = "payer"


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


@functools.lru_cache(maxsize=4096)
def _screenable(name: str) -> str:
    """A name as given, once it has words to screen (at most ``MAX_WORDS``). Memoised: order
    streams repeat their counterparties, and tokenising each again was a tenth of what a
    transaction cost with its party searches cached. A name it refuses raises every time."""
    words = tokens(name)
    if not words:
        raise ValueError("a name needs at least one letter or digit to be screened")
    if len(words) > MAX_WORDS:
        raise ValueError(f"a name may have at most {MAX_WORDS} words, this one has {len(words)}")
    return name


Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME),
    AfterValidator(_screenable),
]


IdentifierText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_IDENTIFIER)
]


class Identifier(_Frozen):
    """A number that identifies a party: its ``type`` as written ("Passport", "Tax ID No.",
    "IMO") and its ``value``. Compared with the identifiers the lists give for a listed party."""

    type: IdentifierText
    value: IdentifierText


def _dob(value: object) -> object:
    """A year alone ("1962", 1962) stays a year; anything else is read as a date. Why: pydantic
    would read the number 1962 as a date 1962 seconds after 1970."""
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) == 4:
        return int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and not 1800 <= value <= 2100:
        raise ValueError(f"a year of birth between 1800 and 2100, not {value}")
    return value


Share = Annotated[Decimal, Field(gt=0, le=100)]
"""A share of ownership in percent: more than 0, at most 100."""


def _shares_within_whole(owners: tuple[Owner, ...]) -> tuple[Owner, ...]:
    total = sum((o.share for o in owners), Decimal(0))
    if total > 100:
        raise ValueError(f"the owners' shares add up to {total}%, more than 100%")
    return owners


class Owner(_Frozen):
    """Who holds a share of a party (or of another owner): for the reach of US sanctions
    programmes to companies owned or controlled by US persons (31 CFR 560.215, 515.329), and
    for the ownership rules (OFAC's 50 percent rule, BIS's Affiliates Rule), which screen each
    owner's name against the lists."""

    name: Name
    country: Country
    share: Share
    """Percent of the equity (by vote or value) this owner holds."""
    us_person: bool | None = None
    """Whether this owner is a US person; absent: true when ``country`` is US, else unknown."""
    owners: Annotated[tuple[Owner, ...], AfterValidator(_shares_within_whole)] = ()
    """This owner's own owners, as far as they are known (shares multiply down the chain)."""


class Party(_Frozen):
    """A person or organisation in the transaction."""

    role: Annotated[Role, BeforeValidator(_lower)]
    name: Name
    country: Country
    address: Text | None = None
    aliases: Annotated[tuple[Name, ...], Field(max_length=MAX_ALIASES)] = ()
    """Other names the party is known by; each is screened like the name."""
    us_person: bool | None = None
    """Whether the party is a US person (a US citizen or permanent resident, a company
    organised in the US, anyone in the US); absent: true when ``country`` is US, else unknown."""
    owners: Annotated[tuple[Owner, ...], AfterValidator(_shares_within_whole)] | None = None
    """Who owns the party, with shares in percent; ``[]``: known to have no owners that
    matter; absent: unknown. US persons' shares, multiplied down the chain, decide whether the
    party is owned or controlled by US persons; listed owners' shares, whether it is treated as
    listed (the ownership rules)."""

    dob: Annotated[dt.date | int, BeforeValidator(_dob)] | None = None
    """Date of birth of a person: a date (``1962-05-12``) or a year (``1962``). Compared with the
    dates a list gives: one outside them all lowers a name match's score."""
    identifiers: Annotated[tuple[Identifier, ...], Field(max_length=MAX_IDENTIFIERS)] = ()
    """Passport, tax id, registration or IMO numbers: one on the list entry makes a name match
    a match; one of a kind the entry gives with another value lowers its score."""


ItemEccn = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_upper=True,
        pattern=r"^(EAR99|[0-9][A-E][0-9]{3}[A-Z0-9.]*)$",
    ),
]
"""An Export Control Classification Number, e.g. ``5A991``, ``9A515.Y`` or ``EAR99``."""


def _hts(value: object) -> object:
    """An HTS code: 6 to 10 digits, dots allowed between groups (``0402.10.50``); kept as digits."""
    if not isinstance(value, str):
        raise ValueError("an HTS code is written as text, e.g. '3004.90' or '300490'")
    digits = value.strip().replace(".", "")
    if not digits.isascii() or not digits.isdigit() or not 6 <= len(digits) <= 10:
        raise ValueError(f"invalid HTS code '{value}' (6 to 10 digits, e.g. '3004.90.9190')")
    return digits


class Component(_Frozen):
    """A part of an item, for de minimis per destination: what it is, its ECCN, where it was
    made, and its value per unit of the item (in the item's money)."""

    description: Text
    eccn: ItemEccn | None = None
    """None when unknown: the part then counts as controlled everywhere (fail closed)."""
    origin: Country
    value: Annotated[Decimal, Field(ge=0)]


class Item(_Frozen):
    """One line of goods: what it is, where it was made, and what it is worth per unit."""

    description: Text
    eccn: ItemEccn | None = None
    """Export Control Classification Number, e.g. ``5A991`` or ``EAR99``; None when unknown."""
    origin: Country | None = None
    """Country where the item was made; ``US`` makes it subject to the EAR wherever it goes."""
    quantity: Annotated[Decimal, Field(gt=0)] = Decimal(1)
    unit_value: Annotated[Decimal, Field(ge=0)] | None = None
    us_content_value: Annotated[Decimal, Field(ge=0)] | None = None
    """Per unit: value of US-origin content incorporated in a foreign-made item. Without
    ``components`` all of it counts as controlled, toward every destination (conservative)."""
    components: Annotated[tuple[Component, ...], Field(max_length=MAX_COMPONENTS)] | None = None
    """Per unit: the parts, for de minimis per destination (Supp. No. 2 to part 734): only the
    US-origin parts that would need a licence to a destination count toward it."""
    direct_product_of: (
        Annotated[tuple[ItemEccn, ...], Field(max_length=MAX_DIRECT_PRODUCT_OF)] | None
    ) = None
    """ECCNs of the US-origin technology, software or plant the item is a direct product of;
    ``[]``: known to be none; absent: unknown (the foreign direct product rules then review)."""
    hts: Annotated[str, BeforeValidator(_hts)] | None = None
    """Harmonized Tariff Schedule code (6 to 10 digits); the only thing that can show an item
    is food or medicine for an exemption (never the description)."""

    @field_validator("us_content_value")
    @classmethod
    def _content_within_value(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        unit_value = info.data.get("unit_value")
        if value is not None and unit_value is not None and value > unit_value:
            raise ValueError(f"us_content_value {value} is above unit_value {unit_value}")
        return value

    @field_validator("components")
    @classmethod
    def _components_within_value(
        cls, parts: tuple[Component, ...] | None, info: ValidationInfo
    ) -> tuple[Component, ...] | None:
        unit_value = info.data.get("unit_value")
        if parts is not None and unit_value is not None:
            total = sum((p.value for p in parts), Decimal(0))
            if total > unit_value:
                raise ValueError(f"components add up to {total}, above unit_value {unit_value}")
        return parts


def _bounded_metadata(value: object) -> object:
    """Refuse metadata past its limits (depth, values, text sizes), walking it without
    recursion: input nested a thousand levels deep must be an error, not a crash."""
    stack: list[tuple[object, int]] = [(value, 0)]
    count = 0
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list | tuple):
            if depth >= MAX_METADATA_DEPTH:
                raise ValueError(f"nested more than {MAX_METADATA_DEPTH} levels deep")
            count += len(node)
            if count > MAX_METADATA_VALUES:
                raise ValueError(f"more than {MAX_METADATA_VALUES} keys and values")
            if isinstance(node, dict):
                for key in node:
                    _bounded_text(key, "a key")
                stack.extend((v, depth + 1) for v in node.values())
            else:
                stack.extend((v, depth + 1) for v in node)
        else:
            _bounded_text(node, "a value")
    return value


def _bounded_text(node: object, what: str) -> None:
    if isinstance(node, str) and len(node) > MAX_TEXT:
        raise ValueError(f"{what} of {len(node)} characters; at most {MAX_TEXT}")


class Transaction(_Frozen):
    """An export, reexport or transfer to screen, as of its date."""

    id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_ID)]
    date: dt.date
    destination: Country
    """ISO code of the declared final destination."""
    route: Annotated[tuple[Country, ...], Field(max_length=MAX_ROUTE)] = ()
    """Countries the goods pass through, in order (optional)."""
    ships_from: Country | None = None
    """Country the goods leave from; by default, US when an exporter is in the US. Items in
    or exported from the US are subject to the EAR whatever their origin."""
    parties: Annotated[tuple[Party, ...], Field(max_length=MAX_PARTIES)] = ()
    items: Annotated[tuple[Item, ...], Field(min_length=1, max_length=MAX_ITEMS)]
    end_use: Text | None = None
    """The stated end use, free text (screened for red-flag terms)."""
    metadata: Annotated[dict[str, Any], BeforeValidator(_bounded_metadata)] = Field(
        default_factory=dict
    )
    """Free-form data carried through untouched (order numbers, system ids)."""


class Jurisdiction(StrEnum):
    """Whether an item is subject to the EAR (15 CFR 734.3), as far as we can tell."""

    SUBJECT = "subject"
    NOT_SUBJECT = "not_subject"
    UNKNOWN = "unknown"


class ItemStatus(_Frozen):
    """The jurisdiction finding for one item and the arithmetic behind it."""

    index: int
    description: str
    jurisdiction: Jurisdiction
    reason: str
    us_content_percent: Decimal | None = None
    de_minimis_percent: Decimal | None = None
    rule_id: str | None = None
    """The de minimis rule that set the level, when one did."""
    verified: bool = True


class Finding(StrEnum):
    """What a reviewer found about one name-match hit."""

    FALSE_POSITIVE = "false_positive"
    """This party is not that list entry: later screenings suppress exactly this hit."""
    TRUE_MATCH = "true_match"
    """It is: later screenings block on this hit."""


class Disposition(_Frozen):
    """A reviewer's decision on one name-match hit, keyed to exactly what was decided: the
    party (normalised name and country), the list entry and a hash of its content, the rule.

    Frozen data: the store keeps it, the engine applies it (`apply_dispositions`), a decision
    record carries it so an audit can apply it again."""

    id: Text
    finding: Finding
    rule_id: Text
    party_name: Text
    """The party's name in its canonical compact form (`screening.names.compact`)."""
    party_country: Country
    list_entry: Text
    """The entry's id on its source list, or the entity rule id for a hand-written entity."""
    entry_hash: Text
    """sha256 of the entry's content when decided: any change to the entry voids this."""
    reviewer: Text
    reason: Text
    decided_at: Text
    """When it was decided (ISO 8601, UTC), as the store's clock said."""
    expires: dt.date | None = None
    """Last day it applies (inclusive); None: until the entry or the party changes."""
    case_id: Text | None = None
    transaction_id: Text | None = None
    """The transaction it was decided on: lets a later screening of that transaction say the
    disposition stopped applying because the party's name changed."""
    needs_approval: bool = False
    """Four-eyes: the rule set asks a second reviewer to approve it before it applies."""
    approved_by: Text | None = None

    @property
    def digest(self) -> str:
        """sha256 of the disposition's canonical JSON: what a decision record names."""
        text = canonical_json(self.model_dump(mode="json"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Hit(_Frozen):
    """One reason a rule fired, with everything needed to explain and audit it."""

    rule_id: str
    kind: str
    outcome: Outcome
    citation: str
    message: str
    source: str
    """Where the rule is written: ``rules/file.yaml:LINE``."""
    field: str | None = None
    """The transaction field that triggered it, e.g. ``parties[1].name``."""
    party: str | None = None
    item: str | None = None
    matched_name: str | None = None
    listed_name: str | None = None
    list: str | None = None
    list_entry: str | None = None
    """For a hit from an official list file: the entry's own id on its source list."""
    list_version: str | None = None
    """For a hit from an official list file: the list version (sha256 of its file set)."""
    score: float | None = None
    verified: bool = True
    """False when the rule rests on a fact not confirmed by a primary source."""
    evidence: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    disposition: Disposition | None = None
    """The reviewer's disposition applied to this hit, when one was: a false positive shows
    the hit with outcome clear, a true match with outcome block."""


class ListVersion(_Frozen):
    """One official list file (set) a rule set was built with: which file, which version."""

    file: str
    """The list as it was named when loaded (a file, or a directory of an OFAC file set)."""
    format: str
    """What the content was recognised as, e.g. ``csl-csv``, ``ofac-sdn``, ``bis-dpl``."""
    sha256: str
    """The list version: sha256 of the file (of the file names and hashes for a set)."""
    entries: int
    fetched_at: str | None = None
    """From the download manifest, when there is one (ISO 8601, UTC)."""
    url: str | None = None


class Decision(_Frozen):
    """The answer of `screen`: an outcome plus every hit that led to it."""

    transaction_id: str
    as_of: dt.date
    outcome: Outcome
    hits: tuple[Hit, ...]
    items: tuple[ItemStatus, ...]
    ruleset: str
    ruleset_version: str
    ruleset_fingerprint: str
    library_version: str = __version__
    """The version of this library that made the decision (``screening.__version__``)."""
    lists: tuple[ListVersion, ...] = ()
    """The official list files of the rule set, with their versions (empty when none)."""
    dispositions: tuple[Disposition, ...] = ()
    """The dispositions a review store offered for this transaction's hits, applied or not:
    what an audit needs to reproduce the decision (empty without a store)."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings, decimals as strings, enums as values)."""
        return self.model_dump(mode="json")
