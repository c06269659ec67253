"""Batch evaluation: load questions (JSONL or CSV), run the engine, compute metrics."""

from __future__ import annotations

import csv
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from isac.records import AnswerStatus, SearchResult

LANGS = ("ca", "es", "en")


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

    def rank(self) -> int | None:
        for i, entry_id in enumerate(self.ranked[:10], start=1):
            if entry_id in self.item.expected:
                return i
        return None

    def to_json(self) -> dict:
        return {"question": self.item.question, "expected": list(self.item.expected),
                "ranked": list(self.ranked[:10]), "answer_id": self.answer_id,
                "confidence": round(self.confidence, 4)}


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
            raise EvalFileError(f"{where}: line {line}: unknown entry id(s) {', '.join(unknown)} in `expected`")
    lang = (obj.get("lang") or "").strip()
    if lang not in LANGS:
        raise EvalFileError(f"{where}: line {line}: `lang` must be one of {', '.join(LANGS)}, got {lang!r}")
    return EvalQuestion(q.strip(), tuple(expected), lang, str(obj.get("kind") or ""),
                        str(obj.get("split") or ""), line)


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
        reader = csv.DictReader(text.splitlines())
        missing = {"question", "expected", "lang"} - set(reader.fieldnames or [])
        if missing:
            raise EvalFileError(f"{path}: line 1: CSV header lacks column(s) {', '.join(sorted(missing))}")
        for i, row in enumerate(reader, start=2):
            if row.get(None):
                raise EvalFileError(f"{path}: line {i}: more cells than header columns; quote cells with commas")
            out.append(_row(row, str(path), i, known_ids))
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


def predict(engine, questions: Iterable[EvalQuestion], config=None,
            progress: Callable[[int], None] | None = None) -> list[Prediction]:
    preds = []
    for q in questions:
        t0 = time.perf_counter()
        answer = engine.answer(q.question, config=config)
        ms = (time.perf_counter() - t0) * 1e3
        result = answer.result
        ranked = tuple(c.entry_id for c in result.candidates) if result else ()
        answer_id = answer.entry.id if answer.status is not AnswerStatus.NONE and answer.entry else None
        preds.append(Prediction(q, ranked, answer_id, answer.status.value, answer.confidence, ms, result))
        if progress:
            progress(1)
    return preds


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
