"""Rules: the YAML schema of each rule kind, reading a rules directory into a `RuleSet` (all or
nothing, every problem located at file and line), cross-rule references and list policies."""

from __future__ import annotations

from ._loading import bundled_rules_dir, load_rules
from ._locate import located_problems, suggest
from ._ruleset import Membership, RuleSet, SearchMatch
from ._schema import (
    KINDS,
    MODELS,
    BaseRule,
    CountryGroup,
    Dated,
    Day,
    DeMinimis,
    DestinationMismatch,
    Embargo,
    EndUse,
    Entity,
    GeneralLicence,
    HeaderFile,
    ItemControl,
    ItemScope,
    LintCode,
    ListedEntity,
    ListedListing,
    Listing,
    MissingParty,
    Rule,
    RuleFile,
    Text,
    Transshipment,
)

__all__ = [
    "KINDS",
    "MODELS",
    "BaseRule",
    "CountryGroup",
    "Dated",
    "Day",
    "DeMinimis",
    "DestinationMismatch",
    "Embargo",
    "EndUse",
    "Entity",
    "GeneralLicence",
    "HeaderFile",
    "ItemControl",
    "ItemScope",
    "LintCode",
    "ListedEntity",
    "ListedListing",
    "Listing",
    "Membership",
    "MissingParty",
    "Rule",
    "RuleFile",
    "RuleSet",
    "SearchMatch",
    "Text",
    "Transshipment",
    "bundled_rules_dir",
    "load_rules",
    "located_problems",
    "suggest",
]
