"""Data files named under ``data:`` in a rule file: the Country Chart (CSV) and the CCL (YAML).

Each row becomes a rule (a ``country_chart`` row or a ``classification``), presented to the
loader as a rule file of its own, so it is validated against the same schema, reported at its
own line, and its bytes are part of the rule set's fingerprint. Why data files and not rule
files: the chart is a table of some 200 rows by 16 columns, which a team checks cell by cell
against the published chart; a CSV keeps that diff readable.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._io.yamlfile import Located, read_yaml
from ..errors import Problem, YamlProblem

__all__ = ["CHART_COLUMNS", "DataFile", "read_data_file"]

CHART_COLUMNS: tuple[str, ...] = (
    "CB1", "CB2", "CB3", "NP1", "NP2", "NS1", "NS2", "MT1",
    "RS1", "RS2", "FC1", "CC1", "CC2", "CC3", "AT1", "AT2",
)  # fmt: skip
"""The columns of Supp. No. 1 to 15 CFR part 738, in the chart's order."""

_CSV_FIELDS = ("country", "from", "to", *CHART_COLUMNS, "verified", "verified_columns", "note")
_YAML_KEYS = {"about", "source", "revision", "entries"}


@dataclass(frozen=True, slots=True)
class DataFile:
    """A data file read as a rule file: its rows as ``rules`` (with lines) and its bytes."""

    located: Located
    raw: bytes


def read_data_file(path: Path, display: str, problems: list[Problem]) -> DataFile | None:
    """Read one data file into rule dicts; what is wrong is added to ``problems``."""
    try:
        raw = path.read_bytes().replace(b"\r\n", b"\n")
    except OSError as exc:
        problems.append(Problem(f"cannot read this data file ({exc.strerror})", file=display))
        return None
    if path.suffix.lower() == ".csv":
        located = _chart_csv(raw, display, problems)
    elif path.suffix.lower() in (".yaml", ".yml"):
        located = _ccl_yaml(path, display, problems)
    else:
        problems.append(
            Problem("a data file is a .csv (Country Chart) or .yaml (CCL)", file=display)
        )
        return None
    return None if located is None else DataFile(located, raw)


def _meta(lines: list[str], display: str, problems: list[Problem]) -> dict[str, str]:
    meta: dict[str, str] = {}
    for line in lines:
        key, _, value = line.lstrip("#").partition(":")
        if value.strip():
            meta[key.strip()] = value.strip()
    for key in ("source", "revision"):
        if key not in meta:
            problems.append(
                Problem(f"missing '# {key}: ...' line at the top of the chart", file=display)
            )
    return meta


def _chart_csv(raw: bytes, display: str, problems: list[Problem]) -> Located | None:
    """Country Chart rows: ``# source:`` / ``# revision:`` lines, then one row per country
    and window with an ``X`` in each marked column."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(f"not UTF-8 text ({exc.reason})", file=display))
        return None
    lines = text.split("\n")
    head = [line for line in lines if line.startswith("#")]
    meta = _meta(head, display, problems)
    skip = len(head)
    reader = csv.DictReader(io.StringIO("\n".join(lines[skip:])))
    if tuple(reader.fieldnames or ()) != _CSV_FIELDS:
        problems.append(
            Problem(f"the header row must be: {','.join(_CSV_FIELDS)}", file=display, line=skip + 1)
        )
        return None
    citation = f"{meta.get('source', '?')} (revision of {meta.get('revision', '?')})"
    rules: list[dict[str, Any]] = []
    where: dict[tuple[str | int, ...], int] = {}
    for i, row in enumerate(reader):
        line = skip + 2 + i
        bad = [c for c in CHART_COLUMNS if (row[c] or "").strip() not in ("", "X")]
        for column in bad:
            problems.append(
                Problem(
                    f"cell '{row[column]}' in column {column}: write X or leave it blank",
                    file=display,
                    line=line,
                    path=column,
                )
            )
        country = (row["country"] or "").strip()
        rule: dict[str, Any] = {
            "id": f"chart-{country.lower()}-{(row['from'] or 'start').strip()}",
            "kind": "country_chart",
            "country": country,
            "marked": [c for c in CHART_COLUMNS if (row[c] or "").strip() == "X"],
            "verified": {"true": True, "false": False}.get(
                (row["verified"] or "").strip(), row["verified"]
            ),
            "verified_columns": (row["verified_columns"] or "").split(),
            "citation": citation,
        }
        for key in ("from", "to", "note"):
            if (row[key] or "").strip():
                rule[key] = row[key].strip()
        rules.append(rule)
        where[("rules", i)] = line
        for key in rule:
            where[("rules", i, key)] = line
    return Located(data={"rules": rules}, file=display, lines=where)


def _ccl_yaml(path: Path, display: str, problems: list[Problem]) -> Located | None:
    """CCL entries: ``source``, ``revision`` and ``entries`` (each an ECCN with its reasons,
    chart columns and licence exceptions), read as ``classification`` rules."""
    try:
        located = read_yaml(path, display)
    except YamlProblem as exc:
        problems.append(exc.problem)
        return None
    data = located.data
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        problems.append(Problem("expected a mapping with an 'entries:' list", file=display, line=1))
        return None
    missing = [k for k in ("source", "revision") if k not in data]
    for key in sorted(set(data) - _YAML_KEYS) + missing:
        problems.append(
            Problem(
                f"unknown key '{key}'" if key in data else f"missing '{key}'",
                file=display,
                line=located.line_of((key,)) or 1,
                path=key,
            )
        )
    citation = f"{data.get('source', '?')} (revision of {data.get('revision', '?')})"
    rules: list[Any] = []
    for entry in data["entries"]:
        if isinstance(entry, dict):
            eccn = str(entry.get("eccn", "?"))
            entry = {"id": f"ccl-{eccn.lower()}", "kind": "classification", **entry}
            entry.setdefault("citation", citation)
        rules.append(entry)
    lines = {
        ("rules", *key[1:]): line for key, line in located.lines.items() if key[:1] == ("entries",)
    }
    return Located(data={"rules": rules}, file=display, lines=lines)
