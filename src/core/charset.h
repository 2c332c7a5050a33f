/*
 * charset.h — what encoding a text file is in, and turning it into UTF-8.
 *
 * Imports meet three encodings in practice: UTF-8 (with or without a byte
 * order mark), Windows-1250 (Polish Excel and Notepad) and ISO-8859-2
 * (older Unix and web exports). The two 8-bit code pages share most
 * positions but differ in a few that matter for Polish (ą ś ź Ą Ś Ź sit at
 * different bytes), so reading one as the other silently garbles text.
 * The rule here is: convert when the evidence is clear, otherwise refuse
 * and ask the user to name the encoding — never produce mojibake.
 *
 * Pure computation over caller-owned bytes: no I/O, no allocation except
 * through a caller's buf_t. Messages are English, without a position; the
 * caller prefixes FILE:LINE:COLUMN (charset_locate computes it).
 */
#ifndef CX_CHARSET_H
#define CX_CHARSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/result.h"

typedef enum charset {
    CHARSET_AUTO = 0,       /* detect (as an option); "not known" as a result */
    CHARSET_UTF8,
    CHARSET_WINDOWS_1250,
    CHARSET_ISO_8859_2,
    /* One of the two code pages, not yet known which: every byte seen so
     * far reads the same in both. charset_decode_8bit stops at the first
     * byte where they differ, so the caller can decide there. */
    CHARSET_8BIT_UNDECIDED,
} charset_t;

#define CHARSET_UTF8_BOM "\xEF\xBB\xBF"

/* "UTF-8", "Windows-1250", "ISO-8859-2", "auto"... Never NULL. */
const char *charset_name(charset_t cs);

/* Parses a user's --encoding value, case-insensitively: utf-8, utf8,
 * windows-1250, cp1250, win1250, iso-8859-2, iso8859-2, latin2, auto.
 * CHARSET_AUTO with *ok false for anything else. */
charset_t charset_from_name(const char *name, bool *ok);

/*
 * The longest valid UTF-8 prefix of s[0..n) (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF); n when all of it is valid.
 * When the bytes after the prefix are only the beginning of a sequence cut
 * by the end of the buffer, *truncated is set (not an error if more bytes
 * follow); otherwise the byte at the returned offset is invalid.
 * truncated may be NULL.
 */
size_t charset_validate_utf8(const void *s, size_t n, bool *truncated);

/*
 * Converts 8-bit text to UTF-8. cs is CHARSET_WINDOWS_1250,
 * CHARSET_ISO_8859_2 or CHARSET_8BIT_UNDECIDED. out must have room for
 * 3 * n bytes (the longest character, U+20AC, takes 3). Returns the bytes
 * written; *consumed is the input bytes converted, which is less than n
 * when conversion stopped at a byte that is not a character (undefined in
 * Windows-1250, a C1 control in ISO-8859-2) or, for UNDECIDED, a byte that
 * reads differently in the two code pages. Bytes below 0x80 (NUL too)
 * are copied as they are.
 */
size_t charset_decode_8bit(charset_t cs, const unsigned char *in, size_t n,
                           char *out, size_t *consumed);

/* Whether byte b is a character in the 8-bit code page cs (any byte below
 * 0x80 is; for 8BIT_UNDECIDED, a character in both). */
bool charset_byte_defined(charset_t cs, unsigned char b);

/* Converts a whole buffer (UTF-8 is validated and copied, a BOM dropped).
 * On failure returns CX_ERR_INVALID with the message in msg (if not NULL)
 * and the offending input offset in *bad_offset (if not NULL). */
cx_result charset_to_utf8(charset_t cs, const void *in, size_t n, buf_t *out,
                          buf_t *msg, size_t *bad_offset);

typedef struct charset_guess {
    charset_t charset;  /* UTF8, WINDOWS_1250, ISO_8859_2 or 8BIT_UNDECIDED */
    bool bom;           /* the sample starts with a UTF-8 byte order mark */
    size_t offset;      /* on failure: the byte the message is about */
    bool offset_utf8;   /* on failure: count columns before it as UTF-8 */
} charset_guess_t;

/*
 * Decides the encoding of a sample: the start of a file, or any stretch
 * of it when a decision is still open. at_end says the sample is the
 * whole rest of the file (a multi-byte sequence cut at the very end is
 * then an error rather than a sample boundary).
 *
 * UTF-8 wins when the sample is valid UTF-8 (pure ASCII included). Else
 * the 8-bit candidates are weighed: a byte 0x80-0x9F that is a character
 * in Windows-1250 rules out ISO-8859-2 (C1 controls never occur in text);
 * at the positions where the code pages differ, a reading that gives a
 * letter inside a word beats one that gives a symbol, and Polish letters
 * beat others. If the sample contains no byte where they differ the result
 * is CHARSET_8BIT_UNDECIDED (both read it the same).
 *
 * Fails with CX_ERR_INVALID and an English message in msg for UTF-16,
 * binary data (NUL bytes), bytes that are no character in either code
 * page, and evidence that does not clearly favour one code page (the
 * message names both and asks for --encoding). guess->offset then points
 * at the byte the message is about.
 */
cx_result charset_detect(const void *sample, size_t n, bool at_end,
                         charset_guess_t *guess, buf_t *msg);

/* The 8-bit half of charset_detect alone, for a stretch of a file already
 * known not to be UTF-8: WINDOWS_1250, ISO_8859_2 or 8BIT_UNDECIDED, or
 * CX_ERR_INVALID as above. */
cx_result charset_detect_8bit(const void *sample, size_t n, charset_guess_t *guess,
                              buf_t *msg);

/*
 * Line and column (both 1-based) of byte `offset` in text that starts at
 * a line start. Lines end at LF, CR or CRLF. Columns count characters:
 * UTF-8 continuation bytes are skipped when utf8 is true, else every byte
 * is one character (8-bit text).
 */
void charset_locate(const void *text, size_t offset, bool utf8, uint64_t *line,
                    uint64_t *column);

#endif
