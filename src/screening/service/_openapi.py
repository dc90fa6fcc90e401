"""What the OpenAPI document adds to FastAPI's: the transaction schema (from the model, as
`screening rules schema` derives the rule schema), the decision record, error bodies and
examples."""

from __future__ import annotations

from typing import Any

from ..batch import BatchResult
from ..models import Transaction

__all__ = ["AS_OF", "ERROR", "RECORD", "TRANSACTION_EXAMPLES", "components"]

_REF = "#/components/schemas/{model}"

AS_OF: dict[str, Any] = {
    "name": "as_of",
    "in": "query",
    "required": False,
    "schema": {
        "anyOf": [{"type": "string", "format": "date"}, {"type": "null"}],
        "title": "As Of",
        "description": "evaluate the rules as of this date (YYYY-MM-DD)",
    },
    "description": "evaluate the rules as of this date (YYYY-MM-DD)",
}
"""``POST /v1/screen``'s query parameter, declared by hand: the route reads it itself (see
`_app._screen_request`), as FastAPI declared it when it parsed it."""

TRANSACTION_EXAMPLES: dict[str, dict[str, Any]] = {
    "iran-2012": {
        "summary": "Routers to Iran through Hong Kong, 2012 (block)",
        "value": {
            "id": "zte-2012-001",
            "date": "2012-06-15",
            "destination": "IR",
            "route": ["CN", "HK", "IR"],
            "parties": [
                {"role": "exporter", "name": "ZTE Corporation", "country": "CN"},
                {
                    "role": "intermediate_consignee",
                    "name": "Beijing 8-Star International Co.",
                    "country": "CN",
                },
                {
                    "role": "end_user",
                    "name": "Telecommunication Company of Iran",
                    "country": "IR",
                },
            ],
            "items": [
                {
                    "description": "core routers",
                    "eccn": "5A991",
                    "origin": "US",
                    "quantity": 20,
                    "unit_value": 25000,
                }
            ],
        },
    },
    "office-chairs": {
        "summary": "Office chairs to Germany (clear)",
        "value": {
            "id": "order-1001",
            "date": "2024-03-01",
            "destination": "DE",
            "parties": [
                {"role": "exporter", "name": "Acme Furniture Inc.", "country": "US"},
                {"role": "buyer", "name": "Müller Büromöbel GmbH", "country": "DE"},
            ],
            "items": [
                {"description": "office chairs", "eccn": "EAR99", "origin": "US", "quantity": 40}
            ],
        },
    },
}

ERROR: dict[str, Any] = {
    "type": "object",
    "description": "Why a request was refused. `message` is what the command line says.",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string", "description": "What kind of refusal, e.g. 'invalid JSON'."},
        "message": {"type": "string"},
        "problems": {
            "type": "array",
            "description": "Each field at fault, with its path (e.g. items[1].unit_value).",
            "items": {
                "type": "object",
                "required": ["path", "message"],
                "properties": {
                    "path": {"type": ["string", "null"]},
                    "message": {"type": "string"},
                },
            },
        },
    },
}

_HIT: dict[str, Any] = {
    "type": "object",
    "required": ["rule_id", "kind", "outcome", "citation", "message", "source", "score_bp"],
    "properties": {
        "rule_id": {"type": "string"},
        "kind": {"type": "string"},
        "outcome": {"enum": ["block", "review", "clear"]},
        "citation": {"type": "string"},
        "message": {"type": "string"},
        "source": {"type": "string", "description": "rule file and line, e.g. listings.yaml:8"},
        "score_bp": {"type": ["integer", "null"], "description": "name score in basis points"},
        "field": {"type": ["string", "null"]},
        "party": {"type": ["string", "null"]},
        "list_entry": {"type": ["string", "null"]},
        "list_version": {"type": ["string", "null"]},
    },
}

RECORD: dict[str, Any] = {
    "type": "object",
    "description": (
        "The canonical decision record (one line of canonical JSON, as `screening screen "
        "--json` prints and `screening audit verify` checks)."
    ),
    "required": [
        "as_of",
        "hits",
        "input_hash",
        "items",
        "library_version",
        "lists",
        "outcome",
        "record_format",
        "ruleset",
        "ruleset_files",
        "ruleset_fingerprint",
        "ruleset_version",
        "transaction",
        "transaction_id",
    ],
    "properties": {
        "as_of": {"type": "string", "format": "date"},
        "hits": {"type": "array", "items": _HIT},
        "input_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "items": {"type": "array", "items": {"type": "object"}},
        "library_version": {"type": "string"},
        "lists": {"type": "array", "items": {"type": "object"}},
        "outcome": {"enum": ["block", "review", "clear"]},
        "record_format": {"type": "integer"},
        "ruleset": {"type": "string"},
        "ruleset_files": {"type": "object", "additionalProperties": {"type": "string"}},
        "ruleset_fingerprint": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "ruleset_version": {"type": "string"},
        "transaction": {"$ref": "#/components/schemas/Transaction"},
        "transaction_id": {"type": "string"},
    },
}


def components() -> dict[str, Any]:
    """The schemas the service's operations refer to, for ``components.schemas``."""
    tx = Transaction.model_json_schema(ref_template=_REF)
    result = BatchResult.model_json_schema(ref_template=_REF, mode="serialization")
    schemas: dict[str, Any] = {**tx.pop("$defs", {}), **result.pop("$defs", {})}
    schemas["Transaction"] = tx
    schemas["BatchResult"] = result
    schemas["DecisionRecord"] = RECORD
    schemas["Error"] = ERROR
    return schemas
