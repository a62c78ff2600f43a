"""Units, people, projects: CRUD, validation, references, permissions."""
from __future__ import annotations

import uuid


def test_admin_manages_units_others_read(client, admin, curator):
    created = client.post("/api/v1/units/", json={"code": "INH", "name": {"nb": "Naturhistorie"}}, headers=admin[2])
    assert created.status_code == 201
    assert client.post("/api/v1/units/", json={"code": "X", "name": {"nb": "X"}}, headers=curator[2]).status_code == 403
    assert client.get(f"/api/v1/units/{created.json['id']}").status_code == 200
    duplicate = client.post("/api/v1/units/", json={"code": "INH", "name": {"nb": "Igjen"}}, headers=admin[2])
    assert duplicate.status_code == 422 and "code" in duplicate.json["errors"]["json"]


def test_unit_cannot_be_its_own_ancestor(client, admin, create_unit):
    parent = create_unit()
    child = create_unit(parent_id=str(parent.id))
    response = client.patch(f"/api/v1/units/{parent.id}", json={"version": 1, "parent_id": str(child.id)},
                            headers=admin[2])
    assert response.status_code == 422 and "parent_id" in response.json["errors"]["json"]


def test_unit_in_use_cannot_be_deleted(client, admin, create_unit, create_dataset):
    unit = create_unit()
    create_dataset(unit=unit)
    response = client.delete(f"/api/v1/units/{unit.id}", headers=admin[2])
    assert response.status_code == 409
    assert client.get(f"/api/v1/units/{unit.id}").status_code == 200


def test_people_are_not_public(client, curator, create_person):
    person = create_person()
    assert client.get("/api/v1/people/").status_code == 200
    assert client.get("/api/v1/people/").json["total"] == 0
    assert client.get(f"/api/v1/people/{person.id}").status_code == 404
    assert client.get(f"/api/v1/people/{person.id}", headers=curator[2]).json["email"] == person.email


def test_person_validation(client, curator, create_person):
    taken = create_person()
    bad = {"name": "", "email": "not-an-email", "orcid": "0000-0002-1825-0098", "unit_id": str(uuid.uuid4())}
    response = client.post("/api/v1/people/", json=bad, headers=curator[2])
    assert response.status_code == 422
    assert {"name", "email", "orcid"} <= set(response.json["errors"]["json"])
    duplicate = client.post("/api/v1/people/", json={"name": "X", "email": taken.email.upper()}, headers=curator[2])
    assert duplicate.status_code == 422 and "email" in duplicate.json["errors"]["json"]
    unknown_unit = client.post("/api/v1/people/", json={"name": "Y", "unit_id": str(uuid.uuid4())}, headers=curator[2])
    assert unknown_unit.status_code == 422 and "unit_id" in unknown_unit.json["errors"]["json"]


def test_person_filters(client, curator, create_person):
    leaving = create_person(employment_end="2027-01-31")
    create_person(employment_end="2030-01-01")
    page = client.get("/api/v1/people/?leaving_before=2027-12-31", headers=curator[2]).json
    assert [p["id"] for p in page["items"]] == [str(leaving.id)]


def test_project_dates_in_order(client, curator, create_unit):
    unit = create_unit()
    payload = {"title": {"en": "P"}, "unit_id": str(unit.id), "start_date": "2022-01-01", "end_date": "2021-01-01"}
    response = client.post("/api/v1/projects/", json=payload, headers=curator[2])
    assert response.status_code == 422 and "end_date" in response.json["errors"]["json"]


def test_researcher_creates_project_in_own_unit(client, create_user, create_unit):
    unit, other = create_unit(), create_unit()
    _user, _identity, headers = create_user("researcher", unit=unit)
    ok = client.post("/api/v1/projects/", json={"title": {"nb": "Mitt"}, "unit_id": str(unit.id)}, headers=headers)
    assert ok.status_code == 201
    no = client.post("/api/v1/projects/", json={"title": {"nb": "Deres"}, "unit_id": str(other.id)}, headers=headers)
    assert no.status_code == 403


def test_project_in_use_cannot_be_deleted(client, curator, create_project, create_dataset):
    project = create_project()
    create_dataset(project_id=str(project.id))
    assert client.delete(f"/api/v1/projects/{project.id}", headers=curator[2]).status_code == 409
