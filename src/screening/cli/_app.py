"""The ``screening`` group and `main`: where library errors become exit codes and one line.

Exit codes: 0 clear, 1 review, 2 block (for ``screen``: the most severe outcome of all files);
``replay``, ``audit verify``, ``explain`` and the ``rules``/``lists`` commands exit 0 when
all is as expected and 1 otherwise (see each command's help); errors exit 3 (bad transaction,
scenario, log, history or list file), 4 (bad rule files, or a bad list file loaded with them),
5 (bad command line), 6 (an internal error: a bug) or 130 (interrupted). Commands return their
exit code; only this module turns exceptions into codes and messages.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence
from typing import Any, TextIO

import click

from .._version import __version__
from ..errors import BatchError, RuleError, ScreeningError
from . import _audit, _batch, _lists, _review, _rules, _screen, _serve
from ._output import (
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_RULES,
    EXIT_USAGE,
    error,
)

__all__ = ["app", "main"]


class _Screening(click.Group):
    """The top group: runs without click's own exits, and maps what escapes to exit codes."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line and return its exit code (or, standalone, exit with it)."""
        try:
            code = super().main(
                args,
                prog_name or "screening",
                complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except click.UsageError as exc:
            code = _usage_error(exc)
        except click.ClickException as exc:  # pragma: no cover - commands raise none but usage
            error(f"error: {exc.format_message()}")
            code = EXIT_USAGE
        except click.Abort:  # Ctrl-C while click itself was reading the command line
            error("interrupted")
            code = EXIT_INTERRUPTED
        code = 0 if code is None else int(code)
        if standalone_mode:
            sys.exit(code)
        return code

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a library error becomes one ``error: ...`` line and its code."""
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except RuleError as exc:  # a ListError too: a bad list loaded with the rules
            error(f"error: rules: {exc}")
            return EXIT_RULES
        except BatchError as exc:
            error(f"error: batch: {exc}")
            return EXIT_INPUT
        except ScreeningError as exc:
            error(f"error: {exc}")
            return EXIT_INPUT
        except KeyboardInterrupt:
            error("interrupted")
            return EXIT_INTERRUPTED
        except Exception:  # never let a crash exit 1 or 2, which read as "review" / "block"
            traceback.print_exc()
            error("error: internal error (a bug: please report it with the traceback)")
            return EXIT_INTERNAL


def _usage_error(exc: click.UsageError) -> int:
    """The usage line, then ``PROG: error: MESSAGE`` (argparse's style), exit 5."""
    ctx = exc.ctx
    if ctx is not None:
        error(ctx.get_usage())
    prog = ctx.command_path if ctx is not None else "screening"
    message = exc.format_message()
    if isinstance(exc, click.BadParameter) and exc.param is not None:
        names = (
            exc.param.opts
            if isinstance(exc.param, click.Option)
            else [exc.param.human_readable_name]
        )
        message = f"argument {'/'.join(names)}: {exc.message}"
    error(f"{prog}: error: {message}")
    return EXIT_USAGE


@click.group(
    "screening",
    cls=_Screening,
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, message="screening %(version)s")
def app() -> None:
    """Export-control screening over declarative YAML rules.

    \b
    Example:
      screening screen examples/zte/03-entity-list-before-tgl-2016-03.yaml
    """


for _command in (
    _screen.screen,
    _screen.replay,
    _audit.audit,
    _screen.explain,
    _rules.rules,
    _lists.lists,
    _batch.batch,
    _serve.serve,
    _review.review,
    _review.store,
    _review.watch,
):
    app.add_command(_command)


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``), writing command output to
    ``stdout`` (default ``sys.stdout``); returns the exit code."""
    code: int = app.main(argv, "screening", standalone_mode=False, obj=stdout)
    return code
