"""Beyond the name (issue 15): a party's date of birth and identifiers against a list entry's.

A matching identifier makes a name match a match; a conflicting date of birth or identifier
lowers the score (never below a review: fail closed); missing ones change nothing; each is
explained in the hit's evidence.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.listdata import SDN, row, write_csl
from helpers.strategies import SETTINGS
from screening import Outcome, RuleSet, TransactionError, load_rules, screen
from screening.lists import read_list
from screening.names import compare_dob, compare_identifiers

LISTED = "HAMIEAH, Jamil"
CLOSE = "Jamel Hamiea"  # two typing errors: a possible match, not a match


@lru_cache(maxsize=1)
def _rules(folder: str) -> RuleSet:
    path = write_csl(
        Path(folder) / "sdn.csv",
        [
            row(
                SDN,
                LISTED,
                _id="6862",
                type="Individual",
                programs="SDGT",
                dates_of_birth="1962-05-12; 1963",
                ids="LB, LR0162690, Passport; LB, 3864865468, Identification Number",
                addresses="Beirut, LB",
            )
        ],
    )
    return load_rules(lists=[path])


@pytest.fixture
def rules(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    return _rules(str(tmp_path_factory.mktemp("lists")))


def _tx(name: str, **party: Any) -> dict[str, Any]:
    return {
        "id": "t1",
        "date": "2026-11-25",
        "parties": [{"role": "buyer", "name": name, "country": "LB", **party}],
        "items": [{"description": "router", "eccn": "5A991", "origin": "US"}],
        "destination": "LB",
    }


def _hit(rules: RuleSet, name: str, **party: Any):  # type: ignore[no-untyped-def]
    decision = screen(_tx(name, **party), rules=rules)
    hits = [h for h in decision.hits if h.list_entry == "6862"]
    assert hits, decision.hits
    return hits[0]


def test_the_list_entrys_dates_and_identifiers_are_read(tmp_path: Path) -> None:
    listed = read_list(
        write_csl(
            tmp_path / "csl.csv",
            [
                row(
                    SDN,
                    LISTED,
                    _id="1",
                    dates_of_birth="circa 1979 to 1982; 1960",
                    ids="GT, 557109K, NIT #; Male, Gender",
                )
            ],
        )
    )
    entry = listed.entries[0]
    assert entry.birth_dates == ("1979..1982", "1960")
    assert entry.identifiers == ("NIT # 557109K (GT)",)


def test_missing_evidence_changes_nothing(rules: RuleSet) -> None:
    plain = _hit(rules, CLOSE)
    assert plain.score < rules.matching.match
    assert plain.outcome is Outcome.REVIEW
    assert not any("identifier" in e or "date of birth" in e for e in plain.evidence)


def test_a_matching_identifier_makes_a_possible_match_a_match(rules: RuleSet) -> None:
    hit = _hit(rules, CLOSE, identifiers=[{"type": "Passport", "value": "LR 0162690"}])
    assert hit.outcome is Outcome.BLOCK
    assert any("LR 0162690" in e and "on the list entry" in e for e in hit.evidence)


def test_a_conflicting_date_of_birth_lowers_the_score_but_keeps_a_review(rules: RuleSet) -> None:
    exact = _hit(rules, LISTED)
    assert exact.outcome is Outcome.BLOCK
    other = _hit(rules, LISTED, dob="1975-01-02")
    assert other.score < exact.score
    assert other.outcome is Outcome.REVIEW
    assert any("date of birth 1975-01-02 differs" in e for e in other.evidence)


def test_an_agreeing_year_of_birth_is_said_and_changes_no_score(rules: RuleSet) -> None:
    hit = _hit(rules, LISTED, dob=1963)
    assert hit.score == _hit(rules, LISTED).score
    assert any("agrees" in e for e in hit.evidence)


def test_a_conflicting_identifier_of_the_same_kind_lowers_the_score(rules: RuleSet) -> None:
    hit = _hit(rules, LISTED, identifiers=[{"type": "Passport No.", "value": "X9999999"}])
    assert hit.score < 1.0
    assert any("identifier differs" in e for e in hit.evidence)


def test_an_identifier_of_another_kind_says_nothing(rules: RuleSet) -> None:
    hit = _hit(rules, LISTED, identifiers=[{"type": "IMO", "value": "9187629"}])
    assert hit.score == 1.0


@pytest.mark.parametrize(
    ("party", "field"),
    [
        ({"dob": "someday"}, "dob"),
        ({"dob": 12}, "dob"),
        ({"identifiers": [{"type": "Passport"}]}, "value"),
        ({"identifiers": [{"type": "P", "value": "x" * 101}]}, "value"),
        ({"identifiers": [{"type": "P", "value": str(i)} for i in range(21)]}, "identifiers"),
    ],
)
def test_bad_dates_and_identifiers_are_refused_naming_the_field(
    rules: RuleSet, party: dict[str, Any], field: str
) -> None:
    with pytest.raises(TransactionError, match=field):
        screen(_tx(LISTED, **party), rules=rules)


def test_a_year_is_a_year_not_seconds_since_1970(rules: RuleSet) -> None:
    from screening import parse_transaction

    assert parse_transaction(_tx(LISTED, dob=1962)).parties[0].dob == 1962
    assert parse_transaction(_tx(LISTED, dob="1962")).parties[0].dob == 1962
    assert parse_transaction(_tx(LISTED, dob="1962-05-12")).parties[0].dob == dt.date(1962, 5, 12)


@SETTINGS
@given(st.integers(1800, 2100), st.integers(1800, 2100))
def test_a_year_agrees_with_exactly_the_years_around_it(year: int, listed: int) -> None:
    ev = compare_dob(year, (str(listed),))
    assert (ev.verdict == "match") == (year == listed)
    assert ev.factor == 1.0 if ev.verdict == "match" else ev.factor < 1.0


@SETTINGS
@given(st.text(alphabet="ABCDEF0123456789", min_size=5, max_size=12))
def test_an_identifier_is_found_however_it_is_spaced(value: str) -> None:
    spaced = " ".join([value[:2], value[2:]])
    ev = compare_identifiers((("Passport", spaced),), (f"Passport {value} (LB)",))
    assert ev.verdict == "match"
    assert compare_identifiers((), (f"Passport {value}",)).verdict == "none"
