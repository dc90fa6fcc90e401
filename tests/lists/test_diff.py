"""`diff_lists`: entries added, removed and changed between two releases of a list."""

from __future__ import annotations

import json
from pathlib import Path

from helpers.listdata import CSL_2019, CSL_2022, EL, SDN, needs_data, row, write_csl
from screening.lists import diff_lists, read_list


def _lists(tmp_path: Path) -> tuple[Path, Path]:
    old = write_csl(
        tmp_path / "old.csv",
        [
            row(EL, "Alpha Co.", _id="a1", federal_register_notice="81 FR 12004"),
            row(EL, "Beta Co.", _id="b1", alt_names="Beta Trading"),
            row(SDN, "GAMMA LTD", _id="300", addresses="Tehran, IR"),
            row(EL, "Epsilon Co.", _id="e1"),
        ],
    )
    new = write_csl(
        tmp_path / "new.csv",
        [
            row(EL, "Beta Co.", _id="b1", alt_names="Beta Trading; Beta Intl"),
            row(SDN, "GAMMA LTD", _id="300", addresses="Tehran, IR"),
            row(EL, "Delta Co.", _id="d1", start_date="2022-04-07"),
            row(EL, "Epsilon Co.", _id="e2"),  # same entry under a new id
        ],
    )
    return old, new


def test_added_removed_and_changed(tmp_path: Path) -> None:
    old, new = (read_list(p) for p in _lists(tmp_path))
    diff = diff_lists(old, new)
    assert bool(diff)
    assert [(e.list, e.id, e.name) for e in diff.added] == [("EL", "d1", "Delta Co.")]
    assert [(e.list, e.id, e.name) for e in diff.removed] == [("EL", "a1", "Alpha Co.")]
    assert [(c.new.id, c.fields) for c in diff.changed] == [("b1", ("aliases",)), ("e2", ("id",))]
    assert diff.changed[0].to_dict()["changes"] == {
        "aliases": {"old": ["Beta Trading"], "new": ["Beta Trading", "Beta Intl"]}
    }
    assert {e.name for e in diff.entries()} == {"Delta Co.", "Alpha Co.", "Beta Co.", "Epsilon Co."}


def test_identical_lists_have_no_difference(tmp_path: Path) -> None:
    old, _ = _lists(tmp_path)
    diff = diff_lists(read_list(old), read_list(old))
    assert not diff
    assert (diff.added, diff.removed, diff.changed) == ((), (), ())


def test_diff_is_json_ready_and_deterministic(tmp_path: Path) -> None:
    old, new = _lists(tmp_path)
    first = json.dumps(diff_lists(read_list(old), read_list(new)).to_dict(), sort_keys=True)
    second = json.dumps(diff_lists(read_list(old), read_list(new)).to_dict(), sort_keys=True)
    assert first == second
    data = json.loads(first)
    assert data["old"]["entries"] == 4
    assert [e["id"] for e in data["added"]] == ["d1"]
    assert data["added"][0]["start"] == "2022-04-07"


@needs_data
def test_releases_in_different_layouts_match_by_id() -> None:
    """The 2019 layout has no _id, but OFAC-sourced entries carry their entity number in both."""
    diff = diff_lists(read_list(CSL_2019), read_list(CSL_2022))
    touched = {e.key for e in diff.added + diff.removed}
    assert ("PLC", "9640") not in touched
    assert ("SDN", "20264") not in {e.key for e in diff.removed}
    assert len(diff.added) > 14000  # a 115-row sample against the full list
