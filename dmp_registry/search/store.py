"""The embedded index: one `search_document` row per record, kept by the outbox drain like the
Elasticsearch index. Full-text matching runs on SQLite FTS5 (`search_fts`, an external-content
table synced by triggers) or PostgreSQL GIN expression indexes; both made by the migration."""
from __future__ import annotations

import json
import uuid

import orjson
from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, Text, Uuid, delete, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import Base, BigIntPK, JSONType, bulk_insert, db
from .analysis import terms_text
from .facets import facet_set_key, facet_values, filter_tokens

# Document keys that are not searchable text (ids, codes, permissions, the title handled apart).
_NOT_TEXT = {"id", "record_type", "version", "readers", "uri", "title", "title_sort", "created_at",
             "updated_at", "unit_id", "custodian_id", "created_by_id", "listed", "personal_data", "backed_up"}


class SearchDocument(Base):
    __tablename__ = "search_document"
    __table_args__ = (Index("uq_search_document_record", "record_type", "record_id", unique=True),
                      # counting facets on SQLite: (id → facet_set) without reading the wide row, and back
                      Index("ix_search_document_facet_of", "id", "facet_set"),
                      Index("ix_search_document_facet_set", "facet_set"),
                      {"info": {"derived": True}})

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    version: Mapped[int] = mapped_column(Integer)
    title_sort: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[str] = mapped_column(String(40), default="")  # ISO 8601 UTC, sorts as text
    document: Mapped[dict] = mapped_column(JSONType)
    facet_values: Mapped[dict] = mapped_column(JSONType)
    facet_set: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")  # facets.facet_set_key(facet_values)
    title_terms: Mapped[str] = mapped_column(Text, default="")
    body_terms: Mapped[str] = mapped_column(Text, default="")
    readers: Mapped[str] = mapped_column(Text, default="")
    filters: Mapped[str] = mapped_column(Text, default="")


def text_values(node, key: str | None = None) -> list[str]:
    """Every searchable string in a document (labels, descriptions, names, places), in order."""
    out: list[str] = []
    if key not in _NOT_TEXT:
        _collect(node, out)
    return out


_URL = ("http://", "https://")


def _collect(node, out: list) -> None:
    kind = type(node)
    if kind is dict:
        for k, v in node.items():
            if k in _NOT_TEXT or v is None:
                continue
            t = type(v)
            if t is str:
                if not v.startswith(_URL):
                    out.append(v)
            elif t is dict or t is list:
                _collect(v, out)
            else:
                _collect(v, out)
    elif kind is list:
        for v in node:
            if type(v) is str:
                if not v.startswith(_URL):
                    out.append(v)
            else:
                _collect(v, out)
    elif isinstance(node, str):
        if not node.startswith(_URL):
            out.append(node)
    elif isinstance(node, dict):  # subclasses
        _collect(dict(node), out)
    elif isinstance(node, list):
        _collect(list(node), out)


def row_for(doc: dict) -> dict:
    values = facet_values(doc)
    return {
        "record_type": doc["record_type"], "record_id": uuid.UUID(doc["id"]), "version": doc["version"],
        "title_sort": (doc.get("title_sort") or "")[:200], "updated_at": doc.get("updated_at") or "",
        "document": doc, "facet_values": values, "facet_set": facet_set_key(values),
        "title_terms": terms_text([t for t in (doc.get("title") or {}).values() if t]),
        "body_terms": terms_text(text_values(doc)),
        "readers": " ".join(doc["readers"]), "filters": filter_tokens(values),
    }


def upsert(session, docs: list[dict]) -> None:
    """Insert or replace, never replacing a newer version (a late drain loses, as in ES)."""
    if not docs:
        return
    dialect = postgresql if db.dialect == "postgresql" else sqlite
    table = SearchDocument.__table__
    rows = [row_for(d) for d in docs]
    stmt = dialect.insert(table)
    columns = [c for c in rows[0] if c not in ("record_type", "record_id")]
    stmt = stmt.on_conflict_do_update(
        index_elements=["record_type", "record_id"],
        set_={c: stmt.excluded[c] for c in columns},
        where=table.c.version <= stmt.excluded.version,
    )
    session.execute(stmt, rows)


# The rebuild's rows are plain values (text and integers: a forked builder sends them through a
# pipe with marshal): the JSON columns as text written by orjson (a fifth of json.dumps' time) and
# the record id as the 32 hex digits SQLite stores (PostgreSQL's uuid reads them too). The same
# table seen with those columns as text, so bulk_insert passes them on unchanged.
_JSON_COLUMNS = ("document", "facet_values")
_AS_TEXT = Table(SearchDocument.__tablename__, MetaData(),
                 *(Column(c.name, Text if c.name in _JSON_COLUMNS or c.name == "record_id" else c.type,
                          primary_key=c.primary_key)
                   for c in SearchDocument.__table__.columns))


def _json_text(value) -> str:
    """orjson; the standard library for what orjson refuses (integers beyond 64 bits, keys that are
    not text)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=False)


def bulk_row(doc: dict) -> dict:
    """row_for as plain values, for insert()."""
    row = row_for(doc)
    for column in _JSON_COLUMNS:
        row[column] = _json_text(row[column])
    row["record_id"] = row["record_id"].hex
    return row


def insert(session, rows: list[dict]) -> None:
    """Plain insert of bulk_row rows (a rebuild, after deleting the type's rows)."""
    bulk_insert(session, _AS_TEXT, rows)


def remove(session, keys: list[tuple[str, str]]) -> None:
    if keys:
        wanted = [(t, uuid.UUID(i)) for t, i in keys]
        session.execute(delete(SearchDocument).where(tuple_(SearchDocument.record_type,
                                                            SearchDocument.record_id).in_(wanted)))


def indexed_versions(session, record_type: str) -> dict[str, int]:
    rows = session.execute(select(SearchDocument.record_id, SearchDocument.version)
                           .where(SearchDocument.record_type == record_type))
    return {str(r.record_id): r.version for r in rows}


# Made by the search migration, not by the models: expression GIN indexes on PostgreSQL.
MIGRATION_ONLY_INDEXES = ("ix_search_document_text", "ix_search_document_title", "ix_search_document_readers",
                          "ix_search_document_filters")


# Generated by a migration on SQLite: the tokens the FTS5 index reads, marked (search/fallback.py).
MIGRATION_ONLY_COLUMNS = ("fts_readers", "fts_filters")


def include_name(name, type_, _parent_names) -> bool:
    """For Alembic autogenerate: the FTS5 table and its shadow tables (SQLite) and the tsvector
    indexes (PostgreSQL) come from the migration, not from the models; comparing skips them."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith("search_fts")
    if type_ == "column":
        return name not in MIGRATION_ONLY_COLUMNS
    return not (type_ == "index" and name in MIGRATION_ONLY_INDEXES)
