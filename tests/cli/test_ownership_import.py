"""``screening rules ownership import FILE.csv``: the ownership file from a team's CSV, every bad
row refused with its line, and the imported lines read by the ownership rules."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers.clirun import cli
from screening import Outcome, load_rules, screen

ROOT = Path(__file__).resolve().parents[2]
EXTRACT = ROOT / "examples" / "ownership" / "lists" / "csl-2022-05-sdn-extract.csv"

GOOD = (
    "owner,owned,share,source,from,to,owner_country\n"
    'Joint Stock Commercial Bank Novikombank,Bosphorus Holding,60,"Registry, 2023-01-10",'
    "2023-01-01,,RU\n"
    "Bosphorus Holding,Anatolia Trade Distribution A.S.,100,Annual report 2022,,,TR\n"
)


@pytest.fixture
def rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "rules"


def _order(date: str) -> dict[str, object]:
    return {
        "id": "o",
        "date": date,
        "destination": "TR",
        "parties": [
            {"role": "exporter", "name": "Acme Export Inc.", "country": "US", "owners": []},
            {"role": "consignee", "name": "Anatolia Trade Distribution A.S.", "country": "TR"},
            {"role": "end_user", "name": "Ege Telekom Ltd.", "country": "TR", "owners": []},
        ],
        "items": [{"description": "router", "eccn": "5A991", "origin": "US", "unit_value": "9"}],
    }


def test_import_writes_the_ownership_file_that_the_rules_read(rules: Path) -> None:
    Path("own.csv").write_text(GOOD, encoding="utf-8")
    rc, out = cli("rules", "ownership", "import", "own.csv")
    assert rc == 0
    assert out == "ok: 2 ownership lines from own.csv written to rules/ownership.yaml\n"
    loaded = load_rules(rules, lists=[EXTRACT])
    blocked = screen(_order("2023-05-02"), rules=loaded)
    assert blocked.outcome is Outcome.BLOCK
    assert "ofac-50-percent" in {h.rule_id for h in blocked.hits}
    # The holding's line starts on 2023-01-01: before that, no owner is listed.
    assert "ofac-50-percent" not in {
        h.rule_id for h in screen(_order("2022-12-31"), rules=loaded).hits
    }


def test_importing_the_same_csv_twice_gives_the_same_file(rules: Path) -> None:
    Path("own.csv").write_text(GOOD, encoding="utf-8")
    cli("rules", "ownership", "import", "own.csv")
    first = (rules / "ownership.yaml").read_bytes()
    cli("rules", "ownership", "import", "own.csv")
    assert (rules / "ownership.yaml").read_bytes() == first


@pytest.mark.parametrize(
    ("csv_text", "message"),
    [
        ("owner,owned,share\nA,B,20\n", "own.csv:1: missing column(s) source"),
        ("owner,owned,share,source,colour\nA,B,20,x,red\n", "unknown column(s) colour"),
        ("owner,owned,share,source\nA,B,160,x\n", "own.csv:2: share: must be less than or"),
        ("owner,owned,share,source\nA,,20,x\n", "own.csv:2: owned: must not be blank"),
        ("owner,owned,share,source\nA,B,20,\n", "own.csv:2: source: must not be blank"),
        ("owner,owned,share,source,from\nA,B,20,x,2023-13-01\n", "own.csv:2: from:"),
        ("owner,owned,share,source\nA,B,20,x\nA,B,30,y\n", "own.csv:3: the same owner, owned"),
        ("owner,owned,share,source\nA,B,20,x,extra\n", "own.csv:2: more cells than columns"),
    ],
)
def test_bad_rows_are_refused_with_their_line_and_nothing_is_written(
    rules: Path, csv_text: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (rules / "ownership.yaml").read_bytes()
    Path("own.csv").write_text(csv_text, encoding="utf-8")
    rc, _ = cli("rules", "ownership", "import", "own.csv")
    assert rc == 4
    assert message in capsys.readouterr().err
    assert (rules / "ownership.yaml").read_bytes() == before
