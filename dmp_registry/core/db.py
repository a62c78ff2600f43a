"""Declarative base, column types and the per-app session.

The session is scoped to the Flask application context and bound to the engine of the
current app, so tests can run several apps (SQLite, PostgreSQL) in one process.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import uuid
from typing import Iterator

import orjson

from flask import current_app
from flask.globals import app_ctx
from sqlalchemy import JSON, BigInteger, DateTime, Integer, MetaData, TypeDecorator, Uuid, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, declared_attr, Mapped, Session, mapped_column, scoped_session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSONB on PostgreSQL (indexable, compact), plain JSON text elsewhere.
JSONType = JSON().with_variant(JSONB(), "postgresql")
# SQLite only auto-increments INTEGER PRIMARY KEY; BIGINT elsewhere.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, returns aware UTC: identical values on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else _as_utc(value)

    def result_processor(self, dialect, coltype):
        """SQLite keeps the ISO 8601 text SQLAlchemy wrote: one Python call per value (parse and mark
        as UTC) instead of the dialect's processor followed by `process_result_value`."""
        general = super().result_processor(dialect, coltype)
        if dialect.name != "sqlite":
            return general
        parse = dt.datetime.fromisoformat

        def process(value):
            if value is None:
                return None
            try:
                return _as_utc(parse(value))
            except (TypeError, ValueError):
                return general(value)
        return process


def _as_utc(value: dt.datetime) -> dt.datetime:
    """Naive values are UTC (as written); a value with an offset (written by other means) is converted."""
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class RecordMixin:
    """uuid primary key, timestamps and a version counter used for optimistic locking."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls):
        # The ORM bumps `version` on every UPDATE and raises StaleDataError when a concurrent
        # transaction already did: optimistic locking below the API's own version check.
        return {"version_id_col": cls.__table__.c.version}


def _on_sqlite_connect(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


_LONG_DIGITS = re.compile(r"\d{19}")
_LONG_DIGITS_BYTES = re.compile(rb"\d{19}")


def json_loads(text):
    """orjson where it gives the same value (5x the standard library: the DCAT feed decodes seven
    JSON columns per dataset); the standard library for NaN/Infinity (orjson refuses them) and for
    text with a 19-digit run, which may be an integer beyond 64 bits (orjson reads those as floats)."""
    if isinstance(text, memoryview):
        text = bytes(text)
    if (_LONG_DIGITS if isinstance(text, str) else _LONG_DIGITS_BYTES).search(text) is None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


def make_engine(url: str):
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, json_deserializer=json_loads)
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, json_deserializer=json_loads)


def _app_context_id():
    return id(app_ctx._get_current_object())


class AppSession(Session):
    """A session that talks to the engine of the current Flask app unless bound explicitly."""

    def get_bind(self, mapper=None, clause=None, **kw):
        if self.bind is not None:
            return self.bind
        return current_app.extensions["dmp_engine"]


class Database:
    """Holds one engine per app; `db.session` is the session of the current app context."""

    def __init__(self):
        self.session = scoped_session(
            sessionmaker(class_=AppSession, expire_on_commit=False, autoflush=True), scopefunc=_app_context_id
        )

    def init_app(self, app):
        app.extensions["dmp_engine"] = make_engine(app.config["DMP_DATABASE_URL"])
        app.teardown_appcontext(self._remove_session)
        app.teardown_request(self._remove_session)  # a fresh session per request, also when a test holds the app context

    def _remove_session(self, _exc=None):
        self.session.remove()

    @property
    def engine(self):
        return current_app.extensions["dmp_engine"]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def new_pool_in_child(self) -> None:
        """In a forked child: the app's engine opens connections of its own from now on. The
        parent's connections are never used or closed here (a PostgreSQL connection's socket is
        shared with the parent; closing the last SQLite connection to a file may checkpoint it), so
        the old pool is kept referenced until the child exits (without running finalisers, as a
        forked multiprocessing child does). A new SQLite connection in the child shares the
        parent's inherited lock bookkeeping and takes no locks: read only, and only what no one can
        change meanwhile (see search.repair._snapshot_safe_in_child)."""
        engine = self.engine
        _INHERITED_POOLS.append(engine.pool)
        engine.dispose(close=False)


_INHERITED_POOLS: list = []

db = Database()


def id_chunks(ids) -> list[list]:
    """Id lists cut to what one `in_ids` condition takes: everything at once on PostgreSQL (one array
    parameter), 500 bound parameters a statement elsewhere."""
    ids = list(ids)
    size = (len(ids) or 1) if db.dialect == "postgresql" else 500
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def in_ids(column, ids):
    """`column IN (ids)`, as `column = ANY(:array)` on PostgreSQL: one parameter instead of thousands,
    so a long list costs neither statement compilation nor driver-side parsing, and the statement
    text (hence its cache entry) stays the same whatever the length."""
    if db.dialect == "postgresql":
        from sqlalchemy import any_, bindparam
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == any_(bindparam(None, list(ids), type_=ARRAY(column.type)))
    return column.in_(list(ids))


def bulk_insert(session, table, rows: list[dict]) -> None:
    """Insert many rows of one table in the session's transaction: COPY on PostgreSQL (several times
    faster than executemany for wide rows), many rows per INSERT statement elsewhere (SQLite works
    on a whole statement with the GIL released, and FTS5 triggers flush once per statement, not per
    row). A column a row leaves out gets its Python default (None if it has none), and values go
    through each column type's bind processing, as in a Core insert."""
    if not rows:
        return
    given = list(dict.fromkeys(key for row in rows for key in row))  # rows may leave out nullable columns
    connection = session.connection()
    defaults = {c.name: c.default for c in table.columns
                if c.default is not None and (c.default.is_scalar or c.default.is_callable)}
    columns = given + [name for name in defaults if name not in given]
    processors = [table.c[name].type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
                  for name in columns]
    missing = object()

    def default(name: str):
        d = defaults.get(name)
        return None if d is None else d.arg if d.is_scalar else d.arg(None)

    def values(row) -> list:
        out = []
        for name, proc in zip(columns, processors):
            value = row.get(name, missing)
            if value is missing:
                value = default(name)
            out.append(value if proc is None or value is None else proc(value))
        return out

    names = ", ".join(f'"{name}"' for name in columns)
    if connection.dialect.name == "postgresql":
        with connection.connection.driver_connection.cursor() as cursor, \
                cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(values(row))
        return
    per_statement = max(1, _sqlite_max_parameters(connection) // len(columns))
    for start in range(0, len(rows), per_statement):
        chunk = rows[start:start + per_statement]
        marks = ", ".join([f"({', '.join('?' * len(columns))})"] * len(chunk))
        connection.exec_driver_sql(f'INSERT INTO "{table.name}" ({names}) VALUES {marks}',
                                   tuple(v for row in chunk for v in values(row)))


# SQLITE_MAX_VARIABLE_NUMBER: 32,766 since SQLite 3.32, 999 before (a build may set its own; the
# connection's limit is read when the driver can tell it)
_SQLITE_MAX_PARAMETERS = 32_766 if sqlite3.sqlite_version_info >= (3, 32) else 999


def _sqlite_max_parameters(connection) -> int:
    raw = connection.connection.driver_connection
    getlimit = getattr(raw, "getlimit", None)  # Python 3.11+
    return getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if getlimit else _SQLITE_MAX_PARAMETERS


def copy_rows(session, stmt, settings: dict | None = None) -> Iterator[tuple]:
    """The rows of a Core select on PostgreSQL, streamed with COPY TO: the server produces rows while
    the caller consumes them. `settings` are planner settings for this statement only.

    Inside a savepoint that is always rolled back: it undoes the settings, and a consumer that stops
    early (a harvester hanging up) leaves the session's transaction usable. COPY takes no server-side
    parameters, so values are rendered as literals by their column types (and the driver's `%%`
    escape undone: no placeholder is left for the driver to read it)."""
    connection = session.connection()
    sql = str(stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})).replace("%%", "%")
    raw = connection.connection.driver_connection
    with raw.transaction(force_rollback=True), raw.cursor() as cursor:
        for name, value in (settings or {}).items():
            cursor.execute("SELECT set_config(%s, %s, true)", (name, value))
        with cursor.copy(f"COPY ({sql}) TO STDOUT") as copy:
            copy.set_types(["text"] * len(stmt.selected_columns))
            yield from copy.rows()
