"""Reading official list files: every format from the real snapshots, recognised by content,
and every way a file can be bad refused with the file and row named."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.listdata import (
    API_JSON,
    CSL_2019,
    CSL_2022,
    CSL_2025,
    DPL,
    EL,
    ENTITY_LIST,
    NON_SDN,
    OFAC_2024_SDN,
    OFAC_2025_ALT_ADD,
    OFAC_SET,
    SDN,
    needs_data,
    row,
    write_csl,
)
from helpers.strategies import SETTINGS
from screening import ListError, RuleError
from screening.lists import ListFile, read_list

# --- each format from the real snapshots ------------------------------------------------------


@pytest.fixture(scope="module")
def csl_2022() -> ListFile:
    if not CSL_2022.exists():
        pytest.skip(f"shared list snapshots not found at {CSL_2022}")
    return read_list(CSL_2022)


@needs_data
def test_csl_2022_is_read_whole(csl_2022: ListFile) -> None:
    assert (csl_2022.format, csl_2022.layout, csl_2022.family) == ("csl-csv", "2022", "csl")
    assert csl_2022.rows == 14160
    # One Capta List entry is in the file twice (differing only in a URL): merged, and noted.
    assert len(csl_2022.entries) == 14159
    assert csl_2022.notes == ("entry CAP 15268 repeats at 1980 (first at 1979); merged",)
    assert csl_2022.counts() == {
        "CAP": 52, "CMIC": 68, "DPL": 462, "DTC": 727, "EL": 2001, "FSE": 3, "ISN": 163,
        "MEU": 71, "NS-MBS": 17, "PLC": 78, "SDN": 10026, "SSI": 290, "UVL": 201,
    }  # fmt: skip
    assert csl_2022.sha256 == "f55c580c0eadaeef6f291d5cd3653b147650c2019f227c92a93814aa5dc4364c"


@needs_data
def test_csl_entry_keeps_every_field(csl_2022: ListFile) -> None:
    (star,) = [e for e in csl_2022.entries if e.name == "Beijing 8-Star International Co."]
    assert star.id == "f7d0f430d30acd219f80667b215686234c9df584"
    assert (star.list, star.list_name) == ("EL", EL)
    assert star.federal_register_notice == "81 FR 12004"
    assert star.start == dt.date(2016, 3, 8)
    assert star.end is None
    assert star.countries == ("CN",)
    assert star.addresses == (
        "Unit 601, 6th Floor, Tower 1, Prosper Center, No. 5, Guanghua Road, "
        "Chaoyang District, Beijing, CN",
    )
    assert star.licence_requirement == "For all items subject to the EAR. (See §744.11 of the EAR)"
    assert star.licence_policy == "Presumption of denial."
    assert star.row == "2444"
    assert not star.derived


@needs_data
def test_csl_sdn_entry_keeps_aliases_programmes_and_type(csl_2022: ListFile) -> None:
    (bank,) = [e for e in csl_2022.entries if e.key == ("SDN", "306")]
    assert bank.name == "BANCO NACIONAL DE CUBA"
    assert set(bank.aliases) == {"BNC", "NATIONAL BANK OF CUBA"}
    assert bank.programs == ("CUBA",)
    assert bank.type == "Entity"
    assert bank.countries == ("CH", "ES", "JP", "PA")


@needs_data
def test_csl_2025_layout() -> None:
    listed = read_list(CSL_2025)
    assert (listed.format, len(listed.entries)) == ("csl-csv", 13)
    (el,) = [e for e in listed.entries if e.list == "EL"]
    assert len(el.id) == 56  # the newer 56-hex-digit ids
    assert el.federal_register_notice == "83 FR 37423; 87 FR 77505"
    assert {e.list for e in listed.entries} == {
        "DPL", "DTC", "EL", "FSE", "ISN", "MEU", "PLC", "SDN", "SSI", "UVL",
    }  # fmt: skip


@needs_data
def test_csl_2019_layout_without_ids() -> None:
    listed = read_list(CSL_2019)
    assert (listed.layout, len(listed.entries)) == ("2019", 115)
    by_list = {e.list: e for e in listed.entries}
    assert by_list["SDN"].id.isdigit()  # entity_number
    assert not by_list["SDN"].derived
    assert by_list["EL"].derived
    assert len(by_list["EL"].id) == 16
    again = read_list(CSL_2019)
    assert [e.id for e in again.entries] == [e.id for e in listed.entries]  # stable


@needs_data
def test_entity_list_extract() -> None:
    listed = read_list(ENTITY_LIST)
    assert listed.counts() == {"EL": 2001}


def test_csl_api_json() -> None:
    listed = read_list(API_JSON)
    assert (listed.format, listed.family, len(listed.entries)) == ("csl-json", "csl", 6)
    star = next(e for e in listed.entries if e.name == "Beijing 8-Star International Co.")
    assert star.id == "f7d0f430d30acd219f80667b215686234c9df584"
    assert star.federal_register_notice == "81 FR 12004"
    assert star.start == dt.date(2016, 3, 8)
    assert star.countries == ("CN",)
    assert star.row == "results[0]"
    wolf = next(e for e in listed.entries if e.list == "SDN")
    assert "WOLF HOLDING COMPANY" in wolf.aliases
    assert wolf.addresses[0] == "ul. Panferova d. 18, Moscow, 119261, RU"


@needs_data
def test_json_and_csv_of_the_same_rows_give_the_same_entries(
    csl_2022: ListFile, tmp_path: Path
) -> None:
    """The fixture was made from CSL rows: the same ids, names, dates, citations, countries."""
    from_json = {e.key: e for e in read_list(API_JSON).entries}
    from_csv = {e.key: e for e in csl_2022.entries if e.key in from_json}
    assert from_csv.keys() == from_json.keys()
    for key, entry in from_csv.items():
        other = from_json[key]
        for field in ("name", "aliases", "countries", "programs", "start", "end"):
            assert getattr(entry, field) == getattr(other, field), (key, field)
        assert entry.federal_register_notice == other.federal_register_notice


@needs_data
def test_ofac_sdn_set_joins_alt_and_add() -> None:
    listed = read_list(OFAC_SET / "sdn.csv")
    assert (listed.format, listed.family, listed.layout) == ("ofac-sdn", "ofac", "legacy-csv")
    assert [(p.name, p.rows) for p in listed.parts] == [
        ("sdn.csv", 9044),
        ("add.csv", 13625),
        ("alt.csv", 12409),
    ]
    entries = {e.id: e for e in listed.entries}
    bank = entries["306"]
    assert bank.name == "BANCO NACIONAL DE CUBA"
    assert bank.aliases == ("NATIONAL BANK OF CUBA", "BNC")  # alt.csv, then the weak a.k.a.
    assert bank.addresses[0] == "Zweierstrasse 35, Zurich CH-8022, Switzerland"
    assert bank.countries == ("CH", "ES", "JP", "PA")  # OFAC's country names mapped to ISO
    assert bank.programs == ("CUBA",)
    assert entries["2677"].name == "AL-ZOMOR, Abboud Abdul Latif Hassan"
    # The file reuses ent_num 2677 on its last line: both names kept, and noted.
    assert "HAMER AND NAIL CONSTRUCTION LIMITED" in entries["2677"].aliases
    assert listed.notes == (
        "sdn.csv:9044: ent_num 2677 repeats (first on line 57); merged",
        "add.csv: 1 entity number(s) not in sdn.csv ignored (34489)",
    )


@needs_data
def test_ofac_directory_is_the_same_as_its_primary_file() -> None:
    by_dir = read_list(OFAC_SET)
    by_file = read_list(OFAC_SET / "sdn.csv")
    assert by_dir.entries == by_file.entries
    assert by_dir.sha256 == by_file.sha256
    assert by_dir.path == str(OFAC_SET)


@needs_data
def test_ofac_country_names() -> None:
    entries = read_list(OFAC_SET).entries
    countries = {c for e in entries for c in e.countries}
    assert {"KP", "KR", "RU", "IR", "MM", "CD", "UA", "TR"} <= countries


@needs_data
def test_ofac_non_sdn_set() -> None:
    listed = read_list(NON_SDN / "cons_prim.csv")
    assert (listed.format, len(listed.entries)) == ("ofac-nonsdn", 442)
    assert listed.counts() == {"NON-SDN": 442}
    first = listed.entries[0]
    assert first.name == "HANIYA, Ismail Abdul Salah"
    assert first.aliases == ("HANIYA, Ismail", "HANIYYA, Ismaeel")
    assert first.type == "Individual"
    assert [p.name for p in listed.parts] == [
        "cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv",
    ]  # fmt: skip


@needs_data
def test_ofac_sdn_alone_reads_without_companions() -> None:
    listed = read_list(OFAC_2024_SDN)
    assert len(listed.entries) == 14965
    assert [p.name for p in listed.parts] == ["sdn.csv"]


@needs_data
def test_ofac_files_of_different_releases_are_refused(tmp_path: Path) -> None:
    """The 2025-01 alt/add are 8 months newer than the 2024-05 sdn.csv: not one release."""
    shutil.copy(OFAC_2024_SDN, tmp_path / "sdn.csv")
    shutil.copy(OFAC_2025_ALT_ADD / "alt.csv", tmp_path / "alt.csv")
    shutil.copy(OFAC_2025_ALT_ADD / "add.csv", tmp_path / "add.csv")
    with pytest.raises(ListError) as caught:
        read_list(tmp_path / "sdn.csv", display="sdn.csv")
    messages = [p.message for p in caught.value.problems]
    assert messages == [
        "add.csv is not of the same release as sdn.csv: 2111 of its 16989 entity numbers are "
        "not in sdn.csv (use the files of one download together)",
        "alt.csv is not of the same release as sdn.csv: 945 of its 8191 entity numbers are not "
        "in sdn.csv (use the files of one download together)",
    ]


@needs_data
def test_dpl_rows_of_one_denial_are_one_entry() -> None:
    listed = read_list(DPL)
    assert (listed.format, listed.family, listed.rows) == ("bis-dpl", "dpl", 581)
    assert len(listed.entries) == 486
    (zimo,) = [e for e in listed.entries if e.name == "ZIMO SHENG"]
    assert zimo.addresses == (
        "3975 N. CRAMER STREET, UNIT 204, MILWAUKEE, WI, 53211",
        "JINXIUYUAN 17-403, CHANGSHU, JIANGSU, 215500, CN",
    )
    assert (zimo.start, zimo.end) == (dt.date(2020, 3, 16), dt.date(2028, 12, 13))
    assert zimo.federal_register_notice == "85 F.R. 16054 3/20/2020"
    assert zimo.countries == ("CN",)
    assert zimo.derived


# --- the format is recognised by content, not by name -----------------------------------------


@needs_data
@pytest.mark.parametrize(
    ("source", "name", "expected"),
    [
        (CSL_2025, "dpl.txt", "csl-csv"),
        (DPL, "consolidated.csv", "bis-dpl"),
        (API_JSON, "list.csv", "csl-json"),
        (CSL_2019, "data", "csl-csv"),
    ],
)
def test_format_is_recognised_by_content(
    source: Path, name: str, expected: str, tmp_path: Path
) -> None:
    target = tmp_path / name
    shutil.copy(source, target)
    assert read_list(target).format == expected


@needs_data
@pytest.mark.parametrize("source", [DPL, API_JSON, CSL_2025])
def test_gzip_is_recognised_by_content(source: Path, tmp_path: Path) -> None:
    target = tmp_path / "list.bin"
    target.write_bytes(gzip.compress(source.read_bytes()))
    listed = read_list(target)
    assert listed.entries == read_list(source).entries


# --- bad files: refused, with file and row ----------------------------------------------------


def _problems(path: Path, display: str) -> list[str]:
    with pytest.raises(ListError) as caught:
        read_list(path, display=display)
    assert isinstance(caught.value, RuleError)  # a load-time error
    return [str(p) for p in caught.value.problems]


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    assert _problems(tmp_path / "empty.csv", "empty.csv") == ["empty.csv: file is empty"]


def test_missing_file(tmp_path: Path) -> None:
    assert _problems(tmp_path / "nope.csv", "nope.csv") == ["nope.csv: list file not found"]


def test_header_only(tmp_path: Path) -> None:
    path = write_csl(tmp_path / "h.csv", [])
    assert _problems(path, "h.csv") == ["h.csv:1: no entries (a header row only)"]


def test_row_cut_short_names_its_line(tmp_path: Path) -> None:
    path = write_csl(tmp_path / "l.csv", [row(EL, "Alpha Co."), row(EL, "Beta Co.")])
    path.write_text(path.read_text() + "x1,Entity List (EL) - Bureau of Industry and Security,,\n")
    assert _problems(path, "l.csv") == [
        "l.csv:4: 4 fields, expected 29 as in the header (the file may be truncated or corrupt)"
    ]


@needs_data
def test_truncated_inside_a_quoted_field(tmp_path: Path) -> None:
    data = CSL_2025.read_bytes()
    cut = data.index(b"Atlas Sanatgaran") + 5  # inside the quoted name of the entry on line 3
    path = tmp_path / "cut.csv"
    path.write_bytes(data[:cut])
    assert _problems(path, "cut.csv") == [
        "cut.csv:3: malformed CSV (unexpected end of data): the file may be truncated or corrupt"
    ]


@needs_data
def test_truncated_gzip(tmp_path: Path) -> None:
    data = CSL_2022.read_bytes()
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    assert _problems(path, "cut.csv.gz") == [
        "cut.csv.gz: truncated gzip file (compressed data ends early)"
    ]


@needs_data
def test_corrupt_gzip(tmp_path: Path) -> None:
    data = bytearray(CSL_2022.read_bytes())
    data[5000:5100] = bytes(100)  # zeros in the middle of the deflate stream
    path = tmp_path / "bad.csv.gz"
    path.write_bytes(bytes(data))
    (problem,) = _problems(path, "bad.csv.gz")
    assert problem.startswith("bad.csv.gz: corrupt gzip file: ")


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = write_csl(tmp_path / "l.csv", [row(EL, "Alpha Co."), row(EL, "Beta Co.")])
    data = path.read_bytes().replace(b"Beta", b"B\xe9ta")
    path.write_bytes(data)
    assert _problems(path, "l.csv") == [f"l.csv:3: not UTF-8 text (byte {data.index(0xE9)})"]


def test_every_bad_row_is_reported(tmp_path: Path) -> None:
    path = write_csl(
        tmp_path / "l.csv",
        [
            row(EL, "Alpha Co.", start_date="2016-13-01"),
            row(EL, "  "),
            row("", "Gamma"),
            row(EL, "Delta", start_date="2020-01-02", end_date="2019-01-01"),
            row(EL, "Fine Co.", start_date="2020-01-02"),
        ],
    )
    assert _problems(path, "l.csv") == [
        "l.csv:2: start_date: invalid date '2016-13-01' (expected YYYY-MM-DD)",
        "l.csv:3: name: empty (every entry has a name)",
        "l.csv:4: source: empty (every entry names its source list)",
        "l.csv:5: end_date: end_date 2019-01-01 is before start_date 2020-01-02",
    ]


def test_header_without_the_needed_columns(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text("source,title\nEntity List (EL) - Bureau of Industry and Security,x\n")
    assert _problems(path, "l.csv") == [
        "l.csv:1: not a list format this library reads (a CSL CSV or JSON, an OFAC legacy CSV, "
        "a BIS DPL file, UN, EU or UK XML, an EU, UK or OFSI CSV or OpenSanctions FtM "
        "JSON Lines); it begins 'source,title'"
    ]


def test_not_a_list(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("ruleset:\n  name: x\n")
    assert _problems(path, "rules.yaml") == [
        "rules.yaml:1: not a list format this library reads (a CSL CSV or JSON, an OFAC legacy "
        "CSV, a BIS DPL file, UN, EU or UK XML, an EU, UK or OFSI CSV or OpenSanctions FtM "
        "JSON Lines); it begins 'ruleset:'"
    ]


def test_truncated_json_names_the_line(tmp_path: Path) -> None:
    text = API_JSON.read_text("utf-8")
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) // 2])
    (problem,) = _problems(path, "cut.json")
    assert problem.startswith("cut.json:")
    assert "invalid JSON" in problem
    assert problem.endswith("the file may be truncated or corrupt")
    line = int(problem.split(":")[1])
    assert 1 < line <= text[: len(text) // 2].count("\n") + 1


def test_json_page_of_a_search_is_not_a_list(tmp_path: Path) -> None:
    data = json.loads(API_JSON.read_text("utf-8"))
    data["total"] = 14000
    path = tmp_path / "page.json"
    path.write_text(json.dumps(data))
    assert _problems(path, "page.json") == [
        "page.json: total: holds 6 of 14000 results: one page of an API search, not the whole "
        "list (use the downloadable consolidated.json)"
    ]


def test_json_entry_errors_name_the_result(tmp_path: Path) -> None:
    data = json.loads(API_JSON.read_text("utf-8"))
    data["results"][2]["name"] = ""
    data["results"][4]["start_date"] = "04/07/2022"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    assert _problems(path, "bad.json") == [
        "bad.json: results[2].name: empty (every entry has a name)",
        "bad.json: results[4].start_date: invalid date '04/07/2022' (expected YYYY-MM-DD)",
    ]


@needs_data
def test_ofac_companion_alone_is_refused() -> None:
    assert _problems(OFAC_2025_ALT_ADD / "alt.csv", "alt.csv") == [
        "alt.csv: an OFAC alt file: load the primary file of its set (sdn.csv or cons_prim.csv), "
        "which reads the others beside it"
    ]
    assert _problems(OFAC_2025_ALT_ADD, "alt_add") == [
        "alt_add: directory holds no manifest.json, sdn.csv or cons_prim.csv: name one list file"
    ]


@needs_data
def test_ofac_row_with_wrong_field_count(tmp_path: Path) -> None:
    for name in ("sdn.csv", "alt.csv", "add.csv"):
        shutil.copy(OFAC_SET / name, tmp_path / name)
    alt = tmp_path / "alt.csv"
    lines = alt.read_text("utf-8").splitlines(keepends=True)
    lines[99] = "306,999,aka\n"
    alt.write_text("".join(lines))
    assert _problems(tmp_path / "sdn.csv", "ofac/sdn.csv") == [
        "ofac/alt.csv:100: 3 fields, expected 5 in an OFAC alt file (the file may be truncated "
        "or corrupt)"
    ]


@needs_data
def test_dpl_bad_date(tmp_path: Path) -> None:
    text = DPL.read_text("utf-8").replace('"08/24/2022"', '"2022-08-24"', 1)
    path = tmp_path / "dpl.txt"
    path.write_text(text)
    assert _problems(path, "dpl.txt") == [
        "dpl.txt:3: invalid date '2022-08-24' (expected MM/DD/YYYY)"
    ]


# --- properties -------------------------------------------------------------------------------

_word = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij0123456789.&'-\"", min_size=1, max_size=8
)
_name = st.lists(_word, min_size=1, max_size=4).map(" ".join)
_address = st.tuples(_name, st.sampled_from(["CN", "RU", "IR", "AE", "HK"])).map(", ".join)
_date = st.dates(dt.date(1980, 1, 1), dt.date(2030, 12, 31))


@st.composite
def _entries(draw: st.DrawFn) -> list[dict[str, object]]:
    out = []
    for i in range(draw(st.integers(1, 6))):
        name = draw(_name)
        aliases = draw(st.lists(_name.filter(lambda a, n=name: a != n), max_size=3, unique=True))
        out.append(
            {
                "_id": f"id{i}",
                "source": draw(st.sampled_from([EL, SDN])),
                "name": name,
                "alt_names": aliases,
                "addresses": draw(st.lists(_address, max_size=2, unique=True)),
                "start_date": draw(st.none() | _date),
                "federal_register_notice": draw(st.none() | st.sampled_from(["81 FR 12004"])),
            }
        )
    return out


@SETTINGS
@given(entries=_entries())
def test_csv_and_json_of_the_same_entries_read_back_the_same(
    entries: list[dict[str, object]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("roundtrip")

    def text(value: object) -> str:
        if isinstance(value, list):
            return "; ".join(value)
        return "" if value is None else str(value)

    write_csl(folder / "l.csv", [{k: text(v) for k, v in e.items()} for e in entries])
    results = [
        {
            "id": e["_id"],
            "source": e["source"],
            "name": e["name"],
            "alt_names": e["alt_names"],
            "addresses": [
                {"address": a.rsplit(", ", 1)[0], "country": a.rsplit(", ", 1)[1]}  # type: ignore[union-attr]
                for a in e["addresses"]  # type: ignore[attr-defined]
            ],
            "start_date": None if e["start_date"] is None else str(e["start_date"]),
            "federal_register_notice": e["federal_register_notice"],
        }
        for e in entries
    ]
    (folder / "l.json").write_text(json.dumps({"results": results}))
    from_csv, from_json = read_list(folder / "l.csv"), read_list(folder / "l.json")
    assert [e.content() for e in from_csv.entries] == [e.content() for e in from_json.entries]
    for entry, original in zip(from_csv.entries, entries, strict=True):
        assert entry.name == original["name"]
        assert entry.aliases == tuple(original["alt_names"])  # type: ignore[arg-type]
        assert entry.addresses == tuple(original["addresses"])  # type: ignore[arg-type]
        assert entry.start == original["start_date"]
        assert entry.countries == tuple(dict.fromkeys(a[-2:] for a in original["addresses"]))  # type: ignore[attr-defined]


@needs_data
def test_reading_is_deterministic() -> None:
    a, b = read_list(OFAC_SET), read_list(OFAC_SET)
    assert a == b
    assert [e.row for e in a.entries] == [e.row for e in b.entries]


def test_a_number_too_long_to_convert_is_a_clear_error(tmp_path: Path) -> None:
    """json raises a plain ValueError (not JSONDecodeError) past 4,300 digits: found by fuzzing."""
    path = tmp_path / "big.json"
    path.write_text('{"results": [{"id": ' + "1" * 5000 + "}]}")
    (problem,) = _problems(path, "big.json")
    assert problem.startswith("big.json")
    assert "invalid JSON" in problem
    assert "4300 digits" in problem
