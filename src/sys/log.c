/*
 * log.c — stderr logging (see log.h).
 */
#include "sys/log.h"

#include <stdarg.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"

static log_level log_min_level = LOG_INFO;

void log_set_level(log_level min) { log_min_level = min; }

void log_msg(log_level level, const char *fmt, ...)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    if (level < log_min_level)
        return;
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);

    buf_t line;
    buf_init(&line, 16384);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&line, fmt, ap);
    va_end(ap);
    /* neutralise control bytes that arguments may carry */
    for (size_t i = 0; i < line.len; i++) {
        unsigned char c = (unsigned char)line.data[i];
        if (c < 0x20 || c == 0x7F)
            line.data[i] = '?';
    }
    buf_t out;
    buf_init(&out, 20000);
    buf_printf(&out, "%s %s %s\n", stamp, names[level],
               buf_failed(&line) ? "(log line too long)" : buf_str(&line));
    if (!buf_failed(&out)) {
        ssize_t ignored = write(STDERR_FILENO, out.data, out.len);
        (void)ignored;
    }
    buf_free(&line);
    buf_free(&out);
}
