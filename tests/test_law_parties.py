"""The law as written, party and rule-set half (issue 12): the US-person reach of the OFAC
programmes, the rule set's coverage period, unverified facts both ways, and the dated findings
of the legal review (Syria after 2025, DNR / LNR, North Korea, encryption items, ZTE's 2018
authorisation). Each date is tested the day before, on and after.

Sources: docs/legal/verification-2026-11.md; the rules cite them.
"""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.ruleedit import replace_once
from helpers.strategies import SETTINGS
from screening import Decision, Outcome, RuleError, bundled_rules_dir, load_rules, screen

RULES = load_rules()
CLEAR, REVIEW, BLOCK = Outcome.CLEAR, Outcome.REVIEW, Outcome.BLOCK


def party(role: str, name: str, country: str, **extra: Any) -> dict[str, Any]:
    return {"role": role, "name": name, "country": country, **extra}


def owner(name: str, country: str, share: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "country": country, "share": share, **extra}


CHINESE_GOODS = {
    "description": "base station",
    "eccn": "5A991",
    "origin": "CN",
    "unit_value": "1000",
    "us_content_value": "0",
    # Made without US technology: these tests are about persons, not the foreign direct product
    # rules (tests/test_law_items.py).
    "direct_product_of": [],
}


def to_iran(
    date: str, exporter: dict[str, Any], items: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "id": f"ir-{date}",
        "date": date,
        "destination": "IR",
        "parties": [exporter, party("end_user", "Tehran Mobile Networks", "IR")],
        "items": items or [CHINESE_GOODS],
    }


def subsidiary(*owners: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return party(
        "exporter", "Shenzhen Subsidiary Co.", "CN", us_person=False, owners=list(owners), **extra
    )


def run(transaction: dict[str, Any], rules: Any = RULES) -> Decision:
    return screen(transaction, rules=rules)


def fired(d: Decision) -> set[str]:
    return {h.rule_id for h in d.hits}


def describe(d: Decision) -> str:
    return "\n".join(f"{h.outcome} {h.rule_id}: {h.message}" for h in d.hits)


def only_hit(d: Decision, rule_id: str) -> Any:
    [hit] = [h for h in d.hits if h.rule_id == rule_id]
    return hit


US_PARENT = owner("Acme Holdings Inc.", "US", "100")


# --- US-person reach: Iran -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "outcome"),
    [("2012-10-08", CLEAR), ("2012-10-09", BLOCK), ("2012-10-10", BLOCK), ("2024-05-01", BLOCK)],
)
def test_us_owned_chinese_subsidiary_selling_chinese_goods_to_iran(
    date: str, outcome: Outcome
) -> None:
    """560.215 (from E.O. 13628, Oct. 9, 2012): no US content, not subject to the EAR, still
    a block because a US person owns the seller."""
    d = run(to_iran(date, subsidiary(US_PARENT)))
    assert d.items[0].jurisdiction.value == "not_subject"
    assert d.outcome is outcome, describe(d)
    if outcome is BLOCK:
        hit = only_hit(d, "usp-iran-owned-entities")
        assert "US persons" in hit.message
        assert "100%" in hit.message
        assert "560.215" in hit.citation


def test_not_us_owned_subsidiary_is_clear() -> None:
    d = run(
        to_iran(
            "2024-05-01", subsidiary(owner("Shenzhen Parent Group", "CN", "100", us_person=False))
        )
    )
    assert d.outcome is CLEAR, describe(d)


@pytest.mark.parametrize(
    ("owners", "outcome", "percent"),
    [
        # aggregated: two US persons with 30% and 20%
        ([owner("A Inc.", "US", "30"), owner("B LLC", "US", "20")], BLOCK, "50%"),
        ([owner("A Inc.", "US", "30"), owner("B LLC", "US", "19.99")], REVIEW, "49.99%"),
        # multiplied down the chain: 60% of a holding that holds 90% -> 54%
        (
            [owner("HK Holding", "HK", "90", us_person=False, owners=[owner("A", "US", "60")])],
            BLOCK,
            "54%",
        ),
        # 60% of 60% = 36%: below 50%, but control (board seats, otherwise) is possible
        (
            [owner("HK Holding", "HK", "60", us_person=False, owners=[owner("A", "US", "60")])],
            REVIEW,
            "36%",
        ),
        # a US citizen abroad is a US person
        ([owner("Li Wei", "CN", "51", us_person=True)], BLOCK, "51%"),
        # an owner of unknown status who could tip it over 50%
        ([owner("A Inc.", "US", "30"), owner("Unknown Ltd", "SG", "40")], REVIEW, "30%"),
    ],
)
def test_ownership_is_aggregated_and_multiplied_down_the_chain(
    owners: list[dict[str, Any]], outcome: Outcome, percent: str
) -> None:
    d = run(to_iran("2024-05-01", subsidiary(*owners)))
    hit = only_hit(d, "usp-iran-owned-entities")
    assert hit.outcome is outcome, describe(d)
    assert percent in hit.message


def test_unknown_us_person_status_of_the_exporter_gives_a_review_that_says_so() -> None:
    d = run(to_iran("2024-05-01", party("exporter", "Shenzhen Seller Co.", "CN")))
    assert d.outcome is REVIEW, describe(d)
    hit = only_hit(d, "usp-iran")
    assert "US-person status is not given" in hit.message
    assert "owners are not given" in only_hit(d, "usp-iran-owned-entities").message


def test_unknown_status_of_a_forwarder_is_not_asked_about() -> None:
    transaction = to_iran("2024-05-01", subsidiary())
    transaction["parties"].append(party("forwarder", "Shenzhen Freight", "CN"))
    assert run(transaction).outcome is CLEAR


@pytest.mark.parametrize(
    "exporter",
    [
        party("exporter", "Li Wei", "CN", us_person=True),  # a US citizen in China
        party("exporter", "Acme Inc.", "US"),  # in the US: a US person by default
    ],
)
def test_us_person_selling_foreign_goods_to_iran_is_blocked(exporter: dict[str, Any]) -> None:
    d = run(to_iran("2011-03-01", exporter))
    hit = only_hit(d, "usp-iran") if exporter["country"] != "US" else None
    assert d.outcome is BLOCK, describe(d)
    assert any("is a US person" in h.message for h in d.hits if h.rule_id == "usp-iran")
    assert hit is None or "560.204" in hit.citation


def test_a_us_person_forwarder_is_reached_too() -> None:
    transaction = to_iran("2024-05-01", subsidiary())
    transaction["parties"].append(party("forwarder", "Jane Doe", "AE", us_person=True))
    d = run(transaction)
    assert only_hit(d, "usp-iran").party == "forwarder 'Jane Doe' (AE)"
    assert d.outcome is BLOCK


def test_us_person_declared_false_in_the_us_is_still_an_export_from_the_us() -> None:
    """An export from the United States is reached whoever makes it (560.204)."""
    transaction = to_iran("2024-05-01", subsidiary())
    transaction["ships_from"] = "US"
    d = run(transaction)
    assert any(h.field == "ships_from" and h.outcome is BLOCK for h in d.hits), describe(d)


# --- US-person reach: Cuba, North Korea, Syria ------------------------------------------------


def test_cuba_us_owned_subsidiary_gives_review_while_515_329_is_unverified() -> None:
    t = to_iran("2016-05-02", subsidiary(US_PARENT))
    t["destination"], t["parties"][1] = "CU", party("end_user", "Havana Telecom", "CU")
    d = run(t)
    hit = only_hit(d, "usp-cuba-owned-entities")
    assert hit.outcome is REVIEW
    assert not hit.verified
    assert d.outcome is REVIEW, describe(d)


@pytest.mark.parametrize(
    ("date", "reached"), [("2016-03-14", False), ("2016-03-15", True), ("2016-03-16", True)]
)
def test_north_korea_ofac_export_ban_from_eo_13722(date: str, reached: bool) -> None:
    t = to_iran(date, party("exporter", "Li Wei", "CN", us_person=True))
    t["destination"], t["parties"][1] = "KP", party("end_user", "Pyongyang Trading", "KP")
    d = run(t)
    assert ("usp-north-korea" in fired(d)) is reached, describe(d)


@pytest.mark.parametrize(
    ("date", "ofac", "bis"),
    [
        ("2025-06-30", True, "embargo-syria"),
        ("2025-07-01", False, "embargo-syria"),  # E.O. 14312: OFAC programme ended
        ("2025-07-02", False, "embargo-syria"),
        ("2025-09-01", False, "embargo-syria"),
        ("2025-09-02", False, "embargo-syria-2025-09"),  # 90 FR 42315
        ("2025-09-03", False, "embargo-syria-2025-09"),
        ("2025-10-15", False, "embargo-syria-2025-09"),
    ],
)
def test_syria_stays_a_block_after_the_ofac_programme_ended(
    date: str, ofac: bool, bis: str
) -> None:
    d = run(
        {
            "id": "sy",
            "date": date,
            "destination": "SY",
            "parties": [
                party("exporter", "Acme Inc.", "US"),
                party("end_user", "Damascus Net", "SY"),
            ],
            "items": [
                {"description": "router", "eccn": "5A991", "origin": "US", "unit_value": "100"}
            ],
        }
    )
    assert ("usp-syria" in fired(d)) is ofac, describe(d)
    assert only_hit(d, bis).outcome is BLOCK
    # Syria stays in E:1 (no rescission verified): AT controls block a 5A991 router.
    assert only_hit(d, "licence-at-e1").outcome is BLOCK
    assert d.outcome is BLOCK


# --- DNR / LNR ------------------------------------------------------------------------------


def ukraine(date: str, address: str) -> dict[str, Any]:
    return {
        "id": "ua",
        "date": date,
        "destination": "UA",
        "parties": [
            party("exporter", "Acme Inc.", "US"),
            party("end_user", "Vostok Trade", "UA", address=address),
        ],
        "items": [{"description": "router", "eccn": "5A991", "origin": "US", "unit_value": "100"}],
    }


@pytest.mark.parametrize(
    ("date", "outcome"), [("2022-02-23", REVIEW), ("2022-02-24", BLOCK), ("2022-02-25", BLOCK)]
)
@pytest.mark.parametrize(
    "address",
    [
        "ul. Artema 1, Donetsk, DNR",
        "Luhansk People's Republic, Luhansk",
        "Донецкая Народная Республика, Донецк",
    ],
)
def test_explicit_dnr_lnr_terms_block_from_87_fr_12226(
    date: str, outcome: Outcome, address: str
) -> None:
    d = run(ukraine(date, address))
    assert d.outcome is outcome, describe(d)
    assert ("embargo-dnr-lnr" in fired(d)) is (outcome is BLOCK)


def test_a_bare_donetsk_stays_a_review() -> None:
    d = run(ukraine("2023-05-01", "ul. Artema 1, Donetsk"))
    assert "embargo-dnr-lnr" not in fired(d)
    assert only_hit(d, "embargo-covered-regions-ukraine").outcome is REVIEW
    assert d.outcome is REVIEW, describe(d)


# --- encryption items -------------------------------------------------------------------------


@pytest.mark.parametrize(("destination", "licence"), [("CA", False), ("DE", True), ("US", True)])
@pytest.mark.parametrize("eccn", ["5A002", "5A004"])
def test_ei_controls_reach_every_destination_but_canada(
    destination: str, licence: bool, eccn: str
) -> None:
    d = run(
        {
            "id": "ei",
            "date": "2024-01-10",
            "destination": destination,
            "parties": [
                party("exporter", "Acme Inc.", "US"),
                party("end_user", "Northern Networks", destination),
            ],
            "items": [
                {"description": "firewall", "eccn": eccn, "origin": "US", "unit_value": "900"}
            ],
        }
    )
    assert ("licence-encryption" in fired(d)) is licence, describe(d)


# --- coverage ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "outside"),
    [
        ("2009-12-31", True),
        ("2010-01-01", False),
        ("2025-11-09", False),
        ("2025-11-10", True),
        ("2026-11-25", True),
    ],
)
def test_a_date_outside_the_covered_period_gives_a_review_with_both_dates(
    date: str, outside: bool
) -> None:
    t = to_iran(date, subsidiary())
    t["destination"], t["parties"][1] = "DE", party("end_user", "Muster AG", "DE")
    d = run(t)
    assert ("ruleset.covers" in fired(d)) is outside, describe(d)
    if outside:
        hit = only_hit(d, "ruleset.covers")
        assert "outside the period this rule set covers" in hit.message
        assert "2010-01-01" in hit.message
        assert "2025-11-09" in hit.message
        assert hit.outcome is REVIEW
    else:
        assert d.outcome is CLEAR, describe(d)


def test_screening_as_of_a_day_outside_coverage_reviews() -> None:
    t = to_iran("2020-01-01", subsidiary())
    t["destination"], t["parties"][1] = "DE", party("end_user", "Muster AG", "DE")
    d = screen(t, rules=RULES, as_of=dt.date(2026, 1, 5))
    assert only_hit(d, "ruleset.covers").outcome is REVIEW


# --- unverified facts, both ways --------------------------------------------------------------


@pytest.fixture
def edited(tmp_path: Path) -> Path:
    directory = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), directory)
    return directory


def syria_us_person(date: str) -> dict[str, Any]:
    return {
        "id": "sy",
        "date": date,
        "destination": "SY",
        "parties": [
            party("exporter", "Li Wei", "CN", us_person=True),
            party("end_user", "Damascus Net", "SY"),
        ],
        "items": [CHINESE_GOODS],
    }


@pytest.mark.parametrize("date", ["2025-06-30", "2025-07-01", "2025-10-15"])
def test_an_unverified_end_keeps_a_block_as_last_verified(edited: Path, date: str) -> None:
    replace_once(
        edited / "us-persons.yaml",
        "    to: 2025-06-30\n",
        "    to: 2025-06-30\n    to_verified: false\n",
    )
    d = run(syria_us_person(date), load_rules(edited))
    hit = only_hit(d, "usp-syria")
    assert hit.outcome is BLOCK
    kept = any("Kept in force after 2025-06-30" in n for n in hit.notes)
    assert kept is (date != "2025-06-30")
    # with the end verified (the bundled rules), the OFAC block ends on July 1, 2025
    assert ("usp-syria" in fired(run(syria_us_person(date)))) is (date == "2025-06-30")


def test_an_unverified_end_of_a_group_membership_keeps_it(edited: Path) -> None:
    replace_once(
        edited / "country-groups.yaml",
        "      - country: SD\n        to: 2021-01-13\n",
        "      - country: SD\n        to: 2021-01-13\n        to_verified: false\n",
    )
    t = {
        "id": "sd",
        "date": "2022-01-10",
        "destination": "SD",
        "parties": [party("exporter", "Acme Inc.", "US"), party("end_user", "Khartoum Net", "SD")],
        "items": [{"description": "router", "eccn": "5A991", "origin": "US", "unit_value": "100"}],
    }
    assert "licence-at-e1" not in fired(run(t))
    assert only_hit(run(t, load_rules(edited)), "licence-at-e1").outcome is BLOCK


def test_an_unverified_licence_end_never_extends_the_relaxation(edited: Path) -> None:
    replace_once(
        edited / "general-licences.yaml",
        "    to: 2017-03-29\n",
        "    to: 2017-03-29\n    to_verified: false\n",
    )
    rules = load_rules(edited)
    licence = rules["tgl-zte-2016-ext4"]
    assert licence.in_force(dt.date(2017, 3, 29))
    assert not licence.in_force(dt.date(2017, 3, 30))


def test_to_verified_false_needs_a_to(edited: Path) -> None:
    replace_once(
        edited / "embargoes.yaml",
        "    countries: [CU]\n",
        "    countries: [CU]\n    to_verified: false\n",
    )
    with pytest.raises(RuleError, match="'to_verified: false' needs a 'to' date"):
        load_rules(edited)


# --- ZTE's limited authorisation of July 2, 2018 -----------------------------------------------


def zte_buyer(date: str, end_use: str | None, destination: str = "CN") -> dict[str, Any]:
    t: dict[str, Any] = {
        "id": "zte",
        "date": date,
        "destination": destination,
        "parties": [
            party("exporter", "Example Modules Ltd.", "TW", us_person=False, owners=[]),
            party("buyer", "ZTE Corporation", "CN"),
        ],
        "items": [
            {"description": "baseband modules", "eccn": "5A991", "origin": "US", "unit_value": "50"}
        ],
    }
    if end_use is not None:
        t["end_use"] = end_use
    return t


@pytest.mark.parametrize(
    ("date", "end_use", "outcome"),
    [
        ("2018-07-01", "maintenance of existing networks", BLOCK),  # day before
        ("2018-07-02", "maintenance of existing networks", REVIEW),
        ("2018-07-03", "support of existing handsets", REVIEW),
        ("2018-07-12", "maintenance of existing networks", REVIEW),  # last day of the order
        ("2018-07-03", "new 5G network build-out", BLOCK),  # not an activity it covers
        ("2018-07-03", None, BLOCK),  # unknown end use: not assumed covered
    ],
)
def test_zte_2018_authorisation_covers_only_its_activities(
    date: str, end_use: str | None, outcome: Outcome
) -> None:
    d = run(zte_buyer(date, end_use))
    assert d.outcome is outcome, describe(d)
    assert ("auth-zte-2018-07" in fired(d)) is (outcome is REVIEW)


def test_zte_2018_authorisation_excludes_country_group_e() -> None:
    t = zte_buyer("2018-07-03", "maintenance of existing networks")
    t["parties"].append(party("end_user", "Tehran Mobile Networks", "IR"))
    d = run(t)
    hit = only_hit(d, "do-zte-corporation")
    assert hit.outcome is BLOCK
    assert any("excludes" in n for n in hit.notes)


# --- properties -------------------------------------------------------------------------------


shares = st.integers(min_value=1, max_value=100).map(Decimal)


@SETTINGS
@given(us=st.lists(shares, max_size=3), other=st.lists(shares, max_size=3))
def test_owned_iff_us_shares_reach_half(us: list[Decimal], other: list[Decimal]) -> None:
    """Block exactly when US persons' shares add up to 50% or more; any US share below that is
    a review; none is clear (owners of known non-US status)."""
    total = sum(us + other, Decimal(0))
    if total > 100:
        return
    owners = [owner(f"US {i}", "US", str(s)) for i, s in enumerate(us)]
    owners += [owner(f"CN {i}", "CN", str(s), us_person=False) for i, s in enumerate(other)]
    d = run(to_iran("2024-05-01", subsidiary(*owners)))
    held = sum(us, Decimal(0))
    expected = BLOCK if held >= 50 else REVIEW if held > 0 else CLEAR
    assert d.outcome is expected, describe(d)


@SETTINGS
@given(share=st.integers(min_value=1, max_value=99), more=st.integers(min_value=1, max_value=99))
def test_more_us_ownership_never_lowers_the_outcome(share: int, more: int) -> None:
    low = run(to_iran("2024-05-01", subsidiary(owner("A", "US", str(min(share, more))))))
    high = run(to_iran("2024-05-01", subsidiary(owner("A", "US", str(max(share, more))))))
    assert high.outcome.rank >= low.outcome.rank


def test_owner_shares_above_100_percent_are_an_error() -> None:
    from screening import TransactionError

    with pytest.raises(TransactionError, match="more than 100%"):
        run(to_iran("2024-05-01", subsidiary(owner("A", "US", "60"), owner("B", "CN", "50"))))
