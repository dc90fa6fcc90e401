"""Editing copies of the bundled rules in tests: one helper instead of a copy per test module."""

from __future__ import annotations

from pathlib import Path


def replace_once(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a file with ``new``; a setup error when ``old`` is absent,
    so an edited rule file never silently stays as it was."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
