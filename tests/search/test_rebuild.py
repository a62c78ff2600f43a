"""The embedded rebuild (bulk path: rows built in forked processes, or a thread, each on its own
connection; the big type's old rows truncated and the new ones inserted with the triggers off, the
FTS index filled at the end) gives exactly the index the outbox drain gives, leaves the index live
for later changes, and a failure half-way changes nothing."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import select, text

from dmp_registry.core.db import db
from dmp_registry.core.identity import system_identity
from dmp_registry.core.uow import unit_of_work
from dmp_registry.datasets.service import dataset_service
from dmp_registry.search import indices, store
from dmp_registry.search.query import SearchRequest
from dmp_registry.search.registry import search_types
from dmp_registry.search import repair
from dmp_registry.search.repair import rebuild_embedded
from dmp_registry.search.service import search


def snapshot():
    d = store.SearchDocument
    rows = db.session.execute(select(d.record_type, d.record_id, d.version, d.title_sort, d.updated_at, d.document,
                                     d.facet_values, d.title_terms, d.body_terms, d.readers, d.filters))
    return sorted((tuple(r) for r in rows), key=lambda r: (r[0], str(r[1])))


def fts_hits(word: str) -> list[str]:
    """What the full-text index itself finds (SQLite FTS5 or PostgreSQL's GIN index), as record ids."""
    return sorted(h["id"] for h in search(system_identity, SearchRequest(q=word, per_page=100))["items"])


def index_state() -> tuple:
    """What a failed rebuild must leave as it was: the rows, the triggers, what the FTS index finds."""
    db.session.expire_all()
    return snapshot(), triggers(), fts_hits("fugler")


def triggers() -> list[str]:
    if db.dialect == "postgresql":
        return []
    return sorted(db.session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                          "AND tbl_name = 'search_document'")))


@pytest.mark.parametrize("builders", ["forked", "thread"])
@pytest.mark.parametrize("batch", [repair.CHUNK, 1])  # one batch; a batch per record, built ahead
def test_rebuild_gives_the_drained_index_and_stays_live(corpus, drain, monkeypatch, batch, builders):
    monkeypatch.setattr(repair, "CHUNK", batch)
    if builders == "thread":  # where a process cannot fork
        monkeypatch.setattr(repair, "can_fork", lambda: False)
    drain()
    before_triggers = triggers()
    drained = snapshot()
    counts = search(system_identity, SearchRequest(q="fugler"))
    for st in search_types().values():
        rebuild_embedded(st)
    db.session.expire_all()
    assert snapshot() == drained
    assert triggers() == before_triggers
    again = search(system_identity, SearchRequest(q="fugler"))
    assert (again["total"], again["facets"]) == (counts["total"], counts["facets"])

    with unit_of_work():  # the full-text index still follows changes after the rebuild
        dataset_service.update(system_identity, corpus["birds"].id, {"title": {"nb": "Snøugle på Hardangervidda"}},
                               corpus["birds"].version)
    drain()
    found = search(system_identity, SearchRequest(q="snougle"))
    assert [i["id"] for i in found["items"]] == [str(corpus["birds"].id)]


def test_a_rebuild_failing_half_way_changes_nothing(corpus, drain, monkeypatch):
    """Rows are built in other processes: their error must reach the rebuild's transaction and roll
    back the truncation, the FTS index and the dropped triggers with everything else."""
    drain()
    before = index_state()
    assert before[2]  # the FTS index finds something to lose
    assert db.dialect == "postgresql" or repair._most_documents(db.session, search_types()["dataset"])  # the truncating path
    monkeypatch.setattr(repair, "CHUNK", 1)
    built = []
    real = store.bulk_row

    def fails_on_the_third(doc):
        built.append(doc["id"])
        if len(built) == 3:
            raise RuntimeError("broken document")
        return real(doc)

    monkeypatch.setattr(store, "bulk_row", fails_on_the_third)
    with pytest.raises(RuntimeError, match="broken document"):
        rebuild_embedded(search_types()["dataset"])
    assert index_state() == before


def test_rows_are_built_in_forked_processes_in_order(corpus, drain, monkeypatch, tmp_path):
    """Each builder process writes the ids it built to a file of its own; together they are every
    dataset once, batch k from builder k % BUILDERS, and this process built none."""
    drain()
    monkeypatch.setattr(repair, "CHUNK", 1)
    real = store.bulk_row

    def recorded(doc):
        with open(tmp_path / str(os.getpid()), "a") as out:
            out.write(doc["id"] + "\n")
        return real(doc)

    monkeypatch.setattr(store, "bulk_row", recorded)
    st = search_types()["dataset"]
    rebuild_embedded(st)
    built = {int(f.name): f.read_text().split() for f in tmp_path.iterdir()}
    assert os.getpid() not in built and len(built) == repair.BUILDERS
    ids = [str(i) for i in repair._ids(st)]
    assert sorted(built.values()) == sorted(ids[k::repair.BUILDERS] for k in range(repair.BUILDERS))
    inserted = db.session.scalars(select(store.SearchDocument.record_id).where(store.SearchDocument.record_type == "dataset")
                                  .order_by(store.SearchDocument.id))
    assert [str(i) for i in inserted] == ids  # the batches were inserted in their order


def test_builders_fork_only_where_a_child_reads_a_fixed_snapshot(corpus, tmp_path):
    """A forked child's SQLite connection takes no locks of its own: forking needs WAL mode, where
    the rebuild's writes stay out of the snapshot the child reads. PostgreSQL always may."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    assert repair._snapshot_safe_in_child(db.session)  # the registry's SQLite runs in WAL mode
    if db.dialect == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'journal.sqlite'}")
        with Session(engine) as other:
            assert other.scalar(text("PRAGMA journal_mode=DELETE")) == "delete"
            assert not repair._snapshot_safe_in_child(other)
        engine.dispose()


def sqlite_only():
    if db.dialect == "postgresql":
        pytest.skip("FTS5 is SQLite's; PostgreSQL's GIN indexes follow the rows themselves")


def fts_consistent() -> None:
    """FTS5 compares its index with what the content rows give: an entry missing, extra or stale
    raises (the ', 1' form; without it an external-content table is checked against itself)."""
    db.session.execute(text("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)"))


def hash_bytes():
    return db.session.scalar(text("SELECT v FROM search_fts_config WHERE k = 'hashsize'"))


def test_the_rebuilt_fts_index_is_consistent_and_keeps_its_settings(corpus, drain):
    sqlite_only()
    drain()
    with unit_of_work() as session:
        session.execute(text("INSERT INTO search_fts(search_fts, rank) VALUES ('hashsize', 2000000)"))
    rebuild_embedded(search_types()["dataset"])
    fts_consistent()
    assert hash_bytes() == 2000000
    assert fts_hits("fugler")


def test_the_integrity_check_sees_a_missing_entry(corpus, drain):
    """The check above can fail: an FTS entry removed behind the content table's back is found."""
    sqlite_only()
    drain()
    fts_consistent()
    row = db.session.execute(text("SELECT id, title_terms, body_terms, fts_readers, fts_filters FROM search_document "
                                  "LIMIT 1")).one()
    db.session.execute(text("INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms, fts_readers, fts_filters) "
                            "VALUES ('delete', :id, :t, :b, :r, :f)"),
                       {"id": row.id, "t": row.title_terms, "b": row.body_terms, "r": row.fts_readers,
                        "f": row.fts_filters})
    with pytest.raises(Exception, match="malformed"):
        fts_consistent()
    db.session.rollback()


def test_a_rebuild_failing_after_the_fts_fill_changes_nothing(corpus, drain, monkeypatch):
    """The fill raised the FTS hash size and the triggers are still off when the failure comes: the
    rollback restores both with the rows and the index."""
    sqlite_only()
    drain()
    before, before_hash = index_state(), hash_bytes()
    real = repair._fill_fts

    def fill_then_fail(session):
        real(session)
        session.execute(text(f"INSERT INTO search_fts(search_fts, rank) VALUES ('hashsize', {repair._FILL_HASH_BYTES})"))
        raise RuntimeError("after the fill")

    monkeypatch.setattr(repair, "_fill_fts", fill_then_fail)
    with pytest.raises(RuntimeError, match="after the fill"):
        rebuild_embedded(search_types()["dataset"])
    assert index_state() == before
    assert hash_bytes() == before_hash
    fts_consistent()


@pytest.fixture
def forcemerge(monkeypatch, es):
    """The real forcemerge, recorded; or, with `.fail = exc`, a forcemerge that raises exc."""
    IndicesClient = type(es.indices)  # the rebuild makes its own client (longer timeout): patch the class
    real = IndicesClient.forcemerge

    class Spy:
        calls, fail = [], None

    def spy(self, **kwargs):
        Spy.calls.append(kwargs)
        if Spy.fail is not None:
            raise Spy.fail
        return real(self, **kwargs)

    monkeypatch.setattr(IndicesClient, "forcemerge", spy)
    return Spy


def served_index(es, st) -> str:
    [index] = indices.concrete_indices(es, indices.alias_name(st))
    return index


@pytest.mark.es
def test_elasticsearch_rebuild_serves_one_segment(corpus, drain, es, forcemerge):
    """A rebuilt index is merged to one segment before the alias moves to it (measured to halve
    Elasticsearch's own search time)."""
    st = search_types()["dataset"]
    drain()
    counts = repair.rebuild_elasticsearch(es)
    assert counts["dataset"] == len(corpus) - 1 and counts["distribution"] == 1  # the CSV distribution
    index = served_index(es, st)
    assert forcemerge.calls == [{"index": index, "max_num_segments": 1}]
    shards = es.indices.segments(index=index)["indices"][index]["shards"]
    assert [len(copy["segments"]) for copies in shards.values() for copy in copies] == [1]


@pytest.mark.es
def test_a_merge_the_cluster_cannot_finish_still_serves_the_new_index(corpus, drain, es, forcemerge):
    import elastic_transport

    st = search_types()["dataset"]
    drain()
    before = served_index(es, st)
    forcemerge.fail = elastic_transport.ConnectionTimeout("timed out")  # the merge goes on in the cluster
    assert repair.rebuild_elasticsearch(es)["dataset"] == len(corpus) - 1
    assert served_index(es, st) != before
    assert es.count(index=indices.alias_name(st))["count"] == len(corpus) - 1
    assert es.count(index=served_index(es, st))["count"] == len(corpus)  # every type in one index


@pytest.mark.es
def test_a_failed_rebuild_leaves_no_index_behind(corpus, drain, es, forcemerge):

    st = search_types()["dataset"]
    drain()
    before = served_index(es, st)
    forcemerge.fail = ValueError("a bug, not an outage")
    with pytest.raises(ValueError):
        repair.rebuild_elasticsearch(es)
    assert served_index(es, st) == before
    assert not any(es.indices.exists_alias(name=indices.building_alias(t)) for t in search_types().values())
    assert [i for i in es.indices.get(index=indices.records_alias() + "-*") if i != before] == []


def _found(word: str) -> list[str]:
    """What Elasticsearch finds, as record ids."""
    result = search(system_identity, SearchRequest(q=word, per_page=100))
    assert result["engine"] == "elasticsearch" and not result["degraded"]
    return sorted(h["id"] for h in result["items"])


@pytest.mark.es
def test_indices_of_the_layout_before_serve_until_the_rebuild_puts_every_type_in_one(
        corpus, drain, es, no_indices):
    """Before 2026-12-08 each type had an index of its own behind its alias. Writes and searches
    go on through those aliases after the upgrade; `rebuild` then moves every alias to one index
    and drops the old ones."""
    dataset, distribution = search_types()["dataset"], search_types()["distribution"]
    old = {}
    for st in (dataset, distribution):
        body = indices.index_body([st])
        old[st.name] = f"{indices.alias_name(st)}-v3-before"
        es.indices.create(index=old[st.name], settings=body["settings"], mappings=body["mappings"],
                          aliases={indices.alias_name(st): {}})
    drain()
    assert not es.indices.exists_alias(name=indices.records_alias())
    assert _found("fugler") == sorted([str(corpus["birds"].id), str(corpus["birds_csv"].id)])
    assert es.count(index=old["dataset"])["count"] == len(corpus) - 1

    counts = repair.rebuild_elasticsearch(es)
    assert counts["dataset"] == len(corpus) - 1 and counts["distribution"] == 1
    assert not any(es.indices.exists(index=name) for name in old.values())
    [records] = indices.concrete_indices(es, indices.records_alias())
    assert all(indices.concrete_indices(es, indices.alias_name(st)) == [records] for st in search_types().values())
    assert es.count(index=indices.alias_name(distribution))["count"] == 1  # the type alias filters
    assert _found("fugler") == sorted([str(corpus["birds"].id), str(corpus["birds_csv"].id)])


@pytest.mark.es
def test_a_type_newer_than_the_live_index_gets_its_fields_and_alias_there(corpus, create_system, drain, es,
                                                                          no_indices):
    """A record type added by an upgrade (here: IT systems) before anyone rebuilt: its first write
    adds its fields and its filtered alias to the records index, and its records are found."""
    system = search_types()["system"]
    others = [st for st in search_types().values() if st is not system]
    body = indices.index_body(others)
    assert "vendor" not in body["mappings"]["properties"]
    aliases = {name: spec for name, spec in indices.type_aliases().items() if name != indices.alias_name(system)}
    live = f"{indices.records_alias()}-v3-before"
    es.indices.create(index=live, settings=body["settings"], mappings=body["mappings"],
                      aliases={indices.records_alias(): {}, **aliases})
    musit = create_system(name="MUSIT Gjenstandsbase", vendor="Universitetsmuseene")
    drain()
    assert indices.concrete_indices(es, indices.alias_name(system)) == [live]
    assert "vendor" in es.indices.get_mapping(index=live)[live]["mappings"]["properties"]
    assert _found("gjenstandsbase") == [str(musit.id)]
    assert es.count(index=indices.alias_name(system))["count"] == 1  # the new alias filters
    assert _found("fugler") == sorted([str(corpus["birds"].id), str(corpus["birds_csv"].id)])


@pytest.mark.es
def test_processes_making_the_first_index_at_once_make_one(es, no_indices):
    """Both saw no records index and create it: the first one has a fixed name, so the second
    finds it made, and every alias has one index to write to."""
    aliases = {indices.records_alias(): {}, **indices.type_aliases()}
    first = indices.create_index(es, aliases, initial=True)
    assert indices.create_index(es, aliases, initial=True) == first
    assert all(indices.concrete_indices(es, name) == [first] for name in aliases)


@pytest.mark.es
def test_a_rebuild_is_refused_while_another_fills_an_index(app, corpus, drain, es):
    """Drains write to one index being built per alias: a second rebuild would make two, and
    each would lose changes. `--force` deletes the index a stopped rebuild left behind."""
    drain()
    stale = indices.create_index(es, indices.type_aliases("-building"))
    with pytest.raises(repair.RebuildUnderWay, match=stale):
        repair.rebuild_elasticsearch(es)
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["dmp", "search", "rebuild", "dataset"])
    assert refused.exit_code != 0 and "another rebuild is filling" in refused.output
    done = runner.invoke(args=["dmp", "search", "rebuild", "dataset", "--force"])
    assert done.exit_code == 0, done.output
    assert not es.indices.exists(index=stale) and indices.building_indices(es) == []
    assert _found("fugler") == sorted([str(corpus["birds"].id), str(corpus["birds_csv"].id)])
