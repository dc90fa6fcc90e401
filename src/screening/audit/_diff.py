"""What changed between two decisions on one transaction: hits that appear, disappear or change.

Used by ``screening explain`` (two dates, or two rule versions) and by ``screening audit verify``
(a recorded decision against the same input screened again). A hit is identified by its rule and
the party, item or field it is about, as the engine identifies it. Two fields are shown but not
compared: ``message``, prose derived from the other fields and the date, and ``source``, where
the rule is written (it moves when lines are added above it, or the rules are copied elsewhere).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from ..models import Decision, Hit

__all__ = ["DecisionDiff", "HitChange", "diff_decisions", "hit_key"]

_COMPARED = tuple(name for name in Hit.model_fields if name not in ("message", "source"))


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class HitChange(_Frozen):
    """One hit present in both decisions whose substance differs, and which fields differ."""

    before: Hit
    after: Hit
    fields: tuple[str, ...]


class DecisionDiff(_Frozen):
    """The difference between a ``before`` and an ``after`` decision on the same transaction."""

    before: Decision
    after: Decision
    appeared: tuple[Hit, ...]
    """Hits in ``after`` only, most severe first."""
    disappeared: tuple[Hit, ...]
    """Hits in ``before`` only, most severe first."""
    changed: tuple[HitChange, ...]
    unchanged: tuple[Hit, ...]
    """Hits the same in both (as they are in ``after``)."""

    @property
    def outcome_changed(self) -> bool:
        """True when the two decisions have different outcomes."""
        return self.before.outcome is not self.after.outcome

    @property
    def hits_changed(self) -> bool:
        """True when any hit appeared, disappeared or changed."""
        return bool(self.appeared or self.disappeared or self.changed)


def hit_key(hit: Hit) -> tuple[str, str]:
    """What a hit is about: its rule and its party, item or field (one hit per key)."""
    return (hit.rule_id, hit.party or hit.item or hit.field or "")


def diff_decisions(before: Decision, after: Decision) -> DecisionDiff:
    """Compare two decisions hit by hit. Order within each group follows the decisions."""
    old = {hit_key(h): h for h in before.hits}
    new = {hit_key(h): h for h in after.hits}
    changed = []
    unchanged = []
    for key, hit in new.items():
        prev = old.get(key)
        if prev is None:
            continue
        fields = tuple(f for f in _COMPARED if getattr(prev, f) != getattr(hit, f))
        if fields:
            changed.append(HitChange(before=prev, after=hit, fields=fields))
        else:
            unchanged.append(hit)
    return DecisionDiff(
        before=before,
        after=after,
        appeared=tuple(h for k, h in new.items() if k not in old),
        disappeared=tuple(h for k, h in old.items() if k not in new),
        changed=tuple(changed),
        unchanged=tuple(unchanged),
    )
