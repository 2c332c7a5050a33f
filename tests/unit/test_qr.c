/*
 * test_qr.c — QR codes: the module matrix against libqrencode's own, the
 * SVG drawn back into a matrix, the PNG read back pixel by pixel with
 * libpng. Decoding a QR code from an image is left to the HTTP test
 * (zbarimg); here the structure is checked exactly.
 */
#include <criterion/criterion.h>
#include <png.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "core/qr.h"

#define LINK "http://localhost:8080/s/obsluga-klienta?t=Zx3_kq-9aB0cD1eF2gH3iJ4kL5mN6oP7qR8sT9uV0wX"

Test(qr, matrix_is_libqrencodes)
{
    const char *texts[] = {"hello", LINK, "Zażółć gęślą jaźń"};
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        qr_matrix_t m;
        cr_assert_eq(qr_encode(texts[t], &m), CX_OK);
        QRcode *ref = QRcode_encodeString8bit(texts[t], 0, QR_ECLEVEL_M);
        cr_assert_not_null(ref);
        cr_assert_eq(m.width, ref->width);
        cr_assert_eq(m.version, ref->version);
        for (int i = 0; i < ref->width * ref->width; i++)
            cr_assert_eq(m.modules[i], ref->data[i] & 1, "module %d of '%s'", i, texts[t]);
        QRcode_free(ref);
        qr_matrix_free(&m);
    }
}

Test(qr, version_follows_length_at_level_m)
{
    qr_matrix_t m;
    /* version 1-M holds 14 bytes: 21 modules */
    cr_assert_eq(qr_encode("hello", &m), CX_OK);
    cr_assert_eq(m.version, 1);
    cr_assert_eq(m.width, 21);
    qr_matrix_free(&m);
    /* 85 bytes: over 5-M (84), within 6-M (106): 41 modules */
    cr_assert_eq(strlen(LINK), 85);
    cr_assert_eq(qr_encode(LINK, &m), CX_OK);
    cr_assert_eq(m.version, 6);
    cr_assert_eq(m.width, 41);
    qr_matrix_free(&m);
}

Test(qr, bad_text_is_refused)
{
    qr_matrix_t m;
    cr_assert_eq(qr_encode("", &m), CX_ERR_INVALID);
    cr_assert_eq(qr_encode(NULL, &m), CX_ERR_INVALID);
    char *big = malloc(QR_TEXT_MAX + 2);
    memset(big, 'a', QR_TEXT_MAX + 1);
    big[QR_TEXT_MAX + 1] = '\0';
    cr_assert_eq(qr_encode(big, &m), CX_ERR_INVALID);
    buf_t b;
    buf_init(&b, 0);
    cr_assert_eq(qr_png("x", 0, &b), CX_ERR_INVALID);
    cr_assert_eq(qr_png("x", QR_PNG_MODULE_MAX + 1, &b), CX_ERR_INVALID);
    cr_assert_eq(b.len, 0);
    buf_free(&b);
    free(big);
}

/* Draws the path of qr_svg back into a matrix: "Mx yhNv1h-Nz" runs. */
Test(qr, svg_draws_exactly_the_dark_modules)
{
    buf_t b;
    buf_init(&b, 0);
    cr_assert_eq(qr_svg(LINK, &b), CX_OK);
    const char *s = buf_str(&b);
    int size = 41 + 2 * QR_QUIET_ZONE;
    char view[64];
    snprintf(view, sizeof view, "viewBox=\"0 0 %d %d\"", size, size);
    cr_assert_not_null(strstr(s, view), "%s", s);
    cr_assert(strncmp(s, "<?xml", 5) == 0);
    cr_assert_not_null(strstr(s, "</svg>\n"));
    unsigned char *drawn = calloc((size_t)size * (size_t)size, 1);
    const char *d = strstr(s, " d=\"");
    cr_assert_not_null(d);
    d += 4;
    while (*d == 'M') {
        int x, y, n, n2, used;
        cr_assert_eq(sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &n2, &used), 4);
        cr_assert_eq(n, n2);
        cr_assert(x >= QR_QUIET_ZONE && y >= QR_QUIET_ZONE && x + n <= size - QR_QUIET_ZONE &&
                  y < size - QR_QUIET_ZONE, "run outside the symbol: %d %d %d", x, y, n);
        for (int i = 0; i < n; i++) {
            cr_assert_eq(drawn[y * size + x + i], 0, "drawn twice");
            drawn[y * size + x + i] = 1;
        }
        d += used;
    }
    cr_assert_eq(*d, '"');
    qr_matrix_t m;
    cr_assert_eq(qr_encode(LINK, &m), CX_OK);
    for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++) {
            int mx = x - QR_QUIET_ZONE, my = y - QR_QUIET_ZONE;
            int want = mx >= 0 && my >= 0 && mx < m.width && my < m.width
                           ? m.modules[my * m.width + mx]
                           : 0;
            cr_assert_eq(drawn[y * size + x], want, "module %d,%d", x, y);
        }
    qr_matrix_free(&m);
    free(drawn);
    buf_free(&b);
}

Test(qr, png_has_signature_size_and_pixels)
{
    const int px = 3;
    buf_t b;
    buf_init(&b, 0);
    cr_assert_eq(qr_png("hello", px, &b), CX_OK);
    const unsigned char *p = (const unsigned char *)b.data;
    cr_assert(b.len > 33);
    cr_assert(memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0);
    cr_assert(memcmp(p + 12, "IHDR", 4) == 0);
    unsigned side = (unsigned)(21 + 2 * QR_QUIET_ZONE) * px;
    unsigned w = (unsigned)p[16] << 24 | (unsigned)p[17] << 16 | (unsigned)p[18] << 8 | p[19];
    unsigned h = (unsigned)p[20] << 24 | (unsigned)p[21] << 16 | (unsigned)p[22] << 8 | p[23];
    cr_assert_eq(w, side);
    cr_assert_eq(h, side);

    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    cr_assert(png_image_begin_read_from_memory(&image, b.data, b.len), "%s", image.message);
    image.format = PNG_FORMAT_GRAY;
    unsigned char *pixels = malloc(PNG_IMAGE_SIZE(image));
    cr_assert(png_image_finish_read(&image, NULL, pixels, 0, NULL), "%s", image.message);
    qr_matrix_t m;
    cr_assert_eq(qr_encode("hello", &m), CX_OK);
    for (unsigned y = 0; y < side; y++)
        for (unsigned x = 0; x < side; x++) {
            int mx = (int)(x / px) - QR_QUIET_ZONE, my = (int)(y / px) - QR_QUIET_ZONE;
            bool dark = mx >= 0 && my >= 0 && mx < m.width && my < m.width &&
                        m.modules[my * m.width + mx];
            cr_assert_eq(pixels[y * side + x], dark ? 0 : 255, "pixel %u,%u", x, y);
        }
    qr_matrix_free(&m);
    free(pixels);
    buf_free(&b);
}
