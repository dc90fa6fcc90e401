"""Running the `screening` command in-process for tests."""

from __future__ import annotations

import io
from pathlib import Path

from screening.cli import main


def cli(*argv: str | Path) -> tuple[int, str]:
    """Run the command; returns its exit code (a usage error's SystemExit too) and stdout."""
    out = io.StringIO()
    try:
        code = main([str(a) for a in argv], stdout=out)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue()
