/* POST /v1/events: a device's queued events. Each one takes exactly the
 * checks of the route it stands for: a check-in needs a pickup token or
 * this device's lookup ticket for that order; the bay (bay_chosen) and the
 * withdrawal of an arrival come only from the kiosk that checked the
 * shopper in; every other kind needs a staging device with a staff session
 * and is recorded under that staff member (a claim under their name); a
 * kiosk decides substitutions only for a shopper it checked in; an
 * age-restricted handover needs id_checked; nobody sends central's
 * cancellations. */

#include <string.h>

#include "curb-error.h"
#include "curb-hub-private.h"
#include "curb-rules.h"
#include "curb-util.h"

#define MAX_EVENTS_PER_POST 100

static const char *const events_fields[] = { "events", NULL };

typedef struct
{
  CurbHub       *hub;
  CurbHubCaller *caller;
  GHashTable    *arrived;   /* refs this batch checks in (a decision may follow) */
} Batch;

static gboolean
reject (JsonObject *result,
        const char *reason,
        const char *message)
{
  json_object_set_string_member (result, "status", "rejected");
  json_object_set_string_member (result, "error", reason);
  json_object_set_string_member (result, "message", message);
  return FALSE;
}

static const char *
string_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
}

static gboolean
kind_of (JsonObject    *object,
         CurbEventKind *out_kind)
{
  return curb_event_kind_from_string (string_member (object, "kind"), out_kind);
}

/* Staging devices record staff kinds: everything but a check-in. */
static gboolean
batch_needs_staff (CurbHubCaller *caller,
                   JsonArray     *input)
{
  CurbEventKind kind;

  if (caller->role == CURB_DEVICE_ROLE_KIOSK)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (input); i++)
    {
      JsonNode *node = json_array_get_element (input, i);

      if (JSON_NODE_HOLDS_OBJECT (node) && kind_of (json_node_get_object (node), &kind)
          && kind != CURB_EVENT_ARRIVED)
        return TRUE;
    }
  return FALSE;
}

/* Who may record what is the pickup rules' (curb_rules_may_record()). */
static CurbActor
actor_of (CurbHubCaller *caller)
{
  return caller->role == CURB_DEVICE_ROLE_KIOSK ? CURB_ACTOR_KIOSK : CURB_ACTOR_STAFF;
}

/* Who did it is the caller, never what the event says. */
static gboolean
set_actor (Batch         *b,
           JsonObject    *object,
           CurbEventKind  kind,
           JsonObject    *result)
{
  const char *staff = string_member (object, "staff");
  gboolean staff_kind = kind != CURB_EVENT_ARRIVED;

  if (!curb_rules_may_record (actor_of (b->caller), kind))
    return reject (result, "forbidden", kind == CURB_EVENT_CANCELLED ? "Cancellations come from central only"
                                                                     : "This device may not record that event");
  if (staff_kind && b->caller->staff_id != NULL)
    {
      if (json_object_has_member (object, "staff") && g_strcmp0 (staff, b->caller->staff_id) != 0)
        return reject (result, "forbidden", "Staff actions are recorded under the signed-in staff member");
      json_object_set_string_member (object, "staff", b->caller->staff_id);
    }
  else if (json_object_has_member (object, "staff"))
    json_object_remove_member (object, "staff");
  json_object_set_string_member (object, "device", b->caller->device_id);
  if (json_object_has_member (object, "seq"))
    json_object_remove_member (object, "seq");
  return TRUE;
}

static gboolean
authorize_arrival (Batch      *b,
                   JsonObject *object,
                   CurbEvent  *event,
                   JsonObject *result)
{
  const char *token = string_member (object, "token"), *ticket = string_member (object, "ticket");
  JsonObject *data = curb_event_get_data (event);
  const char *bay = json_object_get_string_member_with_default (data, "bay", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *ref = curb_hub_checkin_ref (b->hub, b->caller, token, ticket,
                                               curb_event_get_at_ms (event) / 1000, &error);

  if (ref == NULL)
    return reject (result, g_error_matches (error, CURB_ERROR, CURB_ERROR_UNAUTHORIZED) ? "ticket_invalid"
                           : curb_error_code_name ((CurbError) error->code), error->message);
  if (!g_str_equal (ref, curb_event_get_order_ref (event)))
    return reject (result, "forbidden", "The token or ticket is for another order");
  if (bay != NULL && !curb_bay_is_valid (bay))
    return reject (result, "invalid", "A bay is 1 to 16 letters, digits or '-'");
  json_object_set_string_member (data, "source", ticket != NULL ? "lookup" : "scan");
  g_hash_table_add (b->arrived, g_steal_pointer (&ref));
  return TRUE;
}

static gboolean
authorize_staff_kind (Batch      *b,
                      CurbEvent  *event,
                      JsonObject *result)
{
  const char *ref = curb_event_get_order_ref (event);
  JsonObject *data = curb_event_get_data (event);

  switch (curb_event_get_kind (event))
    {
    case CURB_EVENT_SUBSTITUTION_DECIDED:
      if (b->caller->role == CURB_DEVICE_ROLE_KIOSK && !g_hash_table_contains (b->arrived, ref)
          && !curb_hub_kiosk_checked_in (b->hub, ref, b->caller->device_id))
        return reject (result, "forbidden", "A kiosk decides substitutions only for a shopper it checked in");
      return TRUE;
    case CURB_EVENT_BAY_CHOSEN:
    case CURB_EVENT_WITHDRAWN:
      /* only kiosks get here (curb_rules_may_record()) */
      if (!g_hash_table_contains (b->arrived, ref) && !curb_hub_kiosk_checked_in (b->hub, ref, b->caller->device_id))
        return reject (result, "forbidden", "Only the kiosk that checked the shopper in gives the bay or takes the arrival back");
      return TRUE;
    case CURB_EVENT_CLAIMED:
      json_object_set_string_member (data, "staff_name", b->caller->staff_name);
      return TRUE;
    case CURB_EVENT_HANDED_OVER:
    case CURB_EVENT_PARTIALLY_HANDED_OVER:
      if (!json_object_get_boolean_member_with_default (data, "id_checked", FALSE)
          && curb_hub_order_needs_id_check (b->hub, ref, json_object_get_member (data, "not_taken")))
        return reject (result, "id_check_required", "This order has age-restricted items: check the shopper's ID");
      return TRUE;
    case CURB_EVENT_STAGED:
    case CURB_EVENT_RELEASED:
    case CURB_EVENT_NO_SHOW:
    case CURB_EVENT_RETURNED_TO_STOCK:
      return TRUE;
    case CURB_EVENT_ARRIVED:
    case CURB_EVENT_CANCELLED:
    default:
      return reject (result, "forbidden", "This device may not record that event");
    }
}

static CurbEvent *
parse_device_event (Batch      *b,
                    JsonNode   *node,
                    JsonObject *result)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbEvent) event = NULL;
  CurbEventKind kind;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return (reject (result, "invalid", "An event must be an object"), NULL);
  object = json_node_get_object (node);
  if (string_member (object, "id") != NULL)
    json_object_set_string_member (result, "id", string_member (object, "id"));
  if (!kind_of (object, &kind))
    return (reject (result, "invalid", "Unknown event kind"), NULL);
  if (!set_actor (b, object, kind, result))
    return NULL;
  event = curb_event_new_from_json (object, &error);
  if (event == NULL)
    return (reject (result, "invalid", error->message), NULL);
  if (!curb_hub_time_is_plausible (curb_event_get_at_ms (event), curb_now_ms ()))
    return (reject (result, "invalid", "Event time is more than 30 days ago or a day ahead"), NULL);
  if (kind == CURB_EVENT_ARRIVED ? !authorize_arrival (b, object, event, result)
                                 : !authorize_staff_kind (b, event, result))
    return NULL;
  return g_steal_pointer (&event);
}

static void
after_device_event (CurbHub       *hub,
                    CurbHubCaller *caller,
                    CurbEvent     *event)
{
  curb_hub_log_event (hub, event, "Stored queued");
  curb_hub_broadcast (hub, event);
  if (curb_event_get_kind (event) == CURB_EVENT_ARRIVED)
    curb_hub_metrics_count_checkin (hub->metrics);
  if (curb_event_get_staff (event) != NULL)
    curb_store_audit (hub->store, caller->device_id, curb_event_get_staff (event),
                      curb_event_kind_to_string (curb_event_get_kind (event)),
                      curb_event_get_order_ref (event), curb_event_get_data (event), NULL);
}

static void
set_result (JsonObject   *result,
            CurbEvent    *event,
            const GError *error,
            gboolean      duplicate)
{
  if (error != NULL)
    {
      json_object_set_string_member (result, "status", curb_hub_status_for_error (error) >= 500 ? "retry" : "rejected");
      json_object_set_string_member (result, "error", curb_error_code_name ((CurbError) error->code));
      json_object_set_string_member (result, "message", error->message);
      return;
    }
  json_object_set_string_member (result, "status", duplicate ? "duplicate" : "applied");
  json_object_set_int_member (result, "seq", curb_event_get_seq (event));
}

static void
unref_if_set (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

/* All of a device's queued events in one transaction; one result each. */
static void
apply_device_events (Batch     *b,
                     JsonArray *input,
                     JsonArray *results)
{
  guint n = json_array_get_length (input);
  g_autoptr(GPtrArray) parsed = g_ptr_array_new_full (n, unref_if_set);
  g_autoptr(GPtrArray) events = g_ptr_array_new ();
  g_autofree gboolean *duplicates = NULL;
  g_autoptr(GError) error = NULL;
  GError **errors;
  gboolean ok;

  for (guint i = 0; i < n; i++)
    {
      JsonObject *result = json_object_new ();
      CurbEvent *event = parse_device_event (b, json_array_get_element (input, i), result);

      json_array_add_object_element (results, result);
      g_ptr_array_add (parsed, event);
      if (event != NULL)
        g_ptr_array_add (events, event);
    }
  duplicates = g_new0 (gboolean, MAX (events->len, 1));
  errors = g_new0 (GError *, MAX (events->len, 1));
  ok = events->len == 0 || curb_store_append_events (b->hub->store, events, duplicates, errors, &error);
  for (guint i = 0, e = 0; i < n; i++)
    {
      CurbEvent *event = g_ptr_array_index (parsed, i);
      const GError *failure;

      if (event == NULL)
        continue;
      failure = ok ? errors[e] : error;
      set_result (json_array_get_object_element (results, i), event, failure, duplicates[e]);
      if (failure == NULL && !duplicates[e])
        after_device_event (b->hub, b->caller, event);
      g_clear_error (&errors[e]);
      e++;
    }
  g_free (errors);
}

void
curb_hub_handle_events (CurbHub           *hub,
                        SoupServerMessage *msg,
                        CurbHubCaller     *caller,
                        const char        *unused_ref,
                        const char        *unused_action)
{
  g_autoptr(JsonObject) body = curb_hub_read_body (msg, events_fields);
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autoptr(GHashTable) arrived = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Batch batch = { hub, caller, arrived };
  JsonArray *results = json_array_new ();
  JsonNode *events;

  json_object_set_array_member (reply, "results", results);
  if (body == NULL)
    return;
  events = json_object_get_member (body, "events");
  if (events == NULL || !JSON_NODE_HOLDS_ARRAY (events)
      || json_array_get_length (json_node_get_array (events)) == 0
      || json_array_get_length (json_node_get_array (events)) > MAX_EVENTS_PER_POST)
    {
      curb_hub_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                            "Field “events” must be an array of 1 to 100 events", NULL);
      return;
    }
  /* as on the action routes: a staff session, or nothing of it is taken */
  if (batch_needs_staff (caller, json_node_get_array (events))
      && !curb_hub_authorize (hub, msg, caller, CURB_HUB_AUTH_STAFF))
    return;
  apply_device_events (&batch, json_node_get_array (events), results);
  curb_hub_reply_json (msg, SOUP_STATUS_OK, reply);
}
