/*
 * csv.c — the streaming CSV reader (see csv.h and docs/internals/csv.md).
 *
 * Bytes flow in three steps. A staging buffer receives raw bytes from the
 * FILE* or the memory block; they are validated as UTF-8 or converted from
 * an 8-bit code page into the text buffer; a resumable scanner walks the
 * text buffer and notes where each field starts and ends. Only when a
 * record is complete are its fields turned into NUL-terminated views, so
 * the raw bytes of the record stay intact while it is scanned and error
 * positions can always be computed from them. The current record is kept
 * contiguous at the start of the text buffer: before each refill the
 * unfinished record is moved to the front, and the buffer doubles when a
 * record fills it (up to the record cap).
 *
 * A NUL byte after the last text byte is a sentinel, so the inner loops
 * test one table per byte and never the buffer bound; a real NUL in the
 * text is refused.
 *
 * Relies on charset.c for validation and conversion and buf.c for messages.
 * Must never return a field that was not validated as UTF-8, and never
 * read beyond the record cap: a runaway quote is reported, not buffered.
 */
#include "core/csv.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CSV_DEFAULT_BUFFER ((size_t)1 << 20)
#define CSV_MIN_BUFFER ((size_t)16)
#define CSV_RAW_SIZE ((size_t)64 << 10) /* staging block, and the sniffing sample */
#define CSV_SNIFF_RECORDS 100

enum { F_QUOTED = 1, F_ESCAPED = 2 };

/* Where one field lies in the record, in raw (still escaped) bytes. */
typedef struct csv_span {
    uint32_t start;      /* relative to the record start; the opening quote */
    uint32_t end;        /* where its delimiter or line end is */
    uint32_t line_start; /* start of the physical line the field starts on */
    uint32_t line_delta; /* that line minus the record's first line */
    uint32_t flags;
} csv_span_t;

enum scan_state { ST_RECORD, ST_FIELD, ST_UNQUOTED, ST_QUOTED, ST_QUOTE };
enum scan_result { SCAN_DONE, SCAN_MORE, SCAN_END, SCAN_ERROR };

struct csv_reader {
    csv_options_t opt;
    char *name;
    char delim;
    bool bom;

    /* where raw bytes come from */
    FILE *fp;
    const unsigned char *mem;
    size_t mem_len, mem_pos;
    bool src_eof;
    charset_t cs;
    bool non_ascii; /* a byte >= 0x80 has been read as UTF-8 */
    unsigned char *raw;
    size_t raw_cap, raw_pos, raw_len;

    /* UTF-8 text: buf[0..end), buf[end] == 0 as a sentinel */
    char *buf;
    size_t cap, end;
    bool eof;         /* nothing follows end */
    cx_result bad;    /* something follows end that is not text */
    buf_t bad_msg;

    /* scanner */
    unsigned char ucls[256]; /* bytes that stop an unquoted field */
    unsigned char qcls[256]; /* bytes that stop a quoted field */
    enum scan_state state;
    bool skip_lf;     /* the last line ended with CR: a following LF is its */
    size_t rec;       /* start of the current record (a line start) */
    size_t pos;
    size_t line_start;
    uint64_t line, rec_line;
    csv_span_t cur;
    csv_span_t *spans;
    size_t nspans, spans_cap;

    /* the record handed out */
    csv_field_t *fields;
    size_t fields_cap;
    char *scratch;
    size_t scratch_cap;
    uint64_t number;
    size_t expected; /* fields per record once known */

    bool has_header;
    csv_record_t header;
    csv_field_t *header_fields;
    char *header_text;

    cx_result failed;
    buf_t err, err_msg;
    uint64_t err_line, err_col;
};

/* ---- errors --------------------------------------------------------- */

static cx_result csv_fail(csv_reader_t *r, cx_result rc, uint64_t line, uint64_t col,
                          const char *fmt, ...)
{
    if (r->failed)
        return r->failed;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&r->err_msg, fmt, ap);
    va_end(ap);
    r->failed = rc;
    r->err_line = line;
    r->err_col = col;
    buf_puts(&r->err, r->name);
    if (line)
        buf_printf(&r->err, ":%lld:%lld", (long long)line, (long long)col);
    buf_printf(&r->err, ": %s", buf_str(&r->err_msg));
    return rc;
}

/* Line and column of text offset `at` (>= r->rec) of the current record,
 * counted on the raw bytes, which are intact until the record is built. */
static void csv_locate(const csv_reader_t *r, size_t at, uint64_t *line, uint64_t *col)
{
    assert(at >= r->rec && at <= r->end);
    uint64_t l, c;
    charset_locate(r->buf + r->rec, at - r->rec, true, &l, &c);
    *line = r->rec_line + l - 1;
    *col = c;
}

static cx_result csv_fail_at(csv_reader_t *r, cx_result rc, size_t at, const char *fmt,
                             const char *arg)
{
    uint64_t line, col;
    csv_locate(r, at, &line, &col);
    return csv_fail(r, rc, line, col, fmt, arg);
}

/* ---- raw input ------------------------------------------------------ */

static size_t src_read(csv_reader_t *r, unsigned char *dst, size_t want)
{
    if (r->src_eof || want == 0)
        return 0;
    size_t n;
    if (r->fp) {
        n = fread(dst, 1, want, r->fp);
        if (n < want) {
            if (ferror(r->fp) && !r->bad) {
                char tmp[128];
                r->bad = CX_ERR_IO;
                buf_printf(&r->bad_msg, "cannot read the file: %s",
                           strerror_r(errno, tmp, sizeof tmp));
            }
            r->src_eof = true;
        }
    } else {
        n = r->mem_len - r->mem_pos < want ? r->mem_len - r->mem_pos : want;
        memcpy(dst, r->mem + r->mem_pos, n);
        r->mem_pos += n;
        if (r->mem_pos == r->mem_len)
            r->src_eof = true;
    }
    return n;
}

/* Moves unconsumed staging bytes to the front and reads more. With a
 * small opt.buffer_size (tests) reads are that small too, so staging
 * boundaries fall everywhere; `full` reads until the block is full, for
 * the samples that decide encoding and delimiter. */
static void raw_top_up(csv_reader_t *r, bool full)
{
    if (r->raw_pos > 0) {
        memmove(r->raw, r->raw + r->raw_pos, r->raw_len - r->raw_pos);
        r->raw_len -= r->raw_pos;
        r->raw_pos = 0;
    }
    do {
        size_t want = r->raw_cap - r->raw_len;
        if (r->opt.buffer_size && want > r->opt.buffer_size)
            want = r->opt.buffer_size;
        r->raw_len += src_read(r, r->raw + r->raw_len, want);
    } while (full && !r->src_eof && r->raw_len < r->raw_cap);
}

static void set_bad_byte(csv_reader_t *r, unsigned char c, const char *what)
{
    static const char hex[] = "0123456789ABCDEF";
    char t[5] = {'0', 'x', hex[c >> 4], hex[c & 15], '\0'};
    r->bad = CX_ERR_INVALID;
    buf_printf(&r->bad_msg, "byte %s %s", t, what);
}

/*
 * Moves text from staging into buf[end..end+space). On return at least one
 * byte was added, or eof or bad is set. space >= 8, so a whole UTF-8
 * sequence or a converted 8-bit character always fits.
 */
static void fill_text(csv_reader_t *r, size_t space)
{
    for (;;) {
        size_t avail = r->raw_len - r->raw_pos;
        if (avail == 0) {
            if (r->bad)
                return;
            if (r->src_eof) {
                r->eof = true;
                return;
            }
            raw_top_up(r, false);
            continue;
        }
        unsigned char *src = r->raw + r->raw_pos;
        if (r->cs == CHARSET_UTF8) {
            size_t take = avail < space ? avail : space;
            bool cut;
            size_t ok = charset_validate_utf8(src, take, &cut);
            memcpy(r->buf + r->end, src, ok);
            r->end += ok;
            r->raw_pos += ok;
            for (size_t i = 0; i < ok && !r->non_ascii; i++)
                r->non_ascii = src[i] >= 0x80;
            if (ok == take || (cut && take < avail))
                return; /* the rest next time */
            if (cut && !r->src_eof && !r->bad) {
                if (ok > 0)
                    return;
                raw_top_up(r, false); /* a sequence split by the staging block */
                continue;
            }
            if (r->bad) /* a read error cut the sequence: report that */
                return;
            if (ok > 0)
                return; /* deliver the good text; the bad byte comes next */
            if (!r->non_ascii && r->opt.encoding == CHARSET_AUTO) {
                /* All text so far was ASCII, which reads the same in every
                 * supported encoding: the file never said it was UTF-8.
                 * Decide from here on as at the start of a file. */
                raw_top_up(r, true);
                charset_guess_t g;
                if (charset_detect(r->raw + r->raw_pos, r->raw_len - r->raw_pos, r->src_eof,
                                   &g, &r->bad_msg) != CX_OK) {
                    r->bad = CX_ERR_INVALID;
                    return;
                }
                if (g.charset != CHARSET_UTF8) {
                    r->cs = g.charset;
                    continue;
                }
                src = r->raw + r->raw_pos;
            }
            set_bad_byte(r, src[ok],
                         "is not valid UTF-8; if the file is in Windows-1250 or "
                         "ISO-8859-2, name the encoding with --encoding");
            return;
        }
        size_t take = avail < space / 3 ? avail : space / 3, used;
        r->end += charset_decode_8bit(r->cs, src, take, r->buf + r->end, &used);
        r->raw_pos += used;
        if (used == take)
            return;
        unsigned char c = src[used];
        /* Bytes undefined in Windows-1250 are C1 controls in ISO-8859-2 too;
         * any other byte that stopped an undecided reading tells them apart. */
        if (r->cs == CHARSET_8BIT_UNDECIDED && charset_byte_defined(CHARSET_WINDOWS_1250, c)) {
            /* The first byte that tells the code pages apart: decide on
             * the text from here, up to the first byte that is no
             * character in either (reported where it stands). */
            raw_top_up(r, true);
            size_t n = 0;
            while (r->raw_pos + n < r->raw_len &&
                   charset_byte_defined(CHARSET_WINDOWS_1250, r->raw[r->raw_pos + n]))
                n++;
            charset_guess_t g;
            if (charset_detect_8bit(r->raw + r->raw_pos, n, &g, &r->bad_msg) != CX_OK) {
                r->bad = CX_ERR_INVALID;
                return;
            }
            assert(g.charset == CHARSET_WINDOWS_1250 || g.charset == CHARSET_ISO_8859_2);
            r->cs = g.charset;
            continue;
        }
        set_bad_byte(r, c, r->cs == CHARSET_WINDOWS_1250 ? "is not a character in Windows-1250"
                           : r->cs == CHARSET_ISO_8859_2
                               ? "is not a character in ISO-8859-2"
                               : "is not a character in Windows-1250 or ISO-8859-2");
        return;
    }
}

/*
 * The record starting at rec is longer than the cap. The message must not
 * depend on where buffers happened to end, so the hint about an open
 * quote comes from re-reading the first max_record bytes, which every
 * caller has in the buffer.
 */
static cx_result csv_too_large(csv_reader_t *r)
{
    const unsigned char *b = (const unsigned char *)r->buf + r->rec;
    const size_t lim = r->opt.max_record;
    const bool quoting = !r->opt.no_quoting;
    bool at_start = true, in_quotes = false;
    size_t quote = 0;
    for (size_t i = 0; i < lim; i++) {
        unsigned char c = b[i];
        if (in_quotes) {
            if (c == '"') {
                if (b[i + 1] == '"')
                    i++;
                else
                    in_quotes = false;
            }
            continue;
        }
        if (at_start && quoting && c == '"') {
            in_quotes = true;
            quote = i;
        }
        at_start = c == (unsigned char)r->delim;
    }
    if (in_quotes) {
        uint64_t line, col;
        csv_locate(r, r->rec + quote, &line, &col);
        return csv_fail(r, CX_ERR_TOO_LARGE, r->rec_line, 1,
                        "this record is longer than %zu bytes; is the quote at "
                        "line %lld, column %lld never closed?",
                        r->opt.max_record, (long long)line, (long long)col);
    }
    return csv_fail(r, CX_ERR_TOO_LARGE, r->rec_line, 1,
                    "this record is longer than %zu bytes", r->opt.max_record);
}

/* Makes room and adds text after end, keeping the current record. */
static cx_result csv_fill(csv_reader_t *r)
{
    if (r->rec > 0) {
        memmove(r->buf, r->buf + r->rec, r->end - r->rec);
        r->end -= r->rec;
        r->pos -= r->rec;
        r->line_start -= r->rec;
        r->rec = 0;
    }
    size_t space = r->cap - 1 - r->end;
    if (space < 8 || space < r->cap / 4) {
        size_t limit = r->opt.max_record + 64;
        size_t ncap = r->cap < limit / 2 ? r->cap * 2 : limit;
        if (ncap > r->cap) {
            char *nb = realloc(r->buf, ncap);
            if (!nb)
                return csv_fail(r, CX_ERR_NOMEM, 0, 0, "out of memory reading a record");
            r->buf = nb;
            r->cap = ncap;
            space = r->cap - 1 - r->end;
        }
    }
    fill_text(r, space);
    r->buf[r->end] = '\0';
    return CX_OK;
}

/* ---- scanning ------------------------------------------------------- */

static bool grow_spans(csv_reader_t *r)
{
    size_t ncap = r->spans_cap ? r->spans_cap * 2 : 64;
    csv_span_t *ns = realloc(r->spans, ncap * sizeof *ns);
    if (!ns)
        return false;
    r->spans = ns;
    r->spans_cap = ncap;
    return true;
}

static const char msg_nul[] =
    "a NUL byte: this is not a text file in UTF-8, Windows-1250 or ISO-8859-2 "
    "(UTF-16?)%s";
static const char msg_stray_quote[] =
    "a quote inside a field that does not start with one; enclose the field in "
    "quotes and double each quote in it (\"\"), or import with quoting off%s";
static const char msg_after_quote[] =
    "text after the closing quote of a field; a quote inside a quoted field must "
    "be doubled (\"\")%s";
static const char msg_unterminated[] =
    "this quoted field is never closed: the closing quote is missing%s";

/*
 * Scans from r->pos until a record is complete (SCAN_DONE), the text
 * buffer is exhausted (SCAN_MORE: refill and call again), the input ended
 * before a record began (SCAN_END), or the input is wrong (SCAN_ERROR, the
 * reader failed). All state lives in the reader, so a scan can stop at any
 * byte and resume after the buffer moved.
 */
static enum scan_result csv_scan(csv_reader_t *r)
{
    const unsigned char *b = (const unsigned char *)r->buf;
    const unsigned char *ucls = r->ucls, *qcls = r->qcls;
    const unsigned char delim = (unsigned char)r->delim;
    const bool quoting = !r->opt.no_quoting, lenient = r->opt.lenient_quotes;
    const size_t end = r->end;
    /* the hot state lives in locals and goes back into r on every exit */
    size_t p = r->pos, rec = r->rec, line_start = r->line_start, fail_at = 0;
    uint64_t line = r->line, rec_line = r->rec_line;
    csv_span_t cur = r->cur;
    const char *fail_msg = NULL;
    enum scan_result result;
    unsigned char c;

#define BEGIN_FIELD()                                      \
    do {                                                   \
        cur.start = (uint32_t)(p - rec);                   \
        cur.line_start = (uint32_t)(line_start - rec);     \
        cur.line_delta = (uint32_t)(line - rec_line);      \
        cur.flags = 0;                                     \
    } while (0)
#define END_FIELD()                                        \
    do {                                                   \
        if (r->nspans == r->spans_cap && !grow_spans(r))   \
            goto nomem;                                    \
        cur.end = (uint32_t)(p - rec);                     \
        r->spans[r->nspans++] = cur;                       \
    } while (0)

    switch (r->state) {
    case ST_RECORD: goto st_record;
    case ST_FIELD: goto st_field;
    case ST_UNQUOTED: goto st_unquoted;
    case ST_QUOTED: goto st_quoted;
    case ST_QUOTE: goto st_quote;
    }

st_record:
    rec = line_start = p;
    rec_line = line;
    if (p == end) {
        result = r->eof ? SCAN_END : SCAN_MORE;
        r->state = ST_RECORD;
        goto out;
    }
    c = b[p];
    if (r->skip_lf) {
        r->skip_lf = false;
        if (c == '\n') {
            p++;
            goto st_record;
        }
    }
    if (c == '\n' || c == '\r') { /* an empty line: no record */
        r->skip_lf = c == '\r';
        p++;
        line++;
        goto st_record;
    }
    r->nspans = 0;
    BEGIN_FIELD();

st_field:
    if (p == end) {
        if (r->eof) /* "a,b," at the very end: an empty last field */
            goto record_done;
        r->state = ST_FIELD;
        goto more;
    }
    if (b[p] == '"' && quoting) {
        cur.flags = F_QUOTED;
        p++;
        goto st_quoted;
    }

st_unquoted:
    for (;;) {
        while (!ucls[b[p]])
            p++;
        c = b[p];
        if (c == delim) {
            END_FIELD();
            p++;
            BEGIN_FIELD();
            goto st_field;
        }
        if (c == '\n' || c == '\r')
            goto record_done;
        if (c == '"') {
            fail_at = p;
            fail_msg = msg_stray_quote;
            goto fail;
        }
        if (p < end) {
            fail_at = p;
            fail_msg = msg_nul;
            goto fail;
        }
        if (r->eof)
            goto record_done;
        r->state = ST_UNQUOTED;
        goto more;
    }

st_quoted:
    for (;;) {
        while (!qcls[b[p]])
            p++;
        c = b[p];
        if (c == '"') {
            p++;
            goto st_quote;
        }
        if (c == '\n') {
            if (b[p - 1] != '\r') /* CRLF was counted at the CR */
                line++;
            line_start = ++p;
            continue;
        }
        if (c == '\r') {
            line++;
            line_start = ++p;
            continue;
        }
        if (p < end) {
            fail_at = p;
            fail_msg = msg_nul;
            goto fail;
        }
        if (r->eof) {
            fail_at = rec + cur.start;
            fail_msg = msg_unterminated;
            goto fail;
        }
        r->state = ST_QUOTED;
        goto more;
    }

st_quote: /* just after a quote inside a quoted field */
    if (p == end) {
        if (r->eof)
            goto record_done;
        r->state = ST_QUOTE;
        goto more;
    }
    c = b[p];
    if (c == '"') {
        cur.flags |= F_ESCAPED;
        p++;
        goto st_quoted;
    }
    if (c == delim) {
        END_FIELD();
        p++;
        BEGIN_FIELD();
        goto st_field;
    }
    if (c == '\n' || c == '\r')
        goto record_done;
    if (c == '\0') {
        fail_at = p;
        fail_msg = msg_nul;
        goto fail;
    }
    if (!lenient) {
        fail_at = p;
        fail_msg = msg_after_quote;
        goto fail;
    }
    cur.flags |= F_ESCAPED; /* the rest of the field is literal text */
    goto st_unquoted;

record_done:
    END_FIELD();
    if (p < end) { /* a line end, not the end of the input */
        r->skip_lf = b[p] == '\r';
        p++;
        line++;
        line_start = p;
    }
    r->state = ST_RECORD;
    result = SCAN_DONE;
    goto out;

more:
    result = SCAN_MORE;
    goto out;

fail:
nomem:
    result = SCAN_ERROR;

out:
    r->pos = p;
    r->rec = rec;
    r->line_start = line_start;
    r->line = line;
    r->rec_line = rec_line;
    r->cur = cur;
    if (result == SCAN_ERROR) {
        if (!fail_msg)
            csv_fail(r, CX_ERR_NOMEM, 0, 0, "out of memory reading a record");
        else if (p - rec > r->opt.max_record)
            csv_too_large(r); /* as it would be had a buffer ended before */
        else
            csv_fail_at(r, CX_ERR_INVALID, fail_at, fail_msg, "");
    }
    return result;
#undef BEGIN_FIELD
#undef END_FIELD
}

/* ---- records -------------------------------------------------------- */

/* Copies a quoted field's text (after the opening quote) into d, undoing
 * doubled quotes; after the closing quote the rest is literal (lenient). */
static size_t csv_unescape(const char *s, size_t n, char *d)
{
    size_t o = 0, i = 0;
    while (i < n) {
        const char *q = memchr(s + i, '"', n - i);
        size_t run = q ? (size_t)(q - (s + i)) : n - i;
        memcpy(d + o, s + i, run);
        o += run;
        i += run;
        if (!q)
            break;
        if (i + 1 < n && s[i + 1] == '"') {
            d[o++] = '"';
            i += 2;
            continue;
        }
        i++; /* the closing quote */
        memcpy(d + o, s + i, n - i);
        o += n - i;
        break;
    }
    return o;
}

/* Turns the spans of a complete record into NUL-terminated fields. */
static cx_result csv_build(csv_reader_t *r, csv_record_t *rec)
{
    size_t n = r->nspans, need = 0;
    if (n > r->fields_cap) {
        size_t ncap = r->fields_cap ? r->fields_cap : 64;
        while (ncap < n)
            ncap *= 2;
        csv_field_t *nf = realloc(r->fields, ncap * sizeof *nf);
        if (!nf)
            return csv_fail(r, CX_ERR_NOMEM, 0, 0, "out of memory reading a record");
        r->fields = nf;
        r->fields_cap = ncap;
    }
    for (size_t i = 0; i < n; i++)
        if (r->spans[i].flags & F_ESCAPED)
            need += r->spans[i].end - r->spans[i].start;
    if (need > r->scratch_cap) {
        size_t ncap = r->scratch_cap ? r->scratch_cap : 4096;
        while (ncap < need)
            ncap *= 2;
        char *ns = realloc(r->scratch, ncap);
        if (!ns)
            return csv_fail(r, CX_ERR_NOMEM, 0, 0, "out of memory reading a record");
        r->scratch = ns;
        r->scratch_cap = ncap;
    }
    char *base = r->buf + r->rec, *out = r->scratch;
    for (size_t i = 0; i < n; i++) {
        const csv_span_t *sp = &r->spans[i];
        csv_field_t *f = &r->fields[i];
        char *raw = base + sp->start;
        size_t len = sp->end - sp->start;
        f->quoted = sp->flags & F_QUOTED;
        if (!(sp->flags & F_QUOTED)) {
            f->data = raw;
            f->len = len;
            raw[len] = '\0'; /* the delimiter or line end; columns still count it */
        } else if (!(sp->flags & F_ESCAPED)) {
            f->data = raw + 1;
            f->len = len - 2;
            raw[len - 1] = '\0'; /* the closing quote */
        } else {
            f->data = out;
            f->len = csv_unescape(raw + 1, len - 1, out);
            out[f->len] = '\0'; /* fits: the two quotes made room */
            out += f->len + 1;
        }
    }
    rec->fields = r->fields;
    rec->count = n;
    rec->line = r->rec_line;
    return CX_OK;
}

static cx_result csv_check_count(csv_reader_t *r)
{
    size_t n = r->nspans;
    if (!r->opt.check_field_count || r->expected == 0 || n == r->expected)
        return CX_OK;
    const char *what = r->has_header ? "the header" : "the first record";
    size_t at = n < r->expected ? r->rec + r->spans[n - 1].end
                                : r->rec + r->spans[r->expected].start;
    uint64_t line, col;
    csv_locate(r, at, &line, &col);
    return csv_fail(r, CX_ERR_INVALID, line, col,
                    n < r->expected ? "this record has %zu field%s, but %s has %zu"
                                    : "this record has %zu field%s, but %s has %zu; "
                                      "is a delimiter inside a field that is not quoted?",
                    n, n == 1 ? "" : "s", what, r->expected);
}

/* Reads one record; rec->count == 0 at the end. */
static cx_result csv_read(csv_reader_t *r, csv_record_t *rec)
{
    rec->fields = NULL;
    rec->count = 0;
    rec->line = 0;
    rec->number = 0;
    if (r->failed)
        return r->failed;
    for (;;) {
        switch (csv_scan(r)) {
        case SCAN_DONE: {
            if (r->spans[r->nspans - 1].end > r->opt.max_record)
                return csv_too_large(r);
            cx_result rc = csv_check_count(r);
            if (!rc)
                rc = csv_build(r, rec);
            if (rc) {
                rec->count = 0;
                return rc;
            }
            if (r->expected == 0)
                r->expected = rec->count;
            return CX_OK;
        }
        case SCAN_END: return CX_OK;
        case SCAN_ERROR: return r->failed;
        case SCAN_MORE:
            if (r->end - r->rec > r->opt.max_record)
                return csv_too_large(r);
            if (r->bad) {
                uint64_t line, col;
                csv_locate(r, r->end, &line, &col);
                return csv_fail(r, r->bad, line, col, "%s", buf_str(&r->bad_msg));
            }
            if (csv_fill(r))
                return r->failed;
            break;
        }
    }
}

cx_result csv_next_record(csv_reader_t *r, csv_record_t *rec)
{
    assert(r && rec);
    cx_result rc = csv_read(r, rec);
    if (!rc && rec->count)
        rec->number = ++r->number;
    return rc;
}

/* ---- opening -------------------------------------------------------- */

/*
 * Picks the delimiter from the first records: for each candidate, count
 * its occurrences outside quotes per record; prefer one that occurs the
 * same number of times in every record, the most often. Only ASCII bytes
 * matter, so this works on raw bytes in any of the supported encodings.
 */
static char csv_sniff(const unsigned char *s, size_t n, bool whole, bool quoting,
                      bool *unsure)
{
    static const char cand[] = {',', ';', '\t', '|'};
    enum { NC = sizeof cand };
    size_t first[NC] = {0}, agree[NC] = {0}, count[NC] = {0};
    size_t records = 0;
    bool in_q = false, any = false;
    *unsure = false;
    for (size_t i = 0; i <= n && records < CSV_SNIFF_RECORDS; i++) {
        bool at_end = i == n;
        unsigned char c = at_end ? '\n' : s[i];
        if (at_end && (!whole || !any))
            break; /* a record cut by the sample does not count */
        if (c == '"' && quoting) {
            in_q = !in_q;
        } else if ((c == '\n' || c == '\r') && !in_q) {
            if (!any)
                continue; /* empty line */
            for (size_t k = 0; k < NC; k++) {
                if (records == 0)
                    first[k] = count[k];
                if (count[k] == first[k])
                    agree[k]++;
                count[k] = 0;
            }
            records++;
            any = false;
            continue;
        } else if (!in_q) {
            for (size_t k = 0; k < NC; k++)
                count[k] += c == (unsigned char)cand[k];
        }
        any = true;
    }
    if (records == 0) { /* one huge first record: use what there is */
        for (size_t k = 0; k < NC; k++) {
            first[k] = count[k];
            agree[k] = 1;
        }
        records = 1;
    }
    int best = -1;
    for (size_t k = 0; k < NC; k++)
        if (first[k] > 0 && agree[k] == records && (best < 0 || first[k] > first[best]))
            best = (int)k;
    if (best >= 0)
        return cand[best];
    /* No candidate is consistent: a few malformed rows, or no delimiter.
     * The header line is the best witness: if only one candidate occurs
     * in it, that is the delimiter. Else take one that fits at least nine
     * records in ten. The field-count check (or the importer) will point
     * at the odd rows. */
    int in_first = 0;
    for (size_t k = 0; k < NC; k++)
        if (first[k] > 0) {
            in_first++;
            best = (int)k;
        }
    if (in_first == 1)
        return cand[best];
    best = -1;
    for (size_t k = 0; k < NC; k++)
        if (first[k] > 0 && agree[k] * 10 >= records * 9 &&
            (best < 0 || agree[k] > agree[best]))
            best = (int)k;
    if (best >= 0)
        return cand[best];
    for (size_t k = 0; k < NC; k++)
        if (first[k] > 0)
            *unsure = true;
    return ','; /* a single column */
}

static void csv_build_classes(csv_reader_t *r)
{
    memset(r->ucls, 0, sizeof r->ucls);
    memset(r->qcls, 0, sizeof r->qcls);
    r->ucls[0] = r->ucls['\n'] = r->ucls['\r'] = 1;
    r->ucls[(unsigned char)r->delim] = 1;
    if (!r->opt.no_quoting && !r->opt.lenient_quotes)
        r->ucls['"'] = 1;
    r->qcls[0] = r->qcls['\n'] = r->qcls['\r'] = r->qcls['"'] = 1;
}

static char *csv_clean_name(const char *name)
{
    if (!name || !*name)
        name = "input";
    char *s = strdup(name);
    if (s)
        for (char *p = s; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7F)
                *p = '?'; /* names end up in one-line messages */
    return s;
}

static cx_result csv_copy_header(csv_reader_t *r, const csv_record_t *rec)
{
    size_t total = 0;
    for (size_t i = 0; i < rec->count; i++)
        total += rec->fields[i].len + 1;
    r->header_text = malloc(total);
    r->header_fields = malloc(rec->count * sizeof *r->header_fields);
    if (!r->header_text || !r->header_fields)
        return csv_fail(r, CX_ERR_NOMEM, 0, 0, "out of memory reading the header");
    char *t = r->header_text;
    for (size_t i = 0; i < rec->count; i++) {
        memcpy(t, rec->fields[i].data, rec->fields[i].len + 1);
        r->header_fields[i] = rec->fields[i];
        r->header_fields[i].data = t;
        t += rec->fields[i].len + 1;
    }
    r->header = *rec;
    r->header.fields = r->header_fields;
    r->header.number = 0;
    r->has_header = true;
    return CX_OK;
}

/* Settles encoding and delimiter from the first block, then the header. */
static cx_result csv_start(csv_reader_t *r)
{
    raw_top_up(r, true);
    const unsigned char *s = r->raw;
    size_t n = r->raw_len;
    bool bom = n >= 3 && memcmp(s, CHARSET_UTF8_BOM, 3) == 0;
    charset_t want = r->opt.encoding;
    if (want == CHARSET_AUTO) {
        charset_guess_t g;
        buf_t msg;
        buf_init(&msg, 0);
        cx_result rc = charset_detect(s, n, r->src_eof, &g, &msg);
        if (rc) {
            uint64_t line = 0, col = 0;
            if (n) {
                size_t skip = g.bom ? 3 : 0;
                charset_locate(s + skip, g.offset - skip, g.offset_utf8, &line, &col);
            }
            csv_fail(r, rc, line, col, "%s", buf_str(&msg));
            buf_free(&msg);
            return rc;
        }
        buf_free(&msg);
        r->cs = g.charset;
    } else if (want == CHARSET_UTF8) {
        r->cs = CHARSET_UTF8;
    } else {
        if (bom)
            return csv_fail(r, CX_ERR_INVALID, 1, 1,
                            "the file starts with a UTF-8 byte order mark, but its "
                            "encoding was given as %s", charset_name(want));
        r->cs = want;
    }
    if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF)))
        return csv_fail(r, CX_ERR_INVALID, 1, 1,
                        "the file is UTF-16 (it starts with a UTF-16 byte order mark); "
                        "save it as UTF-8 and import it again");
    if (bom && r->cs == CHARSET_UTF8) {
        r->raw_pos = 3;
        r->bom = true;
        r->non_ascii = true; /* the mark says UTF-8 */
    }

    r->delim = r->opt.delimiter;
    if (!r->delim) {
        bool unsure;
        r->delim = csv_sniff(r->raw + r->raw_pos, r->raw_len - r->raw_pos, r->src_eof,
                             !r->opt.no_quoting, &unsure);
        if (unsure)
            return csv_fail(r, CX_ERR_INVALID, 1, 1,
                            "cannot tell the delimiter: no comma, semicolon, tab or "
                            "'|' occurs the same number of times on each of the first "
                            "lines; name it with --delimiter%s", "");
    }
    csv_build_classes(r);
    r->buf[0] = '\0';

    if (r->opt.header) {
        csv_record_t rec;
        cx_result rc = csv_read(r, &rec);
        if (rc)
            return rc;
        if (rec.count == 0)
            return csv_fail(r, CX_ERR_INVALID, r->line, 1,
                            "the file is empty: there is not even a header line%s", "");
        return csv_copy_header(r, &rec);
    }
    return CX_OK;
}

static cx_result csv_open(csv_reader_t **out, FILE *f, const void *data, size_t len,
                          const char *name, const csv_options_t *opt)
{
    csv_reader_t *r = calloc(1, sizeof *r);
    *out = r;
    if (!r)
        return CX_ERR_NOMEM;
    if (opt)
        r->opt = *opt;
    buf_init(&r->err, 0);
    buf_init(&r->err_msg, 0);
    buf_init(&r->bad_msg, 0);
    r->name = csv_clean_name(name);
    if (!r->opt.max_record)
        r->opt.max_record = CSV_DEFAULT_MAX_RECORD;
    if (r->opt.max_record > CSV_MAX_RECORD_LIMIT)
        r->opt.max_record = CSV_MAX_RECORD_LIMIT;
    r->cap = r->opt.buffer_size ? r->opt.buffer_size : CSV_DEFAULT_BUFFER;
    if (r->cap < CSV_MIN_BUFFER)
        r->cap = CSV_MIN_BUFFER;
    r->raw_cap = CSV_RAW_SIZE;
    r->buf = malloc(r->cap);
    r->raw = malloc(r->raw_cap);
    if (!r->name || !r->buf || !r->raw) {
        csv_reader_close(r);
        *out = NULL;
        return CX_ERR_NOMEM;
    }
    assert(r->opt.delimiter == 0 || r->opt.delimiter == ',' || r->opt.delimiter == ';' ||
           r->opt.delimiter == '\t' || r->opt.delimiter == '|');
    r->fp = f;
    r->mem = data;
    r->mem_len = len;
    r->src_eof = !f && len == 0;
    r->line = 1;
    r->state = ST_RECORD;
    return csv_start(r);
}

cx_result csv_reader_open_file(csv_reader_t **out, FILE *f, const char *name,
                               const csv_options_t *opt)
{
    assert(out && f);
    return csv_open(out, f, NULL, 0, name, opt);
}

cx_result csv_reader_open_memory(csv_reader_t **out, const void *data, size_t len,
                                 const char *name, const csv_options_t *opt)
{
    assert(out && (data || len == 0));
    return csv_open(out, NULL, data, len, name, opt);
}

void csv_reader_close(csv_reader_t *r)
{
    if (!r)
        return;
    free(r->name);
    free(r->raw);
    free(r->buf);
    free(r->spans);
    free(r->fields);
    free(r->scratch);
    free(r->header_fields);
    free(r->header_text);
    buf_free(&r->bad_msg);
    buf_free(&r->err);
    buf_free(&r->err_msg);
    free(r);
}

/* ---- queries -------------------------------------------------------- */

const csv_record_t *csv_header(const csv_reader_t *r)
{
    return r->has_header ? &r->header : NULL;
}

long csv_header_find(const csv_reader_t *r, const char *name)
{
    if (!r->has_header || !name)
        return -1;
    for (size_t i = 0; i < r->header.count; i++)
        if (strcasecmp(r->header.fields[i].data, name) == 0)
            return (long)i;
    return -1;
}

char csv_delimiter(const csv_reader_t *r) { return r->delim; }
charset_t csv_encoding(const csv_reader_t *r) { return r->cs; }
bool csv_had_bom(const csv_reader_t *r) { return r->bom; }
const char *csv_reader_name(const csv_reader_t *r) { return r->name; }
const char *csv_reader_error(const csv_reader_t *r) { return buf_str(&r->err); }
const char *csv_reader_error_message(const csv_reader_t *r) { return buf_str(&r->err_msg); }

void csv_reader_error_position(const csv_reader_t *r, uint64_t *line, uint64_t *column)
{
    *line = r->err_line;
    *column = r->err_col;
}

void csv_field_position(const csv_reader_t *r, size_t i, uint64_t *line, uint64_t *column)
{
    assert(i < r->nspans);
    const csv_span_t *sp = &r->spans[i];
    const unsigned char *s = (const unsigned char *)r->buf + r->rec;
    uint64_t col = 1;
    /* bytes changed by csv_build are ASCII for ASCII, so counting still works */
    for (uint32_t k = sp->line_start; k < sp->start; k++)
        col += (s[k] & 0xC0) != 0x80;
    *line = r->rec_line + sp->line_delta;
    *column = col;
}

void csv_field_where(const csv_reader_t *r, size_t i, buf_t *out)
{
    uint64_t line, col;
    csv_field_position(r, i, &line, &col);
    buf_printf(out, "%s:%lld:%lld: ", r->name, (long long)line, (long long)col);
}
