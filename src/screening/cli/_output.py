"""Shared rendering for the commands: where output goes, error lines, and the tables people read
(decisions, replays, verdicts, decision differences)."""

from __future__ import annotations

import sys
from typing import TextIO

import click

from .._version import __version__
from ..audit import DecisionDiff, Verification
from ..authoring import Replay
from ..models import Decision, Hit, Outcome
from ..rules import RuleSet

__all__ = [
    "EXIT",
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_RULES",
    "EXIT_USAGE",
    "decision_table",
    "diff_dict",
    "diff_table",
    "error",
    "replay_table",
    "stdout",
    "verify_table",
]

EXIT = {Outcome.CLEAR: 0, Outcome.REVIEW: 1, Outcome.BLOCK: 2}
"""The exit code of an outcome."""
EXIT_INPUT = 3
"""A bad transaction, scenario, log, history or list file."""
EXIT_RULES = 4
"""Bad rule files, or a bad list file loaded with them."""
EXIT_USAGE = 5
"""A bad command line (argparse's 2 would read as "block")."""
EXIT_INTERNAL = 6
"""An internal error: a bug."""
EXIT_INTERRUPTED = 130
"""Stopped by Ctrl-C (``screening batch``: OUTPUT is valid, and the same command resumes)."""


def stdout() -> TextIO:
    """The stream the running command writes its output to: ``main(stdout=...)``, else
    ``sys.stdout`` (looked up now, so that a test runner's replacement is used)."""
    ctx = click.get_current_context(silent=True)
    stream = ctx.find_root().obj if ctx is not None else None
    return stream if stream is not None else sys.stdout


def error(message: str) -> None:
    """One line on stderr."""
    print(message, file=sys.stderr)


def verify_table(verdicts: list[Verification], rules: RuleSet) -> str:
    """``audit verify``: a line per record, why it did not reproduce, then the totals."""
    lines = []
    shared: dict[str, int] = {}  # notes of reproduced records, said once with a count
    for v in verdicts:
        status = "reproduced" if v.reproduced else "NOT REPRODUCED: " + ", ".join(v.causes)
        lines.append(f"line {v.line}  {v.transaction_id or '?'}  as of {v.as_of or '?'}  {status}")
        lines += [f"    {d}" for d in v.details]
        for note in v.notes:
            shared[note] = shared.get(note, 0) + 1
    failed = [v for v in verdicts if not v.reproduced]
    counts: dict[str, int] = {}
    for v in failed:
        for cause in v.causes:
            counts[cause] = counts.get(cause, 0) + 1
    why = "; ".join(f"{cause}: {n}" for cause, n in sorted(counts.items()))
    lines.append("")
    lines += [f"note ({n} reproduced records): {note}" for note, n in shared.items()]
    lines.append(
        f"{len(verdicts) - len(failed)} of {len(verdicts)} records reproduced"
        + (f", {len(failed)} not ({why})" if failed else "")
        + f"; checked against {rules.name} {rules.version} "
        f"(fingerprint {rules.fingerprint[:12]}), screening {__version__}"
    )
    return "\n".join(lines) + "\n"


def diff_dict(diff: DecisionDiff) -> dict[str, object]:
    """``explain --json``: both sides and the hits that appeared, disappeared or changed."""

    def side(d: Decision) -> dict[str, object]:
        return {
            "as_of": d.as_of.isoformat(),
            "outcome": d.outcome.value,
            "ruleset": d.ruleset,
            "ruleset_version": d.ruleset_version,
            "ruleset_fingerprint": d.ruleset_fingerprint,
        }

    def hit(h: Hit) -> dict[str, object]:
        return {
            "rule_id": h.rule_id,
            "kind": h.kind,
            "outcome": h.outcome.value,
            "about": h.party or h.item or h.field,
            "message": h.message,
            "citation": h.citation,
            "source": h.source,
        }

    return {
        "transaction_id": diff.after.transaction_id,
        "before": side(diff.before),
        "after": side(diff.after),
        "appeared": [hit(h) for h in diff.appeared],
        "disappeared": [hit(h) for h in diff.disappeared],
        "changed": [
            {"before": hit(c.before), "after": hit(c.after), "fields": list(c.fields)}
            for c in diff.changed
        ],
        "unchanged": [hit(h) for h in diff.unchanged],
    }


def diff_table(diff: DecisionDiff) -> str:
    """``explain``: both sides, then each hit that appeared, disappeared or changed."""

    def side(label: str, d: Decision) -> str:
        return (
            f"  {label}: as of {d.as_of}, rules {d.ruleset} {d.ruleset_version} "
            f"({d.ruleset_fingerprint[:12]}): {d.outcome.value.upper()}"
        )

    def body(h: Hit) -> list[str]:
        about = h.party or h.item or h.field
        return [
            *([f"      about: {about}"] if about else []),
            f"      {h.message}",
            f"      cite: {h.citation}",
            f"      rule: {h.source}",
        ]

    lines = [
        f"{diff.after.transaction_id}",
        side("before", diff.before),
        side("after ", diff.after),
        "",
    ]
    for h in diff.appeared:
        lines.append(f"+ appears     {h.outcome.value.upper():<7} {h.rule_id}  [{h.kind}]")
        lines += body(h)
    for h in diff.disappeared:
        lines.append(f"- disappears  {h.outcome.value.upper():<7} {h.rule_id}  [{h.kind}]")
        lines += body(h)
    for c in diff.changed:
        was, now = c.before.outcome.value.upper(), c.after.outcome.value.upper()
        outcome = f"{was} → {now}" if was != now else now
        lines.append(
            f"~ changes     {outcome}  {c.after.rule_id}  [{c.after.kind}]: {', '.join(c.fields)}"
        )
        lines += body(c.after)
    if diff.unchanged:
        lines.append("= unchanged   " + ", ".join(h.rule_id for h in diff.unchanged))
    if not (diff.hits_changed or diff.unchanged):
        lines.append("no rule fires on either side")
    elif not diff.hits_changed and not diff.outcome_changed:
        lines.append("no difference in outcome or hits")
    return "\n".join(lines) + "\n"


def decision_table(decision: Decision) -> str:
    """``screen``: the outcome, the lists used, every hit with its citation, each item."""
    lines = [
        f"{decision.transaction_id}  as of {decision.as_of}  {decision.outcome.value.upper()}"
        f"  ({decision.ruleset} {decision.ruleset_version}, {decision.ruleset_fingerprint[:12]})"
    ]
    for version in decision.lists:
        lines.append(f"  list {version.file} ({version.format}, sha256 {version.sha256[:12]})")
    for hit in decision.hits:
        score = f"  score {hit.score:.2f}" if hit.score is not None else ""
        lines.append(f"  {hit.outcome.value.upper():<7} {hit.rule_id}  [{hit.kind}]{score}")
        lines.append(f"          {hit.message}")
        lines.append(f"          cite: {hit.citation}")
        lines.append(
            f"          rule: {hit.source}" + (f"  field: {hit.field}" if hit.field else "")
        )
        if hit.list_entry is not None:
            lines.append(
                f"          list entry: {hit.list_entry}  version: {(hit.list_version or '')[:12]}"
            )
        lines += [f"          note: {n}" for n in hit.notes]
    if not decision.hits:
        lines.append("  no rule fired")
    for s in decision.items:
        lines.append(f"  item[{s.index}] {s.description}: {s.jurisdiction.value} ({s.reason})")
    return "\n".join(lines) + "\n\n"


def replay_table(results: list[Replay], rules: RuleSet) -> str:
    """``replay``: expected and actual outcome per scenario, then the totals."""
    width = max(len(r.scenario.id) for r in results)
    head = f"{'scenario':<{width}}  {'as of':<10}  {'expected':<8}  {'got':<8}  result"
    lines = [head, "-" * len(head)]
    for r in results:
        status = "ok" if r.ok else "MISMATCH"
        lines.append(
            f"{r.scenario.id:<{width}}  {r.decision.as_of!s:<10}  "
            f"{r.scenario.expect.outcome.value:<8}  {r.decision.outcome.value:<8}  {status}"
        )
        if r.missing:
            lines.append(f"{'':<{width}}    expected but did not fire: {', '.join(r.missing)}")
        if r.unexpected:
            lines.append(f"{'':<{width}}    fired but not expected: {', '.join(r.unexpected)}")
    failed = sum(not r.ok for r in results)
    lines.append("")
    lines.append(
        f"{len(results) - failed} of {len(results)} scenarios as expected "
        f"({rules.name} {rules.version}, fingerprint {rules.fingerprint[:12]})"
    )
    return "\n".join(lines) + "\n"
