"""Reading list XML safely, with the line every element starts on.

Parsing goes through defusedxml: a DTD, entity declarations and external references are refused
(no "billion laughs", no file or network reads), and the text is already capped at `MAX_BYTES`
by `read_source`. Elements are nested at most `MAX_DEPTH` deep. Every element's start line is
kept, so an entry's problems and hits cite ``file:line``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from ..errors import ListError, Problem
from .reading import Source

__all__ = ["MAX_DEPTH", "XmlDoc", "local", "parse_xml", "root_name"]

MAX_DEPTH = 64
"""Deepest element nesting accepted; the official lists nest five or six deep."""

_PROLOG = re.compile(
    r"\s*(?:<\?[^>]*\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)*"
    r"<([A-Za-z_][\w.:-]*)",
    re.DOTALL,
)


def root_name(text: str) -> str | None:
    """The local name of the root element of an XML text (``export``, ``CONSOLIDATED_LIST``),
    read without parsing; None when the text does not begin like XML."""
    found = _PROLOG.match(text[:4096])
    if found is None:
        return None
    return found.group(1).rpartition(":")[2]


def local(tag: str) -> str:
    """An element's name without its namespace: ``export`` for ``{http://...}export``."""
    return tag.rpartition("}")[2]


class _Builder(TreeBuilder):
    """A tree builder that notes the line each element starts on, and refuses deep nesting."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[Element, int] = {}
        self.depth = 0
        self.line: Callable[[], int] = lambda: 0
        """The parser's current line; set once the parser exists."""

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeep(self.line())
        element = super().start(tag, attrs)
        self.lines[element] = self.line()
        return element

    def end(self, tag: str) -> Element:
        self.depth -= 1
        return super().end(tag)


class _TooDeep(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class XmlDoc:
    """A parsed XML list: its root element and the start line of every element."""

    def __init__(self, root: Element, lines: dict[Element, int]) -> None:
        self.root = root
        self._lines = lines

    def line(self, element: Element) -> int:
        """The line ``element`` starts on (1-based)."""
        return self._lines.get(element, 0)


def parse_xml(source: Source) -> XmlDoc:
    """Parse a list's XML text; raises `ListError` at the line of the first problem (malformed
    or truncated XML, a DTD or entity declaration, nesting deeper than `MAX_DEPTH`)."""
    builder = _Builder()
    parser = DefusedXMLParser(
        target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    expat = parser.parser
    builder.line = lambda: int(expat.CurrentLineNumber)
    try:
        parser.feed(source.text)
        root = parser.close()
    except ParseError as exc:
        line, column = exc.position
        message = str(exc).split(":", 1)[0]
        raise ListError(
            [
                Problem(
                    f"malformed XML ({message}, column {column + 1}): the file may be "
                    "truncated or corrupt",
                    file=source.display,
                    line=line,
                )
            ]
        ) from None
    except DefusedXmlException as exc:
        raise ListError(
            [
                Problem(
                    f"XML with a DTD or entity declaration is refused ({type(exc).__name__})",
                    file=source.display,
                    line=int(expat.CurrentLineNumber) or None,
                )
            ]
        ) from None
    except _TooDeep as exc:
        raise ListError(
            [
                Problem(
                    f"XML nested deeper than {MAX_DEPTH} elements",
                    file=source.display,
                    line=exc.line,
                )
            ]
        ) from None
    return XmlDoc(root, builder.lines)
