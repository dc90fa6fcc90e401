"""The store tests run against both engines: SQLite always, PostgreSQL when
SCREENING_TEST_POSTGRES names a server (.ci/run starts one and sets it)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from screening.rules import RuleSet, load_rules

PG = os.environ.get("SCREENING_TEST_POSTGRES")


def _fresh_pg_url() -> str:
    """A new empty database on the test server, so tests never share state."""
    import psycopg

    name = "st_" + uuid.uuid4().hex[:12]
    with psycopg.connect(PG, autocommit=True) as conn:  # type: ignore[arg-type]
        conn.execute(f"CREATE DATABASE {name}")  # type: ignore[arg-type]
    base, _, _ = PG.rpartition("/")  # type: ignore[union-attr]
    return f"{base}/{name}"


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(
                PG is None, reason="SCREENING_TEST_POSTGRES not set: no PostgreSQL server here"
            ),
        ),
    ]
)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty store URL on each engine."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'screening.db'}"
    else:
        yield _fresh_pg_url()


@pytest.fixture(scope="session")
def bundled() -> RuleSet:
    return load_rules()
