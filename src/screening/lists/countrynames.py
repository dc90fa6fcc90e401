"""Country names as the lists beyond the US spell them, to ISO 3166-1 alpha-2 codes.

The UN writes "Iran (Islamic Republic of)" and "Democratic Republic of the Congo"; OFAC writes
"Korea, North"; FtM and the EU give codes. One lookup serves them all: a code as it is, then
the OFAC names table, then the UN's official short names below, then pycountry.
"""

from __future__ import annotations

from functools import lru_cache

from .._io.countries import is_country
from .ofac import country_code as ofac_country_code

__all__ = ["country_code"]

_UN_NAMES = {
    "bolivia (plurinational state of)": "BO",
    "congo": "CG",
    "côte d'ivoire": "CI",
    "democratic people's republic of korea": "KP",
    "democratic republic of the congo": "CD",
    "iran (islamic republic of)": "IR",
    "lao people's democratic republic": "LA",
    "micronesia (federated states of)": "FM",
    "republic of korea": "KR",
    "republic of moldova": "MD",
    "state of palestine": "PS",
    "united republic of tanzania": "TZ",
    "venezuela (bolivarian republic of)": "VE",
}


@lru_cache(maxsize=2048)
def country_code(name: str) -> str | None:
    """The ISO code of a country name or code ("Iran (Islamic Republic of)", "ir", "Korea,
    North"), or None when it is not recognised (the name is then kept only as text)."""
    text = " ".join(name.split())
    if not text:
        return None
    if len(text) == 2 and is_country(text.upper()):
        return text.upper()
    return _UN_NAMES.get(text.casefold()) or ofac_country_code(text)
