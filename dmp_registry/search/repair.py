"""Repair: rebuild an index from the database, and check an index against it.

`rebuild_elasticsearch` fills a new versioned index while drains also write to it (see
indices.py), then swaps the alias: no downtime, no lost update. `rebuild_embedded` replaces a
type's rows in one transaction. `check` lists records missing, stale or extra in an index."""
from __future__ import annotations

from dataclasses import dataclass, field

from collections import deque
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager

from sqlalchemy import delete, func, select, text

from ..core.db import db
from ..core.progress import progress_bar
from ..core.uow import unit_of_work
from . import indices, store
from .registry import SearchType

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
    # bulk-load settings: no refresh, no replica, translog fsync in the background; reset at the end
    es.indices.put_settings(index=new_index, settings={"refresh_interval": "-1", "number_of_replicas": 0,
                                                       "translog.durability": "async"})
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
            es.indices.delete(index=new_index, ignore_unavailable=True)
            raise
    es.indices.put_settings(index=new_index, settings={"refresh_interval": None, "number_of_replicas": None,
                                                       "translog.durability": None})
    es.indices.refresh(index=new_index)
    indices.swap_in(es, st, new_index)
    return count


def _settle_bulk(entry, bar) -> int:
    future, n = entry
    failed = future.result()
    if failed:
        raise RuntimeError(f"{len(failed)} documents failed, e.g. {next(iter(failed.values()))}")
    bar.update(n)
    return n


@contextmanager
def _fts_bulk(session, st: SearchType):
    """SQLite: without the per-row FTS triggers while a whole type is replaced, then one FTS5
    'rebuild' from search_document (much cheaper than a delete + insert per row), then the
    triggers back, all in the rebuild's transaction (a failure rolls the DDL back too). The
    rebuild re-reads every document of every type, so a type holding under half of them keeps
    the triggers: re-indexing 2,000 systems must not re-tokenise 100,000 datasets."""
    if db.dialect == "postgresql" or not _most_documents(session, st):
        yield
        return
    # any DML first: pysqlite opens the transaction before it, so the DDL below is part of it
    session.execute(text("DELETE FROM search_document WHERE 0"))
    triggers = session.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                    "AND tbl_name = 'search_document'")).all()
    for trigger in triggers:
        session.execute(text(f'DROP TRIGGER "{trigger.name}"'))
    yield
    session.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))
    for trigger in triggers:
        session.execute(text(trigger.sql))


def _most_documents(session, st: SearchType) -> bool:
    """Whether the rebuild of `st` deletes or writes at least half the documents there will be."""
    table = store.SearchDocument.__table__
    total = session.scalar(select(func.count()).select_from(table)) or 0
    own = session.scalar(select(func.count()).select_from(table).where(table.c.record_type == st.name)) or 0
    records = session.scalar(select(func.count()).select_from(st.model)) or 0
    touched, after = max(own, records), total - own + records
    return 2 * touched >= after


def rebuild_embedded(st: SearchType, progress=None) -> int:
    with unit_of_work() as session, _fts_bulk(session, st):
        session.execute(delete(store.SearchDocument).where(store.SearchDocument.record_type == st.name))
        ids, count = _ids(st), 0
        with progress_bar(progress, len(ids), f"Embedded {st.name}") as bar:
            for docs in _documents(st, ids):
                store.insert(session, docs)
                count += len(docs)
                bar.update(len(docs))
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
