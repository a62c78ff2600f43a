"""core.db.bulk_insert on SQLite writes many rows per statement: every row arrives with its
defaults and bind processing whatever the statement boundaries; and SQLite timestamps read back
through the fast ISO 8601 path give the values written."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from dmp_registry.core import db as core_db
from dmp_registry.core.db import UTCDateTime, bulk_insert, make_engine

meta = sa.MetaData()
table = sa.Table("t", meta, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("ref", sa.Uuid), sa.Column("data", sa.JSON),
                 sa.Column("kind", sa.String(10), default="plain"),
                 sa.Column("at", UTCDateTime, default=lambda: dt.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=dt.timezone.utc)))


# 23 rows of 5 columns: one statement; one row a statement; 2 and 3 rows a statement, the last one short
@pytest.mark.parametrize("limit", [32_766, 5, 12, 15])
def test_every_row_arrives_processed_with_its_defaults(monkeypatch, limit):
    monkeypatch.setattr(core_db, "_sqlite_max_parameters", lambda connection: limit)
    engine = make_engine("sqlite://")
    meta.create_all(engine)
    inserts = []
    sa.event.listen(engine, "before_cursor_execute",
                    lambda conn, cursor, sql, *args: inserts.append(sql) if sql.startswith("INSERT") else None)
    refs = [uuid.uuid4() for _ in range(23)]
    rows = [{"id": i, "ref": ref, "data": {"n": i, "æ": [1, None]}} for i, ref in enumerate(refs)]
    rows[4]["kind"] = "given"
    with Session(engine) as session:
        bulk_insert(session, table, rows)
        session.commit()
        got = session.execute(sa.select(table).order_by(table.c.id)).all()
    assert [(r.id, r.ref, r.data) for r in got] == [(i, ref, {"n": i, "æ": [1, None]}) for i, ref in enumerate(refs)]
    assert [r.kind for r in got] == ["plain"] * 4 + ["given"] + ["plain"] * 18  # a row leaving a column out gets its default
    per_statement = max(1, limit // 5)
    assert len(inserts) == -(-23 // per_statement)
    assert {r.at for r in got} == {dt.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=dt.timezone.utc)}


@pytest.mark.parametrize("stored, expected", [
    ("2026-11-23 10:00:00.123456", dt.datetime(2026, 11, 23, 10, 0, 0, 123456, tzinfo=dt.timezone.utc)),
    ("2026-11-23 10:00:00", dt.datetime(2026, 11, 23, 10, 0, 0, tzinfo=dt.timezone.utc)),  # CURRENT_TIMESTAMP
    ("2026-11-23T10:00:00.5", dt.datetime(2026, 11, 23, 10, 0, 0, 500000, tzinfo=dt.timezone.utc)),
    ("2026-11-23 10:00:00+02:00", dt.datetime(2026, 11, 23, 8, 0, 0, tzinfo=dt.timezone.utc)),  # written by other means
])
def test_sqlite_timestamps_read_back_as_aware_utc(stored, expected):
    engine = make_engine("sqlite://")
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO t (id, at) VALUES (1, ?)", (stored,))
        assert conn.scalar(sa.select(table.c.at)) == expected
