"""Decision logs: JSON Lines files that are only ever appended to, never rewritten.

`append_lines` appends under the one lock of `screening._io.durable` (so concurrent writers
never interleave), one ``write`` call per line, fsynced before it returns, so a decision
reported to the caller is on disk; a line a crash left unterminated is closed first. Where the
file cannot be locked it raises `LogError` rather than appending unlocked. `read_lines` splits on
``\\n`` only (`screening._io.jsonlines`): a record may hold U+2028 in a name, which
`str.splitlines` would split on.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from . import durable
from .jsonlines import read_lines

__all__ = ["append_lines", "read_lines"]


def append_lines(path: Path, lines: Iterable[str]) -> int:
    """Append each of ``lines`` (without newlines) to the log at ``path``; returns the count.

    Creates the file (and fsyncs its directory) when it does not exist. Raises `LogError`
    when the log cannot be locked or written; lines written before the failure stay.
    """
    encoded = []
    for line in lines:
        if "\n" in line or "\r" in line:
            raise ValueError("a log line must not contain a line break")
        encoded.append(line.encode("utf-8") + b"\n")
    return durable.append_lines(path, encoded)
