"""The feed-only app (`create_feed_app`, for a worker that serves harvesters): the same documents as
the full registry, browsers sent to the registry's pages, errors in both languages."""
from __future__ import annotations

import pytest

from dmp_registry import create_feed_app

from ..conftest import test_config as config_for


@pytest.fixture
def feed_client(app):
    feed_app = create_feed_app(config_for(app.config["DMP_DATABASE_URL"]))
    yield feed_app.test_client()
    feed_app.extensions["dmp_engine"].dispose()


@pytest.mark.parametrize("path", ["/catalog.ttl", "/catalog.rdf", "/catalog.jsonld", "/catalog.nt",
                                  "/catalog.ttl?page_size=2"])
def test_same_bytes_as_the_registry(client, feed_client, demo, path):
    full, feed = client.get(path), feed_client.get(path)
    assert full.status_code == feed.status_code == 200
    assert full.data == feed.data and full.headers["ETag"] == feed.headers["ETag"]
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"):
        assert feed.headers[header] == full.headers[header]


def test_record_documents_and_conditional_requests(client, feed_client, create_dataset):
    ds = create_dataset(listed=True)
    path = f"/datasets/{ds.id}.ttl"
    first = feed_client.get(path)
    assert first.status_code == 200 and first.data == client.get(path).data
    assert feed_client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    rdf = feed_client.get(f"/datasets/{ds.id}", headers={"Accept": "text/turtle"})
    assert rdf.status_code == 200 and rdf.data == first.data


def test_browsers_are_sent_to_the_registry_pages(feed_client, create_dataset, create_distribution):
    catalog = feed_client.get("/catalog", headers={"Accept": "text/html"})
    assert catalog.status_code == 302 and catalog.headers["Location"] == "https://data.test.example/datasets/"
    ds = create_dataset(listed=True)
    dist = create_distribution(ds)
    page = feed_client.get(f"/distributions/{dist.id}", headers={"Accept": "text/html"})
    assert page.status_code == 303 and page.headers["Location"] == f"https://data.test.example/datasets/{ds.id}"


def test_errors_in_bokmal_and_english_and_never_a_500(feed_client):
    bad = feed_client.get("/catalog.ttl?page_size=x")
    assert bad.status_code == 400 and bad.mimetype == "text/plain"
    assert "Ugyldig forespørsel / Bad Request" in bad.get_data(as_text=True)
    assert "page_size" in bad.get_data(as_text=True)
    missing = feed_client.get("/api/v1/datasets/")
    assert missing.status_code == 404 and "Ikke funnet / Not Found" in missing.get_data(as_text=True)
    wrong_method = feed_client.post("/catalog.ttl")
    assert wrong_method.status_code == 405 and "GET" in wrong_method.headers["Allow"]
    unknown = feed_client.get("/datasets/00000000-0000-0000-0000-000000000000.ttl")
    assert unknown.status_code == 404
