"""Split entries into retrievable passages, each pointing back to its entry and section."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from isac.records import Entry, Passage, PassageKind


def split_entry(entry: Entry, start: int = 0) -> list[Passage]:
    """Title+summary and sections per language, citizen questions, situations, FAQ and keywords."""
    out: list[Passage] = []

    def add(kind: PassageKind, lang: str, text: str, section: str | None = None) -> None:
        out.append(Passage(start + len(out), entry.id, kind, lang, text, section))

    for lang, title in entry.title.items():
        add(PassageKind.TITLE, lang, f"{title}. {entry.summary.get(lang, '')}".strip())
    for key, texts in entry.sections.items():
        for lang, text in texts.items():
            # the title gives a section its topic; "És gratuït." alone says nothing
            add(PassageKind.SECTION, lang, f"{entry.title[lang]}. {text}", key)
    for lang, questions in entry.questions.items():
        for q in questions:
            add(PassageKind.QUESTION, lang, q)
    for lang, situations in entry.situations.items():
        for s in situations:
            add(PassageKind.SITUATION, lang, s)
    for i, item in enumerate(entry.faq):
        for lang, q in item.q.items():
            add(PassageKind.FAQ, lang, q, f"faq:{i}")
        for lang, phrasings in item.also.items():
            for text in phrasings:
                add(PassageKind.FAQ_ALSO, lang, text, f"faq:{i}")
        for lang, answer in item.a.items():
            add(PassageKind.FAQ_ANSWER, lang, answer, f"faq:{i}")
    if entry.keywords:
        add(PassageKind.KEYWORDS, "ca", ", ".join(entry.keywords))
    return out


def split_entries(entries: Iterable[Entry]) -> list[Passage]:
    """Every entry's passages, numbered consecutively."""
    passages: list[Passage] = []
    for entry in entries:
        passages.extend(split_entry(entry, start=len(passages)))
    return passages


def passage_hash(p: Passage) -> str:
    """Key of the embedding cache: what the encoder sees, nothing else."""
    return hashlib.sha1(f"{p.kind.value}|{p.text}".encode()).hexdigest()
