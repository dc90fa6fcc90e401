"""A history written by ``screening screen --log`` is read back by ``rules diff --against`` and
``lists rescreen`` whatever its names hold: U+2028 and the other characters `str.splitlines`
splits on stay inside their record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.clirun import cli
from helpers.linebreaks import BREAKS
from helpers.listdata import EL, row, write_csl
from screening.rules import bundled_rules_dir

NAMES = ["Gamma{}Works", "Acme Corp", "A{}B{}C"]


def logged(tmp_path: Path, char: str) -> Path:
    """Screen one transaction per name with ``screen --log``; returns the log."""
    log = tmp_path / "log.jsonl"
    files = []
    for i, name in enumerate(NAMES):
        tx = {
            "id": f"t{i}",
            "date": "2022-06-01",
            "destination": "CN",
            "parties": [{"role": "consignee", "name": name.replace("{}", char), "country": "CN"}],
            "items": [{"description": "router", "eccn": "5A991", "unit_value": "1"}],
        }
        path = tmp_path / f"t{i}.json"
        path.write_text(json.dumps(tx), encoding="utf-8")
        files.append(path)
    rc, _ = cli("screen", *files, "--json", "--log", log)
    assert rc in (0, 1, 2)
    assert len(log.read_bytes().split(b"\n")) == len(NAMES) + 1  # one record a line
    return log


@pytest.mark.parametrize("char", BREAKS.values(), ids=BREAKS.keys())
def test_rules_diff_against_reads_the_log(
    tmp_path: Path, char: str, capsys: pytest.CaptureFixture[str]
) -> None:
    log = logged(tmp_path, char)
    rules = bundled_rules_dir()
    rc, out = cli("rules", "diff", rules, rules, "--against", log, "--json")
    assert (rc, capsys.readouterr().err) == (0, "")
    assert json.loads(out)["impact"] == {"changed": [], "history": str(log), "transactions": 3}


@pytest.mark.parametrize("char", BREAKS.values(), ids=BREAKS.keys())
def test_lists_rescreen_reads_the_log(
    tmp_path: Path, char: str, capsys: pytest.CaptureFixture[str]
) -> None:
    log = logged(tmp_path, char)
    new = write_csl(tmp_path / "new.csv", [row(EL, "Zeta Unrelated Holdings", _id="z")])
    rc, out = cli("lists", "rescreen", log, "--new", new)
    assert (rc, capsys.readouterr().err) == (0, "")
    assert out.splitlines()[-1] == (
        "0 of 3 decisions would change (3 screened again; compared with the recorded decisions)"
    )
