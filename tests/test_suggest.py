"""Search-box completions: prefixes, missing accents, typos, limits and speed."""

from __future__ import annotations

import random
import time

import pytest

from isac.suggest import MAX_SUGGESTIONS, Suggester


@pytest.fixture(scope="module")
def suggester(engine) -> Suggester:
    return Suggester.from_entries(engine.index.entries)


def ids(result) -> list[str]:
    return [s.entry_id for s in result.items]


def texts(result) -> list[str]:
    return [s.text for s in result.items]


def test_titles_and_questions_are_indexed(suggester, engine):
    n_titles = sum(len(e.title) for e in engine.index.entries)
    assert len(suggester) > n_titles  # titles plus the popular questions
    kinds = {s.kind for s in suggester.suggest("padro").items}
    assert kinds <= {"title", "question"} and kinds


def test_prefix_of_the_word_being_typed(suggester):
    result = suggester.suggest("empadr")
    assert result.items
    assert set(ids(result)) <= {"padro-alta", "padro-volant"}
    assert all("empadr" in s.text.lower() for s in result.items)


def test_literal_completion_comes_first(suggester):
    assert texts(suggester.suggest("llicencia de g"))[0] == "Llicència de gual"
    assert texts(suggester.suggest("Punto limp"))[0].startswith("Punto limpio")
    assert texts(suggester.suggest("com m'empadr"))[0] == "Com m'empadrono a Terrassa?"


@pytest.mark.parametrize("typed, accented", [("padro", "padró"), ("llicencia", "llicència"), ("grua", "grúa")])
def test_accents_do_not_matter(suggester, typed, accented):
    assert texts(suggester.suggest(typed)) == texts(suggester.suggest(accented))
    assert suggester.suggest(typed.upper()).items == suggester.suggest(typed).items


@pytest.mark.parametrize("typo, entry", [
    ("deixaleria", "deixalleria"),    # a letter missing
    ("empadronamnet", "padro-volant"),  # two letters swapped
    ("gaul", "gual"),
    ("impost sobre bens inmobles", "ibi"),  # Spanish spelling of a Catalan word
    ("recuperar el cotxe grue", "grua-vehicle-retirat"),  # typo in the word being typed
])
def test_typos_are_forgiven(suggester, typo, entry):
    assert entry in ids(suggester.suggest(typo))


def test_at_most_eight_and_few_per_entry(suggester):
    for q in ("a", "d", "pa", "com", "de"):
        result = suggester.suggest(q)
        assert len(result.items) <= MAX_SUGGESTIONS
        assert max((ids(result).count(e) for e in set(ids(result))), default=0) <= 3
    assert len(suggester.suggest("padro", limit=2).items) == 2


def test_nothing_for_nonsense_or_blank(suggester):
    assert suggester.suggest("xyzzy qwerty").items == ()
    assert suggester.suggest("   ").items == ()
    assert suggester.suggest("¿?!").items == ()


def test_language_preference(suggester):
    assert suggester.suggest("ibi", lang="es").items[0].lang == "es"
    assert suggester.suggest("ibi", lang="ca").items[0].lang == "ca"


def test_no_duplicate_texts(suggester):
    result = suggester.suggest("padro")
    folded = [s.text.lower() for s in result.items]
    assert len(folded) == len(set(folded))


def _big_suggester(engine, n_entries: int = 250) -> Suggester:
    """About as many rows as the real knowledge base (~3,000), from the fixture's words."""
    rng = random.Random(7)
    words = sorted({w for e in engine.index.entries for q in (*e.title.values(), *e.questions["ca"]) for w in q.split()})
    rows = []
    for i in range(n_entries):
        for kind, n in (("title", 1), ("question", 11)):
            for _ in range(n):
                rows.append((" ".join(rng.choice(words) for _ in range(rng.randint(2, 9))), "ca", f"e{i}", kind))
    return Suggester(rows)


def test_fast_enough_for_every_keystroke(engine):
    big = _big_suggester(engine)
    assert len(big) > 2500
    queries = ["a", "co", "com", "empadr", "com m'empadr", "padro ", "deixaleria", "llicencia de gu",
               "impost sobre bens", "xyzzy", "gaul", "quant costa el"]
    for q in queries:  # warm-up
        big.suggest(q)
    times = []
    for _ in range(5):
        for q in queries:
            t0 = time.perf_counter()
            big.suggest(q)
            times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    assert times[int(len(times) * 0.95)] < 20, times[-5:]
    assert times[len(times) // 2] < 5, times[len(times) // 2]
