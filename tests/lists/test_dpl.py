"""The BIS Denied Persons List reader's own mapping (`screening.lists.dpl`): the rows of one
denial become one entry with every address, countries from the Country column, US dates, and
an id derived from the denial, stable whatever the row order. Whole-file reading and refusals
are in test_formats.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.listdata import DPL, needs_data
from helpers.strategies import SETTINGS
from screening import ListError
from screening.lists import ListEntry, ListFile, read_list
from screening.lists.dpl import COLUMNS, DPL_NAME, looks_like_dpl

HEADER = "\t".join(f'"{c}"' for c in COLUMNS) + "\n"


@pytest.fixture(scope="module")
def dpl() -> ListFile:
    if not DPL.exists():
        pytest.skip(f"shared list snapshots not found at {DPL}")
    return read_list(DPL)


def named(listed: ListFile, name: str) -> list[ListEntry]:
    return [e for e in listed.entries if e.name == name]


def dpl_row(name: str, **fields: str) -> str:
    values = {"Name": name, "Effective_Date": "08/24/2022", "Expiration_Date": "01/14/2026",
              "FR_Citation": "87 F.R. 52741 8/29/2022", **fields}  # fmt: skip
    return "\t".join(f'"{values.get(c, "")}"' for c in COLUMNS) + "\n"


def write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "dpl.txt"
    path.write_text(HEADER + "".join(rows), "utf-8")
    return path


# --- the real file ----------------------------------------------------------------------------


@needs_data
def test_the_header_is_the_published_one() -> None:
    assert DPL.read_text("utf-8").splitlines()[0] == HEADER.rstrip("\n")
    assert looks_like_dpl(list(COLUMNS))


@needs_data
def test_an_entry_from_the_first_row(dpl: ListFile) -> None:
    """``" I. ASH"`` (a leading space), an address in five columns, MM/DD/YYYY dates."""
    first = dpl.entries[0]
    assert first.name == "I. ASH"
    assert first.addresses == (
        "UPON THE DATE OF THE ORDER INCARCERATED AT USM NO: 26265-177, FCI SEAGOVILLE, "
        "2113 NORTH HIGHWAY 175, SEAGOVILLE, TX, 75159, US",
    )
    assert first.countries == ("US",)
    assert (first.start, first.end) == (dt.date(2003, 6, 19), dt.date(2056, 6, 29))
    assert first.federal_register_notice == (
        "68 F.R. 38290 6/27/03 71 F.R. 38843 7/10/06 72 F.R. 4236 1/30/07"
    )
    assert (first.list, first.list_name, first.row, first.derived) == ("DPL", DPL_NAME, "2", True)
    assert (first.aliases, first.programs, first.type) == ((), (), None)


@needs_data
def test_orders_against_one_name_are_separate_entries(dpl: ListFile) -> None:
    """I. ASH was denied in 2002 and again in 2003: different orders, different entries."""
    orders = named(dpl, "I. ASH")
    assert {e.start for e in orders} == {dt.date(2002, 3, 4), dt.date(2003, 6, 19)}
    assert len({e.id for e in orders}) == len(orders)


@needs_data
def test_a_denial_without_an_expiry_is_open(dpl: ListFile) -> None:
    (adt,) = named(dpl, "ADT ANALOG AND DIGITAL TECHNIK")
    assert (adt.start, adt.end) == (dt.date(1981, 9, 10), None)
    assert adt.countries == ("DE",)
    assert adt.addresses == ("8019 NIEDERSEEON, HOUSE 21, DE",)
    assert sum(e.end is None for e in dpl.entries) == 45


@needs_data
def test_an_empty_country_column_gives_no_country(dpl: ListFile) -> None:
    """Villa's row has no country, only a US state: the reader does not guess one."""
    (villa,) = named(dpl, "AARON ABRAHAM VILLA")
    assert villa.addresses == ("3415 RIVERA AVENUE, EL PASO, TX, 79905",)
    assert villa.countries == ()


@needs_data
def test_a_country_code_in_the_state_column_is_the_country(dpl: ListFile) -> None:
    """Zadeh's Cyprus addresses have "CY" in the State column and an empty Country; Krutilin's
    Stavropol address has "RS" there, the FIPS code of Russia (ISO's RS is Serbia)."""
    (zadeh,) = named(dpl, "MANSOUR MOGHTADERI ZADEH")
    assert len(zadeh.addresses) == 4
    assert zadeh.addresses[0] == "16 KYRAIKOU MATSI AVE, 3RD FLOOR, 1082 NICOSIA, CY"
    assert zadeh.countries == ("CY",)  # the fourth address is in North Carolina: no country
    (krutilin,) = named(dpl, "ALEXEY KRUTILIN")
    assert krutilin.addresses == (
        "16 MELIORATOROV STREET, IVANOVSKOE VILLIAGE, STAVROPOL REGION, 357020, RU",
    )
    assert krutilin.countries == ("RU",)


@pytest.mark.parametrize(
    ("state", "country", "address", "countries"),
    [("CY", "", "NICOSIA, CY", ("CY",)),
     ("rs", "", "NICOSIA, RU", ("RU",)),
     ("NC", "", "NICOSIA, NC", ()),
     ("CY", "GR", "NICOSIA, CY, GR", ("GR",)),  # a Country wins; State stays text
     ("ZZ", "", "NICOSIA, ZZ", ())],
)  # fmt: skip
def test_the_state_column_is_a_country_only_for_known_codes(
    tmp_path: Path, state: str, country: str, address: str, countries: tuple[str, ...]
) -> None:
    path = write(tmp_path, dpl_row("ALPHA", City="NICOSIA", State=state, Country=country))
    (entry,) = read_list(path).entries
    assert (entry.addresses, entry.countries) == ((address,), countries)


@needs_data
@settings(SETTINGS, max_examples=8)
@given(order=st.randoms(use_true_random=False))
def test_row_order_changes_no_entry(
    dpl: ListFile, order: object, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Ids are derived from the denial, not the row: shuffled, the same entries and addresses."""
    lines = DPL.read_text("utf-8").splitlines(keepends=True)
    body = lines[1:]
    order.shuffle(body)  # type: ignore[attr-defined]
    path = tmp_path_factory.mktemp("dpl") / "dpl.txt"
    path.write_text(lines[0] + "".join(body), "utf-8")
    shuffled = {e.id: (e.name, set(e.addresses), e.start, e.end) for e in read_list(path).entries}
    original = {e.id: (e.name, set(e.addresses), e.start, e.end) for e in dpl.entries}
    assert shuffled == original


# --- rows -------------------------------------------------------------------------------------


def test_rows_of_one_denial_are_one_entry(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        dpl_row("ZIMO SHENG", Street_Address="3975 N. CRAMER STREET", City="MILWAUKEE",
                State="WI", Postal_Code="53211"),
        dpl_row("OTHER PERSON", Country="US"),
        dpl_row("ZIMO SHENG", City="CHANGSHU", Country="cn"),
        dpl_row("ZIMO SHENG", City="CHANGSHU", Country="cn"),
    )  # fmt: skip
    listed = read_list(path)
    assert listed.rows == 4
    zimo, other = listed.entries
    assert zimo.addresses == ("3975 N. CRAMER STREET, MILWAUKEE, WI, 53211", "CHANGSHU, CN")
    assert zimo.countries == ("CN",)  # upper-cased
    assert zimo.row == "2"
    assert other.addresses == ("US",)


@pytest.mark.parametrize("differs", ["Effective_Date", "Expiration_Date", "FR_Citation"])
def test_rows_of_different_denials_are_not_merged(tmp_path: Path, differs: str) -> None:
    value = {"Effective_Date": "01/02/2020", "Expiration_Date": "", "FR_Citation": "85 F.R. 1"}
    path = write(tmp_path, dpl_row("ALPHA"), dpl_row("ALPHA", **{differs: value[differs]}))
    first, second = read_list(path).entries
    assert first.id != second.id


def test_the_id_does_not_depend_on_the_addresses(tmp_path: Path) -> None:
    """A new address in a later release is the same denial: the id stays."""
    one = read_list(write(tmp_path, dpl_row("ALPHA", City="DUBAI", Country="AE"))).entries[0]
    two = read_list(
        write(tmp_path, dpl_row("ALPHA", City="DUBAI", Country="AE"), dpl_row("ALPHA", City="X"))
    ).entries[0]
    assert one.id == two.id
    assert two.addresses == ("DUBAI, AE", "X")


def test_a_country_that_is_not_iso_stays_in_the_address_only(tmp_path: Path) -> None:
    (entry,) = read_list(write(tmp_path, dpl_row("ALPHA", City="X", Country="UK"))).entries
    assert (entry.addresses, entry.countries) == (("X, UK",), ())


def test_bad_rows_are_named(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        dpl_row(" "),
        dpl_row("BETA", Effective_Date="2022-08-24"),
        dpl_row("GAMMA", Effective_Date="01/14/2026", Expiration_Date="08/24/2022"),
        dpl_row("DELTA"),
    )
    with pytest.raises(ListError) as caught:
        read_list(path, display="dpl.txt")
    assert [str(p) for p in caught.value.problems] == [
        "dpl.txt:2: Name: empty (every entry has a name)",
        "dpl.txt:3: invalid date '2022-08-24' (expected MM/DD/YYYY)",
        "dpl.txt:4: Expiration_Date: Expiration_Date 2022-08-24 is before Effective_Date "
        "2026-01-14",
    ]


@pytest.mark.parametrize("missing", ["Name", "Effective_Date", "Expiration_Date", "FR_Citation"])
def test_a_header_without_a_needed_column_is_not_a_dpl(missing: str) -> None:
    assert not looks_like_dpl([c for c in COLUMNS if c != missing])
