"""ISO 3166-1 alpha-2 country codes: validation and display names.

Codes come from pycountry (the ISO data, kept current upstream) plus ``XK`` (Kosovo), the
user-assigned code that US government lists use.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

import pycountry
from pydantic import AfterValidator, BeforeValidator, GetJsonSchemaHandler
from pydantic_core import CoreSchema

__all__ = ["Country", "country_name", "is_country"]

_EXTRA = {"XK": "Kosovo"}


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    names = {c.alpha_2: getattr(c, "common_name", c.name) for c in pycountry.countries}
    names.update(_EXTRA)
    return names


def is_country(code: str) -> bool:
    """True for a known ISO 3166-1 alpha-2 code (upper case)."""
    return code in _names()


def country_name(code: str) -> str:
    """The short English name of a code, or the code itself when unknown."""
    return _names().get(code, code)


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


def _check(code: str) -> str:
    if not is_country(code):
        raise ValueError(f"unknown country code '{code}' (expected ISO 3166-1 alpha-2, e.g. 'IR')")
    return code


class _CodesInJsonSchema:
    """Lists the known codes in the JSON Schema, so editors complete and check them."""

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        return {
            "type": "string",
            "enum": sorted(_names()),
            "description": "ISO 3166-1 alpha-2 country code, e.g. IR",
        }


Country = Annotated[str, BeforeValidator(_upper), AfterValidator(_check), _CodesInJsonSchema]
"""A pydantic field type: an ISO 3166-1 alpha-2 code, case-insensitive on input."""
