"""Search on the embedded index: SQLite FTS5, or PostgreSQL full-text search on PostgreSQL.

Text, permissions and facet filters are all words in the index (`readers`, `filters` columns),
so one FTS5 MATCH (or GIN lookups) selects the readable matches; bm25 ranks inside a subquery
before the documents are joined (fast at 100,000 records). Facets are counted in SQL."""
from __future__ import annotations

import logging
import os
import sqlite3
import threading
import urllib.parse
import weakref
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor

import orjson

from sqlalchemy import text

from ..core.db import db
from .facets import FACETS, filter_token
from . import native
from .highlight import highlighter
from .query import SearchRequest, item, parse, result
from .registry import reader_groups, search_types

log = logging.getLogger(__name__)

# Column weights: title_terms, body_terms, readers, filters (the last two only select; dmp_rank gives
# bm25()'s page because they weigh 0: it scores the text phrases only).
_WEIGHTS = (10.0, 1.0, 0.0, 0.0)
assert _WEIGHTS[2:] == (0.0, 0.0)
_WEIGHT_ARGS = ", ".join(map(str, _WEIGHTS))
_SQLITE_RANK = f"bm25(search_fts, {_WEIGHT_ARGS})"
# The same page, scoring the :n_text text phrases only and only rows that may reach the :k best, with
# the phrases' document counts kept per connection under :keys while the index is unchanged (native.py)
_SCOPE = "main.search_fts"  # what dmp_rank and dmp_row_key keep is kept for this table
_NATIVE_RANK = f"dmp_rank(search_fts, :n_text, :k, '{_SCOPE}', :keys, {_WEIGHT_ARGS})"
_PG_DOC = "to_tsvector('simple'::regconfig, d.title_terms || ' ' || d.body_terms)"
_PG_RANK = ("ts_rank(setweight(to_tsvector('simple'::regconfig, d.title_terms), 'A') || "
            "setweight(to_tsvector('simple'::regconfig, d.body_terms), 'D'), to_tsquery('simple', :t))")
_ORDER = {"title": "d.title_sort, d.id", "-title": "d.title_sort DESC, d.id",
          "updated": "d.updated_at, d.id", "-updated": "d.updated_at DESC, d.id"}


# The FTS5 index holds permission and facet tokens marked with these (generated columns
# fts_readers, fts_filters: migration b7d2e9f4a1c3). Text terms never hold "_", so no word meets
# them, and only prefix phrases need a column filter ("r*" would reach r_public).
_READER, _FILTER = "r_", "f_"
_TEXT_COLUMNS = "{title_terms body_terms}"
_FACET_SET_OF_ROW = "SELECT facet_set FROM search_document INDEXED BY ix_search_document_facet_of WHERE id = ?"


def _any_of(mark: str, tokens) -> str:
    return "(" + " OR ".join(mark + t for t in tokens) + ")"


class _Sqlite:
    name = "sqlite"

    def match(self, clauses, identity, filters, suggesting=False):
        parts, phrases = [], []
        for c in clauses:  # first: dmp_rank's n_text phrases
            phrase = f'"{" ".join(c.terms)}"' + (" *" if c.prefix else "")
            if suggesting:
                phrase = f"(title_terms : {phrase})"
            elif c.prefix:
                phrase = f"({_TEXT_COLUMNS} : {phrase})"
            phrases.append(phrase)
        parts += phrases
        groups = [self._group(names, tokens) for names, tokens in reader_groups(identity, suggesting=suggesting)]
        parts.append("(" + " OR ".join(groups) + ")")
        for name, values in filters.items():
            parts.append(_any_of(_FILTER, (filter_token(name, v) for v in values)))
        keys = "\n".join(phrases)  # each names its phrase exactly; terms hold no newline
        params = {"m": " AND ".join(parts), "n_text": len(clauses), "keys": keys if phrases else None}
        return self._SOURCE.format(hint=""), "1 = 1", params

    @staticmethod
    def _group(names, tokens) -> str:
        """One permission group as FTS5 syntax. The types are named by what they are not when that
        is shorter: the common types' posting lists are the longest (`dataset` is in most documents)."""
        readers = _any_of(_READER, tokens)
        if not names:
            return readers
        others = [n for n in search_types() if n not in names]
        if others and len(others) < len(names):
            return f"({readers} NOT {_any_of(_FILTER, (filter_token('record_type', n) for n in others))})"
        return f"({_any_of(_FILTER, (filter_token('record_type', n) for n in names))} AND {readers})"

    _SOURCE = "(SELECT rowid AS id FROM search_fts WHERE search_fts MATCH :m) m JOIN search_document d {hint}ON d.id = m.id"

    def ranked_page(self, source, where, params, limit, offset):
        rank = _NATIVE_RANK if native.available() else _SQLITE_RANK
        stmt = text(f"SELECT d.document, r.rank FROM (SELECT rowid, {rank} AS rank FROM search_fts "
                    "WHERE search_fts MATCH :m ORDER BY rank LIMIT :limit OFFSET :offset) r "
                    "JOIN search_document d ON d.id = r.rowid ORDER BY r.rank")
        return stmt, {**params, "limit": limit, "offset": offset, "k": limit + offset if limit >= 0 else 0}

    def groups(self, source, where, params) -> list[tuple]:
        return self.expand(db.session.execute(text(self.groups_sql(where)), params).all(),
                           lambda sql: db.session.execute(text(sql)).all())

    def groups_sql(self, where) -> str:
        """(facet-set key, n) of the matches (`where` is "1 = 1" from match(): the MATCH says it all),
        grouped by the integer key, read through the covering (id, facet_set) index: the wide
        document rows are never read (80 → 25 ms for 28,000 matches at 100,000 records). With
        dmp_row_key (native.py) each row's key is kept per connection while the index is unchanged,
        so a count run again reads the FTS index only (narrow corpus: 3.7 → ~2 ms)."""
        if native.available() and where == "1 = 1":
            return (f"SELECT k, count(*) AS n FROM (SELECT dmp_row_key(search_fts, '{_SCOPE}', "
                    f"'{_FACET_SET_OF_ROW}') AS k FROM search_fts WHERE search_fts MATCH :m LIMIT -1) "
                    "WHERE k IS NOT NULL GROUP BY k")
        counted = self._SOURCE.format(hint="INDEXED BY ix_search_document_facet_of ")
        return f"SELECT d.facet_set AS k, count(*) AS n FROM {counted} WHERE {where} GROUP BY d.facet_set"

    @staticmethod
    def expand(rows, fetch) -> list[tuple]:
        """[(facet values, n)] from [(key, n)]; each key's values are read once per process (with
        `fetch`, which runs a query on the caller's connection and returns its rows)."""
        known = {k: _sets.get(k) for k, _n in rows}  # this call's own: another thread may clear _sets
        missing = [k for k, pairs in known.items() if pairs is None]
        if missing:
            if len(_sets) > 100_000:
                _sets.clear()
            for key, value in fetch("SELECT facet_set, min(facet_values) FROM search_document WHERE facet_set IN "
                                    f"({', '.join(str(int(k)) for k in missing)}) GROUP BY facet_set"):
                known[key] = _sets[key] = _facet_pairs(value)
        return [(known.get(k) or (), n) for k, n in rows]

    @classmethod
    def count_beside(cls, connection, rows) -> tuple[int, dict]:
        """_count of the groups, on the side reader's thread and connection (off the page's path)."""
        return _count(cls.expand(rows, lambda sql: connection.execute(sql).fetchall()))


_sets: dict[int, tuple] = {}  # facet-set key → ((facet, value), ...)


class _SideReader:
    """Read-only queries on a second SQLite connection, one per worker thread (two threads), run
    while the request's own connection works: SQLite releases the GIL while a statement runs, so
    the two use both cores. Its connections are its own, not the pool's: a request waiting for a
    pooled connection while holding one could deadlock a busy pool."""

    WORKERS = 2

    def __init__(self):
        self._reset()
        os.register_at_fork(after_in_child=self._reset)  # a child inherits no threads, maybe a held lock

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._local = threading.local()
        self._busy = 0

    def submit(self, sql: str, params: dict, then=None) -> Future | None:
        """The query's rows to come (or then(connection, rows), run on the same thread), or None
        when the caller must run it itself: no database file
        a second connection can open (another driver, in memory), writes of this transaction the
        other connection would not see, or both threads busy (many searches at once)."""
        path = _database_file()
        if path is None:
            return None
        with self._lock:
            if self._busy >= self.WORKERS:
                return None
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.WORKERS, thread_name_prefix="dmp-search-side")
            self._busy += 1
            try:
                return self._pool.submit(self._counted, path, sql, params, then)
            except RuntimeError:  # the interpreter is shutting down
                self._busy -= 1
                return None

    def _counted(self, *args) -> list[tuple]:
        try:
            return self._run(*args)
        finally:  # before the future has its result: a caller that got it may submit again at once
            with self._lock:
                self._busy -= 1

    def _run(self, path: str, sql: str, params: dict, then=None):
        connections = self._local.__dict__.setdefault("connections", {})
        stat = os.stat(path)
        file = (stat.st_dev, stat.st_ino)  # a file restored over the old one is another file
        known = connections.get(path)
        if known is None or known[0] != file:
            if known is not None:
                known[1].close()
            # mode=rw: never create an empty database where the file should be
            connection = sqlite3.connect(f"file:{urllib.parse.quote(path)}?mode=rw", uri=True, timeout=30)
            connection.execute("PRAGMA query_only = ON")
            known = connections[path] = (file, connection)
        rows = known[1].execute(sql, params).fetchall()
        return rows if then is None else then(known[1], rows)


_files: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # engine → its database file, or None


def _database_file() -> str | None:
    """The absolute path of the session's SQLite database file as SQLite names it, if another
    connection may read it now; None for another dialect or driver, an in-memory or temporary
    database, or a transaction that has written (the standard driver begins one only to write)."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite" or connection.dialect.driver != "pysqlite":
        return None
    raw = connection.connection.driver_connection
    if raw.in_transaction:
        return None
    engine = connection.engine
    if engine not in _files:
        files = {name: file for _seq, name, file in raw.execute("PRAGMA database_list")}
        _files[engine] = files.get("main") or None
    return _files[engine]


side_reader = _SideReader()


class _Postgres:
    name = "postgresql"

    def match(self, clauses, identity, filters, suggesting=False):
        conditions, params = [], {}
        if clauses:
            params["t"] = " & ".join("(" + " <-> ".join(c.terms) + (":*" if c.prefix else "") + ")" for c in clauses)
            column = "to_tsvector('simple'::regconfig, d.title_terms)" if suggesting else _PG_DOC
            conditions.append(f"{column} @@ to_tsquery('simple', :t)")
        groups = []
        for i, (names, tokens) in enumerate(reader_groups(identity, suggesting=suggesting)):
            params[f"r{i}"] = " | ".join(tokens)
            readers = f"to_tsvector('simple'::regconfig, d.readers) @@ to_tsquery('simple', :r{i})"
            if not names:
                groups.append(readers)
                continue
            params[f"g{i}"] = " | ".join(filter_token("record_type", n) for n in names)
            groups.append(f"(to_tsvector('simple'::regconfig, d.filters) @@ to_tsquery('simple', :g{i}) AND {readers})")
        conditions.append("(" + " OR ".join(groups) + ")")
        if filters:
            params["f"] = " & ".join("(" + " | ".join(filter_token(n, v) for v in vals) + ")"
                                     for n, vals in filters.items())
            conditions.append("to_tsvector('simple'::regconfig, d.filters) @@ to_tsquery('simple', :f)")
        return "search_document d", " AND ".join(conditions), params

    def ranked_page(self, source, where, params, limit, offset):
        stmt = text(f"SELECT d.document, {_PG_RANK} AS rank FROM {source} WHERE {where} "
                    "ORDER BY rank DESC, d.id LIMIT :limit OFFSET :offset")
        return stmt, {**params, "limit": limit, "offset": offset}

    def groups(self, source, where, params) -> list[tuple]:
        """[(facet values, n)]: PostgreSQL hashes the JSON groups itself."""
        rows = db.session.execute(text(f"SELECT d.facet_values AS v, count(*) AS n FROM {source} WHERE {where} "
                                       "GROUP BY d.facet_values"), params)
        return [(_facet_pairs(r.v), r.n) for r in rows]


def _dialect():
    return _Postgres() if db.dialect == "postgresql" else _Sqlite()


def search(identity, req: SearchRequest) -> dict:
    dialect, session = _dialect(), db.session
    source, where, params = dialect.match(req.clauses, identity, req.filters)
    # One pass over the matches gives the total and every facet; on a SQLite file it runs on a
    # second connection while this one ranks the page (both cores; a page and its counts may then
    # come from snapshots a commit apart, as on Elasticsearch between refreshes).
    counting = (side_reader.submit(dialect.groups_sql(where), params, then=dialect.count_beside)
                if dialect.name == "sqlite" else None)
    limit, offset = req.per_page, (req.page - 1) * req.per_page
    if req.effective_sort == "relevance":
        stmt, page_params = dialect.ranked_page(source, where, params, limit, offset)
    else:
        stmt = text(f"SELECT d.document, NULL AS rank FROM {source} WHERE {where} "
                    f"ORDER BY {_ORDER[req.effective_sort]} LIMIT :limit OFFSET :offset")
        page_params = {**params, "limit": limit, "offset": offset}
    rows = session.execute(stmt, page_params).all()
    highlight = highlighter(req.clauses)  # the hits first: the count may still be running beside
    items = [item(doc, _score(r.rank), highlight(doc)) for r in rows for doc in (_doc(r.document),)]
    total, counts = _match_counts(dialect, counting, source, where, params)
    total = max(total, offset + len(rows))  # counted on a snapshot a commit older than the page
    return result(dialect.name, False, req, total, items, _facets(dialect, identity, req, counts))


def _match_counts(dialect, counting: Future | None, source, where, params) -> tuple[int, dict]:
    """(matches, facet → buckets): counted beside the page, or else here."""
    if counting is not None:
        try:
            return counting.result()
        except (OSError, sqlite3.Error) as exc:  # e.g. the file replaced meanwhile: count here instead
            log.warning("search count on the second connection failed, counting here: %s", exc)
    return _count(dialect.groups(source, where, params))


def _facets(dialect, identity, req: SearchRequest, counts: dict) -> dict:
    for name in req.filters:  # a selected facet counts without its own selection
        source, where, params = dialect.match(req.clauses, identity, req.filters_except(name))
        counts[name] = _count(dialect.groups(source, where, params))[1].get(name, [])
    return {f.name: counts.get(f.name, []) for f in FACETS}


def _count(groups) -> tuple[int, dict]:
    """(matches, facet → buckets) from [(facet values, n)]. Documents sharing their facet values
    share one group, so the database returns a few hundred groups however many documents match,
    and no JSON is expanded per matching row (each group's values are parsed once per process)."""
    total, counts = 0, defaultdict(int)
    for pairs, n in groups:
        total += n
        for pair in pairs:
            counts[pair] += n
    buckets = defaultdict(list)
    for (facet, value), n in sorted(counts.items(), key=lambda i: (-i[1], i[0][1])):
        buckets[facet].append({"value": value, "count": n})
    return total, dict(buckets)


_parsed: dict[str, tuple] = {}


def _facet_pairs(value) -> tuple:
    """((facet, value), ...) of a stored facet_values (JSON text on SQLite, dict on PostgreSQL)."""
    if value is None:
        return ()
    if not isinstance(value, str):
        return tuple((k, str(v)) for k, vs in value.items() for v in vs)
    pairs = _parsed.get(value)
    if pairs is None:
        if len(_parsed) > 100_000:
            _parsed.clear()
        pairs = _parsed[value] = _facet_pairs(_doc(value))
    return pairs


def suggest(identity, q: str, size: int) -> list[dict]:
    clauses = parse(q, prefix_last=True)
    if not clauses:
        return []
    dialect = _dialect()
    source, where, params = dialect.match(clauses, identity, {}, suggesting=True)
    stmt, params = dialect.ranked_page(source, where, params, size, 0)
    return [{"id": d["id"], "record_type": d["record_type"], "title": d.get("title") or {}}
            for d in (_doc(r.document) for r in db.session.execute(stmt, params))]


def _doc(value):
    return orjson.loads(value) if isinstance(value, str) else value


def _score(rank):
    if rank is None:
        return None
    return round(-float(rank), 4) if db.dialect != "postgresql" else round(float(rank), 4)
