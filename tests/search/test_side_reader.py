"""The embedded search counts its facets on a second SQLite connection while the request's own
connection ranks the page: the answer is the one the single-connection path gives, and every case
where a second connection could see something else (writes of this transaction, another file, a
forked child, busy threads) falls back to counting on the request's own connection."""
from __future__ import annotations

import os
import sqlite3
import threading

import pytest
from sqlalchemy import text

from dmp_registry.core.db import db
from dmp_registry.core.identity import system_identity
from dmp_registry.search import fallback
from dmp_registry.search.query import SearchRequest


@pytest.fixture
def drained(corpus, drain):
    drain()  # the embedded index only: the side reader is the embedded engine's
    return corpus


def sqlite_only():
    if db.dialect != "sqlite":  # PostgreSQL counts on the request's connection: nothing to run beside
        assert fallback._database_file() is None
        return False
    return True


@pytest.mark.parametrize("q, filters", [("fugler", {}), ("", {}), ("dovre*", {}), ("fugler", {"theme": ["x"]}),
                                        ("ingenting-finnes", {})])
def test_counts_beside_the_page_equal_counts_after_it(drained, monkeypatch, q, filters):
    req = SearchRequest(q=q, filters=filters)
    threads = []
    run = fallback.side_reader._run
    monkeypatch.setattr(fallback.side_reader, "_run",
                        lambda *a: threads.append(threading.current_thread().name) or run(*a))
    beside = fallback.search(system_identity, req)
    assert bool(threads) == (db.dialect == "sqlite")
    assert all(name.startswith("dmp-search-side") for name in threads)
    monkeypatch.setattr(fallback.side_reader, "submit", lambda sql, params, then=None: None)
    assert fallback.search(system_identity, req) == beside


def test_the_database_file_is_the_one_sqlite_has_open(drained):
    if not sqlite_only():
        return
    path = fallback._database_file()
    assert os.path.isabs(path)
    [(file,)] = db.session.execute(text("SELECT file FROM pragma_database_list WHERE name = 'main'")).all()
    assert os.path.samefile(path, file)


def test_a_transaction_that_wrote_counts_on_its_own_connection(drained):
    """The other connection would not see this transaction's rows."""
    if not sqlite_only():
        return
    assert fallback.side_reader.submit("SELECT 1", {}) is not None
    db.session.execute(text("UPDATE search_document SET title_sort = title_sort"))  # a write, not committed
    assert fallback.side_reader.submit("SELECT 1", {}) is None
    db.session.rollback()


def test_a_file_restored_over_the_old_one_is_read_anew(drained, tmp_path):
    if not sqlite_only():
        return
    path, other = str(tmp_path / "copy.sqlite"), str(tmp_path / "other.sqlite")
    source = db.session.connection().connection.driver_connection
    for target in (path, other):  # rollback-journal copies: a restored file comes without a WAL
        copy = sqlite3.connect(target)
        source.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")
        copy.close()
    copy = sqlite3.connect(other)
    with copy:
        copy.execute("DELETE FROM search_document WHERE id = (SELECT min(id) FROM search_document)")
    copy.close()
    reader, sql = fallback._SideReader(), "SELECT count(*) FROM search_document"
    before = reader._run(path, sql, {})
    os.replace(other, path)  # a restore: a new file under the old name
    assert reader._run(path, sql, {}) == [(before[0][0] - 1,)]


def test_a_missing_file_is_not_created_and_the_search_still_answers(drained, tmp_path, monkeypatch):
    if not sqlite_only():
        return
    missing = str(tmp_path / "gone.sqlite")
    with pytest.raises(OSError):
        fallback._SideReader()._run(missing, "SELECT 1", {})
    assert not os.path.exists(missing)
    expected = fallback.search(system_identity, SearchRequest(q="fugler"))
    monkeypatch.setattr(fallback, "_database_file", lambda: missing)
    assert fallback.search(system_identity, SearchRequest(q="fugler")) == expected


def test_a_forked_child_starts_its_own_threads(drained):
    """After fork the child has no worker threads and maybe a lock held by one: it must not wait."""
    if not sqlite_only():
        return
    sql, params = "SELECT count(*) FROM search_document WHERE id > :n", {"n": 0}
    assert fallback.side_reader.submit(sql, params).result() == [(len(drained),)]  # threads exist now
    pid = os.fork()
    if pid == 0:  # the child: answer through the shared reader, then leave without pytest's clean-up
        try:
            future = fallback.side_reader.submit(sql, params)
            os._exit(0 if future is not None and future.result(timeout=10) == [(len(drained),)] else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def test_an_error_in_the_count_reaches_the_caller(drained):
    if not sqlite_only():
        return
    future = fallback.side_reader.submit("SELECT no_such_column FROM search_document", {})
    with pytest.raises(sqlite3.OperationalError, match="no_such_column"):
        future.result()


def test_busy_threads_leave_the_query_to_the_caller(drained, monkeypatch):
    """Many searches at once: a request does its own count rather than queue behind others'."""
    if not sqlite_only():
        return
    reader = fallback._SideReader()
    release = threading.Event()
    monkeypatch.setattr(reader, "_run", lambda *a: release.wait(10) and ["done"])
    first = reader.submit("SELECT 1", {})
    second = reader.submit("SELECT 1", {})
    assert second is not None and reader.submit("SELECT 1", {}) is None  # both threads busy
    release.set()
    assert first.result() == second.result() == ["done"]
    assert reader.submit("SELECT 1", {}).result() == ["done"]  # free again
    reader._pool.shutdown()
