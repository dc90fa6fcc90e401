"""The rendering of case reports by templates: the page shows what the f-string renderer showed,
templates and style sheet come from the package, and HTML is escaped by default."""

from __future__ import annotations

import dataclasses
import os
import re
from importlib.resources import files
from pathlib import Path

import pytest

from helpers.pages import outline, visible_text
from screening import bundled_rules_dir, load_rules
from screening.authoring import replay
from screening.report import build_case, read_case, render_html, rule_snippets

ROOT = Path(__file__).resolve().parents[2]
BEFORE = Path(__file__).parent / "data" / "zte-before.html"
"""A pin of the ZTE page (``screening replay examples/zte --report``, run in the repository
root). It began as the f-string renderer's page, before reports moved to jinja2, and proved the
move kept the content. When the bundled rules or the ZTE scenarios change the page on purpose,
render it again with ``SCREENING_RENDER_PIN=1 python -m pytest tests/report/test_render.py``
and review the difference in the commit."""


@pytest.fixture(scope="module")
def pages() -> tuple[str, str]:
    before = BEFORE.read_text("utf-8")
    [version] = re.findall(r"· screening (\S+) ·", before)
    rules = load_rules()
    directory = Path("examples/zte")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)  # the scenarios' file names are as the old page shows them: relative
        case = build_case(
            directory,
            replay(directory, rules),
            rules,
            rule_snippets(rules, bundled_rules_dir()),
            read_case(directory),
        )
    # The library's version is not the page's content: the old page's stands in for it. Nor is
    # the rule set's fingerprint, which any later rule change moves: the old one stands in too.
    case = dataclasses.replace(case, library_version=version)
    [old_fingerprint] = re.findall(r"fingerprint <code>([0-9a-f]{16})</code>", before)
    after = render_html(case).replace(rules.fingerprint[:16], old_fingerprint)
    if os.environ.get("SCREENING_RENDER_PIN") == "1":
        BEFORE.write_text(after, "utf-8")
        before = after
    return before, after


def test_page_shows_the_same_text_as_before(pages: tuple[str, str]) -> None:
    before, after = pages
    assert visible_text(after) == visible_text(before)


def test_page_has_the_same_elements_and_attributes_as_before(pages: tuple[str, str]) -> None:
    before, after = pages
    old, new = outline(before), outline(after)
    assert len(new) == len(old)
    for index, (a, b) in enumerate(zip(old, new, strict=True)):
        assert b == a, f"element {index}"


def test_style_sheet_is_inlined_as_written(pages: tuple[str, str]) -> None:
    _, after = pages
    css = files("screening.report").joinpath("report.css").read_text("utf-8")
    assert f"<style>\n{css}</style>" in after
    assert '"Segoe UI"' in after  # quotes in CSS are not entities: a style element is raw text


def test_templates_ship_in_the_package() -> None:
    templates = files("screening.report").joinpath("templates")
    names = {entry.name for entry in templates.iterdir()}
    assert {"page.html", "case.html", "timeline.svg", "report.md"} <= names


def test_invisible_characters_show_in_every_part_of_the_page(tmp_path: Path) -> None:
    """Text reaches the page only through the templates, which make invisible characters
    visible everywhere: titles, facts, hits."""
    rules = load_rules()
    directory = ROOT / "examples" / "zte"
    results = replay(directory, rules)
    case = build_case(directory, results, rules, {}, read_case(directory))
    case = dataclasses.replace(case, title="ZTE\u200b case", summary="a\u202eb")
    html = render_html(case)
    assert "\u200b" not in html
    assert "\u202e" not in html
    assert "<title>ZTE⟨U+200B⟩ case</title>" in html
    assert '<p class="lede">a⟨U+202E⟩b</p>' in html
