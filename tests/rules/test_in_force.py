"""`RuleSet.in_force`: the rules of a kind in force on a day, kept per day. What it answers must
be exactly the kind's rules filtered by their windows, in load order, however often and in
whatever order it is asked (the engine reads every kind through it)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from helpers.strategies import SETTINGS
from screening import bundled_rules_dir, load_rules
from screening.rules import MODELS, BaseRule

RULES = load_rules()

EDGES = sorted(
    {
        day + dt.timedelta(days=step)
        for rule in RULES
        for day in (rule.start, rule.end)
        if day is not None
        for step in (-1, 0, 1)
    }
)
"""Each rule's first and last day, and the days either side: where a window test can go wrong."""


def _filtered(model: type[BaseRule], day: dt.date) -> tuple[BaseRule, ...]:
    return tuple(rule for rule in RULES.of_kind(model) if rule.in_force(day))


def test_the_bundled_rules_have_windows_to_test() -> None:
    assert sum(rule.start is not None for rule in RULES) > 20
    assert sum(rule.end is not None for rule in RULES) > 20


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.one_of(st.dates(dt.date(2000, 1, 1), dt.date(2035, 12, 31)), st.sampled_from(EDGES)),
            st.sampled_from(sorted(MODELS)),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_in_force_is_the_kind_filtered_by_its_windows(asks: list[tuple[dt.date, str]]) -> None:
    for day, kind in asks * 2:  # each asked twice: worked out, then kept
        model = MODELS[kind]
        assert RULES.in_force(model, day) == _filtered(model, day), (kind, day)


def test_more_days_than_it_keeps_are_still_answered_right() -> None:
    """Past the days it keeps, it starts afresh: no answer is lost or mixed up on the way."""
    rules = load_rules()
    start = min(EDGES)
    days = [start + dt.timedelta(days=i) for i in range(2500)]
    for model in MODELS.values():
        for day in (*days, *reversed(days)):
            assert rules.in_force(model, day) == tuple(
                r for r in rules.of_kind(model) if r.in_force(day)
            )


def test_memo_works_out_each_key_once() -> None:
    """Once per key and rule set: another rule set (even of the same files) keeps its own."""
    rules = load_rules(bundled_rules_dir())
    calls: list[int] = []

    def compute(k: int) -> tuple[int, int]:
        calls.append(k)
        return (k, k * 2)

    for k in [0, 1, 2, 0, 1, 2, 1]:
        assert rules.memo(("once", k), lambda k=k: compute(k)) == (k, k * 2)
    assert calls == [0, 1, 2]
    other = load_rules(bundled_rules_dir())
    assert other.memo(("once", 0), lambda: "another rule set") == "another rule set"


def test_memo_past_what_it_keeps_still_answers_right() -> None:
    rules = load_rules(bundled_rules_dir())
    for k in [*range(40_000), *reversed(range(40_000))]:
        assert rules.memo(("many", k), lambda k=k: -k) == -k
