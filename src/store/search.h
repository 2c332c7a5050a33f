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
 * User text never reaches FTS5 as query syntax: search_match_query keeps
 * only the words, quotes each one, and marks the last as a prefix.
 */
#ifndef CX_STORE_SEARCH_H
#define CX_STORE_SEARCH_H

#include <stddef.h>

#include "core/arena.h"
#include "core/result.h"

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

/* Marks snippet() puts around matched words in the text it returns (the
 * page escapes everything between them, see search_snippet_html in the
 * web layer). They are control characters that ordinary text lacks; the
 * renderer keeps its markup balanced even if a comment contains them. */
#define SEARCH_MARK_OPEN "\x01"
#define SEARCH_MARK_CLOSE "\x02"

#endif
