"""`isac explain`: a readable trace of one query through every stage."""

from __future__ import annotations

import numpy as np

from isac.confidence import FEATURES
from isac.evaluation.render_text import clip


def _psg(p) -> str:
    return f"{p.kind.value}{'/' + p.section if p.section else ''} “{clip(p.text, 60)}”"


def _best_passage(engine, entry_id: str, scores: np.ndarray):
    """The passage of ``entry_id`` with the highest score."""
    position = next(i for i, e in enumerate(engine.index.entries) if e.id == entry_id)
    pids = np.flatnonzero(engine.index.passage_entry == position)
    return engine.index.passages[int(pids[np.argmax(scores[pids])])]


def explain(engine, question: str, expected: str | None = None, top: int = 5) -> str:
    """A readable trace of one query; `expected` also shows where that entry ended up."""
    cfg = engine.config
    ps = engine.score_passages(question, config=cfg)
    # ranking every entry gives each one's BM25 and dense score and rank exactly as the engine
    # aggregates them, so the lists below cannot drift from what was fused
    r = engine.rank(ps, len(engine.index.entries), cfg)
    q = r.query
    # the passages the entry level saw (a FAQ item's `also` phrasings only count in the second level)
    bm25, dense, _ = engine.ranker._masked(cfg, ps.bm25, ps.dense)
    lines = [f"question     {q.text}", f"language     {q.lang}", f"tokens       {' '.join(q.tokens) or '(none)'}",
             "corrections  " + (", ".join(f"{a} → {b}" for a, b in q.corrections) or "(none)"),
             "synonyms     " + (", ".join(f"{a} → {'/'.join(b)}" for a, b in q.synonyms) or "(none)")]
    for title, rank_of, value, scores, fmt in (
            ("BM25 (lexical)", lambda c: c.bm25_rank, lambda c: c.bm25, bm25, "{:7.2f}"),
            ("DENSE (cosine)", lambda c: c.dense_rank, lambda c: c.dense, dense, "{:7.3f}")):
        rows = sorted((c for c in r.candidates if rank_of(c) is not None), key=rank_of)[:top]
        w = max([len(c.entry_id) for c in rows] + [20])
        lines.append(f"\n{title}: top {top} entries by entry score, each with its best-scoring passage")
        lines += [f"  {rank_of(c)}. {c.entry_id:<{w}} {fmt.format(value(c))}  "
                  f"{_psg(_best_passage(engine, c.entry_id, scores))}" for c in rows]
        if not rows:
            lines.append("  (nothing: no query term is in the index vocabulary)")
    lines.insert(1, f"prepared     {q.clean or q.text}")
    lines.insert(2, f"encoder saw  {engine.dense_text(q)}")
    if cfg.rerank and cfg.rerank_weights:
        how = "learned reranker over per-entry features"
    elif cfg.fusion.value == "convex":
        how = f"{cfg.alpha:g}·dense + {1 - cfg.alpha:g}·bm25, each normalised to 0-1"
    else:
        how = f"{cfg.fusion.value}" + (f", k={cfg.rrf_k}" if cfg.fusion.value == "rrf" else "")
    lines.append(f"\nFUSION ({how})")
    shown = [(i, c) for i, c in enumerate(r.candidates, 1) if i <= top or c.entry_id == expected]
    w = max([len(c.entry_id) for _, c in shown] + [20])
    for i, c in shown:
        mark = "   ← expected" if c.entry_id == expected else ""
        lines.append(f"  {i}. {c.entry_id:<{w}} {c.score:7.3f}  bm25 #{c.bm25_rank or '-'}  dense #{c.dense_rank or '-'}"
                     f"  via {_psg(c.passage)}  matched: {' '.join(c.matched_terms) or '(none)'}{mark}")
    if expected and not any(c.entry_id == expected for c in r.candidates):
        lines.append(f"  expected {expected}: no such entry in the index")
    weights = dict(zip(FEATURES, getattr(engine.calibrator, "weights", ()), strict=False))
    feats = "  ".join(f"{k} {v:.3f}" + (f" (weight {weights[k]:+.2f})" if k in weights else "")
                      for k, v in r.features.items())
    lines.append(f"\nCONFIDENCE   {r.confidence:.3f}   features: {feats}")
    lines.append(f"CHOICE       P(a right entry among the top three) {r.choice_confidence:.3f} "
                 f"(offered below the answer threshold from {cfg.choice_threshold or 'never'})")
    answer = engine.answer(question, config=cfg, result=r)
    route = getattr(r, "out_of_scope", None)
    if route is None and r.features.get("oos_gap", -1.0) > cfg.oos_margin:
        lines.append(f"ROUTE        nearer an out-of-scope example (gap {r.features['oos_gap']:.3f} > margin "
                     f"{cfg.oos_margin}), but the confidence is at or above the route's ceiling {cfg.route_ceiling}")
    lines.append(f"DECISION     {answer.status.value} (answer threshold {cfg.answer_threshold}, "
                 f"clarify margin {cfg.clarify_margin})")
    if answer.status.value == "answer":
        lines.append(f"             {answer.entry.title['ca']} [{answer.entry.id}], "
                     f"section {answer.section or '(summary)'}")
        first = r.candidates[0]
        if first.unit is not None:
            picked = answer.section == "faq" or answer.section == first.unit
            lines.append(f"UNIT         the second level picks {first.unit} (margin {first.unit_margin:.2f} over the "
                         f"next part){_why_unit(picked, first.unit_detail)}")
            model = engine.ranker.selector.intents
            if model is not None:
                p = sorted(model.probabilities(question).items(), key=lambda kv: -kv[1])[:3]
                lines.append("             the words ask for " + ", ".join(f"{k} {v:.2f}" for k, v in p)
                             + " (learned unit intents)")
        if first.faq_item is not None:
            item = answer.entry.faq[first.faq_item]
            verdict = "answers" if answer.faq is not None else "below the threshold: the section answers"
            lines.append(f"DETAIL       nearest FAQ item “{clip(item.q['ca'], 70)}” cosine {first.faq_score:.3f} "
                         f"(threshold {cfg.faq_threshold}): {verdict}")
        else:
            lines.append("DETAIL       the entry has no FAQ items: the section answers")
    elif answer.status.value == "clarify":
        why = "unsure, but the candidates share a theme or are likely to hold the answer" \
            if answer.reason == "uncertain" else "near tie"
        lines.append(f"             {why}; options: " + ", ".join(f"{e.title['ca']} [{e.id}]" for e in answer.options))
    elif route is not None:
        lines.append(f"             out of scope: closer to “{route.id}” than to any entry; "
                     f"sent to {route.where.get('ca', '')}")
    else:
        lines.append("             confidence below the threshold: the citizen is sent to 010 / OAC / Seu")
    return "\n".join(lines)


def _why_unit(picked: bool, named: bool) -> str:
    """Why the picked part answers, or why it does not."""
    if not picked:
        return "; not a detail question, so the summary or intent section"
    return "; a search that names a detail this part holds" if named else ""
