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

The work is split by step: ``gap_questions`` reads the store, ``embedding_cache`` embeds,
``gap_clustering`` finds the themes and their nearest entries, ``gap_themes`` describes
each theme and ``gap_exports`` writes the CSV and YAML; this module ties them together.
Every public name of those steps is importable from here too.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

import numpy as np

from isac.analyzer.common import entry_ref, iso, period
from isac.analyzer.embedding_cache import EmbeddingCache
from isac.analyzer.gap_clustering import KNOWN_THRESHOLDS, calibrate, cluster, entry_similarities, normalize_rows
from isac.analyzer.gap_exports import CSV_FIELDS, cluster_yaml, gaps_to_csv, gaps_to_yaml
from isac.analyzer.gap_questions import SOURCES, collect
from isac.analyzer.gap_themes import lang_of, new_phrasings, pick_examples, suggested_action, trend_of
from isac.query import focus_question
from isac.redact import redact


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


# -- the report ------------------------------------------------------------------------------
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
        centroid = normalize_rows((weights[:, None] * vecs[m]).sum(axis=0, keepdims=True))[0]
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
            langs[lang_of(groups[i])] += groups[i].count
            offered.update(groups[i].offered)
        entry = engine.index.entry(near["id"]) if near else None
        action = suggested_action(near, similarity, th["entry_similarity"])
        clusters.append({
            "size": int(weights.sum()), "distinct": len(m),
            "sources": {s: sources[s] for s in SOURCES if sources[s]},
            "languages": dict(langs.most_common()),
            "trend": trend_of(times, now),
            "first_seen": iso(min(times)), "last_seen": iso(max(times)),
            "examples": pick_examples(m, groups, vecs, centroid, options.examples),
            "comments": [redact(c) for i in m for c in groups[i].comments][:3],
            "nearest_entry": {**near, "similarity": similarity} if near else None,
            "offered_entry": entry_ref(engine.index, offered.most_common(1)[0][0], options.knowledge_dir)
            if offered else None,
            "action": action,
            # the snippet's phrasings: a new entry gets them as questions, an existing one as situations
            "phrasings": new_phrasings(m, groups, entry if action["kind"] == "extend" else None, options.phrasings),
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


__all__ = ["CSV_FIELDS", "KNOWN_THRESHOLDS", "EmbeddingCache", "GapOptions", "calibrate", "cluster", "cluster_yaml",
           "collect", "entry_similarities", "find_gaps", "gaps_to_csv", "gaps_to_yaml", "thresholds"]
