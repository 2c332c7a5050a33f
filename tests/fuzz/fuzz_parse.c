/*
 * fuzz_parse.c — libFuzzer target for value parsers: dates with every
 * style and with patterns from the input, numbers with every decimal mark,
 * ranges, flags, POSIX TZ rules and TZif data.
 *
 * Input: a selector byte, then text; for patterns, "PATTERN\nVALUE".
 * Checks: no crash or undefined behaviour, messages on one line, results
 * consistent (a parsed date converts back to the same local time).
 *
 * Build: see docs/internals/csv.md ("Fuzzing").
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            fprintf(stderr, "fuzz_parse: check failed: %s (line %d)\n", #cond, __LINE__); \
            abort();                                                                     \
        }                                                                                \
    } while (0)

static parse_zone_t *warsaw;

static void check_msg(const buf_t *msg)
{
    CHECK(!buf_failed(msg));
    CHECK(strchr(buf_str(msg), '\n') == NULL && strchr(buf_str(msg), '\r') == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (!warsaw && parse_zone_load("Europe/Warsaw", NULL, 0, &warsaw, NULL) != CX_OK)
        abort();
    uint8_t sel = data[0];
    const char *s = (const char *)data + 1;
    size_t n = size - 1;
    buf_t msg;
    buf_init(&msg, 0);
    switch (sel % 6) {
    case 0: { /* styles */
        parse_date_format_t f = {(parse_date_style)(1 + (sel / 6) % 6), NULL};
        int64_t t;
        if (parse_datetime(&f, warsaw, s, n, &t, &msg) == CX_OK)
            CHECK(t > -400000000000LL && t < 400000000000LL);
        check_msg(&msg);
        size_t len = n;
        parse_date_detection_t det;
        buf_reset(&msg);
        parse_date_detect(&s, &len, 1, &det, &msg);
        check_msg(&msg);
        break;
    }
    case 1: { /* a pattern and a value */
        const char *nl = memchr(s, '\n', n);
        if (!nl)
            break;
        size_t plen = (size_t)(nl - s);
        char *pat = malloc(plen + 1);
        memcpy(pat, s, plen);
        pat[plen] = '\0';
        if (strlen(pat) == plen && parse_date_pattern_check(pat, &msg) == CX_OK) {
            parse_date_format_t f = {PARSE_DATE_PATTERN, pat};
            int64_t t;
            buf_reset(&msg);
            parse_datetime(&f, warsaw, nl + 1, n - plen - 1, &t, &msg);
        }
        check_msg(&msg);
        free(pat);
        break;
    }
    case 2: { /* numbers */
        static const char marks[] = {0, '.', ','};
        double v;
        bool pct;
        if (parse_number(s, n, marks[(sel / 6) % 3], &v, &pct, &msg) == CX_OK)
            CHECK(isfinite(v));
        check_msg(&msg);
        size_t len = n;
        char d = parse_number_detect_decimal(&s, &len, 1);
        CHECK(d == 0 || d == '.' || d == ',');
        break;
    }
    case 3: { /* ranges and flags */
        long long v;
        if (parse_int_range(s, n, -5, 10, "score", &v, &msg) == CX_OK)
            CHECK(v >= -5 && v <= 10);
        check_msg(&msg);
        bool b;
        buf_reset(&msg);
        parse_bool(s, n, &b, &msg);
        check_msg(&msg);
        parse_is_blank(s, n);
        break;
    }
    case 4: { /* POSIX TZ rules */
        char name[64];
        size_t len = n < sizeof name - 1 ? n : sizeof name - 1;
        memcpy(name, s, len);
        name[len] = '\0';
        parse_zone_t *z; /* no file: names, built-in zones and POSIX rules */
        if (parse_zone_load(name, NULL, 0, &z, &msg) == CX_OK) {
            for (int64_t t = -2000000000; t < 4000000000; t += 77777777) {
                int32_t off = parse_zone_offset(z, t);
                CHECK(off > -7 * 86400 && off < 7 * 86400);
                parse_zone_to_utc(z, t);
            }
            parse_zone_free(z);
        }
        check_msg(&msg);
        break;
    }
    case 5: { /* TZif data */
        parse_zone_t *z;
        if (parse_zone_from_tzif("fuzz", s, n, &z, &msg) == CX_OK) {
            for (int64_t t = -3000000000; t < 5000000000; t += 99999999) {
                parse_zone_offset(z, t);
                parse_zone_to_utc(z, t);
            }
            parse_zone_offset(z, INT64_MIN);
            parse_zone_offset(z, INT64_MAX);
            parse_zone_to_utc(z, INT64_MIN);
            parse_zone_to_utc(z, INT64_MAX);
            parse_zone_free(z);
        }
        check_msg(&msg);
        break;
    }
    }
    buf_free(&msg);
    return 0;
}
