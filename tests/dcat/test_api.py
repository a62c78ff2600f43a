"""The RDF endpoints: negotiation, whole catalogue, Hydra paging, conditional requests, gzip, privacy."""
from __future__ import annotations

import gzip

import pytest
from rdflib import URIRef
from rdflib.namespace import DCAT, RDF

from .conftest import listed_count
from .rdfutil import parse_oxigraph, parse_rdflib

HYDRA = "http://www.w3.org/ns/hydra/core#"
TYPES = {"ttl": "text/turtle", "rdf": "application/rdf+xml", "jsonld": "application/ld+json",
         "nt": "application/n-triples"}


def _datasets(graph):
    return set(graph.subjects(RDF.type, DCAT.Dataset))


@pytest.mark.parametrize("ext", sorted(TYPES))
def test_catalog_suffix_and_accept_give_the_same_graph(client, demo, ext):
    by_suffix = client.get(f"/catalog.{ext}")
    by_accept = client.get("/catalog", headers={"Accept": TYPES[ext]})
    assert by_suffix.status_code == by_accept.status_code == 200
    assert by_suffix.mimetype == TYPES[ext] and by_suffix.mimetype_params["charset"] == "utf-8"
    assert by_suffix.data == by_accept.data
    graph = parse_rdflib(by_suffix.get_data(as_text=True), ext)
    catalog = URIRef("https://data.test.example/catalog")
    assert set(graph.objects(catalog, DCAT.dataset)) == _datasets(graph)
    assert len(_datasets(graph)) == listed_count() >= 5  # the demo's listed datasets


@pytest.mark.parametrize("ext", sorted(TYPES))
def test_unlisted_and_restricted_records_never_appear(client, create_dataset, ext):
    public = create_dataset(listed=True, description={"nb": "Offentlig"},
                            themes=["http://publications.europa.eu/resource/authority/data-theme/ENVI"])
    hidden = create_dataset(listed=False, title={"nb": "Hemmelig kongeørnreir"})
    body = client.get(f"/catalog.{ext}").get_data(as_text=True)
    assert str(public.id) in body
    assert str(hidden.id) not in body and "Hemmelig" not in body
    assert client.get(f"/datasets/{hidden.id}.{ext}").status_code == 404
    page = client.get(f"/catalog.{ext}?page_size=10").get_data(as_text=True)
    assert str(hidden.id) not in page


def test_whole_catalogue_survives_rdfxml_round_trip_with_absolute_iris(client, demo):
    graph = parse_oxigraph(client.get("/catalog.rdf").get_data(as_text=True), "rdf")
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef):
                assert str(term).startswith(("http://", "https://", "mailto:")), term
    assert len(_datasets(graph)) == listed_count()


def test_paging_walks_every_record_exactly_once(client, demo):
    seen, url, pages = [], "/catalog.ttl?page_size=3", 0
    while url:
        graph = parse_rdflib(client.get(url).get_data(as_text=True), "ttl")
        seen += sorted(_datasets(graph))
        view = next(graph.subjects(RDF.type, URIRef(HYDRA + "PartialCollectionView")))
        total = int(graph.value(URIRef("https://data.test.example/catalog"), URIRef(HYDRA + "totalItems")))
        nxt = graph.value(view, URIRef(HYDRA + "next"))
        url = str(nxt).replace("https://data.test.example", "") if nxt else None
        pages += 1
    n = listed_count()
    assert pages == -(-n // 3) and total == n
    assert len(seen) == len(set(seen)) == n


def test_last_and_previous_links_walk_backwards(client, demo):
    graph = parse_rdflib(client.get("/catalog.ttl?page_size=3").get_data(as_text=True), "ttl")
    view = next(graph.subjects(RDF.type, URIRef(HYDRA + "PartialCollectionView")))
    url = str(graph.value(view, URIRef(HYDRA + "last"))).replace("https://data.test.example", "")
    seen = []
    while url:
        graph = parse_rdflib(client.get(url).get_data(as_text=True), "ttl")
        seen += _datasets(graph)
        view = next(graph.subjects(RDF.type, URIRef(HYDRA + "PartialCollectionView")))
        prev = graph.value(view, URIRef(HYDRA + "previous"))
        url = str(prev).replace("https://data.test.example", "") if prev else None
    assert len(seen) == len(set(seen)) == listed_count()


def test_page_size_has_a_maximum_and_bad_arguments_are_400(app, client, demo):
    assert client.get("/catalog.ttl?page_size=0").status_code == 400
    assert client.get("/catalog.ttl?cursor=bm9wZQ").status_code == 400
    assert client.get("/catalog.ttl?modified_since=yesterday").status_code == 400
    app.config["DMP_DCAT_MAX_PAGE_SIZE"] = 2
    try:
        graph = parse_rdflib(client.get("/catalog.ttl?page_size=500").get_data(as_text=True), "ttl")
    finally:
        app.config["DMP_DCAT_MAX_PAGE_SIZE"] = 1000
    assert len(_datasets(graph)) == 2


def test_modified_since_filters(client, demo):
    assert len(_datasets(parse_rdflib(client.get("/catalog.ttl?modified_since=2999-01-01T00:00:00")
                                      .get_data(as_text=True), "ttl"))) == 0
    assert len(_datasets(parse_rdflib(client.get("/catalog.ttl?modified_since=2000-01-01")
                                      .get_data(as_text=True), "ttl"))) == listed_count()


def test_unchanged_catalogue_answers_304(client, demo, create_dataset):
    first = client.get("/catalog.ttl")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get("/catalog.ttl", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    since = client.get("/catalog.ttl", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    create_dataset(listed=True, description={"nb": "Ny"})
    changed = client.get("/catalog.ttl", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200


def test_gzip_when_accepted(client, demo):
    plain = client.get("/catalog.nt").data
    zipped = client.get("/catalog.nt", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain


def test_dataset_uri_dereferences_to_rdf_or_html(client, full_record):
    dataset = full_record["dataset"]
    rdf = client.get(f"/datasets/{dataset.id}", headers={"Accept": "text/turtle"})
    assert rdf.status_code == 200 and rdf.mimetype == "text/turtle"
    graph = parse_rdflib(rdf.get_data(as_text=True), "ttl")
    assert _datasets(graph) == {URIRef(f"https://data.test.example/datasets/{dataset.id}")}
    html = client.get(f"/datasets/{dataset.id}", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert html.status_code == 200 and html.mimetype == "text/html"
    for ext in TYPES:
        assert client.get(f"/datasets/{dataset.id}.{ext}").status_code == 200
    assert client.get(f"/datasets/{dataset.id}.exe").status_code == 404


def test_distribution_and_data_service_documents(client, full_record):
    dist, system = full_record["distribution"], full_record["system"]
    graph = parse_rdflib(client.get(f"/distributions/{dist.id}.ttl").get_data(as_text=True), "ttl")
    assert (URIRef(f"https://data.test.example/distributions/{dist.id}"), RDF.type, DCAT.Distribution) in graph
    browser = client.get(f"/distributions/{dist.id}", headers={"Accept": "text/html"})
    assert browser.status_code == 303 and str(full_record["dataset"].id) in browser.headers["Location"]
    graph = parse_rdflib(client.get(f"/data-services/{system.id}.jsonld").get_data(as_text=True), "jsonld")
    service = URIRef(f"https://data.test.example/data-services/{system.id}")
    assert (service, RDF.type, DCAT.DataService) in graph
    assert (service, DCAT.servesDataset, URIRef(f"https://data.test.example/datasets/{full_record['dataset'].id}")) in graph


def test_catalog_asked_by_a_browser_redirects_to_the_dataset_list(client):
    response = client.get("/catalog", headers={"Accept": "text/html"})
    assert response.status_code == 302
