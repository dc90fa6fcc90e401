"""The historical ZTE scenarios as plain transaction dicts, for tests that need realistic input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from screening._io.yamlfile import read_yaml

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "zte"


def zte_transactions() -> list[dict[str, Any]]:
    """The transactions of the 21 ZTE scenarios (files named from 01 on), in file order."""
    paths = sorted(EXAMPLES.glob("[0-9]*.yaml"))
    return [read_yaml(p).data["transaction"] for p in paths]


def numbered(scenarios: list[dict[str, Any]], n: int, prefix: str = "tx") -> list[dict[str, Any]]:
    """n transactions cycling through the given scenarios, with unique ids."""
    return [{**scenarios[i % len(scenarios)], "id": f"{prefix}-{i:05d}"} for i in range(n)]
