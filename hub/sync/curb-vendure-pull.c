#include <string.h>

#include "curb-error.h"
#include "curb-util.h"
#include "curb-vendure-cursor.h"
#include "curb-vendure-order.h"
#include "curb-vendure-pull.h"

#define TAKE_LIMIT_MESSAGE "Cannot take more than "
#define SAME_MS_SLACK 16
/* Fingerprints re-read per sweep: small, so a poll stays well under a second. */
#define OPEN_PAGE 100

#define LIST_QUERY_OF(fields, variables, options) \
  "query($store: String!, $take: Int!, " variables ") {" \
  " orders(options: { take: $take, " options " }) { items { " fields " } } }"
#define LIST_QUERY(variables, options) LIST_QUERY_OF (CURB_VENDURE_ORDER_FIELDS, variables, options)

#define NEW_QUERY LIST_QUERY ("$after: DateTime!", \
  "sort: { orderPlacedAt: ASC }, filter: { active: { eq: false }, orderPlacedAt: { after: $after }," \
  " pickupLocationCode: { eq: $store }, state: { in: " CURB_VENDURE_OPEN_STATES " } }")

#define CHANGED_QUERY LIST_QUERY ("$after: DateTime!", \
  "sort: { updatedAt: ASC }, filter: { active: { eq: false }, updatedAt: { after: $after }," \
  " pickupLocationCode: { eq: $store } }")

#define OPEN_QUERY LIST_QUERY_OF (CURB_VENDURE_ORDER_FINGERPRINT_FIELDS, "$skip: Int!", \
  "skip: $skip, sort: { id: ASC }, filter: { active: { eq: false }, pickupLocationCode: { eq: $store }," \
  " state: { in: " CURB_VENDURE_OPEN_STATES " } }")

#define BY_ID_QUERY LIST_QUERY ("$ids: [String!]!", \
  "filter: { id: { in: $ids }, pickupLocationCode: { eq: $store } }")

typedef struct
{
  CurbVendureClient *client;
  const char        *location_code;
  GHashTable        *open_known;
  GHashTable        *open_seen;
  GHashTable        *pending;    /* ids met by this round of re-reads */
  CurbVendureCursor *cursor;
  guint              limit;
  GPtrArray         *orders;
  GCancellable      *cancellable;
  gint64            *retry_after_ms;
  guint             *max_take;       /* Vendure's adminListQueryLimit, as far as we know it */
  gboolean           take_lowered;
} Pull;

static const char * const open_states[] = {
  "PaymentAuthorized", "PaymentSettled", "PartiallyShipped", "Shipped", "PartiallyDelivered",
};

static gboolean
state_is_open (const char *state)
{
  for (guint i = 0; i < G_N_ELEMENTS (open_states); i++)
    if (g_strcmp0 (state, open_states[i]) == 0)
      return TRUE;
  return FALSE;
}

/* "Cannot take more than 100 results from a list query": a shop with a
 * smaller adminListQueryLimit than we asked for. */
static void
learn_take_limit (Pull    *pull,
                  GError **error)
{
  const char *found = error && *error ? strstr ((*error)->message, TAKE_LIMIT_MESSAGE) : NULL;
  guint64 limit = 0;

  if (found == NULL)
    return;
  limit = g_ascii_strtoull (found + strlen (TAKE_LIMIT_MESSAGE), NULL, 10);
  if (limit > 0 && limit < *pull->max_take)
    {
      *pull->max_take = limit;
      pull->take_lowered = TRUE;
    }
}

static JsonArray *
list_orders (Pull        *pull,
             const char  *query,
             JsonObject  *variables,
             GError     **error)
{
  g_autoptr(JsonObject) data = NULL;
  JsonNode *orders, *items;

  json_object_set_string_member (variables, "store", pull->location_code);
  data = curb_vendure_client_query (pull->client, query, variables, pull->cancellable, pull->retry_after_ms, error);
  if (data == NULL)
    {
      learn_take_limit (pull, error);
      return NULL;
    }
  orders = json_object_get_member (data, "orders");
  items = orders && JSON_NODE_HOLDS_OBJECT (orders) ? json_object_get_member (json_node_get_object (orders), "items") : NULL;
  if (items == NULL || !JSON_NODE_HOLDS_ARRAY (items))
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_PROTOCOL, "Vendure sent an order list without items");
      return NULL;
    }
  return json_array_ref (json_node_get_array (items));
}

static void
set_time (JsonObject *variables,
          const char *name,
          gint64      ms)
{
  g_autofree char *text = curb_iso8601_from_ms (MAX (ms, 0));

  json_object_set_string_member (variables, name, text);
}

/* Hands one Vendure order to the hub and notes its fingerprint in @pending
 * ("" once it is no longer open). */
static void
emit (Pull       *pull,
      JsonObject *vendure_order)
{
  const char *id = json_object_get_string_member_with_default (vendure_order, "id", NULL);
  JsonObject *order;

  if (id == NULL)
    return;
  /* not a pickup order of this store (e.g. home delivery): its fingerprint
   * is kept so it is not fetched again, but it is never handed on */
  if (curb_vendure_order_is_pickup (vendure_order, pull->location_code)
      && (order = curb_vendure_order_to_curbside (vendure_order, NULL)) != NULL)
    g_ptr_array_add (pull->orders, order);
  if (state_is_open (json_object_get_string_member_with_default (vendure_order, "state", NULL)))
    g_hash_table_insert (pull->pending, g_strdup (id), curb_vendure_order_fingerprint (vendure_order));
  else
    g_hash_table_insert (pull->pending, g_strdup (id), g_strdup (""));
}

/* Orders placed after the cursor. Returns TRUE when the phase is done. */
static gboolean
step_new (Pull     *pull,
          gboolean *out_done,
          GError  **error)
{
  g_autoptr(JsonObject) variables = json_object_new ();
  g_autoptr(JsonArray) items = NULL;
  CurbVendureCursor *cursor = pull->cursor;
  guint take = MIN (pull->limit + SAME_MS_SLACK, *pull->max_take);

  set_time (variables, "after", cursor->placed_ms - 1);
  json_object_set_int_member (variables, "take", take);
  if ((items = list_orders (pull, NEW_QUERY, variables, error)) == NULL)
    return FALSE;
  if (cursor->first_sweep && cursor->updated_ms == 0)
    cursor->updated_ms = (MAX (curb_vendure_client_get_server_time (pull->client) - 2000, 0) / 1000) * 1000;
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *order = json_array_get_object_element (items, i);
      gint64 placed = curb_vendure_order_time_ms (order, "orderPlacedAt");
      gint64 id = curb_vendure_id_to_int (json_object_get_string_member_with_default (order, "id", NULL));

      /* GraphQL orders sort keys by the schema, not as written: sort by
       * orderPlacedAt alone; an order sharing the cursor's millisecond is taken
       * again unless it is the cursor's own (the store ignores the repeat). */
      if (placed < cursor->placed_ms || (placed == cursor->placed_ms && id == cursor->placed_id))
        continue;
      emit (pull, order);
      cursor->placed_ms = placed;
      cursor->placed_id = id;
    }
  *out_done = json_array_get_length (items) < take;
  return TRUE;
}

/* Orders whose updatedAt moved since the cursor (its second again, minus what was taken). */
static gboolean
step_changed (Pull     *pull,
              gboolean *out_done,
              GError  **error)
{
  g_autoptr(JsonObject) variables = json_object_new ();
  g_autoptr(JsonArray) items = NULL;
  CurbVendureCursor *cursor = pull->cursor;
  guint take = MIN (pull->limit + g_hash_table_size (cursor->seen), *pull->max_take);
  guint taken = 0;

  set_time (variables, "after", cursor->updated_ms - 1000);
  json_object_set_int_member (variables, "take", take);
  if ((items = list_orders (pull, CHANGED_QUERY, variables, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *order = json_array_get_object_element (items, i);
      gint64 updated = curb_vendure_order_time_ms (order, "updatedAt");
      const char *id = json_object_get_string_member_with_default (order, "id", "");
      g_autofree char *fingerprint = curb_vendure_order_fingerprint (order);

      if (updated < cursor->updated_ms || curb_vendure_cursor_has_seen (cursor, updated, id, fingerprint))
        continue;
      emit (pull, order);
      curb_vendure_cursor_take (cursor, updated, id, fingerprint);
      taken++;
    }
  /* A full page with nothing new: more changes in one second than a page holds. */
  *out_done = json_array_get_length (items) < take || taken == 0;
  return TRUE;
}

/* The full documents of @ids, handed on; ids Vendure no longer lists for this store are forgotten. */
static gboolean
fetch_by_ids (Pull      *pull,
              JsonArray *ids,
              GError   **error)
{
  g_autoptr(JsonObject) variables = json_object_new ();
  g_autoptr(JsonArray) items = NULL;

  if (json_array_get_length (ids) == 0)
    return TRUE;
  json_object_set_array_member (variables, "ids", json_array_ref (ids));
  json_object_set_int_member (variables, "take", *pull->max_take);
  if ((items = list_orders (pull, BY_ID_QUERY, variables, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (ids); i++)
    g_hash_table_insert (pull->pending, g_strdup (json_array_get_string_element (ids, i)), g_strdup (""));
  for (guint i = 0; i < json_array_get_length (items); i++)
    emit (pull, json_array_get_object_element (items, i));
  return TRUE;
}

static gboolean
fetch_vanished (Pull    *pull,
                GError **error)
{
  g_autoptr(JsonArray) ids = json_array_new ();
  GHashTableIter iter;
  gpointer id;

  g_hash_table_iter_init (&iter, pull->open_known);
  while (g_hash_table_iter_next (&iter, &id, NULL) && json_array_get_length (ids) < *pull->max_take)
    if (!g_hash_table_contains (pull->open_seen, id))
      json_array_add_string_element (ids, id);
  return fetch_by_ids (pull, ids, error);
}

static gboolean
is_known (Pull       *pull,
          const char *id,
          const char *fingerprint)
{
  const char *known = g_hash_table_lookup (pull->pending, id);

  if (known == NULL)
    known = g_hash_table_lookup (pull->open_known, id);
  return g_strcmp0 (known, fingerprint) == 0;
}

/* Re-reads the fingerprints of one page of open orders (a sweep reads one
 * page, so a big open set costs each poll one cheap request) and fetches the
 * orders that changed. At the end of a round, fetches the orders that left
 * the open set since it was last read. */
static gboolean
step_open (Pull     *pull,
           GError  **error)
{
  g_autoptr(JsonObject) variables = json_object_new ();
  g_autoptr(JsonArray) items = NULL;
  g_autoptr(JsonArray) changed = json_array_new ();
  guint take = MIN (MIN (pull->limit, OPEN_PAGE), *pull->max_take);

  json_object_set_int_member (variables, "skip", pull->cursor->open_skip);
  json_object_set_int_member (variables, "take", take);
  if ((items = list_orders (pull, OPEN_QUERY, variables, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *order = json_array_get_object_element (items, i);
      const char *id = json_object_get_string_member_with_default (order, "id", "");
      g_autofree char *fingerprint = curb_vendure_order_fingerprint (order);

      g_hash_table_add (pull->open_seen, g_strdup (id));
      if (!is_known (pull, id, fingerprint))
        json_array_add_string_element (changed, id);
    }
  if (!fetch_by_ids (pull, changed, error))
    return FALSE;
  pull->cursor->open_skip += json_array_get_length (items);
  if (json_array_get_length (items) == take)
    return TRUE;
  if (!fetch_vanished (pull, error))
    return FALSE;
  pull->cursor->open_skip = 0;
  g_hash_table_remove_all (pull->open_seen);
  return TRUE;
}

static gboolean
step (Pull     *pull,
      gboolean *out_sweep_done,
      GError  **error)
{
  CurbVendureCursor *cursor = pull->cursor;
  gboolean done = FALSE;

  *out_sweep_done = FALSE;
  switch (cursor->phase)
    {
    case CURB_VENDURE_PHASE_NEW:
      if (!step_new (pull, &done, error))
        return FALSE;
      if (done)
        cursor->phase = CURB_VENDURE_PHASE_CHANGED;
      return TRUE;
    case CURB_VENDURE_PHASE_CHANGED:
      if (!step_changed (pull, &done, error))
        return FALSE;
      if (done)
        cursor->phase = CURB_VENDURE_PHASE_OPEN;
      /* The first sweep has just read every open order. */
      *out_sweep_done = done && cursor->first_sweep;
      return TRUE;
    case CURB_VENDURE_PHASE_OPEN:
    default:
      *out_sweep_done = TRUE;
      return step_open (pull, error);
    }
}

static CurbConnectorPage *
finish_page (Pull     *pull,
             gboolean  sweep_done)
{
  CurbConnectorPage *page = curb_connector_page_new ();

  if (sweep_done)
    {
      pull->cursor->phase = CURB_VENDURE_PHASE_NEW;
      pull->cursor->first_sweep = FALSE;
    }
  for (guint i = 0; i < pull->orders->len; i++)
    g_ptr_array_add (page->orders, json_object_ref (g_ptr_array_index (pull->orders, i)));
  page->next_cursor = curb_vendure_cursor_to_string (pull->cursor);
  page->has_more = !sweep_done;
  return page;
}

CurbConnectorPage *
curb_vendure_pull (CurbVendureClient  *client,
                   const char         *location_code,
                   GHashTable         *open_known,
                   GHashTable         *open_seen,
                   GHashTable         *pending,
                   guint              *max_take,
                   const char         *cursor,
                   guint               limit,
                   GCancellable       *cancellable,
                   gint64             *out_retry_after_ms,
                   GError            **error)
{
  g_autoptr(CurbVendureCursor) parsed = curb_vendure_cursor_parse (cursor);
  g_autoptr(GPtrArray) orders = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  Pull pull = { client, location_code, open_known, open_seen, pending, parsed, MAX (limit, 1), orders,
                cancellable, out_retry_after_ms, max_take, FALSE };
  gboolean sweep_done = FALSE;

  g_return_val_if_fail (CURB_IS_VENDURE_CLIENT (client), NULL);
  g_return_val_if_fail (location_code != NULL && open_known != NULL && open_seen != NULL && pending != NULL, NULL);

  *out_retry_after_ms = -1;
  while (!sweep_done && orders->len < pull.limit)
    {
      g_autoptr(GError) local_error = NULL;

      if (step (&pull, &sweep_done, &local_error))
        continue;
      if (!pull.take_lowered)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      pull.take_lowered = FALSE;
    }
  return finish_page (&pull, sweep_done);
}
