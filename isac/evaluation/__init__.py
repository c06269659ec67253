"""Batch evaluation: questions, running, metrics, and the reports that render them."""

from isac.evaluation.document import EvalOptions, build_document, load_previous, run_eval
from isac.evaluation.metrics import PRIMARY, breakdown, category_of, compare_outcomes, confusions, summary
from isac.evaluation.questions import OUT_OF_SCOPE, EvalFileError, EvalQuestion, load_questions, question_key
from isac.evaluation.runner import RANK_DEPTH, Prediction, predict

__all__ = ["OUT_OF_SCOPE", "PRIMARY", "RANK_DEPTH", "EvalFileError", "EvalOptions", "EvalQuestion", "Prediction",
           "breakdown", "build_document", "category_of", "compare_outcomes", "confusions", "load_previous",
           "load_questions", "predict", "question_key", "run_eval", "summary"]
