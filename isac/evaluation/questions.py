"""Eval questions: load JSONL or spreadsheet CSV, each row checked and named by its line."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

LANGS = ("ca", "es", "en")
OUT_OF_SCOPE = "(out of scope)"


class EvalFileError(ValueError):
    """A question file is unreadable; the message names the line."""


@dataclass(frozen=True)
class EvalQuestion:
    """One eval question, the entry ids that answer it (none: out of scope) and its line."""

    question: str
    expected: tuple[str, ...]
    lang: str
    kind: str = ""
    split: str = ""
    line: int = 0
    style: str = ""  # how a citizen wrote it (story, voice, codeswitch, terse, indirect, english...)
    facts: tuple[str, ...] = ()  # detail questions: any one must appear in the answer text

    @property
    def in_scope(self) -> bool:
        """Whether some entry is expected, i.e. the question is not out of scope."""
        return bool(self.expected)


def question_key(q: EvalQuestion) -> str:
    """The language and the lowercased, whitespace-normalised text of a question."""
    # the text plus language identifies a question across runs even if lines move
    return f"{q.lang}:{' '.join(q.question.split()).lower()}"


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
    facts = obj.get("facts") or []
    if isinstance(facts, str):
        facts = [f.strip() for f in facts.split(";") if f.strip()]
    if not isinstance(facts, list) or not all(isinstance(f, str) and f.strip() for f in facts):
        raise EvalFileError(f"{where}: line {line}: `facts` must be a list of texts the answer must contain")
    return EvalQuestion(q.strip(), tuple(expected), lang, str(obj.get("kind") or "").strip(),
                        str(obj.get("split") or "").strip(), line, str(obj.get("style") or "").strip(),
                        tuple(f.strip() for f in facts))


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


