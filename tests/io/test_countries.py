"""ISO 3166-1 alpha-2 country codes: every ISO code (and XK, Kosovo, as US lists use it) is
accepted in any case and named; anything else is refused with a message saying what is wanted."""

from __future__ import annotations

import string

import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from helpers.strategies import SETTINGS
from screening import Transaction, TransactionError, parse_transaction
from screening._io.countries import Country, country_name, is_country

ROUTER = {"description": "router", "eccn": "5A991", "origin": "US", "unit_value": "100"}
ISO = sorted(c.alpha_2 for c in pycountry.countries)
COUNTRY: TypeAdapter[str] = TypeAdapter(Country)


def test_the_iso_table_is_whole() -> None:
    """249 codes in ISO 3166-1 today; a shorter table would refuse real destinations."""
    assert len(ISO) >= 249
    for code in ("IR", "KP", "CU", "SY", "RU", "CN", "US", "SS", "XK"):
        assert is_country(code), code


@SETTINGS
@given(code=st.sampled_from(ISO), case=st.sampled_from([str.upper, str.lower, str.title]))
def test_every_iso_code_round_trips(code: str, case: object) -> None:
    written = f"  {case(code)}\t"  # type: ignore[operator]
    assert COUNTRY.validate_python(written) == code
    assert is_country(code)
    assert country_name(code) != code
    tx = parse_transaction(
        {"id": "t", "date": "2020-01-01", "destination": written, "parties": [], "items": [ROUTER]}
    )
    assert tx.destination == code
    assert Transaction.model_validate_json(tx.model_dump_json()) == tx


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("IR", "Iran"),
        ("KP", "North Korea"),
        ("KR", "South Korea"),
        ("SY", "Syria"),
        ("TW", "Taiwan"),
        ("RU", "Russian Federation"),
        ("XK", "Kosovo"),
        ("US", "United States"),
    ],
)
def test_names_are_the_short_english_names(code: str, name: str) -> None:
    """The common name where ISO has one (Iran, not "Iran, Islamic Republic of"), else the
    ISO name."""
    assert country_name(code) == name


@SETTINGS
@given(
    code=st.text(alphabet=string.ascii_uppercase, min_size=2, max_size=2).filter(
        lambda c: c not in ISO and c != "XK"
    )
)
def test_unassigned_codes_are_refused(code: str) -> None:
    assert not is_country(code)
    assert country_name(code) == code  # shown as written, never a wrong name
    with pytest.raises(ValidationError, match=f"unknown country code '{code}'"):
        COUNTRY.validate_python(code)


@pytest.mark.parametrize("code", ["", "I", "IRN", "364", "ir ", "I R", "UK", "EU"])
def test_what_is_not_an_alpha_2_code_is_not_a_country(code: str) -> None:
    """ISO 3166-1 alpha-2 only: not alpha-3, numeric, the common but wrong ``UK``, or ``EU``."""
    assert not is_country(code)


def test_lower_case_is_not_a_code_for_is_country() -> None:
    """`is_country` takes codes as stored (upper case); only the field type folds case."""
    assert is_country("IR")
    assert not is_country("ir")
    assert COUNTRY.validate_python("ir") == "IR"


def test_a_bad_country_in_a_transaction_says_what_is_expected() -> None:
    with pytest.raises(TransactionError) as caught:
        parse_transaction(
            {
                "id": "t",
                "date": "2020-01-01",
                "destination": "UK",
                "parties": [{"role": "buyer", "name": "X", "country": "IRN"}],
                "items": [ROUTER],
            }
        )
    problems = {p.path: p.message for p in caught.value.problems}
    assert problems == {
        "destination": "unknown country code 'UK' (expected ISO 3166-1 alpha-2, e.g. 'IR')",
        "parties[0].country": "unknown country code 'IRN' (expected ISO 3166-1 alpha-2, e.g. 'IR')",
    }


@pytest.mark.parametrize("value", [None, 364, ["IR"]])
def test_a_country_must_be_text(value: object) -> None:
    with pytest.raises(ValidationError):
        COUNTRY.validate_python(value)


def test_the_json_schema_lists_every_code() -> None:
    schema = COUNTRY.json_schema()
    assert schema["type"] == "string"
    assert schema["enum"] == sorted([*ISO, "XK"])
