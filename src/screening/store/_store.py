"""The review store: cases opened by screening, reviewers' dispositions, approvals, watched
counterparties, and an append-only, hash-chained log of every change to them.

The tables ``cases``, ``dispositions`` and ``watched`` hold the current state; ``events`` holds
the history, each event carrying the hash of the one before, so `Store.verify` finds an edited,
deleted or reordered event. Every change is one write transaction: a killed process leaves the
store as it was before the change or after it, never between."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from .._io.canonical import canonical_json
from ..audit import transaction_hash
from ..engine import disposable, entry_of, hit_id, party_key, party_of
from ..errors import ConflictError, StoreError
from ..models import LIMITS, Decision, Disposition, Finding, Outcome, Party, Transaction
from ..rules import RuleSet
from ._db import Database, connect
from ._migrations import SCHEMA_VERSION, schema_version, upgrade

__all__ = ["Case", "CaseHit", "Event", "Store", "open_store"]

_GENESIS = "0" * 64


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CaseHit(_Frozen):
    """One hit of a case as the reviewer sees it, with what a disposition would be keyed to."""

    hit_id: str
    rule_id: str
    kind: str
    outcome: Outcome
    message: str
    party: str | None = None
    field: str | None = None
    listed_name: str | None = None
    list_entry: str | None = None
    score: float | None = None
    disposable: bool = False
    """Only name-match hits can be disposed of."""
    entry_hash: str | None = None
    party_name: str | None = None
    party_country: str | None = None
    needs_approval: bool = False
    disposition: str | None = None
    """The id of the disposition that settles this hit, if one does."""
    notes: tuple[str, ...] = ()


class Case(_Frozen):
    """A transaction whose decision needed review, and its hits."""

    id: str
    transaction_id: str
    status: str
    """``open`` while a review hit is undecided, ``decided`` once all are, ``closed`` when a
    later screening no longer gives review."""
    outcome: Outcome
    version: int
    """Bumped by every change: a reviewer may pass the version seen to detect a conflict."""
    opened_at: str
    updated_at: str
    hits: tuple[CaseHit, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the public form of ``review list --json``."""
        return self.model_dump(mode="json")


class Event(_Frozen):
    """One entry of the store's history: what happened to which case or disposition."""

    seq: int
    at: str
    kind: str
    subject: str
    body: dict[str, Any]
    prev: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return self.model_dump(mode="json")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _event_hash(seq: int, at: str, kind: str, subject: str, body: str, prev: str) -> str:
    text = canonical_json(
        {"seq": seq, "at": at, "kind": kind, "subject": subject, "body": body, "prev": prev}
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=65_536)
def case_id_of(transaction_id: str) -> str:
    """A transaction's case id: derived from its id, so it never gets two cases (kept for
    the transactions screened lately: each screening asks twice)."""
    return "case-" + hashlib.sha256(transaction_id.encode("utf-8")).hexdigest()[:12]


class Store:
    """A review store over SQLite or PostgreSQL. Open with `open_store`."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.url = db.url
        self._pending: tuple[Transaction, str, list[str], list[tuple[Any, ...]]] | None = None
        """What `dispositions_for` worked out for `screened`, which follows it: the
        transaction, its case id, its parties' watch keys and its case row."""
        self._watched: dict[str, frozenset[str]] = {}
        """Watch keys known to be in the store, with the aliases known to be kept for them
        (rows of ``watched`` are never deleted, and their aliases only ever grow)."""
        self._read: dict[tuple[tuple[str, ...], str], tuple[list[Disposition], list[Any]]] = {}
        """What `dispositions_for` read, by party names and transaction id: kept while the
        database's version token (`Database.version`) stays the same, so screening the same
        counterparties again costs one version check instead of a query."""
        self._read_version: object | None = None
        self._settled: dict[str, tuple[Any, ...]] = {}
        """By case id: what a screening that found its case already up to date made its hits
        of (`_case_key`) and the case row: the same again needs no case hits worked out."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    # --- screening ------------------------------------------------------------------------

    def dispositions_for(self, transaction: Transaction) -> list[Disposition]:
        """The dispositions keyed to any of the transaction's parties or decided on it."""
        parties = [party_key(p) for p in transaction.parties]
        names = sorted({name for name, _ in parties}) or [""]
        # One statement for both reads of a screening (each statement is a read transaction,
        # a good part of the store's cost per transaction): the dispositions, and the case
        # `screened` will compare with, kept for it.
        cid = case_id_of(transaction.id)
        version = self.db.version()
        if version is None or version != self._read_version:
            self._read.clear()
            self._read_version = version
        key = (tuple(names), transaction.id)
        kept = self._read.get(key)
        if kept is None:
            marks = ",".join("?" * len(names))
            rows = self.db.query(
                "SELECT 'd', body, NULL, NULL FROM dispositions"
                f" WHERE party_name IN ({marks}) OR transaction_id = ?"
                " UNION ALL SELECT 'c', hits, outcome, status FROM cases WHERE id = ?",
                (*names, transaction.id, cid),
            )
            found = [Disposition.model_validate_json(r[1]) for r in rows if r[0] == "d"]
            kept = (found, [r[1:] for r in rows if r[0] == "c"])
            if version is not None:
                if len(self._read) >= _READ_KEPT:
                    self._read.clear()
                self._read[key] = kept
        self._pending = (transaction, cid, [_joined_key(k) for k in parties], kept[1])
        return list(kept[0])

    def screened(self, transaction: Transaction, decision: Decision, rules: RuleSet) -> None:
        """Watch the transaction's parties; open or update its case when the outcome is
        review (a case no longer under review is closed, with an event saying so)."""
        pending, self._pending = self._pending, None
        if pending is not None and pending[0] is transaction:
            # read with the dispositions, just before evaluating
            _, cid, keys, row = pending
        else:
            cid = case_id_of(transaction.id)
            keys = [_watch_key(p) for p in transaction.parties]
            row = self.db.query("SELECT hits, outcome, status FROM cases WHERE id = ?", (cid,))
        parties = transaction.parties
        unwatched = [i for i, k in enumerate(keys) if not self._is_watched(k, parties[i])]
        if unwatched:  # a watched party stays watched: each is looked up once per connection
            asked = sorted({keys[i] for i in unwatched})
            marks = ",".join("?" * len(asked))
            found = self.db.query(f"SELECT key, aliases FROM watched WHERE key IN ({marks})", asked)
            self._watched.update((k, frozenset(json.loads(a))) for k, a in found)
            unwatched = [i for i in unwatched if not self._is_watched(keys[i], parties[i])]
        all_watched = not unwatched
        review = decision.outcome is Outcome.REVIEW
        if not review and all_watched and (not row or row[0][2] == "closed"):
            return  # nothing to write: the common case stays a read
        settled = (_case_key(keys, decision, rules), tuple(row[0]) if row else None)
        if all_watched and row and self._settled.get(cid) == settled:
            return  # the same screening as last time, and the case still as it left it
        hits = _case_hits(transaction, decision, rules)
        hits_json = json.dumps([h.model_dump(mode="json") for h in hits])
        status = _status(decision.outcome, hits)
        if all_watched and row and row[0] == (hits_json, decision.outcome.value, status):
            if len(self._settled) >= _READ_KEPT:
                self._settled.clear()
            self._settled[cid] = settled
            return  # the case already says this: screening again changes nothing
        with self.db.write():
            for i in unwatched:
                self._watch(parties[i], transaction.id)
            row = self.db.query(
                "SELECT hits, outcome, status, version FROM cases WHERE id = ?", (cid,)
            )
            now = _now()
            body = {
                "transaction_id": transaction.id,
                "input_hash": transaction_hash(transaction),
                "outcome": decision.outcome.value,
                "status": status,
                "hits": [h.hit_id for h in hits],
            }
            if not row:
                if not review:
                    return
                self.db.query(
                    "INSERT INTO cases (id, transaction_id, status, outcome, version, opened_at,"
                    " updated_at, hits, tx) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)",
                    (
                        cid,
                        transaction.id,
                        status,
                        decision.outcome.value,
                        now,
                        now,
                        hits_json,
                        transaction.model_dump_json(),
                    ),
                )
                self._append("case.opened", cid, body)
                return
            old_hits, old_outcome, old_status, version = row[0]
            if (old_hits, old_outcome, old_status) == (hits_json, decision.outcome.value, status):
                return
            if old_status == "closed" and not review:
                return
            self.db.query(
                "UPDATE cases SET status = ?, outcome = ?, version = ?, updated_at = ?, hits = ?,"
                " tx = ? WHERE id = ?",
                (
                    status,
                    decision.outcome.value,
                    version + 1,
                    now,
                    hits_json,
                    transaction.model_dump_json(),
                    cid,
                ),
            )
            if status == "closed":
                kind = "case.closed"
            else:  # a case a reviewer closed opens again while its review hit persists
                kind = "case.reopened" if old_status == "closed" else "case.updated"
            self._append(kind, cid, body)

    # --- reviewing ------------------------------------------------------------------------

    def list_cases(self, *, status: str | None = "open", limit: int | None = None) -> list[Case]:
        """Cases, oldest first; by default the open ones (``status=None``: all)."""
        sql = "SELECT id FROM cases"
        params: list[Any] = []
        if status is not None:
            sql += " WHERE status = ?"
            params.append(status)
        sql += " ORDER BY opened_at, id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [self.get_case(r[0]) for r in self.db.query(sql, params)]

    def get_case(self, case_id: str) -> Case:
        """One case by id; `StoreError` if there is none."""
        rows = self.db.query(
            "SELECT id, transaction_id, status, outcome, version, opened_at, updated_at, hits"
            " FROM cases WHERE id = ?",
            (case_id,),
        )
        if not rows:
            raise StoreError(f"{self.url}: no case '{case_id}'")
        cid, tx_id, status, outcome, version, opened, updated, hits = rows[0]
        return Case(
            id=cid,
            transaction_id=tx_id,
            status=status,
            outcome=Outcome(outcome),
            version=version,
            opened_at=opened,
            updated_at=updated,
            hits=tuple(CaseHit.model_validate(h) for h in json.loads(hits)),
        )

    def transaction_of(self, case_id: str) -> Transaction:
        """The transaction a case was last screened with (what a reviewer reads); `StoreError`
        if there is no such case."""
        rows = self.db.query("SELECT tx FROM cases WHERE id = ?", (case_id,))
        if not rows:
            raise StoreError(f"{self.url}: no case '{case_id}'")
        return Transaction.model_validate_json(rows[0][0])

    def has_case(self, case_id: str) -> bool:
        """Whether a case of that id exists."""
        return bool(self.db.query("SELECT 1 FROM cases WHERE id = ?", (case_id,)))

    def get_disposition(self, disposition_id: str) -> Disposition:
        """One disposition by id; `StoreError` if there is none."""
        rows = self.db.query("SELECT body FROM dispositions WHERE id = ?", (disposition_id,))
        if not rows:
            raise StoreError(f"{self.url}: no disposition '{disposition_id}'")
        return Disposition.model_validate_json(rows[0][0])

    def decide(
        self,
        case_id: str,
        hit_id: str,
        *,
        decision: Finding | str,
        reason: str,
        reviewer: str,
        expires: dt.date | None = None,
        expected_version: int | None = None,
    ) -> Disposition:
        """Record a reviewer's disposition of one name-match hit of a case.

        Raises `ConflictError` when someone decided that hit first (or the case changed since
        ``expected_version``), `StoreError` for an unknown case or hit, a hit that is not a
        name match, or a missing reviewer or reason."""
        try:
            finding = Finding(decision)
        except ValueError:
            raise StoreError(
                f"decision must be false_positive or true_match, not {decision!r}"
            ) from None
        if not reviewer or not reviewer.strip():
            raise StoreError("a disposition needs a reviewer")
        if not reason or not reason.strip():
            raise StoreError("a disposition needs a reason")
        with self.db.write():
            case = self.get_case(case_id)
            if expected_version is not None and case.version != expected_version:
                raise ConflictError(
                    f"case {case_id} changed (version {case.version}, you saw "
                    f"{expected_version}): look again before deciding"
                )
            hits = list(case.hits)
            index = next((i for i, h in enumerate(hits) if h.hit_id == hit_id), None)
            if index is None:
                raise StoreError(f"case {case_id} has no hit '{hit_id}'")
            hit = hits[index]
            if not hit.disposable:
                raise StoreError(
                    f"hit {hit_id} of case {case_id} is a {hit.kind} hit ({hit.rule_id}): only "
                    "name-match hits can be disposed of"
                )
            if hit.disposition is not None:
                by = self.get_disposition(hit.disposition)
                raise ConflictError(
                    f"hit {hit_id} of case {case_id} was already decided by {by.reviewer} "
                    f"(disposition {by.id}, {by.finding.value}): nothing written"
                )
            if not (hit.entry_hash and hit.party_name and hit.party_country and hit.list_entry):
                raise StoreError(f"hit {hit_id} of case {case_id} lacks its list entry")
            now = _now()
            disposition = Disposition(
                id="disp-" + uuid.uuid4().hex[:16],
                finding=finding,
                rule_id=hit.rule_id,
                party_name=hit.party_name,
                party_country=hit.party_country,
                list_entry=hit.list_entry,
                entry_hash=hit.entry_hash,
                reviewer=reviewer.strip(),
                reason=reason.strip(),
                decided_at=now,
                expires=expires,
                case_id=case_id,
                transaction_id=case.transaction_id,
                needs_approval=hit.needs_approval,
            )
            self.db.query(
                "INSERT INTO dispositions (id, party_name, transaction_id, rule_id, list_entry,"
                " body) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    disposition.id,
                    disposition.party_name,
                    disposition.transaction_id,
                    disposition.rule_id,
                    disposition.list_entry,
                    disposition.model_dump_json(),
                ),
            )
            hits[index] = hit.model_copy(update={"disposition": disposition.id})
            self._update_case(case, hits, now)
            self._append(
                "disposition.decided",
                disposition.id,
                {"case": case_id, "hit": hit_id, **disposition.model_dump(mode="json")},
            )
        return disposition

    def approve(self, disposition_id: str, *, reviewer: str) -> Disposition:
        """A second reviewer approves a disposition that needs it (four-eyes)."""
        if not reviewer or not reviewer.strip():
            raise StoreError("an approval needs a reviewer")
        with self.db.write():
            d = self.get_disposition(disposition_id)
            if not d.needs_approval:
                raise StoreError(f"disposition {d.id} needs no approval")
            if d.approved_by is not None:
                raise ConflictError(f"disposition {d.id} was already approved by {d.approved_by}")
            if reviewer.strip() == d.reviewer:
                raise StoreError(
                    f"disposition {d.id} was decided by {d.reviewer}: a second reviewer must "
                    "approve it"
                )
            approved = d.model_copy(update={"approved_by": reviewer.strip()})
            self.db.query(
                "UPDATE dispositions SET body = ? WHERE id = ?",
                (approved.model_dump_json(), d.id),
            )
            self._append(
                "disposition.approved",
                d.id,
                {"reviewer": reviewer.strip(), "hash": approved.digest, "was": d.digest},
            )
        return approved

    def close_case(
        self,
        case_id: str,
        *,
        reason: str,
        reviewer: str,
        expected_version: int | None = None,
    ) -> Case:
        """Close an open case whose undecided review hits are none of them name matches (an
        embargo, licence or red-flag finding, which no disposition can settle), recording who
        and why as an event of the hash-chained history.

        Closing suppresses nothing: later screenings still give the hits, and screening the
        same transaction again while a review hit persists opens the case again. Raises
        `StoreError` for an unknown case, a case not open, a name-match hit still undecided
        (decide it instead) or a missing reviewer or reason; `ConflictError` when the case
        changed since ``expected_version`` or someone closed it first."""
        if not reviewer or not reviewer.strip():
            raise StoreError("closing a case needs a reviewer")
        if not reason or not reason.strip():
            raise StoreError("closing a case needs a reason")
        with self.db.write():
            case = self.get_case(case_id)
            if expected_version is not None and case.version != expected_version:
                raise ConflictError(
                    f"case {case_id} changed (version {case.version}, you saw "
                    f"{expected_version}): look again before closing it"
                )
            if case.status == "closed":
                by = self._closed_by(case_id)
                raise ConflictError(
                    f"case {case_id} is already closed"
                    + (f" by {by}" if by else "")
                    + ": nothing written"
                )
            if case.status != "open":
                raise StoreError(
                    f"case {case_id} is {case.status}: only an open case can be closed"
                )
            pending = [h for h in case.hits if h.outcome is Outcome.REVIEW and not h.disposition]
            undecided = [h for h in pending if h.disposable]
            if undecided:
                raise StoreError(
                    f"case {case_id} has name-match hits to decide first "
                    f"({', '.join(h.hit_id for h in undecided)}): review decide them"
                )
            now = _now()
            self.db.query(
                "UPDATE cases SET status = 'closed', version = ?, updated_at = ? WHERE id = ?",
                (case.version + 1, now, case_id),
            )
            self._append(
                "case.closed_by_reviewer",
                case_id,
                {
                    "transaction_id": case.transaction_id,
                    "reviewer": reviewer.strip(),
                    "reason": reason.strip(),
                    "hits": [h.hit_id for h in pending],
                    "version": case.version,
                },
            )
        return self.get_case(case_id)

    def _closed_by(self, case_id: str) -> str | None:
        rows = self.db.query(
            "SELECT body FROM events WHERE subject = ? AND kind = 'case.closed_by_reviewer'"
            " ORDER BY seq DESC LIMIT 1",
            (case_id,),
        )
        return str(json.loads(rows[0][0])["reviewer"]) if rows else None

    def history(self, subject: str | None = None) -> list[Event]:
        """The events, in order; only those about ``subject`` (a case or disposition id, or a
        case's disposition events) when given."""
        events = [self._event(r) for r in self.db.query(_EVENTS + " ORDER BY seq")]
        if subject is None:
            return events
        return [e for e in events if subject in (e.subject, e.body.get("case"))]

    def dispositions(self) -> Iterator[Disposition]:
        """Every disposition, by id."""
        for (body,) in self.db.query("SELECT body FROM dispositions ORDER BY id"):
            yield Disposition.model_validate_json(body)

    # --- watching ---------------------------------------------------------------------------

    def watch(
        self, name: str, country: str, *, role: str = "buyer", aliases: Sequence[str] = ()
    ) -> bool:
        """Watch a counterparty by hand, with its aliases (each re-screened like the name);
        False if it was watched already with all of them."""
        party = Party.model_validate(
            {"role": role, "name": name, "country": country, "aliases": list(aliases)}
        )
        with self.db.write():
            return self._watch(party, None)

    def watched(self) -> list[Party]:
        """Every watched counterparty, with the aliases it was screened or watched with."""
        return [Party(role=r, name=n, country=c, aliases=a) for n, c, r, a in self.watched_names()]

    def watched_names(self) -> list[tuple[str, str, str, tuple[str, ...]]]:
        """Every watched counterparty as its name, country, role and aliases, unvalidated:
        what a re-screening reads to pick the few near a changed entry before validating
        them."""
        rows = self.db.query("SELECT name, country, role, aliases FROM watched ORDER BY key")
        return [
            (str(n), str(c), str(r), () if a == "[]" else tuple(json.loads(a)))
            for n, c, r, a in rows
        ]

    # --- integrity --------------------------------------------------------------------------

    def head(self) -> tuple[str, int]:
        """The hash of the newest event and how many events the history holds (the genesis
        hash and 0 when empty): publish it, and `verify` with ``head=`` later fails if that
        event, or any before it, was cut off or edited. The chain alone cannot tell that the
        newest events were deleted; an anchor kept outside the store can."""
        last = self.db.query("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
        return (str(last[0][1]), int(last[0][0])) if last else (_GENESIS, 0)

    def verify(self, *, head: str | None = None) -> list[str]:
        """Check the event chain; one sentence per event edited, deleted or reordered. With
        ``head`` (a hash `head` printed earlier), also that the event it names is still in the
        chain, intact: events appended since are fine, events cut from the end are not."""
        problems = []
        prev = _GENESIS
        expected = 1
        anchor = None if head is None else head.strip().lower()
        anchored = anchor is None or anchor == _GENESIS
        for row in self.db.query(_EVENTS + " ORDER BY seq"):
            seq, at, kind, subject, body, stored_prev, stored = row
            if seq != expected:
                problems.append(
                    f"event {expected}"
                    + (f" to {seq - 1}" if seq - 1 > expected else "")
                    + " missing: deleted from the history"
                )
            if stored_prev != prev:
                problems.append(
                    f"event {seq} ({kind} {subject}) does not follow the event before it: "
                    "events were deleted or reordered"
                )
            if _event_hash(seq, at, kind, subject, body, stored_prev) != stored:
                problems.append(f"event {seq} ({kind} {subject}) was edited: its hash differs")
            prev, expected = stored, seq + 1
            anchored = anchored or stored == anchor
        if not anchored:
            problems.append(
                f"the published head {head} is not in the history: events were cut from its "
                "end or the newest ones edited"
            )
        return problems

    # --- internals ---------------------------------------------------------------------------

    def _is_watched(self, key: str, party: Party) -> bool:
        known = self._watched.get(key)  # a full row takes no more aliases
        return known is not None and (len(known) >= _MAX_ALIASES or known.issuperset(party.aliases))

    def _watch(self, party: Party, transaction_id: str | None) -> bool:
        """Within a write: watch the party, or add the aliases its row lacks (the oldest
        kept first, up to a party's limit, so the row stays a valid party); False if nothing
        was new."""
        key = _watch_key(party)
        rows = self.db.query("SELECT aliases FROM watched WHERE key = ?", (key,))
        if not rows:
            self.db.query(
                "INSERT INTO watched (key, name, country, role, transaction_id, added_at,"
                " aliases) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    party.name,
                    party.country,
                    party.role.value,
                    transaction_id,
                    _now(),
                    json.dumps(list(party.aliases)),
                ),
            )
            return True
        kept: list[str] = json.loads(rows[0][0])
        merged = (kept + [a for a in dict.fromkeys(party.aliases) if a not in kept])[:_MAX_ALIASES]
        if merged == kept:
            return False
        self.db.query("UPDATE watched SET aliases = ? WHERE key = ?", (json.dumps(merged), key))
        return True

    def _update_case(self, case: Case, hits: Sequence[CaseHit], now: str) -> None:
        status = _status(case.outcome, hits)
        self.db.query(
            "UPDATE cases SET hits = ?, status = ?, version = ?, updated_at = ? WHERE id = ?",
            (
                json.dumps([h.model_dump(mode="json") for h in hits]),
                status,
                case.version + 1,
                now,
                case.id,
            ),
        )

    def _append(self, kind: str, subject: str, body: dict[str, Any]) -> None:
        last = self.db.query("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
        seq, prev = (last[0][0] + 1, last[0][1]) if last else (1, _GENESIS)
        at = _now()
        text = canonical_json(body)
        self.db.query(
            "INSERT INTO events (seq, at, kind, subject, body, prev, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (seq, at, kind, subject, text, prev, _event_hash(seq, at, kind, subject, text, prev)),
        )

    @staticmethod
    def _event(row: tuple[Any, ...]) -> Event:
        seq, at, kind, subject, body, prev, digest = row
        return Event(
            seq=seq,
            at=at,
            kind=kind,
            subject=subject,
            body=json.loads(body),
            prev=prev,
            hash=digest,
        )


_MAX_ALIASES = LIMITS["aliases"]

_READ_KEPT = 10_000
"""Transactions whose store reads `Store.dispositions_for` keeps at most (a few MB)."""

_EVENTS = "SELECT seq, at, kind, subject, body, prev, hash FROM events"


def _watch_key(party: Party) -> str:
    return _joined_key(party_key(party))


def _joined_key(key: tuple[str, str]) -> str:
    """A party's key (normalised name, country) as the watch list stores it."""
    name, country = key
    return f"{name}|{country}"


def _status(outcome: Outcome, hits: Sequence[CaseHit]) -> str:
    if outcome is not Outcome.REVIEW:
        return "closed"
    pending = [h for h in hits if h.outcome is Outcome.REVIEW and h.disposition is None]
    return "open" if pending else "decided"


def _case_key(keys: Sequence[str], decision: Decision, rules: RuleSet) -> tuple[Any, ...]:
    """Everything a case's hits are made of (`_case_hits`), as plain values: the rule set,
    the parties' names and countries, each hit's own fields. Comparing two is some 20 times
    cheaper than comparing the transactions and decisions themselves."""
    return (
        rules.fingerprint,
        decision.outcome,
        tuple(keys),
        tuple(
            (
                h.rule_id,
                h.kind,
                h.field,
                h.outcome,
                h.message,
                h.party,
                h.item,
                h.listed_name,
                h.list_entry,
                h.score,
                h.disposition.id if h.disposition is not None else None,
                h.notes,
            )
            for h in decision.hits
        ),
    )


def _case_hits(
    tx: Transaction,
    decision: Decision,
    rules: RuleSet,
) -> list[CaseHit]:
    out = []
    for hit in decision.hits:
        can = disposable(hit)
        entry = entry_of(rules, hit) if can else None
        party = party_of(tx, hit) if can else None
        name, country = party_key(party) if party is not None else (None, None)
        can = can and entry is not None and party is not None
        four_eyes = rules.matching.four_eyes and (hit.score or 0.0) >= rules.matching.match
        out.append(
            CaseHit(
                hit_id=hit_id(hit),
                rule_id=hit.rule_id,
                kind=hit.kind,
                outcome=hit.outcome,
                message=hit.message,
                party=hit.party,
                field=hit.field,
                listed_name=hit.listed_name,
                list_entry=entry[0] if entry else hit.list_entry,
                score=hit.score,
                disposable=can,
                entry_hash=entry[1] if entry else None,
                party_name=name,
                party_country=country,
                needs_approval=can and four_eyes,
                disposition=hit.disposition.id if hit.disposition is not None else None,
                notes=hit.notes,
            )
        )
    return out


def open_store(url: str, *, create: bool = True) -> Store:
    """Open the store at ``url`` (``sqlite:///path/file.db`` or ``postgresql://...``).

    An empty database gets the schema when ``create``; one with an older schema must be
    upgraded first (`upgrade_store`, ``screening store upgrade``); one with a newer schema is
    refused. Raises `StoreError` naming the URL."""
    db = connect(url)
    version = schema_version(db)
    if version == 0 and create:
        upgrade(db)
    elif version == 0:
        db.close()
        raise StoreError(f"{url}: not a screening store (run: screening store upgrade)")
    elif version < SCHEMA_VERSION:
        db.close()
        raise StoreError(
            f"{url}: the store's schema is version {version}; this program needs "
            f"{SCHEMA_VERSION} (run: screening store upgrade)"
        )
    elif version > SCHEMA_VERSION:
        db.close()
        raise StoreError(
            f"{url}: the store's schema is version {version}, newer than this program knows "
            f"({SCHEMA_VERSION}): upgrade screening"
        )
    return Store(db)


def upgrade_store(url: str) -> tuple[int, int]:
    """Apply the migrations the store at ``url`` lacks, all or nothing; returns (from, to)."""
    db = connect(url)
    try:
        return upgrade(db)
    finally:
        db.close()
