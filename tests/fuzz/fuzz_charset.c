/*
 * fuzz_charset.c — libFuzzer target for encoding detection and conversion.
 *
 * Whatever charset_detect decides for a whole input must convert without
 * error and give valid UTF-8; validation and conversion must agree on
 * where input stops being text; positions must be in range.
 *
 * Build: see docs/internals/csv.md ("Fuzzing").
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/charset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "fuzz_charset: check failed: %s (line %d)\n", #cond, __LINE__); \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bool cut;
    size_t ok = charset_validate_utf8(data, size, &cut);
    CHECK(ok <= size);
    CHECK(charset_validate_utf8(data, ok, NULL) == ok);
    if (cut)
        CHECK(ok < size && size - ok < 4);

    charset_guess_t g;
    buf_t msg, out;
    buf_init(&msg, 0);
    buf_init(&out, 0);
    cx_result rc = charset_detect(data, size, true, &g, &msg);
    if (rc == CX_OK) {
        CHECK(g.charset == CHARSET_UTF8 || g.charset == CHARSET_WINDOWS_1250 ||
              g.charset == CHARSET_ISO_8859_2 || g.charset == CHARSET_8BIT_UNDECIDED);
        size_t bad = 0;
        CHECK(charset_to_utf8(g.charset, data, size, &out, NULL, &bad) == CX_OK);
        CHECK(charset_validate_utf8(out.data ? out.data : "", out.len, NULL) == out.len);
    } else {
        CHECK(msg.len > 0 && g.offset <= size);
        uint64_t line, col;
        charset_locate(data, g.offset, g.offset_utf8, &line, &col);
        CHECK(line >= 1 && col >= 1);
    }
    /* with more to come, a sequence cut at the end is not an error */
    charset_detect(data, size, false, &g, NULL);

    static const charset_t pages[] = {CHARSET_WINDOWS_1250, CHARSET_ISO_8859_2,
                                      CHARSET_8BIT_UNDECIDED};
    char *tmp = malloc(3 * size + 1);
    CHECK(tmp);
    for (size_t k = 0; k < 3; k++) {
        size_t used;
        size_t len = charset_decode_8bit(pages[k], data, size, tmp, &used);
        CHECK(used <= size && len <= 3 * used);
        CHECK(charset_validate_utf8(tmp, len, NULL) == len);
        if (used < size)
            CHECK(!charset_byte_defined(pages[k], data[used]) ||
                  pages[k] == CHARSET_8BIT_UNDECIDED);
    }
    free(tmp);
    buf_free(&msg);
    buf_free(&out);
    return 0;
}
