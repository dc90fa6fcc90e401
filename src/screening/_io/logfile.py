"""Decision logs: JSON Lines files that are only ever appended to, never rewritten.

`append_lines` opens the log in append mode, takes an exclusive lock where the platform has one
(so concurrent writers never interleave), writes each line with one ``write`` call and fsyncs
before returning, so a decision reported to the caller is on disk. A line left unterminated by a
crash is closed with a newline first, so it stays a single (unreadable) line instead of
corrupting the next record. `read_lines` splits on ``\\n`` only: a record may hold U+2028 in a
name, which `str.splitlines` would split on.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

try:  # POSIX only; elsewhere appends are still one write per line, unlocked.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from ..errors import LogError

__all__ = ["append_lines", "read_lines"]


def append_lines(path: Path, lines: Iterable[str]) -> int:
    """Append each of ``lines`` (without newlines) to the log at ``path``; returns the count.

    Creates the file (and fsyncs its directory) when it does not exist. Raises `LogError`
    when the log cannot be written; lines written before the failure stay.
    """
    encoded = []
    for line in lines:
        if "\n" in line or "\r" in line:
            raise ValueError("a log line must not contain a line break")
        encoded.append(line.encode("utf-8") + b"\n")
    created = not path.exists()
    try:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as exc:
        raise LogError(f"{path}: cannot open the log for appending: {exc.strerror}") from None
    try:
        with _locked(fd):
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                _write(fd, b"\n", path)  # close a line a crash left unterminated
            for data in encoded:
                _write(fd, data, path)
            os.fsync(fd)
    except OSError as exc:
        raise LogError(f"{path}: cannot write the log: {exc.strerror}") from None
    finally:
        os.close(fd)
    if created:
        _fsync_directory(path.parent)
    return len(encoded)


def _write(fd: int, data: bytes, path: Path) -> None:
    written = os.write(fd, data)
    if written != len(data):  # only on a full disk or a signal: never leave half a line quiet
        raise LogError(f"{path}: short write ({written} of {len(data)} bytes); log line torn")


@contextlib.contextmanager
def _locked(fd: int) -> Iterator[None]:
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _fsync_directory(directory: Path) -> None:
    """Make a newly created log's directory entry durable (POSIX; a no-op elsewhere)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows cannot open directories
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some filesystems refuse
        pass
    finally:
        os.close(fd)


def read_lines(path: Path) -> list[tuple[int, bytes]]:
    """The non-blank lines of a log with their line numbers (1-based), as bytes.

    Raises `LogError` when the file cannot be read or has no non-blank line.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LogError(f"{path}: cannot read the log: {exc.strerror or exc}") from None
    out = [(n, chunk) for n, chunk in enumerate(raw.split(b"\n"), start=1) if chunk.strip()]
    if not out:
        raise LogError(f"{path}: no decision records")
    return out
