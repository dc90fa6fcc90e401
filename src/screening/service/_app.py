"""The HTTP service: `create_app` builds the FastAPI application over the library.

Requests and what answers them:

- ``POST /v1/screen``: one transaction (JSON) → its canonical decision record (`record_line`);
- ``POST /v1/screen/batch``: JSON Lines → JSON Lines, one output line per input line in input
  order (`screen_record` and the ``screening batch`` renderer), streamed chunk by chunk;
- ``GET /v1/search``: `RuleSet.search`; ``GET /v1/rules``: the rule set in use;
- ``POST /v1/admin/reload`` (or SIGHUP): `RulesHolder.reload`;
- ``GET /healthz``, ``/readyz``, ``/metrics``, ``/openapi.json``.

Every route but health and readiness needs an API key with the route's scope. The review desk
(cases and dispositions, scope ``review``) plugs in as one more router: `create_app` takes
``routers``, each mounted with the same guard, keys and error bodies (see `Service`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import io
import json
import logging
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from .._io.countries import is_country
from .._version import __version__
from ..api import parse_transaction, screen
from ..audit import record_line
from ..batch import JsonLine, Record, Rendered, Unreadable, render_jsonl, screen_record
from ..engine import DEFAULT_PARTY_CACHE, PartyCache
from ..errors import KeysError, Problem, RuleError, StoreError, TransactionError
from ..rules import RuleSet, load_rules
from ._guard import Guard
from ._keys import ApiKeys, Principal, parse_keys
from ._metrics import Metrics
from ._openapi import AS_OF, ERROR, RECORD, TRANSACTION_EXAMPLES, components
from ._refusal import Refusal
from ._state import Loaded, RulesHolder
from ._stores import Stores

__all__ = [
    "CONFIG_ENV",
    "KEYS_ENV",
    "Refusal",
    "Service",
    "ServiceConfig",
    "app_from_env",
    "create_app",
]

log = logging.getLogger("screening.service")

KEYS_ENV = "SCREENING_API_KEYS"
"""The environment variable holding keys lines (``;`` or newlines between them)."""
CONFIG_ENV = "SCREENING_SERVE_CONFIG"
"""How ``screening serve --workers N`` hands its configuration to each worker process."""

_CHUNK = 64
"""Batch lines screened per step: one step's output is sent before the next is screened."""

_INLINE_BODY = 16_384
"""A transaction up to this size (a few parties: well under a millisecond) is screened on the
event loop itself: handing it to a thread costs more than it saves, since screening holds the
GIL anyway. A larger one (hundreds of aliases) goes to a thread, so that it cannot hold up the
health checks for long."""


@dataclass(frozen=True)
class ServiceConfig:
    """How to run the service: the rules, the keys and the limits."""

    rules: str | None = None
    """Rules directory (None: the bundled rules)."""
    lists: tuple[str, ...] = ()
    """Official list files loaded with the rules."""
    keys_file: str | None = None
    """A keys file (see `screening.service` keys); ``SCREENING_API_KEYS`` adds to it."""
    extra_keys: str = ""
    """Keys lines given by the caller (``screening serve`` passes the key it made for a run
    without keys this way)."""
    max_body: int = 1_000_000
    """Largest request body, in bytes (413 above it)."""
    max_batch_body: int = 100_000_000
    """Largest body of ``POST /v1/screen/batch``, in bytes."""
    party_cache: int = DEFAULT_PARTY_CACHE
    """Parties whose name search each worker process remembers (0: none)."""
    freeze_heap: bool = False
    """Freeze the heap after each load (`gc.freeze`), as a long-running process should; off for
    an application embedded in another process (tests), whose heap is not ours to freeze."""
    store: str | None = None
    """The review store's URL (``--store``, ``SCREENING_STORE``): screening applies its
    dispositions and opens cases there, and the review routes and page are served."""
    session_secret: str = ""
    """Signs the reviewer page's session cookies; every worker must share it (``screening
    serve`` makes one per run). Empty: one made by this process."""
    supervisor_pid: int | None = None
    """The process supervising several workers: ``POST /v1/admin/reload`` sends it SIGHUP so
    that every worker reloads, after checking here that the new rules load."""

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> ServiceConfig:
        data = json.loads(text)
        data["lists"] = tuple(data.get("lists", ()))
        return cls(**data)

    def load(self) -> RuleSet:
        """Load the rule set this configuration names (raises `RuleError`)."""
        return load_rules(self.rules, lists=self.lists)

    def keys(self) -> ApiKeys:
        """The keys file, the variable and ``extra_keys`` together (raises `KeysError`)."""
        keys = ApiKeys({})
        if self.keys_file is not None:
            try:
                text = Path(self.keys_file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise KeysError(f"{self.keys_file}: cannot read the keys file ({exc})") from None
            keys |= parse_keys(text, self.keys_file)
        if os.environ.get(KEYS_ENV):
            keys |= parse_keys(os.environ[KEYS_ENV], KEYS_ENV)
        if self.extra_keys:
            keys |= parse_keys(self.extra_keys, "generated key")
        return keys


@dataclass
class Service:
    """What the routes share: the rules holder, the keys, the metrics. Stored on
    ``app.state.service``; a router added later (the review desk) reaches it there and guards
    its routes with ``Depends(service.scope("review"))``."""

    config: ServiceConfig
    holder: RulesHolder
    keys: ApiKeys
    metrics: Metrics = field(default_factory=Metrics)
    stores: Stores | None = None
    """The review store's connections, with ``config.store``."""

    def scope(self, scope: str | None) -> Callable[[Request], Awaitable[Principal]]:
        """A dependency: the caller's principal, which must hold ``scope`` (None: any key).

        A coroutine, though it never waits: FastAPI runs a plain function dependency in its
        thread pool, a thread hop on every request for a dictionary lookup (profiled: a
        sixth of the framework's time per screening request)."""

        async def check(request: Request) -> Principal:
            return self.authorize(request, scope)

        return check

    def authorize(self, request: Request, scope: str | None) -> Principal:
        """The caller's principal, which must hold ``scope`` (None: any key); `Refusal` 401 or
        403 otherwise. Records the principal on ``request.state``."""
        key = _presented(request)
        if key is None:
            raise Refusal(
                401,
                "unauthorized",
                "an API key is required: 'Authorization: Bearer KEY' or 'X-API-Key: KEY'",
                headers={"WWW-Authenticate": "Bearer"},
            )
        principal = self.keys.principal(key)
        if principal is None:
            raise Refusal(
                401, "unauthorized", "unknown API key", headers={"WWW-Authenticate": "Bearer"}
            )
        if scope is not None and scope not in principal.scopes:
            raise Refusal(
                403, "forbidden", f"the key of '{principal.name}' lacks the '{scope}' scope"
            )
        request.state.principal = principal.name
        return principal

    def loaded(self) -> Loaded:
        """The rule set a request works with, taken once (see `RulesHolder`)."""
        loaded = self.holder.current
        if loaded is None:
            raise Refusal(503, "not ready", "the rules are not loaded yet")
        return loaded


def create_app(
    config: ServiceConfig | None = None,
    *,
    rules: RuleSet | None = None,
    keys: ApiKeys | None = None,
    routers: Sequence[Callable[[Service], APIRouter]] = (),
) -> FastAPI:
    """The service as an ASGI application. ``rules``: an already loaded rule set to start with
    (reloads read ``config`` again); ``keys``: instead of the configured ones; ``routers``:
    more routes (the review desk), each made from the `Service` (its keys' scopes, the rules,
    the metrics) and served under the same guard."""
    config = config or ServiceConfig()
    service = Service(
        config=config,
        holder=RulesHolder(
            config.load, party_cache=config.party_cache, freeze_heap=config.freeze_heap
        ),
        keys=keys if keys is not None else config.keys(),
        stores=Stores(config.store) if config.store else None,
    )
    if service.stores is not None:  # the review desk: its routes and the reviewer's page
        from ._page import page_router
        from ._review import review_router

        routers = [*routers, review_router, page_router]

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if service.holder.current is None:
            service.holder.start(rules)  # a failure stops the start: never serve no rules
        if service.stores is not None:
            service.stores.check()  # nor a store that cannot be used
        loop = asyncio.get_running_loop()
        hup = _install_sighup(loop, lambda: loop.create_task(_reload_on_signal(service)))
        yield
        if service.stores is not None:
            service.stores.close()
        if hup:
            loop.remove_signal_handler(signal.SIGHUP)

    app = _ScreeningApp(
        title="screening",
        version=__version__,
        description=(
            "Export-control compliance screening over declarative YAML rules: every decision "
            "explained (rule, party or item, field, score, legal citation, rule-set version). "
            "Authenticate with 'Authorization: Bearer KEY' or 'X-API-Key: KEY'."
        ),
        docs_url=None,  # the interactive pages load scripts from a CDN: not served
        redoc_url=None,
        openapi_url=None,  # served below, behind a key
        lifespan=lifespan,
    )
    app.state.service = service
    app.add_middleware(
        Guard,
        max_body=config.max_body,
        max_batch_body=config.max_batch_body,
        metrics=service.metrics,
    )
    _handlers(app)
    app.include_router(_routes(service))
    for make_router in routers:
        app.include_router(make_router(service))
    _openapi_route(app, service)
    app.direct = _direct(service)
    return app


def app_from_env() -> FastAPI:
    """The application of one worker of ``screening serve --workers N`` (a uvicorn factory):
    its configuration comes from ``SCREENING_SERVE_CONFIG``."""
    return create_app(ServiceConfig.from_json(os.environ[CONFIG_ENV]))


# --- routes ----------------------------------------------------------------------------------


def _routes(service: Service) -> APIRouter:
    router = APIRouter()
    can_screen = Depends(service.scope("screen"))
    is_admin = Depends(service.scope("admin"))
    bad_request = {"model": None, "content": {"application/json": {"schema": ERROR}}}
    errors: dict[int | str, dict[str, Any]] = {
        401: {**bad_request, "description": "no key, or an unknown key"},
        403: {**bad_request, "description": "the key lacks the scope"},
        413: {**bad_request, "description": "the body is over the limit"},
        422: {**bad_request, "description": "bad JSON, or a bad field (with its path)"},
    }

    @router.post(
        "/v1/screen",
        tags=["screening"],
        summary="Screen one transaction",
        response_class=Response,
        responses={
            200: {
                "description": "The decision record, fingerprint included.",
                "content": {"application/json": {"schema": RECORD}},
            },
            **errors,
        },
        openapi_extra={
            "parameters": [AS_OF],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/Transaction"},
                        "examples": TRANSACTION_EXAMPLES,
                    }
                },
            },
        },
    )
    async def screen_one(request: Request) -> Response:
        """The JSON that `screening screen` reads, screened as of its date (or ``as_of``): the
        canonical decision record, as `screening screen --json` prints it."""
        return await _screen_request(service, request)

    @router.post(
        "/v1/screen/batch",
        tags=["screening"],
        summary="Screen JSON Lines, streamed",
        response_class=StreamingResponse,
        responses={
            200: {
                "description": (
                    "One line per input line, in input order: the result of `screening batch` "
                    "(a decision, or an error record saying why, with outcome review)."
                ),
                "content": {
                    "application/x-ndjson": {"schema": {"$ref": "#/components/schemas/BatchResult"}}
                },
            },
            **errors,
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-ndjson": {
                        "schema": {"type": "string", "description": "one transaction a line"}
                    }
                },
            }
        },
    )
    async def screen_batch(
        request: Request,
        as_of: str | None = Query(None, description="as in /v1/screen"),
        principal: Principal = can_screen,
    ) -> StreamingResponse:
        """JSON Lines in, JSON Lines out: blank lines skipped, every other line gives one
        result, in order; a bad line gives an error record (never clear), as
        `screening batch` writes. The body is read whole (up to the batch limit) before the
        first line is screened, so a body over the limit is refused before any output."""
        day = _as_of(as_of)
        loaded = service.loaded()
        body = await request.body()
        records = list(_records(body))
        return StreamingResponse(
            _stream(service, records, loaded.rules, day), media_type="application/x-ndjson"
        )

    @router.get("/v1/search", tags=["lists"], summary="Search the listed names", responses=errors)
    async def search(
        name: str = Query(..., min_length=1, max_length=500, description="the name to look up"),
        country: str | None = Query(
            None, description="ISO 3166-1 alpha-2: only entries of that country (or none known)"
        ),
        limit: int = Query(10, ge=1, le=100),
        principal: Principal = can_screen,
    ) -> dict[str, Any]:
        """Listed parties whose name or alias matches ``name`` at or above the rule set's
        ``possible`` threshold, best first, each with its score and which words aligned."""
        code = None
        if country is not None:
            code = country.strip().upper()
            if not is_country(code):
                raise Refusal(
                    422,
                    "invalid request",
                    f"country: unknown country code '{code}' (expected ISO 3166-1 alpha-2, "
                    "e.g. 'IR')",
                    [Problem(f"unknown country code '{code}'", path="country")],
                )
        loaded = service.loaded()
        found = await run_in_threadpool(loaded.rules.search, name, country=code, limit=limit)
        return {
            "query": name,
            "country": code,
            "ruleset_fingerprint": loaded.rules.fingerprint,
            "matches": [m.to_dict() for m in found],
        }

    @router.get("/v1/rules", tags=["rules"], summary="The rule set in use", responses=errors)
    async def rules_info(principal: Principal = can_screen) -> dict[str, Any]:
        """Name, version, fingerprint, coverage, the lists and their versions, and the sha256
        of each rule file."""
        return _rules_info(service.loaded())

    @router.post("/v1/admin/reload", tags=["admin"], summary="Reload the rules", responses=errors)
    async def reload(principal: Principal = is_admin) -> JSONResponse:
        """Load the rules and lists again and swap them in whole; a rule set that does not
        load changes nothing, and the answer (422) says why."""
        body, status = await run_in_threadpool(_reload, service)
        return JSONResponse(body, status_code=status)

    @router.get("/healthz", tags=["operations"], summary="Alive")
    async def healthz() -> dict[str, str]:
        """200 while the process serves requests."""
        return {"status": "ok"}

    @router.get("/readyz", tags=["operations"], summary="Rules loaded")
    async def readyz() -> JSONResponse:
        """200 with the rule-set fingerprint once the rules are loaded, else 503."""
        loaded = service.holder.current
        if loaded is None:
            return JSONResponse({"status": "not ready"}, status_code=503)
        return JSONResponse({"status": "ready", "ruleset_fingerprint": loaded.rules.fingerprint})

    @router.get(
        "/metrics",
        tags=["operations"],
        summary="Prometheus metrics",
        response_class=Response,
        responses=errors,
    )
    async def metrics(principal: Principal = is_admin) -> Response:
        """Requests, latency histogram and outcomes of this worker process, and the rule set
        it answers with."""
        return Response(
            _metrics_text(service), media_type="text/plain; version=0.0.4; charset=utf-8"
        )

    return router


async def _screen_request(service: Service, request: Request) -> Response:
    """``POST /v1/screen`` itself, shared by the route and `_ScreeningApp`'s direct path: the
    key, ``as_of``, then the body read raw and parsed once by the library's own parser (no
    framework body model on top), answered with the record's bytes as rendered."""
    service.authorize(request, "screen")
    day = _as_of(request.query_params.get("as_of"))
    loaded = service.loaded()
    body = await request.body()
    work = (body, loaded.rules, day, service.holder.cache, service.stores)
    if len(body) <= _INLINE_BODY and service.stores is None:
        line, outcome = _screen_body(*work)
    else:
        line, outcome = await run_in_threadpool(_screen_body, *work)
    service.metrics.outcome(outcome)
    return Response(line, media_type="application/json")


def _direct(service: Service) -> ASGIApp:
    """``POST /v1/screen`` as a bare ASGI application, under its own `Guard` (the same limits,
    headers, metrics and bare 500s as every other route)."""

    async def screen_app(scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            response = await _screen_request(service, request)
        except Refusal as exc:
            response = exc.response()
        await response(scope, receive, send)

    config = service.config
    return Guard(
        screen_app,
        max_body=config.max_body,
        max_batch_body=config.max_batch_body,
        metrics=service.metrics,
    )


class _ScreeningApp(FastAPI):
    """FastAPI, but ``POST /v1/screen`` (the request a service is called for, thousands a
    second) goes straight to `_direct`, past the framework's middleware stack, routing and
    dependency solving: profiled, those cost about as much server CPU per request as a third
    of a screening. Everything else, and the route's OpenAPI entry, is FastAPI's."""

    direct: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.direct is not None
            and scope["type"] == "http"
            and scope["path"] == "/v1/screen"
            and scope["method"] == "POST"
            and not self.root_path
        ):
            await self.direct(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def _as_of(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        message = f"not a date (YYYY-MM-DD): '{text}'"
        raise Refusal(
            422, "invalid request", f"as_of: {message}", [Problem(message, path="as_of")]
        ) from None


def _screen_body(
    body: bytes, rules: RuleSet, day: dt.date | None, cache: PartyCache, stores: Stores | None
) -> tuple[bytes, str]:
    """One transaction's body → (its record line, its outcome); `Refusal` 422 when the body
    is not JSON or not a valid transaction, with the messages the command line prints. With
    ``stores``, its dispositions apply and a review opens its case, as ``screen --store``;
    a store that cannot be used is a 503 (never an answer without the dispositions)."""
    payload = JsonLine(body).read()
    if isinstance(payload, Unreadable):
        raise Refusal(422, "invalid JSON", payload.reason)
    try:
        tx = parse_transaction(payload)  # type: ignore[arg-type]
        store = stores.get() if stores is not None else None
        decision = screen(tx, rules=rules, as_of=day, cache=cache, store=store)
        line = record_line(decision, tx, rules=rules)
    except TransactionError as exc:
        raise Refusal(422, "invalid transaction", str(exc), exc.problems) from None
    except StoreError as exc:
        log.error("review store failed: %s", exc)
        raise Refusal(503, "store unavailable", "the review store cannot be used now") from None
    return line.encode("utf-8"), decision.outcome.value


def _records(body: bytes) -> Iterator[Record]:
    """The records of a JSON Lines body, numbered as `screening batch` numbers a file's."""
    index = 0
    for number, line in enumerate(io.BytesIO(body), start=1):
        if not line.strip():
            continue
        yield Record(index, JsonLine(line), f"line {number}")
        index += 1


async def _stream(
    service: Service, records: list[Record], rules: RuleSet, day: dt.date | None
) -> AsyncIterator[bytes]:
    cache = service.holder.cache
    for start in range(0, len(records), _CHUNK):
        chunk = records[start : start + _CHUNK]
        rendered = await run_in_threadpool(_screen_chunk, chunk, rules, day, cache, service.stores)
        for r in rendered:
            service.metrics.outcome(r.outcome)
        yield b"".join(r.payload for r in rendered)


def _screen_chunk(
    chunk: list[Record],
    rules: RuleSet,
    day: dt.date | None,
    cache: PartyCache,
    stores: Stores | None,
) -> list[Rendered]:
    # With a store, this thread's own connection; a line the store fails on is an error
    # record (outcome review), as in `screening batch`.
    store = stores.get() if stores is not None else None
    return [render_jsonl(screen_record(r, rules, day, cache, store)) for r in chunk]


def _rules_info(loaded: Loaded) -> dict[str, Any]:
    rules = loaded.rules
    return {
        "name": rules.name,
        "version": rules.version,
        "fingerprint": rules.fingerprint,
        "covers_from": rules.covers_from.isoformat(),
        "rules": len(rules),
        "files": dict(rules.digests),
        "lists": [v.model_dump(mode="json") for v in rules.lists],
        "matching": {"match": rules.matching.match, "possible": rules.matching.possible},
        "loaded_at": loaded.loaded_at,
    }


def _reload(service: Service, *, fan_out: bool = True) -> tuple[dict[str, Any], int]:
    try:
        old, new = service.holder.reload()
    except RuleError as exc:
        current = service.holder.current
        log.error("reload failed; keeping the rules in use: %s", exc)
        return {
            "error": "reload failed",
            "message": f"rules: {exc}; the rules in use are kept",
            "problems": [{"path": p.path, "message": str(p)} for p in exc.problems],
            "ruleset_fingerprint": current.rules.fingerprint if current else None,
        }, 422
    body: dict[str, Any] = {
        "reloaded": True,
        "changed": old.rules.fingerprint != new.rules.fingerprint,
        "previous_fingerprint": old.rules.fingerprint,
        **_rules_info(new),
    }
    pid = service.config.supervisor_pid
    if pid is not None and fan_out:
        # The other workers load the rules anew as the supervisor replaces them one by one;
        # a worker whose load fails is not brought into service (uvicorn keeps the old one).
        os.kill(pid, signal.SIGHUP)
        body["workers"] = "restarting with the new rules"
    log.info("rules reloaded: %s -> %s", old.rules.fingerprint[:12], new.rules.fingerprint[:12])
    return body, 200


async def _reload_on_signal(service: Service) -> None:
    # A worker signalled on its own reloads on its own (its supervisor was not signalled).
    await run_in_threadpool(functools.partial(_reload, service, fan_out=False))  # logs itself


def _install_sighup(loop: asyncio.AbstractEventLoop, handler: Callable[[], object]) -> bool:
    """SIGHUP reloads the rules, where this loop may take signals (the main thread on POSIX)."""
    try:
        loop.add_signal_handler(signal.SIGHUP, handler)
    except (NotImplementedError, RuntimeError, ValueError, AttributeError):
        return False  # not the main thread (a test client), or no SIGHUP (Windows)
    return True


def _metrics_text(service: Service) -> str:
    loaded = service.holder.current
    cache = service.holder.cache
    extra: list[tuple[str, str, str, dict[str, str], float]] = []
    if loaded is not None:
        rules = loaded.rules
        extra.append(
            (
                "screening_ruleset_info",
                "gauge",
                "The rule set this worker answers with (value 1).",
                {"name": rules.name, "version": rules.version, "fingerprint": rules.fingerprint},
                1,
            )
        )
    for result, n in sorted(service.holder.reloads.items()):
        extra.append(
            (
                f"screening_reloads_{result}_total",
                "counter",
                f"Rule reloads that {'succeeded' if result == 'ok' else 'failed'}.",
                {},
                n,
            )
        )
    extra += [
        ("screening_party_cache_hits_total", "counter", "Party searches answered.", {}, cache.hits),
        ("screening_party_cache_misses_total", "counter", "Party searches run.", {}, cache.misses),
        ("screening_party_cache_entries", "gauge", "Parties in the cache.", {}, len(cache)),
    ]
    return service.metrics.render(extra)


def _presented(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is not None:
        kind, _, value = header.partition(" ")
        if kind.lower() == "bearer" and value.strip():
            return value.strip()
    key = request.headers.get("x-api-key")
    return key.strip() if key and key.strip() else None


# --- errors and OpenAPI ----------------------------------------------------------------------


def _handlers(app: FastAPI) -> None:
    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Refusal)
        return exc.response()

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = []
        for error in exc.errors():
            loc = [str(p) for p in error.get("loc", ()) if p not in ("query", "body", "path")]
            problems.append(Problem(str(error.get("msg", "invalid")), path=".".join(loc) or None))
        message = "; ".join(str(p) for p in problems)
        return Refusal(422, "invalid request", message, problems).response()

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        headers = dict(exc.headers) if exc.headers else None
        phrase = HTTPStatus(exc.status_code).phrase.lower()
        return Refusal(exc.status_code, phrase, str(exc.detail), headers=headers).response()

    app.add_exception_handler(Refusal, refused)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(StarletteHTTPException, http_error)


def _openapi_route(app: FastAPI, service: Service) -> None:
    cached: list[dict[str, Any]] = []

    def document() -> dict[str, Any]:
        if not cached:
            doc = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            comps = doc.setdefault("components", {})
            comps.setdefault("schemas", {}).update(components())
            comps["securitySchemes"] = {
                "bearer": {"type": "http", "scheme": "bearer"},
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            }
            doc["security"] = [{"bearer": []}, {"apiKey": []}]
            cached.append(doc)
        return cached[0]

    any_key = Depends(service.scope(None))

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi(principal: Principal = any_key) -> JSONResponse:
        return JSONResponse(document())
