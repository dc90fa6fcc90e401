"""The BIS Denied Persons List as BIS publishes it (``dpl.txt``): tab-separated, quoted, with a
header, one row per person and address.

Rows of one denial (same name, effective and expiration dates and Federal Register citation) are
one entry with all its addresses, as the Consolidated Screening List groups them. The file
gives no ids: an entry's id is derived from those four fields, so it is stable across releases.

Some foreign addresses have their country code in the State column and an empty Country (the
2022-09 file: Nicosia addresses with ``CY``, Stavropol ones with ``RS``, the FIPS 10-4 code of
Russia, not ISO's Serbia). `STATE_AS_COUNTRY` reads those codes as the country; any other
code in State is a US state or stays text of the address only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .._io.countries import is_country
from .model import ListEntry, derived_id
from .reading import Collector, Records, Source, unique, us_date

__all__ = ["COLUMNS", "DPL_NAME", "STATE_AS_COUNTRY", "looks_like_dpl", "parse_dpl"]

COLUMNS = (
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
)
REQUIRED = ("Name", "Effective_Date", "Expiration_Date", "FR_Citation")
DPL_NAME = "Denied Persons List (DPL) - Bureau of Industry and Security"
STATE_AS_COUNTRY = {"CY": "CY", "RS": "RU"}
"""Codes found in the State column of foreign addresses with no Country, and the ISO country
they stand for there (checked against the addresses: Nicosia, Cyprus; Stavropol, Russia)."""


@dataclass(slots=True)
class _Draft:
    line: int
    addresses: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)


def _clean(value: str) -> str | None:
    value = " ".join(value.split())
    return value or None


def looks_like_dpl(header: list[str]) -> bool:
    """True for the header of a DPL file."""
    return all(c in header for c in REQUIRED)


def parse_dpl(source: Source, problems: Collector) -> tuple[tuple[ListEntry, ...], int]:
    """Entries of a DPL file; returns (entries, data rows)."""
    records = Records(source, problems, REQUIRED, delimiter="\t")
    groups: dict[tuple[str, str, str, str], _Draft] = {}
    dates: dict[tuple[str, str, str, str], tuple[dt.date | None, dt.date | None]] = {}
    for line, fields in records:
        v = {name: _clean(value) for name, value in fields.items()}
        name = v["Name"]
        if name is None:
            problems.add("empty (every entry has a name)", line=line, path="Name")
            continue
        try:
            start = us_date(v["Effective_Date"])
            end = us_date(v["Expiration_Date"])
        except ValueError as exc:
            problems.add(str(exc), line=line)
            continue
        if start is not None and end is not None and end < start:
            problems.add(
                f"Expiration_Date {end} is before Effective_Date {start}",
                line=line,
                path="Expiration_Date",
            )
            continue
        key = (name, str(start or ""), str(end or ""), v["FR_Citation"] or "")
        draft = groups.setdefault(key, _Draft(line))
        dates[key] = (start, end)
        country = (v.get("Country") or "").upper() or None
        state = v.get("State")
        if country is None and state is not None and state.upper() in STATE_AS_COUNTRY:
            country, state = STATE_AS_COUNTRY[state.upper()], None
        parts = [v.get("Street_Address"), v.get("City"), state, v.get("Postal_Code")]
        parts.append(country)
        text = ", ".join(p for p in parts if p)
        if text:
            draft.addresses.append(text)
        if country is not None and is_country(country):
            draft.countries.append(country)
    entries = []
    for key, draft in groups.items():
        name, _, _, fr = key
        start, end = dates[key]
        entries.append(
            ListEntry(
                id=derived_id("DPL", *key),
                list="DPL",
                list_name=DPL_NAME,
                name=name,
                addresses=unique(draft.addresses),
                countries=unique(draft.countries),
                federal_register_notice=fr or None,
                start=start,
                end=end,
                derived=True,
                row=str(draft.line),
            )
        )
    return tuple(entries), records.rows
