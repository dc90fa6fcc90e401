"""Lint warnings: each code fires on the slip it names, located and worded exactly, never on
the bundled rules (whose intentional warnings are accepted), and lint changes nothing."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import get_args

import pytest

from helpers.ruleedit import replace_once
from screening import RuleSet, bundled_rules_dir, load_rules
from screening.authoring import CODES, LintWarning, lint
from screening.rules import LintCode

BUNDLED = bundled_rules_dir()


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled rules at ./rules, so warnings read ``rules/file.yaml:LINE``."""
    shutil.copytree(BUNDLED, tmp_path / "rules")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "rules"


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    lines = [i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1) if needle in line]
    assert len(lines) == 1, f"test setup: {needle!r} on lines {lines} of {path.name}"
    return lines[0]


def _expected(message: str, directory: Path) -> str:
    """``{file|needle}`` in a pinned message stands for that needle's line in the file."""
    return re.sub(
        r"\{([^|{}]+)\|([^{}]+)\}",
        lambda m: str(_line_of(directory / m[1], m[2])),
        message,
    )


# --- the bundled rules ---------------------------------------------------------------------------


def test_bundled_rules_have_only_accepted_warnings() -> None:
    warnings = lint(load_rules())
    assert all(w.accepted for w in warnings), "\n".join(str(w) for w in warnings)
    assert sorted((w.rule_id, w.code) for w in warnings) == [
        ("bis-affiliates-rule-after-suspension", "unverified-block"),
        ("de-minimis-north-korea", "unverified-text"),
        ("itsr-foreign-made-goods-before-2012", "unverified-block"),
        # 744.21: Supp. No. 2's ECCN table and Burma / Cambodia / Nicaragua not read in text.
        ("licence-country-chart", "reason-not-classified"),
        ("meu-burma", "unverified-block"),
        ("meu-cambodia", "unverified-block"),
        ("meu-china", "unverified-block"),
        ("meu-china-2007", "unverified-block"),
        ("meu-hong-kong", "unverified-block"),
        ("meu-nicaragua", "unverified-block"),
        ("meu-russia-2020", "unverified-block"),
        ("meu-venezuela", "unverified-block"),
        ("ofac-50-percent-2008", "unverified-block"),
        ("usp-cuba-owned-entities", "unverified-block"),
        ("usp-dnr-lnr", "unverified-block"),
    ]


def test_lint_is_pure_and_deterministic() -> None:
    rules = load_rules()
    before = (rules.fingerprint, [r.model_dump() for r in rules])
    first = lint(rules)
    assert lint(rules) == first
    assert (rules.fingerprint, [r.model_dump() for r in rules]) == before


def test_every_code_is_explained_and_matches_the_schema() -> None:
    assert set(CODES) == set(get_args(LintCode))
    for code, text in CODES.items():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", code)
        assert len(text) > 20


def test_warnings_are_sorted_by_file_and_line(in_tmp: Path) -> None:
    replace_once(in_tmp / "us-persons.yaml", "    accept_warnings: [unverified-block]\n", "")
    replace_once(
        in_tmp / "embargoes.yaml",
        "    outcome: review\n",
        "    outcome: review\n    verified: false\n",
    )
    warnings = lint(load_rules("rules"))
    keys = [(w.file, w.line) for w in warnings]
    assert keys == sorted(keys)


# --- one edit, one exact warning -----------------------------------------------------------------

Edit = Callable[[Path], None]

_EXTRA_ENTITY = """
  - id: acme-front
    kind: entity
    name: Acme Front Trading Ltd.
    country: HK
    citation: example entity for a test
"""

CASES: dict[str, tuple[Edit, list[str]]] = {
    "two listings of one party on one list overlap": (
        lambda d: replace_once(
            d / "listings.yaml",
            "    list: Denied Persons List\n    from: 2018-04-15\n",
            "    list: Entity List\n    from: 2017-03-01\n",
        ),
        [
            "rules/listings.yaml:{listings.yaml|from: 2017-03-01}: rule 'do-zte-corporation' → "
            "from: in force from 2017-03-01 to 2017-03-28 together with 'el-zte-corporation', "
            "for the same entity 'zte-corporation' on the same list (Entity List): one match "
            "gives two hits [overlapping-windows]"
        ],
    ),
    "two embargoes on one country overlap": (
        lambda d: replace_once(d / "embargoes.yaml", "from: 2025-09-02", "from: 2025-08-25"),
        [
            "rules/embargoes.yaml:{embargoes.yaml|from: 2025-08-25}: rule "
            "'embargo-syria-2025-09' → from: in force from 2025-08-25 to 2025-09-01 "
            "together with 'embargo-syria', an embargo on the same place (SY) "
            "[overlapping-windows]"
        ],
    ),
    "a country twice in one group": (
        lambda d: replace_once(
            d / "country-groups.yaml",
            "      - country: SD\n        to: 2021-01-13\n",
            "      - country: SY  # again\n        to: 2021-01-13\n",
        ),
        [
            "rules/country-groups.yaml:{country-groups.yaml|# again}: rule 'group-e1' → "
            "members[2].country: SY is a member of E:1 twice up to 2021-01-13 "
            "[overlapping-windows]"
        ],
    ),
    "an unverified rule that would block, not accepted": (
        lambda d: replace_once(
            d / "us-persons.yaml",
            "    verified: false\n    # Intended: a review until 515.329's text is read.\n"
            "    accept_warnings: [unverified-block]\n",
            "    verified: false  # 515.329\n    # (not accepted)\n    accept_warnings: []\n",
        ),
        [
            "rules/us-persons.yaml:{us-persons.yaml|verified: false  # 515.329}: "
            "rule 'usp-cuba-owned-entities' "
            "→ verified: marked verified: false with outcome block: screening gives at most "
            "review from this rule; if that is intended, accept this warning, else confirm the "
            "fact [unverified-block]"
        ],
    ),
    "an unverified end on a blocking rule": (
        lambda d: replace_once(
            d / "embargoes.yaml",
            "    to: 2025-09-01\n",
            "    to: 2025-09-01\n    to_verified: false\n",
        ),
        [
            "rules/embargoes.yaml:{embargoes.yaml|to_verified: false}: rule 'embargo-syria' → "
            "to_verified: its end (2025-09-01) is marked to_verified: false: screening keeps it "
            "in force after that day, as last verified; confirm the end in a primary source "
            "[unverified-end]"
        ],
    ),
    "an unverified end of a group membership": (
        lambda d: replace_once(
            d / "country-groups.yaml",
            "      - country: SD\n        to: 2021-01-13\n",
            "      - country: SD\n        to: 2021-01-13\n        to_verified: false\n",
        ),
        [
            "rules/country-groups.yaml:{country-groups.yaml|to_verified: false}: rule 'group-e1' "
            "→ members[2].to_verified: members[2] (SD) has an end (2021-01-13) marked "
            "to_verified: false: the membership is kept after that day [unverified-end]"
        ],
    ),
    "a verified blocking rule whose note says UNVERIFIED": (
        lambda d: replace_once(
            d / "embargoes.yaml",
            "    countries: [CU]\n",
            "    countries: [CU]\n    note: The start date is UNVERIFIED.\n",
        ),
        [
            "rules/embargoes.yaml:{embargoes.yaml|The start date is UNVERIFIED}: rule "
            "'embargo-cuba' → note: marked verified, but its note says UNVERIFIED: set "
            "verified: false if a block would rest on the unconfirmed fact [unverified-text]"
        ],
    ),
    "a verified alias whose note says unverified": (
        lambda d: replace_once(
            d / "parties.yaml",
            "      - Zhongxing Telecommunications Equipment Corporation\n",
            "      - name: Zhongxing Telecommunications Equipment Corporation\n"
            "        note: spelling unverified\n",
        ),
        [
            "rules/parties.yaml:{parties.yaml|spelling unverified}: rule 'zte-corporation' → "
            "aliases[0].note: aliases[0] is marked verified, but its note says UNVERIFIED: set "
            "verified: false on it if the fact is unconfirmed [unverified-text]"
        ],
    ),
    "an entity without a citation": (
        lambda d: replace_once(
            d / "parties.yaml",
            "    country: IR\n    citation: BIS charging letter against Far East Cable "
            "(July 29, 2022)\n\n  - id: far-east-cable",
            "    country: IR\n\n  - id: far-east-cable",
        ),
        [
            "rules/parties.yaml:{parties.yaml|id: rightel}: rule 'rightel' → no citation: say "
            "where this entity comes from [no-citation]"
        ],
    ),
    "a listing citing a placeholder": (
        lambda d: replace_once(
            d / "listings.yaml",
            "    citation: 82 FR 15458 (Mar. 29, 2017); 15 CFR 744.11\n",
            "    citation: TODO\n",
        ),
        [
            "rules/listings.yaml:{listings.yaml|citation: TODO}: rule 'el-shi-lirong' → citation: "
            "citation 'TODO' is a placeholder: cite the source [no-citation]"
        ],
    ),
    "an entity no listing names": (
        lambda d: _append(d / "parties.yaml", _EXTRA_ENTITY),
        [
            "rules/parties.yaml:{parties.yaml|id: acme-front}: rule 'acme-front' → no listing "
            "refers to this entity, so its names are never screened [entity-not-listed]"
        ],
    ),
    "a general licence outside its listings' windows": (
        lambda d: replace_once(
            d / "general-licences.yaml",
            "    listings: [el-zte-corporation, el-zte-kangxun]\n    from: 2017-02-24\n"
            "    to: 2017-03-29\n",
            "    listings: [el-zte-corporation, el-zte-kangxun]  # moved\n"
            "    from: 2017-04-01\n    to: 2017-05-01\n",
        ),
        [
            f"rules/general-licences.yaml:{{general-licences.yaml|# moved}}: rule "
            f"'tgl-zte-2016-ext4' → listings[{i}]: listing '{listing}' "
            "is not in force on any day of this licence (from 2017-04-01 to 2017-05-01): it "
            "relaxes nothing [licence-outside-listing]"
            for i, listing in enumerate(["el-zte-corporation", "el-zte-kangxun"])
        ],
    ),
    "two entities sharing a name": (
        lambda d: replace_once(d / "parties.yaml", "aliases: [Rightel]", "aliases: [Rightel, TCI]"),
        [
            "rules/parties.yaml:{parties.yaml|[Rightel, TCI]}: rule 'rightel' → aliases[1].name: "
            "'TCI' is also a name of entity 'telecommunication-company-of-iran': a match on it "
            "fires both [duplicate-name]"
        ],
    ),
    "an item control for a reason nothing has": (
        lambda d: replace_once(d / "item-controls.yaml", "reasons: [EI]", "reasons: [EI, FC]"),
        [
            "rules/item-controls.yaml:{item-controls.yaml|reasons: [EI, FC]}: rule "
            "'licence-encryption' → reasons[1]: no classification is controlled for 'FC', so "
            "this never matches an ECCN [reason-not-classified]"
        ],
    ),
    "a country group nothing uses": (
        lambda d: _append(
            d / "country-groups.yaml",
            '\n  - id: group-d3\n    kind: country_group\n    group: "D:3"\n    citation: x\n'
            "    members:\n      - country: KP\n",
        ),
        [
            "rules/country-groups.yaml:{country-groups.yaml|D:3}: rule 'group-d3' → group: no de "
            "minimis, item-control or direct product rule uses group D:3 [unused-group]"
        ],
    ),
    "an acceptance of a warning that does not fire": (
        lambda d: replace_once(
            d / "embargoes.yaml",
            "    countries: [CU]\n",
            "    countries: [CU]\n    accept_warnings: [duplicate-name]\n",
        ),
        [
            "rules/embargoes.yaml:{embargoes.yaml|accept_warnings: [duplicate-name]}: rule "
            "'embargo-cuba' → accept_warnings[0]: accepts 'duplicate-name', but this rule gets "
            "no such warning: remove it [unused-acceptance]"
        ],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_slip_gives_its_exact_warning(in_tmp: Path, name: str) -> None:
    baseline = set(lint(load_rules("rules")))
    edit, expected = CASES[name]
    edit(in_tmp)
    rules = load_rules("rules")  # warnings never stop loading
    new = [w for w in lint(rules) if w not in baseline]
    assert [str(w) for w in new] == [_expected(e, in_tmp) for e in expected]
    assert all(not w.accepted for w in new)


def test_the_codes_of_the_cases_cover_every_code() -> None:
    codes = [re.search(r"\[([a-z-]+)\]$", e) for _, es in CASES.values() for e in es]
    assert {m[1] for m in codes if m is not None} == set(CODES)


def test_an_accepted_warning_is_returned_marked_accepted(in_tmp: Path) -> None:
    rules = load_rules("rules")
    [warning] = [w for w in lint(rules) if w.rule_id == "usp-dnr-lnr"]
    assert isinstance(warning, LintWarning)
    assert warning.accepted
    assert warning.to_dict() == {
        "code": "unverified-block",
        "message": warning.message,
        "file": "rules/us-persons.yaml",
        "line": _line_of(in_tmp / "us-persons.yaml", "until E.O. 14065's text") - 1,
        "rule_id": "usp-dnr-lnr",
        "path": "verified",
        "accepted": True,
    }


def test_a_review_only_rule_may_say_unverified(in_tmp: Path) -> None:
    """usp-north-korea-owned-entities gives a review; its note saying UNVERIFIED is fine."""
    replace_once(
        in_tmp / "us-persons.yaml",
        "    note: >-\n      E.O. 13722 binds US persons, not",
        "    note: >-\n      UNVERIFIED. E.O. 13722 binds US persons, not",
    )
    rules = load_rules("rules")
    assert isinstance(rules, RuleSet)
    assert "UNVERIFIED" in (rules["usp-north-korea-owned-entities"].note or "")
    assert not [w for w in lint(rules) if w.rule_id == "usp-north-korea-owned-entities"]
