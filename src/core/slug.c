/*
 * slug.c — URL-safe names from free text (see slug.h).
 *
 * Relies on nothing but the UTF-8 decoding written here. Must never emit
 * a byte outside [a-z0-9-], whatever the input: the slug goes into URLs
 * and file names unescaped.
 */
#include "core/slug.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Letters worth transliterating: Polish first (our users), Romanian (both
 * comma and cedilla forms, since old keyboards type the latter), then the
 * Latin-1 letters that turn up in names of products and places. */
typedef struct translit {
    uint32_t cp;
    const char *ascii;
} translit_t;

static const translit_t translit_table[] = {
    {0x0104, "a"}, {0x0105, "a"}, {0x0106, "c"}, {0x0107, "c"}, {0x0118, "e"}, {0x0119, "e"},
    {0x0141, "l"}, {0x0142, "l"}, {0x0143, "n"}, {0x0144, "n"}, {0x00D3, "o"}, {0x00F3, "o"},
    {0x015A, "s"}, {0x015B, "s"}, {0x0179, "z"}, {0x017A, "z"}, {0x017B, "z"}, {0x017C, "z"},
    {0x0102, "a"}, {0x0103, "a"}, {0x00C2, "a"}, {0x00E2, "a"}, {0x00CE, "i"}, {0x00EE, "i"},
    {0x0218, "s"}, {0x0219, "s"}, {0x021A, "t"}, {0x021B, "t"}, {0x015E, "s"}, {0x015F, "s"},
    {0x0162, "t"}, {0x0163, "t"}, {0x00C0, "a"}, {0x00C1, "a"}, {0x00C3, "a"}, {0x00C4, "a"},
    {0x00C5, "a"}, {0x00E0, "a"}, {0x00E1, "a"}, {0x00E3, "a"}, {0x00E4, "a"}, {0x00E5, "a"},
    {0x00C6, "ae"}, {0x00E6, "ae"}, {0x00C7, "c"}, {0x00E7, "c"}, {0x00C8, "e"}, {0x00C9, "e"},
    {0x00CA, "e"}, {0x00CB, "e"}, {0x00E8, "e"}, {0x00E9, "e"}, {0x00EA, "e"}, {0x00EB, "e"},
    {0x00CC, "i"}, {0x00CD, "i"}, {0x00CF, "i"}, {0x00EC, "i"}, {0x00ED, "i"}, {0x00EF, "i"},
    {0x00D1, "n"}, {0x00F1, "n"}, {0x00D2, "o"}, {0x00D4, "o"}, {0x00D5, "o"}, {0x00D6, "o"},
    {0x00D8, "o"}, {0x00F2, "o"}, {0x00F4, "o"}, {0x00F5, "o"}, {0x00F6, "o"}, {0x00F8, "o"},
    {0x00D9, "u"}, {0x00DA, "u"}, {0x00DB, "u"}, {0x00DC, "u"}, {0x00F9, "u"}, {0x00FA, "u"},
    {0x00FB, "u"}, {0x00FC, "u"}, {0x00DD, "y"}, {0x00FD, "y"}, {0x00FF, "y"}, {0x00DF, "ss"},
    {0x010C, "c"}, {0x010D, "c"}, {0x010E, "d"}, {0x010F, "d"}, {0x011A, "e"}, {0x011B, "e"},
    {0x0147, "n"}, {0x0148, "n"}, {0x0158, "r"}, {0x0159, "r"}, {0x0160, "s"}, {0x0161, "s"},
    {0x0164, "t"}, {0x0165, "t"}, {0x016E, "u"}, {0x016F, "u"}, {0x017D, "z"}, {0x017E, "z"},
    {0x0150, "o"}, {0x0151, "o"}, {0x0170, "u"}, {0x0171, "u"},
};

/* Decodes one UTF-8 character at s (NUL-terminated); returns its length,
 * or 1 with *cp = 0 for a byte that does not start a valid sequence. */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
    } else {
        *cp = 0;
        return 1;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = 0;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return n;
}

static const char *transliterate(uint32_t cp)
{
    for (size_t i = 0; i < sizeof translit_table / sizeof translit_table[0]; i++)
        if (translit_table[i].cp == cp)
            return translit_table[i].ascii;
    return NULL;
}

void slug_from_text(const char *text, const char *fallback, buf_t *out)
{
    char slug[SLUG_MAX_LEN + 8];
    size_t len = 0;
    bool pending_hyphen = false, mid_word = false;
    const unsigned char *p = (const unsigned char *)(text ? text : "");
    while (*p) {
        uint32_t cp;
        p += utf8_next(p, &cp);
        char one[2] = {0, 0};
        const char *ascii = NULL;
        if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
            one[0] = (char)cp;
            ascii = one;
        } else if (cp >= 'A' && cp <= 'Z') {
            one[0] = (char)(cp - 'A' + 'a');
            ascii = one;
        } else {
            ascii = transliterate(cp);
        }
        if (!ascii) {
            pending_hyphen = len > 0;
            continue;
        }
        size_t add = strlen(ascii) + (pending_hyphen ? 1 : 0);
        if (len + add > SLUG_MAX_LEN) {
            mid_word = !pending_hyphen;
            break;
        }
        if (pending_hyphen)
            slug[len++] = '-';
        pending_hyphen = false;
        memcpy(slug + len, ascii, strlen(ascii));
        len += strlen(ascii);
    }
    /* Cut inside a word only when no hyphen is near the end: a slug that
     * stops mid-word reads worse than a shorter one. */
    if (mid_word) {
        size_t cut = len;
        while (cut > SLUG_MAX_LEN / 2 && slug[cut - 1] != '-')
            cut--;
        if (cut > SLUG_MAX_LEN / 2)
            len = cut - 1;
    }
    while (len > 0 && slug[len - 1] == '-')
        len--;
    if (len == 0) {
        buf_puts(out, fallback);
        return;
    }
    buf_append(out, slug, len);
}

bool slug_is_valid(const char *s)
{
    if (!s || !*s || *s == '-')
        return false;
    size_t n = 0;
    char prev = 0;
    for (; s[n]; n++) {
        char c = s[n];
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        if (!ok || (c == '-' && prev == '-'))
            return false;
        prev = c;
    }
    return prev != '-' && n <= SLUG_MAX_LEN + 12;
}
