"""Reading list files safely: bytes (plain or gzip), UTF-8 text, CSV rows with their line.

Shared by the format parsers. Every problem becomes a located `Problem` (file, line, column),
collected so one bad file reports all its bad rows at once (up to `MAX_PROBLEMS`).
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .._io.countries import is_country
from ..errors import ListError, Problem

__all__ = [
    "MAX_BYTES",
    "MAX_PROBLEMS",
    "Collector",
    "Records",
    "Row",
    "Source",
    "address_country",
    "csv_rows",
    "decode",
    "iso_date",
    "read_source",
    "split_list",
    "unique",
    "us_date",
]

MAX_BYTES = 512 * 1024 * 1024
"""Largest list we read (after decompression): far above any official list, far below harm."""

MAX_PROBLEMS = 25
"""Problems reported per file before the rest are summarised as a count."""

GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class Source:
    """A list file's text, with its name for messages and the sha256 of its bytes on disk."""

    display: str
    text: str
    sha256: str
    gzip: bool


class Collector:
    """Collects the problems of one file; `raise_if_any` raises them as one `ListError`."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.problems: list[Problem] = []
        self.more = 0

    def add(self, message: str, *, line: int | None = None, path: str | None = None) -> None:
        """Record a problem at ``line`` (1-based) and column or key ``path``."""
        if len(self.problems) >= MAX_PROBLEMS:
            self.more += 1
            return
        self.problems.append(Problem(message, file=self.display, line=line, path=path))

    def __bool__(self) -> bool:
        return bool(self.problems)

    def all(self) -> list[Problem]:
        """Every problem, plus one line counting those not shown."""
        if self.more:
            return [
                *self.problems,
                Problem(f"... and {self.more} more problems", file=self.display),
            ]
        return list(self.problems)

    def raise_if_any(self) -> None:
        """Raise `ListError` when any problem was recorded."""
        if self.problems:
            raise ListError(self.all())


def read_source(path: Path, display: str) -> Source:
    """Read a list file: gunzip when it is gzip (by content), decode UTF-8 (a BOM is dropped),
    and drop the DOS end-of-file byte (0x1A) OFAC files end with.

    Raises `ListError` for a missing, empty, truncated or corrupt file, or one not UTF-8.
    """
    try:
        if path.is_dir():
            raise ListError([Problem("is a directory, not a list file", file=display)])
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ListError([Problem(f"file is larger than {MAX_BYTES} bytes", file=display)])
        raw = path.read_bytes()
    except OSError as exc:
        raise ListError([Problem(f"cannot read file: {exc.strerror}", file=display)]) from None
    return decode(raw, display)


def decode(raw: bytes, display: str) -> Source:
    """The text of a list file's bytes (see `read_source`)."""
    sha256 = hashlib.sha256(raw).hexdigest()
    if not raw.strip():
        raise ListError([Problem("file is empty", file=display)])
    is_gzip = raw[:2] == GZIP_MAGIC
    data = raw
    if is_gzip:
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
                data = stream.read(MAX_BYTES + 1)
        except EOFError:
            raise ListError(
                [Problem("truncated gzip file (compressed data ends early)", file=display)]
            ) from None
        except (OSError, zlib.error) as exc:
            raise ListError([Problem(f"corrupt gzip file: {exc}", file=display)]) from None
        if len(data) > MAX_BYTES:
            raise ListError([Problem(f"file is larger than {MAX_BYTES} bytes", file=display)])
        if not data.strip():
            raise ListError([Problem("file is empty (after gunzip)", file=display)])
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ListError([Problem("not a text file (contains NUL bytes)", file=display, line=line)])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ListError(
            [Problem(f"not UTF-8 text (byte {exc.start})", file=display, line=line)]
        ) from None
    text = text.removeprefix("\ufeff")
    stripped = text.rstrip("\r\n")
    if stripped.endswith("\x1a"):
        text = stripped[:-1]
    return Source(display=display, text=text, sha256=sha256, gzip=is_gzip)


@dataclass(frozen=True, slots=True)
class Row:
    """One CSV record and the line it starts on."""

    line: int
    fields: list[str]


def csv_rows(source: Source, problems: Collector, *, delimiter: str = ",") -> Iterator[Row]:
    """The records of a CSV text with the line each starts on; blank lines are skipped.

    A record cut off inside a quoted field (a truncated file) is reported, not returned.
    """
    reader = csv.reader(io.StringIO(source.text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.add(
                f"malformed CSV ({exc}): the file may be truncated or corrupt",
                line=start,
            )
            return
        if fields and any(f.strip() for f in fields):
            yield Row(start, fields)
        start = reader.line_num + 1


class Records:
    """The data rows of a table with a header row, each as a dict with the line it starts on.

    A missing header or required column, and rows with the wrong number of fields, are
    reported to ``problems``; so is a table with a header only. ``rows`` counts the data rows
    read, bad ones included, once iteration is over.
    """

    def __init__(
        self,
        source: Source,
        problems: Collector,
        required: tuple[str, ...],
        *,
        delimiter: str = ",",
    ) -> None:
        self._rows = csv_rows(source, problems, delimiter=delimiter)
        self._problems = problems
        self.rows = 0
        self.header: list[str] = []
        first = next(self._rows, None)
        if first is None:
            problems.add("no header row")
            return
        self._line = first.line
        header = [h.strip().lstrip("\ufeff") for h in first.fields]
        missing = [c for c in required if c not in header]
        if missing:
            problems.add(f"header lacks the column(s) {', '.join(missing)}", line=first.line)
            return
        self.header = header

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        if not self.header:
            return
        width = len(self.header)
        for row in self._rows:
            self.rows += 1
            if len(row.fields) != width:
                self._problems.add(
                    f"{len(row.fields)} fields, expected {width} as in the header "
                    "(the file may be truncated or corrupt)",
                    line=row.line,
                )
                continue
            yield row.line, dict(zip(self.header, row.fields, strict=True))
        if self.rows == 0 and not self._problems:
            self._problems.add("no entries (a header row only)", line=self._line)


def split_list(text: str | None, sep: str = ";") -> tuple[str, ...]:
    """Split a separated field into its non-empty, stripped parts, in order, without repeats."""
    if not text:
        return ()
    out: dict[str, None] = {}
    for part in text.split(sep):
        part = part.strip()
        if part:
            out.setdefault(part, None)
    return tuple(out)


def iso_date(text: str | None) -> dt.date | None:
    """A ``YYYY-MM-DD`` date, or None for empty; ValueError otherwise."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    if len(text) != 10:
        raise ValueError(f"invalid date {text!r} (expected YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"invalid date {text!r} (expected YYYY-MM-DD)") from None


def us_date(text: str | None) -> dt.date | None:
    """An ``MM/DD/YYYY`` date (BIS files), or None for empty; ValueError otherwise."""
    if text is None or not text.strip():
        return None
    try:
        return dt.datetime.strptime(text.strip(), "%m/%d/%Y").date()
    except ValueError:
        raise ValueError(f"invalid date {text.strip()!r} (expected MM/DD/YYYY)") from None


def address_country(address: str) -> str | None:
    """The ISO code a CSL address ends with (", CN"), when it ends with a known one."""
    code = address.rpartition(",")[2].strip()  # also an address that is only a code ("SY")
    if len(code) == 2 and code.isupper() and is_country(code):
        return code
    return None


def unique(values: list[str]) -> tuple[str, ...]:
    """``values`` in order without repeats."""
    return tuple(dict.fromkeys(values))
