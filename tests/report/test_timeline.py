"""The timeline of a case, derived from the rules alone: the ZTE case's listings, the relay of
temporary general licences, milestones and dated rule changes, and a timeline that follows
the rule files when they are edited."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.ruleedit import replace_once
from helpers.strategies import SETTINGS
from screening import bundled_rules_dir, load_rules
from screening.report import case_timeline
from screening.report._timeline import Event, Lane, Timeline

RULES = load_rules()
D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def timeline() -> Timeline:
    return case_timeline(RULES)


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), target)
    return target


def lane_of(timeline: Timeline, entity_id: str) -> Lane:
    (lane,) = [lane for lane in timeline.lanes if entity_id in lane.entity_ids]
    return lane


def test_parties_with_the_same_windows_share_a_lane(timeline: Timeline) -> None:
    """ZTE and ZTE Kangxun were listed, relaxed, removed and denied together (81 FR 12004,
    82 FR 15458, the 2018 denial order); Beijing 8-Star and ZTE Parsian stayed listed."""
    zte = lane_of(timeline, "zte-corporation")
    assert zte.entity_ids == ("zte-corporation", "zte-kangxun")
    assert zte.title == "ZTE Corporation · ZTE Kangxun Telecommunications Ltd."
    star = lane_of(timeline, "beijing-8-star")
    assert "zte-parsian" in star.entity_ids
    assert star is not zte


def test_listing_windows_are_the_listings_dates(timeline: Timeline) -> None:
    zte = lane_of(timeline, "zte-corporation")
    windows = [(s.list, s.start, s.end) for s in zte.spans if s.kind == "listing"]
    assert windows == [
        ("Entity List", D("2016-03-08"), D("2017-03-28")),
        ("Denied Persons List", D("2018-04-15"), D("2018-07-12")),
    ]
    assert all(s.row == 0 for s in zte.spans if s.kind == "listing")
    el = zte.spans[0]
    assert el.rule_ids == ("el-zte-corporation", "el-zte-kangxun")
    assert el.citation == RULES["el-zte-corporation"].citation


def test_general_licences_relay_on_alternating_rows(timeline: Timeline) -> None:
    zte = lane_of(timeline, "zte-corporation")
    licences = [s for s in zte.spans if s.kind == "general_licence"]
    assert [s.rule_ids[0] for s in licences] == [
        "tgl-zte-2016", "tgl-zte-2016-ext1", "tgl-zte-2016-ext2", "tgl-zte-2016-ext3",
        "tgl-zte-2016-ext4", "auth-zte-2018-07",
    ]  # fmt: skip
    # The 2018 authorisation starts long after the TGL ended: a licence of its own.
    assert [s.label for s in licences] == [
        "licence", "ext. 1", "ext. 2", "ext. 3", "ext. 4", "licence",
    ]  # fmt: skip
    assert [s.row for s in licences] == [1, 2, 1, 2, 1, 2]
    assert zte.rows == 3
    for span in licences:
        licence = RULES[span.rule_ids[0]]
        assert (span.start, span.end, span.citation) == (
            licence.start,
            licence.end,
            licence.citation,
        )
    # Beijing 8-Star and ZTE Parsian were not covered by the licence: no licence row.
    assert lane_of(timeline, "beijing-8-star").rows == 1


def test_events_are_dated_and_ordered(timeline: Timeline) -> None:
    days = [e.day for e in timeline.events]
    assert days == sorted(days)
    by_label = {(e.day, e.label): e for e in timeline.events}
    added = by_label[(D("2016-03-08"), "Entity List addition")]
    assert added.kind == "listing"
    assert set(added.rule_ids) == {
        "el-zte-corporation", "el-zte-kangxun", "el-beijing-8-star", "el-zte-parsian",
    }  # fmt: skip
    assert added.source == RULES.source("el-zte-corporation")
    # A removal is dated the day after the last day listed.
    removed = by_label[(D("2017-03-29"), "Entity List removal")]
    assert removed.kind == "removal"
    assert "last day listed 2017-03-28" in removed.detail
    assert by_label[(D("2018-04-15"), "Denial order")].kind == "listing"
    assert by_label[(D("2018-07-13"), "Denial order terminated")].kind == "removal"


def test_on_one_day_a_removal_comes_before_a_listing(timeline: Timeline) -> None:
    """2017-03-29: ZTE off the Entity List, Shi Lirong on it (82 FR 15458)."""
    same_day = [e for e in timeline.events if e.day == D("2017-03-29")]
    assert [e.kind for e in same_day] == ["removal", "listing"]
    assert same_day[1].rule_ids == ("el-shi-lirong",)


def test_the_window_spans_the_listings(timeline: Timeline) -> None:
    """From the 2016 Entity List additions to the Far East Cable charging letter (2022-07-29)."""
    assert timeline.window == (D("2016-03-08"), D("2022-07-29"))
    assert case_timeline(RULES, milestones=[]).window == timeline.window


def test_milestones_join_the_events_in_order(timeline: Timeline) -> None:
    plea = Event(
        day=D("2017-03-07"),
        label="Plea agreement",
        detail="ZTE pleads guilty and agrees to pay $1.19 billion.",
        kind="milestone",
        source="facts/zte-and-export-rules.md",
    )
    with_plea = case_timeline(RULES, milestones=[plea])
    assert plea in with_plea.events
    before = [e for e in with_plea.events if e.day < plea.day]
    after = [e for e in with_plea.events if e.day > plea.day]
    assert with_plea.events.index(plea) == len(before)
    assert len(before) + len(after) + 1 == len(with_plea.events) == len(timeline.events) + 1


def test_a_milestone_repeated_is_shown_once() -> None:
    plea = Event(D("2017-03-07"), "Plea", "ZTE pleads guilty.", "milestone", "facts")
    assert case_timeline(RULES, milestones=[plea, plea]).events.count(plea) == 1


def test_dated_rules_behind_a_decision_are_events() -> None:
    """Syria's 746.9 as it stood ended on 2025-09-01 (90 FR 42315 amended it): an event the
    day after, when asked."""
    quiet = case_timeline(RULES)
    asked = case_timeline(RULES, rule_ids=["embargo-syria", "no-such-rule"])
    new = [e for e in asked.events if e not in quiet.events]
    assert [(e.day, e.kind, e.rule_ids) for e in new] == [
        (D("2025-09-02"), "rule", ("embargo-syria",))
    ]
    assert new[0].label == "Syria export controls: end"
    assert "last day in force 2025-09-01" in new[0].detail
    assert new[0].source == RULES.source("embargo-syria")


def test_listings_and_licences_asked_for_are_not_repeated() -> None:
    quiet = case_timeline(RULES)
    asked = case_timeline(RULES, rule_ids=["el-zte-corporation", "tgl-zte-2016"])
    assert asked == quiet


def test_the_timeline_follows_the_listing_dates(rules_dir: Path) -> None:
    replace_once(rules_dir / "listings.yaml", "to: 2017-03-28", "to: 2017-06-30")
    replace_once(rules_dir / "listings.yaml", "to: 2017-03-28", "to: 2017-06-30")
    timeline = case_timeline(load_rules(rules_dir))
    zte = lane_of(timeline, "zte-corporation")
    assert zte.spans[0].end == D("2017-06-30")
    removals = [e for e in timeline.events if e.label == "Entity List removal"]
    assert [e.day for e in removals] == [D("2017-07-01")]


def test_a_party_listed_apart_gets_its_own_lane(rules_dir: Path) -> None:
    """Kangxun removed a day earlier than ZTE: the two windows differ, so two lanes."""
    text = (rules_dir / "listings.yaml").read_text("utf-8")
    start = text.index("  - id: el-zte-kangxun")
    edited = text[:start] + text[start:].replace("to: 2017-03-28", "to: 2017-03-27", 1)
    (rules_dir / "listings.yaml").write_text(edited, "utf-8")
    timeline = case_timeline(load_rules(rules_dir))
    assert lane_of(timeline, "zte-corporation") != lane_of(timeline, "zte-kangxun")
    removals = [e.day for e in timeline.events if e.label == "Entity List removal"]
    assert removals == [D("2017-03-28"), D("2017-03-29")]


def test_no_dated_listings_no_lanes(rules_dir: Path) -> None:
    for name in ("listings.yaml", "general-licences.yaml"):
        path = rules_dir / name
        text = path.read_text("utf-8")
        path.write_text(text[: text.index("rules:")] + "rules: []\n", "utf-8")
    (rules_dir / "parties.yaml").write_text("rules: []\n", "utf-8")
    timeline = case_timeline(load_rules(rules_dir))
    assert timeline.lanes == ()
    assert all(e.kind not in ("listing", "removal", "licence") for e in timeline.events)


@SETTINGS
@given(rule_ids=st.lists(st.sampled_from(sorted(r.id for r in RULES)), max_size=12))
def test_any_rules_asked_for_keep_the_events_ordered_and_unique(rule_ids: list[str]) -> None:
    timeline = case_timeline(RULES, rule_ids=rule_ids)
    keys = [(e.day, e.detail) for e in timeline.events]
    assert len(keys) == len(set(keys))
    assert [e.day for e in timeline.events] == sorted(e.day for e in timeline.events)
    for event in timeline.events:
        for rule_id in event.rule_ids:
            assert rule_id in RULES
