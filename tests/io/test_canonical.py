"""`canonical_data`: nested data in canonical form, and a refusal naming the path of the first
value it cannot hold (a lone surrogate, a non-string key, a non-finite number)."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.strategies import SETTINGS
from screening._io.canonical import canonical_data, decimal_text
from screening.errors import TransactionError


class Colour(enum.Enum):
    RED = "red"
    DARK = "dark ünïcode"


LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8)
    | st.decimals(allow_nan=False, allow_infinity=False, places=3)
    | st.dates()
    | st.sampled_from(Colour)
    | st.floats(allow_nan=False, allow_infinity=False)
)
KEYS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=6)
DATA = st.recursive(
    LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=4).map(tuple)
        | st.dictionaries(KEYS, inner, max_size=4)
    ),
    max_leaves=20,
)


def expected(value: Any) -> Any:
    """The canonical form, as the module docstring states it."""
    if isinstance(value, dict):
        return {k: expected(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [expected(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@SETTINGS
@given(DATA)
def test_data_in_canonical_form(value: Any) -> None:
    out = canonical_data(value)
    assert out == expected(value)
    assert type(out) is type(expected(value))


BAD = st.sampled_from(["bad \ud800 text", Decimal("NaN"), float("inf"), {1: "key"}, object()])


@SETTINGS
@given(DATA, st.lists(st.sampled_from(["a", "b"]), min_size=1, max_size=4), BAD)
def test_a_bad_value_is_refused_with_its_path(value: Any, keys: list[str], bad: Any) -> None:
    # The bad value put at a known path inside good data (beside it in a list too).
    nested: Any = [value, bad]
    for key in reversed(keys):
        nested = {key: nested, "z": value}
    with pytest.raises(TransactionError) as caught:
        canonical_data(nested, "record")
    path = "record." + ".".join(keys) + "[1]"
    assert caught.value.problems[0].path == path
