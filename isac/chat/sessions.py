"""Chat sessions: the procedure under discussion, behind a small store interface.

Sessions are immutable snapshots replaced on every turn, so a reader never sees a half
updated one. ``MemorySessionStore`` serves one process; a database-backed store with the
same three methods lets several workers share conversations.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol


@dataclass(frozen=True)
class Turn:
    """One question in a conversation: its outcome status, the entry it got, and when."""

    question: str
    status: str
    entry_id: str | None
    at: float


@dataclass(frozen=True)
class Session:
    """A conversation's state: language, procedure under discussion, pending clarification, turns."""

    id: str
    seen: float
    lang: str | None = None
    entry_id: str | None = None  # the procedure under discussion
    options: tuple[str, ...] = ()  # entry ids offered in a pending clarification
    question: str = ""  # the question that asked for the clarification
    turns: tuple[Turn, ...] = ()


class SessionStore(Protocol):
    """Where conversations live between turns."""

    def get(self, session_id: str | None) -> Session | None:
        """The live session with this id, or None (unknown or expired)."""
        ...

    def new(self) -> Session:
        """A fresh session with an unguessable id (not stored until saved)."""
        ...

    def save(self, session: Session) -> Session:
        """Store the session after a turn; returns it as stored."""
        ...


class MemorySessionStore:
    """In one process: bounded in size (least recently used goes first) and in time (idle TTL)."""

    def __init__(self, ttl_s: float, max_sessions: int, max_turns: int,
                 clock: Callable[[], float] = time.monotonic):
        """Sessions expire ``ttl_s`` after their last turn; at most ``max_sessions``, ``max_turns`` each."""
        self.ttl_s, self.max_sessions, self.max_turns = ttl_s, max_sessions, max_turns
        self._clock = clock
        self._lock = threading.Lock()
        self._sessions: OrderedDict[str, Session] = OrderedDict()

    def __len__(self) -> int:
        """The number of sessions held."""
        with self._lock:
            return len(self._sessions)

    def get(self, session_id: str | None) -> Session | None:
        """The live session with this id, or None; an expired one is dropped."""
        if not session_id:
            return None
        now = self._clock()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if now - session.seen > self.ttl_s:
                del self._sessions[session_id]
                return None
            self._sessions.move_to_end(session_id)
            return session

    def new(self) -> Session:
        """A fresh session with a random id (not stored until saved)."""
        # unguessable: the id is the only key to a conversation
        return Session(id=secrets.token_urlsafe(18), seen=self._clock())

    def save(self, session: Session) -> Session:
        """Store the session with its recent turns, evicting expired and least recently used ones."""
        session = replace(session, seen=self._clock(), turns=session.turns[-self.max_turns:])
        with self._lock:
            self._sessions[session.id] = session
            self._sessions.move_to_end(session.id)
            self._expire(session.seen)
            while len(self._sessions) > self.max_sessions:
                self._sessions.popitem(last=False)
        return session

    def _expire(self, now: float) -> None:
        # least recently used first, so expired sessions sit at the front
        while self._sessions:
            oldest = next(iter(self._sessions.values()))
            if now - oldest.seen <= self.ttl_s:
                break
            self._sessions.popitem(last=False)


