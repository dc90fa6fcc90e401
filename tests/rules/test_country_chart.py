"""The Commerce Country Chart and CCL data files, and the licence determination of 15 CFR 738.4.

The spot checks pin ECCN x country cells of the bundled data to the regulation. Each says where
the cell was read: cells read in primary text must be marked verified in the data; cells marked
``NOT_READ`` come from the published chart as the team knows it but were NOT read in primary
text for this revision (docs/legal/verification-2026-11.md, point 13: the bis.gov rendering of
Supp. No. 1 to part 738 flattens the cells), so the data must keep them unverified and they can
only ever give a review.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.ruleedit import replace_once
from helpers.strategies import SETTINGS
from screening import Outcome, RuleError, load_rules, screen
from screening.rules import ChartRow, Licence, RuleSet, bundled_rules_dir, licence_determination

RULES = load_rules()
ROOT = Path(__file__).resolve().parents[2]
NOT_READ = "NOT READ in primary text (published chart as known; bis.gov rendering flattened)"
DAY = dt.date(2024, 6, 3)


def _row(rules: RuleSet, country: str, day: dt.date) -> ChartRow:
    [row] = [r for r in rules.of_kind(ChartRow) if r.country == country and r.in_force(day)]
    return row


# (ECCN, country, day, column, X expected, where the cell was read)
SPOT_CHECKS: list[tuple[str, str, dt.date, str, bool, str]] = [
    # AT cells: the part 742 sections state the licence requirement for every AT item.
    ("5A991", "IR", DAY, "AT1", True, "15 CFR 742.8; 746.7(a)(1) (CFR reprint)"),
    ("3A991", "IR", DAY, "AT1", True, "15 CFR 742.8; 746.7(a)(1) (CFR reprint)"),
    ("5A991", "KP", DAY, "AT1", True, "15 CFR 742.19(a)(1) (CFR reprint)"),
    ("4A994", "KP", DAY, "AT1", True, "15 CFR 742.19(a)(1) (CFR reprint)"),
    ("5A991", "SY", DAY, "AT1", True, "15 CFR 742.9"),
    ("5A991", "SD", dt.date(2014, 2, 11), "AT1", True, "15 CFR 742.10 (before FR Doc 2020-29037)"),
    ("4A994", "SD", dt.date(2014, 2, 11), "AT1", True, "15 CFR 742.10 (before FR Doc 2020-29037)"),
    ("5A991", "SD", dt.date(2021, 1, 14), "AT1", False, "FR Doc 2020-29037; BIS press release"),
    ("3A991", "SD", DAY, "AT1", False, "FR Doc 2020-29037; BIS press release"),
    # Every other column: not read in primary text.
    ("5A002", "CN", DAY, "NS1", True, NOT_READ),
    ("5A002", "DE", DAY, "NS1", True, NOT_READ),
    ("5A002", "CA", DAY, "NS1", False, NOT_READ),
    ("5A002", "AU", dt.date(2023, 6, 1), "NS1", True, NOT_READ),
    ("5A002", "AU", DAY, "NS1", False, NOT_READ + "; AUKUS rule 89 FR 28594"),
    ("5A002", "GB", DAY, "NS1", False, NOT_READ + "; AUKUS rule 89 FR 28594"),
    ("3A001", "CN", DAY, "NS2", True, NOT_READ),
    ("3A001", "RU", DAY, "NS2", True, NOT_READ),
    ("3A001", "DE", DAY, "NS2", False, NOT_READ),
    ("3A001", "JP", DAY, "NS2", False, NOT_READ),
    ("3A001", "IN", DAY, "MT1", True, NOT_READ),
    ("3A001", "CA", DAY, "MT1", False, NOT_READ),
    ("3A001", "FR", DAY, "NP1", False, NOT_READ),
    ("3A001", "PK", DAY, "NP1", True, NOT_READ),
    ("4A003", "CN", DAY, "NS2", True, NOT_READ),
    ("4A003", "KR", DAY, "NS2", False, NOT_READ),
    ("1C350", "CN", DAY, "CB2", True, NOT_READ),
    ("1C350", "DE", DAY, "CB2", False, NOT_READ),
    ("3E001", "AE", DAY, "NS1", True, NOT_READ),
    ("9A515", "BR", DAY, "RS1", True, NOT_READ),
    ("4D001", "CN", DAY, "CC1", True, NOT_READ),
    ("4D001", "DE", DAY, "CC1", False, NOT_READ),
    ("5A001", "MX", DAY, "NS1", True, NOT_READ),
    ("5B001", "VN", DAY, "NS2", True, NOT_READ),
    ("3B001", "NL", DAY, "NS2", False, NOT_READ),
]


@pytest.mark.parametrize(
    ("eccn", "country", "day", "column", "marked", "source"),
    SPOT_CHECKS,
    ids=[f"{e}-{c}-{d}-{col}" for e, c, d, col, _, _ in SPOT_CHECKS],
)
def test_spot_check(
    eccn: str, country: str, day: dt.date, column: str, marked: bool, source: str
) -> None:
    found = licence_determination(RULES, eccn, country, day)
    assert found.classification is not None
    assert column in found.classification.columns
    [cell] = [c for c in found.cells if c.column == column]
    assert cell.marked is marked
    row = _row(RULES, country, day)
    assert row.cell_verified(column) is (source != NOT_READ and not source.startswith(NOT_READ))


def test_at_least_thirty_spot_checks_over_ten_destinations() -> None:
    assert len(SPOT_CHECKS) >= 30
    assert len({c for _, c, _, _, _, _ in SPOT_CHECKS}) >= 10


# --- the data files ---------------------------------------------------------------------------


def test_every_country_has_exactly_one_row_on_any_day() -> None:
    rows = RULES.of_kind(ChartRow)
    countries = {r.country for r in rows}
    assert len(countries) >= 190
    for day in (dt.date(2010, 1, 1), dt.date(2021, 1, 13), dt.date(2021, 1, 14), DAY):
        for country in countries:
            assert len([r for r in rows if r.country == country and r.in_force(day)]) == 1


def test_the_chart_names_its_source_and_revision() -> None:
    head = (ROOT / "rules" / "data" / "country-chart.csv").read_text("utf-8").splitlines()[:2]
    assert head[0].startswith("# source: Supplement No. 1 to 15 CFR part 738")
    assert re.fullmatch(r"# revision: \d{4}-\d{2}-\d{2}", head[1])
    assert all("revision of" in r.citation for r in RULES.of_kind(ChartRow))


def test_every_eccn_the_examples_tests_and_rules_use_is_in_the_ccl_data() -> None:
    used: set[str] = set()
    for folder in ("examples", "tests", "rules"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".yaml", ".py", ".json", ".jsonl") and path.is_file():
                text = path.read_text("utf-8", errors="replace")
                used |= set(re.findall(r"eccn[\"']?\s*[:=]\s*[\"']?([0-9][A-E][0-9]{3})", text))
    used.discard("5Z991")  # the deliberate slip of the loading tests
    used.discard("2B999")  # the part test_law_items.py needs the rules not to classify
    assert used, "no ECCN found: the scan is broken"
    assert sorted(used - set(RULES.classifications)) == []


def test_the_chart_at_columns_agree_with_country_group_e1() -> None:
    """AT to E:1 is decided by licence-at-e1; the chart's verified AT cells must agree."""
    for day in (dt.date(2014, 1, 1), dt.date(2021, 1, 13), dt.date(2021, 1, 14), DAY):
        for country in ("IR", "SY", "SD"):
            row = _row(RULES, country, day)
            assert row.cell_verified("AT1")
            member = any(
                m.country == country and m.in_force(day)
                for g in RULES.groups["E:1"]
                for m in g.members
            )
            assert ("AT1" in row.marked) is member, (country, day)


# --- the determination ------------------------------------------------------------------------

ECCNS = sorted(RULES.classifications)
COUNTRIES = sorted({r.country for r in RULES.of_kind(ChartRow)})


@settings(SETTINGS)
@given(
    eccn=st.sampled_from(ECCNS),
    country=st.sampled_from(COUNTRIES),
    day=st.dates(dt.date(2010, 1, 1), dt.date(2026, 12, 31)),
)
def test_the_answer_rests_on_verified_cells(eccn: str, country: str, day: dt.date) -> None:
    found = licence_determination(RULES, eccn, country, day)
    if found.licence is Licence.REQUIRED:
        assert any(c.marked and c.verified for c in found.cells)
    if found.licence is Licence.NOT_REQUIRED and found.cells:
        assert all(c.verified and not c.marked for c in found.cells)
    if found.licence is Licence.UNDETERMINED:
        assert any(not c.verified for c in found.cells) or found.row is None


@settings(SETTINGS)
@given(
    eccn=st.from_regex(r"[0-9][A-E][0-9]{3}", fullmatch=True).filter(lambda e: e not in ECCNS),
    country=st.sampled_from(COUNTRIES),
)
def test_an_unknown_eccn_is_never_not_required(eccn: str, country: str) -> None:
    found = licence_determination(RULES, eccn, country, DAY)
    assert found.licence is Licence.UNDETERMINED
    assert f"unknown ECCN {eccn}" in found.reason


def test_unknown_eccn_gives_a_review_naming_it() -> None:
    d = screen(_tx("2024-06-03", "DE", "9E619"), rules=RULES)
    assert d.outcome is Outcome.REVIEW
    [hit] = [h for h in d.hits if h.rule_id == "licence-country-chart"]
    assert "unknown ECCN 9E619" in hit.message


def test_an_unverified_x_reviews_rather_than_blocks() -> None:
    d = screen(_tx("2024-06-03", "CN", "9A515"), rules=RULES)
    [hit] = [h for h in d.hits if h.rule_id == "licence-country-chart"]
    assert hit.outcome is Outcome.REVIEW
    assert "unverified cells" in hit.message


def _tx(date: str, destination: str, eccn: str) -> dict[str, Any]:
    return {
        "id": "t-1",
        "date": date,
        "destination": destination,
        "parties": [
            {"role": "exporter", "name": "Acme Export", "country": "US"},
            {"role": "end_user", "name": "Local Buyer", "country": destination},
        ],
        "items": [{"description": "equipment", "eccn": eccn, "origin": "US"}],
    }


@pytest.fixture
def verified_rules(tmp_path: Path) -> RuleSet:
    """The bundled rules with the CN and CA rows and two CCL entries marked as read."""
    target = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), target)
    chart = target / "data" / "country-chart.csv"
    lines = chart.read_text("utf-8").splitlines()
    lines = [
        re.sub(r",false,([^,]*),", r",true,\1,", line) if line[:3] in ("CN,", "CA,") else line
        for line in lines
    ]
    chart.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ccl = target / "data" / "ccl-reasons.yaml"
    for eccn in ("9A515", "3A001"):
        replace_once(ccl, f'eccn: "{eccn}"\n', f'eccn: "{eccn}"\n    columns_verified: true\n')
    replace_once(
        ccl,
        "    columns: [NS1, MT1, RS1, AT1]\n    verified: false\n",
        "    columns: [NS1, MT1, RS1, AT1]\n",
    )
    return load_rules(target)


def test_a_verified_x_with_no_exception_blocks(verified_rules: RuleSet) -> None:
    found = licence_determination(verified_rules, "9A515", "CN", DAY)
    assert found.licence is Licence.REQUIRED
    assert "NS1" in found.required_by
    d = screen(_tx("2024-06-03", "CN", "9A515"), rules=verified_rules)
    [hit] = [h for h in d.hits if h.rule_id == "licence-country-chart"]
    assert hit.outcome is Outcome.BLOCK


def test_named_licence_exceptions_give_a_review_naming_them(verified_rules: RuleSet) -> None:
    d = screen(_tx("2024-06-03", "CN", "3A001"), rules=verified_rules)
    [hit] = [h for h in d.hits if h.rule_id == "licence-country-chart"]
    assert hit.outcome is Outcome.REVIEW
    assert "LVS" in hit.message
    assert "GBS" in hit.message
    assert "not assessed" in hit.message


def test_verified_blanks_need_no_licence(verified_rules: RuleSet) -> None:
    found = licence_determination(verified_rules, "9A515", "CA", DAY)
    assert found.licence is Licence.NOT_REQUIRED
    d = screen(_tx("2024-06-03", "CA", "9A515"), rules=verified_rules)
    assert "licence-country-chart" not in {h.rule_id for h in d.hits}


# --- loading errors ---------------------------------------------------------------------------


def test_a_bad_cell_is_reported_at_its_line(tmp_path: Path) -> None:
    target = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), target)
    chart = target / "data" / "country-chart.csv"
    text = chart.read_text("utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("CN,"))
    chart.write_text(text.replace("\nCN,,,X,", "\nCN,,,Y,"), encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_rules(target)
    assert f"rules/data/country-chart.csv:{line}: " in str(info.value)
    assert "cell 'Y' in column CB1" in str(info.value)


def test_an_edit_to_a_data_file_changes_the_fingerprint(tmp_path: Path) -> None:
    target = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), target)
    chart = target / "data" / "country-chart.csv"
    chart.write_text(chart.read_text("utf-8").replace("\nDE,,,X,", "\nDE,,,,"), encoding="utf-8")
    changed = load_rules(target)
    assert changed.fingerprint != RULES.fingerprint
    assert changed.digests["data/country-chart.csv"] != RULES.digests["data/country-chart.csv"]
