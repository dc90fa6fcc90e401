"""OFAC's legacy CSV files: ``sdn.csv`` with ``alt.csv``, ``add.csv`` and ``sdn_comments.csv``
beside it, and the non-SDN consolidated set (``cons_prim.csv``, ``cons_alt.csv``, ...).

The files have no header; ``-0-`` marks an empty field; some end with a DOS end-of-file byte.
Columns: primary ``ent_num, name, type, programs, title, call_sign, vessel_type, tonnage, GRT,
vessel_flag, vessel_owner, remarks``; alternate names ``ent_num, alt_num, alt_type, alt_name,
alt_remarks``; addresses ``ent_num, add_num, address, city_etc, country, add_remarks``;
comments ``ent_num, remarks_extension`` (the rest of remarks OFAC cut at 1,000 characters,
joined as written: the cut often falls mid-word). The companions must be of the same release as the
primary file: when many of their ``ent_num`` are unknown to it, the set is refused. Weak
a.k.a.s, which OFAC gives only in the remarks ("a.k.a. 'BNC'."), are kept as aliases too, as
the Consolidated Screening List does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pycountry
import yaml

from .model import ListEntry, ListFile, ListPart
from .reading import Collector, Row, Source, csv_rows, read_source, unique

__all__ = [
    "ALT_COLUMNS",
    "PRIMARY_COLUMNS",
    "companion_role",
    "companions",
    "country_code",
    "ofac_layout",
    "read_ofac",
]

PRIMARY_COLUMNS = 12
ALT_COLUMNS = 5
ADD_COLUMNS = 6
COMMENT_COLUMNS = 2

_ORPHAN_SHARE = 0.01
"""Companion rows naming entries the primary file lacks: above this share (and above a handful)
the companion is taken to be from another release and the set is refused."""
_ORPHAN_FLOOR = 5

SDN_NAME = "Specially Designated Nationals (SDN) - Treasury Department"
NONSDN_NAME = "OFAC Non-SDN Consolidated Sanctions List (NON-SDN) - Treasury Department"

_TYPES = {"individual": "Individual", "vessel": "Vessel", "aircraft": "Aircraft"}
_REMARK_DOB = re.compile(r"^(?:alt\. )?DOB:? (.+)$", re.IGNORECASE)
_REMARK_ID = re.compile(
    r"(Passport|National ID No\.|Tax ID No\.|Registration (?:ID|Number)|IMO|Identification "
    r"Number|Cedula No\.|NIT #|RFC|SWIFT/BIC|Business Registration Number|Company Number)"
    r"\s+([A-Z0-9][\w\-/ ]*\d[\w\-/]*)",
    re.IGNORECASE,
)


def _remark_dates(remarks: str | None) -> list[str]:
    """Dates of birth OFAC gives in its remarks ("DOB 12 May 1962; alt. DOB 1963")."""
    return [m[1].strip() for p in (remarks or "").split(";") if (m := _REMARK_DOB.match(p.strip()))]


def _remark_ids(remarks: str | None) -> list[str]:
    """Documents OFAC gives in its remarks ("Passport A1234567 (Iran)", "IMO 9187629")."""
    out = []
    for part in (remarks or "").split(";"):
        m = _REMARK_ID.search(part)
        if m:
            out.append(part.strip().rstrip("."))
    return out


_WEAK_AKA = re.compile(r"\b[afn]\.k\.a\.,? '(.+?)'(?=[;.,]|$)")


@dataclass(slots=True)
class _Draft:
    """An entry being assembled from the primary row and its companion rows."""

    row: int
    name: str
    type: str
    programs: tuple[str, ...]
    remarks: str | None
    raw_remarks: str = ""
    """The remarks field as written: the comments file continues it where OFAC cut it off at
    1,000 characters, often mid-word ("Registration Numbe" + "r 1027700342890")."""
    aliases: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Set:
    """The file names of one OFAC file set (primary first)."""

    primary: str
    alt: str
    add: str
    comments: str


_SDN = _Set("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv")
_CONS = _Set("cons_prim.csv", "cons_alt.csv", "cons_add.csv", "cons_comments.csv")
_ROLES = {
    _SDN.alt: "alt",
    _SDN.add: "add",
    _SDN.comments: "comments",
    _CONS.alt: "alt",
    _CONS.add: "add",
    _CONS.comments: "comments",
}


def ofac_layout(first: list[str]) -> str | None:
    """Which OFAC legacy file a first record looks like: primary, alt, add, comments, or None."""
    if not first or not first[0].strip().isdigit():
        return None
    return {
        PRIMARY_COLUMNS: "primary",
        ALT_COLUMNS: "alt",
        ADD_COLUMNS: "add",
        COMMENT_COLUMNS: "comments",
    }.get(len(first))


def is_nonsdn(path: Path) -> bool:
    """The non-SDN set is told from the SDN set by its file names (cons_*): the layout is the
    same, and nothing in the content says which list it is."""
    return path.name.lower().startswith("cons_")


def companions(primary: Path) -> dict[str, Path]:
    """The companion files beside a primary file that exist, by role (alt, add, comments),
    matched without regard to case (the OFAC service names them ``ALT.CSV``)."""
    names = _CONS if is_nonsdn(primary) else _SDN
    present = {p.name.lower(): p for p in primary.parent.iterdir() if p.is_file()}
    out = {}
    for role, name in (("alt", names.alt), ("add", names.add), ("comments", names.comments)):
        if name in present:
            out[role] = present[name]
    return out


@lru_cache(maxsize=1)
def _country_table() -> dict[str, str | None]:
    text = resources.files(__package__).joinpath("data", "ofac_countries.yaml").read_text("utf-8")
    table = yaml.safe_load(text)
    return {str(k).casefold(): v for k, v in table.items()}


@lru_cache(maxsize=1024)
def country_code(name: str) -> str | None:
    """The ISO code of a country as OFAC names it ("Korea, North" → KP), or None."""
    key = name.strip().casefold()
    table = _country_table()
    if key in table:
        return table[key]
    try:
        code: str = pycountry.countries.lookup(name.strip()).alpha_2
    except LookupError:
        return None
    return code


def _value(text: str) -> str | None:
    text = " ".join(text.split())
    return None if text in ("", "-0-") else text


def _records(
    source: Source, problems: Collector, width: int, what: str
) -> Iterator[tuple[Row, int, list[str | None]]]:
    for row in csv_rows(source, problems):
        if len(row.fields) != width:
            problems.add(
                f"{len(row.fields)} fields, expected {width} in an OFAC {what} file "
                "(the file may be truncated or corrupt)",
                line=row.line,
            )
            continue
        ent = row.fields[0].strip()
        if not ent.isdigit():
            problems.add(f"ent_num {ent!r} is not a number", line=row.line, path="ent_num")
            continue
        yield row, int(ent), [_value(f) for f in row.fields]


def read_ofac(primary: Path, display: str, source: Source) -> ListFile:
    """An OFAC file set from its primary file (already read as ``source``) and the companions
    beside it. Raises `ListError` naming every bad row of every file."""
    nonsdn = is_nonsdn(primary)
    problems = Collector(display)
    parts = []
    entries: dict[int, _Draft] = {}
    notes: list[str] = []
    rows = 0
    for row, ent, values in _records(source, problems, PRIMARY_COLUMNS, "primary (sdn.csv)"):
        rows += 1
        name = values[1]
        if name is None:
            problems.add("empty (every entry has a name)", line=row.line, path="name")
            continue
        kind = values[2]
        programs = tuple(p for p in (p.strip("[] ") for p in (values[3] or "").split("] [")) if p)
        if ent in entries:
            # Seen in real files (an ent_num reused on the last line): keep both names rather
            # than refuse the whole list or drop one; noted, like repeats in the CSL.
            draft = entries[ent]
            draft.aliases.append(name)
            draft.programs = unique([*draft.programs, *programs])
            draft.remarks = " ".join(x for x in (draft.remarks, values[11]) if x) or None
            draft.raw_remarks = draft.remarks or ""
            notes.append(
                f"{primary.name}:{row.line}: ent_num {ent} repeats (first on line {draft.row}); "
                "merged"
            )
            continue
        entries[ent] = _Draft(
            row=row.line,
            name=name,
            type="Entity" if kind is None else _TYPES.get(kind.lower(), kind),
            programs=programs,
            remarks=values[11],
            raw_remarks=row.fields[11] if values[11] is not None else "",
        )
    if rows == 0 and not problems:
        problems.add("no entries")
    parts.append(ListPart(primary.name, source.sha256, rows))
    found = companions(primary)
    base = display.rsplit("/", 1)[0] + "/" if "/" in display else ""
    for role, path in sorted(found.items()):
        part_display = base + path.name
        part = read_source(path, part_display)
        part_problems = Collector(part_display)
        width = {"alt": ALT_COLUMNS, "add": ADD_COLUMNS, "comments": COMMENT_COLUMNS}[role]
        count = 0
        orphans: set[int] = set()
        known: set[int] = set()
        for row, ent, values in _records(part, part_problems, width, role):
            count += 1
            entry = entries.get(ent)
            if entry is None:
                orphans.add(ent)
                continue
            known.add(ent)
            if role == "alt" and values[3] is not None:
                entry.aliases.append(values[3])
            elif role == "add":
                country = values[4]
                text = ", ".join(v for v in (values[2], values[3], country) if v)
                if text:
                    entry.addresses.append(text)
                code = country_code(country) if country else None
                if code is not None:
                    entry.countries.append(code)
            elif role == "comments" and values[1] is not None:
                # A continuation, joined as written: no space is added at the cut.
                entry.raw_remarks += row.fields[1]
                entry.remarks = _value(entry.raw_remarks)
        parts.append(ListPart(path.name, part.sha256, count))
        problems.problems += part_problems.all()
        seen = len(orphans) + len(known)
        if orphans and len(orphans) > max(_ORPHAN_FLOOR, _ORPHAN_SHARE * seen):
            problems.add(
                f"{path.name} is not of the same release as {primary.name}: {len(orphans)} of "
                f"its {seen} entity numbers are not in {primary.name} (use the files of one "
                "download together)"
            )
        elif orphans:
            notes.append(
                f"{path.name}: {len(orphans)} entity number(s) not in {primary.name} ignored "
                f"({', '.join(str(o) for o in sorted(orphans)[:5])})"
            )
    problems.raise_if_any()
    code, list_name = ("NON-SDN", NONSDN_NAME) if nonsdn else ("SDN", SDN_NAME)
    out = []
    for ent, e in entries.items():
        out.append(
            ListEntry(
                id=str(ent),
                list=code,
                list_name=list_name,
                name=e.name,
                aliases=tuple(
                    a
                    for a in unique([*e.aliases, *_WEAK_AKA.findall(e.remarks or "")])
                    if a != e.name
                ),
                addresses=unique(e.addresses),
                countries=unique(e.countries),
                programs=e.programs,
                type=e.type,
                remarks=e.remarks,
                birth_dates=unique(_remark_dates(e.remarks)),
                identifiers=unique(_remark_ids(e.remarks)),
                row=str(e.row),
            )
        )
    return ListFile(
        path=display,
        primary=display,
        format="ofac-nonsdn" if nonsdn else "ofac-sdn",
        layout="legacy-csv",
        family="ofac",
        parts=tuple(parts),
        entries=tuple(out),
        notes=tuple(notes),
    )


def companion_role(path: Path) -> str | None:
    """alt, add or comments when ``path`` is named like an OFAC companion file."""
    return _ROLES.get(path.name.lower())
