"""The review desk over HTTP, in-process (FastAPI's TestClient) on SQLite and, when
SCREENING_TEST_POSTGRES is set, PostgreSQL: screening with ``--store`` opens the cases the
library opens, the queue filters and sorts, a decision is recorded under the key's principal
and the next screening shows it; conflicts are 409, hits that cannot be disposed of 422.
The reviewer's page is checked here for its security (login, cookie, CSRF, headers,
escaping); ``test_review_browser.py`` drives it in a real browser."""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.clirun import cli
from helpers.review import near_miss
from helpers.zte import zte_transactions
from screening import load_rules, parse_transaction, screen
from screening.batch import run_batch
from screening.service import ServiceConfig, create_app, new_key, parse_keys
from screening.service._page import SESSION_COOKIE
from screening.store import open_store

PG = os.environ.get("SCREENING_TEST_POSTGRES")


def _fresh_pg_url() -> str:
    import psycopg

    name = "sv_" + uuid.uuid4().hex[:12]
    with psycopg.connect(PG, autocommit=True) as conn:  # type: ignore[arg-type]
        conn.execute(f"CREATE DATABASE {name}")  # type: ignore[arg-type]
    base, _, _ = PG.rpartition("/")  # type: ignore[union-attr]
    return f"{base}/{name}"


@pytest.fixture(scope="module")
def keys() -> dict[str, str]:
    made = {name: new_key(name, scopes) for name, scopes in (
        ("alice", ["screen", "review"]),
        ("bob", ["review"]),
        ("orders", ["screen"]),
    )}  # fmt: skip
    return {name: key for name, (key, _) in made.items()} | {
        "_lines": "\n".join(line for _, line in made.values())
    }


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(PG is None, reason="SCREENING_TEST_POSTGRES not set"),
        ),
    ]
)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'screening.db'}"
    return _fresh_pg_url()


@pytest.fixture
def client(store_url: str, keys: dict[str, str]) -> Iterator[TestClient]:
    config = ServiceConfig(store=store_url, session_secret="test-secret")
    app = create_app(config, keys=parse_keys(keys["_lines"], "test"))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _screen(client: TestClient, key: str, tx: dict[str, Any]) -> dict[str, Any]:
    r = client.post("/v1/screen", json=tx, headers=_auth(key))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


# --- the API ---------------------------------------------------------------------------------


def test_screening_opens_the_cases_the_library_opens(
    client: TestClient, keys: dict[str, str], store_url: str, tmp_path: Path
) -> None:
    txs = zte_transactions()
    for tx in txs:
        _screen(client, keys["alice"], tx)
    listed = client.get("/v1/cases", headers=_auth(keys["bob"])).json()["cases"]
    rules = load_rules()
    with open_store(f"sqlite:///{tmp_path / 'library.db'}") as lib:
        for tx in txs:
            screen(parse_transaction(tx), rules=rules, store=lib)
        expected = [c.to_dict() for c in lib.list_cases()]
    strip = ("opened_at", "updated_at")
    assert [{k: v for k, v in c.items() if k not in strip} for c in listed] == [
        {k: v for k, v in c.items() if k not in strip} for c in expected
    ]
    assert listed, "the ZTE scenarios open review cases"


def test_batch_with_a_store_opens_the_same_cases(
    client: TestClient, keys: dict[str, str], tmp_path: Path
) -> None:
    txs = zte_transactions()
    body = "\n".join(json.dumps(tx) for tx in txs) + "\n"
    r = client.post("/v1/screen/batch", content=body.encode(), headers=_auth(keys["alice"]))
    assert r.status_code == 200
    assert len(r.text.splitlines()) == len(txs)
    listed = client.get("/v1/cases", headers=_auth(keys["bob"])).json()["cases"]
    source = tmp_path / "in.jsonl"
    source.write_text(body, encoding="utf-8")
    lib_url = f"sqlite:///{tmp_path / 'batch.db'}"
    run_batch(
        str(source), str(tmp_path / "out.jsonl"), rules=load_rules(), store=lib_url, workers=1
    )
    with open_store(lib_url) as lib:
        assert [c["id"] for c in listed] == [c.id for c in lib.list_cases()]


def test_a_decision_is_the_principals_and_the_next_screening_shows_it(
    client: TestClient, keys: dict[str, str]
) -> None:
    tx = near_miss()
    first = _screen(client, keys["alice"], tx)
    assert first["outcome"] == "review"
    (case,) = client.get("/v1/cases", headers=_auth(keys["bob"])).json()["cases"]
    shown = client.get(f"/v1/cases/{case['id']}", headers=_auth(keys["bob"])).json()
    assert shown["transaction"]["parties"][2]["name"] == "ZTEC Corporation"
    r = client.post(
        f"/v1/cases/{case['id']}/decision",
        json={
            "decision": "false_positive",
            "reason": "a different company",
            "expires": "2030-01-01",
        },
        headers=_auth(keys["bob"]),
    )
    assert r.status_code == 201, r.text
    disposition = r.json()
    assert disposition["reviewer"] == "bob"
    assert disposition["expires"] == "2030-01-01"
    assert client.get("/v1/cases", headers=_auth(keys["bob"])).json()["cases"] == []
    again = _screen(client, keys["alice"], tx)
    assert again["outcome"] == "clear"
    (hit,) = again["hits"]
    assert hit["disposition"]["id"] == disposition["id"]


def test_a_true_match_blocks_the_next_screening(client: TestClient, keys: dict[str, str]) -> None:
    tx = near_miss("tx-true")
    _screen(client, keys["alice"], tx)
    (case,) = client.get("/v1/cases", headers=_auth(keys["bob"])).json()["cases"]
    r = client.post(
        f"/v1/cases/{case['id']}/decision",
        json={"decision": "true_match", "reason": "the listed company"},
        headers=_auth(keys["alice"]),
    )
    assert r.status_code == 201
    assert _screen(client, keys["alice"], tx)["outcome"] == "block"


def test_a_second_decision_and_a_stale_version_are_conflicts(
    client: TestClient, keys: dict[str, str]
) -> None:
    _screen(client, keys["alice"], near_miss())
    (case,) = client.get("/v1/cases", headers=_auth(keys["bob"])).json()["cases"]
    url = f"/v1/cases/{case['id']}/decision"
    stale = {"decision": "true_match", "reason": "r", "version": case["version"] + 7}
    r = client.post(url, json=stale, headers=_auth(keys["bob"]))
    assert r.status_code == 409
    assert "changed" in r.json()["message"]
    ok = {"decision": "false_positive", "reason": "r", "version": case["version"]}
    assert client.post(url, json=ok, headers=_auth(keys["bob"])).status_code == 201
    hit_id = case["hits"][0]["hit_id"]
    r = client.post(
        url, json={**ok, "hit_id": hit_id, "version": None}, headers=_auth(keys["alice"])
    )
    assert r.status_code == 409
    assert r.json()["message"].startswith(
        f"hit {hit_id} of case {case['id']} was already decided by bob"
    )


def test_hits_that_cannot_be_disposed_of_are_422(client: TestClient, keys: dict[str, str]) -> None:
    _screen(client, keys["alice"], zte_transactions()[3])  # a listing hit and a general licence
    (case,) = client.get("/v1/cases", headers=_auth(keys["bob"])).json()["cases"]
    url = f"/v1/cases/{case['id']}/decision"
    other = next(h for h in case["hits"] if not h["disposable"])
    r = client.post(
        url,
        json={"decision": "false_positive", "reason": "r", "hit_id": other["hit_id"]},
        headers=_auth(keys["bob"]),
    )
    assert r.status_code == 422
    assert "only name-match hits can be disposed of" in r.json()["message"]
    r = client.post(
        url,
        json={"decision": "false_positive", "reason": "r", "hit_id": "nope"},
        headers=_auth(keys["bob"]),
    )
    assert (r.status_code, r.json()["problems"][0]["path"]) == (422, "hit_id")
    r = client.post(url, json={"decision": "maybe", "reason": "r"}, headers=_auth(keys["bob"]))
    assert (r.status_code, r.json()["problems"][0]["path"]) == (422, "decision")
    r = client.post(url, json={"decision": "true_match", "reason": ""}, headers=_auth(keys["bob"]))
    assert (r.status_code, r.json()["problems"][0]["path"]) == (422, "reason")
    r = client.post(
        "/v1/cases/case-000000000000/decision",
        json={"decision": "true_match", "reason": "r"},
        headers=_auth(keys["bob"]),
    )
    assert r.status_code == 404
    assert (
        client.get("/v1/cases", headers=_auth(keys["bob"])).json()["cases"][0]["version"]
        == case["version"]
    )


def test_the_review_routes_need_the_review_scope(client: TestClient, keys: dict[str, str]) -> None:
    assert client.get("/v1/cases").status_code == 401
    r = client.get("/v1/cases", headers=_auth(keys["orders"]))
    assert r.status_code == 403
    assert "lacks the 'review' scope" in r.json()["message"]
    r = client.post("/v1/cases/x/decision", json={}, headers=_auth(keys["orders"]))
    assert r.status_code == 403


def test_the_queue_filters_and_sorts(client: TestClient, keys: dict[str, str]) -> None:
    for tx in zte_transactions():
        _screen(client, keys["alice"], tx)
    _screen(client, keys["alice"], near_miss())
    get = lambda q: client.get(f"/v1/cases?{q}", headers=_auth(keys["bob"]))  # noqa: E731
    every = get("").json()["cases"]
    assert len(every) >= 3
    assert [c["id"] for c in get("sort=newest").json()["cases"]] == [
        c["id"] for c in sorted(every, key=lambda c: (c["opened_at"], c["id"]), reverse=True)
    ]
    scores = [max((h["score"] or 0) for h in c["hits"]) for c in get("sort=score").json()["cases"]]
    assert scores == sorted(scores, reverse=True)
    on_el = get("list=Entity List").json()["cases"]
    assert on_el
    assert len(on_el) < len(every)
    assert all(any(h["kind"] == "listing" for h in c["hits"]) for c in on_el)
    assert get("outcome=block").json()["cases"] == []  # an open case is a review
    assert len(get("outcome=review").json()["cases"]) == len(every)
    assert get("age=1").json()["cases"] == []  # opened just now
    assert len(get("age=0&limit=2").json()["cases"]) == 2
    r = get("sort=sideways")
    assert (r.status_code, r.json()["problems"][0]["path"]) == (422, "sort")
    r = get("age=-1")
    assert r.status_code == 422


def test_without_a_store_there_is_no_review_desk(keys: dict[str, str]) -> None:
    app = create_app(ServiceConfig(), keys=parse_keys(keys["_lines"], "test"))
    with TestClient(app) as c:
        assert c.get("/v1/cases", headers=_auth(keys["bob"])).status_code == 404
        assert c.get("/review").status_code == 404


def test_an_unusable_store_stops_the_start(keys: dict[str, str], tmp_path: Path) -> None:
    config = ServiceConfig(store=f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
    app = create_app(config, keys=parse_keys(keys["_lines"], "test"))
    with pytest.raises(Exception, match="no such directory"), TestClient(app):
        pass


# --- the page's security ---------------------------------------------------------------------


def _login(client: TestClient, key: str) -> Any:
    form = client.get("/review/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token is not None
    return client.post(
        "/review/login", data={"csrf": token.group(1), "key": key}, follow_redirects=False
    )


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("path", ["/review", "/review/cases/case-000000000000"])
def test_the_page_needs_a_login(client: TestClient, path: str) -> None:
    r = client.get(path, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/review/login")


def test_login_sets_a_strict_httponly_signed_cookie(
    client: TestClient, keys: dict[str, str]
) -> None:
    assert _login(client, keys["orders"]).status_code == 401  # no review scope
    assert _login(client, "scr_not-a-key").status_code == 401
    r = _login(client, keys["bob"])
    assert (r.status_code, r.headers["location"]) == (303, "/review")
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/review" in cookie
    page = client.get("/review")
    assert page.status_code == 200
    assert "Signed in as <strong>bob</strong>" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src" not in csp
    assert "default-src 'none'" in csp
    assert "unsafe" not in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"


def test_login_without_its_csrf_token_is_refused(client: TestClient, keys: dict[str, str]) -> None:
    client.get("/review/login")
    r = client.post(
        "/review/login", data={"csrf": "forged", "key": keys["bob"]}, follow_redirects=False
    )
    assert r.status_code == 403
    assert SESSION_COOKIE not in r.cookies


def test_a_decision_needs_the_sessions_csrf_token(client: TestClient, keys: dict[str, str]) -> None:
    _screen(client, keys["alice"], near_miss())
    (case,) = client.get("/v1/cases", headers=_auth(keys["bob"])).json()["cases"]
    _login(client, keys["bob"])
    form = {"hit_id": case["hits"][0]["hit_id"], "decision": "false_positive", "reason": "r"}
    url = f"/review/cases/{case['id']}/decision"
    for token in ({}, {"csrf": "forged"}):
        r = client.post(url, data={**form, **token}, follow_redirects=False)
        assert r.status_code == 403
    page = client.get(f"/review/cases/{case['id']}")
    r = client.post(url, data={**form, "csrf": _csrf(page.text)}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/review?decided=")
    (hit,) = client.get(f"/v1/cases/{case['id']}", headers=_auth(keys["bob"])).json()["hits"]
    assert hit["disposition"] is not None
    r = client.post(url, data={**form, "csrf": _csrf(page.text)}, follow_redirects=False)
    assert r.status_code == 409
    assert "already decided by bob" in r.text


def test_the_case_page_escapes_what_it_shows(client: TestClient, keys: dict[str, str]) -> None:
    tx = near_miss()
    tx["parties"][1]["name"] = "Trading <script>alert(1)</script> Co."
    _screen(client, keys["alice"], tx)
    cases = client.get("/v1/cases", headers=_auth(keys["bob"])).json()["cases"]
    _login(client, keys["bob"])
    page = client.get(f"/review/cases/{cases[0]['id']}")
    assert page.status_code == 200
    assert "<script>" not in page.text
    assert "&lt;script&gt;" in page.text
    for shown in ("ZTE Corporation", "15 CFR 744.11", "Name alignment", "kind: listing"):
        assert shown in page.text, shown


@settings(max_examples=25, deadline=None)
@given(position=st.integers(min_value=0, max_value=10_000), char=st.sampled_from("AaZz09-_."))
def test_a_tampered_session_cookie_is_no_session(
    position: int, char: str, keys: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    app = _page_app(keys, tmp_path_factory)
    with TestClient(app) as c:
        cookie = _login(c, keys["bob"]).cookies[SESSION_COOKIE]
        i = position % len(cookie)
        if cookie[i] == char:
            return
        c.cookies.set(SESSION_COOKIE, cookie[:i] + char + cookie[i + 1 :], path="/review")
        r = c.get("/review", follow_redirects=False)
        assert r.status_code == 303


_APPS: dict[str, Any] = {}


def _page_app(keys: dict[str, str], factory: pytest.TempPathFactory) -> Any:
    if "app" not in _APPS:
        url = f"sqlite:///{factory.mktemp('tamper') / 's.db'}"
        _APPS["app"] = create_app(
            ServiceConfig(store=url, session_secret="s"), keys=parse_keys(keys["_lines"], "t")
        )
    return _APPS["app"]


@pytest.mark.parametrize("where", ["--store", "SCREENING_STORE"])
def test_serve_with_an_unusable_store_exits_3_before_listening(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'no-such-dir' / 'review.db'}"
    if where == "SCREENING_STORE":
        monkeypatch.setenv("SCREENING_STORE", url)
        code, _ = cli("serve", "--port", "1")
    else:
        code, _ = cli("serve", "--store", url, "--port", "1")
    assert code == 3
    assert "no such directory" in capsys.readouterr().err
