"""The manifest written beside a downloaded list: where it came from, when, and its checksums.

``manifest.json`` lets a later load prove the files are the ones that were validated (the
sha256 of each must match) and lets the next update compare entry counts against it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ListError, Problem

__all__ = ["MANIFEST", "Manifest", "ManifestFile", "read_manifest"]

MANIFEST = "manifest.json"


@dataclass(frozen=True, slots=True)
class ManifestFile:
    """One downloaded file: its name in the directory, its URL, sha256, size and data rows."""

    name: str
    url: str
    sha256: str
    bytes: int
    rows: int


@dataclass(frozen=True, slots=True)
class Manifest:
    """What ``manifest.json`` records about one downloaded list."""

    source: str
    format: str
    fetched_at: str
    checked_at: str
    sha256: str
    entries: int
    entries_by_list: dict[str, int]
    files: tuple[ManifestFile, ...]
    previous: dict[str, Any] | None = None

    @property
    def primary(self) -> ManifestFile:
        """The file the list is read from (the others are its companions)."""
        return self.files[0]

    def to_json(self) -> str:
        """Deterministic JSON (sorted keys, two-space indent, trailing newline)."""
        data = {
            "source": self.source,
            "format": self.format,
            "fetched_at": self.fetched_at,
            "checked_at": self.checked_at,
            "sha256": self.sha256,
            "entries": self.entries,
            "entries_by_list": self.entries_by_list,
            "files": [
                {"name": f.name, "url": f.url, "sha256": f.sha256, "bytes": f.bytes, "rows": f.rows}
                for f in self.files
            ],
            "previous": self.previous,
        }
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def read_manifest(path: Path, display: str) -> Manifest:
    """Read and check a ``manifest.json``; raises `ListError` naming the file and key at fault."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise ListError([Problem(f"cannot read file: {exc.strerror}", file=display)]) from None
    except ValueError as exc:  # undecodable bytes, bad JSON, an integer too long to convert
        line = getattr(exc, "lineno", None)
        raise ListError(
            [Problem(f"not a valid manifest: {exc}", file=display, line=line)]
        ) from None
    try:
        files = tuple(
            ManifestFile(
                name=str(f["name"]),
                url=str(f["url"]),
                sha256=str(f["sha256"]),
                bytes=int(f["bytes"]),
                rows=int(f["rows"]),
            )
            for f in data["files"]
        )
        if not files or any("/" in f.name or f.name.startswith(".") for f in files):
            raise ValueError("'files' must name at least one file in the directory")
        return Manifest(
            source=str(data["source"]),
            format=str(data["format"]),
            fetched_at=str(data["fetched_at"]),
            checked_at=str(data.get("checked_at", data["fetched_at"])),
            sha256=str(data["sha256"]),
            entries=int(data["entries"]),
            entries_by_list={str(k): int(v) for k, v in dict(data["entries_by_list"]).items()},
            files=files,
            previous=data.get("previous"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        what = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
        raise ListError([Problem(f"not a valid manifest: {what}", file=display)]) from None
