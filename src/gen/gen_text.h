/*
 * gen_text.h — the words of the synthetic organisation: Polish (and a few
 * foreign) personal names, invented company names, and the comment
 * phrases customers and employees write, by topic and by tone.
 *
 * Everything is drawn from tables written in gen_text.c with the
 * deterministic RNG (core/rng.h) and appended to a caller's buf_t, so
 * generating a row allocates nothing beyond the buffer's own growth.
 * Names and companies are invented; e-mail addresses use the reserved
 * .example top-level domain and can never reach a real mailbox.
 */
#ifndef CX_GEN_TEXT_H
#define CX_GEN_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/rng.h"

/* What a comment or a feedback item is about. The first group are customer
 * topics, the second what employees write in the eNPS survey. */
typedef enum gen_topic {
    GEN_TOPIC_GENERAL,
    GEN_TOPIC_PRICE,
    GEN_TOPIC_NETWORK,
    GEN_TOPIC_HOTLINE,
    GEN_TOPIC_APP,
    GEN_TOPIC_WEB,
    GEN_TOPIC_ORDER,
    GEN_TOPIC_INVOICE,
    GEN_TOPIC_INSTALL,
    GEN_TOPIC_ACTIVATION,
    GEN_TOPIC_SHOP,
    GEN_TOPIC_CHAT,
    GEN_TOPIC_COMPLAINT,
    GEN_TOPIC_PLAN_CHANGE,
    GEN_TOPIC_CONTRACT,
    GEN_TOPIC_EMP_WORKLOAD,
    GEN_TOPIC_EMP_MANAGER,
    GEN_TOPIC_EMP_TOOLS,
    GEN_TOPIC_EMP_PAY,
    GEN_TOPIC_EMP_TEAM,
    GEN_TOPIC_COUNT
} gen_topic_t;

/* The tone of a comment, from the score it goes with. */
typedef enum gen_tone {
    GEN_TONE_NEGATIVE,
    GEN_TONE_MIXED,
    GEN_TONE_POSITIVE,
    GEN_TONE_COUNT
} gen_tone_t;

typedef enum gen_lang { GEN_LANG_PL, GEN_LANG_EN, GEN_LANG_COUNT } gen_lang_t;

/* Periods of the demo story that some phrases belong to (bit mask): a
 * comment about the app crashing at login is only written after the bad
 * release, one about long hotline queues mostly before the call-back
 * change. */
enum {
    GEN_ERA_APP_BROKEN = 1 << 0, /* after the faulty app release */
    GEN_ERA_APP_GOOD = 1 << 1,   /* before it */
    GEN_ERA_CC_OLD = 1 << 2,     /* contact centre before the change */
    GEN_ERA_CC_NEW = 1 << 3,     /* after it */
    GEN_ERA_PRICE = 1 << 4,      /* the weeks after the January price rise */
    GEN_ERA_STORM = 1 << 5,      /* summer storms and network failures */
};

/* "en" / "pl". */
const char *gen_lang_code(gen_lang_t lang);
/* Category key stored with feedback items ("faktury", "siec", ...) and a
 * short Polish title for a complaint about the topic. */
const char *gen_topic_key(gen_topic_t topic);
const char *gen_topic_title(gen_topic_t topic);

/* Appends a comment of 1-3 sentences: one about `topic` in `tone`, maybe a
 * second about `second` (GEN_TOPIC_GENERAL when none) and a closing remark.
 * `eras` is the mask of story periods active on the day. */
void gen_text_comment(rng_t *r, gen_lang_t lang, gen_topic_t topic, gen_topic_t second,
                      gen_tone_t tone, unsigned eras, buf_t *out);

/* Appends what an agent writes after a call about `topic` (Polish). */
void gen_text_call_note(rng_t *r, gen_topic_t topic, buf_t *out);

/* A person: "First Last\0" then an address at a .example domain
 * ("first.last123@poczta.example\0") appended to out, with the offsets of
 * both. serial makes addresses mostly unique; company_domain, when not
 * NULL (and not inside out), is the address's domain. */
void gen_text_person(rng_t *r, gen_lang_t lang, uint64_t serial, const char *company_domain,
                     buf_t *out, size_t *name_off, size_t *email_off);

/* An invented company: name appended to name_out, its industry returned
 * (a static string), its mail domain ("budpol.example") to domain_out. */
const char *gen_text_company(rng_t *r, buf_t *name_out, buf_t *domain_out);

/* A Polish city with its voivodeship, weighted by population. */
void gen_text_place(rng_t *r, const char **city, const char **region);

#endif
