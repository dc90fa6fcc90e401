"""Loading rule files: the bundled set loads; a broken set is refused with every problem located.

Each broken-file case copies the bundled rules to a temporary directory, breaks one file the way
a hand edit would, and checks that `load_rules` raises `RuleError` (nothing is loaded) with a
problem naming the file and the exact line, and saying what is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.ruleedit import replace_once
from helpers.strategies import SETTINGS
from screening import (
    Outcome,
    RuleError,
    RuleSet,
    ScreeningError,
    bundled_rules_dir,
    load_rules,
    screen,
)
from screening._io.yamlfile import MAX_BYTES, MAX_DEPTH, parse_yaml
from screening.errors import YamlProblem

BUNDLED = bundled_rules_dir()


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(BUNDLED, target)
    return target


def _line_of(path: Path, needle: str) -> int:
    """1-based line of the only line containing ``needle``."""
    lines = [i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1) if needle in line]
    assert len(lines) == 1, f"test setup: {needle!r} on lines {lines} of {path.name}"
    return lines[0]


# --- the bundled rule set -----------------------------------------------------------------------


def test_bundled_rules_load(rules: RuleSet) -> None:
    assert isinstance(rules, RuleSet)
    assert len(rules) > 40
    assert rules.name == "zte-case"


def test_bundled_rules_directory_holds_the_rule_files() -> None:
    assert (BUNDLED / "ruleset.yaml").is_file()
    assert (BUNDLED / "listings.yaml").is_file()


def test_bundled_rules_contain_the_zte_listings(rules: RuleSet) -> None:
    for rule_id in (
        "el-zte-corporation",
        "el-beijing-8-star",
        "el-zte-parsian",
        "el-shi-lirong",
        "do-zte-corporation",
        "tgl-zte-2016",
        "embargo-iran",
    ):
        assert rule_id in rules


def test_every_bundled_rule_has_a_source_line(rules: RuleSet) -> None:
    for rule in rules:
        source = rules.source(rule.id)
        assert re.fullmatch(r"rules/(data/)?[a-z0-9-]+\.(yaml|csv):\d+", source), rule.id


def test_rule_windows_are_inclusive_dates(rules: RuleSet) -> None:
    listing = rules["el-zte-corporation"]
    assert listing.start == dt.date(2016, 3, 8)
    assert listing.end == dt.date(2017, 3, 28)
    assert not listing.in_force(dt.date(2016, 3, 7))
    assert listing.in_force(dt.date(2016, 3, 8))
    assert listing.in_force(dt.date(2017, 3, 28))
    assert not listing.in_force(dt.date(2017, 3, 29))


def test_fingerprint_is_64_hex_chars(rules: RuleSet) -> None:
    assert re.fullmatch(r"[0-9a-f]{64}", rules.fingerprint)


def test_fingerprint_is_stable_across_loads(rules_copy: Path) -> None:
    first = load_rules(BUNDLED)
    second = load_rules(BUNDLED)
    assert first is not second
    assert first.fingerprint == second.fingerprint == load_rules().fingerprint
    # Content-addressed: the same files elsewhere give the same fingerprint.
    assert load_rules(rules_copy).fingerprint == first.fingerprint


def test_fingerprint_changes_when_a_rule_file_is_edited(rules_copy: Path) -> None:
    before = load_rules(rules_copy).fingerprint
    replace_once(rules_copy / "listings.yaml", "Presumption of denial", "Case-by-case review")
    after = load_rules(rules_copy).fingerprint
    assert re.fullmatch(r"[0-9a-f]{64}", after)
    assert after != before


def test_fingerprint_changes_when_a_rule_file_is_added(rules_copy: Path) -> None:
    before = load_rules(rules_copy).fingerprint
    (rules_copy / "zz-extra.yaml").write_text(
        "rules:\n  - id: embargo-extra\n    kind: embargo\n    countries: [BY]\n"
        "    citation: test\n",
        encoding="utf-8",
    )
    assert load_rules(rules_copy).fingerprint != before


def test_fingerprint_ignores_line_ending_style(rules_copy: Path) -> None:
    before = load_rules(rules_copy).fingerprint
    for path in rules_copy.glob("*.yaml"):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert load_rules(rules_copy).fingerprint == before


def test_load_rules_accepts_a_string_path(rules_copy: Path) -> None:
    assert len(load_rules(str(rules_copy))) == len(load_rules())


def test_missing_directory_is_a_rule_error(tmp_path: Path) -> None:
    with pytest.raises(RuleError) as info:
        load_rules(tmp_path / "nope")
    assert "not a directory" in str(info.value)


def test_directory_without_rule_files_is_a_rule_error(tmp_path: Path) -> None:
    with pytest.raises(RuleError) as info:
        load_rules(tmp_path)
    assert "no rule files" in str(info.value)


# --- broken rule files: one exact, pinned message each -------------------------------------------
#
# Each case copies the bundled rules, breaks one file the way a hand edit would, and pins the
# whole message a compliance officer reads. ``{file|needle}`` in a message stands for the line
# of the only line of ``file`` containing ``needle`` (after the edit), so the pins survive
# unrelated edits of the bundled rules while still asserting the exact line.


@dataclass(frozen=True)
class Broken:
    """One way to break the rules directory and the one problem it must give, word for word."""

    edit: Callable[[Path], None]
    message: str


def _sub(file: str, old: str, new: str) -> Callable[[Path], None]:
    return lambda d: replace_once(d / file, old, new)


def _write(file: str, text: str | bytes) -> Callable[[Path], None]:
    def edit(d: Path) -> None:
        if isinstance(text, bytes):
            (d / file).write_bytes(text)
        else:
            (d / file).write_text(text, encoding="utf-8")

    return edit


def _both(*edits: Callable[[Path], None]) -> Callable[[Path], None]:
    def edit(d: Path) -> None:
        for e in edits:
            e(d)

    return edit


def _expected(message: str, directory: Path) -> str:
    """The pinned message with each ``{file|needle}`` replaced by that needle's line."""
    return re.sub(
        r"\{([^|{}]+)\|([^{}]+)\}",
        lambda m: str(_line_of(directory / m[1], m[2])),
        message,
    )


_ALIAS = _both(
    _sub("embargoes.yaml", "    countries: [IR]\n", "    countries: &embargoed [IR]\n"),
    _sub("embargoes.yaml", "    countries: [KP]\n", "    countries: *embargoed\n"),
)

BROKEN = {
    # --- the ten of the issue ---
    "bad indentation": Broken(
        _sub("red-flags.yaml", "    kind: destination_mis", "      kind: destination_mis"),
        "rules/red-flags.yaml:{red-flags.yaml|kind: destination_mismatch}: YAML syntax error: "
        "unexpected ':' (check this line's indentation, or put a value containing ': ' in "
        "quotes)",
    ),
    "unknown key (misspelt efective_from)": Broken(
        _sub(
            "listings.yaml",
            "    from: 2016-03-08\n    to: 2017-03-28\n",
            "    efective_from: 2016-03-08\n    to: 2017-03-28\n",
        ),
        "rules/listings.yaml:{listings.yaml|efective_from}: rule 'el-zte-corporation' → "
        "efective_from: unknown key 'efective_from' (did you mean 'from'?)",
    ),
    "duplicate key in a mapping": Broken(
        _sub(
            "listings.yaml",
            "    list: Entity List\n    from: 2016-03-08\n",
            "    list: Entity List  # first\n    from: 2016-03-08\n    list: EL (again)\n",
        ),
        "rules/listings.yaml:{listings.yaml|(again)}: rule 'el-zte-corporation' → list: "
        "duplicate key 'list' (first defined on line {listings.yaml|# first})",
    ),
    "inverted dates": Broken(
        _sub(
            "listings.yaml",
            "    from: 2016-03-08\n    to: 2017-03-28\n",
            "    from: 2017-03-28\n    to: 2016-03-08\n",
        ),
        "rules/listings.yaml:{listings.yaml|to: 2016-03-08}: rule 'el-zte-corporation' → to: "
        "'to' (2016-03-08) is before 'from' (2017-03-28)",
    ),
    "unknown country code": Broken(
        _sub("embargoes.yaml", "countries: [IR]", "countries: [XX]"),
        "rules/embargoes.yaml:{embargoes.yaml|countries: [XX]}: rule 'embargo-iran' → "
        "countries[0]: unknown country code 'XX' (expected ISO 3166-1 alpha-2, e.g. 'IR')",
    ),
    "bad ECCN": Broken(
        _sub("data/ccl-reasons.yaml", 'eccn: "5A991"', 'eccn: "5Z991"'),
        "rules/data/ccl-reasons.yaml:{data/ccl-reasons.yaml|eccn: \"5Z991\"}: rule 'ccl-5z991' → "
        "eccn: invalid ECCN "
        "'5Z991' (a digit, a letter A-E and three digits, e.g. '5A991', or 'EAR99')",
    ),
    "dangling reference (listing to a missing entity)": Broken(
        _sub("listings.yaml", "entity: zte-parsian", "entity: zte-persian"),
        "rules/listings.yaml:{listings.yaml|entity: zte-persian}: rule 'el-zte-parsian' → "
        "entity: no entity with id 'zte-persian' (did you mean 'zte-parsian'?)",
    ),
    # The anchor is the first thing refused: the problem points at it.
    "YAML alias": Broken(
        _ALIAS,
        "rules/embargoes.yaml:{embargoes.yaml|&embargoed}: YAML anchors and aliases are not "
        "allowed in this file (anchor '&embargoed')",
    ),
    "empty file": Broken(
        _write("red-flags.yaml", ""),
        "rules/red-flags.yaml:1: file is empty (expected 'rules:' or 'ruleset:')",
    ),
    "binary garbage": Broken(
        _write("red-flags.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\xff\xfe"),
        "rules/red-flags.yaml:1: not a text file (not UTF-8: byte 0 is 0x89)",
    ),
    # --- more slips of the same families ---
    "unknown key close to a real one (too)": Broken(
        _sub("listings.yaml", "    to: 2017-03-28\n", "    too: 2017-03-28\n"),
        "rules/listings.yaml:{listings.yaml|too: 2017-03-28}: rule 'el-zte-corporation' → too: "
        "unknown key 'too' (did you mean 'to'?)",
    ),
    # A misspelt required key is one problem (not also "citation: missing required key").
    "misspelt required key (citaton)": Broken(
        _sub(
            "embargoes.yaml",
            "    citation: 15 CFR 746.2 (licence",
            "    citaton: 15 CFR 746.2 (licence",
        ),
        "rules/embargoes.yaml:{embargoes.yaml|citaton:}: rule 'embargo-cuba' → citaton: "
        "unknown key 'citaton' (did you mean 'citation'?)",
    ),
    "unknown key nested in a list (contry)": Broken(
        _sub("country-groups.yaml", "- country: CU\n        to:", "- contry: CU\n        to:"),
        "rules/country-groups.yaml:{country-groups.yaml|contry: CU}: rule 'group-e1' → "
        "members[3].contry: unknown key 'contry' (did you mean 'country'?)",
    ),
    "unknown top-level key": Broken(
        _sub("red-flags.yaml", "rules:\n", "rulez:\n"),
        "rules/red-flags.yaml:{red-flags.yaml|rulez:}: rulez: unknown key 'rulez' "
        "(did you mean 'rules'?)",
    ),
    "missing required key": Broken(
        _sub(
            "embargoes.yaml",
            "    citation: 15 CFR 746.2 (licence required for all items subject to the EAR, incl. "
            "EAR99); 31 CFR part 515\n",
            "",
        ),
        "rules/embargoes.yaml:{embargoes.yaml|id: embargo-cuba}: rule "
        "'embargo-cuba' → citation: missing required key",
    ),
    "duplicate key in the header": Broken(
        _sub("ruleset.yaml", '"2026.11.0"\n', '"2026.11.0"\n  version: "2"\n'),
        'rules/ruleset.yaml:{ruleset.yaml|version: "2"}: ruleset.version: duplicate key '
        "'version' (first defined on line {ruleset.yaml|2026.11.0})",
    ),
    "three-letter country code (no cascade to the group's users)": Broken(
        _sub("country-groups.yaml", "      - country: IR\n", "      - country: IRN\n"),
        "rules/country-groups.yaml:{country-groups.yaml|country: IRN}: rule 'group-e1' → "
        "members[0].country: unknown country code 'IRN' (expected ISO 3166-1 alpha-2, e.g. 'IR')",
    ),
    "invalid date": Broken(
        _sub("listings.yaml", "from: 2016-03-08\n    to: 2017", "from: 2016-13-01\n    to: 2017"),
        "rules/listings.yaml:{listings.yaml|2016-13-01}: rule 'el-zte-corporation' → from: "
        "invalid date '2016-13-01' (month must be in 1..12)",
    ),
    "date that is not a date": Broken(
        _sub("general-licences.yaml", "to: 2016-06-30", "to: end of June 2016"),
        "rules/general-licences.yaml:{general-licences.yaml|end of June}: rule 'tgl-zte-2016' → "
        "to: invalid date 'end of June 2016' (write dates as YYYY-MM-DD, e.g. 2016-03-08)",
    ),
    "a number is not a date": Broken(
        _sub("general-licences.yaml", "to: 2016-06-30", "to: 0"),
        "rules/general-licences.yaml:{general-licences.yaml|to: 0}: rule 'tgl-zte-2016' → to: "
        "invalid date 0 (write dates as YYYY-MM-DD, e.g. 2016-03-08)",
    ),
    "general licence names a missing listing": Broken(
        _sub(
            "general-licences.yaml",
            "listings: [el-zte-corporation, el-zte-kangxun]\n    from: 2016-03-24",
            "listings: [el-zte-corp, el-zte-kangxun]\n    from: 2016-03-24",
        ),
        "rules/general-licences.yaml:{general-licences.yaml|el-zte-corp,}: rule 'tgl-zte-2016' "
        "→ listings[0]: no listing with id 'el-zte-corp' (did you mean 'el-zte-corporation'?)",
    ),
    "listing names a rule of another kind": Broken(
        _sub("listings.yaml", "entity: zte-parsian", "entity: el-zte-kangxun"),
        "rules/listings.yaml:{listings.yaml|entity: el-zte-kangxun}: rule 'el-zte-parsian' → "
        "entity: 'el-zte-kangxun' is a rule of kind 'listing', not 'entity'",
    ),
    "de minimis names a group no country_group defines": Broken(
        _sub("de-minimis.yaml", '{groups: ["E:1"]}', '{groups: ["E:3"]}'),
        "rules/de-minimis.yaml:{de-minimis.yaml|E:3}: rule 'de-minimis-e1' → "
        "destinations.groups[0]: no country_group defines group 'E:3' "
        "(defined: D:1, D:5, E:1, E:2)",
    ),
    "malformed country group name": Broken(
        _sub("country-groups.yaml", 'group: "E:2"', 'group: "E2"'),
        "rules/country-groups.yaml:{country-groups.yaml|group: \"E2\"}: rule 'group-e2' → "
        "group: invalid country group 'E2' (a letter A-E, ':' and a digit, e.g. 'E:1')",
    ),
    "YAML anchor": Broken(
        _sub("embargoes.yaml", "    countries: [IR]\n", "    countries: &iran [IR]\n"),
        "rules/embargoes.yaml:{embargoes.yaml|&iran}: YAML anchors and aliases are not allowed "
        "in this file (anchor '&iran')",
    ),
    "NUL bytes in otherwise valid UTF-8": Broken(
        _write("red-flags.yaml", b"rules:\n\x00\x00\x00\n"),
        "rules/red-flags.yaml:2: not a text file (contains NUL bytes)",
    ),
    "tab indentation": Broken(
        _sub("red-flags.yaml", "    title: No end user", "\ttitle: No end user"),
        "rules/red-flags.yaml:{red-flags.yaml|title: No end user declared}: YAML syntax error: "
        "a tab character (indent with spaces, not tabs)",
    ),
    "unknown kind": Broken(
        _sub("red-flags.yaml", "kind: missing_party", "kind: missing_partie"),
        "rules/red-flags.yaml:{red-flags.yaml|missing_partie}: rule 'rf-missing-end-user' → "
        "kind: unknown kind 'missing_partie' (did you mean 'missing_party'?)",
    ),
    "duplicate rule id across two files": Broken(
        _write(
            "zz-extra.yaml",
            "rules:\n  - id: embargo-iran\n    kind: embargo\n    countries: [IR]\n"
            "    citation: a second Iran rule\n",
        ),
        "rules/zz-extra.yaml:2: rule 'embargo-iran' → id: duplicate rule id (first defined at "
        "rules/embargoes.yaml:{embargoes.yaml|id: embargo-iran})",
    ),
    "malformed rule id": Broken(
        _sub("red-flags.yaml", "id: rf-end-use-terms", "id: RF end use"),
        "rules/red-flags.yaml:{red-flags.yaml|id: RF end use}: rule 'RF end use' → id: invalid "
        "id 'RF end use' (lower-case letters, digits, '.', '_' and '-', starting with a letter "
        "or digit, at most 80 characters)",
    ),
    "threshold out of order": Broken(
        _sub("ruleset.yaml", "possible: 0.82", "possible: 0.95"),
        "rules/ruleset.yaml:{ruleset.yaml|possible: 0.95}: ruleset.matching.possible: "
        "'possible' (0.95) is above 'match' (0.92)",
    ),
    "threshold above 1": Broken(
        _sub("ruleset.yaml", "match: 0.92", "match: 92"),
        "rules/ruleset.yaml:{ruleset.yaml|match: 92}: ruleset.matching.match: must be less "
        "than or equal to 1 (got 92)",
    ),
    "percentage above 100": Broken(
        _sub("de-minimis.yaml", "percent: 25", "percent: 250"),
        "rules/de-minimis.yaml:{de-minimis.yaml|percent: 250}: rule 'de-minimis-general' → "
        "percent: must be less than or equal to 100 (got 250)",
    ),
    "yes is not a boolean": Broken(
        _sub("data/ccl-reasons.yaml", "    verified: false\n", "    verified: yes\n"),
        "rules/data/ccl-reasons.yaml:{data/ccl-reasons.yaml|verified: yes}: rule 'ccl-3a002' → "
        "verified: must be "
        "true or false (got 'yes')",
    ),
    "an unquoted version number": Broken(
        _sub("ruleset.yaml", 'version: "2026.11.0"', "version: 2026"),
        "rules/ruleset.yaml:{ruleset.yaml|version: 2026}: ruleset.version: must be text "
        "(got 2026; put it in quotes: '2026')",
    ),
    "a single country where a list is expected": Broken(
        _sub("embargoes.yaml", "countries: [IR]", "countries: IR"),
        "rules/embargoes.yaml:{embargoes.yaml|countries: IR}: rule 'embargo-iran' → countries: "
        "must be a list (got 'IR')",
    ),
    "an empty list": Broken(
        _sub("red-flags.yaml", "hubs: [HK, AE, SG, MY, TR]", "hubs: []"),
        "rules/red-flags.yaml:{red-flags.yaml|hubs: []}: rule 'rf-transshipment-hub' → hubs: "
        "must not be empty",
    ),
    "an outcome that does not exist": Broken(
        _sub("listings.yaml", "    outcome: review\n", "    outcome: deny\n"),
        "rules/listings.yaml:{listings.yaml|outcome: deny}: rule 'concern-far-east-cable' → "
        "outcome: must be 'clear', 'review' or 'block' (got 'deny')",
    ),
    "rules that are not a list": Broken(
        _write("zz-extra.yaml", "rules:\n  id: x\n"),
        "rules/zz-extra.yaml:1: rules: 'rules' must be a list",
    ),
    # --- ownership (issue 16) ---
    "ownership share over 100": Broken(
        _write(
            "ownership.yaml",
            "rules:\n  - id: own-x\n    kind: ownership\n    owned: A Co.\n    owner: B Co.\n"
            "    share: 120\n    citation: registry\n",
        ),
        "rules/ownership.yaml:{ownership.yaml|share: 120}: rule 'own-x' → share: must be less "
        "than or equal to 100 (got 120)",
    ),
    "ownership rule without lists": Broken(
        _sub(
            "ownership-rules.yaml",
            "    lists: [SDN, Specially Designated Nationals and Blocked Persons]\n"
            "    items: all\n    from: 2014-08-13\n",
            "    lists: []\n    items: all\n    from: 2014-08-13\n",
        ),
        "rules/ownership-rules.yaml:{ownership-rules.yaml|lists: []}: rule 'ofac-50-percent' → "
        "lists: must not be empty",
    ),
}


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled rules at ./rules, so messages read ``rules/file.yaml:LINE``."""
    shutil.copytree(BUNDLED, tmp_path / "rules")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "rules"


def _refused(directory: Path) -> RuleError:
    with pytest.raises(RuleError) as info:
        load_rules("rules")
    assert info.value.problems, "a RuleError must list its problems"
    return info.value


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_rule_file_gives_one_exact_message(in_tmp: Path, name: str) -> None:
    case = BROKEN[name]
    case.edit(in_tmp)
    exc = _refused(in_tmp)
    assert isinstance(exc, ScreeningError)
    assert [str(p) for p in exc.problems] == [_expected(case.message, in_tmp)]
    assert str(exc) == _expected(case.message, in_tmp)


def test_unknown_key_problem_names_the_rule_and_the_key(in_tmp: Path) -> None:
    BROKEN["unknown key close to a real one (too)"].edit(in_tmp)
    [problem] = _refused(in_tmp).problems
    assert (problem.file, problem.rule_id, problem.path) == (
        "rules/listings.yaml",
        "el-zte-corporation",
        "too",
    )
    assert problem.line == _line_of(in_tmp / "listings.yaml", "too:")


def test_all_problems_in_a_directory_are_reported_together(in_tmp: Path) -> None:
    names = [
        "dangling reference (listing to a missing entity)",
        "bad ECCN",
        "unknown kind",
        "unknown country code",
        "invalid date",
    ]
    for name in names:
        BROKEN[name].edit(in_tmp)
    (in_tmp / "general-licences.yaml").write_text("", encoding="utf-8")
    exc = _refused(in_tmp)
    got = [str(p) for p in exc.problems]
    for name in names:
        assert _expected(BROKEN[name].message, in_tmp) in got, name
    assert "rules/general-licences.yaml:1: file is empty (expected 'rules:' or 'ruleset:')" in got
    # Nothing else: the empty file's general licences are not missed by anything, and the
    # listing whose date broke is not reported as missing by the general licences.
    assert len(got) == len(names) + 1
    # In reading order: by file name, then by line.
    order = [(Path(p.file or "").name, p.line or 0) for p in exc.problems]
    assert order == sorted(order)
    assert str(exc).startswith(f"rule set not loaded ({len(got)} problems):\n  ")


def test_a_file_that_cannot_be_parsed_does_not_make_its_rules_missing(in_tmp: Path) -> None:
    """The listings file is unreadable; the general licences' references to its listings are
    not reported as dangling (they would vanish once the syntax is fixed)."""
    replace_once(in_tmp / "listings.yaml", "    entity: zte-kangxun\n", "  entity: zte-kangxun\n")
    [problem] = _refused(in_tmp).problems
    assert problem.file == "rules/listings.yaml"
    assert problem.message.startswith("YAML syntax error")


def test_a_broken_directory_loads_nothing_and_leaves_the_bundled_set_alone(in_tmp: Path) -> None:
    before = load_rules()
    BROKEN["unknown kind"].edit(in_tmp)
    _refused(in_tmp)
    assert load_rules() is before


def test_missing_ruleset_header_is_reported(in_tmp: Path) -> None:
    (in_tmp / "ruleset.yaml").unlink()
    [problem] = _refused(in_tmp).problems
    assert str(problem) == "rules: no 'ruleset:' header found (put one in ruleset.yaml)"


# --- hostile files: alias bombs, oversized, deeply nested ----------------------------------------


def _alias_bomb(target_bytes: int) -> str:
    """The "billion laughs": nine levels of ten aliases each (10**9 strings if expanded),
    padded with more aliases up to ``target_bytes``."""
    lines = ["rules:", '  - &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 9):
        refs = ",".join([f"*l{level - 1}"] * 10)
        lines.append(f"  - &l{level} [{refs}]")
    text = "\n".join(lines) + "\n"
    filler = "  - [*l8,*l8,*l8,*l8,*l8,*l8,*l8,*l8,*l8,*l8]\n"
    return text + filler * ((target_bytes - len(text)) // len(filler))


def test_a_large_alias_bomb_is_refused_at_its_first_anchor(in_tmp: Path) -> None:
    bomb = _alias_bomb(MAX_BYTES - 1024)
    assert MAX_BYTES - 2048 < len(bomb.encode()) < MAX_BYTES  # large, but under the size limit
    (in_tmp / "bomb.yaml").write_text(bomb, encoding="utf-8")
    [problem] = _refused(in_tmp).problems
    assert str(problem) == (
        "rules/bomb.yaml:2: YAML anchors and aliases are not allowed in this file (anchor '&l0')"
    )


def test_an_alias_bomb_is_refused_by_the_reader_too() -> None:
    with pytest.raises(YamlProblem) as info:
        parse_yaml(_alias_bomb(MAX_BYTES - 1024), "bomb.yaml")
    assert str(info.value) == (
        "bomb.yaml:2: YAML anchors and aliases are not allowed in this file (anchor '&l0')"
    )


def test_an_oversized_file_is_refused_without_being_parsed(in_tmp: Path) -> None:
    (in_tmp / "huge.yaml").write_bytes(b"# padding\n" * (MAX_BYTES // 10) + b"rules: [\n")
    [problem] = _refused(in_tmp).problems
    size = (in_tmp / "huge.yaml").stat().st_size
    assert size > MAX_BYTES
    assert str(problem) == f"rules/huge.yaml: file is too large ({size} bytes; the limit is 2 MiB)"


def test_deep_nesting_is_refused_before_it_exhausts_the_stack(in_tmp: Path) -> None:
    (in_tmp / "deep.yaml").write_text("rules: " + "[" * 100_000, encoding="utf-8")
    [problem] = _refused(in_tmp).problems
    assert str(problem) == f"rules/deep.yaml:1: nested more than {MAX_DEPTH} levels deep"


def test_nesting_up_to_the_limit_is_read() -> None:
    text = "[" * (MAX_DEPTH - 1) + "x" + "]" * (MAX_DEPTH - 1)
    data = parse_yaml(text, "ok.yaml").data
    for _ in range(MAX_DEPTH - 2):
        data = data[0]
    assert data == ["x"]


# --- any hand edit: a RuleError or a rule set, never a crash --------------------------------------

_FILES = sorted(p.name for p in BUNDLED.glob("*.yaml"))


@SETTINGS
@given(
    name=st.sampled_from(_FILES),
    where=st.floats(min_value=0, max_value=1),
    edit=st.sampled_from(["delete line", "duplicate line", "indent", "dedent", "truncate", "tab"]),
    junk=st.text(max_size=3),
)
def test_any_single_edit_gives_a_rule_set_or_located_problems(
    tmp_path_factory: pytest.TempPathFactory, name: str, where: float, edit: str, junk: str
) -> None:
    directory = tmp_path_factory.mktemp("rules")
    for path in BUNDLED.glob("*.yaml"):
        shutil.copy(path, directory / path.name)
    target = directory / name
    lines = target.read_text("utf-8").splitlines(keepends=True)
    i = min(int(where * len(lines)), len(lines) - 1)
    if edit == "delete line":
        del lines[i]
    elif edit == "duplicate line":
        lines.insert(i, lines[i])
    elif edit == "indent":
        lines[i] = "  " + lines[i]
    elif edit == "dedent":
        lines[i] = lines[i][2:] if lines[i].startswith("  ") else lines[i]
    elif edit == "truncate":
        lines = [*lines[:i], lines[i][: len(lines[i]) // 2] + junk]
    else:
        lines[i] = "\t" + lines[i].lstrip(" ")
    target.write_text("".join(lines), encoding="utf-8")
    try:
        loaded = load_rules(directory)
    except RuleError as exc:
        for problem in exc.problems:
            assert problem.file is not None, str(problem)
            assert problem.file.startswith(str(directory)), str(problem)
            assert problem.line is None or problem.line >= 1
    else:
        assert isinstance(loaded, RuleSet)


# --- YAML 1.1 booleans: Norway is "NO", not False ------------------------------------------------


NORWAY = """\
rules:
  - id: embargo-norway
    kind: embargo
    countries: [NO]
    citation: test rule (not a real embargo)
"""


def test_country_code_no_is_norway_not_false(rules_copy: Path) -> None:
    (rules_copy / "zz-norway.yaml").write_text(NORWAY, encoding="utf-8")
    loaded = load_rules(rules_copy)
    assert loaded["embargo-norway"].countries == ("NO",)

    tx = {
        "id": "oslo",
        "date": "2020-01-15",
        "destination": "NO",
        "parties": [
            {"role": "exporter", "name": "Acme Inc", "country": "US"},
            {"role": "end_user", "name": "Nordic Fisheries AS", "country": "NO"},
        ],
        "items": [{"description": "router", "eccn": "5A991", "origin": "US", "unit_value": "100"}],
    }
    decision = screen(tx, rules=loaded)
    assert decision.outcome is Outcome.BLOCK
    assert [h.rule_id for h in decision.hits if h.kind == "embargo"] == ["embargo-norway"]
    # The bundled set has no such rule: Norway is clear there.
    assert screen(tx, rules=load_rules()).outcome is Outcome.CLEAR
