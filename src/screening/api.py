"""The public entry point: `screen` a transaction (model or plain dict) against a rule set."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError

from ._io.yamlfile import Located
from .engine import PartyCache, apply_dispositions, evaluate
from .errors import DocumentError, Problem, TransactionError
from .models import Decision, Disposition, Transaction
from .rules import RuleSet, load_rules

__all__ = ["ReviewStore", "parse_transaction", "screen", "transaction_from"]


class ReviewStore(Protocol):
    """What `screen` needs of a review store (`screening.store.Store` is one): the reviewers'
    dispositions for a transaction's parties before, and the decision after, to open or update
    its case. A protocol here so the store sits above the API in the layers."""

    def dispositions_for(self, transaction: Transaction) -> Sequence[Disposition]:
        """The dispositions keyed to any of the transaction's parties (or decided on it)."""
        ...

    def screened(self, transaction: Transaction, decision: Decision, rules: RuleSet) -> None:
        """Record a decision: open or update the transaction's case, watch its parties."""
        ...


def parse_transaction(data: Transaction | Mapping[str, Any]) -> Transaction:
    """Validate a plain mapping (as parsed from JSON or YAML) into a `Transaction`.

    Raises `TransactionError` naming every field at fault, e.g. ``items[1].unit_value``.
    """
    if isinstance(data, Transaction):
        return data
    if not isinstance(data, Mapping):
        raise TransactionError(
            [Problem(f"expected a mapping (a transaction), got {type(data).__name__}")]
        )
    try:
        return Transaction.model_validate(dict(data))
    except ValidationError as exc:
        tx_id = data.get("id") if isinstance(data.get("id"), str) else None
        raise TransactionError(_problems(exc), transaction_id=tx_id) from None


def _problems(exc: ValidationError) -> list[Problem]:
    errors = []
    for error in exc.errors(include_url=False):
        loc = [p for p in error["loc"] if not (isinstance(p, str) and "[" in p)]
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
        errors.append((path, error))
    paths = [path for path, _ in errors]
    out = []
    for path, error in errors:
        # A list whose elements failed is also reported as too short: say only the real fault.
        if error["type"] == "too_short" and any(p.startswith(f"{path}[") for p in paths):
            continue
        kind = error["type"]
        if kind == "extra_forbidden":
            message = "unknown field"
        elif kind == "missing":
            message = "missing required field"
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
            if kind not in ("value_error",) and "input" in error:
                message += f" (got {_shown(error['input'])})"
        out.append(Problem(message, path=path or None))
    return out


_SHOWN = 80
"""Characters of a bad value an error message quotes: a 1 MB name is not repeated whole."""


def _shown(value: object) -> str:
    text = repr(value)
    if len(text) <= _SHOWN:
        return text
    if isinstance(value, str):
        return f"{text[: _SHOWN - 20]}... ({len(value)} characters)"
    return f"{text[: _SHOWN - 20]}..."


def screen(
    transaction: Transaction | Mapping[str, Any],
    *,
    rules: RuleSet | str | Path | None = None,
    as_of: dt.date | None = None,
    cache: PartyCache | None = None,
    store: ReviewStore | None = None,
) -> Decision:
    """Screen one transaction and return an explainable `Decision`.

    ``rules`` is a loaded `RuleSet` (load once, reuse), a rules directory to load, or None for
    the bundled rule set (loaded once). The rules are evaluated as they
    stood on ``as_of``, by default the transaction's own date. Raises `TransactionError` for a
    malformed transaction; never returns "clear" for one. ``cache``, a `PartyCache` kept across
    calls, saves searching a party's names again; the decision is the same with or without it.

    With a ``store`` (see `screening.store.open_store`), the reviewers' dispositions it holds
    are applied to the name-match hits, and a decision whose outcome is review opens (or
    updates) the transaction's case there.
    """
    tx = parse_transaction(transaction)
    if rules is None or isinstance(rules, str | Path):
        ruleset = load_rules(rules)
    elif isinstance(rules, RuleSet):
        ruleset = rules
    else:
        raise TypeError(f"rules must be a RuleSet or a rules directory, not {type(rules).__name__}")
    if as_of is not None and not isinstance(as_of, dt.date):
        raise TransactionError([Problem(f"as_of must be a date, got {as_of!r}", path="as_of")])
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    decision = evaluate(tx, ruleset, as_of or tx.date, cache=cache)
    if store is not None:
        decision = apply_dispositions(decision, tx, ruleset, tuple(store.dispositions_for(tx)))
        store.screened(tx, decision, ruleset)
    return decision


def transaction_from(doc: Located, *, key: str | None = None) -> Transaction:
    """Validate the transaction in ``doc`` (at top level, or under ``key``).

    Raises `TransactionError` whose problems carry the file and, for YAML, the line.
    """
    data = doc.data
    base: tuple[str, ...] = ()
    if key is not None:
        if not isinstance(data, Mapping) or key not in data:
            raise DocumentError(f"{doc.file}: no '{key}:' in this file")
        data, base = data[key], (key,)
    try:
        return parse_transaction(data)
    except TransactionError as exc:
        located = [
            Problem(
                p.message,
                file=doc.file,
                line=doc.line_of((*base, *_steps(p.path))) if doc.lines else None,
                path=".".join((*base, p.path)) if p.path else key,
            )
            for p in exc.problems
        ]
        raise TransactionError(located, transaction_id=exc.transaction_id) from None


def _steps(path: str | None) -> tuple[str | int, ...]:
    """``items[1].unit_value`` -> ("items", 1, "unit_value")."""
    out: list[str | int] = []
    for part in (path or "").replace("[", ".[").split("."):
        if not part:
            continue
        out.append(int(part[1:-1]) if part.startswith("[") else part)
    return tuple(out)
