"""The UN Security Council Consolidated List, read from the real snapshot (gzipped as published
in shared/): every record becomes an entry, and the mapping is checked record by record against
an independent reading of the same XML with the standard library."""

from __future__ import annotations

import datetime as dt
import gzip
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from helpers.clirun import cli
from helpers.listdata import UN, needs_data
from screening import ListError
from screening.lists import ListEntry, ListFile, read_list


@pytest.fixture(scope="module")
def un() -> ListFile:
    if not UN.exists():
        pytest.skip(f"shared list snapshots not found at {UN}")
    return read_list(UN)


@pytest.fixture(scope="module")
def records() -> dict[str, ET.Element]:
    """The snapshot's records by reference number, read with the standard library."""
    if not UN.exists():
        pytest.skip(f"shared list snapshots not found at {UN}")
    root = ET.fromstring(gzip.decompress(UN.read_bytes()))
    out = {}
    for record in [*root.iter("INDIVIDUAL"), *root.iter("ENTITY")]:
        out[(record.findtext("REFERENCE_NUMBER") or "").strip()] = record
    return out


def _by_id(listed: ListFile) -> dict[str, ListEntry]:
    return {e.id: e for e in listed.entries}


@needs_data
def test_the_snapshot_is_read_whole(un: ListFile) -> None:
    # PROVENANCE.md: 730 INDIVIDUAL and 273 ENTITY records.
    assert (un.format, un.layout, un.family) == ("un-xml", "xml", "un")
    assert (un.rows, len(un.entries), un.notes) == (1003, 1003, ())
    assert [e.type for e in un.entries].count("Individual") == 730
    assert [e.type for e in un.entries].count("Entity") == 273
    assert un.counts() == {"UN": 1003}


@needs_data
def test_each_entry_maps_its_record(un: ListFile, records: dict[str, ET.Element]) -> None:
    entries = _by_id(un)
    assert set(entries) == set(records)
    for ref, record in records.items():
        entry = entries[ref]
        assert entry.programs == ((record.findtext("UN_LIST_TYPE") or "").strip(),)
        assert entry.regime == f"{entry.programs[0]} sanctions regime, {ref}"
        low = {
            " ".join((a.findtext("ALIAS_NAME") or "").split())
            for a in record
            if a.tag.endswith("_ALIAS") and a.findtext("QUALITY") == "Low"
        }
        others = {
            " ".join((a.findtext("ALIAS_NAME") or "").split())
            for a in record
            if a.tag.endswith("_ALIAS") and a.findtext("QUALITY") != "Low"
        }
        assert set(entry.weak_aliases) == (low - others - {entry.name, ""})
        assert set(entry.aliases) - others <= {
            " ".join((record.findtext("NAME_ORIGINAL_SCRIPT") or "").split())
        }
        numbers = [d.findtext("NUMBER") for d in record.iter("INDIVIDUAL_DOCUMENT")]
        for number in filter(None, numbers):
            assert any(" ".join(number.split()) in i for i in entry.identifiers), (ref, number)
        assert entry.start is not None
        assert entry.start.isoformat() == (record.findtext("LISTED_ON") or "")[:10]


@needs_data
def test_an_individual_with_a_low_quality_alias(un: ListFile) -> None:
    entry = _by_id(un)["CDi.003"]
    assert entry.name == "GASTON IYAMUREMYE"
    assert entry.aliases == ("Byiringiro Victor Rumuli", "Victor Rumuri", "Michel Byiringiro")
    assert entry.weak_aliases == ("Rumuli",)  # QUALITY Low
    assert entry.nationalities == ("RW",)
    assert entry.countries == ("CD",)
    assert entry.addresses == ("North Kivu Province, Democratic Republic of the Congo",)
    assert entry.birth_dates == ("1948",)
    assert entry.start == dt.date(2010, 12, 1)


@needs_data
def test_rows_are_the_lines_records_start_on(un: ListFile) -> None:
    lines = gzip.decompress(UN.read_bytes()).decode("utf-8").split("\n")
    for entry in un.entries[::50]:
        tag = "<INDIVIDUAL>" if entry.type == "Individual" else "<ENTITY>"
        assert lines[int(entry.row) - 1].strip() == tag
        following = "\n".join(lines[int(entry.row) : int(entry.row) + 8])
        assert f"<REFERENCE_NUMBER>{entry.id}</REFERENCE_NUMBER>" in following


@needs_data
def test_original_script_names_and_documents(un: ListFile) -> None:
    entries = _by_id(un)
    assert "القاعدة" in entries["QDe.004"].aliases  # NAME_ORIGINAL_SCRIPT
    assert entries["CDi.021"].identifiers == ("Passport OB 0243318 (CD)",)
    assert entries["KPe.001"].countries == ("KP",)


@needs_data
def test_a_listing_date_with_a_time_zone_is_the_day(un: ListFile) -> None:
    # The file writes a few LISTED_ON as xs:date with a zone: "2015-04-07-04:00".
    assert _by_id(un)["QDi.352"].start == dt.date(2015, 4, 7)


@needs_data
def test_screening_lists_check_reads_the_snapshot() -> None:
    code, out = cli("lists", "check", UN)
    assert code == 0
    assert "un-xml (xml), 1003 entries from 1003 rows" in out
    assert "UN 1003" in out


@needs_data
def test_a_truncated_snapshot_is_refused_at_its_line(tmp_path: Path) -> None:
    text = gzip.decompress(UN.read_bytes())
    cut = tmp_path / "un.xml"
    cut.write_bytes(text[: len(text) // 2])
    with pytest.raises(ListError) as err:
        read_list(cut)
    (problem,) = err.value.problems
    assert problem.file == str(cut)
    # where the text stops: expat reports the unclosed element at the end of the cut
    assert problem.line == text[: len(text) // 2].count(b"\n") + 1
    assert problem.message.startswith("malformed XML (")
