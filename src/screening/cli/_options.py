"""Options and value types shared by several commands, as decorators (sqlite-utils style)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

RULES_HELP = "rules directory (default: the bundled rules)"
JSON_HELP = "print one decision record per line (canonical JSON Lines)"


class _Date(click.ParamType[dt.date, Any]):
    """An ISO date, YYYY-MM-DD."""

    name = "date"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"not a date (YYYY-MM-DD): '{value}'", param, ctx)


class _Count(click.ParamType[int, Any]):
    """A whole number >= 0, digits only."""

    name = "count"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        if not value.isdigit():
            self.fail(f"not a whole number >= 0: '{value}'", param, ctx)
        return int(value)


class _Share(click.ParamType[float, Any]):
    """A share: a number at least 0 and below 1."""

    name = "share"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, float):
            return value
        try:
            share = float(value)
        except ValueError:
            self.fail(f"not a number: '{value}'", param, ctx)
        if not 0 <= share < 1:
            self.fail(f"must be at least 0 and below 1: '{value}'", param, ctx)
        return share


class _ReportPath(click.ParamType[Path, Any]):
    """A report file: .html/.htm (one page) or .md/.markdown."""

    name = "report"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        path = Path(value)
        if path.suffix.lower() not in (".html", ".htm", ".md", ".markdown"):
            self.fail(
                f"report file must end in .html or .md (for HTML or Markdown): '{value}'",
                param,
                ctx,
            )
        return path


DATE = _Date()
COUNT = _Count()
SHARE = _Share()
REPORT = _ReportPath()
PATH = click.Path(path_type=Path)


def rules_option(function: F) -> F:
    """``--rules DIR``: the rules directory, default the bundled rules."""
    return click.option("--rules", type=PATH, metavar="DIR", help=RULES_HELP)(function)


def lists_option(help: str) -> Callable[[F], F]:
    """``--lists PATH`` (repeatable): official list files loaded with the rules."""
    return click.option("--lists", type=PATH, multiple=True, metavar="PATH", help=help)


screen_lists_option = lists_option(
    "also screen against an official list file or directory (repeatable)"
)


def json_option(help: str = JSON_HELP) -> Callable[[F], F]:
    """``--json``: machine-readable output instead of the table."""
    return click.option("--json", "as_json", is_flag=True, help=help)


def as_of_option(function: F) -> F:
    """``--as-of DATE``: evaluate the rules as of this date."""
    return click.option(
        "--as-of", type=DATE, metavar="DATE", help="evaluate the rules as of this date"
    )(function)


def log_option(function: F) -> F:
    """``--log LOG``: append the decision records to a JSON Lines log."""
    return click.option(
        "--log",
        type=PATH,
        metavar="LOG",
        help="append the decision records to this JSON Lines log (never rewritten)",
    )(function)


STORE_HELP = (
    "the review store: sqlite:///path/screening.db or postgresql://... (env SCREENING_STORE)"
)


def store_option(required: bool = False) -> Callable[[F], F]:
    """``--store URL``, from ``SCREENING_STORE`` when not given."""
    return click.option(
        "--store", envvar="SCREENING_STORE", required=required, metavar="URL", help=STORE_HELP
    )
