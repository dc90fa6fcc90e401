"""``screening audit ...``: work with decision logs."""

from __future__ import annotations

from pathlib import Path

import click

from ..audit import canonical_json, verify_log
from ..rules import load_rules
from ._options import PATH, json_option, rules_option
from ._output import stdout, verify_table

__all__ = ["audit"]


@click.group(short_help="verify logged decision records", no_args_is_help=False)
def audit() -> None:
    """Work with decision logs.

    \b
    Example:
      screening audit verify decisions.jsonl
    """


@audit.command(
    short_help="screen every logged record again and report those that no longer reproduce"
)
@click.argument("log", type=PATH, metavar="LOG", required=False)
@rules_option
@json_option("print one JSON verdict per record")
@click.option(
    "--store",
    metavar="URL",
    help="check the review store's hash-chained history (cases, "
    "dispositions, approvals) for edited, deleted or reordered events",
)
def verify(log: Path | None, rules: Path | None, as_json: bool, store: str | None) -> int:
    """Screen the transaction of every record in LOG (a JSON Lines decision log) again, as of
    the record's date, and report each record whose decision no longer reproduces and why:
    input tampering (hash mismatch), rule change or list change (other rules, other
    decision), code change (other library version, other decision) or record altered. Exit
    code 0 when every record reproduces, 1 otherwise, 3 if LOG is unreadable.

    \b
    Examples:
      screening audit verify decisions.jsonl
      screening audit verify decisions.jsonl --rules rules-2027/
      screening audit verify --store sqlite:///screening.db
    """
    if log is None and store is None:
        raise click.UsageError("give a LOG, --store URL, or both")
    ok = True
    out = stdout()
    if store is not None:
        from ..store import open_store

        with open_store(store, create=False) as opened:
            problems = opened.verify()
        for problem in problems:
            out.write(
                canonical_json({"store": store, "problem": problem}) + "\n"
                if as_json
                else f"store history: {problem}\n"
            )
        if not problems and not as_json:
            out.write("store history: every event intact and in order\n")
        ok = not problems
    if log is None:
        return 0 if ok else 1
    rule_set = load_rules(rules)
    verdicts = verify_log(log, rule_set)
    if as_json:
        out.writelines(canonical_json(v.to_dict()) + "\n" for v in verdicts)
    else:
        out.write(verify_table(verdicts, rule_set))
    return 0 if ok and all(v.reproduced for v in verdicts) else 1
