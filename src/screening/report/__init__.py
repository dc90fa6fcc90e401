"""Reports: a replayed case as one self-contained HTML page or Markdown, with a timeline of the
rules that decided it; `write_report` writes one to a file."""

from __future__ import annotations

from ._report import build_case, read_case, render_html, render_markdown, rule_snippets, visible
from ._timeline import case_timeline
from ._write import write_report

__all__ = [
    "build_case",
    "case_timeline",
    "read_case",
    "render_html",
    "render_markdown",
    "rule_snippets",
    "visible",
    "write_report",
]
