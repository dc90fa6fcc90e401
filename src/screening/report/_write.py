"""Writing a case report file: the one place in `report` that writes to disk."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .._io.durable import atomic_write
from ..authoring import Replay
from ..errors import LogError
from ..rules import RuleSet, bundled_rules_dir
from ._case import build_case, read_case, rule_snippets
from ._render import render_html, render_markdown

__all__ = ["write_report"]

HTML_SUFFIXES = (".html", ".htm")


def write_report(
    path: Path,
    directory: Path,
    results: Sequence[Replay],
    rules: RuleSet,
    rules_dir: Path | None = None,
) -> None:
    """Write the case report of a replay of ``directory``: HTML for ``.html``/``.htm``,
    Markdown otherwise; atomically, so a reader never sees a half-written report.

    ``rules_dir`` is where the rule texts are quoted from (default: the bundled rules).
    Raises `LogError` when the file cannot be written.
    """
    snippets = rule_snippets(rules, rules_dir or bundled_rules_dir())
    case = build_case(directory, list(results), rules, snippets, read_case(directory))
    html = path.suffix.lower() in HTML_SUFFIXES
    text = render_html(case) if html else render_markdown(case)
    try:
        atomic_write(path, text.encode("utf-8"))
    except OSError as exc:
        raise LogError(f"{path}: cannot write the report: {exc.strerror}") from None
