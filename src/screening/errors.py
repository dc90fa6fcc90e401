"""The one exception tree of the library.

Load-time problems (rule files) and screening-time problems (bad transactions) never share a
class, so callers can tell "the rules are broken" from "this input is broken"::

    ScreeningError
    ├── RuleError            a rule set could not be loaded; lists every problem found
    │   └── ListError        an official list file is unreadable, malformed or truncated
    │       └── ListUpdateError  a list download was rejected; the previous copy is kept
    ├── TransactionError     a transaction is malformed; lists every field at fault
    ├── DocumentError        a transaction or scenario file cannot be read or parsed
    ├── ScenarioError        a scenario, rule test or history file cannot be read
    ├── RecordError          a decision record cannot be read back
    ├── LogError             a decision log cannot be read or appended to
    ├── BatchError           a batch run cannot go on (its input or output file is unusable,
    │                        or its worker processes keep dying); one bad record never raises it
    ├── KeysError            the service's API keys (a keys file or variable) cannot be read
    ├── StoreError           a review store cannot be opened, read or written, or a request to
    │   │                    it is wrong (unknown case, a hit that cannot be disposed of)
    │   └── ConflictError    someone else changed the case first: nothing was written
    ├── LockUnavailableError a file cannot be locked on this platform or filesystem, so nothing
    │                        is written to it (callers turn it into their own error)
    └── YamlProblem          internal: one located problem carried out of the YAML reader, always
                             turned into one of the errors above before it reaches a caller
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BatchError",
    "ConflictError",
    "DocumentError",
    "KeysError",
    "ListError",
    "ListUpdateError",
    "LockUnavailableError",
    "LogError",
    "Problem",
    "RecordError",
    "RuleError",
    "ScenarioError",
    "ScreeningError",
    "StoreError",
    "TransactionError",
    "YamlProblem",
]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong, located as precisely as we can: file and line, rule id, key path."""

    message: str
    file: str | None = None
    line: int | None = None
    rule_id: str | None = None
    path: str | None = None
    subject: str = "rule"
    """What ``rule_id`` names: a ``rule``, or a rule ``test`` case."""

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
            where += ": "
        rule = f"{self.subject} '{self.rule_id}' → " if self.rule_id else ""
        path = f"{self.path}: " if self.path else ""
        return f"{where}{rule}{path}{self.message}"


class ScreeningError(Exception):
    """Root of every error this library raises on purpose."""


class _ProblemsError(ScreeningError):
    def __init__(self, problems: list[Problem] | tuple[Problem, ...], *, title: str) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.title = title
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [str(p) for p in self.problems]
        if len(lines) == 1:
            return lines[0]
        return f"{self.title} ({len(lines)} problems):\n" + "\n".join(f"  {x}" for x in lines)


class RuleError(_ProblemsError):
    """Raised by `load_rules` when any rule file is malformed; nothing is loaded.

    ``problems`` holds every problem found across all files, each with file and line.
    """

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        super().__init__(problems, title="rule set not loaded")


class ListError(RuleError):
    """Raised when an official list file (CSL, OFAC, DPL) cannot be used; nothing is loaded.

    ``problems`` names the file and the line of the offending row (``file:LINE: column: ...``).
    A subclass of `RuleError`: lists are loaded as part of a rule set.
    """

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        _ProblemsError.__init__(self, problems, title="list not loaded")


class ListUpdateError(ListError):
    """Raised by a list update whose download or validation failed; the previous copy is kept."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        _ProblemsError.__init__(
            self, problems, title="list not updated; the current copy, if any, is kept"
        )


class TransactionError(_ProblemsError, ValueError):
    """Raised by `screen` when a transaction is malformed (unknown country, negative value, ...).

    ``problems`` names each offending field path, e.g. ``items[1].us_content_value``.
    """

    def __init__(
        self, problems: list[Problem] | tuple[Problem, ...], *, transaction_id: str | None = None
    ) -> None:
        self.transaction_id = transaction_id
        title = "invalid transaction" + (f" '{transaction_id}'" if transaction_id else "")
        super().__init__(problems, title=title)


class BatchError(ScreeningError):
    """Raised when a batch run cannot go on as a whole: an input file whose header is unusable,
    an output file that was not written by `screening batch` or was screened with other rules,
    worker processes that die before screening anything.

    A bad *record* never raises it: that record gets an error result and the run goes on.
    ``path`` names the file at fault, when there is one.
    """

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class DocumentError(ScreeningError):
    """A transaction or scenario file could not be read or parsed: names file and line."""


class ScenarioError(ScreeningError):
    """A scenario, rule-test or history file could not be read: names the file and what is
    wrong."""


class RecordError(ScreeningError):
    """A decision record could not be read: not a JSON object, an unknown record format, or a
    missing, unknown or malformed key."""


class LogError(ScreeningError):
    """A decision log could not be read or written: names the file and the reason."""


class KeysError(ScreeningError):
    """Raised when the API keys of `screening serve` cannot be read (a missing keys file, a
    line that is not ``PRINCIPAL SCOPES sha256:HEX``, an unknown scope); the message names the
    file (or variable) and line. The service does not start without readable keys."""


class StoreError(ScreeningError):
    """A review store could not be used (bad URL, schema newer than this program, unreachable
    database) or a request to it is wrong (unknown case or hit, a hit that cannot be disposed
    of): names what and where."""


class ConflictError(StoreError):
    """Another reviewer changed the same case or disposition first; nothing was written, so
    the caller can look again and retry."""


class LockUnavailableError(ScreeningError):
    """A file could not be locked because this platform or filesystem has no working lock (no
    ``fcntl``, a network share without locks). Raised instead of writing unlocked, where two
    processes could interleave; ``path`` names the file, ``reason`` what the system said."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {self.detail}")

    @property
    def detail(self) -> str:
        """The message without the path (for errors that print the path themselves)."""
        return f"cannot lock the file ({self.reason}); refusing to write without a lock"


class YamlProblem(ScreeningError):
    """Internal: carries one located problem out of the YAML reader; callers turn it into the
    error of what was being read (`RuleError`, `DocumentError`, ...)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem
