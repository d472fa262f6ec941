/* CurbStore: orders central sent that the store cannot take. Each ref and
 * version is noted once; the alert stays open until a newer version of the
 * order is taken (curb_store_resolve_rejected_locked(), from the upsert). */

#include "curb-error.h"
#include "curb-store-private.h"
#include "curb-util.h"

static void
set_time (JsonObject *object,
          const char *member,
          gint64      ms)
{
  g_autofree char *text = ms > 0 ? curb_iso8601_from_ms (ms) : NULL;

  if (text != NULL)
    json_object_set_string_member (object, member, text);
}

static JsonObject *
rejected_from_row (CurbStmt *stmt)
{
  JsonObject *rejected = json_object_new ();

  json_object_set_string_member (rejected, "ref", curb_stmt_column_text (stmt, 0));
  json_object_set_int_member (rejected, "version", sqlite3_column_int64 (stmt, 1));
  json_object_set_string_member (rejected, "reason", curb_stmt_column_text (stmt, 2));
  set_time (rejected, "first_seen", sqlite3_column_int64 (stmt, 3));
  set_time (rejected, "shopper_seen", sqlite3_column_int64 (stmt, 4));
  return rejected;
}

gboolean
curb_store_resolve_rejected_locked (CurbStore   *self,
                                    const char  *ref,
                                    gint64       version,
                                    GError     **error)
{
  g_autoptr(CurbStmt) stmt = curb_store_prepare (self,
      "UPDATE central_rejects SET resolved_ms = ?3"
      " WHERE ref = ?1 AND version < ?2 AND resolved_ms IS NULL", error);

  if (stmt == NULL)
    return FALSE;
  curb_stmt_bind_text (stmt, 1, ref);
  sqlite3_bind_int64 (stmt, 2, version);
  sqlite3_bind_int64 (stmt, 3, curb_now_ms ());
  return curb_store_step_done (self, stmt, error);
}

static gboolean
newer_version_taken (CurbStore   *self,
                     const char  *ref,
                     gint64       version,
                     gboolean    *out_taken,
                     GError     **error)
{
  g_autoptr(CurbStmt) stmt = curb_store_prepare (self, "SELECT version FROM orders WHERE ref = ?1", error);
  GError *local_error = NULL;

  *out_taken = FALSE;
  if (stmt == NULL)
    return FALSE;
  curb_stmt_bind_text (stmt, 1, ref);
  if (curb_store_step_row (self, stmt, &local_error))
    *out_taken = sqlite3_column_int64 (stmt, 0) >= version;
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

gboolean
curb_store_note_rejected_order (CurbStore   *self,
                                const char  *ref,
                                gint64       version,
                                const char  *reason,
                                gboolean    *out_new,
                                GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;
  gboolean taken = FALSE;
  gint64 now_ms = curb_now_ms ();

  g_return_val_if_fail (CURB_IS_STORE (self), FALSE);
  g_return_val_if_fail (ref != NULL && reason != NULL, FALSE);

  locker = curb_store_lock (self);
  /* A late re-delivery of a version older than what the store has is no alert. */
  if (!newer_version_taken (self, ref, version, &taken, error))
    return FALSE;
  stmt = curb_store_prepare (self,
      "INSERT INTO central_rejects (ref, version, reason, first_seen_ms, resolved_ms)"
      " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (ref, version) DO NOTHING", error);
  if (stmt == NULL)
    return FALSE;
  curb_stmt_bind_text (stmt, 1, ref);
  sqlite3_bind_int64 (stmt, 2, version);
  curb_stmt_bind_text (stmt, 3, reason);
  sqlite3_bind_int64 (stmt, 4, now_ms);
  if (taken)
    sqlite3_bind_int64 (stmt, 5, now_ms);
  else
    sqlite3_bind_null (stmt, 5);
  if (!curb_store_step_done (self, stmt, error))
    return FALSE;
  if (out_new != NULL)
    *out_new = sqlite3_changes (sqlite3_db_handle (stmt)) > 0;
  return TRUE;
}

JsonArray *
curb_store_list_rejected_orders (CurbStore  *self,
                                 GError    **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;
  g_autoptr(JsonArray) rejected = json_array_new ();
  GError *local_error = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), NULL);

  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self,
      "SELECT ref, version, reason, first_seen_ms, shopper_seen_ms FROM central_rejects"
      " WHERE resolved_ms IS NULL ORDER BY first_seen_ms, ref, version", error);
  if (stmt == NULL)
    return NULL;
  while (curb_store_step_row (self, stmt, &local_error))
    json_array_add_object_element (rejected, rejected_from_row (stmt));
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return g_steal_pointer (&rejected);
}

guint64
curb_store_count_rejected_orders (CurbStore *self)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), 0);

  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "SELECT count(*) FROM central_rejects", NULL);
  if (stmt == NULL || !curb_store_step_row (self, stmt, NULL))
    return 0;
  return sqlite3_column_int64 (stmt, 0);
}

gboolean
curb_store_claim_rejected_order (CurbStore  *self,
                                 const char *ref)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), FALSE);
  g_return_val_if_fail (ref != NULL, FALSE);

  locker = curb_store_lock (self);
  /* every check-in asks: only a read unless there is such an alert */
  stmt = curb_store_prepare (self, "SELECT 1 FROM central_rejects WHERE ref = ?1 AND resolved_ms IS NULL", NULL);
  if (stmt == NULL)
    return FALSE;
  curb_stmt_bind_text (stmt, 1, ref);
  if (!curb_store_step_row (self, stmt, NULL))
    return FALSE;
  g_clear_pointer (&stmt, curb_stmt_release);
  stmt = curb_store_prepare (self,
      "UPDATE central_rejects SET shopper_seen_ms = ?2"
      " WHERE ref = ?1 AND resolved_ms IS NULL"
      " AND NOT EXISTS (SELECT 1 FROM orders WHERE orders.ref = ?1)", NULL);
  if (stmt == NULL)
    return FALSE;
  curb_stmt_bind_text (stmt, 1, ref);
  sqlite3_bind_int64 (stmt, 2, curb_now_ms ());
  return curb_store_step_done (self, stmt, NULL) && sqlite3_changes (sqlite3_db_handle (stmt)) > 0;
}
