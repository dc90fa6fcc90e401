"""Canonical JSON: the one form every JSON output of the library is written in.

Keys sorted, separators ``,`` and ``:`` with no spaces, UTF-8 text (no ``\\u`` escapes except
for control characters), no NaN or infinity. Nothing the library computes is written as a
float: money and percentages are decimal strings in plain notation without trailing zeros
(``"25000"``, ``"15.5"``) and name-match scores are integers in basis points (``score_bp``:
0.9567 is 9567). A float can only come from the caller's own ``metadata``, and is written as the
shortest text that reads back to the same IEEE 754 double.

It lives at the bottom layer so that decision records, batch outputs and the command line all
write JSON through the same checks (`canonical_json`) rather than each calling `json.dumps`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

from ..errors import Problem, TransactionError

__all__ = ["canonical_data", "canonical_json", "decimal_text", "dotted_path"]


def canonical_json(obj: Any) -> str:
    """``obj`` as canonical JSON: sorted keys, compact separators, no NaN, no ASCII escaping.

    Raises ``ValueError`` for data canonical JSON cannot hold (NaN, infinity, non-string keys,
    text that is not valid Unicode) and ``TypeError`` for values that are not JSON data.
    """
    text = json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("text is not valid Unicode (a lone surrogate)") from None
    return text


def canonical_data(value: Any, path: str = "") -> Any:
    """``value`` as plain JSON data in canonical form (see the module docstring).

    Decimals become plain-notation strings, dates ISO strings, enums their values, tuples
    lists. Raises `TransactionError` naming the path of anything that cannot be represented.
    """
    try:
        return _plain(value)
    except (_Unfit, TransactionError):
        # Again, keeping the path this time, to say where: it raises.
        return _canonical(value, (path,) if path else ())


Path_ = tuple[str | int, ...]


class _Unfit(Exception):
    """Raised by `_plain` for anything `_canonical` would refuse (it then says where)."""


def _plain(value: Any) -> Any:
    """`_canonical` for the common case, without keeping the path (a tuple made for every
    key and item was most of the cost of a decision record: a record is a few hundred
    values). The same output; anything it would refuse raises, and `_canonical` says where."""
    kind = type(value)
    if kind is str:
        if not value.isascii() and not _encodes(value):
            raise _Unfit
        return value
    if kind is dict:
        out = {}
        for key, item in value.items():
            if type(key) is not str or (not key.isascii() and not _encodes(key)):
                raise _Unfit
            out[key] = _plain(item)
        return out
    if kind is list or kind is tuple:
        return [_plain(v) for v in value]
    if value is None or kind is bool or kind is int:
        return value
    return _canonical(value, ())  # the rarer kinds, each a value or a mapping


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _canonical(value: Any, path: Path_) -> Any:
    kind = type(value)
    if kind is str:
        if not value.isascii():
            _check_text(value, path)
        return value
    if kind is dict or isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if type(key) is not str:
                _fail(path, f"key {key!r} is not a string")
            if not key.isascii():
                _check_text(key, path)
            out[key] = _canonical(item, (*path, key))
        return out
    if kind is list or kind is tuple:
        return [_canonical(v, (*path, i)) for i, v in enumerate(value)]
    if value is None or kind is bool or kind is int:
        return value
    if isinstance(value, Enum):
        return _canonical(value.value, path)
    if isinstance(value, str):
        return _canonical(str(value), path)
    if isinstance(value, Decimal):
        return decimal_text(value, dotted_path(path))
    if isinstance(value, float):
        if not math.isfinite(value):
            _fail(path, f"not a finite number ({value!r})")
        return float(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, dt.date):  # dt.datetime too
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_canonical(v, (*path, i)) for i, v in enumerate(value)]
    _fail(path, f"a {type(value).__name__} is not JSON data")
    raise AssertionError  # pragma: no cover - _fail always raises


def decimal_text(value: Decimal, path: str = "") -> str:
    """A decimal in plain notation without trailing zeros: ``25000``, ``15.5``, ``0``."""
    if not value.is_finite():
        raise TransactionError(
            [Problem(f"cannot be recorded: not a finite number ({value})", path=path or None)]
        )
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


def dotted_path(path: Path_) -> str:
    """A key path as text: ``("hits", 0, "score")`` is ``hits[0].score``."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def _check_text(text: str, path: Path_) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        _fail(path, "text is not valid Unicode (a lone surrogate)")


def _fail(path: Path_, message: str) -> None:
    raise TransactionError(
        [Problem(f"cannot be recorded: {message}", path=dotted_path(path) or None)]
    )
