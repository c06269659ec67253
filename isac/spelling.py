"""Query repair against the knowledge base's own vocabulary.

Only words the knowledge base does not contain are touched: first accents are restored
("contribucio" → "contribució"), then SymSpell proposes the closest known word.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from isac.text import _stop_words, fold, known_languages


class SpellCorrector:
    """Repairs unknown words: accents restored first, then the closest known word (SymSpell)."""

    def __init__(self, counts: dict[str, int]):
        """``counts`` maps surface words (lowercase, accented) to their frequency."""
        from symspellpy import SymSpell

        self.surfaces = dict(counts)
        self.by_fold: dict[str, str] = {}
        for word, _n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            self.by_fold.setdefault(fold(word), word)
        self._sym = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        for folded, word in self.by_fold.items():
            if folded.isalpha() and len(folded) >= 3:
                self._sym.create_dictionary_entry(folded, counts[word])

    @classmethod
    def from_texts(cls, texts: Iterable[tuple[str, str]]) -> SpellCorrector:
        """A corrector over the word counts of ``(text, lang)`` pairs."""
        from isac.text import words

        counts: Counter[str] = Counter()
        for text, lang in texts:
            counts.update(w for w in words(text, lang) if w.replace("·", "").isalpha())
        return cls(dict(counts))

    def repair(self, word: str) -> str | None:
        """The known word meant by ``word``, or None to leave it as it is."""
        from symspellpy import Verbosity

        if word in self.surfaces:
            return None
        folded = fold(word)
        if folded in self.by_fold:
            return self.by_fold[folded]
        if not folded.replace("·", "").isalpha() or len(folded) < 4 or folded in _stop_words():
            return None
        if _is_word(word):
            # a real word the knowledge base lacks ("depósito", "gasolina") is not a typo of one it has
            return None
        distance = 1 if len(folded) < 7 else 2
        hits = self._sym.lookup(folded, Verbosity.CLOSEST, max_edit_distance=distance)
        if not hits:
            return None
        return self.by_fold.get(hits[0].term)


def _is_word(word: str) -> bool:
    """A word of Catalan, Spanish or English, by simplemma's dictionaries."""
    return bool(known_languages(word.lower()))
