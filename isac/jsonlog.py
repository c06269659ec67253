"""Append-only JSON-lines files for the content team (unanswered questions, feedback)."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path


class JsonlLog:
    """Created on demand with mode 0600; one lock per file keeps lines whole."""

    def __init__(self, path: Path):
        """Log to ``path``; the file and its folder are created on the first write."""
        self.path = Path(path)
        self._lock = threading.Lock()

    def write(self, record: dict) -> None:
        """Append one record with its time."""
        line = json.dumps({"at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **record}, ensure_ascii=False)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as fh:
                fh.write(line + "\n")
