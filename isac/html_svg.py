"""What the two self-contained HTML pages share: escaping, axis steps and the split bar.

The /admin dashboard (``isac.analyzer.dashboard``) and the `isac eval --html` report
(``isac.evaluation.render_html``) both draw inline SVG with no script and no external
asset; these are the pieces they drew the same way. Each page keeps its own words,
colours and number formats, passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape


def esc(value) -> str:
    """A value as HTML-escaped text, quotes included; None becomes empty."""
    return escape("" if value is None else str(value), quote=True)


def nice_step(raw: float) -> int:
    """The smallest 1/2/5×10^n step at least `raw`, so the axis reads 0, 50, 100…"""
    magnitude = 1
    while True:
        for m in (1, 2, 5):
            if m * magnitude >= raw:
                return m * magnitude
        magnitude *= 10


def split_bar(items: Sequence[tuple[str, int, str]], *, height: int, aria: str, percent: Callable[[float], str],
              title: str = "") -> str:
    """One 300-wide bar split by share, then a legend of counts and percentages; ``items`` are (name, count, colour).

    ``aria`` is the svg's accessible-name attribute (``aria-label="…"`` or
    ``aria-labelledby="…"``), ``title`` optional markup right inside it. The caller
    handles an empty total: each page words "no data" its own way.
    """
    total = sum(n for _, n, _ in items)
    parts = [f'<svg class="share" role="img" {aria} viewBox="0 0 300 {height}" preserveAspectRatio="none" '
             f'xmlns="http://www.w3.org/2000/svg">{title}']
    x = 0.0
    for name, n, colour in items:
        w = 300 * n / total
        if w:
            parts.append(f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="{height}" fill="{colour}">'
                         f'<title>{esc(name)}: {n}</title></rect>')
        x += w
    parts.append("</svg>")
    legend = "".join(f'<span><i style="background:{c}"></i>{esc(name)}: <b>{n}</b> ({percent(n / total)})</span>'
                     for name, n, c in items)
    return "".join(parts) + f'<div class="legend">{legend}</div>'
