"""The UK lists as CSV: the FCDO's UK Sanctions List (``UK-Sanctions-List.csv``) and OFSI's
consolidated list of financial sanctions targets (``ConList.csv``, 2022 format, which the UK
Sanctions List replaces; copies of it stay in use).

Both give one row per name: the rows of one designation share its id (FCDO ``Unique ID``,
e.g. ``RUS0001``; OFSI ``Group ID``), and each row repeats the designation's other columns.
A line before the header says when the file was made (FCDO ``Report Date: ...``, OFSI
``Last Updated,dd/mm/yyyy``) and is skipped. Names are ``Name 1`` .. ``Name 5`` then ``Name 6``
(the family or entity name); the row's ``Name type`` (FCDO) or ``Alias Type`` (OFSI) says
"Primary name", "Primary name variation" or an alias, and ``Alias strength`` / ``Alias Quality``
"Low" (or "weak") makes the alias weak: a review, never a block on its own. Names in non-Latin
script are aliases. Dates are ``dd/mm/yyyy``; a date of birth with unknown parts
(``dd/mm/1965``, ``00/00/1965``) keeps the parts that are known.

Headers are matched without regard to case, spaces and punctuation ("Nationality(/ies)" is
``nationalityies``), as the FCDO has respelt some between releases; only the id and ``Name 6``
columns are required.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .countrynames import country_code
from .model import ListEntry
from .reading import Collector, Source, csv_rows, unique

__all__ = [
    "OFSI_NAME",
    "UK_CSV_NAME",
    "parse_ofsi_csv",
    "parse_uk_csv",
    "sniff_uk_csv",
    "uk_csv_kind",
]

UK_CSV_NAME = "UK Sanctions List (FCDO)"
OFSI_NAME = "OFSI Consolidated List of Financial Sanctions Targets (HM Treasury)"
_PREAMBLE_ROWS = 3
"""Rows before the header that are looked at for it (one in every release seen)."""
_TYPES = {"individual": "Individual", "entity": "Entity", "ship": "Vessel"}
_DMY = re.compile(r"(\d\d|dd)/(\d\d|mm)/(\d{4})")
_NUMBERED = re.compile(r"\(\d+\)")
_UK_REF = re.compile(r"\(UK Sanctions List Ref\)\s*:\s*([A-Z]{2,4}\d{3,5})")


def _key(header: str) -> str:
    """A header as compared: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", header.lower())


@dataclass(frozen=True, slots=True)
class _Layout:
    """What differs between the FCDO's CSV and OFSI's: column keys (see `_key`) and labels."""

    format: str
    list_code: str
    list_name: str
    id: str
    id_label: str
    name_type: str
    strength: str
    regime: str
    type: str
    start: tuple[str, ...]
    start_label: str
    birth: tuple[str, ...]
    nationality: tuple[str, ...]
    address_lines: tuple[str, ...]
    postcode: tuple[str, ...]
    country: tuple[str, ...]
    documents: tuple[tuple[str, str], ...]
    un_reference: str | None

    @property
    def kept(self) -> tuple[str, ...]:
        """The columns whose values are gathered from every row of a designation."""
        documents = tuple(key for key, _ in self.documents)
        return (
            *self.start,
            *self.birth,
            *self.nationality,
            *documents,
            self.regime,
            self.type,
            *((self.un_reference,) if self.un_reference else ()),
            "otherinformation",
        )


_UK = _Layout(
    format="uk-csv",
    list_code="UK",
    list_name=UK_CSV_NAME,
    id="uniqueid",
    id_label="Unique ID",
    name_type="nametype",
    strength="aliasstrength",
    regime="regimename",
    type="individualentityship",
    start=("datedesignated",),
    start_label="Date Designated",
    birth=("dob", "dateofbirth"),
    nationality=("nationalityies", "nationality", "nationalities"),
    address_lines=tuple(f"addressline{i}" for i in range(1, 7)),
    postcode=("addresspostalcode", "postalcode"),
    country=("addresscountry",),
    documents=(
        ("passportnumber", "Passport"),
        ("nationalidentifiernumber", "National ID"),
        ("nationalidentificationnumber", "National ID"),
        ("imonumber", "IMO"),
        ("businessregistrationnumbers", "Registration"),
    ),
    un_reference="unreferencenumber",
)
_OFSI = _Layout(
    format="ofsi-csv",
    list_code="OFSI",
    list_name=OFSI_NAME,
    id="groupid",
    id_label="Group ID",
    name_type="aliastype",
    strength="aliasquality",
    regime="regime",
    type="grouptype",
    start=("listedon",),
    start_label="Listed On",
    birth=("dob",),
    nationality=("nationality",),
    address_lines=tuple(f"address{i}" for i in range(1, 7)),
    postcode=("postzipcode",),
    country=("country",),
    documents=(
        ("passportnumber", "Passport"),
        ("nationalidentificationnumber", "National ID"),
    ),
    un_reference=None,
)
_NAME_KEYS = tuple(f"name{i}" for i in (1, 2, 3, 4, 5, 6))


def uk_csv_kind(header: list[str]) -> str | None:
    """``uk-csv`` for the header row of an FCDO CSV, ``ofsi-csv`` for OFSI's, else None."""
    keys = {_key(h) for h in header}
    if "name6" not in keys:
        return None
    if _UK.id in keys:
        return _UK.format
    if _OFSI.id in keys:
        return _OFSI.format
    return None


def sniff_uk_csv(source: Source) -> str | None:
    """``uk-csv`` or ``ofsi-csv`` when one of a text's first rows is the header of that
    format (after the date line), else None."""
    scratch = Collector(source.display)
    for n, row in enumerate(csv_rows(source, scratch)):
        if n >= _PREAMBLE_ROWS:
            break
        kind = uk_csv_kind(row.fields)
        if kind is not None:
            return kind
    return None


@dataclass(slots=True)
class _Draft:
    """A designation being gathered from its rows."""

    line: int
    id: str
    primary: list[str] = field(default_factory=list)
    strong: list[str] = field(default_factory=list)
    weak: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    values: dict[str, list[str]] = field(default_factory=dict)

    def add(self, key: str, value: str | None) -> None:
        """Keep a row's value of a column (none when empty)."""
        if value is not None:
            self.values.setdefault(key, []).append(value)

    def first(self, *keys: str) -> str | None:
        """The first value kept of the first of ``keys`` that has one."""
        for key in keys:
            if self.values.get(key):
                return self.values[key][0]
        return None

    def all(self, *keys: str) -> list[str]:
        """Every value kept of ``keys``, in row order."""
        return [v for key in keys for v in self.values.get(key, [])]


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    return " ".join(value.split()) or None


def parse_uk_csv(source: Source, problems: Collector) -> tuple[tuple[ListEntry, ...], int]:
    """Entries of an FCDO UK Sanctions List CSV; returns (entries, data rows)."""
    return _parse(source, problems, _UK)


def parse_ofsi_csv(source: Source, problems: Collector) -> tuple[tuple[ListEntry, ...], int]:
    """Entries of an OFSI consolidated list CSV; returns (entries, data rows)."""
    return _parse(source, problems, _OFSI)


def _rows(
    source: Source, problems: Collector, layout: _Layout
) -> Iterator[tuple[int, dict[str, str]]]:
    rows = csv_rows(source, problems)
    header: list[str] | None = None
    for n, row in enumerate(rows):
        if uk_csv_kind(row.fields) == layout.format:
            header = [_key(h) for h in row.fields]
            break
        if n + 1 >= _PREAMBLE_ROWS:
            break
    if header is None:
        problems.add(f"no header row with the columns {layout.id_label} and Name 6", line=1)
        return
    for row in rows:
        if len(row.fields) != len(header):
            problems.add(
                f"{len(row.fields)} fields, expected {len(header)} as in the header "
                "(the file may be truncated or corrupt)",
                line=row.line,
            )
            continue
        yield row.line, dict(zip(header, row.fields, strict=True))


def _getter(row: dict[str, str]) -> Callable[[str], str | None]:
    """A row's cleaned value by column key (None when empty or absent)."""

    def get(key: str) -> str | None:
        return _clean(row.get(key))

    return get


def _parse(
    source: Source, problems: Collector, layout: _Layout
) -> tuple[tuple[ListEntry, ...], int]:
    drafts: dict[str, _Draft] = {}
    count = 0
    for line, row in _rows(source, problems, layout):
        count += 1
        get = _getter(row)
        ident = get(layout.id)
        if ident is None:
            problems.add("empty (every row names its designation)", line=line, path=layout.id_label)
            continue
        draft = drafts.get(ident)
        if draft is None:
            draft = drafts[ident] = _Draft(line, ident)
        _name(draft, layout, get)
        _address(draft, layout, get)
        for key in layout.kept:
            value = get(key)
            if value is not None and value not in draft.values.get(key, ()):
                draft.add(key, value)
    if count == 0 and not problems:
        problems.add("no entries (a header row only)")
    entries = [e for d in drafts.values() if (e := _entry(d, layout, problems)) is not None]
    return tuple(entries), count


def _name(draft: _Draft, layout: _Layout, get: Callable[[str], str | None]) -> None:
    """The row's name, filed as primary, strong or weak; its non-Latin form as strong."""
    text = " ".join(p for key in _NAME_KEYS if (p := get(key)) is not None)
    kind = (get(layout.name_type) or "").lower()
    strength = (get(layout.strength) or "").lower()
    if text:
        if kind == "primary name":
            draft.primary.append(text)
        elif "low" in strength or "weak" in strength:
            draft.weak.append(text)
        else:
            draft.strong.append(text)
    non_latin = get("namenonlatinscript")
    if non_latin is not None:
        draft.strong.append(non_latin)


def _address(draft: _Draft, layout: _Layout, get: Callable[[str], str | None]) -> None:
    """The row's address (its lines, postcode and country) and the country's code."""
    country = next((c for key in layout.country if (c := get(key)) is not None), None)
    parts = [p for key in layout.address_lines if (p := get(key)) is not None]
    parts += [p for key in layout.postcode if (p := get(key)) is not None]
    if country is not None:
        parts.append(country)
        code = country_code(country)
        if code is not None:
            draft.countries.append(code)
    if parts:
        draft.addresses.append(", ".join(parts))


def _dmy(text: str) -> str | None:
    """``12/05/1961`` as ``1961-05-12``; ``dd/mm/1961`` or ``00/00/1961`` as ``1961``."""
    found = _DMY.fullmatch(text)
    if found is None:
        return None
    day, month, year = found.groups()
    if month in ("mm", "00"):
        return year
    if day in ("dd", "00"):
        return f"{year}-{month}"
    return f"{year}-{month}-{day}"


def _several(text: str) -> list[str]:
    """The values of a cell that numbers them, "(1) Russia (2) Ukraine", or separates them
    with ``;``."""
    return [p for part in _NUMBERED.split(text) for q in part.split(";") if (p := _clean(q))]


def _entry(draft: _Draft, layout: _Layout, problems: Collector) -> ListEntry | None:
    names = unique(draft.primary + draft.strong)
    if not names:
        problems.add(f"{draft.id}: no name (every entry has one)", line=draft.line, path="Name 6")
        return None
    start = None
    start_text = draft.first(*layout.start)
    if start_text is not None:
        day = _dmy(start_text)
        try:
            start = dt.date.fromisoformat(day or "")
        except ValueError:
            problems.add(
                f"{draft.id}: invalid date {start_text!r} (expected dd/mm/yyyy)",
                line=draft.line,
                path=layout.start_label,
            )
            return None
    regimes = unique(draft.all(layout.regime))
    references = [f"UN {r}" for r in unique(draft.all(layout.un_reference or "-"))]
    uk_refs = unique([m for info in draft.all("otherinformation") for m in _UK_REF.findall(info)])
    label = "OFSI group " if layout is _OFSI else ""
    basis = ", ".join(
        [
            *(f"{r} regime" for r in regimes[:1]),
            f"{label}{draft.id}",
            *references,
            *(f"UK {r}" for r in uk_refs),
        ]
    )
    name = names[0]
    documents = [
        f"{label_} {v}" for key, label_ in layout.documents for v in unique(draft.all(key))
    ]
    return ListEntry(
        id=draft.id,
        list=layout.list_code,
        list_name=layout.list_name,
        name=name,
        aliases=unique([n for n in names[1:] if n != name]),
        weak_aliases=unique([n for n in draft.weak if n not in names]),
        addresses=unique(draft.addresses),
        countries=unique(draft.countries),
        nationalities=unique(
            [
                code
                for cell in draft.all(*layout.nationality)
                for value in _several(cell)
                if (code := country_code(value)) is not None
            ]
        ),
        birth_dates=unique(
            [d for cell in draft.all(*layout.birth) for v in _several(cell) if (d := _dmy(v))]
        ),
        identifiers=unique(documents + [f"UK Sanctions List {r}" for r in uk_refs]),
        programs=regimes,
        regime=basis,
        type=_TYPES.get((draft.first(layout.type) or "").lower()),
        start=start,
        remarks=draft.first("otherinformation"),
        row=str(draft.line),
    )
