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

from isac.answering import names_a_detail
from isac.fusion import rescale, saturate
from isac.records import SECOND_LEVEL_ONLY, PassageKind

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
    """Passages grouped by entry as padded matrices, built once per index."""

    slots: np.ndarray  # (entries, max passages) passage ids, -1 where padded
    # per passage kind, (entries, max passages of that kind): a kind's best passage per entry
    # is a gather of a narrow matrix, not a mask over the whole layout (13 of them per query)
    kind_slots: dict[str, np.ndarray]

    @classmethod
    def build(cls, passage_entry: np.ndarray, kinds: list[PassageKind], n_entries: int) -> PassageLayout:
        """The layout of an index's passages."""
        def pad(groups: list[list[int]]) -> np.ndarray:
            out = np.full((n_entries, max(max((len(g) for g in groups), default=1), 1)), -1, dtype=np.int64)
            for e, g in enumerate(groups):
                out[e, :len(g)] = g
            return out

        by_entry: list[list[int]] = [[] for _ in range(n_entries)]
        by_kind: dict[str, list[list[int]]] = {k.value: [[] for _ in range(n_entries)] for k in PassageKind}
        for pid, (e, kind) in enumerate(zip(passage_entry, kinds, strict=True)):
            by_entry[int(e)].append(pid)
            by_kind[kind.value][int(e)].append(pid)
        return cls(pad(by_entry), {k: pad(groups) for k, groups in by_kind.items()})

    def gather(self, scores: np.ndarray, fill: float, kind: PassageKind | None = None) -> np.ndarray:
        """Passage scores as an (entries, slots) matrix, ``fill`` where padded; one kind's with ``kind``."""
        padded = np.append(scores, fill)
        return padded[self.slots if kind is None else self.kind_slots[kind.value]]


def top_mean(m: np.ndarray, k: int, fill: float) -> np.ndarray:
    """Mean of each row's k best real values (padding ``fill`` ignored); 0 for empty rows."""
    # the k largest per row, unordered: a partition is linear where a sort is not
    part = np.partition(m, m.shape[1] - k, axis=1)[:, -k:] if m.shape[1] > k else m
    real = part != fill
    count = real.sum(axis=1)
    total = np.where(real, part, 0.0).sum(axis=1)
    return np.divide(total, count, out=np.zeros(len(m)), where=count > 0)


def top_three(m: np.ndarray, fill: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's best value (0 floor) and the means of its 2 and 3 best: one partition, not three passes."""
    if m.shape[1] < 3:
        m = np.hstack([m, np.full((len(m), 3 - m.shape[1]), fill)])
    part = np.sort(np.partition(m, m.shape[1] - 3, axis=1)[:, -3:], axis=1)  # ascending: 3rd, 2nd, best
    real = part != fill
    vals = np.where(real, part, 0.0)
    n2, n3 = real[:, 1:].sum(axis=1), real.sum(axis=1)
    best = np.maximum(np.where(real[:, 2], part[:, 2], 0.0), 0.0)
    return (best, np.divide(vals[:, 1:].sum(axis=1), n2, out=np.zeros(len(m)), where=n2 > 0),
            np.divide(vals.sum(axis=1), n3, out=np.zeros(len(m)), where=n3 > 0))


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
    b_all, d_all = np.append(saturate(p_bm25, saturation), lo), np.append(rescale(p_dense, floor, ceil), lo)
    o_all = np.append(p_overlap, lo)

    def kind_max(padded: np.ndarray, kind: PassageKind) -> np.ndarray:
        v = padded[layout.kind_slots[kind.value]].max(axis=1)
        return np.where(v <= lo / 2, 0.0, v)

    b, d = b_all[layout.slots], d_all[layout.slots]
    cols = [
        *top_three(b, lo), *top_three(d, lo),
        kind_max(d_all, PassageKind.QUESTION), kind_max(d_all, PassageKind.TITLE), kind_max(d_all, PassageKind.SECTION),
        kind_max(b_all, PassageKind.QUESTION), kind_max(b_all, PassageKind.TITLE), kind_max(b_all, PassageKind.SECTION),
        kind_max(b_all, PassageKind.KEYWORDS),
        kind_max(o_all, PassageKind.QUESTION), kind_max(o_all, PassageKind.TITLE),
        kind_max(d_all, PassageKind.SITUATION), kind_max(b_all, PassageKind.SITUATION),
        kind_max(d_all, PassageKind.FAQ), kind_max(o_all, PassageKind.SITUATION),
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
        self.id_order = np.argsort(np.argsort(np.array(self.ids)))  # each entry's place in id order (ties)
        kinds = [p.kind for p in index.passages]
        self.layout = PassageLayout.build(index.passage_entry, kinds, len(self.ids))
        # what citizens say (questions, situations, FAQ questions), as opposed to official text
        self.is_citizen = np.array([k in (PassageKind.QUESTION, PassageKind.SITUATION, PassageKind.FAQ)
                                    for k in kinds])
        self.is_situation = np.array([k is PassageKind.SITUATION for k in kinds])
        self.is_section = np.array([k is PassageKind.SECTION for k in kinds])
        # a FAQ item's other phrasings and its answer weigh only in the second level: as entry
        # evidence the phrasings cost dev accuracy (0.973 -> 0.968 original, wild unanswered
        # 3.9% -> 4.9%)
        self.second_level_only = np.array([k in SECOND_LEVEL_ONLY for k in kinds])
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

    def _masked(self, cfg, p_bm25: np.ndarray, p_dense: np.ndarray, p_overlap: np.ndarray | None = None,
                entry_level: bool = True):
        """Passage scores with the switched-off passage kinds removed (ablation switches), and for the
        entry level the passages only the second level reads (FAQ items' other phrasings and answers)."""
        off = self.second_level_only.copy() if entry_level else np.zeros(len(self.is_citizen), dtype=bool)
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
        # what the second level reads: the same, with the FAQ items' other phrasings and answers
        u_bm25, u_dense, _ = self._masked(cfg, ps.bm25, ps.dense, entry_level=False)
        lo = -1e9
        e_bm25 = top_mean(self.layout.gather(p_bm25, lo), cfg.agg_k, lo)
        e_dense = top_mean(self.layout.gather(p_dense, lo), cfg.agg_k, lo)
        ids = self.ids
        # the reranker refines the tuned convex fusion; other modes are kept pure for comparison
        if cfg.rerank and cfg.rerank_weights and cfg.fusion is FusionMode.CONVEX:
            final = LinearReranker(cfg.rerank_weights).scores(self.features(ps, cfg, p_bm25, p_dense))
            # best first, ties by entry id: numpy's sort, not a Python sort of 263 tuples per query
            ranking = [(ids[i], float(final[i])) for i in np.lexsort((self.id_order, -final))]
        else:
            bm25_raw = {ids[i]: float(s) for i, s in enumerate(e_bm25) if s > 0}
            dense_raw = dict(zip(ids, map(float, e_dense), strict=True))
            if cfg.fusion is FusionMode.CONVEX:
                ranking = fuse(normalise_bm25(bm25_raw, cfg.bm25_saturation),
                               normalise_dense(dense_raw, cfg.dense_floor, cfg.dense_ceil), cfg.fusion,
                               alpha=cfg.alpha)
            else:
                ranking = fuse(bm25_raw, dense_raw, cfg.fusion, alpha=cfg.alpha, rrf_k=cfg.rrf_k)
        # each entry's rank by BM25 alone (entries it scores) and by dense alone (its top 50)
        bm25_rank, dense_rank = np.zeros(len(ids), dtype=np.int64), np.zeros(len(ids), dtype=np.int64)
        bm25_rank[np.argsort(-e_bm25, kind="stable")] = np.arange(1, len(ids) + 1)
        bm25_rank[e_bm25 <= 0] = 0
        dense_order = np.argsort(-e_dense)[:50]
        dense_rank[dense_order] = np.arange(1, len(dense_order) + 1)
        p_blend = blend(p_bm25, p_dense, alpha=cfg.alpha, saturation=cfg.bm25_saturation,
                        floor=cfg.dense_floor, ceil=cfg.dense_ceil)
        qtokens = set(ps.query.tokens)
        candidates: list[Candidate] = []
        for entry_id, score in ranking[:k]:
            pos = self.position[entry_id]
            slots = self.layout.slots[pos]
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
                                          u_dense, u_bm25, cfg.answer_weights, getattr(ps, "vector", None)) \
                if cfg.faq and not candidates else None
            candidates.append(Candidate(
                entry_id=entry_id, score=float(score),
                bm25=max(float(e_bm25[pos]), 0.0), dense=float(e_dense[pos]),
                bm25_rank=int(bm25_rank[pos]) or None, dense_rank=int(dense_rank[pos]) or None,
                passage=passage, matched_terms=tuple(sorted(qtokens & self.index.passage_tokens[passage.pid])),
                faq_item=faq_item, faq_score=faq_score, best_section=best_section,
                unit=choice.key if choice else None, unit_margin=choice.margin if choice else 0.0,
                unit_detail=choice is not None and names_a_detail(
                    self.selector.unit(pos, choice.key), ps.query.tokens[:ps.query.words],
                    self.index.name_terms.get(entry_id, frozenset())),
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
                                    float(getattr(ps, "classifier_oos", 0.0)), float(getattr(ps, "oos_words", 0.0)))
        confidence = self.calibrator(feats)
        # the route is a hard rule on one cosine gap, which the confidence already weighs with
        # every other signal: above the ceiling, a confident answer is not overruled by it
        oos_topic = route if feats["oos_gap"] > cfg.oos_margin and confidence < cfg.route_ceiling else None
        return SearchResult(ps.query, tuple(candidates), confidence, dict(ps.timings), feats, oos_topic,
                            self.calibrator.choice_probability(feats))
