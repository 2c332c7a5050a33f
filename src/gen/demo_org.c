/*
 * demo_org.c — the definition of the demo organisation and the creation
 * of the demo database (see demo_org.h).
 *
 * Everything a person reads in the demo is here: stage, touchpoint and
 * survey names, question labels in Polish, English and Romanian, KPI
 * names, initiatives, brand promises and the users. All of it is invented;
 * any likeness to a real company or person is accidental.
 */
#include "gen/demo_org.h"

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/secret.h"
#include "gen/gen_run.h"
#include "store/accounts.h"
#include "store/invitations.h"
#include "store/surveys.h"

const char *const demo_stages[DEMO_STAGE_COUNT] = {
    "Poznanie oferty",        "Zakup i aktywacja",     "Pierwsze tygodnie",
    "Korzystanie i rachunki", "Wsparcie i reklamacje", "Przedłużenie lub odejście",
};

const demo_department_def_t demo_departments[DEMO_DEPT_COUNT] = {
    [DEMO_DEPT_SALES] = {"sprzedaz", "Sprzedaż", "Sales", 0.20},
    [DEMO_DEPT_CARE] = {"obsluga-klienta", "Obsługa klienta", "Customer care", 0.26},
    [DEMO_DEPT_NETWORK] = {"technika-i-siec", "Technika i sieć", "Network and field service", 0.18},
    [DEMO_DEPT_DIGITAL] = {"it-i-kanaly-cyfrowe", "IT i kanały cyfrowe", "IT and digital", 0.11},
    [DEMO_DEPT_BILLING] = {"finanse-i-rozliczenia", "Finanse i rozliczenia", "Finance and billing",
                           0.08},
    [DEMO_DEPT_COMPLAINTS] = {"reklamacje", "Reklamacje", "Complaints", 0.06},
    [DEMO_DEPT_MARKETING] = {"marketing", "Marketing", "Marketing", 0.05},
    [DEMO_DEPT_RETENTION] = {"retencja", "Retencja", "Retention", 0.06},
};

#define TP(stage, name, channel, dept, back, target, mot, base, topic, volume)                     \
    {                                                                                              \
        stage, name, channel, dept, back, target, mot, base, topic, volume                         \
    }

const demo_touchpoint_t demo_touchpoints[DEMO_TP_COUNT] = {
    [DEMO_TP_WEB_OFFER] = TP(0, "Strona www — oferta", "web", DEMO_DEPT_MARKETING, false, 80, false,
                             -0.05, GEN_TOPIC_WEB, 0.08),
    [DEMO_TP_SHOP] = TP(0, "Salon sprzedaży", "store", DEMO_DEPT_SALES, false, 85, true, 0.25,
                        GEN_TOPIC_SHOP, 0.12),
    [DEMO_TP_ONLINE_ORDER] = TP(1, "Zamówienie online", "web", DEMO_DEPT_SALES, false, 80, false,
                                0.10, GEN_TOPIC_ORDER, 0.06),
    [DEMO_TP_CONFIRM_EMAIL] = TP(1, "E-mail z potwierdzeniem zamówienia", "email",
                                 DEMO_DEPT_DIGITAL, true, 85, false, 0.20, GEN_TOPIC_ORDER, 0.03),
    [DEMO_TP_INSTALL] = TP(1, "Instalacja u klienta (technik)", "field", DEMO_DEPT_NETWORK, false,
                           85, true, 0.30, GEN_TOPIC_INSTALL, 0.09),
    [DEMO_TP_ACTIVATION] = TP(1, "Aktywacja usługi", "sms", DEMO_DEPT_NETWORK, true, 85, true, 0.0,
                              GEN_TOPIC_ACTIVATION, 0.05),
    [DEMO_TP_FIRST_INVOICE] = TP(2, "Pierwsza faktura", "email", DEMO_DEPT_BILLING, true, 75, true,
                                 -0.35, GEN_TOPIC_INVOICE, 0.07),
    [DEMO_TP_APP] = TP(2, "Aplikacja mobilna", "app", DEMO_DEPT_DIGITAL, false, 80, false, 0.20,
                       GEN_TOPIC_APP, 0.14),
    [DEMO_TP_NETWORK] = TP(3, "Internet i zasięg sieci", "network", DEMO_DEPT_NETWORK, true, 80,
                           false, 0.0, GEN_TOPIC_NETWORK, 0.08),
    [DEMO_TP_PAYMENTS] = TP(3, "Płatności i e-faktura", "web", DEMO_DEPT_BILLING, true, 85, false,
                            0.15, GEN_TOPIC_INVOICE, 0.05),
    [DEMO_TP_PLAN_CHANGE] = TP(3, "Zmiana taryfy lub usługi", "app", DEMO_DEPT_CARE, false, 75,
                               false, 0.0, GEN_TOPIC_PLAN_CHANGE, 0),
    [DEMO_TP_HOTLINE] =
        TP(4, "Infolinia", "phone", DEMO_DEPT_CARE, false, 85, true, 0.0, GEN_TOPIC_HOTLINE, 0),
    [DEMO_TP_CHAT] = TP(4, "Czat na stronie", "chat", DEMO_DEPT_CARE, false, 80, false, 0.05,
                        GEN_TOPIC_CHAT, 0.08),
    [DEMO_TP_COMPLAINT] = TP(4, "Reklamacja", "email", DEMO_DEPT_COMPLAINTS, true, 70, true, -0.60,
                             GEN_TOPIC_COMPLAINT, 0.06),
    [DEMO_TP_RENEWAL] = TP(5, "Przedłużenie umowy", "phone", DEMO_DEPT_RETENTION, false, 85, true,
                           0.15, GEN_TOPIC_CONTRACT, 0.05),
    [DEMO_TP_CANCEL] = TP(5, "Rozwiązanie umowy", "store", DEMO_DEPT_RETENTION, false, 60, true,
                          -0.50, GEN_TOPIC_CONTRACT, 0.03),
};

const demo_survey_t demo_surveys[DEMO_SV_COUNT] = {
    [DEMO_SV_NPS] = {"nps-relacja", "nps", "Badanie relacji (NPS)", -1, "email", "pl,en,ro", 0.30,
                     "Twoja opinia pomoże nam działać lepiej.",
                     "Your feedback helps us do better.",
                     "Părerea dumneavoastră ne ajută să fim mai buni.",
                     "Jak oceniasz Telko Polska?", "How do you rate Telko Polska?",
                     "Cum evaluezi Telko Polska?",
                     "Kilka pytań o naszą sieć, ceny i obsługę. To zajmie około dwóch minut.",
                     "A few questions about our network, prices and service. It takes about "
                     "two minutes.",
                     "Câteva întrebări despre rețeaua, prețurile și serviciile noastre. Durează "
                     "aproximativ două minute."},
    [DEMO_SV_CSAT_CALL] = {"csat-infolinia", "csat", "Ocena rozmowy z infolinią", DEMO_TP_HOTLINE,
                           "phone", "pl,en", 0.25, "Twoja ocena trafi do zespołu infolinii.",
                           "Your rating goes to the call centre team.", NULL,
                           "Twoja rozmowa z infolinią", "Your call with our hotline", NULL,
                           "Oceń, jak poradził sobie konsultant, z którym rozmawiałeś.",
                           "Tell us how well the agent you spoke to handled your call.", NULL},
    [DEMO_SV_CSAT_CONTACT] = {"ocena-kontaktu", "csat", "Ocena kontaktu (punkty styku)", -1, "",
                              "pl,en", 0.29, "Twoja ocena trafi do zespołu, z którym był kontakt.",
                              "Your rating goes to the team you were in touch with.", NULL,
                              "Jak nam poszło?", "How did we do?", NULL,
                              "Oceń swój ostatni kontakt z nami.",
                              "Rate your most recent contact with us.", NULL},
    [DEMO_SV_CES] = {"ces-zmiana-uslugi", "ces", "Łatwość zmiany usługi (CES)", DEMO_TP_PLAN_CHANGE,
                     "app", "pl,en", 0.14,
                     "Pracujemy nad tym, by było jeszcze prościej.",
                     "We are working to make it even simpler.", NULL,
                     "Zmiana usługi w aplikacji", "Changing your plan in the app", NULL,
                     "Jedno pytanie o to, jak łatwo było zmienić usługę.",
                     "One question about how easy it was to change your plan.", NULL},
    [DEMO_SV_ENPS] = {"enps", "enps", "Badanie zaangażowania pracowników (eNPS)", -1, "email",
                      "pl,en", 0.015, "Ankieta jest anonimowa.",
                      "The survey is anonymous.", NULL,
                      "Jak się u nas pracuje?", "How is it to work here?", NULL,
                      "Ankieta jest anonimowa: nie zapisujemy, kto odpowiada.",
                      "The survey is anonymous: we do not record who answers.", NULL},
};

/* The journey attributes the driver questions rate, named as the
 * organisation's CX team names them (the editor shows them as they are). */
const demo_driver_def_t demo_drivers[DEMO_DRIVER_COUNT] = {
    [DEMO_DRV_PRICE] = {"cena", 0.25, GEN_TOPIC_PRICE},
    [DEMO_DRV_NETWORK] = {"sieć", 0.30, GEN_TOPIC_NETWORK},
    [DEMO_DRV_SERVICE] = {"obsługa", 0.20, GEN_TOPIC_HOTLINE},
    [DEMO_DRV_DIGITAL] = {"kanały cyfrowe", 0.10, GEN_TOPIC_APP},
    [DEMO_DRV_BILLING] = {"rachunki", 0.15, GEN_TOPIC_INVOICE},
};

const demo_question_t demo_questions[] = {
    {DEMO_SV_NPS, DEMO_Q_MAIN, 0, "nps", "score",
     "Jak prawdopodobne jest, że polecisz Telko Polska znajomemu lub komuś z rodziny?",
     "How likely are you to recommend Telko Polska to a friend or family member?",
     "Cât de probabil este să recomanzi Telko Polska unui prieten sau unei rude?", false, NULL,
     true},
    {DEMO_SV_NPS, DEMO_Q_DRIVER, DEMO_DRV_PRICE, "cena", "rating",
     "Jak oceniasz stosunek jakości do ceny?", "How do you rate value for money?",
     "Cum evaluezi raportul calitate-preț?", false, "cena", false},
    {DEMO_SV_NPS, DEMO_Q_DRIVER, DEMO_DRV_NETWORK, "siec", "rating",
     "Jak oceniasz jakość sieci i internetu?",
     "How do you rate the quality of the network and internet?",
     "Cum evaluezi calitatea rețelei și a internetului?", false, "sieć", false},
    {DEMO_SV_NPS, DEMO_Q_DRIVER, DEMO_DRV_SERVICE, "obsluga", "rating",
     "Jak oceniasz obsługę klienta?", "How do you rate our customer service?",
     "Cum evaluezi serviciul pentru clienți?", false, "obsługa", false},
    {DEMO_SV_NPS, DEMO_Q_DRIVER, DEMO_DRV_DIGITAL, "kanaly-cyfrowe", "rating",
     "Jak oceniasz aplikację mobilną i stronę www?", "How do you rate the mobile app and website?",
     "Cum evaluezi aplicația mobilă și site-ul?", false, "kanały cyfrowe", false},
    {DEMO_SV_NPS, DEMO_Q_DRIVER, DEMO_DRV_BILLING, "rachunki", "rating",
     "Jak oceniasz przejrzystość rachunków i płatności?",
     "How do you rate the clarity of bills and payments?",
     "Cum evaluezi claritatea facturilor și a plăților?", false, "rachunki", false},
    {DEMO_SV_NPS, DEMO_Q_COMMENT, 0, "komentarz", "text",
     "Co jest najważniejszym powodem Twojej oceny?", "What is the main reason for your score?",
     "Care este motivul principal al notei tale?", false, NULL, false},

    {DEMO_SV_CSAT_CALL, DEMO_Q_MAIN, 0, "csat", "rating",
     "Jak oceniasz swoją rozmowę z naszym konsultantem?",
     "How satisfied are you with your call with our agent?",
     "Cât de mulțumit ești de convorbirea cu agentul nostru?", false, NULL, true},
    {DEMO_SV_CSAT_CALL, DEMO_Q_COMMENT, 0, "komentarz", "text", "Co możemy poprawić?",
     "What could we improve?", "Ce am putea îmbunătăți?", false, NULL, false},

    {DEMO_SV_CSAT_CONTACT, DEMO_Q_MAIN, 0, "csat", "rating",
     "Jak oceniasz swój ostatni kontakt z nami?",
     "How satisfied are you with your last contact with us?",
     "Cât de mulțumit ești de ultimul contact cu noi?", false, NULL, true},
    {DEMO_SV_CSAT_CONTACT, DEMO_Q_COMMENT, 0, "komentarz", "text", "Co możemy poprawić?",
     "What could we improve?", "Ce am putea îmbunătăți?", false, NULL, false},

    {DEMO_SV_CES, DEMO_Q_MAIN, 0, "ces", "effort",
     "Ile wysiłku kosztowała Cię zmiana usługi? (1 — bardzo mało, 7 — bardzo dużo)",
     "How much effort did changing your service take? (1 — very little, 7 — a great deal)",
     "Cât efort ți-a cerut schimbarea serviciului? (1 — foarte puțin, 7 — foarte mult)", true, NULL,
     true},
    {DEMO_SV_CES, DEMO_Q_COMMENT, 0, "komentarz", "text", "Co było najtrudniejsze?",
     "What was the hardest part?", "Ce a fost cel mai greu?", false, NULL, false},

    {DEMO_SV_ENPS, DEMO_Q_MAIN, 0, "enps", "score",
     "Jak prawdopodobne jest, że polecisz Telko Polska jako miejsce pracy?",
     "How likely are you to recommend Telko Polska as a place to work?",
     "Cât de probabil este să recomanzi Telko Polska ca loc de muncă?", false, NULL, true},
    {DEMO_SV_ENPS, DEMO_Q_DEPARTMENT, 0, "dzial", "single", "W jakim dziale pracujesz?",
     "Which department do you work in?", "În ce departament lucrezi?", false, NULL, true},
    {DEMO_SV_ENPS, DEMO_Q_COMMENT, 0, "komentarz", "text",
     "Co sprawiłoby, że praca tutaj byłaby lepsza?", "What would make working here better?",
     "Ce ar face munca aici mai bună?", false, NULL, false},
};
const size_t demo_question_count = sizeof demo_questions / sizeof demo_questions[0];

const demo_group_label_t demo_nps_comment_logic[] = {
    {"detractor", "Co powinniśmy poprawić?", "What should we improve?",
     "Ce ar trebui să îmbunătățim?"},
    {"promoter", "Co podobało Ci się najbardziej?", "What did you like most?",
     "Ce ți-a plăcut cel mai mult?"},
};
const size_t demo_nps_comment_logic_count =
    sizeof demo_nps_comment_logic / sizeof demo_nps_comment_logic[0];

const char *const demo_tier_names[DEMO_TIER_COUNT] = {"Premium", "Standard", "Basic"};

const demo_segment_t demo_segments[DEMO_SEG_COUNT] = {
    [DEMO_SEG_PREMIUM] = {"Premium",
                          "Klienci o najwyższej wartości: pakiety z telewizją i "
                          "mobilnym abonamentem, najwyższe przychody",
                          "value_tier", "Premium"},
    [DEMO_SEG_STANDARD] = {"Standard", "Trzon bazy klientów: światłowód lub abonament M",
                           "value_tier", "Standard"},
    [DEMO_SEG_BASIC] = {"Basic",
                        "Najtańsze pakiety; potencjał wzrostu, ale i najwyższy koszt "
                        "obsługi w relacji do przychodu",
                        "value_tier", "Basic"},
    [DEMO_SEG_B2C] = {"Klienci indywidualni (B2C)", "Gospodarstwa domowe", "type", "B2C"},
    [DEMO_SEG_B2B] = {"Klienci biznesowi (B2B)", "Firmy i ich pracownicy korzystający z usług",
                      "type", "B2B"},
};

const demo_kpi_t demo_kpis[DEMO_KPI_COUNT] = {
    [DEMO_KPI_WAIT] = {"Średni czas oczekiwania na infolinii", "s", "operational", "lower",
                       "Od wyboru opcji w IVR do połączenia z konsultantem (touchpoint Infolinia)"},
    [DEMO_KPI_FAILURES] = {"Awarie sieci", "liczba", "operational", "lower",
                           "Awarie dotykające co najmniej 100 klientów w miesiącu"},
    [DEMO_KPI_ACTIVATION] = {"Czas aktywacji usługi", "dni", "operational", "lower",
                             "Średnia liczba dni od podpisania umowy do działającej usługi"},
    [DEMO_KPI_ARPU] = {"Przychód na klienta (ARPU)", "PLN/mies.", "financial", "higher",
                       "Średni miesięczny przychód na aktywnego klienta"},
    [DEMO_KPI_COST_TO_SERVE] = {"Koszt obsługi klienta", "PLN/mies.", "financial", "lower",
                                "Koszt kontaktów, wizyt serwisowych i reklamacji na aktywnego "
                                "klienta w miesiącu"},
    [DEMO_KPI_COMPLAINTS] = {"Liczba reklamacji", "liczba", "operational", "lower",
                             "Reklamacje przyjęte w miesiącu (wszystkie kanały)"},
    [DEMO_KPI_CHURN] = {"Wskaźnik odejść (churn)", "%", "financial", "lower",
                        "Odsetek klientów aktywnych na początku miesiąca, którzy rozwiązali "
                        "umowę w jego trakcie"},
};

const demo_target_t demo_targets[] = {
    {"nps", "whole", 0, 30, 61},
    {"nps", "segment", DEMO_SEG_PREMIUM, 40, 61},
    {"csat", "touchpoint", DEMO_TP_HOTLINE, 85, 61},
    {"csat", "touchpoint", DEMO_TP_APP, 80, 92},
    {"ces", "touchpoint", DEMO_TP_PLAN_CHANGE, 75, 153},
    {"enps", "whole", 0, 20, 153},
    {"kpi:Średni czas oczekiwania na infolinii", "whole", 0, 60, 61},
    {"kpi:Wskaźnik odejść (churn)", "whole", 0, 1.0, 153},
};
const size_t demo_target_count = sizeof demo_targets / sizeof demo_targets[0];

const demo_initiative_t demo_initiatives[] = {
    {"Nowa wersja aplikacji — naprawa logowania",
     "Po wydaniu wersji 5.0 aplikacja zawiesza się przy logowaniu na części telefonów; "
     "klienci dzwonią na infolinię zamiast załatwiać sprawy w aplikacji.",
     DEMO_TP_APP, "aplikacja", "anna.kowalska", 180000,
     "CSAT aplikacji z powrotem powyżej 80%, o 15% mniej połączeń w sprawie logowania",
     "in_progress", 45, -1},
    {"Oddzwanianie zamiast czekania na infolinii",
     "Długi czas oczekiwania w godzinach szczytu; klienci rozłączali się i dzwonili ponownie.",
     DEMO_TP_HOTLINE, "infolinia", "anna.kowalska", 250000,
     "Czas oczekiwania poniżej 2 minut, CSAT infolinii +10 pkt, niższy koszt obsługi", "done", 215,
     183},
    {"Jasna pierwsza faktura",
     "Pierwsza faktura zawiera naliczenia proporcjonalne, których klienci nie rozumieją; "
     "rośnie liczba reklamacji faktur.",
     DEMO_TP_FIRST_INVOICE, "faktury", "piotr.nowak", 60000,
     "Mniej reklamacji pierwszej faktury o 30%, CSAT pierwszej faktury 75%", "approved", -1, -1},
    {"Zapowiedź zmian cen z wyprzedzeniem",
     "Styczniowe podwyżki zaskakują klientów; skoki odejść i reklamacji w lutym.", -1, "cena", NULL,
     20000, "Niższy wzrost churnu po zmianie cen; mniej reklamacji \"faktura wyższa niż w umowie\"",
     "proposed", -1, -1},
};
const size_t demo_initiative_count = sizeof demo_initiatives / sizeof demo_initiatives[0];

const demo_promise_t demo_promises[] = {
    {"Odbieramy telefon w mniej niż 2 minuty.",
     {"kpi:Średni czas oczekiwania na infolinii", "csat", NULL}},
    {"Rachunek bez niespodzianek: płacisz tyle, ile jest w umowie.",
     {"kpi:Liczba reklamacji", "nps", NULL}},
    {"Internet, który po prostu działa.", {"kpi:Awarie sieci", "nps", NULL}},
    {"Usługa działa w ciągu 3 dni od zamówienia.", {"kpi:Czas aktywacji usługi", "csat", NULL}},
};
const size_t demo_promise_count = sizeof demo_promises / sizeof demo_promises[0];

const demo_user_t demo_users[] = {
    {"admin", "Administrator", "admin@telko-polska.example", "admin"},
    {"anna.kowalska", "Anna Kowalska", "anna.kowalska@telko-polska.example", "manager"},
    {"piotr.nowak", "Piotr Nowak", "piotr.nowak@telko-polska.example", "analyst"},
    {"ewa.wisniewska", "Ewa Wiśniewska", "ewa.wisniewska@telko-polska.example", "agent"},
    {"tomasz.wojcik", "Tomasz Wójcik", "tomasz.wojcik@telko-polska.example", "agent"},
    {"jan.zielinski", "Jan Zieliński", "jan.zielinski@telko-polska.example", "viewer"},
};
const size_t demo_user_count = sizeof demo_users / sizeof demo_users[0];

const char *const demo_settings[][2] = {
    {"org_name", DEMO_ORG_NAME},
    {"timezone", "Europe/Warsaw"},
    {"currency", "PLN"},
    {"language", "pl"},
    {NULL, NULL},
};

/* ---- the demo database ---- */

/*
 * E-mail invitations to the relationship NPS survey, as if a small batch
 * had gone out over the last two weeks: most sent, some answered, a few
 * reminded, a few failed with the mail server's answer, some still
 * queued. Done through the same store calls as the sender, so every row
 * is one the product could have made. The tokens are dropped at once: no
 * demo link opens the survey as an invited customer.
 */
#define DEMO_INVITED 48
#define DEMO_INVITE_SENT 40 /* the rest stays queued */

static cx_result demo_invitations_write(db_conn_t *db, void *arg)
{
    (void)arg;
    const int64_t day = 86400;
    int64_t now = store_now();
    arena_t arena;
    arena_init(&arena);
    surveys_info_t survey;
    cx_result rc = surveys_get_by_slug(db, &arena, demo_surveys[DEMO_SV_NPS].slug, &survey);
    char ids[DEMO_INVITED][16];
    const char *idp[DEMO_INVITED];
    for (size_t i = 0; i < DEMO_INVITED; i++) {
        snprintf(ids[i], sizeof ids[i], "KL%08zu", 101 + i);
        idp[i] = ids[i];
    }
    invitations_summary_t sum;
    const char *what = NULL;
    if (!rc)
        rc = invitations_create(db,
                                &(invitations_request_t){.survey_id = survey.id,
                                                         .audience = INVITATIONS_CUSTOMERS,
                                                         .external_ids = idp,
                                                         .external_count = DEMO_INVITED,
                                                         .now = now - 13 * day},
                                &sum, &what);
    invitations_outgoing_t *out = NULL;
    size_t n = 0;
    if (!rc)
        rc = invitations_claim(db, &arena, false, 0, DEMO_INVITE_SENT, now - 12 * day, &out, &n);
    for (size_t i = 0; !rc && i < n; i++) {
        if (i % 10 == 9) {
            rc = invitations_mark_failed(db, out[i].id, false, true,
                                         "550 5.1.1 Skrzynka odbiorcy nie istnieje",
                                         now - 12 * day);
            continue;
        }
        rc = invitations_mark_sent(db, out[i].id, false, now - 12 * day);
        if (!rc && i % 3 == 0) {
            char hash[SECRET_HASH_HEX_LEN + 1];
            secret_token_hash(out[i].token, hash);
            int64_t id;
            rc = invitations_mark_answered(db, hash, now - (11 - (int64_t)(i % 5)) * day, &id);
        }
        memset(out[i].token, 0, sizeof out[i].token);
    }
    /* reminders a week after the first e-mail, for the unanswered */
    if (!rc)
        rc = invitations_claim(db, &arena, true, now - 7 * day, 8, now - 5 * day, &out, &n);
    for (size_t i = 0; !rc && i < n; i++) {
        rc = invitations_mark_sent(db, out[i].id, true, now - 5 * day);
        memset(out[i].token, 0, sizeof out[i].token);
    }
    arena_free(&arena);
    return rc;
}

cx_result demo_org_create(store_t *store, const char *admin_password_hash, char *err, size_t errlen)
{
    /* Every user but admin gets a password nobody ever sees: the demo is
     * entered as admin, and the others exist to own cases and show roles. */
    char hashes[sizeof demo_users / sizeof demo_users[0]][SECRET_PASSWORD_HASH_MAX];
    gen_user_t users[sizeof demo_users / sizeof demo_users[0]];
    for (size_t i = 0; i < demo_user_count; i++) {
        if (strcmp(demo_users[i].name, "admin") == 0) {
            snprintf(hashes[i], sizeof hashes[i], "%s", admin_password_hash);
        } else {
            char password[32];
            secret_generate_password(password, sizeof password);
            cx_result rc = secret_password_hash(password, hashes[i]);
            memset(password, 0, sizeof password);
            if (rc) {
                snprintf(err, errlen, "cannot hash a password: %s", cx_result_text(rc));
                return rc;
            }
        }
        users[i] = (gen_user_t){
            .name = demo_users[i].name,
            .display_name = demo_users[i].display_name,
            .email = demo_users[i].email,
            .role = demo_users[i].role,
            .password_hash = hashes[i],
        };
    }
    gen_config_t cfg = {
        .seed = DEMO_SEED,
        .responses = DEMO_RESPONSES,
        .customers = DEMO_CUSTOMERS,
        .months = DEMO_MONTHS,
        .driver_share = 0.6,
        .demo = true,
        .users = users,
        .nusers = demo_user_count,
    };
    gen_summary_t summary;
    cx_result rc = gen_run(store, &cfg, &summary, err, errlen);
    memset(hashes, 0, sizeof hashes);
    if (!rc) {
        rc = store_write(store, demo_invitations_write, NULL);
        if (rc)
            snprintf(err, errlen, "cannot write the demo invitations: %s", cx_result_text(rc));
    }
    return rc;
}

typedef struct demo_check_job {
    bool is_demo;
} demo_check_job_t;

static cx_result demo_check_read(db_conn_t *db, void *arg)
{
    demo_check_job_t *job = arg;
    arena_t arena;
    arena_init(&arena);
    const char *value = NULL;
    cx_result rc = store_setting_get(db, &arena, "demo", &value);
    job->is_demo = rc == CX_OK && value && strcmp(value, "1") == 0;
    arena_free(&arena);
    return rc;
}

cx_result demo_org_check(store_t *store, bool *is_demo)
{
    demo_check_job_t job = {false};
    cx_result rc = store_read(store, demo_check_read, &job);
    *is_demo = job.is_demo;
    return rc;
}

typedef struct demo_password_job {
    const char *hash;
} demo_password_job_t;

static cx_result demo_password_write(db_conn_t *db, void *arg)
{
    const demo_password_job_t *job = arg;
    int64_t now = store_now();
    cx_result rc = store_user_set_password(db, "admin", job->hash, now);
    if (rc == CX_ERR_NOT_FOUND) {
        store_user_t admin = {
            .name = "admin",
            .display_name = demo_users[0].display_name,
            .email = demo_users[0].email,
            .role = "admin",
            .language = "pl",
            .password_hash = job->hash,
            .created_at = now,
        };
        rc = store_user_add(db, &admin, NULL);
    }
    if (rc)
        return rc;
    /* The password is only ever given out by `cxloop demo`: whoever held
     * the previous one keeps no session. */
    arena_t arena;
    arena_init(&arena);
    store_user_t admin;
    rc = store_user_find_by_name(db, &arena, "admin", &admin);
    if (!rc)
        rc = store_session_revoke_user(db, admin.id, now);
    arena_free(&arena);
    if (!rc)
        rc = store_user_set_disabled(db, "admin", false);
    if (!rc)
        rc = store_audit_add(db, now, "cli", "password_set", "admin", "", "demo");
    return rc;
}

cx_result demo_org_set_admin_password(store_t *store, const char *password_hash)
{
    demo_password_job_t job = {password_hash};
    return store_write(store, demo_password_write, &job);
}
