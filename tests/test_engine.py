"""Screening decisions, rule kind by rule kind, against the bundled ZTE rule set.

Dates and facts: shared/facts/zte-and-export-rules.md (Entity List addition 2016-03-08, TGL from
2016-03-24, removal 2017-03-29, denial order 2018-04-15 to 2018-07-12, Sudan general licence
2017-01-17, Cuba out of E:1 from 2015-07-22 and back to 10% from Oct. 2019, Sudan out of E:1
from 2021-01-14).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.strategies import ROLES, SETTINGS, dates, money, transactions
from screening import Decision, Hit, Jurisdiction, Outcome, bundled_rules_dir, load_rules, screen

RULES = load_rules()

CLEAR, REVIEW, BLOCK = Outcome.CLEAR, Outcome.REVIEW, Outcome.BLOCK


# --- building transactions ---------------------------------------------------------------------


def party(role: str, name: str, country: str, **extra: Any) -> dict[str, Any]:
    return {"role": role, "name": name, "country": country, **extra}


def item(**extra: Any) -> dict[str, Any]:
    """A US-origin router (5A991, AT only) unless told otherwise."""
    out: dict[str, Any] = {
        "description": "router",
        "eccn": "5A991",
        "origin": "US",
        "unit_value": "100",
    }
    out.update(extra)
    return {k: v for k, v in out.items() if v is not None}


def foreign(us_content: str, unit_value: str = "100", origin: str = "CN", **extra: Any) -> dict:
    """A foreign-made item known not to be a foreign direct product (``direct_product_of: []``),
    so that only de minimis decides; tests of the FDP rules give it themselves."""
    extra.setdefault("direct_product_of", [])
    return item(origin=origin, unit_value=unit_value, us_content_value=us_content, **extra)


US_EXPORTER = party("exporter", "Acme Inc", "US")
CN_EXPORTER = party(
    "exporter", "Shenzhen Bright Future Electronics Co. Ltd.", "CN", us_person=False, owners=[]
)
"""A Chinese exporter known not to be a US person nor owned by one (US-person reach aside)."""
US_PARENT = {"name": "Acme Holdings Inc.", "country": "US", "share": 100}


def tx(
    date: str,
    destination: str,
    parties: list[dict[str, Any]],
    items: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": f"{destination.lower()}-{date}",
        "date": date,
        "destination": destination,
        "parties": parties,
        "items": items or [item()],
        **extra,
    }


def run(transaction: dict[str, Any], as_of: dt.date | None = None) -> Decision:
    return screen(transaction, rules=RULES, as_of=as_of)


def fired(decision: Decision) -> set[str]:
    return {h.rule_id for h in decision.hits}


def hits_of(decision: Decision, rule_id: str) -> list[Hit]:
    return [h for h in decision.hits if h.rule_id == rule_id]


def describe(decision: Decision) -> str:
    return f"{decision.outcome.value}: " + ", ".join(
        f"{h.rule_id}={h.outcome.value}" for h in decision.hits
    )


# --- the ZTE parties -----------------------------------------------------------------------------


def eight_star(date: str) -> dict[str, Any]:
    return tx(
        date, "CN", [US_EXPORTER, party("end_user", "Beijing 8-Star International Co.", "CN")]
    )


def zte_consignee(date: str) -> dict[str, Any]:
    return tx(
        date,
        "CN",
        [
            US_EXPORTER,
            party("consignee", "ZTE Corporation", "CN"),
            party("end_user", "China Unicom", "CN"),
        ],
    )


def zte_forwarder(date: str) -> dict[str, Any]:
    return tx(
        date,
        "CN",
        [
            US_EXPORTER,
            party("forwarder", "ZTE Corporation", "CN"),
            party("consignee", "China Unicom", "CN"),
            party("end_user", "China Unicom", "CN"),
        ],
    )


def shi_lirong(date: str) -> dict[str, Any]:
    return tx(date, "CN", [US_EXPORTER, party("end_user", "SHI, Lirong", "CN")])


def sudan(date: str) -> dict[str, Any]:
    return tx(
        date,
        "SD",
        [US_EXPORTER, party("end_user", "Khartoum Trading", "SD")],
        [item(description="office chairs", eccn="EAR99")],
    )


def clean(date: str = "2020-05-05") -> dict[str, Any]:
    return tx(
        date,
        "DE",
        [
            party("exporter", "Buerostuhl Handels GmbH", "DE"),
            party("end_user", "Muster Versicherung AG", "DE"),
        ],
        [item(description="office chairs", eccn="EAR99", unit_value="250", quantity="10")],
    )


# --- embargoes -----------------------------------------------------------------------------------


def test_embargo_by_destination() -> None:
    d = run(
        tx("2012-05-01", "IR", [US_EXPORTER, party("end_user", "Tehran Office Supplies", "IR")])
    )
    assert d.outcome is BLOCK, describe(d)
    [hit] = hits_of(d, "embargo-iran")
    assert hit.outcome is BLOCK
    assert hit.kind == "embargo"
    assert hit.field == "destination"


def test_embargo_by_route() -> None:
    d = run(
        tx(
            "2012-05-01",
            "AE",
            [
                US_EXPORTER,
                party("consignee", "Gulf Freight FZE", "AE"),
                party("end_user", "Gulf Freight FZE", "AE"),
            ],
            route=["IR", "AE"],
        )
    )
    assert d.outcome is BLOCK, describe(d)
    [hit] = hits_of(d, "embargo-iran")
    assert hit.field == "route[0]"


def test_embargo_by_party_country_behind_a_declared_third_country() -> None:
    """Declared destination AE, end user in Iran: the Iran embargo blocks."""
    d = run(
        tx(
            "2012-05-01",
            "AE",
            [
                US_EXPORTER,
                party("consignee", "Gulf Freight FZE", "AE"),
                party("end_user", "Tehran Office Supplies", "IR"),
            ],
        )
    )
    assert d.outcome is BLOCK, describe(d)
    [hit] = hits_of(d, "embargo-iran")
    assert hit.outcome is BLOCK
    assert hit.field == "parties[2].country"
    assert "rf-destination-mismatch" in fired(d)


CRIMEA_ADDRESS = "ul. Karla Marksa 1, Simferopol, Crimea"


def crimea(date: str, address: str = CRIMEA_ADDRESS) -> dict[str, Any]:
    return tx(
        date,
        "UA",
        [US_EXPORTER, party("end_user", "Krymtelecom", "UA", address=address)],
    )


def test_crimea_is_recognised_from_a_ukrainian_address() -> None:
    d = run(crimea("2016-05-01"))
    assert d.outcome is BLOCK, describe(d)
    [hit] = hits_of(d, "embargo-crimea")
    assert hit.outcome is BLOCK
    assert hit.field == "parties[1].address"


@pytest.mark.parametrize(
    "address",
    [
        "Sevastopol, Nakhimova 5",
        "\u0421\u0438\u043c\u0444\u0435\u0440\u043e\u043f\u043e\u043b\u044c, ul. Lenina 3",
        "YALTA",
    ],
)
def test_crimea_address_terms_in_other_spellings(address: str) -> None:
    d = run(crimea("2016-05-01", address))
    assert "embargo-crimea" in fired(d), describe(d)


def test_mainland_ukraine_address_is_not_crimea() -> None:
    d = run(crimea("2016-05-01", "Khreshchatyk 22, Kyiv"))
    assert "embargo-crimea" not in fired(d)
    assert d.outcome is CLEAR, describe(d)


@pytest.mark.parametrize(
    ("date", "ofac", "bis"),
    [
        ("2014-12-18", False, False),
        ("2014-12-19", True, False),  # E.O. 13685: US persons and exports from the US only
        ("2015-01-28", True, False),
        ("2015-01-29", True, True),  # 80 FR 4776: 15 CFR 746.6
    ],
)
def test_crimea_ofac_from_eo_13685_and_bis_from_80_fr_4776(
    date: str, ofac: bool, bis: bool
) -> None:
    d = run(crimea(date))
    assert ("usp-crimea" in fired(d)) is ofac, describe(d)
    assert ("embargo-crimea" in fired(d)) is bis, describe(d)
    assert d.outcome is (BLOCK if ofac else CLEAR), describe(d)


@pytest.mark.parametrize("date", ["2014-12-19", "2015-01-28"])
def test_crimea_reexport_by_a_non_us_person_in_the_ofac_only_window_is_not_an_ear_block(
    date: str,
) -> None:
    d = run(
        tx(
            date,
            "UA",
            [CN_EXPORTER, party("end_user", "Krymtelecom", "UA", address=CRIMEA_ADDRESS)],
            [foreign("50")],
        )
    )
    assert not fired(d) & {"embargo-crimea", "usp-crimea"}, describe(d)
    assert d.outcome is CLEAR, describe(d)
    d = run(
        tx(
            "2015-01-29",
            "UA",
            [CN_EXPORTER, party("end_user", "Krymtelecom", "UA", address=CRIMEA_ADDRESS)],
            [foreign("50")],
        )
    )
    assert hits_of(d, "embargo-crimea")[0].outcome is BLOCK, describe(d)


# --- dated windows: the day before, on and after -------------------------------------------------

WINDOWS = [
    # Entity List addition, 81 FR 12004, effective 2016-03-08
    ("8-Star day before listing", eight_star, "2016-03-07", CLEAR, set(), {"el-beijing-8-star"}),
    ("8-Star listing day", eight_star, "2016-03-08", BLOCK, {"el-beijing-8-star"}, set()),
    (
        "8-Star not under the TGL",
        eight_star,
        "2016-06-01",
        BLOCK,
        {"el-beijing-8-star"},
        {"tgl-zte-2016"},
    ),
    (
        "8-Star still listed after ZTE removal",
        eight_star,
        "2017-03-29",
        BLOCK,
        {"el-beijing-8-star"},
        set(),
    ),
    # Temporary General License from 2016-03-24 (81 FR 15633)
    (
        "ZTE consignee day before TGL",
        zte_consignee,
        "2016-03-23",
        BLOCK,
        {"el-zte-corporation"},
        {"tgl-zte-2016"},
    ),
    (
        "ZTE consignee first TGL day",
        zte_consignee,
        "2016-03-24",
        REVIEW,
        {"el-zte-corporation", "tgl-zte-2016"},
        set(),
    ),
    # Removal from the Entity List, 82 FR 15458, effective 2017-03-29
    ("ZTE last listed day", zte_consignee, "2017-03-28", REVIEW, {"el-zte-corporation"}, set()),
    ("ZTE removed", zte_consignee, "2017-03-29", CLEAR, set(), {"el-zte-corporation"}),
    # Denial order 2018-04-15, terminated 2018-07-13: from that day ZTE was not denied.
    (
        "ZTE forwarder day before denial",
        zte_forwarder,
        "2018-04-14",
        CLEAR,
        set(),
        {"do-zte-corporation"},
    ),
    (
        "ZTE forwarder denial first day",
        zte_forwarder,
        "2018-04-15",
        BLOCK,
        {"do-zte-corporation"},
        set(),
    ),
    (
        "ZTE forwarder denial last day",
        zte_forwarder,
        "2018-07-12",
        BLOCK,
        {"do-zte-corporation"},
        set(),
    ),
    (
        "ZTE forwarder denial terminated",
        zte_forwarder,
        "2018-07-13",
        CLEAR,
        set(),
        {"do-zte-corporation"},
    ),
    # Shi Lirong added 2017-03-29
    ("Shi Lirong day before listing", shi_lirong, "2017-03-28", CLEAR, set(), {"el-shi-lirong"}),
    ("Shi Lirong listing day", shi_lirong, "2017-03-29", BLOCK, {"el-shi-lirong"}, set()),
    # Sudan: sanctions to 2017-01-16, general licence 538.540 from 2017-01-17, revoked 2017-10-12
    (
        "Sudan last sanctions day",
        sudan,
        "2017-01-16",
        BLOCK,
        {"usp-sudan"},
        {"usp-sudan-general-licence"},
    ),
    (
        "Sudan general licence",
        sudan,
        "2017-01-17",
        REVIEW,
        {"usp-sudan-general-licence"},
        {"usp-sudan"},
    ),
    (
        "Sudan general licence last day",
        sudan,
        "2017-10-11",
        REVIEW,
        {"usp-sudan-general-licence"},
        set(),
    ),
    (
        "Sudan sanctions revoked",
        sudan,
        "2017-10-12",
        CLEAR,
        set(),
        {"usp-sudan", "usp-sudan-general-licence"},
    ),
]


@pytest.mark.parametrize(
    ("build", "date", "outcome", "present", "absent"),
    [pytest.param(*row[1:], id=row[0]) for row in WINDOWS],
)
def test_rule_windows(
    build: Any, date: str, outcome: Outcome, present: set[str], absent: set[str]
) -> None:
    d = run(build(date))
    assert d.outcome is outcome, describe(d)
    assert present <= fired(d), describe(d)
    assert not (absent & fired(d)), describe(d)


def test_tgl_day_shows_the_listing_relaxed_to_review() -> None:
    d = run(zte_consignee("2016-03-24"))
    [listing] = hits_of(d, "el-zte-corporation")
    assert listing.outcome is REVIEW
    assert any("tgl-zte-2016" in n for n in listing.notes)


def test_tgl_and_its_extensions_cover_every_day_until_removal() -> None:
    """The four extensions leave no gap: from 2016-03-24 to 2017-03-28 ZTE is review, not block."""
    day = dt.date(2016, 3, 24)
    transaction = zte_consignee("2016-03-24")
    while day <= dt.date(2017, 3, 28):
        d = run(transaction, as_of=day)
        assert d.outcome is REVIEW, f"{day}: {describe(d)}"
        assert any(h.kind == "general_licence" for h in d.hits), f"{day}: {describe(d)}"
        day += dt.timedelta(days=1)


@pytest.mark.parametrize("role", ROLES)
def test_denial_order_reaches_every_role(role: str) -> None:
    d = run(
        tx(
            "2018-05-01",
            "CN",
            [
                party("exporter" if role != "exporter" else "buyer", "Acme Inc", "US"),
                party(role, "ZTE Corporation", "CN"),
                party("end_user", "China Unicom", "CN"),
            ],
        )
    )
    assert d.outcome is BLOCK, describe(d)
    [hit] = hits_of(d, "do-zte-corporation")
    assert hit.outcome is BLOCK
    assert hit.list == "Denied Persons List"


def test_entity_listing_in_a_role_it_does_not_reach_is_review() -> None:
    """The Entity List entry names buyer/consignees/end user; as a forwarder ZTE is a review."""
    d = run(zte_forwarder("2016-03-10"))
    [hit] = hits_of(d, "el-zte-corporation")
    assert hit.outcome is REVIEW
    assert d.outcome is REVIEW, describe(d)


def test_as_of_overrides_the_transaction_date() -> None:
    transaction = eight_star("2016-03-07")
    assert run(transaction).outcome is CLEAR
    d = run(transaction, as_of=dt.date(2016, 3, 8))
    assert d.as_of == dt.date(2016, 3, 8)
    assert d.outcome is BLOCK
    assert "el-beijing-8-star" in fired(d)


# --- de minimis ----------------------------------------------------------------------------------


def cuba(date: str, us_content: str) -> dict[str, Any]:
    return tx(
        date,
        "CU",
        [CN_EXPORTER, party("end_user", "Havana Trading S.A.", "CU")],
        [foreign(us_content)],
    )


CUBA = [
    # date, US content %, level, subject?, outcome
    ("2015-07-21", "15", 10, True, BLOCK),  # last day in E:1
    ("2015-07-22", "15", 25, False, CLEAR),  # 80 FR 43314: E:2 only, 25%
    ("2016-06-01", "15", 25, False, CLEAR),
    ("2016-06-01", "26", 25, True, BLOCK),
    ("2019-10-17", "15", 25, False, CLEAR),
    ("2019-10-20", "15", 25, False, CLEAR),  # the day before 84 FR 56117
    ("2019-10-21", "15", 10, True, BLOCK),  # 84 FR 56117: 10% restored, effective Oct. 21, 2019
    ("2019-10-22", "15", 10, True, BLOCK),
    ("2020-06-01", "15", 10, True, BLOCK),
]


@pytest.mark.parametrize(("date", "us", "level", "subject", "outcome"), CUBA)
def test_cuba_de_minimis_over_time(
    date: str, us: str, level: int, subject: bool, outcome: Outcome
) -> None:
    d = run(cuba(date, us))
    status = d.items[0]
    assert status.de_minimis_percent == Decimal(level), status.reason
    assert status.us_content_percent == Decimal(us)
    assert status.jurisdiction is (Jurisdiction.SUBJECT if subject else Jurisdiction.NOT_SUBJECT)
    assert ("embargo-cuba" in fired(d)) is subject, describe(d)
    assert d.outcome is outcome, describe(d)


def sudan_foreign(date: str, us_content: str = "15") -> dict[str, Any]:
    return tx(
        date,
        "SD",
        [CN_EXPORTER, party("end_user", "Khartoum Trading", "SD")],
        [foreign(us_content, eccn="EAR99")],
    )


@pytest.mark.parametrize(
    ("date", "level", "subject"),
    [
        ("2014-06-01", 10, True),
        ("2021-01-13", 10, True),  # last day in E:1
        ("2021-01-14", 25, False),  # FR Doc 2020-29037
        ("2021-06-01", 25, False),
    ],
)
def test_sudan_de_minimis_over_time(date: str, level: int, subject: bool) -> None:
    d = run(sudan_foreign(date))
    status = d.items[0]
    assert status.de_minimis_percent == Decimal(level), status.reason
    assert status.jurisdiction is (Jurisdiction.SUBJECT if subject else Jurisdiction.NOT_SUBJECT)


def test_sudan_2014_ear99_reexport_by_a_non_us_company_is_not_an_ear_block() -> None:
    """Legal review B.9: 742.10 reached CCL items, not EAR99; the Sudanese Sanctions
    Regulations bound US persons and exports from the US, not a Chinese company."""
    d = run(sudan_foreign("2014-06-01"))
    assert d.items[0].jurisdiction is Jurisdiction.SUBJECT
    assert not any(h.outcome is BLOCK for h in d.hits), describe(d)
    assert d.outcome is CLEAR, describe(d)


def test_sudan_2014_the_same_reexport_by_a_us_owned_company_is_not_reached_either() -> None:
    """The SSR reached US persons, not (unlike 560.215 for Iran) their foreign subsidiaries."""
    transaction = sudan_foreign("2014-06-01")
    transaction["parties"][0] = {**CN_EXPORTER, "owners": [US_PARENT]}
    assert run(transaction).outcome is CLEAR


def test_sudan_2014_a_ccl_item_needs_a_licence_under_the_at_controls() -> None:
    transaction = sudan_foreign("2014-06-01")
    transaction["items"] = [foreign("15", eccn="5A991")]
    d = run(transaction)
    assert hits_of(d, "licence-at-e1")[0].outcome is BLOCK, describe(d)


def test_sudan_2014_a_us_person_exporter_is_blocked_by_the_ssr() -> None:
    transaction = sudan_foreign("2014-06-01")
    transaction["parties"][0] = {**CN_EXPORTER, "us_person": True}
    d = run(transaction)
    [hit] = hits_of(d, "usp-sudan")
    assert hit.outcome is BLOCK, describe(d)
    assert "US person" in hit.message


def test_sudan_2021_foreign_item_below_de_minimis_is_not_subject() -> None:
    d = run(sudan_foreign("2021-06-01"))
    assert not any(h.kind == "embargo" for h in d.hits), describe(d)
    assert d.outcome is CLEAR, describe(d)


def iran_foreign(unit_value: str, us_content: str) -> dict[str, Any]:
    return tx(
        "2012-06-01",
        "IR",
        [
            party("exporter", "Kowloon Logistics Ltd", "HK", us_person=False, owners=[]),
            party("end_user", "Tehran Office Supplies", "IR"),
        ],
        [foreign(us_content, unit_value)],
    )


@pytest.mark.parametrize(
    ("destination", "unit_value", "us_content", "subject"),
    [
        ("IR", "100", "10", False),  # exactly 10% is not above 10%
        ("IR", "100", "10.00", False),
        ("IR", "33.33", "3.333", False),  # exactly 10%, not representable as a binary float
        ("IR", "100", "10.01", True),
        ("IR", "33.33", "3.3331", True),
        ("DE", "80", "20", False),  # exactly 25%
        ("DE", "80", "20.01", True),
    ],
)
def test_de_minimis_threshold_is_exclusive_and_exact(
    destination: str, unit_value: str, us_content: str, subject: bool
) -> None:
    if destination == "IR":
        transaction = iran_foreign(unit_value, us_content)
    else:
        transaction = tx(
            "2012-06-01",
            "DE",
            [CN_EXPORTER, party("end_user", "Muster Versicherung AG", "DE")],
            [foreign(us_content, unit_value)],
        )
    d = run(transaction)
    expected = Jurisdiction.SUBJECT if subject else Jurisdiction.NOT_SUBJECT
    assert d.items[0].jurisdiction is expected, d.items[0].reason
    if destination == "IR":
        assert ("embargo-iran" in fired(d)) is subject, describe(d)


def test_exactly_at_threshold_to_iran_clears_the_ear_but_not_the_itsr() -> None:
    """10% is "10% or less" for the EAR, but not "less than 10%" for ITSR 560.420 (before the
    2012 reissue that rule is unverified: a review)."""
    d = run(iran_foreign("100", "10"))
    assert d.items[0].us_content_percent == Decimal("10.00")
    assert d.items[0].de_minimis_percent == Decimal(10)
    assert d.items[0].jurisdiction is Jurisdiction.NOT_SUBJECT
    assert fired(d) == {"itsr-foreign-made-goods-before-2012"}, describe(d)
    assert d.outcome is REVIEW, describe(d)


def test_strictest_level_among_receiving_countries_applies() -> None:
    """Declared to DE (25%) but with an Iranian end user: Iran's 10% applies."""
    d = run(
        tx(
            "2012-06-01",
            "DE",
            [CN_EXPORTER, party("end_user", "Tehran Office Supplies", "IR")],
            [foreign("15")],
        )
    )
    assert d.items[0].de_minimis_percent == Decimal(10)
    assert d.items[0].jurisdiction is Jurisdiction.SUBJECT
    assert d.outcome is BLOCK, describe(d)


def listed_with_foreign_item(us_content: str) -> dict[str, Any]:
    return tx(
        "2017-06-01",
        "CN",
        [CN_EXPORTER, party("end_user", "Beijing 8-Star International Co.", "CN")],
        [foreign(us_content)],
    )


def test_foreign_item_below_de_minimis_to_listed_party_is_not_caught() -> None:
    """The Entity List reaches only items subject to the EAR (15 CFR 744.11)."""
    d = run(listed_with_foreign_item("20"))
    assert d.items[0].jurisdiction is Jurisdiction.NOT_SUBJECT
    assert "el-beijing-8-star" not in fired(d), describe(d)
    assert d.outcome is CLEAR, describe(d)


def test_foreign_item_above_de_minimis_to_listed_party_is_blocked() -> None:
    d = run(listed_with_foreign_item("30"))
    assert d.items[0].jurisdiction is Jurisdiction.SUBJECT
    assert [h.outcome for h in hits_of(d, "el-beijing-8-star")] == [BLOCK]
    assert d.outcome is BLOCK, describe(d)


# --- unverified facts and uncertain matches ------------------------------------------------------


def test_unverified_alias_matched_exactly_gives_review_not_block() -> None:
    d = run(tx("2017-06-01", "CN", [US_EXPORTER, party("end_user", "8S", "CN")]))
    [hit] = hits_of(d, "el-beijing-8-star")
    assert hit.score == 1.0
    assert hit.verified is False
    assert hit.outcome is REVIEW
    assert d.outcome is REVIEW, describe(d)


def test_unverified_chinese_name_during_denial_order_gives_review() -> None:
    d = run(
        tx(
            "2018-05-01",
            "CN",
            [
                US_EXPORTER,
                party("forwarder", "\u4e2d\u5174\u901a\u8baf", "CN"),
                party("end_user", "China Unicom", "CN"),
            ],
        )
    )
    [hit] = hits_of(d, "do-zte-corporation")
    assert hit.outcome is REVIEW
    assert d.outcome is REVIEW, describe(d)


def test_unverified_item_control_gives_review() -> None:
    """4A994 is AT-controlled only per an unverified source; Sudan 2018 is in E:1, no embargo."""
    d = run(
        tx(
            "2018-06-01",
            "SD",
            [US_EXPORTER, party("end_user", "Khartoum Trading", "SD")],
            [item(description="server", eccn="4A994", unit_value="5000")],
        )
    )
    [hit] = hits_of(d, "licence-at-e1")
    assert hit.verified is False
    assert hit.outcome is REVIEW
    assert d.outcome is REVIEW, describe(d)


def dnr(date: str, address: str) -> dict[str, Any]:
    return tx(date, "UA", [US_EXPORTER, party("end_user", "Vostok Trade", "UA", address=address)])


def test_unverified_restriction_gives_review() -> None:
    """E.O. 14065 (DNR / LNR, Feb. 21, 2022) is unverified: a review, never a block alone;
    BIS's verified 746.6 amendment blocks only from Feb. 24, 2022."""
    d = run(dnr("2022-02-23", "ul. Artema 1, Donetsk, DNR"))
    [hit] = [h for h in hits_of(d, "usp-dnr-lnr") if h.party]
    assert hit.outcome is REVIEW
    assert not hit.verified
    assert "embargo-dnr-lnr" not in fired(d)
    assert d.outcome is REVIEW, describe(d)


def test_possible_name_match_gives_review() -> None:
    d = run(tx("2017-06-01", "AE", [US_EXPORTER, party("end_user", "ZTE Persian", "AE")]))
    [hit] = hits_of(d, "el-zte-parsian")
    assert hit.score is not None
    assert RULES.matching.possible <= hit.score < RULES.matching.match
    assert hit.outcome is REVIEW
    assert d.outcome is REVIEW, describe(d)


def test_possible_name_match_corroborated_by_the_listed_address_blocks() -> None:
    d = run(
        tx(
            "2017-06-01",
            "AE",
            [
                US_EXPORTER,
                party(
                    "end_user",
                    "ZTE Persian",
                    "AE",
                    address="No. 100, Africa Ave., Mirdamad Entersection, Tehran",
                ),
            ],
        )
    )
    [hit] = hits_of(d, "el-zte-parsian")
    assert hit.outcome is BLOCK


def test_unrelated_name_does_not_hit_a_listing() -> None:
    d = run(tx("2017-06-01", "CN", [US_EXPORTER, party("end_user", "Huawei Technologies", "CN")]))
    assert not any(h.kind == "listing" for h in d.hits), describe(d)


# --- red flags -----------------------------------------------------------------------------------


def test_transshipment_hub_on_route_to_embargoed_destination() -> None:
    d = run(
        tx(
            "2012-06-01",
            "KP",
            [US_EXPORTER, party("end_user", "Pyongyang General Import", "KP")],
            route=["CN", "HK", "KP"],
        )
    )
    [hit] = hits_of(d, "rf-transshipment-hub")
    assert hit.outcome is REVIEW
    assert hit.field == "route[1]"
    assert "embargo-north-korea" in fired(d)
    assert d.outcome is BLOCK, describe(d)


def test_transshipment_hub_without_an_embargoed_place_is_not_a_flag() -> None:
    d = run(
        tx(
            "2012-06-01",
            "DE",
            [US_EXPORTER, party("end_user", "Muster Versicherung AG", "DE")],
            route=["CN", "HK", "DE"],
        )
    )
    assert "rf-transshipment-hub" not in fired(d), describe(d)


def test_destination_mismatch() -> None:
    d = run(
        tx(
            "2012-06-01",
            "DE",
            [US_EXPORTER, party("end_user", "Societe Generale d'Equipement", "FR")],
        )
    )
    [hit] = hits_of(d, "rf-destination-mismatch")
    assert hit.field == "parties[1].country"
    assert d.outcome is REVIEW, describe(d)


def test_missing_end_user() -> None:
    d = run(tx("2012-06-01", "DE", [US_EXPORTER]))
    assert fired(d) == {"rf-missing-end-user"}, describe(d)
    assert d.outcome is REVIEW


@pytest.mark.parametrize(
    "end_use", ["military", "Military communications network", "for the MILITARY of X"]
)
def test_end_use_of_concern(end_use: str) -> None:
    d = run(
        tx(
            "2012-06-01",
            "DE",
            [US_EXPORTER, party("end_user", "Muster Versicherung AG", "DE")],
            end_use=end_use,
        )
    )
    [hit] = hits_of(d, "rf-end-use-terms")
    assert "military" in hit.evidence
    assert d.outcome is REVIEW, describe(d)


def test_harmless_end_use_is_not_a_flag() -> None:
    d = run(
        tx(
            "2012-06-01",
            "DE",
            [US_EXPORTER, party("end_user", "Muster Versicherung AG", "DE")],
            end_use="office network for an insurance company",
        )
    )
    assert "rf-end-use-terms" not in fired(d)


# --- coverage and the clean case -----------------------------------------------------------------


def test_date_before_coverage_gives_review() -> None:
    d = run(clean(), as_of=dt.date(2009, 12, 31))
    [hit] = [h for h in d.hits if h.kind == "coverage"]
    assert hit.outcome is REVIEW
    assert d.outcome is REVIEW


def test_first_covered_day_has_no_coverage_hit() -> None:
    d = run(clean(), as_of=dt.date(2010, 1, 1))
    assert not any(h.kind == "coverage" for h in d.hits)


def test_clean_transaction_is_clear() -> None:
    d = run(clean())
    assert d.outcome is CLEAR
    assert d.hits == ()
    assert d.items[0].jurisdiction is Jurisdiction.SUBJECT  # US-origin
    assert d.as_of == dt.date(2020, 5, 5)
    assert d.ruleset == RULES.name
    assert d.ruleset_fingerprint == RULES.fingerprint


def test_screen_defaults_to_the_bundled_rules() -> None:
    transaction = eight_star("2016-03-08")
    assert screen(transaction) == run(transaction)


# --- every hit is explained ----------------------------------------------------------------------

SOURCE = re.compile(r"^rules/[a-z0-9-]+\.yaml:\d+$")


def _all_cases() -> list[Any]:
    """The transactions of the tests above (one per kind of hit), with their as-of day."""
    builders: list[tuple[str, dict[str, Any], dt.date | None]] = []
    for row in WINDOWS:
        builders.append((row[0], row[1](row[2]), None))
    for date, us, *_ in CUBA:
        builders.append((f"cuba {date} {us}%", cuba(date, us), None))
    builders += [
        ("cuba uncertain day", cuba("2019-10-18", "15"), None),
        (
            "iran destination",
            tx(
                "2012-05-01", "IR", [US_EXPORTER, party("end_user", "Tehran Office Supplies", "IR")]
            ),
            None,
        ),
        (
            "iran end user behind AE",
            tx(
                "2012-05-01",
                "AE",
                [
                    US_EXPORTER,
                    party("consignee", "Gulf Freight FZE", "AE"),
                    party("end_user", "Tehran Office Supplies", "IR"),
                ],
            ),
            None,
        ),
        ("crimea", crimea("2016-05-01"), None),
        (
            "KP via HK",
            tx(
                "2012-06-01",
                "KP",
                [US_EXPORTER, party("end_user", "Pyongyang General Import", "KP")],
                route=["CN", "HK", "KP"],
            ),
            None,
        ),
        ("alias 8S", tx("2017-06-01", "CN", [US_EXPORTER, party("end_user", "8S", "CN")]), None),
        (
            "ZTE Persian",
            tx("2017-06-01", "AE", [US_EXPORTER, party("end_user", "ZTE Persian", "AE")]),
            None,
        ),
        ("no end user, military", tx("2012-06-01", "DE", [US_EXPORTER], end_use="military"), None),
        (
            "origin missing to IR",
            tx(
                "2012-06-01",
                "IR",
                [US_EXPORTER, party("end_user", "Tehran Office Supplies", "IR")],
                [item(origin=None)],
            ),
            None,
        ),
        (
            "4A994 to Sudan",
            tx(
                "2018-06-01",
                "SD",
                [US_EXPORTER, party("end_user", "Khartoum Trading", "SD")],
                [item(eccn="4A994")],
            ),
            None,
        ),
        ("before coverage", clean(), dt.date(2009, 12, 31)),
    ]
    return [pytest.param(t, a, id=n) for n, t, a in builders]


@pytest.mark.parametrize(("transaction", "as_of"), _all_cases())
def test_every_hit_has_a_citation_and_a_source_line(
    transaction: dict[str, Any], as_of: dt.date | None
) -> None:
    d = run(transaction, as_of=as_of)
    for hit in d.hits:
        assert hit.citation.strip(), f"{hit.rule_id}: empty citation"
        assert hit.message.strip(), f"{hit.rule_id}: empty message"
        assert SOURCE.match(hit.source), f"{hit.rule_id}: source {hit.source!r}"


@SETTINGS
@given(transactions())
def test_every_hit_of_any_transaction_is_cited(transaction: dict[str, Any]) -> None:
    for hit in run(transaction).hits:
        assert hit.citation.strip(), f"{hit.rule_id}: empty citation"
        assert SOURCE.match(hit.source), f"{hit.rule_id}: source {hit.source!r}"


def test_hit_source_points_at_the_rule() -> None:
    d = run(eight_star("2016-03-08"))
    [hit] = hits_of(d, "el-beijing-8-star")
    file, _, line = hit.source.partition(":")
    path = bundled_rules_dir() / file.removeprefix("rules/")
    lines = path.read_text("utf-8").splitlines()
    assert "id: el-beijing-8-star" in lines[int(line) - 1]


# --- properties ----------------------------------------------------------------------------------


@SETTINGS
@given(transactions())
def test_decisions_are_deterministic(transaction: dict[str, Any]) -> None:
    first = run(transaction)
    second = run(transaction)
    assert first == second
    as_json = json.dumps(first.to_dict(), sort_keys=True)
    assert as_json == json.dumps(second.to_dict(), sort_keys=True)
    assert json.loads(as_json)["outcome"] == first.outcome.value


@SETTINGS
@given(transactions())
def test_decision_outcome_is_its_most_severe_hit(transaction: dict[str, Any]) -> None:
    d = run(transaction)
    worst = max((h.outcome.rank for h in d.hits), default=CLEAR.rank)
    assert d.outcome.rank == worst
    ranks = [h.outcome.rank for h in d.hits]
    assert ranks == sorted(ranks, reverse=True), "hits are listed most severe first"


@SETTINGS
@given(transactions())
def test_unverified_facts_never_block(transaction: dict[str, Any]) -> None:
    d = run(transaction)
    for hit in d.hits:
        if not hit.verified:
            assert hit.outcome is not BLOCK, hit


ACME_LOGISTICS = party("forwarder", "Acme Logistics GmbH", "DE")


@SETTINGS
@given(transactions())
def test_adding_an_unrelated_clean_party_never_lowers_the_outcome(
    transaction: dict[str, Any],
) -> None:
    before = run(transaction)
    more = {**transaction, "parties": [*transaction.get("parties", []), ACME_LOGISTICS]}
    after = run(more)
    assert after.outcome.rank >= before.outcome.rank, (describe(before), describe(after))


@st.composite
def _at_threshold(draw: st.DrawFn) -> tuple[str, int, Decimal, Decimal]:
    destination, level = draw(st.sampled_from([("IR", 10), ("DE", 25)]))
    unit = draw(money())
    at = unit * level / 100
    mode = draw(st.sampled_from(["any", "at", "just above", "just below"]))
    if mode == "at":
        us = at
    elif mode == "just above":
        us = min(at + Decimal("0.0001"), unit)
    elif mode == "just below":
        us = max(at - Decimal("0.0001"), Decimal(0))
    else:
        us = Decimal(draw(st.integers(min_value=0, max_value=int(unit * 100)))) / 100
    return destination, level, unit, us


@SETTINGS
@given(_at_threshold(), dates())
def test_de_minimis_arithmetic(case_: tuple[str, int, Decimal, Decimal], date: str) -> None:
    destination, level, unit, us = case_
    transaction = tx(date, destination, [], [foreign(str(us), str(unit))])
    status = run(transaction).items[0]
    expected = us * 100 > level * unit
    if us > 0:  # no US content at all needs no level to decide
        assert status.de_minimis_percent == Decimal(level), status.reason
    assert (status.jurisdiction is Jurisdiction.SUBJECT) is expected, (
        f"{us}/{unit} at {level}%: {status.reason}"
    )
    assert status.jurisdiction is not Jurisdiction.UNKNOWN
