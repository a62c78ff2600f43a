"""Full registry export/import as JSON. Generic over tables, so a new table is included by itself.

Rows are written one per line in primary-key order, values in their stored form, so
export → empty database → import → export gives the same bytes.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid

from sqlalchemy import Date, Uuid, func, insert, select, text

from ..core.db import Base, UTCDateTime, db
from ..core.errors import InvalidInput
from ..core.progress import progress_bar

FORMAT = "dmp-registry-export"
FORMAT_VERSION = 1
# Reference data comes from vocabularies/, not from exports; derived/queue tables are rebuilt.
SKIPPED_TABLES = {"concept", "concept_scheme", "alembic_version"}
CHUNK = 1000


def exported_tables():
    return [t for t in Base.metadata.sorted_tables if t.name not in SKIPPED_TABLES and not t.info.get("derived")]


def _encode(value):
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _decoder(column):
    if isinstance(column.type, Uuid):
        return uuid.UUID
    if isinstance(column.type, UTCDateTime):
        return dt.datetime.fromisoformat
    if isinstance(column.type, Date):
        return dt.date.fromisoformat
    return None


def export_registry(out, progress=None) -> dict:
    tables = exported_tables()
    session = db.session
    counts = {t.name: session.scalar(select(func.count()).select_from(t)) for t in tables}
    out.write(json.dumps({"format": FORMAT, "format_version": FORMAT_VERSION})[:-1] + ', "tables": {\n')
    with progress_bar(progress, sum(counts.values()), "Exporting") as bar:
        for t_index, table in enumerate(tables):
            out.write(f"{json.dumps(table.name)}: [")
            columns = list(table.columns)
            rows = session.execute(select(table).order_by(*table.primary_key.columns))
            for r_index, row in enumerate(rows):
                record = {c.name: _encode(row._mapping[c]) for c in columns}
                out.write(("\n" if r_index == 0 else ",\n") + json.dumps(record, ensure_ascii=False, sort_keys=True))
                bar.update(1)
            out.write(("\n" if counts[table.name] else "") + "]" + ("," if t_index < len(tables) - 1 else "") + "\n")
    out.write("}}\n")
    return counts


def _parents_first(table, rows: list[dict]) -> list[dict]:
    """Order rows of a self-referencing table so a parent is inserted before its children."""
    self_fks = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    if not self_fks:
        return rows
    key = table.primary_key.columns.values()[0].name
    placed, ordered, pending = set(), [], rows
    while pending:
        ready = [r for r in pending if all(r.get(c) is None or r[c] in placed for c in self_fks)]
        if not ready:
            raise InvalidInput(errors={table.name: ["Rows refer to each other in a cycle."]})
        ordered += ready
        placed.update(r[key] for r in ready)
        pending = [r for r in pending if r[key] not in placed]
    return ordered


def import_registry(source, progress=None) -> dict:
    """Import an export into an empty registry. Raises InvalidInput (nothing written) on problems."""
    try:
        document = json.load(source)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"Not a JSON file: {exc}") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidInput("Not a dmp_registry export.")
    if document.get("format_version") != FORMAT_VERSION:
        raise InvalidInput(f"Export format version {document.get('format_version')} is not supported.")
    tables = exported_tables()
    session = db.session
    busy = [t.name for t in tables if session.scalar(select(func.count()).select_from(t))]
    if busy:
        raise InvalidInput("Import needs an empty registry; these tables have rows: " + ", ".join(busy))
    data = document.get("tables") or {}
    unknown = set(data) - {t.name for t in tables}
    if unknown:
        raise InvalidInput("Unknown tables in the export: " + ", ".join(sorted(unknown)))
    counts = {}
    with progress_bar(progress, sum(len(v) for v in data.values()), "Importing") as bar:
        for table in tables:
            rows = _parents_first(table, data.get(table.name) or [])
            decoders = {c.name: _decoder(c) for c in table.columns}
            decoded = [{k: (decoders[k](v) if v is not None and decoders.get(k) else v) for k, v in row.items()}
                       for row in rows]
            for start in range(0, len(decoded), CHUNK):
                session.execute(insert(table), decoded[start:start + CHUNK])
                bar.update(len(decoded[start:start + CHUNK]))
            counts[table.name] = len(decoded)
    _reset_sequences(tables)
    session.flush()
    return counts


def _reset_sequences(tables) -> None:
    """After explicit ids, PostgreSQL sequences must continue after the largest id."""
    if db.dialect != "postgresql":
        return
    for table in tables:
        for column in table.primary_key.columns:
            if column.autoincrement is True or (column.type.python_type is int and column.autoincrement == "auto"):
                db.session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                    f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"))
