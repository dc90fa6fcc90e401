"""A real `screening serve` on 127.0.0.1 (uvicorn in a subprocess, a free port, stopped at the
end): a bounded load run from 32 concurrent clients with zero errors and every response valid
against the service's own schema, SIGHUP reloads, and several workers reloading together.

Every loop here is bounded (a count, or a deadline); only loopback addresses are used. The full
load run (5,000 requests) is ``benchmarks/bench_serve.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from helpers.ruleedit import replace_once
from helpers.zte import numbered, zte_transactions
from screening import bundled_rules_dir, load_rules
from screening.service import new_key

LOAD_REQUESTS = 1_500
"""Requests of the CI load run (about 6 s on the shared 2-core machine)."""
CLIENTS = 32


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    rules: Path
    key: str
    log: Path

    def client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {self.key}"}, timeout=30
        )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def start(tmp: Path, workers: int) -> Server:
    rules = tmp / "rules"
    shutil.copytree(bundled_rules_dir(), rules)
    key, line = new_key("tests", ["screen", "admin"])
    port = free_port()
    log = tmp / "server.log"
    env = {**os.environ, "SCREENING_API_KEYS": line, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-m", "screening", "serve", "--rules", str(rules)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, rules, key, log)
    try:
        wait_for(lambda: httpx.get(f"{server.url}/readyz").status_code == 200, 60, "readiness")
    except AssertionError:
        stop(server)
        raise AssertionError(log.read_text(errors="replace")) from None
    return server


def stop(server: Server) -> int:
    """SIGTERM, as a container runtime stops it: a graceful shutdown, then uvicorn ends the
    process by the signal it caught (exit status -15), as it does by design."""
    server.process.send_signal(signal.SIGTERM)
    try:
        return server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)
        raise


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start(tmp_path_factory.mktemp("serve"), workers=1)
    try:
        yield running
    finally:
        code = stop(running)
        assert code in (0, -signal.SIGTERM), running.log.read_text(errors="replace")
        assert "Application shutdown complete" in running.log.read_text(errors="replace")


def _schemas(server: Server) -> tuple[dict[str, Any], dict[str, Any]]:
    with server.client() as c:
        doc = c.get("/openapi.json").json()
    components = doc["components"]
    record = {"$ref": "#/components/schemas/DecisionRecord", "components": components}
    error = {"$ref": "#/components/schemas/Error", "components": components}
    return record, error


def test_a_load_run_has_no_errors_and_every_response_fits_the_schema(server: Server) -> None:
    record_schema, _ = _schemas(server)
    bodies = [json.dumps(tx) for tx in numbered(zte_transactions(), LOAD_REQUESTS, "load")]
    validator = jsonschema.Draft202012Validator(record_schema)

    def run(share: list[str]) -> list[str]:
        problems = []
        with server.client() as c:
            for body in share:
                r = c.post("/v1/screen", content=body)
                if r.status_code != 200:
                    problems.append(f"{r.status_code}: {r.text[:200]}")
                    continue
                record = r.json()
                problems += [e.message for e in validator.iter_errors(record)]
                if record["transaction_id"] != json.loads(body)["id"]:
                    problems.append(f"answer for {record['transaction_id']}, not {body[:40]}")
        return problems

    shares = [bodies[i::CLIENTS] for i in range(CLIENTS)]
    with ThreadPoolExecutor(CLIENTS) as pool:
        problems = [p for found in pool.map(run, shares) for p in found]
    assert problems == []
    with server.client() as c:
        metrics = c.get("/metrics").text
    ok = 'screening_http_requests_total{method="POST",route="/v1/screen",status="200"}'
    assert f"{ok} {LOAD_REQUESTS}" in metrics


def test_refusals_from_a_real_server_are_json_with_headers(server: Server) -> None:
    _, error_schema = _schemas(server)
    with server.client() as c:
        answers = [
            c.post("/v1/screen", content=b"{" * 10),
            c.post("/v1/screen", content=b"x" * 1_000_001),
            c.post("/v1/screen", content=json.dumps({"id": "a", "date": "2016-01-01"})),
            httpx.post(f"{server.url}/v1/screen", content=b"{}"),
        ]
    assert [r.status_code for r in answers] == [422, 413, 422, 401]
    for r in answers:
        jsonschema.validate(r.json(), error_schema)
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "server" not in r.headers  # no software banner


def test_sighup_reloads_and_a_broken_rule_set_is_not_taken(server: Server) -> None:
    with server.client() as c:
        first = c.get("/v1/rules").json()["fingerprint"]
        replace_once(server.rules / "ruleset.yaml", "possible: 0.82", "possible: 0.83")
        wanted = load_rules(server.rules).fingerprint
        server.process.send_signal(signal.SIGHUP)
        wait_for(lambda: c.get("/v1/rules").json()["fingerprint"] == wanted, 30, "the reload")
        assert wanted != first

        replace_once(server.rules / "listings.yaml", "entity:", "entiti:")
        server.process.send_signal(signal.SIGHUP)
        wait_for(
            lambda: "screening_reloads_failed_total 1" in c.get("/metrics").text,
            30,
            "the failed reload",
        )
        assert c.get("/v1/rules").json()["fingerprint"] == wanted
        tx = json.dumps(zte_transactions()[0])
        assert c.post("/v1/screen", content=tx).json()["ruleset_fingerprint"] == wanted
    assert "entiti" in server.log.read_text(errors="replace")  # the log says why


def test_two_workers_reload_together(tmp_path: Path) -> None:
    """POST /v1/admin/reload checks the new rules in one worker, then the supervisor replaces
    every worker; afterwards no worker answers with the old rules."""
    server = start(tmp_path, workers=2)
    try:
        with server.client() as c:
            first = c.get("/v1/rules").json()["fingerprint"]
            replace_once(server.rules / "ruleset.yaml", "possible: 0.82", "possible: 0.84")
            wanted = load_rules(server.rules).fingerprint
            response = c.post("/v1/admin/reload")
            assert response.status_code == 200, response.text
            assert response.json()["fingerprint"] == wanted != first

            def all_new() -> bool:
                with server.client() as fresh:  # new connections: any worker may answer
                    return all(
                        fresh.get("/v1/rules", headers={"Connection": "close"}).json()[
                            "fingerprint"
                        ]
                        == wanted
                        for _ in range(10)
                    )

            wait_for(all_new, 60, "every worker on the new rules")
    finally:
        assert stop(server) in (0, -signal.SIGTERM), server.log.read_text(errors="replace")


def test_serve_starts_with_the_bundled_rules_and_nothing_else(tmp_path: Path) -> None:
    """No rules, no lists, no keys: the bundled rules, and a key made for the run (on stderr)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "SCREENING_API_KEYS"}
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "screening", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", process, bundled_rules_dir(), "", log)
    try:
        wait_for(lambda: httpx.get(f"{server.url}/readyz").status_code == 200, 60, "readiness")
        said = log.read_text(errors="replace")
        server.key = said.split("with every scope: ", 1)[1].split()[0]
        with server.client() as c:
            assert c.get("/v1/rules").json()["fingerprint"] == load_rules().fingerprint
        assert httpx.get(f"{server.url}/v1/rules").status_code == 401
    finally:
        assert stop(server) in (0, -signal.SIGTERM), log.read_text(errors="replace")
