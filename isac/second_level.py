"""Fitting the second level (``isac/answering.py``) on detail questions, for `isac tune` and
``scripts/unit_cv.py``: the unit-intent model, the query adapter and the unit weights.

Each detail question becomes a ``UnitGroup``: its expected entry's parts, their features, and
which parts hold an expected fact. The learned columns (unit intents, adapter) are swapped
in per fold, so the weights always learn from columns computed without the question.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from isac.answering import UNIT_FEATURES, fit_unit_weights, learned_columns, unit_text
from isac.evaluation.metrics import holds_fact
from isac.evaluation.questions import EvalQuestion
from isac.unit_adapter import Sample, UnitAdapter, fit_unit_adapter
from isac.unit_intents import fit_unit_intents, unit_kind
from isac.word_models import WordModel


class UnitGroup(NamedTuple):
    """A detail question and its expected entry's parts, as the second level is fitted on them."""

    item: EvalQuestion
    units: tuple
    x: np.ndarray  # (units, UNIT_FEATURES)
    y: np.ndarray  # 1 where the part's text holds an expected fact
    position: int  # the entry's place in the index
    plain: np.ndarray  # the plain cosines of the parts' passages (AnswerSelector.samples_for)
    vector: np.ndarray | None  # the query vector, for the adapter


def unit_groups(ranker, scored) -> list[UnitGroup]:
    """A ``UnitGroup`` for each detail question whose expected entry is indexed: the expected
    entry's parts, their features, and 1 where a part's text holds an expected fact."""
    out = []
    for s in scored:
        if not s.item.facts or s.item.expected[0] not in ranker.position:
            continue
        position = ranker.position[s.item.expected[0]]
        entry = ranker.index.entries[position]
        vector = getattr(s.scores, "vector", None)
        units, x = ranker.selector.features(position, s.scores.query.tokens, s.item.question,
                                            s.scores.dense, s.scores.bm25, vector)
        y = np.array([holds_fact(unit_text(entry, u.key, s.item.lang), s.item.facts) for u in units], dtype=float)
        plain = np.asarray(s.scores.dense[ranker.selector.samples_for(position)[0]], dtype=np.float32)
        out.append(UnitGroup(s.item, units, x, y, position, plain, vector))
    return out


LEARNED = [UNIT_FEATURES.index("learned_kind"), UNIT_FEATURES.index("learned_intent")]


ADAPTED = [UNIT_FEATURES.index("adapted"), UNIT_FEATURES.index("adapted_kind_gap")]


def with_learned(groups: list[UnitGroup], model) -> list[UnitGroup]:
    """``groups`` with their two learned columns computed by ``model`` instead."""
    out = []
    for g in groups:
        x = g.x.copy()
        x[:, LEARNED] = learned_columns(model, g.item.question, g.units)
        out.append(g._replace(x=x))
    return out


def with_adapter(groups: list[UnitGroup], selector, adapter: UnitAdapter | None) -> list[UnitGroup]:
    """``groups`` with their two adapted columns computed by ``adapter`` (None: the plain match)."""
    out = []
    for g in groups:
        x = g.x.copy()
        x[:, ADAPTED] = selector.adapted(g.position, g.plain, g.vector if adapter is not None else None, adapter)
        out.append(g._replace(x=x))
    return out


def fit_adapter(groups: list[UnitGroup], selector) -> UnitAdapter | None:
    """The query adapter fitted on ``groups`` (None if they carry no query vectors)."""
    shared: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    samples = []
    for g in groups:
        if g.vector is None:
            continue
        if g.position not in shared:
            pids, owner = selector.samples_for(g.position)
            shared[g.position] = (selector.vectors[pids], owner)
        passages, owner = shared[g.position]
        samples.append(Sample(np.asarray(g.vector, dtype=np.float32), passages, owner, g.y))
    return fit_unit_adapter(samples)


def answered_by(units, y) -> set[str]:
    """The kinds of the parts that hold a question's fact (what the unit-intent model learns)."""
    return {unit_kind(u.key) for u, v in zip(units, y, strict=True) if v}


@dataclass(frozen=True)
class SecondLevel:
    """What ``fit_second_level`` fits: the unit-intent model, the query adapter and the weights."""

    intents: WordModel | None
    adapter: UnitAdapter | None
    weights: tuple[float, ...]


def fit_second_level(groups: list[UnitGroup], selector, folds: int = 5) -> SecondLevel:
    """The unit-intent model, the query adapter and the unit weights, fitted on ``unit_groups``.

    The weights learn from out-of-fold columns: a model asked about the questions it was
    fitted on is surer than it will be on a citizen's, and the weights would trust it too much.
    """
    usable = [g for g in groups if g.y.any()]
    if not usable:
        return SecondLevel(None, None, ())
    oof: list[UnitGroup] = []
    for k in range(folds):
        held = usable[k::folds]
        train = [g for i, g in enumerate(usable) if i % folds != k]
        model = fit_unit_intents([g.item.question for g in train], [answered_by(g.units, g.y) for g in train])
        oof += with_adapter(with_learned(held, model), selector, fit_adapter(train, selector))
    weights = fit_unit_weights([(g.x, g.y) for g in oof])
    intents = fit_unit_intents([g.item.question for g in usable], [answered_by(g.units, g.y) for g in usable])
    return SecondLevel(intents, fit_adapter(usable, selector), weights)
