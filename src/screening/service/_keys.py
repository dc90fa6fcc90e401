"""API keys: random keys handed to callers, kept at rest only as their sha256, with scopes.

A key is 32 random bytes (``scr_`` + URL-safe base64). Such a key cannot be guessed, so one
sha256 of it is as good at rest as a slow password hash (scrypt, bcrypt), which exists to
protect low-entropy passwords; and it costs a microsecond per request instead of the tens of
milliseconds a slow hash would add to every screening. Keys are looked up by their hash, so a
comparison never runs over the secret itself.

The keys file (``--keys FILE``) and the ``SCREENING_API_KEYS`` variable hold one key a line::

    # principal      scopes         hash
    orders-system    screen         sha256:3f0c...
    ops              screen,admin   sha256:9a1e...

``screening serve --new-key PRINCIPAL:SCOPES`` makes a key and prints its line.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ..errors import KeysError

__all__ = ["SCOPES", "ApiKeys", "Principal", "hash_key", "new_key", "parse_keys"]

SCOPES = ("admin", "review", "screen")
"""``screen``: screening, search and the rule set; ``review``: the review desk (its cases and
dispositions, over HTTP and on the reviewer's page); ``admin``: reloading the rules and the
metrics."""

_HASH = re.compile(r"sha256:([0-9a-f]{64})")


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a key belongs to and what it may do."""

    name: str
    scopes: frozenset[str]


def hash_key(key: str) -> str:
    """The form a key is kept in at rest: ``sha256:`` and the hex digest of its UTF-8 bytes."""
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key(principal: str, scopes: Iterable[str]) -> tuple[str, str]:
    """A fresh random key and its keys-file line (the key is shown once; keep only the line)."""
    wanted = sorted(set(scopes))
    _check_principal(principal, "new key")
    _check_scopes(wanted, "new key")
    key = "scr_" + secrets.token_urlsafe(32)
    return key, f"{principal} {','.join(wanted)} {hash_key(key)}"


class ApiKeys:
    """The keys a service accepts, by hash. Immutable."""

    def __init__(self, entries: Mapping[str, Principal]) -> None:
        self._by_hash: Mapping[str, Principal] = MappingProxyType(dict(entries))

    def __len__(self) -> int:
        return len(self._by_hash)

    def __or__(self, other: ApiKeys) -> ApiKeys:
        return ApiKeys({**self._by_hash, **other._by_hash})

    def principal(self, key: str) -> Principal | None:
        """The principal of a presented key, or None when it is not one of ours."""
        return self._by_hash.get(hash_key(key))

    def by_hash(self, digest: str) -> Principal | None:
        """The principal of a key known by its hash (a reviewer's session keeps only that, so
        a key taken out of the keys ends its sessions too), or None."""
        return self._by_hash.get(digest)


def parse_keys(text: str, where: str) -> ApiKeys:
    """Read keys lines (``PRINCIPAL SCOPES sha256:HEX``; ``#`` comments, blank lines and, for
    the variable, ``;`` between entries). Raises `KeysError` naming ``where`` and the line."""
    entries: dict[str, Principal] = {}
    names: set[str] = set()
    for number, raw in enumerate(text.replace(";", "\n").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        at = f"{where}:{number}"
        parts = line.split()
        if len(parts) != 3:
            raise KeysError(f"{at}: expected 'PRINCIPAL SCOPES sha256:HEX', got {len(parts)} words")
        name, scopes_text, digest = parts
        _check_principal(name, at)
        scopes = scopes_text.split(",")
        _check_scopes(scopes, at)
        if not _HASH.fullmatch(digest):
            raise KeysError(
                f"{at}: the key must be given as its hash, 'sha256:' and 64 hex digits "
                "(never the key itself)"
            )
        if digest in entries:
            raise KeysError(f"{at}: the same key hash is given twice")
        if name in names:
            raise KeysError(f"{at}: principal '{name}' has two keys; give each key its own name")
        names.add(name)
        entries[digest] = Principal(name, frozenset(scopes))
    return ApiKeys(entries)


def _check_principal(name: str, at: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}", name):
        raise KeysError(
            f"{at}: principal '{name}' must be 1-64 letters, digits, '.', '_', '@' or '-'"
        )


def _check_scopes(scopes: Iterable[str], at: str) -> None:
    scopes = list(scopes)
    if not scopes:
        raise KeysError(f"{at}: a key needs at least one scope ({', '.join(SCOPES)})")
    for scope in scopes:
        if scope not in SCOPES:
            raise KeysError(f"{at}: unknown scope '{scope}' (expected {', '.join(SCOPES)})")
