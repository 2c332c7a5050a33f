/*
 * parse.h — reading values out of imported text: dates and times, numbers
 * with Polish or English punctuation, whole numbers in a range, yes/no.
 *
 * Every parser takes a pointer and a length (CSV fields are views, not
 * C strings), ignores surrounding spaces, and on bad input returns
 * CX_ERR_INVALID with one English sentence in msg (when msg is not NULL)
 * that quotes the value, e.g. "score 11 is outside 0–10". The caller
 * prefixes FILE:LINE:COLUMN (csv_field_where). Quoted values have control
 * characters replaced and are cut at 40 characters, so a message is always
 * one line.
 *
 * Times come out as Unix seconds (UTC). A time without an offset is local
 * time in a named zone, converted with the zone's rules read from the
 * system's zoneinfo files (TZif, RFC 8536) by code in this module — not
 * through TZ and mktime, which are process-global and not thread-safe.
 * A loaded zone is immutable and may be shared between threads.
 *
 * Pure computation except parse_zone_load, which reads one zoneinfo file.
 */
#ifndef CX_PARSE_H
#define CX_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/result.h"

#define PARSE_DEFAULT_ZONE "Europe/Warsaw"

/* ---- time zones ----------------------------------------------------- */

typedef struct parse_zone parse_zone_t;

/*
 * Makes a zone: an IANA name ("Europe/Warsaw") with tzif[0..tzif_len) the
 * bytes of its zoneinfo file, "UTC", or a POSIX TZ rule such as
 * "CET-1CEST,M3.5.0,M10.5.0/3". Without the file (tzif NULL, or not a
 * usable TZif) a few zones the product's users need are built in as their
 * current rules (valid for dates since 1996). Reading the file is the
 * caller's (sys/tz.h tz_zone_load): this module does no I/O. Caller frees
 * with parse_zone_free.
 */
cx_result parse_zone_load(const char *name, const void *tzif, size_t tzif_len, parse_zone_t **out,
                          buf_t *msg);
/* Whether name may name a zoneinfo file: letters, digits, '/', '_', '-',
 * '+', not absolute, no "..", at most 200 bytes. */
bool parse_zone_name_ok(const char *name);
/* The same from the bytes of a TZif file (RFC 8536, versions 1-4); name
 * is only what parse_zone_name returns. CX_ERR_INVALID if malformed. */
cx_result parse_zone_from_tzif(const char *name, const void *data, size_t n,
                               parse_zone_t **out, buf_t *msg);
void parse_zone_free(parse_zone_t *z); /* NULL is fine */
const char *parse_zone_name(const parse_zone_t *z);

/* Seconds east of UTC in force at Unix time t. NULL means UTC. */
int32_t parse_zone_offset(const parse_zone_t *z, int64_t t);

/*
 * Unix time of a local wall-clock time, given as seconds since
 * 1970-01-01 00:00 of the local calendar. Deterministic at the two
 * yearly edges: a time that occurs twice (clocks go back) is the earlier
 * instant; a time that never occurs (clocks go forward) is moved forward by
 * the length of the gap (02:30 on the spring day in Warsaw is 03:30 CEST),
 * as java.time does. NULL means UTC.
 */
int64_t parse_zone_to_utc(const parse_zone_t *z, int64_t local);

/* ---- dates ---------------------------------------------------------- */

typedef enum parse_date_style {
    PARSE_DATE_PATTERN,   /* a strftime-like pattern, see below */
    PARSE_DATE_ISO,       /* 2024-03-31, 2024-03-31T14:05[:09[.123]], with
                             optional Z, ±hh:mm or ±hhmm (space allowed
                             before the offset) */
    PARSE_DATE_DMY_DOT,   /* 31.03.2024 [14:05[:09]] (Polish) */
    PARSE_DATE_DMY_SLASH, /* 31/03/2024 [14:05[:09]] */
    PARSE_DATE_MDY_SLASH, /* 03/31/2024 [14:05[:09]] (US) */
    PARSE_DATE_YMD_SLASH, /* 2024/3/31 [14:05[:09]] */
    PARSE_DATE_DMY_DASH,  /* 31-03-2024 [14:05[:09]] */
} parse_date_style;

/*
 * Patterns understand %Y (four-digit year), %y (two digits: 69-99 are
 * 19xx, 00-68 are 20xx), %m %d %e %H %I %M %S (one or two digits), %f
 * (fraction of a second, ignored), %p (AM/PM), %b %B %h (month names in
 * English or Polish, any case, full, genitive or three-letter), %z (Z,
 * ±hh, ±hhmm, ±hh:mm), %F (%Y-%m-%d), %T (%H:%M:%S), %R (%H:%M) and %%.
 * A space matches one or more spaces; any other character itself.
 */
typedef struct parse_date_format {
    parse_date_style style;
    const char *pattern; /* PARSE_DATE_PATTERN only; not owned */
} parse_date_format_t;

/* Checks a user's pattern: known directives, and a year, month and day. */
cx_result parse_date_pattern_check(const char *pattern, buf_t *msg);

/* A short description for messages: "DD/MM/YYYY [HH:MM[:SS]]" or the
 * pattern itself. */
const char *parse_date_format_name(const parse_date_format_t *fmt);

/*
 * Parses a date or date-time. Without an explicit offset in the value it
 * is local time in zone (NULL: UTC); a date alone is local midnight.
 * Calendar errors are named: "2023-02-29 is not a date: February 2023 has
 * 28 days".
 */
cx_result parse_datetime(const parse_date_format_t *fmt, const parse_zone_t *zone,
                         const char *s, size_t n, int64_t *out, buf_t *msg);

typedef struct parse_date_detection {
    parse_date_format_t format;
    bool ambiguous; /* every value read as DD/MM and as MM/DD: DD/MM was taken */
    size_t used;    /* non-blank values that decided it */
} parse_date_detection_t;

/*
 * Finds the one style that reads every non-blank value of a column sample
 * (values[i] with lens[i] bytes). MM/DD/YYYY is chosen only when some
 * value rules out DD/MM/YYYY; when both read everything, DD/MM wins and
 * `ambiguous` is set so the importer can say so. Fails when no style reads
 * all values, naming a value that does not fit and suggesting --date-format.
 */
cx_result parse_date_detect(const char *const *values, const size_t *lens, size_t n,
                            parse_date_detection_t *out, buf_t *msg);

/* Days since 1970-01-01 of a proleptic Gregorian date (no validation). */
int64_t parse_days_from_civil(int64_t year, int month, int day);
/* The inverse: the proleptic Gregorian date of a day number. */
void parse_civil_from_days(int64_t days, int64_t *year, int *month, int *day);

/* ---- numbers -------------------------------------------------------- */

/*
 * A decimal number as people type it: "1 234,5", "1.234,5", "1,234.5",
 * "-0,5", "+3", "12.5%", "1e-3", "−2" (U+2212). Thousands separators are
 * space, no-break space (U+00A0, U+202F), apostrophe and whichever of '.'
 * and ',' is not the decimal mark; groups after the first have three
 * digits. decimal is '.' or ',', or 0 to decide from the value itself:
 * the last of '.' and ',' when both occur, a repeated one is a thousands
 * separator, and a single one followed by exactly three digits ("1,234")
 * is refused as ambiguous. A percentage gives the number as written
 * ("45%" is 45) with *percent set (percent may be NULL).
 */
cx_result parse_number(const char *s, size_t n, char decimal, double *out, bool *percent,
                       buf_t *msg);

/* The decimal mark a column sample uses: '.', ',' or 0 when no value
 * tells (all integers, or only ambiguous ones like "1,234"). */
char parse_number_detect_decimal(const char *const *values, const size_t *lens, size_t n);

/*
 * A whole number in [min, max]. "7", " 7 ", "+7" and "7.0" are 7; "7.5" is
 * "not a whole number". what names the value in messages ("score 11 is
 * outside 0–10").
 */
cx_result parse_int_range(const char *s, size_t n, long long min, long long max,
                          const char *what, long long *out, buf_t *msg);

/* yes/no in English and Polish: yes y true t 1 tak / no n false f 0 nie,
 * any case. */
cx_result parse_bool(const char *s, size_t n, bool *out, buf_t *msg);

/* True when s holds nothing but spaces (ASCII or no-break). */
bool parse_is_blank(const char *s, size_t n);

#endif
