"""Reports: a replayed case as one self-contained HTML page or Markdown, with a timeline of the
rules that decided it; `write_report` writes one to a file.

Inside: ``_case`` gathers the inputs, ``_timeline`` derives the case's timeline from the rules,
``_svg`` lays out the charts, ``_render`` fills the jinja2 templates in ``templates/`` (with the
style sheet ``report.css`` inlined), ``_write`` replaces the file atomically.
"""

from __future__ import annotations

from ._case import build_case, read_case, rule_snippets
from ._render import render_html, render_markdown
from ._text import visible
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
