"""The content team's Analyzer: what citizens ask, and what the knowledge base is missing.

``stats`` summarises the store's logs for a period; ``gaps`` groups the questions isac
could not answer well into themes and says which entry file to extend, or that a new
entry is needed; ``routes`` serves both as the ``/admin`` dashboard and JSON/CSV/YAML;
``cli`` adds ``isac gaps``. Nothing here writes to ``knowledge/``: the content team decides.

Submodules load on first use, so ``isac.analyzer.cli.add_commands`` costs the ``isac``
command line nothing until `isac gaps` runs.
"""

from __future__ import annotations

import importlib

_EXPORTS = {"GapOptions": "gaps", "find_gaps": "gaps", "gaps_to_csv": "gaps", "gaps_to_yaml": "gaps",
            "period_stats": "stats"}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    """``from isac.analyzer import find_gaps`` without importing numpy for every CLI command."""
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"isac.analyzer.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'isac.analyzer' has no attribute {name!r}")
