/*
 * csv.h — a streaming reader of CSV and TSV files for imports.
 *
 * Reads RFC 4180 text (quoted fields, doubled quotes, line breaks inside
 * quotes) as real exports write it: CRLF, LF or lone CR line ends, a final
 * line without a newline, a UTF-8 byte order mark, comma, semicolon (Polish
 * Excel) or tab delimiters found by looking at the first lines, and
 * Windows-1250 or ISO-8859-2 text converted to UTF-8 on the way in (see
 * charset.h; an unclear encoding is refused, never guessed). Quoting can be
 * switched off for files whose text holds stray quotes (PolEmo's TSV).
 *
 * Speed matters (a million responses are one import): the reader scans a
 * large buffer in place and returns each field as a pointer and length
 * into it; nothing is allocated per field once buffers have grown to the
 * widest record. Fields with doubled quotes are unescaped into a second
 * buffer of the same lifetime.
 *
 * Errors are user errors: the first problem stops the reader, and
 * csv_reader_error() says `NAME:LINE:COLUMN: what is wrong` in English,
 * with a 1-based physical line and a 1-based column in characters. After
 * an error every call returns the same result again. Bugs (NULL readers,
 * bad indexes) are assertions.
 *
 * Ownership: a reader owns its buffers. Record and field memory is valid
 * until the next csv_next_record() or csv_reader_close(); the header until
 * csv_reader_close(). A file reader does not close its FILE*; a memory
 * reader needs its bytes until it is closed. One reader, one thread.
 * No I/O besides fread on the caller's FILE*.
 */
#ifndef CX_CSV_H
#define CX_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/buf.h"
#include "core/charset.h"
#include "core/result.h"

#define CSV_DEFAULT_MAX_RECORD ((size_t)16 << 20) /* 16 MiB */
#define CSV_MAX_RECORD_LIMIT ((size_t)1 << 30)    /* the largest cap accepted */

/* Zero-initialised options are: detect delimiter and encoding, RFC 4180
 * quoting with strict quote rules, no header, no field-count check. */
typedef struct csv_options {
    char delimiter;         /* ',', ';', '\t' or '|'; 0 detects among , ; tab | */
    bool no_quoting;        /* '"' is an ordinary character */
    bool lenient_quotes;    /* a quote inside an unquoted field, or text after a
                               closing quote, is kept as data instead of an error */
    bool header;            /* the first record names the columns: csv_header() */
    bool check_field_count; /* every record has as many fields as the first one */
    charset_t encoding;     /* CHARSET_AUTO detects */
    size_t max_record;      /* bytes per record (after conversion to UTF-8);
                               0 = CSV_DEFAULT_MAX_RECORD */
    size_t buffer_size;     /* first read buffer size; 0 = 1 MiB. Tests use tiny
                               ones to put every boundary in every place. */
} csv_options_t;

typedef struct csv_field {
    const char *data; /* UTF-8, NUL-terminated (fields never contain NUL) */
    size_t len;
    bool quoted;      /* was enclosed in quotes */
} csv_field_t;

typedef struct csv_record {
    const csv_field_t *fields;
    size_t count;    /* >= 1 for a record; 0 once the input is exhausted */
    uint64_t line;   /* physical line the record starts on, 1-based */
    uint64_t number; /* data records so far, 1-based; the header is 0 */
} csv_record_t;

typedef struct csv_reader csv_reader_t;

/*
 * Opens a reader: reads the first block, settles encoding and delimiter,
 * and reads the header when opt->header is set. name is used in messages
 * (copied; NULL means "input"). opt may be NULL for the defaults.
 *
 * *out is always set, except on allocation failure (CX_ERR_NOMEM, *out
 * NULL); on any other failure it holds the error for csv_reader_error().
 * Close it in both cases. Results: CX_ERR_INVALID (bad input),
 * CX_ERR_TOO_LARGE (a record over the cap), CX_ERR_IO (read error),
 * CX_ERR_NOMEM.
 */
cx_result csv_reader_open_file(csv_reader_t **out, FILE *f, const char *name,
                               const csv_options_t *opt);
cx_result csv_reader_open_memory(csv_reader_t **out, const void *data, size_t len,
                                 const char *name, const csv_options_t *opt);
void csv_reader_close(csv_reader_t *r); /* NULL is fine */

/*
 * The next data record. Returns CX_OK with rec->count == 0 at the end of
 * the input. Lines with no characters at all are skipped (their line
 * numbers still count); a line holding only a delimiter or a space is a
 * record. Fails as csv_reader_open_* does; rec->count is then 0.
 */
cx_result csv_next_record(csv_reader_t *r, csv_record_t *rec);

/* The header record (opt->header), or NULL. Valid until close. */
const csv_record_t *csv_header(const csv_reader_t *r);
/* Index of the header field equal to name (ASCII case-insensitive), or -1. */
long csv_header_find(const csv_reader_t *r, const char *name);

char csv_delimiter(const csv_reader_t *r);
/* The encoding being converted from: UTF8, WINDOWS_1250, ISO_8859_2, or
 * 8BIT_UNDECIDED while no byte has told the two code pages apart. */
charset_t csv_encoding(const csv_reader_t *r);
bool csv_had_bom(const csv_reader_t *r);

/* "NAME:LINE:COLUMN: message" of the error that stopped the reader, or "". */
const char *csv_reader_error(const csv_reader_t *r);
/* The same parts separately; line and column are 0 when there is none. */
const char *csv_reader_error_message(const csv_reader_t *r);
void csv_reader_error_position(const csv_reader_t *r, uint64_t *line, uint64_t *column);
const char *csv_reader_name(const csv_reader_t *r);

/* Where field i of the last record returned starts (its opening quote,
 * if quoted): 1-based line and character column. Valid until the next
 * csv_next_record(). */
void csv_field_position(const csv_reader_t *r, size_t i, uint64_t *line, uint64_t *column);
/* Appends "NAME:LINE:COLUMN: " for field i, so an importer can say what is
 * wrong with a value in the standard form. */
void csv_field_where(const csv_reader_t *r, size_t i, buf_t *out);

#endif
