"""The UN, EU and OpenSanctions lists in a rule set: each entry gets the policy of its list and
regime from rules/lists.yaml, hits cite the regime and the list's own reference, and a weak
alias can raise a review but never a block."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from helpers.listdata import EU_XML, FTM, UK_XML, UN, needs_data
from helpers.ruleedit import replace_once
from screening import Outcome, RuleError, RuleSet, bundled_rules_dir, load_rules, screen
from screening.lists import read_list
from screening.rules import ListPolicy

KOMID = "KOREA MINING DEVELOPMENT TRADING CORPORATION"


def tx(name: str, *, role: str = "consignee", date: str = "2026-03-01") -> dict[str, Any]:
    """A transaction of one US-origin router with one party and a declared end user."""
    return {
        "id": "t",
        "date": date,
        "destination": "CN",
        "parties": [
            {"role": role, "name": name, "country": "CN"},
            {"role": "end_user", "name": "Zzyzx Qwvb", "country": "CN"},
        ],
        "items": [{"description": "router", "eccn": "5A991", "origin": "US", "unit_value": "100"}],
    }


@pytest.fixture(scope="module")
def un_rules() -> RuleSet:
    if not UN.exists():
        pytest.skip(f"shared list snapshots not found at {UN}")
    return load_rules(lists=[UN])


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), target)
    return target


@needs_data
def test_a_un_listed_entity_gives_its_regime_policy_citing_the_reference(
    un_rules: RuleSet,
) -> None:
    decision = screen(tx("Korea Mining Development Trading Corporation"), rules=un_rules)
    (hit,) = [h for h in decision.hits if h.list_entry is not None]
    assert hit.outcome is Outcome.REVIEW  # list-policy-un-dprk: a UN listing alone is a review
    assert decision.outcome is Outcome.REVIEW
    assert (hit.rule_id, hit.list_entry, hit.listed_name) == ("un-un-kpe.001", "KPe.001", KOMID)
    assert hit.list == "UN Security Council Consolidated List"
    assert hit.citation == (
        "UN Security Council Consolidated List (DPRK sanctions regime, KPe.001), "
        "https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list; "
        "UN Security Council resolution 1718 (2006) and successors (DPRK sanctions)"
    )
    row = next(e.row for e in read_list(UN).entries if e.id == "KPe.001")
    assert hit.source == f"{UN}:{row}"
    assert "UN entry KPe.001" in " ".join(hit.evidence)


@needs_data
def test_every_un_regime_in_the_snapshot_has_its_own_policy(un_rules: RuleSet) -> None:
    policies = {p.id: p for p in un_rules.of_kind(ListPolicy)}
    regimes = {r for p in policies.values() if p.lists == ("UN",) for r in p.regimes}
    assert {p for e in read_list(UN).entries for p in e.programs} <= regimes
    listing = un_rules.listings["un-un-qde.004.party"][0]
    assert listing.policy == "list-policy-un-al-qaida"  # type: ignore[attr-defined]


@needs_data
def test_a_weak_alias_is_a_review_even_where_the_list_blocks(rules_copy: Path) -> None:
    # A team that makes the UN list block (as rules/README.md shows for the EU).
    replace_once(
        rules_copy / "lists.yaml",
        "lists: [UN]\n    outcome: review",
        "lists: [UN]\n    outcome: block",
    )
    replace_once(
        rules_copy / "lists.yaml",
        'regimes: ["DRC"]\n    outcome: review',
        'regimes: ["DRC"]\n    outcome: block',
    )
    rules = load_rules(rules_copy, lists=[UN])
    strong = screen(tx("Gaston Iyamuremye"), rules=rules)
    assert strong.outcome is Outcome.BLOCK
    weak = screen(tx("Rumuli"), rules=rules)  # QUALITY Low on CDi.003
    (hit,) = [h for h in weak.hits if h.list_entry == "CDi.003"]
    assert (hit.outcome, hit.listed_name, hit.score, hit.verified) == (
        Outcome.REVIEW,
        "Rumuli",
        1.0,
        False,
    )
    assert hit.notes == (
        "The listed name 'Rumuli' is an unverified alias (a weak alias: UN Security Council "
        "Consolidated List rates it of low quality).",
        "Would block, but rests on a fact not confirmed by a primary source.",
    )


def test_an_eu_team_makes_the_eu_list_block(rules_copy: Path) -> None:
    us = screen(tx("Test Oil Trading Company"), rules=load_rules(lists=[EU_XML]))
    assert us.outcome is Outcome.REVIEW
    replace_once(
        rules_copy / "lists.yaml",
        "lists: [EU]\n    outcome: review",
        "lists: [EU]\n    outcome: block",
    )
    rules = load_rules(rules_copy, lists=[EU_XML])
    decision = screen(tx("Test Oil Trading Company"), rules=rules)
    (hit,) = [h for h in decision.hits if h.list_entry is not None]
    assert (decision.outcome, hit.list_entry) == (Outcome.BLOCK, "logical-9002")
    assert hit.citation.startswith(
        "EU Financial Sanctions Files (consolidated list) (SYR programme, 36/2012 (OJ L16), "
        "logical id 9002)"
    )
    arabic = screen(tx("شركة تجارة النفط التجريبية"), rules=rules)
    assert arabic.outcome is Outcome.BLOCK  # a strong alias in Arabic script
    weak = screen(tx("TOTC"), rules=rules)
    assert weak.outcome is Outcome.REVIEW  # strong="false"


def test_a_regime_policy_wins_over_the_list_policy_and_the_strictest_regime_wins(
    rules_copy: Path,
) -> None:
    text = (rules_copy / "lists.yaml").read_text("utf-8")
    (rules_copy / "lists.yaml").write_text(
        text + "\n  - id: eu-russia-blocks\n    kind: list_policy\n    lists: [EU]\n"
        "    regimes: [RUS]\n    outcome: block\n    items: all\n"
        "    citation: Council Regulation (EU) No 269/2014\n"
        "\n  - id: eu-ukraine-reviews\n    kind: list_policy\n    lists: [EU]\n"
        "    regimes: [ukr]\n    outcome: review\n    items: all\n    citation: x\n",
        "utf-8",
    )
    rules = load_rules(rules_copy, lists=[EU_XML])
    person = screen(tx("Ivan Petrovich Testov"), rules=rules)  # RUS and UKR
    assert person.outcome is Outcome.BLOCK
    (hit,) = [h for h in person.hits if h.list_entry is not None]
    assert hit.citation.endswith("; Council Regulation (EU) No 269/2014")
    company = screen(tx("Test Oil Trading Company"), rules=rules)  # SYR: the list's policy
    assert company.outcome is Outcome.REVIEW


def test_two_policies_for_one_regime_are_refused(rules_copy: Path) -> None:
    text = (rules_copy / "lists.yaml").read_text("utf-8")
    (rules_copy / "lists.yaml").write_text(
        text + "\n  - id: un-dprk-again\n    kind: list_policy\n    lists: [UN]\n"
        '    regimes: ["dprk"]\n    outcome: block\n    citation: x\n',
        "utf-8",
    )
    with pytest.raises(RuleError) as err:
        load_rules(rules_copy)
    assert any(
        "list 'UN' regime 'dprk' already has a policy ('list-policy-un-dprk')" in str(p)
        for p in err.value.problems
    )


def test_opensanctions_entries_are_reviews() -> None:
    rules = load_rules(lists=[FTM])
    decision = screen(tx("Ivan Testov", role="buyer"), rules=rules)
    (hit,) = [h for h in decision.hits if h.list_entry is not None]
    assert (hit.outcome, hit.list_entry) == (Outcome.REVIEW, "NK-testperson1")
    assert "(eu_fsf, gb_hmt_sanctions, NK-testperson1)" in hit.citation


def test_a_uk_listing_is_a_review_citing_the_regime_and_the_un_reference() -> None:
    decision = screen(tx("Test Trading Corporation"), rules=load_rules(lists=[UK_XML]))
    (hit,) = [h for h in decision.hits if h.list_entry is not None]
    assert (hit.outcome, hit.rule_id, hit.list) == (
        Outcome.REVIEW,
        "uk-uk-dpr9001",
        "UK Sanctions List (FCDO)",
    )
    assert hit.citation.startswith(
        "UK Sanctions List (FCDO) (Democratic People's Republic of Korea regime, DPR9001, "
        "UN KPe.901), https://www.gov.uk/government/publications/the-uk-sanctions-list; "
        "Sanctions and Anti-Money Laundering Act 2018"
    )
