import pytest

from isac.index import FORMAT_VERSION


def test_health(client):
    r = client.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["entries"] == 6 and body["index_format"] == FORMAT_VERSION and body["index_version"]


def test_search(client):
    r = client.get("/api/search", params={"q": "vado per al garatge", "k": 3})
    assert r.status_code == 200
    body = r.json()
    assert body["results"][0]["id"] == "gual"
    assert len(body["results"]) == 3
    assert {"id", "title", "score", "url"} <= set(body["results"][0])


def test_search_lang_override(client):
    r = client.get("/api/search", params={"q": "multa", "lang": "es"})
    assert r.status_code == 200 and r.json()["lang"] == "es"


def test_ask_answer_has_card_and_channels(client):
    r = client.post("/api/ask", json={"question": "quant costa recuperar el cotxe de la grua?"})
    body = r.json()
    assert r.status_code == 200 and body["status"] == "answer"
    assert body["answer"]["id"] == "grua-vehicle-retirat" and body["answer"]["section"] == "cost"
    # the fixture's grua entry has no specific page, so no fitxa chip: only the channels its `how` names
    assert body["answer"]["url"] is None
    assert {link["kind"] for link in body["answer"]["links"]} == {"010"}


def test_ask_out_of_scope_gives_fallback(client):
    r = client.post("/api/ask", json={"question": "quin temps farà demà a París?"})
    body = r.json()
    assert body["status"] == "none" and body["answer"] is None
    # another administration's topic: its own link, never municipal chips that cannot help
    assert [link["kind"] for link in body["fallback"]["links"]] == ["outside"]
    assert body["fallback"]["links"][0]["url"].startswith("https://www.meteo.cat")
    assert body["fallback"]["route"] == "temps"
    assert "Meteorològic" in body["fallback"]["message"]


def test_ask_unknown_subject_gives_the_generic_fallback(client):
    r = client.post("/api/ask", json={"question": "xzqv bloop wibble"})
    body = r.json()
    assert body["status"] == "none" and body["fallback"]["route"] is None
    assert "010" in body["fallback"]["message"]


def test_entry_has_both_languages(client):
    r = client.get("/api/entries/padro-alta")
    body = r.json()
    assert r.status_code == 200
    assert body["ca"]["title"].startswith("Alta al padró") and body["es"]["title"].startswith("Alta en el padrón")


@pytest.mark.parametrize("url,fragment", [
    ("/api/search?q=", "empty"),
    ("/api/search?q=%20%20", "empty"),
    ("/api/search?q=" + "a" * 501, "at most 500"),
    ("/api/search?q=gual&k=0", "greater than or equal to 1"),
    ("/api/search?q=gual&k=999", "less than or equal to 50"),
    ("/api/search?q=gual&k=abc", "integer"),
    ("/api/search?q=gual&lang=fr", "lang"),
    ("/api/search", "q is required"),
    ("/api/search?q=%FF%FE", "undecodable"),
])
def test_search_bad_input_is_4xx_with_message(client, url, fragment):
    r = client.get(url)
    assert r.status_code == 422
    assert fragment in r.json()["detail"]


def test_unknown_entry_is_404(client):
    r = client.get("/api/entries/no-such-thing")
    assert r.status_code == 404 and "no-such-thing" in r.json()["detail"]


@pytest.mark.parametrize("kwargs,status,fragment", [
    ({"content": b"{bad json", "headers": {"content-type": "application/json"}}, 422, "not valid JSON"),
    ({"content": b'{"question": "\xff\xfe"}', "headers": {"content-type": "application/json"}}, 400, "UTF-8"),
    ({"json": {}}, 422, "question is required"),
    ({"json": {"question": ""}}, 422, "at least 1"),
    ({"json": {"question": "   "}}, 422, "empty"),
    ({"json": {"question": "x" * 501}}, 422, "at most 500"),
    ({"json": {"question": 42}}, 422, "string"),
])
def test_ask_bad_input_is_4xx_with_message(client, kwargs, status, fragment):
    r = client.post("/api/ask", **kwargs)
    assert r.status_code == status
    assert fragment in r.json()["detail"]


def test_openapi_docs(client):
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/search", "/api/ask", "/api/entries/{entry_id}", "/health"} <= set(paths)


def test_without_an_index_health_says_why(tmp_path):
    from fastapi.testclient import TestClient

    from isac.api.app import create_app
    from isac.settings import Settings

    app = create_app(Settings(index_dir=tmp_path / "missing"))
    with TestClient(app) as c:
        r = c.get("/health")
        assert r.status_code == 503 and "isac build" in r.json()["detail"]
        r = c.get("/api/search", params={"q": "gual"})
        assert r.status_code == 503 and "isac build" in r.json()["detail"]


def test_default_k_comes_from_settings(engine, settings_for):
    from fastapi.testclient import TestClient

    from isac.api.app import create_app

    with TestClient(create_app(settings_for(k=2), engine=engine)) as c:
        assert len(c.get("/api/search", params={"q": "padró"}).json()["results"]) == 2


def test_entry_whose_page_is_the_seu_gets_one_seu_link(client):
    links = client.get("/api/entries/ibi").json()["links"]
    assert [link["kind"] for link in links].count("seu") == 1
    assert "fitxa" not in [link["kind"] for link in links]
