"""The files of ``screening batch``: reading input records, and resumable, crash-safe outputs.

Formats, chosen by extension (``.jsonl`` / ``.ndjson``, ``.csv``, ``.parquet`` / ``.pq``; input
may also be gzip-compressed, ``.jsonl.gz`` / ``.csv.gz``) or named explicitly. The layouts of CSV
and Parquet are described in `screening.tabular`.

Reading never raises for one bad record: an invalid JSON line or a malformed CSV row becomes an
`Unreadable` record (and so an error result), located by line or row. An unusable file as a
whole (a CSV header with an unknown column, a missing file) raises `BatchError`.

Writing keeps the output valid at every moment, so an interrupted run (Ctrl-C, a killed process,
a full disk) can be resumed by running the same command again:

- JSON Lines and CSV: records are appended a chunk at a time, whole lines in one write, flushed
  after each chunk. On resume, a torn last line (a run killed mid-write) is cut off, and the
  records already there are skipped. A line that is not a record of ours stops the run.
- Parquet (a file cannot be appended to): finished records go to numbered part files in
  ``OUTPUT.partial/``, each written to a temporary name and renamed into place; at the end (and
  on Ctrl-C) the previous OUTPUT and the parts are merged into a temporary file that is renamed
  over OUTPUT. A killed run leaves OUTPUT as it was and the parts to resume from. Row groups hold
  a fixed number of rows, so a resumed run writes the same bytes as an uninterrupted one.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import os
import shutil
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple, Protocol, cast

from .._io import durable
from .._io.canonical import canonical_json
from ..errors import BatchError, LockUnavailableError
from ..models import Outcome
from ._core import BatchResult, JsonLine, Record, Unreadable
from ._tabular import RESULT_COLUMNS, check_columns, result_to_row, row_payload

__all__ = [
    "FORMATS",
    "Done",
    "Output",
    "Rendered",
    "count_records",
    "format_of",
    "open_output",
    "read_records",
    "render_csv",
    "render_jsonl",
    "render_parquet",
]

FORMATS = ("jsonl", "csv", "parquet")
_EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
_EXTENSIONS[".pq"] = "parquet"

PARQUET_ROW_GROUP = 10_000
"""Rows per row group of the final Parquet file (fixed, so the bytes do not depend on how often
a run was interrupted)."""
_PART_ROWS = 5_000
_PART_SECONDS = 5.0
"""A Parquet part is written every this many rows or seconds: the most work a kill can lose."""


def format_of(path: str, given: str | None = None) -> str:
    """The format of a file: ``given`` when set, else from its extension (``.gz`` aside)."""
    if given is not None:
        if given not in FORMATS:
            raise BatchError(f"unknown format '{given}' (choose from {', '.join(FORMATS)})")
        return given
    name = path.lower().removesuffix(".gz")
    for ext, fmt in _EXTENSIONS.items():
        if name.endswith(ext):
            return fmt
    raise BatchError(
        "cannot tell the format from the extension: use .jsonl, .csv or .parquet, "
        "or name it with --input-format / --output-format",
        path=path,
    )


# --- reading ----------------------------------------------------------------------------------


def _open_binary(path: str) -> IO[bytes]:
    if path == "-":
        return sys.stdin.buffer
    try:
        if path.lower().endswith(".gz"):
            return cast(IO[bytes], gzip.open(path, "rb"))
        return open(path, "rb")
    except OSError as exc:
        raise BatchError(exc.strerror or str(exc), path=path) from None


def read_records(path: str, fmt: str) -> Iterator[Record]:
    """Yield every record of an input file, in order, numbered from 0."""
    if fmt == "jsonl":
        return _read_jsonl(path)
    if fmt == "csv":
        return _read_csv(path)
    return _read_parquet(path)


def _read_jsonl(path: str) -> Iterator[Record]:
    index = 0
    stream = _open_binary(path)
    try:
        for number, line in enumerate(_lines(stream, path), start=1):
            if not line.strip():
                continue  # a blank line holds no record
            # Parsed where it is screened: with worker processes, in a worker.
            yield Record(index, JsonLine(line), f"line {number}")
            index += 1
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _lines(stream: IO[bytes], path: str) -> Iterator[bytes]:
    try:
        yield from stream
    except (OSError, EOFError) as exc:  # a truncated .gz, a read error
        raise BatchError(f"cannot read on: {exc}", path=path) from None


def _csv_text(path: str) -> io.TextIOWrapper:
    # surrogateescape: a row with bad bytes becomes an error record, not a crash of the run.
    return io.TextIOWrapper(
        _open_binary(path), encoding="utf-8-sig", errors="surrogateescape", newline=""
    )


def _read_csv(path: str) -> Iterator[Record]:
    text = _csv_text(path)
    try:
        reader = csv.reader(text)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise BatchError(f"unreadable CSV header: {exc}", path=path) from None
        if header is None:
            return
        columns = [c.strip() for c in header]
        check_columns(columns, source=path)
        index = 0
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader, None)
            except csv.Error as exc:
                row = None
                yield Record(index, Unreadable(f"malformed CSV: {exc}"), f"line {start}")
                index += 1
                continue
            except (OSError, EOFError) as exc:
                raise BatchError(f"cannot read on: {exc}", path=path) from None
            if row is None:
                return
            if not any(cell.strip() for cell in row):
                continue  # a blank line holds no record
            location = f"line {start}"
            if len(row) != len(columns):
                reason = f"{len(row)} fields, but the header has {len(columns)}"
                yield Record(index, Unreadable(reason), location)
            else:
                yield Record(index, row_payload(dict(zip(columns, row, strict=True))), location)
            index += 1
    finally:
        if text.buffer is not sys.stdin.buffer:
            text.close()


def _read_parquet(path: str) -> Iterator[Record]:
    pq = _pyarrow_parquet()
    try:
        source = pq.ParquetFile(path)
    except (OSError, ValueError) as exc:  # pyarrow raises ArrowInvalid (a ValueError)
        raise BatchError(f"not a readable Parquet file: {exc}", path=path) from None
    columns = list(source.schema_arrow.names)
    check_columns(columns, source=path)
    index = 0
    for batch in source.iter_batches(batch_size=1024):
        for row in batch.to_pylist():
            yield Record(index, row_payload(row), f"row {index + 1}")
            index += 1


def count_records(path: str, fmt: str) -> int | None:
    """How many records an input file holds (for a progress bar's ETA), or None for stdin."""
    if path == "-":
        return None
    try:
        if fmt == "parquet":
            return int(_pyarrow_parquet().ParquetFile(path).metadata.num_rows)
        if fmt == "jsonl":
            with _open_binary(path) as stream:
                return sum(1 for line in stream if line.strip())
        with _csv_text(path) as text:
            return max(0, sum(1 for row in csv.reader(text) if any(c.strip() for c in row)) - 1)
    except (OSError, EOFError, ValueError, csv.Error):
        return None  # the real read reports the problem


def _pyarrow_parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise BatchError("Parquet needs pyarrow: pip install 'screening[parquet]'") from None
    return pq


# --- rendering (runs in the worker processes) -------------------------------------------------


class Rendered(NamedTuple):
    """A result made ready for one output format, with what the summary needs."""

    outcome: str
    error: bool
    payload: Any


def render_jsonl(result: BatchResult) -> Rendered:
    """One JSON line, as bytes."""
    data = result.to_dict()
    try:
        line = (canonical_json(data) + "\n").encode("utf-8")
    except ValueError:  # lone surrogates in the input (an unreadable id): escape, not fail
        line = (json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n").encode()
    return Rendered(result.outcome.value, not result.ok, line)


def render_csv(result: BatchResult) -> Rendered:
    """One CSV row, as a list of text cells."""
    row = result_to_row(result)
    cells = [_cell(row[c]) for c in RESULT_COLUMNS]
    return Rendered(result.outcome.value, not result.ok, cells)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def render_parquet(result: BatchResult) -> Rendered:
    """One Parquet row, as a dict of typed values."""
    return Rendered(result.outcome.value, not result.ok, result_to_row(result))


RENDERERS = {"jsonl": render_jsonl, "csv": render_csv, "parquet": render_parquet}


# --- writing ----------------------------------------------------------------------------------


@dataclass
class Done:
    """What an output already holds: the ids (with how many records each), the positions of
    records that had no id, and the tally of outcomes."""

    ids: Counter[str] = field(default_factory=Counter)
    indexes: set[int] = field(default_factory=set)
    outcomes: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    hashes: dict[str, list[str | None]] = field(default_factory=dict)
    """Each id's records' ``input_hash``, in output order (None: written without one)."""
    index_hashes: dict[int, str | None] = field(default_factory=dict)
    """The ``input_hash`` of each record without an id, by position."""

    def add(self, record: dict[str, Any], fingerprint: str, where: str) -> None:
        """Count one record read back from the output, checking it is one of ours."""
        try:
            index, rid, outcome = record["index"], record["id"], record["outcome"]
            theirs = record["ruleset_fingerprint"]
            error = record["error"]
            ok = (
                isinstance(index, int)
                and (rid is None or isinstance(rid, str))
                and outcome in Outcome.__members__.values()
                and isinstance(theirs, str)
            )
        except (KeyError, TypeError):
            ok = False
        if not ok:
            raise BatchError(f"{where}: not a record written by 'screening batch'")
        if theirs != fingerprint:
            raise BatchError(
                f"{where}: screened with rule set {theirs[:12]}, but this run uses "
                f"{fingerprint[:12]}; write to a new OUTPUT (or delete it to screen everything "
                "again) rather than mix decisions of two rule sets"
            )
        digest = record.get("input_hash") or None
        if rid is None:
            self.indexes.add(index)
            self.index_hashes[index] = digest
        else:
            self.ids[rid] += 1
            self.hashes.setdefault(rid, []).append(digest)
        self.outcomes[outcome] += 1
        self.errors += error not in (None, "")

    @property
    def count(self) -> int:
        """How many records the output holds."""
        return sum(self.outcomes.values())


class Output(Protocol):
    """An output being written: what it held before this run, then chunks appended."""

    done: Done

    def write(self, chunk: list[Rendered]) -> None:
        """Append a chunk of rendered results and make it durable against a process kill."""

    def close(self, *, finish: bool = True) -> None:
        """Flush and close; ``finish=False`` (a forced stop) skips a Parquet merge."""


def open_output(path: str, fmt: str, fingerprint: str) -> Output:
    """Open OUTPUT for appending, repairing a torn tail and reading what it already holds."""
    if fmt == "jsonl":
        return _LinesOutput(path, fingerprint, csv_header=None)
    if fmt == "csv":
        return _LinesOutput(path, fingerprint, csv_header=",".join(RESULT_COLUMNS))
    return _ParquetOutput(path, fingerprint)


def _lock(handle: IO[Any], path: str) -> None:
    """Refuse to have two runs write one output (the lock goes when ``handle`` is closed)."""
    try:
        if durable.try_lock(handle.fileno(), path):
            return
    except LockUnavailableError as exc:
        handle.close()
        raise BatchError(exc.detail, path=path) from None
    handle.close()
    raise BatchError("another 'screening batch' run is writing this output", path=path)


class _LinesOutput:
    """JSON Lines or CSV: one record per line, appended a chunk at a time."""

    def __init__(self, path: str, fingerprint: str, *, csv_header: str | None) -> None:
        self.path = path
        self.csv_header = csv_header
        self.done = Done()
        try:
            self.handle: IO[bytes] = open(path, "a+b")  # noqa: SIM115 - closed in close()
        except OSError as exc:
            raise BatchError(exc.strerror or str(exc), path=path) from None
        _lock(self.handle, path)
        try:
            self._resume(fingerprint)
        except BaseException:
            self.handle.close()
            raise

    def _resume(self, fingerprint: str) -> None:
        self.handle.seek(0)
        kept = 0  # bytes of whole records
        quotes = 0  # CSV: an odd count of '"' so far means we are inside a quoted field
        number = 0
        pending: list[bytes] = []
        header_seen = self.csv_header is None
        for line in self.handle:
            number += 1
            if not line.endswith(b"\n"):
                break  # torn: the run was killed while writing this line
            pending.append(line)
            if self.csv_header is not None:
                quotes += line.count(b'"')
                if quotes % 2:
                    continue  # a quoted field goes on over the next line
                quotes = 0
            record_bytes = b"".join(pending)
            pending.clear()
            kept += len(record_bytes)
            where = f"{self.path}:{number}"
            if not header_seen:
                if record_bytes.decode("utf-8", "replace").rstrip("\r\n") != self.csv_header:
                    raise BatchError(f"{where}: not the header of a 'screening batch' output")
                header_seen = True
                continue
            self.done.add(self._parse(record_bytes, where), fingerprint, where)
        if kept != self.handle.tell() or pending:
            self.handle.truncate(kept)
        self.handle.seek(0, os.SEEK_END)
        if self.csv_header is not None and kept == 0:
            self._write(self.csv_header.encode() + b"\n")

    def _parse(self, record: bytes, where: str) -> dict[str, Any]:
        try:
            if self.csv_header is None:
                data = json.loads(record)
                return data if isinstance(data, dict) else {}
            cells = next(csv.reader([record.decode("utf-8", "surrogateescape")]))
        except (ValueError, csv.Error, StopIteration):
            raise BatchError(f"{where}: not a record written by 'screening batch'") from None
        if len(cells) != len(RESULT_COLUMNS):
            return {}
        row: dict[str, Any] = dict(zip(RESULT_COLUMNS, cells, strict=True))
        row["id"] = row["id"] or None
        row["error"] = row["error"] or None
        row["index"] = int(row["index"]) if row["index"].isdigit() else None
        return row

    def _write(self, data: bytes) -> None:
        self.handle.write(data)
        self.handle.flush()

    def write(self, chunk: list[Rendered]) -> None:
        if self.csv_header is None:
            self._write(b"".join(r.payload for r in chunk))
            return
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows(r.payload for r in chunk)
        self._write(text.getvalue().encode("utf-8", "backslashreplace"))

    def close(self, *, finish: bool = True) -> None:
        with contextlib.suppress(OSError):
            self.handle.flush()
            os.fsync(self.handle.fileno())  # an append: the file itself is never replaced
        self.handle.close()


class _ParquetOutput:
    """Parquet: part files while running, merged atomically into OUTPUT at the end."""

    def __init__(self, path: str, fingerprint: str) -> None:
        self.pq = _pyarrow_parquet()
        import pyarrow as pa

        self.pa = pa
        self.path = Path(path)
        self.parts = Path(f"{path}.partial")
        self.schema = pa.schema(
            [
                pa.field("index", pa.int64(), nullable=False),
                pa.field("id", pa.string()),
                pa.field("outcome", pa.string(), nullable=False),
                pa.field("error", pa.string()),
                pa.field("as_of", pa.date32()),
                pa.field("hits", pa.int32(), nullable=False),
                pa.field("rule_ids", pa.list_(pa.string())),
                pa.field("ruleset_fingerprint", pa.string(), nullable=False),
                pa.field("decision", pa.string()),
                pa.field("input_hash", pa.string()),
            ]
        )
        self.done = Done()
        self.buffer: list[dict[str, Any]] = []
        self.flushed_at = time.monotonic()
        try:
            self.parts.mkdir(exist_ok=True)
            self.lock: IO[Any] = open(self.parts / ".lock", "a")  # noqa: SIM115
        except OSError as exc:
            raise BatchError(exc.strerror or str(exc), path=str(self.parts)) from None
        _lock(self.lock, str(self.path))
        for stale in self.parts.glob(".tmp-*"):
            stale.unlink()
        self.tmp = self.path.with_name(f".{self.path.name}.tmp")
        self.tmp.unlink(missing_ok=True)
        self.next_part = 0
        try:
            for source in self._sources():
                self._scan(source, fingerprint)
        except BaseException:
            self.lock.close()
            if not self._part_files():  # nothing of ours to keep: leave no trace
                shutil.rmtree(self.parts, ignore_errors=True)
            raise
        if self._part_files():
            self.next_part = int(self._part_files()[-1].stem.split("-")[1]) + 1

    def _part_files(self) -> list[Path]:
        return sorted(self.parts.glob("part-*.parquet"))

    def _sources(self) -> list[Path]:
        return ([self.path] if self.path.exists() else []) + self._part_files()

    def _scan(self, source: Path, fingerprint: str) -> None:
        try:
            reader = self.pq.ParquetFile(source)
            if reader.schema_arrow.names != self.schema.names:
                raise BatchError(f"{source}: not an output written by 'screening batch'")
            columns = ["index", "id", "outcome", "error", "ruleset_fingerprint", "input_hash"]
            for batch in reader.iter_batches(columns=columns, batch_size=PARQUET_ROW_GROUP):
                for n, row in enumerate(batch.to_pylist()):
                    self.done.add(row, fingerprint, f"{source}: row {n + 1}")
        except (OSError, ValueError) as exc:
            raise BatchError(f"{source}: not a readable Parquet file: {exc}") from None

    def write(self, chunk: list[Rendered]) -> None:
        self.buffer += [r.payload for r in chunk]
        waited = time.monotonic() - self.flushed_at
        if len(self.buffer) >= _PART_ROWS or waited >= _PART_SECONDS:
            self._flush()

    def _flush(self) -> None:
        self.flushed_at = time.monotonic()
        if not self.buffer:
            return
        table = self.pa.Table.from_pylist(self.buffer, schema=self.schema)
        final = self.parts / f"part-{self.next_part:06d}.parquet"
        tmp = self.parts / f".tmp-{final.name}"
        self.pq.write_table(table, tmp)
        durable.replace_file(tmp, final)
        self.next_part += 1
        self.buffer = []

    def close(self, *, finish: bool = True) -> None:
        try:
            self._flush()
            if finish:
                self._merge()
        finally:
            self.lock.close()
        if finish:
            shutil.rmtree(self.parts, ignore_errors=True)

    def _merge(self) -> None:
        if self.path.exists() and not self._part_files():
            return  # nothing new: OUTPUT already holds everything
        pending: list[Any] = []
        rows = 0
        with self.pq.ParquetWriter(self.tmp, self.schema) as writer:
            for source in self._sources():
                for batch in self.pq.ParquetFile(source).iter_batches(batch_size=PARQUET_ROW_GROUP):
                    pending.append(batch)
                    rows += batch.num_rows
                    while rows >= PARQUET_ROW_GROUP:
                        table = self.pa.Table.from_batches(pending, schema=self.schema)
                        writer.write_table(table.slice(0, PARQUET_ROW_GROUP))
                        rest = table.slice(PARQUET_ROW_GROUP)
                        pending, rows = rest.to_batches(), rest.num_rows
            if rows or not self.path.exists():
                table = self.pa.Table.from_batches(pending, schema=self.schema)
                writer.write_table(table, row_group_size=PARQUET_ROW_GROUP)
        durable.replace_file(self.tmp, self.path)
        for part in self._part_files():
            part.unlink()
