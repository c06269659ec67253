"""Traffic statistics for a period, from the store's logs (already redacted).

Volume by day and channel (search, chat, ask), how questions ended (answer, clarify,
fallback), the most asked questions and the most shown entries, the citizens' verdicts
with their comments, the median confidence, the languages and the latency.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import numpy as np

from isac.analyzer.common import day_of, entry_ref, iso, period, question_key

CHANNELS = ("search", "chat", "ask")
OUTCOMES = ("answer", "clarify", "fallback")
# how the logs spell each outcome: ask and chat write answer/clarify/none; chat also smalltalk
_OUTCOME_OF = {"answer": "answer", "clarify": "clarify", "none": "fallback", "fallback": "fallback"}


def _days(since: float, now: float) -> list[str]:
    first = datetime.fromtimestamp(since).date()
    last = datetime.fromtimestamp(now).date()
    out = []
    while first <= last:
        out.append(first.isoformat())
        first += timedelta(days=1)
    return out


def _rate(n: int, total: int) -> float | None:
    return round(n / total, 4) if total else None


def period_stats(store, days: float = 30, now: float | None = None, index=None, top: int = 10,
                 knowledge_dir: str = "knowledge", comments: int = 20) -> dict:
    """One JSON-able summary of the last ``days`` days; ``index`` adds titles and files to entries."""
    since, now = period(days, now)
    by_day: dict[str, Counter[str]] = {d: Counter() for d in _days(since, now)}
    channels: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    langs: Counter[str] = Counter()
    questions: Counter[str] = Counter()
    entries: Counter[str] = Counter()
    forms: dict[str, Counter] = {}
    confidences: list[float] = []
    latencies: list[float] = []
    smalltalk = 0
    # queries: id, at, channel, query, lang, top_entry, confidence, status, latency_ms, index_version
    for _id, at, channel, query, lang, top_entry, conf, status, ms, _v in store.rows("queries", since):
        by_day.setdefault(day_of(at), Counter())[channel] += 1
        channels[channel] += 1
        langs[lang or "?"] += 1
        if conf is not None:
            confidences.append(conf)
        if ms is not None:
            latencies.append(ms)
        if status == "smalltalk":
            smalltalk += 1
            continue
        outcome = _OUTCOME_OF.get(status or "")
        if outcome:
            outcomes[outcome] += 1
        key = question_key(query)
        if key:
            questions[key] += 1
            forms.setdefault(key, Counter())[" ".join(query.split())[:200]] += 1
        # the entry a citizen was shown: an answer card, or the first search result
        if top_entry and (outcome == "answer" or (channel == "search" and status is None)):
            entries[top_entry] += 1
    decided = sum(outcomes[o] for o in OUTCOMES)

    feedback = {"useful": 0, "not_useful": 0}
    per_entry: dict[str, Counter] = {}
    notes: list[dict] = []
    # feedback: id, at, useful, entry_id, question, comment
    for _id, at, useful, entry_id, question, comment in store.rows("feedback", since):
        verdict = "useful" if useful else "not_useful"
        feedback[verdict] += 1
        if entry_id:
            per_entry.setdefault(entry_id, Counter())[verdict] += 1
        if comment:
            notes.append({"at": iso(at), "useful": bool(useful), "entry": entry_ref(index, entry_id, knowledge_dir),
                          "question": question or "", "comment": comment})
    notes.reverse()  # latest first
    rated = feedback["useful"] + feedback["not_useful"]
    unanswered = len(store.rows("unanswered", since))

    def entry_row(entry_id: str, **extra) -> dict:
        return {**(entry_ref(index, entry_id, knowledge_dir) or {}), **extra}

    return {
        "since_days": days, "from": iso(since), "to": iso(now),
        "totals": {"queries": sum(channels.values()), **{c: channels[c] for c in CHANNELS}},
        "by_day": [{"day": d, **{c: by_day[d][c] for c in CHANNELS}} for d in sorted(by_day)],
        "outcomes": {"decided": decided, **{o: outcomes[o] for o in OUTCOMES}, "smalltalk": smalltalk,
                     "rates": {o: _rate(outcomes[o], decided) for o in OUTCOMES}},
        "unanswered": unanswered,
        "top_questions": [{"question": forms[k].most_common(1)[0][0], "count": n}
                          for k, n in sorted(questions.items(), key=lambda kv: (-kv[1], kv[0]))[:top]],
        "top_entries": [entry_row(e, count=n) for e, n in sorted(entries.items(), key=lambda kv: (-kv[1], kv[0]))[:top]],
        "feedback": {**feedback, "useful_rate": _rate(feedback["useful"], rated),
                     "comments": notes[:comments],
                     "by_entry": [entry_row(e, useful=c["useful"], not_useful=c["not_useful"])
                                  for e, c in sorted(per_entry.items(),
                                                     key=lambda kv: (-kv[1]["not_useful"], -kv[1]["useful"], kv[0]))[:top]]},
        "confidence": {"median": round(float(np.median(confidences)), 4) if confidences else None,
                       "count": len(confidences)},
        "languages": dict(langs.most_common()),
        "latency_ms": {"median": round(float(np.median(latencies)), 1) if latencies else None,
                       "p95": round(float(np.percentile(latencies, 95)), 1) if latencies else None},
    }
