/*
 * qr.c — QR symbols as SVG and PNG (see qr.h).
 *
 * libqrencode builds the module matrix but has no image writer (its
 * qrencode command line tool carries its own PNG code, which is not part
 * of the library), so the PNG is written here with libpng, the library
 * Debian ships for exactly that. libpng reports errors by longjmp to the
 * setjmp in qr_png; nothing allocated between the two may be lost, so the
 * row buffer is allocated before setjmp and freed after it.
 */
#include "core/qr.h"

#include <png.h>
#include <qrencode.h>
#include <errno.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

cx_result qr_encode(const char *text, qr_matrix_t *out)
{
    memset(out, 0, sizeof *out);
    size_t len = text ? strlen(text) : 0;
    if (len == 0 || len > QR_TEXT_MAX)
        return CX_ERR_INVALID;
    /* byte mode (case-sensitive, as URL tokens are); version 0 = smallest
     * that fits */
    QRcode *code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
    if (!code)
        return errno == ERANGE ? CX_ERR_TOO_LARGE : errno == ENOMEM ? CX_ERR_NOMEM : CX_ERR_INVALID;
    size_t n = (size_t)code->width * (size_t)code->width;
    out->modules = malloc(n);
    if (!out->modules) {
        QRcode_free(code);
        return CX_ERR_NOMEM;
    }
    /* libqrencode keeps flags in the upper bits; bit 0 is the colour */
    for (size_t i = 0; i < n; i++)
        out->modules[i] = code->data[i] & 1;
    out->width = code->width;
    out->version = code->version;
    QRcode_free(code);
    return CX_OK;
}

void qr_matrix_free(qr_matrix_t *m)
{
    free(m->modules);
    m->modules = NULL;
    m->width = 0;
}

cx_result qr_svg(const char *text, buf_t *out)
{
    qr_matrix_t m;
    cx_result rc = qr_encode(text, &m);
    if (rc)
        return rc;
    int size = m.width + 2 * QR_QUIET_ZONE;
    /* crispEdges keeps neighbouring squares from showing hairline seams */
    buf_printf(out,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 %d %d\" "
               "width=\"%dmm\" height=\"%dmm\" shape-rendering=\"crispEdges\">\n"
               "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n<path fill=\"#000\" d=\"",
               size, size, size, size, size, size);
    /* one horizontal run of dark modules per subpath: compact and exact */
    for (int y = 0; y < m.width; y++) {
        int x = 0;
        while (x < m.width) {
            if (!m.modules[(size_t)y * (size_t)m.width + (size_t)x]) {
                x++;
                continue;
            }
            int start = x;
            while (x < m.width && m.modules[(size_t)y * (size_t)m.width + (size_t)x])
                x++;
            buf_printf(out, "M%d %dh%dv1h-%dz", start + QR_QUIET_ZONE, y + QR_QUIET_ZONE,
                       x - start, x - start);
        }
    }
    buf_puts(out, "\"/>\n</svg>\n");
    qr_matrix_free(&m);
    return buf_result(out);
}

static void qr_png_write(png_structp png, png_bytep data, png_size_t len)
{
    buf_append(png_get_io_ptr(png), data, len);
}

static void qr_png_flush(png_structp png)
{
    (void)png;
}

cx_result qr_png(const char *text, int module_px, buf_t *out)
{
    if (module_px < QR_PNG_MODULE_MIN || module_px > QR_PNG_MODULE_MAX)
        return CX_ERR_INVALID;
    qr_matrix_t m;
    cx_result rc = qr_encode(text, &m);
    if (rc)
        return rc;
    size_t side = (size_t)(m.width + 2 * QR_QUIET_ZONE) * (size_t)module_px;
    png_bytep row = malloc(side);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!row || !png || !info) {
        png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
        free(row);
        qr_matrix_free(&m);
        return CX_ERR_NOMEM;
    }
    if (setjmp(png_jmpbuf(png))) {
        /* only objects made before setjmp are touched here */
        png_destroy_write_struct(&png, &info);
        free(row);
        qr_matrix_free(&m);
        return buf_failed(out) ? buf_result(out) : CX_ERR_INTERNAL;
    }
    png_set_write_fn(png, out, qr_png_write, qr_png_flush);
    png_set_IHDR(png, info, (png_uint_32)side, (png_uint_32)side, 8, PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (size_t py = 0; py < side; py++) {
        long y = (long)(py / (size_t)module_px) - QR_QUIET_ZONE;
        for (size_t px = 0; px < side; px++) {
            long x = (long)(px / (size_t)module_px) - QR_QUIET_ZONE;
            bool dark = y >= 0 && y < m.width && x >= 0 && x < m.width &&
                        m.modules[(size_t)y * (size_t)m.width + (size_t)x];
            row[px] = dark ? 0 : 255;
        }
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(row);
    qr_matrix_free(&m);
    return buf_result(out);
}
