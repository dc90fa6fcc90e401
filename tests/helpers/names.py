"""The bundled rule set's name-matching thresholds, for tests of the names package that score
pairs without loading a rule set (tests/names/test_thresholds.py holds them to rules/), and the
check those tests make of a reading path."""

from __future__ import annotations

import csv
import gzip
from functools import cache

from helpers.listdata import CSL_2022 as CSL
from screening.names import Explanation, NameCandidate, NameIndex, explain

MATCH = 0.92
"""The bundled rule set's `matching.match` threshold (rules/ruleset.yaml)."""

POSSIBLE = 0.82
"""The bundled rule set's `matching.possible` threshold."""


def possible_with_note(query: str, listed: str, note: str) -> Explanation:
    """`explain` of the pair, held to a possible match at least, with a note that says ``note``
    (the path that read it: "Arabic script", "Wade-Giles read as pinyin")."""
    why = explain(query, listed)
    assert why.score >= POSSIBLE, why.summary
    assert any(note in n for n in why.notes), why.notes
    return why


def possible_with_reason(query: str, listed: str, reason: str) -> Explanation:
    """`explain` of the pair, held to a possible match at least, with an aligned pair of words
    for ``reason`` ("romanisation variant", "one patronymic, in another language ...")."""
    why = explain(query, listed)
    assert why.score >= POSSIBLE, why.summary
    assert reason in [x.reason for x in why.aligned], why.summary
    return why


def scanned(index: NameIndex, query: str, cutoff: float) -> dict[tuple[str, bool], float]:
    """The best score of each (key, verified) an exhaustive scan finds at or above ``cutoff``."""
    best: dict[tuple[str, bool], float] = {}
    for score, cand in index.scan(query, cutoff=cutoff):
        slot = (cand.key, cand.verified)
        best[slot] = max(score, best.get(slot, 0.0))
    return best


def same_as_the_scan(index: NameIndex, query: str, cutoff: float) -> None:
    """`search` finds every key the scan finds, and each name it returns with exactly the score
    the scan (the plain scorer, `score_prepared`) gives: the index's shortcuts change nothing."""
    expected = scanned(index, query, cutoff)
    found = index.search(query, cutoff=cutoff)
    assert {m.key for m in found} == {key for key, _ in expected}, query
    for m in found:
        assert m.score == expected[(m.key, m.verified)], (query, m)
        assert m.score == index.similarity(query, m.name), (query, m)
    verified = {m.key for m in found if m.verified}
    assert verified == {key for key, ok in expected if ok}, query


@cache
def csl_names() -> tuple[tuple[str, str], ...]:
    """(key, name) of every name and alias of the CSL snapshot."""
    rows: list[tuple[str, str]] = []
    with gzip.open(CSL, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            names = [row["name"], *row["alt_names"].split(";")]
            rows += [(row["_id"], n.strip()) for n in names if n.strip()]
    return tuple(rows)


@cache
def csl_index() -> tuple[NameIndex, dict[str, str]]:
    """The CSL's names indexed at the bundled ``possible`` (as a rule set builds its index),
    and each name's key: built once for every test that searches the real list."""
    rows = csl_names()
    index = NameIndex([NameCandidate(k, n) for k, n in rows], cutoff=POSSIBLE)
    return index, {n: k for k, n in rows}
