"""Search-box completions from entry titles and their popular questions.

Built once per index. Matching is per token on folded text (no accents, lowercase): every
topic word of the query must match a word of the suggestion.

- A **complete** word (one followed by a space or punctuation) matches the same word, or a
  longer form of it ("padro" → "padrons"); when it is 4+ letters and no indexed word is
  spelt that way, one typo is forgiven against *whole* words ("deixaleria" →
  "deixalleria", "gaul" → "gual").
- The **last, partial** word (still being typed) matches by prefix only ("bici" →
  "bicicletes", never "licitacions" through a typo). Only when nothing starts with it
  (4+ letters) is it taken as a finished word with a typo ("recuperar el cotxe grue").

Typos are never forgiven against word *prefixes*: that is how "la grua s'ha" used to reach
"guarderia" ("gua…") and "bici" reached "licitacions" ("…ici…").

Ranking: a literal completion of what was typed first, then suggestions whose
*procedure title* matches the query's words, then the rest; the asked-for language
first. Every suggestion carries its procedure's title, so the page can show where a
question leads. An optional ``popularity`` (entry id → 0..1) breaks near-ties.
A lookup is a handful of dict and bisect operations, well under a millisecond per token.
"""

from __future__ import annotations

import heapq
import re
import time
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from isac.records import Entry
from isac.text import _stop_words, fold

_TOKEN_RE = re.compile(r"[a-z0-9·]+")
# one typo is forgiven in words of this many letters or more; shorter words are too ambiguous
_TYPO_MIN = 4
# a complete word also matches longer words it starts ("padro" → "padrons") from this length on
_STEM_MIN = 4
MAX_SUGGESTIONS = 8
# two suggestions per procedure, a third only when the list would otherwise stay short
_PER_ENTRY, _PER_ENTRY_MAX = 2, 3

# the word being typed may become any longer word, so a prefix counts almost as the word itself
W_EXACT, W_PREFIX, W_STEM, W_TYPO, W_STOP = 1.0, 0.95, 0.75, 0.6, 0.3
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


@dataclass(frozen=True)
class _Item:
    text: str
    folded: str
    tokens: tuple[str, ...]
    entry_id: str
    kind: str
    lang: str


def tokens(text: str) -> list[str]:
    """The folded word tokens of a text, split at apostrophes."""
    return _TOKEN_RE.findall(fold(text).replace("'", " "))


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1:] == b[i + 1:]:
            return True  # one substitution
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:]  # a swap
    if la > lb:
        return a[i + 1:] == b[i:]
    return a[i:] == b[i + 1:]


def _display(text: str) -> str:
    text = " ".join(text.split())
    return text[:1].upper() + text[1:]


class Suggester:
    """Completes search-box input from titles and questions, forgiving accents and one typo per whole word."""

    def __init__(self, items: Iterable[tuple[str, str, str, str]], popularity: Mapping[str, float] | None = None):
        """``items`` are (text, lang, entry_id, kind) rows; duplicates are dropped.

        ``popularity`` (entry id → 0..1, e.g. from the search logs) is an optional hook
        that lifts often-chosen procedures among suggestions that match equally well.
        """
        self._items: list[_Item] = []
        seen: set[tuple[str, str]] = set()
        for text, lang, entry_id, kind in items:
            folded = " ".join(tokens(text))
            if not folded or (folded, entry_id) in seen:
                continue
            seen.add((folded, entry_id))
            self._items.append(_Item(_display(text), folded, tuple(folded.split()), entry_id, kind, lang))
        postings: dict[str, set[int]] = defaultdict(set)
        for i, item in enumerate(self._items):
            for tok in item.tokens:
                postings[tok].add(i)
        self._postings = dict(postings)
        self._vocab = sorted(self._postings)
        # symmetric deletes over whole words (never prefixes): one typo, verified by one_edit
        typo: dict[str, set[str]] = defaultdict(set)
        for word in self._vocab:
            if len(word) < _TYPO_MIN - 1:
                continue
            typo[word].add(word)
            for d in _deletes(word):
                typo[d].add(word)
        self._typo = dict(typo)
        self._starts = sorted((item.folded, i) for i, item in enumerate(self._items))
        # each entry's title per language (its first title row), and its folded words
        self._titles: dict[tuple[str, str], int] = {}
        for i, item in enumerate(self._items):
            if item.kind == "title":
                self._titles.setdefault((item.entry_id, item.lang), i)
        self._any_title: dict[str, int] = {}
        for (entry_id, _lang), i in sorted(self._titles.items(), key=lambda kv: kv[0][1] != "ca"):
            self._any_title.setdefault(entry_id, i)
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

    def __len__(self) -> int:
        """The number of distinct suggestions indexed."""
        return len(self._items)

    def title(self, entry_id: str, lang: str) -> str:
        """The procedure title of ``entry_id`` in ``lang`` (Catalan, then any, when missing)."""
        i = self._titles.get((entry_id, lang), self._any_title.get(entry_id))
        return self._items[i].text if i is not None else ""

    # -- matching -------------------------------------------------------------------------
    def _prefixed(self, prefix: str) -> list[str]:
        lo = bisect_left(self._vocab, prefix)
        out = []
        for word in self._vocab[lo:]:
            if not word.startswith(prefix):
                break
            out.append(word)
        return out

    def _typos(self, tok: str) -> list[str]:
        """Whole indexed words one edit away from ``tok``."""
        found: set[str] = set()
        for k in (tok, *_deletes(tok)):
            found.update(self._typo.get(k, ()))
        return [w for w in found if w != tok and one_edit(tok, w)]

    def _word_weights(self, tok: str, partial: bool) -> dict[str, float]:
        """Indexed word → weight with which ``tok`` matches it."""
        weights: dict[str, float] = {}
        if tok in self._postings:
            weights[tok] = W_EXACT
        if partial:
            for word in self._prefixed(tok):
                weights.setdefault(word, W_PREFIX)
        elif len(tok) >= _STEM_MIN:
            # a finished word may still be a stem ("padro" for "padrons")
            for word in self._prefixed(tok):
                weights.setdefault(word, W_STEM)
        if not weights and len(tok) >= _TYPO_MIN:
            # nothing is spelt like it: a misspelt whole word (also the one being typed)
            for word in self._typos(tok):
                weights.setdefault(word, W_TYPO)
        return weights

    def _matches(self, tok: str, partial: bool) -> dict[int, float]:
        """Item position → best weight with which ``tok`` matches one of its words."""
        out: dict[int, float] = {}
        for word, w in self._word_weights(tok, partial).items():
            for i in self._postings[word]:
                if out.get(i, 0.0) < w:
                    out[i] = w
        return out

    def suggest(self, query: str, limit: int = MAX_SUGGESTIONS, lang: str | None = None) -> Suggestions:
        """Up to ``limit`` completions of ``query`` (at most MAX_SUGGESTIONS), ``lang`` first."""
        t0 = time.perf_counter()
        items = self._rank(query, max(1, min(limit, MAX_SUGGESTIONS)), lang)
        return Suggestions(query, tuple(items), (time.perf_counter() - t0) * 1e3)

    def _short_weight(self, tok: str, item: _Item, partial: bool) -> float:
        """Weight of a one- or two-letter token, checked on a candidate only (too unselective to look up)."""
        if tok in item.tokens:
            return W_EXACT
        if partial and any(t.startswith(tok) for t in item.tokens):
            return W_PREFIX
        return 0.0

    def _starting_with(self, prefix: str) -> set[int]:
        lo = bisect_left(self._starts, (prefix,))
        out = set()
        for folded, i in self._starts[lo:]:
            if not folded.startswith(prefix):
                break
            out.add(i)
        return out

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
