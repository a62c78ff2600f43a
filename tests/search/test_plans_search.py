"""Plans in search: documents fit the strict mapping; contributors, curators and admins find a plan,
other users and anonymous visitors do not (embedded index and the real Elasticsearch)."""
from __future__ import annotations

import pytest

from dmp_registry.core.identity import system_identity
from dmp_registry.core.uow import unit_of_work
from dmp_registry.plans.documents import load_plans, plan_document
from dmp_registry.plans.service import plan_service
from dmp_registry.search.indices import type_properties
from dmp_registry.search.registry import search_type
from tests.plans.conftest import CONTENT, make_plan, make_template  # noqa: F401 - fixtures

from .conftest import hits
from .test_documents import _document_paths, _mapped_paths


@pytest.fixture
def content():
    import copy

    return copy.deepcopy(CONTENT)


@pytest.fixture
def people(create_user):
    return {role: create_user(*roles) for role, roles in (
        ("owner", ("researcher",)), ("coauthor", ("researcher",)), ("reviewer", ("researcher",)),
        ("outsider", ("researcher",)), ("curator", ("curator",)), ("lead", ("programme_lead",)))}


@pytest.fixture
def plan(people, make_plan, create_project):  # noqa: F811 - the fixture of tests/plans/conftest.py
    owner = people["owner"][1]
    project = create_project(title={"nb": "Sjøfugl på Froan", "en": "Seabirds at Froan"})
    made = make_plan(owner, project=project, title="Plan for lundefugltelling")
    with unit_of_work():
        plan_service.add_contributor(owner, made.id, people["coauthor"][1].person_id, "co_author")
        plan_service.add_contributor(owner, made.id, people["reviewer"][1].person_id, "reviewer")
        plan_service.save_answer(owner, made.id, "t-desc", "Fotofeller ved hekkekoloniene på Sula", None)
    return made


def test_every_plan_field_is_mapped(plan, people):
    doc = plan_document(load_plans([plan.id])[0])
    mapped = _mapped_paths(type_properties(search_type("plan")))
    assert _document_paths(doc) - mapped == set()
    assert doc["readers"][0] == "planstaff" and len(doc["readers"]) == 4  # staff + three contributors
    assert "public" not in doc["readers"] and "signedin" not in doc["readers"]


def _search(client, headers, **params):
    return client.get("/api/v1/search/", query_string=params, headers=headers or {}).json


def test_only_contributors_and_curators_find_plans(client, plan, people, drain, engine):
    drain()
    for query in ("lundefugltelling", "hekkekoloniene", "Froan"):
        for who in ("owner", "coauthor", "reviewer", "curator"):
            result = _search(client, people[who][2], q=query, record_type="plan")
            assert hits(result) == [str(plan.id)], (query, who, result)
        for who in ("outsider", "lead"):
            assert _search(client, people[who][2], q=query)["total"] == 0, (query, who)
    anonymous = _search(client, None, q="lundefugltelling")
    assert anonymous["total"] == 0 and all(b["value"] != "plan" for b in anonymous["facets"]["record_type"])
    facets = _search(client, people["curator"][2], q="", record_type="plan")["facets"]["record_type"]
    assert {b["value"]: b["count"] for b in facets}.get("plan") == 1


def test_a_new_contributor_finds_the_plan_after_reindexing(client, plan, people, drain, engine):
    drain()
    outsider = people["outsider"]
    assert _search(client, outsider[2], q="lundefugltelling")["total"] == 0
    with unit_of_work():
        plan_service.add_contributor(system_identity, plan.id, outsider[1].person_id, "co_author")
    drain()
    assert hits(_search(client, outsider[2], q="lundefugltelling")) == [str(plan.id)]


def _plans_index_before(es, properties_changed) -> str:
    """A plans index of its own, as before 2026-12-08, with `properties_changed(properties)` applied."""
    from dmp_registry.search import indices

    st = search_type("plan")
    body = indices.index_body([st])
    properties_changed(body["mappings"]["properties"])
    old = f"{indices.alias_name(st)}-v3-before"
    es.indices.create(index=old, settings=body["settings"], mappings=body["mappings"],
                      aliases={indices.alias_name(st): {}})
    return old


@pytest.mark.es
def test_a_plans_index_of_the_release_before_takes_plans_after_the_upgrade(
        client, es, no_indices, people, make_plan, create_project, drain):  # noqa: F811
    """Until 2026-12-08 plans had their own index, mapping `status` where documents now carry
    `plan_status`. Its strict mapping would refuse every plan: the first write adds the new field."""
    old = _plans_index_before(es, lambda properties: properties.__setitem__(
        "status", properties.pop("plan_status")))  # plans-v3.json
    made = make_plan(people["owner"][1], project=create_project(), title="Plan for krykkjetelling")
    drain()
    assert es.count(index=old)["count"] == 1
    result = _search(client, people["owner"][2], q="krykkjetelling")
    assert result["engine"] == "elasticsearch" and hits(result) == [str(made.id)]


@pytest.mark.es
def test_a_field_the_live_index_maps_differently_holds_back_that_type_only(
        es, no_indices, people, make_plan, create_project, create_dataset, drain):  # noqa: F811
    """A plans index mapping `plan_status` as a number cannot take plans: their entries wait for a
    rebuild with a message saying so, and other types' entries are indexed."""
    from dmp_registry.search import indices
    from dmp_registry.search.worker import drain as drain_outbox

    _plans_index_before(es, lambda properties: properties.__setitem__("plan_status", {"type": "long"}))
    make_plan(people["owner"][1], project=create_project(), title="Plan som venter")
    dataset = create_dataset(title={"nb": "Datasett som ikke venter"})
    report = drain_outbox()
    assert report.failed >= 1 and all("run `flask dmp search rebuild`" in e for e in report.errors.values())
    assert es.get(index=indices.alias_name(search_type("dataset")), id=str(dataset.id))["found"]
