"""The BIS Denied Persons List as BIS publishes it (``dpl.txt``): tab-separated, quoted, with a
header, one row per person and address.

Rows of one denial (same name, effective and expiration dates and Federal Register citation) are
one entry with all its addresses, as the Consolidated Screening List groups them. The file
gives no ids: an entry's id is derived from those four fields, so it is stable across releases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..countries import is_country
from .model import ListEntry, derived_id
from .reading import Collector, Source, csv_rows, unique, us_date

__all__ = ["COLUMNS", "DPL_NAME", "looks_like_dpl", "parse_dpl"]

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
    rows = csv_rows(source, problems, delimiter="\t")
    header_row = next(rows, None)
    if header_row is None:
        problems.add("no header row")
        return (), 0
    header = [h.strip() for h in header_row.fields]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        problems.add(f"header lacks the column(s) {', '.join(missing)}", line=header_row.line)
        return (), 0
    index = {name: i for i, name in enumerate(header)}
    width = len(header)
    groups: dict[tuple[str, str, str, str], _Draft] = {}
    dates: dict[tuple[str, str, str, str], tuple[dt.date | None, dt.date | None]] = {}
    count = 0
    for row in rows:
        count += 1
        if len(row.fields) != width:
            problems.add(
                f"{len(row.fields)} fields, expected {width} as in the header "
                "(the file may be truncated or corrupt)",
                line=row.line,
            )
            continue
        v = {name: _clean(row.fields[i]) for name, i in index.items()}
        name = v["Name"]
        if name is None:
            problems.add("empty (every entry has a name)", line=row.line, path="Name")
            continue
        try:
            start = us_date(v["Effective_Date"])
            end = us_date(v["Expiration_Date"])
        except ValueError as exc:
            problems.add(str(exc), line=row.line)
            continue
        if start is not None and end is not None and end < start:
            problems.add(
                f"Expiration_Date {end} is before Effective_Date {start}",
                line=row.line,
                path="Expiration_Date",
            )
            continue
        key = (name, str(start or ""), str(end or ""), v["FR_Citation"] or "")
        draft = groups.setdefault(key, _Draft(row.line))
        dates[key] = (start, end)
        country = (v.get("Country") or "").upper() or None
        parts = [v.get(c) for c in ("Street_Address", "City", "State", "Postal_Code")]
        parts.append(country)
        text = ", ".join(p for p in parts if p)
        if text:
            draft.addresses.append(text)
        if country is not None and is_country(country):
            draft.countries.append(country)
    if count == 0 and not problems:
        problems.add("no entries (a header row only)", line=header_row.line)
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
    return tuple(entries), count
