/*
 * assets.c — the files of web/ embedded with .incbin, and their content hashes.
 *
 * The assembler pulls each file in at build time (paths are relative to
 * the repository root, where the compiler runs; the Makefile makes this
 * object depend on every file in web/). Each file gets a start and an end
 * symbol in .rodata, hidden so they resolve inside the binary with or
 * without PIE.
 * Hashes are BLAKE2b (libsodium) truncated to 8 bytes, computed once under
 * pthread_once. Adding an asset means one ASSET line and one row below.
 */
#include "web/assets.h"

#include <assert.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define ASSET_INCBIN(sym, file)                                                                    \
    ".globl " #sym "_start\n"                                                                      \
    ".hidden " #sym "_start\n"                                                                     \
    ".globl " #sym "_end\n"                                                                        \
    ".hidden " #sym "_end\n"                                                                       \
    ".balign 16\n" #sym "_start:\n"                                                                \
    ".incbin \"" file "\"\n" #sym "_end:\n"                                                        \
    ".byte 0\n"

/* clang-format off */
__asm__(".pushsection .rodata\n"
        ASSET_INCBIN(web_asset_app_css, "web/app.css")
        ASSET_INCBIN(web_asset_app_js, "web/app.js")
        ASSET_INCBIN(web_asset_favicon_svg, "web/favicon.svg")
        ASSET_INCBIN(web_asset_logo_svg, "web/logo.svg")
        ASSET_INCBIN(web_asset_survey_css, "web/survey.css")
        ASSET_INCBIN(web_asset_widget_js, "web/widget.js")
        ".popsection\n");
/* clang-format on */

#define ASSET_SYMBOLS(sym)                                                                         \
    extern const unsigned char sym##_start[] __attribute__((visibility("hidden")));                \
    extern const unsigned char sym##_end[] __attribute__((visibility("hidden")))

ASSET_SYMBOLS(web_asset_app_css);
ASSET_SYMBOLS(web_asset_app_js);
ASSET_SYMBOLS(web_asset_favicon_svg);
ASSET_SYMBOLS(web_asset_logo_svg);
ASSET_SYMBOLS(web_asset_survey_css);
ASSET_SYMBOLS(web_asset_widget_js);

#define ASSET_COUNT 6

static web_asset_t assets_table[ASSET_COUNT];
static char assets_hashes[ASSET_COUNT][17];
static char assets_urls[ASSET_COUNT][96];
static pthread_once_t assets_once = PTHREAD_ONCE_INIT;

static void assets_add(size_t i, const char *name, const char *type, const unsigned char *start,
                       const unsigned char *end)
{
    web_asset_t *a = &assets_table[i];
    a->name = name;
    a->content_type = type;
    a->data = start;
    a->len = (size_t)(end - start);
    unsigned char digest[8];
    crypto_generichash(digest, sizeof digest, start, a->len, NULL, 0);
    sodium_bin2hex(assets_hashes[i], sizeof assets_hashes[i], digest, sizeof digest);
    a->hash = assets_hashes[i];
    snprintf(assets_urls[i], sizeof assets_urls[i], "/static/%s?v=%s", name, a->hash);
}

static void assets_init(void)
{
    assets_add(0, "app.css", "text/css; charset=utf-8", web_asset_app_css_start,
               web_asset_app_css_end);
    assets_add(1, "app.js", "text/javascript; charset=utf-8", web_asset_app_js_start,
               web_asset_app_js_end);
    assets_add(2, "favicon.svg", "image/svg+xml", web_asset_favicon_svg_start,
               web_asset_favicon_svg_end);
    assets_add(3, "logo.svg", "image/svg+xml", web_asset_logo_svg_start, web_asset_logo_svg_end);
    assets_add(4, "survey.css", "text/css; charset=utf-8", web_asset_survey_css_start,
               web_asset_survey_css_end);
    assets_add(5, "widget.js", "text/javascript; charset=utf-8", web_asset_widget_js_start,
               web_asset_widget_js_end);
}

const web_asset_t *assets_all(size_t *count)
{
    pthread_once(&assets_once, assets_init);
    *count = ASSET_COUNT;
    return assets_table;
}

const web_asset_t *assets_find(const char *name)
{
    size_t n;
    const web_asset_t *all = assets_all(&n);
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(all[i].name, name) == 0)
            return &all[i];
    return NULL;
}

const char *assets_url(const char *name)
{
    const web_asset_t *a = assets_find(name);
    assert(a && "assets_url: not an embedded asset");
    if (!a)
        return "/static/missing";
    return assets_urls[a - assets_table];
}
