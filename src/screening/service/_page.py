"""The reviewer's page at ``/review``: log in with a reviewer key, work the open queue, read a
case (the transaction; each hit with its name alignment, list entry, rule citation and text)
and decide its hits. Server-rendered jinja2 (autoescaped), one style sheet of our own, no
script at all.

Security: the session is a cookie (HttpOnly, SameSite=Strict, Secure over HTTPS) signed with
HMAC-SHA256, holding the principal, the hash of the key (a key removed from the keys ends its
sessions), a CSRF token and an expiry; every form carries the token and every POST checks it
(the login form against a short-lived signed cookie of its own). `Guard` adds the security
headers, with a CSP that allows only this origin's style sheet.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from .._io.countries import is_country
from ..report import rule_snippets
from ..rules import RuleSet, bundled_rules_dir
from ._keys import hash_key
from ._queue import SORTS, age_days, hit_views, queue
from ._refusal import Refusal
from ._review import DecisionRequest, case_or_404, decide, stores_of

if TYPE_CHECKING:
    from ._app import Service

__all__ = ["SESSION_COOKIE", "page_router"]

SESSION_COOKIE = "screening_review"
_LOGIN_COOKIE = "screening_login"
_SESSION_SECONDS = 8 * 3600
_LOGIN_SECONDS = 15 * 60

_env = jinja2.Environment(
    loader=jinja2.PackageLoader("screening.service", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_CSS = resources.files("screening.service").joinpath("templates/review.css").read_bytes()


class _Signer:
    """Signs and checks small JSON values (HMAC-SHA256 over the purpose and the value)."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(("screening-review:" + secret).encode("utf-8")).digest()

    def sign(self, purpose: str, data: dict[str, Any]) -> str:
        payload = base64.urlsafe_b64encode(json.dumps(data, sort_keys=True).encode()).decode()
        return f"{payload}.{self._mac(purpose, payload)}"

    def read(self, purpose: str, value: str | None) -> dict[str, Any] | None:
        """The signed value if the signature holds and it has not expired, else None."""
        if not value or "." not in value:
            return None
        payload, _, mac = value.rpartition(".")
        if not hmac.compare_digest(mac, self._mac(purpose, payload)):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(payload.encode()))
        except ValueError:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("exp"), int):
            return None
        return data if data["exp"] > time.time() else None

    def _mac(self, purpose: str, payload: str) -> str:
        text = f"{purpose}.{payload}".encode()
        return hmac.new(self._key, text, hashlib.sha256).hexdigest()


def page_router(service: Service) -> APIRouter:
    """The reviewer's page: ``/review`` and below (not in the OpenAPI document)."""
    router = APIRouter(include_in_schema=False)
    signer = _Signer(service.config.session_secret or secrets.token_hex(32))
    snippets: dict[str, dict[str, str]] = {}

    def rule_texts(rules: RuleSet) -> dict[str, str]:
        if rules.fingerprint not in snippets:
            directory = service.config.rules or str(bundled_rules_dir())
            snippets.clear()  # only the rule set in use
            snippets[rules.fingerprint] = rule_snippets(rules, Path(directory))
        return snippets[rules.fingerprint]

    def session(request: Request) -> dict[str, Any] | None:
        data = signer.read("session", request.cookies.get(SESSION_COOKIE))
        if data is None:
            return None
        principal = service.keys.by_hash(str(data.get("key")))
        if principal is None or "review" not in principal.scopes:
            return None  # the key was withdrawn, or lost its scope
        if principal.name != data.get("who"):
            return None
        return data

    def page(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        text = _env.get_template(template).render(request_path=request.url.path, **values)
        return HTMLResponse(text, status_code=status)

    def login_page(request: Request, error: str | None = None, status: int = 200) -> Response:
        token = secrets.token_urlsafe(24)
        response = page(request, "login.html", status, token=token, error=error, who=None)
        _cookie(
            request,
            response,
            _LOGIN_COOKIE,
            signer.sign("login", {"t": token, "exp": int(time.time()) + _LOGIN_SECONDS}),
            _LOGIN_SECONDS,
        )
        return response

    async def form(request: Request) -> dict[str, str]:
        body = (await request.body()).decode("utf-8", errors="replace")
        return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}

    def check_csrf(request: Request, data: dict[str, Any], fields: dict[str, str]) -> None:
        if not hmac.compare_digest(str(data.get("csrf", "")), fields.get("csrf", "")):
            raise Refusal(403, "forbidden", "the form's CSRF token is missing or wrong")
        origin = request.headers.get("origin")
        if origin not in (None, "null") and origin != _origin(request):
            raise Refusal(403, "forbidden", "the form was posted from another origin")

    def to_login() -> Response:
        return RedirectResponse("/review/login", status_code=303)

    @router.get("/review/static/review.css")
    async def css() -> Response:
        return Response(_CSS, media_type="text/css; charset=utf-8")

    @router.get("/review/login")
    async def login_form(request: Request) -> Response:
        return login_page(request)

    @router.post("/review/login")
    async def login(request: Request) -> Response:
        fields = await form(request)
        pending = signer.read("login", request.cookies.get(_LOGIN_COOKIE))
        if pending is None or not hmac.compare_digest(
            str(pending.get("t", "")), fields.get("csrf", "")
        ):
            return login_page(request, "The login form expired; please try again.", 403)
        key = fields.get("key", "").strip()
        principal = service.keys.principal(key) if key else None
        if principal is None or "review" not in principal.scopes:
            return login_page(request, "That key is not a reviewer's key.", 401)
        data = {
            "who": principal.name,
            "key": hash_key(key),
            "csrf": secrets.token_urlsafe(24),
            "exp": int(time.time()) + _SESSION_SECONDS,
        }
        response = RedirectResponse("/review", status_code=303)
        _cookie(request, response, SESSION_COOKIE, signer.sign("session", data), _SESSION_SECONDS)
        response.delete_cookie(_LOGIN_COOKIE, path="/review")
        return response

    @router.post("/review/logout")
    async def logout(request: Request) -> Response:
        data = session(request)
        if data is not None:
            check_csrf(request, data, await form(request))
        response = to_login()
        response.delete_cookie(SESSION_COOKIE, path="/review")
        return response

    @router.get("/review")
    async def queue_page(request: Request) -> Response:
        data = session(request)
        if data is None:
            return to_login()
        q = request.query_params
        outcome = q.get("outcome") or None
        listed = q.get("list") or None
        sort = q.get("sort") or "oldest"
        age_text = q.get("age") or ""
        age = int(age_text) if age_text.isdigit() else None
        stores = stores_of(service)
        rules = service.loaded().rules
        found = await run_in_threadpool(lambda: stores.get().list_cases(status="open"))
        now = dt.datetime.now(dt.UTC)
        notice: str | None = None
        try:
            chosen = queue(found, rules, now, outcome=outcome, listed=listed, age=age, sort=sort)
        except Refusal as exc:
            chosen = queue(found, rules, now)
            notice = exc.message
        decided = q.get("decided")
        return page(
            request,
            "queue.html",
            who=data["who"],
            csrf=data["csrf"],
            cases=[
                (c, age_days(c, now), sorted({h.rule_id for h in c.hits})) for c in chosen.cases
            ],
            lists=chosen.lists,
            sorts=SORTS,
            outcomes=("review", "block", "clear"),
            chosen={"outcome": outcome, "list": listed, "age": age_text, "sort": sort},
            notice=notice,
            decided=decided,
            total=len(found),
        )

    def case_page(
        request: Request,
        data: dict[str, Any],
        case_id: str,
        error: str | None = None,
        status: int = 200,
    ) -> Response:
        store = stores_of(service).get()
        case = case_or_404(store, case_id)
        tx = store.transaction_of(case_id)
        rules = service.loaded().rules
        views = hit_views(case, tx, rules, rule_texts(rules))
        return page(
            request,
            "case.html",
            status,
            who=data["who"],
            csrf=data["csrf"],
            case=case,
            tx=tx,
            tx_json=json.dumps(tx.model_dump(mode="json"), indent=2, ensure_ascii=False),
            views=views,
            error=error,
            country_known=is_country,
        )

    @router.get("/review/cases/{case_id}")
    async def case(request: Request, case_id: str) -> Response:
        data = session(request)
        if data is None:
            return to_login()
        return await run_in_threadpool(case_page, request, data, case_id)

    @router.post("/review/cases/{case_id}/decision")
    async def decide_form(request: Request, case_id: str) -> Response:
        data = session(request)
        if data is None:
            return to_login()
        fields = await form(request)
        check_csrf(request, data, fields)
        try:
            wanted = DecisionRequest.model_validate(
                {
                    "decision": fields.get("decision") or None,
                    "reason": fields.get("reason", "").strip(),
                    "hit_id": fields.get("hit_id") or None,
                    "expires": fields.get("expires") or None,
                    "version": int(fields["version"])
                    if fields.get("version", "").isdigit()
                    else None,
                }
            )
        except ValidationError as exc:
            names = {"decision": "Decision", "reason": "Reason", "expires": "Expires"}
            problems = [
                f"{names.get(str(e['loc'][0]), str(e['loc'][0]))}: {e['msg']}"
                for e in exc.errors(include_url=False)
            ]
            message = "; ".join(problems)
            return await run_in_threadpool(case_page, request, data, case_id, message, 422)
        try:
            done = await run_in_threadpool(
                lambda: decide(stores_of(service).get(), case_id, wanted, data["who"])
            )
        except Refusal as exc:
            if exc.status == 404:
                raise
            return await run_in_threadpool(
                case_page, request, data, case_id, exc.message, exc.status
            )
        query = urlencode({"decided": f"{case_id} {done['hit_id']} {done['finding']}"})
        return RedirectResponse(f"/review?{query}", status_code=303)

    return router


def _origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def _cookie(request: Request, response: Response, name: str, value: str, age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=age,
        path="/review",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
