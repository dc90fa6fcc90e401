"""The HTTP service in-process (FastAPI's TestClient): each route answers what the library and
the command line answer for the same input, refusals are JSON with the CLI's messages (never a
trace), and every response carries the security headers."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from helpers.clirun import cli
from helpers.ruleedit import replace_once
from helpers.strategies import SETTINGS, json_values, transactions
from helpers.zte import numbered, zte_transactions
from screening import RuleSet, bundled_rules_dir, load_rules, parse_transaction, screen
from screening.audit import record_line
from screening.batch import run_batch
from screening.service import ServiceConfig, create_app, new_key, parse_keys
from screening.service._guard import SECURITY_HEADERS


@pytest.fixture(scope="module")
def keys() -> dict[str, str]:
    """One key per kind of caller: screen only, admin only, both."""
    made = {name: new_key(name, scopes) for name, scopes in (
        ("orders", ["screen"]),
        ("ops", ["admin"]),
        ("root", ["screen", "admin"]),
    )}  # fmt: skip
    return {name: key for name, (key, _) in made.items()} | {
        "_lines": "\n".join(line for _, line in made.values())
    }


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="module")
def client(keys: dict[str, str]) -> Iterator[TestClient]:
    boom = APIRouter()

    @boom.get("/v1/boom")
    def explode() -> None:
        raise RuntimeError("secret detail of a bug")

    app = create_app(
        ServiceConfig(), keys=parse_keys(keys["_lines"], "test"), routers=[lambda service: boom]
    )
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


def _check_headers(response: Any) -> None:
    for name, value in SECURITY_HEADERS:
        assert response.headers[name.decode()] == value.decode(), name


# --- screening ---------------------------------------------------------------------------------


def test_a_transaction_gives_the_record_the_cli_prints(
    client: TestClient, keys: dict[str, str], tmp_path: Path
) -> None:
    tx = zte_transactions()[3]
    path = tmp_path / "tx.json"
    path.write_text(json.dumps(tx), encoding="utf-8")
    code, out = cli("screen", path, "--json")
    response = client.post("/v1/screen", content=json.dumps(tx), headers=_auth(keys["orders"]))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.text == out.rstrip("\n")
    record = response.json()
    assert record["ruleset_fingerprint"] == load_rules().fingerprint
    assert record["outcome"] == ["clear", "review", "block"][code]
    _check_headers(response)


def test_as_of_screens_as_the_rules_stood_that_day(
    client: TestClient, keys: dict[str, str], rules: RuleSet
) -> None:
    tx = zte_transactions()[3]
    for day in ("2016-03-07", "2016-03-24", "2018-07-14"):
        response = client.post(
            f"/v1/screen?as_of={day}", content=json.dumps(tx), headers=_auth(keys["orders"])
        )
        decision = screen(tx, rules=rules, as_of=dt.date.fromisoformat(day))
        assert response.text == record_line(decision, parse_transaction(tx), rules=rules)


@pytest.mark.parametrize(
    ("body", "error", "path"),
    [
        (b'{"id": "x", "date": "2016-13-01"', "invalid JSON", None),
        (b"\xff\xfe", "invalid JSON", None),
        (b"[1, 2]", "invalid transaction", None),
        (b"", "invalid JSON", None),
    ],
)
def test_unreadable_bodies_are_422_with_the_reason(
    client: TestClient, keys: dict[str, str], body: bytes, error: str, path: str | None
) -> None:
    response = client.post("/v1/screen", content=body, headers=_auth(keys["orders"]))
    assert response.status_code == 422
    assert response.json()["error"] == error
    assert "Traceback" not in response.text
    _check_headers(response)


def test_a_bad_field_is_422_with_its_path_and_the_clis_message(
    client: TestClient, keys: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tx = zte_transactions()[0]
    tx["items"][0]["unit_value"] = "-5"
    tx["parties"][1]["country"] = "XX"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(tx), encoding="utf-8")
    code, _ = cli("screen", path)
    assert code == 3
    cli_message = capsys.readouterr().err.strip().removeprefix("error: ")
    response = client.post("/v1/screen", content=json.dumps(tx), headers=_auth(keys["orders"]))
    assert response.status_code == 422
    body = response.json()
    assert {p["path"] for p in body["problems"]} == {"items[0].unit_value", "parties[1].country"}
    # Each problem as the CLI words it (the CLI puts the file in front; a body has none).
    assert body["message"].startswith(f"invalid transaction '{tx['id']}' (2 problems):")
    for problem in body["problems"]:
        assert f"{problem['path']}: {problem['message']}" in cli_message


def test_a_bad_as_of_is_422_naming_it(client: TestClient, keys: dict[str, str]) -> None:
    response = client.post(
        "/v1/screen?as_of=2016-02-30", content=b"{}", headers=_auth(keys["orders"])
    )
    assert response.status_code == 422
    assert response.json()["problems"] == [
        {"path": "as_of", "message": "not a date (YYYY-MM-DD): '2016-02-30'"}
    ]


def test_a_body_over_the_limit_is_413_declared_or_streamed(
    client: TestClient, keys: dict[str, str]
) -> None:
    big = b'{"id": "' + b"x" * 1_000_001 + b'"}'
    response = client.post("/v1/screen", content=big, headers=_auth(keys["orders"]))
    assert response.status_code == 413
    _check_headers(response)

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(20):
            yield b" " * 100_000

    response = client.post("/v1/screen", content=chunks(), headers=_auth(keys["orders"]))
    assert response.status_code == 413
    assert response.json()["error"] == "too large"


# --- batch -------------------------------------------------------------------------------------


def test_batch_gives_what_screening_batch_writes_line_for_line(
    client: TestClient, keys: dict[str, str], rules: RuleSet, tmp_path: Path
) -> None:
    txs = numbered(zte_transactions(), 150)
    lines = [json.dumps(tx) for tx in txs]
    lines[7] = "{not json"
    lines[20] = json.dumps({"id": "short", "date": "2016-01-01"})
    lines.insert(30, "")  # a blank line holds no record
    body = "\n".join(lines) + "\n"
    source = tmp_path / "in.jsonl"
    source.write_text(body, encoding="utf-8")
    run_batch(str(source), str(tmp_path / "out.jsonl"), rules=rules, workers=1, progress=False)
    expected = (tmp_path / "out.jsonl").read_bytes()

    response = client.post("/v1/screen/batch", content=body, headers=_auth(keys["orders"]))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    assert response.content == expected
    out = [json.loads(line) for line in response.content.splitlines()]
    assert [r["index"] for r in out] == list(range(150))
    assert out[7]["error"].startswith("line 8: invalid JSON")
    assert out[7]["outcome"] == "review"
    assert "date" not in out[20]["error"]
    assert "items: missing required field" in out[20]["error"]


# --- search, rules -----------------------------------------------------------------------------


def test_search_answers_what_ruleset_search_does(
    client: TestClient, keys: dict[str, str], rules: RuleSet
) -> None:
    response = client.get(
        "/v1/search",
        params={"name": "Bei Jing 8Star Intl", "limit": 3},
        headers=_auth(keys["orders"]),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["matches"] == [m.to_dict() for m in rules.search("Bei Jing 8Star Intl", limit=3)]
    assert body["matches"][0]["entry_id"] == "beijing-8-star"
    assert "aligned" in body["matches"][0]["detail"]


@pytest.mark.parametrize(
    ("params", "path"),
    [
        ({"name": ""}, "name"),
        ({"name": "x", "limit": "0"}, "limit"),
        ({"name": "x", "limit": "ten"}, "limit"),
        ({"name": "x", "country": "XX"}, "country"),
        ({}, "name"),
    ],
)
def test_bad_search_parameters_are_422_naming_them(
    client: TestClient, keys: dict[str, str], params: dict[str, str], path: str
) -> None:
    response = client.get("/v1/search", params=params, headers=_auth(keys["orders"]))
    assert response.status_code == 422
    assert [p["path"] for p in response.json()["problems"]] == [path]


def test_rules_says_which_rule_set_answers(
    client: TestClient, keys: dict[str, str], rules: RuleSet
) -> None:
    body = client.get("/v1/rules", headers=_auth(keys["orders"])).json()
    assert (body["name"], body["version"], body["fingerprint"]) == (
        rules.name,
        rules.version,
        rules.fingerprint,
    )
    assert body["covers_from"] == "2010-01-01"
    assert body["files"] == dict(rules.digests)
    assert body["lists"] == []


# --- keys and scopes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "who", "status"),
    [
        ("post", "/v1/screen", None, 401),
        ("post", "/v1/screen", "nobody", 401),
        ("post", "/v1/screen", "ops", 403),
        ("get", "/v1/rules", "ops", 403),
        ("post", "/v1/admin/reload", "orders", 403),
        ("get", "/metrics", "orders", 403),
        ("get", "/openapi.json", None, 401),
        ("get", "/healthz", None, 200),
        ("get", "/readyz", None, 200),
        ("get", "/no/such/page", "root", 404),
    ],
)
def test_every_route_but_health_needs_a_key_with_its_scope(
    client: TestClient,
    keys: dict[str, str],
    method: str,
    path: str,
    who: str | None,
    status: int,
) -> None:
    headers = {} if who is None else {"X-API-Key": keys.get(who, "scr_not-a-key")}
    response = client.request(method, path, content=b"{}", headers=headers)
    assert response.status_code == status
    _check_headers(response)
    if status >= 400:
        assert set(response.json()) >= {"error", "message"}


def test_a_bug_is_a_bare_500_without_its_trace(client: TestClient, keys: dict[str, str]) -> None:
    response = client.get("/v1/boom", headers=_auth(keys["root"]))
    assert response.status_code == 500
    assert response.json() == {"error": "internal error", "message": "internal error (logged)"}
    _check_headers(response)


# --- reload ------------------------------------------------------------------------------------


def _rules_copy(tmp_path: Path) -> Path:
    directory = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), directory)
    return directory


def test_reload_swaps_the_rules_and_a_failed_one_keeps_them(
    keys: dict[str, str], tmp_path: Path
) -> None:
    directory = _rules_copy(tmp_path)
    config = ServiceConfig(rules=str(directory))
    app = create_app(config, keys=parse_keys(keys["_lines"], "test"))
    tx = json.dumps(zte_transactions()[3])
    with TestClient(app) as c:
        before = c.post("/v1/screen", content=tx, headers=_auth(keys["root"])).json()
        replace_once(directory / "ruleset.yaml", "possible: 0.82", "possible: 0.83")
        response = c.post("/v1/admin/reload", headers=_auth(keys["ops"]))
        assert response.status_code == 200
        body = response.json()
        assert body["changed"]
        assert body["previous_fingerprint"] == before["ruleset_fingerprint"]
        new = load_rules(directory).fingerprint
        assert body["fingerprint"] == new

        replace_once(directory / "listings.yaml", "entity:", "entiti:")
        response = c.post("/v1/admin/reload", headers=_auth(keys["ops"]))
        assert response.status_code == 422
        failed = response.json()
        assert failed["error"] == "reload failed"
        assert "listings.yaml" in failed["message"]
        assert "entiti" in failed["message"]
        assert failed["ruleset_fingerprint"] == new
        after = c.post("/v1/screen", content=tx, headers=_auth(keys["root"])).json()
        assert after["ruleset_fingerprint"] == new
        metrics = c.get("/metrics", headers=_auth(keys["ops"])).text
        assert "screening_reloads_ok_total 1" in metrics
        assert "screening_reloads_failed_total 1" in metrics


def test_requests_during_reloads_see_one_rule_set_or_the_other(
    keys: dict[str, str], tmp_path: Path
) -> None:
    """Screening threads race reloads that flip between two rule sets: each decision is exactly
    the uncached decision of the rule set its record names."""
    directory = _rules_copy(tmp_path)
    ruleset = directory / "ruleset.yaml"
    texts = [ruleset.read_text(encoding="utf-8")]
    texts.append(texts[0].replace("possible: 0.82", "possible: 0.99").replace("0.92", "0.995"))
    expected: dict[str, RuleSet] = {}
    for text in texts:
        ruleset.write_text(text, encoding="utf-8")
        loaded = load_rules(directory)
        expected[loaded.fingerprint] = loaded
    app = create_app(ServiceConfig(rules=str(directory)), keys=parse_keys(keys["_lines"], "t"))
    txs = numbered(zte_transactions(), 60)
    seen: list[str] = []
    problems: list[str] = []
    with TestClient(app) as c:

        def screen_all() -> None:
            for tx in txs:
                r = c.post("/v1/screen", content=json.dumps(tx), headers=_auth(keys["root"]))
                record = r.json()
                rules = expected[record["ruleset_fingerprint"]]
                want = record_line(screen(tx, rules=rules), parse_transaction(tx), rules=rules)
                seen.append(record["ruleset_fingerprint"])
                if r.text != want:
                    problems.append(tx["id"])

        threads = [threading.Thread(target=screen_all) for _ in range(3)]
        for t in threads:
            t.start()
        for i in range(12):
            ruleset.write_text(texts[i % 2], encoding="utf-8")
            assert c.post("/v1/admin/reload", headers=_auth(keys["ops"])).status_code == 200
        for t in threads:
            t.join()
    assert problems == []
    assert len(seen) == 180


# --- operations --------------------------------------------------------------------------------


def test_metrics_are_prometheus_text(client: TestClient, keys: dict[str, str]) -> None:
    client.post(
        "/v1/screen", content=json.dumps(zte_transactions()[3]), headers=_auth(keys["root"])
    )
    response = client.get("/metrics", headers=_auth(keys["root"]))
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = response.text
    fingerprint = load_rules().fingerprint
    assert 'screening_ruleset_info{name="zte-case",version="' in text
    assert f'fingerprint="{fingerprint}"}} 1' in text
    assert 'screening_http_requests_total{method="POST",route="/v1/screen",status="200"}' in text
    assert 'screening_http_request_duration_seconds_bucket{route="/v1/screen",le="+Inf"}' in text
    assert "screening_decisions_total{outcome=" in text
    for line in text.splitlines():  # every sample: name{labels} value
        if not line.startswith("#"):
            name_labels, value = line.rsplit(" ", 1)
            float(value)
            assert name_labels.startswith("screening_")


def test_openapi_has_the_transaction_schema_and_examples_that_screen(
    client: TestClient, keys: dict[str, str]
) -> None:
    doc = client.get("/openapi.json", headers=_auth(keys["orders"])).json()
    body = doc["paths"]["/v1/screen"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/Transaction"}
    schema = {"$ref": "#/components/schemas/Transaction", "components": doc["components"]}
    record = {"$ref": "#/components/schemas/DecisionRecord", "components": doc["components"]}
    assert body["examples"]
    for example in body["examples"].values():
        jsonschema.validate(example["value"], schema)
        response = client.post(
            "/v1/screen", content=json.dumps(example["value"]), headers=_auth(keys["orders"])
        )
        assert response.status_code == 200
        jsonschema.validate(response.json(), record)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"id": "x"}, schema)
    assert {"/v1/screen", "/v1/screen/batch", "/v1/search", "/v1/rules"} <= set(doc["paths"])


def test_openapi_declares_the_as_of_parameter_of_screen(
    client: TestClient, keys: dict[str, str]
) -> None:
    doc = client.get("/openapi.json", headers=_auth(keys["orders"])).json()
    params = doc["paths"]["/v1/screen"]["post"]["parameters"]
    assert [(p["name"], p["in"], p["required"]) for p in params] == [("as_of", "query", False)]


def test_the_framework_route_answers_as_the_direct_path(keys: dict[str, str]) -> None:
    """POST /v1/screen skips FastAPI's layers; the route FastAPI would serve (and documents)
    must answer the same bytes, statuses and headers."""
    tx = json.dumps(zte_transactions()[3]).encode()
    requests = [
        ("/v1/screen", tx, _auth(keys["orders"])),
        ("/v1/screen?as_of=2016-03-01", tx, _auth(keys["orders"])),
        ("/v1/screen?as_of=2016-02-30", tx, _auth(keys["orders"])),
        ("/v1/screen", b"{bad", _auth(keys["orders"])),
        ("/v1/screen", b'{"id": 3}', _auth(keys["orders"])),
        ("/v1/screen", tx, {}),
        ("/v1/screen", tx, _auth(keys["ops"])),
    ]
    answers = []
    for direct in (True, False):
        app = create_app(ServiceConfig(), keys=parse_keys(keys["_lines"], "test"))
        if not direct:
            app.direct = None  # type: ignore[attr-defined]
        with TestClient(app) as c:
            answers.append(
                [
                    (r.status_code, r.content, sorted(r.headers.items()))
                    for r in (c.post(path, content=body, headers=h) for path, body, h in requests)
                ]
            )
    assert [a[0] for a in answers[0]] == [200, 200, 422, 422, 422, 401, 403]
    assert answers[0] == answers[1]


@SETTINGS
@given(
    st.one_of(
        json_values(),
        transactions().map(lambda tx: {**tx, "metadata": {"x": float("nan")}}),
        st.tuples(transactions(), st.text(), json_values()).map(
            lambda t: {**t[0], t[1]: t[2]}  # an extra key, or a known key with any value
        ),
    )
)
def test_no_body_gets_a_500(client: TestClient, keys: dict[str, str], data: Any) -> None:
    """Whatever JSON arrives (NaN included, which Python's parser accepts), the answer is a
    record or a 422 that says why."""
    body = json.dumps(data)
    response = client.post("/v1/screen", content=body, headers=_auth(keys["orders"]))
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert response.json()["message"]
