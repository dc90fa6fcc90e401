"""Today's export controls (issue 16, items 1-2): Russia and Belarus (15 CFR 746.8, 746.10) and
military end use / end users (744.21), each at the day before, on and after its dates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.strategies import SETTINGS
from screening import Decision, Outcome, load_rules, screen

RULES = load_rules()
ADDRESS = "26/1 Sofiyskaya Embankment, Moscow"  # rules out Crimea and the covered regions
CLEAR, REVIEW, BLOCK = Outcome.CLEAR, Outcome.REVIEW, Outcome.BLOCK
US_EXPORTER = {"role": "exporter", "name": "Example Networks Inc.", "country": "US"}
ROUTER = {"description": "router", "eccn": "5A991", "origin": "US", "unit_value": "100"}


def tx(date: str, destination: str, items: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    parties = extra.pop("parties", None) or [
        US_EXPORTER,
        {
            "role": "end_user",
            "name": "Example Operator",
            "country": destination,
            "address": ADDRESS,
        },
    ]
    return {
        "id": "t",
        "date": date,
        "destination": destination,
        "parties": parties,
        "items": items,
    } | extra


def fired(d: Decision) -> set[str]:
    return {h.rule_id for h in d.hits}


@pytest.mark.parametrize(
    ("country", "date", "rules", "outcome"),
    [
        ("RU", "2022-02-23", set(), CLEAR),
        ("RU", "2022-02-24", {"russia-ccl-cat-3-9"}, BLOCK),
        ("RU", "2022-04-07", {"russia-ccl-cat-3-9"}, BLOCK),
        ("RU", "2022-04-08", {"russia-ccl"}, BLOCK),
        ("RU", "2024-03-12", {"russia-ccl"}, BLOCK),
        ("BY", "2022-03-01", set(), CLEAR),
        ("BY", "2022-03-02", {"belarus-ccl-cat-3-9"}, BLOCK),
        ("BY", "2022-04-08", {"belarus-ccl"}, BLOCK),
    ],
)
def test_a_ccl_item_needs_a_licence_from_each_date(
    country: str, date: str, rules: set[str], outcome: Outcome
) -> None:
    d = screen(tx(date, country, [ROUTER]), rules=RULES)
    assert {r for r in fired(d) if r.startswith(("russia", "belarus"))} == rules
    assert d.outcome is outcome


def test_a_russian_receiving_party_is_enough() -> None:
    parties = [US_EXPORTER, {"role": "consignee", "name": "Example Consignee", "country": "RU"}]
    d = screen(tx("2024-01-10", "KZ", [ROUTER], parties=parties), rules=RULES)
    assert "russia-ccl" in fired(d)
    assert d.outcome is BLOCK


def test_licence_exceptions_are_named_never_applied() -> None:
    d = screen(tx("2024-01-10", "RU", [ROUTER]), rules=RULES)
    [hit] = [h for h in d.hits if h.rule_id == "russia-ccl"]
    assert hit.outcome is BLOCK
    assert any("CCD" in n and "not applied" in n for n in hit.notes)


@pytest.mark.parametrize(
    ("date", "outcome"), [("2022-03-10", CLEAR), ("2022-03-11", REVIEW), ("2024-05-20", REVIEW)]
)
def test_ear99_without_hts_to_russia_reviews_from_the_first_hts_list(
    date: str, outcome: Outcome
) -> None:
    tools = {"description": "hand tools", "eccn": "EAR99", "origin": "US"}
    d = screen(tx(date, "RU", [tools]), rules=RULES)
    assert d.outcome is outcome
    assert ("russia-belarus-ear99-by-hts" in fired(d)) is (outcome is REVIEW)


@given(st.from_regex(r"[0-9]{6,10}", fullmatch=True), st.sampled_from(["RU", "BY"]))
@SETTINGS
def test_no_ear99_item_to_russia_or_belarus_is_clear(hts: str, country: str) -> None:
    """Fail closed while the HTS lists are partial: whatever its code, an EAR99 item reviews."""
    item = {"description": "goods", "eccn": "EAR99", "origin": "US", "hts": hts}
    d = screen(tx("2024-05-20", country, [item]), rules=RULES)
    assert d.outcome is not CLEAR


def test_an_hts_listed_row_is_named_with_its_supplement() -> None:
    laptops = {"description": "laptops", "eccn": "EAR99", "origin": "US", "hts": "8471300100"}
    d = screen(tx("2024-05-20", "RU", [laptops]), rules=RULES)
    [hit] = [h for h in d.hits if h.rule_id == "russia-belarus-ear99-by-hts"]
    assert "Supp. No. 4" in hit.message
    assert hit.outcome is REVIEW  # the row is verified: false
    before = screen(tx("2023-02-23", "RU", [laptops]), rules=RULES)
    assert "russia-belarus-ear99-by-hts" not in fired(before)
    day_of = screen(tx("2023-02-24", "RU", [laptops]), rules=RULES)
    assert "russia-belarus-ear99-by-hts" in fired(day_of)


def test_an_hts_list_row_that_blocks_once_verified(tmp_path: Path) -> None:
    rules_dir = tmp_path / "rules"
    import shutil

    shutil.copytree(RULES_DIR, rules_dir)
    text = (rules_dir / "ru-by-hts.yaml").read_text(encoding="utf-8")
    row = '{hts: "8471", supplement: Supp. No. 4 to part 746, from: 2023-02-24, verified: false,'
    assert row in text
    (rules_dir / "ru-by-hts.yaml").write_text(
        text.replace(row, row.replace("verified: false", "verified: true")), encoding="utf-8"
    )
    laptops = {"description": "laptops", "eccn": "EAR99", "origin": "US", "hts": "847130"}
    d = screen(tx("2024-05-20", "RU", [laptops]), rules=load_rules(rules_dir))
    assert d.outcome is BLOCK
    assert "russia-belarus-ear99-by-hts" in {h.rule_id for h in d.hits if h.outcome is BLOCK}


# --- military end use / end users ----------------------------------------------------------

CHIP = {"description": "microprocessors", "eccn": "3A991", "origin": "US", "unit_value": "40"}
PLA = "for the People's Liberation Army"


@pytest.mark.parametrize(
    ("destination", "date", "expected"),
    [
        ("CN", "2020-06-28", {"meu-china-2007"}),
        ("CN", "2020-06-29", {"meu-china"}),
        ("HK", "2020-12-22", set()),
        ("HK", "2020-12-23", {"meu-hong-kong"}),
        ("CN", "2022-09-01", {"meu-china"}),
    ],
)
def test_china_and_hong_kong_military_end_use(
    destination: str, date: str, expected: set[str]
) -> None:
    d = screen(tx(date, destination, [CHIP], end_use=PLA), rules=RULES)
    assert {r for r in fired(d) if r.startswith("meu-")} == expected
    # Supp. No. 2's table is unverified: a review, never a clear, never a block alone.
    if expected:
        assert d.outcome is REVIEW


@pytest.mark.parametrize(
    ("destination", "day_before", "day_of", "rule"),
    [
        ("VE", "2020-06-28", "2020-06-29", "meu-venezuela"),  # 85 FR 23459 widening
        ("MM", "2021-03-07", "2021-03-08", "meu-burma"),  # 86 FR 13173 (secondary date)
        ("KH", "2021-12-08", "2021-12-09", "meu-cambodia"),  # 86 FR 70015 (secondary date)
        ("NI", "2024-03-14", "2024-03-15", "meu-nicaragua"),  # 89 FR 18780 (secondary date)
    ],
)
def test_the_other_744_21_countries_start_on_their_day_and_only_review(
    destination: str, day_before: str, day_of: str, rule: str
) -> None:
    """Supp. No. 2's table is unread (memo, today-law): from its day each rule reviews, and a
    military end user with a listed item is never clear; the day before the rule is silent."""
    before = screen(tx(day_before, destination, [CHIP], end_use=PLA), rules=RULES)
    assert rule not in fired(before)
    on = screen(tx(day_of, destination, [CHIP], end_use=PLA), rules=RULES)
    [hit] = [h for h in on.hits if h.rule_id == rule]
    assert hit.outcome is REVIEW
    assert on.outcome is not CLEAR


def test_an_item_outside_supp_2_is_not_reached() -> None:
    ear99 = {"description": "chairs", "eccn": "EAR99", "origin": "US", "hts": "940161"}
    d = screen(tx("2022-09-01", "CN", [ear99], end_use=PLA), rules=RULES)
    assert "meu-china" not in fired(d)


@pytest.mark.parametrize(
    ("country", "date", "rule", "outcome"),
    [
        ("RU", "2022-02-23", "meu-russia-2020", REVIEW),
        ("RU", "2022-02-24", "meu-russia", BLOCK),
        ("BY", "2022-03-01", None, None),
        ("BY", "2022-03-02", "meu-belarus", BLOCK),
    ],
)
def test_russia_and_belarus_military_end_users_all_items(
    country: str, date: str, rule: str | None, outcome: Outcome | None
) -> None:
    d = screen(tx(date, country, [CHIP], end_use="spare parts for the armed forces"), rules=RULES)
    meu = [h for h in d.hits if h.rule_id.startswith("meu-")]
    assert [h.rule_id for h in meu] == ([rule] if rule else [])
    if rule:
        assert meu[0].outcome is outcome


def test_ear99_food_is_not_reached_by_the_russia_military_rule() -> None:
    flour = {"description": "flour", "eccn": "EAR99", "origin": "US", "hts": "1101.00"}
    d = screen(tx("2023-01-10", "RU", [flour], end_use="army canteen"), rules=RULES)
    assert "meu-russia" not in fired(d)


@pytest.mark.parametrize(
    ("name", "date", "outcome"),
    [
        ("Gobierno Bolivariano de Venezuela", "2019-08-05", BLOCK),
        ("Gobierno Bolivariano de Venezuela", "2019-08-04", None),
        ("Banco Central de Venezuela", "2021-01-10", BLOCK),
        ("Ministerio del Poder Popular para la Salud", "2020-01-10", REVIEW),
        ("Panaderia Caracas C.A.", "2020-01-10", None),
    ],
)
def test_government_of_venezuela(name: str, date: str, outcome: Outcome | None) -> None:
    parties = [US_EXPORTER, {"role": "end_user", "name": name, "country": "VE"}]
    bread = {"description": "ovens", "eccn": "EAR99", "origin": "US", "hts": "841780"}
    d = screen(tx(date, "VE", [bread], parties=parties), rules=RULES)
    hits = [h.outcome for h in d.hits if h.rule_id == "government-of-venezuela"]
    # A name that says "government" blocks; one that may be a state body only reviews.
    assert hits == ([outcome] if outcome else [])


RULES_DIR = Path(__file__).parents[1] / "rules"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "  - {id: x, kind: country_licence, countries: [RU], citation: c}\n",
            "give 'ccl: true' or 'hts_lists'",
        ),
        (
            "  - {id: x, kind: end_user_control, countries: [CN], citation: c}\n",
            "give at least one of 'end_use_terms'",
        ),
        (
            "  - {id: x, kind: hts_list, list: l, citation: c,\n"
            "     entries: [{hts: '84A1', supplement: s, source: s}]}\n",
            "bad.yaml:3: rule 'x' → entries[0].hts",
        ),
    ],
)
def test_bad_rules_of_the_new_kinds_are_refused_with_their_place(
    tmp_path: Path, rule: str, message: str
) -> None:
    import shutil

    from screening import RuleError

    rules_dir = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules_dir)
    (rules_dir / "bad.yaml").write_text("rules:\n" + rule, encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rules(rules_dir)
    assert "bad.yaml:" in str(caught.value)  # where, then what
    assert message in str(caught.value)
