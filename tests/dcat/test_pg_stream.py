"""The PostgreSQL feed reader (documents built by the database, streamed with COPY) gives exactly the
feed of the keyset reader, which SQLite uses; a harvester hanging up leaves the session usable.

PostgreSQL only: these run in the PostgreSQL pass of `make test`."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import text

from dmp_registry.core.db import db
from dmp_registry.core.uow import unit_of_work
from dmp_registry.dcat import records
from dmp_registry.dcat.feed import catalog_chunks
from dmp_registry.dcat.records import Window
from dmp_registry.dcat.terms import Settings
from dmp_registry.dcat.writers import WRITERS


@pytest.fixture(autouse=True)
def postgres_only(app):
    if db.dialect != "postgresql":
        pytest.skip("the PostgreSQL reader: runs in the PostgreSQL pass of make test")


def _feed(ext, window=Window(), profile=None):
    return "".join(WRITERS[ext](catalog_chunks(Settings.from_app(profile), window, chunk=3)))


def _keyset_feed(monkeypatch, *args):
    with monkeypatch.context() as patch:
        patch.setattr(records, "iter_batches", lambda window, batch, lookups: records._keyset_batches(window, batch, lookups))
        return _feed(*args)


@pytest.mark.parametrize("ext", sorted(WRITERS))
def test_stream_writes_the_keyset_readers_bytes(full_record, demo, ext, monkeypatch):
    streamed = _feed(ext)
    assert "dcat:Dataset" in streamed or "dcat#Dataset" in streamed
    assert streamed == _keyset_feed(monkeypatch, ext)


@pytest.mark.parametrize("profile", ["dcat-ap", "dcat-ap-no"])
def test_stream_agrees_in_both_profiles(full_record, profile, monkeypatch):
    assert _feed("ttl", Window(), profile) == _keyset_feed(monkeypatch, "ttl", Window(), profile)


def test_stream_respects_the_window(full_record, demo, monkeypatch):
    ids = sorted(r["id"] for rows in records._keyset_batches(Window(), 1000, records.Lookups()) for r in rows)
    middle = Window(after=ids[1], before=ids[-2], modified_since=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc))
    streamed = [r["id"] for rows in records.iter_batches(middle, 2) for r in rows]
    assert streamed == [str(i) for i in ids[2:-2]]
    assert _feed("nt", middle) == _keyset_feed(monkeypatch, "nt", middle)


def test_modified_since_is_rendered_to_the_microsecond_in_utc(full_record, demo, monkeypatch):
    from sqlalchemy import select

    from dmp_registry.datasets.models import Dataset

    stamps = sorted(db.session.scalars(select(Dataset.updated_at).where(Dataset.listed.is_(True))))
    cutoff = stamps[len(stamps) // 2].astimezone(dt.timezone(dt.timedelta(hours=1)))  # same instant, +01:00
    window = Window(modified_since=cutoff)
    expected = sum(1 for s in stamps if s >= cutoff)
    assert 0 < expected < len(stamps)
    assert sum(len(rows) for rows in records.iter_batches(window, 100)) == expected
    assert _feed("nt", window) == _keyset_feed(monkeypatch, "nt", window)


def test_stream_leaves_out_unlisted_datasets(create_dataset):
    listed = create_dataset(listed=True)
    hidden = create_dataset(listed=False)
    feed = _feed("nt")
    assert str(listed.id) in feed and str(hidden.id) not in feed


def test_hanging_up_leaves_the_session_usable_and_the_planner_as_it_was(full_record, demo):
    with unit_of_work():
        chunks = catalog_chunks(Settings.from_app(), chunk=1)
        for _ in range(3):  # the catalogue node, then datasets from the open COPY
            next(chunks)
        chunks.close()  # what the server does when the client goes away
        assert db.session.execute(text("SHOW enable_sort")).scalar() == "on"
        assert db.session.execute(text("SELECT count(*) FROM dataset")).scalar() >= 2


def test_documents_stream_without_a_sort_and_without_jit(full_record, demo):
    """With a sort below it, PostgreSQL builds every document before it sends the first, and the
    database's work no longer overlaps the writer's (the feed of 100,000 took 7.5 s instead of 3.2)."""
    from dmp_registry.dcat import pg_stream

    sql = pg_stream.document_select(Window()).compile(dialect=db.session.connection().dialect,
                                                      compile_kwargs={"literal_binds": True})
    with unit_of_work():
        for name, value in pg_stream.STREAMING.items():
            db.session.execute(text("SELECT set_config(:n, :v, true)"), {"n": name, "v": value})
        db.session.execute(text("SET LOCAL jit_above_cost = 0"))  # would compile, were JIT on
        plan = "\n".join(db.session.execute(text(f"EXPLAIN {sql}")).scalars())
        db.session.rollback()
    assert re.search(r"^\s*Index Scan using pk_dataset on dataset\s+\(", plan, re.M), plan  # not "dataset source"
    assert "Sort" not in plan and "JIT" not in plan
