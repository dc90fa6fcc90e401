"""Cross-rule checks: what one rule names must exist in the set, and classifications must
not overlap. What failed to load is remembered so it is not reported twice."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .._io.yamlfile import Located
from ..errors import Problem
from ..models import Outcome
from ._locate import dotted, suggest
from ._schema import (
    Classification,
    CountryGroup,
    DeMinimis,
    GeneralLicence,
    ItemControl,
    Listing,
    ListPolicy,
    Rule,
)

__all__ = ["Failed", "check_references"]

_DEFINED_ID = re.compile(r"^[ \t-]*id:[ \t]*[\"']?([a-z0-9][a-z0-9._-]*)", re.MULTILINE)
_DEFINED_GROUP = re.compile(r"^[ \t-]*group:[ \t]*[\"']?([A-E]:[0-9])", re.MULTILINE)
_GROUP_NAME = re.compile(r"[A-E]:[0-9]")


class Failed:
    """What did not load, so references to it are not reported a second time."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.groups: set[str] = set()
        self.any_group = False

    def unreadable(self, path: Path) -> None:
        """A file that could not be parsed: whatever it seems to define counts as failed."""
        try:
            text = path.read_bytes().decode("utf-8", "replace")
        except OSError:
            return
        self.ids.update(_DEFINED_ID.findall(text))
        self.groups.update(_DEFINED_GROUP.findall(text))

    def rule(self, item: dict[str, Any]) -> None:
        """A rule that did not validate (or was spoiled by a duplicate key)."""
        if isinstance(item.get("id"), str):
            self.ids.add(item["id"])
        if item.get("kind") == "country_group":
            group = item.get("group")
            if isinstance(group, str) and _GROUP_NAME.fullmatch(group):
                self.groups.add(group)
            else:  # which group it meant is anyone's guess: report no group as missing
                self.any_group = True


def check_references(
    rules: list[Rule], places: dict[str, tuple[Located, int]], failed: Failed
) -> list[Problem]:
    """Cross-rule checks: what one rule names must exist in the set. A reference to a rule
    that failed to validate (or sits in a file that could not be read) is not reported again."""
    ids = {r.id: r for r in rules}
    groups = sorted({r.group for r in rules if isinstance(r, CountryGroup)})
    out: list[Problem] = []

    def problem(rule: Rule, path: tuple[str | int, ...], message: str) -> None:
        located, index = places[rule.id]
        line = located.line_of(("rules", index, *path))
        out.append(
            Problem(message, file=located.file, line=line, rule_id=rule.id, path=dotted(path))
        )

    def dangling(target_id: str, kind: str) -> str | None:
        """What is wrong with a reference to a rule of ``kind``, or None when it is fine."""
        target = ids.get(target_id)
        if target is not None:
            if target.kind == kind:
                return None
            return f"'{target_id}' is a rule of kind '{target.kind}', not '{kind}'"
        if target_id in failed.ids:
            return None
        others = sorted(r.id for r in rules if r.kind == kind)
        return f"no {kind} with id '{target_id}'{suggest(target_id, others)}"

    policy_of: dict[tuple[str, str | None], str] = {}
    for rule in rules:
        if isinstance(rule, ListPolicy):
            for i, code in enumerate(rule.lists):
                for regime in rule.regimes or (None,):
                    key = (code, None if regime is None else regime.casefold())
                    if key in policy_of:
                        what = f"list '{code}'" + (f" regime '{regime}'" if regime else "")
                        problem(
                            rule,
                            ("lists", i),
                            f"{what} already has a policy ('{policy_of[key]}')",
                        )
                    policy_of.setdefault(key, rule.id)
        if isinstance(rule, Listing):
            message = dangling(rule.entity, "entity")
            if message is not None:
                problem(rule, ("entity",), message)
        if isinstance(rule, GeneralLicence):
            for i, listing_id in enumerate(rule.listings):
                message = dangling(listing_id, "listing")
                if message is not None:
                    problem(rule, ("listings", i), message)
        if isinstance(rule, DeMinimis | ItemControl):
            for i, group in enumerate(rule.destinations.groups):
                if group not in groups and group not in failed.groups and not failed.any_group:
                    problem(
                        rule,
                        ("destinations", "groups", i),
                        f"no country_group defines group '{group}'"
                        + (f" (defined: {', '.join(groups)})" if groups else ""),
                    )
        if getattr(rule, "outcome", None) is Outcome.CLEAR:
            problem(
                rule,
                ("outcome",),
                f"a {rule.kind} cannot have outcome 'clear' (remove the rule, or use review)",
            )
        if isinstance(rule, Listing) and rule.other_roles is Outcome.CLEAR:
            problem(rule, ("other_roles",), "use null (no hit) rather than 'clear'")
    _overlapping_classifications(rules, problem)
    return out


def _overlapping_classifications(
    rules: list[Rule], problem: Callable[[Rule, tuple[str | int, ...], str], None]
) -> None:
    """Two classifications of one ECCN in force on the same day would make the answer depend
    on file order: refuse them."""
    seen: dict[str, list[Classification]] = {}
    for rule in rules:
        if not isinstance(rule, Classification):
            continue
        for other in seen.get(rule.eccn, []):
            if _overlap(rule, other):
                problem(
                    rule,
                    ("eccn",),
                    f"ECCN {rule.eccn} is also classified by '{other.id}' "
                    "over an overlapping window",
                )
        seen.setdefault(rule.eccn, []).append(rule)


def _overlap(a: Classification, b: Classification) -> bool:
    lo, hi = dt.date.min, dt.date.max
    return (a.start or lo) <= (b.end or hi) and (b.start or lo) <= (a.end or hi)
