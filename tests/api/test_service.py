"""What operators rely on: limits, headers, health, metrics, admin, offline docs, privacy."""

from __future__ import annotations

import logging
import re

import pytest
from fastapi.testclient import TestClient

PLANTED = {
    "dni": "12345678Z", "nie": "X1234567L", "phone": "612 34 56 78", "email": "pep.garcia@example.cat",
    "iban": "ES91 2100 0418 4502 0005 1332", "card": "4111 1111 1111 1111",
}


@pytest.fixture()
def make_client(engine, settings_for, tmp_path):
    from isac.api.app import create_app

    def make(**kw):
        kw.setdefault("data_dir", tmp_path / "data")
        kw.setdefault("rate_limit", "")
        return TestClient(create_app(settings_for(**kw), engine=engine))

    return make


def test_request_body_over_the_limit_is_413(client):
    r = client.post("/api/ask", content=b'{"question": "' + b"x" * 20_000 + b'"}',
                    headers={"content-type": "application/json"})
    assert r.status_code == 413 and "bytes" in r.json()["detail"]


def test_rate_limit_answers_429_with_retry_after(make_client):
    with make_client(rate_limit="3/minute") as c:
        codes = [c.get("/api/search", params={"q": "gual"}).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = c.get("/api/search", params={"q": "gual"})
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert c.get("/health").status_code == 200  # health is never limited


def test_forwarded_address_only_from_a_trusted_proxy():
    from isac.api.middleware import client_address

    scope = {"client": ("10.0.0.2", 1), "headers": [(b"x-forwarded-for", b"203.0.113.9, 10.0.0.2")]}
    assert client_address(scope, frozenset()) == "10.0.0.2"
    assert client_address(scope, frozenset({"10.0.0.2"})) == "203.0.113.9"


def test_security_headers_on_json_too(client):
    r = client.get("/api/search", params={"q": "gual"})
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "SAMEORIGIN"
    assert "server" not in r.headers


def test_405_keeps_its_allow_header(client):
    r = client.get("/api/ask")
    assert r.status_code == 405 and "POST" in r.headers["allow"]


def test_health_live_and_ready(client):
    assert client.get("/health/live").json() == {"status": "alive"}
    ready = client.get("/health/ready")
    assert ready.status_code == 200 and ready.json()["index_version"]


def test_health_without_an_index_says_what_to_do_without_internal_paths(tmp_path):
    from isac.api.app import create_app
    from isac.settings import Settings

    app = create_app(Settings(index_dir=tmp_path / "nowhere", data_dir=tmp_path / "d", rate_limit="", encoder="hash"))
    with TestClient(app) as c:
        for path in ("/health", "/health/ready"):
            r = c.get(path)
            assert r.status_code == 503 and "isac build" in r.json()["detail"]
            assert str(tmp_path) not in r.text and ".py" not in r.text
        assert c.get("/health/live").status_code == 200


def test_metrics_count_requests_and_answers(client):
    client.post("/api/ask", json={"question": "vull un gual"})
    text = client.get("/metrics").text
    assert 'isac_requests_total{method="POST",route="/api/ask",status="200"}' in text
    assert re.search(r'isac_answers_total\{status="(answer|clarify|none)"\} 1\.0', text)
    assert "isac_index_built_timestamp_seconds" in text and "isac_stage_latency_ms_bucket" in text


def test_admin_routes_need_the_token(make_client):
    with make_client() as c:
        assert c.post("/admin/reload").status_code == 404  # off without a token
    with make_client(admin_token="s3cret") as c:
        assert c.post("/admin/reload").status_code == 401
        r = c.post("/admin/reload", headers={"Authorization": "Bearer wrong"})
        assert r.status_code == 401
        r = c.post("/admin/reload", headers={"Authorization": "Bearer s3cret"})
        assert r.status_code == 200 and r.json()["outcome"] in {"reloaded", "unchanged"}


def test_docs_work_offline(client):
    for path in ("/docs", "/redoc"):
        html = client.get(path).text
        external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
        assert not external, (path, external)
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


def test_planted_personal_data_reaches_neither_disk_nor_logs(client, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    text = "el meu DNI {dni}, NIE {nie}, mòbil {phone}, correu {email}, IBAN {iban}, targeta {card}".format(**PLANTED)
    client.get("/api/search", params={"q": text[:480]})
    client.post("/api/ask", json={"question": text[:480]})
    sid = client.post("/api/chat", json={"message": text[:480]}).json()["session_id"]
    client.post("/api/chat", json={"message": "i quant costa?", "session_id": sid})
    client.post("/api/feedback", json={"useful": False, "question": text, "comment": text})
    client.get("/api/suggest", params={"q": text[:200]})
    stored = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())
    # the test client's own request log (httpx) is not the service's
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    for name, value in PLANTED.items():
        compact = value.replace(" ", "")
        for blob in (stored.decode("utf-8", "replace"), logged):
            assert value not in blob and compact not in blob, name


def test_a_cached_answer_records_no_stage_timings(client):
    def encodes():
        text = client.get("/metrics").text
        line = next(x for x in text.splitlines() if x.startswith('isac_stage_latency_ms_count{stage="encode"}'))
        return float(line.split()[-1])

    client.post("/api/ask", json={"question": "vull un gual per al garatge"})
    after_first = encodes()
    client.post("/api/ask", json={"question": "Vull un gual per al garatge?"})  # same key: a cache hit
    assert encodes() == after_first
    assert 'isac_cache_total{outcome="hit"} 1.0' in client.get("/metrics").text


def test_worker_threads_caps_the_requests_computed_at_once(make_client):
    import anyio.to_thread

    with make_client(worker_threads=3) as c:
        tokens = c.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens)
        assert tokens == 3
        # the capped pool still answers, and suggestions (on the event loop) too
        assert c.get("/api/search", params={"q": "gual"}).status_code == 200
        assert c.get("/api/suggest", params={"q": "gu"}).status_code == 200
