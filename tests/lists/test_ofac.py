"""The OFAC legacy reader's own mapping (`screening.lists.ofac`): a primary row and its alt, add
and comments rows become one entry: names, aliases (with the weak a.k.a.s of the remarks),
addresses with OFAC's country names turned into ISO codes, programmes and types. Whole-set
reading and refused sets are in test_formats.py."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.listdata import NON_SDN, OFAC_SET, needs_data
from helpers.strategies import SETTINGS
from screening import ListError
from screening.lists import ListEntry, ListFile, read_list
from screening.lists.ofac import (
    ALT_COLUMNS,
    PRIMARY_COLUMNS,
    companion_role,
    companions,
    country_code,
    ofac_layout,
)


@pytest.fixture(scope="module")
def sdn() -> dict[str, ListEntry]:
    if not OFAC_SET.exists():
        pytest.skip(f"shared list snapshots not found at {OFAC_SET}")
    return {e.id: e for e in read_list(OFAC_SET).entries}


@pytest.fixture(scope="module")
def non_sdn() -> ListFile:
    if not NON_SDN.exists():
        pytest.skip(f"shared list snapshots not found at {NON_SDN}")
    return read_list(NON_SDN / "cons_prim.csv")


# --- the real files ---------------------------------------------------------------------------


@needs_data
def test_an_entity_with_its_alias_and_address(sdn: dict[str, ListEntry]) -> None:
    """sdn.csv ``36,AEROCARIBBEAN AIRLINES,-0- ,CUBA,...``; alt.csv ``36,12,aka,AERO-CARIBBEAN``;
    add.csv ``36,25,-0- ,"Havana","Cuba",-0-``."""
    airline = sdn["36"]
    assert airline.name == "AEROCARIBBEAN AIRLINES"
    assert airline.aliases == ("AERO-CARIBBEAN",)
    assert airline.addresses == ("Havana, Cuba",)  # -0- street left out
    assert airline.countries == ("CU",)
    assert (airline.type, airline.programs, airline.remarks) == ("Entity", ("CUBA",), None)
    assert (airline.list, airline.row, airline.derived) == ("SDN", "1", False)


@needs_data
def test_programmes_are_split_from_their_brackets(sdn: dict[str, ListEntry]) -> None:
    """The file writes ``IRAN] [SDGT] [IRGC] [IFSR`` (the outer brackets dropped)."""
    assert sdn["4632"].name == "BANK MARKAZI JOMHOURI ISLAMI IRAN"
    assert sdn["4632"].programs == ("IRAN", "SDGT", "IRGC", "IFSR")


@needs_data
def test_types_are_named(sdn: dict[str, ListEntry]) -> None:
    assert sdn["4238"].name == "MAR AZUL"
    assert sdn["4238"].type == "Vessel"
    assert sdn["3754"].type == "Individual"
    assert {e.type for e in sdn.values()} == {"Entity", "Individual", "Vessel", "Aircraft"}


@needs_data
def test_weak_akas_of_the_remarks_are_aliases(sdn: dict[str, ListEntry]) -> None:
    """``a.k.a. 'ABU-'UMAR'.`` (an apostrophe inside the name) and ``a.k.a. 'CARIBEX'.``."""
    hamas = sdn["3754"]
    assert hamas.name == "ABU MARZOOK, Mousa Mohammed"
    assert hamas.aliases[-1] == "ABU-'UMAR"
    assert len(hamas.aliases) == 6
    assert sdn["751"].aliases == ("CARIBBEAN EXPORT ENTERPRISE", "CARIBEX")


@needs_data
def test_addresses_keep_their_order_and_countries_follow(sdn: dict[str, ListEntry]) -> None:
    fish = sdn["751"]
    assert fish.addresses[0] == "Paris, France"
    assert fish.countries == ("FR", "IT", "RU", "ES", "DE", "CA", "JP")
    assert len(fish.addresses) == 7


@needs_data
def test_every_address_country_of_the_set_is_known_or_deliberately_none(
    sdn: dict[str, ListEntry],
) -> None:
    """Every country OFAC names in add.csv maps to ISO, but for the regions and dissolved
    states the table maps to no country: an unmapped new spelling would fail here."""
    text = (OFAC_SET / "add.csv").read_text("utf-8").rstrip("\x1a")
    names = {fields[4].strip() for fields in csv.reader(io.StringIO(text)) if len(fields) == 6}
    assert len(names) > 150
    unknown = sorted(n for n in names if n and n != "-0-" and country_code(n) is None)
    assert set(unknown) <= {"Region: Commonwealth of Independent States", "Region: Kafia Kingi",
                            "Netherlands Antilles", "undetermined"}  # fmt: skip


@needs_data
def test_non_sdn_comments_continue_the_remarks(non_sdn: ListFile) -> None:
    """cons_comments.csv carries on the remarks of 17014; its ``a.k.a. 'RUSAG'`` is an alias."""
    (bank,) = [e for e in non_sdn.entries if e.id == "17014"]
    assert bank.name == "JOINT STOCK COMPANY RUSSIAN AGRICULTURAL BANK"
    assert bank.aliases[-1] == "RUSAG"
    assert bank.remarks is not None
    assert bank.remarks.startswith("SWIFT/BIC RUAGRUMM")
    assert bank.remarks.endswith("a.k.a. 'RUSAG'.")
    assert "Registration Number 1027700342890 (Russia); For more" in bank.remarks
    assert bank.programs == ("UKRAINE-EO13662", "RUSSIA-EO14024")
    assert bank.countries == ("RU",)
    assert (bank.list, non_sdn.family, non_sdn.layout) == ("NON-SDN", "ofac", "legacy-csv")


@needs_data
def test_the_dos_end_of_file_byte_is_not_a_row(tmp_path: Path) -> None:
    """The non-SDN files end with ``\\x1a``; without it the set reads the same."""
    assert (NON_SDN / "cons_prim.csv").read_bytes().endswith(b"\x1a")
    for path in NON_SDN.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes().rstrip(b"\x1a"))
    stripped = read_list(tmp_path / "cons_prim.csv")
    original = read_list(NON_SDN / "cons_prim.csv")
    assert stripped.entries == original.entries
    assert [p.rows for p in stripped.parts] == [p.rows for p in original.parts]


@needs_data
def test_companions_are_found_whatever_their_case(tmp_path: Path) -> None:
    """The OFAC service names them ``ALT.CSV``: found, and read as if lower case."""
    shutil.copy(OFAC_SET / "sdn.csv", tmp_path / "sdn.csv")
    shutil.copy(OFAC_SET / "alt.csv", tmp_path / "ALT.CSV")
    shutil.copy(OFAC_SET / "add.csv", tmp_path / "Add.Csv")
    assert companions(tmp_path / "sdn.csv") == {
        "add": tmp_path / "Add.Csv",
        "alt": tmp_path / "ALT.CSV",
    }
    assert read_list(tmp_path / "sdn.csv").entries == read_list(OFAC_SET).entries


# --- rows of the files ------------------------------------------------------------------------


def _primary(
    ent: int, name: str, kind: str = "-0- ", programs: str = "SDGT", remarks: str = "-0-"
) -> str:
    fields = [str(ent), f'"{name}"', kind, programs, *["-0- "] * 7, f'"{remarks}"']
    return ",".join(fields) + "\n"


def _set(folder: Path, primary: str, alt: str = "", add: str = "") -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "sdn.csv").write_text(primary, "utf-8")
    if alt:
        (folder / "alt.csv").write_text(alt, "utf-8")
    if add:
        (folder / "add.csv").write_text(add, "utf-8")
    return folder / "sdn.csv"


def test_minus_zero_minus_is_empty(tmp_path: Path) -> None:
    path = _set(
        tmp_path,
        _primary(1, "ALPHA TRADING", remarks="-0- "),
        alt="1,10,aka,-0- ,-0- \n",
        add="1,20,-0- ,-0- ,-0- ,-0- \n1,21,-0- ,Tehran,Iran,-0- \n",
    )
    (entry,) = read_list(path).entries
    assert (entry.remarks, entry.aliases) == (None, ())
    assert entry.addresses == ("Tehran, Iran",)
    assert entry.countries == ("IR",)


@needs_data
def test_comments_are_joined_where_ofac_cut_the_remarks(non_sdn: ListFile) -> None:
    """OFAC cuts remarks at 1,000 characters and carries on in cons_comments.csv wherever the
    cut falls: mid-word (17014, 17018), after a space (17250) or before one (17254)."""
    remarks = {e.id: e.remarks or "" for e in non_sdn.entries}
    assert "Registration Number 1027700342890 (Russia)" in remarks["17014"]
    assert "(EO 14024 Directive 2): 24 Feb 2022" in remarks["17018"]
    assert "Registration Number 1027700070518 (Russia); For more" in remarks["17250"]
    assert "(Russia); Government Gazette Number 00044463" in remarks["17254"]


@pytest.mark.parametrize(
    ("remarks", "comment", "joined"),
    [("Registration Numbe", "r 1027700342890.", "Registration Number 1027700342890."),
     ("Tax ID No. 77 ", "(Russia).", "Tax ID No. 77 (Russia)."),
     ("Tax ID No. 77", " (Russia).", "Tax ID No. 77 (Russia)."),
     ("-0- ", "a.k.a. 'RUSAG'.", "a.k.a. 'RUSAG'.")],
)  # fmt: skip
def test_a_comment_continues_the_remarks_as_written(
    tmp_path: Path, remarks: str, comment: str, joined: str
) -> None:
    path = _set(tmp_path, _primary(1, "ALPHA", remarks=remarks))
    (tmp_path / "sdn_comments.csv").write_text(f'1,"{comment}"\n', "utf-8")
    assert read_list(path).entries[0].remarks == joined


def test_the_name_of_a_weak_aka_is_kept_once(tmp_path: Path) -> None:
    path = _set(
        tmp_path,
        _primary(1, "ALPHA TRADING", remarks="a.k.a. 'ALPHA'; f.k.a. 'OLD ALPHA'; n.k.a. 'NEW'."),
        alt="1,10,aka,ALPHA,-0- \n",
    )
    (entry,) = read_list(path).entries
    assert entry.aliases == ("ALPHA", "OLD ALPHA", "NEW")


def test_an_alias_that_is_the_name_is_not_an_alias(tmp_path: Path) -> None:
    path = _set(tmp_path, _primary(1, "ALPHA"), alt="1,10,aka,ALPHA,-0- \n1,11,fka,BETA,-0- \n")
    assert read_list(path).entries[0].aliases == ("BETA",)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("individual", "Individual"), ("aircraft", "Aircraft"), ("vessel", "Vessel"),
     ("-0- ", "Entity"), ("ship", "ship")],
)  # fmt: skip
def test_the_type_column(tmp_path: Path, kind: str, expected: str) -> None:
    assert read_list(_set(tmp_path, _primary(1, "ALPHA", kind=kind))).entries[0].type == expected


def test_bad_rows_are_named_by_file_and_line(tmp_path: Path) -> None:
    primary = _primary(1, "ALPHA") + _primary(2, "-0-") + "x3" + _primary(3, "GAMMA")[1:]
    path = _set(tmp_path, primary, alt="1,10,aka,ALPHA 2,-0- \nabc,11,aka,X,-0- \n")
    with pytest.raises(ListError) as caught:
        read_list(path, display="ofac/sdn.csv")
    assert [str(p) for p in caught.value.problems] == [
        "ofac/sdn.csv:2: name: empty (every entry has a name)",
        "ofac/sdn.csv:3: ent_num: ent_num 'x3' is not a number",
        "ofac/alt.csv:2: ent_num: ent_num 'abc' is not a number",
    ]


def test_a_primary_file_without_rows_is_refused(tmp_path: Path) -> None:
    path = _set(tmp_path, "\x1a")
    with pytest.raises(ListError):
        read_list(path, display="sdn.csv")


# --- helpers of the module --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Korea, North", "KP"),
        ("korea, north", "KP"),
        (" Burma ", "MM"),
        ("Russia", "RU"),
        ("Region: Crimea", "UA"),
        ("Kosovo", "XK"),
        ("Germany", "DE"),  # not in the table: pycountry's name
        ("Iran", "IR"),  # pycountry's common name
        ("Netherlands Antilles", None),  # dissolved: no single country
        ("Region: Kafia Kingi", None),  # disputed
        ("Atlantis", None),
    ],
)
def test_country_code(name: str, code: str | None) -> None:
    assert country_code(name) == code


@SETTINGS
@given(country=st.sampled_from(list(pycountry.countries)))
def test_every_iso_name_is_its_code(country: object) -> None:
    assert country_code(country.name) == country.alpha_2  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("first", "layout"),
    [
        (["36", *["x"] * (PRIMARY_COLUMNS - 1)], "primary"),
        (["36", *["x"] * (ALT_COLUMNS - 1)], "alt"),
        (["36", "25", "-0-", "Havana", "Cuba", "-0-"], "add"),
        (["36", "remarks"], "comments"),
        (["ent_num", *["x"] * (PRIMARY_COLUMNS - 1)], None),  # a header: not OFAC's layout
        (["36", "x", "x"], None),
        ([], None),
    ],
)
def test_ofac_layout(first: list[str], layout: str | None) -> None:
    assert ofac_layout(first) == layout


@pytest.mark.parametrize(
    ("name", "role"),
    [("alt.csv", "alt"), ("ADD.CSV", "add"), ("sdn_comments.csv", "comments"),
     ("cons_alt.csv", "alt"), ("cons_comments.csv", "comments"), ("sdn.csv", None),
     ("cons_prim.csv", None), ("alt.txt", None)],
)  # fmt: skip
def test_companion_role(name: str, role: str | None) -> None:
    assert companion_role(Path("x") / name) == role
