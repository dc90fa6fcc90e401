"""OpenSanctions exports in FollowTheMoney JSON Lines (``entities.ftm.json``): one JSON object
a line, ``{"id", "schema", "properties": {name: [values]}, "datasets", "topics", ...}``.

Persons, organisations, companies, legal entities and vessels whose ``topics`` include
``sanction`` become entries; every other line (addresses, sanctions, ownership links, entities
that are only linked to a sanctioned one) is counted in a note, not read. Names come from
``name`` (the first is the entry's name), ``alias`` and ``previousName``; ``weakAlias`` becomes
a weak alias. The entry's programmes are its ``datasets`` (``un_sc_sanctions``, ``eu_fsf``, ...),
so a policy can give each source its own outcome.
"""

from __future__ import annotations

import json
from collections import Counter

from .countrynames import country_code
from .model import ListEntry
from .reading import Collector, Source, unique

__all__ = ["FTM_NAME", "looks_like_ftm", "parse_ftm"]

FTM_NAME = "OpenSanctions (FollowTheMoney entities)"
_SCHEMAS = {
    "Person": "Individual",
    "Organization": "Entity",
    "Company": "Entity",
    "LegalEntity": "Entity",
    "Vessel": "Vessel",
}
_IDENTIFIERS = (
    ("passportNumber", "Passport"),
    ("idNumber", "ID"),
    ("registrationNumber", "Registration"),
    ("taxNumber", "Tax number"),
    ("innCode", "INN"),
    ("ogrnCode", "OGRN"),
    ("leiCode", "LEI"),
    ("swiftBic", "SWIFT/BIC"),
    ("imoNumber", "IMO"),
    ("mmsi", "MMSI"),
)


def looks_like_ftm(first_line: str) -> bool:
    """True when a text's first line is a FollowTheMoney entity (an object with ``schema`` and
    ``properties``)."""
    line = first_line.strip()
    if not (line.startswith("{") and line.endswith("}")):
        return False
    try:
        value = json.loads(line)
    except ValueError:
        return False
    return isinstance(value, dict) and "schema" in value and "properties" in value


def _strings(value: object) -> list[str] | None:
    """A property's values (a list of strings), or None when it is something else."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    return [t for v in value if (t := " ".join(v.split()))]


def parse_ftm(
    source: Source, problems: Collector
) -> tuple[tuple[ListEntry, ...], int, tuple[str, ...]]:
    """Entries of an FtM JSON Lines file; returns (entries, lines read, notes)."""
    entries: list[ListEntry] = []
    skipped: Counter[str] = Counter()
    rows = 0
    for number, text in enumerate(source.text.split("\n"), start=1):
        if not text.strip():
            continue
        rows += 1
        try:
            value = json.loads(text)
        except ValueError as exc:
            problems.add(f"not a JSON object ({exc}): the file may be truncated", line=number)
            continue
        if not isinstance(value, dict) or not isinstance(value.get("properties"), dict):
            problems.add("not a FollowTheMoney entity (no 'properties' object)", line=number)
            continue
        schema = value.get("schema")
        topics = _strings(value.get("topics", [])) or []
        if schema not in _SCHEMAS:
            skipped[f"schema {schema}"] += 1
            continue
        if "sanction" not in topics:
            skipped[f"{schema} without the topic 'sanction'"] += 1
            continue
        entry = _entry(value, str(schema), number, problems)
        if entry is not None:
            entries.append(entry)
    notes = tuple(f"{n} lines not read: {what}" for what, n in sorted(skipped.items()))
    return tuple(entries), rows, notes


def _entry(
    value: dict[str, object], schema: str, line: int, problems: Collector
) -> ListEntry | None:
    entity_id = value.get("id")
    if not isinstance(entity_id, str) or not entity_id.strip():
        problems.add("an entity without an 'id'", line=line, path="id")
        return None
    raw = value["properties"]
    assert isinstance(raw, dict)
    props: dict[str, list[str]] = {}
    for key, values in raw.items():
        strings = _strings(values)
        if strings is None:
            problems.add(f"{entity_id}: not a list of strings", line=line, path=f"properties.{key}")
            return None
        props[str(key)] = strings
    names = props.get("name", [])
    if not names:
        problems.add(
            f"{entity_id}: no name (every entry has one)", line=line, path="properties.name"
        )
        return None
    datasets = _strings(value.get("datasets", [])) or []
    strong = [*names[1:], *props.get("alias", []), *props.get("previousName", [])]
    weak = props.get("weakAlias", [])
    countries = [country_code(c) for c in props.get("country", []) + props.get("jurisdiction", [])]
    nationalities = [
        country_code(c) for c in props.get("nationality", []) + props.get("citizenship", [])
    ]
    ids = [f"{label} {v}" for key, label in _IDENTIFIERS for v in props.get(key, [])]
    return ListEntry(
        id=entity_id.strip(),
        list="OS",
        list_name=FTM_NAME,
        name=names[0],
        aliases=unique([n for n in strong if n != names[0]]),
        weak_aliases=unique([n for n in weak if n != names[0] and n not in strong]),
        addresses=unique(props.get("address", [])),
        countries=unique([c for c in countries if c is not None]),
        nationalities=unique([c for c in nationalities if c is not None]),
        birth_dates=unique(props.get("birthDate", [])),
        identifiers=unique(ids),
        programs=unique(datasets),
        regime=f"{', '.join(datasets) or 'OpenSanctions'}, {entity_id.strip()}",
        type=_SCHEMAS[schema],
        remarks="; ".join(props.get("notes", [])) or None,
        row=str(line),
    )
