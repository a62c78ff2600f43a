"""Text analysis for the embedded fallback: fold, tokenise and stem in Python, so SQLite FTS5 and
PostgreSQL index the same terms and "Tromso" finds "Tromsø", "fugler" finds "fugl".

The stemmer is a deliberately small suffix stripper for Norwegian and English. It only has to be
consistent (the same function runs on documents and queries), not linguistically complete;
Elasticsearch does real stemming.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPECIAL_PAIRS = (("æ", "ae"), ("ø", "o"), ("å", "a"), ("ß", "ss"), ("đ", "d"), ("ð", "d"), ("þ", "th"), ("ł", "l"))
# No underscores: FTS5 and tsquery split on them, and the FTS index marks permission and facet
# tokens with one (r_public, f_…: search/fallback.py), which no text term may then hold.
WORD = re.compile(r"[^\W_]+")
# Longest first; a suffix is removed only when at least three letters remain.
_SUFFIXES = tuple(sorted((
    "hetene", "heten", "heter", "endes", "ende", "ene", "ane", "ers", "ies", "ing", "ings", "ets", "ens",
    "ers", "het", "ene", "er", "en", "et", "ar", "es", "ed", "ly", "e", "s", "a",
), key=len, reverse=True))
_MIN_STEM = 3


class _NoCombining(dict):
    """str.translate table dropping combining marks, filled lazily per code point (C-speed hits)."""

    def __missing__(self, codepoint: int):
        value = None if unicodedata.combining(chr(codepoint)) else codepoint
        self[codepoint] = value
        return value


_NO_COMBINING = _NoCombining()


def fold(text: str) -> str:
    """Lower-case and strip accents: Tromsø → tromso, Ærø → aero, Café → cafe."""
    if text.isascii():
        return text.lower()
    text = text.casefold()
    for letter, replacement in _SPECIAL_PAIRS:  # str.replace scans at C speed; translate looks up every character
        if letter in text:
            text = text.replace(letter, replacement)
    if text.isascii():  # Norwegian text: æ, ø, å were all it had beyond ASCII (nothing to decompose)
        return text
    return unicodedata.normalize("NFKD", text).translate(_NO_COMBINING)


@lru_cache(maxsize=200_000)  # words repeat a lot (Zipf): indexing 100,000 records spends most time here
def stem(token: str) -> str:
    if token.isdigit():
        return token
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= _MIN_STEM:
            return token[: -len(suffix)]
    return token


@lru_cache(maxsize=100_000)
def term(word: str) -> str:
    """The index term of one word as written: folded and stemmed (highlighting marks words by it)."""
    return stem(fold(word))


def words(text: str) -> list[str]:
    """Folded words (no stemming), for highlighting and query parsing."""
    return WORD.findall(fold(text))


def terms(text: str) -> list[str]:
    """Folded, stemmed terms in order (so phrases still work)."""
    if len(text) <= 200:  # titles and vocabulary labels recur across many documents
        return list(_short_terms(text))
    return [stem(w) for w in words(text)]


@lru_cache(maxsize=50_000)
def _short_terms(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in words(text))


def terms_text(texts) -> str:
    """Space-joined terms of several strings, as terms_of gives for them, in one pass: folding is
    per character and words never span the joining space, so one fold and one regex scan of the
    joined text give the same terms as one per string (the cost of indexing is per call)."""
    return " ".join(map(stem, WORD.findall(fold(" ".join(texts)))))


def terms_of(*texts) -> str:
    """Space-joined terms of several texts or lists of texts (None skipped)."""
    out: list[str] = []
    for text in texts:
        if not text:
            continue
        if isinstance(text, (list, tuple)):
            out.append(terms_of(*text))
        else:
            out.extend(terms(str(text)))
    return " ".join(t for t in out if t)
