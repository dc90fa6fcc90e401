"""Case reports: one self-contained, well-formed HTML page (and Markdown) with the timeline,
every scenario, its hits, citations and the text of the rules that fired."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers.clirun import cli
from screening import bundled_rules_dir, load_rules
from screening.authoring import load_scenario, replay, scenario_files
from screening.errors import LogError
from screening.report import (
    build_case,
    case_timeline,
    read_case,
    render_html,
    render_markdown,
    rule_snippets,
    visible,
    write_report,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "zte"
RULES = load_rules()
SVG = "{http://www.w3.org/2000/svg}"
DASH = "\u2013"  # the en dash of date ranges
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("report") / "report.html"
    rc, out = cli("replay", EXAMPLES, "--report", path)
    assert rc == 0
    assert f"report written to {path}" in out
    return path.read_text("utf-8")


@pytest.fixture(scope="module")
def tree(html: str) -> ET.Element:
    return ET.fromstring(html)


def text_of(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


# --- well-formed and self-contained --------------------------------------------------------------


def test_html_is_well_formed_xml(tree: ET.Element) -> None:
    assert tree.tag == f"{XHTML}html"
    assert tree.find(f"{XHTML}head/{XHTML}style") is not None


class _Tags(HTMLParser):
    """Checks what an HTML parser sees: balanced elements, and every URL-bearing attribute."""

    VOID = frozenset({"meta", "br", "link", "img", "input", "hr", "path", "circle", "line", "rect"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.urls: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.urls += [v or "" for k, v in attrs if k in ("src", "href", "xlink:href", "action")]
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.urls += [v or "" for k, v in attrs if k in ("src", "href", "xlink:href", "action")]

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, f"</{tag}> closes nothing"
        assert self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1]}>"
        self.stack.pop()


def test_html_is_self_contained(html: str) -> None:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    assert parser.stack == []
    assert parser.urls, "the report links scenarios within the page"
    assert all(url.startswith("#") for url in parser.urls), parser.urls
    assert not parser.tags & {"script", "link", "img", "iframe", "object", "embed"}
    assert "url(" not in html
    assert "@import" not in html
    # the only absolute URLs are the XML namespaces of the html and svg elements
    assert set(re.findall(r"\w+://[^\"' )]+", html)) == {
        "http://www.w3.org/1999/xhtml",
        "http://www.w3.org/2000/svg",
    }


def test_report_is_byte_identical_on_repeat(tmp_path: Path) -> None:
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    assert cli("replay", EXAMPLES, "--report", a)[0] == 0
    assert cli("replay", EXAMPLES, "--report", b)[0] == 0
    assert a.read_bytes() == b.read_bytes()


# --- what it shows -------------------------------------------------------------------------------


def test_every_scenario_has_a_section_with_its_decision(tree: ET.Element) -> None:
    sections = [s for s in tree.iter(f"{XHTML}section") if s.get("id", "").startswith("scenario")]
    files = scenario_files(EXAMPLES)
    assert len(sections) == len(files) == 21
    for section, path in zip(sections, files, strict=True):
        scenario = load_scenario(path)
        text = text_of(section)
        assert scenario.title in text
        assert scenario.expect.outcome.value in text
        for rule_id in scenario.expect.rules:
            assert rule_id in text, (path.name, rule_id)


def test_each_fired_rule_is_shown_with_its_citation_source_and_text(tree: ET.Element) -> None:
    results = replay(EXAMPLES, RULES)
    sections = [s for s in tree.iter(f"{XHTML}section") if s.get("id", "").startswith("scenario")]
    for section, result in zip(sections, results, strict=True):
        text = text_of(section)
        blocks = list(section.iter(f"{XHTML}pre"))
        quoted = "\n".join("".join(p.itertext()) for p in blocks)
        for hit in result.decision.hits:
            assert " ".join(hit.citation.split()) in text
            assert hit.source in text
            assert " ".join(visible(hit.message).split()) in text
            if hit.rule_id in RULES:
                assert f"- id: {hit.rule_id}\n" in quoted, (result.scenario.id, hit.rule_id)


def test_timeline_pictures_the_case(tree: ET.Element) -> None:
    svgs = list(tree.iter(f"{SVG}svg"))
    assert len(svgs) == 2  # the listing period in detail, and every scenario
    detail = " ".join(" ".join(t.itertext()) for t in svgs[0].iter(f"{SVG}text"))
    for label in (
        "Entity List addition",
        "Temporary General License",
        "Entity List removal",
        "Plea agreement announced",
        "Plea approved",
        "Denial order",
        "Denial order terminated",
    ):
        assert label in detail, label
    licences = [r for r in svgs[0].iter(f"{SVG}rect") if "licence" in r.get("class", "")]
    assert len(licences) == 6  # the licence, its four extensions, the 2018 authorisation
    tips = " ".join(t.text or "" for t in svgs[0].iter(f"{SVG}title"))
    for window in (
        f"24 Mar 2016 {DASH} 30 Jun 2016",
        f"1 Jul 2016 {DASH} 30 Aug 2016",
        f"31 Aug 2016 {DASH} 27 Nov 2016",
        f"18 Nov 2016 {DASH} 27 Feb 2017",
        f"24 Feb 2017 {DASH} 29 Mar 2017",
        f"8 Mar 2016 {DASH} 28 Mar 2017",
        f"15 Apr 2018 {DASH} 12 Jul 2018",
        f"2 Jul 2018 {DASH} 1 Aug 2018",
    ):
        assert window in tips, window
    overview = list(svgs[1].iter(f"{SVG}a"))
    assert sorted(a.get("href") for a in overview) == [f"#scenario-{i:02d}" for i in range(1, 22)]


def test_events_table_dates_the_case(tree: ET.Element) -> None:
    rows: dict[str, str] = {}
    for tr in tree.iter(f"{XHTML}tr"):
        cells = tr.findall(f"{XHTML}td")
        if len(cells) == 3:
            day = text_of(cells[0])
            rows[day] = rows.get(day, "") + " / " + text_of(cells[1])
    assert "put on the Entity List" in rows["8 Mar 2016"]
    assert "Temporary General License" in rows["24 Mar 2016"]
    assert "ZTE Kangxun Telecommunications Ltd. off the Entity List" in rows["29 Mar 2017"]
    assert "Shi Lirong put on the Entity List" in rows["29 Mar 2017"]
    assert "plead guilty" in rows["7 Mar 2017"]
    assert "approves" in rows["22 Mar 2017"]
    assert "put on the Denied Persons List" in rows["15 Apr 2018"]
    assert "off the Denied Persons List" in rows["13 Jul 2018"]
    assert "Cuba no longer in Country Group E:1" in rows["22 Jul 2015"]
    assert "Sudan no longer in Country Group E:1" in rows["14 Jan 2021"]


def test_timeline_follows_the_rules(tmp_path: Path) -> None:
    """Windows come from the rule files: move the third extension's end and the picture moves."""
    rules_dir = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), rules_dir)
    path = rules_dir / "general-licences.yaml"
    path.write_text(
        path.read_text("utf-8").replace("to: 2017-02-27", "to: 2017-02-25"), encoding="utf-8"
    )
    rules = load_rules(rules_dir)
    timeline = case_timeline(rules)
    [zte] = [lane for lane in timeline.lanes if "zte-corporation" in lane.entity_ids]
    ends = [s.end for s in zte.spans if s.kind == "general_licence"]
    assert str(ends[-3]) == "2017-02-25"
    case = build_case(EXAMPLES, replay(EXAMPLES, rules), rules, rule_snippets(rules, rules_dir))
    html = render_html(case)
    assert f"18 Nov 2016 {DASH} 25 Feb 2017" in html
    assert "to: 2017-02-25" in html  # scenario 5 quotes the edited rule


def test_rule_text_falls_back_to_fields_when_the_file_changed(tmp_path: Path) -> None:
    rules_dir = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), rules_dir)
    rules = load_rules(rules_dir)
    path = rules_dir / "listings.yaml"
    path.write_text(path.read_text("utf-8") + "\n# edited after loading\n", encoding="utf-8")
    snippets = rule_snippets(rules, rules_dir)
    assert "el-zte-corporation" not in snippets
    assert snippets["tgl-zte-2016"].startswith("- id: tgl-zte-2016\n")
    case = build_case(EXAMPLES, replay(EXAMPLES, rules), rules, snippets)
    assert "el-zte-corporation" in case.fields
    assert "Rule text (its fields" in render_html(case)


def test_invisible_characters_of_an_evasive_spelling_are_shown(tree: ET.Element) -> None:
    [section] = [s for s in tree.iter(f"{XHTML}section") if s.get("id") == "scenario-20"]
    assert "8Star⟨U+200B⟩ Intl Co" in text_of(section)
    assert "\u200b" not in text_of(section)
    assert visible("a\u200bb\u202ec\td") == "a⟨U+200B⟩b⟨U+202E⟩c\td"


def test_rule_snippet_is_the_rule_as_written() -> None:
    snippet = rule_snippets(RULES, bundled_rules_dir())["do-zte-corporation"]
    assert snippet.splitlines()[0] == "- id: do-zte-corporation"
    assert "from: 2018-04-15" in snippet
    assert "to: 2018-07-12" in snippet
    assert "do-zte-kangxun" not in snippet  # stops before the next rule
    assert not snippet.rstrip().endswith(("#", "---"))


# --- escaping ------------------------------------------------------------------------------------

NASTY = "<script>alert('x')</script> & \"quotes\" | pipes | *stars* [link](http://evil)"


@pytest.fixture
def nasty_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "case"
    directory.mkdir()
    scenario = {
        "title": NASTY,
        "summary": NASTY,
        "expect": {"outcome": "review", "rules": ["rf-missing-end-user"]},
        "transaction": {
            "id": "nasty</td>",
            "date": "2016-06-15",
            "destination": "DE",
            "parties": [{"role": "exporter", "name": NASTY, "country": "US"}],
            "items": [{"description": NASTY, "eccn": "EAR99", "origin": "US"}],
        },
    }
    (directory / "01.json").write_text(json.dumps(scenario), encoding="utf-8")
    (directory / "_case.yaml").write_text(
        "title: 'Case <b>&amp; co</b>'\nmilestones:\n  - {date: 2016-06-01, label: '<i>x</i>',"
        " source: 'a | b'}\n",
        encoding="utf-8",
    )
    return directory


def test_html_escapes_everything(nasty_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "r.html"
    assert cli("replay", nasty_dir, "--report", path)[0] == 0
    html = path.read_text("utf-8")
    root = ET.fromstring(html)  # still well-formed
    assert "<script" not in html
    assert "<b>" not in html
    assert "<i>x</i>" not in html
    assert "&lt;script&gt;" in html
    assert NASTY in text_of(root)
    assert "Case <b>&amp; co</b>" in text_of(root)
    assert 'href="http' not in html


def test_markdown_escapes_table_cells_and_markup(nasty_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "r.md"
    assert cli("replay", nasty_dir, "--report", path)[0] == 0
    md = path.read_text("utf-8")
    assert "<script>" not in md
    assert not re.search(r"(?<!\\)\]\(", md)  # no live link
    for line in md.splitlines():
        if line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line)
            assert len(cells) in (5, 9), line  # 3 or 7 columns, plus the two ends


def test_markdown_report_has_the_timeline_and_every_scenario(tmp_path: Path) -> None:
    path = tmp_path / "report.md"
    assert cli("replay", EXAMPLES, "--report", path)[0] == 0
    md = path.read_text("utf-8")
    headings = re.findall(r"^### (\d+)\. ", md, flags=re.MULTILINE)
    assert headings == [str(i) for i in range(1, 22)]
    assert md.count("```yaml") == md.count("\n```\n")
    assert "| 8 Mar 2016 |" in md
    assert "| 13 Jul 2018 |" in md
    assert "Temporary General License, fourth extension: 24 Feb 2017 to 29 Mar 2017" in md


def test_report_needs_html_or_md(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, _ = cli("replay", EXAMPLES, "--report", tmp_path / "report.pdf")
    assert rc == 5
    assert "must end in .html or .md" in capsys.readouterr().err


def test_malformed_case_file_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = tmp_path / "case"
    shutil.copytree(EXAMPLES, directory)
    (directory / "_case.yaml").write_text("title: x\nmilestons: []\n", encoding="utf-8")
    rc, _ = cli("replay", directory, "--report", tmp_path / "r.html")
    assert rc == 3
    assert "_case.yaml: milestons" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def test_case_file_is_not_a_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    assert read_case(EXAMPLES) is not None
    assert all(not p.name.startswith("_") for p in scenario_files(EXAMPLES))
    assert cli("screen", EXAMPLES / "_case.yaml") == (3, "")
    assert "_case.yaml: not a transaction or a scenario" in capsys.readouterr().err


def test_render_markdown_directly() -> None:
    case = build_case(EXAMPLES, replay(EXAMPLES, RULES), RULES, {}, read_case(EXAMPLES))
    md = render_markdown(case)
    assert md.startswith("# The ZTE case")
    assert "Rule text (its fields):" in md  # no snippets given: the rules' fields instead


# --- write_report ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "start"), [("r.html", "<!DOCTYPE html>"), ("r.md", "# ")])
def test_write_report_picks_the_format_by_suffix(tmp_path: Path, name: str, start: str) -> None:
    results = replay(EXAMPLES, RULES)
    path = tmp_path / name
    write_report(path, EXAMPLES, results, RULES)
    text = path.read_text("utf-8")
    assert text.startswith(start)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temporary file left


def test_write_report_to_a_missing_folder_is_a_log_error(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "r.html"
    with pytest.raises(LogError, match=f"^{re.escape(str(path))}: cannot write the report: "):
        write_report(path, EXAMPLES, replay(EXAMPLES, RULES), RULES)
    assert not path.parent.exists()
