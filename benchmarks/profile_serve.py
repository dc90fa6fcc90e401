"""Where ``POST /v1/screen`` spends its time beyond screening: the ASGI application driven
in-process (no sockets, no client) with ``bench_serve``'s transactions against the full CSL,
its CPU time per request set beside the library's own (parse, screen, record) for the same
transactions; ``--profile`` prints cProfile's top functions of the application.

Run: python benchmarks/profile_serve.py [--transactions N] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import time
from typing import Any

import bench_batch as bb

from screening import load_rules, parse_transaction, screen
from screening.audit import record_line
from screening.service import ServiceConfig, create_app, new_key, parse_keys


async def _call(app: Any, key: str, body: bytes) -> bytes:
    """One request through the application, as uvicorn would make it."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/screen",
        "raw_path": b"/v1/screen",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"authorization", f"Bearer {key}".encode()),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    sent: list[dict[str, Any]] = []
    given = False

    async def receive() -> dict[str, Any]:
        nonlocal given
        if given:  # a disconnect would only come after the response
            await asyncio.sleep(3600)
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    assert sent[0]["status"] == 200, sent
    return bytes(sent[1]["body"])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--transactions", type=int, default=2000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    listed, sdn_numbers = bb.csl_names()
    unlisted = bb.unlisted_names({x.casefold() for x in listed}, sdn_numbers)
    txs = bb.transactions(args.transactions, listed, unlisted)
    rules = load_rules(lists=[bb.CSL])
    key, line = new_key("bench", ["screen"])
    app = create_app(ServiceConfig(party_cache=0), rules=rules, keys=parse_keys(line, "bench"))
    bodies = [json.dumps(tx).encode() for tx in txs]
    n = len(bodies)

    async def run() -> None:
        async with app.router.lifespan_context(app):
            # Warm up every cache below the party cache (the name index keeps some) with the
            # same transactions, so that neither side is timed cold.
            for body in bodies:
                await _call(app, key, body)
            start = time.process_time()
            for body in bodies:
                await _call(app, key, body)
            served = time.process_time() - start
            start = time.process_time()
            for body in bodies:
                tx = parse_transaction(json.loads(body))
                record_line(screen(tx, rules=rules), tx, rules=rules)
            library = time.process_time() - start
            print(
                f"{n} requests: application {served / n * 1000:.3f} ms CPU each, library "
                f"{library / n * 1000:.3f} ms, beyond screening {(served - library) / n * 1000:.3f}"
                " ms"
            )
            if args.profile:
                profile = cProfile.Profile()
                profile.enable()
                for body in bodies:
                    await _call(app, key, body)
                profile.disable()
                pstats.Stats(profile).sort_stats("tottime").print_stats(25)

    asyncio.run(run())


if __name__ == "__main__":
    main()
