/*
 * test_parse.c — dates, time zones, numbers, ranges and flags.
 *
 * Expected Unix times were computed independently (Python's datetime with
 * zoneinfo). The zone code is also cross-checked against the C library's
 * localtime_r/mktime over decades and several zones (each Criterion test
 * runs in its own process, so setting TZ here touches nothing else).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/parse.h"
#include "core/rng.h"
#include "sys/tz.h"

static parse_zone_t *zone(const char *name)
{
    parse_zone_t *z = NULL;
    buf_t msg;
    buf_init(&msg, 0);
    cr_assert_eq(tz_zone_load(name, &z, &msg), CX_OK, "%s", buf_str(&msg));
    buf_free(&msg);
    return z;
}

/* ---- zones ---------------------------------------------------------- */

Test(zone, warsaw_offsets_and_transitions)
{
    parse_zone_t *w = zone("Europe/Warsaw");
    cr_assert_str_eq(parse_zone_name(w), "Europe/Warsaw");
    cr_assert_eq(parse_zone_offset(w, 1705320000), 3600, "January: CET");
    cr_assert_eq(parse_zone_offset(w, 1721044800), 7200, "July: CEST");
    cr_assert_eq(parse_zone_offset(w, 1711846800 - 1), 3600);
    cr_assert_eq(parse_zone_offset(w, 1711846800), 7200, "2024-03-31 01:00 UTC");
    cr_assert_eq(parse_zone_offset(w, 1729990800 - 1), 7200);
    cr_assert_eq(parse_zone_offset(w, 1729990800), 3600, "2024-10-27 01:00 UTC");
    parse_zone_free(w);
}

static int64_t civil(int y, int mo, int d, int h, int mi)
{
    return parse_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

Test(zone, gaps_and_overlaps_are_deterministic)
{
    parse_zone_t *w = zone("Europe/Warsaw");
    cr_assert_eq(parse_zone_to_utc(w, civil(2024, 6, 1, 12, 0)), 1717236000);
    /* 02:30 does not exist on 2024-03-31: read as 03:30 CEST */
    cr_assert_eq(parse_zone_to_utc(w, civil(2024, 3, 31, 2, 30)), 1711848600);
    /* 02:30 happens twice on 2024-10-27: the first, still CEST */
    cr_assert_eq(parse_zone_to_utc(w, civil(2024, 10, 27, 2, 30)), 1729989000);
    cr_assert_eq(parse_zone_to_utc(NULL, 12345), 12345, "NULL is UTC");
    cr_assert_eq(parse_zone_offset(NULL, 12345), 0);
    parse_zone_free(w);
}

static void cross_check_with_libc(const char *name)
{
    setenv("TZ", name, 1);
    tzset();
    parse_zone_t *z = zone(name);
    rng_t rng;
    rng_seed(&rng, 7);
    /* 1950 to 2045: older history, the TZif table, and the footer rule */
    for (int i = 0; i < 20000; i++) {
        int64_t t = rng_range(&rng, -631152000, 2366841600);
        time_t tt = (time_t)t;
        struct tm tm;
        localtime_r(&tt, &tm);
        cr_assert_eq(parse_zone_offset(z, t), tm.tm_gmtoff, "%s at %lld", name, (long long)t);
        /* away from transitions, local -> UTC must agree with mktime */
        if (parse_zone_offset(z, t - 2 * 86400) != parse_zone_offset(z, t + 2 * 86400))
            continue;
        int64_t local = t + tm.tm_gmtoff;
        struct tm lt = tm;
        lt.tm_isdst = -1;
        cr_assert_eq(parse_zone_to_utc(z, local), (int64_t)mktime(&lt), "%s local %lld", name,
                     (long long)local);
    }
    parse_zone_free(z);
}

Test(zone, agrees_with_libc_warsaw) { cross_check_with_libc("Europe/Warsaw"); }
Test(zone, agrees_with_libc_new_york) { cross_check_with_libc("America/New_York"); }
Test(zone, agrees_with_libc_sydney) { cross_check_with_libc("Australia/Sydney"); }
Test(zone, agrees_with_libc_kolkata) { cross_check_with_libc("Asia/Kolkata"); }
Test(zone, agrees_with_libc_bucharest) { cross_check_with_libc("Europe/Bucharest"); }
Test(zone, agrees_with_libc_london) { cross_check_with_libc("Europe/London"); }

Test(zone, builtin_rules_without_zoneinfo)
{
    parse_zone_t *file = zone("Europe/Warsaw");
    setenv("TZDIR", "/nonexistent-zoneinfo", 1);
    parse_zone_t *builtin = zone("Europe/Warsaw");
    for (int64_t t = 852076800; t < 1893456000; t += 3 * 3600 + 17) /* 1997..2030 */
        cr_assert_eq(parse_zone_offset(builtin, t), parse_zone_offset(file, t), "at %lld",
                     (long long)t);
    parse_zone_free(builtin);
    parse_zone_free(file);
    parse_zone_t *rule = zone("CET-1CEST,M3.5.0,M10.5.0/3");
    cr_assert_eq(parse_zone_offset(rule, 1721044800), 7200);
    parse_zone_free(rule);
    parse_zone_t *utc = zone("UTC");
    cr_assert_eq(parse_zone_offset(utc, 1721044800), 0);
    parse_zone_free(utc);
}

Test(zone, unknown_zones)
{
    parse_zone_t *z = (parse_zone_t *)1;
    buf_t msg;
    buf_init(&msg, 0);
    cr_assert_eq(tz_zone_load("Mars/Olympus_Mons", &z, &msg), CX_ERR_INVALID);
    cr_assert_null(z);
    cr_assert_str_eq(buf_str(&msg), "unknown time zone 'Mars/Olympus_Mons'; use a name such "
                                    "as 'Europe/Warsaw' or 'UTC'");
    buf_reset(&msg);
    cr_assert_eq(tz_zone_load("../../etc/passwd", &z, &msg), CX_ERR_INVALID);
    buf_free(&msg);
}

/* ---- dates ---------------------------------------------------------- */

static int64_t when(parse_date_style style, const char *pattern, const char *s)
{
    parse_zone_t *w = zone("Europe/Warsaw");
    parse_date_format_t f = {style, pattern};
    int64_t t = 0;
    buf_t msg;
    buf_init(&msg, 0);
    cx_result rc = parse_datetime(&f, w, s, strlen(s), &t, &msg);
    cr_assert_eq(rc, CX_OK, "%s: %s", s, buf_str(&msg));
    buf_free(&msg);
    parse_zone_free(w);
    return t;
}

static void date_error(parse_date_style style, const char *pattern, const char *s,
                       const char *want)
{
    parse_date_format_t f = {style, pattern};
    int64_t t;
    buf_t msg;
    buf_init(&msg, 0);
    cr_assert_eq(parse_datetime(&f, NULL, s, strlen(s), &t, &msg), CX_ERR_INVALID, "%s", s);
    cr_assert_str_eq(buf_str(&msg), want);
    buf_free(&msg);
}

Test(dates, patterns)
{
    cr_assert_eq(when(PARSE_DATE_PATTERN, "%d/%m/%Y %H:%M", "11/04/2018 20:09"), 1523470140);
    cr_assert_eq(when(PARSE_DATE_PATTERN, "%Y/%m/%d", "2020/3/18"), 1584486000);
    cr_assert_eq(when(PARSE_DATE_PATTERN, "%Y-%m-%d %H:%M:%S %z", "2015-02-24 11:35:52 -0800"),
                 1424806552);
    cr_assert_eq(when(PARSE_DATE_PATTERN, "%d %B %Y", "5 maja 2024"), 1714860000);
    cr_assert_eq(when(PARSE_DATE_PATTERN, "%d %B %Y", "5 May 2024"), 1714860000);
    cr_assert_eq(when(PARSE_DATE_PATTERN, "%b %d, %Y", "Mar 5, 2024"), 1709593200);
    cr_assert_eq(when(PARSE_DATE_PATTERN, "%d %b %Y", "05 MAR 2024"), 1709593200);
    cr_assert_eq(when(PARSE_DATE_PATTERN, "%d %B %Y", "5 marca 2024"), 1709593200);
    cr_assert_eq(when(PARSE_DATE_PATTERN, "%m/%d/%Y %I:%M %p", "03/05/2024 01:30 PM"), 1709641800);
    cr_assert_eq(when(PARSE_DATE_PATTERN, "%m/%d/%Y %I:%M %p", "03/05/2024 12:00 am"), 1709593200);
    cr_assert_eq(when(PARSE_DATE_PATTERN, "%d.%m.%y", "05.03.24"), 1709593200);
    cr_assert_eq(when(PARSE_DATE_PATTERN, "%F %T", "2024-03-31 14:05:09"), 1711886709);
    cr_assert_eq(when(PARSE_DATE_PATTERN, "%Y%m%d", "20240305"), 1709593200);
    cr_assert_eq(when(PARSE_DATE_PATTERN, "%d/%m/%Y %H:%M", "  11/04/2018   20:09 "), 1523470140,
                 "spaces around and a run of spaces inside");
}

Test(dates, styles)
{
    cr_assert_eq(when(PARSE_DATE_ISO, NULL, "2024-03-31T14:05:09Z"), 1711893909);
    cr_assert_eq(when(PARSE_DATE_ISO, NULL, "2024-03-31T14:05:09+02:00"), 1711886709);
    cr_assert_eq(when(PARSE_DATE_ISO, NULL, "2024-03-31 14:05:09.123+0200"), 1711886709);
    cr_assert_eq(when(PARSE_DATE_ISO, NULL, "2024-03-31 14:05:09 +02"), 1711886709);
    cr_assert_eq(when(PARSE_DATE_ISO, NULL, "2015-02-24 11:35:52 -0800"), 1424806552);
    cr_assert_eq(when(PARSE_DATE_ISO, NULL, "2024-03-31"), 1711839600, "local midnight");
    cr_assert_eq(when(PARSE_DATE_ISO, NULL, "2024-03-31 14:05"), 1711886700, "local CEST");
    cr_assert_eq(when(PARSE_DATE_DMY_DOT, NULL, "31.03.2024 14:05"), 1711886700);
    cr_assert_eq(when(PARSE_DATE_DMY_SLASH, NULL, "11/04/2018 20:09"), 1523470140);
    cr_assert_eq(when(PARSE_DATE_MDY_SLASH, NULL, "04/11/2018 20:09:00"), 1523470140);
    cr_assert_eq(when(PARSE_DATE_YMD_SLASH, NULL, "2020/3/18"), 1584486000);
    cr_assert_eq(when(PARSE_DATE_DMY_DASH, NULL, "18-03-2020"), 1584486000);
}

Test(dates, calendar_errors_are_named)
{
    date_error(PARSE_DATE_ISO, NULL, "2023-02-29",
               "'2023-02-29' is not a valid date: February 2023 has 28 days");
    date_error(PARSE_DATE_ISO, NULL, "2024-13-01", "'2024-13-01' is not a valid date: there is no month 13");
    date_error(PARSE_DATE_DMY_SLASH, NULL, "31/04/2024",
               "'31/04/2024' is not a valid date: April 2024 has 30 days");
    date_error(PARSE_DATE_DMY_DOT, NULL, "01.01.2024 25:00",
               "'01.01.2024 25:00' is not a valid date: there is no hour 25");
    date_error(PARSE_DATE_DMY_DOT, NULL, "01.01.2024 12:60",
               "'01.01.2024 12:60' is not a valid date: there is no minute 60");
    date_error(PARSE_DATE_DMY_SLASH, NULL, "2024.03.05",
               "'2024.03.05' does not match the date format 'DD/MM/YYYY [HH:MM[:SS]]'");
    date_error(PARSE_DATE_PATTERN, "%Y/%m/%d", "2020/3/18 12:00",
               "'2020/3/18 12:00' does not match the date format '%Y/%m/%d'");
    date_error(PARSE_DATE_ISO, NULL, " ", "an empty value is not a date");
    date_error(PARSE_DATE_ISO, NULL, "2024-02-29T10:00+25:00",
               "'2024-02-29T10:00+25:00' does not match the date format "
               "'YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM]'");
    cr_assert_eq(when(PARSE_DATE_ISO, NULL, "2024-02-29"), 1709161200, "a leap day is fine");
}

Test(dates, pattern_check)
{
    buf_t msg;
    buf_init(&msg, 0);
    cr_assert_eq(parse_date_pattern_check("%d/%m/%Y %H:%M", &msg), CX_OK);
    cr_assert_eq(parse_date_pattern_check("%F", &msg), CX_OK);
    cr_assert_eq(parse_date_pattern_check("%Y-%m", &msg), CX_ERR_INVALID);
    cr_assert_str_eq(buf_str(&msg),
                     "the date format '%Y-%m' needs a year (%Y), a month (%m) and a day (%d)");
    buf_reset(&msg);
    cr_assert_eq(parse_date_pattern_check("%Y-%m-%d %Q", &msg), CX_ERR_INVALID);
    cr_assert(strstr(buf_str(&msg), "unknown directive %Q"), "%s", buf_str(&msg));
    buf_reset(&msg);
    cr_assert_eq(parse_date_pattern_check("%Y-%m-%d %", &msg), CX_ERR_INVALID);
    cr_assert(strstr(buf_str(&msg), "lone %"), "%s", buf_str(&msg));
    buf_free(&msg);
}

static cx_result detect(const char *const *v, size_t n, parse_date_detection_t *d, buf_t *msg)
{
    size_t lens[32];
    for (size_t i = 0; i < n; i++)
        lens[i] = strlen(v[i]);
    return parse_date_detect(v, lens, n, d, msg);
}

Test(dates, detection)
{
    parse_date_detection_t d;
    const char *nps[] = {"11/04/2018 20:09", "", "25/01/2018 08:00", "02/05/2018 10:10"};
    cr_assert_eq(detect(nps, 4, &d, NULL), CX_OK);
    cr_assert_eq(d.format.style, PARSE_DATE_DMY_SLASH);
    cr_assert_not(d.ambiguous);
    cr_assert_eq(d.used, 3, "blank values do not count");
    const char *us[] = {"04/25/2018", "01/02/2018"};
    cr_assert_eq(detect(us, 2, &d, NULL), CX_OK);
    cr_assert_eq(d.format.style, PARSE_DATE_MDY_SLASH);
    const char *either[] = {"01/02/2018", "03/04/2018 10:00"};
    cr_assert_eq(detect(either, 2, &d, NULL), CX_OK);
    cr_assert_eq(d.format.style, PARSE_DATE_DMY_SLASH);
    cr_assert(d.ambiguous);
    const char *cfpb[] = {"2020/3/18", "2019/12/1", "2016/10/31"};
    cr_assert_eq(detect(cfpb, 3, &d, NULL), CX_OK);
    cr_assert_eq(d.format.style, PARSE_DATE_YMD_SLASH);
    const char *iso[] = {"2015-02-24 11:35:52 -0800", "2015-02-24T11:35:52Z", "2015-02-24"};
    cr_assert_eq(detect(iso, 3, &d, NULL), CX_OK);
    cr_assert_eq(d.format.style, PARSE_DATE_ISO);
    const char *pl[] = {"31.03.2024", "1.4.2024 8:05"};
    cr_assert_eq(detect(pl, 2, &d, NULL), CX_OK);
    cr_assert_eq(d.format.style, PARSE_DATE_DMY_DOT);
}

Test(dates, detection_failures)
{
    parse_date_detection_t d;
    buf_t msg;
    buf_init(&msg, 0);
    const char *mixed[] = {"31.03.2024", "2024-03-31", "01.04.2024"};
    cr_assert_eq(detect(mixed, 3, &d, &msg), CX_ERR_INVALID);
    cr_assert_str_eq(buf_str(&msg),
                     "'2024-03-31' does not have the format of the other dates (DD.MM.YYYY "
                     "[HH:MM[:SS]], e.g. '31.03.2024'); give the format with --date-format, "
                     "e.g. '%d/%m/%Y %H:%M'");
    buf_reset(&msg);
    const char *typo[] = {"31.03.2024", "30.02.2024"};
    cr_assert_eq(detect(typo, 2, &d, &msg), CX_ERR_INVALID);
    cr_assert(strstr(buf_str(&msg), "'30.02.2024' is not a valid date: February 2024 has 29 days"),
              "%s", buf_str(&msg));
    buf_reset(&msg);
    const char *junk[] = {"yesterday"};
    cr_assert_eq(detect(junk, 1, &d, &msg), CX_ERR_INVALID);
    cr_assert(strstr(buf_str(&msg), "'yesterday' is not a date in a known format"), "%s",
              buf_str(&msg));
    buf_reset(&msg);
    const char *empty[] = {"", " "};
    cr_assert_eq(detect(empty, 2, &d, &msg), CX_ERR_INVALID);
    cr_assert_str_eq(buf_str(&msg), "no dates to recognise: every value is empty");
    buf_free(&msg);
}

/* ---- numbers -------------------------------------------------------- */

static double num(const char *s, char decimal)
{
    double v = -12345;
    buf_t msg;
    buf_init(&msg, 0);
    cr_assert_eq(parse_number(s, strlen(s), decimal, &v, NULL, &msg), CX_OK, "%s: %s", s,
                 buf_str(&msg));
    buf_free(&msg);
    return v;
}

static void num_error(const char *s, char decimal, const char *want)
{
    double v;
    buf_t msg;
    buf_init(&msg, 0);
    cr_assert_eq(parse_number(s, strlen(s), decimal, &v, NULL, &msg), CX_ERR_INVALID, "%s", s);
    cr_assert_str_eq(buf_str(&msg), want);
    buf_free(&msg);
}

Test(numbers, polish_and_english_punctuation)
{
    cr_assert_eq(num("29.85", 0), 29.85, "exactly the nearest double");
    cr_assert_eq(num("0.1", 0), 0.1);
    cr_assert_eq(num("1 234,5", 0), 1234.5);
    cr_assert_eq(num("1.234,5", 0), 1234.5);
    cr_assert_eq(num("1,234.5", 0), 1234.5);
    cr_assert_eq(num("1\u00A0234,5", 0), 1234.5, "no-break space");
    cr_assert_eq(num("1\u202F234\u202F567", 0), 1234567, "narrow no-break space");
    cr_assert_eq(num("1'234.5", 0), 1234.5);
    cr_assert_eq(num("1.234.567", 0), 1234567);
    cr_assert_eq(num("-0,5", 0), -0.5);
    cr_assert_eq(num("+3", 0), 3);
    cr_assert_eq(num("\u22122,5", 0), -2.5, "U+2212 minus");
    cr_assert_eq(num(" 7 ", 0), 7);
    cr_assert_eq(num("0,123", 0), 0.123, "a leading zero makes it decimal");
    cr_assert_eq(num("1,2345", 0), 1.2345);
    cr_assert_eq(num(".5", 0), 0.5);
    cr_assert_eq(num("1e-3", 0), 0.001);
    cr_assert_eq(num("1,5e3", 0), 1500);
    cr_assert_eq(num("1,234", ','), 1.234);
    cr_assert_eq(num("1,234", '.'), 1234);
    cr_assert_eq(num("1.234", ','), 1234);
    cr_assert_eq(num("3.14159265358979323846", 0), 3.141592653589793);
    cr_assert_eq(num("12345678901234567890", 0), 12345678901234567890.0);
    double v;
    bool pct = false;
    cr_assert_eq(parse_number("12,5 %", 6, 0, &v, &pct, NULL), CX_OK);
    cr_assert(pct);
    cr_assert_eq(v, 12.5);
    cr_assert_eq(parse_number("12", 2, 0, &v, &pct, NULL), CX_OK);
    cr_assert_not(pct);
}

Test(numbers, errors)
{
    num_error("1,234", 0, "'1,234' is ambiguous: the mark could be a decimal mark or a thousands "
                          "separator; say which decimal mark the file uses");
    num_error("12 34", 0, "'12 34' is not a number: a thousands separator is misplaced");
    num_error("1,2,3", 0, "'1,2,3' is not a number: a thousands separator is misplaced");
    num_error("1 234.567,8", '.', "'1 234.567,8' is not a number: mixed separators");
    num_error("1.5,3", ',', "'1.5,3' is not a number: a thousands separator is misplaced");
    num_error("abc", 0, "'abc' is not a number");
    num_error("1..5", 0, "'1..5' is not a number");
    num_error("5 zł", 0, "'5 zł' is not a number");
    num_error("", 0, "an empty value is not a number");
    num_error("1e999", 0, "'1e999' is out of range");
    num_error("ab\ncd", 0, "'ab?cd' is not a number");
    num_error("a123456789b123456789c123456789d123456789e123456789", 0,
              "'a123456789b123456789c123456789d123456789…' is not a number");
}

static char decimal_of(const char *const *v, size_t n)
{
    size_t lens[16];
    for (size_t i = 0; i < n; i++)
        lens[i] = strlen(v[i]);
    return parse_number_detect_decimal(v, lens, n);
}

Test(numbers, decimal_mark_detection)
{
    const char *pl[] = {"1,5", "2", "", "3,25"};
    cr_assert_eq(decimal_of(pl, 4), ',');
    const char *en[] = {"29.85", "1397.475"};
    cr_assert_eq(decimal_of(en, 2), '.');
    const char *ints[] = {"1", "20"};
    cr_assert_eq(decimal_of(ints, 2), 0);
    const char *unclear[] = {"1,234", "5,678"};
    cr_assert_eq(decimal_of(unclear, 2), 0);
    const char *grouped[] = {"1.234.567", "1,234"};
    cr_assert_eq(decimal_of(grouped, 2), ',');
    const char *contradict[] = {"1.5", "2,5"};
    cr_assert_eq(decimal_of(contradict, 2), 0);
}

static void int_error(const char *s, long long lo, long long hi, const char *want)
{
    long long v;
    buf_t msg;
    buf_init(&msg, 0);
    cr_assert_eq(parse_int_range(s, strlen(s), lo, hi, "score", &v, &msg), CX_ERR_INVALID, "%s", s);
    cr_assert_str_eq(buf_str(&msg), want);
    buf_free(&msg);
}

Test(numbers, integer_ranges)
{
    long long v;
    cr_assert_eq(parse_int_range("7", 1, 0, 10, "score", &v, NULL), CX_OK);
    cr_assert_eq(v, 7);
    cr_assert_eq(parse_int_range(" +10 ", 5, 0, 10, "score", &v, NULL), CX_OK);
    cr_assert_eq(v, 10);
    cr_assert_eq(parse_int_range("3.0", 3, 1, 5, "rating", &v, NULL), CX_OK);
    cr_assert_eq(v, 3);
    cr_assert_eq(parse_int_range("0", 1, 0, 10, "score", &v, NULL), CX_OK);
    cr_assert_eq(v, 0);
    int_error("11", 0, 10, "score 11 is outside 0–10");
    int_error("-1", 0, 10, "score -1 is outside 0–10");
    int_error("7.5", 0, 10, "score '7.5' is not a whole number");
    int_error("abc", 0, 10, "score 'abc' is not a whole number");
    int_error("50%", 0, 100, "score '50%' is not a whole number");
    int_error(" ", 0, 10, "score is empty");
}

Test(flags, yes_no_and_blank)
{
    bool b;
    cr_assert_eq(parse_bool("Yes", 3, &b, NULL), CX_OK);
    cr_assert(b);
    cr_assert_eq(parse_bool(" nie ", 5, &b, NULL), CX_OK);
    cr_assert_not(b);
    cr_assert_eq(parse_bool("TAK", 3, &b, NULL), CX_OK);
    cr_assert(b);
    cr_assert_eq(parse_bool("0", 1, &b, NULL), CX_OK);
    cr_assert_not(b);
    buf_t msg;
    buf_init(&msg, 0);
    cr_assert_eq(parse_bool("maybe", 5, &b, &msg), CX_ERR_INVALID);
    cr_assert_str_eq(buf_str(&msg), "'maybe' is neither yes nor no");
    buf_free(&msg);
    cr_assert(parse_is_blank(" \u00A0\t", strlen(" \u00A0\t")));
    cr_assert(parse_is_blank("", 0));
    cr_assert_not(parse_is_blank(" x ", 3));
}
