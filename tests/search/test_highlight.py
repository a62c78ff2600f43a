"""Highlighting on the embedded index: its short cuts (looking only where a query term starts a
word, or nowhere when no term occurs in the folded text) find every word the full scan finds."""
from __future__ import annotations

import random

from dmp_registry.search.analysis import term
from dmp_registry.search.analysis import WORD
from dmp_registry.search.highlight import _Matcher, highlighter
from dmp_registry.search.query import parse

TEXTS = [
    "Fugler på Dovrefjell", "Tromsø museum", "ÆRØ og Ærøskøbing", "Café Ŀlorenç", "ﬁskeri og ﬂora",
    "Straße", "ΣΊΣΥΦΟΣ σίσυφος", "İstanbul", "naïve coöperation", "Ångström-målinger", "e\u0301tude",
    "the birds' nesting sites", "hekkende fugler, fuglenes reir", "2024-målinger_v2", "Ǆemal ǅ ǆ",
    "Birds_of_prey x_fugl fugl2 FUGLER-fuglefjell refugl", "data 2024 2024a a2024 <b>&amp;",
]


def _full_scan(hit, text):
    return [w.span() for w in WORD.finditer(text) if hit(w.group())]


def test_the_short_cuts_find_what_the_full_scan_finds():
    """Every word of every text, queried as itself and as a prefix of its term, against every text."""
    rnd = random.Random(3)
    checked = 0
    for text in TEXTS:
        for word in WORD.findall(text):
            t = term(word)
            for clause in parse(word) + parse(t[: rnd.randint(1, len(t))] + "*"):
                hit = _Matcher([clause])
                for other in TEXTS:
                    expected = _full_scan(hit, other)
                    assert hit.spans(other) == expected, (word, clause, other)
                    checked += bool(expected)
    assert checked > 50


def test_stemmed_and_folded_words_are_marked():
    doc = {"title": {"nb": "Fugler i Tromsø", "en": "Birds of Tromso"}, "description": {"nb": "Ingen treff her"}}
    assert highlighter(parse("fugl tromso"))(doc) == {
        "title": ["<mark>Fugler</mark> i <mark>Tromsø</mark>", "Birds of <mark>Tromso</mark>"]}


def test_marked_text_is_html_escaped_around_and_inside_the_marks():
    doc = {"title": {"en": "Birds <script>alert('x')</script> & \"fugl\"", "nb": "Fugl & <b>fugl</b>"},
           "description": {"en": "A long text about birds " + "and more " * 40 + "<i>", "nb": "fugl<fugl>fugl"}}
    assert highlighter(parse("fugl bird"))(doc) == {
        "title": ["<mark>Birds</mark> &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;<mark>fugl</mark>&#34;",
                  "<mark>Fugl</mark> &amp; &lt;b&gt;<mark>fugl</mark>&lt;/b&gt;"],
        "description": ["A long text about <mark>birds</mark> " + ("and more " * 40)[:160 - 24] + "…",
                        "<mark>fugl</mark>&lt;<mark>fugl</mark>&gt;<mark>fugl</mark>"]}
