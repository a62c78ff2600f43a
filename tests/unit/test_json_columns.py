"""JSON columns read back exactly what was written, whichever JSON library does the work
(core/db.py: orjson reads, with the standard library where orjson would change a value)."""
from __future__ import annotations

import sqlalchemy as sa

from dmp_registry.core.db import make_engine


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
