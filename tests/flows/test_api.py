"""Data flows: validation (same ends, unknown, retired), proposals by researchers, visibility."""
from __future__ import annotations

import uuid

from dmp_registry.vocabularies.terms import local

URL = "/api/v1/flows/"


def ends(source, target):
    def one(prefix, obj):
        kind = "system" if obj.__class__.__name__ == "ItSystem" else "dataset"
        return {f"{prefix}_{kind}_id": str(obj.id)}
    return {**one("source", source), **one("target", target)}


def test_curator_maps_a_flow(client, curator, create_system, create_dataset):
    a, b, data = create_system(), create_system(), create_dataset()
    body = {"title": "Eksport til GBIF", **ends(a, b), "dataset_ids": [str(data.id)],
            "mechanism": local("flow-mechanism", "api"),
            "frequency": "http://publications.europa.eu/resource/authority/frequency/WEEKLY",
            "personal_data": False, "status": local("flow-status", "active"),
            "problems": "Feiler ved store filer", "problem_severity": local("problem-severity", "medium")}
    created = client.post(URL, json=body, headers=curator[2])
    assert created.status_code == 201, created.json
    assert created.json["source"] == {"kind": "system", "id": str(a.id), "label": a.name}
    assert created.json["frequency"]["notation"] == "WEEKLY"


def test_same_source_and_target_is_422(client, curator, create_system):
    a = create_system()
    response = client.post(URL, json={"title": "Loop", **ends(a, a)}, headers=curator[2])
    assert response.status_code == 422
    assert "target_system_id" in response.json["errors"]["json"]


def test_unknown_or_retired_ends_are_422(client, curator, create_system):
    live, retired = create_system(), create_system(lifecycle="retired")
    unknown = client.post(URL, json={"title": "x", "source_system_id": str(uuid.uuid4()),
                                     "target_system_id": str(live.id)}, headers=curator[2])
    assert unknown.status_code == 422 and "source_system_id" in unknown.json["errors"]["json"]
    to_retired = client.post(URL, json={"title": "x", **ends(live, retired)}, headers=curator[2])
    assert to_retired.status_code == 422 and "retired" in to_retired.json["errors"]["json"]["target_system_id"][0]


def test_both_or_no_end_is_422(client, curator, create_system, create_dataset):
    a, d = create_system(), create_dataset()
    both = client.post(URL, json={"title": "x", "source_system_id": str(a.id), "source_dataset_id": str(d.id),
                                  "target_system_id": str(create_system().id)}, headers=curator[2])
    assert both.status_code == 422
    none = client.post(URL, json={"title": "x", "target_system_id": str(a.id)}, headers=curator[2])
    assert none.status_code == 422 and "source_system_id" in none.json["errors"]["json"]


def test_researcher_proposes_flows_for_own_datasets(client, create_user, create_unit, create_dataset, create_system):
    unit = create_unit()
    _user, _identity, headers = create_user("researcher", unit=unit)
    mine, theirs, system = create_dataset(unit=unit), create_dataset(), create_system()
    proposal = client.post(URL, json={"title": "Til arkiv", **ends(mine, system)}, headers=headers)
    assert proposal.status_code == 201, proposal.json
    assert proposal.json["status"]["notation"] == "planned"
    active = client.post(URL, json={"title": "x", **ends(mine, system), "status": local("flow-status", "active")},
                         headers=headers)
    assert active.status_code == 422 and "status" in active.json["errors"]["json"]
    foreign = client.post(URL, json={"title": "x", **ends(theirs, system)}, headers=headers)
    assert foreign.status_code == 403


def test_flow_naming_hidden_dataset_is_hidden(client, create_user, create_unit, create_dataset, create_system, create_flow):
    secret = create_dataset(unit=create_unit(), classification=local("classification", "restricted"))
    flow = create_flow(secret, create_system())
    outsider = create_user("researcher")[2]
    assert client.get(f"{URL}{flow.id}", headers=outsider).status_code == 404
    assert client.get(URL, headers=outsider).json["total"] == 0
    assert client.get(URL, headers=create_user("curator")[2]).json["total"] == 1
    assert client.get(URL).status_code in (401, 200) and client.get(URL).json.get("total", 0) == 0


def test_stale_flow_edit_is_409(client, curator, create_system, create_flow):
    flow = create_flow(create_system(), create_system())
    assert client.patch(f"{URL}{flow.id}", json={"version": 1, "title": "A"}, headers=curator[2]).status_code == 200
    assert client.patch(f"{URL}{flow.id}", json={"version": 1, "title": "B"}, headers=curator[2]).status_code == 409
