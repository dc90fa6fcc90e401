"""The UK lists as CSV (`screening.lists.ukcsv`): the FCDO's UK Sanctions List and OFSI's
consolidated list, one row per name, grouped by designation.

No real release was at hand: tests/data/uk_sanctions_list_sample.csv and ofsi_conlist_sample.csv
are built from the publishers' layouts (the FCDO's column names as its CSV spells them, after a
"Report Date:" line; OFSI's 2022-format ConList.csv header of 36 columns after "Last
Updated,dd/mm/yyyy"), with invented names and numbers. Oddities kept: a byte-order mark, quoted
commas, a row holding only a non-Latin name, a designation with no row marked primary, a date of
birth with unknown parts (dd/mm/1965, 00/00/1965), two numbered nationalities in one cell, a
designation with no date, a ship with only an IMO number."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.listdata import OFSI_CSV, UK_CSV
from helpers.strategies import SETTINGS
from screening import ListError, Outcome, load_rules, screen
from screening.lists import FORMATS, ListEntry, read_list


def _by_id(path: Path) -> dict[str, ListEntry]:
    return {e.id: e for e in read_list(path).entries}


def _problems(path: Path) -> list[str]:
    with pytest.raises(ListError) as err:
        read_list(path, display=path.name)
    return [str(p) for p in err.value.problems]


def _lines(path: Path) -> list[str]:
    return path.read_text("utf-8-sig").splitlines(keepends=True)


# --- the FCDO's CSV ---------------------------------------------------------------------------


def test_uk_csv_groups_the_name_rows_of_a_designation() -> None:
    listed = read_list(UK_CSV)
    assert (listed.format, listed.layout, listed.family, listed.rows) == ("uk-csv", "csv", "uk", 9)
    person = _by_id(UK_CSV)["RUS9001"]
    assert (person.list, person.type, person.row) == ("UK", "Individual", "3")
    assert person.name == "Ivan Petrovich TESTOV"  # Name 1, Name 2, then Name 6
    assert person.aliases == ("Ivan TESTOFF", "Иван Петрович ТЕСТОВ")  # noqa: RUF001
    assert person.weak_aliases == ("Vanya",)  # Alias strength "Low quality"
    assert person.addresses == (
        "Tverskaya 1, Moscow, 125009, Russia",
        "Nevsky 2, Saint Petersburg, Russia",
    )
    assert (person.countries, person.nationalities) == (("RU",), ("RU", "KZ"))
    assert person.birth_dates == ("1965",)  # dd/mm/1965
    assert person.identifiers == ("Passport 7200123456",)
    assert person.start == dt.date(2022, 3, 15)
    assert (person.programs, person.regime) == (("Russia",), "Russia regime, RUS9001")
    assert person.remarks == "A test designation, with a comma."


def test_uk_csv_oddities() -> None:
    entries = _by_id(UK_CSV)
    un = entries["DPR9001"]
    assert un.regime == "Democratic People's Republic of Korea regime, DPR9001, UN KPe.901"
    assert (un.type, un.aliases, un.countries) == ("Entity", ("KTTC",), ("KP",))
    # No row is marked "Primary Name": the first strong name is the name; Arabic is an alias.
    no_primary = entries["AQD9001"]
    assert no_primary.name == "Abu Test AL-TESTI"
    assert no_primary.aliases == ("أبو تست التستي",)
    assert no_primary.weak_aliases == ("ABU TEST",)
    assert (no_primary.start, no_primary.birth_dates) == (None, ("1970",))  # 00/00/1970
    ship = entries["RUS9003"]
    assert (ship.type, ship.identifiers, ship.addresses) == ("Vessel", ("IMO 9999999",), ())


# --- OFSI's consolidated list -----------------------------------------------------------------


def test_ofsi_csv_mapping() -> None:
    listed = read_list(OFSI_CSV)
    assert (listed.format, listed.layout, listed.family, listed.rows) == (
        "ofsi-csv",
        "csv-2022",
        "uk",
        6,
    )
    person, company, ship = listed.entries
    assert (person.list, person.id, person.row) == ("OFSI", "99001", "3")
    assert person.name == "Ivan Petrovich TESTOV"
    assert person.aliases == ("Иван Петрович ТЕСТОВ", "Ivan TESTOFF")  # noqa: RUF001
    assert person.weak_aliases == ("Vanya",)  # Alias Quality "Low"
    assert person.addresses == ("Tverskaya 1, Moscow, 125009, Russia",)  # once, not per row
    assert (person.nationalities, person.birth_dates) == (("RU", "KZ"), ("1965",))
    assert person.identifiers == ("Passport 7200123456", "UK Sanctions List RUS9001")
    assert person.regime == "Russia regime, OFSI group 99001, UK RUS9001"
    assert person.start == dt.date(2022, 3, 15)
    assert company.aliases == ("测试贸易有限公司", "TTC")
    assert (company.countries, company.start) == (("CN",), None)  # no Listed On
    assert (ship.type, ship.name) == ("Vessel", "SEA TESTER")


# --- bad rows ---------------------------------------------------------------------------------


def test_bad_rows_are_named(tmp_path: Path) -> None:
    lines = _lines(UK_CSV)
    lines[3] = lines[3].replace('"RUS9001"', '""')  # a row without its id
    lines[6] = lines[6].replace('"09/05/2023"', '"2023-05-09"')  # DPR9001's first row
    lines[10] = lines[10].replace('"SEA TESTER"', '""')  # RUS9003's only name
    lines.append('"01/02/2026","RUS9004"\r\n')  # cut short
    path = tmp_path / "uk.csv"
    path.write_text("".join(lines), "utf-8")
    assert _problems(path) == [
        "uk.csv:4: Unique ID: empty (every row names its designation)",
        "uk.csv:12: 2 fields, expected 36 as in the header (the file may be truncated or corrupt)",
        "uk.csv:7: Date Designated: DPR9001: invalid date '2023-05-09' (expected dd/mm/yyyy)",
        "uk.csv:11: Name 6: RUS9003: no name (every entry has one)",
    ]


def test_a_header_only_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ConList.csv"
    path.write_text("".join(_lines(OFSI_CSV)[:2]), "utf-8")
    assert _problems(path) == ["ConList.csv: no entries (a header row only)"]


# --- recognised by content --------------------------------------------------------------------


@pytest.mark.parametrize(("path", "fmt"), [(UK_CSV, "uk-csv"), (OFSI_CSV, "ofsi-csv")])
@pytest.mark.parametrize("preamble", [True, False])
def test_each_csv_is_recognised_by_content(
    tmp_path: Path, path: Path, fmt: str, preamble: bool
) -> None:
    """Gzipped, under a name that says nothing, with or without the date line."""
    assert fmt in FORMATS
    lines = _lines(path)
    text = "".join(lines if preamble else lines[1:])
    renamed = tmp_path / "download.bin"
    renamed.write_bytes(gzip.compress(text.encode("utf-8")))
    listed = read_list(renamed)
    assert listed.format == fmt
    assert [e.content() for e in listed.entries] == [e.content() for e in read_list(path).entries]


# --- properties -------------------------------------------------------------------------------


@settings(SETTINGS, max_examples=25)
@given(order=st.randoms(use_true_random=False), path=st.sampled_from([UK_CSV, OFSI_CSV]))
def test_row_order_changes_no_name(
    tmp_path_factory: pytest.TempPathFactory, order: object, path: Path
) -> None:
    """The rows of a designation may come in any order: the name is the row marked primary,
    the aliases and addresses are the same sets."""
    lines = _lines(path)
    body = lines[2:]
    order.shuffle(body)  # type: ignore[attr-defined]
    shuffled = tmp_path_factory.mktemp("uk") / "shuffled.csv"
    shuffled.write_text("".join(lines[:2] + body), "utf-8")

    def view(p: Path) -> dict[str, tuple[object, ...]]:
        return {
            e.id: (e.name, set(e.aliases), set(e.weak_aliases), set(e.addresses), e.start)
            for e in read_list(p).entries
            if e.id != "AQD9001"  # no primary row: its name is the first strong one
        }

    assert view(shuffled) == view(path)


def test_every_row_is_one_designation_or_another() -> None:
    """Each row's id is an entry's id: no row is dropped silently."""
    rows = list(csv.reader(io.StringIO("".join(_lines(OFSI_CSV)[2:]))))
    assert {r[-1] for r in rows} == set(_by_id(OFSI_CSV))


# --- in a rule set ----------------------------------------------------------------------------


def _tx(name: str) -> dict[str, object]:
    return {
        "id": "t",
        "date": "2026-03-01",
        "destination": "CN",
        "parties": [{"role": "consignee", "name": name, "country": "CN"}],
        "items": [{"description": "router", "eccn": "5A991", "origin": "US", "unit_value": "100"}],
    }


@pytest.mark.parametrize(
    ("path", "name", "entry", "cited"),
    [(UK_CSV, "Korea Testing Trading Corporation", "DPR9001",
      "UK Sanctions List (FCDO) (Democratic People's Republic of Korea regime, DPR9001, "
      "UN KPe.901), https://www.gov.uk/government/publications/the-uk-sanctions-list; "
      "Sanctions and Anti-Money Laundering Act 2018"),
     (OFSI_CSV, "Test Trading Co Ltd", "99002",
      "OFSI Consolidated List of Financial Sanctions Targets (HM Treasury) (Russia regime, "
      "OFSI group 99002, UK RUS9002), "
      "https://www.gov.uk/government/publications/financial-sanctions-consolidated-list-of-targets;"
      " Sanctions and Anti-Money Laundering Act 2018 and the Anti-Terrorism")],
)  # fmt: skip
def test_a_uk_csv_listing_is_a_review_citing_its_regime(
    path: Path, name: str, entry: str, cited: str
) -> None:
    decision = screen(_tx(name), rules=load_rules(lists=[path]))
    (hit,) = [h for h in decision.hits if h.list_entry is not None]
    assert (hit.outcome, hit.list_entry) == (Outcome.REVIEW, entry)
    assert hit.citation.startswith(cited)
