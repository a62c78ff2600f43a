def test_list_empty(client):
    response = client.get("/api/v1/datasets/")
    assert response.status_code == 200
    assert response.json["total"] == 0


def test_curator_creates_dataset(client, curator, create_unit):
    from dmp_registry.vocabularies.terms import local
    unit = create_unit()
    _user, _identity, headers = curator
    response = client.post("/api/v1/datasets/", json={
        "title": {"nb": "Fugler"}, "unit_id": str(unit.id), "dataset_type": local("dataset-type", "research-data"),
        "classification": local("classification", "open")}, headers=headers)
    assert response.status_code == 201, response.json
    assert response.json["version"] == 1
    assert response.headers["ETag"] == '"1"'
