"""The engine's parameters: defaults, what `isac tune` fitted, and the operator's settings."""

from __future__ import annotations

from dataclasses import dataclass, replace

from isac.answering import UNIT_FEATURES
from isac.confidence import tuned_values
from isac.fusion import FusionMode
from isac.ranking import FEATURE_NAMES


@dataclass(frozen=True)
class EngineConfig:
    """Every knob of one query's path; frozen, so a tuned copy never changes a serving one."""

    fusion: FusionMode = FusionMode.CONVEX
    alpha: float = 0.4
    rrf_k: int = 60
    # passages per entry averaged for the entry's BM25 and dense scores (1 = best only)
    agg_k: int = 3
    bm25_saturation: float = 12.0
    dense_floor: float = 0.75
    dense_ceil: float = 0.95
    answer_threshold: float = 0.35
    clarify_margin: float = 0.0
    # below the answer threshold but at least this confident, candidates that share a theme and
    # are this close to each other are offered as a choice ("Potser busqueu…")
    choice_margin: float = 0.0
    choice_floor: float = 0.5
    # below the answer threshold, the top three are offered whatever their themes when the
    # choice model's P(a right entry among them) reaches this (0: off)
    choice_threshold: float = 0.0
    # how much closer to an out-of-scope example than to any entry question means "not ours"
    oos_margin: float = 0.0
    # that route is taken only below this confidence (1: at any confidence)
    route_ceiling: float = 1.0
    spelling: bool = True
    synonyms: bool = True
    # match queries against the entries' alternative questions and situations (ablation switch)
    questions: bool = True
    situations: bool = True  # match the entries' situations (how citizens describe the problem)
    # query preparation for citizens' long and messy text (ablation switches)
    strip_fillers: bool = True
    repair_apostrophes: bool = True
    focus_question: bool = True
    both_lemmas: bool = True
    # long stories: the question sentence is also encoded alone; each passage keeps its best match
    sentence_pooling: bool = True
    pooling_min_chars: int = 140
    # a FAQ item answers when its question is at least this close (cosine) to the citizen's
    faq_threshold: float = 0.9
    faq: bool = True  # two-level matching (ablation switch)
    # the second level's unit model (one weight per answering.UNIT_FEATURES); () keeps the intent rules
    answer_weights: tuple[float, ...] = ()
    # queries of at most this many known terms get the theme's choice below choice_floor too (0: off)
    terse_choice_terms: int = 2
    rerank: bool = True
    rerank_weights: tuple[float, ...] = ()
    max_query_chars: int = 500
    # the encoder sees at most this many characters: a long story costs what a short one does
    max_encoder_chars: int = 300

    @classmethod
    def tuned(cls) -> EngineConfig:
        """Defaults overlaid with what `isac tune` fitted on the dev splits."""
        values = tuned_values()
        if values.get("rerank_features") == list(FEATURE_NAMES):
            values["rerank_weights"] = tuple(values["rerank_weights"])
        else:
            # weights fitted on other features would rank nonsense; fall back to plain fusion
            values.pop("rerank_weights", None)
        if values.get("answer_features") == list(UNIT_FEATURES):
            values["answer_weights"] = tuple(values["answer_weights"])
        else:
            values.pop("answer_weights", None)
        if "fusion" in values:
            values["fusion"] = FusionMode(values["fusion"])
        return cls(**{k: v for k, v in values.items() if k in cls.__dataclass_fields__})

    @classmethod
    def from_settings(cls, settings) -> EngineConfig:
        """The tuned values, overridden by whatever the operator set explicitly."""
        explicit = {
            "fusion": settings.fusion, "rrf_k": settings.rrf_k, "spelling": settings.spelling,
            "synonyms": settings.synonyms, "max_query_chars": settings.max_query_chars,
        }
        for key in ("alpha", "answer_threshold", "clarify_margin"):
            if getattr(settings, key) is not None:
                explicit[key] = getattr(settings, key)
        return replace(cls.tuned(), **explicit)
