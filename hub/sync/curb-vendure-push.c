#include <string.h>

#include "curb-error.h"
#include "curb-vendure-order.h"
#include "curb-vendure-push.h"

/* Store events into Vendure (docs/vendure-connector.md has the mapping). */

#define FIND_ORDER_QUERY \
  "query($code: String!) { orders(options: { take: 1, filter: { code: { eq: $code } } }) { items { " \
  CURB_VENDURE_ORDER_FIELDS " history(options: { take: 100, filter: { type: { eq: \"ORDER_NOTE\" } }," \
  " sort: { createdAt: DESC } }) { items { type data } } } } }"

#define SET_FIELDS_MUTATION \
  "mutation($i: UpdateOrderInput!) { setOrderCustomFields(input: $i) { id } }"

#define ADD_NOTE_MUTATION \
  "mutation($i: AddNoteToOrderInput!) { addNoteToOrder(input: $i) { id } }"

#define ADD_FULFILLMENT_MUTATION \
  "mutation($i: FulfillOrderInput!) { addFulfillmentToOrder(input: $i) {" \
  " ... on Fulfillment { id state } ... on ErrorResult { errorCode message } } }"

#define FULFILLMENT_STATE_MUTATION \
  "mutation($id: ID!, $s: String!) { transitionFulfillmentToState(id: $id, state: $s) {" \
  " ... on Fulfillment { id state } ... on ErrorResult { errorCode message } } }"

#define CANCEL_MUTATION \
  "mutation($i: CancelOrderInput!) { cancelOrder(input: $i) {" \
  " ... on Order { id state } ... on ErrorResult { errorCode message } } }"

#define ORDER_STATE_MUTATION \
  "mutation($id: ID!, $s: String!) { transitionOrderToState(id: $id, state: $s) {" \
  " ... on Order { id state } ... on ErrorResult { errorCode message } } }"

typedef struct
{
  CurbVendureClient        *client;
  JsonObject               *event;
  JsonObject               *data;
  JsonObject               *order;
  const char               *order_id;
  char                     *tag;
  CurbVendurePartialPolicy  policy;
  GCancellable             *cancellable;
  gint64                   *retry_after_ms;
  gboolean                  changed;
} Push;

static void
push_clear (Push *push)
{
  g_clear_pointer (&push->order, json_object_unref);
  g_clear_pointer (&push->data, json_object_unref);
  g_clear_pointer (&push->tag, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Push, push_clear)

static JsonObject *
get_object (JsonObject *object,
            const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_array (JsonObject *object,
           const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* Talking to Vendure */

static JsonObject *
run (Push        *push,
     const char  *query,
     JsonObject  *variables,
     const char  *field,
     GError     **error)
{
  g_autoptr(JsonObject) data = curb_vendure_client_query (push->client, query, variables, push->cancellable,
                                                          push->retry_after_ms, error);
  JsonObject *result;

  if (data == NULL)
    return NULL;
  result = get_object (data, field);
  if (result == NULL)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_PROTOCOL, "Vendure answered %s without a result", field);
      return NULL;
    }
  if (json_object_has_member (result, "errorCode"))
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "Vendure refused %s for order %s: %s (%s)", field,
                   json_object_get_string_member (push->order, "code"),
                   json_object_get_string_member_with_default (result, "message", ""),
                   json_object_get_string_member_with_default (result, "errorCode", ""));
      return NULL;
    }
  push->changed = TRUE;
  return json_object_ref (result);
}

static gboolean
run_mutation (Push        *push,
              const char  *query,
              JsonObject  *variables,
              const char  *field,
              GError     **error)
{
  g_autoptr(JsonObject) result = run (push, query, variables, field, error);

  return result != NULL;
}

static gboolean
load_order (Push     *push,
            GError  **error)
{
  const char *ref = json_object_get_string_member_with_default (push->event, "order_ref", NULL);
  g_autoptr(JsonObject) variables = json_object_new ();
  g_autoptr(JsonObject) data = NULL;
  JsonObject *orders;
  JsonArray *items;

  json_object_set_string_member (variables, "code", ref);
  g_clear_pointer (&push->order, json_object_unref);
  data = curb_vendure_client_query (push->client, FIND_ORDER_QUERY, variables, push->cancellable,
                                    push->retry_after_ms, error);
  if (data == NULL)
    return FALSE;
  orders = get_object (data, "orders");
  items = orders ? get_array (orders, "items") : NULL;
  if (items == NULL || json_array_get_length (items) == 0)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "Vendure has no order %s", ref);
      return FALSE;
    }
  push->order = json_object_ref (json_array_get_object_element (items, 0));
  push->order_id = json_object_get_string_member (push->order, "id");
  return TRUE;
}

/* Reading the order */

static JsonArray *
order_array (Push       *push,
             const char *name)
{
  JsonNode *node = json_object_get_member (push->order, name);

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static const char *
order_state (Push *push)
{
  return json_object_get_string_member_with_default (push->order, "state", "");
}

static gboolean
fulfillment_is_open (JsonObject *fulfillment)
{
  const char *state = json_object_get_string_member_with_default (fulfillment, "state", "");

  return !g_str_equal (state, "Cancelled") && !g_str_equal (state, "Delivered");
}

static JsonObject *
tagged_fulfillment (Push *push)
{
  JsonArray *fulfillments = order_array (push, "fulfillments");

  for (guint i = 0; fulfillments != NULL && i < json_array_get_length (fulfillments); i++)
    {
      JsonObject *fulfillment = json_array_get_object_element (fulfillments, i);
      const char *tracking = json_object_get_string_member_with_default (fulfillment, "trackingCode", NULL);

      if (g_strcmp0 (tracking, push->tag) == 0)
        return fulfillment;
    }
  return NULL;
}

/* Units of @line_id in fulfilments that are not cancelled. */
static gint64
fulfilled_quantity (Push       *push,
                    const char *line_id)
{
  JsonArray *fulfillments = order_array (push, "fulfillments");
  gint64 total = 0;

  for (guint i = 0; fulfillments != NULL && i < json_array_get_length (fulfillments); i++)
    {
      JsonObject *fulfillment = json_array_get_object_element (fulfillments, i);
      JsonArray *lines = get_array (fulfillment, "lines");

      if (g_strcmp0 (json_object_get_string_member_with_default (fulfillment, "state", ""), "Cancelled") == 0)
        continue;
      for (guint j = 0; lines != NULL && j < json_array_get_length (lines); j++)
        {
          JsonObject *line = json_array_get_object_element (lines, j);
          if (g_strcmp0 (json_object_get_string_member_with_default (line, "orderLineId", ""), line_id) == 0)
            total += json_object_get_int_member_with_default (line, "quantity", 0);
        }
    }
  return total;
}

static gboolean
has_note (Push *push)
{
  JsonObject *history = get_object (push->order, "history");
  JsonArray *items = history ? get_array (history, "items") : NULL;

  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *entry = json_array_get_object_element (items, i);
      JsonObject *data = get_object (entry, "data");
      const char *note = data ? json_object_get_string_member_with_default (data, "note", NULL) : NULL;

      if (note != NULL && strstr (note, push->tag) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* Changing it */

static gboolean
add_note (Push        *push,
          const char  *text,
          GError     **error)
{
  g_autoptr(JsonObject) variables = json_object_new ();
  JsonObject *input = json_object_new ();
  g_autofree char *note = g_strdup_printf ("Curbside: %s [%s]", text, push->tag);

  if (has_note (push))
    return TRUE;
  json_object_set_string_member (input, "id", push->order_id);
  json_object_set_string_member (input, "note", note);
  json_object_set_boolean_member (input, "isPublic", FALSE);
  json_object_set_object_member (variables, "i", input);
  return run_mutation (push, ADD_NOTE_MUTATION, variables, "addNoteToOrder", error);
}

static gboolean
field_is (Push       *push,
          const char *name,
          const char *value)
{
  JsonObject *fields = get_object (push->order, "customFields");
  JsonNode *node = fields ? json_object_get_member (fields, name) : NULL;
  const char *current = node && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;

  return g_strcmp0 (current, value) == 0;
}

/* Sets pickupStatus (and, when given, the bay and arrival time) unless already so. */
static gboolean
set_pickup_fields (Push        *push,
                   const char  *status,
                   const char  *bay,
                   const char  *arrived_at,
                   GError     **error)
{
  g_autoptr(JsonObject) variables = json_object_new ();
  JsonObject *input, *fields;

  if (field_is (push, "pickupStatus", status) && (bay == NULL || field_is (push, "pickupBay", bay)))
    return TRUE;
  input = json_object_new ();
  fields = json_object_new ();
  if (status != NULL)
    json_object_set_string_member (fields, "pickupStatus", status);
  else
    json_object_set_null_member (fields, "pickupStatus");
  if (bay != NULL)
    json_object_set_string_member (fields, "pickupBay", bay);
  if (arrived_at != NULL)
    json_object_set_string_member (fields, "customerArrivedAt", arrived_at);
  json_object_set_string_member (input, "id", push->order_id);
  json_object_set_object_member (input, "customFields", fields);
  json_object_set_object_member (variables, "i", input);
  return run_mutation (push, SET_FIELDS_MUTATION, variables, "setOrderCustomFields", error);
}

static JsonObject *
fulfillment_input (Push      *push,
                   JsonArray *lines)
{
  JsonObject *input = json_object_new ();
  JsonObject *handler = json_object_new ();
  JsonArray *arguments = json_array_new ();
  JsonObject *method = json_object_new ();
  JsonObject *tracking = json_object_new ();

  json_object_set_string_member (method, "name", "method");
  json_object_set_string_member (method, "value", "Curbside pickup");
  json_object_set_string_member (tracking, "name", "trackingCode");
  json_object_set_string_member (tracking, "value", push->tag);
  json_array_add_object_element (arguments, method);
  json_array_add_object_element (arguments, tracking);
  json_object_set_string_member (handler, "code", "manual-fulfillment");
  json_object_set_array_member (handler, "arguments", arguments);
  json_object_set_array_member (input, "lines", json_array_ref (lines));
  json_object_set_object_member (input, "handler", handler);
  return input;
}

static void
add_line (JsonArray  *lines,
          const char *line_id,
          gint64      quantity)
{
  JsonObject *line = json_object_new ();

  json_object_set_string_member (line, "orderLineId", line_id);
  json_object_set_int_member (line, "quantity", quantity);
  json_array_add_object_element (lines, line);
}

/* The units of each line that are in no fulfilment yet, less @not_taken. */
static JsonArray *
unfulfilled_lines (Push      *push,
                   JsonArray *not_taken)
{
  JsonArray *order_lines = order_array (push, "lines");
  JsonArray *lines = json_array_new ();

  for (guint i = 0; order_lines != NULL && i < json_array_get_length (order_lines); i++)
    {
      JsonObject *line = json_array_get_object_element (order_lines, i);
      const char *id = json_object_get_string_member (line, "id");
      gint64 open = json_object_get_int_member_with_default (line, "quantity", 0) - fulfilled_quantity (push, id);

      for (guint j = 0; not_taken != NULL && j < json_array_get_length (not_taken); j++)
        {
          JsonObject *skip = json_array_get_object_element (not_taken, j);
          if (g_strcmp0 (json_object_get_string_member_with_default (skip, "line_id", ""), id) == 0)
            open -= json_object_get_int_member_with_default (skip, "qty", 0);
        }
      if (open > 0)
        add_line (lines, id, open);
    }
  return lines;
}

/* A fulfilment (Pending) of every unit not yet fulfilled, marked with the
 * event's tag; none when the tag is already on one or nothing is left. */
static gboolean
fulfil_rest (Push       *push,
             JsonArray  *not_taken,
             GError    **error)
{
  g_autoptr(JsonArray) lines = NULL;
  g_autoptr(JsonObject) variables = NULL;

  if (tagged_fulfillment (push) != NULL)
    return TRUE;
  lines = unfulfilled_lines (push, not_taken);
  if (json_array_get_length (lines) == 0)
    return TRUE;
  variables = json_object_new ();
  json_object_set_object_member (variables, "i", fulfillment_input (push, lines));
  return run_mutation (push, ADD_FULFILLMENT_MUTATION, variables, "addFulfillmentToOrder", error)
         && load_order (push, error);
}

static gboolean
transition_fulfillment (Push        *push,
                        JsonObject  *fulfillment,
                        const char  *state,
                        GError     **error)
{
  g_autoptr(JsonObject) variables = json_object_new ();

  json_object_set_string_member (variables, "id", json_object_get_string_member (fulfillment, "id"));
  json_object_set_string_member (variables, "s", state);
  return run_mutation (push, FULFILLMENT_STATE_MUTATION, variables, "transitionFulfillmentToState", error);
}

/* Moves the open fulfilments (all, or only the tagged / only the untagged ones) to @state. */
static gboolean
transition_open_fulfillments (Push        *push,
                              const char  *state,
                              int          tagged,
                              GError     **error)
{
  JsonArray *fulfillments = order_array (push, "fulfillments");

  for (guint i = 0; fulfillments != NULL && i < json_array_get_length (fulfillments); i++)
    {
      JsonObject *fulfillment = json_array_get_object_element (fulfillments, i);
      gboolean is_tagged = g_strcmp0 (json_object_get_string_member_with_default (fulfillment, "trackingCode", NULL),
                                      push->tag) == 0;

      if (!fulfillment_is_open (fulfillment) || (tagged >= 0 && is_tagged != (tagged == 1)))
        continue;
      if (!transition_fulfillment (push, fulfillment, state, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
cancel_rest (Push     *push,
             GError  **error)
{
  g_autoptr(JsonArray) lines = unfulfilled_lines (push, NULL);
  g_autoptr(JsonObject) variables = NULL;
  JsonObject *input;

  if (json_array_get_length (lines) > 0)
    {
      variables = json_object_new ();
      input = json_object_new ();
      json_object_set_string_member (input, "orderId", push->order_id);
      json_object_set_array_member (input, "lines", json_array_ref (lines));
      json_object_set_string_member (input, "reason", "Not collected at curbside pickup");
      json_object_set_object_member (variables, "i", input);
      if (!run_mutation (push, CANCEL_MUTATION, variables, "cancelOrder", error) || !load_order (push, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
transition_order (Push        *push,
                  const char  *state,
                  GError     **error)
{
  g_autoptr(JsonObject) variables = NULL;

  /* Nothing taken and everything cancelled: Vendure has closed the order itself. */
  if (g_str_equal (order_state (push), state) || g_str_equal (order_state (push), "Cancelled"))
    return TRUE;
  variables = json_object_new ();
  json_object_set_string_member (variables, "id", push->order_id);
  json_object_set_string_member (variables, "s", state);
  return run_mutation (push, ORDER_STATE_MUTATION, variables, "transitionOrderToState", error);
}

/* Event kinds */

/* Whether the hub already wrote the shopper's arrival. Events are pushed in
 * the order the store recorded them, so a claim pushed before any arrival
 * was one made while the shopper was on the way (taken on). */
static gboolean
has_arrived (Push *push)
{
  return !field_is (push, "customerArrivedAt", NULL);
}

static gboolean
has_open_fulfillment (Push *push)
{
  JsonArray *fulfillments = order_array (push, "fulfillments");

  for (guint i = 0; fulfillments != NULL && i < json_array_get_length (fulfillments); i++)
    if (fulfillment_is_open (json_array_get_object_element (fulfillments, i)))
      return TRUE;
  return FALSE;
}

/* An order taken on before its shopper arrived is claimed by the arrival. */
static gboolean
push_arrived (Push *push, GError **error)
{
  const char *bay = json_object_get_string_member_with_default (push->data, "bay", NULL);
  const char *at = json_object_get_string_member_with_default (push->event, "at", NULL);
  g_autofree char *note = bay ? g_strdup_printf ("customer arrived at bay %s", bay) : g_strdup ("customer arrived");
  gboolean taken_on = field_is (push, "pickupStatus", "taken_on") || field_is (push, "pickupStatus", "claimed");

  return set_pickup_fields (push, taken_on ? "claimed" : "arrived", bay ? bay : "", at, error)
         && add_note (push, note, error);
}

static gboolean
push_status_note (Push        *push,
                  const char  *status,
                  const char  *note,
                  GError     **error)
{
  return set_pickup_fields (push, status, NULL, NULL, error) && add_note (push, note, error);
}

static gboolean
push_staged (Push *push, GError **error)
{
  gboolean waiting = field_is (push, "pickupStatus", NULL) || field_is (push, "pickupStatus", "awaiting_staging");

  if (!fulfil_rest (push, NULL, error))
    return FALSE;
  if (waiting && !set_pickup_fields (push, "ready_for_pickup", NULL, NULL, error))
    return FALSE;
  return add_note (push, "order staged", error);
}

/* "taken_on", not "claimed", before the arrival: the shopper is still on
 * the way and may announce again (the plugin ignores announcements once
 * the status says the shopper is there). */
static gboolean
push_claimed (Push *push, GError **error)
{
  if (has_arrived (push))
    return push_status_note (push, "claimed", "claimed by staff", error);
  return push_status_note (push, "taken_on", "taken on by staff before the shopper arrived", error);
}

/* Released before the arrival: back to what the order was (staged or not). */
static gboolean
push_released (Push *push, GError **error)
{
  if (has_arrived (push))
    return push_status_note (push, "arrived", "released by staff", error);
  return push_status_note (push, has_open_fulfillment (push) ? "ready_for_pickup" : NULL, "released by staff",
                           error);
}

/* "Not you? Start over" at the kiosk: the arrival is taken back, the
 * order is what it was before (staged or not). */
static gboolean
push_withdrawn (Push *push, GError **error)
{
  return push_status_note (push, has_open_fulfillment (push) ? "ready_for_pickup" : NULL,
                           "check-in withdrawn at the kiosk", error);
}

static gboolean
push_handed_over (Push *push, GError **error)
{
  if (g_str_equal (order_state (push), "Delivered"))
    return push_status_note (push, "handed_over", "handed over", error);
  return fulfil_rest (push, NULL, error)
         && transition_open_fulfillments (push, "Delivered", -1, error)
         && push_status_note (push, "handed_over", "handed over", error);
}

static gboolean
push_partial (Push *push, GError **error)
{
  JsonArray *not_taken = get_array (push->data, "not_taken");

  if (tagged_fulfillment (push) == NULL && !g_str_equal (order_state (push), "Delivered"))
    {
      if (!transition_open_fulfillments (push, "Cancelled", 0, error) || !load_order (push, error)
          || !fulfil_rest (push, not_taken, error))
        return FALSE;
    }
  if (!transition_open_fulfillments (push, "Delivered", 1, error) || !load_order (push, error))
    return FALSE;
  if (push->policy == CURB_VENDURE_PARTIAL_CANCEL
      && (!cancel_rest (push, error) || !transition_order (push, "Delivered", error)))
    return FALSE;
  return push_status_note (push, "partially_handed_over", "partly handed over; the rest was not taken", error);
}

static gboolean
push_returned (Push *push, GError **error)
{
  return transition_open_fulfillments (push, "Cancelled", -1, error)
         && push_status_note (push, "returned_to_stock", "returned to stock", error);
}

static gboolean
push_cancelled (Push *push, GError **error)
{
  g_autoptr(JsonObject) variables = NULL;
  JsonObject *input;

  if (!g_str_equal (order_state (push), "Cancelled"))
    {
      variables = json_object_new ();
      input = json_object_new ();
      json_object_set_string_member (input, "orderId", push->order_id);
      json_object_set_string_member (input, "reason",
                                     json_object_get_string_member_with_default (push->data, "reason", "Cancelled at the store"));
      json_object_set_boolean_member (input, "cancelShipping", TRUE);
      json_object_set_object_member (variables, "i", input);
      if (!run_mutation (push, CANCEL_MUTATION, variables, "cancelOrder", error))
        return FALSE;
    }
  return add_note (push, "cancelled", error);
}

static gboolean
apply (Push        *push,
       const char  *kind,
       GError     **error)
{
  if (g_str_equal (kind, "arrived"))
    return push_arrived (push, error);
  if (g_str_equal (kind, "staged"))
    return push_staged (push, error);
  if (g_str_equal (kind, "claimed"))
    return push_claimed (push, error);
  if (g_str_equal (kind, "released"))
    return push_released (push, error);
  if (g_str_equal (kind, "handed_over"))
    return push_handed_over (push, error);
  if (g_str_equal (kind, "partially_handed_over"))
    return push_partial (push, error);
  if (g_str_equal (kind, "no_show"))
    return push_status_note (push, "no_show", "no-show: the shopper did not come", error);
  if (g_str_equal (kind, "returned_to_stock"))
    return push_returned (push, error);
  if (g_str_equal (kind, "cancelled"))
    return push_cancelled (push, error);
  if (g_str_equal (kind, "substitution_decided"))
    return add_note (push, "substitution decided", error);
  if (g_str_equal (kind, "withdrawn"))
    return push_withdrawn (push, error);
  g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "the Vendure connector cannot push “%s” events", kind);
  return FALSE;
}

gboolean
curb_vendure_push_event (CurbVendureClient         *client,
                         JsonObject                *event,
                         CurbVendurePartialPolicy   policy,
                         GCancellable              *cancellable,
                         gboolean                  *out_duplicate,
                         gint64                    *out_retry_after_ms,
                         GError                   **error)
{
  g_auto(Push) push = { 0 };
  const char *id = json_object_get_string_member_with_default (event, "id", NULL);
  const char *kind = json_object_get_string_member_with_default (event, "kind", NULL);

  g_return_val_if_fail (CURB_IS_VENDURE_CLIENT (client), FALSE);
  g_return_val_if_fail (event != NULL, FALSE);

  *out_retry_after_ms = -1;
  if (id == NULL || kind == NULL || json_object_get_string_member_with_default (event, "order_ref", NULL) == NULL)
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_INVALID, "an event needs id, kind and order_ref");
      return FALSE;
    }
  push.client = client;
  push.event = event;
  push.tag = g_strconcat (CURB_VENDURE_EVENT_TAG_PREFIX, id, NULL);
  push.policy = policy;
  push.cancellable = cancellable;
  push.retry_after_ms = out_retry_after_ms;
  push.data = get_object (event, "data") ? json_object_ref (get_object (event, "data")) : json_object_new ();
  if (!load_order (&push, error) || !apply (&push, kind, error))
    return FALSE;
  *out_duplicate = !push.changed;
  return TRUE;
}
