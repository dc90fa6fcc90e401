"""Watched counterparties re-screened after a list update: only changes are reported, a
disposition whose entry changed comes back, and nothing changes when the lists did not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.clirun import cli
from helpers.listdata import EL, row, write_csl
from screening import load_rules, screen
from screening.lists import read_list
from screening.store import open_store


def tx(name: str) -> dict[str, object]:
    return {
        "id": f"po-{name}",
        "date": "2022-06-01",
        "destination": "CN",
        "parties": [
            {"role": "consignee", "name": name, "country": "CN"},
            {"role": "end_user", "name": "Acme Trading", "country": "CN"},
        ],
        "items": [{"description": "router", "eccn": "5A991", "origin": "US", "unit_value": 1}],
    }


def test_watch_rescreen(store_url: str, tmp_path: Path) -> None:
    lists = tmp_path / "lists"
    lists.mkdir()
    old = write_csl(lists / "old.csv", [row(EL, "Alpha Trading Co.", _id="a1")])
    new = write_csl(
        lists / "new.csv",
        [
            row(EL, "Alpha Trading Co.", _id="a1", addresses="1 Main St, Beijing"),
            row(EL, "Gamma Works", _id="g"),
        ],
    )
    old_rules = load_rules(lists=[read_list(old)])
    with open_store(store_url) as store:
        decision = screen(tx("Alpha Trading Cop"), rules=old_rules, store=store)
        case = store.list_cases()[0]
        hit = next(h for h in case.hits if h.disposable)
        store.decide(case.id, hit.hit_id, decision="false_positive", reason="x", reviewer="a")
        assert decision.outcome.value == "review"
        assert store.watch("Gamma Works", "CN", role="consignee")
        assert not store.watch("Gamma Works", "CN", role="consignee")
        store.watch("Zeta Unrelated", "FR")
    code, out = cli(
        "watch",
        "rescreen",
        "--new",
        new,
        "--old",
        old,
        "--as-of",
        "2022-06-01",
        "--store",
        store_url,
    )
    assert code == 1
    changes = [json.loads(line) for line in out.splitlines()]
    assert sorted((c["party"], c["change"]) for c in changes) == [
        ("Alpha Trading Cop", "disposition_invalidated"),
        ("Gamma Works", "new_hit"),
    ]
    code, out = cli(
        "watch",
        "rescreen",
        "--new",
        old,
        "--old",
        old,
        "--as-of",
        "2022-06-01",
        "--store",
        store_url,
    )
    assert (code, out) == (0, "")


def test_near_parties_is_the_same_in_parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    from screening.models import Party
    from screening.names import NameCandidate, NameIndex
    from screening.store import _watch, near_parties

    index = NameIndex([NameCandidate("g", "Gamma Works")], cutoff=0.82)
    parties = [
        Party(role="buyer", name=n, country="CN")  # type: ignore[arg-type]
        for n in ["Gamma Works", "Acme", "Gamma Work", "Zeta", "Gama Works Ltd"] * 3
    ]
    alone = near_parties(parties, index, 0.82)
    monkeypatch.setattr(_watch, "_PARALLEL_FROM", 1)
    assert near_parties(parties, index, 0.82) == alone
    assert {p.name for p in alone} >= {"Gamma Works", "Gamma Work"}
    assert "Acme" not in {p.name for p in alone}


def test_watched_aliases_are_rescreened(store_url: str, tmp_path: Path) -> None:
    lists = tmp_path / "lists"
    lists.mkdir()
    old = write_csl(lists / "old.csv", [row(EL, "Alpha Trading Co.", _id="a1")])
    new = write_csl(
        lists / "new.csv",
        [row(EL, "Alpha Trading Co.", _id="a1"), row(EL, "Gamma Works", _id="g")],
    )
    old_rules = load_rules(lists=[read_list(old)])
    with open_store(store_url) as store:
        # screened with an alias: the alias is watched with the name
        order = tx("Acme Holdings")
        order["parties"][0]["aliases"] = ["Gamma Works"]  # type: ignore[index]
        screen(order, rules=old_rules, store=store)
        # by hand, and an alias learnt later joins the ones kept
        assert store.watch("Delta Co", "FR", aliases=["Omega Ltd"])
        assert not store.watch("Delta Co", "FR", aliases=["Omega Ltd"])
        assert store.watch("Delta Co", "FR", aliases=["Gamma Works Ltd"])
        watched = {p.name: p.aliases for p in store.watched()}
        assert watched["Acme Holdings"] == ("Gamma Works",)
        assert watched["Delta Co"] == ("Omega Ltd", "Gamma Works Ltd")
    code, out = cli(
        "watch",
        "rescreen",
        "--new",
        new,
        "--old",
        old,
        "--as-of",
        "2022-06-01",
        "--store",
        store_url,
    )
    changes = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert {(c["party"], c["change"], c["listed_name"]) for c in changes} == {
        ("Acme Holdings", "new_hit", "Gamma Works"),
        ("Delta Co", "new_hit", "Gamma Works"),
    }


def test_watch_add_takes_aliases(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    code, out = cli(
        "watch",
        "add",
        "Delta Co",
        "--country",
        "FR",
        "--alias",
        "Omega Ltd",
        "--alias",
        "Delta Trading",
        "--store",
        url,
    )
    assert code == 0, out
    with open_store(url) as store:
        assert [p.aliases for p in store.watched()] == [("Omega Ltd", "Delta Trading")]
