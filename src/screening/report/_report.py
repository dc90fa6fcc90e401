"""Case reports: a replayed case as one self-contained HTML page, or as plain Markdown.

The HTML page has inline CSS and an inline SVG timeline, loads nothing from the network and
needs no JavaScript. It is also well-formed XML (XHTML-compatible), which the tests check. For
each scenario it shows the decision, every hit with its citation and rule source, and the text
of each rule that fired as written in its rule file. Rendering is pure and reads no clock: the
same replay and rules give the same bytes. Reading the case file and the rule files is done
up front by `read_case` and `rule_snippets`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from .._io.countries import country_name
from .._io.documents import read_document
from .._version import __version__
from ..authoring import Replay
from ..errors import ScenarioError
from ..models import Decision, Hit, Item, Outcome, Party
from ..rules import RuleSet
from ._timeline import Event, Lane, Span, Timeline, case_timeline

__all__ = [
    "CASE_FILE",
    "CaseInfo",
    "CaseReport",
    "Milestone",
    "build_case",
    "read_case",
    "render_html",
    "render_markdown",
    "rule_snippets",
    "visible",
]

CASE_FILE = "_case.yaml"
"""Optional file in a scenario directory with the case's title, summary and milestones."""


# --- inputs ------------------------------------------------------------------------------------


class Milestone(BaseModel):
    """A dated fact about the case that is not a rule (a plea, a court's approval)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    date: dt.date
    label: str
    detail: str | None = None
    source: str


class CaseInfo(BaseModel):
    """What a scenario directory's ``_case.yaml`` says about the case as a whole."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    title: str
    summary: str | None = None
    milestones: tuple[Milestone, ...] = ()


def read_case(directory: Path) -> CaseInfo | None:
    """The case file of a scenario directory, or None when it has none.

    Raises `ScenarioError` naming the file and the key when it is malformed.
    """
    path = directory / CASE_FILE
    if not path.is_file():
        return None
    data = read_document(path).data
    try:
        return CaseInfo.model_validate(data)
    except ValidationError as exc:
        lines = [
            f"{path}: {'.'.join(str(x) for x in e['loc'])}: {e['msg']}"
            for e in exc.errors(include_url=False)
        ]
        raise ScenarioError("\n".join(lines)) from None


def rule_snippets(rules: RuleSet, directory: Path) -> dict[str, str]:
    """The text of each rule as written in its file under ``directory``, by rule id.

    A rule whose file cannot be read, or no longer has the content the rules were loaded from
    (its sha256 differs), is left out: the report then shows the rule's fields instead.
    """
    texts: dict[str, list[str] | None] = {}
    out = {}
    for rule in rules:
        path_text, _, line_text = rules.source(rule.id).rpartition(":")
        name = path_text.replace("\\", "/").rsplit("/", 1)[-1]
        if name not in texts:
            texts[name] = _read_rule_file(directory / name, rules.digests.get(name))
        lines = texts[name]
        if lines is None or not line_text.isdigit():
            continue
        snippet = _block(lines, int(line_text) - 1)
        if snippet:
            out[rule.id] = snippet
    return out


def _read_rule_file(path: Path, digest: str | None) -> list[str] | None:
    try:
        raw = path.read_bytes().replace(b"\r\n", b"\n")
    except OSError:
        return None
    if digest is not None and hashlib.sha256(raw).hexdigest() != digest:
        return None
    try:
        return raw.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return None


def _block(lines: list[str], start: int) -> str:
    """The YAML list item starting at line ``start``: until the next line indented no deeper
    than its dash, without trailing blank or comment lines."""
    if not 0 <= start < len(lines):
        return ""
    first = lines[start]
    dash = first.find("-")
    if dash < 0 or first[:dash].strip():
        return ""
    end = start + 1
    while end < len(lines):
        text = lines[end]
        if text.strip() and len(text) - len(text.lstrip()) <= dash:
            break
        end += 1
    block = lines[start:end]
    while block and (not block[-1].strip() or block[-1].lstrip().startswith("#")):
        block.pop()
    return "\n".join(line[dash:] if line[:dash].strip() == "" else line for line in block)


@dataclass(frozen=True)
class CaseReport:
    """Everything a report shows, gathered: render it with `render_html` or `render_markdown`."""

    title: str
    summary: str | None
    directory: str
    rules_name: str
    rules_version: str
    rules_fingerprint: str
    results: tuple[Replay, ...]
    timeline: Timeline
    snippets: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    """Each fired rule's fields as YAML, for rules whose text could not be quoted."""
    library_version: str = __version__


def build_case(
    directory: Path,
    results: Sequence[Replay],
    rules: RuleSet,
    snippets: dict[str, str],
    info: CaseInfo | None = None,
) -> CaseReport:
    """Gather a case report from a replay: the timeline from the rules, the scenarios on it."""
    fired = {h.rule_id for r in results for h in r.decision.hits}
    fired |= {s.rule_id for r in results for s in r.decision.items if s.rule_id}
    milestones = [
        Event(
            day=m.date,
            label=m.label,
            detail=m.detail or m.label,
            kind="milestone",
            source=m.source,
        )
        for m in (info.milestones if info else ())
    ]
    timeline = case_timeline(rules, milestones=milestones, rule_ids=fired)
    fields = {
        rule_id: yaml.safe_dump(
            rules[rule_id].model_dump(mode="json", by_alias=True, exclude_defaults=True),
            sort_keys=False,
            allow_unicode=True,
            width=90,
        ).rstrip()
        for rule_id in sorted(fired)
        if rule_id in rules and rule_id not in snippets
    }
    return CaseReport(
        title=info.title if info else f"Case report: {directory.name}",
        summary=info.summary if info else None,
        directory=str(directory),
        rules_name=rules.name,
        rules_version=rules.version,
        rules_fingerprint=rules.fingerprint,
        results=tuple(results),
        timeline=timeline,
        snippets={k: v for k, v in snippets.items() if k in fired},
        fields=fields,
    )


# --- shared helpers ----------------------------------------------------------------------------


def visible(text: str) -> str:
    """Invisible characters (zero-width spaces, direction marks, controls) written as
    ``⟨U+200B⟩``, so a reader sees what the screening saw in an evasive spelling."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        f"⟨U+{ord(c):04X}⟩" if unicodedata.category(c) in ("Cf", "Cc", "Co") and c not in "\n\t"
        else c
        for c in text
    )  # fmt: skip


def _e(text: object) -> str:
    """Escape for HTML text and attributes (and XML: only &amp; &lt; &gt; &quot; &#x27;),
    with invisible characters made visible."""
    return html.escape(visible(str(text)), quote=True)


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b} {day.year}"


def _number(index: int) -> str:
    return f"{index + 1}"


def _rule_text(case: CaseReport, rule_id: str) -> tuple[str, str] | None:
    """The rule's text and where it comes from: quoted from its file, or its fields."""
    if rule_id in case.snippets:
        return case.snippets[rule_id], "as written"
    if rule_id in case.fields:
        return case.fields[rule_id], "its fields"
    return None


def _groups(decision: Decision) -> list[tuple[str, list[Hit]]]:
    """Hits grouped by rule, in the decision's order (most severe first)."""
    out: dict[str, list[Hit]] = {}
    for hit in decision.hits:
        out.setdefault(hit.rule_id, []).append(hit)
    return list(out.items())


def _short_licence(title: str) -> str:
    return re.split(r" for |, ", title, maxsplit=1)[0]


# --- SVG timeline ------------------------------------------------------------------------------

_DASH = "\u2013"  # en dash, for ranges of dates

_W = 1120
_X0 = 290
_X1 = 1096
_FONT = 11.0
_COLOURS = {
    Outcome.BLOCK: "#b42318",
    Outcome.REVIEW: "#b54708",
    Outcome.CLEAR: "#027a48",
}
_EVENT_COLOURS = {
    "listing": "#b42318",
    "removal": "#027a48",
    "licence": "#b54708",
    "milestone": "#6941c6",
    "rule": "#475467",
}


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
    for day, text in events:
        x = scale.x(day)
        width = _text_width(text) + 4
        if x + width <= _X1 + 20:
            boxes.append((x, x + width, x))
            anchors.append("start")
        else:
            boxes.append((x - width, x, x))
            anchors.append("end")
    rows = _place(boxes)
    return [(scale.x(day), rows[i], anchors[i], text) for i, (day, text) in enumerate(events)]


def _axis(scale: _Scale, y: float, *, months: bool) -> list[str]:
    out = [f'<line x1="{_X0}" y1="{y}" x2="{_X1}" y2="{y}" class="axis"/>']
    year = scale.start.year
    while dt.date(year, 1, 1) <= scale.end:
        for month in (1, 4, 7, 10) if months else (1,):
            day = dt.date(year, month, 1)
            if not scale.start <= day <= scale.end:
                continue
            x = scale.x(day)
            major = month == 1
            out.append(
                f'<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" y2="{y + (6 if major else 4)}" '
                f'class="tick"/>'
            )
            label = str(year) if major else f"{day:%b}"
            weight = ' font-weight="600"' if major else ""
            out.append(
                f'<text x="{x:.1f}" y="{y + 18}" text-anchor="middle" class="ticklabel"'
                f"{weight}>{_e(label)}</text>"
            )
        year += 1
    return out


def _grid(scale: _Scale, top: float, bottom: float, *, months: bool) -> list[str]:
    out = []
    year = scale.start.year
    while dt.date(year, 1, 1) <= scale.end:
        for month in (1, 4, 7, 10) if months else (1,):
            day = dt.date(year, month, 1)
            if scale.start <= day <= scale.end:
                x = scale.x(day)
                cls = "grid major" if month == 1 else "grid"
                out.append(
                    f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" class="{cls}"/>'
                )
        year += 1
    return out


def _marker(x: float, y: float, index: int, result: Replay) -> str:
    decision = result.decision
    colour = _COLOURS[decision.outcome]
    ring = "" if result.ok else ' stroke="#101828" stroke-width="2" stroke-dasharray="3 2"'
    tip = (
        f"{index + 1}. {result.scenario.title} — {decision.outcome.value} as of "
        f"{decision.as_of}" + ("" if result.ok else " (NOT AS EXPECTED)")
    )
    return (
        f'<a href="#scenario-{index + 1:02d}"><g class="marker">'
        f"<title>{_e(tip)}</title>"
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="10" fill="{colour}"{ring}/>'
        f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" class="markertext">'
        f"{index + 1}</text></g></a>"
    )


def _markers(
    scale: _Scale, results: Sequence[tuple[int, Replay]], top: float
) -> tuple[list[str], float]:
    boxes = [
        (scale.x(r.decision.as_of) - 11, scale.x(r.decision.as_of) + 11, i) for i, r in results
    ]
    rows = _place([(a, b, float(i)) for a, b, i in boxes], gap=1)
    out = []
    for (i, result), row in zip(results, rows, strict=True):
        x = scale.x(result.decision.as_of)
        y = top + 12 + row * 23
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{y - 10:.1f}" class="stem"/>')
        out.append(_marker(x, y, i, result))
    height = 24 + (max(rows) + 1 if rows else 1) * 23
    return out, height


def _bar(scale: _Scale, span: Span, y: float, height: float, prev_end: float) -> list[str]:
    x1 = scale.x(span.start)
    open_ended = span.end is None or span.end > scale.end
    x2 = scale.x(span.end + dt.timedelta(days=1)) if span.end is not None else _X1
    x2 = min(x2, _X1)
    width = max(x2 - x1, 2.0)
    if span.kind == "general_licence":
        cls = "licence" if span.row == 1 else "licence alt"
    else:
        cls = {"Entity List": "el", "Denied Persons List": "dpl"}.get(span.list or "", "list")
    when = (
        f"{_day(span.start)} {_DASH} {_day(span.end)}" if span.end else f"from {_day(span.start)}"
    )
    tip = f"{span.title}: {when} ({span.citation})"
    out = [f'<g class="span"><title>{_e(tip)}</title>']
    out.append(
        f'<rect x="{x1:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height}" rx="3" '
        f'class="{cls}"/>'
    )
    if open_ended:
        out.append(
            f'<path d="M{_X1:.1f} {y - 3:.1f} L{_X1 + 9:.1f} {y + height / 2:.1f} '
            f'L{_X1:.1f} {y + height + 3:.1f} Z" class="{cls}"/>'
        )
    size = 10.5 if span.kind == "general_licence" else _FONT
    if span.kind == "general_licence":
        end_text = f" → {span.end.day} {span.end:%b}" if span.end else ""
        candidates = [f"{span.label}{end_text}", span.label]
    else:
        until = f"to {_day(span.end)}" if span.end else "no end date"
        candidates = [
            f"{span.label}: {_day(span.start)} {_DASH} {until}"
            if span.end
            else f"{span.label}: from {_day(span.start)}, {until}",
            span.label,
        ]
    text_y = y + height / 2 + size * 0.36
    for text in candidates:
        if _text_width(text, size) + 8 <= width:
            out.append(
                f'<text x="{x1 + 5:.1f}" y="{text_y:.1f}" class="bartext {cls}" '
                f'font-size="{size}">{_e(text)}</text>'
            )
            break
    else:
        text = candidates[-1]
        if x1 - _text_width(text, size) - 6 >= prev_end:
            out.append(
                f'<text x="{x1 - 4:.1f}" y="{text_y:.1f}" text-anchor="end" class="sidetext" '
                f'font-size="{size}">{_e(text)}</text>'
            )
        else:
            out.append(
                f'<text x="{x2 + 4:.1f}" y="{text_y:.1f}" class="sidetext" '
                f'font-size="{size}">{_e(text)}</text>'
            )
    out.append("</g>")
    return out


_ROW_HEIGHT = {0: 20.0, 1: 13.0, 2: 13.0}


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


def _lane(scale: _Scale, lane: Lane, top: float) -> tuple[list[str], float]:
    out = []
    titles = [line for name in lane.title.split(" · ") for line in _wrap(name)]
    sub = [
        "and its general licences" if len(lane.entity_ids) == 1 else "and their general licences"
    ]
    lines = titles + (sub if lane.rows > 1 else [])
    bars = sum(_ROW_HEIGHT.get(r, 13.0) + 3 for r in range(lane.rows)) - 3
    height = max(bars, len(lines) * 14 - 3) + 18
    ys = {0: top + (height - bars) / 2}
    for row in range(1, lane.rows):
        ys[row] = ys[row - 1] + _ROW_HEIGHT.get(row - 1, 13.0) + 3
    first = top + (height - len(lines) * 14) / 2 + 11
    for i, text in enumerate(lines):
        cls = "lanesub" if i >= len(titles) else "lanetitle"
        out.append(
            f'<text x="{_X0 - 12}" y="{first + i * 14:.1f}" text-anchor="end" class="{cls}">'
            f"{_e(text)}</text>"
        )
    ends: dict[int, float] = {}
    for span in sorted(lane.spans, key=lambda s: (s.row, s.start)):
        y = ys[span.row]
        out += _bar(scale, span, y, _ROW_HEIGHT.get(span.row, 13.0), ends.get(span.row, _X0))
        end = span.end + dt.timedelta(days=1) if span.end else scale.end
        ends[span.row] = scale.x(end)
    out.append(
        f'<line x1="{_X0}" y1="{top + height:.1f}" x2="{_X1}" y2="{top + height:.1f}" class="sep"/>'
    )
    return out, height


def _month_floor(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, 1)


def _month_ceil(day: dt.date) -> dt.date:
    first = _month_floor(day)
    return first if first == day else _month_floor(first + dt.timedelta(days=32))


def _detail_svg(case: CaseReport) -> str | None:
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
    labels = _labels(scale, [(day, text) for day, text, _ in merged])
    label_rows = max((row for _, row, _, _ in labels), default=-1) + 1
    top = 14 + label_rows * 16
    out: list[str] = []
    lanes_svg: list[str] = []
    y: float = top + 6
    for lane in case.timeline.lanes:
        part, height = _lane(scale, lane, y)
        lanes_svg += part
        y += height
    scenarios = [(i, r) for i, r in enumerate(case.results) if start <= r.decision.as_of <= end]
    out.append(
        f'<text x="{_X0 - 12}" y="{y + 26:.1f}" text-anchor="end" class="lanetitle">'
        f"{_e('Scenarios (as of)')}</text>"
    )
    markers, mheight = _markers(scale, scenarios, y + 6)
    bottom = y + 6 + mheight
    grid = _grid(scale, top, bottom, months=True)
    lines = []
    for (x, row, anchor, text), (day, _, kind) in zip(labels, merged, strict=True):
        colour = _EVENT_COLOURS.get(kind, "#475467")
        ly = 12 + row * 16
        lines.append(
            f'<line x1="{x:.1f}" y1="{ly + 3:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" '
            f'stroke="{colour}" class="event"/>'
        )
        dx = 4 if anchor == "start" else -4
        lines.append(
            f'<text x="{x + dx:.1f}" y="{ly + 1:.1f}" text-anchor="{anchor}" class="eventlabel" '
            f'fill="{colour}">{_e(text)}<title>{_e(_day(day))}</title></text>'
        )
    axis = _axis(scale, bottom + 4, months=True)
    height = bottom + 30
    body = grid + lines + lanes_svg + out + markers + axis
    return _svg(height, body, f"Timeline {_day(start)} to {_day(end)}")


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
    return [(day, " · ".join(texts), kind) for day, (texts, kind) in out.items()]


def _period(case: CaseReport) -> tuple[dt.date, dt.date] | None:
    """The whole years the scenarios and the listings span: the report's period."""
    days = [r.decision.as_of for r in case.results]
    if case.timeline.window is not None:
        days += list(case.timeline.window)
    if not days:
        return None
    return dt.date(min(days).year, 1, 1), dt.date(max(days).year + 1, 1, 1)


def _events(case: CaseReport) -> list[Event]:
    """The timeline's events within the report's period."""
    period = _period(case)
    if period is None:
        return []
    return [e for e in case.timeline.events if period[0] <= e.day < period[1]]


def _overview_svg(case: CaseReport) -> str | None:
    period = _period(case)
    if period is None or not case.results:
        return None
    window = case.timeline.window
    start, end = period
    scale = _Scale(start, end)
    rules = [e for e in case.timeline.events if e.kind == "rule" and start <= e.day <= end]
    labels = _labels(scale, [(e.day, e.label) for e in rules])
    rows = max((row for _, row, _, _ in labels), default=-1) + 1
    top = 10
    out: list[str] = []
    y = top
    if window is not None:
        x1, x2 = scale.x(_month_floor(window[0])), scale.x(_month_ceil(window[1]))
        out.append(
            f'<rect x="{x1:.1f}" y="{y}" width="{x2 - x1:.1f}" height="22" rx="3" class="zoom"/>'
            f'<text x="{(x1 + x2) / 2:.1f}" y="{y + 15}" text-anchor="middle" class="zoomtext">'
            f"{_e('in detail above')}</text>"
        )
        out.append(
            f'<text x="{_X0 - 12}" y="{y + 15}" text-anchor="end" class="lanetitle">'
            f"{_e('ZTE parties listed')}</text>"
        )
        y += 30
    if rules:
        out.append(
            f'<text x="{_X0 - 12}" y="{y + 12}" text-anchor="end" class="lanetitle">'
            f"{_e('Other dated rules behind')}</text>"
            f'<text x="{_X0 - 12}" y="{y + 26}" text-anchor="end" class="lanetitle">'
            f"{_e('these decisions')}</text>"
        )
        for (x, row, anchor, text), event in zip(labels, rules, strict=True):
            ly = y + 12 + row * 16
            dx = 7 if anchor == "start" else -7
            out.append(
                f"<g><title>{_e(_day(event.day) + ': ' + event.detail)}</title>"
                f'<path d="M{x:.1f} {ly - 8:.1f} l4 4 l-4 4 l-4 -4 Z" class="diamond"/>'
                f'<text x="{x + dx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" class="rulelabel">'
                f"{_e(text)}</text></g>"
            )
        y += 8 + max(rows, 2) * 16
    out.append(
        f'<text x="{_X0 - 12}" y="{y + 26:.1f}" text-anchor="end" class="lanetitle">'
        f"{_e('Scenarios (as of)')}</text>"
    )
    markers, mheight = _markers(scale, list(enumerate(case.results)), y + 6)
    bottom = y + 6 + mheight
    grid = _grid(scale, top, bottom, months=False)
    axis = _axis(scale, bottom + 4, months=False)
    return _svg(
        bottom + 30, grid + out + markers + axis, f"Overview {start.year}{_DASH}{end.year - 1}"
    )


def _svg(height: float, body: Iterable[str], title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {height:.0f}" '
        f'role="img" aria-label="{_e(title)}" class="timeline">'
        f"<title>{_e(title)}</title>" + "".join(body) + "</svg>"
    )


# --- HTML --------------------------------------------------------------------------------------

_CSS = """
:root { --ink: #101828; --muted: #475467; --line: #eaecf0; --bg: #f9fafb;
  --block: #b42318; --block-bg: #fef3f2; --review: #b54708; --review-bg: #fffaeb;
  --clear: #027a48; --clear-bg: #ecfdf3; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 32px 28px 64px; }
h1 { font-size: 28px; margin: 0 0 6px; letter-spacing: -0.01em; }
h2 { font-size: 20px; margin: 40px 0 12px; }
h3 { font-size: 17px; margin: 0; }
h4 { font-size: 13px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted);
  margin: 18px 0 8px; }
p { margin: 6px 0; }
a { color: #1849a9; text-decoration: none; }
a:hover { text-decoration: underline; }
.lede { color: var(--muted); max-width: 78ch; }
.meta { color: var(--muted); font-size: 13px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 12.5px; }
.panel { background: #fff; border: 1px solid var(--line); border-radius: 10px;
  padding: 16px 18px; margin: 14px 0; }
.panel h3 { margin-bottom: 8px; }
.scroll { overflow-x: auto; }
svg.timeline { width: 100%; min-width: 960px; height: auto; display: block;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
svg .axis { stroke: #98a2b3; stroke-width: 1; }
svg .tick { stroke: #98a2b3; }
svg .ticklabel { font-size: 11px; fill: var(--muted); }
svg .grid { stroke: #f2f4f7; stroke-width: 1; }
svg .grid.major { stroke: #e4e7ec; }
svg .sep { stroke: #f2f4f7; }
svg .lanetitle { font-size: 12px; font-weight: 600; fill: var(--ink); }
svg .lanesub { font-size: 11px; fill: var(--muted); }
svg .el { fill: #fecdca; stroke: #d92d20; stroke-width: 1; }
svg .dpl { fill: #912018; stroke: #55160c; stroke-width: 1; }
svg .list { fill: #d0d5dd; stroke: #667085; }
svg .licence { fill: #fedf89; stroke: #dc6803; stroke-width: 1; }
svg .licence.alt { fill: #fec84b; }
svg text.bartext { fill: #7a271a; font-weight: 600; stroke: none; }
svg text.bartext.dpl { fill: #fff; }
svg text.bartext.licence { fill: #93370d; }
svg .sidetext { fill: var(--ink); font-weight: 600; }
svg .event { stroke-width: 1; stroke-dasharray: 4 3; opacity: 0.75; }
svg .eventlabel { font-size: 11px; font-weight: 600; }
svg .stem { stroke: #98a2b3; stroke-width: 1; }
svg .markertext { fill: #fff; font-size: 11px; font-weight: 700; }
svg a:hover circle { stroke: #101828; stroke-width: 2; }
svg .zoom { fill: #fee4e2; stroke: #fda29b; }
svg .zoomtext { font-size: 11px; fill: #912018; font-weight: 600; }
svg .diamond { fill: #475467; }
svg .rulelabel { font-size: 11px; fill: #344054; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; font-size: 12.5px; color: var(--muted);
  margin-top: 10px; }
.legend span { display: inline-flex; align-items: center; gap: 6px; }
.sw { display: inline-block; width: 22px; height: 11px; border-radius: 3px; border: 1px solid; }
.dot { display: inline-block; width: 12px; height: 12px; border-radius: 50%; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px;
  border-bottom: 1px solid var(--line); }
th { font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted);
  font-weight: 600; }
td.date, td.nowrap { white-space: nowrap; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; font-size: 11.5px; font-weight: 700; letter-spacing: 0.04em;
  text-transform: uppercase; padding: 1px 8px; border-radius: 999px; border: 1px solid; }
.badge.block { color: var(--block); background: var(--block-bg); border-color: #fda29b; }
.badge.review { color: var(--review); background: var(--review-bg); border-color: #fedf89; }
.badge.clear { color: var(--clear); background: var(--clear-bg); border-color: #a6f4c5; }
.ok { color: var(--clear); font-weight: 600; }
.bad { color: var(--block); font-weight: 700; }
.num { display: inline-flex; align-items: center; justify-content: center; min-width: 26px;
  height: 26px; border-radius: 50%; color: #fff; font-weight: 700; font-size: 13px;
  margin-right: 10px; flex: none; }
.num.block { background: var(--block); } .num.review { background: var(--review); }
.num.clear { background: var(--clear); }
.scenario { background: #fff; border: 1px solid var(--line); border-radius: 10px;
  padding: 18px 20px; margin: 16px 0; page-break-inside: avoid; }
.scenario > header { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
.scenario > header h3 { flex: 1 1 420px; }
.facts { display: grid; grid-template-columns: 150px 1fr; gap: 2px 14px; font-size: 13.5px;
  margin: 10px 0 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.rule { border: 1px solid var(--line); border-left: 4px solid; border-radius: 8px;
  margin: 10px 0; padding: 10px 14px; }
.rule.block { border-left-color: var(--block); } .rule.review { border-left-color: var(--review); }
.rule.clear { border-left-color: var(--clear); }
.rule > header { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.rule .kind { color: var(--muted); font-size: 12.5px; }
.rule .src { margin-left: auto; color: var(--muted); }
.hit { margin: 6px 0 0; }
.hit .about { color: var(--muted); font-size: 12.5px; }
.notes { margin: 4px 0 0 18px; padding: 0; color: var(--muted); font-size: 13px; }
.cite { font-size: 13px; }
pre.yaml { background: #f8f9fc; border: 1px solid var(--line); border-radius: 6px;
  padding: 8px 12px; margin: 8px 0 0; overflow-x: auto; white-space: pre-wrap; }
.pre-caption { font-size: 12px; color: var(--muted); margin-top: 8px; }
.items { font-size: 13px; color: var(--muted); margin: 4px 0 0 18px; padding: 0; }
footer { margin-top: 40px; color: var(--muted); font-size: 12.5px; }
@media print { body { background: #fff; } .panel, .scenario { break-inside: avoid; } }
"""


def render_html(case: CaseReport) -> str:
    """The case report as one self-contained, XHTML-compatible HTML page."""
    parts = [
        "<!DOCTYPE html>",
        '<html xmlns="http://www.w3.org/1999/xhtml" lang="en">',
        "<head>",
        '<meta charset="utf-8"/>',
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
        f"<title>{_e(case.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body><main>",
        f"<h1>{_e(case.title)}</h1>",
    ]
    if case.summary:
        parts.append(f'<p class="lede">{_e(case.summary)}</p>')
    total = len(case.results)
    ok = sum(r.ok for r in case.results)
    verdict = (
        f'<span class="ok">{ok} of {total} scenarios as expected</span>'
        if ok == total
        else f'<span class="bad">{total - ok} of {total} scenarios NOT as expected</span>'
    )
    parts.append(
        f'<p class="meta">{verdict} · rules <code>{_e(case.rules_name)} '
        f"{_e(case.rules_version)}</code>, fingerprint <code>{_e(case.rules_fingerprint[:16])}"
        f"</code> · screening {_e(case.library_version)} · scenarios from "
        f"<code>{_e(case.directory)}</code></p>"
    )
    parts += _html_timeline(case)
    parts += _html_summary(case)
    parts.append("<h2>Scenarios</h2>")
    for index, result in enumerate(case.results):
        parts += _html_scenario(case, index, result)
    parts.append(
        "<footer>Generated by <code>screening replay --report</code>. Every date is the day a "
        "rule was in force as written in the rule files; a window's end is its last day in "
        "force. Rule text is quoted from the rule files the decisions were made with.</footer>"
    )
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def _html_timeline(case: CaseReport) -> list[str]:
    out = ["<h2>Timeline</h2>"]
    detail = _detail_svg(case)
    overview = _overview_svg(case)
    if detail is not None:
        out.append('<div class="panel"><h3>The listings and the licences, in detail</h3>')
        out.append(f'<div class="scroll">{detail}</div>')
        out.append(_legend())
        out.append("</div>")
    if overview is not None:
        out.append('<div class="panel"><h3>All scenarios</h3>')
        out.append(f'<div class="scroll">{overview}</div>')
        out.append("</div>")
    events = _events(case)
    if events:
        out.append('<div class="panel"><h3>Dated events</h3><table>')
        out.append("<tr><th>Date</th><th>Event</th><th>Source</th></tr>")
        for event in events:
            colour = _EVENT_COLOURS.get(event.kind, "#475467")
            out.append(
                f'<tr><td class="date">{_e(_day(event.day))}</td>'
                f'<td><span class="dot" style="background:{colour}"></span> '
                f"{_e(event.detail)}</td>"
                f'<td class="mono">{_e(event.source)}</td></tr>'
            )
        out.append("</table></div>")
    return out


def _legend() -> str:
    items = [
        '<span><i class="sw" style="background:#fecdca;border-color:#d92d20"></i>'
        "Entity List</span>",
        '<span><i class="sw" style="background:#912018;border-color:#55160c"></i>'
        "Denied Persons List (denial order)</span>",
        '<span><i class="sw" style="background:#fedf89;border-color:#dc6803"></i>'
        "general licence and its extensions</span>",
        '<span><i class="sw" style="background:#6941c6;border-color:#6941c6"></i>'
        "case milestone</span>",
        '<span><i class="dot" style="background:#b42318"></i>scenario: block</span>',
        '<span><i class="dot" style="background:#b54708"></i>review</span>',
        '<span><i class="dot" style="background:#027a48"></i>clear</span>',
        "<span>▶ no end date in the rules</span>",
    ]
    return '<div class="legend">' + "".join(items) + "</div>"


def _badge(outcome: Outcome) -> str:
    return f'<span class="badge {outcome.value}">{_e(outcome.value)}</span>'


def _html_summary(case: CaseReport) -> list[str]:
    out = ['<h2>Decisions</h2><div class="panel"><table>']
    out.append(
        "<tr><th>#</th><th>Scenario</th><th>As of</th><th>Expected</th><th>Decision</th>"
        "<th>Rules fired</th><th>Result</th></tr>"
    )
    for i, r in enumerate(case.results):
        result = (
            '<span class="ok">as expected</span>' if r.ok else '<span class="bad">MISMATCH</span>'
        )
        fired = ", ".join(r.fired) or "none"
        out.append(
            f'<tr><td>{i + 1}</td><td><a href="#scenario-{i + 1:02d}">{_e(r.scenario.title)}</a>'
            f'</td><td class="date">{_e(r.decision.as_of)}</td>'
            f"<td>{_badge(r.scenario.expect.outcome)}</td><td>{_badge(r.decision.outcome)}</td>"
            f'<td class="mono">{_e(fired)}</td><td class="nowrap">{result}</td></tr>'
        )
    out.append("</table></div>")
    return out


def _party_line(party: Party) -> str:
    return f"{party.role}: {party.name} ({country_name(party.country)})"


def _item_line(item: Item) -> str:
    made = f"made in {country_name(item.origin)}" if item.origin else "origin unknown"
    return f"{item.description} ({item.eccn or 'no ECCN'}, {made})"


def _html_scenario(case: CaseReport, index: int, result: Replay) -> list[str]:
    scenario, decision = result.scenario, result.decision
    tx = scenario.transaction
    o = decision.outcome.value
    out = [f'<section class="scenario" id="scenario-{index + 1:02d}">']
    check = (
        '<span class="ok">as expected</span>'
        if result.ok
        else f'<span class="bad">NOT AS EXPECTED (expected {_e(scenario.expect.outcome.value)})'
        "</span>"
    )
    out.append(
        f'<header><span class="num {o}">{index + 1}</span><h3>{_e(scenario.title)}</h3>'
        f"{_badge(decision.outcome)} {check}</header>"
    )
    if scenario.summary:
        out.append(f"<p>{_e(scenario.summary)}</p>")
    route = f" (route: {' → '.join(country_name(c) for c in tx.route)})" if tx.route else ""
    as_of = "" if scenario.as_of is None else " (the scenario's as_of)"
    expected = ", ".join(scenario.expect.rules) or "no rule"
    facts: list[tuple[str, list[str]]] = [
        ("As of", [f"{_day(decision.as_of)}{as_of}"]),
        ("Transaction", [f"{tx.id}, dated {_day(tx.date)}"]),
        ("Destination", [country_name(tx.destination) + route]),
        ("Parties", [_party_line(p) for p in tx.parties] or ["none declared"]),
        ("Items", [_item_line(it) for it in tx.items]),
        ("Expected", [f"{scenario.expect.outcome.value}: {expected}"]),
        ("Facts", [scenario.facts or "—"]),
        ("File", [scenario.file]),
    ]
    if tx.end_use:
        facts.insert(5, ("End use", [tx.end_use]))
    out.append('<dl class="facts">')
    out += [f"<dt>{_e(k)}</dt><dd>{'<br/>'.join(_e(v) for v in vs)}</dd>" for k, vs in facts]
    out.append("</dl>")
    if not result.ok:
        if result.missing:
            out.append(
                f'<p class="bad">Expected but did not fire: {_e(", ".join(result.missing))}</p>'
            )
        if result.unexpected:
            out.append(
                f'<p class="bad">Fired but not expected: {_e(", ".join(result.unexpected))}</p>'
            )
    out.append("<h4>Hits and the rules that fired</h4>")
    if not decision.hits:
        out.append("<p>No rule fired.</p>")
    for rule_id, hits in _groups(decision):
        out += _html_rule(case, rule_id, hits)
    out.append("<h4>Items</h4>")
    out.append('<ul class="items">')
    for s in decision.items:
        finding = f"items[{s.index}] {s.description}: {s.jurisdiction.value} — {s.reason}"
        out.append(f"<li>{_e(finding)}</li>")
    out.append("</ul>")
    out.append("</section>")
    return out


def _html_rule(case: CaseReport, rule_id: str, hits: list[Hit]) -> list[str]:
    worst = max((h.outcome for h in hits), key=lambda o: o.rank)
    first = hits[0]
    out = [f'<div class="rule {worst.value}">']
    out.append(
        f"<header>{_badge(worst)} <code>{_e(rule_id)}</code> "
        f'<span class="kind">{_e(first.kind)}</span>'
        f'<span class="src mono">{_e(first.source)}</span></header>'
    )
    out.append(f'<p class="cite"><strong>Citation:</strong> {_e(first.citation)}</p>')
    for hit in hits:
        about = hit.party or hit.item or hit.field
        score = f" · score {hit.score:.2f}" if hit.score is not None else ""
        field_text = (
            f" · field <code>{_e(hit.field)}</code>" if hit.field and hit.field != about else ""
        )
        out.append('<div class="hit">')
        if about:
            out.append(f'<div class="about">{_e(about)}{field_text}{_e(score)}</div>')
        prefix = "" if len(hits) == 1 else f"{_badge(hit.outcome)} "
        out.append(f"<p>{prefix}{_e(hit.message)}</p>")
        if hit.notes:
            out.append(
                '<ul class="notes">' + "".join(f"<li>{_e(n)}</li>" for n in hit.notes) + "</ul>"
            )
        out.append("</div>")
    text = _rule_text(case, rule_id)
    if text is not None:
        snippet, how = text
        out.append(f'<div class="pre-caption">Rule text ({_e(how)}, {_e(first.source)}):</div>')
        out.append(f'<pre class="yaml">{_e(snippet)}</pre>')
    out.append("</div>")
    return out


# --- Markdown ----------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_MD_LEADING = re.compile(r"^(\d*)([-+#=.)])")


def _md(text: object) -> str:
    """Escape Markdown (CommonMark) so text shows as written: emphasis, code, links, HTML,
    table pipes, and a leading list or heading marker. Newlines fold into spaces."""
    flat = _MD_SPECIAL.sub(r"\\\1", " ".join(visible(str(text)).split()))
    return _MD_LEADING.sub(_escape_marker, flat, count=1)


def _escape_marker(match: re.Match[str]) -> str:
    digits, mark = match.group(1), match.group(2)
    if bool(digits) != (mark in ".)"):  # "12." and "12)" are markers, "-" too; "3-" is not
        return match.group(0)
    return f"{digits}\\{mark}"


def _fence(text: str, lang: str = "") -> list[str]:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{lang}", text, fence]


def render_markdown(case: CaseReport) -> str:
    """The case report as plain Markdown (a dated table stands in for the picture)."""
    out = [f"# {_md(case.title)}", ""]
    if case.summary:
        out += [_md(case.summary), ""]
    total = len(case.results)
    ok = sum(r.ok for r in case.results)
    out += [
        f"{ok} of {total} scenarios as expected · rules {_md(case.rules_name)} "
        f"{_md(case.rules_version)}, fingerprint `{case.rules_fingerprint[:16]}` · "
        f"screening {_md(case.library_version)} · scenarios from `{case.directory}`",
        "",
        "## Timeline",
        "",
        "| Date | Event | Source |",
        "|---|---|---|",
    ]
    rows: list[tuple[dt.date, int, str]] = []
    for event in _events(case):
        rows.append(
            (event.day, 0, f"| {_day(event.day)} | {_md(event.detail)} | "
             f"{_md(event.source)} |")
        )  # fmt: skip
    for i, r in enumerate(case.results):
        rows.append(
            (
                r.decision.as_of,
                1,
                f"| {_day(r.decision.as_of)} | **Scenario {i + 1}**: {_md(r.scenario.title)} → "
                f"**{r.decision.outcome.value}** | {_md(r.scenario.file)} |",
            )
        )
    out += [text for _, _, text in sorted(rows, key=lambda x: (x[0], x[1]))]
    out += ["", "## Windows", ""]
    for lane in case.timeline.lanes:
        out.append(f"- **{_md(lane.title.replace(' · ', ', '))}**")
        for span in sorted(lane.spans, key=lambda s: (s.start, s.row)):
            until = f"to {_day(span.end)}" if span.end else "no end date"
            out.append(
                f"  - {_md(span.title)}: {_day(span.start)} {until} "
                f"({_md(', '.join(span.rule_ids))})"
            )
    out += [
        "",
        "## Decisions",
        "",
        "| # | Scenario | As of | Expected | Decision | Rules fired | Result |",
        "|---|---|---|---|---|---|---|",
    ]
    for i, r in enumerate(case.results):
        out.append(
            f"| {i + 1} | {_md(r.scenario.title)} | {r.decision.as_of} | "
            f"{r.scenario.expect.outcome.value} | {r.decision.outcome.value} | "
            f"{_md(', '.join(r.fired) or 'none')} | {'as expected' if r.ok else '**MISMATCH**'} |"
        )
    out += ["", "## Scenarios"]
    for i, r in enumerate(case.results):
        out += _md_scenario(case, i, r)
    return "\n".join(out) + "\n"


def _md_scenario(case: CaseReport, index: int, result: Replay) -> list[str]:
    scenario, decision = result.scenario, result.decision
    tx = scenario.transaction
    check = (
        "as expected"
        if result.ok
        else f"**NOT AS EXPECTED** (expected {scenario.expect.outcome.value})"
    )
    out = [
        "",
        f"### {index + 1}. {_md(scenario.title)}",
        "",
        f"**{decision.outcome.value.upper()}** — {check}",
        "",
    ]
    if scenario.summary:
        out += [_md(scenario.summary), ""]
    to = country_name(tx.destination)
    route = f" via {', '.join(country_name(c) for c in tx.route)}" if tx.route else ""
    expected = ", ".join(scenario.expect.rules) or "no rule"
    out += [
        f"- As of: {_day(decision.as_of)}",
        f"- Transaction: {_md(tx.id)}, dated {_day(tx.date)}, to {_md(to + route)}",
        *[f"- Party: {_md(_party_line(p))}" for p in tx.parties],
        *[f"- Item: {_md(_item_line(it))}" for it in tx.items],
        f"- Expected: {scenario.expect.outcome.value}: {_md(expected)}",
        f"- Facts: {_md(scenario.facts or '—')}",
        f"- File: {_md(scenario.file)}",
        "",
    ]
    if not decision.hits:
        out += ["No rule fired.", ""]
    for rule_id, hits in _groups(decision):
        worst = max((h.outcome for h in hits), key=lambda o: o.rank)
        first = hits[0]
        out += [
            f"#### {worst.value.upper()} `{rule_id}` ({_md(first.kind)}) — {_md(first.source)}",
            "",
            f"Citation: {_md(first.citation)}",
            "",
        ]
        for hit in hits:
            about = hit.party or hit.item or hit.field
            lead = f"{hit.outcome.value}" + (f", {_md(about)}" if about else "")
            out.append(f"- ({lead}) {_md(hit.message)}")
            out += [f"  - {_md(n)}" for n in hit.notes]
        out.append("")
        text = _rule_text(case, rule_id)
        if text is not None:
            snippet, how = text
            out += [f"Rule text ({how}):", "", *_fence(snippet, "yaml"), ""]
    return out
