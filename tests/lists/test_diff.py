"""`diff_lists`: entries added, removed and changed between two releases of a list, each list's
entries matched on its own key (CSL ``_id``, UN reference number, EU logical id, UK unique id,
OFSI group id, FtM id)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from helpers.clirun import cli
from helpers.listdata import (
    CSL_2019,
    CSL_2022,
    EL,
    EU_XML,
    FTM,
    OFSI_CSV,
    SDN,
    UK_CSV,
    UK_XML,
    UN,
    needs_data,
    row,
    write_csl,
)
from screening.lists import ListEntry, diff_lists, read_list


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


# --- the lists beyond the US: each matched on its own key ---------------------------------------


def _un_pair(tmp_path: Path) -> tuple[Path, Path, ListEntry]:
    """The UN snapshot and a copy with one entry removed (CDi.001), one alias added to CDi.002
    and a first weak ("Low") alias to the first individual that had none (returned)."""
    plain = next(
        e
        for e in read_list(UN).entries
        if e.type == "Individual" and not e.weak_aliases and e.id not in ("CDi.001", "CDi.002")
    )
    text = gzip.decompress(UN.read_bytes()).decode("utf-8")
    start = text.index("<INDIVIDUAL>")
    end = text.index("</INDIVIDUAL>", start) + len("</INDIVIDUAL>")
    assert "<REFERENCE_NUMBER>CDi.001</REFERENCE_NUMBER>" in text[start:end]
    edited = text[:start] + text[end:]
    alias = "<ALIAS_NAME>FRANK KAKORERE</ALIAS_NAME>\n      </INDIVIDUAL_ALIAS>"
    assert edited.count(alias) == 1
    edited = edited.replace(
        alias,
        alias + "\n      <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY>"
        "<ALIAS_NAME>FRANK THE TESTER</ALIAS_NAME></INDIVIDUAL_ALIAS>",
    )
    at = edited.index("<LISTED_ON>", edited.index(f"<REFERENCE_NUMBER>{plain.id}<"))
    edited = (
        edited[:at]
        + "<INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>THE TESTER</ALIAS_NAME>"
        + "</INDIVIDUAL_ALIAS>\n      "
        + edited[at:]
    )
    new = tmp_path / "consolidated.xml"
    new.write_text(edited, "utf-8")
    return UN, new, plain


@needs_data
def test_un_releases_are_matched_on_the_reference_number(tmp_path: Path) -> None:
    old, new, plain = _un_pair(tmp_path)
    diff = diff_lists(read_list(old), read_list(new))
    assert diff.added == ()
    assert [(e.list, e.id, e.name) for e in diff.removed] == [("UN", "CDi.001", "ERIC BADEGE")]
    assert [(c.new.id, c.fields) for c in diff.changed] == [
        ("CDi.002", ("aliases",)),
        (plain.id, ("weak_aliases",)),
    ]
    assert "FRANK THE TESTER" in diff.changed[0].new.aliases
    # A field the old entry did not have (no weak alias) is shown as empty, not left out.
    assert diff.to_dict()["changed"][1]["changes"] == {
        "weak_aliases": {"old": [], "new": ["THE TESTER"]}
    }


@needs_data
def test_lists_diff_on_un_releases(tmp_path: Path) -> None:
    old, new, plain = _un_pair(tmp_path)
    rc, out = cli("lists", "diff", old, new)
    assert rc == 1
    assert out.splitlines()[2:] == [
        "0 added, 1 removed, 2 changed",
        "- UN CDi.001  ERIC BADEGE (DRC sanctions regime, CDi.001; from 2012-12-31)",
        "~ UN CDi.002  FRANK KAKOLELE BWAMBALE (DRC sanctions regime, CDi.002; from 2005-11-01)"
        "  [aliases]",
        f"~ UN {plain.id}  {plain.name} ({plain.regime}; from {plain.start})  [weak_aliases]",
    ]
    rc, out = cli("lists", "diff", "--json", old, new)
    assert (rc, json.loads(out)["removed"][0]["id"]) == (1, "CDi.001")


def test_eu_releases_are_matched_on_the_logical_id(tmp_path: Path) -> None:
    """Entity 9002 gets an EU reference number and a new spelling in the next release: its id
    and name change, its logical id does not, so it is one changed entry."""
    text = EU_XML.read_text("utf-8")
    edited = text.replace(
        'euReferenceNumber="" logicalId="9002"', 'euReferenceNumber="EU.9002.5" logicalId="9002"'
    )
    edited = edited.replace(
        'wholeName="Test Oil Trading Company"', 'wholeName="Test Oil Trading Co."'
    )
    assert edited.count("EU.9002.5") == 1
    assert 'Trading Co."' in edited
    new = tmp_path / "eu.xml"
    new.write_text(edited, "utf-8")
    diff = diff_lists(read_list(EU_XML), read_list(new))
    assert (diff.added, diff.removed) == ((), ())
    ((change),) = diff.changed
    assert (change.old.id, change.new.id) == ("logical-9002", "EU.9002.5")
    assert change.new.release_key == ("EU", "logical-9002")
    assert change.fields == ("id", "name", "regime")


@pytest.mark.parametrize("path", [UK_XML, UK_CSV, OFSI_CSV, FTM])
def test_uk_ofsi_and_ftm_releases_are_matched_on_their_ids(tmp_path: Path, path: Path) -> None:
    """A release without the first entry and with the last one's name respelt: one removed,
    one changed (by unique id, group id or FtM id; the names no longer agree)."""
    old = read_list(path)
    first, last = old.entries[0], old.entries[-1]
    text = path.read_text("utf-8-sig")
    new_text = text.replace(last.name, last.name + " TWO")
    lines = new_text.splitlines(keepends=True)
    if path in (UK_CSV, OFSI_CSV):
        key = f'"{first.id}"' if path == UK_CSV else f",{first.id}\n"
        lines = [line for line in lines if key not in line]
    elif path == FTM:
        lines = [line for line in lines if f'"id": "{first.id}"' not in line]
    else:  # the XML: the first designation's element
        new_text = "".join(lines)
        start = new_text.index("<Designation>")
        end = new_text.index("</Designation>", start) + len("</Designation>")
        lines = [new_text[:start] + new_text[end:]]
    new = tmp_path / path.name
    new.write_text("".join(lines), "utf-8")
    diff = diff_lists(old, read_list(new))
    assert [e.id for e in diff.removed] == [first.id]
    assert [(c.new.id, c.new.name, c.fields[:1]) for c in diff.changed] == [
        (last.id, last.name + " TWO", ("name",))
    ]
    assert diff.added == ()
