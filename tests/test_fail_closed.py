"""Paths that once ended in "clear" (or a crash) where they must not: each pinned here.

Found by an independent review of the engine; every case is a transaction or rule edit that a
careless implementation would let through.
"""

from __future__ import annotations

import io
import shutil
import sys
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

import pytest

from screening import (
    Jurisdiction,
    Outcome,
    RuleError,
    TransactionError,
    bundled_rules_dir,
    load_rules,
    screen,
)
from screening.cli import main

RULES = load_rules()


def tx(
    date: str,
    destination: str,
    items: list[dict[str, Any]],
    *,
    exporter: str = "CN",
    end_user: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    user = end_user or {"role": "end_user", "name": "Local Buyer", "country": destination}
    return {
        "id": "t-1",
        "date": date,
        "destination": destination,
        "parties": [
            # Not a US person, nor owned by one, unless in the US: US-person reach aside here.
            {"role": "exporter", "name": "Acme Export", "country": exporter}
            | ({} if exporter == "US" else {"us_person": False, "owners": []}),
            user,
        ],
        "items": items,
        **extra,
    }


def cn_item(us_content: str, unit_value: str = "100", eccn: str = "5A991") -> dict[str, Any]:
    return {
        "description": "router",
        "eccn": eccn,
        "origin": "CN",
        "unit_value": unit_value,
        "us_content_value": us_content,
        "direct_product_of": [],  # known: not a foreign direct product
    }


# --- jurisdiction ----------------------------------------------------------------------------


_UNSURE_LEVEL = """
  - id: de-minimis-e2-unsure
    kind: de_minimis
    title: A stricter level nobody confirmed
    percent: 10
    destinations: {groups: ["E:2"]}
    from: 2019-10-18
    to: 2019-10-20
    verified: false
    citation: a test rule
"""


@pytest.fixture(scope="module")
def unsure_rules(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The bundled rules plus an unverified 10% level for Cuba on Oct. 18-20, 2019."""
    directory = tmp_path_factory.mktemp("unsure") / "rules"
    shutil.copytree(bundled_rules_dir(), directory)
    path = directory / "de-minimis.yaml"
    path.write_text(path.read_text(encoding="utf-8") + _UNSURE_LEVEL, encoding="utf-8")
    return load_rules(directory)


def test_above_the_verified_level_blocks_even_when_a_stricter_level_is_unverified(
    unsure_rules: Any,
) -> None:
    # 30% is above the verified 25% anyway.
    d = screen(tx("2019-10-19", "CU", [cn_item("30")]), rules=unsure_rules)
    assert d.outcome is Outcome.BLOCK
    assert d.items[0].verified


def test_between_the_levels_on_an_uncertain_day_reviews(unsure_rules: Any) -> None:
    d = screen(tx("2019-10-19", "CU", [cn_item("15")]), rules=unsure_rules)
    assert d.outcome is Outcome.REVIEW
    assert not d.items[0].verified


def test_de_minimis_arithmetic_is_exact_for_huge_values() -> None:
    us, unit = "1000000000000000000000000000001", "10000000000000000000000000000000"
    d = screen(tx("2020-06-01", "CU", [cn_item(us, unit)]), rules=RULES)
    assert d.items[0].jurisdiction is Jurisdiction.SUBJECT
    assert d.outcome is Outcome.BLOCK


def test_de_minimis_does_not_depend_on_the_callers_decimal_context() -> None:
    with localcontext() as ctx:
        ctx.prec = 3
        d = screen(tx("2020-06-01", "CU", [cn_item("10.0004")]), rules=RULES)
    assert d.items[0].jurisdiction is Jurisdiction.SUBJECT
    assert "10.0004%" in d.items[0].reason


def test_foreign_made_item_exported_from_the_us_is_subject() -> None:
    d = screen(tx("2012-06-01", "IR", [cn_item("0")], exporter="US"), rules=RULES)
    assert d.items[0].jurisdiction is Jurisdiction.SUBJECT
    assert d.outcome is Outcome.BLOCK


def test_ships_from_overrides_the_exporters_country() -> None:
    d = screen(tx("2012-06-01", "IR", [cn_item("0")], ships_from="US"), rules=RULES)
    assert d.items[0].jurisdiction is Jurisdiction.SUBJECT


# --- regions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    ["вул. Пушкіна 1, Сімферополь, АР Крим", "Керч, вул. Леніна 5", "Sewastopol", "Kertsch"],  # noqa: RUF001
)
def test_crimea_is_recognised_in_ukrainian_and_german_spellings(address: str) -> None:
    user = {"role": "end_user", "name": "Port Services", "country": "UA", "address": address}
    items = [{"description": "router", "eccn": "5A991", "origin": "US"}]
    d = screen(tx("2016-06-01", "UA", items, end_user=user), rules=RULES)
    assert [h.rule_id for h in d.hits if h.outcome is Outcome.BLOCK] == ["embargo-crimea"]


def test_ukrainian_end_user_without_address_cannot_clear() -> None:
    user = {"role": "end_user", "name": "Port Services", "country": "UA"}
    items = [{"description": "router", "eccn": "5A991", "origin": "US"}]
    d = screen(tx("2016-06-01", "UA", items, end_user=user), rules=RULES)
    assert d.outcome is Outcome.REVIEW
    assert "embargo-crimea" in {h.rule_id for h in d.hits}


# --- items and names -------------------------------------------------------------------------


def test_ns_controlled_item_to_china_is_reviewed_not_cleared() -> None:
    items = [{"description": "radiation-hardened ICs", "eccn": "3A001", "origin": "US"}]
    d = screen(tx("2016-06-01", "CN", items), rules=RULES)
    assert d.outcome is Outcome.REVIEW
    assert "licence-country-chart" in {h.rule_id for h in d.hits}


@pytest.mark.parametrize("name", ["\u200b", "-", "…", "\u2060\u2060"])
def test_a_name_with_nothing_to_screen_is_refused(name: str) -> None:
    user = {"role": "end_user", "name": name, "country": "CN"}
    with pytest.raises(TransactionError) as info:
        screen(tx("2016-06-01", "CN", [cn_item("0")], end_user=user), rules=RULES)
    assert info.value.problems[0].path == "parties[1].name"


def test_roles_are_case_insensitive() -> None:
    user = {"role": "End_User", "name": "Local Buyer", "country": "CN"}
    d = screen(tx("2016-06-01", "CN", [cn_item("0")], end_user=user), rules=RULES)
    assert d.outcome is Outcome.CLEAR


def test_transshipment_hub_at_the_end_of_the_route_is_flagged() -> None:
    items = [{"description": "router", "eccn": "5A991", "origin": "US"}]
    user = {"role": "end_user", "name": "Tehran Buyer", "country": "IR"}
    d = screen(tx("2012-06-01", "IR", items, end_user=user, route=["CN", "HK"]), rules=RULES)
    assert "rf-transshipment-hub" in {h.rule_id for h in d.hits}


def test_screen_accepts_a_rules_directory_and_refuses_other_types() -> None:
    d = screen(tx("2016-06-01", "CN", [cn_item("0")]), rules=bundled_rules_dir())
    assert d.ruleset_fingerprint == RULES.fingerprint
    with pytest.raises(TypeError):
        screen(tx("2016-06-01", "CN", [cn_item("0")]), rules=42)  # type: ignore[arg-type]


# --- rule authoring --------------------------------------------------------------------------


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(bundled_rules_dir(), tmp_path / "rules"))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_licence_with_outcome_clear_is_refused(rules_copy: Path) -> None:
    path = rules_copy / "general-licences.yaml"
    _edit(path, "    to: 2016-08-30\n", "    to: 2016-08-30\n    outcome: clear\n")
    with pytest.raises(RuleError) as info:
        load_rules(rules_copy)
    [problem] = info.value.problems
    assert problem.rule_id == "tgl-zte-2016-ext1"
    assert problem.path == "outcome"


def test_an_unverified_licence_does_not_relax_a_listing(rules_copy: Path) -> None:
    path = rules_copy / "general-licences.yaml"
    _edit(path, "    to: 2016-06-30\n", "    to: 2016-06-30\n    verified: false\n")
    rules = load_rules(rules_copy)
    zte = {"role": "consignee", "name": "ZTE Corporation", "country": "CN"}
    items = [{"description": "router", "eccn": "5A991", "origin": "US"}]
    d = screen(tx("2016-05-01", "CN", items, end_user=zte), rules=rules)
    assert d.outcome is Outcome.BLOCK


def test_overlapping_classifications_of_one_eccn_are_refused(rules_copy: Path) -> None:
    extra = "\n  - id: eccn-5a991-again\n    kind: classification\n    eccn: 5A991\n"
    extra += "    reasons: []\n    citation: test\n"
    (rules_copy / "item-controls.yaml").write_text(
        (rules_copy / "item-controls.yaml").read_text(encoding="utf-8") + extra, encoding="utf-8"
    )
    with pytest.raises(RuleError) as info:
        load_rules(rules_copy)
    assert "ccl-5a991" in str(info.value)


def test_a_control_character_in_a_rule_file_is_a_located_error(rules_copy: Path) -> None:
    path = rules_copy / "red-flags.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# bell \x07\n", encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_rules(rules_copy)
    [problem] = info.value.problems
    assert problem.file is not None
    assert problem.file.endswith("red-flags.yaml")
    assert problem.line is not None
    assert "U+0007" in problem.message


# --- input files -----------------------------------------------------------------------------


def test_yaml_leading_zero_is_not_octal(tmp_path: Path) -> None:
    path = tmp_path / "tx.yaml"
    path.write_text(
        "id: t\ndate: 2020-05-04\ndestination: CU\n"
        "parties: [{role: exporter, name: Acme, country: CN}]\n"
        "items: [{description: router, origin: CN, unit_value: 100, us_content_value: 011}]\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    assert main(["screen", str(path), "--json"], stdout=out) == 2
    assert '"us_content_value":"11"' in out.getvalue()


def test_duplicate_json_keys_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tx.json"
    path.write_text(
        '{"id": "t", "date": "2012-01-01", "destination": "IR", "destination": "DE",'
        ' "items": [{"description": "x", "origin": "US"}]}',
        encoding="utf-8",
    )
    assert main(["screen", str(path)], stdout=io.StringIO()) == 3
    assert "duplicate key 'destination'" in capsys.readouterr().err


def test_transaction_errors_name_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tx.yaml"
    path.write_text(
        "id: t\ndate: 2012-01-01\ndestination: IR\nparties:\n"
        "  - {role: end_user, name: X, country: DX}\nitems: [{description: x, origin: US}]\n",
        encoding="utf-8",
    )
    assert main(["screen", str(path)], stdout=io.StringIO()) == 3
    assert f"{path}:5: parties[0].country: unknown country code 'DX'" in capsys.readouterr().err


def test_invalid_utf8_on_stdin_is_an_input_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class _Stdin:
        buffer = io.BytesIO(b"\xff\xfe{")

    monkeypatch.setattr(sys, "stdin", _Stdin())
    assert main(["screen", "-"], stdout=io.StringIO()) == 3
    assert "not UTF-8" in capsys.readouterr().err


def test_decimal_inputs_keep_their_exact_value() -> None:
    d = screen(tx("2020-06-01", "CU", [cn_item("10.0000001")]), rules=RULES)
    assert d.items[0].us_content_percent is not None
    assert d.items[0].us_content_percent > Decimal(10)


@pytest.mark.parametrize(
    ("address", "outcome"),
    [
        ("China", Outcome.REVIEW),
        ("Shenzhen", Outcome.REVIEW),
        (
            "2/3 Floor, Suite A, ZTE Communication Mansion Keji (S) Road, Hi-New Shenzhen",
            Outcome.BLOCK,
        ),
    ],
)
def test_only_a_distinctive_address_corroborates_a_possible_name_match(
    address: str, outcome: Outcome
) -> None:
    """'ZTE Kangxun' is a possible match for ZTE Kangxun Telecommunications Ltd.; a country or a
    city alone must not turn it into a match, the listed street address may."""
    user = {"role": "end_user", "name": "ZTE Kangxun", "country": "CN", "address": address}
    items = [{"description": "router", "eccn": "5A991", "origin": "US"}]
    d = screen(tx("2016-03-10", "CN", items, end_user=user), rules=RULES)
    assert d.outcome is outcome
    assert {h.rule_id for h in d.hits} == {"el-zte-kangxun"}
