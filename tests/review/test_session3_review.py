"""Review of the speed-work commits after 1f4df25: defects found, as failing tests."""
from __future__ import annotations

import threading

import sqlalchemy as sa

from dmp_registry.core import gc_pause
from dmp_registry.core.db import make_engine


class _FakeGC:
    """gc's enable/disable/isenabled, with a hook to interleave two threads deterministically."""

    def __init__(self):
        self.enabled = True
        self.on_isenabled = None

    def isenabled(self):
        value = self.enabled
        if self.on_isenabled is not None:
            self.on_isenabled()
        return value

    def disable(self):
        self.enabled = False

    def enable(self):
        self.enabled = True


def test_gc_pause_two_threaded_streams_leave_the_collector_enabled(monkeypatch):
    """Two feed responses streamed at once (threaded server): B reads isenabled() while A's piece has
    the collector off, A re-enables, then B disables and - having seen it off - never re-enables.
    The collector then stays off for the life of the process (every later stream sees it off too)."""
    fake = _FakeGC()
    monkeypatch.setattr(gc_pause, "gc", fake)
    a_producing, a_may_finish, a_done = threading.Event(), threading.Event(), threading.Event()

    def pieces_a():
        a_producing.set()
        a_may_finish.wait(5)
        yield "a"

    def stream_a():
        list(gc_pause.gc_paused(pieces_a()))
        a_done.set()

    thread = threading.Thread(target=stream_a)
    thread.start()
    assert a_producing.wait(5)

    def b_checks():  # B's isenabled() ran while A's piece was being produced; A finishes before B disables
        fake.on_isenabled = None
        a_may_finish.set()
        assert a_done.wait(5)

    fake.on_isenabled = b_checks
    assert list(gc_pause.gc_paused(iter(["b"]))) == ["b"]
    thread.join(5)
    assert fake.enabled, "cyclic GC left disabled after both streams finished"


def test_json_column_keeps_integers_beyond_64_bits():
    """json_dumps falls back to the standard library for integers over 64 bits (stored exactly), but
    json_loads hands them to orjson, which does not refuse them: it returns a float, so the value read
    back differs from the value written (json.loads returned the exact int before this change)."""
    engine = make_engine("sqlite://")
    meta = sa.MetaData()
    table = sa.Table("t", meta, sa.Column("id", sa.Integer, primary_key=True), sa.Column("data", sa.JSON))
    meta.create_all(engine)
    value = {"n": 2**64 + 1}
    with engine.begin() as conn:
        conn.execute(table.insert(), {"id": 1, "data": value})
        assert conn.scalar(sa.select(table.c.data)) == value


def test_json_column_keeps_nan():
    """json.dumps wrote NaN (and SQLite kept it, json.loads read it back); orjson.dumps writes null
    without raising, so the fallback never runs and the value is silently replaced."""
    engine = make_engine("sqlite://")
    meta = sa.MetaData()
    table = sa.Table("t", meta, sa.Column("id", sa.Integer, primary_key=True), sa.Column("data", sa.JSON))
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(table.insert(), {"id": 1, "data": {"x": float("inf")}})
        assert conn.scalar(sa.select(table.c.data)) == {"x": float("inf")}
