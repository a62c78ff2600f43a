"""Repair: rebuild an index from the database, and check an index against it.

`rebuild_elasticsearch` fills a new versioned index while drains also write to it (see
indices.py), then swaps the alias: no downtime, no lost update. `rebuild_embedded` replaces a
type's rows in one transaction. `check` lists records missing, stale or extra in an index."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from collections import deque
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager, nullcontext

from sqlalchemy import delete, func, select, text

from ..core.db import db
from ..core.pipeline import ahead
from ..core.progress import progress_bar
from ..core.uow import unit_of_work
from . import client as es_client
from . import indices, store
from .registry import SearchType

log = logging.getLogger(__name__)

CHUNK = 2000  # records per load and per Elasticsearch bulk request (~4 MB)


def _documents(st: SearchType, ids: list):
    chunk = CHUNK
    for start in range(0, len(ids), chunk):
        yield [st.to_document(obj) for obj in st.load(ids[start:start + chunk])]


def _ids(st: SearchType) -> list:
    return list(db.session.scalars(select(st.model.id).order_by(st.model.id)))


ES_IN_FLIGHT = 2  # bulk requests Elasticsearch works on while the next batch is built


def rebuild_elasticsearch(es, st: SearchType, progress=None) -> int:
    es = es.options(request_timeout=300)  # big bulks on a busy cluster: slow is fine, failing is not
    new_index = indices.create_index(es, st, {indices.building_alias(st): {}})
    try:
        # bulk-load settings: no refresh, no replica, translog fsync in the background; reset at the end
        es.indices.put_settings(index=new_index, settings={"refresh_interval": "-1", "number_of_replicas": 0,
                                                           "translog.durability": "async"})
        count = _bulk_load(es, st, new_index, progress)
        es.indices.refresh(index=new_index)
        _merge(es, new_index)  # before the replicas come back: they copy one merged segment
        es.indices.put_settings(index=new_index, settings={"refresh_interval": None, "number_of_replicas": None,
                                                           "translog.durability": None})
    except BaseException:  # no half-built index left behind its -building alias
        es.indices.delete(index=new_index, ignore_unavailable=True)
        raise
    indices.swap_in(es, st, new_index)
    return count


def _bulk_load(es, st: SearchType, new_index: str, progress) -> int:
    ids, count = _ids(st), 0  # read after the building alias exists: later changes reach it by drain

    def send(docs):
        response = es.bulk(operations=indices._actions(new_index, docs, []), refresh=False)
        return indices._failures(response) if response.get("errors") else {}

    # Documents are built (Python, database) while Elasticsearch indexes the previous batches.
    with progress_bar(progress, len(ids), f"Indexing {st.name}") as bar, \
            ThreadPoolExecutor(max_workers=ES_IN_FLIGHT) as pool:
        pending: deque = deque()
        try:
            for docs in _documents(st, ids):
                pending.append((pool.submit(send, docs), len(docs)))
                while len(pending) >= ES_IN_FLIGHT + 1 or (pending and pending[0][0].done()):
                    count += _settle_bulk(pending.popleft(), bar)
            while pending:
                count += _settle_bulk(pending.popleft(), bar)
        except BaseException:
            for future, _n in pending:
                future.cancel()
            wait([f for f, _n in pending])
            raise
    return count


def _merge(es, index: str) -> None:
    """One segment before the index serves: term lookups, highlighting and the facets' global
    ordinals are per-segment work, paid on every search (Elasticsearch's own time p50 10 → 5 ms
    at 112,000 documents). Later writes add small segments that Elasticsearch merges as usual. A
    merge that times out (it goes on in the cluster) or meets a busy cluster is not a failed
    rebuild: the index is complete, only slower until merged."""
    try:
        es.indices.forcemerge(index=index, max_num_segments=1)
    except Exception as exc:
        if not es_client.is_outage(exc):
            raise
        log.warning("rebuild of %s: forcemerge failed, serving it unmerged: %s", index, exc)


def _settle_bulk(entry, bar) -> int:
    future, n = entry
    failed = future.result()
    if failed:
        raise RuntimeError(f"{len(failed)} documents failed, e.g. {next(iter(failed.values()))}")
    bar.update(n)
    return n


@contextmanager
def _without_type_rows(session, st: SearchType):
    """Delete `st`'s documents and their full-text entries for a rebuild that then inserts them anew.

    SQLite, for a type holding most documents: the per-row triggers would re-read every old text
    (FTS5 removes an entry by its words) and the DELETE would visit every row. Instead the other
    types' rows are set aside, the table is emptied at once (SQLite's truncate: no WHERE, no
    triggers), they are put back, the FTS index is emptied and given their entries in one statement.
    The insert trigger is back for the rebuild's inserts (a batch per statement: FTS5 flushes once
    per statement), the others at the end. All in the rebuild's transaction: a failure rolls the
    DDL back too. A type holding under half the documents keeps every trigger: re-indexing 2,000
    systems must not set aside 100,000 datasets."""
    table = store.SearchDocument.__table__
    if db.dialect == "postgresql" or not _most_documents(session, st):
        session.execute(delete(table).where(table.c.record_type == st.name))
        yield
        return
    triggers = session.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                    "AND tbl_name = 'search_document' ORDER BY name")).all()
    for trigger in triggers:
        session.execute(text(f'DROP TRIGGER "{trigger.name}"'))
    session.execute(text("CREATE TEMP TABLE rebuild_kept AS SELECT * FROM search_document WHERE record_type != :type"),
                    {"type": st.name})
    session.execute(text("DELETE FROM search_document"))
    session.execute(text("INSERT INTO search_document SELECT * FROM rebuild_kept"))
    session.execute(text("DROP TABLE temp.rebuild_kept"))
    session.execute(text("INSERT INTO search_fts(search_fts) VALUES ('delete-all')"))
    columns = ", ".join(f'"{c}"' for c in session.scalars(text("SELECT name FROM pragma_table_info('search_fts')")))
    session.execute(text(f"INSERT INTO search_fts(rowid, {columns}) SELECT id, {columns} FROM search_document"))
    insert_trigger = [t for t in triggers if re.search(r"\bAFTER\s+INSERT\b", t.sql, re.IGNORECASE)]
    if len(insert_trigger) != 1:  # without it the rebuilt rows would silently get no full-text entries
        raise RuntimeError(f"expected one AFTER INSERT trigger on search_document, found {len(insert_trigger)}")
    session.execute(text(insert_trigger[0].sql))
    yield
    for trigger in triggers:
        if trigger not in insert_trigger:
            session.execute(text(trigger.sql))


def _most_documents(session, st: SearchType) -> bool:
    """Whether the rebuild of `st` deletes or writes at least half the documents there will be."""
    table = store.SearchDocument.__table__
    total = session.scalar(select(func.count()).select_from(table)) or 0
    own = session.scalar(select(func.count()).select_from(table).where(table.c.record_type == st.name)) or 0
    records = session.scalar(select(func.count()).select_from(st.model)) or 0
    touched, after = max(own, records), total - own + records
    return 2 * touched >= after


def _rows(st: SearchType, ids: list):
    for docs in _documents(st, ids):
        yield [store.bulk_row(doc) for doc in docs]


def _own_connection_possible() -> bool:
    """An in-memory SQLite database exists once per connection: a thread could not read it."""
    url = db.engine.url
    return not (url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"))


# Batches built ahead while the old rows are deleted (SQLite frees every page of them: ~2 s for
# 100,000 documents) and written: ~5 MB each.
BUILT_AHEAD = 8


def rebuild_embedded(st: SearchType, progress=None) -> int:
    """Replace a type's rows in one transaction. Documents and rows are built in a thread reading on
    its own connection while this one deletes the old rows and writes (`core.pipeline.ahead`): that
    thread sees committed records only, so commit changes before rebuilding (later changes reach
    the index through the outbox as usual)."""
    with unit_of_work() as session:
        # a write first: the transaction takes the write lock now (SQLite), before anything is read
        session.execute(delete(store.SearchDocument).where(text("0 = 1")))
        ids, count = _ids(st), 0
        building = (ahead(lambda: _rows(st, ids), depth=BUILT_AHEAD) if _own_connection_possible()
                    else nullcontext(_rows(st, ids)))
        with building as batches, _without_type_rows(session, st), \
                progress_bar(progress, len(ids), f"Embedded {st.name}") as bar:
            for rows in batches:
                store.insert(session, rows)
                count += len(rows)
                bar.update(len(rows))
    return count


@dataclass
class CheckReport:
    engine: str
    record_type: str
    records: int
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.extra)


def compare(engine: str, st: SearchType, indexed: dict[str, int]) -> CheckReport:
    truth = {str(r.id): r.version for r in db.session.execute(select(st.model.id, st.model.version))}
    return CheckReport(
        engine, st.name, len(truth),
        missing=sorted(set(truth) - set(indexed)),
        stale=sorted(i for i in truth.keys() & indexed.keys() if indexed[i] < truth[i]),
        extra=sorted(set(indexed) - set(truth)),
    )


def check(st: SearchType, es=None) -> list[CheckReport]:
    reports = [compare("embedded", st, store.indexed_versions(db.session, st.name))]
    if es is not None:
        reports.append(compare("elasticsearch", st, indices.versions(es, st)))
    return reports
