"""Search-box completions from entry titles and their popular questions: the ranking.

Built once per index. ``isac.suggest_index`` finds what matches what was typed (per
folded word, forgiving accents and one typo per whole word, prefixes only for the word
still being typed); this module ranks it.

Ranking: a literal completion of what was typed first, then suggestions whose
*procedure title* matches the query's words, then the rest; the asked-for language
first. Every suggestion carries its procedure's title, so the page can show where a
question leads. An optional ``popularity`` (entry id → 0..1) breaks near-ties.
"""

from __future__ import annotations

import heapq
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from isac.records import Entry
from isac.suggest_index import SuggestionIndex, one_edit, tokens
from isac.text import _stop_words

MAX_SUGGESTIONS = 8
# two suggestions per procedure, a third only when the list would otherwise stay short
_PER_ENTRY, _PER_ENTRY_MAX = 2, 3
# a filler word ("com", "on es") counts for this much of a topic word in the score
W_STOP = 0.3
# score bonuses: a literal completion reads best; the asked-for language outranks it; a
# suggestion whose procedure title carries the query's words comes before one that only
# mentions them
B_LITERAL, B_LANG, B_TITLE, B_KIND_TITLE, B_POPULAR, P_LOOSE = 0.5, 0.6, 0.4, 0.1, 0.1, 0.3


@dataclass(frozen=True)
class Suggestion:
    """One completion: its text, the entry it leads to (and that entry's title), kind, language, score."""

    text: str
    entry_id: str
    kind: str  # "title" or "question"
    lang: str
    score: float
    title: str = ""  # the procedure's title in the suggestion's language


@dataclass(frozen=True)
class Suggestions:
    """The completions for a query and how long finding them took."""

    query: str
    items: tuple[Suggestion, ...]
    took_ms: float


class Suggester(SuggestionIndex):
    """Completes search-box input from titles and questions, forgiving accents and one typo per whole word."""

    def __init__(self, items: Iterable[tuple[str, str, str, str]], popularity: Mapping[str, float] | None = None):
        """``items`` are (text, lang, entry_id, kind) rows; duplicates are dropped.

        ``popularity`` (entry id → 0..1, e.g. from the search logs) is an optional hook
        that lifts often-chosen procedures among suggestions that match equally well.
        """
        super().__init__(items)
        self._popularity = dict(popularity or {})
        self._stop = _stop_words()

    @classmethod
    def from_entries(cls, entries: Iterable[Entry], popularity: Mapping[str, float] | None = None) -> Suggester:
        """A suggester over the entries' titles and questions in every language."""
        rows = []
        for e in entries:
            for lang, title in e.title.items():
                rows.append((title, lang, e.id, "title"))
            for lang, questions in e.questions.items():
                rows.extend((q, lang, e.id, "question") for q in questions)
        return cls(rows, popularity)

    def suggest(self, query: str, limit: int = MAX_SUGGESTIONS, lang: str | None = None) -> Suggestions:
        """Up to ``limit`` completions of ``query`` (at most MAX_SUGGESTIONS), ``lang`` first."""
        t0 = time.perf_counter()
        items = self._rank(query, max(1, min(limit, MAX_SUGGESTIONS)), lang)
        return Suggestions(query, tuple(items), (time.perf_counter() - t0) * 1e3)

    def _rank(self, query: str, limit: int, lang: str | None) -> list[Suggestion]:
        qtoks = tokens(query)[-12:]
        if not qtoks:
            return []
        typing_word = query[-1].isalnum()
        last = len(qtoks) - 1
        required: list[int] = []
        optional: list[int] = []
        for pos, tok in enumerate(qtoks):
            if (len(tok) >= 2 or pos == last) and tok not in self._stop:
                required.append(pos)
            elif len(tok) >= 2 or len(qtoks) == 1:
                optional.append(pos)
        if not required:  # only filler words typed so far ("com", "on es")
            required, optional = [last], [p for p in optional if p != last]
        partial = {p: p == last and typing_word for p in (*required, *optional)}
        # short tokens are not looked up: they would touch most of the index
        short = {p for p in (*required, *optional) if len(qtoks[p]) < 3}
        matched = {p: self._matches(qtoks[p], partial[p]) for p in (*required, *optional) if p not in short}
        folded_query = " ".join(qtoks)
        long_required = [p for p in required if p not in short]
        strict = True
        if long_required:
            candidates = set.intersection(*(set(matched[p]) for p in long_required))
            if not candidates and len(long_required) >= 3:
                # one stray word (a name, a typo beyond repair) should not empty the list, but
                # the word being typed must match: it is what the citizen is looking at
                strict = False
                counts: dict[int, int] = defaultdict(int)
                for p in long_required:
                    for i in matched[p]:
                        counts[i] += 1
                candidates = {i for i, n in counts.items() if n >= len(long_required) - 1}
                if partial.get(last) and last in matched:
                    candidates &= set(matched[last])
        else:  # only a letter or two typed: complete from the start of the text
            candidates = self._starting_with(folded_query)
        for p in short:
            matched[p] = {i: w for i in candidates
                          if (w := self._short_weight(qtoks[p], self._items[i], partial[p]))}
        if strict:
            candidates = {i for i in candidates if all(i in matched[p] for p in required)}

        scored = []
        denominator = len(required) + W_STOP * len(optional)
        title_positions = long_required or required
        for i in candidates:
            item = self._items[i]
            score = sum(matched[p].get(i, 0.0) for p in required)
            score += sum(W_STOP * matched[p].get(i, 0.0) for p in optional)
            score /= denominator
            if item.folded.startswith(folded_query):
                score += B_LITERAL
            title = self._titles.get((item.entry_id, item.lang))
            if title is not None:
                hits = sum(1 for p in title_positions if title in matched[p] or
                           (p in short and self._short_weight(qtoks[p], self._items[title], partial[p])))
                score += B_TITLE * hits / len(title_positions)
            if item.kind == "title":
                score += B_KIND_TITLE
            if lang and item.lang == lang:
                score += B_LANG
            elif item.lang == "en" and lang != "en":
                score -= B_LANG  # English rows only help a page or a conversation in English
            score += B_POPULAR * self._popularity.get(item.entry_id, 0.0)
            if not strict:
                score -= P_LOOSE
            # short suggestions first among equals: they are easier to scan
            scored.append((-score, len(item.text), item.text, i))

        picked: list[tuple[float, int]] = []
        spare: list[tuple[float, int]] = []
        seen_text: set[str] = set()
        per_entry: dict[str, int] = defaultdict(int)
        titled: set[str] = set()  # one title per procedure: not the same title in two languages
        # more than ``limit`` because duplicates and the per-entry cap drop some
        for neg, _, _, i in heapq.nsmallest(limit * 4 + 8, scored):
            item = self._items[i]
            if item.folded in seen_text or per_entry[item.entry_id] >= _PER_ENTRY_MAX:
                continue
            if item.kind == "title":
                if item.entry_id in titled:
                    continue
                titled.add(item.entry_id)
            seen_text.add(item.folded)
            per_entry[item.entry_id] += 1
            (picked if per_entry[item.entry_id] <= _PER_ENTRY else spare).append((neg, i))
            if len(picked) == limit:
                break
        chosen = sorted(picked + spare[:max(0, limit - len(picked))])
        return [Suggestion(self._items[i].text, self._items[i].entry_id, self._items[i].kind, self._items[i].lang,
                           round(-neg, 4), self.title(self._items[i].entry_id, self._items[i].lang))
                for neg, i in chosen]


__all__ = ["MAX_SUGGESTIONS", "Suggester", "Suggestion", "Suggestions", "one_edit", "tokens"]
