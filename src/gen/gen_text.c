/*
 * gen_text.c — name lists, company names and comment phrases of the
 * synthetic organisation (see gen_text.h).
 *
 * The phrase table is the voice of the demo: every sentence is tied to a
 * topic, a tone and optionally to a period of the story, so that text
 * analytics finds in the comments what the scores say (the app crashing at
 * login after the bad release, long hotline queues before the call-back
 * change, bills higher than the contract after the January price rise).
 * An index by (language, topic, tone) is built once, thread-safely, the
 * first time a comment is asked for; after that nothing is allocated.
 */
#include "gen/gen_text.h"

#include <pthread.h>
#include <string.h>
#include <strings.h>

/* ---- topics ------------------------------------------------------------ */

static const struct {
    const char *key;
    const char *title;
} topics[GEN_TOPIC_COUNT] = {
    [GEN_TOPIC_GENERAL] = {"ogolne", "Uwagi ogólne"},
    [GEN_TOPIC_PRICE] = {"cena", "Wysokość opłat"},
    [GEN_TOPIC_NETWORK] = {"siec", "Problemy z siecią"},
    [GEN_TOPIC_HOTLINE] = {"infolinia", "Obsługa na infolinii"},
    [GEN_TOPIC_APP] = {"aplikacja", "Problem z aplikacją mobilną"},
    [GEN_TOPIC_WEB] = {"strona-www", "Strona internetowa"},
    [GEN_TOPIC_ORDER] = {"zamowienie", "Zamówienie online"},
    [GEN_TOPIC_INVOICE] = {"faktury", "Reklamacja faktury"},
    [GEN_TOPIC_INSTALL] = {"instalacja", "Wizyta technika"},
    [GEN_TOPIC_ACTIVATION] = {"aktywacja", "Aktywacja usługi"},
    [GEN_TOPIC_SHOP] = {"salon", "Obsługa w salonie"},
    [GEN_TOPIC_CHAT] = {"czat", "Obsługa na czacie"},
    [GEN_TOPIC_COMPLAINT] = {"reklamacje", "Rozpatrywanie reklamacji"},
    [GEN_TOPIC_PLAN_CHANGE] = {"zmiana-uslugi", "Zmiana taryfy lub usługi"},
    [GEN_TOPIC_CONTRACT] = {"umowa", "Przedłużenie lub rozwiązanie umowy"},
    [GEN_TOPIC_EMP_WORKLOAD] = {"obciazenie", "Obciążenie pracą"},
    [GEN_TOPIC_EMP_MANAGER] = {"przelozeni", "Przełożeni"},
    [GEN_TOPIC_EMP_TOOLS] = {"narzedzia", "Narzędzia pracy"},
    [GEN_TOPIC_EMP_PAY] = {"wynagrodzenie", "Wynagrodzenie"},
    [GEN_TOPIC_EMP_TEAM] = {"zespol", "Zespół"},
};

const char *gen_topic_key(gen_topic_t topic) { return topics[topic].key; }
const char *gen_topic_title(gen_topic_t topic) { return topics[topic].title; }
const char *gen_lang_code(gen_lang_t lang) { return lang == GEN_LANG_EN ? "en" : "pl"; }

/* ---- phrases ----------------------------------------------------------- */

typedef struct phrase {
    unsigned char lang, topic, tone, eras;
    const char *text;
} phrase_t;

#define PL GEN_LANG_PL
#define EN GEN_LANG_EN
#define NEG GEN_TONE_NEGATIVE
#define MIX GEN_TONE_MIXED
#define POS GEN_TONE_POSITIVE

static const phrase_t phrases[] = {
    /* general */
    {PL, GEN_TOPIC_GENERAL, NEG, 0, "Jestem rozczarowany współpracą."},
    {PL, GEN_TOPIC_GENERAL, NEG, 0, "Obsługa pozostawia wiele do życzenia."},
    {PL, GEN_TOPIC_GENERAL, NEG, 0, "Nie polecam, za dużo problemów."},
    {PL, GEN_TOPIC_GENERAL, NEG, 0, "Rozważam zmianę operatora."},
    {PL, GEN_TOPIC_GENERAL, NEG, 0, "Kiedyś było dużo lepiej."},
    {PL, GEN_TOPIC_GENERAL, NEG, 0, "Czuję się traktowany jak numer, a nie klient."},
    {PL, GEN_TOPIC_GENERAL, NEG, 0, "Jeśli nic się nie zmieni, odejdę do konkurencji."},
    {PL, GEN_TOPIC_GENERAL, NEG, 0, "Proszę o kontakt w tej sprawie."},
    {PL, GEN_TOPIC_GENERAL, MIX, 0, "Ogólnie jest w porządku, ale bez rewelacji."},
    {PL, GEN_TOPIC_GENERAL, MIX, 0, "Może być, choć konkurencja ma ciekawsze oferty."},
    {PL, GEN_TOPIC_GENERAL, MIX, 0, "Usługa działa, ale sporo rzeczy można poprawić."},
    {PL, GEN_TOPIC_GENERAL, MIX, 0, "Średnio, nic szczególnego."},
    {PL, GEN_TOPIC_GENERAL, POS, 0, "Jestem zadowolony, polecam."},
    {PL, GEN_TOPIC_GENERAL, POS, 0, "Wszystko działa bez zarzutu."},
    {PL, GEN_TOPIC_GENERAL, POS, 0, "Solidny operator, jestem klientem od lat."},
    {PL, GEN_TOPIC_GENERAL, POS, 0, "Polecam znajomym i rodzinie."},
    {PL, GEN_TOPIC_GENERAL, POS, 0, "Bardzo dobra współpraca."},
    {PL, GEN_TOPIC_GENERAL, POS, 0, "Nie mam żadnych zastrzeżeń."},
    {PL, GEN_TOPIC_GENERAL, POS, 0, "Dziękuję, tak trzymać!"},
    {EN, GEN_TOPIC_GENERAL, NEG, 0, "Very disappointed with the service."},
    {EN, GEN_TOPIC_GENERAL, NEG, 0, "I am considering switching to another provider."},
    {EN, GEN_TOPIC_GENERAL, NEG, 0, "Please contact me about this."},
    {EN, GEN_TOPIC_GENERAL, MIX, 0, "It's okay, nothing special."},
    {EN, GEN_TOPIC_GENERAL, MIX, 0, "Works, but there is room for improvement."},
    {EN, GEN_TOPIC_GENERAL, POS, 0, "Happy with the service, would recommend."},
    {EN, GEN_TOPIC_GENERAL, POS, 0, "Everything works fine."},
    {EN, GEN_TOPIC_GENERAL, POS, 0, "Great provider, thank you!"},

    /* price */
    {PL, GEN_TOPIC_PRICE, NEG, 0, "Za drogo w porównaniu z konkurencją."},
    {PL, GEN_TOPIC_PRICE, NEG, GEN_ERA_PRICE, "Podwyżka cen od stycznia to przesada."},
    {PL, GEN_TOPIC_PRICE, NEG, GEN_ERA_PRICE,
     "Znowu podnieśliście abonament, a jakość stoi w miejscu."},
    {PL, GEN_TOPIC_PRICE, NEG, GEN_ERA_PRICE, "O podwyżce dowiedziałem się dopiero z faktury."},
    {PL, GEN_TOPIC_PRICE, NEG, 0, "Nowi klienci dostają lepsze ceny niż stali."},
    {PL, GEN_TOPIC_PRICE, NEG, 0, "Opłata za dzierżawę modemu to nieporozumienie."},
    {PL, GEN_TOPIC_PRICE, MIX, 0, "Ceny mogłyby być niższe, ale jakość jest dobra."},
    {PL, GEN_TOPIC_PRICE, MIX, GEN_ERA_PRICE,
     "Oferta w porządku, choć po podwyżce już mniej atrakcyjna."},
    {PL, GEN_TOPIC_PRICE, POS, 0, "Dobra cena za taką prędkość internetu."},
    {PL, GEN_TOPIC_PRICE, POS, 0, "Atrakcyjna oferta dla stałych klientów."},
    {PL, GEN_TOPIC_PRICE, POS, 0, "Pakiet rodzinny naprawdę się opłaca."},
    {EN, GEN_TOPIC_PRICE, NEG, 0, "Too expensive compared to other providers."},
    {EN, GEN_TOPIC_PRICE, NEG, GEN_ERA_PRICE, "The price increase in January was too much."},
    {EN, GEN_TOPIC_PRICE, MIX, 0, "Decent value, although prices keep going up."},
    {EN, GEN_TOPIC_PRICE, POS, 0, "Good value for the speed I get."},

    /* network */
    {PL, GEN_TOPIC_NETWORK, NEG, 0, "Internet często się rozłącza."},
    {PL, GEN_TOPIC_NETWORK, NEG, 0, "Prędkość internetu dużo niższa niż w umowie."},
    {PL, GEN_TOPIC_NETWORK, NEG, 0, "W domu słaby zasięg, rozmowy się urywają."},
    {PL, GEN_TOPIC_NETWORK, NEG, 0, "Wieczorami internet strasznie zwalnia."},
    {PL, GEN_TOPIC_NETWORK, NEG, GEN_ERA_STORM, "Po burzy nie było internetu przez trzy dni."},
    {PL, GEN_TOPIC_NETWORK, NEG, GEN_ERA_STORM,
     "Awaria sieci trwała cały weekend i nikt nie informował, kiedy minie."},
    {PL, GEN_TOPIC_NETWORK, MIX, 0, "Internet działa, ale wieczorami zwalnia."},
    {PL, GEN_TOPIC_NETWORK, MIX, 0, "Zasięg w mieście dobry, poza miastem gorzej."},
    {PL, GEN_TOPIC_NETWORK, POS, 0, "Internet działa stabilnie i szybko."},
    {PL, GEN_TOPIC_NETWORK, POS, 0, "Świetny zasięg, nawet w piwnicy."},
    {PL, GEN_TOPIC_NETWORK, POS, 0, "Światłowód to była najlepsza decyzja."},
    {PL, GEN_TOPIC_NETWORK, POS, 0, "Przez cały rok ani jednej awarii."},
    {EN, GEN_TOPIC_NETWORK, NEG, 0, "The internet keeps dropping."},
    {EN, GEN_TOPIC_NETWORK, NEG, 0, "Speeds are far below what the contract promises."},
    {EN, GEN_TOPIC_NETWORK, NEG, GEN_ERA_STORM, "No internet for days after the storm."},
    {EN, GEN_TOPIC_NETWORK, MIX, 0, "Connection is fine but slows down in the evenings."},
    {EN, GEN_TOPIC_NETWORK, POS, 0, "Fast and reliable connection."},

    /* hotline */
    {PL, GEN_TOPIC_HOTLINE, NEG, GEN_ERA_CC_OLD, "Długo czekałem na połączenie z konsultantem."},
    {PL, GEN_TOPIC_HOTLINE, NEG, GEN_ERA_CC_OLD, "Czekałem ponad 20 minut na infolinii."},
    {PL, GEN_TOPIC_HOTLINE, NEG, GEN_ERA_CC_OLD, "Infolinia ciągle zajęta, nie da się dodzwonić."},
    {PL, GEN_TOPIC_HOTLINE, NEG, 0,
     "Konsultant przełączał mnie kilka razy i nikt nie umiał pomóc."},
    {PL, GEN_TOPIC_HOTLINE, NEG, 0, "Musiałem dzwonić trzy razy w tej samej sprawie."},
    {PL, GEN_TOPIC_HOTLINE, NEG, 0, "Konsultant był niemiły i niecierpliwy."},
    {PL, GEN_TOPIC_HOTLINE, NEG, 0, "Nikt nie oddzwonił, choć obiecano kontakt."},
    {PL, GEN_TOPIC_HOTLINE, MIX, 0, "Konsultant pomógł, ale czekałem dość długo."},
    {PL, GEN_TOPIC_HOTLINE, MIX, 0, "Sprawa załatwiona, choć nie za pierwszym razem."},
    {PL, GEN_TOPIC_HOTLINE, POS, 0, "Konsultant szybko rozwiązał mój problem."},
    {PL, GEN_TOPIC_HOTLINE, POS, 0, "Bardzo miła i kompetentna pani na infolinii."},
    {PL, GEN_TOPIC_HOTLINE, POS, 0, "Pan konsultant cierpliwie wszystko wytłumaczył."},
    {PL, GEN_TOPIC_HOTLINE, POS, GEN_ERA_CC_NEW, "Oddzwonili w ciągu kilku minut, super."},
    {PL, GEN_TOPIC_HOTLINE, POS, GEN_ERA_CC_NEW, "Połączenie odebrane praktycznie od razu."},
    {EN, GEN_TOPIC_HOTLINE, NEG, GEN_ERA_CC_OLD, "I waited ages to speak to an agent."},
    {EN, GEN_TOPIC_HOTLINE, NEG, 0, "I was transferred several times and nobody could help."},
    {EN, GEN_TOPIC_HOTLINE, NEG, 0, "Hard to find an agent who speaks English."},
    {EN, GEN_TOPIC_HOTLINE, MIX, 0, "The agent helped in the end, but the wait was long."},
    {EN, GEN_TOPIC_HOTLINE, POS, 0, "The agent solved my problem quickly."},
    {EN, GEN_TOPIC_HOTLINE, POS, GEN_ERA_CC_NEW, "They called me back within minutes."},

    /* mobile app */
    {PL, GEN_TOPIC_APP, NEG, GEN_ERA_APP_BROKEN, "Aplikacja się zawiesza przy logowaniu."},
    {PL, GEN_TOPIC_APP, NEG, GEN_ERA_APP_BROKEN, "Po ostatniej aktualizacji aplikacja nie działa."},
    {PL, GEN_TOPIC_APP, NEG, GEN_ERA_APP_BROKEN,
     "Od kilku dni nie mogę zalogować się do aplikacji."},
    {PL, GEN_TOPIC_APP, NEG, GEN_ERA_APP_BROKEN, "Aplikacja wylogowuje mnie co chwilę."},
    {PL, GEN_TOPIC_APP, NEG, GEN_ERA_APP_BROKEN,
     "Nowa wersja aplikacji jest gorsza od poprzedniej."},
    {PL, GEN_TOPIC_APP, NEG, 0, "W aplikacji nie widać faktur."},
    {PL, GEN_TOPIC_APP, NEG, 0, "Aplikacja jest wolna i nieintuicyjna."},
    {PL, GEN_TOPIC_APP, MIX, 0, "Aplikacja przydatna, ale często się zacina."},
    {PL, GEN_TOPIC_APP, MIX, GEN_ERA_APP_BROKEN,
     "Aplikacja ma wszystko, co trzeba, tylko logowanie trwa wieki."},
    {PL, GEN_TOPIC_APP, POS, 0, "Aplikacja jest wygodna, wszystko załatwiam w telefonie."},
    {PL, GEN_TOPIC_APP, POS, 0, "Świetna aplikacja, szybko sprawdzam zużycie danych."},
    {PL, GEN_TOPIC_APP, POS, 0, "Płatność w aplikacji zajmuje kilka sekund."},
    {PL, GEN_TOPIC_APP, POS, GEN_ERA_APP_GOOD, "Aplikacja działa płynnie i bez błędów."},
    {EN, GEN_TOPIC_APP, NEG, GEN_ERA_APP_BROKEN, "The app crashes when I try to log in."},
    {EN, GEN_TOPIC_APP, NEG, GEN_ERA_APP_BROKEN, "Since the last update the app doesn't work."},
    {EN, GEN_TOPIC_APP, NEG, 0, "The app is slow and confusing."},
    {EN, GEN_TOPIC_APP, MIX, GEN_ERA_APP_BROKEN, "Useful app, but logging in takes forever."},
    {EN, GEN_TOPIC_APP, POS, 0, "The app is great, I do everything on my phone."},

    /* website */
    {PL, GEN_TOPIC_WEB, NEG, 0, "Na stronie trudno znaleźć szczegóły oferty."},
    {PL, GEN_TOPIC_WEB, NEG, 0, "Strona internetowa działa bardzo wolno."},
    {PL, GEN_TOPIC_WEB, NEG, 0, "Regulamin promocji jest niezrozumiały."},
    {PL, GEN_TOPIC_WEB, MIX, 0, "Strona czytelna, ale brakuje porównania pakietów."},
    {PL, GEN_TOPIC_WEB, POS, 0, "Na stronie łatwo porównać oferty."},
    {PL, GEN_TOPIC_WEB, POS, 0, "Wszystko jasno opisane na stronie."},
    {EN, GEN_TOPIC_WEB, NEG, 0, "Hard to find the details of the offer on the website."},
    {EN, GEN_TOPIC_WEB, MIX, 0, "The website is clear, but some pages are only in Polish."},
    {EN, GEN_TOPIC_WEB, POS, 0, "The website makes it easy to compare plans."},

    /* online order and confirmation */
    {PL, GEN_TOPIC_ORDER, NEG, 0, "Nie dostałem e-maila z potwierdzeniem zamówienia."},
    {PL, GEN_TOPIC_ORDER, NEG, 0, "Zamówienie online utknęło i nikt nie wiedział dlaczego."},
    {PL, GEN_TOPIC_ORDER, NEG, 0, "Kurier z umową nie przyjechał w umówionym terminie."},
    {PL, GEN_TOPIC_ORDER, MIX, 0,
     "Zamówienie poszło sprawnie, ale potwierdzenie przyszło dopiero po dwóch dniach."},
    {PL, GEN_TOPIC_ORDER, POS, 0, "Zamówienie przez internet zajęło pięć minut."},
    {PL, GEN_TOPIC_ORDER, POS, 0, "Od razu dostałem potwierdzenie ze wszystkimi szczegółami."},
    {EN, GEN_TOPIC_ORDER, NEG, 0, "I never got the order confirmation e-mail."},
    {EN, GEN_TOPIC_ORDER, MIX, 0, "The order went fine, but the confirmation came late."},
    {EN, GEN_TOPIC_ORDER, POS, 0, "Ordering online took five minutes."},

    /* invoices */
    {PL, GEN_TOPIC_INVOICE, NEG, 0, "Faktura była wyższa niż w umowie."},
    {PL, GEN_TOPIC_INVOICE, NEG, 0,
     "Na pierwszej fakturze naliczono opłaty, o których nikt nie mówił."},
    {PL, GEN_TOPIC_INVOICE, NEG, 0, "Nie rozumiem, za co zapłaciłem w tym miesiącu."},
    {PL, GEN_TOPIC_INVOICE, NEG, 0, "Dostałem fakturę za usługę, której nie zamawiałem."},
    {PL, GEN_TOPIC_INVOICE, NEG, GEN_ERA_PRICE,
     "Rachunek od stycznia wyższy, a nikt mnie nie uprzedził."},
    {PL, GEN_TOPIC_INVOICE, MIX, 0, "Faktura się zgadza, ale jest mało czytelna."},
    {PL, GEN_TOPIC_INVOICE, POS, 0, "Rachunki są przejrzyste i zawsze na czas."},
    {PL, GEN_TOPIC_INVOICE, POS, 0, "E-faktura przychodzi na czas, płacę jednym kliknięciem."},
    {EN, GEN_TOPIC_INVOICE, NEG, 0, "My bill was higher than the contract said."},
    {EN, GEN_TOPIC_INVOICE, NEG, 0, "Unexpected charges on my first invoice."},
    {EN, GEN_TOPIC_INVOICE, MIX, 0, "The bill is correct but hard to read."},
    {EN, GEN_TOPIC_INVOICE, POS, 0, "Clear bills, always on time."},

    /* installation */
    {PL, GEN_TOPIC_INSTALL, NEG, 0, "Technik spóźnił się trzy godziny."},
    {PL, GEN_TOPIC_INSTALL, NEG, 0, "Technik nie przyszedł w umówionym terminie."},
    {PL, GEN_TOPIC_INSTALL, NEG, 0, "Po instalacji został bałagan i dziury w ścianie."},
    {PL, GEN_TOPIC_INSTALL, MIX, 0, "Instalacja się udała, choć na termin czekałem długo."},
    {PL, GEN_TOPIC_INSTALL, POS, 0, "Technik był punktualny i bardzo profesjonalny."},
    {PL, GEN_TOPIC_INSTALL, POS, 0, "Instalacja przebiegła szybko i sprawnie."},
    {PL, GEN_TOPIC_INSTALL, POS, 0, "Pan technik wszystko wytłumaczył i skonfigurował router."},
    {EN, GEN_TOPIC_INSTALL, NEG, 0, "The technician was three hours late."},
    {EN, GEN_TOPIC_INSTALL, MIX, 0,
     "Installation went well, but the earliest date was weeks away."},
    {EN, GEN_TOPIC_INSTALL, POS, 0, "The technician was punctual and professional."},

    /* activation */
    {PL, GEN_TOPIC_ACTIVATION, NEG, 0, "Aktywacja usługi trwała ponad tydzień."},
    {PL, GEN_TOPIC_ACTIVATION, NEG, 0, "Numer nie został przeniesiony w terminie."},
    {PL, GEN_TOPIC_ACTIVATION, NEG, 0, "Po aktywacji przez dwa dni nic nie działało."},
    {PL, GEN_TOPIC_ACTIVATION, MIX, 0,
     "Aktywacja trwała dłużej, niż obiecano, ale w końcu działa."},
    {PL, GEN_TOPIC_ACTIVATION, POS, 0, "Usługa aktywna już następnego dnia."},
    {PL, GEN_TOPIC_ACTIVATION, POS, 0, "Przeniesienie numeru odbyło się bez żadnej przerwy."},
    {EN, GEN_TOPIC_ACTIVATION, NEG, 0, "Activation took more than a week."},
    {EN, GEN_TOPIC_ACTIVATION, MIX, 0, "Activation took longer than promised."},
    {EN, GEN_TOPIC_ACTIVATION, POS, 0, "The service was active the next day."},

    /* shop */
    {PL, GEN_TOPIC_SHOP, NEG, 0, "W salonie długa kolejka i tylko jedno stanowisko otwarte."},
    {PL, GEN_TOPIC_SHOP, NEG, 0, "Sprzedawca wcisnął mi droższy pakiet."},
    {PL, GEN_TOPIC_SHOP, NEG, 0, "W salonie nie umieli odpowiedzieć na proste pytania."},
    {PL, GEN_TOPIC_SHOP, MIX, 0, "Obsługa w salonie miła, ale trzeba długo czekać."},
    {PL, GEN_TOPIC_SHOP, POS, 0, "Bardzo pomocny doradca w salonie."},
    {PL, GEN_TOPIC_SHOP, POS, 0, "W salonie dobrano mi ofertę idealnie do potrzeb."},
    {EN, GEN_TOPIC_SHOP, NEG, 0, "Long queue in the store with only one desk open."},
    {EN, GEN_TOPIC_SHOP, MIX, 0, "Friendly staff, but a long wait."},
    {EN, GEN_TOPIC_SHOP, POS, 0, "Very helpful staff in the store."},

    /* chat */
    {PL, GEN_TOPIC_CHAT, NEG, 0, "Na czacie odpowiadał bot, który nic nie rozumiał."},
    {PL, GEN_TOPIC_CHAT, NEG, 0, "Czat rozłączył się w trakcie rozmowy."},
    {PL, GEN_TOPIC_CHAT, MIX, 0, "Czat pomocny, ale odpowiedzi przychodzą powoli."},
    {PL, GEN_TOPIC_CHAT, POS, 0, "Na czacie szybko załatwiłem sprawę."},
    {PL, GEN_TOPIC_CHAT, POS, 0, "Konsultantka na czacie była bardzo rzeczowa."},
    {EN, GEN_TOPIC_CHAT, NEG, 0, "The chat bot did not understand my question."},
    {EN, GEN_TOPIC_CHAT, MIX, 0, "The chat was helpful but slow."},
    {EN, GEN_TOPIC_CHAT, POS, 0, "Sorted everything out quickly on the chat."},

    /* complaints handling */
    {PL, GEN_TOPIC_COMPLAINT, NEG, 0, "Reklamacja rozpatrywana ponad miesiąc."},
    {PL, GEN_TOPIC_COMPLAINT, NEG, 0, "Reklamację odrzucono bez uzasadnienia."},
    {PL, GEN_TOPIC_COMPLAINT, NEG, 0, "Musiałem kilka razy pisać w tej samej sprawie."},
    {PL, GEN_TOPIC_COMPLAINT, NEG, 0, "Nikt nie poinformował mnie o wyniku reklamacji."},
    {PL, GEN_TOPIC_COMPLAINT, MIX, 0, "Reklamację uznano, ale trwało to zbyt długo."},
    {PL, GEN_TOPIC_COMPLAINT, POS, 0, "Reklamacja rozpatrzona szybko i na moją korzyść."},
    {PL, GEN_TOPIC_COMPLAINT, POS, 0, "Dostałem rekompensatę bez zbędnych formalności."},
    {EN, GEN_TOPIC_COMPLAINT, NEG, 0, "My complaint took more than a month."},
    {EN, GEN_TOPIC_COMPLAINT, MIX, 0, "Complaint accepted, but it took too long."},
    {EN, GEN_TOPIC_COMPLAINT, POS, 0, "Complaint resolved quickly and fairly."},

    /* plan change */
    {PL, GEN_TOPIC_PLAN_CHANGE, NEG, 0, "Zmiana taryfy wymagała wizyty w salonie."},
    {PL, GEN_TOPIC_PLAN_CHANGE, NEG, 0, "Formularz zmiany usługi jest skomplikowany."},
    {PL, GEN_TOPIC_PLAN_CHANGE, NEG, 0, "Po zmianie pakietu naliczono mi podwójną opłatę."},
    {PL, GEN_TOPIC_PLAN_CHANGE, NEG, GEN_ERA_APP_BROKEN,
     "Nie dało się zmienić pakietu w aplikacji, bo nie mogłem się zalogować."},
    {PL, GEN_TOPIC_PLAN_CHANGE, MIX, 0, "Zmiana pakietu się udała, ale musiałem dzwonić dwa razy."},
    {PL, GEN_TOPIC_PLAN_CHANGE, POS, 0, "Zmieniłem taryfę w dwie minuty."},
    {PL, GEN_TOPIC_PLAN_CHANGE, POS, 0, "Zmiana usługi bez żadnych formalności."},
    {EN, GEN_TOPIC_PLAN_CHANGE, NEG, 0, "Changing my plan required a visit to the store."},
    {EN, GEN_TOPIC_PLAN_CHANGE, MIX, 0, "The plan change worked, but I had to call twice."},
    {EN, GEN_TOPIC_PLAN_CHANGE, POS, 0, "Changed my plan in two minutes."},

    /* contract: renewal and cancellation */
    {PL, GEN_TOPIC_CONTRACT, NEG, 0,
     "Przy przedłużeniu zaproponowano mi gorsze warunki niż nowym klientom."},
    {PL, GEN_TOPIC_CONTRACT, NEG, 0, "Rozwiązanie umowy to droga przez mękę."},
    {PL, GEN_TOPIC_CONTRACT, NEG, 0, "Naliczono karę za zerwanie umowy, choć to wasza wina."},
    {PL, GEN_TOPIC_CONTRACT, MIX, 0, "Przedłużyłem umowę, ale negocjacje były męczące."},
    {PL, GEN_TOPIC_CONTRACT, POS, 0, "Przedłużenie umowy przez telefon, szybko i z rabatem."},
    {PL, GEN_TOPIC_CONTRACT, POS, 0, "Dział retencji zaproponował naprawdę dobrą ofertę."},
    {EN, GEN_TOPIC_CONTRACT, NEG, 0, "New customers get better deals than loyal ones."},
    {EN, GEN_TOPIC_CONTRACT, MIX, 0, "Renewed, but the negotiation was tiring."},
    {EN, GEN_TOPIC_CONTRACT, POS, 0, "The renewal was quick and came with a discount."},

    /* employees */
    {PL, GEN_TOPIC_EMP_WORKLOAD, NEG, 0, "Za dużo nadgodzin, zespół jest przeciążony."},
    {PL, GEN_TOPIC_EMP_WORKLOAD, NEG, GEN_ERA_CC_OLD,
     "Kolejka połączeń nie maleje, brakuje ludzi."},
    {PL, GEN_TOPIC_EMP_WORKLOAD, NEG, GEN_ERA_APP_BROKEN,
     "Po wydaniu nowej aplikacji mamy mnóstwo zgłoszeń i nie nadążamy."},
    {PL, GEN_TOPIC_EMP_WORKLOAD, MIX, 0, "Pracy jest dużo, ale da się to ogarnąć."},
    {PL, GEN_TOPIC_EMP_WORKLOAD, POS, 0, "Obciążenie pracą jest rozsądne."},
    {PL, GEN_TOPIC_EMP_WORKLOAD, POS, GEN_ERA_CC_NEW,
     "System oddzwaniania bardzo odciążył zespół."},
    {PL, GEN_TOPIC_EMP_MANAGER, NEG, 0, "Brakuje informacji zwrotnej od przełożonego."},
    {PL, GEN_TOPIC_EMP_MANAGER, NEG, 0, "Decyzje zapadają bez konsultacji z zespołem."},
    {PL, GEN_TOPIC_EMP_MANAGER, MIX, 0, "Kierownik w porządku, ale rzadko mamy czas na rozmowę."},
    {PL, GEN_TOPIC_EMP_MANAGER, POS, 0, "Mój kierownik wspiera i docenia zespół."},
    {PL, GEN_TOPIC_EMP_MANAGER, POS, 0, "Dobra komunikacja z przełożonymi."},
    {PL, GEN_TOPIC_EMP_TOOLS, NEG, 0, "Systemy są wolne i często się zawieszają."},
    {PL, GEN_TOPIC_EMP_TOOLS, NEG, 0, "Musimy korzystać z pięciu różnych programów naraz."},
    {PL, GEN_TOPIC_EMP_TOOLS, MIX, 0, "Narzędzia są, ale szkolenia z nich były za krótkie."},
    {PL, GEN_TOPIC_EMP_TOOLS, POS, 0, "Nowe narzędzia bardzo ułatwiają pracę."},
    {PL, GEN_TOPIC_EMP_PAY, NEG, 0, "Wynagrodzenie nie nadąża za inflacją."},
    {PL, GEN_TOPIC_EMP_PAY, NEG, 0, "Zasady premiowania są nieprzejrzyste."},
    {PL, GEN_TOPIC_EMP_PAY, MIX, 0, "Pensja w porządku, benefity mogłyby być lepsze."},
    {PL, GEN_TOPIC_EMP_PAY, POS, 0, "Uczciwe wynagrodzenie i dobre benefity."},
    {PL, GEN_TOPIC_EMP_TEAM, NEG, 0, "Atmosfera w zespole się pogorszyła."},
    {PL, GEN_TOPIC_EMP_TEAM, MIX, 0, "Zespół dobry, ale duża rotacja."},
    {PL, GEN_TOPIC_EMP_TEAM, POS, 0, "Świetny zespół, zawsze można liczyć na pomoc."},
    {PL, GEN_TOPIC_EMP_TEAM, POS, 0, "Lubię ludzi, z którymi pracuję."},
    {EN, GEN_TOPIC_EMP_WORKLOAD, NEG, 0, "Too much overtime, the team is overloaded."},
    {EN, GEN_TOPIC_EMP_TOOLS, NEG, 0, "Our systems are slow and crash often."},
    {EN, GEN_TOPIC_EMP_TEAM, POS, 0, "Great team, always ready to help."},
    {EN, GEN_TOPIC_EMP_MANAGER, POS, 0, "My manager supports the team."},
    {EN, GEN_TOPIC_EMP_PAY, MIX, 0, "Pay is fine, benefits could be better."},
};

#define PHRASE_COUNT (sizeof phrases / sizeof phrases[0])

/* Call notes: what an agent writes, in the third person. */
static const struct {
    unsigned char topic;
    const char *text;
} call_notes[] = {
    {GEN_TOPIC_GENERAL, "Klient pyta o szczegóły umowy. Udzielono informacji."},
    {GEN_TOPIC_PRICE,
     "Klient niezadowolony z podwyżki abonamentu. Przedstawiono ofertę retencyjną."},
    {GEN_TOPIC_PRICE,
     "Klient porównuje ceny z konkurencją, prosi o rabat. Przekazano do retencji."},
    {GEN_TOPIC_NETWORK, "Klient zgłasza brak internetu od wczoraj. Zlecono diagnostykę łącza."},
    {GEN_TOPIC_NETWORK,
     "Niska prędkość łącza wieczorami. Zdalny restart modemu, klient ma obserwować."},
    {GEN_TOPIC_HOTLINE, "Klient skarży się na czas oczekiwania na połączenie. Przeproszono."},
    {GEN_TOPIC_APP,
     "Klient nie może zalogować się do aplikacji. Zalecono reinstalację, zgłoszono błąd do IT."},
    {GEN_TOPIC_APP,
     "Aplikacja zamyka się przy logowaniu. Założono zgłoszenie do zespołu aplikacji."},
    {GEN_TOPIC_INVOICE, "Klient kwestionuje kwotę faktury. Wyjaśniono naliczenia proporcjonalne."},
    {GEN_TOPIC_INVOICE,
     "Faktura wyższa niż w umowie. Założono reklamację, korekta w ciągu 14 dni."},
    {GEN_TOPIC_INSTALL, "Technik nie dotarł na wizytę. Umówiono nowy termin na jutro."},
    {GEN_TOPIC_ACTIVATION, "Usługa nieaktywna mimo upływu terminu. Eskalacja do działu aktywacji."},
    {GEN_TOPIC_PLAN_CHANGE,
     "Klient chce zmienić pakiet na tańszy. Zmiana wykonana od kolejnego okresu."},
    {GEN_TOPIC_COMPLAINT,
     "Klient pyta o status reklamacji. Reklamacja w toku, termin odpowiedzi 14 dni."},
    {GEN_TOPIC_CONTRACT, "Klient zapowiada rozwiązanie umowy. Przekazano do działu retencji."},
    {GEN_TOPIC_CONTRACT, "Klient przedłużył umowę na 24 miesiące z rabatem lojalnościowym."},
};

#define CALL_NOTE_COUNT (sizeof call_notes / sizeof call_notes[0])

/* Index: for each (language, topic, tone) a run of phrase numbers. */
static unsigned short phrase_order[PHRASE_COUNT];
static unsigned short phrase_start[GEN_LANG_COUNT][GEN_TOPIC_COUNT][GEN_TONE_COUNT];
static unsigned short phrase_count[GEN_LANG_COUNT][GEN_TOPIC_COUNT][GEN_TONE_COUNT];
static pthread_once_t phrase_once = PTHREAD_ONCE_INIT;

static void phrase_index_build(void)
{
    unsigned short n = 0;
    for (int l = 0; l < GEN_LANG_COUNT; l++)
        for (int t = 0; t < GEN_TOPIC_COUNT; t++)
            for (int k = 0; k < GEN_TONE_COUNT; k++) {
                phrase_start[l][t][k] = n;
                for (size_t i = 0; i < PHRASE_COUNT; i++)
                    if (phrases[i].lang == l && phrases[i].topic == t && phrases[i].tone == k)
                        phrase_order[n++] = (unsigned short)i;
                phrase_count[l][t][k] = (unsigned short)(n - phrase_start[l][t][k]);
            }
}

/* A phrase for (lang, topic, tone), falling back to the general topic and
 * then to Polish when a language has nothing to say on a topic. When one
 * of the story's periods is active, its own phrases are preferred: that is
 * what makes a theme rise in the comments at the right time. */
static const char *phrase_pick(rng_t *r, gen_lang_t lang, gen_topic_t topic, gen_tone_t tone,
                               unsigned eras)
{
    int l = lang, t = topic;
    if (!phrase_count[l][t][tone])
        l = GEN_LANG_PL;
    if (!phrase_count[l][t][tone])
        t = GEN_TOPIC_GENERAL;
    unsigned start = phrase_start[l][t][tone], count = phrase_count[l][t][tone];
    const unsigned short *run = phrase_order + start;

    unsigned in_era = 0, plain = 0;
    for (unsigned i = 0; i < count; i++) {
        unsigned e = phrases[run[i]].eras;
        if (!e)
            plain++;
        else if (e & eras)
            in_era++;
    }
    bool want_era = in_era && (plain == 0 || rng_uniform(r) < 0.7);
    if (!want_era && plain == 0)
        return phrases[run[0]].text; /* only out-of-period phrases: still say something */
    unsigned k = (unsigned)rng_range(r, 0, (int64_t)(want_era ? in_era : plain) - 1);
    for (unsigned i = 0; i < count; i++) {
        unsigned e = phrases[run[i]].eras;
        bool eligible = want_era ? (e & eras) != 0 : e == 0;
        if (eligible && k-- == 0)
            return phrases[run[i]].text;
    }
    return phrases[run[0]].text;
}

static void append_sentence(const char *s, bool first, buf_t *out)
{
    if (!first)
        buf_putc(out, ' ');
    buf_puts(out, s);
}

void gen_text_comment(rng_t *r, gen_lang_t lang, gen_topic_t topic, gen_topic_t second,
                      gen_tone_t tone, unsigned eras, buf_t *out)
{
    pthread_once(&phrase_once, phrase_index_build);
    size_t start = out->len;
    const char *first = phrase_pick(r, lang, topic, tone, eras);
    append_sentence(first, true, out);
    if (second != topic && rng_uniform(r) < 0.45) {
        const char *next = phrase_pick(r, lang, second, tone, eras);
        if (next != first)
            append_sentence(next, false, out);
    }
    if (tone != GEN_TONE_MIXED && topic != GEN_TOPIC_GENERAL && rng_uniform(r) < 0.18) {
        const char *close = phrase_pick(r, lang, GEN_TOPIC_GENERAL, tone, eras);
        if (close != first)
            append_sentence(close, false, out);
    }
    /* Sometimes the way people really type: no final full stop, or the
     * first letter in lower case. */
    double u = rng_uniform(r);
    if (buf_failed(out) || out->len == start)
        return;
    char *text = out->data + start;
    if (u < 0.06 && text[0] >= 'A' && text[0] <= 'Z')
        text[0] = (char)(text[0] - 'A' + 'a');
    else if (u > 0.9 && out->data[out->len - 1] == '.')
        out->data[--out->len] = '\0';
}

void gen_text_call_note(rng_t *r, gen_topic_t topic, buf_t *out)
{
    unsigned matches = 0;
    for (size_t i = 0; i < CALL_NOTE_COUNT; i++)
        matches += call_notes[i].topic == topic;
    if (!matches)
        topic = GEN_TOPIC_GENERAL, matches = 1;
    unsigned k = (unsigned)rng_range(r, 0, matches - 1);
    for (size_t i = 0; i < CALL_NOTE_COUNT; i++)
        if (call_notes[i].topic == topic && k-- == 0) {
            buf_puts(out, call_notes[i].text);
            return;
        }
}

/* ---- people ------------------------------------------------------------ */

static const char *const male_names[] = {
    "Jan",       "Piotr",    "Krzysztof", "Andrzej",    "Tomasz",   "Paweł",     "Michał",
    "Marcin",    "Grzegorz", "Józef",     "Marek",      "Adam",     "Łukasz",    "Zbigniew",
    "Jerzy",     "Tadeusz",  "Mateusz",   "Dariusz",    "Mariusz",  "Wojciech",  "Ryszard",
    "Jakub",     "Henryk",   "Robert",    "Kazimierz",  "Jacek",    "Maciej",    "Kamil",
    "Stanisław", "Rafał",    "Zdzisław",  "Dawid",      "Szymon",   "Sebastian", "Mirosław",
    "Artur",     "Bartosz",  "Damian",    "Przemysław", "Daniel",   "Karol",     "Roman",
    "Sławomir",  "Filip",    "Kacper",    "Antoni",     "Igor",     "Wiktor",    "Hubert",
    "Oskar",     "Patryk",   "Adrian",    "Leszek",     "Waldemar", "Bogdan",    "Edward",
    "Czesław",   "Jarosław", "Norbert",   "Dominik",
};

static const char *const female_names[] = {
    "Anna",     "Maria",    "Katarzyna", "Małgorzata", "Agnieszka", "Barbara",    "Ewa",
    "Krystyna", "Elżbieta", "Magdalena", "Joanna",     "Zofia",     "Aleksandra", "Monika",
    "Teresa",   "Danuta",   "Natalia",   "Karolina",   "Marta",     "Beata",      "Dorota",
    "Halina",   "Jadwiga",  "Janina",    "Alicja",     "Julia",     "Paulina",    "Justyna",
    "Grażyna",  "Bożena",   "Iwona",     "Renata",     "Sylwia",    "Agata",      "Urszula",
    "Hanna",    "Wiktoria", "Helena",    "Weronika",   "Emilia",    "Oliwia",     "Maja",
    "Zuzanna",  "Lena",     "Izabela",   "Kinga",      "Patrycja",  "Dominika",   "Michalina",
    "Edyta",    "Wanda",    "Irena",     "Jolanta",    "Mariola",   "Lucyna",     "Gabriela",
    "Klaudia",  "Milena",   "Łucja",     "Amelia",
};

/* Masculine forms; the feminine is derived for adjectival surnames
 * (Kowalski → Kowalska, Zawadzki → Zawadzka, Konieczny → Konieczna),
 * the others are the same for both. */
static const char *const surnames[] = {
    "Nowak",       "Kowalski",   "Wiśniewski",    "Wójcik",      "Kowalczyk",   "Kamiński",
    "Lewandowski", "Zieliński",  "Szymański",     "Woźniak",     "Dąbrowski",   "Kozłowski",
    "Jankowski",   "Mazur",      "Wojciechowski", "Kwiatkowski", "Krawczyk",    "Kaczmarek",
    "Piotrowski",  "Grabowski",  "Zając",         "Pawłowski",   "Michalski",   "Król",
    "Wieczorek",   "Jabłoński",  "Wróbel",        "Nowakowski",  "Majewski",    "Olszewski",
    "Stępień",     "Malinowski", "Jaworski",      "Adamczyk",    "Dudek",       "Nowicki",
    "Pawlak",      "Górski",     "Witkowski",     "Walczak",     "Sikora",      "Baran",
    "Rutkowski",   "Michalak",   "Szewczyk",      "Ostrowski",   "Tomaszewski", "Pietrzak",
    "Zalewski",    "Wróblewski", "Marciniak",     "Jasiński",    "Zawadzki",    "Bąk",
    "Jakubowski",  "Sadowski",   "Duda",          "Włodarczyk",  "Wilk",        "Chmielewski",
    "Borkowski",   "Sokołowski", "Szczepański",   "Sawicki",     "Lis",         "Kucharski",
    "Kalinowski",  "Wysocki",    "Mazurek",       "Kubiak",      "Maciejewski", "Czarnecki",
    "Kołodziej",   "Urbański",   "Kaźmierczak",   "Sobczak",     "Konieczny",   "Głowacki",
    "Zakrzewski",  "Krupa",      "Wasilewski",    "Laskowski",   "Ziółkowski",  "Kozieł",
    "Szulc",       "Makowski",   "Czerwiński",    "Baranowski",  "Szymczak",    "Kaczmarczyk",
    "Przybylski",  "Cieślak",    "Leśniak",       "Gajewski",    "Mróz",        "Kowalewski",
    "Błaszczyk",   "Górecki",    "Wawrzyniak",    "Stachowiak",
};

/* For customers who chose English: expatriates and foreign residents. */
static const char *const foreign_male[] = {
    "James",  "John",   "Michael",   "David", "Thomas", "Mark",   "Paul",
    "Oliver", "Andriy", "Oleksandr", "Lukas", "Marco",  "Carlos", "Ahmed",
};
static const char *const foreign_female[] = {
    "Emma",  "Sarah", "Emily",  "Laura", "Sophie", "Olena",
    "Iryna", "Anna",  "Giulia", "Maria", "Chloe",  "Hannah",
};
static const char *const foreign_surnames[] = {
    "Smith",  "Brown",      "Taylor",    "Wilson",     "Evans",   "Walker",    "Hughes",
    "Green",  "Martin",     "Clarke",    "Murphy",     "O'Brien", "Schneider", "Rossi",
    "Garcia", "Shevchenko", "Kovalenko", "Bondarenko", "Novak",   "Dubois",
};

static const char *const mail_domains[] = {"poczta.example", "mail.example", "skrzynka.example",
                                           "post.example"};

#define COUNT(a) ((int64_t)(sizeof(a) / sizeof((a)[0])))
#define PICK(r, a) ((a)[rng_range((r), 0, COUNT(a) - 1)])

static bool ends_with(const char *s, size_t len, const char *tail)
{
    size_t n = strlen(tail);
    return len >= n && memcmp(s + len - n, tail, n) == 0;
}

/* Writes the surname in the form for the person's gender into out. */
static size_t surname_form(const char *male, bool female, char *out, size_t cap)
{
    size_t len = strlen(male);
    if (len >= cap)
        len = cap - 1;
    memcpy(out, male, len);
    out[len] = '\0';
    if (female && (ends_with(out, len, "ki") || ends_with(out, len, "ny")))
        out[len - 1] = 'a';
    return len;
}

/* Lower-case ASCII for an address: Polish letters lose their marks, other
 * bytes that are not letters or digits are dropped. */
static void append_ascii(const char *s, size_t len, buf_t *out)
{
    static const struct {
        const char *utf8;
        char ascii;
    } marks[] = {
        {"ą", 'a'}, {"ć", 'c'}, {"ę", 'e'}, {"ł", 'l'}, {"ń", 'n'}, {"ó", 'o'},
        {"ś", 's'}, {"ź", 'z'}, {"ż", 'z'}, {"Ą", 'a'}, {"Ć", 'c'}, {"Ę", 'e'},
        {"Ł", 'l'}, {"Ń", 'n'}, {"Ó", 'o'}, {"Ś", 's'}, {"Ź", 'z'}, {"Ż", 'z'},
    };
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (c >= 'A' && c <= 'Z')
                buf_putc(out, (char)(c - 'A' + 'a'));
            else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
                buf_putc(out, (char)c);
            i++;
            continue;
        }
        bool mapped = false;
        for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++) {
            size_t n = strlen(marks[m].utf8);
            if (i + n <= len && memcmp(s + i, marks[m].utf8, n) == 0) {
                buf_putc(out, marks[m].ascii);
                i += n;
                mapped = true;
                break;
            }
        }
        if (!mapped)
            i++;
    }
}

void gen_text_person(rng_t *r, gen_lang_t lang, uint64_t serial, const char *company_domain,
                     buf_t *out, size_t *name_off, size_t *email_off)
{
    bool female = rng_uniform(r) < 0.52;
    const char *first, *last;
    if (lang == GEN_LANG_EN) {
        first = female ? PICK(r, foreign_female) : PICK(r, foreign_male);
        last = PICK(r, foreign_surnames);
    } else {
        first = female ? PICK(r, female_names) : PICK(r, male_names);
        last = PICK(r, surnames);
    }
    char surname[64];
    size_t n = surname_form(last, lang == GEN_LANG_PL && female, surname, sizeof surname);

    *name_off = out->len;
    buf_puts(out, first);
    buf_putc(out, ' ');
    buf_puts(out, surname);
    buf_putc(out, '\0');

    *email_off = out->len;
    append_ascii(first, strlen(first), out);
    buf_putc(out, '.');
    append_ascii(surname, n, out);
    if (!company_domain) {
        /* Digits, so that two customers rarely share an address. */
        buf_printf(out, "%d", (int)(serial % 1000));
        buf_putc(out, '@');
        buf_puts(out, PICK(r, mail_domains));
    } else {
        buf_putc(out, '@');
        buf_puts(out, company_domain);
    }
    buf_putc(out, '\0');
}

/* ---- companies --------------------------------------------------------- */

static const char *const company_roots[] = {
    "Bud",   "Trans", "Agro", "Med",  "Info", "Eko", "Elektro", "Auto", "Drew", "Stal",
    "Hydro", "Term",  "Pak",  "Farm", "Logi", "Dom", "Opti",    "Kom",  "Mar",  "Wik",
};
static const char *const company_suffixes[] = {"pol",    "ex",   "mat",  "net", "tech",
                                               "serwis", "land", "sped", "med", "tex"};
static const char *const company_forms[] = {"Sp. z o.o.", "Sp. z o.o.", "Sp. z o.o.",
                                            "S.A.",       "Sp. j.",     "Sp. k."};

static const struct {
    const char *prefix;
    const char *industry;
} family_firms[] = {
    {"Biuro Rachunkowe", "usługi księgowe"},
    {"Kancelaria Prawna", "usługi prawne"},
    {"Piekarnia", "spożywcza"},
    {"Auto Serwis", "motoryzacja"},
    {"Przychodnia", "opieka zdrowotna"},
    {"Hotel", "hotelarstwo"},
    {"Apteka", "farmacja"},
    {"Zakład Stolarski", "produkcja"},
};

static const char *const root_industries[] = {
    "budownictwo",
    "transport i logistyka",
    "rolnictwo",
    "opieka zdrowotna",
    "IT",
    "usługi komunalne",
    "elektrotechnika",
    "motoryzacja",
    "meblarstwo",
    "hutnictwo",
    "instalacje",
    "energetyka",
    "opakowania",
    "farmacja",
    "logistyka",
    "nieruchomości",
    "optyka",
    "telekomunikacja",
    "handel",
    "handel",
};

const char *gen_text_company(rng_t *r, buf_t *name_out, buf_t *domain_out)
{
    if (rng_uniform(r) < 0.6) {
        int64_t root = rng_range(r, 0, COUNT(company_roots) - 1);
        const char *suffix = PICK(r, company_suffixes);
        if (strcasecmp(suffix, company_roots[root]) == 0)
            suffix = "pol"; /* not "Medmed" */
        size_t start = name_out->len;
        buf_puts(name_out, company_roots[root]);
        buf_puts(name_out, suffix);
        size_t brand_len = name_out->len - start;
        buf_putc(name_out, ' ');
        buf_puts(name_out, PICK(r, company_forms));
        if (!buf_failed(name_out))
            append_ascii(name_out->data + start, brand_len, domain_out);
        buf_puts(domain_out, ".example");
        return root_industries[root];
    }
    int64_t kind = rng_range(r, 0, COUNT(family_firms) - 1);
    const char *owner = PICK(r, surnames);
    buf_puts(name_out, family_firms[kind].prefix);
    buf_putc(name_out, ' ');
    buf_puts(name_out, owner);
    append_ascii(owner, strlen(owner), domain_out);
    buf_putc(domain_out, '-');
    append_ascii(family_firms[kind].prefix, strlen(family_firms[kind].prefix), domain_out);
    buf_puts(domain_out, ".example");
    return family_firms[kind].industry;
}

/* ---- places ------------------------------------------------------------ */

static const struct {
    const char *city;
    const char *region;
    double weight; /* roughly the population in thousands */
} places[] = {
    {"Warszawa", "mazowieckie", 1860},
    {"Kraków", "małopolskie", 800},
    {"Wrocław", "dolnośląskie", 670},
    {"Łódź", "łódzkie", 660},
    {"Poznań", "wielkopolskie", 540},
    {"Gdańsk", "pomorskie", 490},
    {"Szczecin", "zachodniopomorskie", 390},
    {"Bydgoszcz", "kujawsko-pomorskie", 330},
    {"Lublin", "lubelskie", 330},
    {"Białystok", "podlaskie", 290},
    {"Katowice", "śląskie", 285},
    {"Gdynia", "pomorskie", 245},
    {"Częstochowa", "śląskie", 210},
    {"Radom", "mazowieckie", 200},
    {"Rzeszów", "podkarpackie", 195},
    {"Toruń", "kujawsko-pomorskie", 195},
    {"Kielce", "świętokrzyskie", 185},
    {"Olsztyn", "warmińsko-mazurskie", 170},
    {"Opole", "opolskie", 125},
    {"Zielona Góra", "lubuskie", 140},
    {"Gorzów Wielkopolski", "lubuskie", 120},
    {"Nowy Sącz", "małopolskie", 82},
    {"Płock", "mazowieckie", 115},
    {"Koszalin", "zachodniopomorskie", 105},
};

void gen_text_place(rng_t *r, const char **city, const char **region)
{
    double total = 0;
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++)
        total += places[i].weight;
    double x = rng_uniform(r) * total;
    size_t i = 0;
    while (i + 1 < sizeof places / sizeof places[0] && x >= places[i].weight)
        x -= places[i++].weight;
    *city = places[i].city;
    *region = places[i].region;
}
