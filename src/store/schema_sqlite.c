/*
 * schema_sqlite.c — the numbered migrations of the SQLite store.
 *
 * Migration N takes a database from version N-1 to N (PRAGMA user_version).
 * They are applied in order at open, each in its own transaction. Never edit
 * a migration that has shipped: add a new one. tests/unit/test_migrate.c
 * builds a database at every earlier version and checks that opening it
 * reaches the same schema as a fresh one.
 *
 * Conventions: times are INTEGER Unix seconds (UTC); booleans INTEGER 0/1;
 * money is REAL in the organisation's currency; free attributes are JSON
 * text. Every table that a user can edit has created_at.
 */
#include "store/schema.h"

#include <stddef.h>

static const char migration_1_accounts[] =
    /* Organisation-wide settings as key/value: name, time zone, currency,
     * default language. */
    "CREATE TABLE settings ("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL"
    ");"
    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  display_name TEXT NOT NULL DEFAULT '',"
    "  email TEXT NOT NULL DEFAULT '',"
    "  role TEXT NOT NULL CHECK (role IN ('admin','manager','analyst','agent','viewer')),"
    "  password_hash TEXT NOT NULL,"
    "  language TEXT NOT NULL DEFAULT 'pl',"
    "  disabled INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL,"
    "  password_changed_at INTEGER NOT NULL"
    ");"
    /* Sessions are looked up by the hash of the cookie token, so a copy of
     * the database does not yield usable cookies. */
    "CREATE TABLE sessions ("
    "  id INTEGER PRIMARY KEY,"
    "  token_hash TEXT NOT NULL UNIQUE,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  csrf_token TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  last_seen_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  revoked_at INTEGER,"
    "  address TEXT NOT NULL DEFAULT '',"
    "  user_agent TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX sessions_user ON sessions(user_id);"
    "CREATE TABLE api_keys ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  prefix TEXT NOT NULL UNIQUE,"
    "  key_hash TEXT NOT NULL,"
    "  role TEXT NOT NULL CHECK (role IN ('admin','manager','analyst','agent','viewer')),"
    "  created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    "  created_at INTEGER NOT NULL,"
    "  last_used_at INTEGER,"
    "  revoked_at INTEGER"
    ");"
    /* Failed sign-ins, for throttling per account and per address. */
    "CREATE TABLE login_failures ("
    "  id INTEGER PRIMARY KEY,"
    "  user_name TEXT NOT NULL,"
    "  address TEXT NOT NULL,"
    "  at INTEGER NOT NULL"
    ");"
    "CREATE INDEX login_failures_user ON login_failures(user_name, at);"
    "CREATE INDEX login_failures_address ON login_failures(address, at);"
    "CREATE TABLE audit_log ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  actor TEXT NOT NULL,"          /* user name, 'key:NAME' or 'cli' */
    "  action TEXT NOT NULL,"         /* e.g. login, login_failed, user_add */
    "  target TEXT NOT NULL DEFAULT '',"
    "  address TEXT NOT NULL DEFAULT '',"
    "  detail TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX audit_log_at ON audit_log(at);";

static const char migration_2_domain[] =
    /* B2B companies; B2C customers have none. */
    "CREATE TABLE accounts ("
    "  id INTEGER PRIMARY KEY,"
    "  external_id TEXT UNIQUE,"
    "  name TEXT NOT NULL,"
    "  industry TEXT NOT NULL DEFAULT '',"
    "  created_at INTEGER NOT NULL"
    ");"
    /* A segment is either a rule over customer attributes (rule, JSON) or an
     * explicit list (segment_members). */
    "CREATE TABLE segments ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  description TEXT NOT NULL DEFAULT '',"
    "  rule TEXT,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE TABLE customers ("
    "  id INTEGER PRIMARY KEY,"
    "  external_id TEXT UNIQUE,"
    "  name TEXT NOT NULL DEFAULT '',"
    "  email TEXT NOT NULL DEFAULT '',"
    "  language TEXT NOT NULL DEFAULT 'pl',"
    "  segment_id INTEGER REFERENCES segments(id) ON DELETE SET NULL,"
    "  account_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,"
    "  value_tier TEXT NOT NULL DEFAULT '',"
    "  revenue REAL NOT NULL DEFAULT 0,"        /* yearly */
    "  cost_to_serve REAL NOT NULL DEFAULT 0,"  /* yearly */
    "  joined_at INTEGER,"
    "  churned_at INTEGER,"
    "  attributes TEXT NOT NULL DEFAULT '{}',"
    "  erased_at INTEGER,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX customers_segment ON customers(segment_id);"
    "CREATE INDEX customers_account ON customers(account_id);"
    "CREATE TABLE segment_members ("
    "  segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,"
    "  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (segment_id, customer_id)"
    ");"
    "CREATE TABLE journeys ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  description TEXT NOT NULL DEFAULT '',"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE TABLE stages ("
    "  id INTEGER PRIMARY KEY,"
    "  journey_id INTEGER NOT NULL REFERENCES journeys(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL,"
    "  name TEXT NOT NULL,"
    "  UNIQUE (journey_id, position)"
    ");"
    "CREATE TABLE touchpoints ("
    "  id INTEGER PRIMARY KEY,"
    "  stage_id INTEGER NOT NULL REFERENCES stages(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL UNIQUE,"
    "  channel TEXT NOT NULL DEFAULT '',"
    "  department TEXT NOT NULL DEFAULT '',"
    "  office TEXT NOT NULL DEFAULT 'front' CHECK (office IN ('front','back')),"
    "  target_score REAL,"
    "  moment_of_truth INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE INDEX touchpoints_stage ON touchpoints(stage_id);"
    "CREATE TABLE surveys ("
    "  id INTEGER PRIMARY KEY,"
    "  slug TEXT NOT NULL UNIQUE,"  /* the public /s/SLUG address */
    "  kind TEXT NOT NULL CHECK (kind IN ('nps','csat','ces','enps','custom')),"
    "  name TEXT NOT NULL,"
    "  touchpoint_id INTEGER REFERENCES touchpoints(id) ON DELETE SET NULL,"
    "  channel TEXT NOT NULL DEFAULT '',"
    "  languages TEXT NOT NULL DEFAULT 'pl',"  /* comma list */
    "  open INTEGER NOT NULL DEFAULT 1,"
    "  thank_you TEXT NOT NULL DEFAULT '{}',"  /* JSON: language -> text */
    "  allowed_origins TEXT NOT NULL DEFAULT '',"
    "  created_at INTEGER NOT NULL"
    ");"
    /* kind: score (0-10), rating (1-5), effort (1-7), single, multi, text.
     * Labels and choices are JSON objects keyed by language. The main
     * question of a survey (its NPS/CSAT/CES item) has is_main = 1;
     * driver questions name the journey attribute they rate. */
    "CREATE TABLE questions ("
    "  id INTEGER PRIMARY KEY,"
    "  survey_id INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL,"
    "  key TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('score','rating','effort','single','multi','text')),"
    "  label TEXT NOT NULL DEFAULT '{}',"
    "  choices TEXT NOT NULL DEFAULT '[]',"
    "  scale_inverted INTEGER NOT NULL DEFAULT 0,"
    "  is_main INTEGER NOT NULL DEFAULT 0,"
    "  driver_attribute TEXT,"
    "  required INTEGER NOT NULL DEFAULT 0,"
    "  logic TEXT NOT NULL DEFAULT '{}',"
    "  UNIQUE (survey_id, key)"
    ");"
    "CREATE TABLE invitations ("
    "  id INTEGER PRIMARY KEY,"
    "  survey_id INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,"
    "  customer_id INTEGER REFERENCES customers(id) ON DELETE CASCADE,"
    "  token_hash TEXT NOT NULL UNIQUE,"
    "  channel TEXT NOT NULL DEFAULT 'email',"
    "  status TEXT NOT NULL DEFAULT 'queued'"
    "    CHECK (status IN ('queued','sent','failed','answered')),"
    "  status_detail TEXT NOT NULL DEFAULT '',"
    "  sent_at INTEGER,"
    "  reminded_at INTEGER,"
    "  answered_at INTEGER,"
    "  created_at INTEGER NOT NULL"
    ");"
    /* One row per response. score is the main question's answer (NULL when
     * skipped); nps_group is derived from it for NPS/eNPS surveys:
     * -1 detractor, 0 passive, 1 promoter. Ids only grow (AUTOINCREMENT), so
     * the metrics engine can follow new rows by id. */
    "CREATE TABLE responses ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT," /* never reused: readers follow ids */
    "  survey_id INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,"
    "  customer_id INTEGER REFERENCES customers(id) ON DELETE SET NULL,"
    "  invitation_id INTEGER REFERENCES invitations(id) ON DELETE SET NULL,"
    "  touchpoint_id INTEGER REFERENCES touchpoints(id) ON DELETE SET NULL,"
    "  channel TEXT NOT NULL DEFAULT '',"
    "  language TEXT NOT NULL DEFAULT '',"
    "  submitted_at INTEGER NOT NULL,"
    "  completed INTEGER NOT NULL DEFAULT 1,"
    "  score INTEGER,"
    "  nps_group INTEGER,"
    "  comment TEXT,"
    "  sentiment INTEGER,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX responses_survey_time ON responses(survey_id, submitted_at);"
    "CREATE INDEX responses_time ON responses(submitted_at);"
    "CREATE INDEX responses_customer ON responses(customer_id);"
    "CREATE TABLE answers ("
    "  response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,"
    "  question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,"
    "  value_num REAL,"
    "  value_text TEXT,"
    "  PRIMARY KEY (response_id, question_id)"
    ");"
    "CREATE TABLE feedback_items ("
    "  id INTEGER PRIMARY KEY,"
    "  source TEXT NOT NULL CHECK (source IN ('complaint','ticket','review','call_note','chat','other')),"
    "  external_id TEXT,"
    "  customer_id INTEGER REFERENCES customers(id) ON DELETE SET NULL,"
    "  touchpoint_id INTEGER REFERENCES touchpoints(id) ON DELETE SET NULL,"
    "  channel TEXT NOT NULL DEFAULT '',"
    "  language TEXT NOT NULL DEFAULT '',"
    "  title TEXT NOT NULL DEFAULT '',"
    "  text TEXT NOT NULL,"
    "  rating REAL,"
    "  category TEXT NOT NULL DEFAULT '',"
    "  received_at INTEGER NOT NULL,"
    "  sentiment INTEGER,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX feedback_items_time ON feedback_items(received_at);"
    "CREATE INDEX feedback_items_customer ON feedback_items(customer_id);"
    "CREATE TABLE kpis ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  unit TEXT NOT NULL DEFAULT '',"
    "  kind TEXT NOT NULL DEFAULT 'operational' CHECK (kind IN ('operational','financial')),"
    "  better TEXT NOT NULL DEFAULT 'higher' CHECK (better IN ('higher','lower')),"
    "  description TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE TABLE kpi_values ("
    "  id INTEGER PRIMARY KEY,"
    "  kpi_id INTEGER NOT NULL REFERENCES kpis(id) ON DELETE CASCADE,"
    "  period_start INTEGER NOT NULL,"
    "  segment_id INTEGER REFERENCES segments(id) ON DELETE CASCADE,"
    "  touchpoint_id INTEGER REFERENCES touchpoints(id) ON DELETE CASCADE,"
    "  value REAL NOT NULL"
    ");"
    "CREATE INDEX kpi_values_kpi ON kpi_values(kpi_id, period_start);"
    /* metric: nps, csat, ces, enps or kpi:NAME; scope: whole, touchpoint
     * or segment with scope_id. */
    "CREATE TABLE targets ("
    "  id INTEGER PRIMARY KEY,"
    "  metric TEXT NOT NULL,"
    "  scope TEXT NOT NULL DEFAULT 'whole' CHECK (scope IN ('whole','touchpoint','segment')),"
    "  scope_id INTEGER,"
    "  value REAL NOT NULL,"
    "  due_date INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE TABLE cases ("
    "  id INTEGER PRIMARY KEY,"
    "  response_id INTEGER REFERENCES responses(id) ON DELETE SET NULL,"
    "  feedback_item_id INTEGER REFERENCES feedback_items(id) ON DELETE SET NULL,"
    "  customer_id INTEGER REFERENCES customers(id) ON DELETE SET NULL,"
    "  title TEXT NOT NULL,"
    "  owner_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    "  status TEXT NOT NULL DEFAULT 'new'"
    "    CHECK (status IN ('new','in_progress','resolved','closed')),"
    "  priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low','normal','high','urgent')),"
    "  due_at INTEGER,"
    "  contacted INTEGER NOT NULL DEFAULT 0,"
    "  outcome TEXT NOT NULL DEFAULT '',"
    "  rule TEXT NOT NULL DEFAULT '',"
    "  created_at INTEGER NOT NULL,"
    "  resolved_at INTEGER,"
    "  closed_at INTEGER"
    ");"
    "CREATE INDEX cases_status ON cases(status, due_at);"
    "CREATE TABLE case_notes ("
    "  id INTEGER PRIMARY KEY,"
    "  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
    "  author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    "  text TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE TABLE initiatives ("
    "  id INTEGER PRIMARY KEY,"
    "  title TEXT NOT NULL,"
    "  root_cause TEXT NOT NULL DEFAULT '',"
    "  touchpoint_id INTEGER REFERENCES touchpoints(id) ON DELETE SET NULL,"
    "  theme TEXT NOT NULL DEFAULT '',"
    "  owner_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    "  cost REAL NOT NULL DEFAULT 0,"
    "  expected_effect TEXT NOT NULL DEFAULT '',"
    "  status TEXT NOT NULL DEFAULT 'proposed'"
    "    CHECK (status IN ('proposed','approved','in_progress','done','cancelled')),"
    "  started_at INTEGER,"
    "  finished_at INTEGER,"
    "  created_at INTEGER NOT NULL"
    ");"
    /* Brand promises of the organisation profile, each tied to the measures
     * that check it (metric names, JSON list). */
    "CREATE TABLE promises ("
    "  id INTEGER PRIMARY KEY,"
    "  text TEXT NOT NULL,"
    "  measures TEXT NOT NULL DEFAULT '[]',"
    "  created_at INTEGER NOT NULL"
    ");";

/* Idempotency keys of API writes: a retried request with the same key
 * gets the first answer again instead of writing twice. The fingerprint
 * (a hash of the request body) tells a retry from a different request
 * reusing a key. */
static const char migration_3_idempotency[] =
    "CREATE TABLE idempotency_keys ("
    "  key TEXT PRIMARY KEY,"
    "  actor TEXT NOT NULL,"
    "  fingerprint TEXT NOT NULL,"
    "  status INTEGER NOT NULL,"
    "  body TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);";

/* Public survey pages save the first answer at once and complete the
 * response on the next page. The second step proves it continues this
 * response with a random token given to the respondent; only its hash is
 * stored, and the row goes when the response is completed. */
static const char migration_4_response_resume[] =
    "CREATE TABLE response_resume ("
    "  response_id INTEGER PRIMARY KEY REFERENCES responses(id) ON DELETE CASCADE,"
    "  token_hash TEXT NOT NULL UNIQUE,"
    "  created_at INTEGER NOT NULL"
    ");";
/* Full-text search over response comments and feedback items (search.h):
 * FTS5 indexes that read their text from the tables themselves (external
 * content), kept in step by triggers. A row is in the index exactly when
 * it has text: the triggers remove the old text and add the new one, so an
 * erasure that sets a comment to NULL leaves nothing searchable behind.
 * The tokenizer cxfold is registered by the store on every connection. The
 * last statements index the rows that exist already. */
static const char migration_5_search[] =
    "CREATE VIRTUAL TABLE responses_fts USING fts5("
    "  comment, content='responses', content_rowid='id', tokenize='cxfold');"
    "CREATE TRIGGER responses_fts_insert AFTER INSERT ON responses"
    "  WHEN new.comment IS NOT NULL BEGIN"
    "  INSERT INTO responses_fts (rowid, comment) VALUES (new.id, new.comment);"
    "END;"
    "CREATE TRIGGER responses_fts_delete AFTER DELETE ON responses"
    "  WHEN old.comment IS NOT NULL BEGIN"
    "  INSERT INTO responses_fts (responses_fts, rowid, comment)"
    "    VALUES ('delete', old.id, old.comment);"
    "END;"
    "CREATE TRIGGER responses_fts_update AFTER UPDATE OF comment ON responses BEGIN"
    "  INSERT INTO responses_fts (responses_fts, rowid, comment)"
    "    SELECT 'delete', old.id, old.comment WHERE old.comment IS NOT NULL;"
    "  INSERT INTO responses_fts (rowid, comment)"
    "    SELECT new.id, new.comment WHERE new.comment IS NOT NULL;"
    "END;"
    "CREATE VIRTUAL TABLE feedback_fts USING fts5("
    "  title, text, content='feedback_items', content_rowid='id', tokenize='cxfold');"
    "CREATE TRIGGER feedback_fts_insert AFTER INSERT ON feedback_items BEGIN"
    "  INSERT INTO feedback_fts (rowid, title, text) VALUES (new.id, new.title, new.text);"
    "END;"
    "CREATE TRIGGER feedback_fts_delete AFTER DELETE ON feedback_items BEGIN"
    "  INSERT INTO feedback_fts (feedback_fts, rowid, title, text)"
    "    VALUES ('delete', old.id, old.title, old.text);"
    "END;"
    "CREATE TRIGGER feedback_fts_update AFTER UPDATE OF title, text ON feedback_items BEGIN"
    "  INSERT INTO feedback_fts (feedback_fts, rowid, title, text)"
    "    VALUES ('delete', old.id, old.title, old.text);"
    "  INSERT INTO feedback_fts (rowid, title, text) VALUES (new.id, new.title, new.text);"
    "END;"
    "INSERT INTO responses_fts (rowid, comment)"
    "  SELECT id, comment FROM responses WHERE comment IS NOT NULL;"
    "INSERT INTO feedback_fts (feedback_fts) VALUES ('rebuild');";
/* The import page: an uploaded file waits here between the upload and
 * the mapping step (an hour at most, only for the user who sent it), and
 * the mapping chosen for a header is remembered for the next file with
 * the same header (fingerprint: a hash of the kind and the column names). */
static const char migration_6_import_uploads[] =
    "CREATE TABLE import_uploads ("
    "  id INTEGER PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL CHECK (kind IN ('responses','feedback','customers')),"
    "  survey_id INTEGER REFERENCES surveys(id) ON DELETE CASCADE,"
    "  file_name TEXT NOT NULL,"
    "  data BLOB NOT NULL,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX import_uploads_created ON import_uploads(created_at);"
    "CREATE TABLE import_mappings ("
    "  kind TEXT NOT NULL CHECK (kind IN ('responses','feedback','customers')),"
    "  fingerprint TEXT NOT NULL,"
    "  mapping TEXT NOT NULL,"
    "  updated_by TEXT NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  PRIMARY KEY (kind, fingerprint)"
    ");";
/* E-mail invitations: a sender claims a queued row (claimed_at) so two
 * senders (the server's mailer and `cxloop invite send`) never mail the
 * same customer twice; a claim older than ten minutes is a sender that
 * died and may be taken over. attempts counts transient failures. */
static const char migration_7_invitation_sending[] =
    "ALTER TABLE invitations ADD COLUMN claimed_at INTEGER;"
    "ALTER TABLE invitations ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX invitations_survey_customer ON invitations(survey_id, customer_id, created_at);"
    "CREATE INDEX invitations_status ON invitations(status, survey_id);";

/* Full-text indexing once per transaction instead of once per statement
 * (search.h): FTS5 writes its pending words as a new segment at every
 * statement's savepoint, so a trigger that indexed each inserted row made
 * every single-row INSERT write (and later merge) a segment of its own.
 * New rows are now indexed by the writer just before each COMMIT: every
 * row above the mark kept in search_state, which then moves up. The
 * triggers stay only for rows at or below the mark (already indexed):
 * FTS5 must never be told to delete a row it was not given, and a row
 * above the mark is indexed later with whatever text it has by then. An
 * insert at or below the mark (an id chosen by an import, or a
 * feedback_items id reused after the newest row was deleted) is indexed
 * at once. Migration 5 indexed every existing row, so the marks start at
 * the largest ids. */
static const char migration_8_search_per_commit[] =
    "DROP TRIGGER responses_fts_insert;"
    "DROP TRIGGER responses_fts_delete;"
    "DROP TRIGGER responses_fts_update;"
    "DROP TRIGGER feedback_fts_insert;"
    "DROP TRIGGER feedback_fts_delete;"
    "DROP TRIGGER feedback_fts_update;"
    "CREATE TABLE search_state ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  responses_mark INTEGER NOT NULL,"
    "  feedback_mark INTEGER NOT NULL"
    ");"
    "INSERT INTO search_state (id, responses_mark, feedback_mark) VALUES (1,"
    "  (SELECT coalesce(max(id), 0) FROM responses),"
    "  (SELECT coalesce(max(id), 0) FROM feedback_items));"
    "CREATE TRIGGER responses_fts_insert AFTER INSERT ON responses"
    "  WHEN new.comment IS NOT NULL"
    "   AND new.id <= (SELECT responses_mark FROM search_state) BEGIN"
    "  INSERT INTO responses_fts (rowid, comment) VALUES (new.id, new.comment);"
    "END;"
    "CREATE TRIGGER responses_fts_delete AFTER DELETE ON responses"
    "  WHEN old.comment IS NOT NULL"
    "   AND old.id <= (SELECT responses_mark FROM search_state) BEGIN"
    "  INSERT INTO responses_fts (responses_fts, rowid, comment)"
    "    VALUES ('delete', old.id, old.comment);"
    "END;"
    "CREATE TRIGGER responses_fts_update AFTER UPDATE OF comment ON responses"
    "  WHEN old.id <= (SELECT responses_mark FROM search_state) BEGIN"
    "  INSERT INTO responses_fts (responses_fts, rowid, comment)"
    "    SELECT 'delete', old.id, old.comment WHERE old.comment IS NOT NULL;"
    "  INSERT INTO responses_fts (rowid, comment)"
    "    SELECT new.id, new.comment WHERE new.comment IS NOT NULL;"
    "END;"
    "CREATE TRIGGER feedback_fts_insert AFTER INSERT ON feedback_items"
    "  WHEN new.id <= (SELECT feedback_mark FROM search_state) BEGIN"
    "  INSERT INTO feedback_fts (rowid, title, text) VALUES (new.id, new.title, new.text);"
    "END;"
    "CREATE TRIGGER feedback_fts_delete AFTER DELETE ON feedback_items"
    "  WHEN old.id <= (SELECT feedback_mark FROM search_state) BEGIN"
    "  INSERT INTO feedback_fts (feedback_fts, rowid, title, text)"
    "    VALUES ('delete', old.id, old.title, old.text);"
    "END;"
    "CREATE TRIGGER feedback_fts_update AFTER UPDATE OF title, text ON feedback_items"
    "  WHEN old.id <= (SELECT feedback_mark FROM search_state) BEGIN"
    "  INSERT INTO feedback_fts (feedback_fts, rowid, title, text)"
    "    VALUES ('delete', old.id, old.title, old.text);"
    "  INSERT INTO feedback_fts (rowid, title, text) VALUES (new.id, new.title, new.text);"
    "END;";

/* What a respondent reads above the questions: a title and an optional
 * one-paragraph introduction, each a JSON object language -> text like
 * thank_you. The survey's name stays the team's own name for it (lists,
 * reports); an empty title makes the public page show the name. */
static const char migration_9_survey_title[] =
    "ALTER TABLE surveys ADD COLUMN title TEXT NOT NULL DEFAULT '{}';"
    "ALTER TABLE surveys ADD COLUMN intro TEXT NOT NULL DEFAULT '{}';";

/* Bulk loads at 200,000 responses a second (docs/internals/search.md).
 * New responses never take an id at or below the search mark: the id
 * planner and AUTOINCREMENT both go above sqlite_sequence, which is at
 * least every id ever used, and the mark is at most that. The insert
 * trigger of responses could therefore never index anything, yet its
 * WHEN ran a sub-program for every row inserted, a twelfth of a bulk
 * request's time on the writer. (feedback_items has no AUTOINCREMENT and
 * reuses the newest id after a delete: its insert trigger stays.) FTS5
 * merges index segments 8 at a time instead of 4: indexing a bulk load
 * costs a tenth less, a search reads a few more segments. */
static const char migration_10_bulk_search[] =
    "DROP TRIGGER responses_fts_insert;"
    "INSERT INTO responses_fts (responses_fts, rank) VALUES ('automerge', 8);"
    "INSERT INTO feedback_fts (feedback_fts, rank) VALUES ('automerge', 8);";

/* The search indexes without their table of token counts per row
 * (columnsize=0): FTS5 wrote a row there for every comment indexed, a
 * third of the cost of indexing, for bm25 ranking, which nothing uses
 * (lists are newest first); snippet() counts the tokens of the few rows
 * it shows instead. The tables are made again and given exactly the rows
 * at or below the marks (the rows above are indexed by the writer as
 * before), with automerge 8 as migration 10 set. The triggers name the
 * tables and work on the new ones. */
static const char migration_11_search_without_sizes[] =
    "DROP TABLE responses_fts;"
    "CREATE VIRTUAL TABLE responses_fts USING fts5("
    "  comment, content='responses', content_rowid='id', tokenize='cxfold', columnsize=0);"
    "INSERT INTO responses_fts (responses_fts, rank) VALUES ('automerge', 8);"
    "INSERT INTO responses_fts (rowid, comment)"
    "  SELECT id, comment FROM responses"
    "  WHERE id <= (SELECT responses_mark FROM search_state) AND comment IS NOT NULL;"
    "DROP TABLE feedback_fts;"
    "CREATE VIRTUAL TABLE feedback_fts USING fts5("
    "  title, text, content='feedback_items', content_rowid='id', tokenize='cxfold',"
    "  columnsize=0);"
    "INSERT INTO feedback_fts (feedback_fts, rank) VALUES ('automerge', 8);"
    "INSERT INTO feedback_fts (rowid, title, text)"
    "  SELECT id, title, text FROM feedback_items"
    "  WHERE id <= (SELECT feedback_mark FROM search_state);";

static const char *const sqlite_migrations[] = {
    migration_1_accounts,
    migration_2_domain,
    migration_3_idempotency,
    migration_4_response_resume,
    migration_5_search,
    migration_6_import_uploads,
    migration_7_invitation_sending,
    migration_8_search_per_commit,
    migration_9_survey_title,
    migration_10_bulk_search,
    migration_11_search_without_sizes,
};

int schema_migration_count(void)
{
    return (int)(sizeof sqlite_migrations / sizeof sqlite_migrations[0]);
}

const char *schema_migration_sql(int version)
{
    if (version < 1 || version > schema_migration_count())
        return NULL;
    return sqlite_migrations[version - 1];
}
