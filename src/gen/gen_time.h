/*
 * gen_time.h — the calendar arithmetic of the synthetic data: civil dates
 * as day numbers, weekdays, and local time in Europe/Warsaw.
 *
 * Synthetic data must come out byte for byte the same on every machine, so
 * nothing here reads the clock, the TZ variable or the system's zone
 * database: the Warsaw rule (CET, CEST from the last Sunday of March to the
 * last Sunday of October, switching at 01:00 UTC) is written out, which is
 * right for every year the product will generate. Pure functions only.
 */
#ifndef CX_GEN_TIME_H
#define CX_GEN_TIME_H

#include <stdbool.h>
#include <stdint.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
int64_t gen_days_from_civil(int year, int month, int day);
void gen_civil_from_days(int64_t days, int *year, int *month, int *day);

/* 0 = Monday ... 6 = Sunday. */
int gen_weekday(int64_t days);
int gen_days_in_month(int year, int month);

/* Offset of Warsaw local time from UTC at the instant utc, in seconds
 * (3600 or 7200). */
int gen_warsaw_offset(int64_t utc);

/* Unix time of local midnight of a day in Warsaw. */
int64_t gen_local_midnight(int64_t days);

/* Unix time of a local wall-clock time in Warsaw: `seconds` after
 * midnight of `days` (0..86399). A time in the spring-forward gap moves an
 * hour on; in the autumn overlap the later instant is taken. */
int64_t gen_local_time(int64_t days, int seconds);

/* Parses YYYY-MM-DD (years 1970-2200); false when malformed or not a
 * real date. */
bool gen_parse_date(const char *s, int64_t *days);

/* The day `months` calendar months before `days`, the day of month clamped
 * to the shorter month (2026-03-31 minus one month is 2026-02-28). */
int64_t gen_months_before(int64_t days, int months);

#endif
