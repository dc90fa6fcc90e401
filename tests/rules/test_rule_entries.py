"""Every entry of a rules directory is loaded or reported: none is skipped without a word.

A dangling link named ``embargoes.yaml`` used to be skipped, so ``rules check`` said ok and Iran
screened clear (issue 13, item 6); so were ``.YAML`` files, links to devices and FIFOs.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers.clirun import cli
from screening import RuleError, bundled_rules_dir, load_rules, parse_transaction, screen

BUNDLED = bundled_rules_dir()


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(BUNDLED, target)
    return target


def _replace_embargoes(rules: Path, make: str) -> None:
    target = rules / "embargoes.yaml"
    target.unlink()
    if make == "dangling link":
        target.symlink_to(rules / "gone.yaml")
    elif make == "link to a device":
        target.symlink_to("/dev/null")
    elif make == "fifo":
        os.mkfifo(target)
    elif make == "directory":
        target.mkdir()


@pytest.mark.parametrize(
    ("make", "said"),
    [
        ("dangling link", "dangling link"),
        ("link to a device", "a character device"),
        ("fifo", "a FIFO"),
        ("directory", "a directory"),
    ],
)
def test_an_unreadable_rule_file_is_an_error_naming_it(
    rules_copy: Path, make: str, said: str
) -> None:
    _replace_embargoes(rules_copy, make)
    with pytest.raises(RuleError) as info:
        load_rules(rules_copy)
    message = str(info.value)
    assert f"{rules_copy}/embargoes.yaml" in message
    assert said in message


def test_rules_check_fails_on_a_dangling_rule_file(
    rules_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _replace_embargoes(rules_copy, "dangling link")
    rc, _ = cli("rules", "check", rules_copy)
    assert rc != 0
    assert "embargoes.yaml" in capsys.readouterr().err


def test_an_uppercase_suffix_is_loaded_not_skipped(rules_copy: Path) -> None:
    (rules_copy / "embargoes.yaml").rename(rules_copy / "EMBARGOES.YAML")
    rules = load_rules(rules_copy)
    tx = parse_transaction(
        {
            "id": "t1",
            "date": "2026-01-05",
            "destination": "IR",
            "parties": [{"role": "end_user", "name": "Acme", "country": "IR"}],
            "items": [{"description": "router", "eccn": "5A002"}],
        }
    )
    hits = screen(tx, rules=rules).hits
    assert any(h.rule_id == "embargo-iran" and "EMBARGOES.YAML" in h.source for h in hits)


@pytest.mark.parametrize("name", ["notes.txt", "embargoes.yaml.bak", ".hidden"])
def test_a_stray_file_is_reported(rules_copy: Path, name: str) -> None:
    (rules_copy / name).write_text("rules: []\n")
    with pytest.raises(RuleError) as info:
        load_rules(rules_copy)
    assert f"{name}: not a rule file" in str(info.value)


def test_readme_schema_and_subdirectories_are_not_rule_files(rules_copy: Path) -> None:
    (rules_copy / "README.txt").write_text("notes for officers\n")
    (rules_copy / "drafts").mkdir()
    assert len(load_rules(rules_copy)) == len(load_rules(BUNDLED))
