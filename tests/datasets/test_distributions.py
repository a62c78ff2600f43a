"""Distributions: validation, permissions through their dataset, locking."""
from __future__ import annotations

from tests.factories import EU

URL = "/api/v1/distributions/"


def test_researcher_adds_distribution_to_own_dataset_only(client, create_user, create_unit, create_dataset):
    unit = create_unit()
    _user, _identity, headers = create_user("researcher", unit=unit)
    mine, theirs = create_dataset(unit=unit), create_dataset()
    payload = {"access_url": "https://example.org/d", "format": f"{EU}/file-type/CSV",
               "checksum": {"algorithm": "sha256", "value": "a" * 64}, "byte_size": 10}
    created = client.post(URL, json={"dataset_id": str(mine.id), **payload}, headers=headers)
    assert created.status_code == 201, created.json
    assert created.json["checksum"] == {"algorithm": "sha256", "value": "a" * 64}
    assert created.json["format"]["notation"] == "CSV"
    assert client.post(URL, json={"dataset_id": str(theirs.id), **payload}, headers=headers).status_code == 403


def test_distribution_validation(client, curator, create_dataset):
    dataset = create_dataset()
    bad = {"dataset_id": str(dataset.id), "access_url": "not a url", "byte_size": -1,
           "checksum": {"algorithm": "sha256", "value": "abc"}, "media_type": f"{EU}/file-type/CSV"}
    response = client.post(URL, json=bad, headers=curator[2])
    assert response.status_code == 422
    assert {"access_url", "byte_size", "checksum", "media_type"} <= set(response.json["errors"]["json"])


def test_distribution_dataset_cannot_change(client, curator, create_distribution, create_dataset):
    dist = create_distribution()
    other = create_dataset()
    response = client.patch(f"{URL}{dist.id}", json={"version": 1, "dataset_id": str(other.id)}, headers=curator[2])
    assert response.status_code == 422


def test_distribution_stale_patch(client, curator, create_distribution):
    dist = create_distribution()
    assert client.patch(f"{URL}{dist.id}", json={"version": 1, "byte_size": 1}, headers=curator[2]).status_code == 200
    assert client.patch(f"{URL}{dist.id}", json={"version": 1, "byte_size": 2}, headers=curator[2]).status_code == 409


def test_deleting_dataset_deletes_its_distributions(client, curator, create_distribution):
    dist = create_distribution()
    assert client.delete(f"/api/v1/datasets/{dist.dataset_id}", headers=curator[2]).status_code == 204
    assert client.get(f"{URL}{dist.id}", headers=curator[2]).status_code == 404
