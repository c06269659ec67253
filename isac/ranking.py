"""Entry-level features from passage scores, and the learned linear reranker.

An entry has ~20 passages (title, six sections, questions, keywords). How their scores
add up matters: the best single passage is noisy, the mean of the best few is steadier,
and a match on a citizen-style question means something else than one on a section. The
reranker weighs these views with weights fitted listwise (softmax over all entries) on
eval/dev, so it stays a dozen numbers a content editor's change cannot break.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from isac.fusion import rescale, saturate
from isac.records import PassageKind

FEATURE_NAMES = (
    "bm25_max", "bm25_top2", "bm25_top3",
    "dense_max", "dense_top2", "dense_top3",
    "dense_question", "dense_title", "dense_section",
    "bm25_question", "bm25_title", "bm25_section", "bm25_keywords",
    "overlap_question", "overlap_title",
    "dense_situation", "bm25_situation", "dense_faq", "overlap_situation",
    "dense_centroid", "classifier",
)


@dataclass(frozen=True)
class PassageLayout:
    """Passages grouped by entry as a padded matrix, built once per index."""

    slots: np.ndarray  # (entries, max passages) passage ids, -1 where padded
    kind_masks: dict[str, np.ndarray]  # (entries, max passages) bool per passage kind

    @classmethod
    def build(cls, passage_entry: np.ndarray, kinds: list[PassageKind], n_entries: int) -> PassageLayout:
        """The layout of an index's passages."""
        counts = np.bincount(passage_entry, minlength=n_entries)
        slots = np.full((n_entries, max(int(counts.max(initial=1)), 1)), -1, dtype=np.int64)
        fill = np.zeros(n_entries, dtype=np.int64)
        for pid, e in enumerate(passage_entry):
            slots[e, fill[e]] = pid
            fill[e] += 1
        kind_arr = np.array([k.value for k in kinds] + [""])  # index -1 → ""
        masks = {k.value: kind_arr[slots] == k.value for k in PassageKind}
        return cls(slots, masks)

    def gather(self, scores: np.ndarray, fill: float) -> np.ndarray:
        """Passage scores as an (entries, slots) matrix, ``fill`` where padded."""
        padded = np.append(scores, fill)
        return padded[self.slots]


def top_mean(m: np.ndarray, k: int, fill: float) -> np.ndarray:
    """Mean of each row's k best real values (padding ``fill`` ignored); 0 for empty rows."""
    # the k largest per row, unordered: a partition is linear where a sort is not
    part = np.partition(m, m.shape[1] - k, axis=1)[:, -k:] if m.shape[1] > k else m
    part = np.where(part == fill, np.nan, part)
    with np.errstate(all="ignore"):
        out = np.nanmean(part, axis=1)
    return np.nan_to_num(out, nan=0.0)


@dataclass(frozen=True)
class TermOverlap:
    """Jaccard overlap between a query's terms and every passage's, via an inverted index.

    BM25 rewards rare words; overlap rewards a citizen question that says exactly what the
    query says ("com m'empadrono?" against "Com m'empadrono a Terrassa?"), however common.
    """

    postings: dict[str, np.ndarray]
    sizes: np.ndarray

    @classmethod
    def build(cls, passage_tokens) -> TermOverlap:
        """The inverted index of every passage's terms."""
        lists: dict[str, list[int]] = {}
        for pid, terms in enumerate(passage_tokens):
            for t in terms:
                lists.setdefault(t, []).append(pid)
        sizes = np.array([len(t) for t in passage_tokens], dtype=np.float64)
        return cls({t: np.array(v, dtype=np.int64) for t, v in lists.items()}, sizes)

    def jaccard(self, terms) -> np.ndarray:
        """Jaccard similarity of ``terms`` with every passage's terms."""
        q = set(terms)
        inter = np.zeros(len(self.sizes))
        for t in q:
            pids = self.postings.get(t)
            if pids is not None:
                inter[pids] += 1.0
        union = len(q) + self.sizes - inter
        return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def citizen_centroids(index, is_citizen: np.ndarray) -> np.ndarray:
    """Each entry's mean citizen phrasing (questions, situations, FAQ questions), unit length.

    One vector per entry sums up how citizens put it in many words; a story or an indirect
    description that matches no single phrasing well is often closest to the whole set
    (dev accuracy@1 over the three eval sets: 0.927 without it, 0.938 with it).
    """
    vectors = np.asarray(index.vectors, dtype=np.float32)
    out = np.zeros((len(index.entries), vectors.shape[1] if vectors.ndim == 2 else 0), dtype=np.float32)
    if len(vectors):
        np.add.at(out, index.passage_entry[is_citizen], vectors[is_citizen])
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms > 0, norms, 1.0)


def entry_features(layout: PassageLayout, p_bm25: np.ndarray, p_dense: np.ndarray, p_overlap: np.ndarray, *,
                   saturation: float, floor: float, ceil: float, centroid: np.ndarray | None = None,
                   classifier: np.ndarray | None = None) -> np.ndarray:
    """(entries, len(FEATURE_NAMES)) matrix, every feature scaled to [0, 1]."""
    lo = -1e9
    b = layout.gather(saturate(p_bm25, saturation), lo)
    d = layout.gather(rescale(p_dense, floor, ceil), lo)
    o = layout.gather(p_overlap, lo)

    def kind_max(m: np.ndarray, kind: PassageKind) -> np.ndarray:
        v = np.where(layout.kind_masks[kind.value], m, lo).max(axis=1)
        return np.where(v <= lo / 2, 0.0, v)

    cols = [
        np.maximum(b.max(axis=1), 0.0), top_mean(b, 2, lo), top_mean(b, 3, lo),
        np.maximum(d.max(axis=1), 0.0), top_mean(d, 2, lo), top_mean(d, 3, lo),
        kind_max(d, PassageKind.QUESTION), kind_max(d, PassageKind.TITLE), kind_max(d, PassageKind.SECTION),
        kind_max(b, PassageKind.QUESTION), kind_max(b, PassageKind.TITLE), kind_max(b, PassageKind.SECTION),
        kind_max(b, PassageKind.KEYWORDS),
        kind_max(o, PassageKind.QUESTION), kind_max(o, PassageKind.TITLE),
        kind_max(d, PassageKind.SITUATION), kind_max(b, PassageKind.SITUATION), kind_max(d, PassageKind.FAQ),
        kind_max(o, PassageKind.SITUATION),
        rescale(centroid, floor, ceil) if centroid is not None else np.zeros(len(layout.slots)),
        np.maximum(1.0 + np.log(np.maximum(classifier, 1e-12)) / 10.0, 0.0) if classifier is not None
        else np.zeros(len(layout.slots)),
    ]
    return np.stack(cols, axis=1)


@dataclass(frozen=True)
class LinearReranker:
    """Entry score = features · weights, fitted listwise."""

    weights: tuple[float, ...]
    temperature: float = 10.0

    def scores(self, features: np.ndarray) -> np.ndarray:
        """One score per entry."""
        return features @ np.asarray(self.weights)

    def probabilities(self, scores: np.ndarray) -> np.ndarray:
        """The softmax of the scores at the fitted temperature."""
        z = self.temperature * (scores - scores.max())
        e = np.exp(z)
        return e / e.sum()


def fit_listwise(X: np.ndarray, Y: np.ndarray, *, temperature: float = 10.0, l2: float = 1e-3,
                 steps: int = 3000, lr: float = 0.5) -> LinearReranker:
    """Softmax cross-entropy over all entries: X (questions, entries, features), Y 0/1 targets."""
    w = np.zeros(X.shape[2])
    w[FEATURE_NAMES.index("dense_top3")] = 0.6
    w[FEATURE_NAMES.index("bm25_top3")] = 0.4
    target = Y / np.maximum(Y.sum(axis=1, keepdims=True), 1)
    for _ in range(steps):
        s = temperature * np.einsum("qef,f->qe", X, w)
        s -= s.max(axis=1, keepdims=True)
        p = np.exp(s)
        p /= p.sum(axis=1, keepdims=True)
        grad = temperature * np.einsum("qe,qef->f", p - target, X) / len(X) + l2 * w
        w -= lr * grad
    return LinearReranker(tuple(float(v) for v in w), temperature)


class Ranker:
    """Passage scores → ranked entry candidates with their confidence; built once per index."""

    def __init__(self, index, calibrator):
        self.index = index
        self.calibrator = calibrator
        self.ids = [e.id for e in index.entries]
        self.position = {e: i for i, e in enumerate(self.ids)}
        kinds = [p.kind for p in index.passages]
        self.layout = PassageLayout.build(index.passage_entry, kinds, len(self.ids))
        # what citizens say (questions, situations, FAQ questions), as opposed to official text
        self.is_citizen = np.array([k in (PassageKind.QUESTION, PassageKind.SITUATION, PassageKind.FAQ)
                                    for k in kinds])
        self.is_situation = np.array([k is PassageKind.SITUATION for k in kinds])
        self.is_section = np.array([k is PassageKind.SECTION for k in kinds])
        # FAQ passages by entry: (passage ids, item numbers) for the second-level match
        faq: dict[int, list[tuple[int, int]]] = {}
        for p in index.passages:
            if p.kind is PassageKind.FAQ and p.section:
                faq.setdefault(int(index.passage_entry[p.pid]), []).append((p.pid, int(p.section.split(":")[1])))
        self.faq_slots: dict[int, tuple[np.ndarray, np.ndarray]] = {
            e: (np.array([pid for pid, _ in rows], dtype=np.int64), np.array([i for _, i in rows], dtype=np.int64))
            for e, rows in faq.items()}
        self.overlap = TermOverlap.build(index.passage_tokens)
        from isac.answering import AnswerSelector

        self.selector = AnswerSelector(index)

    def _masked(self, cfg, p_bm25: np.ndarray, p_dense: np.ndarray, p_overlap: np.ndarray | None = None):
        """Passage scores with the switched-off passage kinds removed (ablation switches)."""
        off = np.zeros(len(self.is_citizen), dtype=bool)
        if not cfg.questions:
            off |= self.is_citizen
        if not cfg.situations:
            off |= self.is_situation
        if not off.any():
            return p_bm25, p_dense, p_overlap
        overlap = None if p_overlap is None else np.where(off, 0.0, p_overlap)
        return np.where(off, 0.0, p_bm25), np.where(off, -1.0, p_dense), overlap

    def features(self, ps, cfg, p_bm25=None, p_dense=None) -> np.ndarray:
        """The reranker's (entries, features) matrix for one query."""
        b, d, o = self._masked(cfg, ps.bm25 if p_bm25 is None else p_bm25, ps.dense if p_dense is None else p_dense,
                               self.overlap.jaccard(ps.query.tokens))
        centroid = getattr(ps, "centroid", None) if cfg.questions else None
        classifier = getattr(ps, "classifier", None) if cfg.questions else None
        return entry_features(self.layout, b, d, o, saturation=cfg.bm25_saturation, floor=cfg.dense_floor,
                              ceil=cfg.dense_ceil, centroid=centroid, classifier=classifier)

    def rank(self, ps, k: int, cfg):
        """The cheap half of a search: entry scores, the top ``k`` candidates and the confidence."""
        from isac.confidence import confidence_features
        from isac.fusion import FusionMode, blend, fuse, normalise_bm25, normalise_dense
        from isac.records import Candidate, SearchResult

        p_bm25, p_dense, _ = self._masked(cfg, ps.bm25, ps.dense)
        lo = -1e9
        e_bm25 = top_mean(self.layout.gather(p_bm25, lo), cfg.agg_k, lo)
        e_dense = top_mean(self.layout.gather(p_dense, lo), cfg.agg_k, lo)
        ids = self.ids
        bm25_raw = {ids[i]: float(s) for i, s in enumerate(e_bm25) if s > 0}
        dense_raw = dict(zip(ids, map(float, e_dense), strict=True))
        # the reranker refines the tuned convex fusion; other modes are kept pure for comparison
        if cfg.rerank and cfg.rerank_weights and cfg.fusion is FusionMode.CONVEX:
            final = LinearReranker(cfg.rerank_weights).scores(self.features(ps, cfg, p_bm25, p_dense))
            ranking = sorted(zip(ids, map(float, final), strict=True), key=lambda kv: (-kv[1], kv[0]))
        elif cfg.fusion is FusionMode.CONVEX:
            ranking = fuse(normalise_bm25(bm25_raw, cfg.bm25_saturation),
                           normalise_dense(dense_raw, cfg.dense_floor, cfg.dense_ceil), cfg.fusion, alpha=cfg.alpha)
        else:
            ranking = fuse(bm25_raw, dense_raw, cfg.fusion, alpha=cfg.alpha, rrf_k=cfg.rrf_k)
        bm25_rank = {e: r for r, e in enumerate(sorted(bm25_raw, key=lambda e: -bm25_raw[e]), 1)}
        dense_order = np.argsort(-e_dense)[:50]
        dense_rank = {ids[int(i)]: r for r, i in enumerate(dense_order, 1)}
        p_blend = blend(p_bm25, p_dense, alpha=cfg.alpha, saturation=cfg.bm25_saturation,
                        floor=cfg.dense_floor, ceil=cfg.dense_ceil)
        qtokens = set(ps.query.tokens)
        candidates: list[Candidate] = []
        for entry_id, score in ranking[:k]:
            slots = self.layout.slots[self.position[entry_id]]
            pids = slots[slots >= 0]
            passage = self.index.passages[int(pids[np.argmax(p_blend[pids])])]
            sections = pids[self.is_section[pids]]
            best_section = self.index.passages[int(sections[np.argmax(p_blend[sections])])].section \
                if len(sections) else None
            faq_item, faq_score = None, 0.0
            if self.position[entry_id] in self.faq_slots:
                fpids, items = self.faq_slots[self.position[entry_id]]
                best = int(np.argmax(p_dense[fpids]))
                faq_item, faq_score = int(items[best]), float(p_dense[fpids[best]])
            # only the top entry answers; the others are offered by title
            choice = self.selector.choose(self.position[entry_id], ps.query.tokens, ps.query.text,
                                          p_dense, p_bm25, cfg.answer_weights) if cfg.faq and not candidates else None
            candidates.append(Candidate(
                entry_id=entry_id, score=float(score),
                bm25=float(bm25_raw.get(entry_id, 0.0)), dense=float(dense_raw.get(entry_id, 0.0)),
                bm25_rank=bm25_rank.get(entry_id), dense_rank=dense_rank.get(entry_id),  # dense: its top 50
                passage=passage, matched_terms=tuple(sorted(qtokens & self.index.passage_tokens[passage.pid])),
                faq_item=faq_item, faq_score=faq_score, best_section=best_section,
                unit=choice.key if choice else None, unit_margin=choice.margin if choice else 0.0,
            ))
        # nearest citizen phrasing; without question matching, the nearest passage
        citizen = self.is_citizen & (p_dense > -1.0)
        nearest = float(p_dense[citizen].max()) if cfg.questions and citizen.any() else float(p_dense.max())
        oos_best, route = None, None
        if len(ps.oos):
            j = int(np.argmax(ps.oos))
            oos_best = float(ps.oos[j])
            route = self.index.oos_topics[int(self.index.oos_owner[j])]
        feats = confidence_features(np.array([s for _, s in ranking]), cfg.fusion is FusionMode.CONVEX,
                                    nearest, oos_best, ps.query.known, len(ps.query.tokens),
                                    float(ps.classifier.max()) if getattr(ps, "classifier", None) is not None else 0.0,
                                    float(getattr(ps, "classifier_oos", 0.0)))
        oos_topic = route if feats["oos_gap"] > cfg.oos_margin else None
        return SearchResult(ps.query, tuple(candidates), self.calibrator(feats), dict(ps.timings), feats, oos_topic)
