/*
 * csv_bench.c — how fast the CSV reader goes through a file.
 *
 *   csv_bench [--no-quoting] [--delimiter C] [--encoding NAME] [--repeat N] FILE
 *   csv_bench --generate MB FILE
 *
 * Reads FILE with the import reader (header on, field-count check on, as
 * the importer uses it), touches every field so nothing is optimised away,
 * and prints one line of key=value pairs: records, fields, bytes, the best
 * wall-clock and CPU times of N runs and MB/s (10^6 bytes per second, by
 * wall clock). bench/csv/run compares
 * it with the sqlite3 shell's .import on the same file.
 *
 * --generate writes a synthetic survey export of about MB megabytes: one
 * response per record (about 200 bytes: id, ISO time, survey, touchpoint,
 * channel, score, comment, e-mail), comments in Polish and English, a
 * quarter of them quoted with commas, some with doubled quotes and line
 * breaks inside. The same MB always gives the same bytes.
 *
 * Relies on core/csv and core/rng. Writes only the file it is told to.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/csv.h"
#include "core/rng.h"

static double clock_seconds(clockid_t which)
{
    struct timespec ts;
    clock_gettime(which, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int usage(void)
{
    fputs("usage: csv_bench [--no-quoting] [--delimiter C] [--encoding NAME] "
          "[--repeat N] FILE\n       csv_bench --generate MB FILE\n", stderr);
    return 2;
}

static const char *const phrases[] = {
    "Obsługa bardzo miła", "czekałem za długo na infolinii", "great service",
    "the app keeps crashing", "polecam", "nie polecam", "faktura była błędna",
    "fast delivery", "technik przyszedł punktualnie", "za drogo",
    "wszystko w porządku", "could be better", "zażółć gęślą jaźń",
};
static const char *const surveys[] = {"NPS relacyjny", "CSAT po kontakcie", "CES zwroty"};
static const char *const touchpoints[] = {"infolinia", "sklep", "aplikacja", "faktura",
                                          "instalacja", "reklamacja"};
static const char *const channels[] = {"email", "sms", "web", "ivr"};

/* One comment: a few phrases; commas, quotes and line breaks force quoting. */
static void put_comment(FILE *f, rng_t *rng)
{
    int n = (int)rng_range(rng, 1, 4);
    int kind = (int)rng_range(rng, 0, 19);
    bool quoted = kind < 5;
    if (quoted)
        fputc('"', f);
    for (int i = 0; i < n; i++) {
        if (i)
            fputs(quoted && kind < 3 ? ", " : " ", f);
        fputs(phrases[rng_range(rng, 0, sizeof phrases / sizeof phrases[0] - 1)], f);
    }
    if (kind == 0)
        fputs("\nP.S. \"\"naprawdę\"\" dziękuję", f);
    else if (kind == 1)
        fputs(" - \"\"OK\"\"", f);
    else if (kind == 2)
        fputs("\r\n-- wysłane z telefonu", f);
    if (quoted)
        fputc('"', f);
}

static int generate(const char *mb_text, const char *path)
{
    long long mb = atoll(mb_text);
    if (mb < 1)
        return usage();
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return 1;
    }
    static char iobuf[1 << 20];
    setvbuf(f, iobuf, _IOFBF, sizeof iobuf);
    rng_t rng;
    rng_seed(&rng, (uint64_t)mb);
    fputs("response_id,created_at,survey,touchpoint,channel,score,comment,customer_email\r\n", f);
    int64_t t = 1704067200; /* 2024-01-01 */
    for (long long id = 1; ftell(f) < mb * 1000000; id++) {
        t += rng_range(&rng, 1, 60);
        int64_t days = t / 86400, sec = t % 86400;
        int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
        int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
        int d = (int)(doy - (153 * mp + 2) / 5 + 1), m = (int)(mp < 10 ? mp + 3 : mp - 9);
        long long y = yoe + era * 400 + (m <= 2);
        fprintf(f, "%lld,%04lld-%02d-%02dT%02d:%02d:%02dZ,%s,%s,%s,%d,", id, y, m, d,
                (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60),
                surveys[rng_range(&rng, 0, 2)], touchpoints[rng_range(&rng, 0, 5)],
                channels[rng_range(&rng, 0, 3)], (int)rng_range(&rng, 0, 10));
        put_comment(f, &rng);
        fprintf(f, ",klient%lld@example.com\r\n", (long long)rng_range(&rng, 1, 200000));
    }
    if (fclose(f) != 0) {
        perror(path);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    csv_options_t opt = {.header = true, .check_field_count = true};
    int repeat = 3;
    const char *path = NULL;
    if (argc == 4 && strcmp(argv[1], "--generate") == 0)
        return generate(argv[2], argv[3]);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-quoting") == 0) {
            opt.no_quoting = true;
        } else if (strcmp(argv[i], "--delimiter") == 0 && i + 1 < argc) {
            const char *d = argv[++i];
            opt.delimiter = strcmp(d, "tab") == 0 || strcmp(d, "\\t") == 0 ? '\t' : d[0];
        } else if (strcmp(argv[i], "--encoding") == 0 && i + 1 < argc) {
            bool ok;
            opt.encoding = charset_from_name(argv[++i], &ok);
            if (!ok)
                return usage();
        } else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
            repeat = atoi(argv[++i]);
            if (repeat < 1)
                return usage();
        } else if (argv[i][0] == '-' || path) {
            return usage();
        } else {
            path = argv[i];
        }
    }
    if (!path)
        return usage();
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return 1;
    }
    double best = 1e300, best_cpu = 1e300;
    unsigned long long records = 0, fields = 0, checksum = 0;
    for (int run = 0; run < repeat; run++) {
        FILE *f = fopen(path, "rb");
        if (!f) {
            perror(path);
            return 1;
        }
        double t0 = clock_seconds(CLOCK_MONOTONIC), c0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
        csv_reader_t *r;
        cx_result rc = csv_reader_open_file(&r, f, path, &opt);
        csv_record_t rec;
        records = fields = checksum = 0;
        while (rc == CX_OK && (rc = csv_next_record(r, &rec)) == CX_OK && rec.count) {
            records++;
            fields += rec.count;
            for (size_t i = 0; i < rec.count; i++)
                checksum += rec.fields[i].len + (unsigned char)rec.fields[i].data[0];
        }
        double t = clock_seconds(CLOCK_MONOTONIC) - t0;
        double c = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
        if (rc) {
            fprintf(stderr, "csv_bench: %s\n", r ? csv_reader_error(r) : "out of memory");
            csv_reader_close(r);
            fclose(f);
            return 1;
        }
        csv_reader_close(r);
        fclose(f);
        if (t < best)
            best = t;
        if (c < best_cpu)
            best_cpu = c;
    }
    printf("records=%llu fields=%llu bytes=%lld seconds=%.4f cpu_seconds=%.4f mb_per_s=%.1f "
           "checksum=%llu\n",
           records, fields, (long long)st.st_size, best, best_cpu,
           (double)st.st_size / 1e6 / best, checksum);
    return 0;
}
