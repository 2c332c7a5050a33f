/*
 * tz.h — the organisation's time zone: local calendar dates of UTC times.
 *
 * Times are stored in UTC; periods (day, ISO week, month, quarter, year)
 * are cut in the organisation's zone (Europe/Warsaw in the demo). The C
 * library only converts in the process's zone, so tz_set changes TZ for
 * the whole process once, at start-up, before threads exist; cxloop logs
 * in UTC and never relies on local time elsewhere.
 */
#ifndef CX_TZ_H
#define CX_TZ_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/parse.h"
#include "core/result.h"

/* Sets the zone by IANA name ("Europe/Warsaw"); false if unknown (the zone
 * is then left as it was). Call before any thread starts. */
bool tz_set(const char *name);
const char *tz_name(void);

/* A zone for reading local times (imports): name's zoneinfo file under
 * $TZDIR or the system zoneinfo directory, read here and made into a zone
 * by parse_zone_load (which also knows "UTC", POSIX rules and a few zones
 * built in for machines without zoneinfo). CX_ERR_INVALID with a message
 * for an unknown zone. Caller frees with parse_zone_free. Independent of
 * tz_set. */
cx_result tz_zone_load(const char *name, parse_zone_t **out, buf_t *msg);

/* Days since 1970-01-01 of the local calendar date of t (Unix seconds). */
int32_t tz_local_day(int64_t t);
/* Unix seconds of local midnight starting the given local day number. */
int64_t tz_day_start(int32_t day);

/* Proleptic Gregorian helpers on day numbers (days since 1970-01-01). */
int32_t tz_days_from_civil(int year, int month, int mday);
void tz_civil_from_days(int32_t day, int *year, int *month, int *mday);
/* ISO 8601 week: the week-numbering year and week 1..53; Monday = 1 weekday. */
void tz_iso_week(int32_t day, int *iso_year, int *week);
int tz_weekday(int32_t day); /* 1 = Monday .. 7 = Sunday */

#endif
