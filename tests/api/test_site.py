"""The site routes: /api/suggest, /api/chat, /api/feedback, the demo page and the widget."""

from __future__ import annotations

from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "isac" / "web"


@pytest.fixture()
def reports(client, tmp_path) -> Path:
    """Unanswered questions and feedback go to the temporary folder the client fixture set."""
    return tmp_path / "reports"


def use_engine(client, engine):
    """Swap the served engine the way a reload does: chat and suggester with it."""
    from isac.api.app import attach_engine

    attach_engine(client.app, engine)


@pytest.fixture(autouse=True)
def _isolated(reports):
    return reports


def chat(client, message, session_id=None, **extra):
    body = {"message": message, **extra}
    if session_id:
        body["session_id"] = session_id
    r = client.post("/api/chat", json=body)
    assert r.status_code == 200, r.text
    return r.json()


# -- suggest ----------------------------------------------------------------------------------
def test_suggest_completes_what_is_typed(client):
    r = client.get("/api/suggest", params={"q": "empadr"})
    assert r.status_code == 200
    data = r.json()
    assert data["query"] == "empadr"
    assert 0 < len(data["suggestions"]) <= 8
    assert {s["entry_id"] for s in data["suggestions"]} <= {"padro-alta", "padro-volant"}
    assert {"text", "entry_id", "kind", "lang"} <= set(data["suggestions"][0])
    assert data["took_ms"] < 20


def test_suggest_tolerates_accents_and_typos(client):
    plain = client.get("/api/suggest", params={"q": "llicencia de gual"}).json()["suggestions"]
    assert plain[0]["text"] == "Llicència de gual"
    typo = client.get("/api/suggest", params={"q": "deixaleria"}).json()["suggestions"]
    assert typo and typo[0]["entry_id"] == "deixalleria"


def test_suggest_follows_the_asked_language(client):
    """The page asks in its language, the widget in the conversation's: that language first."""
    for lang in ("ca", "es"):
        data = client.get("/api/suggest", params={"q": "ibi", "lang": lang}).json()["suggestions"]
        assert data and data[0]["lang"] == lang


def test_suggest_matches_finished_words_as_words(client):
    """Issue 14: a finished word is matched as a word, the one being typed by its prefix, never a stray passage."""
    data = client.get("/api/suggest", params={"q": "la grua s'ha "}).json()["suggestions"]
    assert data and {s["entry_id"] for s in data} == {"grua-vehicle-retirat"}
    assert data[0]["text"] == "La grua s'ha endut el cotxe"  # the literal completion first
    assert client.get("/api/suggest", params={"q": "quant costa el gual"}).json()["suggestions"] == []


def test_suggester_is_built_once_and_cached(client):
    client.get("/api/suggest", params={"q": "a"})
    first = client.app.state.suggester
    client.get("/api/suggest", params={"q": "b"})
    assert client.app.state.suggester is first


@pytest.mark.parametrize("params, needle", [
    ({}, "q"), ({"q": ""}, "q"), ({"q": "x" * 501}, "q"), ({"q": "padro", "limit": 9}, "limit"),
    ({"q": "padro", "lang": "fr"}, "lang"),
])
def test_suggest_rejects_bad_input(client, params, needle):
    r = client.get("/api/suggest", params=params)
    assert r.status_code == 422
    assert needle in r.json()["detail"]


def test_suggest_blank_is_empty_not_an_error(client):
    r = client.get("/api/suggest", params={"q": "   "})
    assert r.status_code == 200 and r.json()["suggestions"] == []


# -- chat ------------------------------------------------------------------------------------------
def test_chat_answers_with_a_card_and_a_session(client):
    data = chat(client, "com m'empadrono?")
    assert len(data["session_id"]) >= 20
    reply = data["reply"]
    assert reply["status"] == "answer" and reply["lang"] == "ca"
    card = reply["cards"][0]
    assert card["id"] == "padro-alta" and card["url"].startswith("https://")
    # the fixture's alta is done in person with cita prèvia: only the channels its `how` names
    assert [link["kind"] for link in card["links"]] == ["fitxa", "cita"]
    assert reply["followups"] and reply["options"] == [] and reply["followup"] is False


def test_chat_followups_keep_the_session(client):
    sid = chat(client, "com m'empadrono?")["session_id"]
    cost = chat(client, "i quant costa?", sid)
    assert cost["session_id"] == sid
    assert cost["reply"]["cards"][0]["id"] == "padro-alta"
    assert cost["reply"]["cards"][0]["section"] == "cost" and cost["reply"]["followup"] is True
    docs = chat(client, "y qué documentos necesito?", sid)["reply"]
    assert docs["lang"] == "es" and docs["cards"][0]["section_title"] == "Documentación"


def test_chat_unknown_session_starts_a_new_one(client):
    data = chat(client, "i quant costa?", "abcdefghijklmnop")
    assert data["session_id"] != "abcdefghijklmnop"
    assert data["reply"]["followup"] is False


def test_chat_small_talk(client):
    reply = chat(client, "bon dia!")["reply"]
    assert reply["status"] == "smalltalk" and reply["cards"] == [] and reply["lang"] == "ca"
    assert chat(client, "¡Muchas gracias!")["reply"]["lang"] == "es"


def test_chat_clarification_buttons(client, engine):
    import dataclasses

    from isac.engine import Engine

    use_engine(client, Engine(engine.index, engine.encoder,
                              dataclasses.replace(engine.config, clarify_margin=10.0, answer_threshold=0.0)))
    data = chat(client, "quant costa el padró?")
    reply = data["reply"]
    assert reply["status"] == "clarify" and reply["text"]
    assert {"padro-alta", "padro-volant"} <= {o["id"] for o in reply["options"]}
    option = next(o for o in reply["options"] if o["id"] == "padro-volant")
    picked = chat(client, option["title"], data["session_id"], option_id=option["id"])["reply"]
    assert picked["cards"][0]["id"] == "padro-volant" and picked["cards"][0]["section"] == "cost"


def test_chat_unanswered_is_logged(client, engine, reports):
    import dataclasses

    from isac.engine import Engine

    # an engine that answers nothing, so the test does not hang on calibration
    use_engine(client, Engine(engine.index, engine.encoder,
                              dataclasses.replace(engine.config, answer_threshold=1.01)))
    reply = chat(client, "quina és la capital de Mongòlia?")["reply"]
    assert reply["status"] == "none"
    assert {link["kind"] for link in reply["links"]} == {"seu", "cita", "010"}

    rows = client.app.state.store.rows("unanswered")
    assert rows[-1][2] == "quina és la capital de Mongòlia?"


@pytest.mark.parametrize("body, needle", [
    ({"message": ""}, "empty"),
    ({"message": "   "}, "empty"),
    ({"message": "x" * 501}, "limit is 500"),
    ({}, "message is required"),
    ({"message": 42}, "message"),
    ({"message": "hola", "session_id": "bad id!"}, "session_id"),
    ({"message": "hola", "session_id": "x" * 65}, "session_id"),
])
def test_chat_rejects_bad_input(client, body, needle):
    r = client.post("/api/chat", json=body)
    assert r.status_code == 422, r.text
    assert needle in r.json()["detail"]


@pytest.mark.parametrize("raw, status", [
    (b'{"message": "hola"', 422),     # cut short
    (b"not json", 422),
    (b'"hola"', 422),                 # JSON, but not an object
    (b"[]", 422),
    (b"", 422),
    (b'{"message": "\xff\xfe"}', 400),  # not UTF-8
])
def test_chat_malformed_bodies_are_4xx_with_the_right_example(client, raw, status):
    r = client.post("/api/chat", content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert '"message"' in detail or "message" in detail, detail


def test_other_routes_keep_their_own_error_messages(client):
    r = client.post("/api/ask", content=b"{", headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and "question" in r.json()["detail"]


# -- feedback -------------------------------------------------------------------------------------
def test_feedback_is_recorded(client, reports):
    sid = chat(client, "com m'empadrono?")["session_id"]
    body = {"session_id": sid, "question": "com m'empadrono?", "entry_id": "padro-alta", "useful": True,
            "comment": "molt clar"}
    r = client.post("/api/feedback", json=body)
    assert r.status_code == 200 and r.json() == {"status": "recorded"}
    r = client.post("/api/feedback", json={"useful": False})
    assert r.status_code == 200
    rows = client.app.state.store.rows("feedback")  # (id, at, useful, entry_id, question, comment)
    assert rows[0][2:] == (1, "padro-alta", "com m'empadrono?", "molt clar")
    assert rows[1][2] == 0
    assert sid not in repr(rows)  # no session id reaches the content team's log


@pytest.mark.parametrize("body, needle", [
    ({}, "useful is required"),
    ({"useful": "yes"}, "useful"),
    ({"useful": True, "comment": "x" * 1001}, "comment"),
    ({"useful": True, "session_id": "<script>"}, "session_id"),
])
def test_feedback_rejects_bad_input(client, body, needle):
    r = client.post("/api/feedback", json=body)
    assert r.status_code == 422 and needle in r.json()["detail"]


def test_feedback_malformed_json(client):
    r = client.post("/api/feedback", content=b"{useful: true}", headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and '"useful"' in r.json()["detail"]


# -- pages -------------------------------------------------------------------------------------
def test_demo_page(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    html = r.text
    assert 'role="combobox"' in html and 'aria-controls="q-suggestions"' in html
    assert 'src="widget.js"' in html and 'lang="ca"' in html
    assert '<label for="q"' in html


def test_widget_and_static_files(client):
    r = client.get("/widget.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"]
    assert "api/chat" in r.text
    for path in ("/static/site.js", "/static/site.css", "/favicon.ico"):
        assert client.get(path).status_code == 200, path
    # only the page's own assets: no HTML copy of the page without its CSP
    for path in ("/static/nope.js", "/static/index.html", "/static/widget.js"):
        assert client.get(path).status_code == 404, path


def test_scripts_never_insert_html():
    """Rendering goes through textContent/createElement only, so HTML in data never runs."""
    for name in ("widget.js", "site.js"):
        source = (WEB / name).read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
            assert sink not in source, (name, sink)
        assert "textContent" in source
