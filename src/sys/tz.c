/*
 * tz.c — local dates in the organisation's time zone (see tz.h).
 *
 * Calendar arithmetic on day numbers is core/parse.c's (Howard Hinnant's
 * civil-date formulas), so only the UTC offset needs the C library. Offsets are cached per 15-minute slot: every
 * zone's offset is a multiple of 15 minutes and changes only on slot
 * boundaries, so the cache is exact.
 */
#include "sys/tz.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/parse.h"

static char zone_name[64] = "UTC";

cx_result tz_zone_load(const char *name, parse_zone_t **out, buf_t *msg)
{
    if (!name || !*name)
        name = PARSE_DEFAULT_ZONE;
    buf_t data;
    buf_init(&data, 1 << 16);
    bool have = false;
    if (strcmp(name, "UTC") != 0 && parse_zone_name_ok(name)) {
        const char *dir = getenv("TZDIR");
        if (!dir || !*dir)
            dir = "/usr/share/zoneinfo";
        buf_t path;
        buf_init(&path, 256);
        buf_printf(&path, "%s/%s", dir, name);
        FILE *f = buf_failed(&path) ? NULL : fopen(buf_str(&path), "rb");
        if (f) {
            char chunk[4096];
            size_t got;
            while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
                buf_append(&data, chunk, got);
            have = !ferror(f) && !buf_failed(&data);
            fclose(f);
        }
        buf_free(&path);
    }
    cx_result rc = parse_zone_load(name, have ? data.data : NULL, have ? data.len : 0, out, msg);
    buf_free(&data);
    return rc;
}

bool tz_set(const char *name)
{
    if (!name || !*name || strlen(name) >= sizeof zone_name || strstr(name, ".."))
        return false;
    /* an unknown zone makes glibc fall back to UTC silently: check the file */
    char path[128];
    strcpy(path, "/usr/share/zoneinfo/");
    strcat(path, name);
    if (strcmp(name, "UTC") != 0) {
        FILE *f = fopen(path, "rb");
        if (!f)
            return false;
        fclose(f);
    }
    setenv("TZ", name, 1);
    tzset();
    strcpy(zone_name, name);
    return true;
}

const char *tz_name(void) { return zone_name; }

int32_t tz_days_from_civil(int y, int m, int d)
{
    return (int32_t)parse_days_from_civil(y, m, d);
}

void tz_civil_from_days(int32_t z, int *year, int *month, int *mday)
{
    int64_t y;
    parse_civil_from_days(z, &y, month, mday);
    *year = (int)y;
}

int tz_weekday(int32_t day)
{
    /* 1970-01-01 was a Thursday (4) */
    int w = (int)((day % 7 + 7) % 7); /* 0 = Thursday */
    return (w + 3) % 7 + 1;
}

void tz_iso_week(int32_t day, int *iso_year, int *week)
{
    /* the Thursday of this week decides the year */
    int32_t thursday = day - tz_weekday(day) + 4;
    int y, m, d;
    tz_civil_from_days(thursday, &y, &m, &d);
    int32_t jan1 = tz_days_from_civil(y, 1, 1);
    *iso_year = y;
    *week = (thursday - jan1) / 7 + 1;
}

/* Offset cache: slot = t / 900 → local - UTC seconds, for a window of
 * slots around the first time asked, grown on demand. */
#define SLOT_SECONDS 900
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static int32_t offset_uncached(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    return (int32_t)tm.tm_gmtoff;
}

/* A small direct-mapped cache keyed by slot; a miss costs one localtime_r. */
#define CACHE_SIZE 4096
static struct {
    int64_t slot;
    int32_t offset;
    bool valid;
} offset_cache[CACHE_SIZE];

static int32_t utc_offset(int64_t t)
{
    int64_t slot = t >= 0 ? t / SLOT_SECONDS : (t - SLOT_SECONDS + 1) / SLOT_SECONDS;
    /* times come in runs (rows in time order): remember the last slot per
     * thread and skip the shared cache and its lock */
    static _Thread_local int64_t last_slot = INT64_MIN;
    static _Thread_local int32_t last_offset;
    if (slot == last_slot)
        return last_offset;
    size_t i = (size_t)((uint64_t)slot % CACHE_SIZE);
    pthread_mutex_lock(&cache_lock);
    if (offset_cache[i].valid && offset_cache[i].slot == slot) {
        int32_t off = offset_cache[i].offset;
        pthread_mutex_unlock(&cache_lock);
        last_slot = slot;
        last_offset = off;
        return off;
    }
    pthread_mutex_unlock(&cache_lock);
    int32_t off = offset_uncached(slot * SLOT_SECONDS);
    pthread_mutex_lock(&cache_lock);
    offset_cache[i].slot = slot;
    offset_cache[i].offset = off;
    offset_cache[i].valid = true;
    pthread_mutex_unlock(&cache_lock);
    last_slot = slot;
    last_offset = off;
    return off;
}

int32_t tz_local_day(int64_t t)
{
    int64_t local = t + utc_offset(t);
    return (int32_t)(local >= 0 ? local / 86400 : (local - 86399) / 86400);
}

int64_t tz_day_start(int32_t day)
{
    /* local midnight = UTC midnight - offset; the offset at that instant may
     * differ by an hour on DST days, so correct once */
    int64_t guess = (int64_t)day * 86400;
    int64_t t = guess - utc_offset(guess);
    int64_t t2 = guess - utc_offset(t);
    return tz_local_day(t2) == day ? t2 : t;
}
