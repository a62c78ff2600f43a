"""Highlighting for the embedded index, in Python on the page's hits only: a word is marked when
its folded, stemmed form equals a query term (or starts with a prefix term), so stemmed and
folded matches ("fugler" for "fugl", "Tromsø" for "tromso") are marked too."""
from __future__ import annotations

import re

from markupsafe import escape

from .analysis import term

_WORD = re.compile(r"[^\W_]+")


def _matcher(clauses):
    exact = {t for c in clauses for t in c.terms}
    prefixes = tuple(c.terms[-1] for c in clauses if c.prefix)
    return lambda word: (t := term(word)) in exact or (prefixes and t.startswith(prefixes))


def mark(text: str, clauses, fragment: int | None = None) -> str | None:
    """`text` with <mark> around matching words (HTML-escaped), or None when nothing matches.
    With `fragment`, only about that many characters around the first match."""
    hit = _matcher(clauses)
    spans = [m.span() for m in _WORD.finditer(text) if hit(m.group())]
    if not spans:
        return None
    start, end = 0, len(text)
    if fragment and len(text) > fragment:
        start = max(0, spans[0][0] - fragment // 3)
        end = min(len(text), start + fragment)
    out, pos = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out += [str(escape(text[pos:s])), "<mark>", str(escape(text[s:e])), "</mark>"]
        pos = e
    out.append(str(escape(text[pos:end])))
    return ("…" if start else "") + "".join(out) + ("…" if end < len(text) else "")


def highlight(doc: dict, clauses) -> dict:
    if not clauses:
        return {}
    found = {}
    for field_name, fragment in (("title", None), ("description", 160)):
        marks = [m for t in (doc.get(field_name) or {}).values() if (m := mark(t, clauses, fragment))]
        if marks:
            found[field_name] = marks
    return found
