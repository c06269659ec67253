"""The eval report's technical section for engineers: MRR, hit@k, scores, ranks and breakdowns.

Collapsed under a ``<details>`` at the end of the page, in English, with the metric names.
"""

from __future__ import annotations

from isac.evaluation.html_charts import confidence_histogram
from isac.evaluation.html_format import esc, level, pct, wide


def tech_tiles(m: dict) -> str:
    """The headline metrics, with their names."""
    items = (("accuracy@1", m["accuracy@1"]), ("hit@3", m["hit@3"]), ("MRR@10", m["mrr@10"]),
             ("out of scope, no answer", m["oos_abstained"]), ("in scope, no answer", m["in_scope_unanswered"]),
             ("asked to clarify", m["clarifications"]))
    return '<div class="grid tiles">' + "".join(
        f'<div class="card tile"><div class="l">{esc(k)}</div><div class="v">{pct(v)}</div></div>' for k, v in items) + "</div>"


def group_table(title: str, groups: dict[str, dict]) -> str:
    """A card with a metrics table, one row per group."""
    rows = "".join(
        f'<tr><td>{esc(k)}</td><td class="n">{m["questions"]}</td><td class="n" style="color:{level(m["accuracy@1"])}">'
        f'{pct(m["accuracy@1"])}</td><td class="n">{pct(m["hit@3"])}</td><td class="n">{pct(m["mrr@10"])}</td>'
        f'<td class="n">{pct(m["in_scope_unanswered"])}</td><td class="n">{pct(m["oos_abstained"])}</td></tr>'
        for k, m in groups.items())
    return (f'<div class="card"><h3>{esc(title)}</h3>' + wide(
        f'<table><tr><th></th><th>n</th><th>acc@1</th><th>hit@3</th><th>MRR@10</th><th>unanswered</th>'
        f'<th>OOS no answer</th></tr>{rows}</table>') + '</div>')


def _why(w: dict | None, label: str) -> str:
    if not w:
        return ""
    p = w["passage"]
    where = p["kind"] + (f"/{p['section']}" if p["section"] else "")
    return (f'<div><b>{esc(label)} #{w["rank"]}</b> fused {w["fused"]:.3f}, bm25 #{esc(w["bm25_rank"] or "–")}, '
            f'dense #{esc(w["dense_rank"] or "–")} · won on <code>{esc(where)}</code> '
            f'<span class="exc">“{esc(p["text"])}”</span> · matched: <code>{esc(" ".join(w["matched_terms"]) or "none")}'
            f'</code></div>')


def failure_table(failures: list[dict]) -> str:
    """Failed questions with scores, ranks and the passages that won."""
    rows = []
    for i, f in enumerate(failures, 1):
        exp = "<br>".join(f'<span class="id">{esc(e["id"])}</span>' for e in f["expected"])
        given = f'<span class="id">{esc(f["given"]["id"])}</span>' if f["given"] else "–"
        why = _why(f["given_why"], "given") + _why(f["expected_why"], "expected")
        if f["synonyms"]:
            why = f'<div><b>synonyms</b> {esc(", ".join(a + "→" + "/".join(b) for a, b in f["synonyms"]))}</div>' + why
        if f["corrections"]:
            why = f'<div><b>spelling</b> {esc(", ".join(f"{a}→{b}" for a, b in f["corrections"]))}</div>' + why
        rank = f"rank {f['expected_rank']}" if f["expected_rank"] else "not in top 10"
        rows.append(
            f'<tr><td class="n">{i}</td><td>{esc(f["question"])}<div class="meta">{esc(f["kind"] or "–")} · line '
            f'{f["line"]}</div></td><td>{exp}<div class="meta">{esc(rank)}</div></td><td>{given}</td>'
            f'<td class="n">{f["confidence"]:.2f} <span class="pill {esc(f["status"])}">{esc(f["status"])}</span></td>'
            f'<td class="why">{why}</td></tr>')
    return wide('<table><tr><th>#</th><th>question</th><th>expected</th><th>given</th><th>confidence</th>'
                f'<th>why</th></tr>{"".join(rows) or "<tr><td colspan=6>none</td></tr>"}</table>')


def confusion_table(rows: list[dict]) -> str:
    """Entry pairs by id with the count each way."""
    items = "".join(f'<tr><td class="id">{esc(r["a"])}</td><td class="n">{r["a_to_b"]} → / ← {r["b_to_a"]}</td>'
                    f'<td class="id">{esc(r["b"])}</td><td class="n">{r["total"]}</td></tr>' for r in rows)
    return wide('<table><tr><th>entry A</th><th>A→B / B→A</th><th>entry B</th><th>total</th></tr>'
                f'{items or "<tr><td colspan=4>none</td></tr>"}</table>')


def technical(doc: dict) -> str:
    """The engineers' view, collapsed: metrics by name, histogram, breakdowns, failures with scores."""
    m, cfg = doc["metrics"], doc["config"]
    engine = "learned reranker" if cfg.get("reranker") else "fusion " + str(cfg["fusion"])
    groups = [group_table("By language", doc["by_lang"]), group_table("By kind of question", doc["by_kind"])]
    if doc.get("by_style"):
        groups.append(group_table("By style", doc["by_style"]))
    return (f'<details class="tech section"><summary>Detalls tècnics (per a l\'equip tècnic: MRR, hit@k, '
            f'puntuacions)</summary><p class="meta">{esc(engine)} · answer threshold {esc(cfg["answer_threshold"])} · '
            f'clarify margin {esc(cfg.get("clarify_margin"))} · {m["questions"]} questions '
            f'({m["in_scope"]} in scope, {m["out_of_scope"]} out of scope) · mean {m["latency_ms_mean"]:.1f} ms/question '
            f'(batched)</p>{tech_tiles(m)}'
            f'<div class="card section"><h3>Confidence of right and wrong answers</h3>'
            f'{confidence_histogram(doc["questions"], cfg["answer_threshold"])}</div>'
            f'<div class="grid">{"".join(groups)}</div>'
            f'<div class="section">{group_table("By category", doc["by_category"])}</div>'
            f'<div class="card section"><h3>Failures: {len(doc["failures"])} questions whose top entry is wrong '
            f'(most confident first)</h3>{failure_table(doc["failures"])}</div>'
            f'<div class="card section"><h3>Confusions: entries that take each other\'s questions</h3>'
            f'{confusion_table(doc["confusions"])}</div></details>')
