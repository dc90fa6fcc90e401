"""Reading a history: JSON Lines of past transactions, for impact analysis and re-screening.

Each non-blank line is a transaction object, or a decision record (what ``screening screen
--log`` writes) holding the transaction under ``"transaction"``. `read_history_lines` is the one
reader of such files: it splits on ``\\n`` only (`screening._io.jsonlines`), so a name holding
U+2028 or another character `str.splitlines` breaks on stays inside its line, and returns every
line in order, either a `HistoryLine` (a JSON object) or a located `BadLine`. What a line must
hold beyond that (an as-of date, a recorded decision) is up to the caller.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._io.jsonlines import numbered_lines
from ..api import parse_transaction
from ..models import Transaction

__all__ = ["BadLine", "HistoryLine", "read_history_lines"]


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """A line of a history holding a JSON object: a transaction, or a decision record."""

    line: int
    data: dict[str, Any]

    @property
    def record(self) -> dict[str, Any] | None:
        """The decision record, or None when the line is a bare transaction."""
        return self.data if "transaction" in self.data else None

    def transaction(self) -> Transaction:
        """The line's transaction, validated; raises `TransactionError` naming each field."""
        return parse_transaction(self.data.get("transaction", self.data))


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line of a history that is not a JSON object: ``error`` says why it is not JSON; when
    it is JSON (``error`` is None), ``found`` names the type it holds (``list``, ``str`` ...)."""

    line: int
    error: json.JSONDecodeError | None
    found: str = ""


def read_history_lines(path: Path) -> list[HistoryLine | BadLine]:
    """Every non-blank line of the history at ``path``, in order, numbered from 1.

    Raises OSError when the file cannot be read and UnicodeDecodeError when it is not UTF-8.
    """
    raw = path.read_bytes()
    raw.decode("utf-8")  # the whole file is text, or none of it is read
    out: list[HistoryLine | BadLine] = []
    for number, line in numbered_lines(raw):
        try:
            value = json.loads(line.decode("utf-8"))
        except json.JSONDecodeError as exc:
            out.append(BadLine(number, exc))
            continue
        except ValueError as exc:  # a number of more digits than Python converts, say
            out.append(BadLine(number, json.JSONDecodeError(str(exc), "", 0)))
            continue
        if isinstance(value, dict):
            out.append(HistoryLine(number, value))
        else:
            out.append(BadLine(number, None, type(value).__name__))
    return out
