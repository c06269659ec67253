"""The index directory: BM25 + dense vectors + the entries, with a manifest; loading it.

Layout (like bm25s, a directory holding its parameters, versions and checksums)::

    index/manifest.json   format version, library versions, encoder, BM25 params, hash,
                          and the SHA-256 of every other file
    index/entries.json    the validated entries, so serving never re-reads knowledge/
    index/passages.jsonl  one passage a line, with its embedding-cache hash and terms
    index/bm25/           bm25s arrays
    index/vectors.npy     L2-normalised passage embeddings (float32), memory-mapped
    index/vocab.json      surface word counts, for spelling repair
    index/synonyms.json   the synonym table the analyser used
    index/oos.json, oos_vectors.npy   out-of-scope topics and their example embeddings
    index/classifier.npz  the entry classifier (isac/classifier.py), one row per entry and one out of scope

Building is ``isac.indexing``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from isac.classifier import EntryClassifier
from isac.records import Channels, Entry, FaqItem, OutOfScopeTopic, Passage, PassageKind
from isac.spelling import SpellCorrector
from isac.text import Analyzer
from isac.word_models import WordModel

FORMAT_VERSION = 8  # 4: classifier.npz; 5: its out-of-scope class; 6: faq_also passages; 7: faq_answer; 8: oos_words
OOS_WORDS_FILE = "oos_words.json"  # P(out of scope | words), isac/word_models.py; absent without examples
BM25_PARAMS = {"k1": 1.2, "b": 0.75, "method": "lucene"}


class IndexLoadError(RuntimeError):
    """The index is missing, corrupt or does not match this code; rebuild it."""


def embed_role(p: Passage) -> str:
    """e5's role for a passage: what citizens say is compared query-to-query, as e5 was trained."""
    citizen = (PassageKind.QUESTION, PassageKind.SITUATION, PassageKind.FAQ, PassageKind.FAQ_ALSO)
    return "query" if p.kind in citizen else "passage"


def entry_from_dict(d: dict) -> Entry:
    """An Entry from its JSON form in entries.json."""
    d = dict(d)
    d["channels"] = Channels(**d["channels"])
    d["questions"] = {k: tuple(v) for k, v in d["questions"].items()}
    d["situations"] = {k: tuple(v) for k, v in d.get("situations", {}).items()}
    d["faq"] = tuple(FaqItem(**{**f, "also": {k: tuple(v) for k, v in f.get("also", {}).items()}})
                     for f in d.get("faq", ()))
    for key in ("keywords", "sources", "related"):
        d[key] = tuple(d[key])
    return Entry(**d)


def _passage_from_dict(d: dict) -> Passage:
    return Passage(d["pid"], d["entry_id"], PassageKind(d["kind"]), d["lang"], d["text"], d.get("section"))


@dataclass(frozen=True)
class Index:
    """Everything a query needs, loaded once; the retrievers hold their own structures."""

    directory: Path
    manifest: dict
    entries: tuple[Entry, ...]
    passages: tuple[Passage, ...]
    bm25_dir: Path
    vectors: np.ndarray  # (passages, dim) float32, L2-normalised; memory-mapped
    analyzer: Analyzer
    speller: SpellCorrector
    passage_entry: np.ndarray  # entry position of each passage
    passage_tokens: tuple[frozenset[str], ...] = ()  # analysed terms, as BM25 indexed them
    vocab: frozenset[str] = frozenset()  # every analysed term BM25 knows
    oos_topics: tuple[OutOfScopeTopic, ...] = ()
    oos_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    oos_owner: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    classifier: EntryClassifier | None = None  # softmax over entries, fitted at build time
    oos_words: WordModel | None = None  # P(out of scope | the question's words), fitted at build time
    by_id: dict[str, Entry] = field(default_factory=dict)
    # each entry's name as analysed terms (its titles and keywords, every language): a search
    # with a word beyond them asks about a detail ("zona blava agost"), not the procedure
    name_terms: dict[str, frozenset[str]] = field(default_factory=dict)

    def entry(self, entry_id: str) -> Entry | None:
        """The entry with this id, or None."""
        return self.by_id.get(entry_id)

    @property
    def version(self) -> str:
        """What identifies this build to operators: the knowledge hash and build time."""
        return f"{str(self.manifest.get('knowledge_hash', ''))[:12]}@{self.manifest.get('built_at', '')}"


def file_digest(path: Path) -> str:
    """SHA-256 of one file, streamed."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def checksums(directory: Path) -> dict[str, str]:
    """SHA-256 of every file under ``directory`` except the manifest, by relative path."""
    return {str(p.relative_to(directory)): file_digest(p) for p in sorted(directory.rglob("*"))
            if p.is_file() and p.name != "manifest.json"}


def read_manifest(directory: Path) -> dict:
    """The manifest as a dict, or IndexLoadError saying to rebuild."""
    path = Path(directory) / "manifest.json"
    if not path.exists():
        raise IndexLoadError("no index found (manifest.json missing); run `isac build`")
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise IndexLoadError(f"the index manifest is corrupt ({type(exc).__name__}); run `isac build`") from exc
    if not isinstance(manifest, dict):
        raise IndexLoadError("the index manifest is not a JSON object; run `isac build`")
    return manifest


def verify(directory: Path, manifest: dict) -> None:
    """Refuse an index whose files differ from the checksums its manifest recorded."""
    expected = manifest.get("files")
    if not isinstance(expected, dict) or not expected:
        raise IndexLoadError("the index manifest lists no file checksums; run `isac build`")
    for name, digest in expected.items():
        path = directory / name
        if not path.is_file():
            raise IndexLoadError(f"the index file {name} is missing; run `isac build`")
        if file_digest(path) != digest:
            raise IndexLoadError(f"the index file {name} is corrupt (checksum differs); run `isac build`")


def load_index(directory: Path, encoder_name: str) -> Index:
    """Load and check an index; refuse one built by other code, another encoder, or corrupt."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    if manifest.get("version") != FORMAT_VERSION:
        raise IndexLoadError(f"the index has format version {manifest.get('version')!r}, this code reads "
                             f"{FORMAT_VERSION}; run `isac build` to rebuild it")
    if manifest.get("encoder") != encoder_name:
        raise IndexLoadError(f"the index was built with encoder {manifest.get('encoder')!r} but ISAC_ENCODER "
                             f"selects {encoder_name!r}; run `isac build` to rebuild it")
    verify(directory, manifest)
    try:
        entries = tuple(entry_from_dict(d) for d in json.loads((directory / "entries.json").read_text()))
        rows = [json.loads(line) for line in (directory / "passages.jsonl").open()]
        passages = tuple(_passage_from_dict(r) for r in rows)
        passage_tokens = tuple(frozenset(r["tokens"]) for r in rows)
        vectors = np.load(directory / "vectors.npy", mmap_mode="r")
        vocab = json.loads((directory / "vocab.json").read_text())
        synonyms = json.loads((directory / "synonyms.json").read_text())
        oos_topics = tuple(
            OutOfScopeTopic(t["id"], t["where"], tuple(tuple(x) for x in t["examples"]), t.get("link"))
            for t in json.loads((directory / "oos.json").read_text())
        )
        oos_vectors = np.load(directory / "oos_vectors.npy")
        classifier = EntryClassifier.load(directory)
        oos_words = WordModel.load(directory / OOS_WORDS_FILE)
    except Exception as exc:  # any unreadable part means the same thing to an operator
        raise IndexLoadError(f"the index is corrupt ({type(exc).__name__}); run `isac build`") from exc
    n = len(passages)
    if vectors.shape != (n, manifest.get("dim")) or len(entries) != manifest.get("entries"):
        raise IndexLoadError("the index is inconsistent (sizes differ from the manifest); run `isac build`")
    oos_owner = np.array([i for i, t in enumerate(oos_topics) for _ in t.examples], dtype=np.int32)
    if len(oos_owner) != len(oos_vectors):
        raise IndexLoadError("the index's out-of-scope vectors do not match oos.json; run `isac build`")
    position = {e.id: i for i, e in enumerate(entries)}
    try:
        passage_entry = np.array([position[p.entry_id] for p in passages], dtype=np.int32)
    except KeyError as exc:
        raise IndexLoadError("the index has a passage of an unknown entry; run `isac build`") from exc
    if classifier.entries != tuple(position):
        raise IndexLoadError("the index's classifier does not match its entries; run `isac build`")
    return Index(
        directory=directory, manifest=manifest, entries=entries, passages=passages,
        bm25_dir=directory / "bm25", vectors=vectors,
        analyzer=Analyzer(synonyms), speller=SpellCorrector(vocab), passage_entry=passage_entry,
        passage_tokens=passage_tokens, vocab=frozenset(t for ts in passage_tokens for t in ts),
        oos_topics=oos_topics, oos_vectors=oos_vectors, oos_owner=oos_owner, classifier=classifier,
        oos_words=oos_words,
        by_id={e.id: e for e in entries},
        name_terms=_name_terms(passages, passage_tokens),
    )


def _name_terms(passages, passage_tokens) -> dict[str, frozenset[str]]:
    names: dict[str, set[str]] = {}
    for p in passages:
        if p.kind in (PassageKind.TITLE, PassageKind.KEYWORDS):
            names.setdefault(p.entry_id, set()).update(passage_tokens[p.pid])
    return {e: frozenset(t) for e, t in names.items()}
