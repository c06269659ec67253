"""The shape of one knowledge entry: parse a YAML mapping into an ``Entry``, naming each problem.

Loading files and the whole directory is ``isac.knowledge``; this module knows fields only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlparse

from isac.records import SECTION_KEYS, Channels, Entry, FaqItem

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED_SECTIONS = ("what", "how")
MIN_QUESTIONS = {"ca": 5, "es": 3, "en": 3}
MIN_SITUATIONS = {"ca": 4, "es": 3}
LANG_NAMES = {"ca": "Catalan", "es": "Spanish", "en": "English"}
DATE_RE = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")
# the administrations' own sites: every entry cites at least one (third-party copies of a
# fitxa may be listed beside it, never alone)
OFFICIAL_DOMAINS = ("terrassa.cat", "terrassa.net", "ajterrassa.es", "taigua.cat", "terrassauniversitaria.cat",
                    "gencat.cat", "diba.cat", "aoc.cat", "boe.es", "gob.es", "dgt.es", "seg-social.es",
                    "agenciatributaria.es", "policia.es", "europa.eu")
# what a `how` text must mention for a channel flag to be true (folded, lowercase)
CHANNEL_WORDS = {
    "seu": ("seu electronica", "sede electronica", "internet", "en linia", "en linea", "online", "telematica"),
    "phone_010": ("010",),
    "oac": ("oac", "atencio ciutadana", "atencion ciudadana", "cita previa"),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the knowledge base: the file, the field and what to do."""

    path: str
    field: str
    message: str

    def __str__(self) -> str:
        """``path: field: message`` (without the field when there is none)."""
        where = f"{self.path}: {self.field}" if self.field else self.path
        return f"{where}: {self.message}"


def _text(data: dict, key: str, rel: str, problems: list[Problem], *, required: bool = True) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(Problem(rel, key, "missing; add a non-empty text"))
        return ""
    if not isinstance(value, str):
        problems.append(Problem(rel, key, f"must be text, got {type(value).__name__}"))
        return ""
    return " ".join(value.split())


def bilingual(data: dict, key: str, rel: str, problems: list[Problem],
               langs: tuple[str, ...] = ("ca", "es")) -> dict[str, str]:
    """A ``{ca: text, es: text}`` mapping (plus ``en`` when asked), each language required."""
    value = data.get(key)
    if not isinstance(value, dict):
        problems.append(Problem(rel, key, f"missing; give it as a mapping with {', '.join(f'`{x}`' for x in langs)}"))
        return {}
    out = {}
    for lang in langs:
        text = _text(value, lang, rel, [])
        if not text:
            problems.append(Problem(rel, f"{key}.{lang}", f"missing {LANG_NAMES[lang]} text"))
        else:
            out[lang] = text
    return out


def str_list(value: object, field: str, rel: str, problems: list[Problem]) -> tuple[str, ...]:
    """A list of texts with whitespace collapsed and blanks dropped; () when absent or malformed."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        problems.append(Problem(rel, field, "must be a list of texts"))
        return ()
    return tuple(" ".join(str(v).split()) for v in value if str(v).strip())


def valid_url(url: object) -> bool:
    """A full http(s) address with a host."""
    if not isinstance(url, str) or any(c.isspace() for c in url):
        return False
    parts = urlparse(url)
    return parts.scheme in ("http", "https") and "." in parts.netloc


def is_site_root(url: str) -> bool:
    """A site's front page (``https://www.terrassa.cat/``), which tells a citizen nothing."""
    parts = urlparse(url)
    return parts.path.strip("/") == "" and not parts.query


def _lists_by_lang(data: dict, key: str, rel: str, problems: list[Problem],
                   minimum: dict[str, int]) -> dict[str, tuple[str, ...]]:
    """``{ca: [...], es: [...], en: [...]}`` with at least ``minimum[lang]`` texts each."""
    out: dict[str, tuple[str, ...]] = {}
    raw = data.get(key) or {}
    if not isinstance(raw, dict):
        problems.append(Problem(rel, key, "must be a mapping {ca: [...], es: [...], en: [...]}"))
        return out
    for lang in raw:
        if lang not in LANG_NAMES:
            problems.append(Problem(rel, f"{key}.{lang}", "unknown language; use ca, es or en"))
    for lang in LANG_NAMES:
        out[lang] = str_list(raw.get(lang), f"{key}.{lang}", rel, problems)
    for lang, n in minimum.items():
        if isinstance(raw.get(lang, []), list) and len(out[lang]) < n:
            problems.append(Problem(rel, f"{key}.{lang}", f"has {len(out[lang])}; write at least {n} in {LANG_NAMES[lang]}"))
    return out


def _sections(data: dict, rel: str, problems: list[Problem]) -> dict[str, dict[str, str]]:
    raw = data.get("sections")
    if not isinstance(raw, dict):
        problems.append(Problem(rel, "sections", f"missing; a mapping with keys from {', '.join(SECTION_KEYS)}"))
        return {}
    out = {}
    for key in raw:
        if key not in SECTION_KEYS:
            problems.append(Problem(rel, f"sections.{key}", f"unknown section; use one of {', '.join(SECTION_KEYS)}"))
            continue
        if not isinstance(raw[key], dict):
            problems.append(Problem(rel, f"sections.{key}", "must give the text in both languages: {ca: ..., es: ...}"))
            continue
        texts = bilingual(raw, key, rel, problems)
        if len(texts) == 2:
            out[key] = texts
    for key in REQUIRED_SECTIONS:
        if key not in raw:
            problems.append(Problem(rel, f"sections.{key}", "missing required section"))
    return out


def _channels(data: dict, sections: dict[str, dict[str, str]], rel: str, problems: list[Problem]) -> Channels:
    from isac.text import fold

    raw = data.get("channels")
    if not isinstance(raw, dict):
        problems.append(Problem(rel, "channels", "missing; give `seu`, `phone_010` and `oac` as true/false"))
        return Channels(False, False, False)
    flags = {}
    how = fold(" ".join(sections.get("how", {}).values()))
    for key in ("seu", "phone_010", "oac"):
        if not isinstance(raw.get(key), bool):
            problems.append(Problem(rel, f"channels.{key}", "must be true or false"))
        flags[key] = bool(raw.get(key))
        if flags[key] and how and not any(w in how for w in CHANNEL_WORDS[key]):
            problems.append(Problem(rel, f"channels.{key}", "is true but the `how` section never mentions it; "
                                    "say how to use that channel or set it to false"))
    return Channels(**flags)


def _date(value: object) -> str | None:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        value = str(value)
    return value if isinstance(value, str) and DATE_RE.match(value) else None


def _faq(data: dict, rel: str, problems: list[Problem]) -> tuple[FaqItem, ...]:
    raw = data.get("faq")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(Problem(rel, "faq", "must be a list of {q: {ca, es}, a: {ca, es}, source}"))
        return ()
    out = []
    for i, item in enumerate(raw):
        field = f"faq[{i}]"
        if not isinstance(item, dict):
            problems.append(Problem(rel, field, "must be a mapping {q: {ca, es}, a: {ca, es}, source}"))
            continue
        before = len(problems)
        q = bilingual(item, "q", f"{rel}: {field}", problems)
        a = bilingual(item, "a", f"{rel}: {field}", problems)
        source = item.get("source")
        if not valid_url(source):
            problems.append(Problem(rel, f"{field}.source", f"missing or malformed URL {source!r}; name the official page"))
        as_of = _date(item.get("as_of")) if item.get("as_of") is not None else None
        if item.get("as_of") is not None and as_of is None:
            problems.append(Problem(rel, f"{field}.as_of", "must be a year (2014) or a YYYY-MM-DD date"))
        also = _lists_by_lang(item, "also", f"{rel}: {field}", problems, {}) if item.get("also") is not None else {}
        if len(problems) == before:
            out.append(FaqItem(q, a, str(source), as_of, {k: v for k, v in also.items() if v}))
    return tuple(out)


def parse_entry(data: object, rel: str, problems: list[Problem]) -> Entry | None:
    """Turn one file's YAML into an Entry, appending every problem found."""
    if not isinstance(data, dict):
        problems.append(Problem(rel, "", "an entry must be a YAML mapping of fields"))
        return None
    before = len(problems)
    entry_id = data.get("id")
    if not isinstance(entry_id, str) or not entry_id:
        problems.append(Problem(rel, "id", "missing; add `id: <slug>`"))
        entry_id = ""
    elif not ID_RE.match(entry_id):
        problems.append(Problem(rel, "id", f"{entry_id!r} is not a slug (lowercase letters, digits, hyphens)"))
    category = _text(data, "category", rel, problems)
    title = bilingual(data, "title", rel, problems, ("ca", "es", "en"))
    summary = bilingual(data, "summary", rel, problems, ("ca", "es", "en"))
    questions = _lists_by_lang(data, "questions", rel, problems, MIN_QUESTIONS)
    situations = _lists_by_lang(data, "situations", rel, problems, MIN_SITUATIONS)
    sections = _sections(data, rel, problems)
    channels = _channels(data, sections, rel, problems)

    url = data.get("url")
    if url is not None:
        if not valid_url(url):
            problems.append(Problem(rel, "url", f"malformed URL {url!r}; use a full https:// address"))
        elif is_site_root(url):
            problems.append(Problem(rel, "url", f"{url} is a site's front page, not the procedure's; link its fitxa "
                                    "or official page, or remove `url` so the card shows only the channels"))
    sources = str_list(data.get("sources"), "sources", rel, problems)
    if not sources:
        problems.append(Problem(rel, "sources", "missing; list at least one official page the facts come from"))
    for i, src in enumerate(sources):
        if not valid_url(src):
            problems.append(Problem(rel, f"sources[{i}]", f"malformed URL {src!r}"))
    if sources and not any(urlparse(s).netloc.endswith(OFFICIAL_DOMAINS) for s in sources if valid_url(s)):
        problems.append(Problem(rel, "sources", "cites no official page; add the fitxa or another page of "
                                f"{', '.join(OFFICIAL_DOMAINS[:3])}, gencat.cat…"))
    as_of: dict[str, str] = {}
    raw_as_of = data.get("as_of") or {}
    if not isinstance(raw_as_of, dict):
        problems.append(Problem(rel, "as_of", "must map a section to a date: {cost: 2014}"))
    else:
        for key, value in raw_as_of.items():
            when = _date(value)
            if key not in SECTION_KEYS or when is None:
                problems.append(Problem(rel, f"as_of.{key}", "must map a section key to a year or YYYY-MM-DD date"))
            else:
                as_of[key] = when
    updated = _date(data.get("updated"))
    if updated is None or len(updated) != 10:
        problems.append(Problem(rel, "updated", "missing or not a YYYY-MM-DD date"))
        updated = ""
    faq = _faq(data, rel, problems)

    if len(problems) > before:
        return None
    return Entry(
        id=entry_id, category=category, title=title, summary=summary, questions=questions,
        keywords=str_list(data.get("keywords"), "keywords", rel, problems),
        sections=sections, channels=channels, url=url, sources=sources,
        related=str_list(data.get("related"), "related", rel, problems),
        updated=updated, situations={k: v for k, v in situations.items() if v}, as_of=as_of, faq=faq,
    )
