"""Small helpers the Analyzer's modules share: question keys, entry files, periods."""

from __future__ import annotations

import re
import time
from datetime import datetime

from isac.text import fold, normalise

DAY = 86400.0
WEEK = 7 * DAY
_NOT_WORD = re.compile(r"[^\w·]+")
# what isac/redact.py puts in place of personal data
PLACEHOLDER = re.compile(r"\[(?:DNI|NIE|ID|PHONE|EMAIL|IBAN|CARD)\]")


def question_key(text: str) -> str:
    """The form two askings of one question share: folded, without punctuation or extra spaces."""
    return " ".join(_NOT_WORD.sub(" ", fold(normalise(text or ""))).split())


def entry_file(entry, knowledge_dir: str = "knowledge") -> str:
    """Where the content team edits an entry: ``knowledge/<category>/<id>.yaml`` (isac validate enforces it)."""
    return f"{knowledge_dir.rstrip('/')}/{entry.category}/{entry.id}.yaml"


def entry_ref(index, entry_id: str | None, knowledge_dir: str = "knowledge") -> dict | None:
    """An entry as the exports name it: id, Catalan title, category and file; None when unknown."""
    entry = index.entry(entry_id) if (index is not None and entry_id) else None
    if entry is None:
        return {"id": entry_id, "title": entry_id, "category": None, "file": None} if entry_id else None
    return {"id": entry.id, "title": entry.text("title", "ca"), "category": entry.category,
            "file": entry_file(entry, knowledge_dir)}


def period(days: float, now: float | None = None) -> tuple[float, float]:
    """(since, now) as unix times for the last ``days`` days."""
    now = time.time() if now is None else now
    return now - days * DAY, now


def iso(ts: float) -> str:
    """A unix time as local ISO date and time, to the minute."""
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


def day_of(ts: float) -> str:
    """A unix time's local date, YYYY-MM-DD."""
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d")
