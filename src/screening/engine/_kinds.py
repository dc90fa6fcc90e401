"""The engine's column of the rule-kind registry: each kind's evaluator, by kind.

Like packaging's ``_operators`` table: `evaluate` runs the evaluators in this order, and a kind
that gives no hits of its own maps to None, with the evaluator that reads it named beside it.
Every kind of `screening.rules.KINDS` has exactly one row (tests/engine/test_kinds.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ._address_place import address_places
from ._common import Evaluator
from ._content_threshold import content_thresholds
from ._country_licence import country_licences
from ._direct_product import direct_products
from ._embargo import embargoes
from ._end_user_control import end_user_controls
from ._item_control import item_controls
from ._listed_text import listed_texts
from ._listing import listed_parties
from ._ownership import ownership_rules
from ._red_flags import destination_mismatch, end_use, missing_party, transshipment
from ._us_person import us_person_reach

__all__ = ["EVALUATORS"]

EVALUATORS: Mapping[str, Evaluator | None] = MappingProxyType(
    {
        "embargo": embargoes,
        "us_person_reach": us_person_reach,
        "country_licence": country_licences,
        "end_user_control": end_user_controls,
        "listing": listed_parties,
        "ownership_rule": ownership_rules,
        "item_control": item_controls,
        "transshipment": transshipment,
        "destination_mismatch": destination_mismatch,
        "missing_party": missing_party,
        "end_use": end_use,
        "content_threshold": content_thresholds,
        "direct_product": direct_products,
        "address_place": address_places,
        "listed_text": listed_texts,
        # Kinds with no evaluator of their own: other kinds' evaluators read them.
        "country_group": None,  # destinations by group (RuleSet.membership): item controls, levels
        "de_minimis": None,  # each item's jurisdiction (_jurisdiction.py), before any evaluator
        "no_de_minimis": None,  # each item's jurisdiction too (15 CFR 734.4(a))
        "category": None,  # food / medicine by HTS, part 746.5 projects: embargoes and listings
        "classification": None,  # an item's reasons for control, for item controls
        "country_chart": None,  # a destination's chart row: item controls with `chart: true`
        "entity": None,  # the names that listings are matched by
        "general_licence": None,  # its hits come with a listing's, which it relaxes (_listing.py)
        "hts_list": None,  # EAR99 items by HTS code, for country licences (_country_licence.py)
        "ownership": None,  # who owns whom (the ownership file): ownership rules (_ownership.py)
        "list_policy": None,  # applied at load: turns list entries into entities and listings
    }
)
"""Each rule kind's evaluator (None: read by another kind's), in the order they run."""
