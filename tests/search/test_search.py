"""The search API on both engines: relevance (judged queries, nb and en), stemming, folding,
prefix, phrase, facets and counts, highlighting, sort, paging, autocomplete, response shape."""
from __future__ import annotations

import pytest

from .conftest import hits
from .corpus import JUDGED

ENVI = "http://publications.europa.eu/resource/authority/data-theme/ENVI"


@pytest.fixture
def curator_headers(curator):
    return curator[2]


def get(client, headers=None, **params):
    response = client.get("/api/v1/search/", query_string=params, headers=headers or {})
    assert response.status_code == 200, response.json
    return response.json


@pytest.mark.parametrize("q,expected", JUDGED)
def test_judged_query_ranks_expected_record_first(client, indexed_corpus, curator_headers, engine, q, expected):
    result = get(client, curator_headers, q=q, record_type="dataset")
    assert result["engine"] == engine and result["degraded"] is False
    assert hits(result)[:1] == [str(indexed_corpus[expected].id)], [i["title"] for i in result["items"]]


def test_all_words_must_match(client, indexed_corpus, curator_headers):
    assert hits(get(client, curator_headers, q="fugler tromso")) == []


def test_facets_count_the_matching_readable_records(client, indexed_corpus, curator_headers, engine):
    result = get(client, curator_headers, q="")
    facets = {name: {b["value"]: b["count"] for b in buckets} for name, buckets in result["facets"].items()}
    assert facets["record_type"] == {"dataset": 6, "distribution": 1}
    assert facets["theme"][ENVI] == 2
    assert facets["backed_up"] == {"false": 4, "true": 2}  # distributions have no backed_up
    label = next(b["label"] for b in result["facets"]["theme"] if b["value"] == ENVI)
    assert label["nb"] and label["en"]


def test_selected_facet_filters_hits_but_keeps_its_own_counts(client, indexed_corpus, curator_headers, engine):
    result = get(client, curator_headers, theme=ENVI, record_type="dataset")
    assert sorted(hits(result)) == sorted(str(indexed_corpus[k].id) for k in ("birds", "lichens"))
    themes = {b["value"]: b["count"] for b in result["facets"]["theme"]}
    assert len(themes) == 3 and themes[ENVI] == 2  # other themes still offered, with their counts
    assert {b["value"]: b["count"] for b in result["facets"]["record_type"]} == {"dataset": 2}


def test_not_backed_up_birds_question(client, indexed_corpus, curator_headers, engine):
    """"Which datasets about birds from Dovrefjell are not backed up?"""
    result = get(client, curator_headers, q="birds dovrefjell", backed_up="false", record_type="dataset")
    assert hits(result) == [str(indexed_corpus["birds"].id)]


def test_highlight_marks_stemmed_and_folded_matches(client, indexed_corpus, curator_headers, engine):
    item = get(client, curator_headers, q="fugler tromsø dovrefjell lav", record_type="dataset")
    assert item["total"] == 0
    title = get(client, curator_headers, q="tromso", record_type="dataset")["items"][0]["highlight"]["title"]
    assert any("<mark>Tromsø</mark>" in fragment for fragment in title)
    birds = get(client, curator_headers, q="fugl", record_type="dataset")["items"][0]["highlight"]["title"]
    assert any("<mark>fugler</mark>" in fragment for fragment in birds)


@pytest.mark.parametrize("q,expected", [
    ("bird", {"title": ["Breeding <mark>birds</mark> on Dovrefjell"],
              "description": ["Counts of nesting <mark>birds</mark> in the mountains."]}),
    ("dovre*", {"title": ["Hekkende fugler på <mark>Dovrefjell</mark>", "Breeding birds on <mark>Dovrefjell</mark>"]}),
    ("fugl", {"title": ["Hekkende <mark>fugler</mark> på Dovrefjell"],
              "description": ["Registrering av <mark>fugl</mark> i fjellet, med tellinger fra 1990 til 2020."]}),
])
def test_both_engines_mark_the_same_words(client, indexed_corpus, curator_headers, engine, q, expected):
    """Each engine's hits are marked by search/highlight.py: the same marks, every language's text
    (in the stored document's order of languages, which PostgreSQL's JSONB sorts)."""
    [item] = [i for i in get(client, curator_headers, q=q, record_type="dataset")["items"]
              if i["id"] == str(indexed_corpus["birds"].id)]
    assert {field: sorted(marks) for field, marks in item["highlight"].items()} == \
        {field: sorted(marks) for field, marks in expected.items()}


def test_sort_and_paging(client, indexed_corpus, curator_headers, engine):
    first = get(client, curator_headers, sort="title", per_page=2, page=1, record_type="dataset")
    second = get(client, curator_headers, sort="title", per_page=2, page=2, record_type="dataset")
    assert first["total"] == 6 and len(first["items"]) == 2
    titles = [i["title"]["nb"] for i in first["items"] + second["items"]]
    assert titles == sorted(titles, key=str.casefold)
    assert not set(hits(first)) & set(hits(second))


def test_autocomplete_suggests_titles_from_a_prefix(client, indexed_corpus, curator_headers, engine):
    response = client.get("/api/v1/search/suggest", query_string={"q": "Dovre"}, headers=curator_headers)
    assert response.status_code == 200
    assert response.json["engine"] == engine
    assert str(indexed_corpus["birds"].id) in [s["id"] for s in response.json["suggestions"]]


def test_bad_arguments_are_422(client):
    assert client.get("/api/v1/search/?sort=nonsense").status_code == 422
    assert client.get("/api/v1/search/?per_page=1000").status_code == 422


@pytest.mark.es
@pytest.mark.parametrize("typo,expected", [("dovrefjel", "birds"), ("herbarum", "lichens"), ("arkeologske", "finds")])
def test_elasticsearch_tolerates_typos(client, corpus, drain, es, curator_headers, typo, expected):
    drain()
    result = get(client, curator_headers, q=typo, record_type="dataset")
    assert result["engine"] == "elasticsearch"
    assert hits(result)[:1] == [str(corpus[expected].id)]


def test_unit_facet_label_follows_a_rename_at_once(client, indexed_corpus, curator_headers):
    """Unit names are cached per process for the facet labels; a rename here clears the cache."""
    from dmp_registry.core.db import db
    from dmp_registry.core.uow import unit_of_work
    from dmp_registry.organisation.models import Unit

    unit = db.session.get(Unit, indexed_corpus["birds"].unit_id)
    old_name = dict(unit.name)

    def unit_label():
        [bucket] = [b for b in get(client, curator_headers, q="fugler")["facets"]["unit"] if b["value"] == str(unit.id)]
        return bucket["label"]

    assert unit_label() == old_name
    with unit_of_work() as session:  # the request ended the session `unit` came from
        session.get(Unit, unit.id).name = {"nb": "Nytt navn", "en": "New name"}
    assert unit_label() == {"nb": "Nytt navn", "en": "New name"}
