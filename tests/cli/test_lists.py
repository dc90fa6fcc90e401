"""The `screening lists ...` commands and the --lists option: exit codes, output, errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers.clirun import cli
from helpers.listdata import API_JSON, CSL_2025, DPL, EL, SDN, csl_rows, needs_data, row, write_csl
from screening import load_rules, screen


def tx(name: str) -> dict[str, Any]:
    return {
        "id": "t",
        "date": "2022-06-01",
        "destination": "CN",
        "parties": [
            {"role": "consignee", "name": name, "country": "CN"},
            {"role": "end_user", "name": "Muster Kunde AG", "country": "CN"},
        ],
        "items": [{"description": "router", "eccn": "5A991", "origin": "US", "unit_value": "1"}],
    }


def test_check(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out = cli("lists", "check", API_JSON)
    assert rc == 0
    assert out.splitlines()[0].startswith(f"{API_JSON}: csl-json (api), 6 entries from 6 rows")
    assert out.splitlines()[1] == "  DPL 1, EL 2, MEU 1, SDN 1, UVL 1"
    rc, out = cli("lists", "check", "--json", API_JSON)
    assert json.loads(out)["entries_by_list"] == {"DPL": 1, "EL": 2, "MEU": 1, "SDN": 1, "UVL": 1}


def test_check_of_a_bad_file_exits_3_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("")
    rc, _ = cli("lists", "check", API_JSON, bad)
    assert rc == 3
    assert capsys.readouterr().err == f"error: {bad}: file is empty\n"


@needs_data
def test_update_then_unchanged_then_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = tmp_path / "lists"
    url = CSL_2025.as_uri()
    rc, out = cli("lists", "update", "--source", "csl", "--url", url, "--dest", dest)
    assert rc == 0
    assert out.startswith(f"csl: created: 13 entries, sha256 dc1c71ee8e97, from {url} -> {dest}")
    rc, out = cli("lists", "update", "--url", url, "--dest", dest, "--json")
    assert rc == 0
    assert json.loads(out)["status"] == "unchanged"
    cut = tmp_path / "cut.csv"
    cut.write_bytes(CSL_2025.read_bytes()[:3000])
    capsys.readouterr()
    rc, _ = cli("lists", "update", "--url", cut.as_uri(), "--dest", dest)
    assert rc == 3
    err = capsys.readouterr().err
    assert err.startswith(f"error: csl: {cut.as_uri()}:")
    assert "list not updated" not in err  # one problem: printed alone, without a title
    assert load_rules(lists=[dest / "csl"]).lists[0].entries == 13


def test_update_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    rc, _ = cli("lists", "update", "--source", "csl", "--source", "dpl", "--url", "file:///x")
    assert rc == 5
    assert capsys.readouterr().err == "error: --url needs exactly one --source\n"
    rc, _ = cli("lists", "update", "--max-drop", "1.5")
    assert rc == 5
    rc, _ = cli("lists", "update", "--source", "ofac")
    assert rc == 5


def test_diff(tmp_path: Path) -> None:
    old = write_csl(tmp_path / "old.csv", [row(EL, "Alpha Co.", _id="a1")])
    new = write_csl(
        tmp_path / "new.csv",
        [row(EL, "Alpha Co.", _id="a1", alt_names="Alpha"), row(SDN, "BETA", _id="7")],
    )
    rc, out = cli("lists", "diff", old, old)
    assert (rc, out.splitlines()[-1]) == (0, "0 added, 0 removed, 0 changed")
    rc, out = cli("lists", "diff", old, new)
    assert rc == 1
    assert out.splitlines()[2:] == [
        "1 added, 0 removed, 1 changed",
        "+ SDN 7  BETA",
        "~ EL a1  Alpha Co.  [aliases]",
    ]
    rc, out = cli("lists", "diff", "--json", old, new)
    assert rc == 1
    assert [e["id"] for e in json.loads(out)["added"]] == ["7"]


def test_rescreen(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = write_csl(tmp_path / "old.csv", [row(EL, "Alpha Trading Co.", _id="a1")])
    new = write_csl(
        tmp_path / "new.csv",
        [row(EL, "Alpha Trading Co.", _id="a1"), row(EL, "Gamma Works", _id="g")],
    )
    history = tmp_path / "h.jsonl"
    history.write_text(json.dumps(tx("Gamma Works")) + "\n" + json.dumps(tx("Acme")) + "\n")
    rc, out = cli("lists", "rescreen", history, "--new", new, "--old", old)
    assert rc == 1
    lines = out.splitlines()
    assert lines[0] == "line 1: t as of 2022-06-01: clear -> block"
    assert lines[1].startswith("  + block  csl-el-g: consignee 'Gamma Works' (CN) matches")
    assert (
        lines[-1] == "1 of 2 decisions would change (1 screened again; compared with the old lists)"
    )
    rc, out = cli("lists", "rescreen", history, "--lists", old, "--old", old)
    assert (rc, out.splitlines()[-1]) == (
        0,
        "0 of 2 decisions would change (0 screened again; compared with the old lists)",
    )
    rc, out = cli("lists", "rescreen", history, "--new", new, "--old", old, "--json")
    assert [json.loads(x)["after"] for x in out.splitlines()] == ["block"]
    capsys.readouterr()
    rc, _ = cli("lists", "rescreen", history, "--new", new)
    assert rc == 3
    assert "hold no recorded decision to compare with" in capsys.readouterr().err


def test_rescreen_with_a_bad_line_exits_3_after_reporting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = write_csl(tmp_path / "old.csv", [row(EL, "Alpha Trading Co.", _id="a1")])
    new = write_csl(tmp_path / "new.csv", [row(EL, "Gamma Works", _id="g")])
    history = tmp_path / "h.jsonl"
    history.write_text(json.dumps(tx("Gamma Works")) + "\n{oops\n")
    rc, out = cli("lists", "rescreen", history, "--new", new, "--old", old)
    assert rc == 3
    assert out.splitlines()[0] == "line 1: t as of 2022-06-01: clear -> block"
    assert capsys.readouterr().err.startswith(f"error: {history}:2: invalid JSON")


def test_screen_with_lists(tmp_path: Path) -> None:
    path = tmp_path / "tx.json"
    path.write_text(json.dumps(tx("Beijing 8-Star International Co.")))
    rc, out = cli("screen", path, "--lists", API_JSON)
    assert rc == 2
    assert f"list {API_JSON} (csl-json, sha256 " in out
    assert "list entry: f7d0f430d30acd219f80667b215686234c9df584" in out
    rc, out = cli("screen", path, "--lists", API_JSON, "--json")
    decision = json.loads(out)
    assert decision["lists"][0]["format"] == "csl-json"
    expected = screen(tx("Beijing 8-Star International Co."), rules=load_rules(lists=[API_JSON]))
    assert decision["outcome"] == expected.outcome.value
    assert [h["rule_id"] for h in decision["hits"]] == [h.rule_id for h in expected.hits]
    assert [h["list_entry"] for h in decision["hits"]] == [h.list_entry for h in expected.hits]
    assert decision["lists"] == [v.model_dump(mode="json") for v in expected.lists]
    assert decision["ruleset_fingerprint"] == expected.ruleset_fingerprint


def test_rules_check_with_a_bad_list_exits_4(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, out = cli("rules", "check", "--lists", API_JSON)
    assert rc == 0
    assert out.splitlines()[1].startswith(f"list: {API_JSON}: csl-json, 6 entries, sha256 ")
    bad = tmp_path / "bad.csv"
    bad.write_text("source,name\nEntity List (EL) - Bureau of Industry and Security,\n")
    rc, _ = cli("rules", "check", "--lists", bad)
    assert rc == 4
    assert capsys.readouterr().err == (
        f"error: rules: {bad}:2: name: empty (every entry has a name)\n"
    )


@needs_data
def test_check_real_files() -> None:
    rc, out = cli("lists", "check", DPL, CSL_2025)
    assert rc == 0
    assert "bis-dpl (txt), 486 entries from 581 rows" in out
    assert len(csl_rows(CSL_2025)) == 13
