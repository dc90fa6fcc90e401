"""Impact analysis: rule changes key by key, and the past transactions a change affects."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.ruleedit import replace_once
from helpers.strategies import SETTINGS
from screening import Outcome, RuleSet, bundled_rules_dir, load_rules
from screening.authoring import load_scenario, scenario_files
from screening.changes import ABSENT, FieldChange, diff_rules, impact, read_history
from screening.errors import ScenarioError

BUNDLED = bundled_rules_dir()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "zte"


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Two copies of the bundled rules, ./old and ./new."""
    shutil.copytree(BUNDLED, tmp_path / "old")
    shutil.copytree(BUNDLED, tmp_path / "new")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "old", tmp_path / "new"


def _changes(old: RuleSet, new: RuleSet) -> dict[str, list[str]]:
    diff = diff_rules(old, new)
    return {c.rule_id: [str(f) for f in c.fields] for c in diff.changed}


# --- rule changes --------------------------------------------------------------------------------


def test_the_same_rules_give_no_difference(dirs: tuple[Path, Path]) -> None:
    diff = diff_rules(load_rules("old"), load_rules("new"))
    assert not diff
    assert diff.to_dict() == {"header": [], "added": [], "removed": [], "changed": []}


def test_a_changed_date_is_one_key_change(dirs: tuple[Path, Path]) -> None:
    _, new = dirs
    replace_once(new / "listings.yaml", "    to: 2017-03-28\n", "    to: 2017-04-30\n")
    diff = diff_rules(load_rules("old"), load_rules("new"))
    [change] = diff.changed
    assert (change.rule_id, change.kind, change.status) == (
        "el-zte-corporation",
        "listing",
        "changed",
    )
    assert [str(f) for f in change.fields] == ["to: '2017-03-28' → '2017-04-30'"]
    assert str(change.old_source).startswith("old/listings.yaml:")
    assert str(change.new_source).startswith("new/listings.yaml:")
    assert (diff.added, diff.removed, diff.header) == ((), (), ())


def test_added_and_removed_rules(dirs: tuple[Path, Path]) -> None:
    _, new = dirs
    replace_once(
        new / "embargoes.yaml",
        "  - id: embargo-cuba\n",
        "  - id: embargo-belarus\n    kind: embargo\n    countries: [BY]\n    from: 2022-03-02\n"
        "    citation: example rule for a test\n\n  - id: embargo-cuba\n",
    )
    replace_once(new / "red-flags.yaml", "  - id: rf-end-use-terms\n", "  - id: rf-end-use-words\n")
    diff = diff_rules(load_rules("old"), load_rules("new"))
    assert [(c.rule_id, c.kind, c.status) for c in diff.added] == [
        ("embargo-belarus", "embargo", "added"),
        ("rf-end-use-words", "end_use", "added"),
    ]
    assert [(c.rule_id, c.old_source, c.new_source) for c in diff.removed] == [
        ("rf-end-use-terms", diff.removed[0].old_source, None)
    ]
    assert diff.removed[0].old_source is not None
    assert diff.removed[0].old_source.startswith("old/red-flags.yaml:")
    assert not diff.changed


def test_list_entries_added_removed_and_changed(dirs: tuple[Path, Path]) -> None:
    _, new = dirs
    replace_once(new / "embargoes.yaml", "countries: [IR]", "countries: [IR, BY]")
    replace_once(new / "red-flags.yaml", "hubs: [HK, AE, SG, MY, TR]", "hubs: [HK, SG, MY, TR]")
    replace_once(
        new / "country-groups.yaml",
        "      - country: SD\n        to: 2021-01-13\n",
        "      - country: SD\n        to: 2021-01-14\n",
    )
    assert _changes(load_rules("old"), load_rules("new")) == {
        "embargo-iran": ["countries[1]: added 'BY'"],
        "group-e1": ["members[2].to: '2021-01-13' → '2021-01-14'"],
        "rf-transshipment-hub": ["hubs[1]: removed 'AE'"],
    }


def test_a_new_nested_entry_is_shown_whole(dirs: tuple[Path, Path]) -> None:
    _, new = dirs
    replace_once(
        new / "country-groups.yaml",
        "      - country: CU\n        citation: 80 FR 43314 (July 22, 2015) kept",
        "      - country: VE\n        from: 2030-01-01\n"
        "      - country: CU\n        citation: 80 FR 43314 (July 22, 2015) kept",
    )
    [change] = diff_rules(load_rules("old"), load_rules("new")).changed
    [field] = change.fields
    assert field.path == "members[0]"
    assert field.old is ABSENT
    assert field.new == {
        "country": "VE",
        "from": "2030-01-01",
        "to": None,
        "verified": True,
        "to_verified": True,
        "note": None,
        "citation": None,
    }
    assert field.to_dict() == {"path": "members[0]", "new": field.new}


def test_writing_a_default_out_is_not_a_change(dirs: tuple[Path, Path]) -> None:
    _, new = dirs
    replace_once(
        new / "embargoes.yaml", "countries: [IR]\n", "countries: [IR]\n    outcome: block\n"
    )
    assert not diff_rules(load_rules("old"), load_rules("new"))


def test_a_rule_moved_to_another_file(dirs: tuple[Path, Path]) -> None:
    _, new = dirs
    text = (new / "red-flags.yaml").read_text("utf-8")
    head, rule = text.split("  - id: rf-end-use-terms\n")
    (new / "red-flags.yaml").write_text(head, encoding="utf-8")
    (new / "zz-end-use.yaml").write_text(
        "rules:\n  - id: rf-end-use-terms\n" + rule, encoding="utf-8"
    )
    assert _changes(load_rules("old"), load_rules("new")) == {
        "rf-end-use-terms": ["file: 'red-flags.yaml' → 'zz-end-use.yaml'"]
    }


def test_header_changes(dirs: tuple[Path, Path]) -> None:
    _, new = dirs
    replace_once(new / "ruleset.yaml", '"2026.11.0"', '"2026.12.0"')
    replace_once(new / "ruleset.yaml", "possible: 0.82", "possible: 0.85")
    diff = diff_rules(load_rules("old"), load_rules("new"))
    assert [str(f) for f in diff.header] == [
        "version: '2026.11.0' → '2026.12.0'",
        "matching.possible: 0.82 → 0.85",
    ]
    assert bool(diff)


@SETTINGS
@given(data=st.data())
def test_diff_reports_exactly_what_was_removed_and_edited(data: st.DataObject) -> None:
    full = load_rules()
    ids = sorted(r.id for r in full)
    removed = set(data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=8)))
    kept = [i for i in ids if i not in removed]
    edited = (
        set(data.draw(st.lists(st.sampled_from(kept), unique=True, max_size=8))) if kept else set()
    )
    note = data.draw(st.text(min_size=1, max_size=20).filter(str.strip))
    rules = [
        full[i].model_copy(update={"note": note.strip()}) if i in edited else full[i] for i in kept
    ]
    smaller = _rule_set(full, rules)
    forward = diff_rules(full, smaller)
    assert {c.rule_id for c in forward.removed} == removed
    assert not forward.added
    changed = {c.rule_id for c in forward.changed}
    assert changed == {i for i in edited if full[i].note != note.strip()}
    for c in forward.changed:
        assert [f.path for f in c.fields] == ["note"]
    backward = diff_rules(smaller, full)
    assert {c.rule_id for c in backward.added} == removed
    assert {c.rule_id for c in backward.changed} == changed


def _rule_set(base: RuleSet, rules: list[Any]) -> RuleSet:
    return RuleSet(
        name=base.name,
        version=base.version,
        covers_from=base.covers_from,
        covers_to=base.covers_to,
        covers_source=base.covers_source,
        matching=base.matching,
        rules=rules,
        sources={r.id: base.source(r.id) for r in rules},
        fingerprint="0" * 64,
        files=base.files,
    )


# --- impact on past transactions -----------------------------------------------------------------


def _history(path: Path, lines: list[Any]) -> Path:
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    return path


def test_removing_the_general_licences_changes_exactly_the_cases_they_covered(
    dirs: tuple[Path, Path], tmp_path: Path
) -> None:
    _, new = dirs
    (new / "general-licences.yaml").unlink()
    scenarios = [load_scenario(p) for p in scenario_files(EXAMPLES)]
    records = [
        {"transaction": s.transaction.model_dump(mode="json"), "as_of": str(s.as_of)}
        if s.as_of
        else s.transaction.model_dump(mode="json")
        for s in scenarios
    ]
    history = read_history(_history(tmp_path / "history.jsonl", records))
    assert len(history) == len(scenarios)
    changed = impact(load_rules("old"), load_rules("new"), history)
    covered = [s for s in scenarios if any(r.startswith("tgl-") for r in s.expect.rules)]
    assert covered, "the scenarios include cases under the temporary general licence"
    assert [i.entry.transaction.id for i in changed] == [s.transaction.id for s in covered]
    for i, s in zip(changed, covered, strict=True):
        assert i.old.outcome is s.expect.outcome
        # Without the licence a case is at least as severe; it blocks unless something else
        # caps it (dm-cuba-2016: ZTE is the exporter and the routers' FDP status is unknown).
        assert i.new.outcome.rank >= i.old.outcome.rank
        assert i.outcome_changed == (i.new.outcome is not i.old.outcome)
        assert set(i.rules_removed) == {r for r in s.expect.rules if r.startswith("tgl-")}
        assert i.rules_added == ()
        assert i.to_dict()["new_outcome"] == i.new.outcome.value
    assert any(i.new.outcome is Outcome.BLOCK and i.outcome_changed for i in changed)
    assert not all(i.outcome_changed for i in changed)  # a blocked case only loses a hit


def test_the_same_rules_change_no_past_transaction(tmp_path: Path) -> None:
    scenarios = [load_scenario(p) for p in scenario_files(EXAMPLES)]
    lines = [s.transaction.model_dump(mode="json") for s in scenarios]
    history = read_history(_history(tmp_path / "h.jsonl", lines))
    rules = load_rules()
    assert impact(rules, load_rules(BUNDLED), history) == []


def test_history_lines_are_transactions_or_decision_records(tmp_path: Path) -> None:
    tx = load_scenario(scenario_files(EXAMPLES)[0]).transaction.model_dump(mode="json")
    path = tmp_path / "h.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps(tx),
                "",
                json.dumps({"transaction": tx, "as_of": "2016-06-15"}),
                json.dumps({"transaction": tx, "decision": {"as_of": "2018-05-01"}}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    entries = read_history(path)
    assert [(e.line, str(e.as_of)) for e in entries] == [
        (1, tx["date"]),
        (3, "2016-06-15"),
        (4, "2018-05-01"),
    ]


def test_a_bad_history_names_every_bad_line(tmp_path: Path) -> None:
    tx = load_scenario(scenario_files(EXAMPLES)[0]).transaction.model_dump(mode="json")
    path = tmp_path / "h.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps(tx),
                '{"id": "x", ',
                json.dumps([1, 2]),
                json.dumps({**tx, "destination": "XX"}),
                json.dumps({"transaction": {**tx, "date": "someday"}}),
                json.dumps({"transaction": tx, "as_of": "2016-02-30"}),
            ]
        ),
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as info:
        read_history(path)
    assert str(info.value).splitlines() == [
        f"{path}:2: invalid JSON: Expecting property name enclosed in double quotes (column 13)",
        f"{path}:3: expected a JSON object (a transaction or a record)",
        f"{path}:4: destination: unknown country code 'XX' (expected ISO 3166-1 alpha-2, "
        "e.g. 'IR')",
        f"{path}:5: transaction.date: Input should be a valid date or datetime, input is too "
        "short (got 'someday')",
        f"{path}:6: as_of: invalid date '2016-02-30'",
    ]


def test_field_change_text() -> None:
    assert str(FieldChange("a", ABSENT, True)) == "a: added true"
    assert str(FieldChange("a", None, 3)) == "a: none → 3"
    assert str(FieldChange("a[0]", {"x": 1}, ABSENT)) == 'a[0]: removed {"x": 1}'
