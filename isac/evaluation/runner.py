"""Running the eval: every question through the engine's batch path, as a citizen would get it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from isac.evaluation.questions import EvalFileError, EvalQuestion, question_key
from isac.query import QueryError
from isac.records import AnswerStatus, SearchResult

# what predict() keeps per question: enough for MRR@10 and for the expected entry's rank
# in failure explanations; the answer decision only looks at the first three
RANK_DEPTH = 10


@dataclass(frozen=True)
class Prediction:
    """What the engine did with one eval question: ranking, answer, confidence and time."""

    item: EvalQuestion
    ranked: tuple[str, ...]
    answer_id: str | None
    status: str
    confidence: float
    latency_ms: float
    result: SearchResult | None = None
    reason: str = ""  # for a clarification: "close" or "uncertain"
    text: str = ""  # the answer text the citizen reads (empty without an answer)

    @property
    def correct(self) -> bool:
        """The top-ranked entry is one of the expected ones."""
        return bool(self.ranked) and self.ranked[0] in self.item.expected

    @property
    def ok(self) -> bool:
        """Did the citizen get what they should: the right top entry, or no answer when out of scope."""
        return self.correct if self.item.in_scope else self.answer_id is None

    @property
    def top(self) -> str | None:
        """The top-ranked entry id."""
        return self.ranked[0] if self.ranked else None

    def rank(self) -> int | None:
        """1-based rank of the first expected entry within the top 10, else None."""
        for i, entry_id in enumerate(self.ranked[:RANK_DEPTH], start=1):
            if entry_id in self.item.expected:
                return i
        return None

    def to_json(self) -> dict:
        """The `--predictions` line."""
        return {"question": self.item.question, "expected": list(self.item.expected),
                "ranked": list(self.ranked[:10]), "answer_id": self.answer_id,
                "confidence": round(self.confidence, 4)}

    def outcome(self, category: str = "") -> dict:
        """The per-question record `--save` keeps and `--compare` reads back."""
        return {"key": question_key(self.item), "question": self.item.question, "lang": self.item.lang,
                "kind": self.item.kind, "style": self.item.style, "category": category, "line": self.item.line,
                "expected": list(self.item.expected), "ranked": list(self.ranked[:5]),
                "answer_id": self.answer_id, "status": self.status,
                "confidence": round(self.confidence, 4), "rank": self.rank(), "ok": self.ok}


def predict(engine, questions: Iterable[EvalQuestion], config=None,
            progress: Callable[[int], None] | None = None, batch: int = 128) -> list[Prediction]:
    """Answer every question; ``latency_ms`` amortises the batched encoding (serving latency is `make bench`)."""
    cfg = config or engine.config
    questions = list(questions)
    preds = []
    for start in range(0, len(questions), batch):
        chunk = questions[start:start + batch]
        t0 = time.perf_counter()
        try:
            results = engine.search_many([q.question for q in chunk], k=RANK_DEPTH, config=cfg)
        except QueryError:
            # find the question that caused it, to report its line
            for q in chunk:
                try:
                    engine.search(q.question, k=1, config=cfg)
                except QueryError as exc:
                    raise EvalFileError(f"line {q.line}: {exc}") from exc
            raise
        ms = (time.perf_counter() - t0) * 1e3 / max(len(chunk), 1)
        for q, result in zip(chunk, results, strict=True):
            answer = engine.answer(q.question, config=cfg, result=result)
            ranked = tuple(c.entry_id for c in result.candidates)
            answer_id = answer.entry.id if answer.status is not AnswerStatus.NONE and answer.entry else None
            text = answer.text if answer.status is AnswerStatus.ANSWER else ""
            preds.append(Prediction(q, ranked, answer_id, answer.status.value, answer.confidence, ms, result,
                                    answer.reason, text))
            if progress:
                progress(1)
    return preds
