"""Search-box completions from entry titles and their popular questions.

Built once per index. Matching is per token on folded text (no accents, lowercase): every
topic word of the query must be a word, a prefix or a one-typo variant of a word in the
suggestion. Typo tolerance uses a symmetric-delete table over word *prefixes*, so a typo
is forgiven while the citizen is still typing the word ("empdro" → "empadronament").
A lookup is a handful of dict and bisect operations, well under a millisecond per token.
"""

from __future__ import annotations

import heapq
import re
import time
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from isac.records import Entry
from isac.text import _stop_words, fold

_TOKEN_RE = re.compile(r"[a-z0-9·]+")
# one edit is forgiven from this many typed characters on; shorter prefixes are too ambiguous
_TYPO_MIN = 4
# index prefixes up to this length for typo lookups; longer typed words are cut to it
_TYPO_MAX_PREFIX = 10
MAX_SUGGESTIONS = 8
_PER_ENTRY = 3

W_EXACT, W_PREFIX, W_TYPO, W_STOP = 1.0, 0.85, 0.6, 0.3


@dataclass(frozen=True)
class Suggestion:
    """One completion: its text, the entry it leads to, its kind, language and score."""

    text: str
    entry_id: str
    kind: str  # "title" or "question"
    lang: str
    score: float


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


def _display(text: str) -> str:
    text = " ".join(text.split())
    return text[:1].upper() + text[1:]


class Suggester:
    """Completes search-box input from titles and questions, forgiving prefixes and one typo."""

    def __init__(self, items: Iterable[tuple[str, str, str, str]]):
        """``items`` are (text, lang, entry_id, kind) rows; duplicates are dropped."""
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
        typo: dict[str, set[str]] = defaultdict(set)
        for word in self._vocab:
            if len(word) < _TYPO_MIN - 1:
                continue
            for n in range(_TYPO_MIN - 1, min(len(word), _TYPO_MAX_PREFIX) + 1):
                prefix = word[:n]
                typo[prefix].add(word)
                if n >= _TYPO_MIN:
                    for d in _deletes(prefix):
                        typo[d].add(word)
        self._typo = dict(typo)
        self._starts = sorted((item.folded, i) for i, item in enumerate(self._items))
        self._stop = _stop_words()

    @classmethod
    def from_entries(cls, entries: Iterable[Entry]) -> Suggester:
        """A suggester over the entries' titles and questions in every language."""
        rows = []
        for e in entries:
            for lang, title in e.title.items():
                rows.append((title, lang, e.id, "title"))
            for lang, questions in e.questions.items():
                rows.extend((q, lang, e.id, "question") for q in questions)
        return cls(rows)

    def __len__(self) -> int:
        """The number of distinct suggestions indexed."""
        return len(self._items)

    # -- matching -------------------------------------------------------------------------
    def _prefixed(self, prefix: str) -> list[str]:
        lo = bisect_left(self._vocab, prefix)
        out = []
        for word in self._vocab[lo:]:
            if not word.startswith(prefix):
                break
            out.append(word)
        return out

    def _matches(self, tok: str, last: bool) -> dict[int, float]:
        """Item position → best weight with which ``tok`` matches one of its words."""
        weights: dict[str, float] = {}
        if tok in self._postings:
            weights[tok] = W_EXACT
        # a finished word may still be a stem ("padro" for "padró"/"padrons")
        if last or len(tok) >= 3:
            for word in self._prefixed(tok):
                weights.setdefault(word, W_PREFIX if last else W_PREFIX - 0.1)
        if len(tok) >= _TYPO_MIN:
            key = tok[:_TYPO_MAX_PREFIX]
            for k in (key, *_deletes(key)):
                for word in self._typo.get(k, ()):
                    weights.setdefault(word, W_TYPO)
        out: dict[int, float] = {}
        for word, w in weights.items():
            for i in self._postings[word]:
                if out.get(i, 0.0) < w:
                    out[i] = w
        return out

    def suggest(self, query: str, limit: int = MAX_SUGGESTIONS, lang: str | None = None) -> Suggestions:
        """Up to ``limit`` completions of ``query`` (at most MAX_SUGGESTIONS), ``lang`` first."""
        t0 = time.perf_counter()
        items = self._rank(query, max(1, min(limit, MAX_SUGGESTIONS)), lang)
        return Suggestions(query, tuple(items), (time.perf_counter() - t0) * 1e3)

    def _short_weight(self, tok: str, item: _Item, last: bool) -> float:
        """Weight of a one- or two-letter token, checked on a candidate only (too unselective to look up)."""
        if tok in item.tokens:
            return W_EXACT
        if last and any(t.startswith(tok) for t in item.tokens):
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
        typing_word = not query.rstrip() or query[-1].isalnum()
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
        is_last = {p: p == last and typing_word for p in (*required, *optional)}
        # short tokens are not looked up: they would touch most of the index
        short = {p for p in (*required, *optional) if len(qtoks[p]) < 3}
        matched = {p: self._matches(qtoks[p], is_last[p]) for p in (*required, *optional) if p not in short}
        folded_query = " ".join(qtoks)
        long_required = [p for p in required if p not in short]
        strict = True
        if long_required:
            candidates = set.intersection(*(set(matched[p]) for p in long_required))
            if not candidates and len(long_required) >= 3:
                # one stray word (a name, a typo beyond repair) should not empty the list
                strict = False
                counts: dict[int, int] = defaultdict(int)
                for p in long_required:
                    for i in matched[p]:
                        counts[i] += 1
                candidates = {i for i, n in counts.items() if n >= len(long_required) - 1}
        else:  # only a letter or two typed: complete from the start of the text
            candidates = self._starting_with(folded_query)
        for p in short:
            matched[p] = {i: w for i in candidates
                          if (w := self._short_weight(qtoks[p], self._items[i], is_last[p]))}
        if strict:
            candidates = {i for i in candidates if all(i in matched[p] for p in required)}

        scored = []
        denominator = len(required) + W_STOP * len(optional)
        for i in candidates:
            item = self._items[i]
            score = sum(matched[p].get(i, 0.0) for p in required)
            score += sum(W_STOP * matched[p].get(i, 0.0) for p in optional)
            score /= denominator
            if item.folded.startswith(folded_query):
                score += 0.5  # a literal completion of what was typed reads best
            if item.kind == "title":
                score += 0.05
            if lang and item.lang == lang:
                score += 0.6  # asked for explicitly (the page's language): outranks a literal completion
            if not strict:
                score -= 0.3
            # short suggestions first among equals: they are easier to scan
            scored.append((-score, len(item.text), item.text, i))

        out: list[Suggestion] = []
        seen_text: set[str] = set()
        per_entry: dict[str, int] = defaultdict(int)
        # more than ``limit`` because duplicates and the per-entry cap drop some
        for neg, _, _, i in heapq.nsmallest(limit * 4 + 8, scored):
            item = self._items[i]
            if item.folded in seen_text or per_entry[item.entry_id] >= _PER_ENTRY:
                continue
            seen_text.add(item.folded)
            per_entry[item.entry_id] += 1
            out.append(Suggestion(item.text, item.entry_id, item.kind, item.lang, round(-neg, 4)))
            if len(out) == limit:
                break
        return out
