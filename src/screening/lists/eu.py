"""The EU Financial Sanctions Files (FSF): the consolidated list of persons, groups and entities
subject to EU financial sanctions, as XML (``xmlFullSanctionsList_1_1``) or CSV
(``csvFullSanctionsList_1_1``).

XML: ``<export>`` (namespace ``http://eu.europa.eu/fpi/fsd/export``) holds ``<sanctionEntity
euReferenceNumber=... logicalId=...>`` elements, each with ``<regulation programme=...
publicationDate=... numberTitle=...>``, ``<subjectType code="person|enterprise">``,
``<nameAlias wholeName=... strong="true|false">``, ``<citizenship countryIso2Code=...>``,
``<birthdate birthdate=... year=... circa=...>``, ``<identification number=...
identificationTypeDescription=...>`` and ``<address street=... city=... countryIso2Code=...>``.

CSV: semicolon-separated, one row per fact (a name, an address, a birth date, ...) with the
entity's columns (``Entity_LogicalId``, ``Entity_EU_ReferenceNumber``, ``Entity_Regulation_*``)
repeated on each; rows are grouped by ``Entity_LogicalId``.

The EU reference number (``EU.27.28``) is the entry's id when there is one, else the logical
id; the logical id is the entry's ``stable_id`` either way (what diffs match releases on). A
name alias with ``strong="false"`` is a weak alias (review, never a block on its own).
The listing starts at the earliest publication date of the entry's regulations. Country code
``00`` means unknown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from .._io.countries import is_country
from .model import ListEntry
from .reading import Collector, Records, Source, iso_date, unique
from .xmldoc import local, parse_xml

__all__ = ["EU_CSV_REQUIRED", "EU_NAME", "EU_ROOT", "parse_eu_csv", "parse_eu_xml"]

EU_ROOT = "export"
EU_NAME = "EU Financial Sanctions Files (consolidated list)"
EU_CSV_REQUIRED = ("Entity_LogicalId", "NameAlias_WholeName")
_TYPES = {"person": "Individual", "enterprise": "Entity", "vessel": "Vessel"}


@dataclass(slots=True)
class _Draft:
    """An entry being gathered (from one element, or from the CSV rows of one entity)."""

    line: int
    logical_id: str
    reference: str | None = None
    subject: str | None = None
    remark: str | None = None
    names: list[tuple[str, bool]] = field(default_factory=list)
    programmes: list[str] = field(default_factory=list)
    regulations: list[str] = field(default_factory=list)
    published: list[dt.date] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    births: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    return " ".join(value.split()) or None


def _code(value: str | None) -> str | None:
    value = _clean(value)
    if value is None or not is_country(value.upper()):
        return None  # "00" is the FSF's "unknown"
    return value.upper()


def _yes(value: str | None) -> bool:
    return (_clean(value) or "").lower() == "true"


def parse_eu_xml(source: Source, problems: Collector) -> tuple[tuple[ListEntry, ...], int]:
    """Entries of an FSF XML file; returns (entries, sanctionEntity elements read)."""
    doc = parse_xml(source)
    if local(doc.root.tag) != EU_ROOT:
        problems.add(f"root element <{local(doc.root.tag)}>, expected <{EU_ROOT}>", line=1)
        return (), 0
    entries: list[ListEntry] = []
    rows = 0
    for element in doc.root:
        if local(element.tag) != "sanctionEntity":
            continue
        rows += 1
        line = doc.line(element)
        draft = _Draft(line, element.get("logicalId") or "")
        draft.reference = _clean(element.get("euReferenceNumber"))
        for child in element:
            _xml_fact(draft, local(child.tag), child, problems, doc.line(child))
        entry = _entry(draft, problems)
        if entry is not None:
            entries.append(entry)
    return tuple(entries), rows


def _xml_fact(draft: _Draft, tag: str, el: Element, problems: Collector, line: int) -> None:
    get = el.get
    if tag == "remark":
        draft.remark = _clean(el.text)
    elif tag == "subjectType":
        draft.subject = _clean(get("code"))
    elif tag == "nameAlias":
        name = _clean(get("wholeName"))
        if name is None:
            parts = (get("firstName"), get("middleName"), get("lastName"))
            name = _clean(" ".join(p for p in parts if p))
        if name is not None:
            draft.names.append((name, get("strong", "true").lower() != "false"))
    elif tag == "regulation":
        _regulation(
            draft, get("programme"), get("numberTitle"), get("publicationDate"), problems, line
        )
    elif tag == "citizenship":
        _add(draft.nationalities, _code(get("countryIso2Code")))
    elif tag == "birthdate":
        _birth(draft, get("birthdate"), get("year"), get("circa"))
    elif tag == "identification":
        _document(
            draft,
            get("number") or get("latinNumber"),
            get("identificationTypeDescription") or get("identificationTypeCode"),
            get("countryIso2Code"),
        )
    elif tag == "address":
        _address(
            draft,
            (get("street"), get("poBox"), get("city"), get("zipCode"), get("region")),
            get("countryIso2Code"),
            get("countryDescription"),
        )


def _add(values: list[str], value: str | None) -> None:
    if value is not None:
        values.append(value)


def _regulation(
    draft: _Draft,
    programme: str | None,
    title: str | None,
    published: str | None,
    problems: Collector,
    line: int,
) -> None:
    _add(draft.programmes, _clean(programme))
    _add(draft.regulations, _clean(title))
    try:
        day = iso_date(_clean(published))
    except ValueError as exc:
        problems.add(f"regulation publicationDate: {exc}", line=line)
        return
    if day is not None:
        draft.published.append(day)


def _birth(draft: _Draft, date: str | None, year: str | None, circa: str | None) -> None:
    text = _clean(date) or _clean(year)
    if text is not None:
        draft.births.append(f"c. {text}" if _yes(circa) else text)


def _document(draft: _Draft, number: str | None, kind: str | None, country: str | None) -> None:
    number = _clean(number)
    if number is not None:
        code = _code(country)
        draft.documents.append(
            f"{_clean(kind) or 'Document'} {number}" + (f" ({code})" if code else "")
        )


def _address(
    draft: _Draft, parts: tuple[str | None, ...], country: str | None, described: str | None
) -> None:
    code = _code(country)
    words = [p for p in (_clean(v) for v in parts) if p is not None]
    if code is not None:
        words.append(code)
    elif _clean(described) not in (None, "UNKNOWN"):
        words.append(str(_clean(described)))
    if words:
        draft.addresses.append(", ".join(words))
    _add(draft.countries, code)


def _entry(draft: _Draft, problems: Collector) -> ListEntry | None:
    where = draft.reference or draft.logical_id or "an entity"
    if not draft.names:
        problems.add(f"{where}: no name (every entry has one)", line=draft.line, path="nameAlias")
        return None
    if not draft.reference and not draft.logical_id:
        problems.add("an entity without euReferenceNumber or logicalId", line=draft.line)
        return None
    strong = [n for n, is_strong in draft.names if is_strong]
    weak = [n for n, is_strong in draft.names if not is_strong]
    name = (strong or weak)[0]
    programmes = unique(draft.programmes)
    basis = ", ".join([*(f"{p} programme" for p in programmes), *unique(draft.regulations)[:1]])
    return ListEntry(
        id=draft.reference or f"logical-{draft.logical_id}",
        list="EU",
        list_name=EU_NAME,
        name=name,
        aliases=unique([n for n in strong if n != name]),
        weak_aliases=unique([n for n in weak if n != name and n not in strong]),
        addresses=unique(draft.addresses),
        countries=unique(draft.countries),
        nationalities=unique(draft.nationalities),
        birth_dates=unique(draft.births),
        identifiers=unique(draft.documents),
        programs=programmes,
        regime=", ".join(
            p for p in (basis, draft.reference or f"logical id {draft.logical_id}") if p
        ),
        type=_TYPES.get((draft.subject or "").lower()),
        start=min(draft.published, default=None),
        remarks=draft.remark,
        stable_id=f"logical-{draft.logical_id}" if draft.logical_id else None,
        row=str(draft.line),
    )


def parse_eu_csv(source: Source, problems: Collector) -> tuple[tuple[ListEntry, ...], int]:
    """Entries of an FSF CSV file; returns (entries, data rows)."""
    records = Records(source, problems, EU_CSV_REQUIRED, delimiter=";")
    drafts: dict[str, _Draft] = {}
    for line, row in records:
        logical = _clean(row.get("Entity_LogicalId"))
        if logical is None:
            problems.add("empty (every row names its entity)", line=line, path="Entity_LogicalId")
            continue
        draft = drafts.get(logical)
        if draft is None:
            draft = drafts[logical] = _Draft(line, logical)
        _csv_facts(draft, row, problems, line)
    entries = [e for d in drafts.values() if (e := _entry(d, problems)) is not None]
    return tuple(entries), records.rows


def _csv_facts(draft: _Draft, row: dict[str, str], problems: Collector, line: int) -> None:
    get = row.get
    draft.reference = draft.reference or _clean(get("Entity_EU_ReferenceNumber"))
    draft.subject = draft.subject or _clean(get("Entity_SubjectType"))
    draft.remark = draft.remark or _clean(get("Entity_Remark"))
    _regulation(
        draft,
        get("Entity_Regulation_Programme"),
        get("Entity_Regulation_NumberTitle"),
        get("Entity_Regulation_PublicationDate"),
        problems,
        line,
    )
    name = _clean(get("NameAlias_WholeName"))
    if name is not None:
        strong = get("NameAlias_Strong")  # not in every release of the CSV; strong when absent
        draft.names.append((name, (_clean(strong) or "true").lower() != "false"))
    _add(draft.nationalities, _code(get("Citizenship_CountryIso2Code")))
    _birth(draft, get("BirthDate_BirthDate"), get("BirthDate_Year"), get("BirthDate_Circa"))
    _document(
        draft,
        get("Identification_Number"),
        get("Identification_TypeDescription") or get("Identification_TypeCode"),
        get("Identification_CountryIso2Code"),
    )
    parts = ("Address_Street", "Address_PoBox", "Address_City", "Address_ZipCode", "Address_Region")
    if any(_clean(get(p)) for p in (*parts, "Address_CountryIso2Code")):
        _address(
            draft,
            tuple(get(p) for p in parts),
            get("Address_CountryIso2Code"),
            get("Address_CountryDescription"),
        )
