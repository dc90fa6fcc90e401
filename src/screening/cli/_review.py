"""``screening review ...``, ``screening store upgrade`` and ``screening watch add``: the
review desk over a store (``--store URL`` or ``SCREENING_STORE``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..audit import canonical_json
from ..errors import StoreError
from ._options import DATE, PATH, as_of_option, json_option, rules_option, store_option
from ._output import stdout

__all__ = ["review", "store", "watch"]

_DECISIONS = click.Choice(["false_positive", "true_match"])


@click.group(short_help="the review queue: cases, dispositions, approvals, history")
def review() -> None:
    """Review the cases screening opened: list, show, decide a hit, approve, close, history,
    export.

    \b
    Example:
      screening review list --store sqlite:///screening.db --json
    """


@review.command("list", short_help="the open cases")
@store_option(required=True)
@json_option("one JSON object per case: id, transaction_id, outcome, hits")
@click.option("--all", "every", is_flag=True, help="every case, not only the open ones")
def list_cases(store: str, as_json: bool, every: bool) -> int:
    """List the open cases (those with a review hit nobody decided), oldest first.

    \b
    Example:
      screening review list --store sqlite:///screening.db --json
    """
    from ..store import open_store

    with open_store(store) as opened:
        cases = opened.list_cases(status=None if every else "open")
    out = stdout()
    for case in cases:
        if as_json:
            out.write(canonical_json(case.to_dict()) + "\n")
        else:
            out.write(
                f"{case.id}  {case.transaction_id}  {case.outcome.value}  {case.status}  "
                f"{len(case.hits)} hit(s)\n"
            )
    if not as_json and not cases:
        out.write("no open cases\n")
    return 0


@review.command("show", short_help="one case and its hits")
@click.argument("case_id", metavar="CASE_ID")
@store_option(required=True)
@json_option("print the case as one JSON line")
def show(case_id: str, store: str, as_json: bool) -> int:
    """Show one case: each hit with its id, rule, party, listed name, score and disposition.

    \b
    Example:
      screening review show case-36d80625f5bc --store sqlite:///screening.db
    """
    from ..store import open_store

    with open_store(store) as opened:
        case = opened.get_case(case_id)
        closing = [e for e in opened.history(case_id) if e.kind == "case.closed_by_reviewer"]
    out = stdout()
    if as_json:
        out.write(canonical_json(case.to_dict()) + "\n")
        return 0
    out.write(
        f"case {case.id}  transaction {case.transaction_id}  {case.outcome.value}  "
        f"{case.status}  (version {case.version})\n"
    )
    if case.status == "closed" and closing:
        last = closing[-1].body
        out.write(f"  closed by {last['reviewer']} ({closing[-1].at[:10]}): {last['reason']}\n")
    for h in case.hits:
        score = "" if h.score is None else f"  score {h.score}"
        can = "  [can be decided]" if h.disposable and h.disposition is None else ""
        out.write(f"  {h.hit_id}  {h.outcome.value:6}  {h.rule_id}{score}{can}\n")
        out.write(f"      {h.message}\n")
        if h.disposition:
            out.write(f"      disposition {h.disposition}\n")
        for note in h.notes:
            out.write(f"      note: {note}\n")
    return 0


@review.command("decide", short_help="dispose of one name-match hit of a case")
@click.argument("case_id", metavar="CASE_ID")
@click.argument("hit_id", metavar="HIT_ID")
@click.option("--decision", type=_DECISIONS, required=True, help="what the reviewer found")
@click.option("--reason", required=True, metavar="TEXT", help="why, in words")
@click.option("--reviewer", required=True, metavar="NAME", help="who decided")
@click.option("--expires", type=DATE, metavar="DATE", help="last day it applies (YYYY-MM-DD)")
@store_option(required=True)
@json_option("print the disposition (with its hash) as one JSON line")
def decide(
    case_id: str,
    hit_id: str,
    decision: str,
    reason: str,
    reviewer: str,
    expires: dt.date | None,
    store: str,
    as_json: bool,
) -> int:
    """Record that HIT_ID of CASE_ID is a false positive (later screenings clear exactly that
    hit, still showing it) or a true match (they block). Exit code 3 when the hit cannot be
    decided (not a name match, unknown) or someone decided it first (a conflict).

    \b
    Example:
      screening review decide case-36d80625f5bc 04b1966bcfb0 --decision false_positive \\
          --reason "other company" --reviewer alice --store sqlite:///screening.db
    """
    from ..store import open_store

    with open_store(store) as opened:
        d = opened.decide(
            case_id, hit_id, decision=decision, reason=reason, reviewer=reviewer, expires=expires
        )
    out = stdout()
    if as_json:
        out.write(canonical_json({**d.model_dump(mode="json"), "hash": d.digest}) + "\n")
    else:
        wait = " (awaits a second reviewer's approval)" if d.needs_approval else ""
        out.write(f"disposition {d.id}: {d.finding.value} by {d.reviewer}{wait}\n")
    return 0


@review.command("close", short_help="close a case no disposition can settle")
@click.argument("case_id", metavar="CASE_ID")
@click.option("--reason", required=True, metavar="TEXT", help="why, in words")
@click.option("--reviewer", required=True, metavar="NAME", help="who closed it")
@click.option("--version", "version", type=int, metavar="N", help="the case version you saw")
@store_option(required=True)
@json_option("print the closed case as one JSON line")
def close(
    case_id: str, reason: str, reviewer: str, version: int | None, store: str, as_json: bool
) -> int:
    """Close CASE_ID when its undecided review hits are not name matches (an embargo,
    licence or red-flag finding, which no disposition can settle), recording who and why in
    the store's hash-chained history. Nothing is suppressed: later screenings still give the
    hits, and screening the same transaction again while one persists opens the case again.
    Exit code 3 when the case is not open, has a name-match hit to decide first, or someone
    closed or changed it first (a conflict).

    \b
    Example:
      screening review close case-36d80625f5bc --reviewer alice \\
          --reason "licence 123 covers the shipment" --store sqlite:///screening.db
    """
    from ..store import open_store

    with open_store(store) as opened:
        case = opened.close_case(
            case_id, reason=reason, reviewer=reviewer, expected_version=version
        )
    out = stdout()
    if as_json:
        out.write(canonical_json(case.to_dict()) + "\n")
    else:
        out.write(f"case {case.id}: closed by {reviewer.strip()}\n")
    return 0


@review.command("approve", short_help="approve a disposition (four-eyes)")
@click.argument("disposition_id", metavar="DISPOSITION_ID")
@click.option("--reviewer", required=True, metavar="NAME", help="the second reviewer")
@store_option(required=True)
def approve(disposition_id: str, reviewer: str, store: str) -> int:
    """Approve a disposition that needs a second reviewer; the first cannot approve it.

    \b
    Example:
      screening review approve disp-0123456789abcdef --reviewer bob --store sqlite:///s.db
    """
    from ..store import open_store

    with open_store(store) as opened:
        d = opened.approve(disposition_id, reviewer=reviewer)
    stdout().write(f"disposition {d.id}: approved by {d.approved_by}\n")
    return 0


@review.command("history", short_help="the store's history, or a case's")
@click.argument("subject", metavar="[CASE_ID]", required=False)
@store_option(required=True)
@json_option("print one JSON line per event, with its hash and the previous one's")
def history(subject: str | None, store: str, as_json: bool) -> int:
    """Every event (case opened, updated, closed, closed by a reviewer, reopened; disposition
    decided, approved), in order.

    \b
    Example:
      screening review history case-36d80625f5bc --store sqlite:///screening.db
    """
    from ..store import open_store

    with open_store(store) as opened:
        events = opened.history(subject)
    out = stdout()
    for e in events:
        if as_json:
            out.write(canonical_json(e.to_dict()) + "\n")
        else:
            out.write(f"{e.seq:>5}  {e.at}  {e.kind:22} {e.subject}\n")
    return 0


@review.command("export", short_help="write cases as CSV or JSON Lines")
@store_option(required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="jsonl")
@click.option("--all", "every", is_flag=True, help="every case, not only the open ones")
@click.option("-o", "--output", metavar="FILE", default="-", help="where to write (- stdout)")
def export(store: str, fmt: str, every: bool, output: str) -> int:
    """Write the cases for other tools: CSV (one row per hit) or JSON Lines (one per case).

    \b
    Example:
      screening review export --format csv -o cases.csv --store sqlite:///screening.db
    """
    from ..store import export_cases, open_store

    with open_store(store) as opened:
        cases = opened.list_cases(status=None if every else "open")
    if output == "-":
        export_cases(cases, stdout(), fmt)
        return 0
    try:
        with open(output, "w", encoding="utf-8", newline="") as target:
            export_cases(cases, target, fmt)
    except OSError as exc:
        raise StoreError(f"{output}: cannot write ({exc.strerror})") from None
    return 0


@click.group("store", short_help="manage the review store")
def store() -> None:
    """Create or upgrade a review store's schema.

    \b
    Example:
      screening store upgrade --store sqlite:///screening.db
    """


@store.command("upgrade", short_help="apply the schema migrations a store lacks")
@store_option(required=True)
def upgrade(store: str) -> int:
    """Create the schema of an empty store, or bring an older one up to date, each migration
    all or nothing. A store newer than this program is refused (exit 3).

    \b
    Example:
      screening store upgrade --store postgresql://review@db.example/screening
    """
    from ..store import upgrade_store

    before, after = upgrade_store(store)
    stdout().write(f"store schema: version {before} -> {after}\n")
    return 0


@store.command("head", short_help="print the hash of the store history's newest event")
@store_option(required=True)
def head(store: str) -> int:
    """Print the hash of the newest event of the store's history and the number of events.
    Each event carries the hash of the one before it, so the head pins the history up to it:
    publish it (a ticket, a signed note) and `screening audit verify --store URL --head HASH`
    later fails if that event or any before it was deleted or edited, the newest included.

    \b
    Example:
      screening store head --store sqlite:///screening.db
    """
    from ..store import open_store

    with open_store(store, create=False) as opened:
        digest, count = opened.head()
    stdout().write(f"{digest}  {count} events  store\n")
    return 0


@click.group("watch", short_help="watched counterparties")
def watch() -> None:
    """Counterparties re-screened when the lists change (every screened party is watched).

    \b
    Example:
      screening watch add "Gamma Works" --country CN --store sqlite:///screening.db
    """


@watch.command("add", short_help="watch a counterparty by hand")
@click.argument("name", metavar="NAME")
@click.option("--country", required=True, metavar="CC", help="ISO country code")
@click.option("--role", default="buyer", show_default=True, help="the party's role")
@click.option("--alias", "aliases", multiple=True, metavar="NAME", help="another name (repeatable)")
@store_option(required=True)
def add(name: str, country: str, role: str, aliases: tuple[str, ...], store: str) -> int:
    """Watch NAME in --country, with its aliases: each is re-screened like the name.

    \b
    Example:
      screening watch add "Gamma Works" --country CN --store sqlite:///screening.db
    """
    from pydantic import ValidationError

    from ..store import open_store

    with open_store(store) as opened:
        try:
            added = opened.watch(name, country, role=role, aliases=aliases)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            raise StoreError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from None
    stdout().write(("watching" if added else "already watched:") + f" {name} ({country})\n")
    return 0


@watch.command("rescreen", short_help="re-screen watched counterparties after a list update")
@click.option(
    "--new",
    "new",
    type=PATH,
    multiple=True,
    required=True,
    metavar="PATH",
    help="the updated list files (e.g. lists/csl)",
)
@click.option(
    "--old",
    "old",
    type=PATH,
    multiple=True,
    metavar="PATH",
    help="the list files before the update (default: each --new's .previous copy)",
)
@rules_option
@as_of_option
@store_option(required=True)
def rescreen(
    new: tuple[Path, ...],
    old: tuple[Path, ...],
    rules: Path | None,
    as_of: dt.date | None,
    store: str,
) -> int:
    """Re-screen the watched counterparties near an entry that changed between the old and
    the new lists, open cases for new review hits, and print each change as a JSON line
    (new_hit, hit_gone, disposition_invalidated, outcome_changed). Exit code 0 when nothing
    changed, 1 when something did.

    \b
    Example:
      screening watch rescreen --new lists/csl --store sqlite:///screening.db
      (after: screening lists update --source csl --dest lists)
    """
    from ..changes import changed_names
    from ..lists import read_list
    from ..rules import load_rules
    from ..store import open_store, rescreen_watched

    olds = old or tuple(p.with_name(p.name + ".previous") for p in new)
    missing = [str(p) for p in olds if not p.exists()]
    if missing:
        raise click.UsageError(f"no old lists at {', '.join(missing)}: give them with --old")
    new_files = [read_list(p) for p in new]
    old_files = [read_list(p) for p in olds]
    new_rules = load_rules(rules, lists=new_files)
    old_rules = load_rules(rules, lists=old_files)
    near = changed_names(old_files, new_files)
    day = as_of or dt.datetime.now(dt.UTC).date()
    out = stdout()
    changed = 0
    with open_store(store) as opened:
        for change in rescreen_watched(opened, new_rules, old_rules, near, day):
            out.write(canonical_json(change) + "\n")
            changed += 1
    return 1 if changed else 0
