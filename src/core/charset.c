/*
 * charset.c — encoding detection and conversion to UTF-8 (see charset.h).
 *
 * The two code page tables below were written from the published code
 * charts (Microsoft's cp1250 table and ISO/IEC 8859-2) for the upper half;
 * the lower half of both is ASCII. The charts agree on 0xC0-0xFF, differ on
 * fifteen positions of 0xA0-0xBF, and only Windows-1250 has characters in
 * 0x80-0x9F (where ISO-8859-2 has C1 control codes, which never occur in
 * real text). Detection leans on exactly those differences.
 *
 * Never allocates except through a caller's buf_t; never guesses when the
 * evidence is thin — an unclear file is refused with a message naming both
 * code pages, because a wrong guess garbles every Polish letter silently.
 */
#include "core/charset.h"

#include <string.h>
#include <strings.h>

/* Unicode code points of bytes 0x80-0xFF; 0 marks "no character". */
static const uint16_t cp1250_high[128] = {
    /* 0x80 */ 0x20AC, 0, 0x201A, 0, 0x201E, 0x2026, 0x2020, 0x2021,
    /* 0x88 */ 0, 0x2030, 0x0160, 0x2039, 0x015A, 0x0164, 0x017D, 0x0179,
    /* 0x90 */ 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    /* 0x98 */ 0, 0x2122, 0x0161, 0x203A, 0x015B, 0x0165, 0x017E, 0x017A,
    /* 0xA0 */ 0x00A0, 0x02C7, 0x02D8, 0x0141, 0x00A4, 0x0104, 0x00A6, 0x00A7,
    /* 0xA8 */ 0x00A8, 0x00A9, 0x015E, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x017B,
    /* 0xB0 */ 0x00B0, 0x00B1, 0x02DB, 0x0142, 0x00B4, 0x00B5, 0x00B6, 0x00B7,
    /* 0xB8 */ 0x00B8, 0x0105, 0x015F, 0x00BB, 0x013D, 0x02DD, 0x013E, 0x017C,
    /* 0xC0 */ 0x0154, 0x00C1, 0x00C2, 0x0102, 0x00C4, 0x0139, 0x0106, 0x00C7,
    /* 0xC8 */ 0x010C, 0x00C9, 0x0118, 0x00CB, 0x011A, 0x00CD, 0x00CE, 0x010E,
    /* 0xD0 */ 0x0110, 0x0143, 0x0147, 0x00D3, 0x00D4, 0x0150, 0x00D6, 0x00D7,
    /* 0xD8 */ 0x0158, 0x016E, 0x00DA, 0x0170, 0x00DC, 0x00DD, 0x0162, 0x00DF,
    /* 0xE0 */ 0x0155, 0x00E1, 0x00E2, 0x0103, 0x00E4, 0x013A, 0x0107, 0x00E7,
    /* 0xE8 */ 0x010D, 0x00E9, 0x0119, 0x00EB, 0x011B, 0x00ED, 0x00EE, 0x010F,
    /* 0xF0 */ 0x0111, 0x0144, 0x0148, 0x00F3, 0x00F4, 0x0151, 0x00F6, 0x00F7,
    /* 0xF8 */ 0x0159, 0x016F, 0x00FA, 0x0171, 0x00FC, 0x00FD, 0x0163, 0x02D9,
};

static const uint16_t iso8859_2_high[128] = {
    /* 0x80-0x9F: C1 control codes, never characters of a text file */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0xA0 */ 0x00A0, 0x0104, 0x02D8, 0x0141, 0x00A4, 0x013D, 0x015A, 0x00A7,
    /* 0xA8 */ 0x00A8, 0x0160, 0x015E, 0x0164, 0x0179, 0x00AD, 0x017D, 0x017B,
    /* 0xB0 */ 0x00B0, 0x0105, 0x02DB, 0x0142, 0x00B4, 0x013E, 0x015B, 0x02C7,
    /* 0xB8 */ 0x00B8, 0x0161, 0x015F, 0x0165, 0x017A, 0x02DD, 0x017E, 0x017C,
    /* 0xC0 */ 0x0154, 0x00C1, 0x00C2, 0x0102, 0x00C4, 0x0139, 0x0106, 0x00C7,
    /* 0xC8 */ 0x010C, 0x00C9, 0x0118, 0x00CB, 0x011A, 0x00CD, 0x00CE, 0x010E,
    /* 0xD0 */ 0x0110, 0x0143, 0x0147, 0x00D3, 0x00D4, 0x0150, 0x00D6, 0x00D7,
    /* 0xD8 */ 0x0158, 0x016E, 0x00DA, 0x0170, 0x00DC, 0x00DD, 0x0162, 0x00DF,
    /* 0xE0 */ 0x0155, 0x00E1, 0x00E2, 0x0103, 0x00E4, 0x013A, 0x0107, 0x00E7,
    /* 0xE8 */ 0x010D, 0x00E9, 0x0119, 0x00EB, 0x011B, 0x00ED, 0x00EE, 0x010F,
    /* 0xF0 */ 0x0111, 0x0144, 0x0148, 0x00F3, 0x00F4, 0x0151, 0x00F6, 0x00F7,
    /* 0xF8 */ 0x0159, 0x016F, 0x00FA, 0x0171, 0x00FC, 0x00FD, 0x0163, 0x02D9,
};

const char *charset_name(charset_t cs)
{
    switch (cs) {
    case CHARSET_AUTO: return "auto";
    case CHARSET_UTF8: return "UTF-8";
    case CHARSET_WINDOWS_1250: return "Windows-1250";
    case CHARSET_ISO_8859_2: return "ISO-8859-2";
    case CHARSET_8BIT_UNDECIDED: return "Windows-1250 or ISO-8859-2";
    }
    return "unknown";
}

charset_t charset_from_name(const char *name, bool *ok)
{
    static const struct {
        const char *name;
        charset_t cs;
    } names[] = {
        {"auto", CHARSET_AUTO},
        {"utf-8", CHARSET_UTF8},
        {"utf8", CHARSET_UTF8},
        {"windows-1250", CHARSET_WINDOWS_1250},
        {"windows1250", CHARSET_WINDOWS_1250},
        {"cp1250", CHARSET_WINDOWS_1250},
        {"cp-1250", CHARSET_WINDOWS_1250},
        {"win1250", CHARSET_WINDOWS_1250},
        {"win-1250", CHARSET_WINDOWS_1250},
        {"iso-8859-2", CHARSET_ISO_8859_2},
        {"iso8859-2", CHARSET_ISO_8859_2},
        {"iso_8859-2", CHARSET_ISO_8859_2},
        {"iso88592", CHARSET_ISO_8859_2},
        {"latin2", CHARSET_ISO_8859_2},
        {"latin-2", CHARSET_ISO_8859_2},
    };
    bool found = false;
    charset_t cs = CHARSET_AUTO;
    for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++) {
        if (strcasecmp(name, names[i].name) == 0) {
            found = true;
            cs = names[i].cs;
            break;
        }
    }
    if (ok)
        *ok = found;
    return cs;
}

/* ---- UTF-8 ---------------------------------------------------------- */

/* Length of the sequence a lead byte announces; 0 for bytes that can never
 * start one (continuations, C0/C1 overlong leads, F5-FF). */
static size_t utf8_sequence_length(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return 2;
    if (c >= 0xE0 && c <= 0xEF)
        return 3;
    if (c >= 0xF0 && c <= 0xF4)
        return 4;
    return 0;
}

/* Checks the bytes after a lead byte; `have` of the `need` bytes exist.
 * Returns true if those present are a valid (so far) continuation. The
 * second byte's range carries the overlong, surrogate and U+10FFFF rules. */
static bool utf8_tail_ok(const unsigned char *s, size_t have, size_t need)
{
    if (have >= 2) {
        unsigned char lo = 0x80, hi = 0xBF;
        switch (s[0]) {
        case 0xE0: lo = 0xA0; break;
        case 0xED: hi = 0x9F; break;
        case 0xF0: lo = 0x90; break;
        case 0xF4: hi = 0x8F; break;
        default: break;
        }
        if (s[1] < lo || s[1] > hi)
            return false;
    }
    for (size_t i = 2; i < have && i < need; i++)
        if ((s[i] & 0xC0) != 0x80)
            return false;
    return true;
}

size_t charset_validate_utf8(const void *data, size_t n, bool *truncated)
{
    const unsigned char *s = data;
    size_t i = 0;
    if (truncated)
        *truncated = false;
    while (i < n) {
        /* ASCII runs dominate real files: test eight bytes at a time */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        /* two-byte letters (Polish, most of Europe) without the general path */
        if (c >= 0xC2 && c <= 0xDF && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
            i += 2;
            continue;
        }
        size_t need = utf8_sequence_length(c);
        if (need == 0)
            return i;
        size_t have = n - i < need ? n - i : need;
        if (!utf8_tail_ok(s + i, have, need))
            return i;
        if (have < need) {
            if (truncated)
                *truncated = true;
            return i;
        }
        i += need;
    }
    return n;
}

/* ---- 8-bit code pages ----------------------------------------------- */

static const uint16_t *charset_table(charset_t cs)
{
    return cs == CHARSET_ISO_8859_2 ? iso8859_2_high : cp1250_high;
}

static size_t utf8_put(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

/* Appends "0xAB": buf_printf has no %X. */
static void put_byte(buf_t *msg, unsigned char c)
{
    static const char hex[] = "0123456789ABCDEF";
    char t[4] = {'0', 'x', hex[c >> 4], hex[c & 15]};
    buf_append(msg, t, 4);
}

/* Whether byte b (>= 0x80) reads differently in the two code pages. */
static bool charset_differs(unsigned char b)
{
    return cp1250_high[b - 0x80] != iso8859_2_high[b - 0x80];
}

bool charset_byte_defined(charset_t cs, unsigned char b)
{
    if (b < 0x80)
        return true;
    switch (cs) {
    case CHARSET_WINDOWS_1250: return cp1250_high[b - 0x80] != 0;
    case CHARSET_ISO_8859_2: return iso8859_2_high[b - 0x80] != 0;
    case CHARSET_8BIT_UNDECIDED:
        return cp1250_high[b - 0x80] != 0 && iso8859_2_high[b - 0x80] != 0;
    default: return false;
    }
}

size_t charset_decode_8bit(charset_t cs, const unsigned char *in, size_t n,
                           char *out, size_t *consumed)
{
    const uint16_t *tab = charset_table(cs);
    bool undecided = cs == CHARSET_8BIT_UNDECIDED;
    size_t o = 0, i = 0;
    for (; i < n; i++) {
        unsigned char c = in[i];
        if (c < 0x80) {
            out[o++] = (char)c;
            continue;
        }
        if (undecided && charset_differs(c))
            break;
        uint16_t cp = tab[c - 0x80];
        if (cp == 0)
            break;
        o += utf8_put(out + o, cp);
    }
    *consumed = i;
    return o;
}

cx_result charset_to_utf8(charset_t cs, const void *in, size_t n, buf_t *out,
                          buf_t *msg, size_t *bad_offset)
{
    const unsigned char *s = in;
    if (cs == CHARSET_AUTO) {
        charset_guess_t g;
        cx_result rc = charset_detect(in, n, true, &g, msg);
        if (rc) {
            if (bad_offset)
                *bad_offset = g.offset;
            return rc;
        }
        cs = g.charset;
    }
    if (cs == CHARSET_UTF8) {
        size_t skip = n >= 3 && memcmp(s, CHARSET_UTF8_BOM, 3) == 0 ? 3 : 0;
        size_t ok = skip + charset_validate_utf8(s + skip, n - skip, NULL);
        if (ok < n) {
            if (msg) {
                buf_puts(msg, "byte ");
                put_byte(msg, s[ok]);
                buf_puts(msg, " is not valid UTF-8");
            }
            if (bad_offset)
                *bad_offset = ok;
            return CX_ERR_INVALID;
        }
        buf_append(out, s + skip, n - skip);
        return buf_result(out);
    }
    char chunk[3 * 1024];
    size_t i = 0;
    while (i < n) {
        size_t take = n - i < 1024 ? n - i : 1024, used;
        size_t len = charset_decode_8bit(cs, s + i, take, chunk, &used);
        buf_append(out, chunk, len);
        i += used;
        if (used < take) {
            if (msg) {
                buf_puts(msg, "byte ");
                put_byte(msg, s[i]);
                buf_printf(msg, " is not a character in %s", charset_name(cs));
            }
            if (bad_offset)
                *bad_offset = i;
            return CX_ERR_INVALID;
        }
    }
    return buf_result(out);
}

/* ---- detection ------------------------------------------------------ */

static bool cp_is_letter(uint32_t cp)
{
    if (cp >= 0x00C0 && cp <= 0x00FF)
        return cp != 0x00D7 && cp != 0x00F7;
    return cp >= 0x0100 && cp <= 0x017F;
}

static bool cp_is_polish(uint32_t cp)
{
    static const uint16_t polish[] = {
        0x0104, 0x0105, 0x0106, 0x0107, 0x0118, 0x0119, 0x0141, 0x0142, 0x0143,
        0x0144, 0x00D3, 0x00F3, 0x015A, 0x015B, 0x0179, 0x017A, 0x017B, 0x017C,
    };
    for (size_t i = 0; i < sizeof polish / sizeof polish[0]; i++)
        if (polish[i] == cp)
            return true;
    return false;
}

static bool byte_is_wordish(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0x80 && c != 0xA0);
}

/* How plausible it is that byte s[i] means `cp` in running text. */
static int charset_plausibility(const unsigned char *s, size_t n, size_t i, uint32_t cp)
{
    bool in_word = (i > 0 && byte_is_wordish(s[i - 1])) ||
                   (i + 1 < n && byte_is_wordish(s[i + 1]));
    if (cp_is_letter(cp))
        return cp_is_polish(cp) ? 3 : 1;
    return in_word ? -4 : 0;
}

static void quote_codepoint(buf_t *msg, uint32_t cp)
{
    char tmp[4];
    size_t len = utf8_put(tmp, cp);
    buf_putc(msg, '\'');
    buf_append(msg, tmp, len);
    buf_putc(msg, '\'');
}

/* Counts valid multi-byte UTF-8 sequences and invalid positions, to tell
 * damaged UTF-8 (refuse) from 8-bit text (detect further). */
static void utf8_census(const unsigned char *s, size_t n, bool at_end, size_t *valid_multi,
                        size_t *invalid)
{
    size_t i = 0;
    *valid_multi = *invalid = 0;
    while (i < n) {
        size_t ok = charset_validate_utf8(s + i, n - i, NULL);
        for (size_t j = i; j < i + ok; j++)
            if (s[j] >= 0xC0)
                (*valid_multi)++;
        i += ok;
        if (i >= n)
            break;
        size_t need = utf8_sequence_length(s[i]);
        if (!at_end && need > n - i && utf8_tail_ok(s + i, n - i, need))
            break; /* cut by the end of the sample */
        (*invalid)++;
        i++;
    }
}

cx_result charset_detect(const void *sample, size_t n, bool at_end,
                         charset_guess_t *guess, buf_t *msg)
{
    const unsigned char *s = sample;
    guess->charset = CHARSET_AUTO;
    guess->bom = false;
    guess->offset = 0;
    guess->offset_utf8 = true;

    if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) {
        if (msg)
            buf_puts(msg, "the file is UTF-16 (it starts with a UTF-16 byte order mark); "
                          "save it as UTF-8 and import it again");
        return CX_ERR_INVALID;
    }
    const unsigned char *nul = memchr(s, 0, n);
    if (nul) {
        guess->offset = (size_t)(nul - s);
        if (msg)
            buf_puts(msg, "the file contains NUL bytes, so it is not a text file in "
                          "UTF-8, Windows-1250 or ISO-8859-2 (UTF-16 or binary?); "
                          "save it as UTF-8 and import it again");
        return CX_ERR_INVALID;
    }
    size_t start = 0;
    if (n >= 3 && memcmp(s, CHARSET_UTF8_BOM, 3) == 0) {
        guess->bom = true;
        start = 3;
    }
    bool cut = false;
    size_t ok = start + charset_validate_utf8(s + start, n - start, &cut);
    if (ok == n || (cut && !at_end)) {
        guess->charset = CHARSET_UTF8;
        return CX_OK;
    }
    if (guess->bom) {
        guess->offset = ok;
        if (msg) {
            buf_puts(msg, "the file starts with a UTF-8 byte order mark, but byte ");
            put_byte(msg, s[ok]);
            buf_puts(msg, " is not valid UTF-8");
        }
        return CX_ERR_INVALID;
    }
    size_t valid_multi, invalid;
    utf8_census(s, n, at_end, &valid_multi, &invalid);
    if (valid_multi > 0 && valid_multi >= invalid) {
        guess->offset = ok;
        if (msg) {
            buf_puts(msg, "byte ");
            put_byte(msg, s[ok]);
            buf_puts(msg, " is not valid UTF-8, although the text around it is "
                          "UTF-8: the file is damaged or mixes encodings");
        }
        return CX_ERR_INVALID;
    }

    return charset_detect_8bit(s, n, guess, msg);
}

cx_result charset_detect_8bit(const void *sample, size_t n, charset_guess_t *guess,
                              buf_t *msg)
{
    const unsigned char *s = sample;
    guess->charset = CHARSET_AUTO;
    guess->offset = 0;
    guess->offset_utf8 = false;
    /* A byte undefined in Windows-1250 is a C1 control in ISO-8859-2
     * too: neither reading is text. */
    int score_cp = 0, score_iso = 0;
    bool iso_possible = true;
    size_t first_differing = n;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c < 0x80)
            continue;
        uint16_t cp = cp1250_high[c - 0x80], iso = iso8859_2_high[c - 0x80];
        if (cp == 0) {
            guess->offset = i;
            if (msg) {
                buf_puts(msg, "byte ");
                put_byte(msg, c);
                buf_puts(msg, " is neither valid UTF-8 nor a character in "
                              "Windows-1250 or ISO-8859-2; is this a text file?");
            }
            return CX_ERR_INVALID;
        }
        if (cp == iso)
            continue;
        if (first_differing == n)
            first_differing = i;
        if (iso == 0) {
            iso_possible = false;
            continue;
        }
        score_cp += charset_plausibility(s, n, i, cp);
        score_iso += charset_plausibility(s, n, i, iso);
    }
    if (first_differing == n) {
        guess->charset = CHARSET_8BIT_UNDECIDED;
        return CX_OK;
    }
    if (!iso_possible || score_cp - score_iso >= 2) {
        guess->charset = CHARSET_WINDOWS_1250;
        return CX_OK;
    }
    if (score_iso - score_cp >= 2) {
        guess->charset = CHARSET_ISO_8859_2;
        return CX_OK;
    }
    guess->offset = first_differing;
    if (msg) {
        unsigned char c = s[first_differing];
        buf_puts(msg, "the file is not UTF-8, and it is unclear whether it is "
                      "Windows-1250 or ISO-8859-2: byte ");
        put_byte(msg, c);
        buf_puts(msg, " reads as ");
        quote_codepoint(msg, cp1250_high[c - 0x80]);
        buf_puts(msg, " in Windows-1250 but ");
        quote_codepoint(msg, iso8859_2_high[c - 0x80]);
        buf_puts(msg, " in ISO-8859-2; name the encoding with --encoding windows-1250 "
                      "or --encoding iso-8859-2");
    }
    return CX_ERR_INVALID;
}

void charset_locate(const void *text, size_t offset, bool utf8, uint64_t *line,
                    uint64_t *column)
{
    const unsigned char *s = text;
    uint64_t ln = 1, col = 1;
    bool after_cr = false;
    for (size_t i = 0; i < offset; i++) {
        unsigned char c = s[i];
        if (c == '\n') {
            if (!after_cr)
                ln++;
            col = 1;
        } else if (c == '\r') {
            ln++;
            col = 1;
        } else if (!utf8 || (c & 0xC0) != 0x80) {
            col++;
        }
        after_cr = c == '\r';
    }
    *line = ln;
    *column = col;
}
