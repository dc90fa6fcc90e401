"""`Stores`: the review store a service works with, one connection per thread.

A SQLite connection belongs to the thread that opened it, and a `Store` keeps a little state
between reading a transaction's dispositions and recording its screening; so each thread that
screens or reviews (the event loop's, the pool's) opens its own, once, and keeps it.
"""

from __future__ import annotations

import contextlib
import threading

from ..store import Store, open_store

__all__ = ["Stores"]


class Stores:
    """Per-thread `Store` connections to one URL; `check` opens one first, so that a store
    that cannot be used stops the service before it listens."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[Store] = []

    def check(self) -> None:
        """Open (and create or check the schema of) the store now; raises `StoreError`."""
        self.get()

    def get(self) -> Store:
        """This thread's connection, opened on first use."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.url)
            self._local.store = store
            with self._lock:
                self._opened.append(store)
        return store

    def close(self) -> None:
        """Close every connection opened (a SQLite one may refuse from another thread)."""
        with self._lock:
            opened, self._opened = self._opened, []
        for store in opened:
            with contextlib.suppress(Exception):
                store.close()
