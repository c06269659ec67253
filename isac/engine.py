"""The query engine: analyse → BM25 + dense → entry features → fuse or rerank → decide."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace

import numpy as np

from isac.confidence import Calibrator, tuned_values
from isac.fusion import FusionMode, fuse, normalise_bm25, normalise_dense
from isac.index import Index
from isac.intent import detect_intent
from isac.language import detect
from isac.ranking import FEATURE_NAMES, LinearReranker, PassageLayout, TermOverlap, entry_features, top_mean
from isac.records import AnalysedQuery, Answer, AnswerStatus, Candidate, PassageKind, SearchResult


class QueryError(ValueError):
    """The query itself is unusable (empty, too long, not text)."""


@dataclass(frozen=True)
class EngineConfig:
    fusion: FusionMode = FusionMode.CONVEX
    alpha: float = 0.4
    rrf_k: int = 60
    # passages per entry averaged for the entry's BM25 and dense scores (1 = best only)
    agg_k: int = 3
    bm25_saturation: float = 12.0
    dense_floor: float = 0.75
    dense_ceil: float = 0.95
    answer_threshold: float = 0.35
    clarify_margin: float = 0.0
    # how much closer to an out-of-scope example than to any entry question means "not ours"
    oos_margin: float = 0.0
    spelling: bool = True
    synonyms: bool = True
    # match queries against the entries' alternative questions (ablation switch)
    questions: bool = True
    rerank: bool = True
    rerank_weights: tuple[float, ...] = ()
    max_query_chars: int = 500

    @classmethod
    def tuned(cls) -> EngineConfig:
        """Defaults overlaid with what `isac tune` fitted on eval/dev."""
        values = tuned_values()
        if values.get("rerank_features") == list(FEATURE_NAMES):
            values["rerank_weights"] = tuple(values["rerank_weights"])
        else:
            # weights fitted on other features would rank nonsense; fall back to plain fusion
            values.pop("rerank_weights", None)
        return cls(**{k: v for k, v in values.items() if k in cls.__dataclass_fields__})

    @classmethod
    def from_settings(cls, settings) -> EngineConfig:
        explicit = {
            "fusion": settings.fusion, "rrf_k": settings.rrf_k, "spelling": settings.spelling,
            "synonyms": settings.synonyms, "max_query_chars": settings.max_query_chars,
        }
        for key in ("alpha", "answer_threshold", "clarify_margin"):
            if getattr(settings, key) is not None:
                explicit[key] = getattr(settings, key)
        return replace(cls.tuned(), **explicit)


@dataclass(frozen=True)
class PassageScores:
    """The expensive half of a search, kept so tuning can re-rank without re-encoding."""

    query: AnalysedQuery
    bm25: np.ndarray
    dense: np.ndarray
    oos: np.ndarray  # similarity to each out-of-scope example
    timings: dict


def check_query(text: object, max_chars: int) -> str:
    if not isinstance(text, str):
        raise QueryError("the query must be text")
    clean = " ".join(text.split())
    if not clean:
        raise QueryError("the query is empty; type a question, e.g. 'com m'empadrono?'")
    if len(clean) > max_chars:
        raise QueryError(f"the query has {len(clean)} characters; the limit is {max_chars}")
    if "\ufffd" in clean or any(ord(c) < 32 for c in clean):
        raise QueryError("the query has undecodable or control characters; send UTF-8 text")
    return clean


class Engine:
    """Loaded once at startup; ``search`` and ``answer`` are safe to call concurrently."""

    def __init__(self, index: Index, encoder, config: EngineConfig | None = None,
                 calibrator: Calibrator | None = None):
        self.index = index
        self.encoder = encoder
        self.config = config or EngineConfig.tuned()
        self.calibrator = calibrator or Calibrator.load()
        self._vocab = index.bm25.vocab_dict
        self._ids = [e.id for e in index.entries]
        self._layout = PassageLayout.build(index.passage_entry, [p.kind for p in index.passages], len(self._ids))
        self._is_question = np.array([p.kind is PassageKind.QUESTION for p in index.passages])
        self._overlap = TermOverlap.build(index.passage_tokens)

    # -- stages ------------------------------------------------------------------------
    def analyse(self, text: str, lang: str | None = None, config: EngineConfig | None = None) -> AnalysedQuery:
        cfg = config or self.config
        lang = lang or detect(text)
        repair = self.index.speller.repair if cfg.spelling else None
        a = self.index.analyzer.analyse(text, lang, repair=repair, expand=cfg.synonyms)
        base = a.tokens[: a.n_base]
        known = sum(t in self._vocab for t in base) / len(base) if base else 0.0
        return AnalysedQuery(text, lang, a.tokens, a.corrections, a.synonyms, known)

    def _bm25(self, tokens: tuple[str, ...]) -> np.ndarray:
        known = [t for t in tokens if t in self._vocab]
        if not known:
            return np.zeros(len(self.index.passages), dtype=np.float64)
        return np.asarray(self.index.bm25.get_scores(known), dtype=np.float64)

    def score_passages(self, text: str, lang: str | None = None, config: EngineConfig | None = None) -> PassageScores:
        cfg = config or self.config
        text = check_query(text, cfg.max_query_chars)
        t0 = time.perf_counter()
        query = self.analyse(text, lang, cfg)
        t1 = time.perf_counter()
        p_bm25 = self._bm25(query.tokens)
        t2 = time.perf_counter()
        q = self.encoder.encode_queries([self.dense_text(query)]).astype(np.float32)
        n = self.index.faiss_index.ntotal
        scores, pids = self.index.faiss_index.search(q, n)
        p_dense = np.empty(n, dtype=np.float64)
        p_dense[pids[0]] = scores[0]
        oos = self.index.oos_vectors @ q[0] if len(self.index.oos_vectors) else np.zeros(0)
        t3 = time.perf_counter()
        timings = {"analyse": (t1 - t0) * 1e3, "bm25": (t2 - t1) * 1e3, "dense": (t3 - t2) * 1e3}
        return PassageScores(query, p_bm25, p_dense, oos.astype(np.float64), timings)

    @staticmethod
    def dense_text(query: AnalysedQuery) -> str:
        """What the encoder sees: the question with its spelling repaired."""
        text = query.text
        for wrong, right in query.corrections:
            text = re.sub(rf"\b{re.escape(wrong)}\b", right, text, flags=re.IGNORECASE)
        return text

    def search(self, text: str, k: int = 5, lang: str | None = None,
               config: EngineConfig | None = None) -> SearchResult:
        cfg = config or self.config
        return self.rank(self.score_passages(text, lang, cfg), k, cfg)

    def rank(self, ps: PassageScores, k: int, cfg: EngineConfig | None = None) -> SearchResult:
        """The cheap half: passages → entry features → fused or reranked entries → confidence."""
        cfg = cfg or self.config
        t0 = time.perf_counter()
        p_bm25, p_dense = ps.bm25, ps.dense
        if not cfg.questions:
            p_bm25 = np.where(self._is_question, 0.0, p_bm25)
            p_dense = np.where(self._is_question, -1.0, p_dense)
        lo = -1e9
        e_bm25 = top_mean(self._layout.gather(p_bm25, lo), cfg.agg_k, lo)
        e_dense = top_mean(self._layout.gather(p_dense, lo), cfg.agg_k, lo)
        ids = self._ids
        bm25_raw = {ids[i]: float(s) for i, s in enumerate(e_bm25) if s > 0}
        dense_raw = dict(zip(ids, map(float, e_dense)))
        # the reranker refines the tuned convex fusion; other modes are kept pure for comparison
        reranked = cfg.rerank and bool(cfg.rerank_weights) and cfg.fusion is FusionMode.CONVEX
        if reranked:
            X = self.entry_features(ps, cfg, p_bm25, p_dense)
            final = LinearReranker(cfg.rerank_weights).scores(X)
            ranking = sorted(zip(ids, map(float, final)), key=lambda kv: (-kv[1], kv[0]))
        elif cfg.fusion is FusionMode.CONVEX:
            ranking = fuse(normalise_bm25(bm25_raw, cfg.bm25_saturation),
                           normalise_dense(dense_raw, cfg.dense_floor, cfg.dense_ceil),
                           cfg.fusion, alpha=cfg.alpha)
        else:
            ranking = fuse(bm25_raw, dense_raw, cfg.fusion, alpha=cfg.alpha, rrf_k=cfg.rrf_k)
        bm25_rank = {e: r for r, e in enumerate(sorted(bm25_raw, key=lambda e: -bm25_raw[e]), 1)}
        dense_rank = {e: r for r, e in enumerate(sorted(dense_raw, key=lambda e: -dense_raw[e]), 1)}

        # per-passage blend picks the passage that best explains each entry
        span = max(cfg.dense_ceil - cfg.dense_floor, 1e-6)
        p_blend = cfg.alpha * np.clip((p_dense - cfg.dense_floor) / span, 0, 1) \
            + (1 - cfg.alpha) * p_bm25 / (p_bm25 + cfg.bm25_saturation)
        qtokens = set(ps.query.tokens)
        position = {e: i for i, e in enumerate(ids)}
        candidates = []
        for entry_id, score in ranking[:k]:
            slots = self._layout.slots[position[entry_id]]
            pids = slots[slots >= 0]
            passage = self.index.passages[int(pids[np.argmax(p_blend[pids])])]
            candidates.append(Candidate(
                entry_id=entry_id, score=float(score),
                bm25=float(bm25_raw.get(entry_id, 0.0)), dense=float(dense_raw.get(entry_id, 0.0)),
                bm25_rank=bm25_rank.get(entry_id),
                # "found by dense" means it was in the dense top 50, not merely scored
                dense_rank=dense_rank[entry_id] if dense_rank.get(entry_id, 999) <= 50 else None,
                passage=passage, matched_terms=tuple(sorted(qtokens & self.index.passage_tokens[passage.pid])),
            ))
        # reranked and convex scores share one scale; raw BM25 and RRF scales are normalised away
        unit_scale = cfg.fusion is FusionMode.CONVEX
        feats, route = self._features(ps, ranking, p_dense, unit_scale, cfg.questions)
        confidence = self.calibrator(feats)
        timings = dict(ps.timings)
        timings["rank"] = (time.perf_counter() - t0) * 1e3
        timings["total"] = sum(timings.values())
        oos_topic = route if feats["oos_gap"] > cfg.oos_margin else None
        return SearchResult(ps.query, tuple(candidates), confidence, timings, feats, oos_topic)

    def entry_features(self, ps: PassageScores, cfg: EngineConfig, p_bm25=None, p_dense=None) -> np.ndarray:
        p_overlap = self._overlap.jaccard(ps.query.tokens)
        if not cfg.questions:
            p_overlap = np.where(self._is_question, 0.0, p_overlap)
        return entry_features(self._layout, ps.bm25 if p_bm25 is None else p_bm25,
                              ps.dense if p_dense is None else p_dense, p_overlap,
                              saturation=cfg.bm25_saturation, floor=cfg.dense_floor, ceil=cfg.dense_ceil)

    def _features(self, ps: PassageScores, ranking: list[tuple[str, float]], p_dense: np.ndarray,
                  unit_scale: bool, questions: bool = True):
        """What the confidence model sees; independent of the fusion mode's score scale."""
        scores = np.array([s for _, s in ranking]) if ranking else np.zeros(2)
        if len(scores) < 2:
            scores = np.append(scores, [0.0, 0.0])[:2]
        spread = scores - scores.max()
        z = 10.0 * spread / (1.0 if unit_scale else np.abs(scores).max() + 1e-9)
        probs = np.exp(z) / np.exp(z).sum()
        # nearest known citizen question; without question matching, the nearest passage
        use_q = questions and self._is_question.any()
        q_best = float(p_dense[self._is_question].max()) if use_q else float(p_dense.max())
        route, oos_best = None, 0.0
        if len(ps.oos):
            j = int(np.argmax(ps.oos))
            oos_best = float(ps.oos[j])
            route = self.index.oos_topics[int(self.index.oos_owner[j])]
        feats = {
            "p_top": float(probs[0]),
            "p_margin": float(probs[0] - probs[1]),
            "dense_question": q_best,
            "oos_gap": oos_best - q_best if len(ps.oos) else -1.0,
            "known": float(min(ps.query.known, 1.0)),
            "oos_sim": oos_best,
            "terms": float(len(ps.query.tokens)),
        }
        return feats, route

    # -- decisions ---------------------------------------------------------------------
    def answer(self, text: str, lang: str | None = None, config: EngineConfig | None = None,
               result: SearchResult | None = None) -> Answer:
        cfg = config or self.config
        result = result or self.search(text, k=5, lang=lang, config=cfg)
        out_lang = "es" if result.query.lang == "es" else "ca"
        if result.out_of_scope is not None or not result.candidates or result.confidence < cfg.answer_threshold:
            return Answer(AnswerStatus.NONE, result.query.text, out_lang, result.confidence, result=result,
                          route=result.out_of_scope)
        top = result.candidates[0]
        entry = self.index.entry(top.entry_id)
        spread = abs(top.score) + 1e-9
        close = [c for c in result.candidates[1:3] if (top.score - c.score) / spread < cfg.clarify_margin]
        if close:
            options = (entry, *(self.index.entry(c.entry_id) for c in close))
            return Answer(AnswerStatus.CLARIFY, result.query.text, out_lang, result.confidence,
                          entry=entry, options=options, result=result,
                          text=" / ".join(o.title[out_lang] for o in options))
        section, body = self.section_for(entry, result.query.text, out_lang, top)
        return Answer(AnswerStatus.ANSWER, result.query.text, out_lang, result.confidence,
                      entry=entry, section=section, text=body, result=result)

    def section_for(self, entry, question: str, lang: str, candidate: Candidate | None = None) -> tuple[str | None, str]:
        """The text that answers ``question`` from ``entry``: the asked-for section first."""
        intent = detect_intent(question)
        if intent and intent in entry.sections:
            return intent, entry.sections[intent]
        if candidate is not None and candidate.passage.kind is PassageKind.SECTION \
                and candidate.passage.section in entry.sections:
            key = candidate.passage.section
            return key, entry.sections[key]
        return None, entry.summary[lang]


def load_engine(settings) -> Engine:
    """The one place that loads the encoder and the index (once, at startup)."""
    from isac.encoders import encoder_name, make_encoder
    from isac.index import load_index

    index = load_index(settings.index_dir, encoder_name(settings.encoder))
    return Engine(index, make_encoder(settings.encoder), EngineConfig.from_settings(settings))


__all__ = ["Engine", "EngineConfig", "PassageScores", "QueryError", "check_query", "load_engine", "FEATURE_NAMES"]
