"""IT systems: validation, permissions, portfolio filters, dataset links, history."""
from __future__ import annotations

import uuid

from dmp_registry.vocabularies.terms import local

URL = "/api/v1/systems/"


def payload(**extra):
    return {"name": "MUSIT", "category": local("system-category", "collection-management"),
            "lifecycle_status": local("lifecycle-status", "in-use"), **extra}


def test_programme_lead_registers_a_system(client, create_user, create_person, create_unit, create_dataset):
    _user, _identity, headers = create_user("programme_lead")
    owner, unit, dataset = create_person(), create_unit(), create_dataset()
    body = payload(short_name="MUSIT", description={"nb": "Samlingsdatabase"}, owner_unit_id=str(unit.id),
                   system_owner_id=str(owner.id), hosting=local("hosting", "national-service"),
                   classification=local("classification", "internal"), processes_personal_data=True,
                   processing_record_ref="BEH-2021-17", user_count=120, endpoint_urls=["https://musit.example/api"],
                   documentation_links=[{"title": "Brukerveiledning", "url": "https://musit.example/doc"}],
                   dataset_ids=[str(dataset.id)], in_use_from="2010-01-01")
    created = client.post(URL, json=body, headers=headers)
    assert created.status_code == 201, created.json
    assert created.json["system_owner"]["id"] == str(owner.id)
    assert created.json["datasets"] == [{"id": str(dataset.id), "title": dataset.title}]
    assert created.json["lifecycle_status"]["notation"] == "in-use"
    history = client.get(f"{URL}{created.json['id']}/history", headers=headers).json
    assert history[0]["changes"]["dataset_ids"] == [None, [str(dataset.id)]]


def test_researcher_cannot_edit_the_portfolio(client, create_user, create_system):
    _user, _identity, headers = create_user("researcher")
    assert client.post(URL, json=payload(), headers=headers).status_code == 403
    system = create_system()
    assert client.get(f"{URL}{system.id}", headers=headers).status_code == 200
    assert client.get(f"{URL}{system.id}").status_code == 401 or client.get(f"{URL}{system.id}").status_code == 404


def test_system_validation(client, curator):
    bad = payload(category="https://example.org/x", owner_unit_id=str(uuid.uuid4()), user_count=-1,
                  in_use_from="2020-01-01", retired_on="2019-01-01", endpoint_urls=["not a url"])
    response = client.post(URL, json=bad, headers=curator[2])
    assert response.status_code == 422
    assert {"category", "user_count", "retired_on", "endpoint_urls"} <= set(response.json["errors"]["json"])
    unknown = client.post(URL, json=payload(owner_unit_id=str(uuid.uuid4())), headers=curator[2])
    assert unknown.status_code == 422 and "owner_unit_id" in unknown.json["errors"]["json"]


def test_portfolio_lists(client, curator, create_person, create_system):
    owned = create_system(system_owner_id=str(create_person().id), classification=local("classification", "open"))
    orphan = create_system(processes_personal_data=True)
    ids = lambda q: [s["id"] for s in client.get(f"{URL}?{q}", headers=curator[2]).json["items"]]  # noqa: E731
    assert ids("without_owner=true") == [str(orphan.id)]
    assert ids("without_classification=true") == [str(orphan.id)]
    assert ids("processes_personal_data=true") == [str(orphan.id)]
    assert str(owned.id) in ids(f"lifecycle_status={local('lifecycle-status', 'in-use')}")


def test_confidential_dataset_not_listed_on_system_for_outsiders(client, create_user, create_unit, create_dataset,
                                                                 create_system):
    secret = create_dataset(unit=create_unit(), classification=local("classification", "strictly-confidential"))
    system = create_system(dataset_ids=[str(secret.id)])
    outsider = create_user("researcher")[2]
    assert client.get(f"{URL}{system.id}", headers=outsider).json["datasets"] == []
    assert client.get(f"{URL}{system.id}", headers=create_user("curator")[2]).json["datasets"][0]["id"] == str(secret.id)


def test_system_with_flows_cannot_be_deleted(client, curator, create_system, create_flow):
    a, b = create_system(), create_system()
    create_flow(a, b)
    assert client.delete(f"{URL}{a.id}", headers=curator[2]).status_code == 409
