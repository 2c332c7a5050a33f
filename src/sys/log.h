/*
 * log.h — one line per event on stderr, with a UTC timestamp and a level.
 *
 * Messages are formatted with buf_printf (see core/buf.h); every %s, %h or
 * other string argument is written with CR, LF and other control bytes
 * replaced by '?', so text from a request can never forge a log line.
 * Thread-safe: each line is written with a single write(2).
 */
#ifndef CX_LOG_H
#define CX_LOG_H

typedef enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level;

void log_set_level(log_level min);
/* Turns the access log (LOG_INFO lines of the web server) on or off. */
void log_msg(log_level level, const char *fmt, ...);

#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
