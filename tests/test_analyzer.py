"""The content team's Analyzer on synthetic traffic: stats, gap themes, exports, /admin and `isac gaps`.

No model: the fixture engine runs on HashEncoder. The store is seeded through its public
methods with a fake clock, so redaction runs as in production. Three themes hide in the
traffic: the tow truck (close to `grua-vehicle-retirat`), throwing away a mattress
(close to `deixalleria`) and flying drones (no entry is close), plus one-off noise,
questions routed to another administration, and well-answered questions.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import time
import types
from datetime import date, datetime, timedelta

import numpy as np
import pytest
import yaml

from isac.analyzer.gaps import GapOptions, find_gaps, gaps_to_csv, gaps_to_yaml
from isac.analyzer.stats import period_stats
from isac.store import SQLiteStore

# the dashboard looks back from the real clock. Rows are written up to 12 minutes after NOW,
# so NOW stays half an hour before local midnight: a run at 23:55 had put some of them on
# tomorrow's date, and the period showed 32 days instead of 31
_MIDNIGHT = datetime.combine(date.fromtimestamp(time.time()) + timedelta(days=1), datetime.min.time()).timestamp()
NOW = float(int(min(time.time(), _MIDNIGHT - 1800)))
DAY = 86400.0
XSS = "<script>alert(1)</script> la grua s'ha endut el meu cotxe"

GRUA = [  # 10 askings, 7 of them this week
    ("unanswered", "la grua s'ha endut el meu cotxe", "ca", 1),
    ("unanswered", "on recupero el cotxe que s'ha endut la grua", "ca", 2),
    ("unanswered", "¿se ha llevado la grúa mi coche?", "es", 2),
    ("low_confidence", "quant costa recuperar el cotxe de la grua", "ca", 3),
    ("low_confidence", "la grua s'ha emportat el cotxe del carrer", "ca", 4),
    ("not_useful", "m'ha retirat el cotxe la grua", None, 5),
    ("low_confidence", "la grua s'ha endut el cotxe", "ca", 6),  # already a question of the entry
    ("not_useful", "la grua se m'ha endut el cotxe aquest matí, truqueu-me al 612 345 678", None, 9),
    ("unanswered", "la grua s'ha endut el meu cotxe", "ca", 10),
    ("unanswered", XSS, "ca", 11),
]
MATALAS = [  # 5 askings, all this week
    ("unanswered", "on puc llençar un matalàs vell", "ca", 1),
    ("unanswered", "llençar un matalàs i un sofà vell", "ca", 2),
    ("low_confidence", "on llenço el matalàs vell", "ca", 3),
    ("unanswered", "on es pot llençar un sofà vell", "ca", 4),
    ("low_confidence", "on deixo un matalàs vell i un sofà", "ca", 5),  # hashed words know no translation
]
DRON = [  # 6 askings, 2 this week, 4 the week before
    ("unanswered", "puc volar un dron al parc", "ca", 1),
    ("unanswered", "permís per volar un dron", "ca", 8),
    ("low_confidence", "on es pot volar un dron a terrassa", "ca", 9),
    ("unanswered", "volar un dron amb càmera al parc", "ca", 10),
    ("unanswered", "¿puedo volar un dron en el parque?", "es", 12),
    ("unanswered", "cal permís per volar drons", "ca", 2),
]
NOISE = ["quina hora és", "recepta de canelons", "el barça ha guanyat", "vull una pizza",
         "com es diu l'alcalde", "previsió del temps per demà"]
ROUTED = ["renovar el dni", "cita pel metge de capçalera", "carnet de conduir caducat"]
ANSWERED = [("search", "com m'empadrono", "padro-alta", "ca"), ("ask", "volant d'empadronament", "padro-volant", "ca"),
            ("chat", "vull un gual per al garatge", "gual", "ca"), ("ask", "cuándo se paga el ibi", "ibi", "es")]


@pytest.fixture()
def seeded(tmp_path, monkeypatch):
    """A SQLite store with four weeks of synthetic traffic, written at chosen times."""
    import isac.store

    clock = [NOW]
    with monkeypatch.context() as m:
        m.setattr(isac.store, "time", types.SimpleNamespace(time=lambda: clock[0]))
        _write(tmp_path, clock)
    return SQLiteStore(tmp_path / "data" / "isac.sqlite3")


def _write(tmp_path, clock):
    store = SQLiteStore(tmp_path / "data" / "isac.sqlite3")
    store.migrate()

    def at(days_ago: float, hour: int = 0):
        clock[0] = NOW - days_ago * DAY + hour * 60

    for theme in (GRUA, MATALAS, DRON):
        for n, (source, text, lang, days_ago) in enumerate(theme):
            at(days_ago, n)
            if source == "unanswered":
                store.log_query("ask", text, lang, None, 0.05, "none", 40.0, "v1")
                store.add_unanswered({"question": text, "lang": lang, "confidence": 0.05, "route": None, "top": "ibi"})
            elif source == "low_confidence":
                store.log_query("search", text, lang, "gual", 0.1, None, 30.0, "v1")
            else:
                store.add_feedback({"useful": False, "entry_id": "gual", "question": text,
                                    "comment": "<script>alert(1)</script> no parla de la grua"})
    for n, text in enumerate(NOISE):
        at(n + 1)
        store.log_query("chat", text, "ca", None, None, "none", 20.0, "v1")
        store.add_unanswered({"question": text, "lang": "ca", "confidence": 0.02, "route": None, "top": None})
    for n, text in enumerate(ROUTED):
        at(n + 1)
        store.add_unanswered({"question": text, "lang": "ca", "confidence": 0.1, "route": "dni", "top": None})
    for day in range(20):
        for channel, text, entry, lang in ANSWERED:
            at(day, 12)
            store.log_query(channel, text, lang, entry, 0.9 if channel != "chat" else None, None if channel == "search"
                            else "answer", 25.0, "v1")
    at(1)
    store.log_query("ask", "ibi o gual?", "ca", None, 0.5, "clarify", 25.0, "v1")
    store.log_query("chat", "hola", "ca", None, None, "smalltalk", 5.0, "v1")
    store.add_feedback({"useful": True, "entry_id": "padro-alta", "question": "com m'empadrono", "comment": "molt clar"})
    at(40)  # outside a 30-day period
    store.add_unanswered({"question": "la grua s'ha endut el meu cotxe", "lang": "ca", "confidence": 0.1, "route": None,
                          "top": None})


@pytest.fixture()
def gaps(seeded, engine):
    return find_gaps(seeded, engine, GapOptions(days=30), now=NOW)


def _theme(doc, word):
    matches = [c for c in doc["clusters"] if any(word in x for x in c["examples"])]
    assert len(matches) == 1, [c["examples"] for c in doc["clusters"]]
    return matches[0]


def test_gaps_finds_the_three_themes_with_the_right_action(gaps):
    assert len(gaps["clusters"]) == 3
    grua, matalas, dron = _theme(gaps, "grua"), _theme(gaps, "matal"), _theme(gaps, "dron")
    assert [c["size"] for c in (grua, matalas, dron)] == [len(GRUA), len(MATALAS), len(DRON)]
    assert [c["id"] for c in gaps["clusters"]] == [1, 2, 3] and gaps["clusters"][0] is grua  # biggest first
    # close to an entry: extend it, naming its file
    assert grua["action"]["kind"] == "extend" and grua["action"]["entry_id"] == "grua-vehicle-retirat"
    assert grua["action"]["file"] == "knowledge/multes/grua-vehicle-retirat.yaml"
    assert grua["action"]["text"] == ("add these as questions/situations of entry grua-vehicle-retirat "
                                      "(file knowledge/multes/grua-vehicle-retirat.yaml)")
    assert grua["nearest_entry"]["similarity"] >= gaps["thresholds"]["entry_similarity"]
    assert matalas["action"]["file"] == "knowledge/residus/deixalleria.yaml"
    # far from every entry: a new one
    assert dron["action"] == {"kind": "new", "entry_id": None, "file": None, "text": "new entry needed: no entry is close",
                              "text_ca": dron["action"]["text_ca"]}
    assert dron["nearest_entry"]["similarity"] < gaps["thresholds"]["entry_similarity"]
    # every source counts, the routed and the old ones do not; the one-offs are noise
    assert grua["sources"] == {"unanswered": 5, "low_confidence": 3, "not_useful": 2}
    assert gaps["considered"]["routed_elsewhere"] == len(ROUTED)
    assert gaps["noise"] == {"rows": len(NOISE), "distinct": len(NOISE)}
    assert gaps["considered"]["rows"] == len(GRUA) + len(MATALAS) + len(DRON) + len(NOISE)
    assert gaps["thresholds"]["low_confidence"] == 0.3  # the fixture engine's answer threshold


def test_gap_trend_examples_and_languages(gaps):
    grua, matalas, dron = _theme(gaps, "grua"), _theme(gaps, "matal"), _theme(gaps, "dron")
    assert grua["trend"] == {"this_week": 7, "previous_week": 3, "change": "up"}
    assert matalas["trend"] == {"this_week": 5, "previous_week": 0, "change": "new"}
    assert dron["trend"] == {"this_week": 2, "previous_week": 4, "change": "down"}
    for c in gaps["clusters"]:
        assert 3 <= len(c["examples"]) <= 5 and len(set(c["examples"])) == len(c["examples"])
    assert grua["examples"][0] == "la grua s'ha endut el meu cotxe"  # asked twice: shown first
    assert set(grua["languages"]) <= {"ca", "es"} and grua["languages"]["ca"] >= 8  # feedback has no language: detected
    assert grua["offered_entry"]["id"] == "ibi"  # what isac ranked first for most of them


def test_exports_json_csv_yaml(gaps):
    text = json.dumps(gaps, ensure_ascii=False)
    assert "612 345 678" not in text  # redacted before the store, and again on export

    def keys(x):
        if isinstance(x, dict):
            return set(x) | {k for v in x.values() for k in keys(v)}
        return {k for v in x for k in keys(v)} if isinstance(x, list) else set()

    assert not {k for k in keys(gaps) if "session" in k.lower() or k.lower() in ("ip", "client", "address", "peer")}
    rows = list(csv.DictReader(io.StringIO(gaps_to_csv(gaps))))
    assert [r["cluster"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["entry_file"] == "knowledge/multes/grua-vehicle-retirat.yaml" and rows[0]["this_week"] == "7"
    dron = _theme(gaps, "dron")
    assert dron["id"] == 2  # 6 askings, after the tow truck's 10
    assert rows[1]["action"] == "new entry needed: no entry is close" and rows[1]["entry_file"] == ""
    snippet = gaps_to_yaml(gaps)
    assert "afegiu-ho a knowledge/multes/grua-vehicle-retirat.yaml" in snippet
    assert "afegiu-ho a knowledge/residus/deixalleria.yaml" in snippet and "cal una fitxa nova" in snippet
    blocks = {b.split()[2]: b for b in re.split(r"(?m)^(?=# Tema \d+ )", snippet) if b.startswith("# Tema ")}
    parsed = yaml.safe_load(blocks["1"])  # the tow truck: comments naming the file, then the mapping
    assert set(parsed) == {"situations"}
    assert parsed["situations"]["ca"][0] == "la grua s'ha endut el meu cotxe"  # the most asked first
    assert "la grua s'ha endut el cotxe" not in parsed["situations"]["ca"]  # already a question of the entry
    assert parsed["situations"]["es"] == ["¿se ha llevado la grúa mi coche?"]
    assert "[PHONE]" not in snippet and "<script>" not in snippet  # personal data or markup: not worth pasting
    new = yaml.safe_load(blocks["2"])
    assert set(new) == {"questions"} and "¿puedo volar un dron en el parque?" in new["questions"]["es"]


def test_csv_cells_cannot_run_as_formulas(engine, tmp_path):
    store = SQLiteStore(tmp_path / "s.sqlite3")
    store.migrate()
    for text in ("=HYPERLINK(\"http://x\") grua cotxe", "=HYPERLINK(\"http://x\") grua cotxe endut",
                 "=HYPERLINK(\"http://x\") grua cotxe retirat"):
        store.add_unanswered({"question": text, "lang": "ca", "confidence": 0.0, "route": None, "top": None})
    doc = find_gaps(store, engine, GapOptions(days=1))
    assert doc["clusters"]
    assert ",=" not in gaps_to_csv(doc) and "'=HYPERLINK" in gaps_to_csv(doc)


def test_nothing_to_cluster(engine, tmp_path):
    store = SQLiteStore(tmp_path / "s.sqlite3")
    store.migrate()
    doc = find_gaps(store, engine, GapOptions(days=7))
    assert doc["clusters"] == [] and doc["considered"]["rows"] == 0
    assert gaps_to_csv(doc).count("\n") == 1 and "0 temes" in gaps_to_yaml(doc)


def test_embedding_cache_persists_and_forgets_after_the_retention(seeded, engine, tmp_path):
    from isac.analyzer.gaps import EmbeddingCache

    calls = []

    class Counting:
        name, dim = engine.encoder.name, engine.encoder.dim

        def encode_queries(self, texts):
            calls.append(len(texts))
            return engine.encoder.encode_queries(texts)

    path = tmp_path / "cache.npz"
    counting = types.SimpleNamespace(index=engine.index, config=engine.config, encoder=Counting())
    first = find_gaps(seeded, counting, GapOptions(days=30), now=NOW, cache=EmbeddingCache(path))
    assert path.exists() and oct(path.stat().st_mode & 0o777) == "0o600" and sum(calls) > 0
    calls.clear()
    again = find_gaps(seeded, counting, GapOptions(days=30), now=NOW, cache=EmbeddingCache(path))
    assert calls == [] and [c["examples"] for c in again["clusters"]] == [c["examples"] for c in first["clusters"]]
    assert b"grua" not in path.read_bytes()  # hashes and vectors, no text
    find_gaps(seeded, counting, GapOptions(days=1), now=NOW, cache=EmbeddingCache(path))  # a shorter period…
    find_gaps(seeded, counting, GapOptions(days=30), now=NOW, cache=EmbeddingCache(path))  # …keeps the others
    assert calls == []
    server, nightly = EmbeddingCache(path), EmbeddingCache(path)
    server.embed(Counting(), ["grua"])
    nightly.embed(engine.encoder, ["una pregunta de la nit"])  # another process writes the file
    calls.clear()
    server.embed(Counting(), ["una pregunta de la nit"])
    assert calls == []  # the running server picks it up instead of encoding it again
    later = EmbeddingCache(path, max_age_days=90, clock=lambda: time.time() + 91 * DAY)
    later.embed(Counting(), ["una pregunta nova"])
    with np.load(path) as data:
        assert len(data["keys"]) == 1  # everything unused for the retention period is gone


def test_stats_for_the_period(seeded, engine):
    s = period_stats(seeded, 30, now=NOW, index=engine.index)
    themed = len(GRUA) + len(MATALAS) + len(DRON) - 2  # the two "not useful" ones are feedback, not queries
    assert s["totals"]["queries"] == themed + len(NOISE) + 20 * len(ANSWERED) + 2
    assert s["totals"]["chat"] == len(NOISE) + 20 + 1
    assert len(s["by_day"]) == 31 and sum(d["search"] + d["chat"] + d["ask"] for d in s["by_day"]) == s["totals"]["queries"]
    o = s["outcomes"]
    assert (o["answer"], o["clarify"], o["smalltalk"]) == (60, 1, 1)
    assert o["fallback"] == sum(src == "unanswered" for t in (GRUA, MATALAS, DRON) for src, *_ in t) + len(NOISE)
    assert o["rates"]["answer"] == pytest.approx(60 / o["decided"])
    assert s["top_questions"][0]["count"] == 20
    assert s["top_entries"][0] == {"id": "gual", "title": "Llicència de gual", "category": "mobilitat",
                                   "file": "knowledge/mobilitat/gual.yaml",
                                   "count": 20 + sum(src == "low_confidence" for t in (GRUA, MATALAS, DRON) for src, *_ in t)}
    f = s["feedback"]
    assert (f["useful"], f["not_useful"], f["useful_rate"]) == (1, 2, pytest.approx(1 / 3, abs=1e-4))
    assert f["comments"][0]["comment"] == "molt clar" and f["by_entry"][0]["id"] == "gual"
    assert s["confidence"]["median"] == 0.9 and s["languages"]["es"] > 0
    themed_unanswered = sum(src == "unanswered" for t in (GRUA, MATALAS, DRON) for src, *_ in t)
    assert s["unanswered"] == themed_unanswered + len(NOISE) + len(ROUTED)


# -- the dashboard and its API -------------------------------------------------------------------
TOKEN = "s3cret-token-for-tests"


def _client(store, engine, settings_for, tmp_path, token):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from isac.analyzer.routes import router
    from isac.api import errors

    app = FastAPI()
    app.state.settings = settings_for(admin_token=token, data_dir=tmp_path / "data")
    app.state.store, app.state.engine = store, engine
    errors.install(app)
    app.include_router(router)
    return TestClient(app)


def test_admin_is_off_without_a_configured_token(seeded, engine, settings_for, tmp_path):
    c = _client(seeded, engine, settings_for, tmp_path, None)
    for path in ("/admin", "/api/admin/stats", "/api/admin/gaps", "/api/admin/gaps.csv", "/api/admin/gaps.yaml"):
        assert c.get(path, headers={"Authorization": "Bearer anything"}).status_code == 404, path
    assert c.post("/admin/login", data={"token": "x"}).status_code == 404


def test_admin_needs_the_token(seeded, engine, settings_for, tmp_path):
    c = _client(seeded, engine, settings_for, tmp_path, TOKEN)
    r = c.get("/admin")
    assert r.status_code == 401 and 'name="token"' in r.text and 'action="/admin/login' in r.text
    assert c.get("/admin", headers={"Authorization": "Bearer wrong"}).status_code == 401
    for path in ("/api/admin/stats", "/api/admin/gaps", "/api/admin/gaps.csv"):
        assert c.get(path).status_code == 401, path
        assert c.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 401, path
    c.cookies.set("isac_admin", "9999999999.forged", path="/admin")
    assert c.get("/admin").status_code == 401


def test_dashboard_with_the_bearer_token(seeded, engine, settings_for, tmp_path):
    c = _client(seeded, engine, settings_for, tmp_path, TOKEN)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = c.get("/admin", headers=auth)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert html.startswith("<!doctype html>") and '<html lang="ca">' in html
    for label in ("Consultes per dia", "Com acaben les preguntes", "Temes sense bona resposta", "Què cal fer",
                  "knowledge/multes/grua-vehicle-retirat.yaml", "Cal una fitxa nova", "Preguntes més freqüents"):
        assert label in html, label
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script" not in html.lower()
    assert "<svg" in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "script-src" not in r.headers["content-security-policy"] and r.headers["cache-control"] == "no-store"
    assert c.get("/admin?days=abc", headers=auth).status_code == 422
    stats = c.get("/api/admin/stats?days=30", headers=auth).json()
    assert stats["totals"]["queries"] > 0 and stats["since_days"] == 30
    doc = c.get("/api/admin/gaps?days=30", headers=auth).json()
    assert len(doc["clusters"]) == 3
    r = c.get("/api/admin/gaps.csv?days=30", headers=auth)
    assert r.headers["content-type"].startswith("text/csv") and "attachment" in r.headers["content-disposition"]
    assert r.text.lstrip("\ufeff").startswith("cluster,size,")
    assert "# Tema 1" in c.get("/api/admin/gaps.yaml", headers=auth).text


def test_login_form_sets_a_strict_httponly_cookie(seeded, engine, settings_for, tmp_path):
    c = _client(seeded, engine, settings_for, tmp_path, TOKEN)
    r = c.post("/admin/login?days=7", data={"token": "wrong"}, follow_redirects=False)
    assert r.status_code == 401 and "La clau no és correcta" in r.text and "set-cookie" not in r.headers
    r = c.post("/admin/login?days=7", data={"token": TOKEN}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/admin?days=7"
    cookies = r.headers.get_list("set-cookie")
    assert len(cookies) == 2 and all("HttpOnly" in x and "SameSite=strict" in x for x in cookies)
    assert TOKEN not in " ".join(cookies)  # the cookie proves the token, it does not hold it
    assert c.get("/admin?days=7").status_code == 200
    assert c.get("/api/admin/stats").status_code == 200
    c.post("/admin/logout", follow_redirects=False)
    assert c.get("/admin").status_code == 401


def test_cookie_signature_and_expiry():
    from isac.analyzer.routes import cookie_valid, cookie_value

    v = cookie_value("tok", now=1000.0)
    assert cookie_valid("tok", v, now=1001.0)
    assert not cookie_valid("other", v, now=1001.0)  # a new token signs everyone out
    assert not cookie_valid("tok", v, now=1000.0 + 9 * 3600)  # expired
    assert not cookie_valid("tok", None) and not cookie_valid("tok", "garbage")


def test_gaps_command(seeded, fixture_index_dir, capsys, monkeypatch, tmp_path):
    from isac.analyzer.cli import add_commands

    monkeypatch.setenv("ISAC_DATA_DIR", str(seeded.path.parent))
    parser = argparse.ArgumentParser(prog="isac")
    parser.add_argument("--index-dir")
    parser.add_argument("--knowledge-dir")
    parser.add_argument("--encoder")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["--index-dir", str(fixture_index_dir), "gaps", "--since", "3650", "--json"])
    assert args.func(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {c["action"]["kind"] for c in doc["clusters"]} == {"extend", "new"}
    args = parser.parse_args(["--index-dir", str(fixture_index_dir), "gaps", "--since", "3650"])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "themes" in out and "→  add these as questions/situations of entry grua-vehicle-retirat" in out
    args = parser.parse_args(["--index-dir", str(fixture_index_dir), "gaps", "--since", "3650", "--yaml"])
    assert args.func(args) == 0 and "situations:" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        parser.parse_args(["gaps", "--json", "--csv"])


def test_gaps_with_the_real_encoder(real_engine, tmp_path):
    """The hand-checked multilingual-e5 thresholds: the tow truck extends its entry, drones need a new one."""
    store = SQLiteStore(tmp_path / "s.sqlite3")
    store.migrate()
    themes = {
        "grua": ["la grua s'ha emportat el meu cotxe", "on vaig a buscar el cotxe que s'ha endut la grua",
                 "me han llevado el coche con la grúa, qué hago", "quant costa recuperar el cotxe del dipòsit",
                 "el cotxe no hi és, crec que se l'ha endut la grua", "la grúa se llevó mi coche esta mañana"],
        "dron": ["puc volar un dron al parc de Vallparadís", "necessito permís per fer volar un drone a Terrassa",
                 "se puede volar un dron en la ciudad", "on es pot pilotar un dron", "permís de vol de drons per fer fotos"],
    }
    for texts in themes.values():
        for text in texts:
            store.add_unanswered({"question": text, "lang": None, "confidence": 0.1, "route": None, "top": None})
    for text in ("recepta de canelons", "el barça ha guanyat?", "vull una pizza"):
        store.add_unanswered({"question": text, "lang": "ca", "confidence": 0.1, "route": None, "top": None})
    doc = find_gaps(store, real_engine, GapOptions(days=1))
    assert doc["thresholds"]["cluster_similarity"] == 0.9 and doc["thresholds"]["entry_similarity"] == 0.915
    grua = _theme(doc, "grua")  # Catalan and Spanish askings extend one entry: one item of work
    assert grua["action"]["file"] == "knowledge/multes/grua-vehicle-retirat.yaml" and grua["size"] >= 5
    drones = [c for c in doc["clusters"] if any("dron" in x for x in c["examples"])]
    assert drones and all(c["action"]["kind"] == "new" for c in drones)
    assert not any("pizza" in x for c in doc["clusters"] for x in c["examples"])


def test_login_with_a_strange_body_is_just_a_failed_login(seeded, engine, settings_for, tmp_path):
    c = _client(seeded, engine, settings_for, tmp_path, TOKEN)
    body = "&".join(f"f{i}=x" for i in range(50))
    r = c.post("/admin/login", content=body, headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 401 and "set-cookie" not in r.headers
    assert c.post("/admin/login", content=b"\xff\xfe token=").status_code == 401
