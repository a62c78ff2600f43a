"""The outbox: written in the change's transaction, drained into the embedded index, idempotent,
ordered by version, and re-indexing records whose embedded data changed. No Elasticsearch."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from dmp_registry.core.db import db
from dmp_registry.core.identity import system_identity
from dmp_registry.core.uow import unit_of_work
from dmp_registry.datasets.service import bulk_create_datasets, dataset_service
from dmp_registry.organisation.service import unit_service
from dmp_registry.search import store
from dmp_registry.search.outbox import OutboxEntry
from dmp_registry.search.query import SearchRequest
from dmp_registry.search.service import search
from dmp_registry.vocabularies.terms import local

from .conftest import hits


def entries():
    return [(e.entity_type, e.entity_id) for e in db.session.scalars(select(OutboxEntry).order_by(OutboxEntry.id))]


def indexed(record_type="dataset"):
    return store.indexed_versions(db.session, record_type)


def find(q, identity=system_identity, **filters):
    return search(identity, SearchRequest(q=q, filters=filters))


def test_creating_a_dataset_queues_it_in_the_same_transaction(create_dataset):
    dataset = create_dataset()
    assert ("dataset", str(dataset.id)) in entries()


def test_a_rolled_back_change_queues_nothing(create_unit):
    unit = create_unit()
    before = entries()
    with pytest.raises(RuntimeError), unit_of_work():
        dataset_service.create(system_identity, {"title": {"nb": "Avbrutt"}, "unit_id": unit.id,
                                                 "dataset_type": local("dataset-type", "research-data"),
                                                 "classification": local("classification", "open")})
        raise RuntimeError("abort")
    assert entries() == before


def test_drain_indexes_and_empties_the_outbox(create_dataset, drain):
    dataset = create_dataset(title={"nb": "Fugler på Dovrefjell"})
    report = drain()
    assert report.done >= 1 and entries() == []
    assert indexed() == {str(dataset.id): 1}
    assert hits(find("fugl")) == [str(dataset.id)]


def test_drain_twice_changes_nothing(create_dataset, drain):
    create_dataset()
    drain()
    first = indexed()
    assert drain().taken == 0 and indexed() == first


def test_an_older_version_never_overwrites_a_newer_one(create_dataset, drain):
    dataset = create_dataset(title={"nb": "Ny tittel"})
    drain()
    from dmp_registry.datasets.documents import dataset_document, load_datasets

    stale = dataset_document(load_datasets([dataset.id])[0])
    stale.update(version=0, title={"nb": "Gammel tittel"})
    with unit_of_work() as session:
        store.upsert(session, [stale])
    assert hits(find("gammel")) == [] and hits(find("ny")) == [str(dataset.id)]


def test_updating_storage_locations_reindexes_the_dataset(create_dataset, drain, client, curator):
    dataset = create_dataset(title={"nb": "Lagring"})
    drain()
    assert hits(find("lagring", backed_up=["false"])) == [str(dataset.id)]
    response = client.patch(f"/api/v1/datasets/{dataset.id}", headers=curator[2], json={
        "version": 1, "storage_locations": [{"kind": local("storage-kind", "institutional-backed-up"),
                                             "backed_up": True}]})
    assert response.status_code == 200, response.json
    assert hits(find("lagring", backed_up=["true"])) == [str(dataset.id)]  # drained after the commit


def test_a_new_distribution_reindexes_its_dataset(create_dataset, create_distribution, drain):
    dataset = create_dataset()
    drain()
    create_distribution(dataset, format="http://publications.europa.eu/resource/authority/file-type/CSV")
    drain()
    csv = find("", format=["http://publications.europa.eu/resource/authority/file-type/CSV"])
    assert {i["record_type"] for i in csv["items"]} == {"dataset", "distribution"}


def test_renaming_a_unit_reindexes_its_datasets(create_dataset, create_unit, drain):
    unit = create_unit()
    dataset = create_dataset(unit=unit)
    drain()
    with unit_of_work():
        unit_service.update(system_identity, unit.id, {"name": {"nb": "Seksjon for naturhistorie"}}, 1)
    drain()
    assert hits(find("naturhistorie")) == [str(dataset.id)]


def test_deleting_removes_the_document(create_dataset, create_distribution, drain):
    dataset = create_dataset()
    create_distribution(dataset)
    drain()
    with unit_of_work():
        dataset_service.delete(system_identity, dataset.id)
    drain()
    assert indexed() == {} and indexed("distribution") == {}


def test_bulk_inserts_queue_their_records(create_unit, drain):
    unit = create_unit()
    with unit_of_work():
        bulk_create_datasets(system_identity, [
            {"title": {"nb": f"Importert {i}"}, "unit_id": unit.id, "dataset_type": local("dataset-type", "research-data"),
             "classification": local("classification", "open")} for i in range(3)])
    drain()
    assert find("importert")["total"] == 3


def test_api_writes_are_searchable_without_an_explicit_drain(client, curator, create_unit):
    unit = create_unit()
    response = client.post("/api/v1/datasets/", headers=curator[2], json={
        "title": {"nb": "Sommerfugler i Oppdal"}, "unit_id": str(unit.id),
        "dataset_type": local("dataset-type", "research-data"), "classification": local("classification", "open")})
    assert response.status_code == 201
    found = client.get("/api/v1/search/?q=sommerfugl", headers=curator[2]).json
    assert hits(found) == [response.json["id"]] and entries() == []


def test_unknown_ids_in_the_outbox_are_deleted_from_the_index(drain):
    with unit_of_work() as session:
        from dmp_registry.search.outbox import enqueue

        enqueue(session, [("dataset", uuid.uuid4())])
    assert drain().done == 1 and entries() == []
