"""Transliteration of non-Latin scripts into plain ASCII Latin letters.

Two well-kept libraries do the work rather than hand-made tables:

- `pypinyin` for Chinese (Han) characters: it reads words, not single characters, so polyphones
  come out right (重庆 is "chong qing", 银行 "yin hang"); its segmenter keeps known words
  together ("北京" -> "beijing"), as names are written in Latin.
- `anyascii` for every other script (Cyrillic, Greek, Arabic, Hebrew, Korean, Japanese kana,
  Devanagari, ...) and for Latin letters that do not decompose (ø, ł, đ, æ). It is ISC-licensed,
  has no dependencies and follows the common romanisations (Дмитрий -> "Dmitriy", the spelling
  the US lists use).

`Unidecode` was considered and not taken: it is GPL-licensed (this library is MIT) and gives
nothing `anyascii` does not. Both functions are pure and deterministic.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from anyascii import anyascii

__all__ = ["is_han", "transliterate"]


def is_han(ch: str) -> bool:
    """Whether a character is a Chinese (Han) ideograph."""
    return unicodedata.name(ch, "").startswith("CJK UNIFIED IDEOGRAPH") or (
        "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"
    )


def _pinyin(run: str) -> str:
    # Imported on first use: pypinyin's dictionaries take ~45 MB and ~0.2 s to load, and most
    # lists and transactions contain no Chinese characters at all.
    from pypinyin import Style, lazy_pinyin
    from pypinyin.seg.mmseg import seg

    _share_syllables()
    words = []
    for word in seg.cut(run):
        syllables = lazy_pinyin(word, style=Style.NORMAL, errors=_fallback)
        words.append("".join(syllables))
    return " ".join(w for w in words if w)


@lru_cache(maxsize=1)
def _share_syllables() -> None:
    """Make pypinyin's readings share one string per distinct reading, once. Its JSON reader
    gives each of the 143,863 syllables of its 47,111 phrases a string of its own, 1,247
    distinct, and each of its 41,923 characters its own readings, 8,598 distinct (13 MB of
    the ~50 MB it holds). The strings are equal and strings never change, so every reading
    is the same; nothing else of pypinyin's is touched (its lists stay its own)."""
    from pypinyin import pinyin_dict
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

    seen: dict[str, str] = {}
    share = seen.setdefault
    for readings in PHRASES_DICT.values():  # the lists of phrases_dict's (a shallow copy)
        for options in readings if type(readings) is list else ():
            if type(options) is list:
                options[:] = [share(o, o) if type(o) is str else o for o in options]
    for chars in (PINYIN_DICT, pinyin_dict.pinyin_dict):  # a copy of it, or the same
        for code, reading in list(chars.items()):
            if type(reading) is str:
                chars[code] = share(reading, reading)


def _fallback(chars: str) -> str:
    return "".join(_char(ch) for ch in chars)


def _char(ch: str) -> str:
    """One character in ASCII; a letter or digit no library can read becomes its code point
    ("u28190"), so it still equals itself and differs from other characters."""
    if ch.isascii():
        return ch
    if ch == "\u0627":  # Arabic alif, the long "a" (and the carrier of a word's first vowel):
        return "a"  # anyascii gives nothing, which would leave its code point
    if ch == "\u0629":  # ta marbuta, a name's final "-a" ("Fatima", "Usama"), not an "h"
        return "a"
    out = anyascii(ch)
    if not out and ch.isalnum():
        out = f" u{ord(ch):x} "
    return out


@lru_cache(maxsize=8192)
def transliterate(text: str) -> str:
    """ASCII rendering of ``text``: Han runs via pypinyin (one word per known Chinese word, a
    syllable otherwise), everything else via anyascii. ASCII text is returned unchanged."""
    if text.isascii():
        return text
    out: list[str] = []
    run: list[str] = []
    for ch in text:
        if is_han(ch):
            run.append(ch)
            continue
        if run:
            out.append(f" {_pinyin(''.join(run))} ")
            run = []
        out.append(_char(ch))
    if run:
        out.append(f" {_pinyin(''.join(run))} ")
    return "".join(out)
