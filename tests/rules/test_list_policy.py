"""List entries as rules (`screening.rules._listpolicy`): each entry of a loaded list becomes an
entity and a listing under the ``list_policy`` of its source list: the policy gives outcome,
roles and item scope; the entry gives names, addresses, countries, dates and its citation.
Screening with those rules is tested in test_lists_loading.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.listdata import CSL_2025, DPL, EL, OFAC_SET, SDN, needs_data, row, write_csl
from helpers.strategies import SETTINGS
from screening import RuleSet, load_rules
from screening.lists import ListEntry, ListFile, read_list
from screening.rules import ListedEntity, ListedListing
from screening.rules._listpolicy import list_rules, rule_id

RULE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
BUNDLED = load_rules()


def listings(rules: RuleSet) -> dict[str, ListedListing]:
    return {r.entry_id: r for r in rules if isinstance(r, ListedListing)}


def entity_of(rules: RuleSet, listing: ListedListing) -> ListedEntity:
    entity = rules[listing.entity]
    assert isinstance(entity, ListedEntity)
    return entity


@pytest.fixture(scope="module")
def csl_2025() -> tuple[ListFile, RuleSet]:
    if not CSL_2025.exists():
        pytest.skip(f"shared list snapshots not found at {CSL_2025}")
    listed = read_list(CSL_2025)
    return listed, load_rules(lists=[listed])


# --- every entry, one entity and one listing --------------------------------------------------


@needs_data
def test_every_entry_is_one_listing_and_one_entity(csl_2025: tuple[ListFile, RuleSet]) -> None:
    listed, rules = csl_2025
    by_entry = listings(rules)
    assert len(by_entry) == len(listed.entries) == 13
    assert len(rules) == len(BUNDLED) + 2 * len(listed.entries)
    for entry in listed.entries:
        listing = by_entry[entry.id]
        assert listing.id == f"csl-{entry.list}-{entry.id}".lower()
        assert listing.entity == f"{listing.id}.party"
        entity = entity_of(rules, listing)
        assert (entity.name, entity.addresses, entity.countries) == (
            entry.name,
            entry.addresses,
            entry.countries,
        )
        assert tuple(a.name for a in entity.aliases) == entry.aliases
        assert (listing.start, listing.end) == (entry.start, entry.end)
        assert (listing.list, listing.list_code) == (entry.list_name, entry.list)
        assert (listing.list_file, listing.list_version) == (str(CSL_2025), listed.sha256)
        assert listing.federal_register_notice == entry.federal_register_notice
        where = f"{CSL_2025}:{entry.row}"
        assert rules.source(listing.id) == rules.source(entity.id) == where


@needs_data
def test_each_list_gets_its_own_policy(csl_2025: tuple[ListFile, RuleSet]) -> None:
    _, rules = csl_2025
    policies = {r.list_code: r.policy for r in listings(rules).values()}
    assert policies == {
        "EL": "list-policy-entity-list",
        "UVL": "list-policy-unverified-list",
        "MEU": "list-policy-military-end-user",
        "DPL": "list-policy-denied-persons",
        "SDN": "list-policy-sdn",
        "SSI": "list-policy-ofac-non-sdn",
        "PLC": "list-policy-ofac-non-sdn",
        "FSE": "list-policy-ofac-non-sdn",
        "ISN": "list-policy-state-nonproliferation",
        "DTC": "list-policy-itar-debarred",
    }


@needs_data
def test_the_policy_gives_outcome_roles_and_items(csl_2025: tuple[ListFile, RuleSet]) -> None:
    _, rules = csl_2025
    for listing in listings(rules).values():
        policy = rules[listing.policy]
        for field in ("outcome", "roles", "other_roles", "items", "verified", "note"):
            assert getattr(listing, field) == getattr(policy, field), (listing.id, field)


@needs_data
def test_the_entrys_licence_terms_come_before_the_policys(
    csl_2025: tuple[ListFile, RuleSet],
) -> None:
    listed, rules = csl_2025
    by_entry = listings(rules)
    (cetc,) = [e for e in listed.entries if e.list == "EL"]
    el = by_entry[cetc.id]
    assert el.licence_requirement == cetc.licence_requirement
    assert el.licence_policy == cetc.licence_policy
    assert el.licence_requirement != rules["list-policy-entity-list"].licence_requirement
    (rim,) = [e for e in listed.entries if e.name == "RIM, Ryong Nam"]
    assert rim.licence_requirement is None
    sdn = by_entry[rim.id]
    assert sdn.licence_requirement == rules["list-policy-sdn"].licence_requirement
    assert sdn.licence_policy is None


@needs_data
def test_the_citation_is_the_entrys_notice_then_the_policys(
    csl_2025: tuple[ListFile, RuleSet],
) -> None:
    listed, rules = csl_2025
    for entry in listed.entries:
        listing = listings(rules)[entry.id]
        policy_citation = rules[listing.policy].citation
        if entry.federal_register_notice:
            expected = f"{entry.federal_register_notice}; {policy_citation}"
        else:  # every entry of this file names its list's address
            expected = f"{entry.list_name}, {entry.source_url}; {policy_citation}"
        assert listing.citation == entity_of(rules, listing).citation == expected


def test_without_notice_or_address_the_policy_url_is_cited(tmp_path: Path) -> None:
    path = write_csl(tmp_path / "l.csv", [row(EL, "Alpha Co.", _id="a1")])
    listing = listings(load_rules(lists=[path]))["a1"]
    assert listing.citation == (
        f"{EL}, https://www.bis.gov/regulations/ear/744#supplement-4-744; "
        "15 CFR 744.11 and 744.16; Supp. No. 4 to part 744 (the Entity List)"
    )


def test_the_first_country_is_the_entitys_country(tmp_path: Path) -> None:
    path = write_csl(
        tmp_path / "l.csv",
        [
            row(SDN, "RIM, Ryong Nam", _id="52291", addresses="Shenyang, CN; Pyongyang, KP"),
            row(SDN, "MAR AZUL", _id="4238"),
        ],
    )
    rules = load_rules(lists=[path])
    by_entry = listings(rules)
    rim = entity_of(rules, by_entry["52291"])
    assert (rim.country, rim.countries) == ("CN", ("CN", "KP"))
    vessel = entity_of(rules, by_entry["4238"])  # a vessel: no country, still listed
    assert (vessel.country, vessel.countries) == (None, ())


@needs_data
def test_ofac_entries_are_ofac_rules() -> None:
    rules = load_rules(lists=[OFAC_SET])
    by_entry = listings(rules)
    assert all(r.id.startswith("ofac-sdn-") for r in by_entry.values())
    bank = by_entry["306"]
    assert (bank.id, bank.policy, bank.items.value) == ("ofac-sdn-306", "list-policy-sdn", "all")
    entity = entity_of(rules, bank)
    assert (entity.name, entity.country, entity.countries) == (
        "BANCO NACIONAL DE CUBA",
        "CH",
        ("CH", "ES", "JP", "PA"),
    )
    assert {a.name for a in entity.aliases} == {"NATIONAL BANK OF CUBA", "BNC"}


@needs_data
def test_dpl_entries_are_dpl_rules() -> None:
    rules = load_rules(lists=[DPL])
    by_entry = listings(rules)
    assert len(by_entry) == 486
    assert all(r.id.startswith("dpl-dpl-") for r in by_entry.values())
    assert {r.policy for r in by_entry.values()} == {"list-policy-denied-persons"}


# --- list_rules and rule_id directly ----------------------------------------------------------


def test_problems_are_returned_not_raised(tmp_path: Path) -> None:
    """So the loader reports them with every other load problem."""
    listed = read_list(write_csl(tmp_path / "l.csv", [row(EL, "Alpha"), row(EL, "Beta")]))
    built = list_rules([listed], policies=())
    assert (built.entities, built.listings, built.sources) == ((), (), {})
    (problem,) = built.problems
    assert problem.line == 2
    assert "2 entries of list 'EL'" in problem.message
    assert [v.entries for v in built.versions] == [2]


_ids = st.text(min_size=1, max_size=120).filter(str.strip)


@SETTINGS
@given(family=st.sampled_from(["csl", "ofac", "dpl"]), code=st.sampled_from(["EL", "SDN",
       "NON-SDN", "NS-MBS"]), entry_id=_ids)  # fmt: skip
def test_any_entry_id_gives_a_valid_rule_id(family: str, code: str, entry_id: str) -> None:
    entry = ListEntry(id=entry_id, list=code, list_name="x", name="Alpha")
    made = rule_id(family, entry)
    assert RULE_ID.match(made)
    assert len(made) <= 72  # room for ".party" within a rule id's 80 characters
    assert made.startswith(f"{family}-{code}-".lower())
    assert made == rule_id(family, entry)
    readable = f"{family}-{code}-{entry_id}".lower()
    if RULE_ID.match(readable) and len(readable) <= 72:
        assert made == readable


@SETTINGS
@given(ids=st.lists(_ids, min_size=2, max_size=6, unique=True))
def test_different_entries_get_different_rule_ids(ids: list[str]) -> None:
    """Case aside: ids differing only in case name one readable rule id (rule ids are lower)."""

    def key(entry_id: str) -> str:
        readable = f"csl-el-{entry_id}".lower()
        return readable if RULE_ID.match(readable) and len(readable) <= 72 else entry_id

    distinct = {key(i) for i in ids}
    made = {rule_id("csl", ListEntry(id=i, list="EL", list_name="x", name="A")) for i in ids}
    assert len(made) == len(distinct)
