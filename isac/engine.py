"""The query engine: analyse → BM25 + dense → aggregate to entries → fuse → decide."""

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
from isac.records import (
    AnalysedQuery,
    Answer,
    AnswerStatus,
    Candidate,
    PassageKind,
    SearchResult,
)


class QueryError(ValueError):
    """The query itself is unusable (empty, too long, not text)."""


@dataclass(frozen=True)
class EngineConfig:
    fusion: FusionMode = FusionMode.CONVEX
    alpha: float = 0.6
    rrf_k: int = 60
    bm25_saturation: float = 8.0
    dense_floor: float = 0.75
    dense_ceil: float = 0.95
    answer_threshold: float = 0.35
    clarify_margin: float = 0.03
    spelling: bool = True
    synonyms: bool = True
    # match queries against the entries' alternative questions (ablation switch)
    questions: bool = True
    max_query_chars: int = 500

    @classmethod
    def tuned(cls) -> "EngineConfig":
        """Defaults overlaid with what `isac tune` fitted on eval/dev."""
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in tuned_values().items() if k in known})

    @classmethod
    def from_settings(cls, settings) -> "EngineConfig":
        explicit = {
            "fusion": settings.fusion, "rrf_k": settings.rrf_k, "spelling": settings.spelling,
            "synonyms": settings.synonyms, "max_query_chars": settings.max_query_chars,
        }
        for key in ("alpha", "answer_threshold", "clarify_margin"):
            if getattr(settings, key) is not None:
                explicit[key] = getattr(settings, key)
        return replace(cls.tuned(), **explicit)


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
        self._n_entries = len(index.entries)
        self._ids = [e.id for e in index.entries]
        self._entry_passages = {
            e.id: np.flatnonzero(index.passage_entry == i) for i, e in enumerate(index.entries)
        }
        self._terms_cache: dict[int, frozenset[str]] = {}
        self._is_question = np.array([p.kind is PassageKind.QUESTION for p in index.passages])

    # -- stages ------------------------------------------------------------------------
    def analyse(self, text: str, lang: str | None = None, config: EngineConfig | None = None) -> AnalysedQuery:
        cfg = config or self.config
        lang = lang or detect(text)
        repair = self.index.speller.repair if cfg.spelling else None
        a = self.index.analyzer.analyse(text, lang, repair=repair, expand=cfg.synonyms)
        return AnalysedQuery(text, lang, a.tokens, a.corrections, a.synonyms)

    def _entry_max(self, passage_scores: np.ndarray) -> np.ndarray:
        best = np.full(self._n_entries, -np.inf, dtype=np.float64)
        np.maximum.at(best, self.index.passage_entry, passage_scores)
        return best

    def _bm25(self, tokens: tuple[str, ...]) -> np.ndarray:
        known = [t for t in tokens if t in self._vocab]
        if not known:
            return np.zeros(len(self.index.passages), dtype=np.float64)
        return np.asarray(self.index.bm25.get_scores(known), dtype=np.float64)

    def _dense(self, text: str) -> np.ndarray:
        q = self.encoder.encode_queries([text]).astype(np.float32)
        n = self.index.faiss_index.ntotal
        scores, ids = self.index.faiss_index.search(q, n)
        out = np.empty(n, dtype=np.float64)
        out[ids[0]] = scores[0]
        return out

    # -- public API --------------------------------------------------------------------
    def score_passages(self, text: str, lang: str | None = None,
                       config: EngineConfig | None = None) -> tuple[AnalysedQuery, np.ndarray, np.ndarray, dict]:
        """The expensive half of a search: analysis, BM25 and the encoder, per passage."""
        cfg = config or self.config
        text = check_query(text, cfg.max_query_chars)
        t0 = time.perf_counter()
        query = self.analyse(text, lang, cfg)
        t1 = time.perf_counter()
        p_bm25 = self._bm25(query.tokens)
        t2 = time.perf_counter()
        dense_text = text
        for wrong, right in query.corrections:
            dense_text = re.sub(rf"\b{re.escape(wrong)}\b", right, dense_text, flags=re.IGNORECASE)
        p_dense = self._dense(dense_text)
        t3 = time.perf_counter()
        timings = {"analyse": (t1 - t0) * 1e3, "bm25": (t2 - t1) * 1e3, "dense": (t3 - t2) * 1e3}
        return query, p_bm25, p_dense, timings

    def search(self, text: str, k: int = 5, lang: str | None = None,
               config: EngineConfig | None = None) -> SearchResult:
        cfg = config or self.config
        query, p_bm25, p_dense, timings = self.score_passages(text, lang, cfg)
        return self.rank(query, p_bm25, p_dense, k, cfg, timings)

    def rank(self, query: AnalysedQuery, p_bm25: np.ndarray, p_dense: np.ndarray, k: int,
             cfg: EngineConfig, timings: dict | None = None) -> SearchResult:
        """The cheap half: aggregate passages to entries, fuse, pick passages, calibrate."""
        t3 = time.perf_counter()
        ids = self._ids
        if not cfg.questions:
            p_bm25 = np.where(self._is_question, 0.0, p_bm25)
            p_dense = np.where(self._is_question, -1.0, p_dense)
        e_bm25 = self._entry_max(p_bm25)
        e_dense = self._entry_max(p_dense)
        bm25_raw = {ids[i]: float(s) for i, s in enumerate(e_bm25) if s > 0}
        dense_raw = {ids[i]: float(s) for i, s in enumerate(e_dense)}
        bm25_n = normalise_bm25(bm25_raw, cfg.bm25_saturation)
        dense_n = normalise_dense(dense_raw, cfg.dense_floor, cfg.dense_ceil)
        if cfg.fusion is FusionMode.CONVEX:
            ranking = fuse(bm25_n, dense_n, cfg.fusion, alpha=cfg.alpha)
        else:
            ranking = fuse(bm25_raw, dense_raw, cfg.fusion, alpha=cfg.alpha, rrf_k=cfg.rrf_k)
        bm25_rank = {e: r for r, e in enumerate(sorted(bm25_raw, key=lambda e: -bm25_raw[e]), 1)}
        dense_rank = {e: r for r, e in enumerate(sorted(dense_raw, key=lambda e: -dense_raw[e]), 1)}

        # per-passage blend picks the passage that best explains each entry
        span = max(cfg.dense_ceil - cfg.dense_floor, 1e-6)
        p_blend = cfg.alpha * np.clip((p_dense - cfg.dense_floor) / span, 0, 1) \
            + (1 - cfg.alpha) * p_bm25 / (p_bm25 + cfg.bm25_saturation)
        qtokens = set(query.tokens)
        candidates = []
        for entry_id, score in ranking[:k]:
            pids = self._entry_passages[entry_id]
            passage = self.index.passages[int(pids[np.argmax(p_blend[pids])])]
            matched = tuple(sorted(qtokens & self._passage_terms(passage.pid)))
            candidates.append(Candidate(
                entry_id=entry_id, score=float(score),
                bm25=float(bm25_raw.get(entry_id, 0.0)), dense=float(dense_raw.get(entry_id, 0.0)),
                bm25_rank=bm25_rank.get(entry_id),
                # "found by dense" means it was in the dense top 50, not merely scored
                dense_rank=dense_rank[entry_id] if dense_rank.get(entry_id, 999) <= 50 else None,
                passage=passage, matched_terms=matched,
            ))
        top = candidates[0].entry_id if candidates else None
        second = candidates[1].entry_id if len(candidates) > 1 else None
        feats = self.features(top, second, bm25_n, dense_n, bm25_rank, dense_rank, cfg.alpha)
        confidence = self.calibrator(feats)
        timings = dict(timings or {})
        timings["fuse"] = (time.perf_counter() - t3) * 1e3
        timings["total"] = sum(timings.values())
        return SearchResult(query, tuple(candidates), confidence, timings, feats)

    def _passage_terms(self, pid: int) -> frozenset[str]:
        cached = self._terms_cache.get(pid)
        if cached is None:
            p = self.index.passages[pid]
            cached = frozenset(self.index.analyzer.analyse(p.text, p.lang).tokens)
            self._terms_cache[pid] = cached
        return cached

    def features(self, top: str | None, second: str | None, bm25_n: dict, dense_n: dict,
                 bm25_rank: dict, dense_rank: dict, alpha: float) -> dict[str, float]:
        def convex(e):
            return alpha * dense_n.get(e, 0.0) + (1 - alpha) * bm25_n.get(e, 0.0)

        if top is None:
            return {"top": 0.0, "margin": 0.0, "dense_top": 0.0, "bm25_top": 0.0, "agree": 0.0}
        return {
            "top": convex(top),
            "margin": convex(top) - (convex(second) if second else 0.0),
            "dense_top": dense_n.get(top, 0.0),
            "bm25_top": bm25_n.get(top, 0.0),
            "agree": float(bm25_rank.get(top) == 1 and dense_rank.get(top) == 1),
        }

    def answer(self, text: str, lang: str | None = None, config: EngineConfig | None = None,
               result: SearchResult | None = None) -> Answer:
        cfg = config or self.config
        result = result or self.search(text, k=max(5, 3), lang=lang, config=cfg)
        qlang = result.query.lang
        out_lang = "es" if qlang == "es" else "ca"
        if not result.candidates or result.confidence < cfg.answer_threshold:
            return Answer(AnswerStatus.NONE, result.query.text, out_lang, result.confidence, result=result)
        top = result.candidates[0]
        entry = self.index.entry(top.entry_id)
        close = [c for c in result.candidates[1:3] if top.score - c.score < cfg.clarify_margin]
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
        if candidate is not None and candidate.passage.kind is PassageKind.SECTION and candidate.passage.section in entry.sections:
            key = candidate.passage.section
            return key, entry.sections[key]
        return None, entry.summary[lang]


def with_config(engine: Engine, **changes) -> EngineConfig:
    return replace(engine.config, **changes)


def load_engine(settings) -> Engine:
    """The one place that loads the encoder and the index (once, at startup)."""
    from isac.encoders import encoder_name, make_encoder
    from isac.index import load_index

    index = load_index(settings.index_dir, encoder_name(settings.encoder))
    return Engine(index, make_encoder(settings.encoder), EngineConfig.from_settings(settings))
