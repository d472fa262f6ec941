#include "curb-sqlite.h"
#include "curb-store-private.h"

/* Each migration takes the schema from version N-1 to N and runs in its own
 * transaction together with the user_version bump (curb-sqlite.c). Never
 * edit a released migration: add the next one. */

static const char migration_1[] =
  "CREATE TABLE meta ("
  "  key TEXT PRIMARY KEY NOT NULL,"
  "  value TEXT NOT NULL);"

  "CREATE TABLE orders ("
  "  ref TEXT PRIMARY KEY NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  content TEXT NOT NULL,"            /* central's document without surname, phone, token */
  "  token TEXT,"
  "  window_start_ms INTEGER,"
  "  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','ready','arrived','claimed',"
  "    'handed_over','partially_handed_over','no_show','cancelled')),"
  "  staged INTEGER NOT NULL DEFAULT 0,"
  "  bay TEXT,"
  "  staged_ms INTEGER,"
  "  arrived_ms INTEGER,"
  "  claimed_ms INTEGER,"
  "  claimed_by_id TEXT,"
  "  claimed_by_name TEXT,"
  "  handed_over_ms INTEGER,"
  "  closed_ms INTEGER,"
  "  locations TEXT,"
  "  bags TEXT,"
  "  not_taken TEXT,"
  "  decisions TEXT,"
  "  last_seq INTEGER NOT NULL DEFAULT 0,"
  "  created_ms INTEGER NOT NULL,"
  "  updated_ms INTEGER NOT NULL,"
  "  purged_ms INTEGER);"
  "CREATE INDEX orders_by_state ON orders (state);"
  "CREATE INDEX orders_by_window ON orders (window_start_ms);"

  "CREATE TABLE lookup_hashes ("
  "  order_ref TEXT NOT NULL REFERENCES orders (ref) ON DELETE CASCADE,"
  "  kind TEXT NOT NULL CHECK (kind IN ('surname','phone')),"
  "  hash BLOB NOT NULL,"
  "  PRIMARY KEY (order_ref, kind));"

  "CREATE TABLE events ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  id TEXT NOT NULL UNIQUE,"
  "  kind TEXT NOT NULL,"
  "  order_ref TEXT NOT NULL REFERENCES orders (ref),"
  "  at_ms INTEGER NOT NULL,"
  "  device TEXT NOT NULL,"
  "  staff TEXT,"
  "  data TEXT NOT NULL,"
  "  received_ms INTEGER NOT NULL);"
  "CREATE INDEX events_by_order ON events (order_ref, seq);"
  "CREATE TRIGGER events_no_update BEFORE UPDATE ON events"
  "  BEGIN SELECT RAISE (ABORT, 'events are append-only'); END;"
  "CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
  "  BEGIN SELECT RAISE (ABORT, 'events are append-only'); END;"

  "CREATE TABLE outbox ("
  "  event_id TEXT PRIMARY KEY NOT NULL REFERENCES events (id),"
  "  seq INTEGER NOT NULL,"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  next_attempt_ms INTEGER NOT NULL DEFAULT 0,"
  "  last_error TEXT);"
  "CREATE INDEX outbox_by_seq ON outbox (seq);"

  "CREATE TABLE devices ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  name TEXT NOT NULL,"
  "  role TEXT NOT NULL CHECK (role IN ('kiosk','staging','admin')),"
  "  credential_hash BLOB NOT NULL UNIQUE,"
  "  created_ms INTEGER NOT NULL,"
  "  revoked_ms INTEGER,"
  "  last_seen_ms INTEGER,"
  "  status TEXT);"

  "CREATE TABLE enrollment_codes ("
  "  code_hash BLOB PRIMARY KEY NOT NULL,"
  "  role TEXT NOT NULL CHECK (role IN ('kiosk','staging','admin')),"
  "  created_ms INTEGER NOT NULL,"
  "  expires_ms INTEGER NOT NULL,"
  "  used_ms INTEGER,"
  "  device_id TEXT);"

  "CREATE TABLE staff ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  first_name TEXT NOT NULL,"
  "  role TEXT NOT NULL CHECK (role IN ('staff','manager')),"
  "  pin_hash TEXT NOT NULL,"
  "  badge_hash BLOB UNIQUE,"
  "  created_ms INTEGER NOT NULL);"

  "CREATE TABLE audit_log ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  at_ms INTEGER NOT NULL,"
  "  device TEXT,"
  "  staff TEXT,"
  "  action TEXT NOT NULL,"
  "  order_ref TEXT,"
  "  detail TEXT NOT NULL DEFAULT '{}');"
  "CREATE INDEX audit_by_order ON audit_log (order_ref);"
  "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log"
  "  BEGIN SELECT RAISE (ABORT, 'the audit log is append-only'); END;"
  "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log"
  "  BEGIN SELECT RAISE (ABORT, 'the audit log is append-only'); END;";

/* Staff sessions survive a hub restart: only a keyed hash of the token is
 * kept; a revoked device's sessions are deleted with it. */
static const char migration_2[] =
  "CREATE TABLE staff_sessions ("
  "  token_hash BLOB PRIMARY KEY NOT NULL,"
  "  staff_id TEXT NOT NULL,"
  "  device_id TEXT NOT NULL,"
  "  created_ms INTEGER NOT NULL,"
  "  last_used_ms INTEGER NOT NULL,"
  "  expires_ms INTEGER NOT NULL);"
  "CREATE INDEX staff_sessions_by_device ON staff_sessions (device_id);";

/* Orders central sent that the store could not take, once per ref+version:
 * a store-level alert until a newer version of the order is taken. */
static const char migration_3[] =
  "CREATE TABLE central_rejects ("
  "  ref TEXT NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  reason TEXT NOT NULL,"
  "  first_seen_ms INTEGER NOT NULL,"
  "  shopper_seen_ms INTEGER,"
  "  resolved_ms INTEGER,"
  "  PRIMARY KEY (ref, version));"
  "CREATE INDEX central_rejects_open ON central_rejects (ref) WHERE resolved_ms IS NULL;"
  /* the line quantities the last staging was for: a later change from
   * central means the order must be staged again */
  "ALTER TABLE orders ADD COLUMN staged_lines TEXT;";

/* The check-in is recorded on the scan and the bay follows (bay_chosen):
 * "bay not given" when the shopper left the kiosk without choosing. */
static const char migration_4[] =
  "ALTER TABLE orders ADD COLUMN bay_skipped INTEGER NOT NULL DEFAULT 0;";

static const CurbSqliteMigration migrations[] = {
  { 1, migration_1 },
  { 2, migration_2 },
  { 3, migration_3 },
  { 4, migration_4 },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == CURB_STORE_SCHEMA_VERSION);

const CurbSqliteMigration *
curb_store_get_migrations (guint *n_migrations)
{
  *n_migrations = G_N_ELEMENTS (migrations);
  return migrations;
}

int
curb_store_read_user_version (sqlite3 *db)
{
  return curb_sqlite_get_user_version (db);
}

gboolean
curb_store_check_version (sqlite3  *db,
                          GError  **error)
{
  return curb_sqlite_check_version (db, STORE_DATABASE, CURB_STORE_SCHEMA_VERSION, error);
}

gboolean
curb_store_migrate (sqlite3  *db,
                    int       target,
                    GError  **error)
{
  return curb_sqlite_migrate (db, STORE_DATABASE, migrations, G_N_ELEMENTS (migrations), target, error);
}
