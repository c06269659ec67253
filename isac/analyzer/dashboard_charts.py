"""The /admin dashboard's inline SVG charts and its colours: questions per day, split bars, bar lists.

No script and nothing fetched: each chart is one ``<svg>`` with a ``<title>`` per mark so a
hover or a screen reader gives the number. Labels come from the logs and go through ``esc``.
"""

from __future__ import annotations

from isac.html_svg import esc, nice_step, split_bar

BLUE, GREEN, AMBER, RED, GREY, INK, MUTED = "#0b6e99", "#1f9d6b", "#e0a526", "#d64545", "#8a94a6", "#1c2430", "#667085"
CHANNEL_NAMES = (("search", "Cercador", BLUE), ("chat", "Xat", "#7a5af8"), ("ask", "Pregunta directa", "#12b0b0"))
NO_DATA = '<p class="empty">Cap dada en aquest període.</p>'


def pct(value) -> str:
    """A fraction as a whole percentage, or a dash."""
    return "–" if value is None else f"{value * 100:.0f} %"


def volume_chart(by_day: list[dict]) -> str:
    """Questions per day, stacked by channel."""
    n = max(len(by_day), 1)
    totals = [sum(d[c] for c, _, _ in CHANNEL_NAMES) for d in by_day]
    step = nice_step(max(totals + [1]) / 4)  # about four gridlines
    top = step * max(1, -(-max(totals + [1]) // step))
    left, width, height, base = 48, 540, 200, 220
    slot = width / n
    parts = [f'<svg role="img" aria-labelledby="volum-t" viewBox="0 0 {left + width + 24} {base + 28}" '
             f'xmlns="http://www.w3.org/2000/svg"><title id="volum-t">Consultes per dia i canal</title>']
    for v in range(0, top + 1, step):
        y = base - height * v / top
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + width}" y2="{y:.1f}" stroke="#eef1f5"/>'
                     f'<text x="{left - 6}" y="{y + 5:.1f}" font-size="18" fill="{MUTED}" text-anchor="end">{v}</text>')
    every = max(1, -(-n // 6))
    for i, d in enumerate(by_day):
        y = float(base)
        x = left + i * slot
        for key, name, colour in CHANNEL_NAMES:
            if d[key]:
                h = height * d[key] / top
                y -= h
                parts.append(f'<rect x="{x + slot * 0.12:.1f}" y="{y:.1f}" width="{slot * 0.76:.1f}" height="{h:.1f}" '
                             f'fill="{colour}"><title>{esc(d["day"])} · {esc(name)}: {d[key]}</title></rect>')
        if i % every == 0:
            label = f'{d["day"][8:10]}/{d["day"][5:7]}'
            parts.append(f'<text x="{x + slot / 2:.1f}" y="{base + 24}" font-size="18" fill="{MUTED}" '
                         f'text-anchor="middle">{esc(label)}</text>')
    parts.append("</svg>")
    legend = "".join(f'<span><i style="background:{c}"></i>{esc(n)}</span>' for _, n, c in CHANNEL_NAMES)
    return "".join(parts) + f'<div class="legend">{legend}</div>'


def share_bar(items: list[tuple[str, int, str]], label: str) -> str:
    """One horizontal bar split by share, with a legend of counts and percentages."""
    if not sum(v for _, v, _ in items):
        return NO_DATA
    return split_bar(items, height=22, aria=f'aria-label="{esc(label)}"', percent=pct)


def hbars(items: list[tuple[str, int]], label: str, colour: str = BLUE) -> str:
    """One horizontal bar per item, longest first, with its count."""
    if not items:
        return NO_DATA
    top = max(v for _, v in items) or 1
    row, label_w, bar_w = 24, 110, 170
    parts = [f'<svg class="hbars" role="img" aria-label="{esc(label)}" viewBox="0 0 {label_w + bar_w + 50} {row * len(items) + 4}" '
             f'xmlns="http://www.w3.org/2000/svg">']
    for i, (name, v) in enumerate(items):
        y = 2 + i * row
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" font-size="12" fill="{INK}" text-anchor="end">{esc(name)}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{bar_w * v / top:.1f}" height="15" rx="3" fill="{colour}"/>'
                     f'<text x="{label_w + bar_w * v / top + 5:.1f}" y="{y + 15}" font-size="12" fill="{INK}">{v}</text>')
    parts.append("</svg>")
    return "".join(parts)
