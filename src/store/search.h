/*
 * search.h — full-text search over response comments and feedback items:
 * the folding that makes "zolw" find "żółw", the FTS5 tokenizer that
 * applies it inside SQLite, and the building of a safe FTS5 query from the
 * words a person typed.
 *
 * Folding is case folding, compatibility decomposition and removal of
 * combining marks (utf8proc), plus the few letters Unicode does not
 * decompose (Polish ł, and đ, ø, ħ, ŧ, ı, ŀ). Romanian ș/ț fold to s/t
 * whether written with a comma below or a cedilla.
 *
 * The tokenizer "cxfold" wraps SQLite's unicode61 (which finds the word
 * boundaries and the byte offsets that snippet() needs) and folds each
 * token it yields. db_sqlite.c registers it as an automatic extension
 * before the store opens its first connection, so every connection of the
 * process has it (before the migrations run) and the triggers that keep
 * the index in sync stay plain SQL. A connection of another process
 * without it (the sqlite3 shell) cannot write to an indexed table.
 *
 * New rows are indexed by the writer, not by a trigger per row, and in
 * order of id: the table search_state keeps a mark per index, the largest
 * id indexed. search_index_pending runs just before every COMMIT of the
 * store's writer (db_sqlite.c keeps the list of such steps). When few ids
 * wait above the marks (at most SEARCH_INDEX_NOW_IDS: single responses, a
 * public page, a small batch) it indexes them in that transaction, so a
 * search after the write returned CX_OK finds them. A bulk load leaves
 * more; its commit does not wait for their indexing (it would cost the
 * writer a third of its time): the writer indexes them with
 * search_index_catch_up, a slice per transaction, whenever no job waits,
 * and before a command's store closes. Only when more than
 * SEARCH_INDEX_LAG_IDS wait does a commit index as many as it added, so
 * the lag stays bounded under any load. Triggers keep already indexed rows
 * (at or below the mark) in step on update and delete; rows above the mark
 * are indexed later with the text they have by then.
 *
 * User text never reaches FTS5 as query syntax: search_match_query keeps
 * only the words, quotes each one, and marks the last as a prefix.
 */
#ifndef CX_STORE_SEARCH_H
#define CX_STORE_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/result.h"
#include "store/db.h"

/* Folds the UTF-8 text in[0..n) into out (at most cap bytes, not
 * terminated). Returns the folded length, or -1 when it does not fit or
 * the text is not valid UTF-8 (the caller keeps the token as it is).
 * Compatibility decompositions can make it longer than the input. */
int search_fold(const char *in, size_t n, char *out, size_t cap);

/* The FTS5 MATCH expression for what a person typed: every word (a run of
 * letters, digits and marks) quoted, AND between them, the last one a
 * prefix. *out is NULL when the text holds no word (no search). At most
 * SEARCH_MAX_WORDS words are kept. *out lives in the arena. */
#define SEARCH_MAX_WORDS 16
cx_result search_match_query(arena_t *arena, const char *text, const char **out);

/* Whether the database keeps the marks of search_index_pending (a
 * database left at an older schema version, in tests, does not). Asked
 * once when the store opens, after the migrations. */
bool search_index_ready(db_conn_t *db);

/* How many ids a commit indexes at once, how many a catch-up transaction
 * takes, and how far the index may fall behind (ids above the marks). */
#define SEARCH_INDEX_NOW_IDS 2000
#define SEARCH_INDEX_SLICE_IDS 10000
#define SEARCH_INDEX_LAG_IDS 2000000

/* The pre-commit step: indexes the responses and feedback items waiting
 * above the marks when they are few (or the lag is too long, see above)
 * and moves the marks. Run by the writer inside its transaction, after the
 * batch's jobs and before COMMIT; writes nothing when no row was added.
 * *behind: rows still wait. CX_ERR_STORE makes the whole batch fail. */
cx_result search_index_pending(db_conn_t *db, bool *behind);

/* Indexes the next SEARCH_INDEX_SLICE_IDS ids above each mark (every id,
 * when all), in a transaction of its own that the writer runs when idle
 * (store_catch_up, store_close: all); *behind: more wait. */
cx_result search_index_catch_up(db_conn_t *db, bool all, bool *behind);

/* Ids above the marks: 0 when every row is searchable. */
cx_result search_index_backlog(db_conn_t *db, int64_t *ids);

/* Marks snippet() puts around matched words in the text it returns (the
 * page escapes everything between them, see search_snippet_html in the
 * web layer). They are control characters that ordinary text lacks; the
 * renderer keeps its markup balanced even if a comment contains them. */
#define SEARCH_MARK_OPEN "\x01"
#define SEARCH_MARK_CLOSE "\x02"

#endif
