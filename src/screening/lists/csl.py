"""The Consolidated Screening List of trade.gov, as CSV (2019, 2022 and 2025 layouts) or JSON.

CSV: one row per entry with a header; multi-valued fields (names, addresses, programmes) are
separated by ``;`` and every address ends with its ISO country code. The 2019 layout has no
``_id`` column (entries of OFAC lists are then identified by ``entity_number``; the others get
a derived id); the 2022 and 2025 layouts share one header. JSON: the object the trade.gov API
returns (``{"results": [...]}``, also accepted as a bare list), with addresses as objects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from .._io.countries import is_country
from .model import ListEntry, derived_id, list_code
from .reading import Collector, Records, Source, address_country, iso_date, split_list, unique

__all__ = ["COLUMNS", "parse_csl_csv", "parse_csl_json"]

COLUMNS = (
    "_id",
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "federal_register_notice",
    "start_date",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "remarks",
    "source_list_url",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "source_information_url",
    "ids",
)
"""The columns of the 2022 / 2025 layout; the 2019 layout is the same without ``_id``."""

REQUIRED = ("source", "name")


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


_ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")


def _birth_dates(value: object) -> tuple[str, ...]:
    """The CSL's ``dates_of_birth`` ("1967; 1966", "circa 1979", "1954 to 1958") as the list
    model writes them ("1954..1958"); nothing from a value that is not text (JSON lists)."""
    if not isinstance(value, str):
        return ()
    out = []
    for part in value.split(";"):
        part = " ".join(part.split())
        m = re.fullmatch(r"(?:circa )?(\d{4}) to (\d{4})", part)
        if m:
            out.append(f"{m[1]}..{m[2]}")
        elif part:
            out.append(part.removeprefix("circa ").strip())
    return tuple(dict.fromkeys(out))


def _identifiers(value: object) -> tuple[str, ...]:
    """The CSL's ``ids`` ("CA, BC166787, Passport; RU, 7736640919, Tax ID No.") as the list
    model writes identifiers ("Passport BC166787 (CA)"): the last part names the kind, a
    two-letter first part the country, dates (issue, expiry) are left out; parts with no digit
    (gender, sanctions notes) are not identifiers."""
    if not isinstance(value, str):
        return ()
    out = []
    for item in value.split(";"):
        parts = [p.strip() for p in item.split(",") if p.strip()]
        if len(parts) < 2:
            continue
        kind, country = parts[-1], ""
        rest = parts[:-1]
        if len(rest[0]) == 2 and rest[0].isalpha() and rest[0].isupper():
            country, rest = rest[0], rest[1:]
        numbers = [p for p in rest if not _ISO_DAY.fullmatch(p) and any(c.isdigit() for c in p)]
        if numbers:
            out.append(f"{kind} {numbers[-1]}" + (f" ({country})" if country else ""))
    return tuple(dict.fromkeys(out))


def _entry(
    values: Mapping[str, str | None],
    *,
    addresses: tuple[str, ...],
    countries: tuple[str, ...],
    aliases: tuple[str, ...],
    programs: tuple[str, ...],
    line: int | None,
    row: str,
    where: str,
    problems: Collector,
) -> ListEntry | None:
    """An entry from the fields of one CSV row or JSON result (already split)."""
    source = _clean(values.get("source"))
    name = _clean(values.get("name"))
    ok = True
    if source is None:
        problems.add("empty (every entry names its source list)", line=line, path=where + "source")
        ok = False
    if name is None:
        problems.add("empty (every entry has a name)", line=line, path=where + "name")
        ok = False
    dates = {}
    for key in ("start_date", "end_date"):
        try:
            dates[key] = iso_date(values.get(key))
        except ValueError as exc:
            problems.add(str(exc), line=line, path=where + key)
            ok = False
    start, end = dates.get("start_date"), dates.get("end_date")
    if start is not None and end is not None and end < start:
        problems.add(
            f"end_date {end} is before start_date {start}", line=line, path=where + "end_date"
        )
        ok = False
    if not ok or source is None or name is None:
        return None
    code = list_code(source)
    fr = _clean(values.get("federal_register_notice"))
    own_id = _clean(values.get("_id")) or _clean(values.get("entity_number"))
    derived = own_id is None
    if own_id is None:
        own_id = derived_id(code, name, ";".join(addresses), fr, str(start or ""))
    return ListEntry(
        id=own_id,
        list=code,
        list_name=source,
        name=name,
        aliases=tuple(a for a in aliases if a != name),
        addresses=addresses,
        countries=countries,
        programs=programs,
        type=_clean(values.get("type")),
        federal_register_notice=fr,
        start=start,
        end=end,
        licence_requirement=_clean(values.get("license_requirement")),
        licence_policy=_clean(values.get("license_policy")),
        remarks=_clean(values.get("remarks")),
        source_url=_clean(values.get("source_list_url")),
        birth_dates=_birth_dates(values.get("dates_of_birth")),
        identifiers=_identifiers(values.get("ids")),
        derived=derived,
        row=row,
    )


def parse_csl_csv(source: Source, problems: Collector) -> tuple[str, tuple[ListEntry, ...], int]:
    """Entries of a CSL CSV; returns (layout, entries, data rows)."""
    records = Records(source, problems, REQUIRED)
    layout = "2022" if "_id" in records.header else "2019"
    entries: list[ListEntry] = []
    for line, values in records:
        addresses = split_list(values.get("addresses"))
        countries = unique([c for a in addresses if (c := address_country(a)) is not None])
        entry = _entry(
            values,
            addresses=addresses,
            countries=countries,
            aliases=tuple(_clean(a) or "" for a in split_list(values.get("alt_names"))),
            programs=split_list(values.get("programs")),
            line=line,
            row=str(line),
            where="",
            problems=problems,
        )
        if entry is not None:
            entries.append(entry)
    return layout, tuple(entries), records.rows


def _strings(value: Any, problems: Collector, path: str) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return split_list(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(dict.fromkeys(c for v in value if (c := _clean(v)) is not None))
    problems.add("expected a list of strings", path=path)
    return ()


def _json_addresses(
    value: Any, problems: Collector, path: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if value is None:
        return (), ()
    if isinstance(value, str):
        addresses = split_list(value)
        return addresses, unique([c for a in addresses if (c := address_country(a)) is not None])
    if not isinstance(value, list):
        problems.add("expected a list of addresses", path=path)
        return (), ()
    texts: list[str] = []
    countries: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            problems.add("expected an address object", path=f"{path}[{i}]")
            continue
        parts = [
            _clean(item.get(k)) if isinstance(item.get(k), str) else None
            for k in ("address", "city", "state", "postal_code", "country")
        ]
        text = ", ".join(p for p in parts if p)
        if text:
            texts.append(text)
        country = parts[4]
        if country is not None and is_country(country.upper()):
            countries.append(country.upper())
    return unique(texts), unique(countries)


def parse_csl_json(source: Source, problems: Collector) -> tuple[tuple[ListEntry, ...], int]:
    """Entries of a trade.gov CSL JSON document; returns (entries, results)."""
    try:
        data = json.loads(source.text)
    except json.JSONDecodeError as exc:
        problems.add(
            f"invalid JSON ({exc.msg}, column {exc.colno}): the file may be truncated or corrupt",
            line=exc.lineno,
        )
        return (), 0
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        problems.add(f"invalid JSON ({exc}): the file may be corrupt")
        return (), 0
    if isinstance(data, dict):
        results = data.get("results")
        prefix = "results"
        total = data.get("total")
        if isinstance(results, list) and isinstance(total, int) and total > len(results):
            problems.add(
                f"holds {len(results)} of {total} results: one page of an API search, "
                "not the whole list (use the downloadable consolidated.json)",
                path="total",
            )
            return (), 0
    else:
        results, prefix = data, ""
    if not isinstance(results, list):
        problems.add("expected a 'results' list of entries", path="results")
        return (), 0
    if not results:
        problems.add("no entries ('results' is empty)", path=prefix or None)
        return (), 0
    entries: list[ListEntry] = []
    for i, item in enumerate(results):
        where = f"{prefix}[{i}]"
        if not isinstance(item, dict):
            problems.add("expected an object", path=where)
            continue
        values: dict[str, str | None] = {}
        for key in (
            "source",
            "name",
            "type",
            "federal_register_notice",
            "start_date",
            "end_date",
            "license_requirement",
            "license_policy",
            "remarks",
            "source_list_url",
            "entity_number",
        ):
            value = item.get(key)
            if value is not None and not isinstance(value, str | int):
                problems.add("expected text", path=f"{where}.{key}")
                value = None
            values[key] = None if value is None else str(value)
        raw_id = item.get("id")
        values["_id"] = None if raw_id is None else str(raw_id)
        addresses, countries = _json_addresses(
            item.get("addresses"), problems, f"{where}.addresses"
        )
        entry = _entry(
            values,
            addresses=addresses,
            countries=countries,
            aliases=_strings(item.get("alt_names"), problems, f"{where}.alt_names"),
            programs=_strings(item.get("programs"), problems, f"{where}.programs"),
            line=None,
            row=where,
            where=f"{where}.",
            problems=problems,
        )
        if entry is not None:
            entries.append(entry)
    return tuple(entries), len(results)
