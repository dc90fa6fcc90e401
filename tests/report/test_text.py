"""`visible`: invisible characters written out, everything else as it is."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from screening.report import visible


def shown(c: str) -> str:
    """The rule, one character at a time: control, format and private-use characters (other
    than newline and tab) are written as their code point."""
    invisible = unicodedata.category(c) in ("Cf", "Cc", "Co") and c not in "\n\t"
    return f"⟨U+{ord(c):04X}⟩" if invisible else c


@given(st.text(st.characters(exclude_categories=("Cs",))))
def test_visible_writes_out_exactly_the_invisible_characters(text: str) -> None:
    assert visible(text) == "".join(shown(c) for c in text)


def test_visible_leaves_printable_text_alone() -> None:
    text = "ZTE — 8-Star → Iran · 中兴通讯"
    assert visible(text) is text
