"""The UN Security Council Consolidated List as the UN publishes it (``consolidated.xml``).

``<CONSOLIDATED_LIST>`` holds ``<INDIVIDUALS>`` and ``<ENTITIES>``; each record has its
``REFERENCE_NUMBER`` (``QDi.001``, ``KPe.033``: the regime's code, ``i`` or ``e``, a number),
the regime (``UN_LIST_TYPE``: Al-Qaida, DPRK, Taliban, ...), ``LISTED_ON``, names in
``FIRST_NAME`` .. ``FOURTH_NAME`` (and ``NAME_ORIGINAL_SCRIPT``), aliases with a ``QUALITY``
(``Good``, ``Low``, ``a.k.a.``, ``f.k.a.``), nationalities, addresses, dates of birth and
documents. The reference number is the entry's id: it is what the UN and every hit cite.

A "Low" quality alias is, in the UN's words, one that is too broad to identify the person on
its own: it becomes a weak alias (a match on it is a review, never a block).
"""

from __future__ import annotations

import datetime as dt
import re
from xml.etree.ElementTree import Element

from .countrynames import country_code
from .model import ListEntry
from .reading import Collector, Source, iso_date, unique
from .xmldoc import parse_xml

__all__ = ["UN_NAME", "UN_ROOT", "parse_un"]

UN_ROOT = "CONSOLIDATED_LIST"
UN_NAME = "UN Security Council Consolidated List"
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_ZONE = re.compile(r"Z|[+-]\d\d:\d\d")
_ADDRESS_PARTS = ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE")


def _text(element: Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return " ".join(element.text.split()) or None


def _child(record: Element, tag: str) -> str | None:
    return _text(record.find(tag))


def _values(record: Element, tag: str) -> list[str]:
    return [v for e in record.findall(f"{tag}/VALUE") if (v := _text(e)) is not None]


def parse_un(source: Source, problems: Collector) -> tuple[tuple[ListEntry, ...], int]:
    """Entries of a UN consolidated list; returns (entries, records read)."""
    doc = parse_xml(source)
    entries: list[ListEntry] = []
    rows = 0
    for group, kind in (("INDIVIDUALS", "INDIVIDUAL"), ("ENTITIES", "ENTITY")):
        for record in doc.root.findall(f"{group}/{kind}"):
            rows += 1
            entry = _entry(record, kind, doc.line(record), problems)
            if entry is not None:
                entries.append(entry)
    return tuple(entries), rows


def _entry(record: Element, kind: str, line: int, problems: Collector) -> ListEntry | None:
    reference = _child(record, "REFERENCE_NUMBER")
    if reference is None:
        problems.add("a record without a REFERENCE_NUMBER", line=line, path="REFERENCE_NUMBER")
        return None
    parts = _NAME_PARTS if kind == "INDIVIDUAL" else _NAME_PARTS[:1]
    name = " ".join(p for tag in parts if (p := _child(record, tag)) is not None)
    if not name:
        problems.add(f"{reference}: no name (every entry has one)", line=line, path="FIRST_NAME")
        return None
    try:
        start = _xs_date(_child(record, "LISTED_ON"))
    except ValueError as exc:
        problems.add(f"{reference}: {exc}", line=line, path="LISTED_ON")
        return None
    strong: list[str] = []
    weak: list[str] = []
    original = _child(record, "NAME_ORIGINAL_SCRIPT")
    if original is not None:
        strong.append(original)
    for alias in record.findall(f"{kind}_ALIAS"):
        alias_name = _child(alias, "ALIAS_NAME")
        if alias_name is None or alias_name == name:
            continue
        (weak if _child(alias, "QUALITY") == "Low" else strong).append(alias_name)
    addresses: list[str] = []
    countries: list[str] = []
    for address in record.findall(f"{kind}_ADDRESS"):
        country = _child(address, "COUNTRY")
        text = ", ".join(v for tag in _ADDRESS_PARTS if (v := _child(address, tag)) is not None)
        text = ", ".join(v for v in (text, country) if v)
        if text:
            addresses.append(text)
        code = country_code(country) if country is not None else None
        if code is not None:
            countries.append(code)
    regime = _child(record, "UN_LIST_TYPE") or "UN"
    return ListEntry(
        id=reference,
        list="UN",
        list_name=UN_NAME,
        name=name,
        aliases=unique([a for a in strong if a not in weak]),
        weak_aliases=unique([a for a in weak if a not in strong]),
        addresses=unique(addresses),
        countries=unique(countries),
        nationalities=unique(
            [c for v in _values(record, "NATIONALITY") if (c := country_code(v)) is not None]
        ),
        birth_dates=unique(_birth_dates(record)),
        identifiers=unique(_documents(record)),
        programs=(regime,),
        regime=f"{regime} sanctions regime, {reference}",
        type="Individual" if kind == "INDIVIDUAL" else "Entity",
        start=start,
        remarks=_child(record, "COMMENTS1"),
        row=str(line),
    )


def _xs_date(text: str | None) -> dt.date | None:
    """An XML Schema date: ``2015-04-07``, or with the time zone some records carry
    (``2015-04-07-04:00``, ``2015-04-07Z``), which says nothing about the day listed."""
    if text is not None and _ZONE.fullmatch(text[10:]):
        text = text[:10]
    return iso_date(text)


def _birth_dates(record: Element) -> list[str]:
    out = []
    for birth in record.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        date = _child(birth, "DATE") or _child(birth, "YEAR")
        low, high = _child(birth, "FROM_YEAR"), _child(birth, "TO_YEAR")
        if date is None and low is not None and high is not None:
            date = f"{low}..{high}"
        if date is None:
            continue
        circa = _child(birth, "TYPE_OF_DATE") == "APPROXIMATELY"
        out.append(f"c. {date}" if circa else date)
    return out


def _documents(record: Element) -> list[str]:
    out = []
    for document in record.findall("INDIVIDUAL_DOCUMENT"):
        number = _child(document, "NUMBER")
        if number is None:
            continue
        kind = _child(document, "TYPE_OF_DOCUMENT") or "Document"
        issuer = _child(document, "ISSUING_COUNTRY") or _child(document, "COUNTRY_OF_ISSUE")
        code = country_code(issuer) if issuer is not None else None
        out.append(f"{kind} {number}" + (f" ({code or issuer})" if issuer else ""))
    return out
