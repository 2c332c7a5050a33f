/*
 * fuzz_csv.c — libFuzzer target for the CSV reader.
 *
 * The first input byte picks the options (delimiter, quoting, lenient
 * quotes, header, field-count check, encoding), the second a small buffer
 * size and a small record cap, the third whether 70,000 bytes of ASCII
 * come first (so that encoding decisions happen mid-stream); the rest is
 * the file. Every input is read twice — with that small buffer and with
 * the default one — and the two readings must agree
 * record for record, error for error, since buffer boundaries must never
 * change what a file means. Every field must be NUL-terminated, free of
 * NUL bytes and valid UTF-8, and every reported position must be sane.
 *
 * Build: see docs/internals/csv.md ("Fuzzing").
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "fuzz_csv: check failed: %s (line %d)\n", #cond, __LINE__); \
            abort();                                                                   \
        }                                                                              \
    } while (0)

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 1099511628211ull;
    return h;
}

/* A digest of everything the reader said about the input. */
static uint64_t read_all(const uint8_t *data, size_t size, const csv_options_t *opt)
{
    uint64_t h = 1469598103934665603ull;
    csv_reader_t *r;
    cx_result rc = csv_reader_open_memory(&r, data, size, "fuzz.csv", opt);
    if (!r)
        return 0;
    const csv_record_t *head = csv_header(r);
    if (!rc && opt->header)
        CHECK(head && head->count >= 1);
    if (head)
        for (size_t i = 0; i < head->count; i++)
            h = mix(h, head->fields[i].data, head->fields[i].len + 1);
    csv_record_t rec;
    uint64_t last_line = 0, number = 0;
    while (!rc && (rc = csv_next_record(r, &rec)) == CX_OK && rec.count) {
        CHECK(rec.number == ++number);
        CHECK(rec.line > last_line);
        last_line = rec.line;
        h = mix(h, &rec.line, sizeof rec.line);
        h = mix(h, &rec.count, sizeof rec.count);
        for (size_t i = 0; i < rec.count; i++) {
            const csv_field_t *f = &rec.fields[i];
            CHECK(f->data[f->len] == '\0');
            CHECK(strlen(f->data) == f->len);
            CHECK(charset_validate_utf8(f->data, f->len, NULL) == f->len);
            uint64_t line, col;
            csv_field_position(r, i, &line, &col);
            CHECK(line >= rec.line && col >= 1);
            h = mix(h, f->data, f->len + 1);
            h = mix(h, &line, sizeof line);
            h = mix(h, &col, sizeof col);
            h = mix(h, &f->quoted, 1);
        }
    }
    h = mix(h, &rc, sizeof rc);
    const char *err = csv_reader_error(r);
    CHECK((rc == CX_OK) == (err[0] == '\0'));
    CHECK(strchr(err, '\n') == NULL && strchr(err, '\r') == NULL);
    h = mix(h, err, strlen(err));
    csv_reader_close(r);
    return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    static const char delims[] = {0, ',', ';', '\t'};
    static const charset_t encodings[] = {CHARSET_AUTO, CHARSET_UTF8, CHARSET_WINDOWS_1250,
                                          CHARSET_ISO_8859_2};
    uint8_t o = data[0];
    csv_options_t opt = {
        .delimiter = delims[o & 3],
        .no_quoting = o & 4,
        .lenient_quotes = o & 8,
        .header = o & 16,
        .check_field_count = o & 32,
        .encoding = encodings[(o >> 6) & 3],
        .max_record = 1 + (size_t)data[1] * 16,
    };
    csv_options_t small = opt;
    small.buffer_size = 1 + data[1] % 40;
    bool prefix = data[2] & 1;
    data += 3;
    size -= 3;
    /* With the prefix the input starts with more ASCII than the first
     * block the reader looks at, so encoding decisions happen mid-stream. */
    static uint8_t *big;
    static const size_t pre = 70000;
    if (prefix) {
        if (!big) {
            big = malloc(pre + 8192);
            CHECK(big);
            memcpy(big, "h1,h2\n", 6);
            for (size_t i = 6; i + 4 <= pre; i += 4)
                memcpy(big + i, "x,y\n", 4);
        }
        if (size > 8192)
            return 0;
        memcpy(big + pre, data, size);
        data = big;
        size += pre;
    }
    uint64_t a = read_all(data, size, &small);
    uint64_t b = read_all(data, size, &opt);
    CHECK(a == b);
    return 0;
}
