"""Ownership rules (issue 16, item 3): OFAC's 50 percent rule and BIS's Affiliates Rule, with
owners from the transaction and from the ownership file. Each date is tested on both sides.

Owners: Novikombank and NPK Tekhmash (SDN entries of the May 2022 CSL, the extract beside the
ownership scenarios) and Beijing 8-Star (a bundled Entity List listing from 2016-03-08).
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.strategies import SETTINGS
from screening import Decision, Outcome, bundled_rules_dir, load_rules, screen

ROOT = Path(__file__).resolve().parents[2]
EXTRACT = ROOT / "examples" / "ownership" / "lists" / "csl-2022-05-sdn-extract.csv"
RULES = load_rules(lists=[EXTRACT])
CLEAR, REVIEW, BLOCK = Outcome.CLEAR, Outcome.REVIEW, Outcome.BLOCK

NOVIKOMBANK = "Joint Stock Commercial Bank Novikombank"
TEKHMASH = "NPK Tekhmash OAO"
EIGHT_STAR = "Beijing 8-Star International Co."
DISTRIBUTOR = "Anatolia Trade Distribution A.S."


def owner(name: str, share: Any, country: str = "RU", **extra: Any) -> dict[str, Any]:
    return {"name": name, "country": country, "share": str(share), **extra}


def order(
    date: str, owners: list[dict[str, Any]] | None, role: str = "consignee"
) -> dict[str, Any]:
    distributor: dict[str, Any] = {"role": role, "name": DISTRIBUTOR, "country": "TR"}
    if owners is not None:
        distributor["owners"] = owners
    parties = [
        {"role": "exporter", "name": "Acme Export Inc.", "country": "US", "owners": []},
        distributor,
        {"role": "end_user", "name": "Ege Telekom Hizmetleri Ltd.", "country": "TR", "owners": []},
    ]
    if role == "exporter":
        parties = parties[1:]
    return {
        "id": f"own-{date}",
        "date": date,
        "destination": "TR",
        "parties": parties,
        "items": [{"description": "router", "eccn": "5A991", "origin": "US", "unit_value": "900"}],
    }


def run(transaction: dict[str, Any], rules: Any = RULES) -> Decision:
    return screen(transaction, rules=rules)


def ownership_hits(d: Decision) -> dict[str, Any]:
    return {h.rule_id: h for h in d.hits if h.kind == "ownership_rule"}


def test_sixty_percent_sdn_owner_blocks_and_names_the_owner() -> None:
    d = run(order("2023-05-02", [owner(NOVIKOMBANK, 60)]))
    hit = ownership_hits(d)["ofac-50-percent"]
    assert (d.outcome, hit.outcome) == (BLOCK, BLOCK)
    assert "60%" in hit.message
    assert NOVIKOMBANK in hit.message
    assert hit.field == "parties[1].owners"


def test_forty_percent_sdn_owner_is_a_review_that_says_so() -> None:
    d = run(order("2023-05-02", [owner(NOVIKOMBANK, 40)]))
    hit = ownership_hits(d)["ofac-50-percent"]
    assert (d.outcome, hit.outcome) == (REVIEW, REVIEW)
    assert "40% by listed owners" in hit.message
    assert "below 50%" in hit.message


def test_two_sdn_owners_aggregate() -> None:
    d = run(order("2023-05-02", [owner(NOVIKOMBANK, 30), owner(TEKHMASH, 25)]))
    hit = ownership_hits(d)["ofac-50-percent"]
    assert hit.outcome is BLOCK
    assert "in aggregate 55%" in hit.message
    assert {NOVIKOMBANK, TEKHMASH} <= {line.split(" holds ")[0] for line in hit.evidence}


def test_an_owner_itself_majority_owned_counts_whole() -> None:
    holding = owner("Bosphorus Holding", 100, "TR", owners=[owner(NOVIKOMBANK, 60)])
    hit = ownership_hits(run(order("2023-05-02", [holding])))["ofac-50-percent"]
    assert hit.outcome is BLOCK
    assert "Bosphorus Holding holds 100% and is itself 60% owned" in hit.message


def test_a_share_down_a_chain_through_an_unblocked_owner_multiplies_and_reviews() -> None:
    holding = owner("Bosphorus Holding", 80, "TR", owners=[owner(NOVIKOMBANK, 40)])
    hit = ownership_hits(run(order("2023-05-02", [holding])))["ofac-50-percent"]
    assert hit.outcome is REVIEW
    assert "32% down chains" in hit.message


def test_unlisted_owners_give_no_ownership_hit() -> None:
    d = run(order("2023-05-02", [owner("Istanbul Family Holding", 100, "TR")]))
    assert ownership_hits(d) == {}
    assert d.outcome is CLEAR


def test_a_possible_name_match_of_an_owner_is_a_review() -> None:
    d = run(order("2023-05-02", [owner("Joint Stock Bank Novikombank", 60)]))
    hit = ownership_hits(d)["ofac-50-percent"]
    assert hit.outcome is REVIEW
    assert "possibly match" in hit.message


@pytest.mark.parametrize(
    ("date", "rule", "outcome"),
    [
        ("2014-08-12", "ofac-50-percent-2008", REVIEW),  # first guidance: unverified, no sum
        ("2014-08-13", "ofac-50-percent", BLOCK),
    ],
)
def test_aggregation_starts_with_the_2014_guidance(date: str, rule: str, outcome: Outcome) -> None:
    d = run(order(date, [owner(NOVIKOMBANK, 30), owner(TEKHMASH, 25)]))
    assert set(ownership_hits(d)) == {rule}
    assert ownership_hits(d)[rule].outcome is outcome


@pytest.mark.parametrize(
    ("date", "rules", "outcome"),
    [
        ("2025-09-28", set(), CLEAR),
        ("2025-09-29", {"bis-affiliates-rule"}, BLOCK),
        ("2025-11-09", {"bis-affiliates-rule"}, BLOCK),
        ("2025-11-10", {"bis-affiliates-rule-suspended"}, REVIEW),
        ("2026-11-09", {"bis-affiliates-rule-suspended"}, REVIEW),
        ("2026-11-10", {"bis-affiliates-rule-after-suspension"}, REVIEW),  # unverified: review
    ],
)
def test_affiliates_rule_windows(date: str, rules: set[str], outcome: Outcome) -> None:
    d = run(order(date, [owner(EIGHT_STAR, 60, "CN")]))
    hits = ownership_hits(d)
    assert set(hits) == rules
    assert all(h.outcome is outcome for h in hits.values())


def test_affiliates_rule_reaches_an_exporter_only_as_a_review() -> None:
    d = run(order("2025-10-15", [owner(EIGHT_STAR, 60, "CN")], role="exporter"))
    assert ownership_hits(d)["bis-affiliates-rule"].outcome is REVIEW


def _with_ownership_file(tmp_path: Path, lines: str) -> Any:
    rules_dir = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), rules_dir)
    (rules_dir / "ownership.yaml").write_text(f"rules:\n{lines}", encoding="utf-8")
    return load_rules(rules_dir, lists=[EXTRACT])


def test_owners_from_the_ownership_file_chain_and_window(tmp_path: Path) -> None:
    rules = _with_ownership_file(
        tmp_path,
        f"""
  - id: own-distributor-holding
    kind: ownership
    owned: {DISTRIBUTOR.upper()}
    owner: Bosphorus Holding
    share: 70
    citation: Turkish trade registry extract of 2023-01-10
  - id: own-holding-novikombank
    kind: ownership
    owned: Bosphorus Holding
    owner: {NOVIKOMBANK}
    share: 50
    from: 2023-01-01
    citation: Holding's annual report 2022
""",
    )
    hit = ownership_hits(run(order("2023-05-02", None), rules))["ofac-50-percent"]
    assert hit.outcome is BLOCK
    assert "Bosphorus Holding holds 70% and is itself 50% owned" in hit.message
    # Before the holding's line is in force, the chain ends and nothing is found.
    assert ownership_hits(run(order("2022-12-31", None), rules)) == {}


def test_an_owner_given_in_the_transaction_is_not_counted_twice(tmp_path: Path) -> None:
    rules = _with_ownership_file(
        tmp_path,
        f"""
  - id: own-distributor-novikombank
    kind: ownership
    owned: {DISTRIBUTOR}
    owner: {NOVIKOMBANK}
    share: 30
    citation: registry extract
""",
    )
    hit = ownership_hits(run(order("2023-05-02", [owner(NOVIKOMBANK, 30)]), rules))
    assert hit["ofac-50-percent"].outcome is REVIEW  # 30%, not 60%


@SETTINGS
@given(share=st.integers(min_value=1, max_value=100))
def test_one_listed_owner_blocks_from_fifty_percent_and_never_clears(share: int) -> None:
    hit = ownership_hits(run(order("2023-05-02", [owner(NOVIKOMBANK, share)])))["ofac-50-percent"]
    assert hit.outcome is (BLOCK if share >= 50 else REVIEW)


@SETTINGS
@given(
    outer=st.integers(min_value=1, max_value=100),
    inner=st.integers(min_value=1, max_value=49),
)
def test_a_chain_below_fifty_percent_multiplies_and_never_blocks(outer: int, inner: int) -> None:
    holding = owner("Bosphorus Holding", outer, "TR", owners=[owner(NOVIKOMBANK, inner)])
    hit = ownership_hits(run(order("2023-05-02", [holding])))["ofac-50-percent"]
    assert hit.outcome is REVIEW
    product = Decimal(outer) * Decimal(inner) / 100
    assert f"{float(product):.2f}".rstrip("0").rstrip(".") + "% down chains" in hit.message
