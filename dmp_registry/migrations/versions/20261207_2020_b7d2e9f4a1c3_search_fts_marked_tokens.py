"""the embedded full-text index (SQLite) marks permission and facet tokens: `r_public`, `f_…`

The FTS5 table indexes two generated columns of search_document instead of `readers` and
`filters`: each token with `r_` or `f_` before it, and the tokenizer keeps `_` inside a token.
Text terms never hold `_` (search/analysis.py splits on it), so a word can no longer meet a
permission or facet token and the query needs no column filter on them (nor on the text phrases,
except prefixes: "r*" would reach `r_public`); FTS5 then reads no position lists to filter columns
(the ranked page and the facet count each ~0.2–0.3 ms faster at 100,000 records). The index is
filled again here (~2 s for 100,000 documents). PostgreSQL is unchanged.

Revision ID: b7d2e9f4a1c3
Revises: a4c6e8f0b2d1
Create Date: 2026-12-07 20:20:00
"""
from alembic import op

revision = 'b7d2e9f4a1c3'
down_revision = 'a4c6e8f0b2d1'
branch_labels = None
depends_on = None

_TRIGGERS = ("search_document_ai", "search_document_ad", "search_document_au")
_MARKED = {  # generated column: (stored column, mark); search/fallback.py writes the same marks
    "fts_readers": ("readers", "r_"),
    "fts_filters": ("filters", "f_"),
}


def _fts(columns: str, tokenize: str) -> list[str]:
    new = ", ".join(f"new.{c.strip()}" for c in columns.split(","))
    old = ", ".join(f"old.{c.strip()}" for c in columns.split(","))
    return [
        f"CREATE VIRTUAL TABLE search_fts USING fts5({columns}, content='search_document', content_rowid='id', "
        f"tokenize=\"{tokenize}\", prefix='2 3 4')",
        f"CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN "
        f"INSERT INTO search_fts(rowid, {columns}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN "
        f"INSERT INTO search_fts(search_fts, rowid, {columns}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN "
        f"INSERT INTO search_fts(search_fts, rowid, {columns}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO search_fts(rowid, {columns}) VALUES (new.id, {new}); END",
        "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
    ]


MARKED_FTS = _fts("title_terms, body_terms, fts_readers, fts_filters", "unicode61 remove_diacritics 0 tokenchars '_'")
PLAIN_FTS = _fts("title_terms, body_terms, readers, filters", "unicode61 remove_diacritics 0")


def _drop_fts() -> None:
    for trigger in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS search_fts")


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    _drop_fts()
    for name, (column, mark) in _MARKED.items():
        # tokens are separated by single spaces (search/store.py); '' stays ''
        op.execute(f"ALTER TABLE search_document ADD COLUMN {name} TEXT GENERATED ALWAYS AS "
                   f"(CASE WHEN {column} = '' THEN '' ELSE '{mark}' || replace({column}, ' ', ' {mark}') END) VIRTUAL")
    for statement in MARKED_FTS:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    _drop_fts()
    for name in _MARKED:  # ALTER TABLE … DROP COLUMN: SQLite 3.35 or later
        op.execute(f"ALTER TABLE search_document DROP COLUMN {name}")
    for statement in PLAIN_FTS:
        op.execute(statement)
