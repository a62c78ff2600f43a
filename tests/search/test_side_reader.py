"""The embedded search counts its facets on a second SQLite connection while the request's own
connection ranks the page: the answer is the one the single-connection path gives."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy.engine import make_url

from dmp_registry.core.db import db
from dmp_registry.core.identity import system_identity
from dmp_registry.search import fallback
from dmp_registry.search.query import SearchRequest


@pytest.fixture
def drained(corpus, drain):
    drain()  # the embedded index only: the side reader is the embedded engine's
    return corpus


@pytest.mark.parametrize("q, filters", [("fugler", {}), ("", {}), ("dovre*", {}), ("fugler", {"theme": ["x"]}),
                                        ("ingenting-finnes", {})])
def test_counts_beside_the_page_equal_counts_after_it(drained, monkeypatch, q, filters):
    req = SearchRequest(q=q, filters=filters)
    threads = []
    run = fallback.side_reader._run
    monkeypatch.setattr(fallback.side_reader, "_run",
                        lambda *a: threads.append(threading.current_thread().name) or run(*a))
    beside = fallback.search(system_identity, req)
    assert bool(threads) == (db.dialect == "sqlite")  # SQLite files use it; PostgreSQL does not
    assert all(name.startswith("dmp-search-side") for name in threads)
    monkeypatch.setattr(fallback.side_reader, "submit", lambda sql, params: None)
    assert fallback.search(system_identity, req) == beside


def test_only_sqlite_files_get_a_second_connection():
    assert fallback._file_path(make_url("sqlite:////var/lib/dmp/registry.sqlite")) == "/var/lib/dmp/registry.sqlite"
    for url in ("sqlite://", "sqlite:///:memory:", "sqlite:///file:mem?mode=memory&uri=true",
                "postgresql+psycopg://u@localhost/dmp"):
        assert fallback._file_path(make_url(url)) is None, url


def test_a_forked_process_starts_its_own_threads(drained, monkeypatch):
    reader = fallback._SideReader()
    sql, params = "SELECT count(*) FROM search_document WHERE id > :n", {"n": 0}
    if reader.submit(sql, params) is None:
        assert db.dialect != "sqlite"
        return
    first = reader._pool
    assert reader.submit(sql, params).result() == [(len(drained),)]
    monkeypatch.setattr(fallback.os, "getpid", lambda: -1)  # as in a child after fork
    assert reader.submit(sql, params).result() == [(len(drained),)]
    assert reader._pool is not first
    first.shutdown()
    reader._pool.shutdown()


def test_an_error_in_the_count_reaches_the_request(drained):
    future = fallback.side_reader.submit("SELECT no_such_column FROM search_document", {})
    if future is None:
        assert db.dialect != "sqlite"
        return
    with pytest.raises(Exception, match="no_such_column"):
        future.result()


def test_busy_threads_leave_the_query_to_the_caller(drained, monkeypatch):
    """Many searches at once: a request does its own count rather than queue behind others'."""
    reader = fallback._SideReader()
    release = threading.Event()
    monkeypatch.setattr(reader, "_run", lambda *a: release.wait(10) and ["done"])
    sql = "SELECT 1"
    first = reader.submit(sql, {})
    if first is None:
        assert db.dialect != "sqlite"
        return
    second = reader.submit(sql, {})
    assert second is not None and reader.submit(sql, {}) is None  # both threads busy
    release.set()
    assert first.result() == second.result() == ["done"]
    assert reader.submit(sql, {}).result() == ["done"]  # free again
    reader._pool.shutdown()
