"""The result cache for repeated questions."""

from isac.cache import ResultCache, cache_key


def test_same_question_written_differently_shares_a_key():
    assert cache_key("Com m'empadrono?", "ask", "ca") == cache_key("  com m'empadrono ", "ask", "ca")
    assert cache_key("gual", "ask", "ca") != cache_key("gual", "ask", "es")


def test_hits_skip_the_computation_and_are_counted():
    seen = []
    cache = ResultCache(size=2, on_lookup=seen.append)
    calls = []
    for q in ("a", "a", "b", "c", "a"):
        cache.get_or_compute((q,), lambda q=q: calls.append(q) or q.upper())
    assert calls == ["a", "b", "c", "a"]  # "a" was evicted by b and c (size 2)
    assert seen == [False, True, False, False, False] and len(cache) == 2


def test_size_zero_turns_it_off():
    cache = ResultCache(size=0)
    calls = []
    for _ in range(3):
        cache.get_or_compute(("x",), lambda: calls.append(1) or 1)
    assert len(calls) == 3
