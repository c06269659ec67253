"""The learned unit-intent model: which kind of part answers a detail question."""

import json

import numpy as np
import pytest

from isac.answering import UNIT_FEATURES, Unit, learned_columns
from isac.unit_intents import fit_unit_intents, unit_kind
from isac.word_models import WordModel, ngrams

# a toy detail set: the wording says which kind of part holds the answer
QUESTIONS = [
    ("quant costa el carnet de la biblioteca?", {"cost"}),
    ("quant val la taxa del gual?", {"cost"}),
    ("cuánto cuesta el certificado?", {"cost"}),
    ("cuánto se paga por la grúa?", {"cost", "faq"}),
    ("qui pot demanar l'ajut si tinc 17 anys?", {"who"}),
    ("quién puede pedir la tarjeta?", {"who"}),
    ("tinc 70 anys, hi tinc dret?", {"who", "faq"}),
    ("soy menor de edad, puedo pedirlo?", {"who"}),
    ("quin telèfon té el servei?", {"where"}),
    ("a quina oficina he d'anar?", {"where"}),
    ("¿dónde está la oficina de vivienda?", {"where"}),
    ("¿qué teléfono tiene la policía?", {"where", "faq"}),
]


@pytest.fixture(scope="module")
def model():
    return fit_unit_intents([q for q, _ in QUESTIONS], [k for _, k in QUESTIONS])


def test_the_model_learns_which_kind_of_part_the_wording_asks_for(model):
    cost = model.probabilities("quant costa la llicència?")
    who = model.probabilities("tinc 16 anys, puc demanar-ho?")
    assert max(cost, key=cost.get) == "cost"
    assert max(who, key=who.get) == "who"
    assert set(model.labels) == {"cost", "who", "where", "faq"}  # kinds never seen answering are left out


def test_numpy_probabilities_equal_scikit_learns(model):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(analyzer=ngrams, min_df=1, sublinear_tf=True)
    X = vec.fit_transform([q for q, _ in QUESTIONS])
    question = "quant costa si tinc 17 anys i el telèfon?"
    for label in model.labels:
        y = np.array([label in k for _, k in QUESTIONS])
        sk = LogisticRegression(C=10.0, max_iter=2000).fit(X, y).predict_proba(vec.transform([question]))[0, 1]
        assert model.probabilities(question)[label] == pytest.approx(sk, abs=1e-6)


def test_save_and_load_keep_the_probabilities(model, tmp_path):
    path = tmp_path / "unit_intents.json"
    model.save(path)
    loaded = WordModel.load(path)
    assert loaded is not None and loaded.labels == model.labels
    for q in ("quant costa?", "on és l'oficina?", "paraules desconegudes"):
        a, b = model.probabilities(q), loaded.probabilities(q)
        assert all(a[k] == pytest.approx(b[k], abs=1e-3) for k in a)


def test_a_missing_model_is_none_and_a_broken_one_says_how_to_fix_it(tmp_path):
    assert WordModel.load(tmp_path / "absent.json") is None
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"labels": ["cost"], "terms": ["a", "b"], "idf": [1.0, 1.0],
                                  "coef": [[1.0]], "intercept": [0.0]}))
    with pytest.raises(ValueError, match="isac tune --write"):
        WordModel.load(broken)
    broken.write_text("{not json")
    with pytest.raises(ValueError, match="isac tune --write"):
        WordModel.load(broken)


def test_too_few_questions_fit_no_model():
    assert fit_unit_intents(["quant costa?"], [{"cost"}]) is None


def test_learned_columns_give_a_section_its_key_and_a_faq_item_its_intent(model):
    empty = np.array([], dtype=np.int64)
    units = (Unit("cost", empty, frozenset(), "cost", frozenset()),
             Unit("faq:0", empty, frozenset(), "who", frozenset()),
             Unit("faq:1", empty, frozenset(), None, frozenset()))
    question = "quant costa?"
    p = model.probabilities(question)
    cols = learned_columns(model, question, units)
    assert cols.shape == (3, 2)
    assert cols[0].tolist() == pytest.approx([p["cost"], p["cost"]])
    assert cols[1].tolist() == pytest.approx([p["faq"], p["who"]])
    assert cols[2].tolist() == pytest.approx([p["faq"], 0.0])
    assert not learned_columns(None, question, units).any()
    assert unit_kind("faq:3") == "faq" and unit_kind("who") == "who"


def test_the_second_level_fits_the_model_and_weights_on_out_of_fold_probabilities(engine):
    from isac.evaluation.questions import EvalQuestion
    from isac.second_level import fit_second_level, unit_groups, with_learned
    from isac.tuning import precompute

    documents = ("em serveix el passaport caducat?", "tinc el DNI caducat, serveix?", "el document ha d'estar vigent?",
                 "puc fer-ho amb el NIE caducat?", "i si el passaport està vençut?", "el carnet caducat val?")
    cost = ("quant costa empadronar-se?", "s'ha de pagar alguna cosa?", "té algun preu?", "és de franc?",
            "quant val el tràmit?", "cal pagar taxa?")
    items = [EvalQuestion(q, ("padro-alta",), "ca", facts=("vigent",)) for q in documents] + \
        [EvalQuestion(q, ("padro-alta",), "ca", facts=("gratuït",)) for q in cost]
    groups = unit_groups(engine.ranker, precompute(engine, items))
    second = fit_second_level(groups, engine.ranker.selector)
    assert second.intents is not None and second.adapter is not None and len(second.weights) == len(UNIT_FEATURES)
    relearned = with_learned(groups, second.intents)
    g = relearned[0]
    learned = [UNIT_FEATURES.index("learned_kind"), UNIT_FEATURES.index("learned_intent")]
    assert np.allclose(g.x[:, learned], learned_columns(second.intents, g.item.question, g.units))
    others = [i for i in range(len(UNIT_FEATURES)) if i not in learned]
    assert np.allclose(g.x[:, others], groups[0].x[:, others])  # the other features are left as they were
