/* CurbStore: orders, events and the outbox. */

#include "curb-error.h"
#include "curb-order-codec.h"
#include "curb-rules.h"
#include "curb-state.h"
#include "curb-store-private.h"
#include "curb-util.h"

#define ORDER_COLUMNS \
  "ref, content, state, staged, bay, staged_ms, arrived_ms, claimed_ms, claimed_by_id, " \
  "claimed_by_name, handed_over_ms, closed_ms, locations, bags, not_taken, decisions, last_seq, staged_lines, " \
  "bay_skipped"
#define EVENT_COLUMNS "seq, id, kind, order_ref, at_ms, device, staff, data"
#define ACTIVE_STATES "('pending','ready','arrived','claimed')"
#define CENTRAL_CANCEL_PREFIX "central-cancel-"

typedef struct
{
  char           *ref;
  JsonObject     *content;
  CurbOrderState  state;
  gboolean        staged;
  char           *bay;
  gboolean        bay_skipped;   /* arrived, and the shopper left the kiosk without a bay */
  gint64          staged_ms;
  gint64          arrived_ms;
  gint64          claimed_ms;
  char           *claimed_by_id;
  char           *claimed_by_name;
  gint64          handed_over_ms;
  gint64          closed_ms;
  JsonNode       *locations;
  JsonNode       *bags;
  JsonNode       *not_taken;
  JsonObject     *decisions;     /* substitution id → approved */
  gint64          last_seq;
  JsonObject     *staged_lines;  /* line id → quantity the last staging was for; NULL before */
} OrderRow;

static void
order_row_clear (OrderRow *row)
{
  g_clear_pointer (&row->ref, g_free);
  g_clear_pointer (&row->content, json_object_unref);
  g_clear_pointer (&row->bay, g_free);
  g_clear_pointer (&row->claimed_by_id, g_free);
  g_clear_pointer (&row->claimed_by_name, g_free);
  g_clear_pointer (&row->locations, json_node_unref);
  g_clear_pointer (&row->bags, json_node_unref);
  g_clear_pointer (&row->not_taken, json_node_unref);
  g_clear_pointer (&row->decisions, json_object_unref);
  g_clear_pointer (&row->staged_lines, json_object_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OrderRow, order_row_clear)

/* --- rows --- */

static JsonObject *
column_object (CurbStmt *stmt,
               int       column)
{
  g_autoptr(JsonNode) node = curb_stmt_column_json (stmt, column);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return json_object_new ();
  return json_node_dup_object (node);
}

static void
load_row (CurbStmt *stmt,
          OrderRow *row)
{
  row->ref = g_strdup (curb_stmt_column_text (stmt, 0));
  row->content = column_object (stmt, 1);
  if (!curb_order_state_from_string (curb_stmt_column_text (stmt, 2), &row->state))
    row->state = CURB_ORDER_STATE_PENDING;
  row->staged = sqlite3_column_int (stmt, 3) != 0;
  row->bay = g_strdup (curb_stmt_column_text (stmt, 4));
  row->staged_ms = sqlite3_column_int64 (stmt, 5);
  row->arrived_ms = sqlite3_column_int64 (stmt, 6);
  row->claimed_ms = sqlite3_column_int64 (stmt, 7);
  row->claimed_by_id = g_strdup (curb_stmt_column_text (stmt, 8));
  row->claimed_by_name = g_strdup (curb_stmt_column_text (stmt, 9));
  row->handed_over_ms = sqlite3_column_int64 (stmt, 10);
  row->closed_ms = sqlite3_column_int64 (stmt, 11);
  row->locations = curb_stmt_column_json (stmt, 12);
  row->bags = curb_stmt_column_json (stmt, 13);
  row->not_taken = curb_stmt_column_json (stmt, 14);
  row->decisions = column_object (stmt, 15);
  row->last_seq = sqlite3_column_int64 (stmt, 16);
  if (sqlite3_column_type (stmt, 17) != SQLITE_NULL)
    row->staged_lines = column_object (stmt, 17);
  row->bay_skipped = sqlite3_column_int (stmt, 18) != 0;
}

/* Unknown facts are null rather than absent, so readers need no has_member(). */
static void
set_time (JsonObject *object,
          const char *member,
          gint64      ms)
{
  g_autofree char *text = NULL;

  if (ms <= 0)
    {
      json_object_set_null_member (object, member);
      return;
    }
  text = curb_iso8601_from_ms (ms);
  json_object_set_string_member (object, member, text);
}

static JsonObject *
empty_bags (void)
{
  JsonObject *bags = json_object_new ();

  for (guint i = 0; i < CURB_TEMPERATURE_COUNT; i++)
    json_object_set_int_member (bags, curb_temperature_to_string (i), 0);
  return bags;
}

static void
set_derived_json (JsonObject *order,
                  OrderRow   *row)
{
  if (row->locations != NULL)
    json_object_set_member (order, "locations", json_node_copy (row->locations));
  else
    json_object_set_array_member (order, "locations", json_array_new ());
  if (row->bags != NULL)
    json_object_set_member (order, "bags", json_node_copy (row->bags));
  else
    json_object_set_object_member (order, "bags", empty_bags ());
  if (row->not_taken != NULL)
    json_object_set_member (order, "not_taken", json_node_copy (row->not_taken));
  else
    json_object_set_array_member (order, "not_taken", json_array_new ());
}

/* Substitution decisions are the store's (substitution id → approved). */
static void
apply_decisions (CurbOrder  *order,
                 JsonObject *decisions)
{
  g_autoptr(GList) ids = json_object_get_members (decisions);

  for (GList *l = ids; l != NULL; l = l->next)
    curb_order_decide_substitution (order, l->data, json_object_get_boolean_member (decisions, l->data)
                                                    ? CURB_SUBSTITUTION_APPROVED : CURB_SUBSTITUTION_DECLINED);
}

/* --- re-staging after central changed the order --- */

/* line id → how many the order has of it */
static JsonObject *
snapshot_lines (CurbOrder *order)
{
  GListModel *lines = curb_order_get_lines (order);
  JsonObject *snapshot = json_object_new ();

  for (guint i = 0; i < g_list_model_get_n_items (lines); i++)
    {
      g_autoptr(CurbOrderLine) line = g_list_model_get_item (lines, i);
      const char *id = curb_order_line_get_id (line);

      json_object_set_int_member (snapshot, id,
                                  curb_order_line_get_qty (line) + json_object_get_int_member_with_default (snapshot, id, 0));
    }
  return snapshot;
}

/* The lines whose quantity central changed since the order was staged
 * (element-type CurbRestageLine), empty when the staging still fits. */
static GPtrArray *
restage_lines (OrderRow  *row,
               CurbOrder *order)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *lines = curb_order_get_lines (order);
  g_autoptr(JsonObject) now = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GList) staged_ids = NULL;

  if (!row->staged || row->staged_lines == NULL)
    return changes;
  now = snapshot_lines (order);
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < g_list_model_get_n_items (lines); i++)
    {
      g_autoptr(CurbOrderLine) line = g_list_model_get_item (lines, i);
      const char *id = curb_order_line_get_id (line);
      gint64 staged = json_object_get_int_member_with_default (row->staged_lines, id, 0);
      gint64 qty = json_object_get_int_member (now, id);

      if (g_hash_table_add (seen, (gpointer) id) && qty != staged)
        g_ptr_array_add (changes, curb_restage_line_new (id, curb_order_line_get_name (line), staged, qty));
    }
  staged_ids = json_object_get_members (row->staged_lines);
  for (GList *l = staged_ids; l != NULL; l = l->next)
    if (!json_object_has_member (now, l->data) && json_object_get_int_member (row->staged_lines, l->data) != 0)
      g_ptr_array_add (changes, curb_restage_line_new (l->data, NULL,
                                                       json_object_get_int_member (row->staged_lines, l->data), 0));
  return changes;
}

/* Central's content with the row's facts, in the hub-API shape. */
static JsonObject *
row_facts_json (OrderRow *row)
{
  JsonObject *order = json_object_ref (row->content);

  json_object_set_string_member (order, "state", curb_order_state_to_string (row->state));
  json_object_set_boolean_member (order, "staged", row->staged);
  if (row->bay != NULL)
    json_object_set_string_member (order, "bay", row->bay);
  else
    json_object_set_null_member (order, "bay");
  json_object_set_boolean_member (order, "bay_skipped", row->bay_skipped);
  set_time (order, "staged_at", row->staged_ms);
  set_time (order, "arrived_at", row->arrived_ms);
  set_time (order, "claimed_at", row->claimed_ms);
  set_time (order, "handed_over_at", row->handed_over_ms);
  if (row->claimed_by_id != NULL)
    {
      JsonObject *claimer = json_object_new ();

      json_object_set_string_member (claimer, "id", row->claimed_by_id);
      if (row->claimed_by_name != NULL)
        json_object_set_string_member (claimer, "first_name", row->claimed_by_name);
      json_object_set_object_member (order, "claimed_by", claimer);
    }
  else
    json_object_set_null_member (order, "claimed_by");
  set_derived_json (order, row);
  json_object_set_int_member (order, "last_seq", row->last_seq);
  return order;
}

/* The order as the hub API has it, read through the codec; the store's
 * substitution decisions and the lines to re-stage applied to it. */
static CurbOrder *
row_to_order (OrderRow  *row,
              GError   **error)
{
  g_autoptr(JsonObject) json = row_facts_json (row);
  g_autoptr(CurbOrder) order = curb_order_codec_decode (json, error);
  g_autoptr(GPtrArray) restage = NULL;

  if (order == NULL)
    {
      g_prefix_error (error, "Stored order %s: ", row->ref);
      return NULL;
    }
  apply_decisions (order, row->decisions);
  restage = restage_lines (row, order);
  curb_order_set_restage (order, restage);
  return g_steal_pointer (&order);
}

/* The store's reply, written by the codec. */
static JsonObject *
row_to_json (OrderRow  *row,
             GError   **error)
{
  g_autoptr(CurbOrder) order = row_to_order (row, error);

  return order != NULL ? curb_order_codec_encode (order) : NULL;
}

/* --- applying an event to the derived row --- */

/* A copy of an event's fact, for the row's JSON column. */
static JsonNode *
copy_array (JsonArray *array)
{
  g_autoptr(JsonNode) node = array != NULL ? json_node_init_array (json_node_alloc (), array) : NULL;

  return node != NULL ? json_node_copy (node) : NULL;
}

static JsonNode *
copy_object (JsonObject *object)
{
  g_autoptr(JsonNode) node = object != NULL ? json_node_init_object (json_node_alloc (), object) : NULL;

  return node != NULL ? json_node_copy (node) : NULL;
}

static void
replace_node (JsonNode  **slot,
              JsonNode   *node)
{
  if (node == NULL)
    return;
  g_clear_pointer (slot, json_node_unref);
  *slot = node;
}

static void
apply_claim (OrderRow  *row,
             CurbEvent *event)
{
  JsonObject *data = curb_event_get_data (event);

  row->claimed_ms = curb_event_get_at_ms (event);
  g_free (row->claimed_by_id);
  row->claimed_by_id = g_strdup (curb_event_get_staff (event));
  g_free (row->claimed_by_name);
  row->claimed_by_name = g_strdup (json_object_get_string_member_with_default (data, "staff_name", NULL));
}

static void
apply_release (OrderRow *row)
{
  row->claimed_ms = 0;
  g_clear_pointer (&row->claimed_by_id, g_free);
  g_clear_pointer (&row->claimed_by_name, g_free);
}

static void
apply_to_row (OrderRow       *row,
              CurbOrder      *order,
              CurbEvent      *event,
              CurbOrderState  to,
              gint64          received_ms)
{
  JsonObject *data = curb_event_get_data (event);
  gint64 at_ms = curb_event_get_at_ms (event);

  switch (curb_event_get_kind (event))
    {
    case CURB_EVENT_STAGED:
      row->staged = TRUE;
      row->staged_ms = at_ms;
      g_clear_pointer (&row->staged_lines, json_object_unref);
      row->staged_lines = snapshot_lines (order);
      replace_node (&row->locations, copy_array (curb_event_get_locations (event)));
      replace_node (&row->bags, copy_object (curb_event_get_bags (event)));
      break;
    case CURB_EVENT_ARRIVED:
      row->arrived_ms = at_ms;
      G_GNUC_FALLTHROUGH;
    case CURB_EVENT_BAY_CHOSEN:
      g_free (row->bay);
      row->bay = g_strdup (curb_event_get_bay (event));
      row->bay_skipped = curb_event_get_kind (event) == CURB_EVENT_BAY_CHOSEN && row->bay == NULL;
      break;
    case CURB_EVENT_WITHDRAWN:
      /* as before the arrival: nothing else of the order changes */
      row->arrived_ms = 0;
      g_clear_pointer (&row->bay, g_free);
      row->bay_skipped = FALSE;
      to = curb_state_after_withdrawal (row->staged);
      break;
    case CURB_EVENT_CLAIMED:
      apply_claim (row, event);
      break;
    case CURB_EVENT_RELEASED:
      apply_release (row);
      break;
    case CURB_EVENT_PARTIALLY_HANDED_OVER:
      replace_node (&row->not_taken, copy_array (curb_event_get_not_taken (event)));
      G_GNUC_FALLTHROUGH;
    case CURB_EVENT_HANDED_OVER:
      row->handed_over_ms = at_ms;
      break;
    case CURB_EVENT_SUBSTITUTION_DECIDED:
      json_object_set_boolean_member (row->decisions,
                                      json_object_get_string_member (data, "substitution_id"),
                                      json_object_get_boolean_member (data, "approved"));
      break;
    case CURB_EVENT_NO_SHOW:
    case CURB_EVENT_CANCELLED:
    case CURB_EVENT_RETURNED_TO_STOCK:
    default:
      break;
    }
  if (!curb_order_state_is_active (to) && curb_order_state_is_active (row->state))
    row->closed_ms = received_ms;
  row->state = to;
}

/* --- the pickup rules (core/curb-rules.c) --- */

/* "+3 × Whole Milk 1 L, −1 × Eggs" */
static char *
describe_restage (GListModel *restage)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (restage) && i < 5; i++)
    {
      g_autoptr(CurbRestageLine) change = g_list_model_get_item (restage, i);
      gint64 delta = (gint64) curb_restage_line_get_qty (change) - curb_restage_line_get_staged_qty (change);
      const char *name = curb_restage_line_get_name (change);

      g_string_append_printf (text, "%s%s%" G_GINT64_FORMAT " \u00d7 %s", i > 0 ? ", " : "", delta > 0 ? "+" : "\u2212",
                              ABS (delta), name != NULL ? name : curb_restage_line_get_line_id (change));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Units staged before central changed the order are not what leaves: the
 * order is staged again (and its bags counted again) first. */
static gboolean
check_staging_fits (CurbOrder  *order,
                    GError    **error)
{
  GListModel *restage = curb_order_get_restage (order);
  g_autofree char *what = NULL;

  if (g_list_model_get_n_items (restage) == 0)
    return TRUE;
  what = describe_restage (restage);
  g_set_error (error, CURB_ERROR, CURB_ERROR_RESTAGE_REQUIRED,
               "Central changed the order after it was staged: re-stage (%s) before the handoff", what);
  return FALSE;
}

static gboolean
check_rules (CurbOrder  *order,
             CurbEvent  *event,
             GError    **error)
{
  if (!curb_rules_check_event (order, event, error))
    return FALSE;
  if (curb_event_get_kind (event) == CURB_EVENT_HANDED_OVER
      || curb_event_get_kind (event) == CURB_EVENT_PARTIALLY_HANDED_OVER)
    return check_staging_fits (order, error);
  return TRUE;
}

/* --- database steps (the caller holds the lock and a transaction) --- */

/* The seq of the event stored under @event's id (0: none). An id names
 * one event: the same id for another kind, order or device is a conflict,
 * not a replay. */
static gboolean
find_event_seq (CurbStore   *self,
                CurbEvent   *event,
                gint64      *out_seq,
                GError     **error)
{
  g_autoptr(CurbStmt) stmt = curb_store_prepare (self, "SELECT seq, kind, order_ref, device FROM events WHERE id = ?1",
                                                 error);
  GError *local_error = NULL;

  *out_seq = 0;
  if (stmt == NULL)
    return FALSE;
  curb_stmt_bind_text (stmt, 1, curb_event_get_id (event));
  if (!curb_store_step_row (self, stmt, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, local_error);
      return local_error == NULL;
    }
  if (g_strcmp0 (curb_stmt_column_text (stmt, 1), curb_event_kind_to_string (curb_event_get_kind (event))) != 0
      || g_strcmp0 (curb_stmt_column_text (stmt, 2), curb_event_get_order_ref (event)) != 0
      || g_strcmp0 (curb_stmt_column_text (stmt, 3), curb_event_get_device (event)) != 0)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_CONFLICT,
                   "Event id %s already names another event", curb_event_get_id (event));
      return FALSE;
    }
  *out_seq = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
load_order (CurbStore   *self,
            const char  *ref,
            OrderRow    *row,
            GError     **error)
{
  g_autoptr(CurbStmt) stmt = curb_store_prepare (self, "SELECT " ORDER_COLUMNS " FROM orders WHERE ref = ?1", error);
  GError *local_error = NULL;

  if (stmt == NULL)
    return FALSE;
  curb_stmt_bind_text (stmt, 1, ref);
  if (curb_store_step_row (self, stmt, &local_error))
    {
      load_row (stmt, row);
      return TRUE;
    }
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  else
    g_set_error (error, CURB_ERROR, CURB_ERROR_NOT_FOUND, "No order %s", ref);
  return FALSE;
}

static gboolean
insert_event (CurbStore   *self,
              CurbEvent   *event,
              gint64       received_ms,
              gint64      *out_seq,
              GError     **error)
{
  g_autoptr(CurbStmt) stmt = curb_store_prepare (self,
      "INSERT INTO events (id, kind, order_ref, at_ms, device, staff, data, received_ms)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", error);
  g_autoptr(JsonNode) data = NULL;

  if (stmt == NULL)
    return FALSE;
  data = json_node_init_object (json_node_alloc (), curb_event_get_data (event));
  curb_stmt_bind_text (stmt, 1, curb_event_get_id (event));
  curb_stmt_bind_text (stmt, 2, curb_event_kind_to_string (curb_event_get_kind (event)));
  curb_stmt_bind_text (stmt, 3, curb_event_get_order_ref (event));
  sqlite3_bind_int64 (stmt, 4, curb_event_get_at_ms (event));
  curb_stmt_bind_text (stmt, 5, curb_event_get_device (event));
  curb_stmt_bind_text (stmt, 6, curb_event_get_staff (event));
  curb_stmt_bind_json (stmt, 7, data);
  sqlite3_bind_int64 (stmt, 8, received_ms);
  if (!curb_store_step_done (self, stmt, error))
    return FALSE;
  *out_seq = sqlite3_last_insert_rowid (sqlite3_db_handle (stmt));
  return TRUE;
}

static void
bind_ms (CurbStmt *stmt,
         int       index,
         gint64    ms)
{
  if (ms > 0)
    sqlite3_bind_int64 (stmt, index, ms);
  else
    sqlite3_bind_null (stmt, index);
}

static gboolean
save_row (CurbStore  *self,
          OrderRow   *row,
          gint64      updated_ms,
          GError    **error)
{
  g_autoptr(CurbStmt) stmt = curb_store_prepare (self,
      "UPDATE orders SET state = ?2, staged = ?3, bay = ?4, staged_ms = ?5, arrived_ms = ?6,"
      " claimed_ms = ?7, claimed_by_id = ?8, claimed_by_name = ?9, handed_over_ms = ?10,"
      " closed_ms = ?11, locations = ?12, bags = ?13, not_taken = ?14, decisions = ?15,"
      " last_seq = ?16, updated_ms = ?17, staged_lines = ?18, bay_skipped = ?19 WHERE ref = ?1", error);
  g_autoptr(JsonNode) decisions = NULL;
  g_autoptr(JsonNode) staged_lines = NULL;

  if (stmt == NULL)
    return FALSE;
  decisions = json_node_init_object (json_node_alloc (), row->decisions);
  curb_stmt_bind_text (stmt, 1, row->ref);
  curb_stmt_bind_text (stmt, 2, curb_order_state_to_string (row->state));
  sqlite3_bind_int (stmt, 3, row->staged);
  curb_stmt_bind_text (stmt, 4, row->bay);
  bind_ms (stmt, 5, row->staged_ms);
  bind_ms (stmt, 6, row->arrived_ms);
  bind_ms (stmt, 7, row->claimed_ms);
  curb_stmt_bind_text (stmt, 8, row->claimed_by_id);
  curb_stmt_bind_text (stmt, 9, row->claimed_by_name);
  bind_ms (stmt, 10, row->handed_over_ms);
  bind_ms (stmt, 11, row->closed_ms);
  curb_stmt_bind_json (stmt, 12, row->locations);
  curb_stmt_bind_json (stmt, 13, row->bags);
  curb_stmt_bind_json (stmt, 14, row->not_taken);
  curb_stmt_bind_json (stmt, 15, decisions);
  sqlite3_bind_int64 (stmt, 16, row->last_seq);
  sqlite3_bind_int64 (stmt, 17, updated_ms);
  sqlite3_bind_int (stmt, 19, row->bay_skipped);
  if (row->staged_lines != NULL)
    {
      staged_lines = json_node_init_object (json_node_alloc (), row->staged_lines);
      curb_stmt_bind_json (stmt, 18, staged_lines);
    }
  return curb_store_step_done (self, stmt, error);
}

static gboolean
insert_outbox (CurbStore   *self,
               CurbEvent   *event,
               gint64       seq,
               GError     **error)
{
  g_autoptr(CurbStmt) stmt = curb_store_prepare (self,
      "INSERT INTO outbox (event_id, seq, attempts, next_attempt_ms) VALUES (?1, ?2, 0, 0)", error);

  if (stmt == NULL)
    return FALSE;
  curb_stmt_bind_text (stmt, 1, curb_event_get_id (event));
  sqlite3_bind_int64 (stmt, 2, seq);
  return curb_store_step_done (self, stmt, error);
}

static gboolean
append_locked (CurbStore  *self,
               CurbEvent  *event,
               gint64     *out_seq,
               gboolean   *out_duplicate,
               GError    **error)
{
  g_auto(OrderRow) row = { 0 };
  g_autoptr(CurbOrder) order = NULL;
  CurbOrderState to;
  gint64 now_ms = curb_now_ms ();

  if (!find_event_seq (self, event, out_seq, error))
    return FALSE;
  *out_duplicate = *out_seq > 0;
  if (*out_duplicate)
    return TRUE;
  if (!load_order (self, curb_event_get_order_ref (event), &row, error)
      || (order = row_to_order (&row, error)) == NULL
      || !check_rules (order, event, error)
      || !curb_state_apply_taken_on (row.state, row.claimed_by_id != NULL, curb_event_get_kind (event), &to, error)
      || !insert_event (self, event, now_ms, out_seq, error))
    return FALSE;
  apply_to_row (&row, order, event, to, now_ms);
  row.last_seq = *out_seq;
  if (!save_row (self, &row, now_ms, error))
    return FALSE;
  return !curb_event_kind_is_store_owned (curb_event_get_kind (event))
         || insert_outbox (self, event, *out_seq, error);
}

/* --- central's content --- */

static gboolean
find_version (CurbStore       *self,
              const char      *ref,
              gint64          *out_version,
              CurbOrderState  *out_state,
              GError         **error)
{
  g_autoptr(CurbStmt) stmt = curb_store_prepare (self, "SELECT version, state FROM orders WHERE ref = ?1", error);

  *out_version = -1;
  if (stmt == NULL)
    return FALSE;
  curb_stmt_bind_text (stmt, 1, ref);
  if (curb_store_step_row (self, stmt, error))
    {
      *out_version = sqlite3_column_int64 (stmt, 0);
      curb_order_state_from_string (curb_stmt_column_text (stmt, 1), out_state);
    }
  return error == NULL || *error == NULL;
}

static gboolean
write_content (CurbStore         *self,
               CurbCentralOrder  *central,
               gboolean           exists,
               GError           **error)
{
  g_autoptr(CurbStmt) stmt = curb_store_prepare (self, exists
      ? "UPDATE orders SET version = ?2, content = ?3, token = ?4, window_start_ms = ?5, updated_ms = ?6,"
        " purged_ms = NULL WHERE ref = ?1"
      : "INSERT INTO orders (ref, version, content, token, window_start_ms, created_ms, updated_ms)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)", error);
  g_autoptr(JsonNode) content = NULL;

  if (stmt == NULL)
    return FALSE;
  content = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (content, curb_order_codec_encode_content (central->order));
  curb_stmt_bind_text (stmt, 1, curb_order_get_ref (central->order));
  sqlite3_bind_int64 (stmt, 2, curb_order_get_version (central->order));
  curb_stmt_bind_json (stmt, 3, content);
  curb_stmt_bind_text (stmt, 4, central->token);
  bind_ms (stmt, 5, curb_order_get_window_start (central->order));
  sqlite3_bind_int64 (stmt, 6, curb_now_ms ());
  return curb_store_step_done (self, stmt, error);
}

static gboolean
write_hash (CurbStore   *self,
            const char  *ref,
            const char  *kind,
            const char  *normalized,
            GError     **error)
{
  g_autoptr(CurbStmt) stmt = curb_store_prepare (self,
      "INSERT INTO lookup_hashes (order_ref, kind, hash) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (order_ref, kind) DO UPDATE SET hash = excluded.hash", error);
  guint8 hash[CURB_STORE_HASH_BYTES];

  if (stmt == NULL)
    return FALSE;
  curb_store_keyed_hash (self, kind, normalized, hash);
  curb_stmt_bind_text (stmt, 1, ref);
  curb_stmt_bind_text (stmt, 2, kind);
  sqlite3_bind_blob (stmt, 3, hash, sizeof hash, SQLITE_TRANSIENT);
  return curb_store_step_done (self, stmt, error);
}

static gboolean
write_hashes (CurbStore         *self,
              CurbCentralOrder  *central,
              GError           **error)
{
  const char *ref = curb_order_get_ref (central->order);
  g_autofree char *surname = curb_order_normalize_surname (central->surname);
  g_autofree char *phone = curb_order_normalize_phone_last4 (central->phone_last4);

  return (surname == NULL || write_hash (self, ref, "surname", surname, error))
         && (phone == NULL || write_hash (self, ref, "phone", phone, error));
}

static CurbEvent *
central_cancellation (const char *ref)
{
  g_autoptr(JsonObject) data = json_object_new ();
  g_autofree char *id = g_strconcat (CENTRAL_CANCEL_PREFIX, ref, NULL);
  CurbEvent *event;

  json_object_set_string_member (data, "reason", "cancelled by central");
  event = curb_event_new (CURB_EVENT_CANCELLED, ref, CURB_EVENT_DEVICE_CENTRAL, NULL, data);
  curb_event_set_id (event, id);
  return event;
}

static gboolean
cancel_locked (CurbStore   *self,
               const char  *ref,
               CurbEvent  **out_event,
               GError     **error)
{
  g_autoptr(CurbEvent) event = central_cancellation (ref);
  gboolean duplicate = FALSE;
  gint64 seq = 0;

  if (!curb_event_validate (event, error) || !append_locked (self, event, &seq, &duplicate, error))
    return FALSE;
  curb_event_set_seq (event, seq);
  *out_event = duplicate ? NULL : g_steal_pointer (&event);
  return TRUE;
}

static gboolean
upsert_locked (CurbStore          *self,
               CurbCentralOrder   *central,
               CurbUpsertOutcome  *out_outcome,
               CurbOrderState     *out_before,
               CurbEvent         **out_cancelled,
               GError            **error)
{
  const char *ref = curb_order_get_ref (central->order);
  gint64 version = curb_order_get_version (central->order);
  CurbOrderState state = CURB_ORDER_STATE_PENDING;
  gint64 stored_version;

  if (!find_version (self, ref, &stored_version, &state, error))
    return FALSE;
  *out_before = state;
  if (stored_version >= version)
    {
      *out_outcome = CURB_UPSERT_STALE;
      return TRUE;
    }
  *out_outcome = stored_version < 0 ? CURB_UPSERT_INSERTED : CURB_UPSERT_UPDATED;
  if (!write_content (self, central, stored_version >= 0, error)
      || !write_hashes (self, central, error)
      || !curb_store_resolve_rejected_locked (self, ref, version, error))
    return FALSE;
  if (curb_order_get_cancelled (central->order) && curb_order_state_is_active (state))
    return cancel_locked (self, ref, out_cancelled, error);
  return TRUE;
}

/* --- reading events --- */

static CurbEvent *
event_from_row (CurbStmt  *stmt,
                GError   **error)
{
  g_autoptr(JsonNode) data = curb_stmt_column_json (stmt, 7);
  CurbEventKind kind;
  CurbEvent *event;

  if (!curb_event_kind_from_string (curb_stmt_column_text (stmt, 2), &kind))
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_DATABASE, "Stored event %s has an unknown kind",
                   curb_stmt_column_text (stmt, 1));
      return NULL;
    }
  event = curb_event_new (kind, curb_stmt_column_text (stmt, 3), curb_stmt_column_text (stmt, 5),
                          curb_stmt_column_text (stmt, 6),
                          data != NULL && JSON_NODE_HOLDS_OBJECT (data) ? json_node_get_object (data) : NULL);
  curb_event_set_seq (event, sqlite3_column_int64 (stmt, 0));
  curb_event_set_id (event, curb_stmt_column_text (stmt, 1));
  curb_event_set_at_ms (event, sqlite3_column_int64 (stmt, 4));
  return event;
}

static GPtrArray *
collect_events (CurbStore  *self,
                CurbStmt   *stmt,
                GError    **error)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);
  GError *local_error = NULL;

  while (curb_store_step_row (self, stmt, &local_error))
    {
      CurbEvent *event = event_from_row (stmt, &local_error);

      if (event == NULL)
        break;
      g_ptr_array_add (events, event);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return g_steal_pointer (&events);
}

static JsonArray *
collect_orders (CurbStore  *self,
                CurbStmt   *stmt,
                GError    **error)
{
  g_autoptr(JsonArray) orders = json_array_new ();
  GError *local_error = NULL;

  while (curb_store_step_row (self, stmt, &local_error))
    {
      g_auto(OrderRow) row = { 0 };

      JsonObject *order;

      load_row (stmt, &row);
      if ((order = row_to_json (&row, &local_error)) == NULL)
        break;
      json_array_add_object_element (orders, order);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return g_steal_pointer (&orders);
}

static gint64
start_of_today_ms (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                         g_date_time_get_day_of_month (now), 0, 0, 0);

  return g_date_time_to_unix (midnight) * 1000;
}

/* --- public API --- */

gboolean
curb_store_upsert_order (CurbStore          *self,
                         JsonObject         *central_order,
                         CurbUpsertOutcome  *out_outcome,
                         CurbEvent         **out_cancelled,
                         gboolean           *out_alert_staff,
                         GError            **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbCentralOrder) central = NULL;
  g_autoptr(CurbEvent) cancelled = NULL;
  CurbUpsertOutcome outcome = CURB_UPSERT_STALE;
  CurbOrderState before = CURB_ORDER_STATE_PENDING;

  g_return_val_if_fail (CURB_IS_STORE (self), FALSE);
  g_return_val_if_fail (central_order != NULL, FALSE);

  central = curb_order_codec_decode_central (central_order, error);
  if (central == NULL)
    return FALSE;
  locker = curb_store_lock (self);
  if (!curb_store_begin (self, error))
    return FALSE;
  if (!upsert_locked (self, central, &outcome, &before, &cancelled, error) || !curb_store_commit (self, error))
    {
      curb_store_rollback (self);
      return FALSE;
    }
  if (out_outcome != NULL)
    *out_outcome = outcome;
  if (out_alert_staff != NULL)
    *out_alert_staff = cancelled != NULL
                       && (before == CURB_ORDER_STATE_ARRIVED || before == CURB_ORDER_STATE_CLAIMED);
  if (out_cancelled != NULL)
    *out_cancelled = g_steal_pointer (&cancelled);
  return TRUE;
}

static gboolean
upsert_page_locked (CurbStore  *self,
                    GPtrArray  *central_orders,
                    GPtrArray  *cancelled,
                    GPtrArray  *alerts,
                    GError    **error)
{
  for (guint i = 0; i < central_orders->len; i++)
    {
      g_autoptr(CurbEvent) event = NULL;
      CurbUpsertOutcome outcome;
      CurbOrderState before;

      if (!upsert_locked (self, g_ptr_array_index (central_orders, i), &outcome, &before, &event, error))
        return FALSE;
      if (event == NULL)
        continue;
      if (before == CURB_ORDER_STATE_ARRIVED || before == CURB_ORDER_STATE_CLAIMED)
        g_ptr_array_add (alerts, g_object_ref (event));
      g_ptr_array_add (cancelled, g_steal_pointer (&event));
    }
  return TRUE;
}

gboolean
curb_store_upsert_central_orders (CurbStore   *self,
                                  GPtrArray   *central_orders,
                                  GPtrArray  **out_cancelled,
                                  GPtrArray  **out_alerts,
                                  GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(GPtrArray) cancelled = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (CURB_IS_STORE (self), FALSE);
  g_return_val_if_fail (central_orders != NULL, FALSE);

  locker = curb_store_lock (self);
  if (!curb_store_begin (self, error))
    return FALSE;
  if (!upsert_page_locked (self, central_orders, cancelled, alerts, error) || !curb_store_commit (self, error))
    {
      curb_store_rollback (self);
      return FALSE;
    }
  if (out_cancelled != NULL)
    *out_cancelled = g_steal_pointer (&cancelled);
  if (out_alerts != NULL)
    *out_alerts = g_steal_pointer (&alerts);
  return TRUE;
}

static GError *
decode_page_entry (JsonNode          *node,
                   guint              index,
                   CurbCentralOrder **out_central)
{
  GError *error = NULL;
  const char *ref;

  *out_central = NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return g_error_new (CURB_ERROR, CURB_ERROR_INVALID, "Order #%u is not an object", index);
  *out_central = curb_order_codec_decode_central (json_node_get_object (node), &error);
  if (*out_central == NULL)
    {
      ref = curb_order_codec_peek_central (json_node_get_object (node), NULL);
      g_prefix_error (&error, "Order #%u (%s): ", index, ref != NULL ? ref : "?");
    }
  return error;
}

gboolean
curb_store_upsert_orders (CurbStore   *self,
                          JsonArray   *central_orders,
                          GPtrArray  **out_cancelled,
                          GPtrArray  **out_alerts,
                          GPtrArray  **out_rejected,
                          GError     **error)
{
  g_autoptr(GPtrArray) decoded = g_ptr_array_new_with_free_func ((GDestroyNotify) curb_central_order_free);
  g_autoptr(GPtrArray) rejected = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);

  g_return_val_if_fail (CURB_IS_STORE (self), FALSE);
  g_return_val_if_fail (central_orders != NULL, FALSE);

  for (guint i = 0; i < json_array_get_length (central_orders); i++)
    {
      CurbCentralOrder *central;
      GError *invalid = decode_page_entry (json_array_get_element (central_orders, i), i, &central);

      if (invalid != NULL)
        g_ptr_array_add (rejected, invalid);
      else
        g_ptr_array_add (decoded, central);
    }
  if (!curb_store_upsert_central_orders (self, decoded, out_cancelled, out_alerts, error))
    return FALSE;
  if (out_rejected != NULL)
    *out_rejected = g_steal_pointer (&rejected);
  return TRUE;
}

JsonObject *
curb_store_get_order (CurbStore   *self,
                      const char  *ref,
                      GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_auto(OrderRow) row = { 0 };

  g_return_val_if_fail (CURB_IS_STORE (self), NULL);
  g_return_val_if_fail (ref != NULL, NULL);

  locker = curb_store_lock (self);
  if (!load_order (self, ref, &row, error))
    return NULL;
  return row_to_json (&row, error);
}

gboolean
curb_store_get_order_state (CurbStore       *self,
                            const char      *ref,
                            CurbOrderState  *out_state,
                            GError         **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  CurbOrderState state = CURB_ORDER_STATE_PENDING;
  gint64 version;

  g_return_val_if_fail (CURB_IS_STORE (self), FALSE);
  g_return_val_if_fail (ref != NULL && out_state != NULL, FALSE);

  locker = curb_store_lock (self);
  if (!find_version (self, ref, &version, &state, error))
    return FALSE;
  if (version < 0)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_NOT_FOUND, "No order %s", ref);
      return FALSE;
    }
  *out_state = state;
  return TRUE;
}

char *
curb_store_get_order_token (CurbStore   *self,
                            const char  *ref,
                            GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), NULL);
  g_return_val_if_fail (ref != NULL, NULL);

  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "SELECT token FROM orders WHERE ref = ?1", error);
  if (stmt == NULL)
    return NULL;
  curb_stmt_bind_text (stmt, 1, ref);
  if (!curb_store_step_row (self, stmt, error))
    return NULL;
  return g_strdup (curb_stmt_column_text (stmt, 0));
}

JsonArray *
curb_store_list_orders (CurbStore        *self,
                        CurbOrderFilter   filter,
                        GError          **error)
{
  static const char * const queries[] = {
    [CURB_ORDER_FILTER_ACTIVE] = "SELECT " ORDER_COLUMNS " FROM orders WHERE state IN " ACTIVE_STATES
                                 " ORDER BY window_start_ms IS NULL, window_start_ms, ref",
    [CURB_ORDER_FILTER_TODAY] = "SELECT " ORDER_COLUMNS " FROM orders WHERE state IN " ACTIVE_STATES
                                " OR (window_start_ms >= ?1 AND window_start_ms < ?1 + 86400000)"
                                " OR updated_ms >= ?1"
                                " ORDER BY window_start_ms IS NULL, window_start_ms, ref",
    [CURB_ORDER_FILTER_ALL] = "SELECT " ORDER_COLUMNS " FROM orders"
                              " ORDER BY window_start_ms IS NULL, window_start_ms, ref",
  };
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), NULL);
  g_return_val_if_fail ((guint) filter < G_N_ELEMENTS (queries), NULL);

  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, queries[filter], error);
  if (stmt == NULL)
    return NULL;
  if (filter == CURB_ORDER_FILTER_TODAY)
    sqlite3_bind_int64 (stmt, 1, start_of_today_ms ());
  return collect_orders (self, stmt, error);
}

static void
bind_lookup_hash (CurbStore  *self,
                  CurbStmt   *stmt,
                  int         index,
                  const char *kind,
                  const char *normalized)
{
  guint8 hash[CURB_STORE_HASH_BYTES];

  /* hash even what cannot match, so both paths cost the same */
  curb_store_keyed_hash (self, kind, normalized != NULL ? normalized : "", hash);
  if (normalized == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_blob (stmt, index, hash, sizeof hash, SQLITE_TRANSIENT);
}

JsonObject *
curb_store_lookup (CurbStore   *self,
                   const char  *ref,
                   const char  *surname_or_phone_last4,
                   GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;
  g_autofree char *trimmed = NULL;
  g_autofree char *typed_ref = NULL;
  g_autofree char *surname = NULL;
  g_autofree char *phone = NULL;
  g_auto(OrderRow) row = { 0 };
  GError *local_error = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), NULL);

  if (ref != NULL && g_utf8_validate (ref, -1, NULL))
    {
      trimmed = g_strstrip (g_strdup (ref));
      typed_ref = g_utf8_strup (trimmed, -1);
    }
  surname = curb_order_normalize_surname (surname_or_phone_last4);
  if (surname_or_phone_last4 != NULL && strlen (surname_or_phone_last4) <= 16)
    phone = curb_order_normalize_phone_last4 (surname_or_phone_last4);
  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "SELECT " ORDER_COLUMNS " FROM orders o WHERE ref = ?1 AND EXISTS"
                                   " (SELECT 1 FROM lookup_hashes h WHERE h.order_ref = o.ref AND"
                                   " ((h.kind = 'surname' AND h.hash = ?2) OR (h.kind = 'phone' AND h.hash = ?3)))",
                             error);
  if (stmt == NULL)
    return NULL;
  curb_stmt_bind_text (stmt, 1, typed_ref);
  bind_lookup_hash (self, stmt, 2, "surname", surname);
  bind_lookup_hash (self, stmt, 3, "phone", phone);
  if (curb_store_step_row (self, stmt, &local_error))
    {
      load_row (stmt, &row);
      return row_to_json (&row, error);
    }
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  else
    g_set_error_literal (error, CURB_ERROR, CURB_ERROR_NOT_FOUND,
                         "No order matches this order number and name or phone digits");
  return NULL;
}

gboolean
curb_store_append_event (CurbStore  *self,
                         CurbEvent  *event,
                         gboolean   *out_duplicate,
                         GError    **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  gboolean duplicate = FALSE;
  gint64 seq = 0;

  g_return_val_if_fail (CURB_IS_STORE (self), FALSE);
  g_return_val_if_fail (CURB_IS_EVENT (event), FALSE);

  if (!curb_event_validate (event, error))
    return FALSE;
  locker = curb_store_lock (self);
  if (!curb_store_begin (self, error))
    return FALSE;
  if (!append_locked (self, event, &seq, &duplicate, error) || !curb_store_commit (self, error))
    {
      curb_store_rollback (self);
      return FALSE;
    }
  curb_event_set_seq (event, seq);
  if (out_duplicate != NULL)
    *out_duplicate = duplicate;
  return TRUE;
}

static gboolean
run (CurbStore   *self,
     const char  *sql,
     GError     **error)
{
  g_autoptr(CurbStmt) stmt = curb_store_prepare (self, sql, error);

  return stmt != NULL && curb_store_step_done (self, stmt, error);
}

static gboolean
is_fatal (GError *error)
{
  return !g_error_matches (error, CURB_ERROR, CURB_ERROR_INVALID)
         && !g_error_matches (error, CURB_ERROR, CURB_ERROR_NOT_FOUND)
         && !g_error_matches (error, CURB_ERROR, CURB_ERROR_FORBIDDEN)
         && !g_error_matches (error, CURB_ERROR, CURB_ERROR_ILLEGAL_TRANSITION)
         && !g_error_matches (error, CURB_ERROR, CURB_ERROR_ALREADY_ARRIVED)
         && !g_error_matches (error, CURB_ERROR, CURB_ERROR_ALREADY_CLAIMED)
         && !g_error_matches (error, CURB_ERROR, CURB_ERROR_CANCELLED)
         && !g_error_matches (error, CURB_ERROR, CURB_ERROR_CONFLICT);
}

/* One event of a batch inside its own savepoint; FALSE only for errors that
 * doom the whole transaction. */
static gboolean
append_one_of_batch (CurbStore  *self,
                     CurbEvent  *event,
                     gint64     *out_seq,
                     gboolean   *out_duplicate,
                     GError    **out_event_error,
                     GError    **error)
{
  GError *local_error = NULL;

  if (!curb_event_validate (event, out_event_error))
    return TRUE;
  if (!run (self, "SAVEPOINT batch_event", error))
    return FALSE;
  if (append_locked (self, event, out_seq, out_duplicate, &local_error))
    return run (self, "RELEASE batch_event", error);
  *out_seq = 0;
  if (is_fatal (local_error))
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  g_propagate_error (out_event_error, local_error);
  return run (self, "ROLLBACK TO batch_event", error) && run (self, "RELEASE batch_event", error);
}

static gboolean
append_batch_locked (CurbStore  *self,
                     GPtrArray  *events,
                     gint64     *seqs,
                     gboolean   *duplicates,
                     GError    **out_errors,
                     GError    **error)
{
  for (guint i = 0; i < events->len; i++)
    if (!append_one_of_batch (self, g_ptr_array_index (events, i), &seqs[i], &duplicates[i], &out_errors[i], error))
      return FALSE;
  return TRUE;
}

gboolean
curb_store_append_events (CurbStore  *self,
                          GPtrArray  *events,
                          gboolean   *out_duplicates,
                          GError    **out_errors,
                          GError    **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autofree gint64 *seqs = NULL;
  g_autofree gboolean *duplicates = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), FALSE);
  g_return_val_if_fail (events != NULL && out_errors != NULL, FALSE);

  seqs = g_new0 (gint64, events->len + 1);
  duplicates = g_new0 (gboolean, events->len + 1);
  locker = curb_store_lock (self);
  if (!curb_store_begin (self, error))
    return FALSE;
  if (!append_batch_locked (self, events, seqs, duplicates, out_errors, error) || !curb_store_commit (self, error))
    {
      curb_store_rollback (self);
      for (guint i = 0; i < events->len; i++)
        g_clear_error (&out_errors[i]);
      return FALSE;
    }
  for (guint i = 0; i < events->len; i++)
    {
      if (seqs[i] > 0)
        curb_event_set_seq (g_ptr_array_index (events, i), seqs[i]);
      if (out_duplicates != NULL)
        out_duplicates[i] = duplicates[i];
    }
  return TRUE;
}

CurbEvent *
curb_store_get_event (CurbStore   *self,
                      const char  *event_id,
                      GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), NULL);
  g_return_val_if_fail (event_id != NULL, NULL);

  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "SELECT " EVENT_COLUMNS " FROM events WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  curb_stmt_bind_text (stmt, 1, event_id);
  if (curb_store_step_row (self, stmt, &local_error))
    return event_from_row (stmt, error);
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  else
    g_set_error (error, CURB_ERROR, CURB_ERROR_NOT_FOUND, "No event %s", event_id);
  return NULL;
}

GPtrArray *
curb_store_list_events_since (CurbStore   *self,
                              gint64       after_seq,
                              guint        limit,
                              GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), NULL);

  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "SELECT " EVENT_COLUMNS " FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                             error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, after_seq);
  sqlite3_bind_int64 (stmt, 2, limit);
  return collect_events (self, stmt, error);
}

GPtrArray *
curb_store_list_order_events (CurbStore   *self,
                              const char  *ref,
                              GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), NULL);
  g_return_val_if_fail (ref != NULL, NULL);

  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "SELECT " EVENT_COLUMNS " FROM events WHERE order_ref = ?1 ORDER BY seq",
                             error);
  if (stmt == NULL)
    return NULL;
  curb_stmt_bind_text (stmt, 1, ref);
  return collect_events (self, stmt, error);
}

gint64
curb_store_get_last_seq (CurbStore *self)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), 0);

  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "SELECT COALESCE (MAX (seq), 0) FROM events", NULL);
  if (stmt == NULL || !curb_store_step_row (self, stmt, NULL))
    return 0;
  return sqlite3_column_int64 (stmt, 0);
}

GPtrArray *
curb_store_outbox_peek (CurbStore   *self,
                        guint        limit,
                        gint64       now_ms,
                        GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), NULL);

  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "SELECT e.seq, e.id, e.kind, e.order_ref, e.at_ms, e.device, e.staff, e.data"
                                   " FROM outbox o JOIN events e ON e.id = o.event_id"
                                   " WHERE o.next_attempt_ms <= ?1 ORDER BY o.seq LIMIT ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, now_ms);
  sqlite3_bind_int64 (stmt, 2, limit);
  return collect_events (self, stmt, error);
}

gboolean
curb_store_outbox_ack (CurbStore   *self,
                       const char  *event_id,
                       GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), FALSE);
  g_return_val_if_fail (event_id != NULL, FALSE);

  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "DELETE FROM outbox WHERE event_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  curb_stmt_bind_text (stmt, 1, event_id);
  return curb_store_step_done (self, stmt, error);
}

gboolean
curb_store_outbox_defer (CurbStore   *self,
                         const char  *event_id,
                         gint64       next_attempt_ms,
                         const char  *last_error,
                         GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), FALSE);
  g_return_val_if_fail (event_id != NULL, FALSE);

  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "UPDATE outbox SET attempts = attempts + 1, next_attempt_ms = ?2,"
                                   " last_error = substr (?3, 1, 500) WHERE event_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  curb_stmt_bind_text (stmt, 1, event_id);
  sqlite3_bind_int64 (stmt, 2, next_attempt_ms);
  curb_stmt_bind_text (stmt, 3, last_error);
  return curb_store_step_done (self, stmt, error);
}

guint
curb_store_outbox_get_attempts (CurbStore  *self,
                                const char *event_id)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), 0);

  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "SELECT attempts FROM outbox WHERE event_id = ?1", NULL);
  if (stmt == NULL)
    return 0;
  curb_stmt_bind_text (stmt, 1, event_id);
  if (!curb_store_step_row (self, stmt, NULL))
    return 0;
  return sqlite3_column_int (stmt, 0);
}

guint
curb_store_outbox_depth (CurbStore *self)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), 0);

  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "SELECT COUNT (*) FROM outbox", NULL);
  if (stmt == NULL || !curb_store_step_row (self, stmt, NULL))
    return 0;
  return sqlite3_column_int (stmt, 0);
}
