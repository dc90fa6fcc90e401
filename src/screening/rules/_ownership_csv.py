"""The ownership file from CSV: a team keeps who-owns-whom as a spreadsheet and imports it as
``ownership`` rules (``rules/ownership.yaml``), every bad row refused with its line.

Columns (header row, any order, names ignoring case): ``owner``, ``owned``, ``share`` (percent),
``source`` (where it was read: becomes the citation), and optionally ``from`` / ``to``
(YYYY-MM-DD, inclusive), ``owner_country`` (two letters) and ``note``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re

from pydantic import ValidationError

from ..errors import Problem, RuleError
from ._locate import _message
from ._schema import Ownership

__all__ = ["OWNERSHIP_COLUMNS", "ownership_from_csv", "ownership_yaml"]

OWNERSHIP_COLUMNS = ("owner", "owned", "share", "source", "from", "to", "owner_country", "note")
"""The CSV's columns; the first four are required."""

_REQUIRED = OWNERSHIP_COLUMNS[:4]


def _slug(text: str, size: int) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:size].strip("-") or "x"


def _line_id(row: dict[str, str]) -> str:
    """A stable id from the row's owned, owner and start: the same row imports to the same id."""
    key = "\x1f".join((row["owned"].casefold(), row["owner"].casefold(), row.get("from") or ""))
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    return f"own-{_slug(row['owned'], 30)}-{_slug(row['owner'], 30)}-{digest}"


def ownership_from_csv(text: str, *, file: str) -> tuple[Ownership, ...]:
    """The ``ownership`` rules a CSV text describes; `RuleError` listing every bad row (with
    its line in ``file``) and any missing or unknown column."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(name or "").strip().casefold() for name in reader.fieldnames or []]
    problems: list[Problem] = []
    missing = [c for c in _REQUIRED if c not in header]
    unknown = [c for c in header if c not in OWNERSHIP_COLUMNS]
    if missing or unknown:
        what = []
        if missing:
            what.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            what.append(f"unknown column(s) {', '.join(unknown)}")
        raise RuleError(
            [
                Problem(
                    f"{'; '.join(what)} (columns: {', '.join(OWNERSHIP_COLUMNS)}; the first "
                    "four are required)",
                    file=file,
                    line=1,
                )
            ]
        )
    lines: list[Ownership] = []
    seen: dict[str, int] = {}
    for raw in reader:
        line = reader.line_num
        row = {
            (k or "").strip().casefold(): (v or "").strip() for k, v in raw.items() if k is not None
        }
        if None in raw:
            problems.append(Problem("more cells than columns", file=file, line=line))
            continue
        if not any(row.values()):
            continue
        data: dict[str, object] = {
            "id": _line_id(row),
            "kind": "ownership",
            "owned": row["owned"],
            "owner": row["owner"],
            "share": row["share"],
            "citation": row["source"],
        }
        for column, key in (("from", "from"), ("to", "to"), ("owner_country", "owner_country")):
            if row.get(column):
                data[key] = row[column]
        if row.get("note"):
            data["note"] = row["note"]
        try:
            ownership = Ownership.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                where = ".".join(str(p) for p in error["loc"])
                column = {"citation": "source"}.get(where, where)
                message = _message(error, Ownership, tuple(error["loc"]))
                problems.append(Problem(f"{column}: {message}", file=file, line=line))
            continue
        if ownership.id in seen:
            problems.append(
                Problem(
                    f"the same owner, owned and 'from' as line {seen[ownership.id]}: one row "
                    "per owner and period",
                    file=file,
                    line=line,
                )
            )
            continue
        seen[ownership.id] = line
        lines.append(ownership)
    if problems:
        raise RuleError(problems)
    return tuple(lines)


def ownership_yaml(lines: tuple[Ownership, ...], *, about: str) -> str:
    """A rule file of ``ownership`` rules, as YAML text (strings quoted as JSON, which YAML
    reads as double-quoted scalars)."""
    out = [
        "# yaml-language-server: $schema=rules.schema.json",
        f"about: {json.dumps(about, ensure_ascii=False)}",
        "",
        "rules:" + ("" if lines else " []"),
    ]
    order = ("id", "kind", "owned", "owner", "owner_country", "share", "from", "to", "citation")
    for line in lines:
        fields = line.model_dump(mode="json", by_alias=True, exclude_defaults=True)
        fields["share"] = str(line.share)  # a number in YAML, as written in the CSV
        keys = [k for k in order if k in fields] + [k for k in fields if k not in order]
        for n, key in enumerate(keys):
            value = fields[key] if key == "share" else json.dumps(fields[key], ensure_ascii=False)
            out.append(f"  {'- ' if n == 0 else '  '}{key}: {value}")
    return "\n".join(out) + "\n"
