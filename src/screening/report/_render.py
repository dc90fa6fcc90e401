"""Rendering a `CaseReport` with the jinja2 templates in ``templates/``: one self-contained
HTML page (HTML-escaped by default) or Markdown (escaped by the ``md`` filter).

The HTML page has inline CSS (``report.css``) and inline SVG timelines, loads nothing from the
network and needs no JavaScript. It is also well-formed XML (XHTML-compatible). Every value a
template writes passes through `visible` first, so invisible characters show. Rendering is pure
and reads no clock: the same case gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from importlib.resources import files

import jinja2
from markupsafe import Markup

from .._io.countries import country_name
from ..authoring import Replay
from ..models import Decision, Hit, Item, Party
from ._case import CaseReport, events
from ._svg import EVENT_COLOURS, detail_chart, overview_chart
from ._text import day, visible
from ._timeline import Event

__all__ = ["render_html", "render_markdown"]

# The legend under the detailed chart: swatches (fill, border, label), then dots (colour, label).
_SWATCHES = (
    ("#fecdca", "#d92d20", "Entity List"),
    ("#912018", "#55160c", "Denied Persons List (denial order)"),
    ("#fedf89", "#dc6803", "general licence and its extensions"),
    ("#6941c6", "#6941c6", "case milestone"),
)
_DOTS = (("#b42318", "scenario: block"), ("#b54708", "review"), ("#027a48", "clear"))


def render_html(case: CaseReport) -> str:
    """The case report as one self-contained, XHTML-compatible HTML page."""
    return (
        _environment()
        .get_template("page.html")
        .render(
            case=case,
            css=_css(),
            detail=detail_chart(case),
            overview=overview_chart(case),
            events=events(case),
            event_colours=EVENT_COLOURS,
            swatches=_SWATCHES,
            dots=_DOTS,
        )
    )


def render_markdown(case: CaseReport) -> str:
    """The case report as plain Markdown (a dated table stands in for the picture)."""
    # The table of dates: the events, and each scenario (numbered) after the events of its day.
    rows: list[tuple[dt.date, int, Replay | None, Event | None]] = [
        (e.day, 0, None, e) for e in events(case)
    ]
    rows += [(r.decision.as_of, i + 1, r, None) for i, r in enumerate(case.results)]
    rows.sort(key=lambda row: (row[0], row[1] > 0))
    return _environment().get_template("report.md").render(case=case, timeline_rows=rows)


@cache
def _environment() -> jinja2.Environment:
    """The templates, read from the installed package; HTML and SVG are autoescaped, and so is
    any template of another kind unless it is Markdown (fail closed)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("screening.report", "templates"),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "svg"), disabled_extensions=("md",), default=True
        ),
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(
        n=_number,
        day=day,
        md=_md,
        fence=_fence,
        country=country_name,
        party=_party_line,
        item=_item_line,
    )
    env.globals.update(facts=_facts, groups=_groups, rule_text=_rule_text)
    return env


@cache
def _css() -> Markup:
    """The page's style sheet, inlined as it is written (a style element is not escaped)."""
    css = files("screening.report").joinpath("report.css").read_text("utf-8")
    if "</" in css:
        raise ValueError("report.css must not contain '</': it is inlined in a style element")
    return Markup(css)


def _finalize(value: object) -> object:
    """What every ``{{ }}`` writes: text with its invisible characters made visible; markup
    already rendered (a macro's output, the CSS) as it is."""
    if isinstance(value, Markup):
        return value
    return visible(str(value))


def _number(value: float) -> str:
    """A coordinate, to a tenth of a pixel."""
    return f"{value:.1f}"


# --- what the templates show ---------------------------------------------------------------------


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


def _party_line(party: Party) -> str:
    return f"{party.role}: {party.name} ({country_name(party.country)})"


def _item_line(item: Item) -> str:
    made = f"made in {country_name(item.origin)}" if item.origin else "origin unknown"
    return f"{item.description} ({item.eccn or 'no ECCN'}, {made})"


def _facts(result: Replay) -> list[tuple[str, list[str]]]:
    """The facts of a scenario for the page's definition list: label, then its lines."""
    scenario, decision = result.scenario, result.decision
    tx = scenario.transaction
    route = f" (route: {' → '.join(country_name(c) for c in tx.route)})" if tx.route else ""
    as_of = "" if scenario.as_of is None else " (the scenario's as_of)"
    expected = ", ".join(scenario.expect.rules) or "no rule"
    facts: list[tuple[str, list[str]]] = [
        ("As of", [f"{day(decision.as_of)}{as_of}"]),
        ("Transaction", [f"{tx.id}, dated {day(tx.date)}"]),
        ("Destination", [country_name(tx.destination) + route]),
        ("Parties", [_party_line(p) for p in tx.parties] or ["none declared"]),
        ("Items", [_item_line(it) for it in tx.items]),
        ("Expected", [f"{scenario.expect.outcome.value}: {expected}"]),
        ("Facts", [scenario.facts or "—"]),
        ("File", [scenario.file]),
    ]
    if tx.end_use:
        facts.insert(5, ("End use", [tx.end_use]))
    return facts


# --- Markdown ------------------------------------------------------------------------------------

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


def _fence(text: str) -> str:
    """A code fence longer than any run of backticks in ``text``."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)
