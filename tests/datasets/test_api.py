"""Dataset REST API: validation, optimistic locking, permissions, 404/413, history."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from dmp_registry.core.db import db
from dmp_registry.datasets.models import Dataset
from dmp_registry.vocabularies.terms import local
from tests.factories import EU, dataset_payload

URL = "/api/v1/datasets/"


def count_datasets() -> int:
    return db.session.scalar(select(func.count()).select_from(Dataset))


def test_create_and_read_back(client, curator, create_unit, create_person):
    unit, person = create_unit(), create_person()
    payload = dataset_payload(unit, description={"nb": "Om fugler", "en": "About birds"},
                              keywords={"nb": ["fugl"], "en": ["bird"]}, themes=[f"{EU}/data-theme/ENVI"],
                              access_rights=f"{EU}/access-right/PUBLIC", licence=f"{EU}/licence/CC_BY_4_0",
                              temporal_start="2001-01-01", temporal_end="2002-12-31", volume_bytes=10**12,
                              creator_ids=[str(person.id)], custodian_id=str(person.id),
                              spatial={"label": "Dovrefjell", "bbox": [9.0, 62.0, 10.0, 62.5]},
                              storage_locations=[{"kind": local("storage-kind", "external-disk"), "copies": 2}],
                              doi="10.18710/ABC123", listed=True)
    created = client.post(URL, json=payload, headers=curator[2])
    assert created.status_code == 201, created.json
    body = client.get(f"{URL}{created.json['id']}").json
    assert body["title"] == payload["title"]
    assert body["themes"][0]["label"]["nb"] == "Miljø"
    assert body["licence"]["notation"] == "CC_BY_4_0"
    assert body["creators"] == [{"id": str(person.id), "name": person.name}]
    assert body["storage_locations"][0]["copies"] == 2
    assert body["storage_locations"][0]["kind"]["label"]["en"]
    assert body["uri"] == f"https://data.test.example/datasets/{created.json['id']}"
    assert body["publication_status"]["notation"] == "unpublished"


def test_creators_keep_the_order_given(client, curator, create_unit, create_person):
    """The first creator is the dataset's dct:creator: the order given is stored, and a new order
    replaces it."""
    from dmp_registry.datasets.models import dataset_creator

    unit, first, second = create_unit(), create_person(), create_person()
    payload = dataset_payload(unit, creator_ids=[str(second.id), str(first.id)])
    created = client.post(URL, json=payload, headers=curator[2]).json

    def stored():
        rows = db.session.execute(select(dataset_creator.c.person_id, dataset_creator.c.position)
                                  .where(dataset_creator.c.dataset_id == uuid.UUID(created["id"]))
                                  .order_by(dataset_creator.c.position)).all()
        db.session.rollback()
        return [(str(person), position) for person, position in rows]

    assert stored() == [(str(second.id), 0), (str(first.id), 1)]
    reordered = client.patch(f"{URL}{created['id']}", headers=curator[2],
                             json={"version": created["version"], "creator_ids": [str(first.id), str(second.id)]})
    assert reordered.status_code == 200, reordered.json
    assert stored() == [(str(first.id), 0), (str(second.id), 1)]
    assert [c["id"] for c in client.get(f"{URL}{created['id']}", headers=curator[2]).json["creators"]] == \
        [str(first.id), str(second.id)]


BAD_FIELDS = [
    ("title", {}, "no language"),
    ("title", "just a string", "not an object"),
    ("title", {"nb": "x" * 2001}, "too long"),
    ("title", {"de": "Vögel"}, "unknown language"),
    ("description", {"nb": "bad \x00 byte"}, "control character"),
    ("dataset_type", "https://example.org/not-a-term", "unknown concept"),
    ("access_rights", f"{EU}/licence/CC0", "concept of another scheme"),
    ("themes", ["nope"], "unknown concept in a list"),
    ("themes", "ENVI", "not a list"),
    ("unit_id", "not-a-uuid", "malformed uuid"),
    ("unit_id", str(uuid.UUID(int=7)), "unknown unit"),
    ("custodian_id", str(uuid.UUID(int=8)), "unknown person"),
    ("creator_ids", [str(uuid.UUID(int=9))], "unknown person in list"),
    ("volume_bytes", -1, "negative integer"),
    ("volume_bytes", 2**63, "integer overflow"),
    ("volume_bytes", "12", "integer as string"),
    ("volume_bytes", 1.5, "float"),
    ("listed", "perhaps", "not a boolean"),
    ("temporal_start", "2020-13-01", "impossible date"),
    ("temporal_start", "0001-01-01", "year out of range"),
    ("temporal_end", "1999-01-01", "end before start"),
    ("landing_page", "ftp://example.org/x", "not http(s)"),
    ("landing_page", "https://exa mple.org", "space in URL"),
    ("doi", "doi.org/10.1/x", "not a DOI"),
    ("spatial", {"bbox": [200, 0, 0, 0]}, "bbox out of range"),
    ("spatial", {"label": "x", "extra": 1}, "unknown nested field"),
    ("storage_locations", [{"copies": -1}], "nested item invalid"),
    ("storage_locations", [{"kind": local("storage-kind", "paper"), "last_checked": "yesterday"}], "nested date"),
    ("contains_personal_data", True, "personal data without legal basis"),
    ("surprise", 1, "unknown field"),
]


@pytest.mark.parametrize(("field", "value", "why"), BAD_FIELDS, ids=[b[2] for b in BAD_FIELDS])
def test_bad_field_gets_422_naming_it_and_writes_nothing(client, curator, create_unit, field, value, why):
    payload = dataset_payload(create_unit(), temporal_start="2000-01-01") | {field: value}
    before = count_datasets()
    response = client.post(URL, json=payload, headers=curator[2])
    assert response.status_code == 422, (why, response.json)
    named = response.json["errors"]["json"]
    expected = "personal_data_legal_basis" if field == "contains_personal_data" else field
    assert expected in named, (why, named)
    assert count_datasets() == before


def test_missing_required_fields_are_all_named(client, curator):
    response = client.post(URL, json={}, headers=curator[2])
    assert response.status_code == 422
    assert {"title", "dataset_type", "classification", "unit_id"} <= set(response.json["errors"]["json"])


def test_not_json_is_a_clear_error(client, curator):
    response = client.post(URL, data="{not json", headers={**curator[2], "Content-Type": "application/json"})
    assert response.status_code in (400, 422)
    assert response.json["code"] == response.status_code


def test_patch_bad_field_keeps_record_unchanged(client, curator, create_dataset):
    dataset = create_dataset()
    response = client.patch(f"{URL}{dataset.id}", json={"version": 1, "title": {"nb": "Ny"}, "volume_bytes": -5},
                            headers=curator[2])
    assert response.status_code == 422
    assert client.get(f"{URL}{dataset.id}", headers=curator[2]).json["title"] == dataset.title


def test_stale_patch_gets_409_and_loses_nothing(client, curator, create_dataset):
    dataset = create_dataset()
    first = client.patch(f"{URL}{dataset.id}", json={"version": 1, "title": {"nb": "Første"}}, headers=curator[2])
    assert first.status_code == 200 and first.json["version"] == 2
    stale = client.patch(f"{URL}{dataset.id}", json={"version": 1, "title": {"nb": "Andre"}}, headers=curator[2])
    assert stale.status_code == 409
    assert stale.json["errors"]["current_version"] == 2
    assert client.get(f"{URL}{dataset.id}", headers=curator[2]).json["title"] == {"nb": "Første"}


def test_if_match_header_is_checked(client, curator, create_dataset):
    dataset = create_dataset()
    etag = client.get(f"{URL}{dataset.id}", headers=curator[2]).headers["ETag"]
    ok = client.patch(f"{URL}{dataset.id}", json={"title": {"nb": "A"}}, headers={**curator[2], "If-Match": etag})
    assert ok.status_code == 200
    stale = client.patch(f"{URL}{dataset.id}", json={"title": {"nb": "B"}}, headers={**curator[2], "If-Match": etag})
    assert stale.status_code == 409


def test_patch_without_version_is_422(client, curator, create_dataset):
    dataset = create_dataset()
    response = client.patch(f"{URL}{dataset.id}", json={"title": {"nb": "A"}}, headers=curator[2])
    assert response.status_code == 422
    assert "version" in response.json["errors"]["json"]


def test_storage_change_alone_bumps_version_and_history(client, curator, create_dataset):
    dataset = create_dataset()
    locations = [{"kind": local("storage-kind", "paper"), "copies": 1}]
    response = client.patch(f"{URL}{dataset.id}", json={"version": 1, "storage_locations": locations},
                            headers=curator[2])
    assert response.json["version"] == 2
    history = client.get(f"{URL}{dataset.id}/history", headers=curator[2]).json
    assert history[-1]["action"] == "update"
    assert list(history[-1]["changes"]) == ["storage_locations"]
    assert history[-1]["actor_name"] == curator[0].display_name


def test_history_records_create_update_delete(client, curator, create_dataset):
    dataset = create_dataset()
    client.patch(f"{URL}{dataset.id}", json={"version": 1, "volume_bytes": 5}, headers=curator[2])
    history = client.get(f"{URL}{dataset.id}/history", headers=curator[2]).json
    assert [h["action"] for h in history] == ["create", "update"]
    assert history[1]["changes"] == {"volume_bytes": [None, 5]}
    assert client.delete(f"{URL}{dataset.id}", headers=curator[2]).status_code == 204
    assert client.get(f"{URL}{dataset.id}", headers=curator[2]).status_code == 404
    from dmp_registry.core.history import history_of

    assert [h.action for h in history_of("dataset", dataset.id)] == ["create", "update", "delete"]


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_unknown_id_is_404(client, curator, method):
    response = getattr(client, method)(f"{URL}{uuid.uuid4()}", json={"version": 1}, headers=curator[2])
    assert response.status_code == 404
    assert response.json["code"] == 404


def test_malformed_id_is_json_404(client):
    response = client.get(f"{URL}not-a-uuid")
    assert response.status_code == 404 and response.json["code"] == 404


def test_oversized_body_is_413(client, curator):
    response = client.post(URL, data=b"{" + b" " * (3 * 1024 * 1024) + b"}", headers={
        **curator[2], "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json["code"] == 413


def test_invalid_or_revoked_token_is_401(client, curator):
    user, _identity, headers = curator
    assert client.get(URL, headers={"Authorization": "Bearer dmp_nope_nope"}).status_code == 401
    tokens = client.get(f"/api/v1/users/{user.id}/tokens", headers=headers).json
    assert client.delete(f"/api/v1/users/{user.id}/tokens/{tokens[0]['id']}", headers=headers).status_code == 200
    assert client.get(URL, headers=headers).status_code == 401


# ---- visibility ---------------------------------------------------------------------------
def test_anonymous_never_sees_unlisted_datasets(client, create_dataset, create_distribution):
    listed = create_dataset(listed=True)
    hidden = create_dataset(listed=False)
    hidden_dist = create_distribution(dataset=hidden)
    create_distribution(dataset=listed)
    page = client.get(URL + "?per_page=100").json
    assert [d["id"] for d in page["items"]] == [str(listed.id)] and page["total"] == 1
    assert client.get(f"{URL}?listed=false").json["total"] == 0
    assert client.get(f"{URL}{hidden.id}").status_code == 404
    assert client.get(f"{URL}{hidden.id}/history").status_code == 404
    assert client.get(f"/api/v1/distributions/{hidden_dist.id}").status_code == 404
    dists = client.get("/api/v1/distributions/?per_page=100").json
    assert dists["total"] == 1 and all(d["dataset_id"] == str(listed.id) for d in dists["items"])
    assert client.get(f"/api/v1/distributions/?dataset_id={hidden.id}").json["total"] == 0


def test_anonymous_cannot_write(client, create_unit, create_dataset):
    dataset = create_dataset(listed=True)
    assert client.post(URL, json=dataset_payload(create_unit())).status_code == 401
    assert client.patch(f"{URL}{dataset.id}", json={"version": 1, "title": {"nb": "x"}}).status_code == 401
    assert client.delete(f"{URL}{dataset.id}").status_code == 401
    assert count_datasets() == 1


def test_confidential_dataset_hidden_from_other_units(client, create_user, create_unit, create_dataset):
    unit_a, unit_b = create_unit(), create_unit()
    secret = create_dataset(unit=unit_a, classification=local("classification", "strictly-confidential"))
    internal = create_dataset(unit=unit_a, classification=local("classification", "internal"))
    outsider = create_user("researcher", unit=unit_b)[2]
    insider = create_user("researcher", unit=unit_a)[2]
    ids = lambda headers: {d["id"] for d in client.get(URL, headers=headers).json["items"]}  # noqa: E731
    assert ids(outsider) == {str(internal.id)}
    assert ids(insider) == {str(internal.id), str(secret.id)}
    assert client.get(f"{URL}{secret.id}", headers=outsider).status_code == 404
    assert client.get(f"{URL}{secret.id}", headers=insider).status_code == 200


def test_researcher_writes_own_unit_only(client, create_user, create_unit, create_dataset):
    unit_a, unit_b = create_unit(), create_unit()
    _user, _identity, headers = create_user("researcher", unit=unit_a)
    assert client.post(URL, json=dataset_payload(unit_a), headers=headers).status_code == 201
    assert client.post(URL, json=dataset_payload(unit_b), headers=headers).status_code == 403
    theirs = create_dataset(unit=unit_b)
    response = client.patch(f"{URL}{theirs.id}", json={"version": 1, "title": {"nb": "x"}}, headers=headers)
    assert response.status_code == 403
    mine = create_dataset(unit=unit_a)
    moved = client.patch(f"{URL}{mine.id}", json={"version": 1, "unit_id": str(unit_b.id)}, headers=headers)
    assert moved.status_code == 403, "a researcher may not move a dataset out of reach"
    assert client.get(f"{URL}{mine.id}", headers=headers).json["unit_id"] == str(unit_a.id)


def test_custodian_may_edit_dataset_of_another_unit(client, create_user, create_unit, create_person, create_dataset):
    person = create_person()
    _user, _identity, headers = create_user("researcher", person=person)
    dataset = create_dataset(unit=create_unit(), custodian_id=str(person.id))
    response = client.patch(f"{URL}{dataset.id}", json={"version": 1, "volume_bytes": 1}, headers=headers)
    assert response.status_code == 200


# ---- listing ------------------------------------------------------------------------------
def test_list_filters_sort_and_paging(client, curator, create_unit, create_dataset):
    unit = create_unit()
    for title in ("Beta", "alfa", "Gamma"):
        create_dataset(unit=unit, title={"nb": title}, themes=[f"{EU}/data-theme/ENVI"])
    create_dataset(title={"nb": "Annen enhet"})
    headers = curator[2]
    page = client.get(f"{URL}?unit_id={unit.id}&sort=title&per_page=2", headers=headers).json
    assert page["total"] == 3 and [d["title"]["nb"] for d in page["items"]] == ["alfa", "Beta"]
    page2 = client.get(f"{URL}?unit_id={unit.id}&sort=title&per_page=2&page=2", headers=headers).json
    assert [d["title"]["nb"] for d in page2["items"]] == ["Gamma"]
    assert client.get(f"{URL}?theme={EU}/data-theme/ENVI", headers=headers).json["total"] == 3
    assert client.get(f"{URL}?q=GAM", headers=headers).json["total"] == 1
    assert client.get(f"{URL}?sort=bogus", headers=headers).status_code == 422
    assert client.get(f"{URL}?per_page=100000", headers=headers).status_code == 422


def test_mine_lists_my_unit_and_custody(client, create_user, create_unit, create_dataset):
    unit = create_unit()
    _user, _identity, headers = create_user("researcher", unit=unit)
    own = create_dataset(unit=unit)
    create_dataset()
    page = client.get(f"{URL}?mine=true", headers=headers).json
    assert [d["id"] for d in page["items"]] == [str(own.id)]
