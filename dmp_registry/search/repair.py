"""Repair: rebuild an index from the database, and check an index against it.

`rebuild_elasticsearch` fills a new versioned index with every type while drains also write to
it (see indices.py), then swaps the aliases: no downtime, no lost update. `rebuild_embedded` replaces a
type's rows in one transaction. `check` lists records missing, stale or extra in an index."""
from __future__ import annotations

import gc
import logging
from dataclasses import dataclass, field

from collections import deque
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import ExitStack, contextmanager, nullcontext
from functools import partial

from flask import current_app
from sqlalchemy import delete, func, select, text

from ..core.db import db
from ..core.pipeline import ahead, can_fork, forked
from ..core.progress import progress_bar
from ..core.uow import unit_of_work
from . import client as es_client
from . import indices, store
from .registry import SearchType, search_types

log = logging.getLogger(__name__)

CHUNK = 2000  # records per load and per Elasticsearch bulk request (~4 MB)


def _documents(st: SearchType, ids: list, part: int = 0, parts: int = 1):
    """Batches k = part, part + parts, … of `ids`' documents, CHUNK each (all of them by default)."""
    for start in range(part * CHUNK, len(ids), parts * CHUNK):
        yield [st.to_document(obj) for obj in st.load(ids[start:start + CHUNK])]


def _ids(st: SearchType) -> list:
    return list(db.session.scalars(select(st.model.id).order_by(st.model.id)))


ES_IN_FLIGHT = 2  # bulk requests Elasticsearch works on while the next batch is built


class RebuildUnderWay(Exception):
    """Another rebuild is filling an index (or was killed while it did)."""


def rebuild_elasticsearch(es, progress=None, force: bool = False) -> dict[str, int]:
    """A new records index with every type's documents, then one atomic swap of every alias
    (Elasticsearch holds all types in one index, so a rebuild is of all of them); type → count.
    Refused while another rebuild's index exists: drains write to one index being built per
    alias, and two would each lose changes. `force` deletes that index first (a killed rebuild's)."""
    es = es.options(request_timeout=300)  # big bulks on a busy cluster: slow is fine, failing is not
    under_way = indices.building_indices(es)
    if under_way and not force:
        raise RebuildUnderWay(f"another rebuild is filling {', '.join(under_way)}; run again when it has "
                              "finished, or with --force if it was stopped")
    for name in under_way:
        es.indices.delete(index=name)
    new_index = indices.create_index(es, indices.type_aliases("-building"))
    try:
        # bulk-load settings: no refresh, no replica, translog fsync in the background; reset at the end
        es.indices.put_settings(index=new_index, settings={"refresh_interval": "-1", "number_of_replicas": 0,
                                                           "translog.durability": "async"})
        counts = {st.name: _bulk_load(es, st, new_index, progress) for st in search_types().values()}
        es.indices.refresh(index=new_index)
        _merge(es, new_index)  # before the replicas come back: they copy one merged segment
        es.indices.put_settings(index=new_index, settings={"refresh_interval": None, "number_of_replicas": None,
                                                           "translog.durability": None})
    except BaseException:  # no half-built index left behind its -building aliases
        es.indices.delete(index=new_index, ignore_unavailable=True)
        raise
    indices.swap_in(es, new_index)
    return counts


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
    """One segment before the index serves: term lookups and the facets' global ordinals are
    per-segment work, paid on every search (Elasticsearch's own time p50 10 → 5 ms at 112,000
    documents, when it still highlighted). Later writes add small segments that Elasticsearch
    merges as usual. A merge that times out (it goes on in the cluster) or meets a busy cluster is
    not a failed rebuild: the index is complete, only slower until merged."""
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
    (FTS5 removes an entry by its words) and the DELETE would visit every row. Instead the triggers
    are dropped, the other types' rows are set aside, the table is emptied at once (SQLite's
    truncate: no WHERE, no triggers) and they are put back. The rebuild inserts without triggers;
    at the end the FTS index is emptied and filled from every row in one statement with a large
    in-memory hash (`_fill_fts`), and the triggers come back. All in the rebuild's transaction: a
    failure rolls the DDL back too. A type holding under half the documents keeps every trigger:
    re-indexing 2,000 systems must not set aside 100,000 datasets."""
    table = store.SearchDocument.__table__
    if db.dialect == "postgresql" or not _most_documents(session, st):
        session.execute(delete(table).where(table.c.record_type == st.name))
        yield
        return
    triggers = session.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                    "AND tbl_name = 'search_document' ORDER BY name")).all()
    for trigger in triggers:
        session.execute(text(f'DROP TRIGGER "{trigger.name}"'))
    # The stored columns (table_info leaves out the generated ones the FTS index reads)
    stored = ", ".join(f'"{c}"' for c in session.scalars(text("SELECT name FROM pragma_table_info('search_document')")))
    session.execute(text(f"CREATE TEMP TABLE rebuild_kept AS SELECT {stored} FROM search_document "
                         "WHERE record_type != :type"), {"type": st.name})
    session.execute(text("DELETE FROM search_document"))
    session.execute(text(f"INSERT INTO search_document ({stored}) SELECT {stored} FROM rebuild_kept"))
    session.execute(text("DROP TABLE temp.rebuild_kept"))
    yield
    _fill_fts(session)
    for trigger in triggers:
        session.execute(text(trigger.sql))


# FTS5 keeps a transaction's new entries in an in-memory hash and writes them out as a segment each
# time it outgrows `hashsize` (1 MiB by default) or a statement ends: a fill of 100,000 documents
# wrote ~200 small segments and merged them again. With 128 MiB it writes a few large ones: the
# fill took 1.6 instead of 3.5 s. The setting is stored with the table, so it is put back after.
_FILL_HASH_BYTES = 128 * 1024 * 1024
_DEFAULT_HASH_BYTES = 1024 * 1024  # FTS5_DEFAULT_HASHSIZE


def _fill_fts(session) -> None:
    """The FTS index made anew from every row of search_document, in one statement."""
    columns = ", ".join(f'"{c}"' for c in session.scalars(text("SELECT name FROM pragma_table_info('search_fts')")))
    configured = session.scalar(text("SELECT v FROM search_fts_config WHERE k = 'hashsize'"))
    session.execute(text("INSERT INTO search_fts(search_fts) VALUES ('delete-all')"))
    _set_hash_bytes(session, _FILL_HASH_BYTES)
    session.execute(text(f"INSERT INTO search_fts(rowid, {columns}) SELECT id, {columns} FROM search_document"))
    _set_hash_bytes(session, int(configured) if configured is not None else _DEFAULT_HASH_BYTES)


def _set_hash_bytes(session, n: int) -> None:
    session.execute(text("INSERT INTO search_fts(search_fts, rank) VALUES ('hashsize', :n)"), {"n": n})


def _most_documents(session, st: SearchType) -> bool:
    """Whether the rebuild of `st` deletes or writes at least half the documents there will be."""
    table = store.SearchDocument.__table__
    total = session.scalar(select(func.count()).select_from(table)) or 0
    own = session.scalar(select(func.count()).select_from(table).where(table.c.record_type == st.name)) or 0
    records = session.scalar(select(func.count()).select_from(st.model)) or 0
    touched, after = max(own, records), total - own + records
    return 2 * touched >= after


def _rows(st: SearchType, ids: list, part: int = 0, parts: int = 1):
    for docs in _documents(st, ids, part, parts):
        yield [store.bulk_row(doc) for doc in docs]


def _own_connection_possible() -> bool:
    """An in-memory SQLite database exists once per connection: a thread could not read it."""
    url = db.engine.url
    return not (url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"))


# Batches built ahead while the old rows are deleted (SQLite frees every page of them: ~2 s for
# 100,000 documents) and written: ~5 MB each.
BUILT_AHEAD = 8
# Processes building rows side by side: building is Python (one core per process, whatever the
# threads), ~10 s of it for 100,000 datasets, while this process mostly waits on the database.
BUILDERS = 2


def _built_rows(session, st: SearchType, ids: list):
    """The rows of `ids` in batches, in order, built elsewhere while the caller writes: in forked
    processes where possible, else in a thread, each reading on its own connection (so they see
    committed records only); here when no other connection can read the database."""
    if not _own_connection_possible():
        return nullcontext(_rows(st, ids))
    if can_fork() and _snapshot_safe_in_child(session):
        return _forked_rows(st, ids, BUILDERS)
    return ahead(lambda: _rows(st, ids), depth=BUILT_AHEAD)


def _snapshot_safe_in_child(session) -> bool:
    """Whether a forked child reads a consistent database while this transaction writes. A child's
    new SQLite connection shares this process's lock bookkeeping, which it inherited, and so takes
    no lock of its own: in WAL mode it needs none (this transaction's writes go to the log, past the
    snapshot the child reads, and nobody else can commit meanwhile); with a rollback journal this
    transaction could write pages into the file under the child's reads. PostgreSQL: connections
    of its own are all a child needs."""
    if db.dialect != "sqlite":
        return True
    return str(session.scalar(text("PRAGMA journal_mode"))).lower() == "wal"


@contextmanager
def _forked_rows(st: SearchType, ids: list, parts: int):
    """Batch k of `ids` built by process k % parts; the batches come back in order."""
    app = current_app._get_current_object()

    def produce(part: int):
        gc.enable()  # forked() turns it off for acyclic producers; loaded records may hold cycles
        db.new_pool_in_child()  # never the parent's connection, which holds the rebuild's transaction
        with app.app_context():
            yield from _rows(st, ids, part, parts)

    with ExitStack() as stack:
        streams = [stack.enter_context(forked(partial(produce, part), depth=BUILT_AHEAD)) for part in range(parts)]
        yield _in_turn(streams)


def _in_turn(streams: list):
    """One item of each stream in turn until all are exhausted."""
    streams = [iter(s) for s in streams]
    while streams:
        for stream in list(streams):
            item = next(stream, _END)
            if item is _END:
                streams.remove(stream)
            else:
                yield item


_END = object()


def rebuild_embedded(st: SearchType, progress=None) -> int:
    """Replace a type's rows in one transaction. Documents and rows are built in other processes
    (or a thread) reading on their own connections while this one deletes the old rows and writes
    (`_built_rows`): they see committed records only, so commit changes before rebuilding (later
    changes reach the index through the outbox as usual)."""
    with unit_of_work() as session:
        # a write first: the transaction takes the write lock now (SQLite), before anything is read
        session.execute(delete(store.SearchDocument).where(text("0 = 1")))
        ids, count = _ids(st), 0
        with _built_rows(session, st, ids) as batches, _without_type_rows(session, st), \
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
