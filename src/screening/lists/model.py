"""What an official list holds once read: entries (`ListEntry`) and the file they came from.

Every format (CSL CSV and JSON, OFAC legacy CSV, BIS DPL, UN, EU and UK XML, EU, UK and OFSI
CSV, OpenSanctions FtM JSON Lines) is read into the same frozen shape, so loading into a rule
set, diffing and re-screening never look at a format again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field, fields

__all__ = ["ListEntry", "ListFile", "ListPart", "derived_id", "list_code"]

_OPTIONAL = frozenset(
    {"weak_aliases", "nationalities", "birth_dates", "identifiers", "regime", "stable_id"}
)
"""Fields added for the lists beyond the US: left out of `ListEntry.to_dict` when empty, so the
output for the US lists stays as it was."""
_SETS = ("aliases", "addresses", "countries", "programs", "weak_aliases", "nationalities")

_PAREN = re.compile(r"\(([^()]+)\)")
_NOT_CODE = re.compile(r"[^A-Z0-9]+")


def list_code(source: str) -> str:
    """The short code of a source list from its full CSL name, e.g. ``EL`` from
    "Entity List (EL) - Bureau of Industry and Security" and ``NS-MBS`` from
    "Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department"."""
    found = _PAREN.search(source)
    text = found.group(1) if found else source
    text = re.sub(r"\s+LIST$", "", text.strip().upper())
    return _NOT_CODE.sub("-", text).strip("-")[:40] or "UNKNOWN"


def derived_id(*parts: str | None) -> str:
    """A stable id for an entry whose source gives none: 16 hex digits of a hash of the fields
    that identify it (so the same entry gets the same id in the next release)."""
    text = "\x1f".join(p or "" for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One entry of an official list: who is listed, where, under what, since when."""

    id: str
    """The source list's own identifier (CSL ``_id``, OFAC ``ent_num``); see ``derived``."""
    list: str
    """Short code of the source list: ``EL``, ``SDN``, ``DPL``, ``UVL``, ``MEU``, ..."""
    list_name: str
    """The source list's full name, e.g. "Entity List (EL) - Bureau of Industry and Security"."""
    name: str
    aliases: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    """ISO 3166-1 alpha-2 codes of the addresses, in order, without repeats."""
    programs: tuple[str, ...] = ()
    type: str | None = None
    """Individual, Entity, Vessel or Aircraft where the list says so."""
    federal_register_notice: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    licence_requirement: str | None = None
    licence_policy: str | None = None
    remarks: str | None = None
    source_url: str | None = None
    derived: bool = False
    """True when the source gives no id and ``id`` was derived from the entry's content."""
    weak_aliases: tuple[str, ...] = ()
    """Aliases the list itself rates weak (UN quality "Low", EU ``strong="false"``, FtM
    ``weakAlias``): a match on one can raise a review, never a block on its own."""
    nationalities: tuple[str, ...] = ()
    """ISO 3166-1 alpha-2 codes of the nationalities or citizenships the list gives."""
    birth_dates: tuple[str, ...] = ()
    """Dates of birth as the list gives them: ``1971``, ``1960-05-12``, ``1954..1958``."""
    identifiers: tuple[str, ...] = ()
    """Documents and numbers, e.g. "Passport OB 0243318 (CD)"."""
    regime: str | None = None
    """The sanctions regime the entry is listed under and the list's reference for it, e.g.
    "Al-Qaida regime, QDe.004"; cited in hits. None for the US lists (they cite a notice)."""
    stable_id: str | None = None
    """The list's own identifier when it outlives ``id`` across releases: the EU logical id
    (an entry that gains an EU reference number keeps it). None when ``id`` is that already
    (UN reference number, UK unique id, OFSI group id, FtM id, OFAC ent_num, CSL ``_id``)."""
    row: str = field(default="", compare=False)
    """Where the entry is in its file: the line it starts on (CSV, text), or ``results[i]``
    (JSON). Hits cite ``file:row``."""

    @property
    def key(self) -> tuple[str, str]:
        """What identifies the entry across releases: its list and its id."""
        return (self.list, self.id)

    @property
    def release_key(self) -> tuple[str, str]:
        """What identifies the entry from one release of its list to the next (what `lists
        diff` matches on): its list and ``stable_id``, or ``id`` when it has none."""
        return (self.list, self.stable_id or self.id)

    def content(self) -> dict[str, object]:
        """The entry's fields that matter when comparing releases (not its line)."""
        out: dict[str, object] = {}
        for f in fields(self):
            if f.name == "row":
                continue
            value = getattr(self, f.name)
            if f.name in _SETS:
                value = tuple(sorted(value))
            out[f.name] = value
        return out

    def to_dict(self, *, every_field: bool = False) -> dict[str, object]:
        """JSON-ready: dates as ISO strings, tuples as lists (fields of other lists' entries
        only when set, unless ``every_field``)."""
        out: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in _OPTIONAL and not value and not every_field:
                continue
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out


@dataclass(frozen=True, slots=True)
class ListPart:
    """One file of a list: its name, sha256 and number of data rows."""

    name: str
    sha256: str
    rows: int


@dataclass(frozen=True, slots=True)
class ListFile:
    """A list read from disk: its format, version, entries and any notes on what was skipped."""

    path: str
    """The list as named by the caller (a file, or a directory: an OFAC set or a download)."""
    primary: str
    """The file the entries' rows are in (``primary:row`` is cited in hits)."""
    format: str
    """One of `FORMATS`: ``csl-csv``, ``csl-json``, ``ofac-sdn``, ``bis-dpl``, ``un-xml``, ...,
    ``uk-csv``, ``ofsi-csv``."""
    layout: str
    """The layout within the format, e.g. ``2019`` (no ``_id``) or ``2022`` for CSL CSV."""
    family: str
    """``csl``, ``ofac``, ``dpl``, ``un``, ``eu``, ``uk`` or ``os``: the prefix of rule ids built
    from the entries."""
    parts: tuple[ListPart, ...]
    entries: tuple[ListEntry, ...]
    notes: tuple[str, ...] = ()
    """Rows read but not turned into entries, and why (e.g. alias rows of unknown entities)."""
    fetched_at: str | None = None
    url: str | None = None

    @property
    def sha256(self) -> str:
        """The list version: the file's sha256, or a sha256 over the names and hashes of a set."""
        if len(self.parts) == 1:
            return self.parts[0].sha256
        text = "".join(f"{p.name}\0{p.sha256}\n" for p in sorted(self.parts, key=lambda p: p.name))
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def rows(self) -> int:
        """Data rows over all files of the list."""
        return sum(p.rows for p in self.parts)

    def counts(self) -> dict[str, int]:
        """Entries per source list code, sorted by code."""
        out: dict[str, int] = {}
        for entry in self.entries:
            out[entry.list] = out.get(entry.list, 0) + 1
        return dict(sorted(out.items()))
