#include "curb-error.h"
#include "curb-store-private.h"

/* Each migration takes the schema from version N-1 to N and runs in its own
 * transaction together with the user_version bump. Never edit a released
 * migration: add the next one. */
typedef struct
{
  int         version;
  const char *sql;
} Migration;

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

static const Migration migrations[] = {
  { 1, migration_1 },
  { 2, migration_2 },
  { 3, migration_3 },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == CURB_STORE_SCHEMA_VERSION);

static gboolean
exec_or_error (sqlite3     *db,
               const char  *sql,
               int          version,
               GError     **error)
{
  char *message = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &message);

  if (rc == SQLITE_OK)
    return TRUE;
  g_set_error (error, CURB_ERROR, (rc & 0xff) == SQLITE_FULL ? CURB_ERROR_DISK_FULL : CURB_ERROR_DATABASE,
               "Store database migration to schema %d failed: %s", version,
               message != NULL ? message : sqlite3_errstr (rc));
  sqlite3_free (message);
  return FALSE;
}

static gboolean
apply_migration (sqlite3          *db,
                 const Migration  *migration,
                 GError          **error)
{
  g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", migration->version);

  if (!exec_or_error (db, "BEGIN IMMEDIATE", migration->version, error))
    return FALSE;
  if (!exec_or_error (db, migration->sql, migration->version, error)
      || !exec_or_error (db, bump, migration->version, error)
      || !exec_or_error (db, "COMMIT", migration->version, error))
    {
      if (!sqlite3_get_autocommit (db))
        sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  g_debug ("Store database migrated to schema %d", migration->version);
  return TRUE;
}

int
curb_store_read_user_version (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;

  if (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

gboolean
curb_store_check_version (sqlite3  *db,
                          GError  **error)
{
  int current = curb_store_read_user_version (db);

  if (current < 0)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_DATABASE, "Cannot read the store database's schema version: %s",
                   sqlite3_errmsg (db));
      return FALSE;
    }
  if (current > CURB_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_DATABASE,
                   "The store database has schema %d, written by a newer Curbside; "
                   "this version knows schemas up to %d", current, CURB_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  return TRUE;
}

gboolean
curb_store_migrate (sqlite3  *db,
                    int       target,
                    GError  **error)
{
  int current = curb_store_read_user_version (db);

  g_return_val_if_fail (target <= CURB_STORE_SCHEMA_VERSION, FALSE);

  if (!curb_store_check_version (db, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (migrations); i++)
    if (migrations[i].version > current && migrations[i].version <= target
        && !apply_migration (db, &migrations[i], error))
      return FALSE;
  return TRUE;
}
