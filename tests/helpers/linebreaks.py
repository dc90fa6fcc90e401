"""The characters `str.splitlines` splits on besides ``\\n`` and ``\\r``: a JSON Lines reader
must not, since a JSON string may hold them (U+2028, U+2029 and U+0085 unescaped)."""

from __future__ import annotations

BREAKS = {
    "U+2028": "\u2028",
    "U+2029": "\u2029",
    "U+0085": "\x85",
    "x1c": "\x1c",
    "x1d": "\x1d",
    "x1e": "\x1e",
    "x0b": "\x0b",
    "x0c": "\x0c",
}
"""Name → character, for ``pytest.mark.parametrize(..., ids=...)``."""
