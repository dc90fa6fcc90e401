"""Keeping list files fresh: download, validate, then replace the current copy atomically.

`update_list` fetches a source's files (from its official addresses, or a given URL; ``file://``
works too), parses them with the same readers `load_rules` uses, and refuses the download when
it does not parse, holds no entries, or holds far fewer entries than the copy it would replace
(overall or for any one source list; `max_drop`), lacks a column of its format's header (or of
the current copy's), or changes nearly every entry at once (the names of more than
`CHANGE_LIMIT` of the entries it shares with the current copy, or a field such as the addresses
dropped from more than that share of the entries that had it), unless forced. Only then is
``DEST/<source>/`` replaced, by renaming a fully written directory into place, with a
``manifest.json`` (source URL, fetch time, sha256 and rows of each file, entries per list). The
replaced copy is kept as ``DEST/<source>.previous/``. On any failure nothing under
``DEST/<source>/`` changes.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import http.client
import io
import os
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from .._io import durable
from .._version import __version__
from ..errors import ListError, ListUpdateError, LockUnavailableError, Problem
from .csl import COLUMNS as CSL_COLUMNS
from .dpl import COLUMNS as DPL_COLUMNS
from .formats import read_list
from .manifest import MANIFEST, Manifest, ManifestFile, read_manifest
from .model import ListFile
from .reading import GZIP_MAGIC, MAX_BYTES, read_source

__all__ = [
    "CHANGE_LIMIT",
    "DEFAULT_MAX_DROP",
    "SOURCES",
    "ListSource",
    "UpdateResult",
    "fetch_url",
    "update_list",
]

DEFAULT_MAX_DROP = 0.10
"""Refuse a download with more than this share fewer entries than the copy it replaces."""

_MIN_PER_LIST = 20
"""The per-list drop check applies to source lists that had at least this many entries."""

CHANGE_LIMIT = 0.5
"""Refuse (unless forced) a release that renames more than this share of the entries it shares
with the current copy, or drops a field from more than this share of the entries that had it:
a real release changes a few entries, a broken export or a column shift changes them all."""

_MIN_SHARED = 20
"""The change checks apply when the releases share at least this many entries (or holders of
a field)."""

_DELIMITERS = {"csl-csv": ",", "bis-dpl": "\t", "eu-csv": ";"}
"""The tabular formats, whose header is checked, and their delimiters."""

_LAYOUTS: dict[str, tuple[str, ...]] = {
    "csl-csv": tuple(c for c in CSL_COLUMNS if c != "_id"),  # the 2019 layout has no _id
    "bis-dpl": DPL_COLUMNS,
}
"""The columns every file of a format has (its published layout)."""

_FIELDS = (
    "aliases",
    "addresses",
    "countries",
    "programs",
    "type",
    "federal_register_notice",
    "start",
    "remarks",
    "nationalities",
)
"""Entry fields a broken release drops wholesale (with its column, or mapped wrong)."""

Fetch = Callable[[str], bytes]


@dataclass(frozen=True, slots=True)
class ListSource:
    """Where a list is published and how its files are stored once downloaded."""

    name: str
    title: str
    urls: tuple[str, ...]
    """Official addresses of the primary file, tried in order until one validates."""
    format: str
    stored_as: str
    companions: tuple[tuple[str, bool], ...] = ()
    """Files fetched beside the primary one: (name, required)."""


_OFAC = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
_EU_FSF = "https://webgate.ec.europa.eu/fsd/fsf/public/files/"
EU_TOKEN = "dG9rZW4tMjAxNw"
"""The access token in the EU FSF download addresses (``?token=...``). The EU publishes it on
the FSF page for anyone to use; if it changes, pass the new address with ``--url``."""
_CSL = "https://data.trade.gov/downloadable_consolidated_screening_list/v1/"

SOURCES: dict[str, ListSource] = {
    s.name: s
    for s in (
        ListSource(
            "csl",
            "Consolidated Screening List (trade.gov), CSV",
            (_CSL + "consolidated.csv",),
            "csl-csv",
            "consolidated.csv",
        ),
        ListSource(
            "csl-json",
            "Consolidated Screening List (trade.gov), JSON",
            (_CSL + "consolidated.json",),
            "csl-json",
            "consolidated.json",
        ),
        ListSource(
            "sdn",
            "OFAC SDN List, legacy CSV (sdn.csv, alt.csv, add.csv, sdn_comments.csv)",
            (_OFAC + "SDN.CSV", "https://www.treasury.gov/ofac/downloads/sdn.csv"),
            "ofac-sdn",
            "sdn.csv",
            (("alt.csv", True), ("add.csv", True), ("sdn_comments.csv", False)),
        ),
        ListSource(
            "nonsdn",
            "OFAC Consolidated (non-SDN) List, legacy CSV (cons_prim.csv and companions)",
            (
                _OFAC + "CONS_PRIM.CSV",
                "https://www.treasury.gov/ofac/downloads/consolidated/cons_prim.csv",
            ),
            "ofac-nonsdn",
            "cons_prim.csv",
            (("cons_alt.csv", True), ("cons_add.csv", True), ("cons_comments.csv", False)),
        ),
        ListSource(
            "dpl",
            "BIS Denied Persons List (dpl.txt)",
            ("https://media.bis.gov/dpl/dpl.txt", "https://www.bis.doc.gov/dpl/dpl.txt"),
            "bis-dpl",
            "dpl.txt",
        ),
        ListSource(
            "un",
            "UN Security Council Consolidated List, XML",
            ("https://scsanctions.un.org/resources/xml/en/consolidated.xml",),
            "un-xml",
            "consolidated.xml",
        ),
        ListSource(
            "eu",
            "EU Financial Sanctions Files, full list XML 1.1 (?token=: see EU_TOKEN)",
            (f"{_EU_FSF}xmlFullSanctionsList_1_1/content?token={EU_TOKEN}",),
            "eu-xml",
            "xmlFullSanctionsList_1_1.xml",
        ),
        ListSource(
            "eu-csv",
            "EU Financial Sanctions Files, full list CSV 1.1 (?token=: see EU_TOKEN)",
            (f"{_EU_FSF}csvFullSanctionsList_1_1/content?token={EU_TOKEN}",),
            "eu-csv",
            "csvFullSanctionsList_1_1.csv",
        ),
        ListSource(
            "uk",
            "UK Sanctions List (FCDO), XML",
            ("https://docs.fcdo.gov.uk/docs/UK-Sanctions-List.xml",),
            "uk-xml",
            "UK-Sanctions-List.xml",
        ),
        ListSource(
            "uk-csv",
            "UK Sanctions List (FCDO), CSV",
            (
                "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.csv",
                "https://docs.fcdo.gov.uk/docs/UK-Sanctions-List.csv",
            ),
            "uk-csv",
            "UK-Sanctions-List.csv",
        ),
        ListSource(
            "ofsi",
            "OFSI Consolidated List of Financial Sanctions Targets, CSV (2022 format)",
            ("https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv",),
            "ofsi-csv",
            "ConList.csv",
        ),
        ListSource(
            "opensanctions",
            "OpenSanctions sanctions collection, FollowTheMoney JSON Lines",
            ("https://data.opensanctions.org/datasets/latest/sanctions/entities.ftm.json",),
            "ftm-json",
            "entities.ftm.json",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """What an update did: ``created``, ``updated`` or ``unchanged``, and the new manifest."""

    source: str
    status: str
    directory: Path
    manifest: Manifest
    previous_entries: int | None
    notes: tuple[str, ...] = ()


def fetch_url(url: str, *, timeout: float = 120.0) -> bytes:
    """Download ``url`` (http, https or file) whole; raises `ListUpdateError` on any failure,
    including a body shorter than its declared length."""
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ("http", "https", "file"):
        raise ListUpdateError([Problem(f"unsupported URL scheme '{scheme}'", file=url)])
    request = urllib.request.Request(
        url, headers={"User-Agent": f"screening/{__version__} (list update)"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data: bytes = response.read(MAX_BYTES + 1)
            declared = response.headers.get("Content-Length")
    except urllib.error.HTTPError as exc:
        raise ListUpdateError(
            [Problem(f"download failed: HTTP {exc.code} {exc.reason}", file=url)]
        ) from None
    except urllib.error.URLError as exc:
        raise ListUpdateError([Problem(f"download failed: {exc.reason}", file=url)]) from None
    except (OSError, http.client.HTTPException) as exc:
        raise ListUpdateError([Problem(f"download failed: {exc}", file=url)]) from None
    if len(data) > MAX_BYTES:
        raise ListUpdateError([Problem(f"download is larger than {MAX_BYTES} bytes", file=url)])
    if declared is not None and declared.isdigit() and int(declared) != len(data):
        raise ListUpdateError(
            [Problem(f"download truncated: {len(data)} of {declared} bytes", file=url)]
        )
    return data


def _companion_url(primary_url: str, name: str) -> str:
    """A companion's URL beside the primary's, in the same letter case (``ALT.CSV``)."""
    parts = urllib.parse.urlsplit(primary_url)
    head, _, last = parts.path.rpartition("/")
    if last.isupper():
        name = name.upper()
    return urllib.parse.urlunsplit(parts._replace(path=f"{head}/{name}"))


def _stored_name(source: ListSource, data: bytes) -> str:
    gz = data[:2] == GZIP_MAGIC and not source.stored_as.endswith(".gz")
    return source.stored_as + (".gz" if gz else "")


@contextlib.contextmanager
def _lock(dest: Path, name: str) -> Iterator[None]:
    """One update of a source at a time (an advisory lock, released if the process dies)."""
    lock_path = dest / f".{name}.lock"
    with open(lock_path, "a+b") as handle:
        try:
            held = durable.try_lock(handle.fileno(), lock_path)
        except LockUnavailableError as exc:
            raise ListUpdateError([Problem(exc.detail, file=str(lock_path))]) from None
        if not held:
            raise ListUpdateError(
                [Problem("another update of this list is running", file=str(dest / name))]
            )
        try:
            yield
        finally:
            durable.unlock(handle.fileno())


@dataclass(frozen=True, slots=True)
class _Current:
    """The copy an update would replace: its version, entry counts and fetch time."""

    sha256: str | None = None
    entries: int | None = None
    by_list: dict[str, int] = field(default_factory=dict)
    fetched_at: str | None = None


def _current(target: Path) -> _Current:
    if not target.exists():
        return _Current()
    if (target / MANIFEST).is_file():
        manifest = read_manifest(target / MANIFEST, str(target / MANIFEST))
        return _Current(
            manifest.sha256, manifest.entries, manifest.entries_by_list, manifest.fetched_at
        )
    listed = read_list(target)  # a copy placed by hand: count it
    return _Current(listed.sha256, len(listed.entries), listed.counts())


def _check_drop(
    listed: ListFile, display: str, current: _Current, max_drop: float
) -> list[Problem]:
    problems = []
    entries, by_list = current.entries, current.by_list
    if entries:
        new = len(listed.entries)
        if new < entries * (1 - max_drop):
            problems.append(
                Problem(
                    f"{new} entries, the current copy has {entries}: a drop of "
                    f"{(entries - new) / entries:.0%} is more than the {max_drop:.0%} allowed "
                    "(--max-drop); the download may be truncated",
                    file=display,
                )
            )
    counts = listed.counts()
    dropped = [
        f"{code} {old} → {counts.get(code, 0)}"
        for code, old in sorted(by_list.items())
        if old >= _MIN_PER_LIST and counts.get(code, 0) < old * (1 - max_drop)
    ]
    if dropped:
        problems.append(
            Problem(
                f"entries dropped by more than the {max_drop:.0%} allowed (--max-drop) in "
                f"list(s) {', '.join(dropped)}",
                file=display,
            )
        )
    return problems


def _header(path: Path, fmt: str) -> list[str] | None:
    """The header row of a tabular list file (None for other formats, or no header)."""
    if fmt not in _DELIMITERS:
        return None
    text = read_source(path, str(path)).text
    first = next(csv.reader(io.StringIO(text, newline=""), delimiter=_DELIMITERS[fmt]), None)
    return None if first is None else [c.strip().lstrip("\ufeff") for c in first]


def _check_columns(
    listed: ListFile, path: Path, before: ListFile | None, display: str
) -> list[Problem]:
    """A column the format's layout has, or the current copy had, that the release lacks: every
    entry would silently lose that field (14,159 CSL entries without their addresses)."""
    header = _header(path, listed.format)
    if header is None:
        return []
    expected = list(_LAYOUTS.get(listed.format, ()))
    if before is not None and before.format == listed.format:
        old = _header(Path(before.primary), before.format) or []
        expected += [c for c in old if c not in expected]
    missing = [c for c in expected if c not in header]
    if not missing:
        return []
    return [
        Problem(
            f"the header lacks the column(s) {', '.join(missing)} of the {listed.format} layout "
            "(or of the current copy): every entry would lose that field",
            file=display,
            line=1,
        )
    ]


def _check_changes(listed: ListFile, before: ListFile, display: str) -> list[Problem]:
    """Entries the release shares with the current copy (by list and id) whose names nearly all
    changed, or a field nearly all of them lost."""
    old = {(e.list, e.id): e for e in before.entries if not e.derived}
    shared = [(old[(e.list, e.id)], e) for e in listed.entries if (e.list, e.id) in old]
    problems = []
    if len(shared) >= _MIN_SHARED:
        renamed = sum(1 for a, b in shared if a.name != b.name)
        if renamed > CHANGE_LIMIT * len(shared):
            problems.append(
                Problem(
                    f"{renamed} of the {len(shared)} entries shared with the current copy changed "
                    f"their names (more than {CHANGE_LIMIT:.0%}): a column shift or a broken "
                    "export, not a release",
                    file=display,
                )
            )
    for name in _FIELDS:
        had = [(a, b) for a, b in shared if getattr(a, name)]
        lost = sum(1 for _, b in had if not getattr(b, name))
        if len(had) >= _MIN_SHARED and lost > CHANGE_LIMIT * len(had):
            problems.append(
                Problem(
                    f"'{name}' dropped from {lost} of the {len(had)} shared entries that had it "
                    f"(more than {CHANGE_LIMIT:.0%})",
                    file=display,
                )
            )
    return problems


def _iso(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("the update time must be timezone-aware")
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _download(
    source: ListSource, url: str, work: Path, fetch: Fetch
) -> tuple[list[ManifestFile], list[str], str]:
    """Fetch the primary file and its companions into ``work``; returns their manifest rows
    (rows filled in later), notes, and the primary's stored name."""
    data = fetch(url)
    primary = _stored_name(source, data)
    durable.write_synced(work / primary, data)
    files = [(primary, url, data)]
    notes = []
    for name, required in source.companions:
        companion = _companion_url(url, name)
        try:
            body = fetch(companion)
        except ListUpdateError as exc:
            if required:
                raise
            notes.append(f"optional {name} not fetched ({exc.problems[0].message})")
            continue
        durable.write_synced(work / name, body)
        files.append((name, companion, body))
    rows = [ManifestFile(name, u, hashlib.sha256(d).hexdigest(), len(d), 0) for name, u, d in files]
    return rows, notes, primary


def update_list(
    source: str | ListSource,
    dest: str | Path,
    *,
    now: dt.datetime,
    url: str | None = None,
    max_drop: float = DEFAULT_MAX_DROP,
    fetch: Fetch | None = None,
    force: bool = False,
) -> UpdateResult:
    """Download, validate and install one list under ``dest/<source>/``.

    ``now`` is the fetch time written to the manifest (the library reads no clock). ``url``
    replaces the official addresses (companions are fetched beside it). ``force`` installs a
    release that lacks a column or changes nearly every entry (`CHANGE_LIMIT`), which is
    otherwise refused; it never installs one that does not parse or shrank (``max_drop``).
    Raises `ListUpdateError` naming what failed; the current copy is then untouched.
    """
    if isinstance(source, str) and source not in SOURCES:
        raise ValueError(f"unknown list source '{source}' (one of: {', '.join(SOURCES)})")
    src = SOURCES[source] if isinstance(source, str) else source
    if not 0 <= max_drop < 1:
        raise ValueError(f"max_drop must be in [0, 1), got {max_drop}")
    stamp = _iso(now)
    get = fetch or fetch_url
    root = Path(dest)
    root.mkdir(parents=True, exist_ok=True)
    target = root / src.name
    with _lock(root, src.name):
        try:
            current = _current(target)
        except ListError as exc:
            raise ListUpdateError(
                [
                    *exc.problems,
                    Problem(
                        "the current copy is unreadable: fix or remove it first", file=str(target)
                    ),
                ]
            ) from None
        problems: list[Problem] = []
        for candidate in (url,) if url else src.urls:
            work = Path(tempfile.mkdtemp(prefix=f".{src.name}.", dir=root))
            work.chmod(0o755)  # mkdtemp makes it private; the installed list is not secret
            try:
                result = _install(
                    src, candidate, work, get, target, stamp, max_drop, current, force
                )
            except ListError as exc:
                problems += exc.problems
                continue
            except OSError as exc:
                problems.append(Problem(f"cannot write the list: {exc}", file=str(target)))
                break
            finally:
                shutil.rmtree(work, ignore_errors=True)
            return result
        raise ListUpdateError(problems)


def _install(
    src: ListSource,
    url: str,
    work: Path,
    fetch: Fetch,
    target: Path,
    stamp: str,
    max_drop: float,
    current: _Current,
    force: bool = False,
) -> UpdateResult:
    """Download into ``work``, validate, and rename it into place as ``target``."""
    files, notes, primary = _download(src, url, work, fetch)
    listed = read_list(work / primary, display=url)
    if listed.format != src.format:
        raise ListUpdateError(
            [Problem(f"expected a {src.format} file, got {listed.format}", file=url)]
        )
    problems = _check_drop(listed, url, current, max_drop)
    if problems:
        raise ListUpdateError(problems)
    if not force:
        before = read_list(target) if current.sha256 is not None else None
        problems = _check_columns(listed, work / primary, before, url)
        if before is not None:
            problems += _check_changes(listed, before, url)
        if problems:
            problems.append(
                Problem(
                    "refused, the current copy kept: check the release, and install it anyway "
                    "with --force (force=True) only if the change is real",
                    file=url,
                )
            )
            raise ListUpdateError(problems)
    rows = {p.name: p.rows for p in listed.parts}
    files = [replace(f, rows=rows.get(f.name, 0)) for f in files]
    previous = None
    if current.sha256 is not None:
        previous = {
            "sha256": current.sha256,
            "entries": current.entries,
            "fetched_at": current.fetched_at,
        }
    manifest = Manifest(
        source=src.name,
        format=listed.format,
        fetched_at=stamp,
        checked_at=stamp,
        sha256=listed.sha256,
        entries=len(listed.entries),
        entries_by_list=listed.counts(),
        files=tuple(files),
        previous=previous,
    )
    notes += list(listed.notes)
    if current.sha256 == listed.sha256 and (target / MANIFEST).is_file():
        installed = read_manifest(target / MANIFEST, str(target / MANIFEST))
        checked = replace(installed, checked_at=stamp)
        durable.atomic_write(target / MANIFEST, checked.to_json().encode("utf-8"))
        return UpdateResult(src.name, "unchanged", target, checked, current.entries, tuple(notes))
    durable.write_synced(work / MANIFEST, manifest.to_json().encode("utf-8"))
    durable.fsync_directory(work)
    root = target.parent
    backup = root / f"{src.name}.previous"
    status = "created"
    if target.exists():
        status = "updated"
        if backup.exists():
            shutil.rmtree(backup)
        os.replace(target, backup)
    try:
        os.replace(work, target)
    except OSError:
        if status == "updated":
            os.replace(backup, target)  # put the current copy back
        raise
    durable.fsync_directory(root)
    return UpdateResult(src.name, status, target, manifest, current.entries, tuple(notes))
