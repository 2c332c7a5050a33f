/*
 * i18n.h — the languages of the interface and its message catalogue.
 *
 * Every text a person reads in the web interface comes from one table in
 * i18n.c: a key (an enum, so a typo does not compile) with its Polish,
 * English and Romanian text. Polish is the first language of our users and
 * the default. tests/unit/test_i18n.c fails when an entry lacks a language
 * or when the translations of a text disagree on their format conversions.
 *
 * Texts are trusted format strings for buf_printf (core/buf.h): a literal
 * percent sign is written "%%", and arguments are escaped by the
 * conversion the text uses (%h for user text). This module relies on
 * nothing but core/buf.h and must never hold request state: it is pure and
 * thread-safe.
 */
#ifndef CX_WEB_I18N_H
#define CX_WEB_I18N_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

typedef enum i18n_lang { LANG_PL = 0, LANG_EN, LANG_RO, LANG_COUNT } i18n_lang_t;

#define LANG_DEFAULT LANG_PL

/* "pl", "en", "ro". */
const char *i18n_lang_code(i18n_lang_t lang);
/* The language's own name: "Polski", "English", "Română". */
const char *i18n_lang_name(i18n_lang_t lang);
/* Exact code ("pl", "en", "ro"); false for anything else. */
bool i18n_lang_parse(const char *code, i18n_lang_t *out);
/* The best supported language of an Accept-Language header by q-value
 * (ties: the order in the header); false when none is supported. */
bool i18n_lang_from_accept(const char *header, i18n_lang_t *out);

#include "web/i18n_keys.h"

/* The text of key in lang; never NULL. */
const char *i18n_text(i18n_lang_t lang, i18n_key_t key);
/* The key's name, e.g. "nav.dashboard" (tests and diagnostics). */
const char *i18n_key_name(i18n_key_t key);
/* The raw entry, NULL for a missing translation (the unit test's view). */
const char *i18n_entry(i18n_key_t key, i18n_lang_t lang);

/* Writes n with the language's digit grouping: "12 345" (pl, with a
 * no-break space), "12,345" (en), "12.345" (ro). */
void i18n_format_int(buf_t *b, i18n_lang_t lang, long long n);
/* Writes Unix seconds as a date and time in UTC for people:
 * "31.01.2026 10:00 UTC" (pl, ro), "31 Jan 2026 10:00 UTC" (en). */
void i18n_format_time(buf_t *b, i18n_lang_t lang, int64_t t);

#endif
