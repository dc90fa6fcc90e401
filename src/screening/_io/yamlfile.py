"""Safe YAML reading that remembers the line of every key and value.

Rule files are edited by hand, so the reader is strict where PyYAML is lenient: duplicate keys,
anchors and aliases (the "billion laughs" pattern), non-string keys, deep nesting and oversized
files are errors. Scalars follow YAML 1.2 where 1.1 surprises: only ``true``/``false`` are
booleans (YAML 1.1 reads the country code ``NO`` as false) and dates stay text (YAML 1.2 has no
timestamp type), so the schema that reads them reports a bad date with its rule and key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Problem, YamlProblem

__all__ = ["MAX_BYTES", "MAX_DEPTH", "Flaw", "Located", "parse_yaml", "read_yaml"]

MAX_BYTES = 2 * 1024 * 1024
"""Largest YAML file we read; anything bigger is not a hand-written rule or transaction file."""

MAX_DEPTH = 32
"""Deepest nesting of lists and mappings we read (rule files need about six levels); deeper
input is refused before PyYAML's recursive composer can exhaust the stack."""

Path_ = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Flaw:
    """A problem found while reading that does not stop the reading (a duplicate key): the
    caller decides, knowing the key path, which rule it spoils."""

    path: Path_
    line: int
    message: str


@dataclass(frozen=True)
class Located:
    """A parsed document plus the line (1-based) of each key path in it."""

    data: Any
    file: str
    lines: dict[Path_, int] = field(default_factory=dict)
    flaws: tuple[Flaw, ...] = ()
    """Problems collected rather than raised (only with ``parse_yaml(..., collect=True)``)."""

    def line_of(self, path: Path_) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]


class _Resolver(yaml.resolver.Resolver):
    """The safe resolver with YAML 1.2 core scalars.

    YAML 1.1 reads ``NO`` as false, ``011`` as octal 9 and ``1:30`` as 90: in a compliance file
    each is a silent wrong answer. Only ``true``/``false``, plain decimal integers and plain
    decimal floats are typed; anything else stays a string for the schema to judge.
    """


_DROPPED = {
    "tag:yaml.org,2002:bool",  # re-added below with YAML 1.2's two words
    "tag:yaml.org,2002:int",  # re-added below: decimal only (YAML 1.1 reads 011 as octal 9)
    "tag:yaml.org,2002:float",  # re-added below: decimal only (YAML 1.1 reads 1:30 as 90)
    "tag:yaml.org,2002:timestamp",  # dates stay text; the schema parses and checks them
    "tag:yaml.org,2002:value",  # YAML 1.1's '=' has no safe constructor
}
_Resolver.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in value if tag not in _DROPPED]
    for key, value in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+)$"),
    list("-+.0123456789"),
)


class _Checks(yaml.composer.Composer):
    """The composer, refusing anchors, aliases and over-deep nesting as it meets them."""

    file: str
    depth: int
    # Supplied by the parser and constructor this is mixed with (pure Python or libyaml).
    check_event: Any
    peek_event: Any
    construct_scalar: Any
    construct_object: Any

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(yaml.events.AliasEvent):
            event = self.peek_event()
            raise YamlProblem(
                Problem(
                    "YAML anchors and aliases are not allowed in this file "
                    f"(alias '*{event.anchor}')",
                    file=self.file,
                    line=event.start_mark.line + 1,
                )
            )
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise YamlProblem(
                Problem(
                    f"YAML anchors and aliases are not allowed in this file (anchor '&{anchor}')",
                    file=self.file,
                    line=event.start_mark.line + 1,
                )
            )
        if self.depth >= MAX_DEPTH:
            raise YamlProblem(
                Problem(
                    f"nested more than {MAX_DEPTH} levels deep",
                    file=self.file,
                    line=event.start_mark.line + 1,
                )
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Loader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    _Checks,
    yaml.constructor.SafeConstructor,
    _Resolver,
):
    """Pure Python throughout: slow, but its error messages are the ones `_syntax` explains."""

    def __init__(self, stream: str, file: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _Checks.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        _Resolver.__init__(self)
        self.file = file
        self.depth = 0


_CParser: Any = getattr(getattr(yaml, "_yaml", None), "CParser", None)


if _CParser is not None:

    class _FastLoader(_Checks, _CParser, yaml.constructor.SafeConstructor, _Resolver):  # type: ignore[misc]
        """libyaml's parser (about ten times faster) under the same checking composer."""

        def __init__(self, stream: str, file: str) -> None:
            _CParser.__init__(self, stream)
            _Checks.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            _Resolver.__init__(self)
            self.file = file
            self.depth = 0


def _build(
    loader: _Checks, node: Node, path: Path_, lines: dict[Path_, int], flaws: list[Flaw]
) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlProblem(
                    Problem("YAML merge keys ('<<') are not allowed", file=loader.file, line=line)
                )
            if not isinstance(key_node, ScalarNode):
                raise YamlProblem(Problem("a key must be plain text", file=loader.file, line=line))
            key = str(loader.construct_scalar(key_node))
            if key in out:
                # Keep the first value and go on, so the rest of the file is still checked.
                first = lines[(*path, key)]
                message = f"duplicate key '{key}' (first defined on line {first})"
                flaws.append(Flaw((*path, key), line, message))
                continue
            lines[(*path, key)] = line
            out[key] = _build(loader, value_node, (*path, key), lines, flaws)
        return out
    if isinstance(node, SequenceNode):
        return [
            _build(loader, child, (*path, i), lines, flaws) for i, child in enumerate(node.value)
        ]
    if isinstance(node, ScalarNode):
        try:
            return loader.construct_object(node, deep=True)
        except (ValueError, yaml.YAMLError) as exc:
            raise YamlProblem(
                Problem(
                    f"invalid value '{node.value}': {exc}",
                    file=loader.file,
                    line=node.start_mark.line + 1,
                    path=_dotted(path) or None,
                )
            ) from None
    raise YamlProblem(  # pragma: no cover - PyYAML has no other node kinds
        Problem("unsupported YAML node", file=loader.file, line=node.start_mark.line + 1)
    )


def _dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


_PLAIN = (
    # (what PyYAML says, point at its context mark (where the construct began), plain words)
    ("found character '\\t'", False, "a tab character (indent with spaces, not tabs)"),
    ("mapping values are not allowed here", False,
     "unexpected ':' (check this line's indentation, or put a value containing ': ' in quotes)"),
    ("expected <block end>", False, "this line's indentation does not match the lines above"),
    ("did not find expected key", False, "this line's indentation does not match the lines above"),
    ("did not find expected '-' indicator", False,
     "this line's indentation does not match the list above"),
    ("could not find expected ':'", True,
     "expected 'key: value' (a ':' is missing, or the indentation is off)"),
    ("while scanning a quoted scalar", True, "a quoted text is never closed"),
    ("expected ',' or ']'", True, "a list in [ ] is not closed, or its items need commas"),
    ("expected ',' or '}'", True, "a mapping in { } is not closed, or its entries need commas"),
    ("but found another document", False, "more than one document ('---') in one file"),
)  # fmt: skip
"""PyYAML's wording of the usual hand-editing slips, said in plain words."""

_BAD_START = re.compile(r"found character '(.)' that cannot start any token")


def _syntax(exc: yaml.MarkedYAMLError) -> tuple[str, int | None]:
    """A plain message for a YAML syntax error, and the line it is best pointed at."""
    raw = " ".join(str(x) for x in (exc.context, exc.problem) if x)
    problem, context = exc.problem_mark, exc.context_mark
    for pattern, at_context, plain in _PLAIN:
        if pattern in raw:
            mark = (context or problem) if at_context else (problem or context)
            return plain, None if mark is None else mark.line + 1
    mark = problem or context
    line = None if mark is None else mark.line + 1
    bad = _BAD_START.search(raw)
    if bad is not None:
        return f"a value cannot start with '{bad[1]}' (put the value in quotes)", line
    joined = ": ".join(str(x) for x in (exc.context, exc.problem) if x)
    return joined, line


def _too_large(size: int, file: str) -> YamlProblem:
    limit = f"{MAX_BYTES // (1024 * 1024)} MiB"
    return YamlProblem(
        Problem(f"file is too large ({size} bytes; the limit is {limit})", file=file)
    )


def _compose(text: str, file: str, lines: dict[Path_, int], flaws: list[Flaw]) -> Any:
    """Parse with libyaml when it is there; on any YAML error parse again in pure Python,
    whose messages (and position) are the ones explained to the reader."""
    if _CParser is not None:
        try:
            return _run(_FastLoader(text, file), lines, flaws)
        except yaml.YAMLError:
            lines.clear()
            flaws.clear()
    try:
        loader = _Loader(text, file)
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        message = f"not a text file (control character U+{exc.character:04X})"
        raise YamlProblem(Problem(message, file=file, line=line)) from None
    try:
        return _run(loader, lines, flaws)
    except yaml.MarkedYAMLError as exc:
        message, where = _syntax(exc)
        raise YamlProblem(Problem(f"YAML syntax error: {message}", file=file, line=where)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(Problem(f"YAML error: {exc}", file=file)) from None


def _run(loader: Any, lines: dict[Path_, int], flaws: list[Flaw]) -> Any:
    try:
        node = loader.get_single_node()
        return None if node is None else _build(loader, node, (), lines, flaws)
    finally:
        loader.dispose()


def parse_yaml(text: str, file: str, *, collect: bool = False) -> Located:
    """Parse one YAML document from ``text``; ``file`` names it in error messages.

    Raises `YamlProblem` on the first syntax error, alias or over-deep nesting. A duplicate key
    is raised too, unless ``collect`` is true: then it is recorded in `Located.flaws` (the
    first value kept) so the caller can report it with the rule it belongs to.
    """
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise _too_large(size, file)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise YamlProblem(Problem("not a text file (contains NUL bytes)", file=file, line=line))
    flaws: list[Flaw] = []
    lines: dict[Path_, int] = {}
    data = _compose(text, file, lines, flaws)
    if flaws and not collect:
        first = flaws[0]
        raise YamlProblem(
            Problem(first.message, file=file, line=first.line, path=_dotted(first.path))
        )
    return Located(data, file, lines, tuple(flaws))


def read_yaml(path: Path, display: str | None = None, *, collect: bool = False) -> Located:
    """Read and parse one YAML file (UTF-8); ``display`` is the name used in messages."""
    name = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _too_large(size, name)
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlProblem(Problem(f"cannot read file: {exc.strerror}", file=name)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlProblem(
            Problem(
                f"not a text file (not UTF-8: byte {exc.start} is 0x{raw[exc.start]:02x})",
                file=name,
                line=raw[: exc.start].count(b"\n") + 1,
            )
        ) from None
    return parse_yaml(text, name, collect=collect)
