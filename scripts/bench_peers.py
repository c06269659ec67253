"""`make bench-peers`: isac beside Haystack 2.x and txtai on the same passages, vectors and questions.

What it measures, per system and per eval set (the test splits of eval/questions.jsonl and
eval/questions-wild.jsonl, in-scope questions only): accuracy@1 and hit@3 at the entry level,
and the search latency (p50, p95 ms per question, in process, one thread) without the query
embedding. Why: to tell how much of isac's answer quality comes from its own ranking rather
than from the encoder, by giving two off-the-shelf hybrid pipelines exactly the same inputs.

- Every query embedding is computed once, with isac's encoder and isac's query text
  preparation (analyse → dense_text); the peers get those vectors and the passage vectors of
  index/vectors.npy, so no system embeds anything while it is timed and no peer loads a model.
- A peer ranks passages; an entry's rank is the rank of its first passage (entry_id).
  isac ranks entries itself (``search(...).candidates``); its latency is the wall time of
  ``search`` less the ``encode`` stage of its ``timings_ms``.
- Haystack: InMemoryDocumentStore, InMemoryBM25Retriever + InMemoryEmbeddingRetriever
  (top_k 50 each) joined by DocumentJoiner(reciprocal_rank_fusion) in a Pipeline.
- txtai: Embeddings(hybrid=True, content=True, method="external") whose transform hands back
  the precomputed vectors (passages in order, queries by text); search(limit=50). Its dense
  index is set to exact (faiss IDMap,Flat), as isac's and Haystack's are; txtai would pick an
  approximate IVF index here.

Run it with the peers' own venv (.venv-peers, see the Makefile); isac's venv never gets them.
Prints a table and, as the last line, one JSON object with every figure.
"""

from __future__ import annotations

import os

# one thread everywhere, nothing fetched from a hub, no telemetry: set before the libraries load
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.update(HAYSTACK_TELEMETRY_ENABLED="False", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
                  TOKENIZERS_PARALLELISM="false")

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from importlib.metadata import version  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SETS = {"original": ROOT / "eval/questions.jsonl", "wild": ROOT / "eval/questions-wild.jsonl"}
TOP_K = 50
WARMUP = 10

# a system: question → (ranked entry ids, milliseconds to leave out of its latency)
Search = Callable[[str], tuple[list[str], float]]


def load_questions() -> dict[str, list[dict]]:
    """The test split of each eval set, in-scope questions only."""
    out = {}
    for name, path in SETS.items():
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        out[name] = [r for r in rows if r.get("split") == "test" and r.get("expected")]
    return out


def first_entries(entry_ids: Sequence[str]) -> list[str]:
    """Passage-level ranking → entry-level ranking (each entry at its first passage's rank)."""
    return list(dict.fromkeys(entry_ids))


def isac_search(engine) -> Search:
    def run(q: str) -> tuple[list[str], float]:
        result = engine.search(q, k=10)
        return [c.entry_id for c in result.candidates], result.timings_ms.get("encode", 0.0)
    return run


def haystack_search(passages: list[dict], vectors: np.ndarray, qvec: dict[str, list[float]]) -> Search:
    from haystack import Document, Pipeline
    from haystack.components.joiners import DocumentJoiner
    from haystack.components.retrievers.in_memory import InMemoryBM25Retriever, InMemoryEmbeddingRetriever
    from haystack.document_stores.in_memory import InMemoryDocumentStore

    store = InMemoryDocumentStore()
    store.write_documents([Document(id=str(p["pid"]), content=p["text"], embedding=v.tolist(),
                                    meta={"entry_id": p["entry_id"]}) for p, v in zip(passages, vectors)])
    pipe = Pipeline()
    pipe.add_component("bm25", InMemoryBM25Retriever(document_store=store, top_k=TOP_K))
    pipe.add_component("dense", InMemoryEmbeddingRetriever(document_store=store, top_k=TOP_K))
    pipe.add_component("joiner", DocumentJoiner(join_mode="reciprocal_rank_fusion"))
    pipe.connect("bm25", "joiner")
    pipe.connect("dense", "joiner")

    def run(q: str) -> tuple[list[str], float]:
        out = pipe.run({"bm25": {"query": q}, "dense": {"query_embedding": qvec[q]}})
        docs = sorted(out["joiner"]["documents"], key=lambda d: d.score or 0.0, reverse=True)
        return first_entries([d.meta["entry_id"] for d in docs]), 0.0
    return run


def txtai_search(passages: list[dict], vectors: np.ndarray, qvec: dict[str, np.ndarray]) -> Search:
    from txtai import Embeddings

    # indexing: the passages' vectors in stream order (checked against the texts); search: the queries'
    state: dict = {"next": 0, "queries": None}

    def transform(texts):
        if state["queries"] is not None:
            return np.stack([state["queries"][t] for t in texts])
        start, state["next"] = state["next"], state["next"] + len(texts)
        if [p["text"] for p in passages[start:state["next"]]] != list(texts):
            raise RuntimeError("txtai asked for passage vectors out of order")
        return vectors[start:state["next"]]

    emb = Embeddings(hybrid=True, content=True, method="external", transform=transform,
                     backend="faiss", faiss={"components": "IDMap,Flat"})
    emb.index([(p["pid"], p["text"], None) for p in passages])
    if state["next"] != len(passages):
        raise RuntimeError(f"txtai embedded {state['next']} of {len(passages)} passages")
    state["queries"] = qvec
    entry_of = [p["entry_id"] for p in passages]

    def run(q: str) -> tuple[list[str], float]:
        hits = emb.search(q, limit=TOP_K)
        return first_entries([entry_of[int(h["id"])] for h in hits]), 0.0
    return run


def measure(search: Search, questions: list[dict]) -> dict:
    """Entry-level accuracy@1 and hit@3, and p50/p95 latency less the excluded time."""
    for item in questions[:WARMUP]:
        search(item["question"])
    top1, top3, ms = [], [], []
    for item in questions:
        t0 = time.perf_counter()
        entries, excluded = search(item["question"])
        ms.append((time.perf_counter() - t0) * 1e3 - excluded)
        expected = set(item["expected"])
        top1.append(bool(entries[:1]) and entries[0] in expected)
        top3.append(any(e in expected for e in entries[:3]))
    return {"acc@1": round(float(np.mean(top1)), 4), "hit@3": round(float(np.mean(top3)), 4),
            "p50_ms": round(float(np.percentile(ms, 50)), 2), "p95_ms": round(float(np.percentile(ms, 95)), 2),
            "n": len(questions)}


def single_thread() -> None:
    import faiss
    import torch

    torch.set_num_threads(1)
    faiss.omp_set_num_threads(1)
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:
        pass


def main() -> None:
    from isac.engine import load_engine
    from isac.settings import Settings

    os.chdir(ROOT)
    single_thread()
    sets = load_questions()
    engine = load_engine(Settings())
    texts = list(dict.fromkeys(item["question"] for qs in sets.values() for item in qs))
    t0 = time.perf_counter()
    prepared = [engine.dense_text(engine.analyse(q, None, engine.config), engine.config) for q in texts]
    encoded = np.asarray(engine.encoder.encode_queries(prepared), dtype=np.float32)
    encode_s = time.perf_counter() - t0
    qvec = dict(zip(texts, encoded))

    # the very index isac loaded (index/passages.jsonl and index/vectors.npy), so all three share one build
    passages = [{"pid": p.pid, "entry_id": p.entry_id, "text": p.text} for p in engine.index.passages]
    vectors = np.array(engine.index.vectors, dtype=np.float32)
    if len(passages) != len(vectors) or any(p["pid"] != i for i, p in enumerate(passages)):
        raise SystemExit("the index's passages and vectors do not line up")

    builds: dict[str, float] = {}
    systems: dict[str, Search] = {"isac": isac_search(engine)}
    t0 = time.perf_counter()
    systems["haystack"] = haystack_search(passages, vectors, {q: v.tolist() for q, v in qvec.items()})
    builds["haystack"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    systems["txtai"] = txtai_search(passages, vectors, qvec)
    builds["txtai"] = round(time.perf_counter() - t0, 2)

    results = {name: {s: measure(search, qs) for s, qs in sets.items()} for name, search in systems.items()}

    print(f"index {engine.index.version}: {len(passages)} passages; {len(texts)} questions encoded once "
          f"in {encode_s:.1f} s; index build: haystack {builds['haystack']} s, txtai {builds['txtai']} s")
    print(f"{'system':<10}{'set':<10}{'acc@1':>8}{'hit@3':>8}{'p50 ms':>9}{'p95 ms':>9}{'n':>6}")
    for name, by_set in results.items():
        for s, m in by_set.items():
            print(f"{name:<10}{s:<10}{m['acc@1']:>8.3f}{m['hit@3']:>8.3f}{m['p50_ms']:>9.2f}{m['p95_ms']:>9.2f}"
                  f"{m['n']:>6}")
    versions = {pkg: version(pkg) for pkg in ("haystack-ai", "txtai", "faiss-cpu", "torch", "numpy")}
    print(json.dumps({"results": results, "versions": versions, "index": engine.index.version,
                      "passages": len(passages), "build_s": builds, "top_k": TOP_K}))


if __name__ == "__main__":
    main()
