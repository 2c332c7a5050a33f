/*
 * test_csv.c — the CSV reader: RFC 4180 rules and the nasty cases real
 * exports produce, each read with many buffer sizes so that every buffer
 * and staging boundary falls inside quotes, line ends, UTF-8 sequences and
 * delimiters; errors with their FILE:LINE:COLUMN; a property test against
 * generated records; and the real data files the importer must accept
 * (CXLOOP_SHARED_DATA, default ../shared/data beside the repository).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/parse.h"
#include "core/rng.h"
#include "sys/tz.h"

/* Renders every record as "LINE:f1|f2|..." lines; '|', '\\', CR and LF
 * inside fields are escaped so that the shape is visible. */
static cx_result render(const void *text, size_t len, const csv_options_t *opt, buf_t *out,
                        buf_t *err)
{
    csv_reader_t *r;
    cx_result rc = csv_reader_open_memory(&r, text, len, "t.csv", opt);
    csv_record_t rec;
    if (!rc && csv_header(r)) {
        const csv_record_t *h = csv_header(r);
        buf_puts(out, "H:");
        for (size_t i = 0; i < h->count; i++)
            buf_printf(out, "%s%s", i ? "|" : "", h->fields[i].data);
        buf_putc(out, '\n');
    }
    while (!rc && (rc = csv_next_record(r, &rec)) == CX_OK && rec.count) {
        buf_printf(out, "%lld:", (long long)rec.line);
        for (size_t i = 0; i < rec.count; i++) {
            const csv_field_t *f = &rec.fields[i];
            cr_assert_eq(strlen(f->data), f->len, "fields are NUL-terminated views");
            if (i)
                buf_putc(out, '|');
            for (size_t k = 0; k < f->len; k++) {
                char c = f->data[k];
                if (c == '\n')
                    buf_puts(out, "\\n");
                else if (c == '\r')
                    buf_puts(out, "\\r");
                else if (c == '|' || c == '\\')
                    buf_printf(out, "\\%c", c);
                else
                    buf_putc(out, c);
            }
        }
        buf_putc(out, '\n');
    }
    if (rc && err && r)
        buf_puts(err, csv_reader_error(r));
    csv_reader_close(r);
    return rc;
}

static const size_t buffer_sizes[] = {0, 1, 2, 3, 5, 7, 16, 17, 18, 19, 20, 23, 31, 64, 100};

/* Every buffer size must give the same records, or the same error. */
static void expect_csv(const char *text, size_t len, const csv_options_t *opt0,
                       const char *want, const char *want_err)
{
    for (size_t k = 0; k < sizeof buffer_sizes / sizeof buffer_sizes[0]; k++) {
        csv_options_t opt = opt0 ? *opt0 : (csv_options_t){0};
        opt.buffer_size = buffer_sizes[k];
        buf_t out, err;
        buf_init(&out, 0);
        buf_init(&err, 0);
        cx_result rc = render(text, len, &opt, &out, &err);
        if (want_err) {
            cr_assert_neq(rc, CX_OK, "buffer %zu: expected an error, got\n%s", opt.buffer_size,
                          buf_str(&out));
            cr_assert_str_eq(buf_str(&err), want_err, "buffer %zu", opt.buffer_size);
        } else {
            cr_assert_eq(rc, CX_OK, "buffer %zu: %s", opt.buffer_size, buf_str(&err));
        }
        if (want)
            cr_assert_str_eq(buf_str(&out), want, "buffer %zu", opt.buffer_size);
        buf_free(&out);
        buf_free(&err);
    }
}

#define EXPECT(text, opt, want) expect_csv(text, sizeof(text) - 1, opt, want, NULL)
#define EXPECT_ERR(text, opt, want, err) expect_csv(text, sizeof(text) - 1, opt, want, err)

Test(csv, plain_lf)
{
    EXPECT("a,b,c\n1,2,3\n", NULL, "1:a|b|c\n2:1|2|3\n");
}

Test(csv, crlf_and_last_line_without_newline)
{
    EXPECT("a,b\r\n1,2\r\n3,4", NULL, "1:a|b\n2:1|2\n3:3|4\n");
}

Test(csv, lone_cr_ends_lines)
{
    EXPECT("a,b\r1,2\r3,4\r", NULL, "1:a|b\n2:1|2\n3:3|4\n");
}

Test(csv, quoted_fields_with_delimiters_quotes_and_newlines)
{
    EXPECT("id,text\n"
           "1,\"Hello, world\"\n"
           "2,\"She said \"\"hi\"\"\"\n"
           "3,\"two\nlines\"\n"
           "4,\"crlf\r\ninside\"\r\n"
           "5,\"\"\n"
           "6,\"\"\"\"\n"
           "7,after\n",
           NULL,
           "1:id|text\n2:1|Hello, world\n3:2|She said \"hi\"\n4:3|two\\nlines\n"
           "6:4|crlf\\r\\ninside\n8:5|\n9:6|\"\n10:7|after\n");
}

Test(csv, line_numbers_after_many_embedded_newlines)
{
    EXPECT("a\n\"x\n\ny\r\rz\"\nb\n", NULL, "1:a\n2:x\\n\\ny\\r\\rz\n7:b\n");
}

Test(csv, empty_fields_and_empty_last_field)
{
    EXPECT("a,b,c\n,,\n1,,\nx,y,\n", NULL, "1:a|b|c\n2:||\n3:1||\n4:x|y|\n");
    EXPECT("a,b\n1,", NULL, "1:a|b\n2:1|\n");
    EXPECT("a,b\n1,\"\"", NULL, "1:a|b\n2:1|\n");
}

Test(csv, blank_lines_are_skipped_but_counted)
{
    EXPECT("\n\na,b\r\n\r\n1,2\n\n\n", NULL, "3:a|b\n5:1|2\n");
    EXPECT(" \n", NULL, "1: \n");
}

Test(csv, empty_input)
{
    EXPECT("", NULL, "");
    EXPECT("\n\r\n", NULL, "");
    csv_options_t opt = {.header = true};
    EXPECT_ERR("", &opt, "", "t.csv:1:1: the file is empty: there is not even a header line");
}

Test(csv, bom_and_semicolon)
{
    const char text[] = "\xEF\xBB\xBFimię;ocena;kwota\nAnna;9;1 234,50\n\"Kowalski; Jan\";7;0,5\n";
    csv_options_t opt = {.header = true, .check_field_count = true};
    EXPECT(text, &opt, "H:imię|ocena|kwota\n2:Anna|9|1 234,50\n3:Kowalski; Jan|7|0,5\n");
    csv_reader_t *r;
    cr_assert_eq(csv_reader_open_memory(&r, text, sizeof text - 1, "pl.csv", &opt), CX_OK);
    cr_assert_eq(csv_delimiter(r), ';');
    cr_assert(csv_had_bom(r));
    cr_assert_eq(csv_encoding(r), CHARSET_UTF8);
    cr_assert_eq(csv_header_find(r, "OCENA"), 1);
    cr_assert_eq(csv_header_find(r, "imię"), 0);
    cr_assert_eq(csv_header_find(r, "brak"), -1);
    csv_reader_close(r);
}

static char detected(const char *text)
{
    csv_reader_t *r;
    cx_result rc = csv_reader_open_memory(&r, text, strlen(text), "d.csv", NULL);
    char d = rc ? 0 : csv_delimiter(r);
    csv_reader_close(r);
    return d;
}

Test(csv, delimiter_detection)
{
    cr_assert_eq(detected("a,b,c\n1,2,3\n"), ',');
    cr_assert_eq(detected("a;b;c\n1,5;2,25;3\n4;5;6\n"), ';', "decimal commas do not fool it");
    cr_assert_eq(detected("sentence\ttarget\nDobry , tani .\tplus\nZły\tminus\n"), '\t');
    cr_assert_eq(detected("a|b\n1|2\n"), '|');
    cr_assert_eq(detected("\"a;b\",c\n\"1;2\",3\n"), ',', "delimiters inside quotes do not count");
    cr_assert_eq(detected("single\nvalue\n"), ',', "one column");
    cr_assert_eq(detected("a,b;c\n1,2;3\n"), ',', "a tie goes to the comma");
    cr_assert_eq(detected("a;b,c;d\n1;2,5;3\n"), ';', "the most frequent consistent one");
}

Test(csv, delimiter_undecidable)
{
    csv_reader_t *r;
    const char text[] = "a,b;c\n1;2;3,4,5,6\nx,y,z;w\n";
    cr_assert_eq(csv_reader_open_memory(&r, text, sizeof text - 1, "x.csv", NULL), CX_ERR_INVALID);
    cr_assert(strstr(csv_reader_error(r), "x.csv:1:1: cannot tell the delimiter"), "%s",
              csv_reader_error(r));
    cr_assert(strstr(csv_reader_error(r), "--delimiter"));
    csv_reader_close(r);
}

Test(csv, explicit_delimiter)
{
    csv_options_t opt = {.delimiter = '\t'};
    EXPECT("a,b\tc\n", &opt, "1:a,b|c\n");
}

Test(csv, quoting_off_keeps_stray_quotes)
{
    /* PolEmo: pre-tokenised text with unbalanced quotes */
    csv_options_t opt = {.no_quoting = true, .delimiter = '\t'};
    EXPECT("sentence\ttarget\nOn powiedział \" dobrze .\tplus\n\"Zły\" lekarz\tminus\n", &opt,
           "1:sentence|target\n2:On powiedział \" dobrze .|plus\n3:\"Zły\" lekarz|minus\n");
}

Test(csv, strict_quote_errors)
{
    EXPECT_ERR("a,b\n1,5\" screen\n", NULL, "1:a|b\n",
               "t.csv:2:4: a quote inside a field that does not start with one; enclose the "
               "field in quotes and double each quote in it (\"\"), or import with quoting off");
    EXPECT_ERR("a,b\n1,\"x\"y\n", NULL, "1:a|b\n",
               "t.csv:2:6: text after the closing quote of a field; a quote inside a quoted "
               "field must be doubled (\"\")");
    EXPECT_ERR("a,b\n1,2\n3,\"open\nand on\n", NULL, "1:a|b\n2:1|2\n",
               "t.csv:3:3: this quoted field is never closed: the closing quote is missing");
}

Test(csv, lenient_quotes_keep_text)
{
    csv_options_t opt = {.lenient_quotes = true};
    EXPECT("a,b\n1,5\" screen\n2,\"x\"y\"z\n", &opt, "1:a|b\n2:1|5\" screen\n3:2|xy\"z\n");
}

Test(csv, field_count_check)
{
    csv_options_t opt = {.header = true, .check_field_count = true};
    EXPECT_ERR("a,b,c\n1,2,3\n4,5\n", &opt, "H:a|b|c\n2:1|2|3\n",
               "t.csv:3:4: this record has 2 fields, but the header has 3");
    EXPECT_ERR("a,b\n1,2\nzażółć,5,6\n", &opt, "H:a|b\n2:1|2\n",
               "t.csv:3:10: this record has 3 fields, but the header has 2; is a delimiter "
               "inside a field that is not quoted?");
    csv_options_t noheader = {.check_field_count = true};
    EXPECT_ERR("1,2\n3\n", &noheader, "1:1|2\n",
               "t.csv:2:2: this record has 1 field, but the first record has 2");
    /* without the check, ragged records are returned as they are */
    EXPECT("1,2\n3\n", NULL, "1:1|2\n2:3\n");
}

Test(csv, record_cap)
{
    csv_options_t opt = {.max_record = 64};
    char text[400];
    memset(text, 'x', sizeof text);
    memcpy(text, "a,b\n1,\"", 7);
    text[sizeof text - 1] = '\n';
    buf_t out, err;
    buf_init(&out, 0);
    buf_init(&err, 0);
    opt.buffer_size = 16;
    cr_assert_eq(render(text, sizeof text, &opt, &out, &err), CX_ERR_TOO_LARGE);
    cr_assert_str_eq(buf_str(&err), "t.csv:2:1: this record is longer than 64 bytes; is the "
                                    "quote at line 2, column 3 never closed?");
    buf_free(&out);
    buf_free(&err);
    /* a long record within the cap grows the buffer */
    char big[5000];
    memset(big, 'y', sizeof big);
    memcpy(big, "a,b\n1,", 6);
    big[sizeof big - 1] = '\n';
    csv_options_t small = {.buffer_size = 16};
    buf_init(&out, 0);
    cr_assert_eq(render(big, sizeof big, &small, &out, NULL), CX_OK);
    cr_assert_eq(out.len, strlen("1:a|b\n2:1|") + sizeof big - 6 - 1 + 1);
    buf_free(&out);
}

Test(csv, nul_byte_refused)
{
    const char text[] = "a,b\n1,x\0y\n";
    csv_options_t opt = {.encoding = CHARSET_UTF8};
    expect_csv(text, sizeof text - 1, &opt, "1:a|b\n",
               "t.csv:2:4: a NUL byte: this is not a text file in UTF-8, Windows-1250 or "
               "ISO-8859-2 (UTF-16?)");
}

/* A file whose first 64 KiB are valid UTF-8, then `tail`: the error must
 * come out at the same place whatever the buffer sizes. */
static void expect_late_error(const char *tail, int lines_in, int col, const char *what)
{
    static char text[70000];
    size_t n = 0;
    n += (size_t)sprintf(text + n, "a,b\n");
    int line = 1;
    while (n < 66000) {
        n += (size_t)sprintf(text + n, "zażółć,gęślą\n");
        line++;
    }
    n += (size_t)sprintf(text + n, "%s", tail);
    buf_t out, err, want;
    buf_init(&out, 0);
    buf_init(&err, 0);
    buf_init(&want, 0);
    buf_printf(&want, "t.csv:%d:%d: %s", line + 1 + lines_in, col, what);
    for (size_t k = 0; k < sizeof buffer_sizes / sizeof buffer_sizes[0]; k++) {
        csv_options_t opt = {.buffer_size = buffer_sizes[k]};
        buf_reset(&out);
        buf_reset(&err);
        cr_assert_eq(render(text, n, &opt, &out, &err), CX_ERR_INVALID);
        cr_assert_str_eq(buf_str(&err), buf_str(&want), "buffer %zu", opt.buffer_size);
    }
    buf_free(&out);
    buf_free(&err);
    buf_free(&want);
}

Test(csv, invalid_utf8_later_in_file)
{
    /* columns count characters: the bad byte is the 4th character */
    expect_late_error("ąą,\xFF\n", 0, 4,
                      "byte 0xFF is not valid UTF-8; if the file is in Windows-1250 or "
                      "ISO-8859-2, name the encoding with --encoding");
    expect_late_error("ąą,\"x\n\xC0y\"\n", 1, 1,
                      "byte 0xC0 is not valid UTF-8; if the file is in Windows-1250 or "
                      "ISO-8859-2, name the encoding with --encoding");
}

Test(csv, utf8_sequence_cut_at_end_of_file)
{
    expect_late_error("x,\xC5", 0, 3,
                      "byte 0xC5 is not valid UTF-8; if the file is in Windows-1250 or "
                      "ISO-8859-2, name the encoding with --encoding");
    /* found in the first block: a damaged UTF-8 file, not an 8-bit one */
    EXPECT_ERR("a,b\nż,\xC5", NULL, "",
               "t.csv:2:3: byte 0xC5 is not valid UTF-8, although the text around it is "
               "UTF-8: the file is damaged or mixes encodings");
}

Test(csv, utf16_refused)
{
    EXPECT_ERR("\xFF\xFE" "a\0,\0b\0", NULL, "",
               "t.csv:1:1: the file is UTF-16 (it starts with a UTF-16 byte order mark); save it "
               "as UTF-8 and import it again");
}

/* "Zażółć gęślą jaźń,Świetnie" and the same in ISO-8859-2 */
#define PL_1250 "Za\xBF\xF3\xB3\xE6 g\xEA\x9Cl\xB9 ja\x9F\xF1,\x8Cwietnie"
#define PL_8859_2 "Za\xBF\xF3\xB3\xE6 g\xEA\xB6l\xB1 ja\xBC\xF1,\xA6wietnie"
#define PL_UTF8 "Zażółć gęślą jaźń|Świetnie"

Test(csv, windows_1250_file)
{
    EXPECT("tekst,opinia\n" PL_1250 "\n", NULL, "1:tekst|opinia\n2:" PL_UTF8 "\n");
    csv_reader_t *r;
    const char text[] = "tekst,opinia\n" PL_1250 "\n";
    cr_assert_eq(csv_reader_open_memory(&r, text, sizeof text - 1, NULL, NULL), CX_OK);
    cr_assert_eq(csv_encoding(r), CHARSET_WINDOWS_1250);
    csv_reader_close(r);
}

Test(csv, iso_8859_2_file)
{
    EXPECT("tekst,opinia\n" PL_8859_2 "\n", NULL, "1:tekst|opinia\n2:" PL_UTF8 "\n");
    csv_reader_t *r;
    const char text[] = "tekst,opinia\n" PL_8859_2 "\n";
    cr_assert_eq(csv_reader_open_memory(&r, text, sizeof text - 1, NULL, NULL), CX_OK);
    cr_assert_eq(csv_encoding(r), CHARSET_ISO_8859_2);
    csv_reader_close(r);
}

Test(csv, forced_encodings)
{
    csv_options_t iso = {.encoding = CHARSET_ISO_8859_2};
    EXPECT("x\n\xB6" "cie\xBF" "ka\n", &iso, "1:x\n2:ścieżka\n");
    csv_options_t win = {.encoding = CHARSET_WINDOWS_1250};
    EXPECT("x\n\xB6" "cie\xBF" "ka\n", &win, "1:x\n2:¶cieżka\n");
    EXPECT_ERR("x\ny\x98z\n", &win, "1:x\n",
               "t.csv:2:2: byte 0x98 is not a character in Windows-1250");
    EXPECT_ERR("\xEF\xBB\xBFx\n", &win, "",
               "t.csv:1:1: the file starts with a UTF-8 byte order mark, but its encoding "
               "was given as Windows-1250");
    csv_options_t utf8 = {.encoding = CHARSET_UTF8};
    EXPECT_ERR("x\n\xB6" "cie\n", &utf8, "1:x\n",
               "t.csv:2:1: byte 0xB6 is not valid UTF-8; if the file is in Windows-1250 or "
               "ISO-8859-2, name the encoding with --encoding");
}

/* Builds a file whose first 64 KiB have only letters both code pages
 * share, and the deciding letter far later. */
static size_t late_decision(char *text, size_t cap, const char *last_line)
{
    size_t n = (size_t)snprintf(text, cap, "tekst\n");
    while (n < 70000)
        n += (size_t)snprintf(text + n, cap - n, "\xBF\xF3\xB3w i \xBF" "aba\n"); /* żółw i żaba */
    n += (size_t)snprintf(text + n, cap - n, "%s\n", last_line);
    return n;
}

/* Reads the file; every record but the last must be "żółw i żaba".
 * Returns the last record's text (caller frees). */
static char *last_field(const char *text, size_t n, const csv_options_t *opt, charset_t *cs,
                        buf_t *err)
{
    csv_reader_t *r;
    csv_record_t rec;
    char *last = NULL;
    int odd = 0;
    cx_result rc = csv_reader_open_memory(&r, text, n, "late.csv", opt);
    if (!rc)
        cr_assert_eq(csv_encoding(r), CHARSET_8BIT_UNDECIDED);
    while (!rc && (rc = csv_next_record(r, &rec)) == CX_OK && rec.count) {
        cr_assert_eq(odd, 0, "only the last record differs");
        if (rec.number == 1)
            cr_assert_str_eq(rec.fields[0].data, "tekst");
        else if (strcmp(rec.fields[0].data, "żółw i żaba") != 0)
            odd++;
        free(last);
        last = strdup(rec.fields[0].data);
    }
    if (rc)
        buf_puts(err, csv_reader_error(r));
    else
        *cs = csv_encoding(r);
    csv_reader_close(r);
    return last;
}

Test(csv, encoding_decided_late)
{
    static char text[80000];
    static const size_t sizes[] = {0, 7, 1000};
    for (size_t k = 0; k < 3; k++) {
        csv_options_t opt = {.buffer_size = sizes[k]};
        charset_t cs = CHARSET_AUTO;
        buf_t err;
        buf_init(&err, 0);
        /* "Świetny ślad" in Windows-1250: 0x8C and 0x9C are C1 codes in ISO */
        size_t n = late_decision(text, sizeof text, "\x8Cwietny \x9Clad");
        char *last = last_field(text, n, &opt, &cs, &err);
        cr_assert_str_eq(buf_str(&err), "", "late.csv must be read");
        cr_assert_eq(cs, CHARSET_WINDOWS_1250);
        cr_assert_str_eq(last, "Świetny ślad");
        free(last);
        /* in ISO-8859-2: 0xA6 and 0xB6 read as symbols in Windows-1250 */
        n = late_decision(text, sizeof text, "\xA6wietny \xB6lad");
        last = last_field(text, n, &opt, &cs, &err);
        cr_assert_str_eq(buf_str(&err), "", "late.csv must be read");
        cr_assert_eq(cs, CHARSET_ISO_8859_2);
        cr_assert_str_eq(last, "Świetny ślad");
        free(last);
        /* unclear: refused where the deciding byte stands */
        n = late_decision(text, sizeof text, "(c) \xA9 2024");
        free(last_field(text, n, &opt, &cs, &err));
        cr_assert(strstr(buf_str(&err), "late.csv:5835:5: the file is not UTF-8, and it is unclear "
                                        "whether it is Windows-1250 or ISO-8859-2"),
                  "%s", buf_str(&err));
        buf_free(&err);
    }
}

/* The first 64 KiB are ASCII, so the start says nothing about the
 * encoding; the first non-ASCII byte decides. */
static cx_result ascii_then(const char *tail, const csv_options_t *opt, buf_t *last,
                            charset_t *cs, buf_t *err)
{
    static char text[80000];
    size_t n = (size_t)snprintf(text, sizeof text, "id,text\n");
    int id = 0;
    while (n < 70000)
        n += (size_t)snprintf(text + n, sizeof text - n, "%d,plain text\n", ++id);
    n += (size_t)snprintf(text + n, sizeof text - n, "%d,%s\n", ++id, tail);
    csv_reader_t *r;
    csv_record_t rec;
    cx_result rc = csv_reader_open_memory(&r, text, n, "a.csv", opt);
    while (!rc && (rc = csv_next_record(r, &rec)) == CX_OK && rec.count) {
        buf_reset(last);
        buf_puts(last, rec.fields[1].data);
    }
    if (rc)
        buf_puts(err, csv_reader_error(r));
    *cs = csv_encoding(r);
    csv_reader_close(r);
    return rc;
}

Test(csv, ascii_start_then_8bit)
{
    static const size_t sizes[] = {0, 5, 333};
    for (size_t k = 0; k < 3; k++) {
        csv_options_t opt = {.buffer_size = sizes[k]};
        buf_t last, err;
        buf_init(&last, 0);
        buf_init(&err, 0);
        charset_t cs;
        cr_assert_eq(ascii_then("\x8Cwietny \x9Clad", &opt, &last, &cs, &err), CX_OK, "%s",
                     buf_str(&err));
        cr_assert_str_eq(buf_str(&last), "Świetny ślad");
        cr_assert_eq(cs, CHARSET_WINDOWS_1250);
        cr_assert_eq(ascii_then("\xA6wietny \xB6lad", &opt, &last, &cs, &err), CX_OK, "%s",
                     buf_str(&err));
        cr_assert_str_eq(buf_str(&last), "Świetny ślad");
        cr_assert_eq(cs, CHARSET_ISO_8859_2);
        cr_assert_eq(ascii_then("\xBF\xF3\xB3w", &opt, &last, &cs, &err), CX_OK);
        cr_assert_str_eq(buf_str(&last), "żółw");
        cr_assert_eq(cs, CHARSET_8BIT_UNDECIDED);
        /* UTF-8 with one damaged letter is not taken for 8-bit text */
        cr_assert_eq(ascii_then("\xC5 łódź łąka żółw", &opt, &last, &cs, &err), CX_ERR_INVALID);
        cr_assert(strstr(buf_str(&err), "a.csv:4446:6: byte 0xC5 is not valid UTF-8, although "
                                        "the text around it is UTF-8"),
                  "%s", buf_str(&err));
        buf_reset(&err);
        /* named as UTF-8: no second guess */
        csv_options_t utf8 = opt;
        utf8.encoding = CHARSET_UTF8;
        cr_assert_eq(ascii_then("\x8Cwietny", &utf8, &last, &cs, &err), CX_ERR_INVALID);
        cr_assert(strstr(buf_str(&err), "a.csv:4446:6: byte 0x8C is not valid UTF-8"), "%s",
                  buf_str(&err));
        buf_free(&last);
        buf_free(&err);
    }
}

Test(csv, field_positions_in_characters)
{
    const char text[] = "zażółć,gęś,\"x\ny\",z\n";
    csv_reader_t *r;
    csv_record_t rec;
    cr_assert_eq(csv_reader_open_memory(&r, text, sizeof text - 1, "p.csv", NULL), CX_OK);
    cr_assert_eq(csv_next_record(r, &rec), CX_OK);
    cr_assert_eq(rec.count, 4);
    uint64_t line, col;
    csv_field_position(r, 0, &line, &col);
    cr_assert(line == 1 && col == 1);
    csv_field_position(r, 1, &line, &col);
    cr_assert(line == 1 && col == 8, "column %d", (int)col);
    csv_field_position(r, 2, &line, &col);
    cr_assert(line == 1 && col == 12, "column %d", (int)col);
    csv_field_position(r, 3, &line, &col);
    cr_assert(line == 2 && col == 4, "line %d column %d", (int)line, (int)col);
    buf_t where;
    buf_init(&where, 0);
    csv_field_where(r, 1, &where);
    cr_assert_str_eq(buf_str(&where), "p.csv:1:8: ");
    buf_free(&where);
    csv_reader_close(r);
}

Test(csv, errors_are_sticky_and_named)
{
    const char text[] = "a\n\"open\n";
    csv_reader_t *r;
    csv_record_t rec;
    cr_assert_eq(csv_reader_open_memory(&r, text, sizeof text - 1, "bad\nname", NULL), CX_OK);
    cr_assert_eq(csv_next_record(r, &rec), CX_OK);
    cr_assert_eq(csv_next_record(r, &rec), CX_ERR_INVALID);
    cr_assert_eq(rec.count, 0);
    cr_assert_eq(csv_next_record(r, &rec), CX_ERR_INVALID, "the error sticks");
    cr_assert_str_eq(csv_reader_error(r),
                     "bad?name:2:1: this quoted field is never closed: the closing quote is missing");
    uint64_t line, col;
    csv_reader_error_position(r, &line, &col);
    cr_assert(line == 2 && col == 1);
    cr_assert_str_eq(csv_reader_error_message(r),
                     "this quoted field is never closed: the closing quote is missing");
    csv_reader_close(r);
}

Test(csv, file_reader)
{
    FILE *f = tmpfile();
    cr_assert(f);
    fputs("x;y\r\n1;\"a\r\nb\"\r\n", f);
    rewind(f);
    csv_reader_t *r;
    csv_record_t rec;
    csv_options_t opt = {.header = true};
    cr_assert_eq(csv_reader_open_file(&r, f, "f.csv", &opt), CX_OK);
    cr_assert_eq(csv_next_record(r, &rec), CX_OK);
    cr_assert_eq(rec.count, 2);
    cr_assert_eq(rec.line, 2);
    cr_assert_eq(rec.number, 1);
    cr_assert_str_eq(rec.fields[1].data, "a\r\nb");
    cr_assert(rec.fields[1].quoted);
    cr_assert_not(rec.fields[0].quoted);
    cr_assert_eq(csv_next_record(r, &rec), CX_OK);
    cr_assert_eq(rec.count, 0);
    csv_reader_close(r);
    fclose(f);
}

/* ---- property test: generated records, written correctly, read back -- */

static const char *const pieces[] = {"a", "b", "Zażółć", ",", ";", "\t", "\"", "\"\"", "\n",
                                     "\r\n", "\r", " ", "x y", "ą", "€", "1,5", ""};

Test(csv, generated_files_read_back)
{
    rng_t rng;
    rng_seed(&rng, 20240531);
    for (int round = 0; round < 300; round++) {
        int nrec = (int)rng_range(&rng, 1, 12), nf = (int)rng_range(&rng, 1, 6);
        char delim = ",;\t"[rng_range(&rng, 0, 2)];
        const char *eol = rng_range(&rng, 0, 1) ? "\r\n" : "\n";
        buf_t file, want;
        buf_init(&file, 0);
        buf_init(&want, 0);
        int line = 1;
        for (int r = 0; r < nrec; r++) {
            buf_printf(&want, "%d:", line);
            for (int f = 0; f < nf; f++) {
                buf_t field;
                buf_init(&field, 0);
                int np = (int)rng_range(&rng, 0, 4);
                for (int p = 0; p < np; p++)
                    buf_puts(&field, pieces[rng_range(&rng, 0, sizeof pieces / sizeof *pieces - 1)]);
                /* the first field of a one-field record must not be empty:
                 * an empty line is no record */
                if (nf == 1 && field.len == 0)
                    buf_puts(&field, "e");
                bool quote = rng_range(&rng, 0, 3) == 0 || strpbrk(buf_str(&field), ",;\t\"\r\n");
                if (f)
                    buf_putc(&file, delim);
                if (quote)
                    buf_putc(&file, '"');
                for (size_t i = 0; i < field.len; i++) {
                    char c = field.data[i];
                    if (c == '"')
                        buf_putc(&file, '"');
                    buf_putc(&file, c);
                    if (c == '\n' && !(i > 0 && field.data[i - 1] == '\r'))
                        line++;
                    if (c == '\r')
                        line++;
                }
                if (quote)
                    buf_putc(&file, '"');
                if (f)
                    buf_putc(&want, '|');
                for (size_t i = 0; i < field.len; i++) {
                    char c = field.data[i];
                    if (c == '\n')
                        buf_puts(&want, "\\n");
                    else if (c == '\r')
                        buf_puts(&want, "\\r");
                    else if (c == '|' || c == '\\')
                        buf_printf(&want, "\\%c", c);
                    else
                        buf_putc(&want, c);
                }
                buf_free(&field);
            }
            buf_putc(&want, '\n');
            if (r < nrec - 1 || rng_range(&rng, 0, 1)) {
                buf_puts(&file, eol);
                line++;
            }
        }
        csv_options_t opt = {.delimiter = delim};
        expect_csv(file.data, file.len, &opt, buf_str(&want), NULL);
        buf_free(&file);
        buf_free(&want);
    }
}

/* ---- the real files --------------------------------------------------- */

static bool data_path(const char *rel, buf_t *path)
{
    const char *dir = getenv("CXLOOP_SHARED_DATA");
    buf_printf(path, "%s/%s", dir && *dir ? dir : "../shared/data", rel);
    FILE *f = fopen(buf_str(path), "rb");
    if (f) {
        fclose(f);
        return true;
    }
    char where[1024];
    snprintf(where, sizeof where, "%s", buf_str(path));
    buf_free(path); /* the calls below do not return */
    if (getenv("CXLOOP_CI"))
        cr_assert_fail("%s is missing (CXLOOP_SHARED_DATA)", where);
    cr_skip_test("%s is not here; set CXLOOP_SHARED_DATA to the data directory\n", where);
    return false;
}

typedef struct expect_file {
    const char *rel;
    bool no_quoting;
    size_t records, fields;
    size_t check_record; /* 1-based; 0 for none */
    size_t check_field;
    const char *prefix;  /* of that field */
} expect_file_t;

static void read_real(const expect_file_t *e)
{
    buf_t path;
    buf_init(&path, 0);
    if (!data_path(e->rel, &path)) {
        buf_free(&path);
        return;
    }
    FILE *f = fopen(buf_str(&path), "rb");
    cr_assert(f);
    csv_options_t opt = {.header = true, .check_field_count = true, .no_quoting = e->no_quoting};
    csv_reader_t *r;
    cx_result rc = csv_reader_open_file(&r, f, e->rel, &opt);
    cr_assert_eq(rc, CX_OK, "%s", r ? csv_reader_error(r) : "no memory");
    cr_assert_eq(csv_header(r)->count, e->fields);
    cr_assert_eq(csv_encoding(r), CHARSET_UTF8);
    csv_record_t rec;
    size_t n = 0;
    bool checked = e->check_record == 0;
    while ((rc = csv_next_record(r, &rec)) == CX_OK && rec.count) {
        n++;
        cr_assert_eq(rec.count, e->fields);
        if (rec.number == e->check_record) {
            const char *v = rec.fields[e->check_field].data;
            cr_assert(strncmp(v, e->prefix, strlen(e->prefix)) == 0, "%s record %zu: %s", e->rel, n,
                      v);
            checked = true;
        }
    }
    cr_assert_eq(rc, CX_OK, "%s", csv_reader_error(r));
    cr_assert_eq(n, e->records, "%s: %zu records", e->rel, n);
    cr_assert(checked);
    csv_reader_close(r);
    fclose(f);
    buf_free(&path);
}

Test(csv_real, nps_verbatims)
{
    read_real(&(expect_file_t){"nps_verbatims/nps_verbatims.csv", false, 2385, 6, 1, 0,
                               "11/04/2018 20:09"});
}

Test(csv_real, telco_churn)
{
    read_real(&(expect_file_t){"telco_churn/Telco-Customer-Churn.csv", false, 7043, 21, 1, 0,
                               "7590-VHVEG"});
}

Test(csv_real, cfpb_complaints)
{
    read_real(&(expect_file_t){"cfpb_complaints/complaints_sample.csv", false, 6623, 18, 1, 0,
                               "2020/3/18"});
}

Test(csv_real, twitter_airline_sentiment)
{
    read_real(&(expect_file_t){"twitter_airline_sentiment/Tweets.csv", false, 14640, 15, 1, 0,
                               "570306133677760513"});
}

Test(csv_real, womens_clothing_reviews)
{
    read_real(&(expect_file_t){"womens_clothing_reviews/womens_clothing_ecommerce_reviews.csv",
                               false, 23486, 11, 23486, 0, "23485"});
}

Test(csv_real, polemo2_with_quoting_off)
{
    read_real(&(expect_file_t){"polemo2/polemo2.0-in_train.tsv", true, 5783, 2, 1, 0,
                               "Super lekarz i człowiek przez duże C . Bardzo duże doświadczenie"});
}

Test(csv_real, polemo2_with_quoting_on_is_refused)
{
    buf_t path;
    buf_init(&path, 0);
    if (!data_path("polemo2/polemo2.0-in_train.tsv", &path))
        return;
    FILE *f = fopen(buf_str(&path), "rb");
    csv_options_t opt = {.header = true, .check_field_count = true};
    csv_reader_t *r;
    csv_record_t rec;
    cx_result rc = csv_reader_open_file(&r, f, "in_train.tsv", &opt);
    while (!rc && (rc = csv_next_record(r, &rec)) == CX_OK && rec.count)
        ;
    cr_assert_eq(rc, CX_ERR_INVALID, "stray quotes must not be silently merged");
    cr_assert(strstr(csv_reader_error(r), "import with quoting off"), "%s", csv_reader_error(r));
    csv_reader_close(r);
    fclose(f);
    buf_free(&path);
}

Test(csv_real, allegro_reviews)
{
    read_real(&(expect_file_t){"allegro_reviews/allegro_reviews_train.tsv", false, 9577, 2, 1, 0,
                               "Jako do ceny dobra. Przyssawka mogłaby być lepsza."});
}

Test(csv_real, allegro_rating_and_polish_text)
{
    buf_t path;
    buf_init(&path, 0);
    if (!data_path("allegro_reviews/allegro_reviews_dev.tsv", &path))
        return;
    FILE *f = fopen(buf_str(&path), "rb");
    csv_options_t opt = {.header = true, .check_field_count = true};
    csv_reader_t *r;
    csv_record_t rec;
    cr_assert_eq(csv_reader_open_file(&r, f, "dev.tsv", &opt), CX_OK);
    cr_assert_eq(csv_delimiter(r), '\t');
    size_t n = 0;
    while (csv_next_record(r, &rec) == CX_OK && rec.count) {
        long long stars;
        buf_t msg;
        buf_init(&msg, 0);
        cr_assert_eq(parse_int_range(rec.fields[1].data, rec.fields[1].len, 1, 5, "rating",
                                     &stars, &msg),
                     CX_OK, "%s", buf_str(&msg));
        buf_free(&msg);
        if (++n == 1) {
            cr_assert(strstr(rec.fields[0].data, "Znośna jakość dźwięku."));
            cr_assert_eq(stars, 3);
        }
    }
    cr_assert_eq(n, 1002);
    csv_reader_close(r);
    fclose(f);
    buf_free(&path);
}

Test(csv_real, cfpb_dates_parse)
{
    buf_t path;
    buf_init(&path, 0);
    if (!data_path("cfpb_complaints/complaints_sample.csv", &path))
        return;
    FILE *f = fopen(buf_str(&path), "rb");
    csv_options_t opt = {.header = true};
    csv_reader_t *r;
    csv_record_t rec;
    cr_assert_eq(csv_reader_open_file(&r, f, "cfpb.csv", &opt), CX_OK);
    long col = csv_header_find(r, "Date received");
    cr_assert_eq(col, 0);
    /* detect the format on the first 200 values, then parse them all */
    char *vals[200];
    size_t lens[200], nv = 0;
    parse_zone_t *warsaw;
    cr_assert_eq(tz_zone_load("Europe/Warsaw", &warsaw, NULL), CX_OK);
    while (nv < 200 && csv_next_record(r, &rec) == CX_OK && rec.count) {
        vals[nv] = strdup(rec.fields[col].data);
        lens[nv] = rec.fields[col].len;
        nv++;
    }
    parse_date_detection_t det;
    cr_assert_eq(parse_date_detect((const char *const *)vals, lens, nv, &det, NULL), CX_OK);
    cr_assert_eq(det.format.style, PARSE_DATE_YMD_SLASH);
    int64_t t;
    cr_assert_eq(parse_datetime(&det.format, warsaw, vals[0], lens[0], &t, NULL), CX_OK);
    cr_assert_eq(t, 1584486000, "2020/3/18 is midnight in Warsaw, 23:00 UTC the day before");
    parse_date_format_t explicit_fmt = {PARSE_DATE_PATTERN, "%Y/%m/%d"};
    int64_t t2;
    cr_assert_eq(parse_datetime(&explicit_fmt, warsaw, vals[0], lens[0], &t2, NULL), CX_OK);
    cr_assert_eq(t, t2);
    for (size_t i = 0; i < nv; i++)
        free(vals[i]);
    parse_zone_free(warsaw);
    csv_reader_close(r);
    fclose(f);
    buf_free(&path);
}
