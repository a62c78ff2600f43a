"""Small inline SVG charts for the dashboard. Each is an image with a title; the page puts a table
with the same numbers next to it (the accessible alternative), so the SVG carries no text that matters."""
from __future__ import annotations

from html import escape

COLOURS = ("#1f5f8b", "#b35c00", "#2e7d32", "#6a1b9a", "#8d6e63", "#455a64")


def _svg(width: int, height: int, title: str, ident: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-labelledby="{ident}" focusable="false"><title id="{ident}">{escape(title)}</title>'
            + "".join(body) + "</svg>")


def bars(items: list[tuple[str, float]], title: str, ident: str, width: int = 560) -> str:
    """Horizontal bars, one per (label, value)."""
    row, label_w = 26, 290
    top = max((v for _, v in items), default=0) or 1
    body = []
    for i, (label, value) in enumerate(items):
        y = i * row + 4
        length = (width - label_w - 50) * value / top
        body.append(f'<text x="0" y="{y + 15}" font-size="13" fill="#1b1b1b">{escape(label[:42])}</text>'
                    f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="18" fill="{COLOURS[i % len(COLOURS)]}"/>'
                    f'<text x="{label_w + length + 6:.1f}" y="{y + 15}" font-size="13" fill="#1b1b1b">{value:g}</text>')
    return _svg(width, max(row * len(items) + 8, 30), title, ident, body)


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
