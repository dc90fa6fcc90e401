"""Running the `screening` command in-process for tests, with click's `CliRunner`."""

from __future__ import annotations

import sys
from pathlib import Path

from click.testing import CliRunner

from screening.cli import app


def cli(*argv: str | Path, input: str | bytes | None = None) -> tuple[int, str]:
    """Run the command; returns its exit code and stdout.

    Its stderr is passed on to ``sys.stderr``, where pytest's ``capsys`` reads it.
    """
    result = CliRunner().invoke(app, [str(a) for a in argv], input=input, catch_exceptions=False)
    sys.stderr.write(result.stderr)
    return result.exit_code, result.stdout
