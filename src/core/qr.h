/*
 * qr.h — QR codes for survey links: text in, SVG text or PNG bytes out,
 * for printing in a shop or on an invoice.
 *
 * Relies on libqrencode for the symbol (error correction level M, byte
 * mode, the smallest version that fits) and on libpng for the PNG file.
 * Every picture has the 4-module quiet zone the standard asks for, so a
 * code printed next to other ink still scans. Pure: no I/O, no state; safe
 * from any thread. It must never return a picture of a different text
 * than it was given (an encoding failure is an error, not a blank image).
 *
 * Ownership: the matrix of qr_encode is freed with qr_matrix_free; SVG and
 * PNG output is appended to the caller's buf.
 */
#ifndef CX_QR_H
#define CX_QR_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/result.h"

#define QR_QUIET_ZONE 4       /* modules of white border on each side */
#define QR_TEXT_MAX 2048      /* longest text we encode (a link, in practice) */
#define QR_PNG_MODULE_MIN 1   /* pixels per module of a PNG */
#define QR_PNG_MODULE_MAX 40
#define QR_PNG_MODULE_DEFAULT 8

/* The symbol without its quiet zone: width x width modules, row by row,
 * 1 for dark. */
typedef struct qr_matrix {
    int width;
    int version;
    unsigned char *modules;
} qr_matrix_t;

/* CX_ERR_INVALID for empty text or text over QR_TEXT_MAX bytes,
 * CX_ERR_TOO_LARGE when it does not fit a version-40 symbol, CX_ERR_NOMEM. */
cx_result qr_encode(const char *text, qr_matrix_t *out);
void qr_matrix_free(qr_matrix_t *m);

/* A standalone SVG document: one <path> of unit squares in a viewBox of
 * (width + 2 * QR_QUIET_ZONE) units, so it scales to any print size. */
cx_result qr_svg(const char *text, buf_t *out);

/* A PNG file (8-bit greyscale), module_px pixels per module
 * (QR_PNG_MODULE_MIN..QR_PNG_MODULE_MAX, else CX_ERR_INVALID). */
cx_result qr_png(const char *text, int module_px, buf_t *out);

#endif
