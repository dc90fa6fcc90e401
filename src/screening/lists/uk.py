"""The UK Sanctions List as the FCDO publishes it in XML (``UK_Sanctions_List.xml``).

``<Designations>`` holds one ``<Designation>`` per person, entity or ship: ``UniqueID``
(``RUS0001``: the regime's code and a number; the entry's id), ``UNReferenceNumber`` for UN
designations, ``RegimeName``, ``DesignationSource`` (UK or UN), ``DateDesignated``
(``dd/mm/yyyy``), ``IndividualEntityShip``, ``Names/Name`` (``Name1`` .. ``Name6``, the last
being the family or entity name; ``NameType`` "Primary Name", "Primary Name Variation" or
"Alias"; ``AliasStrength``), ``NonLatinNames``, ``Addresses/Address`` (``AddressLine1`` ..
``AddressLine6``, ``AddressPostalCode``, ``AddressCountry``), and for individuals ``DOBs/DOB``
and ``Nationalities/Nationality``; documents and IMO numbers where given.

An alias whose strength says "low" is a weak alias (review, never a block on its own). Dates of
birth with unknown parts (``dd/mm/1965``) keep the parts that are known.
"""

from __future__ import annotations

import datetime as dt
import re
from xml.etree.ElementTree import Element

from .countrynames import country_code
from .model import ListEntry
from .reading import Collector, Source, unique
from .xmldoc import local, parse_xml

__all__ = ["UK_NAME", "UK_ROOT", "parse_uk"]

UK_ROOT = "Designations"
UK_NAME = "UK Sanctions List (FCDO)"
_TYPES = {"individual": "Individual", "entity": "Entity", "ship": "Vessel"}
_DOCUMENTS = (
    ("PassportNumber", "Passport"),
    ("NationalIdentifierNumber", "National ID"),
    ("IMONumber", "IMO"),
    ("BusinessRegistrationNumber", "Registration"),
)
_DMY = re.compile(r"(\d\d|dd)/(\d\d|mm)/(\d{4})")


def _text(element: Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return " ".join(element.text.split()) or None


def _find(element: Element, name: str) -> str | None:
    """The text of the first descendant called ``name`` (any namespace)."""
    for child in element.iter():
        if local(child.tag) == name:
            return _text(child)
    return None


def _all(element: Element, name: str) -> list[str]:
    return [t for c in element.iter() if local(c.tag) == name and (t := _text(c)) is not None]


def _dmy(text: str) -> str | None:
    """``12/05/1961`` as ``1961-05-12``; ``dd/mm/1961`` as ``1961``; None when not a date."""
    found = _DMY.fullmatch(text)
    if found is None:
        return None
    day, month, year = found.groups()
    if month == "mm":
        return year
    if day == "dd":
        return f"{year}-{month}"
    return f"{year}-{month}-{day}"


def parse_uk(source: Source, problems: Collector) -> tuple[tuple[ListEntry, ...], int]:
    """Entries of a UK Sanctions List XML file; returns (entries, designations read)."""
    doc = parse_xml(source)
    entries: list[ListEntry] = []
    rows = 0
    for element in doc.root:
        if local(element.tag) != "Designation":
            continue
        rows += 1
        entry = _entry(element, doc.line(element), problems)
        if entry is not None:
            entries.append(entry)
    return tuple(entries), rows


def _entry(designation: Element, line: int, problems: Collector) -> ListEntry | None:
    unique_id = _find(designation, "UniqueID")
    if unique_id is None:
        problems.add("a designation without a UniqueID", line=line, path="UniqueID")
        return None
    primary: list[str] = []
    strong: list[str] = []
    weak: list[str] = []
    for element in (c for c in designation.iter() if local(c.tag) == "Name" and len(c)):
        parts = [_find(element, f"Name{i}") for i in range(1, 7)]
        text = " ".join(p for p in parts if p is not None)
        if not text:
            continue
        kind = (_find(element, "NameType") or "").lower()
        if kind == "primary name":
            primary.append(text)
        elif "low" in (_find(element, "AliasStrength") or "").lower():
            weak.append(text)
        else:
            strong.append(text)
    strong += _all(designation, "NameNonLatinScript")
    names = primary + strong
    if not names:
        problems.add(f"{unique_id}: no name (every entry has one)", line=line, path="Names")
        return None
    start_text = _find(designation, "DateDesignated")
    start = None
    if start_text is not None:
        day = _dmy(start_text)
        if day is None or len(day) != 10:
            problems.add(
                f"{unique_id}: invalid date {start_text!r} (expected dd/mm/yyyy)",
                line=line,
                path="DateDesignated",
            )
            return None
        try:
            start = dt.date.fromisoformat(day)
        except ValueError:
            problems.add(
                f"{unique_id}: invalid date {start_text!r} (expected dd/mm/yyyy)",
                line=line,
                path="DateDesignated",
            )
            return None
    addresses: list[str] = []
    countries: list[str] = []
    for address in (c for c in designation.iter() if local(c.tag) == "Address"):
        lines = [_find(address, f"AddressLine{i}") for i in range(1, 7)]
        country = _find(address, "AddressCountry")
        text = ", ".join(
            p for p in (*lines, _find(address, "AddressPostalCode"), country) if p is not None
        )
        if text:
            addresses.append(text)
        code = country_code(country) if country is not None else None
        if code is not None:
            countries.append(code)
    regime = _find(designation, "RegimeName")
    un_reference = _find(designation, "UNReferenceNumber")
    basis = ", ".join(
        p
        for p in (
            f"{regime} regime" if regime else None,
            unique_id,
            un_reference and f"UN {un_reference}",
        )
        if p
    )
    name = names[0]
    return ListEntry(
        id=unique_id,
        list="UK",
        list_name=UK_NAME,
        name=name,
        aliases=unique([n for n in names[1:] if n != name]),
        weak_aliases=unique([n for n in weak if n != name and n not in names]),
        addresses=unique(addresses),
        countries=unique(countries),
        nationalities=unique(
            [c for v in _all(designation, "Nationality") if (c := country_code(v)) is not None]
        ),
        birth_dates=unique([d for v in _all(designation, "DOB") if (d := _dmy(v)) is not None]),
        identifiers=unique(
            [f"{label} {v}" for tag, label in _DOCUMENTS for v in _all(designation, tag)]
        ),
        programs=(regime,) if regime else (),
        regime=basis,
        type=_TYPES.get((_find(designation, "IndividualEntityShip") or "").lower()),
        start=start,
        remarks=_find(designation, "OtherInformation"),
        row=str(line),
    )
