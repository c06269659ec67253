"""The synonym guard: everyday sentences whose common meaning no entry may capture.

`eval/synonym-guard.jsonl` holds sentences like "¿me devuelven el depósito del alquiler?"
with the entries each must NOT be answered by (here, the tow truck's). `isac guard`
runs them through the engine; the gate fails on any forbidden answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from isac.evaluation.questions import EvalFileError
from isac.records import AnswerStatus


@dataclass(frozen=True)
class GuardCase:
    """One everyday sentence and the entries that must not answer it."""

    question: str
    lang: str
    forbidden: tuple[str, ...]
    line: int


def load_guard(path: Path, known_ids: set[str]) -> list[GuardCase]:
    """Read the guard file; each line names its forbidden entry ids."""
    out = []
    for i, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            case = GuardCase(obj["question"], obj["lang"], tuple(obj["forbidden"]), i)
        except (ValueError, KeyError, TypeError) as exc:
            raise EvalFileError(f"{path}: line {i}: needs question, lang and forbidden ({exc})") from exc
        unknown = [e for e in case.forbidden if e not in known_ids]
        if unknown:
            raise EvalFileError(f"{path}: line {i}: unknown entry id(s) {', '.join(unknown)}")
        out.append(case)
    return out


def violations(engine, cases: list[GuardCase]) -> list[tuple[GuardCase, str]]:
    """The cases answered (or offered first) by a forbidden entry, with that entry."""
    out = []
    for case in cases:
        answer = engine.answer(case.question)
        if answer.status is not AnswerStatus.NONE and answer.entry is not None and answer.entry.id in case.forbidden:
            out.append((case, answer.entry.id))
    return out
