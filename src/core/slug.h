/*
 * slug.h — URL-safe names derived from what people call things: the public
 * address of a survey (/s/SLUG) comes from its name.
 *
 * A slug is lower-case ASCII letters, digits and single hyphens, never
 * starting or ending with a hyphen. Polish and Romanian letters (and the
 * common Western European ones) are transliterated ("Ankieta po rozmowie"
 * → "ankieta-po-rozmowie", "Ocena łącza" → "ocena-lacza"); anything else
 * separates words.
 *
 * Pure computation: no I/O, no allocation except through the caller's
 * buf_t. Uniqueness (the -2, -3 suffixes) is the store's business.
 */
#ifndef CX_SLUG_H
#define CX_SLUG_H

#include <stddef.h>

#include "core/buf.h"

/* Longest slug produced, in bytes, before any uniqueness suffix. */
#define SLUG_MAX_LEN 60

/*
 * Appends the slug of UTF-8 text to out. Text with no letter or digit at
 * all gives fallback (which must itself be a slug). Invalid UTF-8 bytes
 * are treated as separators. The result never exceeds SLUG_MAX_LEN bytes
 * and is cut at a hyphen where one is near the limit.
 */
void slug_from_text(const char *text, const char *fallback, buf_t *out);

/* True when s is a well-formed slug (as slug_from_text makes them, with or
 * without a numeric suffix). */
bool slug_is_valid(const char *s);

#endif
