"""Assessments are searchable: documents fit the mapping, only staff and the dataset's owners find
them (embedded index and real Elasticsearch), and the priority bands aggregate as a facet."""
from __future__ import annotations

import pytest

from dmp_registry.priorities.documents import assessment_document, band_uri, load_assessments
from dmp_registry.search.indices import alias_name, type_properties
from dmp_registry.search.registry import search_type
from tests.priorities.conftest import assess, kind, term  # noqa: F401,F811 - assess is a fixture

from .test_documents import _document_paths, _mapped_paths


@pytest.fixture
def assessed(create_unit, create_user, create_dataset, assess):  # noqa: F811 - the fixture imported above
    """An owner, an outsider, and two assessed datasets of the owner's unit with different bands."""
    unit = create_unit()
    owner = create_user("researcher", unit=unit)
    outsider = create_user("researcher", unit=create_unit())
    risky = create_dataset(unit=unit, title={"nb": "Gravdagbøker fra Ørland", "en": "Excavation diaries"},
                           storage_locations=[{"kind": kind("external-disk"), "copies": 1}])
    safe = create_dataset(unit=unit, title={"nb": "Fugletellinger Dovre"},
                          storage_locations=[{"kind": kind("national-repository"), "copies": 3, "backed_up": True}])
    made = {"risky": assess(risky, scientific_value=term("level-high"), uniqueness=term("level-high"),
                            regenerable=False, notes="Eneste kopi"),
            "safe": assess(safe, scientific_value=term("level-low"))}
    return made, owner, outsider


def test_every_assessment_field_is_mapped(assessed):
    made, _owner, _outsider = assessed
    doc = assessment_document(load_assessments([made["risky"].id])[0])
    mapped = _mapped_paths(type_properties(search_type("assessment")))
    assert _document_paths(doc) - mapped == set()
    assert doc["securing_band"]["uri"] == band_uri(doc and load_assessments([made["risky"].id])[0].securing.band)
    assert doc["securing_band"]["label"]["nb"] and doc["securing_band"]["label"]["en"]
    assert "public" not in doc["readers"] and "signedin" not in doc["readers"]


def _found(client, headers, **params):
    body = client.get("/api/v1/search/", query_string={"record_type": "assessment", **params}, headers=headers or {}).json
    return {item["id"] for item in body["items"]}


def test_only_staff_and_owners_find_assessments(client, assessed, curator, drain, engine):
    made, owner, outsider = assessed
    drain()
    ids = {str(a.id) for a in made.values()}
    assert _found(client, curator[2]) == ids
    assert _found(client, owner[2]) == ids
    assert _found(client, outsider[2]) == set()
    assert _found(client, None) == set()
    assert _found(client, curator[2], q="gravdagbøker") == {str(made["risky"].id)}


def test_score_changes_reach_the_index(client, assessed, curator, drain, engine):
    made, _owner, _outsider = assessed
    drain()
    url = f"/api/v1/assessments/{made['safe'].id}"
    response = client.patch(url, json={"version": 1, "securing_override": 99, "securing_override_reason": "Styret"},
                            headers=curator[2])
    assert response.status_code == 200
    drain()
    doc = _indexed(made["safe"].id)  # what the index holds, not a document built afresh
    assert doc["securing_score"] == 99 and doc["securing_band"]["uri"] == band_uri("critical")


def _indexed(assessment_id) -> dict:
    from sqlalchemy import select

    from dmp_registry.core.db import db
    from dmp_registry.search.store import SearchDocument

    db.session.expire_all()
    return db.session.scalar(select(SearchDocument.document).where(SearchDocument.record_type == "assessment",
                                                                   SearchDocument.record_id == assessment_id))


def test_a_weight_change_reindexes_the_moved_scores(client, assessed, admin, drain):
    """No assessment is edited: only the recompute's queue can bring the new scores to the index."""
    made, _owner, _outsider = assessed
    drain()
    before = _indexed(made["risky"].id)["securing_score"]
    model = client.get("/api/v1/priorities/model", headers=admin[2]).json
    weights = model["weights"]
    weights["securing"]["risk"] = {k: (100 if k == "copies" else 0) for k in weights["securing"]["risk"]}
    response = client.put("/api/v1/priorities/model", json={"weights": weights, "based_on": 1}, headers=admin[2])
    assert response.status_code == 200, response.json
    drain()
    from dmp_registry.priorities.scores import scores_of

    after = _indexed(made["risky"].id)["securing_score"]
    assert after != before and after == scores_of(made["risky"].dataset_id)["securing"].score


@pytest.mark.es
def test_priority_band_aggregates_as_a_facet_in_elasticsearch(assessed, drain, es):
    made, owner, _outsider = assessed
    drain()
    index = alias_name(search_type("assessment"))
    bands = {made[k].id: load_assessments([made[k].id])[0].securing.band for k in made}
    result = es.search(index=index, size=0, aggs={"band": {"terms": {"field": "securing_band.uri"}}},
                       query={"terms": {"readers": ["staff"]}})
    buckets = {b["key"]: b["doc_count"] for b in result["aggregations"]["band"]["buckets"]}
    expected = {}
    for band in bands.values():
        expected[band_uri(band)] = expected.get(band_uri(band), 0) + 1
    assert buckets == expected
    risky_band = band_uri(bands[made["risky"].id])
    owner_token = "unit" + owner[1].unit_id.hex
    filters = [{"term": {"securing_band.uri": risky_band}}, {"terms": {"readers": [owner_token]}}]
    filtered = es.search(index=index, query={"bool": {"filter": filters}})
    assert str(made["risky"].id) in {h["_id"] for h in filtered["hits"]["hits"]}


def test_assessments_are_never_suggested(client, assessed, curator, drain, engine):
    """Autocomplete offers the dataset's title once: a curator reads the assessment that repeats it, but
    suggestions leave assessments out (for a curator the query says which types it is not)."""
    made, owner, _outsider = assessed
    drain()
    for headers in (curator[2], owner[2]):
        body = client.get("/api/v1/search/suggest", query_string={"q": "Gravdag"}, headers=headers).json
        assert [s["record_type"] for s in body["suggestions"]] == ["dataset"]
    assert _found(client, curator[2], q="gravdagbøker") == {str(made["risky"].id)}  # searching does find it
