"""The CSL reader's own mapping (`screening.lists.csl`): how a row of the Consolidated Screening
List becomes an entry: names cleaned, aliases and programmes split, countries read from the
addresses, ids kept or derived, dates parsed. Whole-file reading and refusals are in
test_formats.py."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.listdata import (
    CSL_2019,
    CSL_2022,
    CSL_2025,
    EL,
    ENTITY_LIST,
    SDN,
    needs_data,
    row,
    write_csl,
)
from helpers.strategies import SETTINGS
from screening import ListError
from screening.lists import ListEntry, ListFile, read_list
from screening.lists.csl import COLUMNS

OFAC_LISTS = {"SDN", "SSI", "PLC", "CAP", "FSE", "NS-MBS", "CMIC"}


def one(listed: ListFile, name: str) -> ListEntry:
    (entry,) = [e for e in listed.entries if e.name == name]
    return entry


@pytest.fixture(scope="module")
def csl_2025() -> ListFile:
    if not CSL_2025.exists():
        pytest.skip(f"shared list snapshots not found at {CSL_2025}")
    return read_list(CSL_2025)


@pytest.fixture(scope="module")
def csl_2019() -> ListFile:
    if not CSL_2019.exists():
        pytest.skip(f"shared list snapshots not found at {CSL_2019}")
    return read_list(CSL_2019)


@needs_data
def test_the_columns_are_those_of_the_2022_and_2025_header() -> None:
    for path in (CSL_2025, ENTITY_LIST):
        header = next(csv.reader(io.StringIO(path.read_text("utf-8"))))
        assert tuple(header) == COLUMNS, path.name
    assert [c for c in COLUMNS if c != "_id"] == next(
        csv.reader(io.StringIO(CSL_2019.read_text("utf-8")))
    )


# --- the 2025 layout --------------------------------------------------------------------------


@needs_data
def test_an_sdn_individual(csl_2025: ListFile) -> None:
    """Countries come from the addresses ("Shenyang, CN; Pyongyang, KP"), in their order; the
    nationality column is not an address."""
    rim = one(csl_2025, "RIM, Ryong Nam")
    assert (rim.id, rim.list, rim.list_name, rim.type) == ("52291", "SDN", SDN, "Individual")
    assert rim.addresses == ("Shenyang, CN", "Pyongyang, KP")
    assert rim.countries == ("CN", "KP")
    assert rim.programs == ("NPWMD",)
    assert rim.aliases == ()
    assert (rim.start, rim.end, rim.federal_register_notice) == (None, None, None)
    assert rim.source_url == "https://sanctionslist.ofac.treas.gov/Home/SdnList"
    assert not rim.derived


@needs_data
def test_an_entity_list_entry_with_aliases_and_several_addresses(csl_2025: ListFile) -> None:
    cetc = one(
        csl_2025,
        "China Electronics Technology Group Corporation 13th Research Institute (CETC 13)",
    )
    assert cetc.id == "99ed1b052fdb09695fae1ba87516d8a0882b0df04652e07aeb5ce7be"
    assert cetc.aliases[:5] == (
        "Hebei Semiconductor Research Institute",
        "HSRI",
        "Hebei Institute of Semiconductors",
        "Hebei Semiconductor Institute",
        "Hebei Semiconductor",
    )
    assert len(cetc.addresses) == 3
    # Only the last address ends with an ISO code: "China" is not a code, so one country.
    assert cetc.countries == ("CN",)
    assert cetc.start == dt.date(2018, 8, 1)
    assert cetc.licence_policy is not None
    assert cetc.licence_policy.startswith("Policy of denial for all items subject to the EAR")


@needs_data
def test_programmes_are_split_in_order(csl_2025: ListFile) -> None:
    tnk = one(csl_2025, "TNK Trading International S.A.")
    assert tnk.programs == ("VENEZUELA-EO13850", "UKRAINE-EO13662")
    assert (tnk.list, tnk.type, tnk.countries) == ("SSI", "Entity", ("CH",))


@needs_data
def test_a_denial_keeps_both_dates_and_its_remarks(csl_2025: ListFile) -> None:
    ash = one(csl_2025, "I. ASH")
    assert (ash.start, ash.end) == (dt.date(2002, 3, 4), dt.date(2056, 6, 29))
    assert ash.remarks == "50 YEAR DENIAL"
    assert ash.countries == ("US",)


# --- the 2019 layout --------------------------------------------------------------------------


@needs_data
def test_2019_names_are_stripped(csl_2019: ListFile) -> None:
    """The file has " ADRIAN MANUEL HERNANDEZ" with a leading space."""
    adrian = one(csl_2019, "ADRIAN MANUEL HERNANDEZ")
    assert adrian.row == "2"
    assert adrian.addresses == ("3037 S. 69TH DRIVE, PHONEIX, AZ, 85043",)
    assert adrian.countries == ()  # the address ends with a ZIP code, not a country
    assert (adrian.start, adrian.end) == (dt.date(2017, 10, 16), dt.date(2020, 10, 13))


@needs_data
def test_2019_ofac_entries_keep_their_entity_number_and_the_others_get_a_derived_id(
    csl_2019: ListFile,
) -> None:
    for entry in csl_2019.entries:
        if entry.list in OFAC_LISTS:
            assert (entry.id.isdigit(), entry.derived) == (True, False), entry
        else:
            assert (entry.derived, len(entry.id)) == (True, 16), entry


@needs_data
def test_2019_countries_are_unique_in_address_order(csl_2019: ListFile) -> None:
    trust = one(csl_2019, "AL-AKHTAR TRUST INTERNATIONAL")
    assert len(trust.addresses) == 9
    assert trust.countries == ("PK", "AF")
    tir = one(csl_2019, "7TH OF TIR")
    assert tir.programs == ("IFSR", "NPWMD")
    assert "SEVENTH OF TIR" in tir.aliases
    assert len(tir.aliases) == 7


@needs_data
def test_an_ofac_entry_is_the_same_entry_in_2019_and_2022(csl_2019: ListFile) -> None:
    """Entity numbers are ids across layouts: the 2019 entries still listed in 2022 are found
    by key, and keep their type."""
    later = {e.key: e for e in read_list(CSL_2022).entries}
    kept = [e for e in csl_2019.entries if e.key in later]
    assert len(kept) == 65
    assert all(e.list in OFAC_LISTS for e in kept)
    assert all(later[e.key].type == e.type for e in kept)


@needs_data
def test_derived_ids_do_not_depend_on_row_order(csl_2019: ListFile, tmp_path: Path) -> None:
    lines = CSL_2019.read_text("utf-8").splitlines(keepends=True)
    path = tmp_path / "reversed.csv"
    path.write_text(lines[0] + "".join(reversed(lines[1:])), "utf-8")
    again = read_list(path)
    assert {e.id: e.name for e in again.entries} == {e.id: e.name for e in csl_2019.entries}


# --- the mapping of one row -------------------------------------------------------------------


def _entry(tmp_path: Path, **fields: str) -> ListEntry:
    (entry,) = read_list(write_csl(tmp_path / "l.csv", [row(EL, "Alpha Co.", **fields)])).entries
    return entry


def test_whitespace_inside_fields_is_collapsed(tmp_path: Path) -> None:
    path = write_csl(tmp_path / "l.csv", [row(f" {EL} ", "  Alpha \t Trading\n Co.  ")])
    (entry,) = read_list(path).entries
    assert entry.name == "Alpha Trading Co."
    assert (entry.list, entry.list_name) == ("EL", EL)


def test_an_alias_that_is_the_name_is_not_an_alias(tmp_path: Path) -> None:
    entry = _entry(tmp_path, alt_names="Alpha Co.; ALPHA CO; Alpha  Co.; ; Beta")
    assert entry.aliases == ("ALPHA CO", "Beta")


def test_repeated_programmes_and_addresses_are_kept_once(tmp_path: Path) -> None:
    entry = _entry(tmp_path, programs="IRAN; SDGT; IRAN", addresses="Tehran, IR; Tehran, IR; ; SY")
    assert entry.programs == ("IRAN", "SDGT")
    assert entry.addresses == ("Tehran, IR", "SY")
    assert entry.countries == ("IR", "SY")


@pytest.mark.parametrize(
    ("address", "countries"),
    [
        ("Moscow, RU", ("RU",)),
        ("RU", ("RU",)),
        ("Pristina, XK", ("XK",)),  # Kosovo, as US lists write it
        ("Moscow, ru", ()),  # a code is upper case
        ("Moscow, Russia", ()),
        ("Somewhere, ZZ", ()),  # not an ISO code
        ("Box 12, 75300", ()),
    ],
)
def test_a_country_is_the_iso_code_an_address_ends_with(
    tmp_path: Path, address: str, countries: tuple[str, ...]
) -> None:
    entry = _entry(tmp_path, addresses=address)
    assert entry.addresses == (address,)
    assert entry.countries == countries


def test_dates_and_citations(tmp_path: Path) -> None:
    entry = _entry(
        tmp_path,
        start_date="2016-03-08",
        end_date="2017-03-28",
        federal_register_notice=" 81 FR 12004 ",
        license_requirement="For all items subject to the EAR.",
        license_policy="Presumption of denial.",
        type="Entity",
        remarks="",
    )
    assert (entry.start, entry.end) == (dt.date(2016, 3, 8), dt.date(2017, 3, 28))
    assert entry.federal_register_notice == "81 FR 12004"
    assert entry.licence_requirement == "For all items subject to the EAR."
    assert entry.licence_policy == "Presumption of denial."
    assert (entry.type, entry.remarks) == ("Entity", None)


def test_without_an_id_column_the_entity_number_is_the_id(tmp_path: Path) -> None:
    header = [c for c in COLUMNS if c != "_id"]
    path = write_csl(
        tmp_path / "l.csv",
        [row(SDN, "BANCO NACIONAL DE CUBA", entity_number="306"), row(EL, "Alpha Co.")],
        header=header,
    )
    listed = read_list(path)
    assert listed.layout == "2019"
    bank, alpha = listed.entries
    assert (bank.id, bank.derived) == ("306", False)
    assert (alpha.derived, len(alpha.id)) == (True, 16)


def test_a_derived_id_changes_with_what_identifies_the_entry(tmp_path: Path) -> None:
    header = [c for c in COLUMNS if c != "_id"]
    base = {"addresses": "Beijing, CN", "start_date": "2016-03-08"}
    ids = []
    for changed in ({}, {"name": "Alpha Co"}, {"addresses": "Shanghai, CN"},
                    {"start_date": "2016-03-09"}, {"federal_register_notice": "81 FR 1"},
                    {"remarks": "a remark only"}):  # fmt: skip
        fields = {**base, **changed}
        name = fields.pop("name", "Alpha Co.")
        path = write_csl(tmp_path / "l.csv", [row(EL, name, **fields)], header=header)
        ids.append(read_list(path).entries[0].id)
    assert len(set(ids[:5])) == 5  # name, addresses, date and citation identify an entry
    assert ids[5] == ids[0]  # a remark does not


# --- JSON -------------------------------------------------------------------------------------


def _json(tmp_path: Path, data: object) -> ListFile:
    path = tmp_path / "l.json"
    path.write_text(json.dumps(data), "utf-8")
    return read_list(path)


def test_json_addresses_are_objects_joined_in_order(tmp_path: Path) -> None:
    result = {
        "id": "x1",
        "source": SDN,
        "name": "WOLF HOLDING",
        "entity_number": 42,
        "programs": ["UKRAINE-EO13662", "RUSSIA-EO14024", "UKRAINE-EO13662"],
        "alt_names": ["WOLF HOLDING COMPANY", "WOLF HOLDING"],
        "addresses": [
            {"address": "ul. Panferova d. 18", "city": "Moscow", "postal_code": "119261",
             "country": "ru"},
            {"city": "Limassol", "country": "Cyprus"},
            {"address": None, "country": None},
        ],
    }  # fmt: skip
    (entry,) = _json(tmp_path, [result]).entries  # a bare list is accepted
    assert entry.id == "x1"
    assert entry.addresses == ("ul. Panferova d. 18, Moscow, 119261, ru", "Limassol, Cyprus")
    assert entry.countries == ("RU",)  # the country field is a code in any case; a name is not
    assert entry.programs == ("UKRAINE-EO13662", "RUSSIA-EO14024")
    assert entry.aliases == ("WOLF HOLDING COMPANY",)
    assert entry.row == "[0]"


def test_json_entity_number_is_the_id_when_there_is_no_id(tmp_path: Path) -> None:
    (entry,) = _json(
        tmp_path, {"results": [{"source": SDN, "name": "X", "entity_number": 306}]}
    ).entries
    assert (entry.id, entry.derived, entry.row) == ("306", False, "results[0]")


def test_json_fields_of_the_wrong_shape_are_named(tmp_path: Path) -> None:
    results = [
        {"source": EL, "name": "A", "alt_names": [1, 2]},
        {"source": EL, "name": "B", "addresses": "Beijing, CN", "programs": {"x": 1}},
        {"source": EL, "name": ["C"]},
        "D",
        {"source": EL, "name": "E", "addresses": ["Beijing, CN"]},
    ]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"results": results}), "utf-8")
    with pytest.raises(ListError) as caught:
        read_list(path, display="bad.json")
    assert [str(p) for p in caught.value.problems] == [
        "bad.json: results[0].alt_names: expected a list of strings",
        "bad.json: results[1].programs: expected a list of strings",
        "bad.json: results[2].name: expected text",
        "bad.json: results[2].name: empty (every entry has a name)",
        "bad.json: results[3]: expected an object",
        "bad.json: results[4].addresses[0]: expected an address object",
    ]


def test_json_without_results_is_refused(tmp_path: Path) -> None:
    for data, message in (
        ({"results": []}, "l.json: results: no entries ('results' is empty)"),
        ({"results": {"a": 1}}, "l.json: results: expected a 'results' list of entries"),
        ([], "l.json: no entries ('results' is empty)"),
    ):
        path = tmp_path / "l.json"
        path.write_text(json.dumps(data), "utf-8")
        with pytest.raises(ListError) as caught:
            read_list(path, display="l.json")
        assert [str(p) for p in caught.value.problems] == [message]


# --- a property -------------------------------------------------------------------------------

_part = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdef.-'", min_size=1, max_size=12)


@SETTINGS
@given(
    name=_part.filter(str.strip),
    aliases=st.lists(_part, max_size=5),
    countries=st.lists(st.sampled_from(["CN", "RU", "IR", "KP", "AE", "XK"]), max_size=4),
)
def test_any_row_maps_to_its_parts(
    name: str,
    aliases: list[str],
    countries: list[str],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.mktemp("csl")
    addresses = [f"Street {i}, {c}" for i, c in enumerate(countries)]
    path = write_csl(
        folder / "l.csv",
        [row(EL, name, alt_names="; ".join(aliases), addresses="; ".join(addresses))],
    )
    (entry,) = read_list(path).entries

    def clean(text: str) -> str:
        return " ".join(text.split())

    assert entry.name == clean(name)
    expected = [clean(a) for a in aliases if clean(a)]
    assert entry.aliases == tuple(a for a in dict.fromkeys(expected) if a != entry.name)
    assert entry.addresses == tuple(addresses)
    assert entry.countries == tuple(dict.fromkeys(countries))
