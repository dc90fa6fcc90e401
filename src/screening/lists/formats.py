"""Reading any supported list file: the format is recognised from the content, then parsed.

| format        | recognised by                                                   |
|---------------|-----------------------------------------------------------------|
| ``csl-json``  | a JSON document (the trade.gov API's ``{"results": [...]}``)    |
| ``csl-csv``   | a CSV header with ``source`` and ``name`` (2019: no ``_id``)    |
| ``bis-dpl``   | a tab-separated header with ``Name`` ... ``FR_Citation``        |
| ``ofac-sdn``  | a headerless CSV whose first record is 12 fields, ``ent_num`` first |
| ``ofac-nonsdn`` | the same layout in a file named ``cons_*`` (nothing else tells them apart) |
| ``un-xml``    | XML whose root element is ``<CONSOLIDATED_LIST>`` (UN Security Council) |
| ``eu-xml``    | XML whose root element is ``<export>`` (EU Financial Sanctions Files) |
| ``uk-xml``    | XML whose root element is ``<Designations>`` (UK Sanctions List)     |
| ``eu-csv``    | a semicolon-separated header with ``Entity_LogicalId`` (EU FSF CSV)  |
| ``uk-csv``    | a CSV header with ``Unique ID`` and ``Name 6`` (FCDO; after a date line) |
| ``ofsi-csv``  | a CSV header with ``Group ID`` and ``Name 6`` (OFSI; after a date line) |
| ``ftm-json``  | JSON Lines, the first an object with ``schema`` and ``properties``  |

Gzip is recognised by its magic bytes. A directory is read through its ``manifest.json`` (as
written by `screening lists update`), or as an OFAC set holding ``sdn.csv`` or ``cons_prim.csv``.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from ..errors import ListError, Problem
from .csl import parse_csl_csv, parse_csl_json
from .dpl import looks_like_dpl, parse_dpl
from .eu import EU_ROOT, parse_eu_csv, parse_eu_xml
from .ftm import looks_like_ftm, parse_ftm
from .manifest import MANIFEST, read_manifest
from .model import ListEntry, ListFile, ListPart
from .ofac import companion_role, is_nonsdn, ofac_layout, read_ofac
from .reading import Collector, Source, csv_rows, read_source
from .uk import UK_ROOT, parse_uk
from .ukcsv import parse_ofsi_csv, parse_uk_csv, sniff_uk_csv
from .un import UN_ROOT, parse_un
from .xmldoc import root_name

__all__ = ["FORMATS", "read_list", "sniff"]

FORMATS = (
    "csl-csv",
    "csl-json",
    "ofac-sdn",
    "ofac-nonsdn",
    "bis-dpl",
    "un-xml",
    "eu-xml",
    "eu-csv",
    "ftm-json",
    "uk-xml",
    "uk-csv",
    "ofsi-csv",
)
_XML_ROOTS = {UN_ROOT: "un-xml", EU_ROOT: "eu-xml", UK_ROOT: "uk-xml"}
_PRIMARIES = ("sdn.csv", "cons_prim.csv")


def sniff(source: Source, path: Path) -> str:
    """The format of a list file's text (one of `FORMATS`); raises `ListError` when it is none
    of them, or is an OFAC companion file that cannot be read on its own."""
    text = source.text.lstrip()
    first_line = text.split("\n", 1)[0]
    if text[:1] == "{" and len(first_line) < len(text) and looks_like_ftm(first_line):
        return "ftm-json"
    if text[:1] in ("{", "["):
        return "csl-json"
    if text[:1] == "<":
        root = root_name(text)
        if root in _XML_ROOTS:
            return _XML_ROOTS[root]
        raise ListError(
            [
                Problem(
                    f"XML with the root element <{root or '?'}>: not a list this library reads "
                    f"(the UN list's root is <{UN_ROOT}>, the EU FSF's <{EU_ROOT}>, the UK "
                    f"list's <{UK_ROOT}>)",
                    file=source.display,
                    line=1,
                )
            ]
        )
    if ";" in first_line and "Entity_LogicalId" in first_line:
        return "eu-csv"
    uk_csv = sniff_uk_csv(source)
    if uk_csv is not None:
        return uk_csv
    scratch = Collector(source.display)
    if "\t" in first_line:
        row = next(
            csv_rows(Source(source.display, first_line, "", False), scratch, delimiter="\t"), None
        )
        if row is not None and looks_like_dpl([f.strip() for f in row.fields]):
            return "bis-dpl"
    row = next(csv_rows(source, scratch), None)
    fields = [f.strip().lstrip("\ufeff") for f in row.fields] if row is not None else []
    if "source" in fields and "name" in fields:
        return "csl-csv"
    layout = ofac_layout(fields)
    if layout == "primary":
        return "ofac-nonsdn" if is_nonsdn(path) else "ofac-sdn"
    if layout is not None or companion_role(path) is not None:
        raise ListError(
            [
                Problem(
                    f"an OFAC {layout or companion_role(path)} file: load the primary file of "
                    "its set (sdn.csv or cons_prim.csv), which reads the others beside it",
                    file=source.display,
                )
            ]
        )
    shown = first_line.strip()[:60]
    raise ListError(
        [
            Problem(
                "not a list format this library reads (a CSL CSV or JSON, an OFAC legacy CSV, "
                "a BIS DPL file, UN, EU or UK XML, an EU, UK or OFSI CSV or OpenSanctions FtM "
                "JSON Lines); "
                f"it begins {shown!r}",
                file=source.display,
                line=1,
            )
        ]
    )


def read_list(path: str | Path, *, display: str | None = None) -> ListFile:
    """Read one list (a file, or a directory with a manifest or an OFAC set) into a `ListFile`.

    Raises `ListError` naming the file and the line (or JSON path) of every bad row; a file
    that is missing, empty, truncated, corrupt, or holds no entries is refused whole.
    """
    p = Path(path)
    shown = display or str(path)
    if p.is_dir():
        return _read_directory(p, shown)
    if not p.exists():
        raise ListError([Problem("list file not found", file=shown)])
    return _read_file(p, shown)


def _read_file(path: Path, display: str) -> ListFile:
    source = read_source(path, display)
    fmt = sniff(source, path)
    if fmt in ("ofac-sdn", "ofac-nonsdn"):
        return _merge_repeats(read_ofac(path, display, source))
    problems = Collector(display)
    layout = ""
    entries: tuple[ListEntry, ...]
    notes: tuple[str, ...] = ()
    if fmt == "un-xml":
        entries, rows = parse_un(source, problems)
        layout, family = "xml", "un"
    elif fmt == "eu-xml":
        entries, rows = parse_eu_xml(source, problems)
        layout, family = "xml-1.1", "eu"
    elif fmt == "uk-xml":
        entries, rows = parse_uk(source, problems)
        layout, family = "xml", "uk"
    elif fmt == "uk-csv":
        entries, rows = parse_uk_csv(source, problems)
        layout, family = "csv", "uk"
    elif fmt == "ofsi-csv":
        entries, rows = parse_ofsi_csv(source, problems)
        layout, family = "csv-2022", "uk"
    elif fmt == "eu-csv":
        entries, rows = parse_eu_csv(source, problems)
        layout, family = "csv-1.1", "eu"
    elif fmt == "ftm-json":
        entries, rows, notes = parse_ftm(source, problems)
        layout, family = "jsonl", "os"
    elif fmt == "csl-csv":
        layout, entries, rows = parse_csl_csv(source, problems)
        family = "csl"
    elif fmt == "csl-json":
        entries, rows = parse_csl_json(source, problems)
        layout, family = "api", "csl"
    else:
        entries, rows = parse_dpl(source, problems)
        layout, family = "txt", "dpl"
    problems.raise_if_any()
    if not entries:
        raise ListError([Problem("no entries", file=display)])
    return _merge_repeats(
        ListFile(
            path=display,
            primary=display,
            format=fmt,
            layout=layout,
            family=family,
            parts=(ListPart(path.name, source.sha256, rows),),
            entries=entries,
            notes=notes,
        )
    )


def _merge_repeats(listed: ListFile) -> ListFile:
    """One entry per list and id. Official files do repeat an entry (the 2022-05 CSL has a
    Capta List entry twice, differing only in a URL): the repeats are merged, failing closed
    (every name, alias and address kept; the widest window), and noted."""
    seen: dict[tuple[str, str], ListEntry] = {}
    notes = list(listed.notes)
    for entry in listed.entries:
        first = seen.get(entry.key)
        if first is None:
            seen[entry.key] = entry
            continue
        seen[entry.key] = _merge(first, entry)
        notes.append(
            f"entry {entry.list} {entry.id} repeats at {entry.row} (first at {first.row}); merged"
        )
    if len(notes) == len(listed.notes):
        return listed
    return replace(listed, entries=tuple(seen.values()), notes=tuple(notes))


def _merge(a: ListEntry, b: ListEntry) -> ListEntry:
    def union(x: tuple[str, ...], y: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(x + y))

    def text(x: str | None, y: str | None) -> str | None:
        return "; ".join(dict.fromkeys(v for v in (x, y) if v)) or None

    starts = [d for d in (a.start, b.start) if d is not None]
    ends = [d for d in (a.end, b.end) if d is not None]
    aliases = (
        union(a.aliases, (b.name, *b.aliases)) if b.name != a.name else union(a.aliases, b.aliases)
    )
    return replace(
        a,
        aliases=aliases,
        addresses=union(a.addresses, b.addresses),
        countries=union(a.countries, b.countries),
        programs=union(a.programs, b.programs),
        federal_register_notice=text(a.federal_register_notice, b.federal_register_notice),
        start=min(starts) if a.start is not None and b.start is not None else None,
        end=max(ends) if a.end is not None and b.end is not None else None,
        licence_requirement=text(a.licence_requirement, b.licence_requirement),
        licence_policy=text(a.licence_policy, b.licence_policy),
        remarks=text(a.remarks, b.remarks),
    )


def _read_directory(path: Path, display: str) -> ListFile:
    manifest_path = path / MANIFEST
    if manifest_path.is_file():
        manifest = read_manifest(manifest_path, f"{display}/{MANIFEST}")
        for f in manifest.files:
            file = path / f.name
            shown = f"{display}/{f.name}"
            try:
                digest = hashlib.sha256(file.read_bytes()).hexdigest()
            except OSError as exc:
                raise ListError(
                    [Problem(f"cannot read file: {exc.strerror}", file=shown)]
                ) from None
            if digest != f.sha256:
                raise ListError(
                    [
                        Problem(
                            f"sha256 {digest[:12]}... does not match the manifest's "
                            f"{f.sha256[:12]}...: the file changed after it was validated",
                            file=shown,
                        )
                    ]
                )
        listed = _read_file(path / manifest.primary.name, f"{display}/{manifest.primary.name}")
        if listed.sha256 != manifest.sha256 or len(listed.entries) != manifest.entries:
            raise ListError(
                [
                    Problem(
                        f"holds {len(listed.entries)} entries (version {listed.sha256[:12]}...), "
                        f"the manifest says {manifest.entries} ({manifest.sha256[:12]}...)",
                        file=f"{display}/{MANIFEST}",
                    )
                ]
            )
        return replace(
            listed, path=display, fetched_at=manifest.fetched_at, url=manifest.primary.url
        )
    names = {p.name.lower(): p for p in path.iterdir() if p.is_file()}
    found = [names[n] for n in _PRIMARIES if n in names]
    if len(found) != 1:
        what = (
            "both sdn.csv and cons_prim.csv"
            if found
            else f"no {MANIFEST}, sdn.csv or cons_prim.csv"
        )
        raise ListError([Problem(f"directory holds {what}: name one list file", file=display)])
    listed = _read_file(found[0], f"{display}/{found[0].name}")
    return replace(listed, path=display)
