"""The eval report's colours and number formats, shared by its sections and charts.

Catalan formats for the editor's view (``pct_ca``, ``num`` with a decimal comma), plain
ones for the technical section (``pct``). ``esc`` is the one every printed value goes
through: questions are citizens' free text.
"""

from __future__ import annotations

from isac.html_svg import esc

GOOD, MID, BAD, OOS, INK, MUTED, BLUE = "#1f9d6b", "#e0a526", "#d64545", "#8a94a6", "#1c2430", "#667085", "#0b6e99"
KNOWLEDGE = "knowledge"


def pct(v) -> str:
    """A fraction as a percentage with one decimal, or a dash for None."""
    return "–" if v is None else f"{v * 100:.1f}%"


def pct_ca(v) -> str:
    """A fraction as a whole percentage the Catalan way, or a dash."""
    if v is None:
        return "–"
    return "<1 %" if 0 < v < 0.005 else f"{v * 100:.0f} %"


def num(v, decimals: int = 2) -> str:
    """A number with a decimal comma."""
    return f"{v:.{decimals}f}".replace(".", ",")


def level(v) -> str:
    """The colour for a score: good from 0.85, middling from 0.7, else bad; muted for None."""
    return MUTED if v is None else GOOD if v >= 0.85 else MID if v >= 0.7 else BAD


def wide(html: str) -> str:
    """A table that scrolls inside its card on a phone instead of widening the page."""
    return f'<div class="wide">{html}</div>'


__all__ = ["BAD", "BLUE", "GOOD", "INK", "KNOWLEDGE", "MID", "MUTED", "OOS", "esc", "level", "num", "pct", "pct_ca",
           "wide"]
