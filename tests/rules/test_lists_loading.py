"""Official lists in a rule set: `load_rules(lists=[...])` screens their entries under the
``list_policy`` rules, hits cite the entry, and what cannot be loaded is refused whole."""

from __future__ import annotations

import datetime as dt
import pickle
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from helpers.listdata import (
    API_JSON,
    CSL_2022,
    CSL_2025,
    DPL,
    EL,
    MEU,
    OFAC_SET,
    UVL,
    needs_data,
    row,
    write_csl,
)
from screening import (
    Decision,
    ListError,
    ListVersion,
    Outcome,
    Role,
    RuleError,
    RuleSet,
    bundled_rules_dir,
    load_rules,
    screen,
)

ROOT = Path(__file__).resolve().parents[2]
STAR = "Beijing 8-Star International Co."
STAR_ID = "f7d0f430d30acd219f80667b215686234c9df584"
CSL_SHA = "f55c580c0eadaeef6f291d5cd3653b147650c2019f227c92a93814aa5dc4364c"


def tx(
    name: str,
    *,
    role: str = "consignee",
    country: str = "CN",
    date: str = "2022-06-01",
    origin: str = "US",
    us_content: str | None = None,
) -> dict[str, Any]:
    """A transaction of one US-origin router (or a foreign-made one) with one party."""
    item: dict[str, Any] = {
        "description": "router",
        "eccn": "5A991",
        "origin": origin,
        "unit_value": "100",
    }
    if us_content is not None:
        item["us_content_value"] = us_content
        item["direct_product_of"] = []  # known: not a foreign direct product
    # One party only: each party name is searched against every listed name, and the full
    # lists hold ~60k names (the index that makes this fast is the names module's business).
    parties = [{"role": role, "name": name, "country": country}]
    return {
        "id": "t",
        "date": date,
        "destination": country,
        "parties": parties,
        "items": [item],
    }


def list_hits(decision: Decision) -> list[Any]:
    return [h for h in decision.hits if h.list_entry is not None]


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), target)
    return target


# --- the Consolidated Screening List ----------------------------------------------------------


@needs_data
def test_done_when_csl_screens_beijing_8_star_to_block_citing_81_fr_12004(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    rules = load_rules(lists=["../shared/data/csl/consolidated_csl_2022-05.csv.gz"])
    decision = screen(tx(STAR), rules=rules)
    assert decision.outcome is Outcome.BLOCK
    (hit,) = [h for h in decision.hits if h.list_entry == STAR_ID]
    assert hit.outcome is Outcome.BLOCK
    assert hit.rule_id == f"csl-el-{STAR_ID}"
    assert hit.kind == "listing"
    assert hit.citation == (
        "81 FR 12004; 15 CFR 744.11 and 744.16; Supp. No. 4 to part 744 (the Entity List)"
    )
    assert hit.list == EL
    assert hit.list_version == CSL_SHA
    assert hit.source == "../shared/data/csl/consolidated_csl_2022-05.csv.gz:2444"
    assert hit.listed_name == STAR
    assert hit.field == "parties[0].name"
    assert decision.outcome is Outcome.BLOCK
    assert f"EL entry {STAR_ID}" in " ".join(hit.evidence)
    assert decision.lists == (
        ListVersion(
            file="../shared/data/csl/consolidated_csl_2022-05.csv.gz",
            format="csl-csv",
            sha256=CSL_SHA,
            entries=14159,
        ),
    )
    assert decision.ruleset_fingerprint == rules.fingerprint != load_rules().fingerprint


@pytest.fixture(scope="module")
def csl_rules() -> RuleSet:
    if not CSL_2022.exists():
        pytest.skip(f"shared list snapshots not found at {CSL_2022}")
    return load_rules(lists=[CSL_2022])


@needs_data
def test_entity_list_in_another_role_is_a_review(csl_rules: RuleSet) -> None:
    decision = screen(tx(STAR, role="exporter"), rules=csl_rules)
    (hit,) = [h for h in decision.hits if h.list_entry == STAR_ID]
    assert hit.outcome is Outcome.REVIEW
    assert "this party is the exporter" in " ".join(hit.notes)


@needs_data
def test_entity_list_entry_is_not_in_force_before_its_start_date(csl_rules: RuleSet) -> None:
    decision = screen(tx(STAR, date="2015-06-01"), rules=csl_rules)
    assert [h for h in decision.hits if h.list_entry == STAR_ID] == []


@needs_data
@pytest.mark.parametrize(
    ("name", "policy_list", "outcome"),
    [
        ("AECC South Industry Co. Ltd", UVL, Outcome.REVIEW),
        ("AECC Aero Science & Technology Co. Ltd.", MEU, Outcome.REVIEW),
    ],
)
def test_unverified_and_military_end_user_lists_give_review(
    csl_rules: RuleSet, name: str, policy_list: str, outcome: Outcome
) -> None:
    decision = screen(tx(name), rules=csl_rules)
    hits = [h for h in list_hits(decision) if h.listed_name == name]
    assert [(h.list, h.outcome) for h in hits] == [(policy_list, outcome)]
    assert decision.outcome is Outcome.REVIEW


# --- OFAC -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ofac_rules() -> RuleSet:
    if not OFAC_SET.exists():
        pytest.skip(f"shared list snapshots not found at {OFAC_SET}")
    return load_rules(lists=[OFAC_SET])


@needs_data
@pytest.mark.parametrize("name", ["BANCO NACIONAL DE CUBA", "National Bank of Cuba"])
def test_sdn_name_or_alias_from_the_ofac_files_blocks(ofac_rules: RuleSet, name: str) -> None:
    decision = screen(tx(name, role="payer", country="ES"), rules=ofac_rules)
    assert decision.outcome is Outcome.BLOCK
    (hit,) = [h for h in decision.hits if h.rule_id == "ofac-sdn-306"]
    assert hit.outcome is Outcome.BLOCK
    assert hit.list_entry == "306"
    assert hit.source == f"{OFAC_SET}/sdn.csv:3"
    assert hit.citation == (
        "Specially Designated Nationals (SDN) - Treasury Department, "
        "https://sanctionslist.ofac.treas.gov/Home/SdnList; "
        "31 CFR chapter V (OFAC sanctions regulations); the SDN List"
    )
    assert hit.list_version == ofac_rules.lists[0].sha256


@needs_data
def test_sdn_blocks_items_not_subject_to_the_ear(ofac_rules: RuleSet) -> None:
    decision = screen(tx("BANCO NACIONAL DE CUBA", origin="DE", us_content="0"), rules=ofac_rules)
    assert decision.items[0].jurisdiction.value == "not_subject"
    assert decision.outcome is Outcome.BLOCK


# --- the BIS Denied Persons List --------------------------------------------------------------


@pytest.fixture(scope="module")
def dpl_rules() -> RuleSet:
    if not DPL.exists():
        pytest.skip(f"shared list snapshots not found at {DPL}")
    return load_rules(lists=[DPL])


@needs_data
def test_denied_person_blocks_in_any_role_while_the_order_runs(dpl_rules: RuleSet) -> None:
    decision = screen(tx("Zimo Sheng", role="forwarder", date="2021-05-01"), rules=dpl_rules)
    (hit,) = list_hits(decision)
    assert hit.outcome is Outcome.BLOCK
    assert hit.citation.startswith("85 F.R. 16054 3/20/2020; 15 CFR 736.2(b)(4)")
    after = screen(tx("Zimo Sheng", role="forwarder", date="2029-01-01"), rules=dpl_rules)
    assert list_hits(after) == []  # the order expired on 2028-12-13


@needs_data
def test_denied_person_with_items_not_subject_to_the_ear(dpl_rules: RuleSet) -> None:
    decision = screen(
        tx("Zimo Sheng", date="2021-05-01", origin="DE", us_content="0"), rules=dpl_rules
    )
    assert list_hits(decision) == []


# --- policies ---------------------------------------------------------------------------------


def test_json_list_loads_and_cites_its_result(tmp_path: Path) -> None:
    rules = load_rules(lists=[API_JSON])
    decision = screen(tx("ZTE Parsian", country="IR"), rules=rules)
    hits = [h for h in list_hits(decision) if h.listed_name == "ZTE Parsian"]
    assert [h.outcome for h in hits] == [Outcome.BLOCK]
    assert hits[0].source == f"{API_JSON}:results[1]"


def test_every_list_needs_a_policy(rules_copy: Path, tmp_path: Path) -> None:
    text = (rules_copy / "lists.yaml").read_text("utf-8")
    start = text.index("  - id: list-policy-other-lists")
    (rules_copy / "lists.yaml").write_text(text[:start], "utf-8")
    path = write_csl(
        tmp_path / "l.csv",
        [
            row(EL, "Alpha Co."),
            row("Foo Sanctions (FOO) - Agency", "Beta"),
            row("Bar Agency List", "Gamma"),
            row("Bar Agency List", "Delta"),
        ],
    )
    with pytest.raises(ListError) as caught:
        load_rules(rules_copy, lists=[path])
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:3: 1 entry of list 'FOO' (Foo Sanctions (FOO) - Agency) without a list_policy "
        "(this is the first): add a list_policy rule with lists: [FOO], or a catch-all with "
        "lists: ['*']",
        f"{path}:4: 2 entries of list 'BAR-AGENCY' (Bar Agency List) without a list_policy "
        "(this is the first): add a list_policy rule with lists: [BAR-AGENCY], or a catch-all "
        "with lists: ['*']",
    ]


def test_the_catch_all_reviews_lists_without_their_own_policy(tmp_path: Path) -> None:
    path = write_csl(tmp_path / "l.csv", [row("Foo Sanctions (FOO) - Agency", "Gamma Trading")])
    rules = load_rules(lists=[path])
    (hit,) = list_hits(screen(tx("Gamma Trading"), rules=rules))
    assert hit.outcome is Outcome.REVIEW
    assert hit.rule_id == "csl-foo-" + hit.list_entry  # type: ignore[operator]
    assert hit.citation == (
        "Foo Sanctions (FOO) - Agency; Official screening list without a policy in "
        "rules/lists.yaml (reviewed by default)"
    )


def test_a_policy_is_edited_like_any_rule(rules_copy: Path, tmp_path: Path) -> None:
    path = write_csl(tmp_path / "l.csv", [row(UVL, "Gamma Trading", addresses="Dubai, AE")])
    assert screen(tx("Gamma Trading"), rules=load_rules(rules_copy, lists=[path])).outcome == (
        Outcome.REVIEW
    )
    text = (rules_copy / "lists.yaml").read_text("utf-8")
    text = text.replace(
        "    lists: [UVL]\n    outcome: review\n", "    lists: [UVL]\n    outcome: block\n"
    )
    (rules_copy / "lists.yaml").write_text(text, "utf-8")
    decision = screen(tx("Gamma Trading"), rules=load_rules(rules_copy, lists=[path]))
    assert decision.outcome is Outcome.BLOCK


def _lists_yaml_line(rules_copy: Path, needle: str) -> int:
    lines = (rules_copy / "lists.yaml").read_text("utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "message", "at"),
    [
        (
            "    lists: [UVL]\n",
            "    lists: [UVL, EL]\n",
            "rule 'list-policy-unverified-list' → lists[1]: list 'EL' already has a policy "
            "('list-policy-entity-list')",
            "    lists: [UVL, EL]",
        ),
        (
            "    lists: [UVL]\n",
            "    lists: [UVL]\n    from: 2020-01-01\n",
            "rule 'list-policy-unverified-list' → a list_policy takes no 'from' / 'to': each list "
            "entry brings its own dates",
            "  - id: list-policy-unverified-list",
        ),
        (
            "    lists: [UVL]\n    outcome: review\n",
            "    lists: [UVL]\n",
            "rule 'list-policy-unverified-list' → outcome: missing required key",
            "  - id: list-policy-unverified-list",
        ),
        (
            "    lists: [UVL]\n",
            "    list: [UVL]\n",
            "rule 'list-policy-unverified-list' → list: unknown key 'list' (did you mean 'lists'?)",
            "    list: [UVL]",
        ),
        (
            "    lists: [UVL]\n",
            "    lists: [U V L]\n",
            "rule 'list-policy-unverified-list' → lists[0]: String should match pattern '^(\\*|"
            "[A-Z0-9][A-Z0-9-]{0,39})$' (got 'U V L')",
            "    lists: [U V L]",
        ),
    ],
)
def test_policy_mistakes_are_rule_errors_with_file_and_line(
    rules_copy: Path, old: str, new: str, message: str, at: str
) -> None:
    text = (rules_copy / "lists.yaml").read_text("utf-8")
    assert old in text
    (rules_copy / "lists.yaml").write_text(text.replace(old, new, 1), "utf-8")
    with pytest.raises(RuleError) as caught:
        load_rules(rules_copy)
    assert not isinstance(caught.value, ListError)
    where = f"{rules_copy}/lists.yaml:{_lists_yaml_line(rules_copy, at)}: "
    assert any(str(p).startswith(where + message) for p in caught.value.problems), [
        str(p) for p in caught.value.problems
    ]


def test_a_bad_list_code_is_one_problem(rules_copy: Path) -> None:
    text = (rules_copy / "lists.yaml").read_text("utf-8")
    (rules_copy / "lists.yaml").write_text(text.replace("[UVL]", "[U V L]", 1), "utf-8")
    with pytest.raises(RuleError) as caught:
        load_rules(rules_copy)
    assert [p.path for p in caught.value.problems] == ["lists[0]"]


def test_hand_written_entities_still_need_a_country(rules_copy: Path) -> None:
    text = (rules_copy / "parties.yaml").read_text("utf-8")
    (rules_copy / "parties.yaml").write_text(text.replace("    country: CN\n", "", 1), "utf-8")
    with pytest.raises(RuleError) as caught:
        load_rules(rules_copy)
    assert [p.message for p in caught.value.problems] == ["missing required key"]
    assert caught.value.problems[0].path == "country"


def test_list_entries_may_have_no_country(tmp_path: Path) -> None:
    path = write_csl(tmp_path / "l.csv", [row(EL, "Vessel Without Flag")])
    rules = load_rules(lists=[path])
    entity = next(e for e in rules.entities.values() if e.name == "Vessel Without Flag")
    assert entity.country is None


def test_list_entries_share_their_field_names_and_stay_independent(tmp_path: Path) -> None:
    """Entries of one shape share one set of field names (memory); each model still says which
    fields were set, and a copy with changes is a model of its own."""
    path = write_csl(
        tmp_path / "l.csv",
        [row(EL, "Alpha Trading", alt_names="Alfa Trading"), row(EL, "Beta Trading")],
    )
    rules = load_rules(lists=[path])
    wanted = {"Alpha Trading", "Beta Trading"}
    alpha, beta = (e for e in rules.entities.values() if e.name in wanted)
    assert alpha.model_fields_set is beta.model_fields_set
    assert {"name", "aliases", "citation"} <= alpha.model_fields_set
    copy = alpha.model_copy(update={"note": "checked"})
    assert "note" in copy.model_fields_set
    assert "note" not in beta.model_fields_set
    assert copy.note == "checked"
    assert beta.note is None
    restored = pickle.loads(pickle.dumps(rules))
    assert [e.model_fields_set for e in restored.entities.values()] == [
        e.model_fields_set for e in rules.entities.values()
    ]


def test_list_entries_share_equal_values_of_the_same_type(tmp_path: Path) -> None:
    """Equal texts of the entries' models are one object (memory: the citation, country and
    list version repeat in every entry), and a text never takes the place of the `StrEnum`
    member it equals, nor the other way round."""
    path = write_csl(
        tmp_path / "l.csv",
        [
            row(EL, "Alpha Trading", addresses="Dubai, AE"),
            row(EL, "Beta Trading", addresses="Dubai, AE"),
        ],
    )
    rules = load_rules(lists=[path])
    wanted = {"Alpha Trading", "Beta Trading"}
    alpha, beta = (e for e in rules.entities.values() if e.name in wanted)
    assert alpha.country == beta.country == "AE"
    assert alpha.country is beta.country
    assert alpha.countries is beta.countries
    first, second = (rules.listings[e.id][0] for e in (alpha, beta))
    assert first.list_version is second.list_version
    assert first.list is second.list
    assert type(first.outcome) is Outcome
    assert all(type(role) is Role for role in first.roles)
    assert first.roles is second.roles
    assert [type(x) for x in pickle.loads(pickle.dumps(first)).roles] == [Role] * len(first.roles)
    # Their fields sit in dicts that share one table of keys: equal to pydantic's own.
    again = type(first).model_validate(first.model_dump(by_alias=True))
    assert again == first
    assert again.__dict__ == first.__dict__
    assert list(again.__dict__) == list(first.__dict__)
    if sys.implementation.name == "cpython":  # key-sharing dicts (PEP 412): smaller than its own
        assert sys.getsizeof(first.__dict__) < sys.getsizeof(again.__dict__)


# --- lists named in the rule files ------------------------------------------------------------


def test_rule_file_names_lists_relative_to_the_rules_directory(
    rules_copy: Path, tmp_path: Path
) -> None:
    write_csl(rules_copy.parent / "el.csv", [row(EL, "Gamma Trading", addresses="Dubai, AE")])
    text = (rules_copy / "lists.yaml").read_text("utf-8")
    (rules_copy / "lists.yaml").write_text(text.replace("lists: []", "lists: [../el.csv]"), "utf-8")
    rules = load_rules(rules_copy)
    assert [v.file for v in rules.lists] == [f"{rules_copy}/../el.csv"]
    assert screen(tx("Gamma Trading"), rules=rules).outcome is Outcome.BLOCK


def test_missing_list_named_in_a_rule_file(rules_copy: Path) -> None:
    text = (rules_copy / "lists.yaml").read_text("utf-8")
    (rules_copy / "lists.yaml").write_text(
        text.replace("lists: []", "lists:\n  - ../nowhere.csv"), "utf-8"
    )
    with pytest.raises(ListError) as caught:
        load_rules(rules_copy)
    assert [str(p) for p in caught.value.problems] == [
        f"{rules_copy}/lists.yaml:{_lists_yaml_line(rules_copy, '../nowhere.csv')}: lists[0]: "
        f"list file not found: {rules_copy}/../nowhere.csv"
    ]


# --- refused whole ----------------------------------------------------------------------------


def test_a_bad_list_loads_nothing(tmp_path: Path, rules_copy: Path) -> None:
    path = write_csl(tmp_path / "l.csv", [row(EL, "Alpha", start_date="yesterday")])
    with pytest.raises(ListError) as caught:
        load_rules(lists=[path])
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:2: start_date: invalid date 'yesterday' (expected YYYY-MM-DD)"
    ]
    # With broken rules too, every problem is reported at once.
    (rules_copy / "lists.yaml").write_text(
        (rules_copy / "lists.yaml")
        .read_text("utf-8")
        .replace("outcome: block", "outcome: stop", 1),
        "utf-8",
    )
    with pytest.raises(ListError) as caught:
        load_rules(rules_copy, lists=[path])
    assert len(caught.value.problems) == 2


def test_one_list_twice_is_refused(tmp_path: Path) -> None:
    first = write_csl(tmp_path / "a.csv", [row(EL, "Alpha", _id="e1")])
    second = write_csl(tmp_path / "b.csv", [row(EL, "Alpha Co.", _id="e1")])
    with pytest.raises(ListError) as caught:
        load_rules(lists=[first, second])
    assert [str(p) for p in caught.value.problems] == [
        f"{second}:2: entry EL e1 is also in {first}:2: load one version of a list at a time"
    ]


def test_lists_must_be_a_sequence_of_paths() -> None:
    with pytest.raises(TypeError, match="sequence of paths"):
        load_rules(lists="l.csv")  # type: ignore[arg-type]


def test_an_entry_id_that_is_not_a_rule_id_is_hashed(tmp_path: Path) -> None:
    path = write_csl(tmp_path / "l.csv", [row(EL, "Alpha", _id="EL/2016 #7 (Beijing)")])
    rules = load_rules(lists=[path])
    (listing,) = [r for r in rules if getattr(r, "entry_id", None) == "EL/2016 #7 (Beijing)"]
    assert listing.id.startswith("csl-el-h")
    (hit,) = list_hits(screen(tx("Alpha"), rules=rules))
    assert hit.list_entry == "EL/2016 #7 (Beijing)"


# --- versions ---------------------------------------------------------------------------------


@needs_data
def test_fingerprint_covers_the_lists(tmp_path: Path) -> None:
    shutil.copy(CSL_2025, tmp_path / "l.csv")
    before = load_rules(lists=[tmp_path / "l.csv"])
    assert before.fingerprint != load_rules().fingerprint
    moved = tmp_path / "elsewhere.csv"
    shutil.copy(CSL_2025, moved)
    assert load_rules(lists=[moved]).fingerprint == before.fingerprint  # content, not place
    text = (tmp_path / "l.csv").read_text("utf-8").replace("Atlas Sanatgaran", "Atlas Sanat")
    (tmp_path / "l.csv").write_text(text, "utf-8")
    assert load_rules(lists=[tmp_path / "l.csv"]).fingerprint != before.fingerprint


@needs_data
def test_decisions_with_lists_are_deterministic() -> None:
    rules = load_rules(lists=[CSL_2025, DPL])
    first = screen(tx("Atlas Sanatgaran", country="AM"), rules=rules)
    second = screen(tx("Atlas Sanatgaran", country="AM"), rules=load_rules(lists=[CSL_2025, DPL]))
    assert first.to_dict() == second.to_dict()
    assert [v.format for v in first.lists] == ["csl-csv", "bis-dpl"]
    assert first.outcome is Outcome.REVIEW  # the Unverified List


def test_dates_of_list_listings_are_the_entry_dates(tmp_path: Path) -> None:
    path = write_csl(
        tmp_path / "l.csv",
        [row(EL, "Windowed Co.", start_date="2020-01-01", end_date="2020-12-31")],
    )
    rules = load_rules(lists=[path])
    day = dt.date(2020, 6, 1)
    assert screen(tx("Windowed Co."), rules=rules, as_of=day).outcome is Outcome.BLOCK
    assert list_hits(screen(tx("Windowed Co."), rules=rules, as_of=dt.date(2021, 1, 1))) == []
