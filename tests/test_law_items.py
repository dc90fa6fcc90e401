"""Issue 12, the item half: de minimis per destination (components), 734.4(a) exclusions, the
ITSR's own 10% test, the foreign direct product rules, food and medicine by HTS, and each Entity
List entry's own licence requirement. Decisions through `screen` on the bundled rules, each dated
rule at the day before, on and after its date."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.strategies import SETTINGS
from screening import (
    Decision,
    Jurisdiction,
    Outcome,
    TransactionError,
    bundled_rules_dir,
    load_rules,
    parse_transaction,
    screen,
)
from screening.rules import read_requirement

RULES = load_rules()
EXTRACT = Path(__file__).parents[1] / "examples" / "law" / "lists" / "csl-2022-05-extract.csv"
WITH_LISTS = load_rules(lists=[EXTRACT])  # Huawei (footnote 1) and Rosneft (§746.5) from the CSL
ROSNEFT = "csl-el-f56ee19525ae8fb705652bf0e5fcdeae7d28dd68"
MOSCOW = "26/1, Sofiyskaya Embankment, Moscow"  # an address that rules out Crimea
CLEAR, REVIEW, BLOCK = Outcome.CLEAR, Outcome.REVIEW, Outcome.BLOCK
SUBJECT, NOT_SUBJECT, UNKNOWN = Jurisdiction.SUBJECT, Jurisdiction.NOT_SUBJECT, Jurisdiction.UNKNOWN


def part(eccn: str | None, value: str, origin: str = "US") -> dict[str, Any]:
    return {"description": f"part {eccn}", "eccn": eccn, "origin": origin, "value": value}


def item(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"description": "unit", "eccn": "5A991", "origin": "CN"}
    base["unit_value"] = "100"
    return base | fields


def tx(date: str, destination: str, items: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    parties = extra.pop("parties", None) or [
        # Not a US person and not US-owned: these tests are about the goods, not about the
        # sanctions programmes' reach over persons (tests/test_law_parties.py).
        {
            "role": "exporter",
            "name": "Example Maker Co.",
            "country": "CN",
            "us_person": False,
            "owners": [],
        },
        {"role": "end_user", "name": "Example Operator", "country": destination},
    ]
    return {
        "id": "t",
        "date": date,
        "destination": destination,
        "parties": parties,
        "items": items,
    } | extra


def run(transaction: dict[str, Any], rules: Any = RULES) -> Decision:
    return screen(transaction, rules=rules)


def fired(d: Decision) -> set[str]:
    return {h.rule_id for h in d.hits}


# --- de minimis per destination --------------------------------------------------------------

AT_AND_EAR99 = [part("5A991", "15"), part("EAR99", "5"), part("5A991", "80", origin="CN")]


@pytest.mark.parametrize(
    ("destination", "jurisdiction", "percent"),
    [("CN", NOT_SUBJECT, "0.00"), ("IR", SUBJECT, "20.00"), ("DE", NOT_SUBJECT, "0.00")],
)
def test_only_content_licensable_to_the_destination_counts(
    destination: str, jurisdiction: Jurisdiction, percent: str
) -> None:
    d = run(tx("2016-06-01", destination, [item(components=AT_AND_EAR99, direct_product_of=[])]))
    [status] = d.items
    assert status.jurisdiction is jurisdiction, status.reason
    assert status.us_content_percent == Decimal(percent)
    assert status.reason.startswith("de minimis per destination"), status.reason


def test_only_us_content_value_keeps_the_conservative_reading_and_says_so() -> None:
    d = run(tx("2016-06-01", "CN", [item(us_content_value="26", direct_product_of=[])]))
    [status] = d.items
    assert status.jurisdiction is SUBJECT
    assert "all US content counted toward every destination" in status.reason


def test_a_part_the_rules_do_not_classify_counts_and_the_status_says_so() -> None:
    # 2B999 is kept out of data/ccl-reasons.yaml on purpose (tests/rules/test_country_chart.py).
    d = run(tx("2016-06-01", "CN", [item(components=[part("2B999", "30")], direct_product_of=[])]))
    [status] = d.items
    assert status.jurisdiction is SUBJECT
    assert not status.verified  # a conservative count, not a verified fact: at most a review
    assert "do not classify" in status.reason


@pytest.mark.parametrize(("value", "jurisdiction"), [("10", NOT_SUBJECT), ("10.01", SUBJECT)])
def test_ten_percent_or_less_is_not_subject(value: str, jurisdiction: Jurisdiction) -> None:
    d = run(tx("2016-06-01", "IR", [item(components=[part("EAR99", value)], direct_product_of=[])]))
    assert d.items[0].jurisdiction is jurisdiction, d.items[0].reason


def test_components_above_the_unit_value_are_refused() -> None:
    with pytest.raises(TransactionError, match="components add up to 120"):
        parse_transaction(tx("2016-06-01", "CN", [item(components=[part("EAR99", "120")])]))


# --- 15 CFR 734.4(a): no de minimis eligibility ----------------------------------------------


@pytest.mark.parametrize(
    ("date", "jurisdiction"),
    [("2013-10-14", NOT_SUBJECT), ("2013-10-15", SUBJECT), ("2013-10-16", SUBJECT)],
)
def test_y_content_to_china_has_no_de_minimis(date: str, jurisdiction: Jurisdiction) -> None:
    d = run(tx(date, "CN", [item(components=[part("9A515.Y", "1")], direct_product_of=[])]))
    [status] = d.items
    assert status.jurisdiction is jurisdiction, status.reason
    if jurisdiction is SUBJECT:
        assert status.rule_id == "no-de-minimis-y-items"
        assert "no de minimis eligibility" in status.reason
        assert not status.verified  # the BIS guideline only: a review, never a block alone


def test_y_content_elsewhere_keeps_its_de_minimis() -> None:
    d = run(tx("2016-06-01", "DE", [item(components=[part("9A515.Y", "1")], direct_product_of=[])]))
    assert d.items[0].jurisdiction is NOT_SUBJECT, d.items[0].reason


def test_a_us_part_without_an_eccn_leaves_eligibility_unknown_where_it_matters() -> None:
    d = run(tx("2016-06-01", "CN", [item(components=[part(None, "1")], direct_product_of=[])]))
    assert d.items[0].jurisdiction is UNKNOWN, d.items[0].reason
    assert "cannot be ruled out" in d.items[0].reason


@pytest.mark.parametrize("eccn", ["5A002", "5A002.A.1", "5A004", "5B002", "5D002"])
def test_us_encryption_content_is_never_de_minimis_without_a_look(eccn: str) -> None:
    """734.4(b) (unverified): US encryption content, even a 1% part, leaves the item subject
    (unverified) wherever it goes, so an embargoed destination gets a review, not a clear."""
    parts = [part(eccn, "1")]
    d = run(tx("2016-06-01", "SY", [item(components=parts, direct_product_of=[])]))
    [status] = d.items
    assert status.jurisdiction is SUBJECT, status.reason
    assert not status.verified, status.reason
    assert "no-de-minimis-encryption-unassessed" in status.reason
    assert d.outcome is REVIEW, fired(d)


def test_other_us_content_of_one_percent_stays_de_minimis_for_syria() -> None:
    d = run(tx("2016-06-01", "SY", [item(components=[part("5A991", "1")], direct_product_of=[])]))
    assert d.items[0].jurisdiction is NOT_SUBJECT, d.items[0].reason


# --- ITSR 560.205 / 560.420 ------------------------------------------------------------------


def iran(date: str, **fields: Any) -> dict[str, Any]:
    return tx(date, "IR", [item(direct_product_of=[], **fields)])


@pytest.mark.parametrize(
    ("date", "rule", "outcome"),
    [
        ("2012-10-21", "itsr-foreign-made-goods-before-2012", REVIEW),
        ("2012-10-22", "itsr-foreign-made-goods", BLOCK),
        ("2012-10-23", "itsr-foreign-made-goods", BLOCK),
    ],
)
def test_itsr_at_exactly_ten_percent(date: str, rule: str, outcome: Outcome) -> None:
    d = run(iran(date, us_content_value="10"))
    assert d.items[0].jurisdiction is NOT_SUBJECT  # the EAR clears "10% or less"
    assert fired(d) == {rule}
    assert d.outcome is outcome
    assert f"covered by {rule}" in d.items[0].reason


def test_itsr_exempts_less_than_ten_percent() -> None:
    d = run(iran("2016-06-01", us_content_value="9.99"))
    assert d.outcome is CLEAR, [h.rule_id for h in d.hits]


def test_itsr_share_reached_only_with_ear99_content_is_a_review() -> None:
    d = run(iran("2016-06-01", eccn="EAR99", components=[part("EAR99", "10")]))
    [hit] = [h for h in d.hits if h.rule_id == "itsr-foreign-made-goods"]
    assert hit.outcome is REVIEW
    assert not hit.verified


def test_itsr_does_not_reach_other_destinations() -> None:
    d = run(tx("2016-06-01", "AE", [item(us_content_value="10", direct_product_of=[])]))
    assert not {r for r in fired(d) if r.startswith("itsr")}


# --- foreign direct product rules ------------------------------------------------------------


def fdp(date: str, destination: str, made_of: list[str] | None, **extra: Any) -> Decision:
    fields: dict[str, Any] = {"origin": "TW", "us_content_value": "0"}
    if made_of is not None:
        fields["direct_product_of"] = made_of
    return run(tx(date, destination, [item(**fields)], **extra), WITH_LISTS)


@pytest.mark.parametrize(
    ("date", "rule"),
    [
        ("2022-02-02", "fdp-national-security-gp3"),
        ("2022-02-03", "fdp-national-security-734-9b"),
        ("2022-02-04", "fdp-national-security-734-9b"),
    ],
)
def test_national_security_fdp_moves_to_734_9_on_2022_02_03(date: str, rule: str) -> None:
    known = fdp(date, "CN", ["3E001"])
    assert known.items[0].jurisdiction is SUBJECT
    assert known.items[0].rule_id == rule
    unknown = fdp(date, "CN", None)
    assert unknown.items[0].jurisdiction is UNKNOWN
    assert rule in fired(unknown)
    assert "foreign direct product not assessed" in unknown.items[0].reason
    assert unknown.outcome is REVIEW
    none = fdp(date, "CN", [])
    assert none.items[0].jurisdiction is NOT_SUBJECT
    assert none.outcome is CLEAR


def test_national_security_fdp_does_not_reach_an_at_only_technology_or_germany() -> None:
    assert fdp("2016-06-01", "CN", ["3E991"]).items[0].jurisdiction is NOT_SUBJECT
    assert fdp("2016-06-01", "DE", None).outcome is CLEAR


HUAWEI = [
    {"role": "exporter", "name": "Example Foundry Corporation", "country": "TW"},
    {"role": "end_user", "name": "Huawei Technologies Co., Ltd.", "country": "CN"},
]


@pytest.mark.parametrize(
    ("date", "present"),
    [("2020-05-14", False), ("2020-05-15", True), ("2020-05-16", True), ("2022-02-03", True)],
)
def test_footnote_1_rule_from_2020_05_15(date: str, present: bool) -> None:
    d = fdp(date, "HK", None, parties=HUAWEI)  # declared to Hong Kong: only the footnote applies
    footnote_rules = {r for r in fired(d) if "footnote-1" in r}
    assert bool(footnote_rules) is present, sorted(fired(d))


@pytest.mark.parametrize(
    ("country", "date", "rule", "present"),
    [
        ("RU", "2022-02-23", "fdp-russia", False),
        ("RU", "2022-02-24", "fdp-russia", True),
        ("RU", "2022-02-25", "fdp-russia", True),
        ("BY", "2022-03-01", "fdp-belarus", False),
        ("BY", "2022-03-02", "fdp-belarus", True),
        ("BY", "2022-03-03", "fdp-belarus", True),
    ],
)
def test_russia_and_belarus_fdp_dates(country: str, date: str, rule: str, present: bool) -> None:
    d = fdp(date, country, ["4D994"])
    assert (d.items[0].rule_id == rule) is present, d.items[0].reason


# --- food and medicine by HTS ----------------------------------------------------------------


def north_korea(**fields: Any) -> dict[str, Any]:
    rice = {"description": "rice", "eccn": "EAR99", "origin": "US", "unit_value": "500"}
    return tx("2014-06-01", "KP", [rice | fields])


@pytest.mark.parametrize(
    ("fields", "outcome"),
    [
        ({"hts": "1006.30"}, CLEAR),  # food (chapter 10)
        ({"hts": "3004.90.9190"}, CLEAR),  # medicine (heading 3004)
        ({}, BLOCK),  # no hts: the exemption is not assumed, whatever the description
        ({"hts": "8471.30"}, BLOCK),  # not food or medicine
        ({"hts": "1006.30", "eccn": "5A991"}, BLOCK),  # on the CCL: not "designated EAR99"
    ],
)
def test_north_korea_exempts_ear99_food_and_medicine_by_hts(
    fields: dict[str, Any], outcome: Outcome
) -> None:
    assert run(north_korea(**fields)).outcome is outcome


@pytest.mark.parametrize("code", ["10063", "12345678901", "1006.3O", "", "१००६३०"])
def test_bad_hts_codes_are_refused(code: str) -> None:
    with pytest.raises(TransactionError, match="HTS"):
        parse_transaction(north_korea(hts=code))


def test_hts_is_kept_as_digits() -> None:
    assert parse_transaction(north_korea(hts="1006.30.90")).items[0].hts == "10063090"


# --- each Entity List entry's own licence requirement ----------------------------------------

CSL_TEXTS = [
    ("For all items subject to the EAR. (See §744.11 of the EAR)", (False, False, None, False)),
    (
        "For all items subject to the EAR when used in projects specified in §746.5 of the EAR.",
        (True, False, None, False),
    ),
    (
        "All items subject to the EAR except for food or medicine designated as EAR99. (See §§ "
        "734.9(g),3 746.8(a)(3), and 744.21(b) of the EAR)",
        (False, True, None, False),
    ),
    (
        "For all items subject to the EAR, see §§ 736.2(b)(3)(vi), and 744.11 of the EAR, EXCEPT "
        "for technology subject to the EAR that is designated as EAR99 ...",
        (False, False, 1, False),
    ),
    (
        "For all items subject to the EAR, with case-by-case basis for items listed on the CCL",
        (False, False, None, True),
    ),
    ("Licence for everything, see the FR notice", (False, False, None, True)),
]


@pytest.mark.parametrize(("text", "expected"), CSL_TEXTS)
def test_licence_requirements_of_the_csl_are_read(
    text: str, expected: tuple[bool, bool, int | None, bool]
) -> None:
    found = read_requirement(text)
    assert (found.projects_746_5, found.except_food_medicine, found.footnote) == expected[:3]
    assert (found.note is not None) is expected[3]


@given(st.text(max_size=200))
@SETTINGS
def test_unreadable_requirements_never_narrow(text: str) -> None:
    """Fail closed: only text that starts "all items subject to the EAR" can narrow anything."""
    found = read_requirement(text)
    if not " ".join(text.split()).lower().startswith(("all items", "for all items")):
        assert not found.projects_746_5
        assert not found.except_food_medicine


def test_an_entry_exempting_ear99_food_reaches_other_items(tmp_path: Path) -> None:
    rules_dir = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), rules_dir)
    with (rules_dir / "example-entries.yaml").open("w", encoding="utf-8") as f:
        f.write(
            "rules:\n  - id: example-military-plant\n    kind: entity\n"
            "    name: Example Military Plant\n"
            "    country: RU\n    citation: example\n"
            "\n  - id: el-example-military-plant\n    kind: listing\n"
            "    entity: example-military-plant\n    list: Entity List\n    from: 2022-03-03\n"
            "    licence_requirement: All items subject to the EAR except for food or medicine "
            "designated as EAR99.\n    citation: example\n"
        )
    rules = load_rules(rules_dir)
    plant = [
        {"role": "exporter", "name": "Example Exporter Inc.", "country": "US"},
        {"role": "end_user", "name": "Example Military Plant", "country": "RU", "address": MOSCOW},
    ]
    food = {"description": "flour", "eccn": "EAR99", "origin": "US", "hts": "1101.00"}
    tools = {"description": "tools", "eccn": "EAR99", "origin": "US", "hts": "8205.59"}
    only_food = run(tx("2022-06-01", "RU", [food], parties=plant), rules)
    # The entry exempts the food; the encoded HTS lists of 746.8 are partial, so an EAR99 item
    # they do not name still asks for a look (a review), never a clear.
    assert fired(only_food) == {"russia-belarus-ear99-unlisted"}
    assert only_food.outcome is REVIEW
    d = run(tx("2022-06-01", "RU", [food, tools], parties=plant), rules)
    assert d.outcome is BLOCK
    assert "el-example-military-plant" in fired(d)
    no_hts = {k: v for k, v in food.items() if k != "hts"}
    assert run(tx("2022-06-01", "RU", [no_hts], parties=plant), rules).outcome is BLOCK


@pytest.mark.parametrize(
    ("end_use", "outcome"),
    [(None, REVIEW), ("Arctic offshore drilling", BLOCK), ("canteen kitchen equipment", CLEAR)],
)
def test_rosneft_entry_reaches_only_746_5_projects(end_use: str | None, outcome: Outcome) -> None:
    parties = [
        {"role": "exporter", "name": "Example Pump Works Inc.", "country": "US"},
        {"role": "end_user", "name": "Rosneft", "country": "RU", "address": MOSCOW},
    ]
    pumps = {"description": "pumps", "eccn": "EAR99", "origin": "US"}
    extra = {"end_use": end_use} if end_use else {}
    d = run(tx("2016-06-01", "RU", [pumps], parties=parties, **extra), WITH_LISTS)
    assert d.outcome is outcome


@pytest.mark.parametrize(("date", "listed"), [("2014-09-16", False), ("2014-09-17", True)])
def test_rosneft_listing_dates(date: str, listed: bool) -> None:
    parties = [
        {"role": "exporter", "name": "Example Pump Works Inc.", "country": "US"},
        {"role": "end_user", "name": "Rosneft", "country": "RU", "address": MOSCOW},
    ]
    pumps = {"description": "pumps", "eccn": "EAR99", "origin": "US"}
    d = run(tx(date, "RU", [pumps], parties=parties, end_use="shale oil production"), WITH_LISTS)
    assert (ROSNEFT in fired(d)) is listed
