"""Programme activities in search: documents fit the strict mapping, signed-in users find them,
anonymous users do not (embedded index and the real Elasticsearch)."""
from __future__ import annotations

import pytest

from dmp_registry.core.identity import system_identity
from dmp_registry.core.uow import unit_of_work
from dmp_registry.programme import schemas as s
from dmp_registry.programme.documents import activity_document, load_activities
from dmp_registry.programme.service import activity_service, measure_service
from dmp_registry.search.indices import type_properties
from dmp_registry.search.registry import search_type
from dmp_registry.vocabularies.terms import local

from .conftest import hits
from .test_documents import _document_paths, _mapped_paths


@pytest.fixture
def activities(create_unit, create_person):
    unit = create_unit(code="INH")
    kari = create_person(unit=unit, name="Kari Nordmann")
    with unit_of_work():
        measure = measure_service.create(system_identity, s.MeasureIn().load(
            {"code": "25", "title": {"nb": "Digital infrastruktur", "en": "Digital infrastructure"}}))
        mapping = activity_service.create(system_identity, s.ActivityIn().load({
            "measure_id": str(measure.id), "code": "25.5", "title": {"nb": "Kartlegging av dataflyt", "en": "Mapping data flow"},
            "description": {"nb": "Hvilke systemer utveksler data"}, "status": local("activity-status", "in-progress"),
            "responsible_id": str(kari.id), "units": "INH: 40", "planned_hours": 40, "results": "Flytkart for magasinene",
            "risks": "high | Mangler eierskap", "period_start": "2019-04-01"}))
        other = activity_service.create(system_identity, s.ActivityIn().load({
            "measure_id": str(measure.id), "code": "25.10", "title": {"nb": "Opplæring"},
            "status": local("activity-status", "not-started"), "example": True}))
    return {"measure": measure, "mapping": mapping, "other": other, "unit": unit, "kari": kari}


def test_every_activity_field_is_mapped(activities):
    doc = activity_document(load_activities([activities["mapping"].id])[0])
    mapped = _mapped_paths(type_properties(search_type("activity")))
    assert _document_paths(doc) - mapped == set()
    assert doc["readers"] == ["staff", "signedin"] and doc["unit"]["code"] == "INH" and doc["units"] == ["INH"]
    assert doc["status"]["label"]["nb"] == "Under arbeid"


def _search(client, headers, **params):
    return client.get("/api/v1/search/", query_string=params, headers=headers or {}).json


def test_signed_in_users_find_activities_anonymous_do_not(client, activities, drain, engine, create_user):
    drain()
    _user, _identity, headers = create_user("researcher")
    for query, expected in (("dataflyt", "mapping"), ("magasinene", "mapping"), ("Kari", "mapping"),
                            ("opplæring", "other"), ("eierskap", "mapping")):
        result = _search(client, headers, q=query, record_type="activity")
        assert hits(result) == [str(activities[expected].id)], (query, result)
    result = _search(client, headers, q="", record_type="activity", per_page=50)
    assert {b["value"]: b["count"] for b in result["facets"]["record_type"]}.get("activity") == 2
    assert {b["value"]: b["count"] for b in result["facets"]["unit"]} == {str(activities["unit"].id): 1}
    anonymous = _search(client, None, q="dataflyt")
    assert anonymous["total"] == 0 and all(b["value"] != "activity" for b in anonymous["facets"]["record_type"])
    lead = create_user("programme_lead")[2]
    assert hits(_search(client, lead, q="dataflyt")) == [str(activities["mapping"].id)]


def test_renaming_the_measure_or_person_reindexes_activities(client, activities, drain, engine, create_user):
    from dmp_registry.organisation.service import person_service

    drain()
    headers = create_user("researcher")[2]
    kari = activities["kari"]
    with unit_of_work():
        person_service.update(system_identity, kari.id, {"name": "Kari Fjellvik"}, kari.version)
    drain()
    assert hits(_search(client, headers, q="Fjellvik")) == [str(activities["mapping"].id)]
    with unit_of_work():
        activity_service.delete(system_identity, activities["other"].id)
    drain()
    assert _search(client, headers, q="opplæring")["total"] == 0


def test_search_page_links_activities_to_their_page(client, activities, drain, create_user):
    from dmp_registry.programme.documents import SEARCH_TYPES

    drain()
    activity = SEARCH_TYPES[0]
    with client.application.test_request_context():
        assert activity.page({"id": str(activities["mapping"].id)}) == f"/programme/activities/{activities['mapping'].id}"


def test_saved_status_reports_are_found_by_their_text(client, activities, drain, engine, create_user):
    from dmp_registry.programme import reports
    from dmp_registry.programme.documents import load_reports, report_document

    with unit_of_work():
        saved = reports.save(system_identity, "measure", activities["measure"].id,
                             {"challenges": "Koronapandemien gjorde fysiske arbeidsmøter vanskelige."})
    doc = report_document(load_reports([saved.id])[0])
    mapped = _mapped_paths(type_properties(search_type("status_report")))
    assert _document_paths(doc) - mapped == set()
    assert doc["title"]["nb"] == "25 Digital infrastruktur – statusrapport versjon 1"
    drain()
    headers = create_user("researcher")[2]
    result = _search(client, headers, q="koronapandemien")
    assert hits(result) == [str(saved.id)] and result["items"][0]["record_type"] == "status_report"
    assert _search(client, None, q="koronapandemien")["total"] == 0
