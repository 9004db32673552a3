"""Charts drawn as SVG on the server: no script, style or font from anywhere but the page itself."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

#: one colour per series (sections), distinguishable in print and for most colour-blind readers
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f")
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 760, 260, 40, 50, 10


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (``YYYY-MM``), both included, none skipped.

    :param first: the earliest month.
    :param last: the latest month (before ``first`` gives an empty list).
    """
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    out = []
    while (year, month) <= end:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def stacked_bars(counts: dict[str, dict[str, int]], labels: dict[str, str] | None = None,
                 title: str = "") -> Markup:
    """A stacked bar chart: one bar per month, one coloured part per series, with a legend.

    :param counts: ``{series: {month: n}}``, months ``YYYY-MM``; months without data are drawn empty.
    :param labels: a display name per series (default: the series key).
    :param title: the chart's accessible title.
    """
    labels = labels or {}
    series = [s for s in counts if any(counts[s].values())]
    months_seen = sorted({m for s in series for m in counts[s]})
    if not months_seen:
        return Markup(f'<p class="g60-empty">No data to draw{": " + escape(title) if title else ""}.</p>')
    months = months_between(months_seen[0], months_seen[-1])
    totals = [sum(counts[s].get(m, 0) for s in series) for m in months]
    top = max(totals) or 1
    plot_w, plot_h = WIDTH - LEFT - 10, HEIGHT - BOTTOM - TOP
    step = plot_w / len(months)
    bar_w = max(step * 0.8, 1)
    parts = [_frame(title, top, plot_h)]
    for i, month in enumerate(months):
        x, y = LEFT + i * step + (step - bar_w) / 2, TOP + plot_h
        for k, s in enumerate(series):
            n = counts[s].get(month, 0)
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            name = labels.get(s, s)
            parts.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                         f'fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(month)} {escape(name)}: {n}</title></rect>')
    parts += _month_axis(months, step)
    legend = "".join(f'<li><span class="swatch" style="background:{PALETTE[k % len(PALETTE)]}"></span>'
                     f'{escape(labels.get(s, s))}</li>' for k, s in enumerate(series))
    return Markup(_svg(title, parts) + f'<ul class="g60-legend">{legend}</ul>')


def line_chart(counts: dict[str, int], title: str = "") -> Markup:
    """A line with a point per month (zero for months without data) from the first month to the last.

    :param counts: ``{month: n}``, months ``YYYY-MM``.
    :param title: the chart's accessible title.
    """
    seen = sorted(m for m, n in counts.items() if n)
    if not seen:
        return Markup(f'<p class="g60-empty">No data to draw{": " + escape(title) if title else ""}.</p>')
    months = months_between(seen[0], seen[-1])
    top = max(counts.values()) or 1
    plot_w, plot_h = WIDTH - LEFT - 10, HEIGHT - BOTTOM - TOP
    step = plot_w / len(months)
    points = [(LEFT + i * step + step / 2, TOP + plot_h - plot_h * counts.get(m, 0) / top, m, counts.get(m, 0))
              for i, m in enumerate(months)]
    parts = [_frame(title, top, plot_h)]
    parts.append('<polyline class="line" fill="none" stroke="#4e79a7" stroke-width="2" points="'
                 + " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points) + '"/>')
    parts += [f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#4e79a7">'
              f'<title>{escape(m)}: {n}</title></circle>' for x, y, m, n in points]
    parts += _month_axis(months, step)
    return Markup(_svg(title, parts))


def _svg(title: str, parts: list[str]) -> str:
    return (f'<svg class="g60-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
            f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>' + "".join(parts) + "</svg>")


def _frame(title: str, top: int, plot_h: float) -> str:
    """The axes and the value ticks (0, half, top)."""
    ticks = sorted({0, top // 2, top})
    lines = [f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#888"/>',
             f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 10}" y2="{TOP + plot_h}" stroke="#888"/>']
    for t in ticks:
        y = TOP + plot_h - plot_h * t / top
        lines.append(f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{t}</text>')
    return "".join(lines)


def _month_axis(months: list[str], step: float) -> list[str]:
    """Month labels, thinned so they never overlap (every label needs about 45 pixels)."""
    every = max(1, int(45 // step) + (1 if 45 % step else 0)) if step < 45 else 1
    y = HEIGHT - BOTTOM + 16
    return [f'<text x="{LEFT + i * step + step / 2:.1f}" y="{y}" text-anchor="middle" font-size="11">'
            f'{escape(m)}</text>' for i, m in enumerate(months) if i % every == 0]
