"""What the gaps report says about one theme: its trend, examples, new phrasings and suggested action.

Examples and phrasings go through ``redact`` again: they are shown to people and pasted
into entries, and a phrasing with a personal-data placeholder, markup or a link is never
offered for pasting.
"""

from __future__ import annotations

import re

import numpy as np

from isac.analyzer.common import PLACEHOLDER, WEEK, question_key
from isac.analyzer.gap_questions import QuestionGroup
from isac.redact import redact

_MARKUP = re.compile(r"[<>{}]|https?://|www\.", re.IGNORECASE)  # never a phrasing worth pasting into an entry
LANGS = ("ca", "es", "en")


def trend_of(times: list[float], now: float) -> dict:
    """Askings in the last 7 days against the 7 before, and which way it goes."""
    this_week = sum(t >= now - WEEK for t in times)
    previous = sum(now - 2 * WEEK <= t < now - WEEK for t in times)
    change = ("new" if previous == 0 and this_week else "up" if this_week > previous
              else "down" if this_week < previous else "flat")
    return {"this_week": this_week, "previous_week": previous, "change": change}


def lang_of(group: QuestionGroup) -> str:
    """The group's language: the one logged most often, else detected from its text."""
    if group.langs:
        lang = group.langs.most_common(1)[0][0]
        if lang in LANGS:
            return lang
    from isac.language import detect

    return detect(group.text)


def pick_examples(members: list[int], groups: list[QuestionGroup], vecs: np.ndarray, centroid: np.ndarray, n: int) -> list[str]:
    """The most asked members first, then the most typical; near-duplicates (one inside the
    other, "com m'empadrono" and "com m'empadrono urgent", or nearly the same vector) skipped."""
    order = sorted(members, key=lambda i: (-groups[i].count, -float(vecs[i] @ centroid)))
    chosen: list[int] = []
    for i in order:
        key = groups[i].key
        if all(float(vecs[i] @ vecs[j]) < 0.96 and key not in groups[j].key and groups[j].key not in key
               for j in chosen):
            chosen.append(i)
        if len(chosen) == n:
            break
    for i in order:  # a theme of near-identical askings still shows up to n of them
        if len(chosen) >= min(n, 3):
            break
        if i not in chosen:
            chosen.append(i)
    return [redact(groups[i].text) for i in chosen]


def new_phrasings(members: list[int], groups: list[QuestionGroup], entry, limit: int) -> dict[str, list[str]]:
    """New phrasings per language for the YAML snippet: no personal-data placeholders, markup or links, none
    already in the entry."""
    known: set[str] = set()
    if entry is not None:
        for field_name in ("questions", "situations"):
            for texts in getattr(entry, field_name).values():
                known.update(question_key(t) for t in texts)
    out: dict[str, list[str]] = {}
    for i in sorted(members, key=lambda i: (-groups[i].count, groups[i].key)):
        g = groups[i]
        text = redact(g.text).strip()
        if PLACEHOLDER.search(text) or _MARKUP.search(text) or g.key in known or len(text) < 4:
            continue
        bucket = out.setdefault(lang_of(g), [])
        if len(bucket) < limit:
            bucket.append(text)
    return {lang: out[lang] for lang in LANGS if out.get(lang)}


def suggested_action(near: dict | None, similarity: float, threshold: float) -> dict:
    """Extend the nearest entry when it is close enough, otherwise write a new one (English and Catalan)."""
    if near is not None and near["file"] and similarity >= threshold:
        return {"kind": "extend", "entry_id": near["id"], "file": near["file"],
                "text": f"add these as questions/situations of entry {near['id']} (file {near['file']})",
                "text_ca": f"Afegiu aquestes preguntes com a «questions» o «situations» de la fitxa "
                           f"«{near['title']}» (fitxer {near['file']})."}
    return {"kind": "new", "entry_id": None, "file": None,
            "text": "new entry needed: no entry is close",
            "text_ca": "Cal una fitxa nova: cap fitxa existent no s'hi acosta prou."}
