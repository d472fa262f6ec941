#include "curb-sqlite.h"

#include "curb-error.h"

#define BUSY_TIMEOUT_MS 5000

gboolean
curb_sqlite_fail (sqlite3     *db,
                  int          rc,
                  const char  *what,
                  GError     **error)
{
  const char *message = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  g_set_error (error, CURB_ERROR, (rc & 0xff) == SQLITE_FULL ? CURB_ERROR_DISK_FULL : CURB_ERROR_DATABASE,
               "%s: %s", what, message);
  return FALSE;
}

gboolean
curb_sqlite_exec (sqlite3     *db,
                  const char  *what,
                  const char  *sql,
                  GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  return rc == SQLITE_OK || curb_sqlite_fail (db, rc, what, error);
}

int
curb_sqlite_get_user_version (sqlite3 *db)
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
curb_sqlite_check_version (sqlite3     *db,
                           const char  *what,
                           int          max,
                           GError     **error)
{
  int current = curb_sqlite_get_user_version (db);

  if (current < 0)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_DATABASE, "Cannot read the %s's schema version: %s",
                   what, sqlite3_errmsg (db));
      return FALSE;
    }
  if (current > max)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_DATABASE,
                   "The %s has schema %d, written by a newer Curbside; "
                   "this version knows schemas up to %d", what, current, max);
      return FALSE;
    }
  return TRUE;
}

static gboolean
migration_step (sqlite3     *db,
                const char  *what,
                int          version,
                const char  *sql,
                GError     **error)
{
  char *message = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &message);

  if (rc == SQLITE_OK)
    return TRUE;
  g_set_error (error, CURB_ERROR, (rc & 0xff) == SQLITE_FULL ? CURB_ERROR_DISK_FULL : CURB_ERROR_DATABASE,
               "%s migration to schema %d failed: %s", what, version,
               message != NULL ? message : sqlite3_errstr (rc));
  sqlite3_free (message);
  return FALSE;
}

static gboolean
apply_migration (sqlite3                   *db,
                 const char                *what,
                 const CurbSqliteMigration *migration,
                 GError                   **error)
{
  g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", migration->version);

  if (!migration_step (db, what, migration->version, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!migration_step (db, what, migration->version, migration->sql, error)
      || !migration_step (db, what, migration->version, bump, error)
      || !migration_step (db, what, migration->version, "COMMIT", error))
    {
      if (!sqlite3_get_autocommit (db))
        sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  g_debug ("%s migrated to schema %d", what, migration->version);
  return TRUE;
}

gboolean
curb_sqlite_migrate (sqlite3                   *db,
                     const char                *what,
                     const CurbSqliteMigration *migrations,
                     guint                      n_migrations,
                     int                        target,
                     GError                   **error)
{
  int current;

  g_return_val_if_fail (target <= (int) n_migrations, FALSE);

  if (!curb_sqlite_check_version (db, what, (int) n_migrations, error))
    return FALSE;
  current = curb_sqlite_get_user_version (db);
  for (guint i = 0; i < n_migrations; i++)
    {
      g_assert (migrations[i].version == (int) i + 1);
      if (migrations[i].version > current && migrations[i].version <= target
          && !apply_migration (db, what, &migrations[i], error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
use_wal (sqlite3     *db,
         const char  *what,
         const char  *path,
         GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean wal = FALSE;
  int rc = sqlite3_prepare_v2 (db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return curb_sqlite_fail (db, rc, what, error);
  wal = sqlite3_step (stmt) == SQLITE_ROW
        && g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
  sqlite3_finalize (stmt);
  if (!wal)
    g_set_error (error, CURB_ERROR, CURB_ERROR_DATABASE, "The %s %s cannot use write-ahead logging", what, path);
  return wal;
}

static gboolean
configure (sqlite3          *db,
           const char       *what,
           const char       *path,
           CurbSqliteFlags   flags,
           GError          **error)
{
  return curb_sqlite_exec (db, what, "PRAGMA foreign_keys = ON", error)
         && curb_sqlite_exec (db, what, "PRAGMA trusted_schema = OFF", error)
         && curb_sqlite_exec (db, what, (flags & CURB_SQLITE_DURABLE) ? "PRAGMA synchronous = FULL"
                                                                      : "PRAGMA synchronous = NORMAL", error)
         && (!(flags & CURB_SQLITE_SECURE_DELETE)
             || curb_sqlite_exec (db, what, "PRAGMA secure_delete = ON", error))
         && use_wal (db, what, path, error);
}

sqlite3 *
curb_sqlite_open (const char                *path,
                  const char                *what,
                  CurbSqliteFlags            flags,
                  const CurbSqliteMigration *migrations,
                  guint                      n_migrations,
                  GError                   **error)
{
  sqlite3 *db = NULL;
  int open_flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                   | ((flags & CURB_SQLITE_SHARED) ? SQLITE_OPEN_FULLMUTEX : SQLITE_OPEN_NOMUTEX);
  int rc;

  g_return_val_if_fail (path != NULL && what != NULL, NULL);

  rc = sqlite3_open_v2 (path, &db, open_flags, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_DATABASE, "Cannot open the %s %s: %s", what, path,
                   db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (db, 1);
  /* refuse a newer schema before touching the file (even its journal mode) */
  if (!curb_sqlite_check_version (db, what, (int) n_migrations, error)
      || !configure (db, what, path, flags, error)
      || !curb_sqlite_migrate (db, what, migrations, n_migrations, (int) n_migrations, error))
    {
      sqlite3_close (db);
      return NULL;
    }
  return db;
}
