"""``screening audit ...``: work with decision logs."""

from __future__ import annotations

from pathlib import Path

import click

from .._io.logfile import read_lines
from ..audit import canonical_json, log_head, verify_lines
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
@click.option(
    "--head",
    "head",
    metavar="HASH",
    help="the head hash as published (screening audit head, or screening store head for "
    "--store without LOG): an edit to the last record, or records cut from the end, then fail "
    "the check too",
)
def verify(
    log: Path | None, rules: Path | None, as_json: bool, store: str | None, head: str | None
) -> int:
    """Screen the transaction of every record in LOG (a JSON Lines decision log) again, as of
    the record's date, and report each record whose decision no longer reproduces and why:
    input tampering (hash mismatch), rule change or list change (other rules, other
    decision), code change (other library version, other decision), record altered (a field
    that does not match) or chain broken (a record deleted, inserted, duplicated or reordered:
    each record carries the hash of the line before it). The log's head hash is printed last
    (to standard error with --json); with --head it must match. With --store and no LOG,
    --head is a store head (screening store head): that event must still be in the history.
    Exit code 0 when every record
    reproduces (and the head matches), 1 otherwise, 3 if LOG is unreadable.

    \b
    Examples:
      screening audit verify decisions.jsonl
      screening audit verify decisions.jsonl --rules rules-2027/
      screening audit verify --store sqlite:///screening.db --head HASH
    """
    if log is None and store is None:
        raise click.UsageError("give a LOG, --store URL, or both")
    ok = True
    out = stdout()
    if store is not None:
        from ..store import open_store

        with open_store(store, create=False) as opened:
            problems = opened.verify(head=head if log is None else None)
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
    lines = read_lines(log)
    verdicts = verify_lines(lines, rule_set)
    found = log_head(lines)
    if as_json:
        out.writelines(canonical_json(v.to_dict()) + "\n" for v in verdicts)
    else:
        out.write(verify_table(verdicts, rule_set))
    said = f"log head: {found} ({len(lines)} records)"
    head_ok = head is None or head.strip().lower() == found
    if not head_ok:
        said += f"; NOT the published head {head}: records were cut from the end or the last edited"
    click.echo(said, err=as_json)
    return 0 if ok and head_ok and all(v.reproduced for v in verdicts) else 1


@audit.command(short_help="print the head hash of a decision log, to publish or compare")
@click.argument("log", type=PATH, metavar="LOG")
def head(log: Path) -> int:
    """Print the head hash of LOG (the sha256 of its last line) and its record count. Each
    record carries the hash of the line before it, so the head pins the whole log: publish it
    (a ticket, an email, a signed note) and `screening audit verify LOG --head HASH` later fails
    if any record was deleted, inserted, reordered or edited since. Exit code 3 if LOG is
    unreadable.

    \b
    Example:
      screening audit head decisions.jsonl
    """
    lines = read_lines(log)
    stdout().write(f"{log_head(lines)}  {len(lines)} records  {log}\n")
    return 0
