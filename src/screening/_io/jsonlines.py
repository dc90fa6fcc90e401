"""JSON Lines: the one way the library splits a log or a history into lines.

Lines end at ``\\n`` only (a ``\\r`` before it is JSON whitespace). `str.splitlines` would also
split at U+2028, U+2029, U+0085, ``\\x1c``-``\\x1e``, ``\\x0b`` and ``\\x0c``, which canonical JSON
writes unescaped inside strings (a name may hold them), and so cut a valid record in two.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import LogError

__all__ = ["numbered_lines", "read_lines"]


def numbered_lines(data: bytes) -> list[tuple[int, bytes]]:
    """The non-blank lines of JSON Lines ``data`` with their line numbers (1-based)."""
    return [(n, chunk) for n, chunk in enumerate(data.split(b"\n"), start=1) if chunk.strip()]


def read_lines(path: Path) -> list[tuple[int, bytes]]:
    """The non-blank lines of a decision log with their line numbers (1-based), as bytes.

    Raises `LogError` when the file cannot be read or has no non-blank line.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LogError(f"{path}: cannot read the log: {exc.strerror or exc}") from None
    out = numbered_lines(raw)
    if not out:
        raise LogError(f"{path}: no decision records")
    return out
