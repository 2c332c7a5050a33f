/*
 * parse.c — dates, time zones, numbers and flags from imported text (see
 * parse.h).
 *
 * Time zones are made from the bytes of TZif files (RFC 8536) and their
 * POSIX TZ footer rule by our own code: setenv("TZ") + mktime would change
 * the zone of the whole process under the web server's threads. Reading
 * the file is sys/tz.c's. Calendar arithmetic uses
 * Howard Hinnant's days-from-civil formulas (public domain), written out.
 *
 * Numbers are converted without strtod's locale: digits are collected into
 * a clean ASCII string and converted exactly (Clinger's fast path) or by
 * strtod_l in the "C" locale. Nothing here allocates except zones and the
 * caller's message buffer; nothing does I/O.
 */
#include "core/parse.h"

#include <assert.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- shared helpers ------------------------------------------------- */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Length of a space at s[0..n): ASCII space or tab, U+00A0, U+202F. */
static size_t space_len(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n >= 1 && (u[0] == ' ' || u[0] == '\t' || u[0] == '\r' || u[0] == '\n'))
        return 1;
    if (n >= 2 && u[0] == 0xC2 && u[1] == 0xA0)
        return 2;
    if (n >= 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0xAF)
        return 3;
    return 0;
}

static void trim(const char **s, size_t *n)
{
    size_t k;
    while (*n && (k = space_len(*s, *n)) != 0) {
        *s += k;
        *n -= k;
    }
    for (;;) {
        if (*n >= 1 && space_len(*s + *n - 1, 1)) {
            (*n)--;
        } else if (*n >= 2 && space_len(*s + *n - 2, 2) == 2) {
            *n -= 2;
        } else if (*n >= 3 && space_len(*s + *n - 3, 3) == 3) {
            *n -= 3;
        } else {
            break;
        }
    }
}

bool parse_is_blank(const char *s, size_t n)
{
    trim(&s, &n);
    return n == 0;
}

/* Appends 'value' for a message: control characters become '?', and more
 * than 40 characters are cut (at a character boundary) with an ellipsis. */
static void put_value(buf_t *msg, const char *s, size_t n)
{
    size_t chars = 0, i = 0;
    buf_putc(msg, '\'');
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) != 0x80 && ++chars > 40) {
            buf_puts(msg, "…");
            break;
        }
        buf_putc(msg, c < 0x20 || c == 0x7F ? '?' : (char)c);
        i++;
    }
    buf_putc(msg, '\'');
}

static cx_result fail_value(buf_t *msg, const char *before, const char *s, size_t n,
                            const char *after)
{
    if (msg) {
        buf_puts(msg, before);
        put_value(msg, s, n);
        buf_puts(msg, after);
    }
    return CX_ERR_INVALID;
}

/* ---- calendar ------------------------------------------------------- */

int64_t parse_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void parse_civil_from_days(int64_t z, int64_t *year, int *month, int *day)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (*month <= 2);
}

static bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int64_t y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/* 0 = Sunday, as POSIX TZ rules count. */
static int weekday_of_days(int64_t days) { return (int)(((days % 7) + 11) % 7); }

/* ---- POSIX TZ rules ------------------------------------------------- */

typedef struct tz_rule_date {
    char kind;   /* 'J' (1-365, no Feb 29), 'D' (0-365), 'M' (month.week.day) */
    int a, b, c; /* J/D: day; M: month, week, weekday */
    int32_t time; /* seconds after local midnight; may be negative or > 24h */
} tz_rule_date_t;

typedef struct tz_rule {
    bool valid;
    bool has_dst;
    int32_t std_off, dst_off; /* seconds east of UTC */
    tz_rule_date_t start, end;
} tz_rule_t;

static const char *rule_name(const char *p)
{
    if (*p == '<') {
        const char *q = strchr(p, '>');
        return q && q - p >= 4 ? q + 1 : NULL;
    }
    const char *q = p;
    while ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z'))
        q++;
    return q - p >= 3 ? q : NULL;
}

/* [+-]hh[:mm[:ss]] into seconds; hours up to max_hours. */
static const char *rule_hms(const char *p, int max_hours, int32_t *out)
{
    int sign = 1;
    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    if (!is_digit(*p))
        return NULL;
    int h = 0, m = 0, s = 0;
    while (is_digit(*p) && h <= max_hours)
        h = h * 10 + (*p++ - '0');
    if (h > max_hours)
        return NULL;
    if (*p == ':') {
        p++;
        if (!is_digit(p[0]) || !is_digit(p[1]))
            return NULL;
        m = (p[0] - '0') * 10 + (p[1] - '0');
        p += 2;
        if (*p == ':') {
            p++;
            if (!is_digit(p[0]) || !is_digit(p[1]))
                return NULL;
            s = (p[0] - '0') * 10 + (p[1] - '0');
            p += 2;
        }
    }
    if (m > 59 || s > 59)
        return NULL;
    *out = sign * (h * 3600 + m * 60 + s);
    return p;
}

static const char *rule_number(const char *p, int lo, int hi, int *out)
{
    if (!is_digit(*p))
        return NULL;
    int v = 0;
    while (is_digit(*p) && v <= hi)
        v = v * 10 + (*p++ - '0');
    if (v < lo || v > hi)
        return NULL;
    *out = v;
    return p;
}

static const char *rule_date(const char *p, tz_rule_date_t *d)
{
    d->time = 7200;
    if (*p == 'J') {
        d->kind = 'J';
        p = rule_number(p + 1, 1, 365, &d->a);
    } else if (*p == 'M') {
        d->kind = 'M';
        p = rule_number(p + 1, 1, 12, &d->a);
        if (p && *p == '.')
            p = rule_number(p + 1, 1, 5, &d->b);
        else
            p = NULL;
        if (p && *p == '.')
            p = rule_number(p + 1, 0, 6, &d->c);
        else
            p = NULL;
    } else {
        d->kind = 'D';
        p = rule_number(p, 0, 365, &d->a);
    }
    if (p && *p == '/')
        p = rule_hms(p + 1, 167, &d->time);
    return p;
}

/* Parses "std offset [dst [offset] [,start[/time],end[/time]]]". */
static bool rule_parse(const char *p, tz_rule_t *r)
{
    memset(r, 0, sizeof *r);
    int32_t off;
    if (!(p = rule_name(p)) || !(p = rule_hms(p, 24, &off)))
        return false;
    r->std_off = -off; /* POSIX counts west of Greenwich as positive */
    if (*p == '\0') {
        r->valid = true;
        return true;
    }
    if (!(p = rule_name(p)))
        return false;
    r->has_dst = true;
    r->dst_off = r->std_off + 3600;
    if (*p && *p != ',') {
        if (!(p = rule_hms(p, 24, &off)))
            return false;
        r->dst_off = -off;
    }
    if (*p == '\0') { /* no rule given: the US rules POSIX implies */
        r->start = (tz_rule_date_t){'M', 3, 2, 0, 7200};
        r->end = (tz_rule_date_t){'M', 11, 1, 0, 7200};
        r->valid = true;
        return true;
    }
    if (*p != ',' || !(p = rule_date(p + 1, &r->start)) || *p != ',' ||
        !(p = rule_date(p + 1, &r->end)) || *p != '\0')
        return false;
    r->valid = true;
    return true;
}

/* Local day number (days since 1970-01-01) a rule date falls on in year y. */
static int64_t rule_day(const tz_rule_date_t *d, int64_t y)
{
    int64_t jan1 = parse_days_from_civil(y, 1, 1);
    switch (d->kind) {
    case 'J': return jan1 + d->a - 1 + (is_leap(y) && d->a >= 60);
    case 'D': return jan1 + d->a;
    default: {
        int64_t first = parse_days_from_civil(y, d->a, 1);
        int day = 1 + (d->c - weekday_of_days(first) + 7) % 7 + (d->b - 1) * 7;
        while (day > days_in_month(y, d->a))
            day -= 7;
        return first + day - 1;
    }
    }
}

/* Far enough for any calendar date (about 35 million years), near enough
 * that the arithmetic below never overflows. */
#define ZONE_T_LIMIT ((int64_t)1 << 50)

static int64_t zone_clamp(int64_t t)
{
    return t < -ZONE_T_LIMIT ? -ZONE_T_LIMIT : t > ZONE_T_LIMIT ? ZONE_T_LIMIT : t;
}

static int32_t rule_offset(const tz_rule_t *r, int64_t t)
{
    if (!r->has_dst)
        return r->std_off;
    t = zone_clamp(t);
    int64_t year;
    int month, day;
    parse_civil_from_days(floor_div(t + r->std_off, 86400), &year, &month, &day);
    /* start is given in standard time, end in daylight time */
    int64_t start = rule_day(&r->start, year) * 86400 + r->start.time - r->std_off;
    int64_t end = rule_day(&r->end, year) * 86400 + r->end.time - r->dst_off;
    bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
    return dst ? r->dst_off : r->std_off;
}

/* ---- zones ---------------------------------------------------------- */

struct parse_zone {
    char *name;
    size_t ntrans;
    int64_t *trans;   /* transition times, ascending */
    uint8_t *trans_type;
    size_t ntypes;
    int32_t *type_off;
    tz_rule_t rule;   /* after the last transition (or always, if none) */
};

static const struct {
    const char *name, *rule;
} builtin_zones[] = {
    {"UTC", "UTC0"},
    {"Etc/UTC", "UTC0"},
    {"GMT", "GMT0"},
    {"Europe/Warsaw", "CET-1CEST,M3.5.0,M10.5.0/3"},
    {"Europe/Bucharest", "EET-2EEST,M3.5.0/3,M10.5.0/4"},
    {"Europe/London", "GMT0BST,M3.5.0/1,M10.5.0"},
    {"Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3"},
};

static int64_t be_int(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v = v << 8 | p[i];
    if (bytes == 4)
        return (int32_t)(uint32_t)v;
    return (int64_t)v;
}

/* Reads TZif data (version 1, or the 64-bit block of version 2+ and its
 * footer rule). False for anything malformed. */
static bool zone_from_tzif(parse_zone_t *z, const unsigned char *d, size_t n)
{
    if (n < 44 || memcmp(d, "TZif", 4) != 0)
        return false;
    int tsize = 4;
    size_t off = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (n - off < 44 || memcmp(d + off, "TZif", 4) != 0)
            return false;
        const unsigned char *h = d + off + 20;
        size_t isut = (size_t)be_int(h, 4), isstd = (size_t)be_int(h + 4, 4),
               leap = (size_t)be_int(h + 8, 4), timecnt = (size_t)be_int(h + 12, 4),
               typecnt = (size_t)be_int(h + 16, 4), charcnt = (size_t)be_int(h + 20, 4);
        if (timecnt > 100000 || typecnt == 0 || typecnt > 256 || charcnt > 100000 ||
            leap > 100000 || isut > 256 || isstd > 256)
            return false;
        size_t body = timecnt * (size_t)tsize + timecnt + typecnt * 6 + charcnt +
                      leap * (size_t)(tsize + 4) + isstd + isut;
        off += 44;
        if (n - off < body)
            return false;
        if (pass == 0 && d[4] >= '2') {
            off += body; /* skip the 32-bit block */
            tsize = 8;
            continue;
        }
        const unsigned char *p = d + off;
        z->ntrans = timecnt;
        z->ntypes = typecnt;
        z->trans = malloc((timecnt ? timecnt : 1) * sizeof *z->trans);
        z->trans_type = malloc(timecnt ? timecnt : 1);
        z->type_off = malloc(typecnt * sizeof *z->type_off);
        if (!z->trans || !z->trans_type || !z->type_off)
            return false;
        for (size_t i = 0; i < timecnt; i++)
            z->trans[i] = be_int(p + i * (size_t)tsize, tsize);
        p += timecnt * (size_t)tsize;
        for (size_t i = 0; i < timecnt; i++) {
            if (p[i] >= typecnt)
                return false;
            z->trans_type[i] = p[i];
        }
        p += timecnt;
        for (size_t i = 0; i < typecnt; i++)
            z->type_off[i] = (int32_t)be_int(p + i * 6, 4);
        off += body;
        if (tsize == 8 && off < n && d[off] == '\n') {
            const char *start = (const char *)d + off + 1;
            const char *nl = memchr(start, '\n', n - off - 1);
            if (nl && nl > start && nl - start < 128) {
                char footer[128];
                memcpy(footer, start, (size_t)(nl - start));
                footer[nl - start] = '\0';
                rule_parse(footer, &z->rule);
            }
        }
        return true;
    }
    return false;
}

bool parse_zone_name_ok(const char *name)
{
    if (!*name || name[0] == '/' || strstr(name, "..") || strlen(name) > 200)
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || is_digit(*p) ||
              *p == '/' || *p == '_' || *p == '-' || *p == '+'))
            return false;
    return true;
}

void parse_zone_free(parse_zone_t *z)
{
    if (!z)
        return;
    free(z->name);
    free(z->trans);
    free(z->trans_type);
    free(z->type_off);
    free(z);
}

cx_result parse_zone_load(const char *name, const void *tzif, size_t tzif_len, parse_zone_t **out,
                          buf_t *msg)
{
    *out = NULL;
    if (!name || !*name)
        name = PARSE_DEFAULT_ZONE;
    parse_zone_t *z = calloc(1, sizeof *z);
    if (!z || !(z->name = strdup(name))) {
        free(z);
        return CX_ERR_NOMEM;
    }
    if (tzif && strcmp(name, "UTC") != 0 && zone_from_tzif(z, tzif, tzif_len)) {
        if (z->ntrans == 0 && !z->rule.valid) /* a fixed zone without footer */
            z->rule = (tz_rule_t){.valid = true, .std_off = z->type_off[0]};
        *out = z;
        return CX_OK;
    }
    free(z->trans);
    free(z->trans_type);
    free(z->type_off);
    z->trans = NULL;
    z->trans_type = NULL;
    z->type_off = NULL;
    z->ntrans = z->ntypes = 0;
    memset(&z->rule, 0, sizeof z->rule);
    for (size_t i = 0; i < sizeof builtin_zones / sizeof builtin_zones[0]; i++) {
        if (strcmp(builtin_zones[i].name, name) == 0) {
            rule_parse(builtin_zones[i].rule, &z->rule);
            *out = z;
            return CX_OK;
        }
    }
    if (strpbrk(name, "0123456789") && rule_parse(name, &z->rule)) {
        *out = z;
        return CX_OK;
    }
    parse_zone_free(z);
    if (msg) {
        buf_puts(msg, "unknown time zone ");
        put_value(msg, name, strlen(name));
        buf_puts(msg, "; use a name such as 'Europe/Warsaw' or 'UTC'");
    }
    return CX_ERR_INVALID;
}

cx_result parse_zone_from_tzif(const char *name, const void *data, size_t n,
                               parse_zone_t **out, buf_t *msg)
{
    *out = NULL;
    parse_zone_t *z = calloc(1, sizeof *z);
    if (!z || !(z->name = strdup(name ? name : "TZif"))) {
        free(z);
        return CX_ERR_NOMEM;
    }
    if (!zone_from_tzif(z, data, n)) {
        parse_zone_free(z);
        if (msg)
            buf_puts(msg, "the time zone data is not a valid TZif file");
        return CX_ERR_INVALID;
    }
    if (z->ntrans == 0 && !z->rule.valid)
        z->rule = (tz_rule_t){.valid = true, .std_off = z->type_off[0]};
    *out = z;
    return CX_OK;
}

const char *parse_zone_name(const parse_zone_t *z) { return z ? z->name : "UTC"; }

int32_t parse_zone_offset(const parse_zone_t *z, int64_t t)
{
    if (!z)
        return 0;
    if (z->ntrans == 0 || t >= z->trans[z->ntrans - 1]) {
        if (z->rule.valid)
            return rule_offset(&z->rule, t);
        if (z->ntrans == 0)
            return z->ntypes ? z->type_off[0] : 0;
        return z->type_off[z->trans_type[z->ntrans - 1]];
    }
    if (t < z->trans[0])
        return z->type_off[0];
    size_t lo = 0, hi = z->ntrans - 1; /* trans[lo] <= t < trans[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->trans[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return z->type_off[z->trans_type[lo]];
}

int64_t parse_zone_to_utc(const parse_zone_t *z, int64_t local)
{
    if (!z)
        return local;
    local = zone_clamp(local);
    /* Offsets a day either side of the instant; no zone changes offset
     * twice within two days, so these are the only candidates. */
    int32_t before = parse_zone_offset(z, local - 86400);
    int32_t after = parse_zone_offset(z, local + 86400);
    int64_t t1 = local - before, t2 = local - after;
    bool ok1 = parse_zone_offset(z, t1) == before;
    bool ok2 = parse_zone_offset(z, t2) == after;
    if (ok1 && ok2)
        return t1 < t2 ? t1 : t2; /* twice: the earlier */
    if (ok1)
        return t1;
    if (ok2)
        return t2;
    return t1; /* never: read with the offset before the gap, i.e. later */
}

/* ---- dates ---------------------------------------------------------- */

typedef struct date_parts {
    int64_t year;
    int month, day, hour, minute, second;
    int ampm;        /* 0 none, 1 AM, 2 PM */
    bool has_offset;
    int32_t offset;
} date_parts_t;

static const char *const month_en[] = {"January", "February", "March",     "April",
                                       "May",     "June",     "July",      "August",
                                       "September", "October", "November", "December"};

/* Month names accepted by %b/%B: English full and short, Polish nominative,
 * genitive (as in "5 maja 2024") and short forms. */
static const struct {
    const char *name;
    int month;
} month_names[] = {
    {"january", 1},    {"february", 2},  {"march", 3},      {"april", 4},
    {"may", 5},        {"june", 6},      {"july", 7},       {"august", 8},
    {"september", 9},  {"october", 10},  {"november", 11},  {"december", 12},
    {"sept", 9},       {"jan", 1},       {"feb", 2},        {"mar", 3},
    {"apr", 4},        {"jun", 6},       {"jul", 7},        {"aug", 8},
    {"sep", 9},        {"oct", 10},      {"nov", 11},       {"dec", 12},
    {"stycznia", 1},   {"styczeń", 1},   {"sty", 1},        {"lutego", 2},
    {"luty", 2},       {"lut", 2},       {"marca", 3},      {"marzec", 3},
    {"kwietnia", 4},   {"kwiecień", 4},  {"kwi", 4},        {"maja", 5},
    {"maj", 5},        {"czerwca", 6},   {"czerwiec", 6},   {"cze", 6},
    {"lipca", 7},      {"lipiec", 7},    {"lip", 7},        {"sierpnia", 8},
    {"sierpień", 8},   {"sie", 8},       {"września", 9},   {"wrzesień", 9},
    {"wrz", 9},        {"października", 10}, {"październik", 10}, {"paź", 10},
    {"listopada", 11}, {"listopad", 11}, {"lis", 11},       {"grudnia", 12},
    {"grudzień", 12},  {"gru", 12},
};

/* Reads between 1 and max digits (exactly `exact` if non-zero). */
static bool read_num(const char *s, size_t n, size_t *i, int max, int exact, int64_t *out)
{
    int64_t v = 0;
    int k = 0;
    while (*i < n && is_digit(s[*i]) && k < max) {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        k++;
    }
    if (k == 0 || (exact && k != exact))
        return false;
    *out = v;
    return true;
}

static bool read_month_name(const char *s, size_t n, size_t *i, int *month)
{
    size_t best = 0;
    for (size_t k = 0; k < sizeof month_names / sizeof month_names[0]; k++) {
        size_t len = strlen(month_names[k].name);
        if (len > best && n - *i >= len && strncasecmp(s + *i, month_names[k].name, len) == 0) {
            /* a name must not run on into letters ("marzec" is not "mar"+"zec") */
            size_t e = *i + len;
            if (e < n && ((s[e] >= 'a' && s[e] <= 'z') || (s[e] >= 'A' && s[e] <= 'Z') ||
                          (unsigned char)s[e] >= 0x80))
                continue;
            best = len;
            *month = month_names[k].month;
        }
    }
    if (best == 0)
        return false;
    *i += best;
    if (*i < n && s[*i] == '.')
        (*i)++; /* "sty." */
    return true;
}

/* Z, ±hh, ±hhmm or ±hh:mm. */
static bool read_offset(const char *s, size_t n, size_t *i, int32_t *out)
{
    if (*i < n && (s[*i] == 'Z' || s[*i] == 'z')) {
        (*i)++;
        *out = 0;
        return true;
    }
    if (*i >= n || (s[*i] != '+' && s[*i] != '-'))
        return false;
    int sign = s[*i] == '-' ? -1 : 1;
    size_t j = *i + 1;
    int64_t h, m = 0, hm;
    if (read_num(s, n, &j, 4, 4, &hm)) { /* ±hhmm */
        h = hm / 100;
        m = hm % 100;
    } else {
        j = *i + 1;
        if (!read_num(s, n, &j, 2, 2, &h))
            return false;
        if (j < n && s[j] == ':') {
            j++;
            if (!read_num(s, n, &j, 2, 2, &m))
                return false;
        }
    }
    *i = j;
    if (h > 18 || m > 59)
        return false;
    *out = (int32_t)(sign * (h * 3600 + m * 60));
    return true;
}

static size_t skip_spaces(const char *s, size_t n, size_t i)
{
    size_t k;
    while (i < n && (k = space_len(s + i, n - i)) != 0)
        i += k;
    return i;
}

/* Matches a pattern at s[*i..n); on success *i is past the match. */
static bool match_pattern(const char *pat, const char *s, size_t n, size_t *i,
                          date_parts_t *d)
{
    for (const char *p = pat; *p; p++) {
        int64_t v;
        if (*p == ' ') {
            size_t j = skip_spaces(s, n, *i);
            if (j == *i)
                return false;
            *i = j;
            while (p[1] == ' ')
                p++;
            continue;
        }
        if (*p != '%') {
            if (*i >= n || s[*i] != *p)
                return false;
            (*i)++;
            continue;
        }
        switch (*++p) {
        case 'Y':
            if (!read_num(s, n, i, 4, 4, &v))
                return false;
            d->year = v;
            break;
        case 'y':
            if (!read_num(s, n, i, 2, 2, &v))
                return false;
            d->year = v < 69 ? 2000 + v : 1900 + v;
            break;
        case 'm':
            if (!read_num(s, n, i, 2, 0, &v))
                return false;
            d->month = (int)v;
            break;
        case 'd':
        case 'e':
            if (!read_num(s, n, i, 2, 0, &v))
                return false;
            d->day = (int)v;
            break;
        case 'H':
        case 'I':
            if (!read_num(s, n, i, 2, 0, &v))
                return false;
            d->hour = (int)v;
            break;
        case 'M':
            if (!read_num(s, n, i, 2, 0, &v))
                return false;
            d->minute = (int)v;
            break;
        case 'S':
            if (!read_num(s, n, i, 2, 0, &v))
                return false;
            d->second = (int)v;
            break;
        case 'f':
            if (!read_num(s, n, i, 9, 0, &v))
                return false;
            break;
        case 'p':
            if (n - *i >= 2 && strncasecmp(s + *i, "AM", 2) == 0)
                d->ampm = 1;
            else if (n - *i >= 2 && strncasecmp(s + *i, "PM", 2) == 0)
                d->ampm = 2;
            else
                return false;
            *i += 2;
            break;
        case 'b':
        case 'B':
        case 'h':
            if (!read_month_name(s, n, i, &d->month))
                return false;
            break;
        case 'z':
            if (!read_offset(s, n, i, &d->offset))
                return false;
            d->has_offset = true;
            break;
        case 'F':
            if (!match_pattern("%Y-%m-%d", s, n, i, d))
                return false;
            break;
        case 'T':
            if (!match_pattern("%H:%M:%S", s, n, i, d))
                return false;
            break;
        case 'R':
            if (!match_pattern("%H:%M", s, n, i, d))
                return false;
            break;
        case '%':
            if (*i >= n || s[*i] != '%')
                return false;
            (*i)++;
            break;
        default: return false; /* checked by parse_date_pattern_check */
        }
    }
    return true;
}

cx_result parse_date_pattern_check(const char *pattern, buf_t *msg)
{
    bool year = false, month = false, day = false;
    for (const char *p = pattern; *p; p++) {
        if (*p != '%')
            continue;
        char c = *++p;
        if (c == '\0' || !strchr("YymdeHIMSfpbBhzFTR%", c)) {
            if (msg) {
                buf_puts(msg, "the date format ");
                put_value(msg, pattern, strlen(pattern));
                buf_puts(msg, c ? " uses an unknown directive %" : " ends with a lone %");
                if (c > 0x20 && c < 0x7F)
                    buf_putc(msg, c);
                buf_puts(msg, "; known are %Y %y %m %d %e %H %I %M %S %f %p %b %B %z "
                              "%F %T %R %%");
            }
            return CX_ERR_INVALID;
        }
        year |= c == 'Y' || c == 'y' || c == 'F';
        month |= c == 'm' || c == 'b' || c == 'B' || c == 'h' || c == 'F';
        day |= c == 'd' || c == 'e' || c == 'F';
    }
    if (!year || !month || !day) {
        if (msg) {
            buf_puts(msg, "the date format ");
            put_value(msg, pattern, strlen(pattern));
            buf_puts(msg, " needs a year (%Y), a month (%m) and a day (%d)");
        }
        return CX_ERR_INVALID;
    }
    return CX_OK;
}

static const char *style_date_pattern(parse_date_style st)
{
    switch (st) {
    case PARSE_DATE_ISO: return "%Y-%m-%d";
    case PARSE_DATE_DMY_DOT: return "%d.%m.%Y";
    case PARSE_DATE_DMY_SLASH: return "%d/%m/%Y";
    case PARSE_DATE_MDY_SLASH: return "%m/%d/%Y";
    case PARSE_DATE_YMD_SLASH: return "%Y/%m/%d";
    case PARSE_DATE_DMY_DASH: return "%d-%m-%Y";
    case PARSE_DATE_PATTERN: break;
    }
    return NULL;
}

const char *parse_date_format_name(const parse_date_format_t *fmt)
{
    switch (fmt->style) {
    case PARSE_DATE_PATTERN: return fmt->pattern ? fmt->pattern : "";
    case PARSE_DATE_ISO: return "YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM]";
    case PARSE_DATE_DMY_DOT: return "DD.MM.YYYY [HH:MM[:SS]]";
    case PARSE_DATE_DMY_SLASH: return "DD/MM/YYYY [HH:MM[:SS]]";
    case PARSE_DATE_MDY_SLASH: return "MM/DD/YYYY [HH:MM[:SS]]";
    case PARSE_DATE_YMD_SLASH: return "YYYY/MM/DD [HH:MM[:SS]]";
    case PARSE_DATE_DMY_DASH: return "DD-MM-YYYY [HH:MM[:SS]]";
    }
    return "";
}

/* The optional time after a style's date: [T or spaces]H:MM[:SS[.frac]],
 * and for ISO an optional offset. */
static bool match_time_tail(const char *s, size_t n, size_t *i, bool iso, date_parts_t *d)
{
    if (*i == n)
        return true;
    size_t j = *i;
    if (s[j] == 'T' || s[j] == 't')
        j++;
    else if ((j = skip_spaces(s, n, j)) == *i)
        return false;
    int64_t v;
    if (!read_num(s, n, &j, 2, 0, &v))
        return false;
    d->hour = (int)v;
    if (j >= n || s[j] != ':')
        return false;
    j++;
    if (!read_num(s, n, &j, 2, 2, &v))
        return false;
    d->minute = (int)v;
    if (j < n && s[j] == ':') {
        j++;
        if (!read_num(s, n, &j, 2, 2, &v))
            return false;
        d->second = (int)v;
        if (j < n && (s[j] == '.' || s[j] == ',')) {
            j++;
            if (!read_num(s, n, &j, 9, 0, &v))
                return false;
        }
    }
    if (iso && j < n) {
        size_t k = skip_spaces(s, n, j);
        if (!read_offset(s, n, &k, &d->offset))
            return false;
        d->has_offset = true;
        j = k;
    }
    *i = j;
    return true;
}

/* Syntax only: does the value have the shape of fmt? */
static bool date_match(const parse_date_format_t *fmt, const char *s, size_t n,
                       date_parts_t *d)
{
    memset(d, 0, sizeof *d);
    d->day = d->month = 1;
    size_t i = 0;
    if (fmt->style == PARSE_DATE_PATTERN) {
        if (!match_pattern(fmt->pattern, s, n, &i, d))
            return false;
    } else {
        if (!match_pattern(style_date_pattern(fmt->style), s, n, &i, d) ||
            !match_time_tail(s, n, &i, fmt->style == PARSE_DATE_ISO, d))
            return false;
    }
    return i == n;
}

/* Calendar and clock checks, with the reason in msg. */
static cx_result date_check(date_parts_t *d, const char *s, size_t n, buf_t *msg)
{
    const char *why = NULL;
    char tmp[96];
    if (d->month < 1 || d->month > 12) {
        snprintf(tmp, sizeof tmp, "there is no month %d", d->month);
        why = tmp;
    } else if (d->day < 1 || d->day > days_in_month(d->year, d->month)) {
        if (d->day < 1)
            snprintf(tmp, sizeof tmp, "there is no day 0");
        else
            snprintf(tmp, sizeof tmp, "%s %lld has %d days", month_en[d->month - 1],
                     (long long)d->year, days_in_month(d->year, d->month));
        why = tmp;
    } else if (d->ampm && (d->hour < 1 || d->hour > 12)) {
        snprintf(tmp, sizeof tmp, "hour %d does not exist on a 12-hour clock", d->hour);
        why = tmp;
    } else if (d->hour > 23) {
        snprintf(tmp, sizeof tmp, "there is no hour %d", d->hour);
        why = tmp;
    } else if (d->minute > 59) {
        snprintf(tmp, sizeof tmp, "there is no minute %d", d->minute);
        why = tmp;
    } else if (d->second > 59) {
        snprintf(tmp, sizeof tmp, "there is no second %d", d->second);
        why = tmp;
    }
    if (!why)
        return CX_OK;
    if (msg) {
        put_value(msg, s, n);
        buf_printf(msg, " is not a valid date: %s", why);
    }
    return CX_ERR_INVALID;
}

static void date_fix_ampm(date_parts_t *d)
{
    if (d->ampm == 1 && d->hour == 12)
        d->hour = 0;
    else if (d->ampm == 2 && d->hour != 12)
        d->hour += 12;
    d->ampm = 0;
}

cx_result parse_datetime(const parse_date_format_t *fmt, const parse_zone_t *zone,
                         const char *s, size_t n, int64_t *out, buf_t *msg)
{
    trim(&s, &n);
    date_parts_t d;
    if (n == 0) {
        if (msg)
            buf_puts(msg, "an empty value is not a date");
        return CX_ERR_INVALID;
    }
    if (!date_match(fmt, s, n, &d)) {
        if (msg) {
            put_value(msg, s, n);
            buf_puts(msg, " does not match the date format ");
            const char *name = parse_date_format_name(fmt);
            put_value(msg, name, strlen(name));
        }
        return CX_ERR_INVALID;
    }
    cx_result rc = date_check(&d, s, n, msg);
    if (rc)
        return rc;
    date_fix_ampm(&d);
    int64_t local = parse_days_from_civil(d.year, d.month, d.day) * 86400 + d.hour * 3600 +
                    d.minute * 60 + d.second;
    *out = d.has_offset ? local - d.offset : parse_zone_to_utc(zone, local);
    return CX_OK;
}

cx_result parse_date_detect(const char *const *values, const size_t *lens, size_t n,
                            parse_date_detection_t *out, buf_t *msg)
{
    static const parse_date_style styles[] = {
        PARSE_DATE_ISO,       PARSE_DATE_DMY_DOT,   PARSE_DATE_YMD_SLASH,
        PARSE_DATE_DMY_SLASH, PARSE_DATE_MDY_SLASH, PARSE_DATE_DMY_DASH,
    };
    enum { NS = sizeof styles / sizeof styles[0] };
    size_t fits[NS] = {0}, first_fit[NS], first_miss[NS];
    size_t used = 0;
    for (size_t k = 0; k < NS; k++)
        first_fit[k] = first_miss[k] = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        const char *s = values[i];
        size_t len = lens[i];
        trim(&s, &len);
        if (len == 0)
            continue;
        used++;
        for (size_t k = 0; k < NS; k++) {
            parse_date_format_t f = {styles[k], NULL};
            date_parts_t d;
            if (date_match(&f, s, len, &d) && date_check(&d, s, len, NULL) == CX_OK) {
                fits[k]++;
                if (first_fit[k] == SIZE_MAX)
                    first_fit[k] = i;
            } else if (first_miss[k] == SIZE_MAX) {
                first_miss[k] = i;
            }
        }
    }
    memset(out, 0, sizeof *out);
    out->used = used;
    if (used == 0) {
        if (msg)
            buf_puts(msg, "no dates to recognise: every value is empty");
        return CX_ERR_INVALID;
    }
    int dmy = 3, mdy = 4, best = -1;
    for (size_t k = 0; k < NS; k++) {
        if (fits[k] != used)
            continue;
        if ((int)k == mdy && best == dmy) {
            out->ambiguous = true;
            continue;
        }
        if (best < 0)
            best = (int)k;
    }
    if (best >= 0) {
        out->format.style = styles[best];
        return CX_OK;
    }
    /* Explain with the style that reads the most values. */
    int most = 0;
    for (size_t k = 1; k < NS; k++)
        if (fits[k] > fits[most])
            most = (int)k;
    if (msg) {
        size_t bad = first_miss[most];
        const char *s = values[bad];
        size_t len = lens[bad];
        trim(&s, &len);
        parse_date_format_t f = {styles[most], NULL};
        date_parts_t d;
        if (fits[most] > 0 && date_match(&f, s, len, &d)) {
            date_check(&d, s, len, msg);
        } else if (fits[most] > 0) {
            put_value(msg, s, len);
            buf_printf(msg, " does not have the format of the other dates (%s",
                       parse_date_format_name(&f));
            buf_puts(msg, ", e.g. ");
            const char *e = values[first_fit[most]];
            size_t elen = lens[first_fit[most]];
            trim(&e, &elen);
            put_value(msg, e, elen);
            buf_putc(msg, ')');
        } else {
            put_value(msg, s, len);
            buf_puts(msg, " is not a date in a known format");
        }
        buf_puts(msg, "; give the format with --date-format, e.g. '%d/%m/%Y %H:%M'");
    }
    return CX_ERR_INVALID;
}

/* ---- numbers -------------------------------------------------------- */

#define NUM_MAX_CHARS 64 /* digits and marks; longer values are refused */

typedef struct num_scan {
    bool neg;
    bool percent;
    char seps[NUM_MAX_CHARS]; /* separator kinds between digit groups */
    int ngroups;
    int group_len[NUM_MAX_CHARS];
    char groups[NUM_MAX_CHARS + 1]; /* all digits, in order */
    int ndigits;
    bool has_exp;
    int exp_sign;
    int exp;
} num_scan_t;

/* Separator kind at s[i], with its byte length: '.', ',', '\'', or ' '
 * for every kind of space. */
static char num_sep(const char *s, size_t n, size_t i, size_t *len)
{
    char c = s[i];
    if (c == '.' || c == ',' || c == '\'') {
        *len = 1;
        return c;
    }
    size_t k = space_len(s + i, n - i);
    if (k && c != '\t' && c != '\r' && c != '\n') {
        *len = k;
        return ' ';
    }
    return 0;
}

/* Splits a trimmed value into sign, digit groups, separators, exponent
 * and percent sign. False if it is not shaped like a number at all. */
static bool num_split(const char *s, size_t n, num_scan_t *ns)
{
    memset(ns, 0, sizeof *ns);
    size_t i = 0;
    if (n >= 1 && s[n - 1] == '%') {
        ns->percent = true;
        n--;
        trim(&s, &n);
    }
    if (i < n && (s[i] == '-' || s[i] == '+')) {
        ns->neg = s[i] == '-';
        i++;
    } else if (n - i >= 3 && memcmp(s + i, "\xE2\x88\x92", 3) == 0) { /* U+2212 */
        ns->neg = true;
        i += 3;
    }
    int len = 0;
    bool want_digit = true;
    while (i < n) {
        char c = s[i];
        size_t sl;
        if (is_digit(c)) {
            if (ns->ndigits >= NUM_MAX_CHARS)
                return false;
            ns->groups[ns->ndigits++] = c;
            len++;
            want_digit = false;
            i++;
            continue;
        }
        if ((c == 'e' || c == 'E') && ns->ndigits > 0 && !want_digit) {
            ns->group_len[ns->ngroups++] = len;
            i++;
            ns->has_exp = true;
            ns->exp_sign = 1;
            if (i < n && (s[i] == '-' || s[i] == '+'))
                ns->exp_sign = s[i++] == '-' ? -1 : 1;
            if (i >= n)
                return false;
            while (i < n && is_digit(s[i])) {
                if (ns->exp < 100000)
                    ns->exp = ns->exp * 10 + (s[i] - '0');
                i++;
            }
            return i == n;
        }
        char kind = num_sep(s, n, i, &sl);
        if (!kind || (want_digit && ns->ngroups > 0) || ns->ngroups >= NUM_MAX_CHARS - 1)
            return false; /* two separators in a row, or not a number */
        ns->group_len[ns->ngroups] = len;
        ns->seps[ns->ngroups++] = kind;
        len = 0;
        want_digit = true;
        i += sl;
    }
    ns->group_len[ns->ngroups++] = len;
    ns->groups[ns->ndigits] = '\0';
    return ns->ndigits > 0 && (!want_digit || ns->ngroups >= 2);
}

/* Decides which separator is the decimal mark: the index of the group
 * boundary (0 .. ngroups-2) or -1 for none. *ambiguous when it cannot. */
static int num_decimal_index(const num_scan_t *ns, char decimal, bool *ambiguous)
{
    int nsep = ns->ngroups - 1;
    *ambiguous = false;
    if (nsep == 0)
        return -1;
    int last = nsep - 1;
    char lk = ns->seps[last];
    if (decimal)
        return lk == decimal ? last : -1;
    if (lk != '.' && lk != ',')
        return -1;
    int same = 0;
    bool other_kind = false;
    for (int k = 0; k < nsep; k++) {
        if (ns->seps[k] == lk)
            same++;
        else
            other_kind = true;
    }
    if (same > 1)
        return -1; /* "1.234.567": grouping */
    if (other_kind)
        return last; /* "1 234,5" or "1,234.5" */
    /* a lone '.' or ',' */
    bool zero_lead = ns->group_len[0] >= 1 && ns->groups[0] == '0';
    if (ns->group_len[last + 1] == 3 && ns->group_len[0] >= 1 && ns->group_len[0] <= 3 &&
        !zero_lead) {
        *ambiguous = true;
        return -1;
    }
    return last;
}

/* strtod in the "C" locale whatever setlocale said: '.' is the mark. */
static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static void c_locale_init(void) { c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0); }

static double num_value(const num_scan_t *ns, int dec, bool *ok)
{
    /* integer digits, then fraction digits */
    int int_digits = 0;
    for (int k = 0; k < ns->ngroups && (dec < 0 || k <= dec); k++)
        int_digits += ns->group_len[k];
    int frac = ns->ndigits - int_digits;
    int64_t exp10 = (ns->has_exp ? ns->exp_sign * ns->exp : 0) - frac;
    uint64_t mant = 0;
    bool exact = ns->ndigits <= 15;
    for (int k = 0; k < ns->ndigits; k++)
        mant = mant * 10 + (uint64_t)(ns->groups[k] - '0');
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    double v;
    *ok = true;
    if (exact && exp10 >= -22 && exp10 <= 22) {
        /* both operands exact, one rounding: the correctly rounded result */
        v = exp10 < 0 ? (double)mant / pow10[-exp10] : (double)mant * pow10[exp10];
    } else {
        char tmp[NUM_MAX_CHARS + 32];
        snprintf(tmp, sizeof tmp, "%se%lld", ns->groups, (long long)exp10);
        pthread_once(&c_locale_once, c_locale_init);
        v = c_locale ? strtod_l(tmp, NULL, c_locale) : strtod(tmp, NULL);
        if (!isfinite(v))
            *ok = false;
    }
    return ns->neg ? -v : v;
}

cx_result parse_number(const char *s0, size_t n0, char decimal, double *out, bool *percent,
                       buf_t *msg)
{
    assert(decimal == 0 || decimal == '.' || decimal == ',');
    const char *s = s0;
    size_t n = n0;
    trim(&s, &n);
    if (n == 0) {
        if (msg)
            buf_puts(msg, "an empty value is not a number");
        return CX_ERR_INVALID;
    }
    num_scan_t ns;
    if (!num_split(s, n, &ns))
        return fail_value(msg, "", s, n, " is not a number");
    bool ambiguous;
    int dec = num_decimal_index(&ns, decimal, &ambiguous);
    if (ambiguous)
        return fail_value(msg, "", s, n,
                          " is ambiguous: the mark could be a decimal mark or a "
                          "thousands separator; say which decimal mark the file uses");
    /* everything before the decimal mark is grouping: one kind, groups of
     * three after a first group of one to three digits */
    int nsep = ns.ngroups - 1, last_group = dec >= 0 ? dec : nsep;
    char gk = 0;
    for (int k = 0; k < last_group; k++) {
        char kind = ns.seps[k];
        if ((decimal && kind == decimal) || (gk && kind != gk))
            return fail_value(msg, "", s, n, " is not a number: mixed separators");
        gk = kind;
        if (ns.group_len[k + 1] != 3 || (k == 0 && (ns.group_len[0] < 1 || ns.group_len[0] > 3)))
            return fail_value(msg, "", s, n,
                              " is not a number: a thousands separator is misplaced");
    }
    if (ns.has_exp && gk)
        return fail_value(msg, "", s, n, " is not a number");
    bool ok;
    double v = num_value(&ns, dec, &ok);
    if (!ok)
        return fail_value(msg, "", s, n, " is out of range");
    *out = v;
    if (percent)
        *percent = ns.percent;
    return CX_OK;
}

char parse_number_detect_decimal(const char *const *values, const size_t *lens, size_t n)
{
    char vote = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = values[i];
        size_t len = lens[i];
        trim(&s, &len);
        num_scan_t ns;
        if (len == 0 || !num_split(s, len, &ns) || ns.ngroups < 2)
            continue;
        bool ambiguous;
        int dec = num_decimal_index(&ns, 0, &ambiguous);
        char v = 0;
        if (dec >= 0) {
            v = ns.seps[dec];
        } else if (!ambiguous) {
            char k = ns.seps[0]; /* "1.234.567" says the decimal mark is ',' */
            v = k == '.' ? ',' : k == ',' ? '.' : 0;
        }
        if (!v)
            continue;
        if (vote && vote != v)
            return 0; /* the column contradicts itself */
        vote = v;
    }
    return vote;
}

cx_result parse_int_range(const char *s, size_t n, long long min, long long max,
                          const char *what, long long *out, buf_t *msg)
{
    if (!what)
        what = "value";
    trim(&s, &n);
    if (n == 0) {
        if (msg)
            buf_printf(msg, "%s is empty", what);
        return CX_ERR_INVALID;
    }
    double v;
    bool pct;
    if (parse_number(s, n, 0, &v, &pct, NULL) || pct) {
        if (msg) {
            buf_printf(msg, "%s ", what);
            put_value(msg, s, n);
            buf_puts(msg, " is not a whole number");
        }
        return CX_ERR_INVALID;
    }
    if (v != floor(v)) {
        if (msg) {
            buf_printf(msg, "%s ", what);
            put_value(msg, s, n);
            buf_puts(msg, " is not a whole number");
        }
        return CX_ERR_INVALID;
    }
    if (v < (double)min || v > (double)max) {
        if (msg) {
            buf_printf(msg, "%s ", what);
            /* the value as written, without quotes: it is a plain number */
            for (size_t i = 0; i < n && i < 40; i++)
                buf_putc(msg, (unsigned char)s[i] < 0x20 ? '?' : s[i]);
            buf_printf(msg, " is outside %lld–%lld", min, max);
        }
        return CX_ERR_INVALID;
    }
    *out = (long long)v;
    return CX_OK;
}

cx_result parse_bool(const char *s, size_t n, bool *out, buf_t *msg)
{
    static const char *const yes[] = {"yes", "y", "true", "t", "1", "tak"};
    static const char *const no[] = {"no", "n", "false", "f", "0", "nie"};
    trim(&s, &n);
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strlen(yes[i]) == n && strncasecmp(s, yes[i], n) == 0) {
            *out = true;
            return CX_OK;
        }
        if (strlen(no[i]) == n && strncasecmp(s, no[i], n) == 0) {
            *out = false;
            return CX_OK;
        }
    }
    return fail_value(msg, "", s, n, " is neither yes nor no");
}
