"""Draining the outbox into the embedded index and Elasticsearch; rebuild and check for repair.

drain_batch: take the oldest entries (SKIP LOCKED on PostgreSQL), coalesce per record, expand
related records, reload them from the database (the truth), write the embedded index in the
same transaction and Elasticsearch in one bulk per type, then delete the done entries; failures
keep their entry with attempts + 1 and last_error, and are retried by the next drain."""
from __future__ import annotations

import logging
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import delete, func, select, update

from ..core.db import db
from ..core.uow import unit_of_work
from . import client as es_client
from . import indices, store
from .outbox import OutboxEntry
from .registry import Key, registry

log = logging.getLogger(__name__)
UNAVAILABLE = "Elasticsearch unavailable; applied to the embedded index only"


@dataclass
class DrainReport:
    taken: int = 0
    done: int = 0
    failed: int = 0
    documents: int = 0
    errors: dict = field(default_factory=dict)

    def add(self, other: DrainReport) -> None:
        self.taken += other.taken
        self.done += other.done
        self.failed += other.failed
        self.documents += other.documents
        self.errors.update(other.errors)


def drain(budget_seconds: float | None = None, batch_size: int | None = None) -> DrainReport:
    """Drain until the outbox is empty, a batch makes no progress, or the time budget is spent."""
    batch_size = batch_size or current_app.config["DMP_SEARCH_BATCH_SIZE"]
    started, total = time.monotonic(), DrainReport()
    while True:
        report = drain_batch(batch_size, skip_failed=bool(total.taken))
        total.add(report)
        if report.taken < batch_size or report.done == 0:
            return total
        if budget_seconds is not None and time.monotonic() - started > budget_seconds:
            return total


def drain_batch(batch_size: int, skip_failed: bool = False) -> DrainReport:
    es = es_client.client()
    with unit_of_work() as session:
        # With Elasticsearch down only fresh entries are worth the work (embedded index);
        # later batches of one drain skip entries that already failed in this run.
        fresh_only = es is None and es_client.configured() or skip_failed
        entries = _take(session, batch_size, fresh_only)
        if not entries:
            return DrainReport()
        origins = _expand(entries)
        docs, gone, errors = _documents(origins, entries)
        for type_docs in docs.values():
            store.upsert(session, type_docs)
        store.remove(session, [(t, i) for t, i, _v in gone])
        errors.update(_write_engine(es, docs, gone))
        failed_ids = {e for key, msg in errors.items() for e in origins.get(key, ())}
        _settle(session, entries, failed_ids, errors, origins)
        n_docs = sum(len(d) for d in docs.values()) + len(gone)
        return DrainReport(len(entries), len(entries) - len(failed_ids), len(failed_ids), n_docs,
                           {f"{k[0]}:{k[1]}": v for k, v in errors.items()})


def _take(session, batch_size: int, fresh_only: bool) -> list[OutboxEntry]:
    stmt = select(OutboxEntry).order_by(OutboxEntry.id).limit(batch_size)
    if fresh_only:
        stmt = stmt.where(OutboxEntry.attempts == 0)
    if db.dialect == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return list(session.scalars(stmt))


def _expand(entries: list[OutboxEntry]) -> dict[Key, set[int]]:
    """(type, id) of every document to refresh → ids of the entries that asked for it."""
    reg = registry()
    origins: dict[Key, set[int]] = defaultdict(set)
    related: dict[str, list[OutboxEntry]] = defaultdict(list)
    for entry in entries:
        if entry.entity_type in reg.types:
            origins[(entry.entity_type, entry.entity_id)].add(entry.id)
        elif entry.entity_type in reg.expanders:
            related[entry.entity_type].append(entry)
        else:
            log.warning("outbox: nothing indexes %s entries; dropping %s", entry.entity_type, entry.entity_id)
    for entity_type, group in related.items():
        ids = {e.id for e in group}
        entity_ids = sorted({e.entity_id for e in group})
        for expand in reg.expanders[entity_type]:
            for key in expand(entity_ids):
                origins[key] |= ids
    return origins


def _documents(origins: dict[Key, set[int]], entries):
    """Reload records: documents to index, (type, id, version) to delete, and build errors."""
    reg = registry()
    delete_versions = {(e.entity_type, e.entity_id): e.version for e in entries if e.op == "delete"}
    docs: dict[str, list[dict]] = defaultdict(list)
    gone, errors = [], {}
    pending = sorted(origins)
    seen: set[Key] = set()
    while pending:
        by_type: dict[str, list[str]] = defaultdict(list)
        for key in pending:
            if key not in seen:
                seen.add(key)
                by_type[key[0]].append(key[1])
        pending = []
        for type_name, ids in by_type.items():
            st = reg.types[type_name]
            objs = st.load([uuid.UUID(i) for i in ids])
            found = {str(o.id) for o in objs}
            gone += [(type_name, i, delete_versions.get((type_name, i))) for i in ids if i not in found]
            for obj in objs:
                try:
                    docs[type_name].append(st.to_document(obj))
                except Exception as exc:  # one broken record must not block the queue
                    log.exception("to_document failed for %s %s", type_name, obj.id)
                    errors[(type_name, str(obj.id))] = f"to_document: {exc}"[:1000]
            asked_by = set().union(*(origins[(type_name, i)] for i in ids))
            for dep in st.dependents(objs):
                origins[dep] |= asked_by
                pending.append(dep)
    return docs, gone, errors


def _write_engine(es, docs, gone) -> dict[Key, str]:
    """Write to Elasticsearch; every key fails with a message when it is down."""
    keys = [(t, d["id"]) for t, ds in docs.items() for d in ds] + [(t, i) for t, i, _v in gone]
    if es is None:
        return {k: UNAVAILABLE for k in keys} if es_client.configured() else {}
    reg, errors = registry(), {}
    refresh = current_app.config["DMP_SEARCH_REFRESH"]
    try:
        for type_name in {k[0] for k in keys}:
            st = reg.types[type_name]
            try:
                indices.ensure_index(es, st, es_client.ensured())
            except indices.MappingConflict as exc:  # this type's entries wait for a rebuild; others go on
                errors.update({k: str(exc) for k in keys if k[0] == type_name})
                continue
            type_gone = [g for g in gone if g[0] == type_name]
            failed = indices.write(es, st, docs.get(type_name, []), type_gone, refresh)
            errors.update({(type_name, i): msg for i, msg in failed.items()})
    except Exception as exc:
        if not es_client.is_outage(exc):
            raise
        es_client.mark_down(exc)
        return {k: f"{type(exc).__name__}: {exc}"[:1000] for k in keys}
    return errors


def _settle(session, entries, failed_ids: set[int], errors: dict, origins: dict) -> None:
    done = [e.id for e in entries if e.id not in failed_ids]
    if done:
        session.execute(delete(OutboxEntry).where(OutboxEntry.id.in_(done)))
    message = {eid: msg for key, msg in errors.items() for eid in origins.get(key, ())}
    for entry_id in failed_ids:
        session.execute(update(OutboxEntry).where(OutboxEntry.id == entry_id).values(
            attempts=OutboxEntry.attempts + 1, last_error=message.get(entry_id)))


def pending_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxEntry))
