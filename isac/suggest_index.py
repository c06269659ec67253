"""The search-box suggestions' index: folded words of titles and questions, and how a typed word matches them.

Matching is per token on folded text (no accents, lowercase): every topic word of the
query must match a word of the suggestion.

- A **complete** word (one followed by a space or punctuation) matches the same word, or a
  longer form of it ("padro" → "padrons"); when it is 4+ letters and no indexed word is
  spelt that way, one typo is forgiven against *whole* words ("deixaleria" →
  "deixalleria", "gaul" → "gual").
- The **last, partial** word (still being typed) matches by prefix only ("bici" →
  "bicicletes", never "licitacions" through a typo). Only when nothing starts with it
  (4+ letters) is it taken as a finished word with a typo ("recuperar el cotxe grue").

Typos are never forgiven against word *prefixes*: that is how "la grua s'ha" used to reach
"guarderia" ("gua…") and "bici" reached "licitacions" ("…ici…").

A lookup is a handful of dict and bisect operations, well under a millisecond per token.
Ranking what matches is ``isac.suggest``'s job.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from isac.text import fold

_TOKEN_RE = re.compile(r"[a-z0-9·]+")
# one typo is forgiven in words of this many letters or more; shorter words are too ambiguous
_TYPO_MIN = 4
# a complete word also matches longer words it starts ("padro" → "padrons") from this length on
_STEM_MIN = 4
# the word being typed may become any longer word, so a prefix counts almost as the word itself
W_EXACT, W_PREFIX, W_STEM, W_TYPO = 1.0, 0.95, 0.75, 0.6


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


class SuggestionIndex:
    """Titles and questions by folded word, with a typo table over whole words and each entry's titles."""

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
