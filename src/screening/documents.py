"""Reading transaction and scenario files (YAML or JSON) so that errors point at file and line.

JSON is held to the same standard as YAML: duplicate keys and oversized files are errors, never
silently resolved.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .api import parse_transaction
from .errors import Problem, ScreeningError, TransactionError
from .models import Transaction
from .yamlfile import MAX_BYTES, Located, YamlProblem, parse_yaml

__all__ = ["DocumentError", "parse_document", "read_document", "transaction_from"]


class DocumentError(ScreeningError):
    """A transaction or scenario file could not be read or parsed: names file and line."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key '{key}'")
        out[key] = value
    return out


def parse_document(text: str, name: str, *, is_json: bool = False) -> Located:
    """Parse one document; JSON when ``is_json`` or when the text starts like JSON."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise DocumentError(f"{name}: file is larger than {MAX_BYTES} bytes")
    if is_json or text.lstrip().startswith(("{", "[")):
        try:
            return Located(json.loads(text, object_pairs_hook=_no_duplicates), name)
        except json.JSONDecodeError as exc:
            raise DocumentError(f"{name}:{exc.lineno}: invalid JSON: {exc.msg}") from None
        except ValueError as exc:
            raise DocumentError(f"{name}: invalid JSON: {exc}") from None
    try:
        return parse_yaml(text, name)
    except YamlProblem as exc:
        raise DocumentError(str(exc.problem)) from None


def read_document(path: Path) -> Located:
    """Read and parse one file (JSON by ``.json`` suffix or content, YAML otherwise)."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise DocumentError(f"{path}: file is larger than {MAX_BYTES} bytes")
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read file: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return parse_document(text, str(path), is_json=path.suffix == ".json")


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
