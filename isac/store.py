"""The service's state: chat sessions, feedback, the query log and unanswered questions.

One ``Store`` with two backends: SQLite (a file under ``ISAC_DATA_DIR``, the embedded
default) and PostgreSQL (``ISAC_DATABASE_URL=postgresql://…``, psycopg 3), so several
workers or replicas share conversations. The schema is versioned; ``migrate`` brings a
database up to date at start-up or with `isac db upgrade`. Text is redacted before it
is written: nothing personal reaches the database.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from isac.chat.sessions import Session, Turn
from isac.redact import redact, redact_record

# each step runs once, in order; the database records the last one applied
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE TABLE sessions (id TEXT PRIMARY KEY, seen DOUBLE PRECISION NOT NULL, data TEXT NOT NULL)",
        "CREATE INDEX sessions_seen ON sessions (seen)",
        "CREATE TABLE feedback (id INTEGER PRIMARY KEY, at DOUBLE PRECISION NOT NULL, useful INTEGER NOT NULL, "
        "entry_id TEXT, question TEXT, comment TEXT)",
        "CREATE TABLE queries (id INTEGER PRIMARY KEY, at DOUBLE PRECISION NOT NULL, channel TEXT NOT NULL, "
        "query TEXT NOT NULL, lang TEXT, top_entry TEXT, confidence DOUBLE PRECISION, status TEXT, "
        "latency_ms DOUBLE PRECISION, index_version TEXT)",
        "CREATE INDEX queries_at ON queries (at)",
        "CREATE TABLE unanswered (id INTEGER PRIMARY KEY, at DOUBLE PRECISION NOT NULL, question TEXT NOT NULL, "
        "lang TEXT, confidence DOUBLE PRECISION, route TEXT, top_entry TEXT)",
    ),
)
TABLES_WITH_TIME = ("feedback", "queries", "unanswered")


def _session_to_json(s: Session) -> str:
    return json.dumps(asdict(s), ensure_ascii=False)


def _session_from_json(text: str) -> Session:
    d = json.loads(text)
    d["turns"] = tuple(Turn(**t) for t in d.get("turns", ()))
    d["options"] = tuple(d.get("options", ()))
    return Session(**d)


class Store:
    """SQL shared by both backends; subclasses only connect and translate placeholders."""

    placeholder = "?"

    @contextmanager
    def _cursor(self) -> Iterator:
        raise NotImplementedError

    def _sql(self, sql: str) -> str:
        return sql.replace("?", self.placeholder)

    def _execute(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._cursor() as cur:
            cur.execute(self._sql(sql), params)
            return cur.fetchall() if cur.description else []

    # -- schema --------------------------------------------------------------------------
    def version(self) -> int:
        """The last migration applied (0 for an empty database)."""
        with self._cursor() as cur:
            cur.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            cur.execute("SELECT MAX(version) FROM schema_version")
            row = cur.fetchone()
        return int(row[0] or 0) if row else 0

    def migrate(self) -> int:
        """Apply the migrations not yet applied; returns the schema version."""
        current = self.version()
        for number, statements in enumerate(MIGRATIONS, start=1):
            if number <= current:
                continue
            with self._cursor() as cur:
                for statement in statements:
                    cur.execute(self._ddl(statement))
                cur.execute(self._sql("INSERT INTO schema_version (version) VALUES (?)"), (number,))
        return len(MIGRATIONS)

    def _ddl(self, statement: str) -> str:
        return statement

    # -- sessions ------------------------------------------------------------------------
    def load_session(self, session_id: str) -> Session | None:
        """The stored session, or None."""
        rows = self._execute("SELECT data FROM sessions WHERE id = ?", (session_id,))
        return _session_from_json(rows[0][0]) if rows else None

    def save_session(self, session: Session) -> None:
        """Insert or replace a session (its questions are redacted already)."""
        self._execute("DELETE FROM sessions WHERE id = ?", (session.id,))
        self._execute("INSERT INTO sessions (id, seen, data) VALUES (?, ?, ?)",
                      (session.id, session.seen, _session_to_json(session)))

    def delete_session(self, session_id: str) -> None:
        """Forget one session."""
        self._execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    def expire_sessions(self, older_than: float) -> int:
        """Delete sessions idle since before ``older_than`` (a unix time)."""
        n = self._execute("SELECT COUNT(*) FROM sessions WHERE seen < ?", (older_than,))[0][0]
        self._execute("DELETE FROM sessions WHERE seen < ?", (older_than,))
        return int(n)

    # -- logs ----------------------------------------------------------------------------
    def log_query(self, channel: str, query: str, lang: str | None, top_entry: str | None,
                  confidence: float | None, status: str | None, latency_ms: float, index_version: str) -> None:
        """One search, ask or chat turn, with the query redacted."""
        self._execute("INSERT INTO queries (at, channel, query, lang, top_entry, confidence, status, latency_ms, "
                      "index_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      (time.time(), channel, redact(query)[:500], lang, top_entry, confidence, status,
                       round(latency_ms, 3), index_version))

    def add_feedback(self, record: dict) -> None:
        """A "was this useful?" verdict; no session id is kept."""
        r = redact_record(record)
        self._execute("INSERT INTO feedback (at, useful, entry_id, question, comment) VALUES (?, ?, ?, ?, ?)",
                      (time.time(), int(bool(r.get("useful"))), r.get("entry_id"), r.get("question"), r.get("comment")))

    def add_unanswered(self, record: dict) -> None:
        """A question isac could not answer, for the content team."""
        r = redact_record(record)
        self._execute("INSERT INTO unanswered (at, question, lang, confidence, route, top_entry) "
                      "VALUES (?, ?, ?, ?, ?, ?)",
                      (time.time(), r.get("question", ""), r.get("lang"), r.get("confidence"), r.get("route"),
                       r.get("top")))

    def rows(self, table: str, since: float = 0.0) -> list[tuple]:
        """Every row of a log table since a unix time, oldest first."""
        if table not in TABLES_WITH_TIME:
            raise ValueError(f"unknown table {table!r}")
        return self._execute(f"SELECT * FROM {table} WHERE at >= ? ORDER BY at", (since,))  # noqa: S608

    def purge(self, days: float) -> int:
        """Delete log rows and sessions older than ``days``; returns how many rows went."""
        cutoff = time.time() - days * 86400
        gone = 0
        for table in TABLES_WITH_TIME:
            gone += int(self._execute(f"SELECT COUNT(*) FROM {table} WHERE at < ?", (cutoff,))[0][0])  # noqa: S608
            self._execute(f"DELETE FROM {table} WHERE at < ?", (cutoff,))  # noqa: S608
        return gone + self.expire_sessions(cutoff)


class SQLiteStore(Store):
    """The embedded default: one file, created 0600, one connection per thread."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            # WAL lets several workers read while one writes; the timeout waits out a writer
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA busy_timeout=10000")
            conn.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints, no fsync per row
            self._local.conn = conn
        return conn

    @contextmanager
    def _cursor(self) -> Iterator:
        conn = self._connection()
        cur = conn.cursor()
        try:
            cur.execute("BEGIN IMMEDIATE")
            yield cur
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        finally:
            cur.close()


class PostgresStore(Store):
    """PostgreSQL through psycopg 3, a small connection per call (workers share the server)."""

    placeholder = "%s"

    def __init__(self, url: str):
        import psycopg

        self.url = url
        self._psycopg = psycopg

    @contextmanager
    def _cursor(self) -> Iterator:
        with self._psycopg.connect(self.url) as conn, conn.cursor() as cur:
            yield cur

    def _ddl(self, statement: str) -> str:
        return statement.replace("INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY")


def open_store(database_url: str | None, data_dir: Path) -> Store:
    """PostgreSQL when a postgresql:// URL is set, else SQLite in ``data_dir``; migrated."""
    if database_url:
        if not database_url.startswith(("postgresql://", "postgres://")):
            raise ValueError("ISAC_DATABASE_URL must be a postgresql:// URL; leave it unset for SQLite")
        store: Store = PostgresStore(database_url)
    else:
        store = SQLiteStore(Path(data_dir) / "isac.sqlite3")
    store.migrate()
    return store


class StoredSessions:
    """The chat's SessionStore on a Store: shared by workers, kept across restarts.

    Sessions end by idle time only, never because other clients opened many: a flood of
    anonymous "hola" cannot evict a live conversation.
    """

    def __init__(self, store: Store, ttl_s: float, max_turns: int, clock=time.time):
        self.store, self.ttl_s, self.max_turns, self._clock = store, ttl_s, max_turns, clock

    def get(self, session_id: str | None) -> Session | None:
        """The live session, or None when unknown or idle longer than the TTL."""
        if not session_id:
            return None
        session = self.store.load_session(session_id)
        if session is None or self._clock() - session.seen > self.ttl_s:
            return None
        return session

    def new(self) -> Session:
        """A fresh session with an unguessable id."""
        import secrets

        return Session(id=secrets.token_urlsafe(18), seen=self._clock())

    def save(self, session: Session) -> Session:
        """Store the session with its turns redacted and bounded."""
        from dataclasses import replace

        turns = tuple(replace(t, question=redact(t.question)) for t in session.turns[-self.max_turns:])
        session = replace(session, seen=self._clock(), turns=turns, question=redact(session.question))
        self.store.save_session(session)
        return session
