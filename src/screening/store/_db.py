"""One small database interface over SQLite (stdlib ``sqlite3``) and PostgreSQL (psycopg 3):
statements written once with ``?`` placeholders, a write transaction that serialises writers,
and nothing else. Chosen over SQLAlchemy Core: the store needs a dozen plain statements, and
two thin adapters are less to learn, install and keep working than an ORM toolkit."""

from __future__ import annotations

import mmap
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import StoreError

__all__ = ["Database", "connect"]

Row = tuple[Any, ...]


class Database:
    """A connection to a SQLite file or a PostgreSQL database, with the same methods."""

    dialect: str = ""

    def __init__(self, url: str) -> None:
        self.url = url

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run one statement and return its rows (none for a statement without)."""
        raise NotImplementedError

    def has_table(self, name: str) -> bool:
        """Whether the database holds a table of that name."""
        raise NotImplementedError

    def version(self) -> object | None:
        """A cheap token that changes whenever the database may have changed since the last
        call (a commit by any connection, this one's included), or None when the engine has
        none: then nothing read may be kept."""
        return None

    def write(self) -> Any:
        """A context manager: one write transaction, exclusive among writers, all or nothing."""
        raise NotImplementedError

    def close(self) -> None:
        """Close the connection."""
        raise NotImplementedError


class _Sqlite(Database):
    dialect = "sqlite"

    def __init__(self, url: str, path: str) -> None:
        super().__init__(url)
        if path != ":memory:" and not Path(path).parent.is_dir():
            raise StoreError(f"{url}: no such directory {Path(path).parent}")
        try:
            self._conn = sqlite3.connect(path, isolation_level=None, timeout=30.0)
            # WAL: readers never wait for the writer; NORMAL sync is crash-safe in WAL mode
            # (a killed process loses nothing committed; only power loss may lose the last).
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error as exc:
            raise StoreError(f"{url}: cannot open the store ({exc})") from None
        self._changes = 0
        """Statements other than reads run on this connection (data_version ignores them)."""
        self._header = _WalHeader.open(self._conn, path)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        if sql[:6].upper() != "SELECT":
            self._changes += 1
        try:
            return list(self._conn.execute(sql, tuple(params)).fetchall())
        except sqlite3.Error as exc:
            raise StoreError(f"{self.url}: {exc}") from exc

    def version(self) -> object | None:
        # Another connection's commit changes the WAL-index header (read with no system call)
        # and data_version; this one's own statements are counted in _changes.
        if self._header is not None:
            head = self._header.read()
            if head is not None:
                return (head, self._changes)
        try:
            return (self._conn.execute("PRAGMA data_version").fetchone()[0], self._changes)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.url}: {exc}") from exc

    def has_table(self, name: str) -> bool:
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
        return bool(self.query(sql, (name,)))

    @contextmanager
    def write(self) -> Iterator[Database]:
        self._changes += 1
        try:
            self._conn.execute("BEGIN IMMEDIATE")  # takes the write lock now: writers queue
        except sqlite3.Error as exc:
            raise StoreError(f"{self.url}: cannot start a write ({exc})") from None
        try:
            yield self
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        finally:
            self._changes += 1
        self._conn.execute("COMMIT")

    def close(self) -> None:
        if self._header is not None:
            self._header.close()
        self._conn.close()


class _WalHeader:
    """The WAL-index header of an open SQLite database in WAL mode, read from the ``-shm``
    file mapped into memory: a change check without a system call.

    ``PRAGMA data_version`` costs a read transaction (two ``fcntl`` locks): a few
    microseconds alone, several times that between two screenings, whose caches it cools.
    SQLite itself learns of other connections' commits the same way: every commit rewrites
    this header (https://www.sqlite.org/walformat.html, "The WAL-Index Header": two 48-byte
    copies at the start of the ``-shm`` file, the change counter ``iChange`` incremented by
    each commit, written copy 2 first, then copy 1). The copies differing means a commit is
    being written: `read` then answers None and the caller asks SQLite instead. The file
    stays the same while this connection is open (SQLite deletes it only when its last
    connection closes), and leaving WAL mode needs every other connection closed."""

    _SIZE = 48

    def __init__(self, view: mmap.mmap) -> None:
        self._view = view

    @classmethod
    def open(cls, conn: sqlite3.Connection, path: str) -> _WalHeader | None:
        """Map the header of ``path``'s ``-shm`` file, or None (not WAL, in memory, no file
        or too short: `Database.version` then asks ``PRAGMA data_version`` every time)."""
        if path == ":memory:" or path.startswith("file:"):
            return None
        try:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            conn.execute("PRAGMA data_version").fetchone()  # a read: SQLite sets up the file
            if str(mode).lower() != "wal":
                return None
            # SQLite keeps the file beside the database a symbolic link points to: a "-shm"
            # left beside the link would never change, and a stale check would be believed.
            fd = os.open(os.path.realpath(path) + "-shm", os.O_RDONLY)
        except (sqlite3.Error, OSError):
            return None
        try:
            if os.fstat(fd).st_size < 2 * cls._SIZE:
                return None
            return cls(mmap.mmap(fd, 2 * cls._SIZE, access=mmap.ACCESS_READ))
        except (OSError, ValueError):
            return None
        finally:
            os.close(fd)

    def read(self) -> bytes | None:
        """The header as it stands, or None while a commit is rewriting it."""
        first = self._view[: self._SIZE]
        second = self._view[self._SIZE : 2 * self._SIZE]
        return first if first == second and first[12] == 1 else None

    def close(self) -> None:
        """Unmap the file."""
        self._view.close()


class _Postgres(Database):
    dialect = "postgresql"

    def __init__(self, url: str) -> None:
        super().__init__(url)
        try:
            import psycopg
        except ImportError:  # pragma: no cover - psycopg is a dependency
            raise StoreError(
                "PostgreSQL stores need psycopg: pip install 'psycopg[binary]'"
            ) from None
        self._errors = psycopg.Error
        try:
            self._conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(f"{_redact(url)}: cannot connect ({exc})".strip()) from None

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        try:
            cur = self._conn.execute(sql.replace("?", "%s"), tuple(params))
            return list(cur.fetchall()) if cur.description is not None else []
        except self._errors as exc:
            raise StoreError(f"{_redact(self.url)}: {exc}") from exc

    def has_table(self, name: str) -> bool:
        return self.query("SELECT to_regclass(?)", (name,))[0][0] is not None

    @contextmanager
    def write(self) -> Iterator[Database]:
        with self._conn.transaction():
            # One writer at a time, as SQLite's BEGIN IMMEDIATE: the event chain stays a chain.
            self._conn.execute("SELECT pg_advisory_xact_lock(14014014)")
            yield self

    def close(self) -> None:
        self._conn.close()


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


def connect(url: str) -> Database:
    """Open ``sqlite:///path/file.db`` (or ``sqlite:///:memory:``) or ``postgresql://...``.

    Raises `StoreError` naming the URL for any other scheme or an unusable database."""
    if not isinstance(url, str) or not url.strip():
        raise StoreError("no store given: pass --store URL or set SCREENING_STORE")
    if url.startswith("sqlite:///"):
        return _Sqlite(url, url.removeprefix("sqlite:///") or ":memory:")
    if url.startswith(("postgresql://", "postgres://")):
        return _Postgres(url)
    raise StoreError(
        f"{_redact(url)}: unknown store URL (expected sqlite:///path/file.db or postgresql://...)"
    )
