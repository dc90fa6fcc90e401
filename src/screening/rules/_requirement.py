"""Reading an Entity List entry's own licence requirement (the CSL ``license_requirement``
column, or a listing's ``licence_requirement``) into what the engine applies."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["LicenceRequirement", "read_requirement"]

_ALL_ITEMS = re.compile(r"^\s*(for\s+)?all\s+items\s+subjects?\s+to\s+the\s+ear\b", re.I)
_PROJECTS = re.compile(r"when\s+used\s+in\s+projects\s+specified\s+in\s*§?\s*746\.5", re.I)
_FOOD = re.compile(r"except\s+(for\s+)?food\s+or\s+medicine\s+designated\s+as\s+ear99", re.I)
_FOOTNOTE_1 = re.compile(r"736\.2\s*\(b\)\s*\(3\)\s*\(vi\)|734\.9\s*\(e\)|footnote\s+1\b", re.I)
_OTHER_TERMS = re.compile(r"\b(except|apart\s+from|unless|case-by-case|other\s+than)\b", re.I)


@dataclass(frozen=True, slots=True)
class LicenceRequirement:
    """What an Entity List entry's licence requirement reaches, as far as it can be read.

    ``projects_746_5``: only items for projects specified in 15 CFR 746.5; ``except_food_medicine``:
    EAR99 food and medicine are exempt; ``footnote``: the entry's FDP footnote (1 for
    §736.2(b)(3)(vi) / §734.9(e)); ``note``: what could not be read (applied as all items)."""

    projects_746_5: bool = False
    except_food_medicine: bool = False
    footnote: int | None = None
    note: str | None = None


@lru_cache(maxsize=4096)  # read per listing hit: a list has few distinct texts
def read_requirement(text: str | None) -> LicenceRequirement:
    """The requirement ``text`` states; anything unreadable is applied as "all items" (fail
    closed), with a note saying what was not read."""
    if text is None or not text.strip():
        return LicenceRequirement()  # no text of its own (e.g. SDN entries): all items
    footnote = 1 if _FOOTNOTE_1.search(text) else None
    projects = _PROJECTS.search(text) is not None
    food = _FOOD.search(text) is not None
    note = None
    if _ALL_ITEMS.match(text) is None:
        note = f"Licence requirement not read ('{_short(text)}'): applied to all items."
        return LicenceRequirement(footnote=footnote, note=note)
    rest = _FOOD.sub("", _PROJECTS.sub("", text))
    if footnote == 1:
        # The footnote-1 carve-out for EAR99 / AT-only technology is not modelled: fail closed.
        rest = re.split(r"\bEXCEPT\b", rest, maxsplit=1)[0]
    if _OTHER_TERMS.search(rest):
        note = (
            f"Other terms of the licence requirement ('{_short(text)}') are not modelled: "
            "applied to all items (except where read above)."
        )
    return LicenceRequirement(projects, food, footnote, note)


def _short(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
