"""Load and validate the 010 knowledge entries (one YAML file each) and the synonym list."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import yaml

from isac.records import SECTION_KEYS, Channels, Entry, OutOfScopeTopic

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SYNONYMS_FILE = "synonyms.yaml"
OUT_OF_SCOPE_FILE = "out-of-scope.yaml"
SPECIAL_FILES = (SYNONYMS_FILE, OUT_OF_SCOPE_FILE)
MAX_FILE_BYTES = 256 * 1024
REQUIRED_SECTIONS = ("what", "how")
MIN_QUESTIONS = {"ca": 5, "es": 3}


@dataclass(frozen=True)
class Problem:
    path: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: {self.field}" if self.field else self.path
        return f"{where}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge directory has problems; ``problems`` lists each one."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(
            f"{len(problems)} problem(s) in the knowledge base; fix them and run "
            f"`isac validate` again:\n{lines}"
        )


@dataclass(frozen=True)
class KnowledgeBase:
    entries: tuple[Entry, ...]
    synonyms: dict[str, tuple[str, ...]]
    content_hash: str
    out_of_scope: tuple[OutOfScopeTopic, ...] = ()

    def by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.entries}


def _read_yaml(path: Path, problems: list[Problem], rel: str | None = None, digest=None) -> object | None:
    """Parse one file, reading it once; ``digest`` (the content hash) sees the same bytes."""
    rel = rel or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(rel, "", f"cannot read the file ({exc.strerror})"))
        return None
    if digest is not None:
        digest.update(path.name.encode() + b"\0" + raw + b"\0")
    if len(raw) > MAX_FILE_BYTES:
        problems.append(Problem(rel, "", f"file is {len(raw)} bytes, over the {MAX_FILE_BYTES} limit; split the entry"))
        return None
    if b"\x00" in raw:
        problems.append(Problem(rel, "", "binary content (NUL bytes); an entry must be UTF-8 YAML text"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(rel, "", f"not valid UTF-8 at byte {exc.start}; save the file as UTF-8"))
        return None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problems.append(Problem(rel, "", f"malformed YAML{where}: {getattr(exc, 'problem', exc)}"))
        return None


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


def _bilingual(data: dict, key: str, rel: str, problems: list[Problem]) -> dict[str, str]:
    value = data.get(key)
    if not isinstance(value, dict):
        problems.append(Problem(rel, key, "missing; give it as a mapping with `ca` and `es`"))
        return {}
    out = {}
    for lang in ("ca", "es"):
        label = "Catalan" if lang == "ca" else "Spanish"
        text = _text(value, lang, rel, [])
        if not text:
            problems.append(Problem(rel, f"{key}.{lang}", f"missing {label} text"))
        else:
            out[lang] = text
    return out


def _str_list(value: object, field: str, rel: str, problems: list[Problem]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        problems.append(Problem(rel, field, "must be a list of texts"))
        return ()
    return tuple(" ".join(str(v).split()) for v in value if str(v).strip())


def valid_url(url: object) -> bool:
    if not isinstance(url, str) or any(c.isspace() for c in url):
        return False
    parts = urlparse(url)
    return parts.scheme in ("http", "https") and "." in parts.netloc


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
    title = _bilingual(data, "title", rel, problems)
    summary = _bilingual(data, "summary", rel, problems)

    questions: dict[str, tuple[str, ...]] = {}
    raw_q = data.get("questions") or {}
    if not isinstance(raw_q, dict):
        problems.append(Problem(rel, "questions", "must be a mapping {ca: [...], es: [...]}"))
    else:
        for lang in raw_q:
            if lang not in ("ca", "es", "en"):
                problems.append(Problem(rel, f"questions.{lang}", "unknown language; use ca, es or en"))
        for lang in ("ca", "es", "en"):
            questions[lang] = _str_list(raw_q.get(lang), f"questions.{lang}", rel, problems)
        for lang, minimum in MIN_QUESTIONS.items():
            if isinstance(raw_q.get(lang, []), list) and len(questions[lang]) < minimum:
                problems.append(Problem(rel, f"questions.{lang}", f"has {len(questions[lang])}; write at least {minimum} ways citizens ask it"))

    sections: dict[str, str] = {}
    raw_s = data.get("sections")
    if not isinstance(raw_s, dict):
        problems.append(Problem(rel, "sections", f"missing; a mapping with keys from {', '.join(SECTION_KEYS)}"))
    else:
        for key in raw_s:
            if key not in SECTION_KEYS:
                problems.append(Problem(rel, f"sections.{key}", f"unknown section; use one of {', '.join(SECTION_KEYS)}"))
                continue
            text = _text(raw_s, key, rel, problems)
            if text:
                sections[key] = text
        for key in REQUIRED_SECTIONS:
            if key not in raw_s:
                problems.append(Problem(rel, f"sections.{key}", "missing required section"))

    raw_c = data.get("channels")
    if not isinstance(raw_c, dict):
        problems.append(Problem(rel, "channels", "missing; give `seu`, `phone_010` and `oac` as true/false"))
        channels = Channels(False, False, False)
    else:
        flags = {}
        for key in ("seu", "phone_010", "oac"):
            if not isinstance(raw_c.get(key), bool):
                problems.append(Problem(rel, f"channels.{key}", "must be true or false"))
            flags[key] = bool(raw_c.get(key))
        channels = Channels(**flags)

    url = data.get("url")
    if not valid_url(url):
        problems.append(Problem(rel, "url", f"malformed URL {url!r}; use a full https:// address"))
    sources = _str_list(data.get("sources"), "sources", rel, problems)
    for i, src in enumerate(sources):
        if not valid_url(src):
            problems.append(Problem(rel, f"sources[{i}]", f"malformed URL {src!r}"))
    updated = data.get("updated")
    if isinstance(updated, date):
        updated = updated.isoformat()
    elif not (isinstance(updated, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", updated)):
        problems.append(Problem(rel, "updated", "missing or not a YYYY-MM-DD date"))
        updated = ""

    if len(problems) > before:
        return None
    return Entry(
        id=entry_id,
        category=category,
        title=title,
        summary=summary,
        questions=questions,
        keywords=_str_list(data.get("keywords"), "keywords", rel, problems),
        sections=sections,
        channels=channels,
        url=url,
        sources=sources,
        related=_str_list(data.get("related"), "related", rel, problems),
        updated=updated,
    )


def load_synonyms(path: Path, problems: list[Problem], digest=None) -> dict[str, tuple[str, ...]]:
    if not path.exists():
        return {}
    data = _read_yaml(path, problems, str(path), digest)
    if data is None:
        return {}
    table = data.get("synonyms") if isinstance(data, dict) else None
    if not isinstance(table, dict):
        problems.append(Problem(str(path), "synonyms", "must be a mapping `term: [official terms]`"))
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for key, values in table.items():
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            problems.append(Problem(str(path), f"synonyms.{key}", "must be a non-empty list of texts"))
            continue
        out[str(key).strip().lower()] = tuple(v.strip().lower() for v in values)
    return out


def load_out_of_scope(path: Path, problems: list[Problem], digest=None) -> tuple[OutOfScopeTopic, ...]:
    """Topics that belong to other administrations (or to no one), with where to go."""
    if not path.exists():
        return ()
    data = _read_yaml(path, problems, str(path), digest)
    topics = data.get("topics") if isinstance(data, dict) else None
    if not isinstance(topics, list):
        problems.append(Problem(str(path), "topics", "must be a list of {id, where: {ca, es}, examples: {ca: [...]}}"))
        return ()
    out = []
    for i, item in enumerate(topics):
        field = f"topics[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not ID_RE.match(item["id"]):
            problems.append(Problem(str(path), f"{field}.id", "missing or not a slug"))
            continue
        before = len(problems)
        where = _bilingual(item, "where", str(path), problems)
        examples = item.get("examples")
        if not isinstance(examples, dict) or not examples:
            problems.append(Problem(str(path), f"{field}.examples", "needs phrasings by language: {ca: [...], es: [...]}"))
            continue
        pairs = []
        for lang, texts in examples.items():
            if lang not in ("ca", "es", "en"):
                problems.append(Problem(str(path), f"{field}.examples.{lang}", "unknown language; use ca, es or en"))
                continue
            pairs.extend((lang, t) for t in _str_list(texts, f"{field}.examples.{lang}", str(path), problems))
        if len(problems) == before:
            out.append(OutOfScopeTopic(item["id"], where, tuple(pairs)))
    return tuple(out)


def load_knowledge(directory: Path) -> KnowledgeBase:
    """Read every entry under ``directory``; raise KnowledgeError listing all problems."""
    directory = Path(directory)
    if not directory.is_dir():
        raise KnowledgeError([Problem(str(directory), "", "knowledge directory not found; set ISAC_KNOWLEDGE_DIR")])
    problems: list[Problem] = []
    entries: list[Entry] = []
    seen: dict[str, str] = {}
    digest = hashlib.sha256()
    files = sorted(p for p in directory.rglob("*.y*ml") if p.name not in SPECIAL_FILES)
    for path in files:
        rel = str(path.relative_to(directory.parent)) if directory.parent != path else str(path)
        data = _read_yaml(path, problems, rel, digest)
        if data is None:
            continue
        entry = parse_entry(data, rel, problems)
        if entry is None:
            continue
        if entry.id in seen:
            problems.append(Problem(rel, "id", f"duplicate id {entry.id!r}, also used in {seen[entry.id]}"))
            continue
        if path.stem != entry.id:
            problems.append(Problem(rel, "id", f"id {entry.id!r} differs from the file name; rename the file to {entry.id}.yaml"))
        if path.parent != directory and path.parent.name != entry.category:
            problems.append(Problem(rel, "category", f"category {entry.category!r} differs from the folder {path.parent.name!r}; move the file"))
        seen[entry.id] = rel
        entries.append(entry)
    if not files:
        problems.append(Problem(str(directory), "", "no entries (*.yaml) found"))
    for entry in entries:
        for rid in entry.related:
            if rid not in seen:
                problems.append(Problem(seen[entry.id], "related", f"unknown related id {rid!r}"))
    syn_path = directory / SYNONYMS_FILE
    synonyms = load_synonyms(syn_path, problems, digest)
    oos_path = directory / OUT_OF_SCOPE_FILE
    out_of_scope = load_out_of_scope(oos_path, problems, digest)
    if problems:
        raise KnowledgeError(problems)
    return KnowledgeBase(tuple(entries), synonyms, digest.hexdigest(), out_of_scope)
