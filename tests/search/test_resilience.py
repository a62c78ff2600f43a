"""Elasticsearch stopped and restarted mid-test, alias-swap rebuild under concurrent writes,
and `search check` finding a deliberately corrupted index. Real Elasticsearch."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from dmp_registry.core.db import db
from dmp_registry.core.identity import system_identity
from dmp_registry.core.uow import unit_of_work
from dmp_registry.datasets.service import dataset_service
from dmp_registry.search import client as es_client
from dmp_registry.search import indices, repair
from dmp_registry.search.outbox import OutboxEntry
from dmp_registry.search.registry import search_type
from dmp_registry.vocabularies.terms import local

from .conftest import hits
from .proxy import Proxy

pytestmark = pytest.mark.es


@pytest.fixture
def proxied_es(app, es, es_url, monkeypatch):
    proxy = Proxy(es_url)
    proxy.start()
    monkeypatch.setitem(app.config, "DMP_ELASTICSEARCH_URL", proxy.url)
    monkeypatch.setitem(app.config, "DMP_SEARCH_RETRY_SECONDS", 0)  # retry at once in this test
    app.extensions.pop("dmp_search_es", None)
    yield proxy
    proxy.stop()


def _post(client, headers, unit, title):
    response = client.post("/api/v1/datasets/", headers=headers, json={
        "title": {"nb": title}, "unit_id": str(unit.id), "dataset_type": local("dataset-type", "research-data"),
        "classification": local("classification", "open")})
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_writes_survive_an_outage_and_the_index_converges(client, curator, create_unit, proxied_es):
    headers, unit = curator[2], create_unit()
    before = _post(client, headers, unit, "Moskus før stans")
    assert client.get("/api/v1/search/?q=moskus", headers=headers).json["engine"] == "elasticsearch"

    proxied_es.stop()
    during = _post(client, headers, unit, "Moskus under stans")  # the write succeeds
    pending = db.session.scalars(select(OutboxEntry)).all()
    assert [e.entity_id for e in pending if e.entity_type == "dataset"] == [during]
    assert all(e.attempts >= 1 and e.last_error for e in pending)
    result = client.get("/api/v1/search/?q=moskus", headers=headers).json
    assert result["degraded"] is True and result["engine"] != "elasticsearch"
    assert sorted(hits(result)) == sorted([before, during])  # answered from the embedded index

    proxied_es.start()
    first = client.get("/api/v1/search/?q=moskus", headers=headers).json  # ES again; drains after
    assert first["engine"] == "elasticsearch" and first["degraded"] is False
    result = client.get("/api/v1/search/?q=moskus", headers=headers).json
    assert sorted(hits(result)) == sorted([before, during]) and result["engine"] == "elasticsearch"
    assert db.session.scalars(select(OutboxEntry)).all() == []


def _title(es, st, record_id):
    return es.get(index=indices.alias_name(st), id=record_id)["_source"]["title"]["nb"]


def test_rebuild_swaps_the_alias_without_losing_concurrent_writes(create_dataset, create_unit, drain, es,
                                                                  monkeypatch):
    unit = create_unit()
    datasets = [create_dataset(unit=unit, title={"nb": f"Serie {i}"}) for i in range(12)]
    drain()
    st = search_type("dataset")
    old_index = indices.concrete_indices(es, indices.alias_name(st))
    datasets.sort(key=lambda d: str(d.id))  # the rebuild reads in this order, 4 per chunk
    early, gone_early, gone_late, late = datasets[0], datasets[1], datasets[-2], datasets[-1]
    monkeypatch.setattr(repair, "CHUNK", 4)
    real_documents = repair._documents

    def documents_with_writes_in_between(search_type_, ids):
        for n, docs in enumerate(real_documents(search_type_, ids)):
            yield docs
            if n == 0:  # a writer commits while the rebuild is half-way: both sides of the cursor
                with unit_of_work():
                    for ds in (early, late):
                        dataset_service.update(system_identity, ds.id, {"title": {"nb": "Endret under bygging"}}, 1)
                    for ds in (gone_early, gone_late):
                        dataset_service.delete(system_identity, ds.id)
                drain()

    monkeypatch.setattr(repair, "_documents", documents_with_writes_in_between)
    real_ids = repair._ids
    monkeypatch.setattr(repair, "_ids", lambda st_: [d.id for d in datasets] if st_ is st else real_ids(st_))
    counts = repair.rebuild_elasticsearch(es)
    assert counts["dataset"] == 12 - 1  # the late deleted one is gone when its chunk loads
    new_index = indices.concrete_indices(es, indices.alias_name(st))
    assert len(new_index) == 1 and new_index != old_index and not es.indices.exists(index=old_index[0])
    assert _title(es, st, str(early.id)) == _title(es, st, str(late.id)) == "Endret under bygging"
    assert all(r.ok for r in repair.check(st, es)), repair.check(st, es)


def test_check_finds_a_corrupted_index_and_rebuild_repairs_it(app, corpus, drain, es, monkeypatch):
    drain()
    st = search_type("dataset")
    alias = indices.alias_name(st)
    es.delete(index=alias, id=str(corpus["fish"].id), refresh=True)
    extra = {"id": "x", "record_type": "dataset", "version": 1, "readers": ["staff"]}
    es.index(index=alias, id=str(uuid.uuid4()), document=extra, refresh=True)
    monkeypatch.setitem(app.config, "DMP_SEARCH_DRAIN_IN_PROCESS", False)
    with unit_of_work():
        dataset_service.update(system_identity, corpus["birds"].id, {"title": {"nb": "Fugler, nå endret"}}, 1)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["dmp", "search", "check", "dataset"])
    assert result.exit_code == 1
    assert "elasticsearch dataset: 6 records, 1 missing, 1 stale, 1 extra" in result.output
    assert f"missing {corpus['fish'].id}" in result.output
    assert "embedded dataset: 6 records, 0 missing, 1 stale, 0 extra" in result.output
    assert runner.invoke(args=["dmp", "search", "rebuild", "dataset"]).exit_code == 0
    result = runner.invoke(args=["dmp", "search", "check", "dataset"])
    assert "elasticsearch dataset: 6 records, 0 missing, 0 stale, 0 extra" in result.output, result.output
    assert es_client.client() is not None


def test_backlog_check_once_a_second_and_right_after_an_outage(app, monkeypatch):
    """Searches answered by Elasticsearch look for failed outbox entries at most once a second
    (not on every request), and at once after this process saw an outage."""
    monkeypatch.setitem(app.config, "DMP_ELASTICSEARCH_URL", "http://127.0.0.1:9")  # never contacted
    app.extensions.pop("dmp_search_es", None)
    clock = [1000.0]
    monkeypatch.setattr(es_client.time, "monotonic", lambda: clock[0])
    try:
        assert es_client.backlog_check_due()
        assert not es_client.backlog_check_due()
        clock[0] += es_client.BACKLOG_CHECK_SECONDS
        assert es_client.backlog_check_due()
        es_client.mark_down(ConnectionError("refused"))
        assert es_client.backlog_check_due()
        assert not es_client.backlog_check_due()
    finally:
        app.extensions.pop("dmp_search_es", None)
