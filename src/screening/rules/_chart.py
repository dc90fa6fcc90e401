"""The licence determination of 15 CFR 738.4: an ECCN's Country Chart columns crossed with the
destination's chart row on a day. Pure: it reads a `RuleSet` and nothing else.

Fail closed: an ECCN the rule set does not classify, a destination with no chart row in force,
and an unverified cell each make the answer *undetermined* (a review), never "no licence".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from ._ruleset import RuleSet
from ._schema import ChartRow, Classification

__all__ = ["Cell", "Determination", "Licence", "licence_determination"]


class Licence(StrEnum):
    """What the chart says for one item and destination."""

    REQUIRED = "required"
    """At least one of the item's columns has an X read in primary text."""
    NOT_REQUIRED = "not_required"
    """Every one of the item's columns is blank, each read in primary text (or none apply)."""
    UNDETERMINED = "undetermined"
    """Unknown ECCN, no chart row, or a cell that decides the answer is unverified."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One chart cell the determination read: the column, X or blank, and if it was verified."""

    column: str
    marked: bool
    verified: bool


@dataclass(frozen=True, slots=True)
class Determination:
    """The answer with its grounds: the classification and chart row read, and each cell."""

    eccn: str
    country: str
    day: dt.date
    licence: Licence
    reason: str
    """A sentence a reviewer can act on: which columns require a licence, or what is unknown."""
    classification: Classification | None = None
    row: ChartRow | None = None
    cells: tuple[Cell, ...] = ()

    @property
    def required_by(self) -> tuple[str, ...]:
        """The columns marked X (verified or not) for this item and destination."""
        return tuple(c.column for c in self.cells if c.marked)

    @property
    def exceptions(self) -> tuple[str, ...]:
        """The licence exceptions the CCL entry names, to be assessed by a person."""
        return self.classification.exceptions if self.classification else ()


def licence_determination(
    rules: RuleSet,
    eccn: str,
    country: str,
    day: dt.date,
    *,
    reasons: Collection[str] | None = None,
) -> Determination:
    """Is a licence required to send an item of ``eccn`` to ``country`` on ``day``, and by
    which chart columns? ``reasons`` limits the columns read (e.g. all but AT, when another
    rule decides AT). EAR99 is on no column: not required by the chart."""

    def answer(licence: Licence, reason: str, **kw: object) -> Determination:
        return Determination(eccn, country, day, licence, reason, **kw)  # type: ignore[arg-type]

    if eccn == "EAR99":
        return answer(Licence.NOT_REQUIRED, "EAR99 items are on no Country Chart column")
    entries = [c for c in rules.classifications.get(eccn[:5], ()) if c.in_force(day)]
    if not entries:
        return answer(Licence.UNDETERMINED, f"unknown ECCN {eccn}: not in the CCL data")
    entry = entries[0]
    columns = tuple(c for c in entry.columns if reasons is None or c[:2] in reasons)
    if not columns:
        # The entry's reasons decide, as they always did: an unverified entry's hits are
        # reviews where a column applies, but an entry naming none of these reasons has none.
        return answer(
            Licence.NOT_REQUIRED,
            f"{eccn} names no Country Chart column"
            + ("" if reasons is None else f" of {'/'.join(sorted(reasons))}"),
            classification=entry,
        )
    rows = [r for r in rules.chart_rows.get(country, ()) if r.in_force(day)]
    if not rows:
        return answer(
            Licence.UNDETERMINED,
            f"no Country Chart row for {country} on {day}",
            classification=entry,
        )
    row = rows[0]
    cells = tuple(
        Cell(
            col,
            col in row.marked,
            entry.verified and entry.columns_verified and row.cell_verified(col),
        )
        for col in columns
    )
    marked = [c.column for c in cells if c.marked]
    if any(c.marked and c.verified for c in cells):
        licence = Licence.REQUIRED
    elif all(c.verified for c in cells):
        licence = Licence.NOT_REQUIRED
    else:
        licence = Licence.UNDETERMINED
    unverified = [c.column for c in cells if not c.verified]
    reason = (
        f"{eccn} ({'/'.join(columns)}) to {country}: "
        + (f"X in {', '.join(marked)}" if marked else "no X in its columns")
        + (f"; unverified cells: {', '.join(unverified)}" if unverified else "")
    )
    return answer(licence, reason, classification=entry, row=row, cells=cells)
