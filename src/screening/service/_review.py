"""The review desk over HTTP (scope ``review``): ``GET /v1/cases``, ``GET /v1/cases/{id}`` and
``POST /v1/cases/{id}/decision``, the disposition recorded under the key's principal."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from ..errors import ConflictError, Problem, StoreError
from ..store import Case, Store
from ._keys import Principal
from ._queue import SORTS, queue
from ._refusal import Refusal
from ._stores import Stores

if TYPE_CHECKING:
    from ._app import Service

__all__ = ["DecisionRequest", "decide", "review_router", "stores_of"]


class DecisionRequest(BaseModel):
    """A reviewer's decision on one name-match hit of a case."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    decision: Literal["false_positive", "true_match"]
    reason: str = Field(min_length=1, max_length=2000, description="why, in words")
    hit_id: str | None = Field(
        None, description="the hit decided; may be left out when one hit awaits a decision"
    )
    expires: dt.date | None = Field(None, description="last day the disposition applies")
    version: int | None = Field(
        None, description="the case version seen: a case changed since gives 409"
    )


def stores_of(service: Service) -> Stores:
    """The service's stores, or 404 when it runs without one."""
    if service.stores is None:
        raise Refusal(404, "not found", "this service runs without a review store (--store URL)")
    return service.stores


def case_or_404(store: Store, case_id: str) -> Case:
    """The case, or a 404 naming it."""
    if not store.has_case(case_id):
        raise Refusal(404, "not found", f"no case '{case_id}'")
    return store.get_case(case_id)


def decide(store: Store, case_id: str, request: DecisionRequest, reviewer: str) -> dict[str, Any]:
    """Record ``request`` on ``case_id`` as ``reviewer`` decided it: 404 for an unknown case,
    422 for a hit that is unknown or cannot be disposed of, 409 when someone decided it first
    or the case changed since the version seen."""
    case = case_or_404(store, case_id)
    hit_id = request.hit_id
    if hit_id is None:
        waiting = [h.hit_id for h in case.hits if h.disposable and h.disposition is None]
        if len(waiting) != 1:
            message = (
                f"case {case_id} has {len(waiting)} hits awaiting a decision"
                + (f" ({', '.join(waiting)})" if waiting else "")
                + ": name one with hit_id"
            )
            raise Refusal(422, "invalid request", message, [Problem(message, path="hit_id")])
        hit_id = waiting[0]
    hit = next((h for h in case.hits if h.hit_id == hit_id), None)
    if hit is None:
        message = f"case {case_id} has no hit '{hit_id}'"
        raise Refusal(422, "invalid request", message, [Problem(message, path="hit_id")])
    if not hit.disposable:
        message = (
            f"hit {hit_id} of case {case_id} is a {hit.kind} hit ({hit.rule_id}): only "
            "name-match hits can be disposed of"
        )
        raise Refusal(422, "cannot be disposed of", message, [Problem(message, path="hit_id")])
    try:
        d = store.decide(
            case_id,
            hit_id,
            decision=request.decision,
            reason=request.reason,
            reviewer=reviewer,
            expires=request.expires,
            expected_version=request.version,
        )
    except ConflictError as exc:
        raise Refusal(409, "conflict", str(exc)) from None
    except StoreError as exc:
        raise Refusal(422, "cannot be disposed of", str(exc)) from None
    return {**d.model_dump(mode="json"), "hash": d.digest, "hit_id": hit_id}


def review_router(service: Service) -> APIRouter:
    """The review routes, each needing a key with the ``review`` scope."""
    router = APIRouter(tags=["review"])
    can_review = Depends(service.scope("review"))

    @router.get("/v1/cases", summary="The review queue")
    async def list_cases(
        status: Literal["open", "decided", "closed", "all"] = Query(
            "open", description="which cases: open (the queue), decided, closed or all"
        ),
        outcome: str | None = Query(None, description="only cases of this outcome"),
        list_: str | None = Query(
            None, alias="list", description="only cases with a hit on this list"
        ),
        age: int | None = Query(None, ge=0, description="only cases opened at least N days ago"),
        sort: str = Query("oldest", description=f"one of {', '.join(SORTS)}"),
        limit: int | None = Query(None, ge=1, le=10_000, description="at most this many"),
        principal: Principal = can_review,
    ) -> JSONResponse:
        """The cases, oldest first by default: with their hits (each with its hit id, rule,
        listed name, score, whether it can be decided, and its disposition)."""
        stores = stores_of(service)
        rules = service.loaded().rules
        found = await run_in_threadpool(
            lambda: stores.get().list_cases(status=None if status == "all" else status)
        )
        chosen = queue(
            found,
            rules,
            dt.datetime.now(dt.UTC),
            outcome=outcome,
            listed=list_,
            age=age,
            sort=sort,
        ).cases
        if limit is not None:
            chosen = chosen[:limit]
        return JSONResponse({"cases": [c.to_dict() for c in chosen]})

    @router.get("/v1/cases/{case_id}", summary="One case and its transaction")
    async def get_case(case_id: str, principal: Principal = can_review) -> JSONResponse:
        """The case (as in the queue) and the transaction it was last screened with."""
        stores = stores_of(service)

        def read() -> dict[str, Any]:
            store = stores.get()
            case = case_or_404(store, case_id)
            tx = store.transaction_of(case_id)
            return {**case.to_dict(), "transaction": tx.model_dump(mode="json")}

        return JSONResponse(await run_in_threadpool(read))

    @router.post(
        "/v1/cases/{case_id}/decision",
        summary="Decide one hit of a case",
        status_code=201,
        responses={
            404: {"description": "no such case"},
            409: {"description": "decided by someone else first, or the case changed"},
            422: {"description": "a bad field, an unknown hit, or one that cannot be disposed of"},
        },
    )
    async def decide_hit(
        case_id: str, request: DecisionRequest, principal: Principal = can_review
    ) -> JSONResponse:
        """A false positive (later screenings clear exactly that hit, still showing it) or a
        true match (they block), recorded with the key's principal as the reviewer."""
        stores = stores_of(service)
        body = await run_in_threadpool(
            lambda: decide(stores.get(), case_id, request, principal.name)
        )
        return JSONResponse(body, status_code=201)

    return router
