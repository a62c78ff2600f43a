"""Records as JSON built by the database: one row and one JSON decoding per record, with its related
rows nested, instead of a query per related table and a Python conversion per column (SQLAlchemy's
UUID, JSON and datetime processing was most of the time of reading records in bulk).

The same expressions on SQLite (json_object, json_group_array) and PostgreSQL (json_build_object,
json_agg). Values come back as JSON gives them: ids as text (32 hex digits on SQLite), timestamps
as ISO 8601 text without a zone (UTC), booleans as 0/1 on SQLite; `uuid_or_none` and `utc` read them."""
from __future__ import annotations

import datetime as dt
import uuid

import orjson
from sqlalchemy import JSON, func, literal_column, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from .db import db


def _postgres() -> bool:
    return db.dialect == "postgresql"


def json_object(**fields):
    """A JSON object of SQL expressions; JSON columns nested as JSON (not as their text)."""
    args = []
    for name, value in fields.items():
        if not _postgres() and isinstance(value.type, JSON):
            value = func.json(value)
        args += [literal_column(f"'{name}'"), value]  # our own identifiers: literal keys, no bind parameters
    return (func.json_build_object if _postgres() else func.json_object)(*args)


def nested(select_one):
    """The JSON object a one-row select (a related record) gives, or null."""
    value = select_one.scalar_subquery()
    return value if _postgres() else func.json(value)  # SQLite: keep it JSON across the subquery


def json_array(fields: dict, tables, where, order_by):
    """A JSON array of objects of `fields` (columns of `tables`) over the rows matching `where`, in
    `order_by` order, [] when none. `where` may name the enclosing query's tables (correlated)."""
    if _postgres():
        rows = select(func.json_agg(aggregate_order_by(json_object(**fields), *order_by)))
        rows = rows.select_from(*tables).where(*where).correlate_except(*tables)
        return func.coalesce(rows.scalar_subquery(), literal_column("'[]'::json"))
    # SQLite: json_group_array takes rows in the order a subquery with ORDER BY delivers them
    # (an aggregate over it keeps the subquery as it is: no flattening drops its ORDER BY)
    ordered = (select(*(value.label(name) for name, value in fields.items())).select_from(*tables)
               .where(*where).order_by(*order_by).correlate_except(*tables).subquery())
    elements = json_object(**{name: ordered.c[name] for name in fields})
    return func.json(select(func.json_group_array(elements)).select_from(ordered).scalar_subquery())


def rows(statement) -> list[dict]:
    """Run a select of one JSON column; its values decoded. orjson directly: the documents hold
    text, booleans, small integers and validated floats (no integer beyond 64 bits)."""
    return [value if isinstance(value, (dict, list)) else orjson.loads(value)
            for value in db.session.execute(statement).scalars()]


def uuid_or_none(text: str | None) -> uuid.UUID | None:
    return None if text is None else uuid.UUID(text)


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc)
