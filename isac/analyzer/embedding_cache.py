"""The gaps report's question vectors, cached by hash so a rerun only embeds what is new.

No text is stored: only SHA-256 keys, vectors and when each was last used, so the cache
never holds more than the store (it forgets what the store's retention has dropped).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from pathlib import Path

import numpy as np


class EmbeddingCache:
    """Question vectors by SHA-256 of (encoder, text), so a rerun only embeds new questions.

    With a ``path`` it persists as one .npz (mode 0600, replaced atomically) of hashes,
    vectors and when each was last used: no text. A vector unused for ``max_age_days``
    (the store's retention) is dropped, so the cache never outlives the questions.
    """

    def __init__(self, path: Path | None = None, max_age_days: float = 90.0, clock=time.time):
        """An empty cache, read from ``path`` on first use when given."""
        self.path = Path(path) if path else None
        self.max_age_s = max_age_days * 86400
        self._clock = clock
        self._vectors: dict[bytes, np.ndarray] = {}
        self._used: dict[bytes, float] = {}
        self._mtime: float | None = None  # of the file as last read or written

    @staticmethod
    def _key(encoder_name: str, text: str) -> bytes:
        return hashlib.sha256(f"{encoder_name}\0{text}".encode()).hexdigest().encode()

    def _refresh(self) -> None:
        """Merge in the file when another process (the nightly `isac gaps`, another worker) rewrote it."""
        if self.path is None:
            return
        try:
            mtime = self.path.stat().st_mtime
        except OSError:
            return
        if mtime == self._mtime:
            return
        self._mtime = mtime
        try:
            with np.load(self.path) as data:
                keys, vectors, used = data["keys"], data["vectors"], data["used"]
        except Exception:  # noqa: BLE001 - a damaged or old cache is only a slower run
            return
        for k, v, u in zip(keys, vectors, used):
            k = bytes(k)
            self._vectors[k] = v
            self._used[k] = max(float(u), self._used.get(k, 0.0))

    def embed(self, encoder, texts: list[str], batch: int = 256) -> np.ndarray:
        """L2-normalised vectors of ``texts`` as queries, encoding only those not cached."""
        self._refresh()
        now = self._clock()
        keys = [self._key(encoder.name, t) for t in texts]
        missing = [i for i, k in enumerate(keys) if k not in self._vectors]
        for start in range(0, len(missing), batch):
            chunk = missing[start:start + batch]
            vecs = np.asarray(encoder.encode_queries([texts[i] for i in chunk]), dtype=np.float32)
            for i, v in zip(chunk, vecs):
                self._vectors[keys[i]] = v
        self._used.update(dict.fromkeys(keys, now))
        dim = getattr(encoder, "dim", 0)
        out = np.stack([self._vectors[k] for k in keys]).astype(np.float32) if keys else np.zeros((0, dim), np.float32)
        self._save(now)
        return out

    def _save(self, now: float) -> None:
        """Forget vectors unused for max_age_days, and persist the rest when the cache has a file."""
        stale = [k for k, u in self._used.items() if u < now - self.max_age_s]
        for k in stale:
            self._vectors.pop(k, None)
            self._used.pop(k, None)
        if self.path is None:
            return
        keys = list(self._vectors)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".gaps-cache", suffix=".npz")  # 0600
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, keys=np.array(keys, dtype="S64"),
                         vectors=np.stack([self._vectors[k] for k in keys]) if keys else np.zeros((0, 0), np.float32),
                         used=np.array([self._used[k] for k in keys], dtype=np.float64))
            os.replace(tmp, self.path)
            self._mtime = self.path.stat().st_mtime
        except OSError:
            pass  # read-only data dir: the next run embeds again
