/*
 * search.c — folding, safe FTS5 MATCH queries and the indexing of new
 * rows before each commit (see search.h); the tokenizer that applies the
 * folding inside SQLite is in db_sqlite.c.
 *
 * Relies on utf8proc for case folding, decomposition and character
 * classes, and on the search migrations (responses_fts, feedback_fts,
 * search_state). Must never produce a query built from anything but
 * quoted words, and never index a row twice: FTS5 cannot tell, and a
 * row indexed twice can no longer be removed cleanly.
 */
#include "store/search.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/buf.h"

/* Letters without a canonical decomposition that a reader still sees as
 * a base letter with a mark. Applied before and after case folding. */
static int32_t search_fold_extra(int32_t cp)
{
    switch (cp) {
    case 0x0141: case 0x0142: return 'l'; /* Ł ł */
    case 0x013F: case 0x0140: return 'l'; /* Ŀ ŀ */
    case 0x0110: case 0x0111: return 'd'; /* Đ đ */
    case 0x00D8: case 0x00F8: return 'o'; /* Ø ø */
    case 0x0126: case 0x0127: return 'h'; /* Ħ ħ */
    case 0x0166: case 0x0167: return 't'; /* Ŧ ŧ */
    case 0x0131: return 'i';              /* ı */
    default: return cp;
    }
}

int search_fold(const char *in, size_t n, char *out, size_t cap)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)in;
    size_t len = 0;
    while (n > 0) {
        if (*p < 0x80) {
            if (len + 1 > cap)
                return -1;
            unsigned char c = *p;
            out[len++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
            p++;
            n--;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t used = utf8proc_iterate(p, (utf8proc_ssize_t)n, &cp);
        if (used <= 0)
            return -1;
        p += used;
        n -= (size_t)used;
        utf8proc_int32_t parts[32];
        utf8proc_ssize_t nparts = utf8proc_decompose_char(
            search_fold_extra(cp), parts, 32,
            UTF8PROC_CASEFOLD | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK, NULL);
        if (nparts < 0 || nparts > 32)
            return -1;
        for (utf8proc_ssize_t i = 0; i < nparts; i++) {
            utf8proc_uint8_t enc[4];
            utf8proc_ssize_t k = utf8proc_encode_char(search_fold_extra(parts[i]), enc);
            if (len + (size_t)k > cap)
                return -1;
            memcpy(out + len, enc, (size_t)k);
            len += (size_t)k;
        }
    }
    return len > INT32_MAX ? -1 : (int)len;
}

/* A word character for the query builder: what unicode61 keeps in a
 * token (letters, digits, marks, private use). Everything else separates
 * words, which is also what strips the FTS5 operators out. */
static bool search_word_char(int32_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO: case UTF8PROC_CATEGORY_CO:
        return true;
    default:
        return false;
    }
}

cx_result search_match_query(arena_t *arena, const char *text, const char **out)
{
    *out = NULL;
    if (!text)
        return CX_OK;
    buf_t q;
    buf_init(&q, 65536);
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text;
    size_t n = strlen(text);
    int words = 0;
    bool in_word = false;
    while (n > 0 && words <= SEARCH_MAX_WORDS) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t used = utf8proc_iterate(p, (utf8proc_ssize_t)n, &cp);
        if (used <= 0) { /* invalid byte: a separator */
            used = 1;
            cp = ' ';
        }
        bool word = search_word_char(cp);
        if (word && !in_word) {
            if (words == SEARCH_MAX_WORDS)
                break;
            /* a word opens a quoted string; words hold no '"', so the
             * quoting cannot be broken out of */
            buf_puts(&q, words ? "\" \"" : "\"");
            words++;
        }
        if (word)
            buf_append(&q, p, (size_t)used);
        in_word = word;
        p += used;
        n -= (size_t)used;
    }
    cx_result rc = CX_OK;
    if (words > 0) {
        buf_puts(&q, "\"*"); /* the last word is a prefix: search as you type */
        if (buf_failed(&q))
            rc = CX_ERR_INVALID;
        else if (!(*out = arena_strdup(arena, buf_str(&q))))
            rc = CX_ERR_NOMEM;
    }
    buf_free(&q);
    return rc;
}

bool search_index_ready(db_conn_t *db)
{
    int64_t n = 0;
    db_stmt_t *st = db_prepare(
        db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'search_state'");
    return st && db_query_int(st, &n) == CX_OK && n == 1;
}

/* At most ids rows above *mark of one table (every one up to newest when
 * ids < 0) go into its index, then the mark moves, in the table and in
 * *mark. The upper bound keeps the mark saying exactly what was indexed. */
static cx_result search_index_range(db_conn_t *db, db_stmt_t *ins, db_stmt_t *move,
                                    int64_t *mark, int64_t newest, int64_t ids)
{
    if (newest <= *mark)
        return CX_OK;
    if (!ins || !move)
        return CX_ERR_STORE;
    int64_t upto = ids >= 0 && newest - *mark > ids ? *mark + ids : newest;
    db_bind_int(ins, 1, *mark);
    db_bind_int(ins, 2, upto);
    if (db_exec_stmt(ins))
        return CX_ERR_STORE;
    db_bind_int(move, 1, upto);
    if (db_exec_changed(db, move))
        return CX_ERR_STORE;
    *mark = upto;
    return CX_OK;
}

typedef struct search_backlog {
    int64_t r_mark, r_newest, f_mark, f_newest;
} search_backlog_t;

/* The marks and the newest ids; one read per commit. */
static cx_result search_backlog_read(db_conn_t *db, search_backlog_t *b)
{
    db_stmt_t *st = db_prepare(db, "SELECT responses_mark,"
                                   " coalesce((SELECT max(id) FROM responses), 0),"
                                   " feedback_mark,"
                                   " coalesce((SELECT max(id) FROM feedback_items), 0)"
                                   " FROM search_state WHERE id = 1");
    if (!st)
        return CX_ERR_STORE;
    if (db_step(st) != DB_ROW) {
        db_done(st);
        return CX_ERR_STORE;
    }
    b->r_mark = db_column_int(st, 0);
    b->r_newest = db_column_int(st, 1);
    b->f_mark = db_column_int(st, 2);
    b->f_newest = db_column_int(st, 3);
    db_done(st);
    return CX_OK;
}

/* Ids waiting above the marks: an upper bound on the rows (ids of deleted
 * rows and of responses without a comment count too). */
static int64_t search_backlog_ids(const search_backlog_t *b)
{
    int64_t n = 0;
    if (b->r_newest > b->r_mark)
        n += b->r_newest - b->r_mark;
    if (b->f_newest > b->f_mark)
        n += b->f_newest - b->f_mark;
    return n;
}

/* Indexes at most `ids` ids above each mark (all of them when ids < 0)
 * and moves b's marks as it moves the stored ones. */
static cx_result search_index_upto(db_conn_t *db, search_backlog_t *b, int64_t ids)
{
    cx_result rc = search_index_range(
        db,
        db_prepare(db, "INSERT INTO responses_fts (rowid, comment)"
                       " SELECT id, comment FROM responses"
                       " WHERE id > ? AND id <= ? AND comment IS NOT NULL"),
        db_prepare(db, "UPDATE search_state SET responses_mark = ? WHERE id = 1"), &b->r_mark,
        b->r_newest, ids);
    if (!rc)
        rc = search_index_range(
            db,
            db_prepare(db, "INSERT INTO feedback_fts (rowid, title, text)"
                           " SELECT id, title, text FROM feedback_items"
                           " WHERE id > ? AND id <= ?"),
            db_prepare(db, "UPDATE search_state SET feedback_mark = ? WHERE id = 1"), &b->f_mark,
            b->f_newest, ids);
    return rc;
}

cx_result search_index_pending(db_conn_t *db, bool *behind)
{
    search_backlog_t b;
    cx_result rc = search_backlog_read(db, &b);
    if (rc)
        return rc;
    int64_t waiting = search_backlog_ids(&b);
    /* few: indexed now, so a 2xx means searchable; many (a bulk load):
     * left to search_index_catch_up, unless the index is too far behind,
     * then this commit indexes as many as it added and the lag stays */
    if (waiting <= SEARCH_INDEX_NOW_IDS)
        rc = search_index_upto(db, &b, -1);
    else if (waiting > SEARCH_INDEX_LAG_IDS)
        rc = search_index_upto(db, &b, waiting - SEARCH_INDEX_LAG_IDS);
    *behind = !rc && search_backlog_ids(&b) > 0;
    return rc;
}

cx_result search_index_catch_up(db_conn_t *db, bool all, bool *behind)
{
    search_backlog_t b;
    cx_result rc = search_backlog_read(db, &b);
    if (!rc)
        rc = search_index_upto(db, &b, all ? -1 : SEARCH_INDEX_SLICE_IDS);
    *behind = !rc && search_backlog_ids(&b) > 0;
    return rc;
}

cx_result search_index_backlog(db_conn_t *db, int64_t *ids)
{
    search_backlog_t b;
    cx_result rc = search_backlog_read(db, &b);
    *ids = rc ? 0 : search_backlog_ids(&b);
    return rc;
}
