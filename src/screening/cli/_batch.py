"""``screening batch``: screen a file of many transactions into an output file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..engine import DEFAULT_PARTY_CACHE
from ..models import Outcome
from ..rules import load_rules
from ._options import COUNT, as_of_option, rules_option, screen_lists_option, store_option
from ._output import EXIT, EXIT_INTERRUPTED, EXIT_USAGE, error

__all__ = ["batch"]

_FORMATS = click.Choice(["jsonl", "csv", "parquet"])


@click.command(
    short_help="screen a file of many transactions (JSON Lines, CSV, Parquet) into an output file"
)
@click.argument("input", metavar="INPUT")
@click.option("-o", "--output", required=True, metavar="OUTPUT", help="where to write")
@click.option(
    "--workers",
    type=COUNT,
    default=0,
    metavar="N",
    help="worker processes (default 0: one per CPU; 1 screens in this process)",
)
@as_of_option
@rules_option
@screen_lists_option
@click.option("--input-format", type=_FORMATS, help="override")
@click.option("--output-format", type=_FORMATS, help="override")
@click.option("--chunk-size", type=COUNT, default=64, metavar="N", help="records per unit of work")
@click.option(
    "--party-cache",
    type=COUNT,
    default=DEFAULT_PARTY_CACHE,
    metavar="N",
    help=f"parties whose name search each process remembers (default {DEFAULT_PARTY_CACHE}; "
    "0: none); decisions are the same either way",
)
@click.option("-q", "--quiet", is_flag=True, help="no progress bar, no summary")
@store_option()
def batch(
    input: str,
    output: str,
    workers: int,
    as_of: dt.date | None,
    rules: Path | None,
    lists: tuple[Path, ...],
    input_format: str | None,
    output_format: str | None,
    chunk_size: int,
    party_cache: int,
    quiet: bool,
    store: str | None,
) -> int:
    """Screen every transaction in INPUT (- reads JSON Lines) and write one record per input
    record to OUTPUT, in input order: the decision, or an error with its reason for a bad
    record. Formats by extension: .jsonl/.ndjson, .csv, .parquet (.jsonl.gz and .csv.gz too).
    Resumable: run the same command again and the records OUTPUT holds are skipped. Ctrl-C
    stops after the current chunk, leaving OUTPUT valid. With --store, reviewers'
    dispositions apply and each review opens (or updates) its transaction's case.

    Exit code: 0 all clear, 1 any review or error record, 2 any block, 3 unusable file, 4 bad
    rules, 130 interrupted.

    \b
    Example:
      screening batch payments.jsonl -o decisions.jsonl --workers 2
    """
    from ..batch import run_batch

    rule_set = load_rules(rules, lists=lists)
    if store is not None:  # an unusable store stops the run before anything is screened
        from ..store import open_store

        open_store(store).close()
    if chunk_size < 1:
        error("screening batch: error: --chunk-size must be at least 1")
        return EXIT_USAGE
    try:
        summary = run_batch(
            input,
            output,
            rules=rule_set,
            workers=workers,
            as_of=as_of,
            input_format=input_format,
            output_format=output_format,
            chunk_size=chunk_size,
            progress=False if quiet else None,
            party_cache=party_cache,
            store=store,
        )
    except KeyboardInterrupt:
        error(
            f"interrupted: {output} holds every record finished; run the same command "
            "again to resume"
        )
        return EXIT_INTERRUPTED
    if not quiet:
        error(summary.line(output))
    if summary.interrupted:
        if quiet:
            error(f"interrupted: run the same command again to resume {output}")
        return EXIT_INTERRUPTED
    return EXIT[Outcome(summary.worst)]
