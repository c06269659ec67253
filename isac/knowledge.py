"""Load and validate the 010 knowledge entries (one YAML file each) and the synonym list."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from isac.records import Entry, OutOfScopeTopic
from isac.schema import ID_RE, Problem, bilingual, parse_entry, str_list, valid_url

SYNONYMS_FILE = "synonyms.yaml"
OUT_OF_SCOPE_FILE = "out-of-scope.yaml"
TOPICS_FILE = "topics.tsv"
SPECIAL_FILES = (SYNONYMS_FILE, OUT_OF_SCOPE_FILE)
MAX_FILE_BYTES = 256 * 1024


class KnowledgeError(Exception):
    """The knowledge directory has problems; ``problems`` lists each one."""

    def __init__(self, problems: list[Problem]):
        """Keep ``problems`` and list them all in the message."""
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(
            f"{len(problems)} problem(s) in the knowledge base; fix them and run "
            f"`isac validate` again:\n{lines}"
        )


@dataclass(frozen=True)
class KnowledgeBase:
    """The validated entries, synonyms and out-of-scope topics, with a hash of their files."""

    entries: tuple[Entry, ...]
    synonyms: dict[str, tuple[str, ...]]
    content_hash: str
    out_of_scope: tuple[OutOfScopeTopic, ...] = ()

    def by_id(self) -> dict[str, Entry]:
        """The entries keyed by id."""
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
        # libyaml's parser when present: pure-Python parsing took most of a small rebuild
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problems.append(Problem(rel, "", f"malformed YAML{where}: {getattr(exc, 'problem', exc)}"))
        return None


def load_synonyms(path: Path, problems: list[Problem], digest=None) -> dict[str, tuple[str, ...]]:
    """``synonyms:`` for every language, ``only_ca:``/``only_es:`` for one (keys become ``es:word``)."""
    if not path.exists():
        return {}
    data = _read_yaml(path, problems, str(path), digest)
    if data is None:
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("synonyms"), dict):
        problems.append(Problem(str(path), "synonyms", "must be a mapping `term: [official terms]`"))
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for block, prefix in (("synonyms", ""), ("only_ca", "ca:"), ("only_es", "es:"), ("only_en", "en:")):
        table = data.get(block) or {}
        if not isinstance(table, dict):
            problems.append(Problem(str(path), block, "must be a mapping `term: [official terms]`"))
            continue
        for key, values in table.items():
            if isinstance(values, str):
                values = [values]
            if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
                problems.append(Problem(str(path), f"{block}.{key}", "must be a non-empty list of texts"))
                continue
            out[prefix + str(key).strip().lower()] = tuple(v.strip().lower() for v in values)
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
        where = bilingual(item, "where", str(path), problems)
        examples = item.get("examples")
        if not isinstance(examples, dict) or not examples:
            problems.append(Problem(str(path), f"{field}.examples", "needs phrasings by language: {ca: [...], es: [...]}"))
            continue
        pairs: list[tuple[str, str]] = []
        for lang, texts in examples.items():
            if lang not in ("ca", "es", "en"):
                problems.append(Problem(str(path), f"{field}.examples.{lang}", "unknown language; use ca, es or en"))
                continue
            pairs.extend((lang, t) for t in str_list(texts, f"{field}.examples.{lang}", str(path), problems))
        link = item.get("link")
        if link is not None:
            if not isinstance(link, dict) or not valid_url(link.get("url")):
                problems.append(Problem(str(path), f"{field}.link", "must be {url: https://..., label: {ca, es, en}}"))
            else:
                label = bilingual(link, "label", str(path), problems, ("ca", "es", "en"))
                link = {"url": link["url"], "label": label}
        if len(problems) == before:
            out.append(OutOfScopeTopic(item["id"], where, tuple(pairs), link))
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
