"""The layout of the report's two SVG timelines, as plain data for the template.

Every position, size and label is computed here, in Python, from the case's timeline and its
scenarios; ``templates/timeline.svg`` only writes the elements out. Text widths are estimated
(no fonts are measured), so the layout is pure and the same case always gives the same chart.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..authoring import Replay
from ..models import Outcome
from ._case import CaseReport, period
from ._text import DASH, day
from ._timeline import Event, Lane, Span

__all__ = ["EVENT_COLOURS", "Chart", "detail_chart", "overview_chart"]

_W = 1120
_X0 = 290
_X1 = 1096
_FONT = 11.0
_COLOURS = {
    Outcome.BLOCK: "#b42318",
    Outcome.REVIEW: "#b54708",
    Outcome.CLEAR: "#027a48",
}
EVENT_COLOURS = {
    "listing": "#b42318",
    "removal": "#027a48",
    "licence": "#b54708",
    "milestone": "#6941c6",
    "rule": "#475467",
}
"""The colour of each kind of event, in the charts and in the table of events."""
_ROW_HEIGHT = {0: 20.0, 1: 13.0, 2: 13.0}


# --- what the template draws ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    """A line from (x1, y1) to (x2, y2); ``stroke`` overrides its class's colour."""

    x1: float
    y1: float
    x2: float
    y2: float
    cls: str
    stroke: str | None = None


@dataclass(frozen=True, slots=True)
class Label:
    """A text at (x, y); ``anchor`` is its text-anchor (start when None), ``title`` its
    tooltip."""

    x: float
    y: float
    text: str
    cls: str
    anchor: str | None = None
    size: float | None = None
    weight: str | None = None
    fill: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Bar:
    """A window in force: a rounded bar, an arrow when it has no end, and its label."""

    tip: str
    x: float
    y: float
    width: float
    height: float
    cls: str
    label: Label
    arrow: tuple[tuple[float, float], ...] = ()
    """The arrowhead's three corners past the chart's right edge, for an open-ended window."""


@dataclass(frozen=True, slots=True)
class LaneView:
    """A lane of the detailed chart: its title lines, its bars, the line under it."""

    titles: tuple[Label, ...]
    bars: tuple[Bar, ...]
    sep: Line


@dataclass(frozen=True, slots=True)
class EventMark:
    """A dated event of the detailed chart: a dashed line down the chart and its label."""

    line: Line
    label: Label


@dataclass(frozen=True, slots=True)
class RuleMark:
    """A dated rule of the overview: a diamond with its top at (x, y - 8) and a label."""

    x: float
    y: float
    tip: str
    label: Label


@dataclass(frozen=True, slots=True)
class Marker:
    """A scenario at its as-of day: a numbered circle linking to its section, on a stem."""

    x: float
    y: float
    stem_top: float
    number: int
    colour: str
    expected: bool
    """False draws a dashed ring: the decision is not the one the scenario expects."""
    tip: str

    @property
    def href(self) -> str:
        """The scenario's section in the page."""
        return f"#scenario-{self.number:02d}"


@dataclass(frozen=True, slots=True)
class Zoom:
    """The band of the overview that the detailed chart shows."""

    x: float
    y: float
    width: float
    label: Label


@dataclass(frozen=True, slots=True)
class Chart:
    """One SVG timeline, in drawing order: grid, events, lanes, zoom band, titles on the left,
    dated rules, scenario markers, axis."""

    width: float
    height: float
    title: str
    grid: tuple[Line, ...]
    axis: Line
    ticks: tuple[tuple[Line, Label], ...]
    markers: tuple[Marker, ...]
    scenarios: Label
    events: tuple[EventMark, ...] = ()
    lanes: tuple[LaneView, ...] = ()
    zoom: Zoom | None = None
    titles: tuple[Label, ...] = ()
    rules: tuple[RuleMark, ...] = ()


# --- geometry ------------------------------------------------------------------------------------


def _text_width(text: str, size: float = _FONT) -> float:
    return len(text) * size * 0.56


class _Scale:
    def __init__(self, start: dt.date, end: dt.date) -> None:
        self.start, self.end = start, end
        self.days = max((end - start).days, 1)

    def x(self, day: dt.date) -> float:
        day = min(max(day, self.start), self.end)
        return _X0 + (day - self.start).days / self.days * (_X1 - _X0)


def _place(items: list[tuple[float, float, float]], gap: float = 6.0) -> list[int]:
    """Rows for intervals (left, right, key) so none overlaps another in its row."""
    order = sorted(range(len(items)), key=lambda i: (items[i][0], items[i][2]))
    ends: list[float] = []
    rows = [0] * len(items)
    for i in order:
        left, right, _ = items[i]
        for row, end in enumerate(ends):
            if end + gap <= left:
                ends[row] = right
                rows[i] = row
                break
        else:
            ends.append(right)
            rows[i] = len(ends) - 1
    return rows


def _labels(
    scale: _Scale, events: Sequence[tuple[dt.date, str]]
) -> list[tuple[float, int, str, str]]:
    """Label positions: (x of the day, row, text-anchor, text); a label goes right of its line
    unless that would run off the chart."""
    boxes = []
    anchors = []
    for date, text in events:
        x = scale.x(date)
        width = _text_width(text) + 4
        if x + width <= _X1 + 20:
            boxes.append((x, x + width, x))
            anchors.append("start")
        else:
            boxes.append((x - width, x, x))
            anchors.append("end")
    rows = _place(boxes)
    return [(scale.x(d), rows[i], anchors[i], text) for i, (d, text) in enumerate(events)]


def _months(scale: _Scale, *, months: bool) -> list[dt.date]:
    """The first days of the quarters (or of the years) within the scale."""
    out = []
    year = scale.start.year
    while dt.date(year, 1, 1) <= scale.end:
        for month in (1, 4, 7, 10) if months else (1,):
            date = dt.date(year, month, 1)
            if scale.start <= date <= scale.end:
                out.append(date)
        year += 1
    return out


def _axis(scale: _Scale, y: float, *, months: bool) -> tuple[Line, tuple[tuple[Line, Label], ...]]:
    ticks = []
    for date in _months(scale, months=months):
        x = scale.x(date)
        major = date.month == 1
        tick = Line(x, y, x, y + (6 if major else 4), "tick")
        text = str(date.year) if major else f"{date:%b}"
        label = Label(x, y + 18, text, "ticklabel", "middle", weight="600" if major else None)
        ticks.append((tick, label))
    return Line(_X0, y, _X1, y, "axis"), tuple(ticks)


def _grid(scale: _Scale, top: float, bottom: float, *, months: bool) -> tuple[Line, ...]:
    return tuple(
        Line(x, top, x, bottom, "grid major" if date.month == 1 else "grid")
        for date in _months(scale, months=months)
        for x in (scale.x(date),)
    )


def _markers(
    scale: _Scale, results: Sequence[tuple[int, Replay]], top: float
) -> tuple[tuple[Marker, ...], float]:
    boxes = [
        (scale.x(r.decision.as_of) - 11, scale.x(r.decision.as_of) + 11, i) for i, r in results
    ]
    rows = _place([(a, b, float(i)) for a, b, i in boxes], gap=1)
    out = []
    for (i, result), row in zip(results, rows, strict=True):
        decision = result.decision
        tip = (
            f"{i + 1}. {result.scenario.title} — {decision.outcome.value} as of "
            f"{decision.as_of}" + ("" if result.ok else " (NOT AS EXPECTED)")
        )
        x = scale.x(decision.as_of)
        y = top + 12 + row * 23
        out.append(Marker(x, y, top, i + 1, _COLOURS[decision.outcome], result.ok, tip))
    height = 24 + (max(rows) + 1 if rows else 1) * 23
    return tuple(out), height


def _bar(scale: _Scale, span: Span, y: float, height: float, prev_end: float) -> Bar:
    x1 = scale.x(span.start)
    open_ended = span.end is None or span.end > scale.end
    x2 = scale.x(span.end + dt.timedelta(days=1)) if span.end is not None else _X1
    x2 = min(x2, _X1)
    width = max(x2 - x1, 2.0)
    if span.kind == "general_licence":
        cls = "licence" if span.row == 1 else "licence alt"
    else:
        cls = {"Entity List": "el", "Denied Persons List": "dpl"}.get(span.list or "", "list")
    when = f"{day(span.start)} {DASH} {day(span.end)}" if span.end else f"from {day(span.start)}"
    arrow = ((_X1, y - 3), (_X1 + 9, y + height / 2), (_X1, y + height + 3)) if open_ended else ()
    size = 10.5 if span.kind == "general_licence" else _FONT
    if span.kind == "general_licence":
        end_text = f" → {span.end.day} {span.end:%b}" if span.end else ""
        candidates = [f"{span.label}{end_text}", span.label]
    else:
        until = f"to {day(span.end)}" if span.end else "no end date"
        candidates = [
            f"{span.label}: {day(span.start)} {DASH} {until}"
            if span.end
            else f"{span.label}: from {day(span.start)}, {until}",
            span.label,
        ]
    text_y = y + height / 2 + size * 0.36
    for text in candidates:
        if _text_width(text, size) + 8 <= width:
            label = Label(x1 + 5, text_y, text, f"bartext {cls}", size=size)
            break
    else:
        text = candidates[-1]
        if x1 - _text_width(text, size) - 6 >= prev_end:
            label = Label(x1 - 4, text_y, text, "sidetext", "end", size=size)
        else:
            label = Label(x2 + 4, text_y, text, "sidetext", size=size)
    tip = f"{span.title}: {when} ({span.citation})"
    return Bar(tip, x1, y, width, height, cls, label, arrow)


def _wrap(text: str, width: int = int((_X0 - 24) / (12 * 0.62))) -> list[str]:
    """Break a lane title into lines of at most ``width`` characters (what fits left of the
    chart in bold 12px, generously estimated), at spaces."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _lane(scale: _Scale, lane: Lane, top: float) -> tuple[LaneView, float]:
    titles = [line for name in lane.title.split(" · ") for line in _wrap(name)]
    sub = [
        "and its general licences" if len(lane.entity_ids) == 1 else "and their general licences"
    ]
    lines = titles + (sub if lane.rows > 1 else [])
    bars_height = sum(_ROW_HEIGHT.get(r, 13.0) + 3 for r in range(lane.rows)) - 3
    height = max(bars_height, len(lines) * 14 - 3) + 18
    ys = {0: top + (height - bars_height) / 2}
    for row in range(1, lane.rows):
        ys[row] = ys[row - 1] + _ROW_HEIGHT.get(row - 1, 13.0) + 3
    first = top + (height - len(lines) * 14) / 2 + 11
    labels = tuple(
        Label(_X0 - 12, first + i * 14, text, "lanesub" if i >= len(titles) else "lanetitle", "end")
        for i, text in enumerate(lines)
    )
    ends: dict[int, float] = {}
    bars = []
    for span in sorted(lane.spans, key=lambda s: (s.row, s.start)):
        bars.append(
            _bar(
                scale, span, ys[span.row], _ROW_HEIGHT.get(span.row, 13.0), ends.get(span.row, _X0)
            )
        )
        end = span.end + dt.timedelta(days=1) if span.end else scale.end
        ends[span.row] = scale.x(end)
    sep = Line(_X0, top + height, _X1, top + height, "sep")
    return LaneView(labels, tuple(bars), sep), height


def _month_floor(date: dt.date) -> dt.date:
    return dt.date(date.year, date.month, 1)


def _month_ceil(date: dt.date) -> dt.date:
    first = _month_floor(date)
    return first if first == date else _month_floor(first + dt.timedelta(days=32))


def _short_licence(title: str) -> str:
    return re.split(r" for |, ", title, maxsplit=1)[0]


def _merge_same_day(
    items: list[tuple[Event, str]],
) -> list[tuple[dt.date, str, str]]:
    """One label per day: "Entity List removal" and "Entity List addition" on one day read
    "Entity List removal · Entity List addition"."""
    out: dict[dt.date, tuple[list[str], str]] = {}
    for event, text in items:
        texts, _ = out.setdefault(event.day, ([], event.kind))
        if text not in texts:
            texts.append(text)
    return [(date, " · ".join(texts), kind) for date, (texts, kind) in out.items()]


def _scenarios_label(y: float) -> Label:
    return Label(_X0 - 12, y + 26, "Scenarios (as of)", "lanetitle", "end")


def detail_chart(case: CaseReport) -> Chart | None:
    """The listing period in detail: a lane per group of listed parties with its listings and
    licences, the dated events above, the scenarios of the period below. None without listings."""
    window = case.timeline.window
    if window is None:
        return None
    start = _month_floor(window[0] - dt.timedelta(days=50))
    end = _month_ceil(window[1] + dt.timedelta(days=50))
    scale = _Scale(start, end)
    events = [e for e in case.timeline.events if start <= e.day <= end and e.kind != "rule"]
    events = [e for e in events if not (e.kind == "licence" and e.label.startswith("extension"))]
    texts = [_short_licence(e.label) if e.kind == "licence" else e.label for e in events]
    merged = _merge_same_day(list(zip(events, texts, strict=True)))
    labels = _labels(scale, [(date, text) for date, text, _ in merged])
    label_rows = max((row for _, row, _, _ in labels), default=-1) + 1
    top = 14 + label_rows * 16
    lanes = []
    y: float = top + 6
    for lane in case.timeline.lanes:
        view, height = _lane(scale, lane, y)
        lanes.append(view)
        y += height
    scenarios = [(i, r) for i, r in enumerate(case.results) if start <= r.decision.as_of <= end]
    markers, mheight = _markers(scale, scenarios, y + 6)
    bottom = y + 6 + mheight
    marks = []
    for (x, row, anchor, text), (date, _, kind) in zip(labels, merged, strict=True):
        colour = EVENT_COLOURS.get(kind, "#475467")
        ly = 12 + row * 16
        dx = 4 if anchor == "start" else -4
        marks.append(
            EventMark(
                Line(x, ly + 3, x, bottom, "event", stroke=colour),
                Label(x + dx, ly + 1, text, "eventlabel", anchor, fill=colour, title=day(date)),
            )
        )
    axis, ticks = _axis(scale, bottom + 4, months=True)
    return Chart(
        width=_W,
        height=bottom + 30,
        title=f"Timeline {day(start)} to {day(end)}",
        grid=_grid(scale, top, bottom, months=True),
        axis=axis,
        ticks=ticks,
        markers=markers,
        scenarios=_scenarios_label(y),
        events=tuple(marks),
        lanes=tuple(lanes),
    )


def overview_chart(case: CaseReport) -> Chart | None:
    """Every scenario over the report's whole years, with the band the detailed chart shows and
    the other dated rules behind the decisions. None without scenarios."""
    span = period(case)
    if span is None or not case.results:
        return None
    window = case.timeline.window
    start, end = span
    scale = _Scale(start, end)
    rules = [e for e in case.timeline.events if e.kind == "rule" and start <= e.day <= end]
    labels = _labels(scale, [(e.day, e.label) for e in rules])
    rows = max((row for _, row, _, _ in labels), default=-1) + 1
    top = 10
    zoom = None
    titles = []
    marks = []
    y: float = top
    if window is not None:
        x1, x2 = scale.x(_month_floor(window[0])), scale.x(_month_ceil(window[1]))
        band = Label((x1 + x2) / 2, y + 15, "in detail above", "zoomtext", "middle")
        zoom = Zoom(x1, y, x2 - x1, band)
        titles.append(Label(_X0 - 12, y + 15, "ZTE parties listed", "lanetitle", "end"))
        y += 30
    if rules:
        titles.append(Label(_X0 - 12, y + 12, "Other dated rules behind", "lanetitle", "end"))
        titles.append(Label(_X0 - 12, y + 26, "these decisions", "lanetitle", "end"))
        for (x, row, anchor, text), event in zip(labels, rules, strict=True):
            ly = y + 12 + row * 16
            dx = 7 if anchor == "start" else -7
            tip = f"{day(event.day)}: {event.detail}"
            marks.append(RuleMark(x, ly, tip, Label(x + dx, ly, text, "rulelabel", anchor)))
        y += 8 + max(rows, 2) * 16
    markers, mheight = _markers(scale, list(enumerate(case.results)), y + 6)
    bottom = y + 6 + mheight
    axis, ticks = _axis(scale, bottom + 4, months=False)
    return Chart(
        width=_W,
        height=bottom + 30,
        title=f"Overview {start.year}{DASH}{end.year - 1}",
        grid=_grid(scale, top, bottom, months=False),
        axis=axis,
        ticks=ticks,
        markers=markers,
        scenarios=_scenarios_label(y),
        zoom=zoom,
        titles=tuple(titles),
        rules=tuple(marks),
    )
