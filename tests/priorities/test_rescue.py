"""Data rescue (seniordata): an intake creates draft datasets through the dataset service."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from dmp_registry.core.db import db
from dmp_registry.core.history import ChangeRecord
from dmp_registry.search.outbox import OutboxEntry
from dmp_registry.search.store import SearchDocument
from dmp_registry.vocabularies.terms import PUBLICATION_UNPUBLISHED

from .conftest import kind

URL = "/api/v1/rescue-intakes/"


def intake(**extra):
    leaving = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    return {"retirement_date": leaving, "items": [
        {"title": "Feltnotater Dovrefjell 1985–1999", "storage_kind": kind("paper"), "location": "Kontor 214, hylle 3",
         "format": "Notatbøker"},
        {"title": "Fotografier fra utgravninger", "storage_kind": kind("external-disk"), "volume_gb": 350,
         "format": "TIFF, JPEG", "medium": "https://w3id.org/ntnu-vm/dmp-registry/vocab/storage-medium/disk"},
    ], **extra}


def test_researcher_intake_creates_drafts_held_by_them(client, create_user, create_unit):
    unit = create_unit()
    user, identity, headers = create_user("researcher", unit=unit)
    response = client.post(URL, json=intake(), headers=headers)
    assert response.status_code == 201, response.json
    body = response.json
    assert len(body["dataset_ids"]) == 2 and body["person_id"] == str(identity.person_id)
    for dataset_id in body["dataset_ids"]:
        dataset = client.get(f"/api/v1/datasets/{dataset_id}", headers=headers).json
        assert dataset["listed"] is False
        assert dataset["publication_status"]["uri"] == PUBLICATION_UNPUBLISHED
        assert dataset["custodian"]["id"] == str(identity.person_id) and dataset["unit_id"] == str(unit.id)
        assert dataset["storage_locations"][0]["copies"] == 1
    photos = client.get(f"/api/v1/datasets/{body['dataset_ids'][1]}", headers=headers).json
    assert photos["volume_bytes"] == 350 * 10**9 and "TIFF, JPEG" in photos["description"]["nb"]
    assert photos["storage_locations"][0]["kind"]["uri"] == kind("external-disk")
    # created through the dataset service: history and search outbox rows exist
    history = db.session.scalars(select(ChangeRecord).where(ChangeRecord.entity_type == "dataset")).all()
    assert len(history) == 2 and all(h.actor_id == user.id for h in history)
    assert client.get(f"{URL}{body['id']}", headers=headers).status_code == 200
    queued = set(db.session.scalars(select(OutboxEntry.entity_id).where(OutboxEntry.entity_type == "dataset")))
    indexed = {str(i) for i in db.session.scalars(select(SearchDocument.record_id)
                                                  .where(SearchDocument.record_type == "dataset"))}
    assert set(body["dataset_ids"]) <= queued | indexed  # queued for the index, or already drained into it


def test_intake_puts_the_person_on_the_leaving_list_with_scored_drafts(client, create_user, curator):
    _user, identity, headers = create_user("researcher")
    body = client.post(URL, json=intake(), headers=headers).json
    leaving = client.get("/api/v1/priorities/custodians-leaving", headers=curator[2]).json
    assert [e["person_id"] for e in leaving] == [str(identity.person_id)]
    entry = leaving[0]
    assert entry["leaves"] == intake()["retirement_date"]
    assert {d["dataset_id"] for d in entry["datasets"]} == set(body["dataset_ids"])
    assert all(d["score"] is not None and d["state"] == "identified" for d in entry["datasets"])


def test_intake_validation(client, create_user, create_person):
    _user, _identity, headers = create_user("researcher")
    empty = client.post(URL, json={"retirement_date": "2027-01-01", "items": []}, headers=headers)
    assert empty.status_code == 422 and "items" in empty.json["errors"]["json"]
    bad = client.post(URL, json=intake(items=[{"title": "", "storage_kind": "nope"}]), headers=headers)
    assert bad.status_code == 422
    assert set(bad.json["errors"]["json"]["items"]["0"]) == {"title", "storage_kind"}
    other = create_person()
    for_other = client.post(URL, json=intake(person_id=str(other.id)), headers=headers)
    assert for_other.status_code == 422 and "person_id" in for_other.json["errors"]["json"]
    assert client.post(URL, json=intake()).status_code == 401


def test_curator_files_an_intake_for_a_researcher(client, curator, create_person):
    person = create_person()
    body = client.post(URL, json=intake(person_id=str(person.id)), headers=curator[2]).json
    dataset = client.get(f"/api/v1/datasets/{body['dataset_ids'][0]}", headers=curator[2]).json
    assert dataset["custodian"]["id"] == str(person.id) and dataset["unit_id"] == str(person.unit_id)
