"""The embedded index (SQLite) holds permission and facet tokens marked `r_…` and `f_…`, so the
query needs no column filter on them: a word never meets such a token, as a word or as a prefix."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from dmp_registry.core.db import db
from dmp_registry.core.identity import system_identity
from dmp_registry.search.analysis import terms, terms_text
from dmp_registry.search.facets import filter_token
from dmp_registry.search.query import SearchRequest
from dmp_registry.search.service import search


@pytest.fixture
def drained(corpus, drain):
    if db.dialect != "sqlite":
        pytest.skip("the marks are the SQLite FTS5 index's; PostgreSQL matches the stored columns")
    drain()
    return corpus


def _texts() -> list[set[str]]:
    """Each document's text terms, as stored."""
    rows = db.session.execute(text("SELECT title_terms, body_terms FROM search_document")).all()
    return [set(f"{r.title_terms} {r.body_terms}".split()) for r in rows]


def test_the_index_reads_the_stored_tokens_marked(drained):
    rows = db.session.execute(text("SELECT readers, filters, fts_readers, fts_filters FROM search_document")).all()
    assert rows
    for r in rows:
        assert r.fts_readers.split() == ["r_" + t for t in r.readers.split()]
        assert r.fts_filters.split() == ["f_" + t for t in r.filters.split()]


@pytest.mark.parametrize("word", ["signedin", "staff", "public"])
def test_a_word_finds_only_documents_whose_text_holds_it(drained, word):
    """Every document carries some of these as permission tokens; a search finds them in text only."""
    expected = sum(terms(word)[0] in t for t in _texts())
    assert search(system_identity, SearchRequest(q=word))["total"] == expected


def test_a_facet_token_typed_as_a_word_finds_nothing(drained):
    assert search(system_identity, SearchRequest(q=filter_token("record_type", "dataset")))["total"] == 0


@pytest.mark.parametrize("prefix", ["r", "f", "si", "st", "pu", "un"])
def test_a_prefix_finds_only_documents_whose_text_has_a_word_starting_with_it(drained, prefix):
    """"r*" would reach every r_… token without the prefix phrase's column filter."""
    expected = sum(any(t.startswith(prefix) for t in ts) for ts in _texts())
    assert search(system_identity, SearchRequest(q=prefix + "*"))["total"] == expected


@pytest.mark.parametrize("text_", ["r_public", "f_f467bd396cafb4341de5b", "__x__", "snake_case_name", "r_", "_r",
                                   "Ærø_museum r_staff"])
def test_text_terms_never_hold_the_mark(text_):
    """The marks keep permission tokens apart only because no text term holds "_" (analysis.WORD)."""
    assert "_" not in terms_text([text_])
    assert all("_" not in t for t in terms(text_))
