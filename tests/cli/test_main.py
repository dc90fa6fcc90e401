"""The `screening` command line: exit codes, JSON output, errors on stderr."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from helpers.clirun import cli
from screening import bundled_rules_dir
from screening.cli import main

CLEAR_TX = """\
id: clean-chairs
date: 2020-05-05
destination: DE
parties:
  - {role: exporter, name: Buerostuhl Handels GmbH, country: DE}
  - {role: end_user, name: Muster Versicherung AG, country: DE}
items:
  - {description: office chairs, eccn: EAR99, origin: US, quantity: 10, unit_value: 250}
"""

REVIEW_TX = """\
id: no-end-user
date: 2020-05-05
destination: DE
parties:
  - {role: exporter, name: Acme Inc, country: US}
items:
  - {description: office chairs, eccn: EAR99, origin: US, unit_value: 250}
"""

BLOCK_TX: dict[str, Any] = {
    "id": "eight-star",
    "date": "2016-03-10",
    "destination": "CN",
    "parties": [
        {"role": "exporter", "name": "Acme Inc", "country": "US"},
        {"role": "end_user", "name": "Beijing 8-Star International Co.", "country": "CN"},
    ],
    "items": [{"description": "router", "eccn": "5A991", "origin": "US", "unit_value": "100"}],
}

NORWAY_TX = """\
id: oslo
date: 2020-01-15
destination: NO
parties:
  - {role: exporter, name: Acme Inc, country: US}
  - {role: end_user, name: Nordic Fisheries AS, country: NO}
items:
  - {description: office chairs, eccn: EAR99, origin: US, unit_value: 250}
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {
        "clear": tmp_path / "clear.yaml",
        "review": tmp_path / "review.yaml",
        "block": tmp_path / "block.json",
        "norway": tmp_path / "norway.yaml",
    }
    out["clear"].write_text(CLEAR_TX, encoding="utf-8")
    out["review"].write_text(REVIEW_TX, encoding="utf-8")
    out["block"].write_text(json.dumps(BLOCK_TX), encoding="utf-8")
    out["norway"].write_text(NORWAY_TX, encoding="utf-8")
    return out


# --- screen: exit codes --------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "code"), [("clear", 0), ("review", 1), ("block", 2)])
def test_screen_exit_code_is_the_outcome(files: dict[str, Path], name: str, code: int) -> None:
    rc, out = cli("screen", files[name])
    assert rc == code
    assert out.strip()


def test_screen_several_files_exits_with_the_most_severe(files: dict[str, Path]) -> None:
    assert cli("screen", files["clear"], files["review"])[0] == 1
    assert cli("screen", files["clear"], files["block"], files["review"])[0] == 2
    assert cli("screen", files["clear"], files["clear"])[0] == 0


def test_screen_table_names_the_outcome_and_the_rule(files: dict[str, Path]) -> None:
    _, out = cli("screen", files["block"])
    assert "eight-star" in out
    assert "BLOCK" in out
    assert "el-beijing-8-star" in out
    assert "rules/listings.yaml:" in out


def test_norway_yaml_file_is_read_as_the_country_no(files: dict[str, Path]) -> None:
    rc, out = cli("screen", "--json", files["norway"])
    assert rc == 0
    assert json.loads(out)["transaction_id"] == "oslo"


# --- screen --json -------------------------------------------------------------------------------


def test_json_prints_one_object_per_file(files: dict[str, Path]) -> None:
    rc, out = cli("screen", "--json", files["clear"], files["review"], files["block"])
    assert rc == 2
    lines = out.splitlines()
    assert len(lines) == 3
    decisions = [json.loads(line) for line in lines]
    for d in decisions:
        assert isinstance(d, dict)
        assert {"outcome", "hits", "transaction_id", "as_of"} <= set(d)
    assert [d["transaction_id"] for d in decisions] == ["clean-chairs", "no-end-user", "eight-star"]
    assert [d["outcome"] for d in decisions] == ["clear", "review", "block"]
    assert decisions[0]["as_of"] == "2020-05-05"
    assert decisions[0]["hits"] == []
    assert [h["rule_id"] for h in decisions[2]["hits"]] == ["el-beijing-8-star"]


def test_json_output_is_identical_on_repeat(files: dict[str, Path]) -> None:
    assert cli("screen", "--json", files["block"]) == cli("screen", "--json", files["block"])


def test_as_of_changes_the_result(files: dict[str, Path]) -> None:
    """Beijing 8-Star was added to the Entity List on 2016-03-08."""
    rc, out = cli("screen", "--json", "--as-of", "2016-03-07", files["block"])
    assert rc == 0
    decision = json.loads(out)
    assert decision["as_of"] == "2016-03-07"
    assert decision["outcome"] == "clear"

    rc, out = cli("screen", "--json", "--as-of", "2016-03-08", files["block"])
    assert rc == 2
    assert json.loads(out)["as_of"] == "2016-03-08"


def test_screen_reads_a_scenario_file(tmp_path: Path) -> None:
    """A scenario file (transaction under `transaction:`) screens like a transaction file."""
    path = tmp_path / "scenario.json"
    path.write_text(
        json.dumps({"title": "8-Star", "expect": {"outcome": "block"}, "transaction": BLOCK_TX}),
        encoding="utf-8",
    )
    rc, out = cli("screen", "--json", path)
    assert rc == 2
    assert json.loads(out)["transaction_id"] == "eight-star"


# --- errors --------------------------------------------------------------------------------------

MALFORMED = {
    "typo in a field": ("bad.yaml", CLEAR_TX.replace("destination:", "destinaton:"), "destinaton"),
    "unknown country": ("bad.yaml", CLEAR_TX.replace("destination: DE", "destination: XX"), "XX"),
    "negative value": ("bad.json", json.dumps({**BLOCK_TX, "items": [
        {"description": "router", "origin": "US", "unit_value": "-1"}]}), "unit_value"),
    "YAML syntax error": ("bad.yaml", "id: x\ndate: [2020-01-01\n", "bad.yaml"),
    "invalid JSON": ("bad.json", '{"id": "x", ', "bad.json"),
    "not a mapping": ("bad.yaml", "- just\n- a list\n", "bad.yaml"),
}  # fmt: skip


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_transaction_file_exits_3_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    filename, text, says = MALFORMED[name]
    path = tmp_path / filename
    path.write_text(text, encoding="utf-8")
    rc, out = cli("screen", path)
    err = capsys.readouterr().err
    assert rc == 3
    assert filename in err
    assert says in err
    assert out == ""


def test_missing_transaction_file_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, _ = cli("screen", tmp_path / "nowhere.yaml")
    assert rc == 3
    assert "nowhere.yaml" in capsys.readouterr().err


def test_one_malformed_file_among_good_ones_exits_3(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(CLEAR_TX.replace("destination:", "destinaton:"), encoding="utf-8")
    rc, _ = cli("screen", files["block"], bad)
    assert rc == 3
    assert "bad.yaml" in capsys.readouterr().err


@pytest.fixture
def broken_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), target)
    listings = target / "listings.yaml"
    listings.write_text(
        listings.read_text("utf-8").replace("entity: zte-parsian", "entity: zte-persian"),
        encoding="utf-8",
    )
    return target


def test_screen_with_broken_rules_exits_4(
    files: dict[str, Path], broken_rules: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, out = cli("screen", "--rules", broken_rules, files["clear"])
    assert rc == 4
    assert out == ""
    err = capsys.readouterr().err
    assert "listings.yaml" in err
    assert "zte-persian" in err


def test_screen_with_custom_rules_dir(files: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), target)
    assert cli("screen", "--rules", target, files["block"])[0] == 2


def test_rules_check_exits_0_on_the_bundled_rules() -> None:
    rc, out = cli("rules", "check")
    assert rc == 0
    assert "ok" in out
    rc, out_explicit = cli("rules", "check", bundled_rules_dir())
    assert rc == 0
    assert out_explicit.strip()


def test_rules_check_exits_4_and_lists_every_problem(
    broken_rules: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    eccns = broken_rules / "data" / "ccl-reasons.yaml"
    eccns.write_text(
        eccns.read_text("utf-8").replace('eccn: "5A991"', 'eccn: "5Z991"'), encoding="utf-8"
    )
    rc, out = cli("rules", "check", broken_rules)
    assert rc == 4
    err = capsys.readouterr().err
    assert "listings.yaml:" in err
    assert "ccl-reasons.yaml:" in err
    assert "ok:" not in out


@pytest.mark.parametrize(
    "argv",
    [
        ["screen"],  # no file
        ["screen", "--bogus", "x.yaml"],
        ["screen", "--as-of", "yesterday", "x.yaml"],
        ["screen", "--as-of", "2016-13-01", "x.yaml"],
        [],
        ["frobnicate"],
        ["rules"],
        ["rules", "lint"],
    ],
    ids=lambda a: " ".join(a) or "<none>",
)
def test_usage_error_exits_5_not_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    rc, _ = cli(*argv)
    assert rc == 5
    assert "usage" in capsys.readouterr().err.lower()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    import screening

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"screening {screening.__version__}\n"
