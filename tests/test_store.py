"""The store: both backends behind one interface; PostgreSQL tests run against a real server."""

from __future__ import annotations

import os
import stat

import pytest

from isac.chat.sessions import Session, Turn
from isac.store import MIGRATIONS, SQLiteStore, StoredSessions, open_store

PG_URL = os.environ.get("ISAC_TEST_DATABASE_URL")




@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    if request.param == "postgres":
        if not PG_URL:
            pytest.fail("ISAC_TEST_DATABASE_URL is not set; run `make test-postgres`")
        from isac.store import PostgresStore

        s = PostgresStore(PG_URL)
        with s._cursor() as cur:  # a clean schema per test
            cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    else:
        s = SQLiteStore(tmp_path / "data" / "isac.sqlite3")
    s.migrate()
    return s


def test_migrations_are_versioned_and_idempotent(store):
    assert store.version() == len(MIGRATIONS)
    assert store.migrate() == len(MIGRATIONS)  # a second run applies nothing


def test_sessions_survive_a_new_store_object(store, tmp_path):
    sessions = StoredSessions(store, ttl_s=600, max_turns=3)
    s = sessions.new()
    saved = sessions.save(Session(s.id, s.seen, "ca", "padro-alta", turns=(Turn("com m'empadrono?", "answer",
                                                                                  "padro-alta", 1.0),)))
    again = StoredSessions(store, ttl_s=600, max_turns=3).get(saved.id)
    assert again is not None and again.entry_id == "padro-alta" and again.turns[0].question == "com m'empadrono?"


def test_sessions_expire_by_idle_time_only(store):
    now = [1000.0]
    sessions = StoredSessions(store, ttl_s=60, max_turns=3, clock=lambda: now[0])
    live = sessions.save(sessions.new())
    for _ in range(50):  # a flood of other clients' sessions evicts nothing
        sessions.save(sessions.new())
    assert sessions.get(live.id) is not None
    now[0] += 61
    assert sessions.get(live.id) is None


def test_session_turns_are_redacted(store):
    sessions = StoredSessions(store, ttl_s=600, max_turns=3)
    s = sessions.new()
    saved = sessions.save(Session(s.id, s.seen, turns=(Turn("el meu DNI és 12345678Z", "none", None, 1.0),)))
    assert "12345678Z" not in store.load_session(saved.id).turns[0].question


def test_logs_are_redacted_and_purged(store):
    store.log_query("ask", "truqueu-me al 612345678", "ca", "padro-alta", 0.9, "answer", 12.0, "v1")
    store.add_feedback({"useful": False, "question": "correu pep@example.cat", "comment": "IBAN ES9121000418450200051332",
                        "session_id": "abcdefgh12345678"})
    store.add_unanswered({"question": "el meu NIE X1234567L", "lang": "ca", "confidence": 0.1})
    rows = [r for t in ("queries", "feedback", "unanswered") for r in store.rows(t)]
    text = repr(rows)
    for planted in ("612345678", "pep@example.cat", "ES9121000418450200051332", "X1234567L", "abcdefgh12345678"):
        assert planted not in text
    assert store.purge(days=-1) >= 3  # everything is older than "tomorrow"
    assert not store.rows("queries")


def test_sqlite_file_is_private(tmp_path):
    store = open_store(None, tmp_path / "data")
    assert isinstance(store, SQLiteStore)
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


def test_a_database_url_must_be_postgresql(tmp_path):
    with pytest.raises(ValueError, match="postgresql://"):
        open_store("mysql://x", tmp_path)
