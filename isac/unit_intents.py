"""Which kind of part answers a detail question, learned from the detail dev questions.

The intent rules (``isac/intent.py``) read "quant costa" as cost and "qui pot" as who, but
citizens ask "tinc 17 anys, em puc…" (who) or "a quina oficina vaig?" (where) in words no
rule lists. This word model (``isac/word_models.py``) gives, for each kind of part (a
section key, or ``faq`` for a FAQ item), the probability that a part of that kind holds the
answer. The second level uses it as two features (``answering.learned_columns``).

It is fitted by `isac tune` and saved in ``isac/unit_intents.json``. Fitted on the detail
dev split and the first 467 questions of ``eval/detail-train.jsonl`` (672 in all), it raised
the share of questions whose picked part holds a fact from 0.806 to 0.828 (5-fold
cross-validation over both, 3 shuffles; ``scripts/unit_cv.py``); the training file's next
501 questions took it to 0.833 on the same 672.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from isac.word_models import WordModel, fit_word_model

DEFAULT_PATH = Path(__file__).with_name("unit_intents.json")
KINDS = ("cost", "documents", "deadlines", "who", "how", "where", "what", "faq")


def unit_kind(key: str) -> str:
    """A part's kind: its section key, or ``faq`` for a FAQ item."""
    return "faq" if key.startswith("faq:") else key


def load_unit_intents(path: Path = DEFAULT_PATH) -> WordModel | None:
    """The model `isac tune --write` saved, or None."""
    return WordModel.load(path)


def fit_unit_intents(questions: Sequence[str], answered_by: Sequence[set[str]], *, C: float = 10.0,
                     min_df: int = 1) -> WordModel | None:
    """Fit on questions and, for each, the kinds of part that hold its answer.

    C and min_df were chosen by cross-validation on the detail dev split (``scripts/unit_cv.py``:
    on 676 questions, min_df 1 / 2 / 3 gave 0.826 / 0.820 / 0.813 at C=10, and C=30 0.828: C=10
    is on the plateau).
    """
    return fit_word_model(questions, answered_by, KINDS, C=C, min_df=min_df)
