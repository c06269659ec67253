"""The content team's Analyzer: what citizens ask, and what the knowledge base is missing.

``stats`` summarises the store's logs for a period; ``gaps`` groups the questions isac
could not answer well into themes and says which entry file to extend, or that a new
entry is needed; ``routes`` serves both as the ``/admin`` dashboard and JSON/CSV; ``cli``
adds ``isac gaps``. Nothing here writes to ``knowledge/``: the content team decides.
"""

from isac.analyzer.gaps import GapOptions, find_gaps, gaps_to_csv, gaps_to_yaml
from isac.analyzer.stats import period_stats

__all__ = ["GapOptions", "find_gaps", "gaps_to_csv", "gaps_to_yaml", "period_stats"]
