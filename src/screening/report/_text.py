"""Small text helpers shared by the report's layout and its renderers."""

from __future__ import annotations

import datetime as dt
import unicodedata

__all__ = ["DASH", "day", "visible"]

DASH = "\u2013"  # en dash, for ranges of dates


def visible(text: str) -> str:
    """Invisible characters (zero-width spaces, direction marks, controls) written as
    ``⟨U+200B⟩``, so a reader sees what the screening saw in an evasive spelling."""
    if text.isprintable():  # no control, format or private-use character: nothing to show
        return text
    return "".join(
        f"⟨U+{ord(c):04X}⟩" if unicodedata.category(c) in ("Cf", "Cc", "Co") and c not in "\n\t"
        else c
        for c in text
    )  # fmt: skip


def day(date: dt.date) -> str:
    """A date as a reader writes it: ``8 Mar 2016``."""
    return f"{date.day} {date:%b} {date.year}"
