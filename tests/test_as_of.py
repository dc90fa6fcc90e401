"""As-of evaluation: the rules as they stood on a day, the day before, on and after each boundary.

tests/test_engine.py pins the day before and the first day of most windows; this module adds
the day after each boundary, every hand-over between the temporary general licence and its
extensions, and as-of handling in replay and on the command line. Dates from
shared/facts/zte-and-export-rules.md (§1-§3, §5, §8, §9).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.clirun import cli
from helpers.strategies import SETTINGS, transactions
from screening import Jurisdiction, Outcome, diff_decisions, load_rules, screen
from screening.authoring import replay

RULES = load_rules()
CLEAR, REVIEW, BLOCK = Outcome.CLEAR, Outcome.REVIEW, Outcome.BLOCK

US_EXPORTER = {"role": "exporter", "name": "Acme Inc", "country": "US"}
CN_EXPORTER = {"role": "exporter", "name": "Shenzhen Bright Future Electronics", "country": "CN"}
ROUTER = {"description": "router", "eccn": "5A991", "origin": "US", "unit_value": "100"}


def tx(date: str, destination: str, parties: list[dict[str, Any]], items: Any = None) -> dict:
    return {
        "id": f"as-of-{destination}-{date}",
        "date": date,
        "destination": destination,
        "parties": parties,
        "items": items or [ROUTER],
    }


def eight_star(date: str) -> dict[str, Any]:
    end_user = {"role": "end_user", "name": "Beijing 8-Star International Co.", "country": "CN"}
    return tx(date, "CN", [US_EXPORTER, end_user])


def zte_consignee(date: str) -> dict[str, Any]:
    return tx(
        date,
        "CN",
        [
            US_EXPORTER,
            {"role": "consignee", "name": "ZTE Corporation", "country": "CN"},
            {"role": "end_user", "name": "China Unicom", "country": "CN"},
        ],
    )


def zte_payer(date: str) -> dict[str, Any]:
    """ZTE only as the payer: the denial order reaches it, the Entity List entry barely."""
    return tx(
        date,
        "CN",
        [
            US_EXPORTER,
            {"role": "payer", "name": "ZTE Corporation", "country": "CN"},
            {"role": "end_user", "name": "China Unicom", "country": "CN"},
        ],
    )


def shi_lirong(date: str) -> dict[str, Any]:
    return tx(
        date, "CN", [US_EXPORTER, {"role": "end_user", "name": "SHI, Lirong", "country": "CN"}]
    )


def sudan_chairs(date: str) -> dict[str, Any]:
    chairs = [{"description": "office chairs", "eccn": "EAR99", "origin": "US", "unit_value": "9"}]
    end_user = {"role": "end_user", "name": "Khartoum Trading", "country": "SD"}
    return tx(date, "SD", [US_EXPORTER, end_user], chairs)


def foreign_15pct(destination: str, end_user: str) -> Any:
    def build(date: str) -> dict[str, Any]:
        item = {
            "description": "server",
            "eccn": "EAR99",
            "origin": "CN",
            "unit_value": "100",
            "us_content_value": "15",
            "direct_product_of": [],  # known: no FDP rule reaches it; de minimis decides
        }
        party = {"role": "end_user", "name": end_user, "country": destination}
        return tx(date, destination, [CN_EXPORTER, party], [item])

    return build


cuba_15pct = foreign_15pct("CU", "Havana Trading S.A.")
sudan_15pct = foreign_15pct("SD", "Khartoum Trading")


def fired(transaction: dict[str, Any]) -> tuple[Outcome, set[str]]:
    d = screen(transaction, rules=RULES)
    return d.outcome, {h.rule_id for h in d.hits}


TGL = "tgl-zte-2016"
EXT = [f"tgl-zte-2016-ext{i}" for i in range(1, 5)]
LICENCES = {TGL, *EXT}
EL_ZTE = "el-zte-corporation"
SUDAN, SUDAN_GL = "usp-sudan", "usp-sudan-general-licence"


def only(*licences: str) -> tuple[set[str], set[str]]:
    """These licences fire, and no other."""
    return set(licences), LICENCES - set(licences)


ZTE = zte_consignee

# (boundary, builder, day, outcome, (rules that must fire, rules that must not))
EDGES: list[tuple[str, Any, str, Outcome, tuple[set[str], set[str]]]] = [
    # Entity List addition, 81 FR 12004, effective 2016-03-08 (before and on: test_engine)
    ("EL addition, day after", eight_star, "2016-03-09", BLOCK, ({"el-beijing-8-star"}, set())),
    # Temporary general licence from 2016-03-24 (81 FR 15633)
    ("TGL start, day after", ZTE, "2016-03-25", REVIEW, ({EL_ZTE, TGL}, set(EXT))),
    # TGL (to 2016-06-30) hands over to the first extension (from 2016-07-01)
    ("TGL last day", ZTE, "2016-06-30", REVIEW, only(TGL)),
    ("ext. 1 first day", ZTE, "2016-07-01", REVIEW, only(EXT[0])),
    ("ext. 1 second day", ZTE, "2016-07-02", REVIEW, only(EXT[0])),
    # first extension (to 2016-08-30) hands over to the second (from 2016-08-31)
    ("ext. 1 last day", ZTE, "2016-08-30", REVIEW, only(EXT[0])),
    ("ext. 2 first day", ZTE, "2016-08-31", REVIEW, only(EXT[1])),
    ("ext. 2 second day", ZTE, "2016-09-01", REVIEW, only(EXT[1])),
    # the third extension, published 2016-11-18, overlaps the second (to 2016-11-27)
    ("day before ext. 3", ZTE, "2016-11-17", REVIEW, only(EXT[1])),
    ("ext. 3 first day", ZTE, "2016-11-18", REVIEW, only(EXT[1], EXT[2])),
    ("ext. 3 second day", ZTE, "2016-11-19", REVIEW, only(EXT[1], EXT[2])),
    ("ext. 2 last day", ZTE, "2016-11-27", REVIEW, only(EXT[1], EXT[2])),
    ("ext. 2 over", ZTE, "2016-11-28", REVIEW, only(EXT[2])),
    ("ext. 2 over, day after", ZTE, "2016-11-29", REVIEW, only(EXT[2])),
    # the fourth extension, published 2017-02-24, overlaps the third (to 2017-02-27)
    ("day before ext. 4", ZTE, "2017-02-23", REVIEW, only(EXT[2])),
    ("ext. 4 first day", ZTE, "2017-02-24", REVIEW, only(EXT[2], EXT[3])),
    ("ext. 3 last day", ZTE, "2017-02-27", REVIEW, only(EXT[2], EXT[3])),
    ("ext. 3 over", ZTE, "2017-02-28", REVIEW, only(EXT[3])),
    # removal from the Entity List, 82 FR 15458, effective 2017-03-29 (ext. 4 ran to that day)
    ("last listed day", ZTE, "2017-03-28", REVIEW, ({EL_ZTE, EXT[3]}, set())),
    ("removal day", ZTE, "2017-03-29", CLEAR, (set(), {EL_ZTE, *LICENCES})),
    ("removal, day after", ZTE, "2017-03-30", CLEAR, (set(), {EL_ZTE, *LICENCES})),
    # Shi Lirong added 2017-03-29 (before and on: test_engine)
    ("Shi Lirong, day after", shi_lirong, "2017-03-30", BLOCK, ({"el-shi-lirong"}, set())),
    # denial order 2018-04-15 (ZTE as payer: only the denial order reaches that role)
    ("denial, day before", zte_payer, "2018-04-14", CLEAR, (set(), {"do-zte-corporation"})),
    ("denial, first day", zte_payer, "2018-04-15", BLOCK, ({"do-zte-corporation"}, set())),
    ("denial, day after", zte_payer, "2018-04-16", BLOCK, ({"do-zte-corporation"}, set())),
    # ... terminated 2018-07-13 (83 FR 34825)
    ("denial, last day", zte_payer, "2018-07-12", BLOCK, ({"do-zte-corporation"}, set())),
    ("termination day", zte_payer, "2018-07-13", CLEAR, (set(), {"do-zte-corporation"})),
    ("termination, day after", zte_payer, "2018-07-14", CLEAR, (set(), {"do-zte-corporation"})),
    # Sudan: sanctions to 2017-01-16, General License 538.540 from 2017-01-17, revoked 2017-10-12
    ("Sudan GL, day after", sudan_chairs, "2017-01-18", REVIEW, ({SUDAN_GL}, {SUDAN})),
    ("Sudan GL, last day", sudan_chairs, "2017-10-11", REVIEW, ({SUDAN_GL}, {SUDAN})),
    ("Sudan revoked, day after", sudan_chairs, "2017-10-13", CLEAR, (set(), {SUDAN, SUDAN_GL})),
]


@pytest.mark.parametrize(
    ("build", "day", "outcome", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in EDGES],
)
def test_window_edges(
    build: Any, day: str, outcome: Outcome, expected: tuple[set[str], set[str]]
) -> None:
    present, absent = expected
    got, rules = fired(build(day))
    assert got is outcome, (got, sorted(rules))
    assert present <= rules, sorted(rules)
    assert not (absent & rules), sorted(rules)


@pytest.mark.parametrize(
    ("build", "day", "level"),
    [
        # Cuba left E:1 on 2015-07-22 (80 FR 43314): 10% through the 21st, 25% from the 22nd
        (cuba_15pct, "2015-07-21", 10),
        (cuba_15pct, "2015-07-22", 25),
        (cuba_15pct, "2015-07-23", 25),
        # Sudan left E:1 on 2021-01-14 (FR Doc 2020-29037)
        (sudan_15pct, "2021-01-13", 10),
        (sudan_15pct, "2021-01-14", 25),
        (sudan_15pct, "2021-01-15", 25),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_e1_exit_edges_move_the_de_minimis_level(build: Any, day: str, level: int) -> None:
    d = screen(build(day), rules=RULES)
    [status] = d.items
    assert status.de_minimis_percent == level, status.reason
    subject = Jurisdiction.SUBJECT if level == 10 else Jurisdiction.NOT_SUBJECT
    assert status.jurisdiction is subject, status.reason


def test_a_week_before_the_tgl_differs_from_inside_it() -> None:
    """The issue's example: the same transaction a week before the TGL and inside it."""
    transaction = zte_consignee("2016-06-15")
    before = screen(transaction, rules=RULES, as_of=dt.date(2016, 3, 17))
    inside = screen(transaction, rules=RULES, as_of=dt.date(2016, 3, 24))
    assert (before.outcome, inside.outcome) == (BLOCK, REVIEW)
    assert TGL not in {h.rule_id for h in before.hits}
    assert TGL in {h.rule_id for h in inside.hits}


@SETTINGS
@given(transactions(), st.dates(dt.date(2009, 1, 1), dt.date(2026, 12, 31)))
def test_as_of_is_the_same_as_dating_the_transaction_that_day(
    transaction: dict[str, Any], day: dt.date
) -> None:
    """The transaction's own date only picks the default as-of day; nothing else reads it."""
    as_of = screen(transaction, rules=RULES, as_of=day)
    redated = screen({**transaction, "date": day.isoformat()}, rules=RULES)
    assert as_of == redated


# --- as-of in replay and on the command line ----------------------------------------------------


def scenario(as_of: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "title": "Beijing 8-Star, screened on another day",
        "expect": {"outcome": "block", "rules": ["el-beijing-8-star"]},
        "transaction": eight_star("2016-03-07"),
    }
    if as_of is not None:
        out["as_of"] = as_of
    return out


def test_replay_screens_a_scenario_as_of_its_as_of(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(scenario("2016-03-08")), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps(scenario(None)), encoding="utf-8")
    a, b = replay(tmp_path, RULES)
    assert a.decision.as_of == dt.date(2016, 3, 8)
    assert a.ok
    assert b.decision.as_of == dt.date(2016, 3, 7)  # its transaction's date
    assert b.decision.outcome is CLEAR
    assert not b.ok


def test_screen_honours_a_scenario_files_as_of_and_as_of_overrides_it(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(scenario("2016-03-08")), encoding="utf-8")
    rc, out = cli("screen", "--json", path)
    assert (rc, json.loads(out)["as_of"]) == (2, "2016-03-08")
    rc, out = cli("screen", "--json", "--as-of", "2016-03-07", path)
    assert (rc, json.loads(out)["as_of"]) == (0, "2016-03-07")


def test_screen_rejects_a_scenario_with_a_malformed_as_of(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(scenario("2016-13-01")), encoding="utf-8")
    rc, out = cli("screen", path)
    assert (rc, out) == (3, "")
    err = capsys.readouterr().err
    assert "s.json" in err
    assert "as_of" in err


@given(st.dates(dt.date(2016, 3, 1), dt.date(2017, 4, 30)))
@SETTINGS
def test_explain_between_two_days_matches_two_screenings(day: dt.date) -> None:
    """`explain --as-of A --as-of B` reports exactly the rule ids that differ."""
    transaction = zte_consignee("2016-03-01")
    a = dt.date(2016, 3, 23)
    before = {h.rule_id for h in screen(transaction, rules=RULES, as_of=a).hits}
    after = {h.rule_id for h in screen(transaction, rules=RULES, as_of=day).hits}
    diff = diff_decisions(
        screen(transaction, rules=RULES, as_of=a), screen(transaction, rules=RULES, as_of=day)
    )
    assert {h.rule_id for h in diff.appeared} == after - before
    assert {h.rule_id for h in diff.disappeared} == before - after
