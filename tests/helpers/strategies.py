"""Shared hypothesis strategies: valid transactions as plain dicts (as parsed from JSON/YAML).

Everything here is *valid* input: country codes are real ISO 3166-1 alpha-2 codes from a fixed
list, roles are the library's roles, money is a decimal string with at most two places, and
the US content of an item never exceeds its unit value.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

__all__ = [
    "COUNTRIES",
    "ECCNS",
    "MAX_EXAMPLES",
    "ROLES",
    "SETTINGS",
    "countries",
    "dates",
    "items",
    "json_values",
    "money",
    "name_texts",
    "parties",
    "roles",
    "transactions",
]

MAX_EXAMPLES = 60

SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
"""Modest and deadline-free: screening is fast, but the first call warms caches."""

COUNTRIES = (
    "AE", "BR", "CA", "CH", "CN", "CU", "DE", "FR", "GB", "HK", "IN", "IR", "JP", "KP",
    "KR", "MX", "MY", "NL", "NO", "RU", "SD", "SG", "SY", "TR", "UA", "US",
)  # fmt: skip
"""Real ISO 3166-1 alpha-2 codes: embargoed places, hubs, and ordinary destinations."""

ROLES = (
    "exporter",
    "buyer",
    "consignee",
    "intermediate_consignee",
    "end_user",
    "forwarder",
    "payer",
)

ECCNS = ("EAR99", "5A991", "5A992", "5A002", "3A991", "4A994", "5A001")

_NAMES = (
    "Acme Inc",
    "Muster Versicherung AG",
    "Nordic Fisheries AS",
    "Havana Trading S.A.",
    "Tehran Office Supplies",
    "Shenzhen Bright Future Electronics Co. Ltd.",
    "Pyongyang General Import",
    "Gulf Freight FZE",
    "Kowloon Logistics Ltd",
    "Banco Central Ltda",
    "Societe Generale d'Equipement",
    "Tokyo Parts KK",
)

_DESCRIPTIONS = ("router", "server", "microprocessor", "office chairs", "firewall", "cable")

_END_USES = ("telecom network", "office use", "resale", "military communications", "university lab")


def countries() -> st.SearchStrategy[str]:
    return st.sampled_from(COUNTRIES)


def roles() -> st.SearchStrategy[str]:
    return st.sampled_from(ROLES)


def dates(
    start: dt.date = dt.date(2010, 1, 1), end: dt.date = dt.date(2024, 12, 31)
) -> st.SearchStrategy[str]:
    """ISO dates (as strings, like a JSON file) between 2010 and 2024."""
    return st.dates(min_value=start, max_value=end).map(dt.date.isoformat)


def money(
    min_value: Decimal = Decimal("0.01"), max_value: Decimal = Decimal("1000000")
) -> st.SearchStrategy[Decimal]:
    """Exact decimals with at most two places: no float rounding anywhere."""
    return st.decimals(
        min_value=min_value, max_value=max_value, places=2, allow_nan=False, allow_infinity=False
    )


@st.composite
def _content(draw: st.DrawFn, unit_value: Decimal) -> Decimal:
    """A US content value within [0, unit_value], two places."""
    cents = int(unit_value * 100)
    return Decimal(draw(st.integers(min_value=0, max_value=cents))) / 100


@st.composite
def items(draw: st.DrawFn, origin: st.SearchStrategy[str | None] | None = None) -> dict[str, Any]:
    """One item as a plain dict; values are decimal strings (as in a JSON file)."""
    item: dict[str, Any] = {"description": draw(st.sampled_from(_DESCRIPTIONS))}
    eccn = draw(st.none() | st.sampled_from(ECCNS))
    if eccn is not None:
        item["eccn"] = eccn
    item["origin"] = draw(origin if origin is not None else st.none() | countries())
    item["quantity"] = str(draw(st.integers(min_value=1, max_value=1000)))
    unit_value = draw(st.none() | money())
    if unit_value is not None:
        item["unit_value"] = str(unit_value)
        if draw(st.booleans()):
            item["us_content_value"] = str(draw(_content(unit_value)))
    return item


@st.composite
def parties(draw: st.DrawFn) -> dict[str, Any]:
    party: dict[str, Any] = {
        "role": draw(roles()),
        "name": draw(st.sampled_from(_NAMES)),
        "country": draw(countries()),
    }
    us_person = draw(st.none() | st.booleans())
    if us_person is not None:
        party["us_person"] = us_person
    if draw(st.booleans()):
        shares = draw(st.lists(st.integers(min_value=1, max_value=50), max_size=2))
        party["owners"] = [
            {"name": f"Owner {i}", "country": draw(countries()), "share": share}
            for i, share in enumerate(shares)
        ]
    return party


@st.composite
def transactions(draw: st.DrawFn) -> dict[str, Any]:
    """A valid transaction as a plain dict, dated 2010-2024."""
    tx: dict[str, Any] = {
        "id": f"tx-{draw(st.integers(min_value=1, max_value=10**6))}",
        "date": draw(dates()),
        "destination": draw(countries()),
        "items": draw(st.lists(items(), min_size=1, max_size=3)),
    }
    route = draw(st.lists(countries(), max_size=3))
    if route:
        tx["route"] = route
    tx["parties"] = draw(st.lists(parties(), max_size=4))
    end_use = draw(st.none() | st.sampled_from(_END_USES))
    if end_use is not None:
        tx["end_use"] = end_use
    return tx


def json_values() -> st.SearchStrategy[Any]:
    """Free-form JSON data, as in a transaction's ``metadata``: any text (but lone surrogates),
    integers, finite floats, booleans, null, and nested lists and objects."""
    text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(min_value=-(2**70), max_value=2**70)
        | st.floats(allow_nan=False, allow_infinity=False)
        | text
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
        max_leaves=8,
    )


_NAME_PIECES = (
    # Fragments that exercise every normalisation step: legal forms and their parts, known
    # words split in two, number words, initials, clause marks, look-alike and foreign letters,
    # invisible characters, symbols that transliterate to letters.
    "ltd", "co", "corp", "joint stock", "public", "limi", "ted", "holdings", "oao", "ooo",
    "inter", "national", "eight", "8", "first", "z.t.e.", "a", "b", "(", ")", ",", "&", "'",
    "-", " ", " ", " ", "Beijing", "Star", "ZTE", "\u0412", "\u0435", "\u0396", "\u03a4",
    "Шестаков", "Дмитрий", "中兴", "八星", "محمد", "\u200b", "\u00ad", "\ufeff", "\u00ae",
    "\u00a9", "\u2116", "É", "ø", "ß", "ＺＴＥ",
)  # fmt: skip


def name_texts(max_size: int = 40) -> st.SearchStrategy[str]:
    """Names to normalise: any text at all, or text assembled from pieces that exercise
    legal forms, split words, initials, look-alikes, foreign scripts and invisible characters."""
    pieces = st.lists(st.sampled_from(_NAME_PIECES), max_size=10).map("".join)
    return st.text(max_size=max_size) | pieces
