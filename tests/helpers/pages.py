"""Comparing HTML pages by what a reader gets, not by their bytes.

`outline` reads a well-formed (XHTML-compatible) page into its elements in document order: tag,
attributes with numbers to a tenth, and text with runs of whitespace folded (except inside
``pre``, where whitespace shows). Two pages with the same outline show the same text in the same
structure, whatever their line breaks, entity spellings (``&#39;`` or ``&#x27;``) and number
formats (``94`` or ``94.0``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")

Node = tuple[int, str, tuple[tuple[str, str], ...], str, str]
"""(depth, tag, attributes, text, tail) of one element."""


def outline(html: str) -> list[Node]:
    """The page's elements in document order, as (depth, tag, attributes, text, tail)."""
    out: list[Node] = []
    _walk(ET.fromstring(html), 0, out, pre=False)
    return out


def visible_text(html: str) -> str:
    """All the text of the page's body, whitespace folded: what a reader reads."""
    body = ET.fromstring(html).find("{http://www.w3.org/1999/xhtml}body")
    assert body is not None
    return " ".join("".join(body.itertext()).split())


def _walk(element: ET.Element, depth: int, out: list[Node], *, pre: bool) -> None:
    tag = element.tag.rpartition("}")[2]
    inside = pre or tag == "pre"
    attrs = tuple(sorted((k, _numbers(v)) for k, v in element.attrib.items()))
    out.append((depth, tag, attrs, _text(element.text, inside), _text(element.tail, pre)))
    for child in element:
        _walk(child, depth + 1, out, pre=inside)


def _text(text: str | None, pre: bool) -> str:
    if text is None:
        return ""
    return text if pre else " ".join(text.split())


def _numbers(value: str) -> str:
    return _NUMBER.sub(lambda m: f"{float(m.group()):.1f}", value)
