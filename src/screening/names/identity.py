"""Evidence beyond the name: a party's date of birth and identifiers against a listed party's.

Pure functions over plain values, so any layer may use them: the engine weighs a name match
with them (a matching identifier makes a match; a conflicting date of birth or identifier
lowers the score; missing ones change nothing) and says why in the hit's evidence. The kinds of
identifier and the factors are in ``data/identifiers.yaml``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from .normalize import resource

__all__ = ["IdentityEvidence", "compare_dob", "compare_identifiers", "identifier_kind"]

Verdict = Literal["match", "conflict", "none"]


@dataclass(frozen=True, slots=True)
class IdentityEvidence:
    """What one comparison says: ``match``, ``conflict`` or ``none`` (nothing to compare),
    the factor it puts on a name score (1 unless a conflict), and a sentence for the hit."""

    verdict: Verdict
    factor: float
    reason: str


NOTHING = IdentityEvidence("none", 1.0, "")


@lru_cache(maxsize=1)
def _table() -> tuple[int, tuple[tuple[str, re.Pattern[str]], ...], float, float]:
    data = resource("identifiers.yaml")
    kinds = tuple(
        (str(kind), re.compile(r"(?<![a-z])(" + "|".join(map(re.escape, words)) + r")(?![a-z])"))
        for kind, words in data["kinds"].items()
    )
    return (
        int(data["min_length"]),
        kinds,
        float(data["conflict"]["dob"]),
        float(data["conflict"]["identifier"]),
    )


def identifier_kind(text: str) -> str | None:
    """The kind of an identifier from the words naming it ("Passport No." -> ``passport``), or
    None when no kind's words are in it."""
    low = text.lower()
    for kind, pattern in _table()[1]:
        if pattern.search(low):
            return kind
    return None


def _compact(value: str) -> str:
    return "".join(ch for ch in value.upper() if ch.isalnum())


_PIECE = re.compile(r"[A-Z0-9]+")


def _pieces(listed: str) -> frozenset[str]:
    """Every run of one to three neighbouring pieces of letters and digits of a listed
    identifier, joined: "Passport OB 0243318 (CD)" gives "OB0243318" and "0243318" among them,
    never a part of a piece (so "12345" is not found in "A123456")."""
    parts = _PIECE.findall(listed.upper())
    return frozenset(
        "".join(parts[i:j])
        for i in range(len(parts))
        for j in range(i + 1, min(i + 4, len(parts) + 1))
    )


def compare_identifiers(
    party: tuple[tuple[str, str], ...], listed: tuple[str, ...]
) -> IdentityEvidence:
    """A party's identifiers (``(type, value)`` pairs) against a listed party's (as the list
    writes them: "Passport OB 0243318 (CD)"). A party value found, letters and digits only,
    in a listed identifier is a match; a value of a kind the list also gives, found in none of
    them, is a conflict; anything else says nothing."""
    if not party or not listed:
        return NOTHING
    min_length, _, _, factor = _table()
    compact = [(_pieces(x), identifier_kind(x)) for x in listed]
    conflicts = []
    for kind_text, value in party:
        v = _compact(value)
        if len(v) < min_length:
            continue
        found = next((x for x, (c, _) in zip(listed, compact, strict=True) if v in c), None)
        if found is not None:
            return IdentityEvidence(
                "match", 1.0, f"identifier {kind_text} {value} is on the list entry ('{found}')"
            )
        kind = identifier_kind(kind_text)
        same = [x for x, (_, k) in zip(listed, compact, strict=True) if kind and k == kind]
        if same:
            conflicts.append(f"{kind_text} {value} (the list gives {'; '.join(same)})")
    if conflicts:
        return IdentityEvidence(
            "conflict", factor, "identifier differs from the list entry's: " + "; ".join(conflicts)
        )
    return NOTHING


_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d|2100)(?!\d)")
_RANGE = re.compile(
    r"(?<!\d)(1[89]\d\d|20\d\d|2100)\s*(?:\.\.|to|-)\s*(1[89]\d\d|20\d\d|2100)(?!\d)"
)
_DATE = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d|2100)-(\d\d)-(\d\d)(?!\d)")


def _spans(text: str) -> list[tuple[dt.date, dt.date]]:
    """The days a listed date of birth allows: a day, a year, or a range of years."""
    m = _DATE.fullmatch(text.strip())
    if m:
        try:
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return []
        return [(day, day)]
    m = _RANGE.search(text)
    if m:
        lo, hi = sorted((int(m[1]), int(m[2])))
        return [(dt.date(lo, 1, 1), dt.date(hi, 12, 31))]
    return [(dt.date(int(y), 1, 1), dt.date(int(y), 12, 31)) for y in _YEAR.findall(text)]


def compare_dob(party: dt.date | int | None, listed: tuple[str, ...]) -> IdentityEvidence:
    """A party's date of birth (a date, or a year) against the dates a list gives ("1971",
    "1960-05-12", "1954..1958", "circa 1979"). Within any of them: a match (corroboration, not
    proof: many people share a birthday); outside all of them: a conflict; no date on either
    side, or none the list gives readably: nothing."""
    if party is None or not listed:
        return NOTHING
    if isinstance(party, dt.date):
        lo, hi = party, party
        shown = party.isoformat()
    else:
        lo, hi = dt.date(party, 1, 1), dt.date(party, 12, 31)
        shown = str(party)
    spans = [s for text in listed for s in _spans(text)]
    if not spans:
        return NOTHING
    given = "; ".join(listed)
    if any(a <= hi and lo <= b for a, b in spans):
        return IdentityEvidence(
            "match", 1.0, f"date of birth {shown} agrees with the list's ({given})"
        )
    return IdentityEvidence(
        "conflict", _table()[2], f"date of birth {shown} differs from the list's ({given})"
    )
