"""Every command of the `screening` group, found by walking it, has help with an example; usage
errors and ``--help`` come back from `main` as exit codes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from helpers.clirun import cli
from screening.cli import app, main


def _paths(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The group itself, then every command and subgroup under it, as argv prefixes."""
    yield path
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _paths(command, (*path, name))
        else:
            yield (*path, name)


COMMANDS = list(_paths(app))
SCENARIO = Path(__file__).parents[2] / "examples/zte/01-iran-2010-contract-via-8-star.yaml"


def test_the_walk_finds_the_nested_commands() -> None:
    assert {("screen",), ("audit", "verify"), ("rules", "check"), ("lists", "rescreen")} <= set(
        COMMANDS
    )


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "screening")
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    name = " ".join(("screening", *path))
    assert text.startswith(f"Usage: {name} ")
    _, found, examples = text.partition("Example")
    assert found, f"no example in the help of {name}"
    first = examples.split("\n", 2)[1].strip()
    assert first.startswith(name if path else "screening "), first


@pytest.mark.parametrize("argv", [["--help"], ["lists", "-h"], ["rules", "diff", "--help"]])
def test_help_returns_0_from_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv, stdout=io.StringIO()) == 0
    assert "Usage: screening" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            ["screen", "--as-of", "2016-13-24", "x.yaml"],
            "screening screen: error: argument --as-of: not a date (YYYY-MM-DD): '2016-13-24'",
        ),
        (
            ["replay", "examples/zte", "--report", "r.pdf"],
            "screening replay: error: argument --report: report file must end in .html or .md "
            "(for HTML or Markdown): 'r.pdf'",
        ),
        (
            ["lists", "update", "--max-drop", "1.5"],
            "screening lists update: error: argument --max-drop: must be at least 0 and below 1: "
            "'1.5'",
        ),
        (
            ["explain", "x.yaml", "--as-of", "2016-03-23"],
            "screening explain: error: explain compares two screenings: give two dates "
            "(--as-of A --as-of B), two rule sets (--rules OLD --rules NEW), or both",
        ),
        (["frob"], "screening: error: No such command 'frob'."),
        (["rules"], "screening rules: error: Missing command."),
    ],
)
def test_usage_error_is_the_usage_then_one_error_line(
    argv: list[str], line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, out = cli(*argv)
    assert (rc, out) == (5, "")
    usage, error = capsys.readouterr().err.splitlines()
    assert usage.startswith("Usage: " + line.split(":")[0])
    assert error == line


def test_main_writes_to_the_stream_it_is_given(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    assert main(["rules", "schema"], stdout=out) == 0
    assert out.getvalue().startswith("{")
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("raised", "code", "last_line"),
    [
        (KeyboardInterrupt(), 130, "interrupted"),
        (
            RuntimeError("boom"),
            6,
            "error: internal error (a bug: please report it with the traceback)",
        ),
    ],
    ids=["interrupt", "bug"],
)
def test_an_interrupt_or_a_bug_never_exits_as_an_outcome(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    raised: BaseException,
    code: int,
    last_line: str,
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise raised

    monkeypatch.setattr("screening.cli._screen.load_rules", explode)
    assert cli("screen", SCENARIO) == (code, "")
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == last_line
    assert ("Traceback" in err) is (code == 6)
