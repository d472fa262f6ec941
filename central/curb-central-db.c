#include <string.h>
#include <sqlite3.h>

#include "curbside-core.h"
#include "curb-central-db.h"
#include "curb-sqlite.h"

/* Central's own state: stores and their keys, order documents with a global
 * change sequence (the cursor), and every event received with a delivery
 * count. Single writer, the server's main loop. */

struct _CurbCentralDb
{
  GObject  parent_instance;

  sqlite3 *db;
  gint64   last_change;
};

G_DEFINE_TYPE (CurbCentralDb, curb_central_db, G_TYPE_OBJECT)
G_DEFINE_QUARK (curb-central-error-quark, curb_central_error)

/* version 1 was made before central's database had a user_version: IF NOT EXISTS */
static const CurbSqliteMigration migrations[] = {
  { 1, "CREATE TABLE IF NOT EXISTS stores ("
  "  store_id TEXT PRIMARY KEY,"
  "  api_key  TEXT NOT NULL UNIQUE);"
  "CREATE TABLE IF NOT EXISTS orders ("
  "  store_id   TEXT NOT NULL,"
  "  ref        TEXT NOT NULL,"
  "  version    INTEGER NOT NULL,"
  "  change_seq INTEGER NOT NULL UNIQUE,"
  "  doc        TEXT NOT NULL,"
  "  PRIMARY KEY (store_id, ref));"
  "CREATE INDEX IF NOT EXISTS orders_by_change ON orders (store_id, change_seq);"
  "CREATE TABLE IF NOT EXISTS events ("
  "  receipt     INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  store_id    TEXT NOT NULL,"
  "  id          TEXT NOT NULL,"
  "  order_ref   TEXT NOT NULL,"
  "  kind        TEXT NOT NULL,"
  "  body        TEXT NOT NULL,"
  "  received_at INTEGER NOT NULL,"
  "  deliveries  INTEGER NOT NULL DEFAULT 1,"
  "  UNIQUE (store_id, id));" },
};

static const char * const store_kinds[] = {
  "arrived", "staged", "claimed", "released", "handed_over",
  "partially_handed_over", "no_show", "returned_to_stock", "substitution_decided", "withdrawn",
};

void
curb_central_page_free (CurbCentralPage *page)
{
  g_clear_pointer (&page->orders_json, g_ptr_array_unref);
  g_free (page);
}

static gboolean
set_db_error (CurbCentralDb  *self,
              GError        **error)
{
  g_set_error (error, CURB_CENTRAL_ERROR, CURB_CENTRAL_ERROR_DATABASE,
               "central database: %s", sqlite3_errmsg (self->db));
  return FALSE;
}

static gboolean
exec_sql (CurbCentralDb  *self,
          const char     *sql,
          GError        **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return set_db_error (self, error);
  return TRUE;
}

static sqlite3_stmt *
prepare (CurbCentralDb  *self,
         const char     *sql,
         GError        **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      set_db_error (self, error);
      return NULL;
    }
  return stmt;
}

static void
rollback (CurbCentralDb *self)
{
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

static char *
json_object_to_text (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  return json_to_string (node, FALSE);
}

static JsonObject *
json_object_from_text (const char *text)
{
  g_autoptr(JsonNode) node = json_from_string (text, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_object_ref (json_node_get_object (node));
}

static JsonNode *
member_of_type (JsonObject  *object,
                const char  *name,
                JsonNodeType type)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_TYPE (node) == type ? node : NULL;
}

static gboolean
ref_is_valid (const char *ref)
{
  gsize len = ref ? strlen (ref) : 0;

  if (len == 0 || len > 32)
    return FALSE;
  for (const char *p = ref; *p; p++)
    if (!g_ascii_isupper (*p) && !g_ascii_isdigit (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

static gint64
load_last_change (CurbCentralDb *self)
{
  sqlite3_stmt *stmt = NULL;
  gint64 last = 0;

  if (sqlite3_prepare_v2 (self->db, "SELECT COALESCE(MAX(change_seq), 0) FROM orders",
                          -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    last = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return last;
}

/* The stored document of an order, or NULL with NOT_FOUND. */
static JsonObject *
load_order (CurbCentralDb  *self,
            const char     *store_id,
            const char     *ref,
            GError        **error)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT doc FROM orders WHERE store_id = ? AND ref = ?", error);
  JsonObject *doc = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, store_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, ref, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    doc = json_object_from_text ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc == SQLITE_DONE)
    g_set_error (error, CURB_CENTRAL_ERROR, CURB_CENTRAL_ERROR_UNKNOWN_ORDER,
                 "no order “%s” in store “%s”", ref, store_id);
  else
    set_db_error (self, error);
  sqlite3_finalize (stmt);
  return doc;
}

/* Stamps @doc with the store, the next version and a new change sequence,
 * and writes it. */
static gboolean
write_order (CurbCentralDb  *self,
             const char     *store_id,
             JsonObject     *doc,
             gint64          old_version,
             GError        **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *text = NULL;
  gboolean ok;

  json_object_set_string_member (doc, "store_id", store_id);
  json_object_set_int_member (doc, "version", old_version + 1);
  if (!json_object_has_member (doc, "cancelled"))
    json_object_set_boolean_member (doc, "cancelled", FALSE);
  text = json_object_to_text (doc);

  stmt = prepare (self, "INSERT OR REPLACE INTO orders (store_id, ref, version, change_seq, doc)"
                        " VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, store_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, json_object_get_string_member (doc, "ref"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, old_version + 1);
  sqlite3_bind_int64 (stmt, 4, self->last_change + 1);
  sqlite3_bind_text (stmt, 5, text, -1, SQLITE_TRANSIENT);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (ok)
    self->last_change++;
  else
    set_db_error (self, error);
  sqlite3_finalize (stmt);
  return ok;
}

static gboolean
check_store (CurbCentralDb  *self,
             const char     *store_id,
             GError        **error)
{
  if (curb_central_db_has_store (self, store_id))
    return TRUE;
  g_set_error (error, CURB_CENTRAL_ERROR, CURB_CENTRAL_ERROR_UNKNOWN_STORE,
               "no store “%s”", store_id);
  return FALSE;
}

static gboolean
put_one_order (CurbCentralDb  *self,
               const char     *store_id,
               JsonObject     *content,
               GError        **error)
{
  const char *ref = json_object_get_string_member_with_default (content, "ref", NULL);
  g_autoptr(JsonObject) existing = NULL;
  gint64 old_version = 0;

  if (!ref_is_valid (ref))
    {
      g_set_error (error, CURB_CENTRAL_ERROR, CURB_CENTRAL_ERROR_INVALID,
                   "an order needs a “ref” of 1 to 32 characters A-Z, 0-9 and -");
      return FALSE;
    }
  existing = load_order (self, store_id, ref, NULL);
  if (existing != NULL)
    old_version = json_object_get_int_member_with_default (existing, "version", 0);
  return write_order (self, store_id, content, old_version, error);
}

static gboolean
is_store_kind (const char *kind)
{
  for (gsize i = 0; i < G_N_ELEMENTS (store_kinds); i++)
    if (g_strcmp0 (kind, store_kinds[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
check_event (JsonObject  *event,
             GError     **error)
{
  const char *kind = json_object_get_string_member_with_default (event, "kind", NULL);

  if (json_object_get_string_member_with_default (event, "id", NULL) == NULL
      || json_object_get_string_member_with_default (event, "order_ref", NULL) == NULL
      || kind == NULL)
    {
      g_set_error (error, CURB_CENTRAL_ERROR, CURB_CENTRAL_ERROR_INVALID,
                   "an event needs string members “id”, “kind” and “order_ref”");
      return FALSE;
    }
  if (g_strcmp0 (kind, "cancelled") == 0)
    {
      g_set_error (error, CURB_CENTRAL_ERROR, CURB_CENTRAL_ERROR_NOT_STORE_FACT,
                   "cancelling is central's decision, not a store fact");
      return FALSE;
    }
  if (!is_store_kind (kind))
    {
      g_set_error (error, CURB_CENTRAL_ERROR, CURB_CENTRAL_ERROR_UNKNOWN_KIND,
                   "unknown event kind “%s”", kind);
      return FALSE;
    }
  return TRUE;
}

/* A known id: a duplicate when the body is the same event, else a reused key.
 * Returns FALSE with no error when the id is new. */
static gboolean
find_duplicate (CurbCentralDb  *self,
                const char     *store_id,
                JsonObject     *event,
                GError        **error)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT body FROM events WHERE store_id = ? AND id = ?", error);
  g_autoptr(JsonNode) stored = NULL;
  g_autoptr(JsonNode) given = json_node_new (JSON_NODE_OBJECT);
  gboolean known;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, store_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, json_object_get_string_member (event, "id"), -1, SQLITE_TRANSIENT);
  known = sqlite3_step (stmt) == SQLITE_ROW;
  if (known)
    stored = json_from_string ((const char *) sqlite3_column_text (stmt, 0), NULL);
  sqlite3_finalize (stmt);
  if (!known)
    return FALSE;

  json_node_set_object (given, event);
  if (stored == NULL || !json_node_equal (stored, given))
    g_set_error (error, CURB_CENTRAL_ERROR, CURB_CENTRAL_ERROR_KEY_REUSED,
                 "event id “%s” was already used for a different event",
                 json_object_get_string_member (event, "id"));
  return TRUE;
}

static gboolean
count_delivery (CurbCentralDb  *self,
                const char     *store_id,
                const char     *id,
                GError        **error)
{
  sqlite3_stmt *stmt = prepare (self, "UPDATE events SET deliveries = deliveries + 1"
                                      " WHERE store_id = ? AND id = ?", error);
  gboolean ok;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, store_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    set_db_error (self, error);
  sqlite3_finalize (stmt);
  return ok;
}

static gboolean
insert_event (CurbCentralDb  *self,
              const char     *store_id,
              JsonObject     *event,
              GError        **error)
{
  sqlite3_stmt *stmt = prepare (self, "INSERT INTO events (store_id, id, order_ref, kind, body, received_at)"
                                      " VALUES (?, ?, ?, ?, ?, ?)", error);
  g_autofree char *body = json_object_to_text (event);
  gboolean ok;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, store_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, json_object_get_string_member (event, "id"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, json_object_get_string_member (event, "order_ref"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, json_object_get_string_member (event, "kind"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, body, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, curb_now_ms ());
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    set_db_error (self, error);
  sqlite3_finalize (stmt);
  return ok;
}

/* substitution_decided is the one store event that changes content:
 * the substitution's status, so the store receives a new version. */
static gboolean
apply_substitution_decision (CurbCentralDb  *self,
                             const char     *store_id,
                             JsonObject     *order,
                             JsonObject     *event,
                             GError        **error)
{
  JsonNode *data_node = member_of_type (event, "data", JSON_NODE_OBJECT);
  JsonNode *subs_node = member_of_type (order, "substitutions", JSON_NODE_ARRAY);
  JsonObject *data = data_node ? json_node_get_object (data_node) : NULL;
  JsonArray *subs = subs_node ? json_node_get_array (subs_node) : NULL;
  const char *sub_id = data ? json_object_get_string_member_with_default (data, "substitution_id", NULL) : NULL;
  gboolean approved = data ? json_object_get_boolean_member_with_default (data, "approved", FALSE) : FALSE;

  for (guint i = 0; subs != NULL && sub_id != NULL && i < json_array_get_length (subs); i++)
    {
      JsonObject *sub = json_array_get_object_element (subs, i);

      if (sub == NULL || g_strcmp0 (json_object_get_string_member_with_default (sub, "id", NULL), sub_id) != 0)
        continue;
      json_object_set_string_member (sub, "status", approved ? "approved" : "declined");
      return write_order (self, store_id, order,
                          json_object_get_int_member_with_default (order, "version", 0), error);
    }
  return TRUE;
}

static gboolean
record_new_event (CurbCentralDb  *self,
                  const char     *store_id,
                  JsonObject     *event,
                  GError        **error)
{
  g_autoptr(JsonObject) order = NULL;

  order = load_order (self, store_id, json_object_get_string_member (event, "order_ref"), error);
  if (order == NULL)
    return FALSE;
  if (!insert_event (self, store_id, event, error))
    return FALSE;
  if (g_strcmp0 (json_object_get_string_member (event, "kind"), "substitution_decided") == 0)
    return apply_substitution_decision (self, store_id, order, event, error);
  return TRUE;
}

static void
curb_central_db_finalize (GObject *object)
{
  CurbCentralDb *self = CURB_CENTRAL_DB (object);

  g_clear_pointer (&self->db, sqlite3_close);
  G_OBJECT_CLASS (curb_central_db_parent_class)->finalize (object);
}

static void
curb_central_db_class_init (CurbCentralDbClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_central_db_finalize;
}

static void
curb_central_db_init (CurbCentralDb *self)
{
}

/**
 * curb_central_db_open:
 * @path: the SQLite file; created when missing
 * @error: return location for a #GError
 *
 * Returns: (transfer full): central's state, or %NULL
 */
CurbCentralDb *
curb_central_db_open (const char  *path,
                      GError     **error)
{
  g_autoptr(CurbCentralDb) self = g_object_new (CURB_TYPE_CENTRAL_DB, NULL);

  g_return_val_if_fail (path != NULL, NULL);

  self->db = curb_sqlite_open (path, "central database", CURB_SQLITE_SHARED,
                               migrations, G_N_ELEMENTS (migrations), error);
  if (self->db == NULL)
    return NULL;
  self->last_change = load_last_change (self);
  return g_steal_pointer (&self);
}

gboolean
curb_central_db_add_store (CurbCentralDb  *self,
                           const char     *store_id,
                           const char     *api_key,
                           GError        **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (CURB_IS_CENTRAL_DB (self), FALSE);
  g_return_val_if_fail (store_id != NULL && api_key != NULL, FALSE);

  stmt = prepare (self, "INSERT OR REPLACE INTO stores (store_id, api_key) VALUES (?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, store_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, api_key, -1, SQLITE_TRANSIENT);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    set_db_error (self, error);
  sqlite3_finalize (stmt);
  return ok;
}

/**
 * curb_central_db_store_for_key:
 *
 * Returns: (transfer full) (nullable): the store the API key belongs to
 */
char *
curb_central_db_store_for_key (CurbCentralDb *self,
                               const char    *api_key)
{
  sqlite3_stmt *stmt = NULL;
  char *store_id = NULL;

  g_return_val_if_fail (CURB_IS_CENTRAL_DB (self), NULL);

  if (api_key == NULL || *api_key == '\0')
    return NULL;
  stmt = prepare (self, "SELECT store_id FROM stores WHERE api_key = ?", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, api_key, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    store_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return store_id;
}

gboolean
curb_central_db_has_store (CurbCentralDb *self,
                           const char    *store_id)
{
  sqlite3_stmt *stmt = NULL;
  gboolean found;

  g_return_val_if_fail (CURB_IS_CENTRAL_DB (self), FALSE);

  stmt = prepare (self, "SELECT 1 FROM stores WHERE store_id = ?", NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, store_id, -1, SQLITE_TRANSIENT);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return found;
}

/**
 * curb_central_db_put_order:
 * @content: the order document; "ref" is required, "store_id" and "version"
 *   are central's and get overwritten
 *
 * Creates or replaces an order's content as a new version.
 *
 * Returns: (transfer full): the stored document
 */
JsonObject *
curb_central_db_put_order (CurbCentralDb  *self,
                           const char     *store_id,
                           JsonObject     *content,
                           GError        **error)
{
  g_return_val_if_fail (CURB_IS_CENTRAL_DB (self), NULL);
  g_return_val_if_fail (content != NULL, NULL);

  if (!check_store (self, store_id, error) || !put_one_order (self, store_id, content, error))
    return NULL;
  return json_object_ref (content);
}

/**
 * curb_central_db_put_orders:
 * @contents: (element-type JsonObject): order documents
 *
 * Like curb_central_db_put_order() for many orders, in one transaction.
 */
gboolean
curb_central_db_put_orders (CurbCentralDb  *self,
                            const char     *store_id,
                            GPtrArray      *contents,
                            GError        **error)
{
  g_return_val_if_fail (CURB_IS_CENTRAL_DB (self), FALSE);

  if (!check_store (self, store_id, error) || !exec_sql (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  for (guint i = 0; i < contents->len; i++)
    if (!put_one_order (self, store_id, g_ptr_array_index (contents, i), error))
      {
        rollback (self);
        self->last_change = load_last_change (self);
        return FALSE;
      }
  return exec_sql (self, "COMMIT", error);
}

/**
 * curb_central_db_patch_order:
 * @fields: members to set; "ref", "store_id" and "version" are ignored
 *
 * Returns: (transfer full): the stored document, at its new version
 */
JsonObject *
curb_central_db_patch_order (CurbCentralDb  *self,
                             const char     *store_id,
                             const char     *ref,
                             JsonObject     *fields,
                             GError        **error)
{
  g_autoptr(JsonObject) doc = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  g_return_val_if_fail (CURB_IS_CENTRAL_DB (self), NULL);

  doc = load_order (self, store_id, ref, error);
  if (doc == NULL)
    return NULL;
  json_object_iter_init (&iter, fields);
  while (json_object_iter_next (&iter, &name, &value))
    if (g_strcmp0 (name, "ref") != 0 && g_strcmp0 (name, "store_id") != 0
        && g_strcmp0 (name, "version") != 0)
      json_object_set_member (doc, name, json_node_copy (value));
  if (!write_order (self, store_id, doc, json_object_get_int_member_with_default (doc, "version", 0), error))
    return NULL;
  return g_steal_pointer (&doc);
}

/**
 * curb_central_db_get_order:
 *
 * Returns: (transfer full): the order as central has it, or %NULL
 */
JsonObject *
curb_central_db_get_order (CurbCentralDb  *self,
                           const char     *store_id,
                           const char     *ref,
                           GError        **error)
{
  g_return_val_if_fail (CURB_IS_CENTRAL_DB (self), NULL);

  return load_order (self, store_id, ref, error);
}

/**
 * curb_central_db_list_changes:
 * @after_change: the change sequence the client has seen (0: none)
 * @limit: at most this many orders
 *
 * Orders changed after @after_change, oldest change first. An order's change
 * sequence moves forward with every change, so an order changed while a
 * client pages is found on a later page, never skipped.
 *
 * Returns: (transfer full): the page
 */
CurbCentralPage *
curb_central_db_list_changes (CurbCentralDb  *self,
                              const char     *store_id,
                              gint64          after_change,
                              guint           limit,
                              GError        **error)
{
  g_autoptr(CurbCentralPage) page = g_new0 (CurbCentralPage, 1);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (CURB_IS_CENTRAL_DB (self), NULL);

  stmt = prepare (self, "SELECT doc, change_seq FROM orders WHERE store_id = ? AND change_seq > ?"
                        " ORDER BY change_seq LIMIT ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, store_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, after_change);
  sqlite3_bind_int64 (stmt, 3, (gint64) limit + 1);

  page->orders_json = g_ptr_array_new_with_free_func (g_free);
  page->last_change = after_change;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (page->orders_json->len == limit)
        {
          page->has_more = TRUE;
          break;
        }
      g_ptr_array_add (page->orders_json, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      page->last_change = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_db_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&page);
}

/**
 * curb_central_db_record_event:
 * @event: a store event (data-model.md)
 * @out_receipt: (out): whether it was new or a duplicate
 *
 * Records a pushed event exactly once: the same id again with the same event
 * only counts a delivery; with a different event it is refused.
 */
gboolean
curb_central_db_record_event (CurbCentralDb       *self,
                              const char          *store_id,
                              JsonObject          *event,
                              CurbCentralReceipt  *out_receipt,
                              GError             **error)
{
  GError *local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (CURB_IS_CENTRAL_DB (self), FALSE);
  g_return_val_if_fail (out_receipt != NULL, FALSE);

  if (!check_store (self, store_id, error) || !check_event (event, error))
    return FALSE;
  if (!exec_sql (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (find_duplicate (self, store_id, event, &local_error))
    {
      *out_receipt = CURB_CENTRAL_RECEIPT_DUPLICATE;
      ok = local_error == NULL
           && count_delivery (self, store_id, json_object_get_string_member (event, "id"), &local_error);
    }
  else
    {
      *out_receipt = CURB_CENTRAL_RECEIPT_NEW;
      ok = local_error == NULL && record_new_event (self, store_id, event, &local_error);
    }

  if (!ok)
    {
      rollback (self);
      self->last_change = load_last_change (self);
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return exec_sql (self, "COMMIT", error);
}

static JsonObject *
event_row_to_json (sqlite3_stmt *stmt)
{
  JsonObject *row = json_object_new ();
  g_autoptr(JsonNode) body = json_from_string ((const char *) sqlite3_column_text (stmt, 3), NULL);
  g_autofree char *received_at = curb_iso8601_from_ms (sqlite3_column_int64 (stmt, 4));

  json_object_set_string_member (row, "id", (const char *) sqlite3_column_text (stmt, 0));
  json_object_set_string_member (row, "order_ref", (const char *) sqlite3_column_text (stmt, 1));
  json_object_set_string_member (row, "kind", (const char *) sqlite3_column_text (stmt, 2));
  json_object_set_string_member (row, "received_at", received_at);
  json_object_set_int_member (row, "deliveries", sqlite3_column_int64 (stmt, 5));
  if (body != NULL)
    json_object_set_member (row, "event", g_steal_pointer (&body));
  return row;
}

/**
 * curb_central_db_list_events:
 *
 * Returns: (transfer full): every event received from the store, in order of
 *   first receipt, each with its delivery count
 */
JsonArray *
curb_central_db_list_events (CurbCentralDb  *self,
                             const char     *store_id,
                             GError        **error)
{
  g_autoptr(JsonArray) events = json_array_new ();
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (CURB_IS_CENTRAL_DB (self), NULL);

  stmt = prepare (self, "SELECT id, order_ref, kind, body, received_at, deliveries FROM events"
                        " WHERE store_id = ? ORDER BY receipt", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, store_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    json_array_add_object_element (events, event_row_to_json (stmt));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&events);
}

/**
 * curb_central_db_order_arrived:
 *
 * Returns: %TRUE when the store told central that the shopper of @ref
 *   arrived (or the order was handed over or marked a no-show). A claim
 *   alone is no arrival: staff may take an order on while its shopper is
 *   still on the way, and the shopper may then announce a new ETA.
 */
gboolean
curb_central_db_order_arrived (CurbCentralDb *self,
                               const char    *store_id,
                               const char    *ref)
{
  sqlite3_stmt *stmt = NULL;
  gboolean arrived;

  g_return_val_if_fail (CURB_IS_CENTRAL_DB (self), FALSE);

  stmt = prepare (self, "SELECT 1 FROM events WHERE store_id = ? AND order_ref = ? AND kind IN"
                        " ('arrived', 'handed_over', 'partially_handed_over', 'no_show') LIMIT 1", NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, store_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, ref, -1, SQLITE_TRANSIENT);
  arrived = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return arrived;
}

/**
 * curb_central_db_find_order:
 * @ref: an order number, in whichever store it is
 *
 * Returns: (transfer full): the order document (with its "store_id"), or
 *   %NULL with %CURB_CENTRAL_ERROR_UNKNOWN_ORDER
 */
JsonObject *
curb_central_db_find_order (CurbCentralDb  *self,
                            const char     *ref,
                            GError        **error)
{
  sqlite3_stmt *stmt = NULL;
  JsonObject *doc = NULL;
  int rc;

  g_return_val_if_fail (CURB_IS_CENTRAL_DB (self), NULL);

  if (!ref_is_valid (ref))
    {
      g_set_error (error, CURB_CENTRAL_ERROR, CURB_CENTRAL_ERROR_UNKNOWN_ORDER, "no order “%s”", ref);
      return NULL;
    }
  stmt = prepare (self, "SELECT doc FROM orders WHERE ref = ? ORDER BY store_id LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, ref, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    doc = json_object_from_text ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc == SQLITE_DONE)
    g_set_error (error, CURB_CENTRAL_ERROR, CURB_CENTRAL_ERROR_UNKNOWN_ORDER, "no order “%s”", ref);
  else
    set_db_error (self, error);
  sqlite3_finalize (stmt);
  return doc;
}

/**
 * curb_central_db_list_order_events:
 *
 * Returns: (transfer full): the events the store sent for one order, in
 *   order of first receipt (as curb_central_db_list_events())
 */
JsonArray *
curb_central_db_list_order_events (CurbCentralDb  *self,
                                   const char     *store_id,
                                   const char     *ref,
                                   GError        **error)
{
  g_autoptr(JsonArray) events = json_array_new ();
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (CURB_IS_CENTRAL_DB (self), NULL);

  stmt = prepare (self, "SELECT id, order_ref, kind, body, received_at, deliveries FROM events"
                        " WHERE store_id = ? AND order_ref = ? ORDER BY receipt", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, store_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, ref, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    json_array_add_object_element (events, event_row_to_json (stmt));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&events);
}
