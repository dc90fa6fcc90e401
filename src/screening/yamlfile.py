"""Safe YAML reading that remembers the line of every key and value.

Rule files are edited by hand, so the reader is strict where PyYAML is lenient: duplicate keys,
anchors and aliases (the "billion laughs" pattern), non-string keys and oversized files are errors,
and only ``true``/``false`` are booleans (YAML 1.1 reads the country code ``NO`` as false).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Problem

__all__ = ["MAX_BYTES", "Located", "YamlProblem", "parse_yaml", "read_yaml"]

MAX_BYTES = 2 * 1024 * 1024
"""Largest YAML file we read; anything bigger is not a hand-written rule or transaction file."""

Path_ = tuple[str | int, ...]


class YamlProblem(Exception):
    """Internal: carries one located problem out of the reader."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class Located:
    """A parsed document plus the line (1-based) of each key path in it."""

    data: Any
    file: str
    lines: dict[Path_, int] = field(default_factory=dict)

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


_YAML11 = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_Resolver.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in value if tag not in _YAML11]
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


class _Loader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    yaml.constructor.SafeConstructor,
    _Resolver,
):
    def __init__(self, stream: str, file: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        _Resolver.__init__(self)
        self.file = file

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(yaml.events.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise YamlProblem(
                Problem(
                    "YAML anchors and aliases are not allowed in this file "
                    f"(alias '*{event.anchor}')",
                    file=self.file,
                    line=event.start_mark.line + 1,
                )
            )
        event = self.peek_event()  # type: ignore[no-untyped-call]
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise YamlProblem(
                Problem(
                    f"YAML anchors and aliases are not allowed in this file (anchor '&{anchor}')",
                    file=self.file,
                    line=event.start_mark.line + 1,
                )
            )
        return super().compose_node(parent, index)


def _build(loader: _Loader, node: Node, path: Path_, lines: dict[Path_, int]) -> Any:
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
                first = lines[(*path, key)]
                raise YamlProblem(
                    Problem(
                        f"duplicate key '{key}' (first defined on line {first})",
                        file=loader.file,
                        line=line,
                        path=_dotted((*path, key)),
                    )
                )
            lines[(*path, key)] = line
            out[key] = _build(loader, value_node, (*path, key), lines)
        return out
    if isinstance(node, SequenceNode):
        return [_build(loader, child, (*path, i), lines) for i, child in enumerate(node.value)]
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


def parse_yaml(text: str, file: str) -> Located:
    """Parse one YAML document from ``text``; ``file`` names it in error messages.

    Raises `YamlProblem` on the first syntax error, duplicate key or alias.
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise YamlProblem(Problem(f"file is larger than {MAX_BYTES} bytes", file=file))
    if "\x00" in text:
        raise YamlProblem(Problem("not a text file (contains NUL bytes)", file=file, line=1))
    try:
        loader = _Loader(text, file)
    except yaml.reader.ReaderError as exc:  # control characters are refused up front
        at = text.count("\n", 0, exc.position) + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        message = f"character U+{char:04X} is not allowed in YAML text"
        raise YamlProblem(Problem(message, file=file, line=at)) from None
    try:
        node = loader.get_single_node()
        lines: dict[Path_, int] = {}
        data = None if node is None else _build(loader, node, (), lines)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = None if mark is None else mark.line + 1
        message = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise YamlProblem(Problem(f"YAML syntax error: {message}", file=file, line=line)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(Problem(f"YAML error: {exc}", file=file)) from None
    finally:
        loader.dispose()
    return Located(data, file, lines)


def read_yaml(path: Path, display: str | None = None) -> Located:
    """Read and parse one YAML file (UTF-8); ``display`` is the name used in messages."""
    name = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise YamlProblem(Problem(f"file is larger than {MAX_BYTES} bytes", file=name))
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlProblem(Problem(f"cannot read file: {exc.strerror}", file=name)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlProblem(
            Problem(
                f"not UTF-8 text (byte {exc.start})",
                file=name,
                line=raw[: exc.start].count(b"\n") + 1,
            )
        ) from None
    return parse_yaml(text, name)
