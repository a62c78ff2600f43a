"""Search fixtures: a small judged corpus, drain, and the real Elasticsearch of `make test`.

Tests marked `es` need DMP_TEST_ES_URL; without it they fail (not skip), so a CI run cannot pass
silently without Elasticsearch. For a quick local run without it: `pytest -m "not es"`."""
from __future__ import annotations

import os
import uuid

import pytest

from dmp_registry.search import client as es_client
from dmp_registry.search.registry import search_types
from dmp_registry.search.worker import drain as drain_outbox
from dmp_registry.vocabularies.terms import CLASSIFICATION_RESTRICTED, local

from .corpus import CORPUS

EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
INDEX_PREFIX = f"test-{uuid.uuid4().hex[:8]}"  # one per pytest process: SQLite and PostgreSQL runs apart


@pytest.fixture(autouse=True)
def _require_es_url(request):
    if request.node.get_closest_marker("es") and not os.environ.get("DMP_TEST_ES_URL"):
        pytest.fail("DMP_TEST_ES_URL is not set: `make test` starts Elasticsearch and sets it "
                    "(or run without these tests: -m 'not es')", pytrace=False)


@pytest.fixture
def drain():
    def run():
        report = drain_outbox()
        assert report.failed == 0, report.errors
        return report
    return run


@pytest.fixture
def corpus(create_dataset, create_unit, create_distribution):
    """{key: dataset} from tests/search/corpus.py, plus a CSV distribution of `birds`."""
    unit = create_unit()
    made = {}
    for key, spec in CORPUS.items():
        extra = dict(spec)
        extra["themes"] = [EU_THEME + t for t in extra.pop("themes", [])]
        if extra.pop("restricted", False):
            extra["classification"] = CLASSIFICATION_RESTRICTED
        backed_up = extra.pop("backed_up", None)
        if backed_up is not None:
            kind = "institutional-backed-up" if backed_up else "personal-laptop"
            extra["storage_locations"] = [{"kind": local("storage-kind", kind), "backed_up": backed_up}]
        made[key] = create_dataset(unit=unit, **extra)
    made["birds_csv"] = create_distribution(made["birds"], title={"nb": "Fugletellinger som CSV"},
                                            format="http://publications.europa.eu/resource/authority/file-type/CSV")
    return made


@pytest.fixture(scope="session")
def es_url():
    url = os.environ.get("DMP_TEST_ES_URL")
    yield url
    if url:  # this process's indices go with it
        from elasticsearch import Elasticsearch

        Elasticsearch(url).indices.delete(index=f"{INDEX_PREFIX}-*", allow_no_indices=True)


@pytest.fixture
def es(app, es_url, monkeypatch):
    """The app pointed at the test Elasticsearch (own index prefix), emptied after the test."""
    monkeypatch.setitem(app.config, "DMP_ELASTICSEARCH_URL", es_url)
    monkeypatch.setitem(app.config, "DMP_SEARCH_INDEX_PREFIX", INDEX_PREFIX)
    monkeypatch.setitem(app.config, "DMP_SEARCH_REFRESH", True)
    app.extensions.pop("dmp_search_es", None)
    client = es_client.raw_client()
    yield client
    _empty(client)
    app.extensions.pop("dmp_search_es", None)


@pytest.fixture
def no_indices(es):
    """No index of this test process: the test lays its own out; the next test's first write makes
    the records index again."""
    es.indices.delete(index=f"{INDEX_PREFIX}-*", allow_no_indices=True)
    yield
    es.indices.delete(index=f"{INDEX_PREFIX}-*", allow_no_indices=True)


def _empty(client) -> None:
    """Delete every test document (the test distribution has no _delete_by_query; few documents)."""
    found = client.search(index=f"{INDEX_PREFIX}-*", size=10_000, source=False, ignore_unavailable=True,
                          allow_no_indices=True)["hits"]["hits"]
    if found:
        client.bulk(operations=[{"delete": {"_index": h["_index"], "_id": h["_id"]}} for h in found], refresh=True)


def hits(response_or_result) -> list[str]:
    result = getattr(response_or_result, "json", response_or_result)
    return [item["id"] for item in result["items"]]


def type_names():
    return list(search_types())


@pytest.fixture(params=["embedded", pytest.param("elasticsearch", marks=pytest.mark.es)])
def engine(request, app):
    """Runs a test on the embedded index and on the real Elasticsearch; yields the engine name
    the response must report."""
    if request.param == "elasticsearch":
        request.getfixturevalue("es")
        return "elasticsearch"
    return "postgresql" if app.config["DMP_DATABASE_URL"].startswith("postgresql") else "sqlite"


@pytest.fixture
def indexed_corpus(corpus, drain, engine):
    drain()
    return corpus
