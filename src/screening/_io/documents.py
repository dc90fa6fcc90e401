"""Reading transaction and scenario files (YAML or JSON) so that errors point at file and line.

JSON is held to the same standard as YAML: duplicate keys and oversized files are errors, never
silently resolved.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import DocumentError, YamlProblem
from .yamlfile import MAX_BYTES, Located, parse_yaml

__all__ = ["parse_document", "read_document"]


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
