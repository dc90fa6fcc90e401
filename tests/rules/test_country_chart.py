"""The Commerce Country Chart and CCL data files, and the licence determination of 15 CFR 738.4.

The spot checks pin ECCN x country cells of the bundled data to the regulation, each saying where
it was read (docs/legal/verification-2026-11.md, points 13 and 14): a cell read in text in force
on its day must be marked verified in the data; a cell read only in an old CFR edition must
agree with the data on that day and stay unverified (the current text was not read); a cell not
read at all must stay unverified, so that it can only ever give a review. Whole rows are also
checked against what the two renderings of the chart found do keep (runs of X, counts of X).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from enum import Enum
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
DAY = dt.date(2024, 6, 3)
CFR_2002 = dt.date(2002, 1, 1)
CFR_2004 = dt.date(2004, 1, 1)


def _row(rules: RuleSet, country: str, day: dt.date) -> ChartRow:
    [row] = [r for r in rules.of_kind(ChartRow) if r.country == country and r.in_force(day)]
    return row


class Read(Enum):
    """How far a spot-checked cell was read in primary text (memo points 13 and 14)."""

    CURRENT = "read in text in force on the day: the data marks the cell verified"
    DATED = "read only in an old CFR edition: the data agrees that day, stays unverified"
    NOT_READ = "published chart as the team knows it, not read: unverified, a review"


@dataclass(frozen=True)
class Spot:
    """One ECCN x country cell on a day: the X (or blank) expected, and where it was read."""

    eccn: str
    country: str
    day: dt.date
    column: str
    marked: bool
    read: Read
    source: str


# The texts quoted (addresses and words in docs/legal/verification-2026-11.md, points 8 and 14).
S742_4_2002 = (
    "15 CFR 742.4(a), CFR rev. Jan. 1, 2002 (edocket.access.gpo.gov/cfr_2002/janqtr/"
    "15cfr742.4.htm): 'a license is required ... to all destinations, except Canada, for all "
    "items in ECCNs on the CCL that include NS Column 1'"
)
S742_5_2004 = (
    "15 CFR 742.5(a)(1), CFR rev. Jan. 1, 2004 (edocket.access.gpo.gov/cfr_2004/janqtr/"
    "15cfr742.5.htm; same words in the 2002 edition): 'Licenses for these items are required "
    "to all destinations, except Canada, as indicated by MT Column 1 of the Country Chart'"
)
S742_8 = "15 CFR 742.8; 746.7(a)(1) (CFR reprint): AT Column 1 or 2 items need a licence to Iran"
S742_19 = "15 CFR 742.19(a)(1) (CFR reprint): all AT-controlled CCL items need a licence"
S742_9 = "15 CFR 742.9; 746.9(a): all items subject to the EAR need a licence to Syria"
S742_10 = "15 CFR 742.10 (before FR Doc 2020-29037)"
S_SUDAN = "FR Doc 2020-29037; BIS press release: AT licence requirement removed for Sudan"
NOT_READ = "not read (the renderings found lose the column of each X: memo point 14)"

SPOT_CHECKS: list[Spot] = [
    # AT: the part 742 sections decide the AT cells of the E:1 countries (memo point 8).
    Spot("5A991", "IR", DAY, "AT1", True, Read.CURRENT, S742_8),
    Spot("3A991", "IR", DAY, "AT1", True, Read.CURRENT, S742_8),
    Spot("5A991", "KP", DAY, "AT1", True, Read.CURRENT, S742_19),
    Spot("4A994", "KP", DAY, "AT1", True, Read.CURRENT, S742_19),
    Spot("5A991", "SY", DAY, "AT1", True, Read.CURRENT, S742_9),
    Spot("5A991", "SD", dt.date(2014, 2, 11), "AT1", True, Read.CURRENT, S742_10),
    Spot("4A994", "SD", dt.date(2014, 2, 11), "AT1", True, Read.CURRENT, S742_10),
    Spot("5A991", "SD", dt.date(2021, 1, 14), "AT1", False, Read.CURRENT, S_SUDAN),
    Spot("3A991", "SD", DAY, "AT1", False, Read.CURRENT, S_SUDAN),
    # NS1 on Jan. 1, 2002: every destination but Canada (5A001.a is NS Column 1 in the CCL
    # of 1998 and 2008). The 2024 AUKUS change to Australia and the UK came later.
    *(
        Spot("5A001", c, CFR_2002, "NS1", True, Read.DATED, S742_4_2002)
        for c in ("CN", "RU", "IN", "DE", "IL", "AE", "VE", "JP", "MX", "AU", "GB")
    ),
    Spot("5A001", "CA", CFR_2002, "NS1", False, Read.DATED, S742_4_2002),
    # MT1 on Jan. 1, 2004: every destination but Canada (3A001.a.1.a is MT Column 1).
    *(
        Spot("3A001", c, CFR_2004, "MT1", True, Read.DATED, S742_5_2004)
        for c in ("CN", "RU", "IN", "PK", "IL", "AE", "BR", "KR", "DE")
    ),
    Spot("3A001", "CA", CFR_2004, "MT1", False, Read.DATED, S742_5_2004),
    # Every other column: the cell as the team knows it, not read in primary text.
    Spot("5A002", "CN", DAY, "NS1", True, Read.NOT_READ, NOT_READ),
    Spot("5A002", "DE", DAY, "NS1", True, Read.NOT_READ, NOT_READ),
    Spot("5A002", "CA", DAY, "NS1", False, Read.NOT_READ, NOT_READ),
    Spot("5A002", "AU", dt.date(2023, 6, 1), "NS1", True, Read.NOT_READ, NOT_READ),
    Spot("5A002", "AU", DAY, "NS1", False, Read.NOT_READ, NOT_READ + "; AUKUS 89 FR 28594"),
    Spot("5A002", "GB", DAY, "NS1", False, Read.NOT_READ, NOT_READ + "; AUKUS 89 FR 28594"),
    Spot("3A001", "CN", DAY, "NS2", True, Read.NOT_READ, NOT_READ),
    Spot("3A001", "RU", DAY, "NS2", True, Read.NOT_READ, NOT_READ),
    Spot("3A001", "DE", DAY, "NS2", False, Read.NOT_READ, NOT_READ),
    Spot("3A001", "JP", DAY, "NS2", False, Read.NOT_READ, NOT_READ),
    Spot("3A001", "IN", DAY, "MT1", True, Read.NOT_READ, NOT_READ),
    Spot("3A001", "CA", DAY, "MT1", False, Read.NOT_READ, NOT_READ),
    Spot("3A001", "FR", DAY, "NP1", False, Read.NOT_READ, NOT_READ),
    Spot("3A001", "PK", DAY, "NP1", True, Read.NOT_READ, NOT_READ),
    Spot("3A001", "BR", DAY, "NP1", False, Read.NOT_READ, NOT_READ + "; X count of memo 14"),
    Spot("3A001", "CN", DAY, "RS1", True, Read.NOT_READ, NOT_READ),
    Spot("4A003", "CN", DAY, "NS2", True, Read.NOT_READ, NOT_READ),
    Spot("4A003", "KR", DAY, "NS2", False, Read.NOT_READ, NOT_READ),
    Spot("1C350", "CN", DAY, "CB2", True, Read.NOT_READ, NOT_READ),
    Spot("1C350", "DE", DAY, "CB2", False, Read.NOT_READ, NOT_READ),
    Spot("3E001", "AE", DAY, "NS1", True, Read.NOT_READ, NOT_READ),
    Spot("9A515", "BR", DAY, "RS1", True, Read.NOT_READ, NOT_READ),
    Spot("4D001", "CN", DAY, "CC1", True, Read.NOT_READ, NOT_READ),
    Spot("4D001", "DE", DAY, "CC1", False, Read.NOT_READ, NOT_READ),
    Spot("5A001", "MX", DAY, "NS1", True, Read.NOT_READ, NOT_READ),
    Spot("5A001", "IL", DAY, "NS2", True, Read.NOT_READ, NOT_READ),
    Spot("5B001", "VN", DAY, "NS2", True, Read.NOT_READ, NOT_READ),
    Spot("3B001", "NL", DAY, "NS2", False, Read.NOT_READ, NOT_READ),
]


@pytest.mark.parametrize(
    "spot", SPOT_CHECKS, ids=[f"{s.eccn}-{s.country}-{s.day}-{s.column}" for s in SPOT_CHECKS]
)
def test_spot_check(spot: Spot) -> None:
    """The data holds the cell as read, and marks it verified exactly when the text read was in
    force on that day; an answer resting on a cell not so read is never 'no licence'."""
    found = licence_determination(RULES, spot.eccn, spot.country, spot.day)
    assert found.classification is not None
    assert spot.column in found.classification.columns
    [cell] = [c for c in found.cells if c.column == spot.column]
    assert cell.marked is spot.marked
    row = _row(RULES, spot.country, spot.day)
    assert row.cell_verified(spot.column) is (spot.read is Read.CURRENT)
    if not cell.verified:
        assert found.licence is not Licence.NOT_REQUIRED


@pytest.mark.parametrize(
    "spot", SPOT_CHECKS, ids=[f"{s.eccn}-{s.country}-{s.day}-{s.column}" for s in SPOT_CHECKS]
)
def test_spot_check_decision(spot: Spot) -> None:
    """What a user sees for the cell: an AT cell read in force decides licence-at-e1 (an X
    fires it, a blank does not); any other cell not verified is a review, never a clear."""
    d = screen(_tx(spot.day.isoformat(), spot.country, spot.eccn), rules=RULES)
    fired = {h.rule_id: h for h in d.hits}
    if spot.column.startswith("AT"):
        assert ("licence-at-e1" in fired) is spot.marked
        return
    hit = fired["licence-country-chart"]
    assert hit.outcome is Outcome.REVIEW
    assert spot.column in hit.message
    assert d.outcome is not Outcome.CLEAR


def test_at_least_thirty_cells_read_over_several_columns_and_destinations() -> None:
    read = [s for s in SPOT_CHECKS if s.read is not Read.NOT_READ]
    assert len(read) >= 30
    assert {s.column for s in read} >= {"AT1", "NS1", "MT1"}
    assert len({s.country for s in read}) >= 15
    assert len({s.country for s in SPOT_CHECKS}) >= 20


# --- whole rows against the two renderings of the chart found (memo point 14) ---------------
#
# Neither rendering keeps the column of each X: the bis.gov page joins adjacent X marks and
# collapses the blanks between them to one space; the eCFR mirror's separators do not fall on
# column boundaries. What each does keep is checked: the runs of adjacent X (bis.gov) and the
# number of X in a row (the mirror). Rows A..Congo only: the excerpts stop there.

BIS_URL = "https://www.bis.gov/title-15/subtitle-b/chapter-vii/subchapter-c/part-738"
BIS_RUNS = {  # after the AUKUS rule: Australia has one X
    "AF": "XXXX XXXXX X X",
    "AL": "XX X XXXXX",
    "DZ": "XX X XXXXX X X",
    "AD": "XX X XXXXX X X",
    "AO": "XX X XXXXX X X",
    "AG": "XX X XXXXXXX X",
    "AR": "X X XX XX X",
    "AM": "XXXX XXXXX XX",
    "AW": "XX X XXXXX X X",
    "AU": "X",
    "AT": "X X XX",
    "AZ": "XXXX XXXXX XX",
    "BS": "XX X XXXXXXX X",
}
# The column heads as the bis.gov rendering gives them, in order.
COLUMNS = ("CB1", "CB2", "CB3", "NP1", "NP2", "NS1", "NS2", "MT1", "RS1", "RS2", "FC1", "CC1")
COLUMNS += ("CC2", "CC3", "AT1", "AT2")
MIRROR_DAY = dt.date(2026, 6, 20)  # "Verified against eCFR.gov as of June 20, 2026"
MIRROR_ROWS = {
    "AF": "XXXX| XXXX | X | | X | | X | |",
    "AL": "XX| X| XXXXX | | | | | |",
    "DZ": "XX| X| XXXXX | | X | | X | |",
    "AD": "XX| X| XXXXX | | X | | X | |",
    "AO": "XX| X| XXXXX | | X | | X | |",
    "AG": "XX| X| XXXXX | X | X | | X | |",
    "AR": "X||X| XX| XX | | X | |",
    "AM": "XXXX| XXXX | X | | X | X | | |",
    "AW": "XX| X| XXXXX | | X | | X | |",
    "AU": "X | | | | | | | |",
    "AT": "X||X| XX | | | | |",
    "AZ": "XXXX| XXXX | X | | X | X | | |",
    "BS": "XX| X| XXXXX | X | X | | X | |",
    "BH": "XXXX| XXXX | X | | X | | X | |",
    "BD": "XX| X| XXXXX | | X | | X | |",
    "BB": "XX| X| XXXXX | X | X | | X | |",
    "BY": "XXXXXXXX | X | X | | X | X | | |",
    "BE": "X||X| XX | | | | |",
    "BZ": "XX| X| XXXXX | X | X | | X | |",
    "BJ": "XX| X| XXXXX | | X | | X | |",
    "BT": "XX| X| XXXXX | | X | | X | |",
    "BO": "XX| X| XXXXX | X | X | | X | |",
    "BA": "XX| X| XXXXX | | X | | X | |",
    "BW": "XX| X| XXXXX | | X | | X | |",
    "BR": "XX|| XXXXX | X | X | | X | |",
    "BN": "XX| X| XXXXX | | X | | X | |",
    "BG": "X||X| XX | | | | |",
    "BF": "XX| X| XXXXX | | X | | X | |",
    "MM": "XXXX| XXXX | X | | X | | X | |",
    "BI": "XX| X| XXXXX | | X | | X | |",
    "KH": "XX| X| XXXXX | | X | X | | |",
    "CM": "XX| X| XXXXX | | X | | X | |",
    "CV": "XX| X| XXXXX | | X | | X | |",
    "CF": "XX| X| XXXXX | | X | | X | |",
    "TD": "XX| X| XXXXX | | X | | X | |",
    "CL": "XX| X| XXXXX | X | X | | X | |",
    "CN": "XXXXXXXX | X | X | | X | | X | |",
    "CO": "XX| X| XXXXX | X | X | | X | |",
    "KM": "XX| X| XXXXX | | X | | X | |",
    "CD": "XX| X| XXXXX | | X | | X | |",
    "CG": "XX| X| XXXXX | | X | | X | |",
}
# Canada: the mirror shows two X ("CanadaX||||| X | | |"), the data none, and which columns
# hold them cannot be read. Kept unverified (every answer a review) until the chart is read.
CONTRADICTED = {"CA": "X||||| X | | |"}


def _marks(country: str, day: dt.date) -> list[bool]:
    row = _row(RULES, country, day)
    return [c in row.marked for c in COLUMNS]


@pytest.mark.parametrize(("country", "runs"), sorted(BIS_RUNS.items()))
def test_a_row_has_the_runs_of_x_the_bis_rendering_shows(country: str, runs: str) -> None:
    line = "".join("X" if m else " " for m in _marks(country, DAY))
    assert " ".join(line.split()) == runs, BIS_URL


@pytest.mark.parametrize(("country", "rendered"), sorted(MIRROR_ROWS.items()))
def test_a_row_has_as_many_x_as_the_ecfr_mirror(country: str, rendered: str) -> None:
    assert sum(_marks(country, MIRROR_DAY)) == rendered.count("X")


@pytest.mark.parametrize(("country", "rendered"), sorted(CONTRADICTED.items()))
def test_a_row_the_text_contradicts_stays_unverified(country: str, rendered: str) -> None:
    assert sum(_marks(country, MIRROR_DAY)) != rendered.count("X")
    row = _row(RULES, country, MIRROR_DAY)
    assert not row.verified
    assert not row.verified_columns
    found = licence_determination(RULES, "5A002", country, MIRROR_DAY)
    assert found.licence is Licence.UNDETERMINED


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
