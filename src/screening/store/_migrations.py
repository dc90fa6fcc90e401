"""Versioned schema migrations: each one a list of statements run in one transaction (all or
nothing, on both engines); the version is kept in ``meta``. A store newer than this program
knows is refused rather than misread."""

from __future__ import annotations

from ..errors import StoreError
from ._db import Database

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "schema_version", "upgrade"]

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 1: cases, dispositions, the hash-chained event log, watched counterparties
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE cases (id TEXT PRIMARY KEY, transaction_id TEXT NOT NULL UNIQUE,"
        " status TEXT NOT NULL, outcome TEXT NOT NULL, version INTEGER NOT NULL,"
        " opened_at TEXT NOT NULL, updated_at TEXT NOT NULL, hits TEXT NOT NULL,"
        " tx TEXT NOT NULL)",
        "CREATE INDEX cases_status ON cases (status)",
        "CREATE TABLE dispositions (id TEXT PRIMARY KEY, party_name TEXT NOT NULL,"
        " transaction_id TEXT, rule_id TEXT NOT NULL, list_entry TEXT NOT NULL,"
        " body TEXT NOT NULL)",
        "CREATE INDEX dispositions_party ON dispositions (party_name)",
        "CREATE INDEX dispositions_tx ON dispositions (transaction_id)",
        "CREATE TABLE events (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL,"
        " subject TEXT NOT NULL, body TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL)",
        "CREATE TABLE watched (key TEXT PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL,"
        " role TEXT NOT NULL, transaction_id TEXT, added_at TEXT NOT NULL)",
    ),
    (  # 2: a watched counterparty keeps its aliases (a JSON array), re-screened with its name
        "ALTER TABLE watched ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]'",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
"""The schema version this program writes and reads."""


def schema_version(db: Database) -> int:
    """The store's schema version: 0 for an empty database."""
    if not db.has_table("meta"):
        return 0
    rows = db.query("SELECT value FROM meta WHERE key = 'schema_version'")
    return int(rows[0][0]) if rows else 0


def upgrade(db: Database) -> tuple[int, int]:
    """Apply the migrations the store lacks, each all or nothing; returns (from, to)."""
    with db.write():
        before = schema_version(db)
        if before > SCHEMA_VERSION:
            raise StoreError(
                f"{db.url}: the store's schema is version {before}, newer than this program "
                f"knows ({SCHEMA_VERSION}): upgrade screening"
            )
        for version in range(before + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[version - 1]:
                db.query(statement)
            if version == 1:
                db.query("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", ("1",))
            else:
                db.query("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    return before, SCHEMA_VERSION
