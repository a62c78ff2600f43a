/*
 * dmp_rank: the embedded index's relevance ranking, an FTS5 auxiliary function.
 *
 * It gives the page FTS5's own bm25() gives (the same formula, k1 = 1.2, b = 0.75, the same
 * scores), with less work:
 *
 * 1. Only the query's text phrases are scored. The permission and facet phrases that follow them
 *    in the MATCH expression have weight 0 in bm25(), which still counts the documents of each per
 *    query (reading their whole posting lists) and reads their positions in every row.
 * 2. A row that cannot reach the page is not given its exact score. The exact score needs the
 *    row's length (a lookup in the docsize table per row: most of bm25's time on common words).
 *    The function keeps the best k exact scores seen so far (k = the page's limit + offset); a
 *    row whose upper bound (the score it would have at the smallest possible length, 1 token) is
 *    below the k-th best gets that bound instead, which is also below the k-th best: it is not on
 *    the page either way, and every row that is has its exact score.
 *
 * 3. What the index says about phrases and rows is kept per connection for the next queries:
 *    a phrase's document count (its IDF: bm25() reads the phrase's whole posting list for it on
 *    every query, ~1 ms for a common word at 100,000 rows) and a row's length. Kept for one table
 *    (its scope) while its database is unchanged: no transaction writing, the same data version of
 *    its schema (SQLITE_FCNTL_DATA_VERSION changes with every commit, by this connection or any
 *    other) and the same row and token counts of the table; a statement stops using what is kept
 *    as soon as another one on the connection clears it.
 *
 *    dmp_rank(fts_table, n_text, k, scope, keys, weight_0, weight_1, ...)
 *
 * n_text: how many phrases, from the first, are text to be scored. k: 0 scores every row exactly.
 * scope: NULL (nothing kept) or 'schema.table' naming fts_table, e.g. 'main.search_fts'.
 * keys: NULL, or n_text strings joined by newlines, each naming its phrase and column filter (the
 * same string must mean the same phrase): with a scope, their counts and the rows' lengths are
 * kept. weight_i: the weight of column i (1.0 when not given). A negative weight turns the bound
 * off. The phrases after the first n_text are not scored: the page equals bm25()'s when they
 * weigh 0.
 *
 * Every row the function is called for must be a candidate for the page: call it once per row, in
 * the select list of a query over the FTS table alone, ordered by it, with the page it is given
 * (rows dropped after it, by a join, DISTINCT or GROUP BY, would raise the bar for the others).
 * Loaded by dmp_registry/search/native.py through sqlite3_auto_extension, which checks
 * dmp_rank_abi(); built by scripts/build-native.sh.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#define ABI 4 /* native.py loads only the version it was written for: raise on any change of meaning */

#define K1 1.2
#define B 0.75

typedef struct {
    int n_text;        /* phrases scored */
    sqlite3_int64 k;   /* scores kept; 0: no bound */
    sqlite3_int64 n_kept;
    sqlite3_int64 last_rowid; /* the row scored last, and its value: a second call for it repeats it */
    double last_value;
    int scored_any;
    double avgdl;      /* mean row length in tokens, all columns */
    double min_norm;   /* K1 * (1 - B + B * 1 / avgdl): the normaliser at the smallest length */
    double *idf;       /* per text phrase */
    double *freq;      /* per text phrase, the current row's weighted count */
    double *kept;      /* min-heap of the best k exact scores */
    struct Known *known; /* what is known of the index (valid for this query), or 0 ... */
    unsigned int known_generation; /* ... while its generation is this one */
} Rank;

/* rowid → a 64-bit value, open addressing: doubled when half full, up to MAX_ROWS slots (then
 * cleared when half full). */
#define FIRST_ROWS (1 << 12)
#define MAX_ROWS (1 << 22) /* 4 Mi slots, 68 MiB */
typedef struct {
    sqlite3_int64 *rowid, *value;
    unsigned char *used;
    sqlite3_int64 slots, n;
} RowMap;

static void rowmap_clear(RowMap *m) {
    if (m->used)
        memset(m->used, 0, (size_t)m->slots);
    m->n = 0;
}

static void rowmap_free(RowMap *m) {
    free(m->rowid);
    free(m->value);
    free(m->used);
    memset(m, 0, sizeof *m);
}

/* The slot of rowid: the one holding it, or the free one where it belongs. */
static sqlite3_int64 rowmap_slot(const RowMap *m, sqlite3_int64 rowid) {
    sqlite3_uint64 h = ((sqlite3_uint64)rowid * 0x9E3779B97F4A7C15ull) >> 20;
    sqlite3_int64 i = (sqlite3_int64)(h & (sqlite3_uint64)(m->slots - 1));
    while (m->used[i] && m->rowid[i] != rowid)
        i = (i + 1) & (m->slots - 1);
    return i;
}

static int rowmap_get(const RowMap *m, sqlite3_int64 rowid, sqlite3_int64 *value) {
    sqlite3_int64 at;
    if (!m->used)
        return 0;
    at = rowmap_slot(m, rowid);
    if (!m->used[at])
        return 0;
    *value = m->value[at];
    return 1;
}

/* Room for one more row: allocated, doubled, or cleared; 0 without memory (nothing kept). */
static int rowmap_room(RowMap *m) {
    RowMap old = *m, grown;
    sqlite3_int64 i;
    if (m->used && m->n * 2 < m->slots)
        return 1;
    if (m->used && m->slots * 2 > MAX_ROWS) {
        rowmap_clear(m);
        return 1;
    }
    grown.slots = m->used ? m->slots * 2 : FIRST_ROWS;
    grown.n = 0;
    grown.rowid = malloc((size_t)grown.slots * sizeof *grown.rowid);
    grown.value = malloc((size_t)grown.slots * sizeof *grown.value);
    grown.used = calloc((size_t)grown.slots, 1);
    if (!grown.rowid || !grown.value || !grown.used) {
        rowmap_free(&grown);
        return 0;
    }
    for (i = 0; i < old.slots; i++) /* rehash what was kept */
        if (old.used[i]) {
            sqlite3_int64 at = rowmap_slot(&grown, old.rowid[i]);
            grown.used[at] = 1;
            grown.rowid[at] = old.rowid[i];
            grown.value[at] = old.value[i];
            grown.n++;
        }
    rowmap_free(&old);
    *m = grown;
    return 1;
}

static void rowmap_put(RowMap *m, sqlite3_int64 rowid, sqlite3_int64 value) {
    sqlite3_int64 at;
    if (!rowmap_room(m))
        return;
    at = rowmap_slot(m, rowid);
    if (!m->used[at]) {
        m->used[at] = 1;
        m->rowid[at] = rowid;
        m->n++;
    }
    m->value[at] = value;
}

/* What is known of the index, kept per connection (the functions' user data) for the next queries
 * and valid for one state of the database: cleared when the data version or the table's sizes
 * change. */
#define SLOTS 8192 /* phrase counts, open addressing; cleared when half full */
typedef struct {
    char *key;
    sqlite3_int64 hits;
} Counted;
typedef struct Known {
    int valid;
    unsigned int generation; /* raised whenever something kept is cleared */
    char *scope;             /* 'schema.table' */
    unsigned int data_version;
    sqlite3_int64 n_rows, n_tokens;
    int n_used;
    Counted *slot; /* SLOTS of them, allocated on the first count kept */
    RowMap lengths;  /* rowid → its length in tokens, all columns */
    RowMap row_keys; /* rowid → what row_keys_sql gives for it (dmp_row_key) */
    char *row_keys_sql;
} Known;

static void counts_clear(Known *c) {
    int i;
    for (i = 0; c->slot && i < SLOTS; i++) {
        free(c->slot[i].key);
        c->slot[i].key = 0;
    }
    c->n_used = 0;
    c->generation++;
}

static void known_clear(Known *c) {
    counts_clear(c);
    rowmap_clear(&c->lengths);
    rowmap_clear(&c->row_keys);
}

static void known_free(void *p) {
    Known *c = p;
    if (c) {
        counts_clear(c);
        free(c->slot);
        rowmap_free(&c->lengths);
        rowmap_free(&c->row_keys);
        free(c->row_keys_sql);
        free(c->scope);
        free(c);
    }
}

/* What is known of the scope's table, when it describes the database as this statement reads it
 * (reset if it did not); 0 when nothing may be kept: no scope or no state, a transaction writing
 * (its own writes do not change the data version, and may be rolled back), or no data version.
 * Call on a query's first row; the caller then checks the generation on every row. */
static Known *known_for(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3 *db, const char *scope) {
    Known *c = api->xUserData(fts);
    unsigned int version = 0;
    sqlite3_int64 n_rows = 0, n_tokens = 0;
    const char *dot = scope ? strchr(scope, '.') : 0;
    char schema[64];
    if (!c || !dot || dot == scope || (size_t)(dot - scope) >= sizeof schema || !sqlite3_get_autocommit(db) ||
        sqlite3_txn_state(db, 0) == SQLITE_TXN_WRITE)
        return 0;
    memcpy(schema, scope, (size_t)(dot - scope));
    schema[dot - scope] = 0;
    if (sqlite3_file_control(db, schema, SQLITE_FCNTL_DATA_VERSION, &version) != SQLITE_OK ||
        api->xRowCount(fts, &n_rows) != SQLITE_OK || api->xColumnTotalSize(fts, -1, &n_tokens) != SQLITE_OK)
        return 0;
    if (!c->scope || strcmp(c->scope, scope) != 0) { /* kept for another table */
        known_clear(c);
        c->valid = 0;
        free(c->scope);
        c->scope = malloc(strlen(scope) + 1);
        if (!c->scope)
            return 0;
        strcpy(c->scope, scope);
    }
    if (!c->valid || c->data_version != version || c->n_rows != n_rows || c->n_tokens != n_tokens) {
        known_clear(c);
        c->valid = 1;
        c->data_version = version;
        c->n_rows = n_rows;
        c->n_tokens = n_tokens;
    }
    return c;
}

/* The slot of key (length n): the one holding it, or the empty one where it belongs. */
static Counted *counts_slot(Known *c, const char *key, int n) {
    unsigned int h = 2166136261u;
    int i;
    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)key[i]) * 16777619u;
    for (h %= SLOTS;; h = (h + 1) % SLOTS) {
        Counted *s = &c->slot[h];
        if (!s->key || ((int)strlen(s->key) == n && memcmp(s->key, key, (size_t)n) == 0))
            return s;
    }
}

/* The row's length in tokens (all columns): kept, or read from FTS5's docsize table and kept. */
static int row_length(const Fts5ExtensionApi *api, Fts5Context *fts, Known *c, int *length) {
    sqlite3_int64 rowid = api->xRowid(fts), kept;
    int rc;
    if (c && rowmap_get(&c->lengths, rowid, &kept)) {
        *length = (int)kept;
        return SQLITE_OK;
    }
    rc = api->xColumnSize(fts, -1, length);
    if (rc == SQLITE_OK && c)
        rowmap_put(&c->lengths, rowid, *length);
    return rc;
}

static void rank_free(void *p) {
    Rank *r = p;
    free(r->idf);
    free(r->freq);
    free(r->kept);
    free(r);
}

static int text_or_null(sqlite3_value *v) {
    return sqlite3_value_type(v) == SQLITE_TEXT || sqlite3_value_type(v) == SQLITE_NULL;
}

static int count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *user) {
    (void)api;
    (void)fts;
    (*(sqlite3_int64 *)user)++;
    return SQLITE_OK;
}

/* Keep `score` if it is among the best k so far. */
static void keep(Rank *r, double score) {
    double *h = r->kept;
    sqlite3_int64 i;
    if (r->n_kept < r->k) {
        for (i = r->n_kept++; i > 0 && h[(i - 1) / 2] > score; i = (i - 1) / 2)
            h[i] = h[(i - 1) / 2];
        h[i] = score;
        return;
    }
    if (score <= h[0])
        return;
    for (i = 0;;) {
        sqlite3_int64 child = 2 * i + 1;
        if (child >= r->n_kept)
            break;
        if (child + 1 < r->n_kept && h[child + 1] < h[child])
            child++;
        if (h[child] >= score)
            break;
        h[i] = h[child];
        i = child;
    }
    h[i] = score;
}

/* How many rows hold text phrase i: the kept count for its key, or counted (and kept when it may be). */
static int phrase_hits(const Fts5ExtensionApi *api, Fts5Context *fts, int i, Known *c, const char *key, int n,
                       sqlite3_int64 *hits) {
    Counted *slot = 0;
    int rc;
    if (c && key && !c->slot)
        c->slot = calloc(SLOTS, sizeof *c->slot); /* without memory: nothing kept */
    if (c && key && c->slot) {
        if (c->n_used >= SLOTS / 2)
            counts_clear(c);
        slot = counts_slot(c, key, n);
        if (slot->key) {
            *hits = slot->hits;
            return SQLITE_OK;
        }
    }
    *hits = 0;
    rc = api->xQueryPhrase(fts, i, hits, count_row);
    if (rc == SQLITE_OK && slot && (slot->key = malloc((size_t)n + 1)) != 0) {
        memcpy(slot->key, key, (size_t)n);
        slot->key[n] = 0;
        slot->hits = *hits;
        c->n_used++;
    }
    return rc;
}

/* keys, when it names exactly n phrases: else no key is used. */
static const char *keys_for(const char *keys, int n) {
    const char *p;
    int lines = 1;
    if (!keys)
        return 0;
    for (p = keys; *p; p++)
        lines += *p == '\n';
    return lines == n ? keys : 0;
}

/* The query's statistics, computed on its first row and kept for the others. */
static int rank_of_query(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3 *db, int n_text, sqlite3_int64 k,
                         const char *scope, const char *keys, Rank **out) {
    Rank *r = api->xGetAuxdata(fts, 0);
    Known *known;
    sqlite3_int64 n_rows = 0, n_tokens = 0;
    int rc, i;
    if (r) {
        *out = r;
        return SQLITE_OK;
    }
    rc = api->xRowCount(fts, &n_rows);
    if (rc == SQLITE_OK)
        rc = api->xColumnTotalSize(fts, -1, &n_tokens);
    if (rc != SQLITE_OK)
        return rc;
    if (n_text > api->xPhraseCount(fts))
        n_text = api->xPhraseCount(fts);
    if (n_text < 0)
        n_text = 0;
    if (k < 0)
        k = 0;
    if (k > n_rows)
        k = n_rows; /* no page holds more rows than the table */
    r = calloc(1, sizeof *r);
    if (!r)
        return SQLITE_NOMEM;
    r->idf = calloc((size_t)n_text + 1, sizeof(double));
    r->freq = calloc((size_t)n_text + 1, sizeof(double));
    r->kept = calloc((size_t)k + 1, sizeof(double));
    if (!r->idf || !r->freq || !r->kept) {
        rank_free(r);
        return SQLITE_NOMEM;
    }
    r->n_text = n_text;
    r->k = k;
    r->avgdl = n_rows ? (double)n_tokens / (double)n_rows : 1.0;
    r->min_norm = K1 * (1 - B + B * 1.0 / r->avgdl);
    keys = keys_for(keys, n_text);
    known = keys ? known_for(api, fts, db, scope) : 0;
    for (i = 0; i < n_text && rc == SQLITE_OK; i++) {
        const char *end = keys ? strchr(keys, '\n') : 0;
        sqlite3_int64 hits = 0;
        double idf;
        rc = phrase_hits(api, fts, i, known, keys, keys ? (end ? (int)(end - keys) : (int)strlen(keys)) : 0, &hits);
        keys = end ? end + 1 : 0;
        idf = log((n_rows - hits + 0.5) / (hits + 0.5));
        r->idf[i] = idf <= 0.0 ? 1e-6 : idf; /* as bm25(): a very common phrase still counts a little */
    }
    r->known = known;
    r->known_generation = known ? known->generation : 0; /* after the counts: keeping one may clear */
    if (rc == SQLITE_OK)
        rc = api->xSetAuxdata(fts, r, rank_free); /* frees r itself when it fails */
    else
        rank_free(r);
    if (rc == SQLITE_OK)
        *out = r;
    return rc;
}

static double score_at(const Rank *r, double norm) {
    double score = 0.0;
    int i;
    for (i = 0; i < r->n_text; i++)
        score += r->idf[i] * ((r->freq[i] * (K1 + 1.0)) / (r->freq[i] + norm)); /* bm25()'s rounding */
    return score;
}

static void dmp_rank(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int n_args,
                     sqlite3_value **args) {
    Rank *r = 0;
    int rc, i, bounded, n_columns = n_args - 4, length = 0;
    if (n_args < 4 || !text_or_null(args[2]) || !text_or_null(args[3])) {
        sqlite3_result_error(ctx, "dmp_rank(table, n_text, k, scope, keys, weights...): n_text, k, scope and keys "
                             "are required; scope and keys are text or NULL", -1);
        return;
    }
    bounded = 1;
    for (i = 0; i < n_columns; i++)
        if (sqlite3_value_double(args[4 + i]) < 0.0)
            bounded = 0; /* the bound assumes a score that can only grow with a phrase's count */
    rc = rank_of_query(api, fts, sqlite3_context_db_handle(ctx), sqlite3_value_int(args[0]),
                       bounded ? sqlite3_value_int64(args[1]) : 0, (const char *)sqlite3_value_text(args[2]),
                       (const char *)sqlite3_value_text(args[3]), &r);
    if (rc == SQLITE_OK && r->scored_any && api->xRowid(fts) == r->last_rowid) {
        sqlite3_result_double(ctx, r->last_value); /* kept once already */
        return;
    }
    for (i = 0; rc == SQLITE_OK && i < r->n_text; i++) {
        Fts5PhraseIter it;
        int column, offset;
        r->freq[i] = 0.0;
        for (rc = api->xPhraseFirst(fts, i, &it, &column, &offset); rc == SQLITE_OK && column >= 0;
             api->xPhraseNext(fts, &it, &column, &offset))
            r->freq[i] += column < n_columns ? sqlite3_value_double(args[4 + column]) : 1.0;
    }
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    r->last_rowid = api->xRowid(fts);
    r->scored_any = 1;
    if (r->n_text == 0) {
        r->last_value = -0.0; /* as bm25() */
        sqlite3_result_double(ctx, r->last_value);
        return;
    }
    if (r->k > 0 && r->n_kept == r->k) {
        double bound = score_at(r, r->min_norm);
        if (bound < r->kept[0]) {
            r->last_value = -bound;
            sqlite3_result_double(ctx, r->last_value);
            return;
        }
    }
    if (r->known && r->known->generation != r->known_generation)
        r->known = 0; /* cleared by another statement on this connection: maybe for another state */
    rc = row_length(api, fts, r->known, &length);
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    {
        double score = score_at(r, K1 * (1 - B + B * (double)length / r->avgdl));
        if (r->k > 0)
            keep(r, score);
        r->last_value = -1.0 * score; /* as bm25(): lower is better, ORDER BY rank */
        sqlite3_result_double(ctx, r->last_value);
    }
}

/* dmp_row_key(fts_table, scope, sql): an integer of the current row from another table, kept.
 *
 * sql: a statement whose one parameter is the row's rowid and whose first column is an integer,
 * e.g. "SELECT facet_set FROM search_document WHERE id = ?". The value is NULL when it gives no
 * row (or a NULL). With a scope (as dmp_rank's), what it gives is kept per connection with what
 * dmp_rank keeps (the same validity), for one sql at a time, so that a count grouped by it, run
 * again while the database is unchanged, reads no other table. */
typedef struct {
    sqlite3_stmt *stmt;
    Known *known;
    unsigned int known_generation;
} Lookup;

static void lookup_free(void *p) {
    Lookup *l = p;
    sqlite3_finalize(l->stmt);
    free(l);
}

/* The query's lookup, prepared on its first row (and what is kept, when it may be used). */
static int lookup_of_query(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3 *db, const char *scope,
                           const char *sql, Lookup **out) {
    Lookup *l = api->xGetAuxdata(fts, 0);
    int rc;
    if (l) {
        *out = l;
        return SQLITE_OK;
    }
    if (!sql)
        return SQLITE_MISUSE;
    l = calloc(1, sizeof *l);
    if (!l)
        return SQLITE_NOMEM;
    rc = sqlite3_prepare_v2(db, sql, -1, &l->stmt, 0);
    if (rc != SQLITE_OK) {
        lookup_free(l);
        return rc;
    }
    l->known = known_for(api, fts, db, scope);
    if (l->known && (!l->known->row_keys_sql || strcmp(l->known->row_keys_sql, sql) != 0)) {
        rowmap_clear(&l->known->row_keys); /* kept for another statement */
        l->known->generation++;
        free(l->known->row_keys_sql);
        l->known->row_keys_sql = malloc(strlen(sql) + 1);
        if (l->known->row_keys_sql)
            strcpy(l->known->row_keys_sql, sql);
        else
            l->known = 0;
    }
    l->known_generation = l->known ? l->known->generation : 0;
    rc = api->xSetAuxdata(fts, l, lookup_free); /* frees l itself when it fails */
    if (rc == SQLITE_OK)
        *out = l;
    return rc;
}

static void dmp_row_key(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int n_args,
                        sqlite3_value **args) {
    Lookup *l = 0;
    sqlite3_int64 rowid = api->xRowid(fts), value;
    int rc;
    sqlite3 *db = sqlite3_context_db_handle(ctx);
    if (n_args != 2 || !text_or_null(args[0]) || sqlite3_value_type(args[1]) != SQLITE_TEXT) {
        sqlite3_result_error(ctx, "dmp_row_key(table, scope, sql): scope (text or NULL) and sql are required", -1);
        return;
    }
    rc = lookup_of_query(api, fts, db, (const char *)sqlite3_value_text(args[0]),
                         (const char *)sqlite3_value_text(args[1]), &l);
    if (rc != SQLITE_OK) {
        sqlite3_result_error(ctx, sqlite3_errmsg(db), -1); /* e.g. the sql does not prepare: say why */
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    if (l->known && l->known->generation != l->known_generation)
        l->known = 0; /* cleared by another statement on this connection: maybe for another state */
    if (l->known && rowmap_get(&l->known->row_keys, rowid, &value)) {
        sqlite3_result_int64(ctx, value);
        return;
    }
    rc = sqlite3_bind_int64(l->stmt, 1, rowid);
    if (rc != SQLITE_OK) {
        sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    rc = sqlite3_step(l->stmt);
    if (rc == SQLITE_ROW && sqlite3_column_type(l->stmt, 0) != SQLITE_NULL) {
        value = sqlite3_column_int64(l->stmt, 0);
        if (l->known)
            rowmap_put(&l->known->row_keys, rowid, value);
        sqlite3_result_int64(ctx, value);
    } else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        sqlite3_result_null(ctx); /* not kept: a row added later gets its value */
    } else {
        sqlite3_result_error_code(ctx, rc);
    }
    rc = sqlite3_reset(l->stmt);
    if (rc != SQLITE_OK)
        sqlite3_result_error_code(ctx, rc);
}

/* Called by SQLite for every connection opened after dmp_rank_install(). */
static int register_on(sqlite3 *db, char **error, const void *unused) {
    fts5_api *fts5 = 0;
    sqlite3_stmt *stmt = 0;
    Known *known;
    int rc;
    (void)error;
    (void)unused;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, 0) != SQLITE_OK)
        return SQLITE_OK; /* a build without FTS5: nothing to add to */
    sqlite3_bind_pointer(stmt, 1, (void *)&fts5, "fts5_api_ptr", 0);
    sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (!fts5)
        return SQLITE_OK;
    known = calloc(1, sizeof *known); /* without memory: nothing kept, the same scores */
    rc = fts5->xCreateFunction(fts5, "dmp_rank", known, dmp_rank, known_free); /* freed with the connection */
    if (rc != SQLITE_OK) {
        free(known); /* not taken */
        return rc;
    }
    return fts5->xCreateFunction(fts5, "dmp_row_key", known, dmp_row_key, 0); /* dmp_rank's destructor frees it */
}

int dmp_rank_abi(void) {
    return ABI;
}

int dmp_rank_install(void) {
    return sqlite3_auto_extension((void (*)(void))register_on);
}
