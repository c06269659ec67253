"""What an incremental `isac build` reuses from the index it replaces, besides embeddings.

Analysing 14,000 passages (tokenizer, lemmas, synonyms) and counting the spelling vocabulary
take most of a no-model build. Both depend only on a passage's text and language and on
the analysis code and data, so a passage whose text is unchanged keeps its tokens, and the
vocabulary is the old one minus the words of removed passages plus those of new ones. A
fingerprint of the analysis (text.py, synonyms, library versions) guards the reuse: any
change to it analyses everything again.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from isac.text import words


def analysis_fingerprint(synonyms: dict, versions: dict) -> str:
    """Changes whenever a passage's tokens or words could change for the same text."""
    source = (Path(__file__).parent / "text.py").read_bytes()
    blob = json.dumps([synonyms, {k: versions.get(k) for k in ("isac", "simplemma", "spacy")}],
                      sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(source + blob).hexdigest()


@dataclass
class Reuse:
    """The old index's analysis, keyed by (language, text)."""

    tokens: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    texts: Counter = field(default_factory=Counter)  # (lang, text) → how many old passages
    vocab: dict[str, int] | None = None


def old_analysis(directory: Path, fingerprint: str) -> Reuse:
    """The reusable analysis of the index in ``directory`` (empty if none, or built differently)."""
    try:
        manifest = json.loads((directory / "manifest.json").read_text())
        if manifest.get("analysis") != fingerprint:
            return Reuse()
        reuse = Reuse(vocab=json.loads((directory / "vocab.json").read_text()))
        for line in (directory / "passages.jsonl").open():
            row = json.loads(line)
            key = (row["lang"], row["text"])
            reuse.tokens[key] = row["tokens"]
            reuse.texts[key] += 1
    except (OSError, ValueError, KeyError, TypeError):
        return Reuse()
    return reuse


def passage_tokens(passages, analyzer, reuse: Reuse) -> list[list[str]]:
    """Each passage's BM25 terms, analysed only where the old index has no passage with its text."""
    out = []
    for p in passages:
        cached = reuse.tokens.get((p.lang, p.text))
        out.append(cached if cached is not None else list(analyzer.analyse(p.text, p.lang).tokens) or ["__empty__"])
    return out


def _count(counts: dict[str, int], text: str, lang: str, sign: int) -> None:
    for w in words(text, lang):
        if w.replace("·", "").isalpha():
            counts[w] = counts.get(w, 0) + sign


def vocabulary(passages, reuse: Reuse) -> dict[str, int]:
    """Surface word counts over every passage (the spelling corrector's dictionary)."""
    if reuse.vocab is None:
        counts: dict[str, int] = {}
        for p in passages:
            _count(counts, p.text, p.lang, +1)
        return counts
    counts = dict(reuse.vocab)
    now = Counter((p.lang, p.text) for p in passages)
    for (lang, text), n in (now - reuse.texts).items():
        for _ in range(n):
            _count(counts, text, lang, +1)
    for (lang, text), n in (reuse.texts - now).items():
        for _ in range(n):
            _count(counts, text, lang, -1)
    return {w: c for w, c in counts.items() if c > 0}
