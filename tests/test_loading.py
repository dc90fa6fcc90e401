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
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from screening import (
    Outcome,
    RuleError,
    RuleSet,
    ScreeningError,
    bundled_rules_dir,
    load_rules,
    screen,
)

BUNDLED = bundled_rules_dir()


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(BUNDLED, target)
    return target


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


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
        assert re.fullmatch(r"rules/[a-z0-9-]+\.yaml:\d+", rules.source(rule.id)), rule.id


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
    _replace(rules_copy / "listings.yaml", "Presumption of denial", "Case-by-case review")
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


# --- broken rule files ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Broken:
    """One way to break one file: the edit, then what the problem must say and where."""

    file: str
    edit: Callable[[Path], None]
    says: tuple[str, ...]
    """Substrings the problem's message must contain (case-sensitive)."""
    at: tuple[str, ...] = ()
    """Text on the line(s) the problem may point at; empty: the problem has no line or line 1."""
    lines: tuple[int | None, ...] = field(default=())
    """Literal lines allowed, for files without a meaningful line (empty, binary)."""


def _sub(file: str, old: str, new: str) -> Callable[[Path], None]:
    return lambda d: _replace(d / file, old, new)


def _write(file: str, text: str | bytes) -> Callable[[Path], None]:
    def edit(d: Path) -> None:
        if isinstance(text, bytes):
            (d / file).write_bytes(text)
        else:
            (d / file).write_text(text, encoding="utf-8")

    return edit


def _alias(d: Path) -> None:
    path = d / "embargoes.yaml"
    _replace(path, "    countries: [IR]\n", "    countries: &embargoed [IR]\n")
    _replace(path, "    countries: [KP]\n", "    countries: *embargoed\n")


BROKEN = {
    "unknown key (misspelt efective_from)": Broken(
        "listings.yaml",
        _sub(
            "listings.yaml",
            "    from: 2016-03-08\n    to: 2017-03-28\n",
            "    efective_from: 2016-03-08\n    to: 2017-03-28\n",
        ),
        says=("unknown key 'efective_from'",),
        at=("efective_from",),
    ),
    "unknown key close to a real one (too)": Broken(
        "listings.yaml",
        _sub("listings.yaml", "    to: 2017-03-28\n", "    too: 2017-03-28\n"),
        says=("unknown key 'too'", "did you mean 'to'"),
        at=("too:",),
    ),
    "unknown key close to a real one (citaton)": Broken(
        "embargoes.yaml",
        _sub(
            "embargoes.yaml",
            "    citation: 15 CFR 746.4; OFAC North Korea sanctions\n",
            "    citaton: 15 CFR 746.4; OFAC North Korea sanctions\n",
        ),
        says=("unknown key 'citaton'", "did you mean 'citation'"),
        at=("citaton:",),
    ),
    "unknown top-level key": Broken(
        "red-flags.yaml",
        _sub("red-flags.yaml", "rules:\n", "rulez:\n"),
        says=("unknown key 'rulez'", "did you mean 'rules'"),
        at=("rulez:",),
    ),
    "duplicate key in a mapping": Broken(
        "listings.yaml",
        _sub(
            "listings.yaml",
            "    list: Entity List\n",
            "    list: Entity List\n    list: Entity List (again)\n",
        ),
        says=("duplicate key 'list'",),
        at=("list: Entity List (again)",),
    ),
    "inverted dates": Broken(
        "listings.yaml",
        _sub(
            "listings.yaml",
            "    from: 2016-03-08\n    to: 2017-03-28\n",
            "    from: 2017-03-28\n    to: 2016-03-08\n",
        ),
        says=("'to' (2016-03-08) is before 'from' (2017-03-28)",),
        at=("from: 2017-03-28", "to: 2016-03-08"),
    ),
    "unknown country code": Broken(
        "embargoes.yaml",
        _sub("embargoes.yaml", "countries: [IR]", "countries: [XX]"),
        says=("unknown country code 'XX'",),
        at=("countries: [XX]",),
    ),
    "three-letter country code": Broken(
        "country-groups.yaml",
        _sub("country-groups.yaml", "      - country: IR\n", "      - country: IRN\n"),
        says=("unknown country code 'IRN'",),
        at=("country: IRN",),
    ),
    "bad ECCN in a classification": Broken(
        "eccns.yaml",
        _sub("eccns.yaml", "eccn: 5A991", "eccn: 5Z991"),
        says=("5Z991",),
        at=("eccn: 5Z991",),
    ),
    "listing names an entity that does not exist": Broken(
        "listings.yaml",
        _sub("listings.yaml", "entity: zte-parsian", "entity: zte-persian"),
        says=("zte-persian",),
        at=("entity: zte-persian",),
    ),
    "de minimis names a group no country_group defines": Broken(
        "de-minimis.yaml",
        _sub(
            "de-minimis.yaml",
            'destinations: {groups: ["E:1"]}',
            'destinations: {groups: ["E:3"]}',
        ),
        says=("E:3",),
        at=('groups: ["E:3"]',),
    ),
    # The anchor is the first thing refused: the problem points at it and names aliases too.
    "YAML alias": Broken(
        "embargoes.yaml",
        _alias,
        says=("alias",),
        at=("&embargoed",),
    ),
    "YAML anchor": Broken(
        "embargoes.yaml",
        _sub("embargoes.yaml", "    countries: [IR]\n", "    countries: &iran [IR]\n"),
        says=("anchor",),
        at=("&iran",),
    ),
    "empty file": Broken(
        "red-flags.yaml",
        _write("red-flags.yaml", ""),
        says=("empty",),
        lines=(None, 1),
    ),
    "binary garbage": Broken(
        "red-flags.yaml",
        _write("red-flags.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\xff\xfe"),
        says=("text",),
        lines=(None, 1),
    ),
    "NUL bytes in otherwise valid UTF-8": Broken(
        "red-flags.yaml",
        _write("red-flags.yaml", b"rules:\n\x00\x00\x00\n"),
        says=("NUL",),
        lines=(None, 1, 2),
    ),
    "bad indentation": Broken(
        "red-flags.yaml",
        _sub(
            "red-flags.yaml",
            "    kind: destination_mismatch\n",
            "      kind: destination_mismatch\n",
        ),
        says=("YAML syntax error",),
        at=("kind: destination_mismatch",),
    ),
    "tab indentation": Broken(
        "red-flags.yaml",
        _sub(
            "red-flags.yaml", "    title: No end user declared\n", "\ttitle: No end user declared\n"
        ),
        says=("YAML syntax error",),
        at=("title: No end user declared",),
    ),
    "unknown kind": Broken(
        "red-flags.yaml",
        _sub("red-flags.yaml", "kind: missing_party", "kind: missing_partie"),
        says=("unknown kind 'missing_partie'", "did you mean 'missing_party'"),
        at=("kind: missing_partie",),
    ),
    "duplicate rule id across two files": Broken(
        "zz-extra.yaml",
        _write(
            "zz-extra.yaml",
            "rules:\n  - id: embargo-iran\n    kind: embargo\n    countries: [IR]\n"
            "    citation: a second Iran rule\n",
        ),
        says=("duplicate rule id", "embargoes.yaml:7"),
        at=("id: embargo-iran",),
    ),
    "invalid date": Broken(
        "listings.yaml",
        _sub("listings.yaml", "from: 2016-03-08", "from: 2016-13-01"),
        says=("2016-13-01",),
        at=("from: 2016-13-01",),
    ),
    "date that is not a date": Broken(
        "general-licences.yaml",
        _sub("general-licences.yaml", "to: 2016-06-30", "to: end of June 2016"),
        says=("end of June 2016",),
        at=("to: end of June 2016",),
    ),
}


def _matching(exc: RuleError, case: Broken, directory: Path) -> list[int | None]:
    """The lines of the problems that name the broken file and say what the case says."""
    return [
        p.line
        for p in exc.problems
        if p.file is not None
        and Path(p.file).name == case.file
        and all(s in p.message for s in case.says)
    ]


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_rule_file_is_refused_with_file_and_line(rules_copy: Path, name: str) -> None:
    case = BROKEN[name]
    case.edit(rules_copy)
    with pytest.raises(RuleError) as info:
        load_rules(rules_copy)
    exc = info.value
    assert isinstance(exc, ScreeningError)
    assert exc.problems, "a RuleError must list its problems"

    found = _matching(exc, case, rules_copy)
    assert found, f"no problem names {case.file} and says {case.says}; got:\n" + "\n".join(
        str(p) for p in exc.problems
    )
    path = rules_copy / case.file
    expected = {_line_of(path, n) for n in case.at} if case.at else set(case.lines)
    assert set(found) & expected, (
        f"{name}: problem on line(s) {found}, expected one of {sorted(expected, key=str)}"
    )
    # The message a person reads carries the same information.
    text = str(exc)
    assert case.file in text
    for s in case.says:
        assert s in text
    line = next(iter(set(found) & expected))
    if line is not None:
        assert f"{case.file}:{line}" in text


def test_unknown_key_problem_names_the_rule(rules_copy: Path) -> None:
    BROKEN["unknown key close to a real one (too)"].edit(rules_copy)
    with pytest.raises(RuleError) as info:
        load_rules(rules_copy)
    [problem] = [p for p in info.value.problems if "unknown key 'too'" in p.message]
    assert problem.rule_id == "el-zte-corporation"
    assert problem.path == "too"
    assert "el-zte-corporation" in str(info.value)


def test_all_problems_in_a_directory_are_reported_together(rules_copy: Path) -> None:
    cases = [
        "listing names an entity that does not exist",
        "bad ECCN in a classification",
        "unknown kind",
        "unknown country code",
        "empty file",
    ]
    # Put the empty file where no other case edits.
    empty = Broken("general-licences.yaml", _write("general-licences.yaml", ""), says=("empty",))
    for name in cases[:-1]:
        BROKEN[name].edit(rules_copy)
    empty.edit(rules_copy)
    with pytest.raises(RuleError) as info:
        load_rules(rules_copy)
    exc = info.value
    for name in cases[:-1]:
        assert _matching(exc, BROKEN[name], rules_copy), f"{name} not reported:\n{exc}"
    assert _matching(exc, empty, rules_copy), f"empty file not reported:\n{exc}"
    files = {Path(p.file).name for p in exc.problems if p.file}
    assert {
        "listings.yaml",
        "eccns.yaml",
        "red-flags.yaml",
        "embargoes.yaml",
        "general-licences.yaml",
    } <= files
    assert f"({len(exc.problems)} problems)" in str(exc)


def test_a_broken_directory_loads_nothing_and_leaves_the_bundled_set_alone(
    rules_copy: Path,
) -> None:
    before = load_rules()
    BROKEN["unknown kind"].edit(rules_copy)
    with pytest.raises(RuleError):
        load_rules(rules_copy)
    assert load_rules() is before


def test_missing_ruleset_header_is_reported(rules_copy: Path) -> None:
    (rules_copy / "ruleset.yaml").unlink()
    with pytest.raises(RuleError) as info:
        load_rules(rules_copy)
    assert "ruleset" in str(info.value)


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
