"""The ``listed_text`` kind: a listed name inside free text (a party's address, the stated end
use) gives a review (issue 13, item 4): "deliver to ZTE Corporation, Shenzhen" in an address
was clear, because only names and aliases were searched.

The text is cut into word windows of one to `MAX_WINDOW` words, each searched in the name index
at the rule set's match threshold, for an entity's own name or an alias of three words or more.
The work is bounded: at most `MAX_WORDS` times `MAX_WINDOW` searches a text. A text longer than
`MAX_WORDS` words is searched in its first `MAX_WORDS` and also gives a review saying the rest
was not searched (fail closed).
"""

from __future__ import annotations

from ..models import Hit, Outcome
from ..names import fold_text
from ..rules import ListedText, RuleSet
from ._cache import TextMatches
from ._common import Context, hit_for, party_label

MAX_WINDOW = 6
"""The longest window searched, in words (listed names of more words still match on six)."""

MAX_WORDS = 200
"""The words of a text searched; beyond them the text gives a review."""

_NOT_AN_EDGE = frozenset(
    [
        "a",
        "an",
        "and",
        "at",
        "by",
        "c/o",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "via",
        "with",
        "der",
        "die",
        "das",
        "und",
        "von",
        "zu",
        "im",
        "am",
        "bei",
        "le",
        "la",
        "les",
        "de",
        "du",
        "des",
        "et",
        "pour",
    ]
)
"""Connecting words a window neither starts nor ends on (English, German, French)."""


def listed_texts(ctx: Context) -> list[Hit]:
    """For each free text the rule names: every listed name in force that a word window of the
    text matches (one hit per text and listed entity, with its best window)."""
    tx, rules, day = ctx.tx, ctx.rules, ctx.day
    hits: list[Hit] = []
    for rule in rules.in_force(ListedText, day):
        texts: list[tuple[str, str, str | None]] = []
        if "address" in rule.fields:
            texts += [
                (f"parties[{i}].address", p.address, party_label(p))
                for i, p in enumerate(tx.parties)
                if p.address
            ]
        if "end_use" in rule.fields and tx.end_use:
            texts.append(("end_use", tx.end_use, None))
        for field, text, party in texts:
            hits += _search(ctx, rule, field, text, party)
    return hits


def _windows(words: list[str]) -> dict[str, None]:
    """The distinct windows of one to `MAX_WINDOW` words that start on a word (two letters or
    digits, not a number alone) and end on a word or, after another word, a number of up to
    three digits ("Office 39", not a postcode), neither a plain connecting word: a name does
    not start on "12", "c" or "the", nor end on "of" (such windows cost the matcher and find
    nothing a shorter one misses)."""
    starts = [_word(w) and not w.isdigit() for w in words]
    ends = [_word(w) or (w.isdigit() and len(w) <= 3) for w in words]  # not a postcode
    out: dict[str, None] = {}
    for size in range(1, MAX_WINDOW + 1):
        for first in range(len(words) - size + 1):
            last = first + size - 1
            if starts[first] and (starts[last] or (size > 1 and ends[last])):
                out[" ".join(words[first : last + 1])] = None
    return out


def _word(token: str) -> bool:
    return sum(c.isalnum() for c in token) >= 2 and token not in _NOT_AN_EDGE


def _distinctive(name: str, entity_name: str) -> bool:
    """A listed name worth finding in free text: the entity's own name, or an alias of three
    words or more. A short alias is often plain words ("Third Floor", an SDN alias of Office
    39) that would flag every address that has them."""
    return name == entity_name or len(fold_text(name).split()) >= 3


def _text_matches(rules: RuleSet, text: str) -> TextMatches:
    """What does not depend on the day: the text's word count, and each window's matches on
    names free text may name, in the order searched. What `PartyCache` keeps for a text."""
    words = fold_text(text).split()
    found = []
    for window in _windows(words[:MAX_WORDS]):
        for match in rules.names.search_cached(window, cutoff=rules.matching.match):
            if _distinctive(match.name, rules.entities[match.key].name):
                found.append((window, match))
    return len(words), tuple(found)


def _search(ctx: Context, rule: ListedText, field: str, text: str, party: str | None) -> list[Hit]:
    rules, day = ctx.rules, ctx.day
    count, found = (
        _text_matches(rules, text)
        if ctx.cache is None
        else ctx.cache.texts(rules, text, _text_matches)
    )
    best: dict[str, tuple[float, str, str]] = {}  # entity id -> (score, window, listed name)
    for window, match in found:
        entity = rules.entities[match.key]
        if not any(lst.in_force(day) for lst in rules.listings.get(entity.id, ())):
            continue
        if entity.id not in best or match.score > best[entity.id][0]:
            best[entity.id] = (match.score, window, match.name)
    hits = []
    where = f"the {field.rsplit('.', 1)[-1].replace('_', ' ')}" + (f" of {party}" if party else "")
    for entity_id, (score, window, name) in sorted(best.items()):
        entity = rules.entities[entity_id]
        lists = sorted({lst.list for lst in rules.listings[entity_id] if lst.in_force(day)})
        hits.append(
            hit_for(
                rules,
                rule,
                rule.outcome,
                f"{where[0].upper()}{where[1:]} names '{name}' ({entity.name}), on the "
                f"{', '.join(lists)}: '{window}'.",
                field=field,
                party=party,
                matched_name=window,
                listed_name=name,
                list_name=lists[0] if lists else None,
                score=score,
                evidence=(f"score {score} for the words '{window}' against '{name}'",),
            )
        )
    if count > MAX_WORDS:
        hits.append(
            hit_for(
                rules,
                rule,
                Outcome.REVIEW,
                f"{where[0].upper()}{where[1:]} has {count} words; only the first "
                f"{MAX_WORDS} were searched for listed names.",
                field=field,
                party=party,
            )
        )
    return hits
