"""The second level of an answer: which part of the chosen entry answers the question.

An entry holds a dozen answerable units: its FAQ items and its sections. The first level
(``ranking``) finds the entry; this module scores the entry's units against the question
and picks one, so "quin telèfon té…" gets the section with the phone number and "quant
triguen a resoldre…" the FAQ item that states the period. Each unit is scored on a few
features (how close its passages are in meaning, how many of the question's rarer words
its text holds, whether it is the part the question's wording asks for, whether it holds the
kind of fact asked for: an amount, a period, a phone…, and how each compares with the
best part of its own kind, and its match under a learned query adapter:
``isac/unit_adapter.py``) by a linear model
fitted on the detail set's dev split (``isac tune``): a unit is right when its text holds
one of the question's expected facts.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from isac.intent import detect_intent, detect_intents
from isac.records import SECOND_LEVEL_ONLY, PassageKind
from isac.shapes import asked_shapes, held_shapes, shape_match
from isac.unit_adapter import UnitAdapter, pooled
from isac.unit_intents import load_unit_intents, unit_kind
from isac.word_models import WordModel

UNIT_FEATURES = ("dense", "dense_gap", "coverage", "intent", "is_faq", "is_what", "bm25", "faq_dense", "shape",
                 "kind_dense_gap", "kind_coverage_gap", "kind_bm25_gap", "learned_kind", "learned_intent",
                 "adapted", "adapted_kind_gap")


@dataclass(frozen=True)
class Unit:
    """One answerable part of an entry."""

    key: str  # "faq:3" for a FAQ item, else the section key
    pids: np.ndarray  # its passages: the FAQ question and its `also` phrasings, or the section, in each language
    terms: frozenset[str]  # the analysed terms of its whole text, both languages
    intent: str | None  # the section it speaks to (a FAQ item: what its question asks)
    shapes: frozenset[str]  # the kinds of fact its answer text holds (an amount, a period, a phone…)

    @property
    def faq_item(self) -> int | None:
        """The FAQ item's number, or None for a section."""
        return int(self.key.split(":")[1]) if self.key.startswith("faq:") else None


@dataclass(frozen=True)
class UnitChoice:
    """The unit picked for a question, and its lead over the runner-up."""

    key: str
    margin: float


class AnswerSelector:
    """The answerable units of every entry of an index, built once when the engine loads."""

    def __init__(self, index, intents: WordModel | None = None, adapter: UnitAdapter | None = None) -> None:
        """Group the passages into units and analyse the FAQ answers (which are not passages);
        ``intents``: the learned unit-intent model, ``adapter`` the query adapter (defaults:
        the ones `isac tune` saved)."""
        self.intents = intents if intents is not None else load_unit_intents()
        self.vectors = np.asarray(index.vectors, dtype=np.float32)
        self._samples: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.adapter = adapter if adapter is not None else UnitAdapter.load(dimension=self.vectors.shape[1])
        n = max(len(index.passage_tokens), 1)
        df = Counter(t for ts in index.passage_tokens for t in ts)
        # rarer words say more about which unit answers ("renovar" vs "termini")
        self.idf = {t: math.log(n / c) for t, c in df.items()}
        by_entry: dict[int, dict[str, list[int]]] = {}
        for p in index.passages:
            if p.kind is PassageKind.SECTION or (p.kind in (PassageKind.FAQ, *SECOND_LEVEL_ONLY) and p.section):
                e = int(index.passage_entry[p.pid])
                by_entry.setdefault(e, {}).setdefault(str(p.section), []).append(p.pid)
        self.units: dict[int, tuple[Unit, ...]] = {}
        for e, groups in by_entry.items():
            entry = index.entries[e]
            units = []
            for key, pids in groups.items():
                terms: set[str] = set()
                shown = " ".join(unit_text(entry, key, lang) for lang in ("ca", "es"))
                if key.startswith("faq:"):
                    item = entry.faq[int(key.split(":")[1])]
                    for lang in ("ca", "es"):
                        for text in (item.q.get(lang, ""), item.a.get(lang, "")):
                            terms.update(index.analyzer.analyse(text, lang, expand=False).tokens)
                    intent = detect_intent(item.q.get("ca", "")) or detect_intent(item.q.get("es", ""))
                else:
                    for pid in pids:
                        terms.update(index.passage_tokens[pid])
                    intent = key
                units.append(Unit(key, np.array(pids, dtype=np.int64), frozenset(terms), intent,
                                  held_shapes(shown)))
            self.units[e] = tuple(units)

    @property
    def adapter(self) -> UnitAdapter | None:
        """The query adapter (``isac/unit_adapter.py``), or None."""
        return self._adapter

    @adapter.setter
    def adapter(self, adapter: UnitAdapter | None) -> None:
        # Vᵀp for every passage, once: a question then costs one small product
        self._adapter = adapter
        self._bent = self.vectors @ adapter.v if adapter is not None else None

    def samples_for(self, position: int) -> tuple[np.ndarray, np.ndarray]:
        """The entry's unit passages (their ids in unit order) and each one's unit number."""
        if position not in self._samples:
            units = self.units.get(position, ())
            self._samples[position] = (
                np.concatenate([u.pids for u in units]) if units else np.zeros(0, dtype=np.int64),
                np.repeat(np.arange(len(units)), [len(u.pids) for u in units]))
        return self._samples[position]

    def adapted(self, position: int, plain: np.ndarray, vector: np.ndarray | None,
                adapter: UnitAdapter | None = None) -> np.ndarray:
        """(units, 2): each unit's adapted match and its gap to the best of its kind.

        ``plain``: the plain cosines of the entry's unit passages (``samples_for`` order);
        ``adapter``: another adapter than the loaded one (tuning's folds). Without an adapter or
        a query vector, the plain match (the adapter's correction is zero)."""
        units = self.units[position]
        pids, owner = self.samples_for(position)
        scores = np.asarray(plain, dtype=np.float64)
        use = adapter if adapter is not None else self._adapter
        if use is not None and vector is not None:
            bent = self._bent[pids] if adapter is None and self._bent is not None else self.vectors[pids] @ use.v
            scores = scores + bent @ use.project(vector)
        best = pooled(scores, owner, len(units))
        return np.column_stack([best, _within_kind(best, np.array([u.faq_item is not None for u in units]))])

    def features(self, position: int, tokens: tuple[str, ...], question: str,
                 p_dense: np.ndarray, p_bm25: np.ndarray,
                 vector: np.ndarray | None = None) -> tuple[tuple[Unit, ...], np.ndarray]:
        """The entry's units and their (units, features) matrix for one question (``vector``: its
        query vector, for the adapter)."""
        units = self.units.get(position, ())
        if not units:
            return units, np.zeros((0, len(UNIT_FEATURES)))
        intents, asked = detect_intents(question), asked_shapes(question)
        q = set(tokens)
        weight = sum(self.idf.get(t, 0.0) for t in q) or 1.0
        dense = np.array([float(p_dense[u.pids].max()) for u in units])
        bm25 = np.array([float(p_bm25[u.pids].max()) for u in units])
        bm25 = bm25 / (bm25 + 5.0)  # saturated: a long section collects BM25 points without answering
        coverage = np.array([sum(self.idf.get(t, 0.0) for t in q & u.terms) / weight for u in units])
        is_faq = np.array([u.faq_item is not None for u in units])
        rows = np.column_stack([
            dense,
            dense - dense.max(),
            coverage,
            [float(u.intent is not None and u.intent in intents) for u in units],
            is_faq,
            [float(u.key == "what") for u in units],
            bm25,
            dense * is_faq,  # a FAQ question close in meaning is a stronger sign than a section
            [shape_match(asked, u.shapes) for u in units],
            _within_kind(dense, is_faq),
            _within_kind(coverage, is_faq),
            _within_kind(bm25, is_faq),
            learned_columns(self.intents, question, units),
            self.adapted(position, p_dense[self.samples_for(position)[0]], vector),
        ])
        return units, rows

    def choose(self, position: int, tokens: tuple[str, ...], question: str, p_dense: np.ndarray,
               p_bm25: np.ndarray, weights: tuple[float, ...], vector: np.ndarray | None = None) -> UnitChoice | None:
        """The best-scoring unit of the entry, or None when it has none (or no weights are fitted)."""
        if not weights:
            return None
        units, x = self.features(position, tokens, question, p_dense, p_bm25, vector)
        if not units:
            return None
        scores = x @ np.asarray(weights)
        order = np.argsort(-scores)
        margin = float(scores[order[0]] - scores[order[1]]) if len(units) > 1 else float("inf")
        return UnitChoice(units[int(order[0])].key, margin)

    def unit(self, position: int, key: str) -> Unit | None:
        """The entry's part ``key``, or None."""
        return next((u for u in self.units.get(position, ()) if u.key == key), None)


# a search of more own words than this is a story or a full question, not a named detail;
# `detail-check` fact in answer at 4 / 6 / 8 words: 0.601 / 0.616 / 0.620 (8 gains two
# questions, within noise, so the limit stays where searches end)
DETAIL_SEARCH_WORDS = 6


def names_a_detail(unit: Unit | None, own: tuple[str, ...], names: frozenset[str]) -> bool:
    """Whether a search without a question word still asks for the part ``unit``: it has at
    most ``DETAIL_SEARCH_WORDS`` own terms, some beyond the entry's name (its titles and
    keywords, ``names``), and the part holds one of those.

    "zona blava agost" asks what happens in August, "biblioteca préstec llibres màxim" for
    the loan limit; "alta padró" names the procedure, and the summary answers it. A word the
    entry's keywords already hold does not count ("T-Blanca ingressos màxims": "ingressos" is
    a keyword of the T-Blanca, and no part says "màxim"), so such a search keeps the summary.
    Requiring the part to hold one of the other words keeps a search such as "recuperar
    dipòsit obra" from the second level's guess ("És gratuït.") when no part speaks of it.
    On `detail-check.jsonl` (nothing fitted on it) fact in answer went 0.582 → 0.616.
    """
    extra = [t for t in own if t not in names]
    return unit is not None and bool(names) and 0 < len(own) <= DETAIL_SEARCH_WORDS \
        and any(t in unit.terms for t in extra)


def learned_columns(model: WordModel | None, question: str, units: tuple[Unit, ...]) -> np.ndarray:
    """(units, 2): the learned probability that a part of the unit's kind answers, and that
    one of the unit's intent does (a FAQ item's intent, a section's key; 0 for a FAQ item
    with none). Zeros without a model."""
    if model is None:
        return np.zeros((len(units), 2))
    p = model.probabilities(question)
    kind = [p.get(unit_kind(u.key), 0.0) for u in units]
    intent = [p.get(u.key, 0.0) if u.faq_item is None else (p.get(u.intent, 0.0) if u.intent else 0.0)
              for u in units]
    return np.column_stack([kind, intent])


def _within_kind(values: np.ndarray, is_faq: np.ndarray) -> np.ndarray:
    """Each unit's value minus the best of its own kind (FAQ items, or sections).

    A FAQ passage is a bare question and a section passage a titled paragraph: their
    cosines and word counts live on different scales, so "best among the FAQ items" and
    "best among the sections" say more than a gap to the best unit of either kind
    (share of detail dev questions whose pick holds a fact, ``scripts/unit_cv.py``: 0.848
    -> 0.853; with the FAQ items' ``also`` phrasings among their passages, 0.874).
    """
    out = values.astype(float).copy()
    for kind in (True, False):
        mask = is_faq == kind
        if mask.any():
            out[mask] -= values[mask].max()
    return out


def unit_text(entry, key: str, lang: str) -> str:
    """What the citizen reads when ``key`` answers: the FAQ item's answer, or the section."""
    if key.startswith("faq:"):
        item = entry.faq[int(key.split(":")[1])]
        return item.a.get(lang) or item.a.get("ca", "")
    return entry.section(key, lang)


def fit_unit_weights(groups: list[tuple[np.ndarray, np.ndarray]], *, l2: float = 1e-2,
                     steps: int = 2000, lr: float = 0.3) -> tuple[float, ...]:
    """Softmax over each question's units, X (units, features) and y (1 where the unit holds a fact).

    Features are standardised for the fit and the weights mapped back, so ``choose`` works
    on raw features; a bias would not change which unit wins, so there is none.
    """
    groups = [(x, y) for x, y in groups if len(x) and y.any()]
    if not groups:
        return ()
    allx = np.concatenate([x for x, _ in groups])
    mean, std = allx.mean(axis=0), allx.std(axis=0) + 1e-9
    n, width = len(groups), max(len(x) for x, _ in groups)
    X = np.zeros((n, width, allx.shape[1]))
    mask = np.zeros((n, width), dtype=bool)
    T = np.zeros((n, width))
    for i, (x, y) in enumerate(groups):
        X[i, :len(x)] = (x - mean) / std
        mask[i, :len(x)] = True
        T[i, :len(x)] = y / y.sum()
    w = np.zeros(allx.shape[1])
    for _ in range(steps):
        s = np.where(mask, np.einsum("quf,f->qu", X, w), -1e9)
        s -= s.max(axis=1, keepdims=True)
        p = np.exp(s) * mask
        p /= p.sum(axis=1, keepdims=True)
        w -= lr * (np.einsum("qu,quf->f", p - T, X) / n + l2 * w)
    return tuple(float(v) for v in w / std)
