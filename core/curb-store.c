#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "curb-error.h"
#include "curb-store-private.h"
#include "curb-util.h"

#define BUSY_TIMEOUT_MS 5000
#define LOOKUP_KEY_META "store.lookup_key"
#define LOG_ID_META     "store.log_id"
#define LOG_FORK_META   "store.log_fork_seq"

struct _CurbStore
{
  GObject     parent_instance;

  char       *path;
  sqlite3    *db;
  GHashTable *statements;   /* SQL text → sqlite3_stmt */
  GRecMutex   lock;
  guint8      hash_key[crypto_generichash_KEYBYTES];
};

G_DEFINE_FINAL_TYPE (CurbStore, curb_store, G_TYPE_OBJECT)

static gboolean
exec_sql (CurbStore   *self,
          const char  *sql,
          GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return curb_store_set_error (self, rc, error);
  return TRUE;
}

static gboolean
configure_connection (CurbStore  *self,
                      GError    **error)
{
  g_autoptr(CurbStmt) stmt = NULL;

  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (self->db, 1);
  if (!exec_sql (self, "PRAGMA foreign_keys = ON", error)
      || !exec_sql (self, "PRAGMA synchronous = FULL", error)
      || !exec_sql (self, "PRAGMA trusted_schema = OFF", error)
      || !exec_sql (self, "PRAGMA secure_delete = ON", error))
    return FALSE;
  stmt = curb_store_prepare (self, "PRAGMA journal_mode = WAL", error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW
      || g_ascii_strcasecmp (curb_stmt_column_text (stmt, 0), "wal") != 0)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_DATABASE,
                   "Store database %s cannot use write-ahead logging", self->path);
      return FALSE;
    }
  return TRUE;
}

static char *
get_meta_locked (CurbStore   *self,
                 const char  *key,
                 GError     **error)
{
  g_autoptr(CurbStmt) stmt = curb_store_prepare (self, "SELECT value FROM meta WHERE key = ?1", error);

  if (stmt == NULL)
    return NULL;
  curb_stmt_bind_text (stmt, 1, key);
  if (!curb_store_step_row (self, stmt, error))
    return NULL;
  return g_strdup (curb_stmt_column_text (stmt, 0));
}

static gboolean
set_meta_locked (CurbStore   *self,
                 const char  *key,
                 const char  *value,
                 GError     **error)
{
  g_autoptr(CurbStmt) stmt = curb_store_prepare (self, "INSERT INTO meta (key, value) VALUES (?1, ?2)"
                                                       " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                                 error);

  if (stmt == NULL)
    return FALSE;
  curb_stmt_bind_text (stmt, 1, key);
  curb_stmt_bind_text (stmt, 2, value);
  return curb_store_step_done (self, stmt, error);
}

static gboolean
is_reserved_meta (const char  *key,
                  GError     **error)
{
  if (!g_str_has_prefix (key, "store."))
    return FALSE;
  g_set_error (error, CURB_ERROR, CURB_ERROR_FORBIDDEN, "Meta key %s is reserved for the store itself", key);
  return TRUE;
}

static gboolean
load_hash_key (CurbStore  *self,
               GError    **error)
{
  GError *local_error = NULL;
  g_autofree char *hex = get_meta_locked (self, LOOKUP_KEY_META, &local_error);
  gsize len = 0;

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (hex == NULL)
    {
      char fresh[crypto_generichash_KEYBYTES * 2 + 1];

      crypto_generichash_keygen (self->hash_key);
      sodium_bin2hex (fresh, sizeof fresh, self->hash_key, sizeof self->hash_key);
      return set_meta_locked (self, LOOKUP_KEY_META, fresh, error);
    }
  if (sodium_hex2bin (self->hash_key, sizeof self->hash_key, hex, strlen (hex), NULL, &len, NULL) != 0
      || len != sizeof self->hash_key)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_DATABASE, "Store database %s has a damaged hash key", self->path);
      return FALSE;
    }
  return TRUE;
}

/* The event log's identity: a restore starts a new one, forked at the
 * backup's last seq, so that a stream client can tell a seq of the old
 * history from the same seq of the new. */
static gboolean
start_log (CurbStore  *self,
           gint64      fork_seq,
           GError    **error)
{
  g_autofree char *id = curb_random_token (12);
  g_autofree char *fork = g_strdup_printf ("%" G_GINT64_FORMAT, fork_seq);

  return set_meta_locked (self, LOG_ID_META, id, error) && set_meta_locked (self, LOG_FORK_META, fork, error);
}

static gboolean
ensure_log (CurbStore  *self,
            GError    **error)
{
  GError *local_error = NULL;
  g_autofree char *id = get_meta_locked (self, LOG_ID_META, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return id != NULL || start_log (self, 0, error);
}

static void
finalize_statement (gpointer data)
{
  sqlite3_finalize (data);
}

static void
curb_store_finalize (GObject *object)
{
  CurbStore *self = CURB_STORE (object);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  sodium_memzero (self->hash_key, sizeof self->hash_key);
  g_rec_mutex_clear (&self->lock);
  g_free (self->path);

  G_OBJECT_CLASS (curb_store_parent_class)->finalize (object);
}

static void
curb_store_class_init (CurbStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_store_finalize;
}

static void
curb_store_init (CurbStore *self)
{
  g_rec_mutex_init (&self->lock);
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, finalize_statement);
}

/* --- private helpers --- */

void
curb_stmt_release (CurbStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

GRecMutexLocker *
curb_store_lock (CurbStore *self)
{
  return g_rec_mutex_locker_new (&self->lock);
}

sqlite3 *
curb_store_get_db (CurbStore *self)
{
  return self->db;
}

gboolean
curb_store_set_error (CurbStore  *self,
                      int         rc,
                      GError    **error)
{
  int primary = rc & 0xff;

  if (primary == SQLITE_FULL)
    g_set_error (error, CURB_ERROR, CURB_ERROR_DISK_FULL, "The store database is full: %s",
                 sqlite3_errmsg (self->db));
  else if (primary == SQLITE_CONSTRAINT)
    g_set_error (error, CURB_ERROR, CURB_ERROR_CONFLICT, "Store database constraint: %s",
                 sqlite3_errmsg (self->db));
  else
    g_set_error (error, CURB_ERROR, CURB_ERROR_DATABASE, "Store database error: %s (%s)",
                 sqlite3_errmsg (self->db), sqlite3_errstr (rc));
  return FALSE;
}

CurbStmt *
curb_store_prepare (CurbStore   *self,
                    const char  *sql,
                    GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    return stmt;
  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      curb_store_set_error (self, rc, error);
      return NULL;
    }
  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

gboolean
curb_store_step_done (CurbStore  *self,
                      CurbStmt   *stmt,
                      GError    **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  return curb_store_set_error (self, rc, error);
}

gboolean
curb_store_step_row (CurbStore  *self,
                     CurbStmt   *stmt,
                     GError    **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    curb_store_set_error (self, rc, error);
  return FALSE;
}

gboolean
curb_store_begin (CurbStore  *self,
                  GError    **error)
{
  g_autoptr(CurbStmt) stmt = curb_store_prepare (self, "BEGIN IMMEDIATE", error);

  return stmt != NULL && curb_store_step_done (self, stmt, error);
}

gboolean
curb_store_commit (CurbStore  *self,
                   GError    **error)
{
  g_autoptr(CurbStmt) stmt = curb_store_prepare (self, "COMMIT", error);

  return stmt != NULL && curb_store_step_done (self, stmt, error);
}

void
curb_store_rollback (CurbStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

void
curb_store_keyed_hash (CurbStore   *self,
                       const char  *purpose,
                       const char  *text,
                       guint8       out[CURB_STORE_HASH_BYTES])
{
  crypto_generichash_state state;

  crypto_generichash_init (&state, self->hash_key, sizeof self->hash_key, CURB_STORE_HASH_BYTES);
  crypto_generichash_update (&state, (const guchar *) purpose, strlen (purpose) + 1);
  crypto_generichash_update (&state, (const guchar *) text, strlen (text));
  crypto_generichash_final (&state, out, CURB_STORE_HASH_BYTES);
}

void
curb_stmt_bind_text (CurbStmt   *stmt,
                     int         index,
                     const char *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

void
curb_stmt_bind_json (CurbStmt *stmt,
                     int       index,
                     JsonNode *node)
{
  g_autofree char *text = NULL;

  if (node == NULL)
    {
      sqlite3_bind_null (stmt, index);
      return;
    }
  text = json_to_string (node, FALSE);
  sqlite3_bind_text (stmt, index, g_steal_pointer (&text), -1, g_free);
}

const char *
curb_stmt_column_text (CurbStmt *stmt,
                       int       column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

JsonNode *
curb_stmt_column_json (CurbStmt *stmt,
                       int       column)
{
  const char *text = curb_stmt_column_text (stmt, column);

  if (text == NULL)
    return NULL;
  return json_from_string (text, NULL);
}

/* --- maintenance helpers --- */

static const char purge_hashes_sql[] =
  "DELETE FROM lookup_hashes WHERE order_ref IN (SELECT ref FROM orders"
  " WHERE state IN ('handed_over','partially_handed_over','no_show','cancelled')"
  " AND purged_ms IS NULL AND closed_ms IS NOT NULL AND closed_ms <= ?1)";
static const char purge_orders_sql[] =
  "UPDATE orders SET content = json_set (content, '$.first_name', '', '$.last_initial', '',"
  " '$.alternate_pickup', json ('null')), token = NULL, purged_ms = ?2"
  " WHERE state IN ('handed_over','partially_handed_over','no_show','cancelled')"
  " AND purged_ms IS NULL AND closed_ms IS NOT NULL AND closed_ms <= ?1";

static gboolean
purge_locked (CurbStore  *self,
              gint64      cutoff_ms,
              guint      *out_purged,
              GError    **error)
{
  g_autoptr(CurbStmt) hashes = curb_store_prepare (self, purge_hashes_sql, error);
  g_autoptr(CurbStmt) orders = NULL;

  if (hashes == NULL)
    return FALSE;
  sqlite3_bind_int64 (hashes, 1, cutoff_ms);
  if (!curb_store_step_done (self, hashes, error))
    return FALSE;
  orders = curb_store_prepare (self, purge_orders_sql, error);
  if (orders == NULL)
    return FALSE;
  sqlite3_bind_int64 (orders, 1, cutoff_ms);
  sqlite3_bind_int64 (orders, 2, curb_now_ms ());
  if (!curb_store_step_done (self, orders, error))
    return FALSE;
  *out_purged = sqlite3_changes (self->db);
  return TRUE;
}

static gboolean
run_backup (CurbStore   *self,
            sqlite3     *dest,
            GError     **error)
{
  sqlite3_backup *backup = sqlite3_backup_init (dest, "main", self->db, "main");
  int rc;

  if (backup == NULL)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_DATABASE, "Cannot start the backup: %s", sqlite3_errmsg (dest));
      return FALSE;
    }
  do
    {
      rc = sqlite3_backup_step (backup, -1);
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        sqlite3_sleep (20);
    }
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, CURB_ERROR, (rc & 0xff) == SQLITE_FULL ? CURB_ERROR_DISK_FULL : CURB_ERROR_DATABASE,
                   "The backup failed: %s", sqlite3_errstr (rc));
      return FALSE;
    }
  return TRUE;
}

/* A backup leaves the machine: without the store's key (beside the hashes
 * of surnames, phones, badges and credentials, and the pepper of the PIN
 * hashes, it would give them all away) and without staff sessions. */
static gboolean
strip_secrets (sqlite3  *dest,
               GError  **error)
{
  char *message = NULL;
  int rc = sqlite3_exec (dest, "PRAGMA secure_delete = ON;"
                               " DELETE FROM meta WHERE key IN ('" LOOKUP_KEY_META "',"
                               " '" CURB_STORE_TICKET_KEY_META "');"
                               " DELETE FROM staff_sessions; VACUUM;", NULL, NULL, &message);

  if (rc == SQLITE_OK)
    return TRUE;
  g_set_error (error, CURB_ERROR, (rc & 0xff) == SQLITE_FULL ? CURB_ERROR_DISK_FULL : CURB_ERROR_DATABASE,
               "Cannot finish the backup: %s", message != NULL ? message : sqlite3_errstr (rc));
  sqlite3_free (message);
  return FALSE;
}

static gboolean
backup_to (CurbStore   *self,
           const char  *partial_path,
           GError     **error)
{
  sqlite3 *dest = NULL;
  gboolean ok;
  int fd = g_open (partial_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  int rc;

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, CURB_ERROR, CURB_ERROR_FAILED, "Cannot create the backup file %s: %s",
                   partial_path, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  rc = sqlite3_open_v2 (partial_path, &dest, SQLITE_OPEN_READWRITE, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_DATABASE, "Cannot create the backup file %s: %s",
                   partial_path, dest != NULL ? sqlite3_errmsg (dest) : sqlite3_errstr (rc));
      sqlite3_close (dest);
      return FALSE;
    }
  ok = run_backup (self, dest, error) && strip_secrets (dest, error);
  rc = sqlite3_close (dest);
  if (ok && rc != SQLITE_OK)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_DATABASE, "Cannot finish the backup file %s", partial_path);
      return FALSE;
    }
  return ok;
}

static gboolean
foreign_keys_ok (CurbStore  *self,
                 GString    *report,
                 GError    **error)
{
  g_autoptr(CurbStmt) stmt = curb_store_prepare (self, "PRAGMA foreign_key_check", error);
  GError *local_error = NULL;

  if (stmt == NULL)
    return FALSE;
  while (curb_store_step_row (self, stmt, &local_error))
    g_string_printf (report, "row %lld of %s has a dangling reference to %s",
                     (long long) sqlite3_column_int64 (stmt, 1), curb_stmt_column_text (stmt, 0),
                     curb_stmt_column_text (stmt, 2));
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/* The database, its WAL and shared memory hold personal data and secret
 * hashes: owner only, whatever the umask (SQLite gives the WAL and -shm
 * the database file's mode). */
static void
make_private (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd >= 0)
    close (fd);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      GStatBuf st;

      if (g_stat (file, &st) == 0 && (st.st_mode & 077) != 0 && st.st_uid == getuid ())
        g_chmod (file, st.st_mode & 0700);
    }
}

/* --- public API --- */

CurbStore *
curb_store_open (const char  *path,
                 GError     **error)
{
  g_autoptr(CurbStore) self = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  if (sodium_init () < 0)
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_FAILED, "libsodium cannot be initialised");
      return NULL;
    }
  self = g_object_new (CURB_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  make_private (path);
  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_DATABASE, "Cannot open the store database %s: %s",
                   path, self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);
  /* refuse a newer schema before touching the file (even its journal mode) */
  if (!curb_store_check_version (self->db, error)
      || !configure_connection (self, error)
      || !curb_store_migrate (self->db, CURB_STORE_SCHEMA_VERSION, error)
      || !load_hash_key (self, error)
      || !ensure_log (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
curb_store_get_path (CurbStore *self)
{
  g_return_val_if_fail (CURB_IS_STORE (self), NULL);
  return self->path;
}

int
curb_store_get_schema_version (CurbStore *self)
{
  g_autoptr(GRecMutexLocker) locker = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), -1);

  locker = curb_store_lock (self);
  return curb_store_read_user_version (self->db);
}

char *
curb_store_get_meta (CurbStore   *self,
                     const char  *key,
                     GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (is_reserved_meta (key, error))
    return NULL;
  locker = curb_store_lock (self);
  return get_meta_locked (self, key, error);
}

gboolean
curb_store_set_meta (CurbStore   *self,
                     const char  *key,
                     const char  *value,
                     GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL && value != NULL, FALSE);

  if (is_reserved_meta (key, error))
    return FALSE;
  locker = curb_store_lock (self);
  return set_meta_locked (self, key, value, error);
}

gboolean
curb_store_purge_personal (CurbStore  *self,
                           gint64      retention_ms,
                           guint      *out_purged,
                           GError    **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  guint purged = 0;

  g_return_val_if_fail (CURB_IS_STORE (self), FALSE);
  g_return_val_if_fail (retention_ms >= 0, FALSE);

  locker = curb_store_lock (self);
  if (!curb_store_begin (self, error))
    return FALSE;
  if (!purge_locked (self, curb_now_ms () - retention_ms, &purged, error) || !curb_store_commit (self, error))
    {
      curb_store_rollback (self);
      return FALSE;
    }
  /* old page versions in the WAL and the main file still hold the names */
  if (purged > 0)
    sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
  if (out_purged != NULL)
    *out_purged = purged;
  return TRUE;
}

gboolean
curb_store_backup (CurbStore   *self,
                   const char  *dest_path,
                   GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autofree char *partial = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), FALSE);
  g_return_val_if_fail (dest_path != NULL, FALSE);

  partial = g_strconcat (dest_path, ".partial", NULL);
  g_unlink (partial);
  locker = curb_store_lock (self);
  if (!backup_to (self, partial, error))
    {
      g_unlink (partial);
      return FALSE;
    }
  if (g_rename (partial, dest_path) != 0)
    {
      int saved = errno;

      g_set_error (error, CURB_ERROR, CURB_ERROR_FAILED, "Cannot move the backup to %s: %s",
                   dest_path, g_strerror (saved));
      g_unlink (partial);
      return FALSE;
    }
  return TRUE;
}

gboolean
curb_store_integrity_check (CurbStore  *self,
                            GError    **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;
  g_autoptr(GString) report = g_string_new (NULL);
  GError *local_error = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), FALSE);

  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "PRAGMA integrity_check", error);
  if (stmt == NULL)
    return FALSE;
  while (curb_store_step_row (self, stmt, &local_error))
    g_string_append_printf (report, "%s%s", report->len ? "; " : "", curb_stmt_column_text (stmt, 0));
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (g_str_equal (report->str, "ok") && !foreign_keys_ok (self, report, error))
    return FALSE;
  if (!g_str_equal (report->str, "ok"))
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_DATABASE, "Store database integrity check failed: %s", report->str);
      return FALSE;
    }
  return TRUE;
}

/* The meta value @name of the database at @path (read only), or NULL. */
static char *
read_meta_value (const char *path,
                 const char *name)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *key = NULL;

  if (g_file_test (path, G_FILE_TEST_IS_REGULAR)
      && sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK
      && sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = ?1", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    key = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return key;
}

static int
set_meta_value (sqlite3    *db,
                const char *name,
                const char *value)
{
  char *insert = sqlite3_mprintf ("INSERT INTO meta (key, value) VALUES (%Q, %Q)"
                                  " ON CONFLICT (key) DO UPDATE SET value = excluded.value", name, value);
  int rc = sqlite3_exec (db, insert, NULL, NULL, NULL);

  sqlite3_free (insert);
  return rc;
}

/* @key and @ticket_key (nullable) go into the copy: a backup has neither. */
static gboolean
copy_database (const char  *from,
               const char  *to,
               const char  *key,
               const char  *ticket_key,
               GError     **error)
{
  sqlite3 *source = NULL, *dest = NULL;
  sqlite3_backup *backup;
  int fd = g_open (to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int rc = SQLITE_CANTOPEN;

  if (fd >= 0)
    close (fd);
  if (fd >= 0 && sqlite3_open_v2 (from, &source, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK
      && sqlite3_open_v2 (to, &dest, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK
      && (backup = sqlite3_backup_init (dest, "main", source, "main")) != NULL)
    {
      rc = sqlite3_backup_step (backup, -1);
      sqlite3_backup_finish (backup);
      rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
  if (rc == SQLITE_OK && key != NULL)
    rc = set_meta_value (dest, LOOKUP_KEY_META, key);
  if (rc == SQLITE_OK && ticket_key != NULL)
    rc = set_meta_value (dest, CURB_STORE_TICKET_KEY_META, ticket_key);
  if (rc != SQLITE_OK)
    g_set_error (error, CURB_ERROR, CURB_ERROR_DATABASE, "Cannot read the backup %s: %s", from,
                 source != NULL ? sqlite3_errmsg (source) : sqlite3_errstr (rc));
  sqlite3_close (source);
  sqlite3_close (dest);
  return rc == SQLITE_OK;
}

gboolean
curb_store_restore (const char  *backup_path,
                    const char  *target_path,
                    gboolean    *out_key_kept,
                    GError     **error)
{
  g_autofree char *key = NULL;
  g_autofree char *ticket_key = NULL;
  g_autofree char *partial = NULL;
  g_autoptr(CurbStore) check = NULL;

  g_return_val_if_fail (backup_path != NULL && target_path != NULL, FALSE);

  key = read_meta_value (target_path, LOOKUP_KEY_META);
  if (key == NULL)
    key = read_meta_value (backup_path, LOOKUP_KEY_META);
  /* lookup tickets issued before the restore (an offline kiosk's queued
   * arrival) still hold */
  ticket_key = read_meta_value (target_path, CURB_STORE_TICKET_KEY_META);
  partial = g_strconcat (target_path, ".restoring", NULL);
  if (!copy_database (backup_path, partial, key, ticket_key, error))
    {
      g_unlink (partial);
      return FALSE;
    }
  /* migrated, checked, then swapped in: the hub's database is the old or the new */
  check = curb_store_open (partial, error);
  if (check == NULL || !curb_store_integrity_check (check, error))
    {
      g_clear_object (&check);
      g_unlink (partial);
      return FALSE;
    }
  if (!start_log (check, curb_store_get_last_seq (check), error))
    {
      g_clear_object (&check);
      g_unlink (partial);
      return FALSE;
    }
  sqlite3_wal_checkpoint_v2 (check->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
  g_clear_object (&check);
  for (const char *suffix = "-wal"; suffix != NULL; suffix = g_str_equal (suffix, "-wal") ? "-shm" : NULL)
    {
      g_autofree char *side = g_strconcat (partial, suffix, NULL);
      g_autofree char *target_side = g_strconcat (target_path, suffix, NULL);

      g_unlink (side);
      g_unlink (target_side);
    }
  if (g_rename (partial, target_path) != 0)
    {
      int saved = errno;

      g_set_error (error, CURB_ERROR, CURB_ERROR_FAILED, "Cannot replace %s: %s", target_path, g_strerror (saved));
      g_unlink (partial);
      return FALSE;
    }
  if (out_key_kept != NULL)
    *out_key_kept = key != NULL;
  return TRUE;
}

char *
curb_store_get_log_id (CurbStore *self,
                       gint64    *out_fork_seq)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autofree char *fork = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), NULL);

  locker = curb_store_lock (self);
  fork = get_meta_locked (self, LOG_FORK_META, NULL);
  if (out_fork_seq != NULL)
    *out_fork_seq = fork != NULL ? g_ascii_strtoll (fork, NULL, 10) : 0;
  return get_meta_locked (self, LOG_ID_META, NULL);
}
