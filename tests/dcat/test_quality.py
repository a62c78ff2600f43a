"""MQA-like quality scores and the generalised place of sensitive datasets."""
from __future__ import annotations

from rdflib import URIRef

from dmp_registry.dcat.quality import DIMENSIONS, INDICATORS, MAXIMUM

from .rdfutil import parse_rdflib

EU = "http://publications.europa.eu/resource/authority"
THEME = f"{EU}/data-theme/ENVI"


def test_weights_are_the_mqa_weights():
    assert MAXIMUM == 405
    for dim, points in DIMENSIONS.items():
        assert sum(i.points for i in INDICATORS if i.dimension == dim) == points


def test_adding_a_licence_raises_the_score_by_the_stated_points(client, create_dataset, create_distribution, curator):
    dataset = create_dataset(listed=True, description={"nb": "Tellinger"}, themes=[THEME])
    create_distribution(dataset=dataset, access_url="https://data.example/1", format=f"{EU}/file-type/CSV")
    before = client.get(f"/api/v1/dcat/quality/{dataset.id}")
    assert before.status_code == 200, before.json
    suggestion = next(s for s in before.json["suggestions"] if s["indicator"] == "licence")
    assert suggestion["text"] == f"add a licence: +{suggestion['points']} points" and suggestion["points"] == 30
    response = client.patch(f"/api/v1/datasets/{dataset.id}", json={"licence": f"{EU}/licence/CC_BY_4_0",
                                                                    "version": dataset.version}, headers=curator[2])
    assert response.status_code == 200, response.json
    after = client.get(f"/api/v1/dcat/quality/{dataset.id}").json
    assert after["total"] - before.json["total"] == suggestion["points"]
    assert after["dimensions"]["reusability"] - before.json["dimensions"]["reusability"] == suggestion["points"]
    assert not any(s["indicator"] == "licence" for s in after["suggestions"])


def test_catalogue_quality_is_the_mean_of_public_datasets(client, demo):
    body = client.get("/api/v1/dcat/quality").json
    assert body["datasets"] >= 5 and 0 < body["total"] <= 405
    assert set(body["dimensions"]) == set(DIMENSIONS)
    assert body["rating"] in {"excellent", "good", "sufficient", "bad"}


def test_unlisted_dataset_has_no_public_score(client, create_dataset):
    hidden = create_dataset(listed=False)
    assert client.get(f"/api/v1/dcat/quality/{hidden.id}").status_code == 404


def test_sensitive_location_is_generalised_in_the_public_feed(client, create_dataset, curator):
    spatial = {"label": "Trøndelag", "uri": "https://sws.geonames.org/3134279/", "bbox": [10.4137, 63.4281, 10.4199, 63.4302]}
    dataset = create_dataset(listed=True, description={"nb": "Hubro-reir"}, themes=[THEME], spatial=spatial)
    body = client.get(f"/datasets/{dataset.id}.ttl").get_data(as_text=True)
    assert "10.4137" in body and "geonames" in body  # not sensitive: published as recorded
    response = client.patch(f"/api/v1/datasets/{dataset.id}", json={"sensitive_location": True,
                                                                    "version": dataset.version}, headers=curator[2])
    assert response.status_code == 200 and response.json["sensitive_location"] is True
    for ext in ("ttl", "rdf", "jsonld", "nt"):
        body = client.get(f"/datasets/{dataset.id}.{ext}").get_data(as_text=True)
        assert "10.41" not in body and "63.43" not in body and "geonames" not in body, ext
        assert "Trøndelag" in body
    graph = parse_rdflib(client.get(f"/datasets/{dataset.id}.ttl").get_data(as_text=True), "ttl")
    place = URIRef(f"https://data.test.example/datasets/{dataset.id}#spatial")
    bbox = str(graph.value(place, URIRef("http://www.w3.org/ns/dcat#bbox")))
    assert bbox == "POLYGON((10 63,11 63,11 64,10 64,10 63))"
    catalogue = client.get("/catalog.ttl").get_data(as_text=True)
    assert "10.4137" not in catalogue


def test_sensitive_location_is_generalised_for_anonymous_api_readers(client, create_dataset, curator):
    spatial = {"label": "Reir", "uri": "https://sws.geonames.org/1/", "bbox": [10.4137, 63.4281, 10.4199, 63.4302]}
    dataset = create_dataset(listed=True, description={"nb": "Reir"}, themes=[THEME], spatial=spatial,
                             sensitive_location=True)
    public = client.get(f"/api/v1/datasets/{dataset.id}").json
    assert public["spatial"] == {"label": "Reir", "bbox": [10, 63, 11, 64]}
    assert client.get(f"/api/v1/datasets/{dataset.id}", headers=curator[2]).json["spatial"]["bbox"][0] == 10.4137


def test_sensitive_location_is_generalised_in_the_pages_json_ld(client, create_dataset):
    """The public dataset page embeds schema.org JSON-LD for search engines: generalised too."""
    spatial = {"label": "Reir", "uri": "https://sws.geonames.org/1/", "bbox": [10.4137, 63.4281, 10.4199, 63.4302]}
    plain = create_dataset(listed=True, spatial=spatial)
    sensitive = create_dataset(listed=True, spatial=spatial, sensitive_location=True)
    assert "10.4137" in client.get(f"/datasets/{plain.id}").get_data(as_text=True)
    html = client.get(f"/datasets/{sensitive.id}").get_data(as_text=True)
    assert '"box": "63 10 64 11"' in html and "10.4137" not in html and "geonames" not in html
