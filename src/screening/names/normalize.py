"""Pure, cached normalisation of names: one canonical spelling for many evasive ones.

Each step undoes a known way of writing the same name differently:

1. Unicode compatibility forms (full-width ``ＺＴＥ``, ligatures, mathematical letters): NFKC.
2. Text in a right-to-left override (U+202E) is read in the order it is displayed, so a
   reversed name that displays as the listed one reads as it (the order as stored is read too).
   Then every default-ignorable code point (zero-width space / joiner, BOM, soft hyphen, bidi
   controls, Hangul fillers, variation selectors, tags: ``data/default_ignorable.yaml``) and
   every control character is dropped.
3. Look-alike letters from other scripts in a Latin-script name (a Cyrillic ``В`` in
   ``Вeijing``, a Cherokee ``Ꮓ`` in ``ᏃTE``): folded to the Latin letter they imitate
   (``data/homoglyphs.yaml`` for Cyrillic, Greek and Armenian; the Unicode confusables data of
   UTS #39, as shipped by ``confusable-homoglyphs``, for every other script). A name with no
   Latin letter is a real foreign-script name and is transliterated too (`transliterate`).
4. Case (full case folding) and diacritics; any letter left outside ASCII is transliterated.
5. Punctuation and spacing: words split at punctuation (``8-Star`` is ``8 star``), apostrophes
   join (``Int'l``), runs of single letters join (``Z.T.E.`` is ``zte``).
6. Legal forms and common abbreviations, including multi-word forms (``Limited Liability
   Company`` is ``llc``), and number words (``Eight`` is ``8``): ``data/legal_forms.yaml`` and
   ``data/number_words.yaml``.

Word order, a word split in two (``Bei Jing``) and typing errors are left to the scorer, which
aligns words rather than comparing strings.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import islice, pairwise, product
from typing import Any

import yaml

from .transliterate import is_han, transliterate

__all__ = [
    "MARKS",
    "WADE_GILES",
    "WADE_GILES_UNMARKED",
    "Readings",
    "compact",
    "fold_text",
    "foreign_reading",
    "legal_forms",
    "normalize",
    "readings",
    "stopwords",
    "syllables_read_as",
    "tokens",
    "wade_giles",
    "wade_giles_keys",
    "weak_words",
    "written_readings",
    "written_words",
]

_MAX_CACHE = 65536
_WORD = re.compile(r"[^\W_]+")
_DROP = frozenset({"Cf", "Cc", "Co", "Cs", "Cn"})
"""Unicode categories removed: format (zero-width, BOM, soft hyphen, bidi), control, private
use, surrogates and unassigned code points."""

_OVERRIDES = frozenset("\u202d\u202e")
"""Left-to-right and right-to-left override: they change the order text is displayed in."""
_OPEN = frozenset("\u202a\u202b\u202d\u202e\u2066\u2067\u2068")
"""Bidi controls that open an embedding, override or isolate."""
_CLOSE = frozenset("\u202c\u2069")
"""Pop directional formatting and pop directional isolate: they close what the above open."""

_NOT_LOOKALIKE = ("CJK", "HANGUL", "HIRAGANA", "KATAKANA", "CYRILLIC", "GREEK")
"""Scripts the confusables data is not taken for: ideographs and syllables are words, not
letters that imitate Latin ones; Cyrillic and Greek look-alikes come from the curated table
alone, so that real words read as before (Cyrillic ``п`` is not ``n``)."""


def resource(name: str) -> Any:
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@lru_cache(maxsize=1)
def _homoglyphs() -> dict[str, str]:
    """Look-alike letter -> the Latin letter it imitates: the curated table, then every letter
    of another script that the Unicode confusables data (UTS #39) maps to one ASCII letter."""
    table = _confusable_letters()
    for script in resource("homoglyphs.yaml").values():
        table.update({str(k): str(v) for k, v in script.items()})
    return table


def _confusable_letters() -> dict[str, str]:
    """From ``confusable-homoglyphs``' copy of confusables.txt (each character with the
    characters it is confusable with, both ways): each non-ASCII letter outside
    `_NOT_LOOKALIKE` whose prototype is one ASCII letter ("Ꮓ" -> "Z", "օ" -> "o")."""
    data = resources.files("confusable_homoglyphs").joinpath("confusables.json")
    table: dict[str, str] = {}
    for char, alike in json.loads(data.read_text(encoding="utf-8")).items():
        if len(char) != 1 or char.isascii() or not char.isalpha():
            continue
        if unicodedata.name(char, "CJK").startswith(_NOT_LOOKALIKE):
            continue
        latin = sorted(a["c"] for a in alike if len(a["c"]) == 1 and a["c"].isascii())
        latin = [c for c in latin if c.isalpha()]
        if latin:
            table[char] = latin[0]
    return table


@lru_cache(maxsize=1)
def _ignorable() -> frozenset[str]:
    """Every default-ignorable code point (``data/default_ignorable.yaml``)."""
    ranges = resource("default_ignorable.yaml")["ranges"]
    return frozenset(chr(c) for first, last in ranges for c in range(first, last + 1))


@lru_cache(maxsize=1)
def _legal() -> dict[str, Any]:
    data: dict[str, Any] = resource("legal_forms.yaml")
    return data


@lru_cache(maxsize=1)
def _word_table() -> dict[str, tuple[str, ...]]:
    legal = _legal()
    table = {str(k): tuple(str(v).split()) for k, v in legal["forms"].items()}
    table.update({str(k): tuple(str(v).split()) for k, v in legal["words"].items()})
    table.update({str(k): (str(v),) for k, v in resource("number_words.yaml").items()})
    return table


@lru_cache(maxsize=1)
def _phrases() -> dict[tuple[str, ...], str]:
    return {tuple(str(k).split()): str(v) for k, v in _legal()["phrases"].items()}


@lru_cache(maxsize=1)
def _max_phrase() -> int:
    return max(len(k) for k in _phrases())


@lru_cache(maxsize=1)
def phrase_words() -> dict[str, tuple[str, ...]]:
    """A legal-form phrase as `written_words` writes it, its words joined, -> those words
    ("jointstockcompany" -> joint, stock, company): the initials of a name take each word."""
    return {"".join(k): k for k in _phrases()}


@lru_cache(maxsize=1)
def legal_forms() -> frozenset[str]:
    """Canonical legal-form words ("company", "limited", "llc", ...): weak evidence in a name."""
    words = {w for v in _legal()["forms"].values() for w in str(v).split()}
    return frozenset(words | set(_phrases().values()))


@lru_cache(maxsize=1)
def misspelt_forms() -> frozenset[str]:
    """Legal-form spellings whose misspellings are recognised (legal_forms.yaml: misspelt)."""
    return frozenset(str(x) for x in _legal()["misspelt"])


@lru_cache(maxsize=1)
def _weights() -> dict[str, Any]:
    data: dict[str, Any] = resource("weights.yaml")
    return data


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Words that carry almost nothing in a name ("of", "the", "de", "al")."""
    w = _weights()
    return frozenset(str(x) for x in [*w["stopwords"], *w["titles"]])


@lru_cache(maxsize=1)
def weak_words() -> dict[str, float]:
    """Each weak canonical word and the factor on its weight (data/weights.yaml)."""
    w = _weights()
    factors = w["factors"]
    table = {t: float(factors["generic"]) for t in _canonical(w["generic"])}
    legal = legal_forms() | _canonical(w["legal_words"])
    table.update({t: float(factors["legal_form"]) for t in legal})
    table.update({t: float(factors["stopword"]) for t in stopwords()})
    return table


@dataclass(frozen=True, slots=True)
class OrderRules:
    """Word order that matters (data/weights.yaml: ``order``)."""

    patronymic: frozenset[str]
    patronymic_swapped: float
    numbers_differ: float
    roman_numerals: frozenset[str]
    korean_syllables: frozenset[str]
    acronym: float
    acronym_skip: float
    acronym_written: float = 0.0
    """How alike a word and the initials of a name's words as written are ("SLL" / "Suke
    Logistics Ltd."): less than `acronym`, the initials of its distinctive words."""
    acronym_stopwords: frozenset[str] = frozenset()
    """Words left out of the initials of the words as written ("of", "the", "and")."""
    acronym_unmarked: float = 0.0
    """How alike a word and the initials of a name that says not that it is an organisation
    are (no legal form, generic or `acronym_organisation` word): less than either above, most
    are people's names."""
    acronym_organisation: frozenset[str] = frozenset()
    """Words that say a name is an organisation's ("Corps", "Foundation", "Ministry")."""
    acronym_person: frozenset[str] = frozenset()
    """Words that say a name is a person's ("bin", "Abu"): no initials of it are read."""
    acronym_conjunctions: frozenset[str] = frozenset()
    """Of `acronym_stopwords`, those no name starts with ("and"): there, never an initial."""


@lru_cache(maxsize=1)
def order_rules() -> OrderRules:
    """The rules of word order and numbers, and the Korean syllables (data/weights.yaml)."""
    w = _weights()
    order = w["order"]
    return OrderRules(
        frozenset(str(x) for x in order["patronymic"]),
        float(order["patronymic_swapped"]),
        float(order["numbers_differ"]),
        frozenset(str(x) for x in order["roman_numerals"]),
        frozenset(str(x) for x in w["korean_syllables"]),
        float(w["acronyms"]["similarity"]),
        float(w["acronyms"]["skip"]),
        float(w["acronyms"]["written"]),
        frozenset(str(x) for x in w["acronyms"]["stopwords"]),
        float(w["acronyms"]["unmarked"]),
        frozenset(_canonical([str(x) for x in w["acronyms"]["organisation"]])),
        frozenset(str(x) for x in w["acronyms"]["person"]),
        frozenset(str(x) for x in w["acronyms"]["conjunctions"]),
    )


@dataclass(frozen=True, slots=True)
class ContainmentRules:
    """A listed name found whole inside a longer one (data/weights.yaml: ``containment``)."""

    score: float
    letters: int
    distinctiveness: float
    unaligned: float
    spread: float
    neighbour: float
    """A word of the longer name next to the listed name weighing more than this makes the two
    one longer name ("SOVTEST ATE"): the listed name is not found whole inside it."""
    added: float
    """The words of the longer name left over may say at most this many times what the listed
    name says: past that, the listed name is a small part of another party's name."""
    generic: float = 0.0
    """The share of a generic word's rarity that counts towards distinctiveness."""
    legal_form: float = 0.0
    """The share of a legal form's rarity that counts towards distinctiveness."""
    core: float = 0.0
    """What the words that are not weak must count for at least (as distinctiveness counts):
    a name of generic words alone is not a name found inside another."""
    named: frozenset[str] = frozenset()
    """Legal words that name the body rather than its legal form ("Federal", "Establishment"):
    a listed name is found whole inside another only with them aligned too."""


@lru_cache(maxsize=1)
def containment_rules() -> ContainmentRules:
    """The containment rules of data/weights.yaml."""
    c = _weights()["containment"]
    return ContainmentRules(
        float(c["score"]),
        int(c["letters"]),
        float(c["distinctiveness"]),
        float(c["unaligned"]),
        float(c["spread"]),
        float(c["neighbour"]),
        float(c["added"]),
        float(c["generic"]),
        float(c["legal_form"]),
        float(c["core"]),
        frozenset(_canonical([str(x) for x in c.get("named", ())])),
    )


@lru_cache(maxsize=1)
def weight_factors() -> dict[str, float]:
    """The weak-word factors of data/weights.yaml by kind (legal_form, stopword, generic...)."""
    return {str(k): float(v) for k, v in _weights()["factors"].items()}


@lru_cache(maxsize=1)
def _patronymic_endings() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A patronymic's ending (data/weights.yaml) at the end of a word, and anywhere in words
    joined by spaces (one scan to tell the many names without one)."""
    ending = str(_weights()["patronymic_endings"])
    return re.compile(f"(?:{ending})$"), re.compile(f"(?:{ending})(?: |$)")


def patronymic_shaped(word: str) -> bool:
    """Whether a word ends as an East Slavic patronymic does (data/weights.yaml
    ``patronymic_endings``), wherever it stands: what says a name gives one, when it matters
    that it may ("Popov Dimitri Ivanovich LLC" names a father, legal form or not)."""
    return _patronymic_endings()[0].search(word) is not None


def patronymics(words: Sequence[str]) -> tuple[int, ...]:
    """Positions of a person's East Slavic patronymics (data/weights.yaml
    ``patronymic_endings``): a word so ending right after a given name, a word of two letters
    or more that does not so end, in a name of three words or more without a legal form or
    generic word ("LUKASHENKO, Alexander Grigoryevich", "Roman Arkadyevich Abramovich": the
    patronymic, not a surname that is one in form; not "Kommercheski Bank Yaroslavich", a
    bank, nor "Ivan P. Karpovich", a surname after an initial)."""
    if len(words) < 3:
        return ()
    if _patronymic_endings()[1].search(" ".join(words)) is None:
        return ()
    weak, stop = weak_words(), stopwords()
    if any(w in weak and w not in stop for w in words):
        return ()  # a party with a legal form or generic word: no person
    shaped = [patronymic_shaped(w) for w in words]
    return tuple(
        i for i in range(1, len(words)) if shaped[i] and not shaped[i - 1] and len(words[i - 1]) > 1
    )


@lru_cache(maxsize=1)
def generic_words() -> frozenset[str]:
    """The generic business words of data/weights.yaml (canonical), legal forms and stop words
    aside: words that say what kind of party a name is ("Shipping", "Electronics")."""
    weak = weak_words()
    generic = float(_weights()["factors"]["generic"])
    return frozenset(w for w in _canonical(_weights()["generic"]) if weak.get(w) == generic)


def generic_unaligned_factor() -> float:
    """The factor on the IDF of a generic word left unaligned (data/weights.yaml:
    ``generic_unaligned``): see `match.Weights.cost`."""
    return float(_weights()["factors"]["generic_unaligned"])


def short_factor() -> float:
    """The weight factor of a one- or two-letter word (data/weights.yaml: ``short``)."""
    return float(_weights()["factors"]["short"])


@lru_cache(maxsize=1)
def spellings() -> dict[str, tuple[str, ...]]:
    """Every spelling the word tables know, with its canonical words ("ltd" -> ("limited",))."""
    return dict(_word_table())


def _canonical(words: list[str]) -> set[str]:
    table = _word_table()
    return {c for w in words for c in table.get(str(w), (str(w),))}


def _is_latin_letter(ch: str) -> bool:
    if ch.isascii():
        return ch.isalpha()
    return ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN")


def _visible(text: str) -> str:
    if text.isascii() and text.isprintable():
        return text  # the common case, and nothing to do
    if not _OVERRIDES.isdisjoint(text):
        text = _displayed(text)
    ignorable = _ignorable()
    text = "".join(ch for ch in text if ch not in ignorable)
    # NFKC makes a Hangul filler of a halfwidth one (U+FFA0 -> U+1160): drop those after it too
    text = unicodedata.normalize("NFKC", text)
    return "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch not in ignorable and unicodedata.category(ch) not in _DROP
    )


def _displayed(text: str) -> str:
    """Text in the order it is displayed where bidi overrides reorder it: what a right-to-left
    override (U+202E) holds, up to its pop (U+202C) or the end, is displayed reversed, each
    nested embedding, override or isolate inside it as one unit in its own order. The controls
    themselves are kept (they are dropped as default-ignorable next)."""
    stack: list[tuple[str, list[str]]] = [("", [])]
    for ch in text:
        if ch in _OPEN:
            stack.append((ch, [ch]))
        elif ch in _CLOSE and len(stack) > 1:
            stack[-1][1].append(ch)
            _close(stack)
        else:
            stack[-1][1].append(ch)
    while len(stack) > 1:
        _close(stack)
    return "".join(stack[0][1])


def _close(stack: list[tuple[str, list[str]]]) -> None:
    opener, pieces = stack.pop()
    stack[-1][1].append("".join(reversed(pieces) if opener == "\u202e" else pieces))


def _ascii_fold(text: str) -> str:
    # Transliteration also takes the diacritics off Latin letters ("é" -> "e", "ø" -> "o");
    # stripping combining marks first would break foreign letters ("й" is not "и").
    text = transliterate(unicodedata.normalize("NFKC", text.casefold()))
    return " ".join(text.casefold().split())


@lru_cache(maxsize=_MAX_CACHE)
def fold_text(text: str) -> str:
    """Unicode-level folding to lower-case ASCII: NFKC, invisible characters, look-alike letters,
    transliteration, case, diacritics.

    A word whose every foreign letter has a Latin look-alike is read as Latin ("Вeijing",
    "ΖΤΕ"): that is how a spoof is written. Other foreign words are transliterated ("Ромашка" ->
    "romashka"). Keeps spacing and punctuation; used for names and addresses alike.
    """
    return _fold(text, spoofs=True)


@lru_cache(maxsize=_MAX_CACHE)
def foreign_reading(text: str) -> str | None:
    """The text with its wholly foreign look-alike words transliterated instead ("Москва" ->
    "moskva", where `fold_text` reads "mockba"), or None when that changes nothing.

    A word written entirely in Cyrillic or Greek letters that all look Latin is either a spoof
    or a real foreign word; `fold_text` takes the first reading, and a matcher tries both.
    """
    if text.isascii():
        return None
    folded = _fold(text, spoofs=False)
    return None if folded == fold_text(text) else folded


def _fold(text: str, *, spoofs: bool) -> str:
    text = _visible(text)
    if text.isascii():
        return " ".join(text.casefold().split())
    glyphs = _homoglyphs()
    text = _WORD.sub(lambda m: _fold_word(m.group(), glyphs, spoofs), text)
    return _ascii_fold(text)


def _fold_word(word: str, glyphs: dict[str, str], spoofs: bool) -> str:
    """Fold the look-alike letters of a word when every foreign letter in it has one, and the
    word mixes scripts (always a spoof) or ``spoofs`` says to read whole words as spoofs too."""
    foreign = [ch for ch in word if ch.isalpha() and not _is_latin_letter(ch)]
    if not foreign or not all(ch in glyphs for ch in foreign):
        return word
    if spoofs or len(foreign) < sum(ch.isalpha() for ch in word):
        return "".join(glyphs.get(ch, ch) for ch in word)
    return word


_PIECE = re.compile(r"[a-z0-9']+|&|[,;:()\[\]/|]")
_CLAUSE = frozenset(",;:()[]/|")
"""Punctuation that ends a clause: initials are not joined across it ("B.I., S.T.R.")."""


def _split(text: str) -> list[str]:
    """Words of folded (lower-case ASCII) text: split at punctuation and spaces; an apostrophe
    joins ("int'l", "o'brien"); "&" is a word of its own. Clause punctuation is kept as a
    marker for `_join_initials`, which drops it."""
    return [w.replace("'", "") for w in _PIECE.findall(text) if w.strip("'")]


def _join_initials(words: list[str]) -> list[str]:
    """Join runs of single letters within a clause: "z t e" (from "Z.T.E.") is "zte", and
    "B.I., S.T.R." is "bi str". Single letters left next to each other across a clause mark
    ("A (R)") are joined too, so that normalising again changes nothing."""
    if all(len(w) > 1 for w in words):
        return words  # the common case: no initials and no clause marks
    out: list[str] = []
    run: list[str] = []
    for w in [*words, ","]:
        if len(w) == 1 and w.isalpha():
            run.append(w)
            continue
        if run:
            out.append("".join(run))
            run = []
        if w not in _CLAUSE:
            out.append(w)
    joined: list[str] = []
    for w in out:
        if len(w) == 1 and w.isalpha() and joined and len(joined[-1]) == 1 and joined[-1].isalpha():
            joined[-1] += w
        else:
            joined.append(w)
    return joined


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    """Spellings the tables know: word-table keys, legal-form words, weak words, suffixes."""
    w = _weights()
    words = set(_word_table()) | {str(x) for x in w["legal_words"]} | set(_suffixes())
    words |= {str(x) for x in w["generic"]} | {p for k in _phrases() for p in k}
    return frozenset(x for x in words if len(x) >= 3)


@lru_cache(maxsize=1)
def _suffixes() -> frozenset[str]:
    return frozenset(str(x) for x in _legal()["suffixes"])


def _rejoin(words: list[str]) -> list[str]:
    """Re-join a known word split in two ("Limi ted", "Co mpany", "Akts ionernoe"): two
    neighbours of letters whose join is a known spelling, when at least one of them is not a
    known word and neither is a canonical word (so normalising again changes nothing)."""
    known, canon = _known(), _canonical_words()
    out: list[str] = []
    i = 0
    while i < len(words):
        if i + 1 < len(words):
            a, b = words[i], words[i + 1]
            if (
                a + b in known
                and not (a in known and b in known)
                and a not in canon
                and b not in canon
                and a.isalpha()
                and b.isalpha()
            ):
                out.append(a + b)
                i += 2
                continue
        out.append(words[i])
        i += 1
    return out


@lru_cache(maxsize=1)
def _canonical_words() -> frozenset[str]:
    """Every word the tables produce ("company", "jsc", "8")."""
    values = {w for ws in _word_table().values() for w in ws}
    return frozenset(values | set(_phrases().values()))


def _unglue(words: list[str], *, syllables: bool = False) -> list[str]:
    """Split a known ending off a word it is glued to ("castleholdings" -> "castle holdings"),
    when at least three letters stay in front and the word is not a known spelling itself;
    with ``syllables`` (`_syllabic_reading`), nor when the word is pinyin syllables."""
    known, suffixes, by_length = _known(), _suffixes(), _suffix_lengths()
    ends = _suffix_ends()
    out: list[str] = []
    for word in words:
        if word[-3:] not in ends or (syllables and _segment(word, wade_giles().pinyin)):
            out.append(word)  # the common case (no known ending), or pinyin kept whole
            continue
        tail: list[str] = []
        while word not in known and word.isalpha():
            for n in by_length:
                if len(word) - n >= 3 and word[-n:] in suffixes:
                    tail.append(word[-n:])
                    word = word[:-n]
                    break
            else:
                break
        out.append(word)
        out.extend(reversed(tail))
    return out


@lru_cache(maxsize=1)
def _suffix_ends() -> frozenset[str]:
    return frozenset(x[-3:] for x in _suffixes())


@lru_cache(maxsize=1)
def _suffix_lengths() -> tuple[int, ...]:
    return tuple(sorted({len(x) for x in _suffixes()}, reverse=True))


def _replace_phrases(
    words: tuple[str, ...], written: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Multi-word legal forms to one word; ``written`` follows along (the words joined)."""
    phrases, longest, starts = _phrases(), _max_phrase(), _phrase_starts()
    changed = True
    while changed:  # to a fixed point, so normalisation is idempotent
        changed = False
        out: list[str] = []
        src: list[str] = []
        i = 0
        while i < len(words):
            if words[i] in starts:
                for n in range(min(longest, len(words) - i), 1, -1):
                    canon = phrases.get(words[i : i + n])
                    if canon is not None:
                        out.append(canon)
                        src.append("".join(written[i : i + n]))
                        i += n
                        changed = True
                        break
                else:
                    out.append(words[i])
                    src.append(written[i])
                    i += 1
            else:
                out.append(words[i])
                src.append(written[i])
                i += 1
        words, written = tuple(out), tuple(src)
    return words, written


@lru_cache(maxsize=1)
def _phrase_starts() -> frozenset[str]:
    return frozenset(k[0] for k in _phrases())


@lru_cache(maxsize=_MAX_CACHE)
def tokens(name: str) -> tuple[str, ...]:
    """The canonical words of a name, in their original order."""
    return written_words(name)[0]


@lru_cache(maxsize=_MAX_CACHE)
def written_words(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The canonical words of a name and, for each, the word as written (folded) before the
    tables were applied: ``("nuc", "technology"), ("nuc", "tech")`` for "Nuc Tech". The scorer
    joins written words too, so "NucTech" still matches "Nuc Tech"."""
    return _words_of(fold_text(name))


def _words_of(folded: str, *, syllables: bool = False) -> tuple[tuple[str, ...], tuple[str, ...]]:
    table = _word_table()
    # Re-join once more after ungluing: "L:IMITEDLTD" unglues to "l imited ltd", whose "l imited"
    # is then "limited", as normalising it again would make it (idempotence).
    words = _rejoin(_unglue(_rejoin(_join_initials(_split(folded))), syllables=syllables))
    canon: list[str] = []
    written: list[str] = []
    for w in words:
        mapped = table.get(w, (w,))
        canon.extend(mapped)
        written.extend([w, *mapped[1:]])
    return _replace_phrases(tuple(canon), tuple(written))


def normalize(name: str) -> str:
    """The canonical form of a name: its canonical words joined by single spaces.

    Idempotent: ``normalize(normalize(x)) == normalize(x)``.
    """
    return " ".join(tokens(name))


def compact(name: str) -> str:
    """The canonical form without spaces, so "8 Star", "8-Star" and "8Star" are equal."""
    return "".join(tokens(name))


def readings(name: str) -> tuple[tuple[str, ...], ...]:
    """Every way to read a name as canonical words: `tokens`, and the words of its
    `foreign_reading` when it has one. A matcher compares all readings and keeps the best."""
    return tuple(words for words, _ in written_readings(name))


Readings = tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]
"""What `written_readings` gives for a name: each reading's canonical and written words."""


@lru_cache(maxsize=_MAX_CACHE)
def written_readings(name: str) -> Readings:
    """`readings`, each with its words as written (see `written_words`).

    ``written_readings.__wrapped__`` reads without caching: for the names of a list, read
    once when its index is built, which would otherwise fill the cache (some 20 MB for the
    CSL) that queries, which repeat, are meant to use.

    A name with a bidi override is read as displayed and as stored, in that order."""
    if _OVERRIDES.isdisjoint(name):
        return _written_readings(name)
    stored = "".join(ch for ch in name if ch not in _OVERRIDES)
    found = dict.fromkeys((*_written_readings(name), *_written_readings(stored)))
    return tuple(found)


def _written_readings(name: str) -> Readings:
    folded = _fold(name, spoofs=True)
    first = _words_of(folded)
    found = [first]
    if not name.isascii():
        other = _fold(name, spoofs=False)  # `foreign_reading`
        if other != folded:
            found.append(_words_of(_fold(other, spoofs=True)))
    for text in _leet_readings(folded):
        found.append(_words_of(text))
    found.extend(_wade_giles_reading(folded))
    if (syllabic := _syllabic_reading(folded)) is not None:
        found.append(syllabic)
    if _ARABIC.search(name):
        found.extend(_consonant_readings(name))
    return tuple(dict.fromkeys(r for r in found if r[0]))  # first kept first, as before


_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015"
_REGISTRATION = re.compile(rf"\s*(?P<mark>[a-z0-9]{{1,4}})[{_DASHES}](?P<code>[a-z0-9]+)\s*")


@lru_cache(maxsize=1)
def _registration_marks() -> tuple[frozenset[str], int, int]:
    """The aircraft nationality marks of data/registration_marks.yaml (folded), and the fewest
    and most letters of a registration after one."""
    data = resource("registration_marks.yaml")
    low, high = (int(x) for x in data["letters"])
    return frozenset(str(m).casefold() for m in data["marks"]), low, high


def aircraft_registration(name: str) -> bool:
    """Whether a name is an aircraft's registration and nothing else ("EP-MMB", "YK-AGC",
    "P-532", "RA-02791", "M-VITO"): a nationality mark of data/registration_marks.yaml, a dash,
    and a registration of letters and digits (of letters alone, three, or four after a
    one-letter mark)."""
    if len(name) > 16 or not any(d in name for d in _DASHES):
        return False
    found = _REGISTRATION.fullmatch(_fold(name, spoofs=True))
    if found is None:
        return False
    marks, low, high = _registration_marks()
    mark, code = found["mark"], found["code"]
    if mark not in marks or not low <= len(code) <= high:
        return False
    if code.isalpha():
        # Letters alone may be a word: as the listed States write them, three after a mark of
        # two characters or more ("EP-MMB"), four after one letter ("F-OJHH", "M-VITO"); not
        # "EX-KOTI", a vessel's former name, nor the nickname "D-BOY".
        return len(code) == (3 if len(mark) > 1 else 4)
    # With digits, three characters or more after a one-letter mark ("P-632"): not "B-52".
    return len(mark) > 1 or len(code) >= 3


_LONE_LETTER_HYPHENED = re.compile(r"\s[a-z]-|-[a-z]\s")
"""A quick test for `_LETTER_THEN_HYPHENED` and `_HYPHENED_THEN_LETTER`."""
_LETTER_THEN_HYPHENED = re.compile(r"(?<![a-z0-9'-])([a-z]\s+[a-z])-(?=[a-z]*[a-z][a-z])")
_HYPHENED_THEN_LETTER = re.compile(r"(?<=[a-z][a-z])-([a-z]\s+[a-z])(?![a-z0-9'-])")


def _syllabic_reading(folded: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The name read as syllables, when that differs from `_words_of`: a letter hyphened to a
    longer piece, next to a lone letter, stays with that piece rather than join the lone letter
    as initials ("a a-li" is "a ali", as the Chinese name "A A-li" is meant; read first as the
    initials "aa" and "li", as "J P-Morgan" is "jp morgan"), and a word of pinyin syllables
    is whole, not split before the legal form its last letters spell ("Mouzao", a given name,
    read first as "mou" + ZAO). A reading more, never instead: the best reading counts."""
    # Every name of a list is read: the common case (neither) is told by cheap tests first.
    hyphened = "-" in folded and _LONE_LETTER_HYPHENED.search(folded) is not None
    tails, glued = _pinyin_glued_to_form()
    for tail in tails:
        if tail in folded:
            pinyin = wade_giles().pinyin
            kept = any(_segment(m.group(), pinyin) for m in glued.finditer(folded))
            break
    else:
        kept = False
    if not (hyphened or kept):
        return None
    bound = folded
    if hyphened:
        bound = _LETTER_THEN_HYPHENED.sub(r"\1", bound)
        bound = _HYPHENED_THEN_LETTER.sub(r"\1", bound)
    reading = _words_of(bound, syllables=True)
    return None if reading == _words_of(folded) else reading


@lru_cache(maxsize=1)
def _pinyin_glued_to_form() -> tuple[tuple[str, ...], re.Pattern[str]]:
    """A word ending in a legal form `_unglue` splits off that pinyin syllables may end in
    ("zao", "pao", "oao", "ooo": a pinyin syllable's last letters, then syllables; three letters
    or more before it), and the last two letters of these forms (a quick test): only such a
    word may be pinyin syllables as a whole."""
    table = wade_giles().pinyin

    def may_end_pinyin(form: str) -> bool:
        return any(
            form.startswith(tail) and (tail == form or _segment(form[len(tail) :], table))
            for syllable in table
            for tail in (syllable[k:] for k in range(len(syllable)))
        )

    ends = sorted((x for x in _suffixes() if may_end_pinyin(x)), key=lambda x: (-len(x), x))
    forms = "|".join(ends) or "(?!)"
    word = re.compile(rf"(?<![a-z0-9'])[a-z]{{3,}}(?:{forms})(?![a-z0-9'])")
    return tuple(sorted({x[-2:] for x in ends})), word


_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")

CONSONANTS = "~"
"""The mark of a word read from Arabic script by its consonants (see `consonant_key`)."""


def consonant_key(word: str) -> str:
    """A word's consonants, as Arabic script writes a name without its short vowels: a few
    spellings of one sound folded (q/k, c/k, kh/h, ph/f, zh/j, g/j, p/b, v/f, x/ks), then the
    vowels and the letters that also write long vowels (w, y) left out and doubled letters
    collapsed: "hassan", "hasan" and حسن ("hsn") all give "hsn"; "mohammed", "muhammad" and
    محمد give "mhmd"."""
    low = word.lower()
    for old, new in _CONSONANT_FOLDS:
        low = low.replace(old, new)
    low = _HARD_C.sub("k", low)
    out: list[str] = []
    for ch in low:
        if ch in "aeiouwy'":
            continue
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=_MAX_CACHE)
def consonant_keys(word: str) -> tuple[str, ...]:
    """A Latin word's `consonant_key` and the other ways Arabic script may write it: without a
    final "h" after a vowel (ta marbuta, "Fatimah" for فاطمة; not Allah's, "Abdullah"),
    "Abdul" / "Abdel" as عبد alone (the "-ul" is the next word's article), and "ch" as Arabic
    script writes it (تش, or ش for a French "ch")."""
    key = consonant_key(word)
    low = word.lower()
    out = [key]
    if len(low) > 3 and low[-1] == "h" and low[-2] in "aeiou" and low[-4:-2] != "ll":
        out.append(consonant_key(low[:-1]))
    if _ABD_AL.fullmatch(low):
        out.append("bd")
    if "ch" in low:  # "ch" is تش (Chad, تشاد), or, French, ش ("Chafik" / شفيق, "Cherif")
        out.append(consonant_key(low.replace("ch", "tsh")).replace("ch", "tsh"))
        out.append(consonant_key(low.replace("ch", "sh")))
    for pair, apart in _TWO_LETTERS:  # "Azhar" is أزهر, z then h: not the one sound ژ
        if pair in low:
            out.append(consonant_key(low.replace(pair, apart)))
    out.extend(_legal_consonants().get(low, ()))
    if low[:2] in ("al", "el") and len(low) > 4 and len(rest := consonant_key(low[2:])) > 1:
        out.append(rest)  # the article written joined ("Alessawi", "Elhyya"): العيساوي
    return tuple(dict.fromkeys(k for k in out if k))


@lru_cache(maxsize=1)
def _legal_consonants() -> dict[str, tuple[str, ...]]:
    """A canonical legal form or business word -> the consonants of its abbreviations
    (legal_forms.yaml: "co" for "company", "ltd" for "limited", "bros" for "brothers"): a name
    written in Arabic script spells the abbreviation its Latin form has (ك for "Co.", لتد for
    "Ltd"), not the word it stands for."""
    out: dict[str, list[str]] = {}
    legal = _legal()
    for spelling, canonical in [*legal["forms"].items(), *legal["words"].items()]:
        words = str(canonical).split()
        if len(words) == 1 and str(spelling) != words[0]:
            out.setdefault(words[0], []).append(consonant_key(str(spelling)))
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


_CONSONANT_FOLDS = (
    ("x", "ks"),  # Arabic script writes "x" as كس
    ("dzh", "j"),
    ("tsh", "ch"),
    ("zh", "j"),
    ("kh", "h"),
    ("ph", "f"),
    ("ck", "k"),
    ("q", "k"),
    ("g", "j"),
    ("p", "b"),  # Arabic has no "p" nor "v": it writes ب and ف for them (Persian's پ and
    ("v", "f"),  # ڤ read the same, so both scripts' spellings meet)
)
_TWO_LETTERS = (("zh", "z'h"), ("tsh", "t'sh"))
"""Latin pairs `consonant_key` folds into one sound that Arabic script may write as two letters
("Azhar", "Mazhar": ز then ه; "Natsheh": ت then ش); the apostrophe keeps them apart."""
_HARD_C = re.compile("c(?!h)")
_ABD_AL = re.compile("abd[aeiou]l")

_SOUND_FOLDS = (
    ("dj", "j"),  # French: "Djamel" / "Jamal"
    ("gh", "q"),  # Persian: "Ghasem" / "Qasem", "Bagher" / "Baqir" (ق and غ sound alike)
    *(fold for fold in _CONSONANT_FOLDS if fold[0] not in ("p", "v")),
)
"""`sound_key`'s folds: French "dj" and Persian "gh" for ق, then `consonant_key`'s but Arabic
script's own "p" and "v" (two Latin spellings of one word both have them)."""
SOUND_LETTERS = 5
"""The fewest letters of a word with a `sound_key`: one typing error in such a word is at least
as alike as a sound (`match.SOUND`), so that the alignment never takes a word for a sound that
another needed for a typing error ("axab", four letters with three consonants, has none)."""
_SOUND_MIN = 3
"""The fewest consonants a `sound_key` has: two ("Sofia", "Yusuf" without its "y") leave too
many words alike."""
_VOWEL = "."
_VOWELS = {"a": 1, "i": 2, "u": 4, "o": 4, "e": 1 | 2 | 4, "y": 2, "w": 4}
"""The short vowels a Latin vowel may write (bits: 1 a, 2 i, 4 u) in the romanisations of
Arabic and Persian names: "e" any ("Ahmed", "Khaled", "Yousef"), "o" u ("Mohamed", "Hossein"),
and after the first run of vowels a too (`_O_FOR_A`); "y" and "w" in a run of vowels, long i
and u."""
_O_FOR_A = 1
"""What "o" may also write after a word's first run of vowels: a ("Hezbollah" / "Hizballah", the
Persian "-ollah"; "Jalolov" / "Zhalalov", Uzbek; "Leanidavich" / "Leonidovich", Belarusian
writes unstressed "o" as "a"). Not in the first run, mostly stressed: "Hossein" is not "Hassan"."""


def sound_key(word: str) -> str:
    """A Latin word's consonants, folded (`_SOUND_FOLDS`: q/k, kh/h, g/j, ...) and doubled
    letters collapsed, with where each run of vowels falls (``.``) but not which vowels:
    romanisations of one Arabic or Persian word write its vowels differently ("Mohamed" /
    "Muhammad", "Hussein" / "Husayn", "Yousef" / "Yusuf"). "y" and "w" before a vowel are
    consonants. "" for a word with digits, of fewer than `SOUND_LETTERS` letters, with fewer
    than `_SOUND_MIN` consonants or one run of vowels ("Chen" / "Chuan": syllables): no key.
    Which vowels each run may write, `sound_alike` compares."""
    return _sounds(word)[0]


def sound_table(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """`sound_key` -> the words with it, in their order: an index's table, made without filling
    `_sounds`'s cache with every listed word."""
    found: dict[str, list[str]] = {}
    for word in words:
        if key := _read_sounds(word)[0]:
            found.setdefault(key, []).append(word)
    return {k: tuple(v) for k, v in found.items()}


def _read_sounds(word: str) -> tuple[str, tuple[int, ...]]:
    """`sound_key` and, for each run of vowels in it, the short vowels it may write (`_VOWELS`)."""
    if len(word) < SOUND_LETTERS or not (word.isascii() and word.isalpha()):
        return "", ()
    low = word.lower()
    for old, new in _SOUND_FOLDS:
        if old in low:
            low = low.replace(old, new)
    low = _HARD_C.sub("k", low)
    out: list[str] = []
    runs: list[int] = []
    last = len(low) - 1
    for i, ch in enumerate(low):
        vowel = _VOWELS.get(ch, 0)
        if ch == "o" and runs and (out[-1] != _VOWEL or len(runs) > 1):  # not in the first run
            vowel |= _O_FOR_A
        if vowel and (ch not in "yw" or i == last or low[i + 1] not in "aeiou"):
            if out and out[-1] == _VOWEL:
                runs[-1] |= vowel
            else:
                out.append(_VOWEL)
                runs.append(vowel)
        elif not out or out[-1] != ch:
            out.append(ch)
    if len(out) - len(runs) < _SOUND_MIN or len(runs) < 2:
        return "", ()
    return "".join(out), tuple(runs)


_sounds = lru_cache(maxsize=_MAX_CACHE)(_read_sounds)


def sound_alike(a: str, b: str) -> bool:
    """Whether two canonical (lower-case) words may be romanisations of one Arabic or Persian
    word: the same `sound_key`, each run of vowels of one writing a vowel the other's may,
    neither a legal form, generic or stop word (words of a language, spelt one way: "center" is
    not "kontur") and not both pinyin syllables (one standard spelling: "guangzhou" is not
    "zhengzhou")."""
    key, runs = _sounds(a)
    if not key:
        return False
    other, other_runs = _sounds(b)
    if key != other:
        return False
    weak = weak_words()
    return (
        a not in weak
        and b not in weak
        and all(x & y for x, y in zip(runs, other_runs, strict=True))
        and not (_all_pinyin(a) and _all_pinyin(b))
    )


@lru_cache(maxsize=_MAX_CACHE)
def _all_pinyin(word: str) -> bool:
    """Whether a word is pinyin syllables with a vowel from end to end (not the interjections
    "m", "n", "ng": "Salim" is no "sa li m")."""
    return bool(_segment(word.lower(), _voiced_pinyin()))


@lru_cache(maxsize=1)
def _voiced_pinyin() -> frozenset[str]:
    return frozenset(x for x in wade_giles().pinyin if not _VOWELS.keys().isdisjoint(x))


def _consonant_readings(name: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """A name written in Arabic script read by its consonants (`_consonant_reading`): its
    words as written, then, when they differ, its words as one word is written in Latin
    letters (`_join_fragments`) - greedily, then with no short word taken as the rest of the one
    before, then also with a lone letter ending the word before ("ني م" for "Ni'ma") - and
    those with a word of ال and two letters read whole. Which fragments make one word is
    ambiguous ("مس اد اب": "Mas'ud Abu"; "ز ايتر الي": "Zu'aytar Ali"): the best reading counts."""
    tokens = _WORD.findall(unicodedata.normalize("NFKC", _visible(name)))
    out = [_consonant_reading(tokens)]
    joined = _join_fragments(tokens)
    if joined != tokens:
        out.append(_consonant_reading(joined))
        for fewer in (
            _join_fragments(tokens, rests=False),
            _join_fragments(tokens, rests=False, back=True),
        ):
            if fewer != joined and fewer != tokens:
                out.append(_consonant_reading(fewer))
    if any(_short_article(t) for t in joined):
        out.append(_consonant_reading(joined, whole=True))
    return out


def _short_article(token: str) -> bool:
    """A word of ال and two letters: "al-" and a short word, or a word of its own ("Alvi")."""
    return len(token) == 4 and token.startswith(_ARTICLE)


_ARTICLE = "\u0627\u0644"
_ALIF = "\u0627"
_WAW = "\u0648"
"""و, "and": the one letter Arabic script writes as a word of its own."""
_ABD = frozenset(("\u0639\u0628\u062f", "\u0627\u0628\u062f"))
"""عبد, "servant of", and the ابد of a name spelt letter by letter: a word of its own in Arabic
script that Latin spellings join to the next ("Abdrabbah", "Abdallah")."""


def _join_fragments(tokens: list[str], *, rests: bool = True, back: bool = False) -> list[str]:
    """Arabic words split where a Latin spelling joins them: a letter standing alone (but و,
    "and") is part of the next word ("س اد" for "Sa'id", where the apostrophe of an ayn or a
    hamza split it), and a run of them initials ("م س" for "M/S"), as Latin letters join
    "M.S."; a short word after another that starts with alif is the rest of it ("مش ان" for
    "Mish'an"), and so is an article that ends the name ("اسم ال" for "Isma'il"); and a word
    after عبد, "servant of", is one with it ("عبد ربه" for "Abdrabbah"). ``rests``: take the
    rests of words; ``back``: a lone letter is the end of the word before, when there is one."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if _lone_letter(t):
            run = [t]
            while i + len(run) < len(tokens) and _lone_letter(tokens[i + len(run)]):
                run.append(tokens[i + len(run)])
            i += len(run)
            nxt = tokens[i] if i < len(tokens) else ""
            before = out[-1] if out else ""
            if back and len(run) == 1 and _ARABIC.search(before) and before != _ARTICLE:
                out[-1] = before + t
            elif len(run) == 1 and _ARABIC.search(nxt) and nxt != _ARTICLE:
                out.append(t + nxt)
                i += 1
            else:
                out.append("".join(run))
            continue
        prev = out[-1] if out else ""
        arabic = bool(_ARABIC.search(t))
        abd = prev in _ABD and arabic and t != _ARTICLE  # "عبد ربه": "Abdrabbah"
        rest = (  # "مش ان": "Mish'an"; "اسم ال": "Isma'il"
            rests
            and arabic
            and t.startswith(_ALIF)
            and len(t) <= 3
            and t not in _ABD  # ابد is Abd, a word of its own: never the rest of another
            and (t != _ARTICLE or i == len(tokens) - 1)
            and _ARABIC.search(prev)
            and prev != _ARTICLE
        )
        if abd or rest:
            out[-1] = prev + t
        else:
            out.append(t)
        i += 1
    return out


def _lone_letter(token: str) -> bool:
    return len(token) == 1 and token != _WAW and bool(_ARABIC.search(token))


def _consonant_reading(
    tokens: list[str], *, whole: bool = False
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Words of a name written in Arabic script read by their consonants: each word becomes
    `CONSONANTS` + the consonants of its letters, one letter at a time (ز then ح is "zh", two
    letters, not the one sound "zh" of Latin letters), which the scorer compares with the
    `consonant_keys` of the other name's words (vowels unwritten: محمد is "Muhammad"). The
    article, written joined to its word, is a word of its own as Latin letters write it
    (البغدادي: "al-Baghdadi"; a sun letter's "ar-" is "al" too), but right after an article
    standing alone (ال البي: "al-Olabi"). A word that reads like a legal form or a title in
    Latin letters is no such thing in Arabic script: اب is "Abu", مس "Musa". Words in other
    scripts keep their canonical words. ``whole``: a word of ال and two letters is read whole
    ("الفي": "Alvi"), not as the article and a word of one consonant."""
    keys = _arabic_keys()
    words: list[str] = []
    prev = ""
    for token in tokens:
        if not _ARABIC.search(token):
            words.extend(_words_of(_fold(token, spoofs=True))[0])
            prev = token
            continue
        after_article = prev == _ARTICLE
        prev = token
        if token == _ARTICLE:  # standing alone, as "al-" is written in Latin letters
            words.append("al")
            continue
        if (
            token.startswith(_ARTICLE)
            and len(token) >= 4
            and not after_article
            and not (whole and _short_article(token))
        ):
            words.append("al")
            token = token[2:]
        out: list[str] = []
        for ch in "".join(keys.get(ch, "") for ch in token):
            if not out or out[-1] != ch:
                out.append(ch)
        if out:
            words.append(CONSONANTS + "".join(out))
    return tuple(words), tuple(words)


@lru_cache(maxsize=1)
def _arabic_keys() -> dict[str, str]:
    """Each letter of the Arabic blocks -> its consonants as `consonant_key` writes them
    (خ "h", ق "k", ش "sh"; alif, waw, ya, ta marbuta and the hamza carriers: nothing)."""
    out: dict[str, str] = {}
    for cp in (*range(0x0600, 0x0700), *range(0x0750, 0x0780)):
        ch = chr(cp)
        if ch.isalpha():
            out[ch] = "".join(c for c in consonant_key(transliterate(ch)) if c.isalpha())
    return out


WADE_GILES = "^"
"""The mark of a word read as Wade-Giles written with its apostrophes (see `wade_giles_keys`)."""
WADE_GILES_UNMARKED = "%"
"""The mark of a word read as Wade-Giles written without apostrophes: "p" may be "b" or "p"."""
MARKS = frozenset((CONSONANTS, WADE_GILES, WADE_GILES_UNMARKED))
"""The first character of every word that is compared by a key, not by its letters."""


@dataclass(frozen=True, slots=True)
class WadeGiles:
    """The Wade-Giles table (data/wade_giles.yaml) in the forms the reading uses."""

    pinyin: dict[str, tuple[str, str]]
    """Pinyin syllable -> its Wade-Giles spelling with apostrophes and without (umlauts off)."""
    written: frozenset[str]
    """Every Wade-Giles syllable with its apostrophe (umlauts off), and its alternatives."""
    unmarked: dict[str, frozenset[str]]
    """Every Wade-Giles syllable without apostrophes -> the pinyin syllables it may be."""
    alternatives: dict[str, str]
    written_similarity: float
    unmarked_similarity: float
    spellings: dict[str, tuple[str, ...]]
    """Pinyin syllable -> its Wade-Giles spellings with apostrophes: the table's, then the
    alternatives seen in practice ("si": "ssu", "szu"; "yi": "i", "yi")."""
    inner: dict[str, tuple[str, ...]]
    """The spellings used for a syllable after one it would make a syllable with: the table's,
    and the alternatives that are no syllable themselves ("Pio" is no "bi-e", as "bie" is one
    syllable; elsewhere `spellings`: "Hsiu-o" is "Xiu'e", "O-mei" Emei)."""
    standard: dict[str, str]
    """Each alternative that is no syllable of the table -> the table's spelling: "yi" -> "i",
    "szu" -> "ssu"; not "o", which is a syllable itself."""


def _plain(wg: str) -> str:
    return wg.replace("ü", "u").replace("ê", "e")


@lru_cache(maxsize=1)
def wade_giles() -> WadeGiles:
    """The Wade-Giles <-> pinyin syllable table of data/wade_giles.yaml."""
    data = resource("wade_giles.yaml")
    pinyin = {
        str(k): (_plain(str(v)), _plain(str(v)).replace("'", ""))
        for k, v in data["syllables"].items()
    }
    unmarked: dict[str, set[str]] = {}
    for py, (_, bare) in pinyin.items():
        unmarked.setdefault(bare, set()).add(py)
    alternatives = {str(k): str(v) for k, v in data["alternatives"].items()}
    written = {w for w, _ in pinyin.values()} | set(alternatives)
    for alt, std in alternatives.items():
        unmarked.setdefault(alt.replace("'", ""), set()).update(
            unmarked.get(std.replace("'", ""), ())
        )
    spellings = {
        py: (wg, *(alt for alt, std in alternatives.items() if std == wg))
        for py, (wg, _) in pinyin.items()
    }
    own = {wg for wg, _ in pinyin.values()}  # the table's spellings
    inner = {
        py: tuple(x for x in ways if x == ways[0] or x not in own) for py, ways in spellings.items()
    }
    standard = {alt: std for alt, std in alternatives.items() if alt not in own}
    return WadeGiles(
        pinyin,
        frozenset(written),
        {k: frozenset(v) for k, v in unmarked.items()},
        alternatives,
        float(data["written"]),
        float(data["unmarked"]),
        spellings,
        inner,
        standard,
    )


def _segment(word: str, syllables: Any, longest: int = 6) -> list[list[str]]:
    """Every way to cut ``word`` into syllables of ``syllables`` (at most 8 ways)."""
    ways: list[list[list[str]]] = [[] for _ in range(len(word) + 1)]
    ways[0] = [[]]
    for i in range(len(word)):
        if not ways[i]:
            continue
        for n in range(1, min(longest, len(word) - i) + 1):
            piece = word[i : i + n]
            if piece in syllables:
                ways[i + n].extend([*w, piece] for w in ways[i][:8])
    return ways[len(word)][:8]


@lru_cache(maxsize=_MAX_CACHE)
def wade_giles_keys(word: str) -> tuple[frozenset[str], frozenset[str]]:
    """A pinyin word in Wade-Giles, each syllable spelt as the table spells it, with
    apostrophes and without ("xiaoping" -> "hsiaop'ing", "hsiaoping"): one of each for every
    way to cut it into syllables ("xian": "hsien", or "hsi" + "an"). Empty for a word that is
    no pinyin. A word read as Wade-Giles is alike a listed word that has its key (or whose
    word as written has it: `syllables_read_as`)."""
    table = wade_giles()
    if not word.isalpha() or not word.isascii():
        return frozenset(), frozenset()
    first, inner, syllables = table.spellings, table.inner, table.pinyin
    marked = frozenset(
        "".join(spelt)
        for cut in _segment(word, syllables)
        for spelt in islice(
            product(
                first[cut[0]],
                *((inner if a + b in syllables else first)[b] for a, b in pairwise(cut)),
            ),
            16,
        )
    )
    return marked, frozenset(k.replace("'", "") for k in marked)


@lru_cache(maxsize=1)
def syllables_read_as() -> dict[str, tuple[str, ...]]:
    """Canonical word -> the words of pinyin syllables read as it, when that is another word:
    legal forms ("jsc": "ao", "pao", "zao", "gufen"; "company": "gongsi"; "limited":
    "youxian") and number words ("9": "nine"). Such a word is compared with a word read as
    Wade-Giles by its form as written: "Ao Xiaoping" is listed as "jsc xiaoping", written "ao
    xiaoping", which "Ao Hsiao-p'ing" meets and "Tsao Hsiao-p'ing" (pinyin Zao or Cao) does
    not; "Li Yu-hsien" meets "Li Youxian", not "Li Limited"."""
    table = wade_giles().pinyin
    out: dict[str, list[str]] = {}
    for word in sorted({*table, *_word_table()}):
        if not word.isalpha() or not _segment(word, table):
            continue
        words = _words_of(word)[0]
        if words != (word,) and len(words) == 1:
            out.setdefault(words[0], []).append(word)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=_MAX_CACHE)
def _wade_giles_words(word: str) -> tuple[tuple[str, ...], ...]:
    """The ways a word cuts into Wade-Giles syllables (apostrophes as written)."""
    return tuple(map(tuple, _segment(word, _wade_giles_syllables(), 7)))


@lru_cache(maxsize=1)
def _wade_giles_syllables() -> frozenset[str]:
    table = wade_giles()
    return table.written.union(table.unmarked)


_WADE_GILES_CUTS = 8
"""The most readings of a name read as Wade-Giles (see `_wade_giles_reading`)."""

_WG_WORD = re.compile(r"[a-z']+(?:-[a-z']+)*")


def _wade_giles_reading(
    folded: str,
) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """A name written in Wade-Giles, read as such: each word (a hyphenated given name one
    word) marked `WADE_GILES` (the name writes apostrophes) or `WADE_GILES_UNMARKED` and
    spelt as written, apostrophes and hyphens aside; the scorer compares it with the
    Wade-Giles spelling of a listed word's pinyin (`wade_giles_keys`). Only for a name of
    two to four words whose every word cuts into Wade-Giles syllables and one of them reads
    other than as written ("teng" may be "deng"): "Li Wei" is pinyin already. A name of three
    one-syllable words is also read with its two-syllable given name joined, first or last, a
    hyphenated one with its syllables spaced, and one of three syllables or more cut in two
    words ("T'a-pan-teng": "t'apan teng", "t'a panteng")."""
    if not folded.isascii():
        return []
    table = wade_giles()
    words = _WG_WORD.findall(folded)
    if not 2 <= len(words) <= 4 or _WG_WORD.sub("", folded).strip(" ,"):
        return []
    pieces = [w.replace("'", "").split("-") for w in words]
    differs = False
    for word, parts in zip(words, pieces, strict=True):
        if not all(_wade_giles_words(p) for p in word.split("-")):
            return []
        for p in parts:
            if "'" in word or any(
                other != p
                for cut in _wade_giles_words(p)
                for s in cut
                for other in table.unmarked.get(s.replace("'", ""), ())
            ):
                differs = True
    if not differs:
        return []
    mark = WADE_GILES if "'" in folded else WADE_GILES_UNMARKED
    keep = "'" if mark == WADE_GILES else ""
    # A syllable in another spelling seen in practice is read as the table spells it ("Yi"
    # as "I"), so that two names read as Wade-Giles compare alike ("I Ao" / "Yi Ao").
    standard = table.standard
    words = ["-".join(standard.get(p, p) for p in w.split("-")) for w in words]

    def spell(word: str) -> str:  # letters, and apostrophes when the name writes them
        return "".join(c for c in word if c.isalpha() or c == keep)

    spelt = [spell(w) for w in words]
    out = [spelt]
    if any("-" in w for w in words):  # the given name's syllables spaced on the list: "Su Yong"
        out.append([spell(p) for w in words for p in w.split("-")])
    if len(spelt) == 3 and all("-" not in w for w in words):
        out.append([spelt[0], spelt[1] + spelt[2]])
        out.append([spelt[0] + spelt[1], spelt[2]])
    # Three syllables or more hyphened, listed as two words: "T'a-pan-teng" for "Taban Deng"
    # or "Ta Bandeng" (at most `_WADE_GILES_CUTS` readings of such cuts in all).
    for k, word in enumerate(words):
        pieces = [spell(p) for p in word.split("-")]
        for cut in range(1, len(pieces)) if len(pieces) >= 3 else ():
            if len(out) < _WADE_GILES_CUTS:
                two = ["".join(pieces[:cut]), "".join(pieces[cut:])]
                out.append([*spelt[:k], *two, *spelt[k + 1 :]])
    return [(r, r) for r in (tuple(mark + w for w in ws) for ws in out)]


@lru_cache(maxsize=_MAX_CACHE)
def han_characters(name: str) -> str | None:
    """The Han characters of a name written in them (at least two, and at least half of its
    letters), in order; None for any other name. Two such names are compared by their
    characters, not their readings: 张伟 and 章伟 read alike ("zhang wei") and are two people."""
    if name.isascii():
        return None
    han = [ch for ch in name if is_han(ch)]
    letters = sum(ch.isalpha() for ch in name)
    return "".join(han) if len(han) >= 2 and 2 * len(han) >= letters else None


def reading_kind(name: str, k: int) -> str:
    """What the ``k``-th of a name's `written_readings` is, in words: for explanations."""
    if k == 0:
        return "as written"
    words = written_readings(name)[k][0]
    folded = _fold(name, spoofs=True)
    if any(w.startswith(CONSONANTS) for w in words):
        if _ARABIC.search(name) and words != _consonant_readings(name)[0][0]:
            return (
                "Arabic script read by its consonants, words joined as Latin letters write "
                "them: short vowels are not written"
            )
        return "Arabic script read by its consonants: short vowels are not written"
    if any(_words_of(t)[0] == words for t in _leet_readings(folded)):
        return "digits and symbols read as letters"
    if any(w[:1] in (WADE_GILES, WADE_GILES_UNMARKED) for w in words):
        return "Wade-Giles read as pinyin"
    if (syllabic := _syllabic_reading(folded)) is not None and syllabic[0] == words:
        return "read as syllables: a hyphened letter kept with its syllable, pinyin kept whole"
    return "look-alike letters read as foreign letters"


@lru_cache(maxsize=1)
def _leet() -> dict[str, tuple[str, ...]]:
    """Digit or symbol -> the letters it stands for (``data/leet.yaml``)."""
    return {str(k): tuple(v) for k, v in resource("leet.yaml")["letters"].items()}


_LEET_WORD = re.compile(r"[a-z0-9@$]+")


def _leet_readings(folded: str) -> list[str]:
    """The folded text with the digits and symbols of its mixed words read as letters
    (``data/leet.yaml``): one text per choice of letter ("1" as "i", then as "l"); none when
    no word of two characters or more mixes them with a letter."""
    table = _leet()
    if table.keys().isdisjoint(folded):
        return []

    def mixed(word: str) -> bool:
        return (
            len(word) >= 2 and any(ch.isalpha() for ch in word) and any(ch in table for ch in word)
        )

    if not any(mixed(w) for w in _LEET_WORD.findall(folded)):
        return []
    choices = max(len(v) for v in table.values())
    out = []
    for k in range(choices):
        swap = {ch: v[min(k, len(v) - 1)] for ch, v in table.items()}

        def read(m: re.Match[str], swap: dict[str, str] = swap) -> str:
            word = m.group()
            return "".join(swap.get(ch, ch) for ch in word) if mixed(word) else word

        out.append(_LEET_WORD.sub(read, folded))
    return list(dict.fromkeys(out))
