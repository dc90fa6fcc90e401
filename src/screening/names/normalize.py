"""Pure, cached normalisation of names: one canonical spelling for many evasive ones.

Each step undoes a known way of writing the same name differently: Unicode compatibility forms
and case, invisible characters, look-alike letters from other scripts, diacritics, punctuation
and spacing, legal-form abbreviations and number words.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

__all__ = ["compact", "fold_text", "normalize", "tokens"]

_MAX_CACHE = 65536
_WORD = re.compile(r"[^\W_]+")


def _resource(name: str) -> Any:
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@lru_cache(maxsize=1)
def _homoglyphs() -> dict[str, str]:
    data = _resource("homoglyphs.yaml")
    table: dict[str, str] = {}
    for script in data.values():
        table.update({str(k): str(v) for k, v in script.items()})
    return table


@lru_cache(maxsize=1)
def _word_table() -> dict[str, str]:
    legal = _resource("legal_forms.yaml")
    table = {str(k): str(v) for k, v in legal["forms"].items()}
    table.update({str(k): str(v) for k, v in legal["words"].items()})
    table.update({str(k): str(v) for k, v in _resource("number_words.yaml").items()})
    return table


@lru_cache(maxsize=1)
def legal_forms() -> frozenset[str]:
    """Canonical legal-form words ("company", "limited", ...): weak evidence in a name."""
    return frozenset(str(v) for v in _resource("legal_forms.yaml")["forms"].values())


def _is_latin(ch: str) -> bool:
    return ch.isascii() or unicodedata.name(ch, "").startswith("LATIN")


def _fold_word(word: str, glyphs: dict[str, str]) -> str:
    foreign = [ch for ch in word if ch.isalpha() and not _is_latin(ch)]
    if foreign and all(ch in glyphs for ch in foreign):
        return "".join(glyphs.get(ch, ch) for ch in word)
    return word


@lru_cache(maxsize=_MAX_CACHE)
def fold_text(text: str) -> str:
    """Unicode-level folding: NFKC, case, invisible characters, look-alikes, diacritics.

    Keeps spacing and punctuation; used for names and addresses alike.
    """
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    # Drop format (zero-width, soft hyphen, bidi marks) and control characters; keep spacing.
    text = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in ("Cf", "Cc", "Co", "Cs", "Cn")
    )
    decomposed = unicodedata.normalize("NFD", text)
    text = unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    )
    glyphs = _homoglyphs()
    text = " ".join(text.split())
    return _WORD.sub(lambda m: _fold_word(m.group(), glyphs), text)


def _split_punctuation(text: str) -> list[str]:
    out: list[str] = []
    word: list[str] = []
    for ch in text:
        if ch.isalnum():
            word.append(ch)
            continue
        if ch == "'":  # "int'l", "o'brien": an apostrophe joins, it does not split
            continue
        if word:
            out.append("".join(word))
            word = []
        if ch == "&":
            out.append("&")
    if word:
        out.append("".join(word))
    return out


@lru_cache(maxsize=_MAX_CACHE)
def tokens(name: str) -> tuple[str, ...]:
    """The canonical words of a name, in their original order."""
    table = _word_table()
    return tuple(table.get(word, word) for word in _split_punctuation(fold_text(name)))


def normalize(name: str) -> str:
    """The canonical form of a name: its canonical words joined by single spaces.

    Idempotent: ``normalize(normalize(x)) == normalize(x)``.
    """
    return " ".join(tokens(name))


def compact(name: str) -> str:
    """The canonical form without spaces, so "8 Star", "8-Star" and "8Star" are equal."""
    return "".join(tokens(name))
