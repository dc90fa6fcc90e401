"""The inputs of a case report: the case file of a scenario directory, the text of each rule
as written in its file, and `build_case`, which gathers them with a replay into a `CaseReport`.

Reading files happens here, up front (`read_case`, `rule_snippets`); rendering is elsewhere
and pure.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from .._io.documents import read_document
from .._version import __version__
from ..authoring import Replay
from ..errors import ScenarioError
from ..rules import RuleCoverage, RuleSet, rules_coverage
from ._timeline import Event, Timeline, case_timeline

__all__ = [
    "CASE_FILE",
    "CaseInfo",
    "CaseReport",
    "Milestone",
    "build_case",
    "events",
    "period",
    "read_case",
    "rule_snippets",
]

CASE_FILE = "_case.yaml"
"""Optional file in a scenario directory with the case's title, summary and milestones."""


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
    coverage: RuleCoverage | None = None
    """What the rule set covers and does not: what a "clear" in this report means."""
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
        coverage=rules_coverage(rules),
    )


def period(case: CaseReport) -> tuple[dt.date, dt.date] | None:
    """The whole years the scenarios and the listings span: the report's period."""
    days = [r.decision.as_of for r in case.results]
    if case.timeline.window is not None:
        days += list(case.timeline.window)
    if not days:
        return None
    return dt.date(min(days).year, 1, 1), dt.date(max(days).year + 1, 1, 1)


def events(case: CaseReport) -> list[Event]:
    """The timeline's events within the report's period."""
    span = period(case)
    if span is None:
        return []
    return [e for e in case.timeline.events if span[0] <= e.day < span[1]]
