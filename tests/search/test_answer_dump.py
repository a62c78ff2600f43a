"""The search API writes its answers with a compiled dumper and orjson (no marshmallow per request):
what leaves is exactly what the SearchOut / SuggestOut schemas give, on both engines."""
from __future__ import annotations

import json

from dmp_registry.core.identity import system_identity
from dmp_registry.search.api import SearchOut, SuggestOut
from dmp_registry.search.query import SearchRequest
from dmp_registry.search.service import search, suggest


def test_search_answer_is_what_the_schema_gives(app, indexed_corpus, engine):
    answer = search(system_identity, SearchRequest(q="fugler", filters={"theme": []}))
    assert answer["items"] and answer["items"][0]["highlight"] and answer["facets"]["record_type"]
    expected = json.loads(json.dumps(SearchOut().dump(answer)))
    with app.test_request_context():
        from dmp_registry.search.api import dump_search

        assert json.loads(json.dumps(dump_search(answer))) == expected


def test_suggestions_are_what_the_schema_gives(indexed_corpus, engine):
    from dmp_registry.search.api import dump_suggestions

    answer = suggest(system_identity, "fug")
    assert answer["suggestions"]
    assert dump_suggestions(answer) == SuggestOut().dump(answer)


def test_api_answer_over_http_has_the_schema_shape(client, curator, indexed_corpus, engine):
    response = client.get("/api/v1/search/?q=fugler", headers=curator[2])
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.json
    assert body["engine"] == engine and body["total"] >= 1
    assert set(body) == set(SearchOut().fields)
    assert "på".encode() in response.data  # written by orjson: UTF-8 as is (jsonify writes \u00e5)
    assert set(body["items"][0]) == set(SearchOut().fields["items"].inner.schema.fields)
