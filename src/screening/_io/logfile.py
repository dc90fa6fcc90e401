"""Decision logs: JSON Lines files that are only ever appended to, never rewritten.

`append_lines` appends under the one lock of `screening._io.durable` (so concurrent writers
never interleave), one ``write`` call per line, fsynced before it returns, so a decision
reported to the caller is on disk; a line a crash left unterminated is closed first. Where the
file cannot be locked it raises `LogError` rather than appending unlocked. `read_lines` splits on
``\\n`` only (`screening._io.jsonlines`): a record may hold U+2028 in a name, which
`str.splitlines` would split on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from . import durable
from .jsonlines import read_lines

__all__ = ["append_chained", "append_lines", "read_lines"]


def append_lines(path: Path, lines: Iterable[str]) -> int:
    """Append each of ``lines`` (without newlines) to the log at ``path``; returns the count.

    Creates the file (and fsyncs its directory) when it does not exist. Raises `LogError`
    when the log cannot be locked or written; lines written before the failure stay.
    """
    return durable.append_lines(path, _encoded(lines))


def append_chained(path: Path, chain: Callable[[str | None], Sequence[str]]) -> list[str]:
    """Append ``chain(last)`` to the log at ``path``, where ``last`` is its last non-blank line
    (None when it has none), read under the lock the append holds; returns the lines written.
    Raises `LogError` as `append_lines` does."""
    written: list[str] = []

    def lines_after(last: bytes | None) -> list[bytes]:
        text = None if last is None else last.decode("utf-8", "surrogateescape")
        written[:] = chain(text)
        return _encoded(written)

    durable.append_lines(path, [], chain=lines_after)
    return written


def _encoded(lines: Iterable[str]) -> list[bytes]:
    encoded = []
    for line in lines:
        if "\n" in line or "\r" in line:
            raise ValueError("a log line must not contain a line break")
        encoded.append(line.encode("utf-8", "surrogateescape") + b"\n")
    return encoded
