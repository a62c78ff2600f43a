"""Highlighting for both engines, in Python on the page's hits only: a word is marked when its
folded, stemmed form equals a query term (or starts with a prefix term), so stemmed and folded
matches ("fugler" for "fugl", "Tromsø" for "tromso") are marked too; typo matches are not.
Elasticsearch's highlighter cost ~1.6 ms of its wall time per search and marked the same words,
so both engines' hits are marked here, the same way (docs/search.md, late-night pass)."""
from __future__ import annotations

import re

from markupsafe import escape

from .analysis import WORD, fold, term

_HTML_SPECIAL = re.compile(r"[&<>\"']")  # what markupsafe.escape replaces; most texts hold none


def _escaped(text: str) -> str:
    return str(escape(text))


def _as_is(text: str) -> str:
    return text


class _Matcher:
    """Which words of a text match the query's terms. A matching word, folded, starts with a query
    term (stemming only strips suffixes; folding goes character by character): only words that do
    are stemmed and compared."""

    def __init__(self, clauses):
        self.exact = {t for c in clauses for t in c.terms}
        self.prefixes = tuple(c.terms[-1] for c in clauses if c.prefix)
        self.needles = sorted({*self.exact, *self.prefixes}, key=len, reverse=True)
        self.word_starts = re.compile(r"(?<![^\W_])(?:" + "|".join(map(re.escape, self.needles)) + ")")

    def __call__(self, word: str) -> bool:
        t = term(word)
        return t in self.exact or bool(self.prefixes and t.startswith(self.prefixes))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each matching word."""
        if text.isascii():  # folded = lower-cased, at the same positions: look only where a term starts a word
            starts = (m.start() for m in self.word_starts.finditer(text.lower()))
            return [w.span() for s in starts if (w := WORD.match(text, s)) and self(w.group())]
        folded = fold(text)
        if not any(n in folded for n in self.needles):
            return []
        return [w.span() for w in WORD.finditer(text) if self(w.group())]


def mark(text: str, hit: _Matcher, fragment: int | None = None) -> str | None:
    """`text` with <mark> around matching words (HTML-escaped), or None when nothing matches.
    With `fragment`, only about that many characters around the first match."""
    spans = hit.spans(text)
    if not spans:
        return None
    start, end = 0, len(text)
    if fragment and len(text) > fragment:
        start = max(0, spans[0][0] - fragment // 3)
        end = min(len(text), start + fragment)
    html = _escaped if _HTML_SPECIAL.search(text, start, end) else _as_is
    out, pos = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out += [html(text[pos:s]), "<mark>", html(text[s:e]), "</mark>"]
        pos = e
    out.append(html(text[pos:end]))
    return ("…" if start else "") + "".join(out) + ("…" if end < len(text) else "")


def highlighter(clauses):
    """doc → {field: [marked texts]} for the query's clauses (one matcher for all the page's hits)."""
    hit = _Matcher(clauses) if clauses else None

    def highlight(doc: dict) -> dict:
        if hit is None:
            return {}
        found = {}
        for field_name, fragment in (("title", None), ("description", 160)):
            marks = [m for t in (doc.get(field_name) or {}).values() if (m := mark(t, hit, fragment))]
            if marks:
                found[field_name] = marks
        return found

    return highlight
