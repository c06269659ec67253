"""The micro-batching encoder: concurrent questions share encoder calls, and get their own vectors."""

import threading

import numpy as np
import pytest

from isac.batching import BatchingEncoder
from isac.encoders import HashEncoder


class Slow(HashEncoder):
    """A hash encoder that takes a while per call and counts its calls."""

    def __init__(self):
        super().__init__()
        self.calls = 0

    def encode_queries(self, texts):
        self.calls += 1
        threading.Event().wait(0.02)
        return super().encode_queries(texts)


def test_concurrent_questions_share_calls_and_get_their_own_vectors():
    inner = Slow()
    enc = BatchingEncoder(inner, window_ms=10, max_batch=64)
    texts = [f"com demano el certificat número {i}?" for i in range(24)]
    out: dict[int, np.ndarray] = {}

    def ask(i):
        out[i] = enc.encode_queries([texts[i]])

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    enc.close()
    assert inner.calls < len(texts) / 2  # shared calls, not one each
    reference = HashEncoder().encode_queries(texts)
    for i in range(len(texts)):
        assert np.allclose(out[i][0], reference[i])  # each thread its own vector, none swapped


def test_batch_size_is_bounded():
    inner = Slow()
    enc = BatchingEncoder(inner, window_ms=50, max_batch=4)
    threads = [threading.Thread(target=enc.encode_queries, args=([f"pregunta {i}"],)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    enc.close()
    assert inner.calls >= 3


def test_an_encoder_error_reaches_the_caller_and_the_worker_survives():
    class Failing(HashEncoder):
        def encode_queries(self, texts):
            if any("boom" in t for t in texts):
                raise ValueError("encoder failed")
            return super().encode_queries(texts)

    enc = BatchingEncoder(Failing(), window_ms=0)
    with pytest.raises(ValueError, match="encoder failed"):
        enc.encode_queries(["boom"])
    assert enc.encode_queries(["després funciona"]).shape == (1, enc.dim)
    enc.close()
    with pytest.raises(RuntimeError, match="closed"):
        enc.encode_queries(["massa tard"])


def test_the_served_engine_batches_and_a_cli_engine_does_not(settings_for):
    from isac.engine import load_engine, release_engine

    served = load_engine(settings_for(encoder="hash", encoder_batch_window_ms=1.0), serving=True)
    assert isinstance(served.encoder, BatchingEncoder)
    assert served.search("quant costa la grua?").candidates
    release_engine(served)
    plain = load_engine(settings_for(encoder="hash"))
    assert not isinstance(plain.encoder, BatchingEncoder)
    off = load_engine(settings_for(encoder="hash", encoder_batch_window_ms=0), serving=True)
    assert not isinstance(off.encoder, BatchingEncoder)
