#include <sqlite3.h>

#include "curb-error.h"
#include "curb-kiosk-outbox.h"
#include "curb-sqlite.h"
#include "curb-util.h"

struct _CurbKioskOutbox
{
  GObject  parent_instance;

  sqlite3 *db;
  GMutex   lock;
  guint    depth;
  GHashTable *meta;
};

G_DEFINE_FINAL_TYPE (CurbKioskOutbox, curb_kiosk_outbox, G_TYPE_OBJECT)

#define OUTBOX "kiosk outbox"

/* version 1 was made before the outbox had a user_version: IF NOT EXISTS */
static const CurbSqliteMigration migrations[] = {
  { 1, "CREATE TABLE IF NOT EXISTS outbox ("
  "  id TEXT PRIMARY KEY,"
  "  body TEXT NOT NULL,"
  "  queued_ms INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);" },
};

static gboolean
db_fail (CurbKioskOutbox  *self,
         GError          **error)
{
  return curb_sqlite_fail (self->db, sqlite3_extended_errcode (self->db), OUTBOX, error);
}

static guint
count_rows (CurbKioskOutbox *self)
{
  sqlite3_stmt *stmt = NULL;
  guint n = 0;

  if (sqlite3_prepare_v2 (self->db, "SELECT count(*) FROM outbox", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    n = (guint) sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static gboolean
insert_event (CurbKioskOutbox  *self,
              JsonObject       *event,
              GError          **error)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), event);
  g_autofree char *body = json_to_string (node, FALSE);
  const char *id = json_object_get_string_member_with_default (event, "id", NULL);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (id == NULL)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "kiosk outbox: an event needs an id");
      return FALSE;
    }
  if (sqlite3_prepare_v2 (self->db, "INSERT OR IGNORE INTO outbox (id, body, queued_ms) VALUES (?, ?, ?)",
                          -1, &stmt, NULL) != SQLITE_OK)
    return db_fail (self, error);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, body, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, curb_now_ms ());
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return db_fail (self, error);
  return TRUE;
}

static JsonArray *
select_events (CurbKioskOutbox  *self,
               guint             max,
               GError          **error)
{
  g_autoptr(JsonArray) events = json_array_new ();
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, "SELECT body FROM outbox ORDER BY queued_ms, rowid LIMIT ?",
                          -1, &stmt, NULL) != SQLITE_OK)
    return (db_fail (self, error), NULL);
  sqlite3_bind_int (stmt, 1, (int) max);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(JsonNode) node = json_from_string ((const char *) sqlite3_column_text (stmt, 0), NULL);

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        json_array_add_object_element (events, json_object_ref (json_node_get_object (node)));
    }
  sqlite3_finalize (stmt);
  return g_steal_pointer (&events);
}

static gboolean
delete_events (CurbKioskOutbox     *self,
               const char * const  *ids,
               GError             **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, "DELETE FROM outbox WHERE id = ?", -1, &stmt, NULL) != SQLITE_OK)
    return db_fail (self, error);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      sqlite3_bind_text (stmt, 1, ids[i], -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          sqlite3_finalize (stmt);
          return db_fail (self, error);
        }
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

static void
add_in_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  CurbKioskOutbox *self = source;
  JsonArray *events = data;
  GError *error = NULL;
  gboolean ok = TRUE;

  /* in one transaction, in the order given: replay keeps it */
  g_mutex_lock (&self->lock);
  sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  for (guint i = 0; ok && i < json_array_get_length (events); i++)
    ok = insert_event (self, json_array_get_object_element (events, i), &error);
  sqlite3_exec (self->db, ok ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
  self->depth = count_rows (self);
  g_mutex_unlock (&self->lock);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
peek_in_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  CurbKioskOutbox *self = source;
  GError *error = NULL;
  JsonArray *events;

  g_mutex_lock (&self->lock);
  events = select_events (self, GPOINTER_TO_UINT (data), &error);
  g_mutex_unlock (&self->lock);
  if (events != NULL)
    g_task_return_pointer (task, events, (GDestroyNotify) json_array_unref);
  else
    g_task_return_error (task, error);
}

static void
remove_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      data,
                  GCancellable *cancellable)
{
  CurbKioskOutbox *self = source;
  GError *error = NULL;
  gboolean ok;

  g_mutex_lock (&self->lock);
  ok = delete_events (self, data, &error);
  self->depth = count_rows (self);
  g_mutex_unlock (&self->lock);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
load_meta (CurbKioskOutbox *self)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, "SELECT key, value FROM meta", -1, &stmt, NULL) != SQLITE_OK)
    return;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_insert (self->meta, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                         g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
  sqlite3_finalize (stmt);
}

static void
meta_in_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  CurbKioskOutbox *self = source;
  char **pair = data;
  sqlite3_stmt *stmt = NULL;

  g_mutex_lock (&self->lock);
  if (sqlite3_prepare_v2 (self->db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                          -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, pair[0], -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, pair[1], -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        g_debug ("kiosk outbox: %s", sqlite3_errmsg (self->db));
    }
  sqlite3_finalize (stmt);
  g_mutex_unlock (&self->lock);
  g_task_return_boolean (task, TRUE);
}

static void
curb_kiosk_outbox_finalize (GObject *object)
{
  CurbKioskOutbox *self = CURB_KIOSK_OUTBOX (object);

  g_hash_table_unref (self->meta);
  sqlite3_close (self->db);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (curb_kiosk_outbox_parent_class)->finalize (object);
}

static void
curb_kiosk_outbox_class_init (CurbKioskOutboxClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_kiosk_outbox_finalize;
}

static void
curb_kiosk_outbox_init (CurbKioskOutbox *self)
{
  g_mutex_init (&self->lock);
  self->meta = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

CurbKioskOutbox *
curb_kiosk_outbox_open (const char  *path,
                        GError     **error)
{
  g_autoptr(CurbKioskOutbox) self = g_object_new (CURB_TYPE_KIOSK_OUTBOX, NULL);
  g_autofree char *dir = g_path_get_dirname (path);

  g_return_val_if_fail (path != NULL, NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_DATABASE, "kiosk outbox: cannot create %s", dir);
      return NULL;
    }
  self->db = curb_sqlite_open (path, OUTBOX, CURB_SQLITE_DURABLE | CURB_SQLITE_SHARED,
                               migrations, G_N_ELEMENTS (migrations), error);
  if (self->db == NULL)
    return NULL;
  self->depth = count_rows (self);
  load_meta (self);
  return g_steal_pointer (&self);
}

guint
curb_kiosk_outbox_get_depth (CurbKioskOutbox *self)
{
  guint depth;

  g_return_val_if_fail (CURB_IS_KIOSK_OUTBOX (self), 0);
  g_mutex_lock (&self->lock);
  depth = self->depth;
  g_mutex_unlock (&self->lock);
  return depth;
}

void
curb_kiosk_outbox_add_async (CurbKioskOutbox     *self,
                             JsonObject          *event,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(JsonArray) events = json_array_new ();

  g_return_if_fail (CURB_IS_KIOSK_OUTBOX (self));
  json_array_add_object_element (events, json_object_ref (event));
  curb_kiosk_outbox_add_all_async (self, events, cancellable, callback, user_data);
}

void
curb_kiosk_outbox_add_all_async (CurbKioskOutbox     *self,
                                 JsonArray           *events,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_return_if_fail (CURB_IS_KIOSK_OUTBOX (self));
  g_task_set_source_tag (task, curb_kiosk_outbox_add_async);
  g_task_set_task_data (task, json_array_ref (events), (GDestroyNotify) json_array_unref);
  g_task_run_in_thread (task, add_in_thread);
}

gboolean
curb_kiosk_outbox_add_finish (CurbKioskOutbox  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
curb_kiosk_outbox_peek_async (CurbKioskOutbox     *self,
                              guint                max,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_return_if_fail (CURB_IS_KIOSK_OUTBOX (self));
  g_task_set_source_tag (task, curb_kiosk_outbox_peek_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (MAX (max, 1)), NULL);
  g_task_run_in_thread (task, peek_in_thread);
}

JsonArray *
curb_kiosk_outbox_peek_finish (CurbKioskOutbox  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
curb_kiosk_outbox_remove_async (CurbKioskOutbox     *self,
                                GStrv                ids,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_return_if_fail (CURB_IS_KIOSK_OUTBOX (self));
  g_task_set_source_tag (task, curb_kiosk_outbox_remove_async);
  g_task_set_task_data (task, g_strdupv (ids), (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, remove_in_thread);
}

gboolean
curb_kiosk_outbox_remove_finish (CurbKioskOutbox  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

const char *
curb_kiosk_outbox_get_meta (CurbKioskOutbox *self,
                            const char      *key)
{
  g_return_val_if_fail (CURB_IS_KIOSK_OUTBOX (self), NULL);
  return g_hash_table_lookup (self->meta, key);
}

void
curb_kiosk_outbox_set_meta (CurbKioskOutbox *self,
                            const char      *key,
                            const char      *value)
{
  g_autoptr(GTask) task = NULL;
  char **pair;

  g_return_if_fail (CURB_IS_KIOSK_OUTBOX (self));
  g_return_if_fail (key != NULL && value != NULL);

  if (g_strcmp0 (g_hash_table_lookup (self->meta, key), value) == 0)
    return;
  g_hash_table_insert (self->meta, g_strdup (key), g_strdup (value));
  pair = g_new0 (char *, 3);
  pair[0] = g_strdup (key);
  pair[1] = g_strdup (value);
  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_source_tag (task, curb_kiosk_outbox_set_meta);
  g_task_set_task_data (task, pair, (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, meta_in_thread);
}
