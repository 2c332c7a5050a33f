/*
 * gen_time.c — civil dates and Warsaw local time (see gen_time.h).
 *
 * The day-number conversions are the classic era-based algorithm (400-year
 * cycles of 146097 days), exact for every date we can meet.
 */
#include "gen/gen_time.h"

#include <string.h>

int64_t gen_days_from_civil(int year, int month, int day)
{
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                         /* [0, 399] */
    int64_t mp = (month + 9) % 12;                       /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + day - 1;          /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

void gen_civil_from_days(int64_t days, int *year, int *month, int *day)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    *year = (int)(yoe + era * 400 + (m <= 2));
    *month = (int)m;
    *day = (int)d;
}

int gen_weekday(int64_t days)
{
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    int64_t w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

int gen_days_in_month(int year, int month)
{
    static const int length[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2) {
        bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return leap ? 29 : 28;
    }
    return length[month - 1];
}

/* Day number of the last Sunday of a month. */
static int64_t last_sunday(int year, int month)
{
    int64_t last = gen_days_from_civil(year, month, gen_days_in_month(year, month));
    return last - gen_weekday(last + 1); /* weekday(last+1) = days past Sunday */
}

int gen_warsaw_offset(int64_t utc)
{
    int64_t days = utc >= 0 ? utc / 86400 : (utc - 86399) / 86400;
    int year, month, day;
    gen_civil_from_days(days, &year, &month, &day);
    int64_t summer_from = last_sunday(year, 3) * 86400 + 3600;
    int64_t summer_until = last_sunday(year, 10) * 86400 + 3600;
    return utc >= summer_from && utc < summer_until ? 7200 : 3600;
}

int64_t gen_local_time(int64_t days, int seconds)
{
    int64_t wall = days * 86400 + seconds;
    if (gen_warsaw_offset(wall - 3600) == 3600)
        return wall - 3600;
    if (gen_warsaw_offset(wall - 7200) == 7200)
        return wall - 7200;
    return wall - 3600; /* the hour that does not exist in spring */
}

int64_t gen_local_midnight(int64_t days) { return gen_local_time(days, 0); }

bool gen_parse_date(const char *s, int64_t *days)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    int v[3] = {0, 0, 0};
    const int start[3] = {0, 5, 8}, width[3] = {4, 2, 2};
    for (int f = 0; f < 3; f++) {
        for (int i = 0; i < width[f]; i++) {
            char c = s[start[f] + i];
            if (c < '0' || c > '9')
                return false;
            v[f] = v[f] * 10 + (c - '0');
        }
    }
    if (v[0] < 1970 || v[0] > 2200 || v[1] < 1 || v[1] > 12 || v[2] < 1 ||
        v[2] > gen_days_in_month(v[0], v[1]))
        return false;
    *days = gen_days_from_civil(v[0], v[1], v[2]);
    return true;
}

int64_t gen_months_before(int64_t days, int months)
{
    int year, month, day;
    gen_civil_from_days(days, &year, &month, &day);
    int index = year * 12 + (month - 1) - months;
    year = index / 12;
    month = index % 12 + 1;
    int length = gen_days_in_month(year, month);
    return gen_days_from_civil(year, month, day < length ? day : length);
}
