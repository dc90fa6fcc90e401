"""What a rule set covers (issue 16, item 5): `rules_coverage`, `screening rules coverage` and
the section of the case report, all derived from the rules."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers.clirun import cli
from helpers.ruleedit import replace_once
from screening import Outcome, bundled_rules_dir, load_rules
from screening.rules import rules_coverage

ROOT = Path(__file__).resolve().parents[2]
EXTRACT = ROOT / "examples" / "ownership" / "lists" / "csl-2022-05-sdn-extract.csv"
BUNDLED = rules_coverage(load_rules())


def _regime(rule_id: str) -> object:
    [found] = [r for r in BUNDLED.regimes if r.id == rule_id]
    return found


def test_the_period_is_the_header_s() -> None:
    rules = load_rules()
    assert (BUNDLED.covers_from, BUNDLED.covers_to) == (rules.covers_from, rules.covers_to)
    assert f"after {rules.covers_to}" in BUNDLED.not_covered[0]


PLACEHOLDER = """
rules:
  - id: mongolia-not-encoded
    kind: embargo
    title: Mongolia export controls not encoded in this rule set
    countries: [MN]
    outcome: review
    items: all
    from: 2024-01-01
    citation: a placeholder for a regime not encoded yet
"""


def _with_placeholder(tmp_path: Path) -> Path:
    rules_dir = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), rules_dir)
    (rules_dir / "placeholder.yaml").write_text(PLACEHOLDER, encoding="utf-8")
    return rules_dir


def test_placeholders_are_not_encoded_and_not_counted_as_covered_countries(
    tmp_path: Path,
) -> None:
    found = rules_coverage(load_rules(_with_placeholder(tmp_path)))
    [placeholder] = [r for r in found.regimes if r.id == "mongolia-not-encoded"]
    assert placeholder.status == "not encoded"
    assert "MN" not in found.countries
    assert any("Mongolia" in line and "not encoded" in line for line in found.not_covered)
    assert {"CU", "IR", "KP", "SY", "RU", "BY"} <= set(BUNDLED.countries)


def test_end_use_controls_are_programmes_but_do_not_cover_their_countries() -> None:
    assert _regime("meu-china").kind == "end_user_control"  # type: ignore[attr-defined]
    assert "CN" not in BUNDLED.countries


def test_regions_are_not_whole_countries() -> None:
    assert "UA" not in BUNDLED.countries
    assert "Crimea region of Ukraine" in BUNDLED.regions


def test_unverified_rules_can_only_review() -> None:
    for regime in BUNDLED.regimes:
        if regime.status != "encoded":
            assert regime.outcome is Outcome.REVIEW, regime.id
    assert _regime("ofac-50-percent").outcome is Outcome.BLOCK  # type: ignore[attr-defined]
    after = _regime("bis-affiliates-rule-after-suspension")
    assert (after.status, after.outcome) == ("unverified", Outcome.REVIEW)  # type: ignore[attr-defined]


def test_without_list_files_only_hand_written_listings_are_screened() -> None:
    assert BUNDLED.list_files == ()
    assert any("No official list file is loaded" in line for line in BUNDLED.not_covered)
    with_lists = rules_coverage(load_rules(lists=[EXTRACT]))
    assert not any("No official list file" in line for line in with_lists.not_covered)
    [sdn] = [
        lst
        for lst in with_lists.lists
        if lst.list.startswith("Specially Designated Nationals (SDN)")
    ]
    assert (sdn.listings, sdn.outcome) == (2, Outcome.BLOCK)


def test_removing_the_placeholder_removes_its_line(tmp_path: Path) -> None:
    rules_dir = _with_placeholder(tmp_path)
    replace_once(rules_dir / "placeholder.yaml", "  - id: mongolia-not-encoded\n", "  - id: mn-x\n")
    replace_once(
        rules_dir / "placeholder.yaml",
        "title: Mongolia export controls not encoded in this rule set",
        "title: Mongolia export controls",
    )
    found = rules_coverage(load_rules(rules_dir))
    assert "MN" in found.countries  # now an encoded country-wide rule (review outcome)
    assert not any(line.startswith("Mongolia") for line in found.not_covered)


def test_cli_json_is_the_library_s_coverage() -> None:
    rc, out = cli("rules", "coverage", "--json")
    assert rc == 0
    assert json.loads(out) == json.loads(json.dumps(BUNDLED.model_dump(mode="json")))


def test_cli_text_names_programmes_lists_and_gaps() -> None:
    rc, out = cli("rules", "coverage", str(bundled_rules_dir()))
    assert rc == 0
    assert out.startswith(f"{BUNDLED.name} {BUNDLED.version}: covers {BUNDLED.covers_from} to ")
    assert "encoded      block    2022-04-08" in out  # Russia's whole-CCL rule
    assert "ofac-50-percent: OFAC 50 percent rule" in out
    assert 'Not covered (what a "clear" does not vouch for):' in out


@pytest.mark.parametrize("suffix", ["html", "md"])
def test_the_case_report_has_the_coverage_section(tmp_path: Path, suffix: str) -> None:
    report = tmp_path / f"r.{suffix}"
    rc, _ = cli("replay", ROOT / "examples" / "ownership", "--lists", EXTRACT, "--report", report)
    assert rc == 0
    text = report.read_text("utf-8")
    assert "What these rules cover" in text
    assert "russia-ccl" in text
    assert "No official list file is loaded" not in text  # the extract is loaded
