"""A small text model: tf-idf over a question's words and word pairs, one logistic regression
per label. Fitted with scikit-learn (at tune or build time), saved as plain arrays in JSON, applied
with numpy, so answering a question never imports scikit-learn.

Two uses: ``unit_intents`` (which kind of part answers a detail question, fitted by
``isac tune``), and the probability that a question is out of scope from its words, a
confidence feature fitted by ``isac build`` on the knowledge base alone (``isac/indexing.py``).
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

_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern, so the fit and use agree


def unit_kind(key: str) -> str:
    """A part's kind: its section key, or ``faq`` for a FAQ item."""
    return "faq" if key.startswith("faq:") else key


def ngrams(question: str) -> list[str]:
    """The folded question's words and word pairs, as the vectorizer saw them when fitted."""
    words = _TOKEN.findall(fold(question))
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


@dataclass(frozen=True)
class WordModel:
    """A tf-idf vocabulary and one logistic regression per label."""

    labels: tuple[str, ...]
    vocabulary: dict[str, int]
    idf: np.ndarray  # (terms,)
    coef: np.ndarray  # (labels, terms)
    intercept: np.ndarray  # (labels,)
    fingerprint: str = ""  # what it was fitted on, when its maker wants to know (isac/indexing.py)

    def probabilities(self, question: str) -> dict[str, float]:
        """For each label, its probability for ``question``."""
        counts = Counter(self.vocabulary[t] for t in ngrams(question) if t in self.vocabulary)
        cols = np.fromiter(counts, dtype=np.int64, count=len(counts))
        # sublinear tf times idf, l2-normalised: only the question's own terms, not the whole vocabulary
        x = (1.0 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))) * self.idf[cols]
        norm = np.linalg.norm(x)
        z = self.coef[:, cols] @ (x / norm if norm else x) + self.intercept
        return dict(zip(self.labels, (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).tolist(), strict=True))

    def save(self, path: Path) -> None:
        """Write the model as JSON (rounded to five decimals: no probability that matters changes)."""
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        data = {"labels": list(self.labels), "terms": terms, "idf": np.round(self.idf, 5).tolist(),
                "coef": np.round(self.coef, 5).tolist(), "intercept": np.round(self.intercept, 5).tolist(),
                "fingerprint": self.fingerprint}
        Path(path).write_text(json.dumps(data, ensure_ascii=False) + "\n")

    @classmethod
    def load(cls, path: Path) -> WordModel | None:
        """The saved model, or None when there is none (its features are then zero)."""
        if not Path(path).exists():
            return None
        try:
            data = json.loads(Path(path).read_text())
            model = cls(tuple(data["labels"]), {t: i for i, t in enumerate(data["terms"])},
                        np.asarray(data["idf"], dtype=float), np.asarray(data["coef"], dtype=float),
                        np.asarray(data["intercept"], dtype=float), str(data.get("fingerprint", "")))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path} is not a word model ({exc}); rerun `isac tune --write`") from exc
        if model.coef.shape != (len(model.labels), len(model.idf)):
            raise ValueError(f"{path} has coefficients of the wrong shape; rerun `isac tune --write`")
        return model


def fit_word_model(texts: Sequence[str], label_sets: Sequence[set[str]], labels: Sequence[str], *,
                   C: float = 10.0, min_df: int = 1) -> WordModel | None:
    """One logistic regression per label (a text has the labels of its set); None with too
    few texts or no label that sometimes applies."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    if len(texts) < 10:
        return None
    vec = TfidfVectorizer(analyzer=ngrams, min_df=min_df, sublinear_tf=True)
    X = vec.fit_transform(list(texts))
    kept, coef, intercept = [], [], []
    for label in labels:
        y = np.array([label in s for s in label_sets])
        if y.all() or not y.any():
            continue  # a label that always or never applies says nothing
        m = LogisticRegression(C=C, max_iter=3000).fit(X, y)
        kept.append(label)
        coef.append(m.coef_[0])
        intercept.append(m.intercept_[0])
    if not kept:
        return None
    return WordModel(tuple(kept), {str(t): int(i) for t, i in vec.vocabulary_.items()},
                     np.asarray(vec.idf_, dtype=float), np.vstack(coef), np.asarray(intercept))
