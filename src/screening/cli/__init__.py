"""The `screening` command line: a thin click shell over the library.

`main` runs it and returns the exit code; `app` is the click group (for click's `CliRunner`).
"""

from __future__ import annotations

from ._app import app, main

__all__ = [
    "app",
    "main",
]
