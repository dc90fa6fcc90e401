"""Where a rule file is wrong: pydantic's validation errors as problems with file, line and key
path, said the way a rule author thinks of the value, with did-you-mean hints."""

from __future__ import annotations

import difflib
import re
from typing import Any

from pydantic import BaseModel, ValidationError

from .._io.yamlfile import Located
from ..errors import Problem
from ._schema import KINDS, MODELS

__all__ = ["dotted", "located_problems", "model_of", "suggest"]


def dotted(path: tuple[str | int, ...]) -> str | None:
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    return text or None


def model_of(kind: str) -> type[BaseModel]:
    """The schema model of a rule kind (KeyError for an unknown kind)."""
    return MODELS[kind]


def located_problems(
    exc: ValidationError,
    located: Located,
    base: tuple[str | int, ...],
    model: type[BaseModel],
    data: Any,
    rule_id: str | None,
    *,
    subject: str = "rule",
) -> list[Problem]:
    """A pydantic error as problems located in the file: the line of each offending key or
    value, the key path inside the rule (or test), and a message in plain words.

    ``base`` is where ``data`` sits in the file (``("rules", 3)``); ``model`` validated it.
    A misspelt required key is reported once, as the unknown key with a did-you-mean hint.
    """
    errors = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        # The discriminated union puts the kind's name in the location: drop it.
        if loc and loc[0] in KINDS and isinstance(data, dict) and data.get("kind") == loc[0]:
            loc = loc[1:]
        # Validators on constrained types add their own step ('function-after[...]'): drop it.
        loc = tuple(p for p in loc if not (isinstance(p, str) and "[" in p and "]" in p))
        errors.append((loc, error))
    hinted = set()
    messages = []
    for loc, error in errors:
        message = _message(error, model, loc)
        if error["type"] == "extra_forbidden":
            hint = re.search(r"\(did you mean '([^']+)'\?\)$", message)
            if hint is not None:
                hinted.add((*loc[:-1], hint.group(1)))
        messages.append(message)
    failing = [loc for loc, _ in errors]
    out = []
    for (loc, error), message in zip(errors, messages, strict=True):
        if error["type"] == "missing" and loc in hinted:
            continue  # said already: "unknown key 'citaton' (did you mean 'citation'?)"
        if error["type"] == "too_short" and any(f[: len(loc)] == loc and f != loc for f in failing):
            continue  # a list whose entries failed is not also "empty": say the entries' fault
        out.append(
            Problem(
                message,
                file=located.file,
                line=located.line_of((*base, *loc)),
                rule_id=rule_id,
                path=dotted(loc),
                subject=subject,
            )
        )
    return out


_KINDS_OF_TEXT = {
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be text",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
    "dict_type": "must be a mapping (key: value lines)",
    "model_type": "must be a mapping (key: value lines)",
    "model_attributes_type": "must be a mapping (key: value lines)",
    "decimal_type": "must be a number",
    "decimal_parsing": "must be a number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
}
"""pydantic's error types, said the way a rule author thinks of the value."""


def _message(error: Any, model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        return f"unknown key '{key}'{suggest(key, _keys_at(model, loc[:-1]))}"
    if kind == "missing":
        return "missing required key"
    if kind == "too_short":
        return "must not be empty"
    if kind == "string_too_short":
        return "must not be blank"
    if kind in _KINDS_OF_TEXT:
        message = _KINDS_OF_TEXT[kind]
        if kind == "string_type" and isinstance(value, int | float | bool):
            return f"{message} (got {value}; put it in quotes: '{value}')"
    else:
        message = str(error["msg"])
        message = message.removeprefix("Value error, ")
        if message.startswith("Input should be "):
            message = "must be " + message.removeprefix("Input should be ")
        if kind == "value_error":
            return message
    if value is not None and not isinstance(value, dict | list | tuple):
        message += f" (got {value!r})"
    return message


def _keys_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys a model accepts at a location, for did-you-mean hints."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = _field_by_key(current, part)
        if field is None:
            return []
        current = _inner_model(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or name for name, f in current.model_fields.items()]
    return []


def _field_by_key(model: type[BaseModel], key: str) -> Any:
    for name, field in model.model_fields.items():
        if (field.alias or name) == key:
            return field
    return None


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    origin = getattr(annotation, "__origin__", None)  # Annotated[X, ...] -> X
    if origin is not None and origin is not annotation:
        return _inner_model(origin)
    return None


def suggest(word: str, choices: list[str]) -> str:
    """A did-you-mean hint: a close spelling, or a known key inside a compound
    ('efective_from' -> 'from')."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not close:
        parts = word.replace("-", "_").split("_")
        close = [c for c in choices if c in parts][:1]
    return f" (did you mean '{close[0]}'?)" if close else ""
