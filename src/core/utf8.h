/*
 * utf8.h — one UTF-8 character at a time, strictly (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF). Used wherever text is
 * checked or repaired character by character: the JSON escaper, HTTP input
 * checks. Whole files are validated by charset_validate_utf8, which adds a
 * fast path for ASCII runs.
 */
#ifndef CX_UTF8_H
#define CX_UTF8_H

#include <stddef.h>

/* Length (1-4) of the valid UTF-8 character at s, which has len bytes
 * available; 0 when the bytes there are not a valid character. */
size_t utf8_sequence(const unsigned char *s, size_t len);

#endif
