"""Reading transaction and scenario files (YAML or JSON) so that errors point at file and line.

JSON is held to the same standard as YAML: duplicate keys and oversized files are errors, never
silently resolved.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..errors import DocumentError, YamlProblem
from .yamlfile import MAX_BYTES, MAX_DEPTH, Located, parse_yaml

__all__ = ["parse_document", "read_document"]


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key '{key}'")
        out[key] = value
    return out


_JSON_NESTING = re.compile(r'"(?:[^"\\]|\\.)*+"?|[\[\]{}]')
"""Strings (skipped whole, so brackets inside them do not count; one left open runs to the end,
so that no text is scanned twice) and brackets of JSON text."""


def _too_deep(text: str) -> int | None:
    """The line where JSON text opens its list or object deeper than `MAX_DEPTH`, if it does.
    Counted before parsing, as the YAML reader does: the json module recurses, and a document
    nested a thousand levels deep would exhaust the stack (a RecursionError, not an error)."""
    depth = 0
    for match in _JSON_NESTING.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                return text.count("\n", 0, match.start()) + 1
        elif token in ("]", "}"):
            depth -= 1
    return None


def parse_document(text: str, name: str, *, is_json: bool = False) -> Located:
    """Parse one document; JSON when ``is_json`` or when the text starts like JSON."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise DocumentError(f"{name}: file is larger than {MAX_BYTES} bytes")
    if is_json or text.lstrip().startswith(("{", "[")):
        line = _too_deep(text)
        if line is not None:
            raise DocumentError(f"{name}:{line}: nested more than {MAX_DEPTH} levels deep")
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
