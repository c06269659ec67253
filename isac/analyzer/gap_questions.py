"""The questions that make gaps, read from the store and grouped by what they ask.

Three sources: ``unanswered`` (routed to 010; those routed to another administration are
counted apart, not gaps), ``low_confidence`` (logged searches and asks under the answer
threshold) and ``not_useful`` (feedback with the citizen's question). Askings that fold to
the same words once greetings and politeness are stripped are one group.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from isac.analyzer.common import question_key
from isac.query import strip_fillers

SOURCES = ("unanswered", "low_confidence", "not_useful")


@dataclass
class QuestionGroup:
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
        """How many times it was asked."""
        return len(self.times)

    @property
    def text(self) -> str:
        """Its most frequent wording."""
        return self.forms.most_common(1)[0][0]


# -- reading the store ---------------------------------------------------------------------
def collect(store, since: float, low_confidence: float) -> tuple[list[QuestionGroup], dict]:
    """The questions that make gaps, grouped by key, most asked (then latest) first."""
    groups: dict[str, QuestionGroup] = {}
    counts: Counter[str] = Counter()

    def add(text, source, at, lang=None, offered=None, comment=None):
        # as the engine does: greetings and politeness say nothing about the procedure
        tidy = " ".join(strip_fillers(text or "").split()).strip(" ,.;:")
        key = question_key(tidy)
        if not key or not any(c.isalpha() for c in key):
            return
        g = groups.get(key)
        if g is None:
            g = groups[key] = QuestionGroup(key)
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
