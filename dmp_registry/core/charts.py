"""Small inline SVG charts: the programme and priorities dashboards, and the benchmark reports. Each
is an image with a title; a page puts a table with the same numbers next to it (the accessible
alternative), so the SVG carries no text that matters."""
from __future__ import annotations

from html import escape

COLOURS = ("#1f5f8b", "#b35c00", "#2e7d32", "#6a1b9a", "#8d6e63", "#455a64")


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _svg(width: int, height: int, title: str, ident: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-labelledby="{ident}" focusable="false"><title id="{ident}">{escape(title)}</title>'
            + "".join(body) + "</svg>")


def bars(items: list[tuple[str, float]], title: str, ident: str, width: int = 560, unit: str = "",
         target: float | None = None, label_width: int = 290, heading: bool = False) -> str:
    """Horizontal bars, one per (label, value), the value printed after each bar (with `unit`); a
    `target` is drawn as a dashed line across them. `heading` prints the title above (a chart
    standing alone as a file, not beside its table on a page)."""
    row, label_w = 26, label_width
    top = max([v for _, v in items] + [target or 0]) or 1
    scale = (width - label_w - 90) / top
    suffix = f" {unit}" if unit else ""
    body = []
    for i, (label, value) in enumerate(items):
        y = i * row + 4
        length = scale * value
        body.append(f'<text x="0" y="{y + 15}" font-size="13" fill="#1b1b1b">{escape(label[:42])}</text>'
                    f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="18" fill="{COLOURS[i % len(COLOURS)]}"/>'
                    f'<text x="{label_w + length + 6:.1f}" y="{y + 15}" font-size="13" fill="#1b1b1b">'
                    f'{_number(value)}{escape(suffix)}</text>')
    height = max(row * len(items) + 8, 30)
    if target:
        x = label_w + scale * target
        body.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" stroke="#b00020" stroke-dasharray="4 3"/>')
        height += 18
        body.append(f'<text x="{x + 4:.1f}" y="{height - 4}" font-size="12" fill="#b00020">'
                    f'target {target:g}{escape(suffix)}</text>')
    if heading:
        body = [f'<text x="0" y="18" font-size="14" font-weight="bold" fill="#1b1b1b">{escape(title)}</text>',
                '<g transform="translate(0 28)">', *body, "</g>"]
        height += 28
    return _svg(width, height, title, ident, body)


def grouped_bars(groups: list[tuple[str, list[float]]], series: list[str], title: str, ident: str,
                 colours: dict | None = None, width: int = 520) -> str:
    """Per group (a row), one bar per series side by side on one scale, the value after each."""
    colours = colours or {}
    row, label_w = 34, 120
    column = (width - label_w) / max(len(series), 1)
    top = max([v for _, values in groups for v in values] + [1])
    body = []
    for i, (label, values) in enumerate(groups):
        y = 10 + i * row
        body.append(f'<text x="0" y="{y + 14}" font-size="12" fill="#1b1b1b">{escape(label[:16])}</text>')
        for j, value in enumerate(values):
            x, length = label_w + j * column, (column - 30) * value / top
            colour = colours.get(series[j], COLOURS[j % len(COLOURS)])
            body.append(f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="20" fill="{colour}"/>'
                        f'<text x="{x + length + 3:.1f}" y="{y + 15}" font-size="11" fill="#1b1b1b">{value:g}</text>')
    return _svg(width, 20 + row * len(groups), title, ident, body)


def lines(labels: list[str], series: dict[str, list[float]], title: str, ident: str, colours: dict | None = None,
          width: int = 640, height: int = 230) -> str:
    """One line per series over the x labels (every other label printed), with 0 and the peak marked."""
    colours = colours or {}
    left, bottom, top_y = 40, height - 40, 20
    peak = max([v for values in series.values() for v in values] + [1])
    step = (width - left - 20) / max(len(labels) - 1, 1)
    body = [f'<line x1="{left - 10}" y1="{bottom}" x2="{width - 20}" y2="{bottom}" stroke="#555"/>',
            f'<text x="0" y="{top_y + 4}" font-size="11" fill="#1b1b1b">{peak:g}</text>',
            f'<text x="0" y="{bottom + 4}" font-size="11" fill="#1b1b1b">0</text>']
    for j, (name, values) in enumerate(series.items()):
        points = " ".join(f"{left + i * step:.1f},{bottom - (bottom - top_y) * v / peak:.1f}" for i, v in enumerate(values))
        body.append(f'<polyline points="{points}" fill="none" stroke="{colours.get(name, COLOURS[j % len(COLOURS)])}" '
                    'stroke-width="2"/>')
    body += [f'<text x="{left + i * step - 18:.1f}" y="{bottom + 20}" font-size="10" fill="#1b1b1b">{escape(label)}</text>'
             for i, label in enumerate(labels) if i % 2 == 0]
    return _svg(width, height, title, ident, body)


def paired_bars(items: list[tuple[str, float, float]], title: str, ident: str, labels=("planned", "used"),
                width: int = 520) -> str:
    """Two bars per row: planned (outline) and used (filled), on one scale."""
    row, label_w = 34, 110
    top = max((max(p, u) for _, p, u in items), default=0) or 1
    scale = (width - label_w - 60) / top
    body = [f'<rect x="{label_w}" y="2" width="12" height="10" fill="#ffffff" stroke="#1f5f8b"/>'
            f'<text x="{label_w + 16}" y="11" font-size="11" fill="#1b1b1b">{escape(labels[0])}</text>'
            f'<rect x="{label_w + 110}" y="2" width="12" height="10" fill="#b35c00"/>'
            f'<text x="{label_w + 126}" y="11" font-size="11" fill="#1b1b1b">{escape(labels[1])}</text>']
    for i, (label, planned, used) in enumerate(items):
        y = 20 + i * row
        body.append(f'<text x="0" y="{y + 17}" font-size="13" fill="#1b1b1b">{escape(label[:14])}</text>'
                    f'<rect x="{label_w}" y="{y}" width="{planned * scale:.1f}" height="12" fill="#ffffff" stroke="#1f5f8b"/>'
                    f'<rect x="{label_w}" y="{y + 14}" width="{used * scale:.1f}" height="12" fill="#b35c00"/>'
                    f'<text x="{label_w + max(planned, used) * scale + 6:.1f}" y="{y + 17}" font-size="12" '
                    f'fill="#1b1b1b">{used:g}/{planned:g}</text>')
    return _svg(width, 24 + row * len(items), title, ident, body)


def sparkline(values: list[float], title: str, ident: str, target: float | None = None, width: int = 120,
              height: int = 28) -> str:
    """A trend line of the values (oldest first), with the target as a dashed line when it is in range."""
    if not values:
        return ""
    top = max(max(values), target or 0) or 1
    step = width / max(len(values) - 1, 1)
    points = " ".join(f"{i * step:.1f},{height - 2 - (height - 4) * v / top:.1f}" for i, v in enumerate(values))
    body = []
    if target:
        y = height - 2 - (height - 4) * target / top
        body.append(f'<line x1="0" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#767676" stroke-dasharray="3 3"/>')
    if len(values) == 1:
        body.append(f'<circle cx="{width / 2:.1f}" cy="{points.split(",")[1]}" r="2.5" fill="#1f5f8b"/>')
    else:
        body.append(f'<polyline points="{points}" fill="none" stroke="#1f5f8b" stroke-width="2"/>')
    return _svg(width, height, title, ident, body)
