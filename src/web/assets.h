/*
 * assets.h — the files of web/ (CSS, JS, images), compiled into the binary.
 *
 * Each asset has a content hash computed once, on first use, that pages
 * put into the URL (/static/app.css?v=HASH) and the server sends as ETag,
 * so browsers may cache an asset for a year and still never see a stale
 * one after an upgrade. The bytes live in .rodata for the life of the
 * process; nothing here allocates after the first call.
 */
#ifndef CX_WEB_ASSETS_H
#define CX_WEB_ASSETS_H

#include <stddef.h>

typedef struct web_asset {
    const char *name; /* "app.css" */
    const char *content_type;
    const unsigned char *data;
    size_t len;
    const char *hash; /* 16 hex digits of the content hash */
} web_asset_t;

/* NULL for an unknown name. Thread-safe. */
const web_asset_t *assets_find(const char *name);
/* "/static/NAME?v=HASH"; the name must be an embedded asset (a bug
 * otherwise). The string lives as long as the process. */
const char *assets_url(const char *name);
/* Every asset, for tests. */
const web_asset_t *assets_all(size_t *count);

#endif
