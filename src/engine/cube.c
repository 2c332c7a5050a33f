/*
 * cube.c — the pre-aggregated cube of the metrics engine (see
 * engine_internal.h): one entry per distinct combination of the row-level
 * dimensions plus segment and value tier, holding a score histogram.
 *
 * Entries are found through an open-addressing hash table on a packed
 * 88-bit key (day 16, survey 16, touchpoint 16, channel 8, language 8 in
 * the low word; segment 16, tier 8 in the high one). Entries are only ever
 * added, never moved, so chunk pointers stay valid for readers; counts are
 * changed under the engine's write lock.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine_internal.h"

static uint64_t pack_low(uint16_t day, uint16_t survey, uint16_t touchpoint, uint8_t channel,
                         uint8_t language)
{
    return (uint64_t)day | (uint64_t)survey << 16 | (uint64_t)touchpoint << 32 |
           (uint64_t)channel << 48 | (uint64_t)language << 56;
}

static uint64_t key_hash(uint64_t low, uint32_t high)
{
    uint64_t h = low * 0x9E3779B97F4A7C15ULL ^ ((uint64_t)high + 0x632BE59BD9B4E019ULL);
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ULL;
    return h ^ (h >> 32);
}

void cube_free(cube_t *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < MAX_CHUNKS && c->chunks[i]; i++)
        free(c->chunks[i]);
    free(c->chunks);
    free(c->slots);
    free(c->slot_keys);
    free(c->slot_keys_hi);
    free(c);
}

size_t cube_bytes(const cube_t *c)
{
    if (!c)
        return 0;
    size_t chunks = (c->nentries + CHUNK_ROWS - 1) >> CHUNK_SHIFT;
    return chunks * sizeof(cube_chunk_t) + c->nslots * (sizeof(uint32_t) * 2 + sizeof(uint64_t)) +
           MAX_CHUNKS * sizeof(cube_chunk_t *);
}

static bool cube_rehash(cube_t *c, size_t nslots)
{
    uint32_t *slots = calloc(nslots, sizeof *slots);
    uint64_t *keys = malloc(nslots * sizeof *keys);
    uint32_t *keys_hi = malloc(nslots * sizeof *keys_hi);
    if (!slots || !keys || !keys_hi) {
        free(slots);
        free(keys);
        free(keys_hi);
        return false;
    }
    for (size_t i = 0; i < c->nslots; i++) {
        if (!c->slots[i])
            continue;
        size_t j = key_hash(c->slot_keys[i], c->slot_keys_hi[i]) & (nslots - 1);
        while (slots[j])
            j = (j + 1) & (nslots - 1);
        slots[j] = c->slots[i];
        keys[j] = c->slot_keys[i];
        keys_hi[j] = c->slot_keys_hi[i];
    }
    free(c->slots);
    free(c->slot_keys);
    free(c->slot_keys_hi);
    c->slots = slots;
    c->slot_keys = keys;
    c->slot_keys_hi = keys_hi;
    c->nslots = nslots;
    return true;
}

/* The entry for a key, created when missing; SIZE_MAX when out of memory. */
static size_t cube_entry(cube_t *c, uint16_t day, uint16_t survey, uint16_t touchpoint,
                         uint8_t channel, uint8_t language, uint16_t segment, uint8_t tier)
{
    uint64_t low = pack_low(day, survey, touchpoint, channel, language);
    uint32_t high = (uint32_t)segment | (uint32_t)tier << 16;
    size_t mask = c->nslots - 1, i = key_hash(low, high) & mask;
    while (c->slots[i]) {
        if (c->slot_keys[i] == low && c->slot_keys_hi[i] == high)
            return c->slots[i] - 1;
        i = (i + 1) & mask;
    }
    size_t index = c->nentries;
    size_t ci = index >> CHUNK_SHIFT, k = index & (CHUNK_ROWS - 1);
    if (ci >= MAX_CHUNKS || index >= UINT32_MAX - 1)
        return SIZE_MAX;
    if (!c->chunks[ci]) {
        c->chunks[ci] = calloc(1, sizeof(cube_chunk_t));
        if (!c->chunks[ci])
            return SIZE_MAX;
        c->chunks[ci]->min_day = UINT16_MAX;
    }
    cube_chunk_t *ch = c->chunks[ci];
    ch->day[k] = day;
    ch->survey[k] = survey;
    ch->touchpoint[k] = touchpoint;
    ch->channel[k] = channel;
    ch->language[k] = language;
    ch->segment[k] = segment;
    ch->tier[k] = tier;
    if (day < ch->min_day)
        ch->min_day = day;
    if (day > ch->max_day)
        ch->max_day = day;
    c->slots[i] = (uint32_t)index + 1;
    c->slot_keys[i] = low;
    c->slot_keys_hi[i] = high;
    c->nentries++;
    if (c->nentries * 2 > c->nslots && !cube_rehash(c, c->nslots * 2))
        return SIZE_MAX;
    return index;
}

/* The entry of a key, or SIZE_MAX when there is none. */
static size_t cube_find(const cube_t *c, uint64_t low, uint32_t high)
{
    size_t mask = c->nslots - 1, i = key_hash(low, high) & mask;
    while (c->slots[i]) {
        if (c->slot_keys[i] == low && c->slot_keys_hi[i] == high)
            return c->slots[i] - 1;
        i = (i + 1) & mask;
    }
    return SIZE_MAX;
}

void cube_remove_row(cube_t *c, const engine_t *e, size_t row)
{
    const dims_t *d = e->dims;
    const chunk_t *ch = e->chunks[row >> CHUNK_SHIFT];
    size_t k = row & (CHUNK_ROWS - 1);
    uint32_t customer = ch->customer[k];
    uint64_t low = pack_low(ch->day[k], ch->survey[k], ch->touchpoint[k], ch->channel[k],
                            ch->language[k]);
    uint32_t high = (uint32_t)d->customer_segment[customer] |
                    (uint32_t)d->customer_tier[customer] << 16;
    size_t entry = cube_find(c, low, high);
    if (entry == SIZE_MAX)
        return; /* the row was never counted here */
    int8_t score = ch->score[k];
    unsigned slot = score < 0 ? SKIPPED_SLOT : (unsigned)score;
    uint32_t *count = &c->chunks[entry >> CHUNK_SHIFT]->counts[(entry & (CHUNK_ROWS - 1)) * SLOTS + slot];
    if (*count > 0)
        (*count)--;
}

bool cube_add_rows(cube_t *c, const engine_t *e, size_t from, size_t to)
{
    const dims_t *d = e->dims;
    for (size_t row = from; row < to; row++) {
        const chunk_t *ch = e->chunks[row >> CHUNK_SHIFT];
        size_t k = row & (CHUNK_ROWS - 1);
        uint32_t customer = ch->customer[k];
        size_t entry = cube_entry(c, ch->day[k], ch->survey[k], ch->touchpoint[k],
                                  ch->channel[k], ch->language[k],
                                  d->customer_segment[customer], d->customer_tier[customer]);
        if (entry == SIZE_MAX)
            return false;
        int8_t score = ch->score[k];
        unsigned slot = score < 0 ? SKIPPED_SLOT : (unsigned)score;
        c->chunks[entry >> CHUNK_SHIFT]->counts[(entry & (CHUNK_ROWS - 1)) * SLOTS + slot]++;
    }
    return true;
}

cube_t *cube_build(const engine_t *e, size_t nrows)
{
    cube_t *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->chunks = calloc(MAX_CHUNKS, sizeof *c->chunks);
    c->nslots = 1024;
    c->slots = calloc(c->nslots, sizeof *c->slots);
    c->slot_keys = malloc(c->nslots * sizeof *c->slot_keys);
    c->slot_keys_hi = malloc(c->nslots * sizeof *c->slot_keys_hi);
    if (!c->chunks || !c->slots || !c->slot_keys || !c->slot_keys_hi) {
        cube_free(c);
        return NULL;
    }
    /* give up early once it is clear the cube will not compress */
    for (size_t from = 0; from < nrows; from += CHUNK_ROWS) {
        size_t to = from + CHUNK_ROWS < nrows ? from + CHUNK_ROWS : nrows;
        if (!cube_add_rows(c, e, from, to) || (to >= 4 * CHUNK_ROWS && c->nentries * 4 > to)) {
            cube_free(c);
            return NULL;
        }
    }
    if (nrows >= 4 * CHUNK_ROWS && c->nentries * 4 > nrows) {
        cube_free(c);
        return NULL;
    }
    return c;
}

void engine_row_view(const chunk_t *ch, size_t n, column_view_t *v)
{
    memset(v, 0, sizeof *v);
    v->n = n;
    v->day = ch->day;
    v->survey = ch->survey;
    v->touchpoint = ch->touchpoint;
    v->channel = ch->channel;
    v->language = ch->language;
    v->customer = ch->customer;
    v->score = ch->score;
    v->min_day = ch->min_day;
    v->max_day = ch->max_day;
}

void engine_cube_view(const cube_chunk_t *ch, size_t n, column_view_t *v)
{
    memset(v, 0, sizeof *v);
    v->n = n;
    v->day = ch->day;
    v->survey = ch->survey;
    v->touchpoint = ch->touchpoint;
    v->channel = ch->channel;
    v->language = ch->language;
    v->segment = ch->segment;
    v->tier = ch->tier;
    v->counts = ch->counts;
    v->min_day = ch->min_day;
    v->max_day = ch->max_day;
}
