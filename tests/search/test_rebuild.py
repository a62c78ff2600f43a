"""The embedded rebuild (bulk path: set-based loading, no per-row FTS triggers, one FTS5 'rebuild')
gives exactly the index the outbox drain gives, and leaves the index live for later changes."""
from __future__ import annotations

from sqlalchemy import select

from dmp_registry.core.db import db
from dmp_registry.core.identity import system_identity
from dmp_registry.core.uow import unit_of_work
from dmp_registry.datasets.service import dataset_service
from dmp_registry.search import store
from dmp_registry.search.query import SearchRequest
from dmp_registry.search.registry import search_types
from dmp_registry.search.repair import rebuild_embedded
from dmp_registry.search.service import search


def snapshot():
    d = store.SearchDocument
    rows = db.session.execute(select(d.record_type, d.record_id, d.version, d.title_sort, d.updated_at, d.document,
                                     d.facet_values, d.title_terms, d.body_terms, d.readers, d.filters))
    return sorted((tuple(r) for r in rows), key=lambda r: (r[0], str(r[1])))


def test_rebuild_gives_the_drained_index_and_stays_live(corpus, drain):
    drain()
    drained = snapshot()
    counts = search(system_identity, SearchRequest(q="fugler"))
    for st in search_types().values():
        rebuild_embedded(st)
    db.session.expire_all()
    assert snapshot() == drained
    again = search(system_identity, SearchRequest(q="fugler"))
    assert (again["total"], again["facets"]) == (counts["total"], counts["facets"])

    with unit_of_work():  # the full-text index still follows changes after the rebuild
        dataset_service.update(system_identity, corpus["birds"].id, {"title": {"nb": "Snøugle på Hardangervidda"}},
                               corpus["birds"].version)
    drain()
    found = search(system_identity, SearchRequest(q="snougle"))
    assert [i["id"] for i in found["items"]] == [str(corpus["birds"].id)]
