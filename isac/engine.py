"""The query engine, a short orchestrator: prepare → encode → retrieve → rank → decide.

Each stage lives in its own module: ``query`` (checking and tidying the text), ``text``
(analysis), ``retrievers`` (BM25, dense, out-of-scope), ``ranking`` (entry features, the
reranker and confidence), ``decision`` (answer, clarify or route).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from isac.confidence import Calibrator
from isac.config import EngineConfig
from isac.decision import decide, section_for
from isac.index import Index
from isac.language import detect
from isac.query import QueryError, check_query, focus_question, question_sentence, repair_apostrophes, strip_fillers
from isac.ranking import FEATURE_NAMES, Ranker, citizen_centroids
from isac.records import AnalysedQuery, Answer, SearchResult
from isac.retrievers import BM25Retriever, DenseRetriever, OutOfScopeMatcher, RetrievalQuery, Retriever

OTHER_LANG = {"ca": "es", "es": "ca"}


@dataclass(frozen=True)
class PassageScores:
    """The expensive half of a search, kept so tuning can re-rank without re-encoding."""

    query: AnalysedQuery
    bm25: np.ndarray
    dense: np.ndarray
    oos: np.ndarray  # similarity to each out-of-scope example
    timings: dict
    # cosine to each entry's centroid of citizen phrasings (questions, situations, FAQ), by entry
    centroid: np.ndarray | None = None
    # the entry classifier's probability of each entry (isac/classifier.py)
    classifier: np.ndarray | None = None
    # its probability that the question is out of scope (0 without that class)
    classifier_oos: float = 0.0
    # the query's vector, for the second level's adapter (isac/unit_adapter.py)
    vector: np.ndarray | None = None
    # P(out of scope | the question's words): the index's word model (0 without one)
    oos_words: float = 0.0


class Engine:
    """Loaded once at startup; ``search`` and ``answer`` are safe to call concurrently."""

    def __init__(self, index: Index, encoder, config: EngineConfig | None = None,
                 calibrator: Calibrator | None = None, lexical: Retriever | None = None,
                 dense: Retriever | None = None):
        self.index = index
        self.encoder = encoder
        self.config = config or EngineConfig.tuned()
        self.calibrator = calibrator or Calibrator.load()
        self.lexical = lexical or BM25Retriever(index.bm25_dir, len(index.passages))
        self.dense = dense or DenseRetriever(index.vectors)
        self.out_of_scope = OutOfScopeMatcher(index.oos_vectors)
        self.ranker = Ranker(index, self.calibrator)
        self.centroids = citizen_centroids(index, self.ranker.is_citizen)

    # -- stages ------------------------------------------------------------------------
    def analyse(self, text: str, lang: str | None = None, config: EngineConfig | None = None) -> AnalysedQuery:
        """Tidy the text and turn it into index terms (with spelling repair and synonyms)."""
        cfg = config or self.config
        clean = strip_fillers(text) if cfg.strip_fillers else text
        lang = lang or detect(clean)
        if cfg.repair_apostrophes:
            clean = repair_apostrophes(clean, lang)
        repair = self.index.speller.repair if cfg.spelling else None
        a = self.index.analyzer.analyse(clean, lang, repair=repair, expand=cfg.synonyms)
        tokens = a.tokens
        if cfg.both_lemmas and lang in OTHER_LANG:
            # code-switched questions: the other language's lemmas of the same words, when known
            other = self.index.analyzer.analyse(clean, OTHER_LANG[lang], repair=repair, expand=False).tokens
            tokens += tuple(dict.fromkeys(t for t in other if t not in tokens and t in self.index.vocab))
        base = a.tokens[: a.n_base]
        known = sum(t in self.index.vocab for t in base) / len(base) if base else 0.0
        return AnalysedQuery(text, lang, tokens, a.corrections, a.synonyms, known, clean, len(base))

    def dense_text(self, query: AnalysedQuery, config: EngineConfig | None = None) -> str:
        """What the encoder sees: the tidied question, spelling repaired, focused and bounded."""
        cfg = config or self.config
        text = query.clean or query.text
        for wrong, right in query.corrections:
            text = re.sub(rf"\b{re.escape(wrong)}\b", right, text, flags=re.IGNORECASE)
        if cfg.focus_question:
            return focus_question(text, cfg.max_encoder_chars)
        return text[: cfg.max_encoder_chars]

    def score_many(self, texts: Sequence[str], lang: str | None = None,
                   config: EngineConfig | None = None) -> list[PassageScores]:
        """Every passage's scores for each text, the encoder called once for the batch."""
        cfg = config or self.config
        t0 = time.perf_counter()
        queries = [self.analyse(check_query(t, cfg.max_query_chars), lang, cfg) for t in texts]
        t1 = time.perf_counter()
        texts = [self.dense_text(q, cfg) for q in queries]
        # long stories add their question sentence, encoded in the same batch
        extra = {i: s for i, q in enumerate(queries) if cfg.sentence_pooling
                 and len(q.clean or q.text) >= cfg.pooling_min_chars
                 and (s := question_sentence(q.clean or q.text)) and s != texts[i]}
        encoded = self.encoder.encode_queries(texts + list(extra.values())).astype(np.float32)
        vectors, sentence_vectors = encoded[:len(texts)], dict(zip(extra, encoded[len(texts):], strict=True))
        t2 = time.perf_counter()
        out = []
        n = max(len(queries), 1)
        for i, (q, v) in enumerate(zip(queries, vectors, strict=True)):
            rq = RetrievalQuery(q.tokens, v)
            t3 = time.perf_counter()
            bm25 = self.lexical.score(rq)
            t4 = time.perf_counter()
            dense, oos = self.dense.score(rq), self.out_of_scope.score(rq)
            centroid = self.centroids @ v
            classifier = self.index.classifier
            clf, clf_oos = classifier.split(v) if classifier is not None else (None, 0.0)
            if i in sentence_vectors:
                sq = RetrievalQuery(q.tokens, sentence_vectors[i])
                dense = np.maximum(dense, self.dense.score(sq))
                oos = np.maximum(oos, self.out_of_scope.score(sq))
                centroid = np.maximum(centroid, self.centroids @ sentence_vectors[i])
                if classifier is not None and clf is not None:
                    # either text can show the question is in scope: the higher entry, the lower out of scope
                    s_clf, s_oos = classifier.split(sentence_vectors[i])
                    clf, clf_oos = np.maximum(clf, s_clf), min(clf_oos, s_oos)
            t5 = time.perf_counter()
            timings = {"analyse": (t1 - t0) * 1e3 / n, "encode": (t2 - t1) * 1e3 / n,
                       "bm25": (t4 - t3) * 1e3, "dense": (t5 - t4) * 1e3}
            words = self.index.oos_words.probabilities(q.clean or q.text)["oos"] if self.index.oos_words else 0.0
            out.append(PassageScores(q, bm25, dense, oos, timings, centroid, clf, clf_oos, v, words))
        return out

    def score_passages(self, text: str, lang: str | None = None, config: EngineConfig | None = None) -> PassageScores:
        """Every passage's scores for one text."""
        return self.score_many([text], lang, config)[0]

    def rank(self, ps: PassageScores, k: int, cfg: EngineConfig | None = None) -> SearchResult:
        """Passage scores → the top ``k`` entries and a calibrated confidence."""
        t0 = time.perf_counter()
        result = self.ranker.rank(ps, k, cfg or self.config)
        result.timings_ms["rank"] = (time.perf_counter() - t0) * 1e3
        result.timings_ms["total"] = sum(v for key, v in result.timings_ms.items() if key != "total")
        return result

    # -- the public calls --------------------------------------------------------------
    def search(self, text: str, k: int = 5, lang: str | None = None,
               config: EngineConfig | None = None) -> SearchResult:
        """The ranked entries for one query."""
        cfg = config or self.config
        return self.rank(self.score_passages(text, lang, cfg), k, cfg)

    def search_many(self, texts: Sequence[str], k: int = 5, config: EngineConfig | None = None) -> list[SearchResult]:
        """``search`` for a batch (the eval's path): one encoder call for all of them."""
        cfg = config or self.config
        return [self.rank(ps, k, cfg) for ps in self.score_many(texts, None, cfg)]

    def answer(self, text: str, lang: str | None = None, config: EngineConfig | None = None,
               result: SearchResult | None = None) -> Answer:
        """What the citizen gets: an answer, a choice, or where to go."""
        cfg = config or self.config
        result = result or self.search(text, k=5, lang=lang, config=cfg)
        return decide(self.index, result, cfg)

    def faq_for(self, entry, text: str):
        """The entry's FAQ item that answers ``text`` (a chat follow-up), or None for a section.

        With the second level fitted, its pick among the entry's parts; without it, the FAQ
        question closest to ``text`` if close enough (cfg.faq_threshold).
        """
        cfg = self.config
        if not cfg.faq or not entry.faq:
            return None
        if cfg.answer_weights:
            # the second level decides, as for a first question: a FAQ item, or a section (None here)
            ps = self.score_passages(text, None, cfg)
            choice = self.ranker.selector.choose(self.ranker.position[entry.id], ps.query.tokens, text,
                                                 ps.dense, ps.bm25, cfg.answer_weights, ps.vector)
            key = choice.key if choice else ""
            return entry.faq[int(key.split(":")[1])] if key.startswith("faq:") else None
        slots = self.ranker.faq_slots.get(self.ranker.position[entry.id])
        if slots is None:
            return None
        pids, items = slots
        q = self.encoder.encode_queries([self.dense_text(self.analyse(text, None, cfg), cfg)])[0]
        scores = np.asarray(self.index.vectors[pids]) @ q
        best = int(np.argmax(scores))
        if float(scores[best]) < cfg.faq_threshold - 0.03:  # the topic is already settled: a little looser
            return None
        return entry.faq[int(items[best])]

    @staticmethod
    def section_for(entry, question: str, lang: str, candidate=None) -> tuple[str | None, str]:
        """The section of ``entry`` that answers ``question`` (see ``decision.section_for``)."""
        return section_for(entry, question, lang, candidate)


def load_engine(settings, *, serving: bool = False) -> Engine:
    """The one place that loads the encoder and the index (once, at startup).

    ``serving`` (the API) puts the encoder behind a micro-batching worker when
    ``ISAC_ENCODER_BATCH_WINDOW_MS`` is over 0: concurrent requests share encoder calls.
    """
    from isac.encoders import encoder_name, make_encoder
    from isac.index import load_index

    index = load_index(settings.index_dir, encoder_name(settings.encoder))
    window = getattr(settings, "encoder_batch_window_ms", 0.0)
    encoder: Any
    if serving and window > 0:
        from isac.batching import BatchingEncoder

        # the worker thread loads the model itself (see batching.py)
        encoder = BatchingEncoder(lambda: make_encoder(settings.encoder), window_ms=window,
                                  max_batch=settings.encoder_batch_max)
    else:
        encoder = make_encoder(settings.encoder)
    return Engine(index, encoder, EngineConfig.from_settings(settings))


def release_engine(engine: Engine | None, after_s: float = 0.0) -> None:
    """Stop a replaced engine's encoder worker once its last requests are surely done."""
    close = getattr(getattr(engine, "encoder", None), "close", None)
    if close is None:
        return
    if after_s <= 0:
        close()
    else:
        import threading

        timer = threading.Timer(after_s, close)
        timer.daemon = True
        timer.start()


__all__ = ["FEATURE_NAMES", "Engine", "EngineConfig", "PassageScores", "QueryError", "check_query", "load_engine",
           "release_engine"]
