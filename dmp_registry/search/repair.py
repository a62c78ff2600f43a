"""Repair: rebuild an index from the database, and check an index against it.

`rebuild_elasticsearch` fills a new versioned index while drains also write to it (see
indices.py), then swaps the alias: no downtime, no lost update. `rebuild_embedded` replaces a
type's rows in one transaction. `check` lists records missing, stale or extra in an index."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select

from ..core.db import db
from ..core.progress import progress_bar
from ..core.uow import unit_of_work
from . import indices, store
from .registry import SearchType

CHUNK = 1000


def _documents(st: SearchType, ids: list):
    for start in range(0, len(ids), CHUNK):
        yield [st.to_document(obj) for obj in st.load(ids[start:start + CHUNK])]


def _ids(st: SearchType) -> list:
    return list(db.session.scalars(select(st.model.id).order_by(st.model.id)))


def rebuild_elasticsearch(es, st: SearchType, progress=None) -> int:
    es = es.options(request_timeout=300)  # big bulks on a busy cluster: slow is fine, failing is not
    new_index = indices.create_index(es, st, {indices.building_alias(st): {}})
    es.indices.put_settings(index=new_index, settings={"refresh_interval": "-1"})
    ids, count = _ids(st), 0  # read after the building alias exists: later changes reach it by drain
    with progress_bar(progress, len(ids), f"Indexing {st.name}") as bar:
        for docs in _documents(st, ids):
            response = es.bulk(operations=indices._actions(new_index, docs, []), refresh=False)
            if response.get("errors") and (failed := indices._failures(response)):
                es.indices.delete(index=new_index)
                raise RuntimeError(f"{len(failed)} documents failed, e.g. {next(iter(failed.values()))}")
            count += len(docs)
            bar.update(len(docs))
    es.indices.put_settings(index=new_index, settings={"refresh_interval": None})
    es.indices.refresh(index=new_index)
    indices.swap_in(es, st, new_index)
    return count


def rebuild_embedded(st: SearchType, progress=None) -> int:
    with unit_of_work() as session:
        session.execute(delete(store.SearchDocument).where(store.SearchDocument.record_type == st.name))
        ids, count = _ids(st), 0
        with progress_bar(progress, len(ids), f"Embedded {st.name}") as bar:
            for docs in _documents(st, ids):
                store.upsert(session, docs)
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
