"""The EU Financial Sanctions Files (XML and CSV) and OpenSanctions FtM JSON Lines, from small
files built from the publishers' documented layouts (no real snapshot was available), with their
oddities; and how every new format is recognised, or refused with the place named."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest

from helpers.listdata import API_JSON, DPL, EU_CSV, EU_XML, FTM, UK_XML, UN, needs_data
from screening import ListError
from screening.lists import FORMATS, ListEntry, read_list


def _by_id(path: Path) -> dict[str, ListEntry]:
    return {e.id: e for e in read_list(path).entries}


def _problems(path: Path) -> list[str]:
    with pytest.raises(ListError) as err:
        read_list(path, display=path.name)
    return [str(p) for p in err.value.problems]


# --- EU FSF XML -------------------------------------------------------------------------------


def test_eu_xml_person() -> None:
    entry = _by_id(EU_XML)["EU.9001.11"]
    assert (entry.list, entry.type, entry.name) == ("EU", "Individual", "Ivan Petrovich Testov")
    assert entry.aliases == ("Иван Петрович Тестов",)  # Cyrillic: a strong alias
    assert entry.weak_aliases == ("Vanya",)  # strong="false"
    assert entry.programs == ("RUS", "UKR")
    assert entry.start == dt.date(2014, 3, 17)  # the earliest of its two regulations
    assert entry.nationalities == ("RU",)
    assert entry.birth_dates == ("1961-05-12",)
    assert entry.identifiers == ("National passport 7200123456 (RU)",)
    assert entry.addresses == ("Tverskaya 1, Moscow, 125009, RU",)
    assert entry.regime == "RUS programme, UKR programme, 2022/427 (OJ L87), EU.9001.11"
    assert entry.row == "8"


def test_eu_xml_oddities() -> None:
    entries = _by_id(EU_XML)
    company = entries["logical-9002"]  # no euReferenceNumber: the logical id
    assert company.type == "Entity"
    assert company.aliases == ("شركة تجارة النفط التجريبية",)
    assert company.weak_aliases == ("TOTC",)
    assert company.addresses == ("PO Box 1234, Damascus, SY",)  # "00" UNKNOWN is no address
    assert company.countries == ("SY",)
    assert company.regime == "SYR programme, 36/2012 (OJ L16), logical id 9002"
    person = entries["EU.9003.22"]
    assert person.name == "Abu Testi"  # wholeName empty: first and last name
    assert person.birth_dates == ("c. 1975",)
    assert (person.nationalities, person.addresses, person.countries) == ((), (), ())


# --- EU FSF CSV -------------------------------------------------------------------------------


def test_eu_csv_groups_the_rows_of_an_entity() -> None:
    listed = read_list(EU_CSV)
    assert (listed.format, listed.layout, listed.family, listed.rows) == (
        "eu-csv",
        "csv-1.1",
        "eu",
        10,
    )
    entries = {e.id: e for e in listed.entries}
    assert set(entries) == {"EU.9001.11", "logical-9002"}
    person = entries["EU.9001.11"]
    assert person.row == "2"  # the entity's first row
    assert person.name == "Ivan Petrovich Testov"
    assert person.aliases == ("Иван Петрович Тестов",)
    assert person.nationalities == ("RU",)
    assert person.identifiers == ("National passport 7200123456 (RU)",)
    assert person.remarks == "Test person; remark with a ; inside quotes"
    assert entries["logical-9002"].addresses == ("PO Box 1234, Damascus, SY",)


def test_eu_csv_reads_a_weak_alias_when_the_column_is_there(tmp_path: Path) -> None:
    header, *rows = EU_CSV.read_text("utf-8-sig").splitlines()
    rows = [f"{row};" for row in rows]  # NameAlias_Strong empty: strong
    weak = rows[0][:-1].replace("Ivan Petrovich Testov", "Vanya") + ";false"
    path = tmp_path / "eu.csv"
    path.write_text("\n".join([f"{header};NameAlias_Strong", *rows, weak]) + "\n", "utf-8")
    entry = _by_id(path)["EU.9001.11"]
    assert entry.weak_aliases == ("Vanya",)


def test_eu_csv_without_names_is_refused_at_the_header(tmp_path: Path) -> None:
    path = tmp_path / "eu.csv"
    path.write_text("fileGenerationDate;Entity_LogicalId;Entity_Remark\n2026-01-01;1;x\n")
    assert _problems(path) == ["eu.csv:1: header lacks the column(s) NameAlias_WholeName"]


# --- OpenSanctions FtM ------------------------------------------------------------------------


def test_ftm_reads_sanctioned_targets_only() -> None:
    listed = read_list(FTM)
    assert (listed.format, listed.layout, listed.family, listed.rows) == (
        "ftm-json",
        "jsonl",
        "os",
        6,
    )
    assert [e.id for e in listed.entries] == ["NK-testperson1", "NK-testcompany", "NK-vessel"]
    assert listed.notes == (
        "1 lines not read: Company without the topic 'sanction'",
        "1 lines not read: Person without the topic 'sanction'",
        "1 lines not read: schema Address",
    )
    person, company, vessel = listed.entries
    assert person.name == "Ivan Petrovich Testov"
    assert person.aliases == ("Иван Петрович Тестов", "Ivan Testov")
    assert person.weak_aliases == ("Vanya",)
    assert person.programs == ("eu_fsf", "gb_hmt_sanctions")
    assert (person.nationalities, person.countries) == (("RU",), ("RU",))
    assert person.identifiers == ("Passport 7200123456",)
    assert company.countries == ("SY",)  # jurisdiction
    assert company.identifiers == ("Registration 12345", "INN 7700000000")
    assert (vessel.type, vessel.row) == ("Vessel", "3")


def test_ftm_bad_lines_are_named(tmp_path: Path) -> None:
    good = FTM.read_text("utf-8").splitlines()
    bad = json.dumps({"id": "x", "schema": "Person", "properties": {"name": "not a list"},
                      "topics": ["sanction"]})  # fmt: skip
    path = tmp_path / "e.ftm.json"
    path.write_text("\n".join([good[0], bad, good[1][: len(good[1]) // 2]]) + "\n")
    problems = _problems(path)
    assert problems[0] == "e.ftm.json:2: properties.name: x: not a list of strings"
    assert problems[1].startswith("e.ftm.json:3: not a JSON object (")


# --- UK Sanctions List XML -------------------------------------------------------------------


def test_uk_xml_mapping() -> None:
    listed = read_list(UK_XML)
    assert (listed.format, listed.layout, listed.family, listed.rows) == ("uk-xml", "xml", "uk", 3)
    person, company, ship = listed.entries
    assert (person.id, person.type, person.row) == ("RUS9001", "Individual", "8")
    assert person.name == "Ivan Petrovich TESTOV"  # Name1, Name2, Name6; Name3 empty
    assert person.aliases == ("Ivan TESTOFF", "Иван Петрович ТЕСТОВ")  # noqa: RUF001
    assert person.weak_aliases == ("Vanya",)  # AliasStrength "Low quality"
    assert person.birth_dates == ("1965", "1961-05-12")  # dd/mm/1965: the year only
    assert (person.nationalities, person.countries) == (("RU",), ("RU",))
    assert person.addresses == ("Tverskaya 1, Moscow, 125009, Russia",)
    assert person.identifiers == ("Passport 7200123456",)
    assert person.start == dt.date(2022, 3, 15)
    assert (person.programs, person.regime) == (("Russia",), "Russia regime, RUS9001")
    assert company.regime == "Democratic People's Republic of Korea regime, DPR9001, UN KPe.901"
    assert company.countries == ("KP",)
    assert (ship.type, ship.identifiers, ship.addresses) == ("Vessel", ("IMO 9999999",), ())


def test_uk_xml_bad_designations_are_named(tmp_path: Path) -> None:
    text = UK_XML.read_text("utf-8")
    text = text.replace("<UniqueID>DPR9001</UniqueID>", "")
    text = text.replace(
        "<DateDesignated>09/05/2023</DateDesignated>", "<DateDesignated>2023-05-09</DateDesignated>"
    )
    path = tmp_path / "uk.xml"
    path.write_text(text, "utf-8")
    assert _problems(path) == [
        "uk.xml:70: UniqueID: a designation without a UniqueID",
        "uk.xml:95: DateDesignated: RUS9002: invalid date '2023-05-09' (expected dd/mm/yyyy)",
    ]


# --- recognising the formats ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "fmt"),
    [(EU_XML, "eu-xml"), (EU_CSV, "eu-csv"), (FTM, "ftm-json"), (UN, "un-xml"), (UK_XML, "uk-xml")],
    ids=["eu-xml", "eu-csv", "ftm-json", "un-xml", "uk-xml"],
)
def test_each_format_is_recognised_by_content(tmp_path: Path, path: Path, fmt: str) -> None:
    if not path.exists():
        pytest.skip(f"not found: {path}")
    assert fmt in FORMATS
    renamed = tmp_path / "download.bin"  # the name says nothing
    renamed.write_bytes(
        gzip.compress(path.read_bytes()) if path.suffix != ".gz" else path.read_bytes()
    )
    assert read_list(renamed).format == fmt


def test_other_xml_is_refused_naming_its_root(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text('<?xml version="1.0"?>\n<!-- OFAC XML -->\n<sdnList><x/></sdnList>')
    assert _problems(path) == [
        "x.xml:1: XML with the root element <sdnList>: not a list this library reads "
        "(the UN list's root is <CONSOLIDATED_LIST>, the EU FSF's <export>, the UK list's "
        "<Designations>)"
    ]


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE CONSOLIDATED_LIST [\n <!ENTITY a "aaaaaaaaaa">\n'
        ' <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n'
        "<CONSOLIDATED_LIST>&b;</CONSOLIDATED_LIST>"
    )
    assert _problems(path) == [
        "bomb.xml:2: XML with a DTD or entity declaration is refused (DTDForbidden)"
    ]


def test_malformed_xml_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "un.xml"
    path.write_text(
        "<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL><REFERENCE_NUMBER>QDi.1</INDIVIDUAL>\n"
    )
    assert _problems(path) == [
        "un.xml:3: malformed XML (mismatched tag, column 38): the file may be truncated or corrupt"
    ]


def test_un_records_without_reference_or_name_are_named(tmp_path: Path) -> None:
    path = tmp_path / "un.xml"
    path.write_text(
        "<CONSOLIDATED_LIST><INDIVIDUALS>\n"
        "<INDIVIDUAL><FIRST_NAME>A B</FIRST_NAME><UN_LIST_TYPE>DPRK</UN_LIST_TYPE></INDIVIDUAL>\n"
        "<INDIVIDUAL><REFERENCE_NUMBER>KPi.900</REFERENCE_NUMBER><FIRST_NAME/></INDIVIDUAL>\n"
        "<INDIVIDUAL><REFERENCE_NUMBER>KPi.901</REFERENCE_NUMBER><FIRST_NAME>C</FIRST_NAME>"
        "<LISTED_ON>2016-13-01</LISTED_ON></INDIVIDUAL>\n"
        "</INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>\n"
    )
    assert _problems(path) == [
        "un.xml:2: REFERENCE_NUMBER: a record without a REFERENCE_NUMBER",
        "un.xml:3: FIRST_NAME: KPi.900: no name (every entry has one)",
        "un.xml:4: LISTED_ON: KPi.901: invalid date '2016-13-01' (expected YYYY-MM-DD)",
    ]


def test_an_empty_un_list_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "un.xml"
    path.write_text("<CONSOLIDATED_LIST><INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>")
    assert _problems(path) == ["un.xml: no entries"]


@needs_data
def test_the_us_formats_are_still_recognised_first() -> None:
    assert read_list(API_JSON).format == "csl-json"
    assert read_list(DPL).format == "bis-dpl"
