"""dmp_rank (search/native_rank.c) gives the pages FTS5's bm25() gives: the same rows in the same
order with the same scores, for any page, while skipping the rows that cannot reach it."""
from __future__ import annotations

import random
import sqlite3

import pytest

from dmp_registry.core.db import db
from dmp_registry.core.identity import system_identity
from dmp_registry.search import native
from dmp_registry.search.query import SearchRequest
from dmp_registry.search.service import search

WORDS = [f"w{i}" for i in range(60)]
WEIGHTS = "10.0, 1.0, 0.0, 0.0"


def test_the_native_ranking_is_built_and_loaded():
    """make test builds it (scripts/build-native.sh --require); without it these tests fail, not skip."""
    assert native.LIBRARY.exists(), f"{native.LIBRARY} is not built: run scripts/build-native.sh"
    assert native.install() and native.available()


def _word(rnd: random.Random) -> str:
    return WORDS[min(int(rnd.paretovariate(1.0)) - 1, len(WORDS) - 1)]  # Zipf-like: w0 is everywhere


@pytest.fixture(scope="module")
def fts():
    """An FTS5 table shaped like search_fts: short titles, bodies from empty to long, readers, filters."""
    assert native.install()
    rnd = random.Random(5)
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(title, body, readers, filters, prefix='2 3')")
    rows = []
    for _ in range(3000):
        title = " ".join(_word(rnd) for _ in range(rnd.randint(1, 6)))
        body = " ".join(_word(rnd) for _ in range(rnd.choice([0, 3, 20, 200])))
        rows.append((title, body, rnd.choice(["public", "public staff", "staff"]), "ftype" + str(rnd.randint(1, 3))))
    connection.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", rows)
    connection.commit()  # dmp_rank keeps phrase counts only outside a transaction
    yield connection
    connection.close()


def _keys(match: str, n_text: int) -> str:
    """dmp_rank's keys for a MATCH written as _queries writes it: each text phrase with its columns."""
    columns, text = match.split(" : (", 1)
    return "\n".join(f"{columns} : {p}" for p in text.split(")", 1)[0].split(" AND "))


def _queries(n: int) -> list[tuple[str, int]]:
    """(MATCH expression, number of text phrases) shaped as fallback.py writes them: the text phrases
    first (some prefixes, some on titles only), then permission groups and facet filters."""
    rnd = random.Random(11)
    out = []
    for _ in range(n):
        words = [_word(rnd) for _ in range(rnd.randint(1, 3))]
        phrases = [f'"{w}"' for w in words]
        if rnd.random() < 0.2:
            phrases[-1] = f'"{words[-1][:2]}" *'  # a prefix phrase
        columns = "title" if rnd.random() < 0.15 else "{title body}"
        parts = [f"{columns} : ({' AND '.join(phrases)})"]
        parts.append(rnd.choice(["(readers : (public))", "((readers : (public OR staff)) NOT filters : (ftype2))",
                                 "((filters : (ftype1) AND readers : (staff)) OR (readers : (public)))"]))
        if rnd.random() < 0.3:
            parts.append("filters : (ftype1 OR ftype3)")
        out.append((" AND ".join(parts), len(phrases)))
    return out


def _page(fts, rank: str, match: str, n_text: int, limit: int, offset: int, keys: str | None = None):
    """[(rowid, score)] of one page; `keys` defaults to the phrases' own."""
    keys = _keys(match, n_text) if keys is None else keys
    return fts.execute(f"SELECT rowid, {rank} AS r FROM t WHERE t MATCH :m ORDER BY r LIMIT :limit OFFSET :offset",
                       {"m": match, "n_text": n_text, "limit": limit, "offset": offset, "k": limit + offset,
                        "keys": keys}).fetchall()


NATIVE = f"dmp_rank(t, :n_text, :k, 'main.t', :keys, {WEIGHTS})"


def _assert_same_page(got, expected, match):
    assert [r for r, _ in got] == [r for r, _ in expected], match
    assert [s for _, s in got] == pytest.approx([s for _, s in expected], rel=1e-12, abs=1e-12), match


@pytest.mark.parametrize("limit, offset", [(25, 0), (25, 25), (10, 90), (1, 0), (3000, 0)])
def test_pages_equal_bm25_pages(fts, limit, offset):
    compared = 0
    for match, n_text in _queries(120) * 2:  # the second time with the phrases' counts kept
        expected = _page(fts, f"bm25(t, {WEIGHTS})", match, n_text, limit, offset)
        _assert_same_page(_page(fts, NATIVE, match, n_text, limit, offset), expected, match)
        compared += len(expected)
    assert compared >= 100 * min(limit, 5)  # the queries found rows: the comparison was not empty


def test_rows_off_the_page_are_bounded_not_scored(fts):
    """Over every matching row, the rows beyond the page get a value no better than the page's last
    (their bound), never a better one: that is what keeps them off the page. Many are bounded."""
    bounded = 0
    for match, n_text in _queries(40):
        everything = fts.execute(f"SELECT rowid, dmp_rank(t, :n_text, 25, NULL, NULL, {WEIGHTS}) AS r FROM t "
                                 "WHERE t MATCH :m", {"m": match, "n_text": n_text}).fetchall()
        exact = dict(fts.execute(f"SELECT rowid, bm25(t, {WEIGHTS}) FROM t WHERE t MATCH :m", {"m": match}).fetchall())
        for rowid, value in everything:
            assert value <= exact[rowid] + 1e-12  # a bound or the exact score, never worse than exact
            bounded += value < exact[rowid] - 1e-9
        page = sorted(exact.values())[:25]
        assert sorted(v for _, v in everything)[:25] == pytest.approx(page, rel=1e-12, abs=1e-12)
    assert bounded > 1000  # the length lookups skipped: the point of the bound


def test_a_second_call_for_the_same_row_repeats_the_first(fts):
    """Two calls in one statement share the query's state: the second must not count the row twice
    (it would raise the bar and bound rows that belong on the page)."""
    for match, n_text in _queries(30):
        expected = _page(fts, f"bm25(t, {WEIGHTS})", match, n_text, 5, 0)
        got = fts.execute(f"SELECT rowid, dmp_rank(t, :n, 5, NULL, NULL, {WEIGHTS}) AS r, "
                          f"dmp_rank(t, :n, 5, NULL, NULL, {WEIGHTS}) AS again FROM t WHERE t MATCH :m ORDER BY r LIMIT 5",
                          {"m": match, "n": n_text}).fetchall()
        assert [r for r, _, _ in got] == [r for r, _ in expected], match
        assert [a for _, a, _ in got] == [b for _, _, b in got]


def test_kept_counts_are_used_under_their_key(fts):
    """One key given for two phrases: the second query ranks with the first phrase's count. So the
    counts are kept, and the tests that they are recounted after a change test something."""
    common, rare = "{title body} : (\"w0\") AND readers : (public)", "{title body} : (\"w9\") AND readers : (public)"
    _page(fts, NATIVE, common, 1, 5, 0, keys="one key for two phrases")
    misled = _page(fts, NATIVE, rare, 1, 5, 0, keys="one key for two phrases")
    expected = _page(fts, f"bm25(t, {WEIGHTS})", rare, 1, 5, 0)
    assert [s for _, s in misled] != pytest.approx([s for _, s in expected])
    _assert_same_page(_page(fts, NATIVE, rare, 1, 5, 0, keys="one\nkey too many"), expected, rare)  # not used


@pytest.fixture
def writable(tmp_path):
    """Two connections to one WAL database file holding an FTS5 table t, in autocommit mode."""
    path = tmp_path / "fts.sqlite"
    first, second = (sqlite3.connect(path, isolation_level=None) for _ in range(2))
    first.execute("PRAGMA journal_mode = wal")
    first.execute("CREATE VIRTUAL TABLE t USING fts5(title, body, readers, filters)")
    first.executemany("INSERT INTO t VALUES (?, ?, 'public', 'ftype1')",
                      [(f"w{i % 7} w{i % 3}", f"w{i % 5} w{i % 11} w{i % 13}") for i in range(400)])
    yield first, second
    first.close()
    second.close()


def _same_as_bm25(connection, word: str) -> None:
    match = f'{{title body}} : ("{word}") AND readers : (public)'
    expected = _page(connection, f"bm25(t, {WEIGHTS})", match, 1, 10, 0)
    _assert_same_page(_page(connection, NATIVE, match, 1, 10, 0), expected, match)


def _move_word(connection, word: str, n: int) -> None:
    """Give `word` to n more rows without changing any row's length or the table's sizes: only the
    data version tells that the counts changed."""
    connection.execute("UPDATE t SET title = replace(title, 'w6', ?) WHERE rowid IN "
                       "(SELECT rowid FROM t WHERE t MATCH 'title : w6' LIMIT ?)", (word, n))


def test_counts_are_recounted_after_this_connection_commits(writable):
    connection, _ = writable
    _same_as_bm25(connection, "w4")
    _move_word(connection, "w4", 40)
    _same_as_bm25(connection, "w4")


def test_counts_are_recounted_after_another_connection_commits(writable):
    connection, other = writable
    _same_as_bm25(connection, "w4")
    _move_word(other, "w4", 40)
    _same_as_bm25(connection, "w4")


def _lengthen_the_best_row(connection, word: str) -> None:
    """Make the best row for `word` three tokens longer and another row three shorter: no count of
    the table changes, only the data version tells that a kept length is wrong."""
    match = f'{{title body}} : ("{word}") AND readers : (public)'
    best = _page(connection, f"bm25(t, {WEIGHTS})", match, 1, 1, 0)[0][0]
    connection.execute("BEGIN")
    connection.execute("UPDATE t SET body = body || ' w50 w51 w52' WHERE rowid = ?", (best,))
    connection.execute("UPDATE t SET body = '' WHERE rowid = (SELECT min(rowid) FROM t WHERE rowid != ?)", (best,))
    connection.execute("COMMIT")


def test_kept_lengths_are_read_again_after_a_commit(writable):
    connection, other = writable
    match = '{title body} : ("w4") AND readers : (public)'
    _page(connection, NATIVE, match, 1, 400, 0)  # every matching row scored exactly: every length kept
    _lengthen_the_best_row(other, "w4")
    _same_as_bm25(connection, "w4")


def test_counts_are_not_kept_inside_a_transaction(writable):
    connection, _ = writable
    _same_as_bm25(connection, "w4")
    connection.execute("BEGIN")
    _move_word(connection, "w4", 40)
    _same_as_bm25(connection, "w4")  # its own uncommitted writes
    connection.execute("ROLLBACK")
    _same_as_bm25(connection, "w4")  # and as it was again


# ---- what is kept belongs to one table in one state ---------------------------------------------
def _exact(connection, table: str, word: str, scope: str) -> None:
    """Every row's dmp_rank (k = 0: all exact) equals bm25(), with what is kept for `scope`."""
    got = connection.execute(f"SELECT rowid, dmp_rank({table}, 1, 0, ?, ?) FROM {table} WHERE {table} MATCH ? "
                             "ORDER BY rowid", (scope, f'"{word}"', f'"{word}"')).fetchall()
    expected = connection.execute(f"SELECT rowid, bm25({table}) FROM {table} WHERE {table} MATCH ? ORDER BY rowid",
                                  (f'"{word}"',)).fetchall()
    _assert_same_page(got, expected, table)


def test_two_tables_of_the_same_size_keep_their_own_lengths_and_counts():
    connection = sqlite3.connect(":memory:", isolation_level=None)
    for table in ("a", "b"):
        connection.execute(f"CREATE VIRTUAL TABLE {table} USING fts5(x)")
    # the same row and token counts, other lengths and other counts of "w"
    connection.executemany("INSERT INTO a(rowid, x) VALUES (?, ?)", [(1, "w one two three"), (2, "w"), (3, "z")])
    connection.executemany("INSERT INTO b(rowid, x) VALUES (?, ?)", [(1, "w"), (2, "z one two three"), (3, "z")])
    for table in ("a", "b", "a", "b"):
        _exact(connection, table, "w", f"main.{table}")


def test_a_table_in_an_attached_database_is_kept_by_its_own_data_version(tmp_path):
    connection = sqlite3.connect(tmp_path / "main.sqlite", isolation_level=None)
    connection.execute("ATTACH ? AS other", (str(tmp_path / "other.sqlite"),))
    connection.execute("CREATE VIRTUAL TABLE other.t USING fts5(x)")
    connection.executemany("INSERT INTO other.t(rowid, x) VALUES (?, ?)", [(1, "w one two"), (2, "z"), (3, "q")])
    _exact(connection, "t", "w", "other.t")
    connection.execute("UPDATE other.t SET x = 'w' WHERE rowid = 1")  # same row and token counts...
    connection.execute("UPDATE other.t SET x = 'w one two' WHERE rowid = 2")  # ...but "w" moved on
    _exact(connection, "t", "w", "other.t")


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_nothing_is_kept_while_a_write_is_under_way(tmp_path, journal):
    """An UPDATE … RETURNING being stepped has applied its changes but not committed them, with
    autocommit still on; a search meanwhile must neither use nor keep counts for that state."""
    connection = sqlite3.connect(tmp_path / "db.sqlite", isolation_level=None)
    connection.execute(f"PRAGMA journal_mode = {journal}")
    connection.execute("CREATE TABLE doc (id INTEGER PRIMARY KEY, x TEXT)")  # RETURNING: not on a virtual table
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(x, content='doc', content_rowid='id')")
    connection.execute("CREATE TRIGGER doc_ai AFTER INSERT ON doc BEGIN INSERT INTO t(rowid, x) VALUES (new.id, new.x); END")
    connection.execute("CREATE TRIGGER doc_au AFTER UPDATE ON doc BEGIN "
                       "INSERT INTO t(t, rowid, x) VALUES ('delete', old.id, old.x); "
                       "INSERT INTO t(rowid, x) VALUES (new.id, new.x); END")
    connection.executemany("INSERT INTO doc(id, x) VALUES (?, ?)", [(1, "w one"), (2, "w z two"), (3, "q")])
    _exact(connection, "t", "w", "main.t")
    # row 1 one token shorter, row 2 one longer: the table's counts stay, only the lengths change
    writing = connection.execute("UPDATE doc SET x = CASE id WHEN 1 THEN 'w' ELSE 'w z two x' END "
                                 "WHERE id IN (1, 2) RETURNING id")
    _exact(connection, "t", "w", "main.t")  # its own uncommitted state
    connection.set_progress_handler(lambda: 1, 1)  # the writer is interrupted: its changes roll back
    with pytest.raises(sqlite3.OperationalError):
        writing.fetchall()
    connection.set_progress_handler(None, 0)
    _exact(connection, "t", "w", "main.t")


def test_a_statement_stops_using_what_another_cleared():
    """A search stepped lazily while another, on another table, resets what the connection keeps."""
    connection = sqlite3.connect(":memory:", isolation_level=None)
    connection.execute("CREATE VIRTUAL TABLE a USING fts5(x)")
    connection.execute("CREATE VIRTUAL TABLE b USING fts5(x)")
    connection.executemany("INSERT INTO a(rowid, x) VALUES (?, ?)", [(i, "w " + "pad " * (i % 7)) for i in range(1, 201)])
    connection.executemany("INSERT INTO b(rowid, x) VALUES (?, ?)", [(i, "w " + "q " * (i % 3)) for i in range(1, 201)])
    lazy = connection.execute("SELECT rowid, dmp_rank(a, 1, 0, 'main.a', '\"w\"') FROM a WHERE a MATCH 'w'")
    first = [lazy.fetchone()]
    _exact(connection, "b", "w", "main.b")  # b's lengths kept now
    rest = sorted(first + lazy.fetchall())
    _assert_same_page(rest, connection.execute("SELECT rowid, bm25(a) FROM a WHERE a MATCH 'w' ORDER BY rowid").fetchall(),
                      "a")
    _exact(connection, "b", "w", "main.b")


# ---- dmp_row_key: a row's integer from another table, kept -------------------------------------
KEY_OF = "SELECT k FROM keys WHERE id = ?"
COUNT_BY_KEY = ("SELECT k, count(*) FROM (SELECT dmp_row_key(t, 'main.t', :sql) AS k FROM t WHERE t MATCH :m LIMIT -1) "
                "WHERE k IS NOT NULL GROUP BY k ORDER BY k")
COUNT_BY_JOIN = ("SELECT keys.k, count(*) FROM t JOIN keys ON keys.id = t.rowid WHERE t MATCH :m "
                 "GROUP BY keys.k ORDER BY keys.k")


@pytest.fixture
def keyed(writable):
    """The writable table with a key per row in another table (as facet_set in search_document)."""
    first, second = writable
    first.execute("CREATE TABLE keys (id INTEGER PRIMARY KEY, k INTEGER NOT NULL, other INTEGER)")
    first.execute("INSERT INTO keys SELECT rowid, rowid % 7, rowid % 3 FROM t WHERE rowid % 50 != 0")  # some none
    return first, second


def _counts(connection, match="w4", sql=KEY_OF):
    by_key = connection.execute(COUNT_BY_KEY, {"sql": sql, "m": match}).fetchall()
    assert by_key == connection.execute(COUNT_BY_JOIN.replace("keys.k", "keys." + sql.split()[1]),
                                        {"m": match}).fetchall()
    return by_key


def test_row_keys_count_as_a_join_does_cold_and_kept(keyed):
    connection, _ = keyed
    for match in ("w4", "w0", "w4 OR w7", "w12"):
        assert _counts(connection, match) == _counts(connection, match)  # the second from what was kept


def test_a_key_changed_elsewhere_is_read_again(keyed):
    """The index is unchanged (same rows, same tokens): only the data version tells."""
    connection, other = keyed
    before = _counts(connection)
    other.execute("UPDATE keys SET k = k + 100 WHERE id % 2 = 0")
    assert _counts(connection) != before


def test_a_row_key_statement_stepped_while_another_keeps_other_keys(keyed):
    connection, _ = keyed
    lazy = connection.execute("SELECT dmp_row_key(t, 'main.t', ?) FROM t WHERE t MATCH 'w4'", (KEY_OF,))
    first = [lazy.fetchone()]
    _counts(connection, sql="SELECT other FROM keys WHERE id = ?")
    got = [k for (k,) in first + lazy.fetchall()]
    expected = [k for (k,) in connection.execute("SELECT keys.k FROM t LEFT JOIN keys ON keys.id = t.rowid "
                                                 "WHERE t MATCH 'w4'")]
    assert got == expected


def test_a_row_key_statement_that_does_not_prepare_says_why(keyed):
    connection, _ = keyed
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        connection.execute("SELECT dmp_row_key(t, 'main.t', 'SELECT k FROM no_such_table WHERE id = ?') "
                           "FROM t WHERE t MATCH 'w4'").fetchall()


def test_keys_kept_for_one_statement_are_not_given_for_another(keyed):
    connection, _ = keyed
    by_k = _counts(connection)
    by_other = _counts(connection, sql="SELECT other FROM keys WHERE id = ?")
    assert by_other != by_k and _counts(connection) == by_k


def test_a_library_built_from_another_version_is_not_used(monkeypatch):
    monkeypatch.setattr(native, "ABI", native.ABI + 1)
    assert not native._install()


def test_a_negative_weight_scores_every_row_exactly(fts):
    match, n_text = _queries(1)[0]
    got = fts.execute("SELECT rowid, dmp_rank(t, :n, 5, NULL, NULL, 10.0, -1.0, 0.0, 0.0) FROM t WHERE t MATCH :m ORDER BY rowid",
                      {"m": match, "n": n_text}).fetchall()
    exact = fts.execute("SELECT rowid, bm25(t, 10.0, -1.0, 0.0, 0.0) FROM t WHERE t MATCH :m ORDER BY rowid",
                        {"m": match}).fetchall()
    assert got == pytest.approx(exact)


@pytest.mark.parametrize("q", ["fugler", "fugl dovrefjell", "dovre*", "museum", "tromso"])
def test_search_gives_the_same_answer_with_bm25(drained_corpus, monkeypatch, q):
    if db.dialect != "sqlite":
        pytest.skip("PostgreSQL ranks with ts_rank; dmp_rank is for SQLite's FTS5")
    req = SearchRequest(q=q, per_page=5)
    native_answer = search(system_identity, req)
    monkeypatch.setenv("DMP_NATIVE_RANK", "0")
    assert not native.available()
    assert search(system_identity, req) == native_answer


@pytest.fixture
def drained_corpus(corpus, drain):
    drain()
    return corpus
