"""Which kind of part answers a detail question, learned from the detail dev questions.

The intent rules (``isac/intent.py``) read "quant costa" as cost and "qui pot" as who, but
citizens ask "tinc 17 anys, em puc…" (who) or "a quina oficina vaig?" (where) in words no
rule lists. This model reads the question's words (unigrams and bigrams, tf-idf) and gives,
for each kind of part (a section key, or ``faq`` for a FAQ item), the probability that a
part of that kind holds the answer. The second level uses it as two features
(``answering.learned_columns``).

It is fitted by `isac tune` with scikit-learn and saved as plain arrays
(``isac/unit_intents.json``); answering a question needs only numpy. Fitted on the detail
dev split and ``eval/detail-train.jsonl`` (672 questions), it raised the share of questions
whose picked part holds a fact from 0.812 to 0.826 (5-fold cross-validation over both,
3 shuffles; ``scripts/unit_cv.py``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from isac.text import fold

DEFAULT_PATH = Path(__file__).with_name("unit_intents.json")
KINDS = ("cost", "documents", "deadlines", "who", "how", "where", "what", "faq")
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern, so the fit and use agree


def unit_kind(key: str) -> str:
    """A part's kind: its section key, or ``faq`` for a FAQ item."""
    return "faq" if key.startswith("faq:") else key


def ngrams(question: str) -> list[str]:
    """The folded question's words and word pairs, as the vectorizer saw them when fitted."""
    words = _TOKEN.findall(fold(question))
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


@dataclass(frozen=True)
class UnitIntentModel:
    """A tf-idf vocabulary and one logistic regression per kind of part."""

    labels: tuple[str, ...]
    vocabulary: dict[str, int]
    idf: np.ndarray  # (terms,)
    coef: np.ndarray  # (labels, terms)
    intercept: np.ndarray  # (labels,)

    def probabilities(self, question: str) -> dict[str, float]:
        """For each kind of part, the probability that one of that kind answers ``question``."""
        counts = Counter(self.vocabulary[t] for t in ngrams(question) if t in self.vocabulary)
        cols = np.fromiter(counts, dtype=np.int64, count=len(counts))
        # sublinear tf times idf, l2-normalised: only the question's own terms, not the whole vocabulary
        x = (1.0 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))) * self.idf[cols]
        norm = np.linalg.norm(x)
        z = self.coef[:, cols] @ (x / norm if norm else x) + self.intercept
        return dict(zip(self.labels, (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).tolist(), strict=True))

    def save(self, path: Path = DEFAULT_PATH) -> None:
        """Write the model as JSON (rounded: four decimals change no probability that matters)."""
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        data = {"labels": list(self.labels), "terms": terms, "idf": np.round(self.idf, 5).tolist(),
                "coef": np.round(self.coef, 5).tolist(), "intercept": np.round(self.intercept, 5).tolist()}
        Path(path).write_text(json.dumps(data, ensure_ascii=False) + "\n")

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> UnitIntentModel | None:
        """The saved model, or None when there is none (the second level then gets zeros)."""
        if not Path(path).exists():
            return None
        try:
            data = json.loads(Path(path).read_text())
            model = cls(tuple(data["labels"]), {t: i for i, t in enumerate(data["terms"])},
                        np.asarray(data["idf"], dtype=float), np.asarray(data["coef"], dtype=float),
                        np.asarray(data["intercept"], dtype=float))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path} is not a unit-intent model ({exc}); rerun `isac tune --write`") from exc
        if model.coef.shape != (len(model.labels), len(model.idf)):
            raise ValueError(f"{path} has coefficients of the wrong shape; rerun `isac tune --write`")
        return model


def fit_unit_intents(questions: Sequence[str], answered_by: Sequence[set[str]], *, C: float = 10.0,
                     min_df: int = 1) -> UnitIntentModel | None:
    """Fit on questions and, for each, the kinds of part that hold its answer.

    C and min_df were chosen by cross-validation on the detail dev split (``scripts/unit_cv.py``:
    min_df 1 / 2 / 3 gave 0.826 / 0.820 / 0.813 at C=10, and C=30 0.828: C=10 is on the plateau).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    if len(questions) < 10:
        return None
    vec = TfidfVectorizer(analyzer=ngrams, min_df=min_df, sublinear_tf=True)
    X = vec.fit_transform(list(questions))
    labels, coef, intercept = [], [], []
    for kind in KINDS:
        y = np.array([kind in kinds for kinds in answered_by])
        if y.all() or not y.any():
            continue  # a kind that always or never answers says nothing
        m = LogisticRegression(C=C, max_iter=2000).fit(X, y)
        labels.append(kind)
        coef.append(m.coef_[0])
        intercept.append(m.intercept_[0])
    if not labels:
        return None
    return UnitIntentModel(tuple(labels), {str(t): int(i) for t, i in vec.vocabulary_.items()},
                           np.asarray(vec.idf_, dtype=float), np.vstack(coef), np.asarray(intercept))
