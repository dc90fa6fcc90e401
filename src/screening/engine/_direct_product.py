"""The ``direct_product`` kind: the foreign direct product rules. They make an item subject to
the EAR in the item jurisdiction (_jurisdiction.py); here, the review when an item's
``direct_product_of`` is not given and a rule's other conditions hold."""

from __future__ import annotations

from ..models import Hit, Jurisdiction, Outcome
from ._common import Context, hit_for
from ._content import fdp_findings


def direct_products(ctx: Context) -> list[Hit]:
    """A review "foreign direct product not assessed" for each item not otherwise subject to
    the EAR whose ``direct_product_of`` is unknown while an FDP rule's conditions hold."""
    tx, rules, day = ctx.tx, ctx.rules, ctx.day
    hits = []
    for status in ctx.statuses:
        if status.jurisdiction is Jurisdiction.SUBJECT and status.verified:
            continue
        item = tx.items[status.index]
        for finding in fdp_findings(tx, rules, day, status.index):
            if finding.applies is not None:
                continue
            label = f"items[{status.index}] '{item.description}'"
            message = (
                f"Foreign direct product not assessed: {label}, made in {item.origin}, goes to "
                f"{finding.label}, and {finding.rule.title or finding.rule.id} applies if it is "
                "a direct product of the US technology or software it names; give "
                "direct_product_of ([] if none)."
            )
            hits.append(
                hit_for(
                    rules,
                    finding.rule,
                    Outcome.REVIEW,
                    message,
                    field=f"items[{status.index}].direct_product_of",
                    item=label,
                    evidence=(f"ECCNs named: {', '.join(finding.rule.eccns)}",),
                )
            )
    return hits
