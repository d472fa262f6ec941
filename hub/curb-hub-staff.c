#include <string.h>

#include "curb-error.h"
#include "curb-hub-private.h"
#include "curb-order-codec.h"
#include "curb-rules.h"
#include "curb-util.h"

#define DEFAULT_CLAIM_ETA 120

static const char *const claim_fields[] = { "event_id", "at", "eta_s", NULL };
static const char *const reason_fields[] = { "event_id", "at", "reason", NULL };
static const char *const stage_fields[] = { "event_id", "at", "locations", "bags", NULL };
static const char *const handover_fields[] = {
  "event_id", "at", "id_checked", "proof", "not_taken", "substitutions", NULL
};
static const char *const substitution_fields[] = { "event_id", "at", "substitution_id", "approved", NULL };

typedef struct
{
  const char          *action;
  const char *const   *fields;
  gboolean           (*build) (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller,
                               const char *ref, JsonObject *body, CurbEventKind *out_kind,
                               JsonObject *data);
} Action;

static gboolean
copy_member (SoupServerMessage *msg,
             JsonObject        *body,
             JsonObject        *data,
             const char        *member,
             JsonNodeType       type,
             gboolean           required)
{
  JsonNode *node = json_object_get_member (body, member);
  g_autofree char *message = NULL;

  if (node == NULL && !required)
    return TRUE;
  if (node != NULL && JSON_NODE_TYPE (node) == type)
    {
      json_object_set_member (data, member, json_node_copy (node));
      return TRUE;
    }
  message = g_strdup_printf ("Field “%s” is missing or has the wrong type", member);
  curb_hub_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid", message, NULL);
  return FALSE;
}

static gboolean
build_claim (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller, const char *ref,
             JsonObject *body, CurbEventKind *out_kind, JsonObject *data)
{
  JsonNode *eta = json_object_get_member (body, "eta_s");

  if (eta != NULL && (json_node_get_value_type (eta) != G_TYPE_INT64
                      || json_node_get_int (eta) < 0 || json_node_get_int (eta) > 3600))
    {
      curb_hub_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                            "Field “eta_s” must be 0 to 3600 seconds", NULL);
      return FALSE;
    }
  *out_kind = CURB_EVENT_CLAIMED;
  json_object_set_string_member (data, "staff_name", caller->staff_name);
  json_object_set_int_member (data, "eta_s", eta != NULL ? json_node_get_int (eta) : DEFAULT_CLAIM_ETA);
  return TRUE;
}

static gboolean
build_reason (SoupServerMessage *msg, JsonObject *body, JsonObject *data)
{
  return copy_member (msg, body, data, "reason", JSON_NODE_VALUE, FALSE);
}

static gboolean
build_release (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller, const char *ref,
               JsonObject *body, CurbEventKind *out_kind, JsonObject *data)
{
  *out_kind = CURB_EVENT_RELEASED;
  return build_reason (msg, body, data);
}

static gboolean
build_no_show (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller, const char *ref,
               JsonObject *body, CurbEventKind *out_kind, JsonObject *data)
{
  *out_kind = CURB_EVENT_NO_SHOW;
  return build_reason (msg, body, data);
}

static gboolean
build_return (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller, const char *ref,
              JsonObject *body, CurbEventKind *out_kind, JsonObject *data)
{
  *out_kind = CURB_EVENT_RETURNED_TO_STOCK;
  return build_reason (msg, body, data);
}

static gboolean
build_stage (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller, const char *ref,
             JsonObject *body, CurbEventKind *out_kind, JsonObject *data)
{
  *out_kind = CURB_EVENT_STAGED;
  return copy_member (msg, body, data, "locations", JSON_NODE_ARRAY, TRUE)
      && copy_member (msg, body, data, "bags", JSON_NODE_OBJECT, TRUE);
}

/* The pickup rule (curb-rules.c): an ID check when an age-restricted line
 * leaves; @not_taken is the request's (nullable). */
gboolean
curb_hub_order_needs_id_check (CurbHub    *hub,
                               const char *ref,
                               JsonNode   *not_taken)
{
  g_autoptr(JsonObject) stored = curb_store_get_order (hub->store, ref, NULL);
  g_autoptr(CurbOrder) order = stored != NULL ? curb_order_codec_decode (stored, NULL) : NULL;
  g_autoptr(GPtrArray) left = curb_event_not_taken_from_json (not_taken);

  return order != NULL && curb_rules_needs_id_check (order, left);
}

/* The pickup rule (curb-rules.c): no substitution leaves undecided. Returns
 * (transfer full) (nullable): what to ask the shopper, or %NULL. */
char *
curb_hub_order_undecided_substitution (CurbHub    *hub,
                                       const char *ref,
                                       JsonNode   *decisions)
{
  g_autoptr(JsonObject) stored = curb_store_get_order (hub->store, ref, NULL);
  g_autoptr(CurbOrder) order = stored != NULL ? curb_order_codec_decode (stored, NULL) : NULL;
  g_autoptr(GPtrArray) answers = curb_event_decisions_from_json (decisions);
  CurbSubstitution *undecided = NULL;

  /* a handoff the state machine refuses anyway is its refusal (409) */
  if (order != NULL && curb_rules_check_transition (order, CURB_EVENT_HANDED_OVER, NULL))
    undecided = curb_rules_undecided_substitution (order, answers);
  if (undecided == NULL)
    return NULL;
  return g_strdup_printf ("The shopper has not answered whether they take %s instead of %s: record their answer"
                          " with the handoff", curb_substitution_get_replacement (undecided),
                          curb_substitution_get_original (undecided));
}

static gboolean
build_handover (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller, const char *ref,
                JsonObject *body, CurbEventKind *out_kind, JsonObject *data)
{
  JsonNode *not_taken = json_object_get_member (body, "not_taken");
  g_autofree char *undecided = NULL;
  gboolean id_checked;

  if (!curb_hub_get_bool (msg, body, "id_checked", TRUE, &id_checked)
      || !copy_member (msg, body, data, "proof", JSON_NODE_VALUE, FALSE))
    return FALSE;
  if (!id_checked && curb_hub_order_needs_id_check (hub, ref, not_taken))
    {
      curb_hub_reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "id_check_required",
                            "This order has age-restricted items: check the shopper's ID", NULL);
      return FALSE;
    }
  json_object_set_boolean_member (data, "id_checked", id_checked);
  if (!copy_member (msg, body, data, "substitutions", JSON_NODE_ARRAY, FALSE))
    return FALSE;
  undecided = curb_hub_order_undecided_substitution (hub, ref, json_object_get_member (body, "substitutions"));
  if (undecided != NULL)
    {
      curb_hub_reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "substitution_undecided", undecided, NULL);
      return FALSE;
    }
  if (not_taken == NULL || (JSON_NODE_HOLDS_ARRAY (not_taken)
                            && json_array_get_length (json_node_get_array (not_taken)) == 0))
    {
      *out_kind = CURB_EVENT_HANDED_OVER;
      return TRUE;
    }
  *out_kind = CURB_EVENT_PARTIALLY_HANDED_OVER;
  return copy_member (msg, body, data, "not_taken", JSON_NODE_ARRAY, TRUE);
}

static gboolean
build_substitution (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller, const char *ref,
                    JsonObject *body, CurbEventKind *out_kind, JsonObject *data)
{
  const char *substitution_id;
  gboolean approved;

  if (!curb_hub_get_string (msg, body, "substitution_id", TRUE, &substitution_id)
      || !curb_hub_get_bool (msg, body, "approved", TRUE, &approved))
    return FALSE;
  *out_kind = CURB_EVENT_SUBSTITUTION_DECIDED;
  json_object_set_string_member (data, "substitution_id", substitution_id);
  json_object_set_boolean_member (data, "approved", approved);
  return TRUE;
}

static const Action actions[] = {
  { "claim",           claim_fields,        build_claim },
  { "release",         reason_fields,       build_release },
  { "stage",           stage_fields,        build_stage },
  { "handover",        handover_fields,     build_handover },
  { "no-show",         reason_fields,       build_no_show },
  { "return-to-stock", reason_fields,       build_return },
  { "substitutions",   substitution_fields, build_substitution },
};

/* The kiosk decides substitutions, gives the bay or withdraws the arrival
 * only for a shopper it checked in: the order's latest arrival is its own
 * (after a withdrawal another kiosk may check the shopper in). */
gboolean
curb_hub_kiosk_checked_in (CurbHub    *hub,
                           const char *ref,
                           const char *device_id)
{
  g_autoptr(GPtrArray) events = curb_store_list_order_events (hub->store, ref, NULL);
  CurbEvent *latest = NULL;

  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      CurbEvent *event = g_ptr_array_index (events, i);

      if (curb_event_get_kind (event) == CURB_EVENT_ARRIVED)
        latest = event;
    }
  return latest != NULL && g_strcmp0 (curb_event_get_device (latest), device_id) == 0;
}

static gboolean
authorize_action (CurbHub           *hub,
                  SoupServerMessage *msg,
                  CurbHubCaller     *caller,
                  const Action      *action,
                  const char        *ref)
{
  if (action->build != build_substitution || caller->role != CURB_DEVICE_ROLE_KIOSK)
    return curb_hub_authorize (hub, msg, caller, CURB_HUB_AUTH_STAFF);
  if (curb_hub_kiosk_checked_in (hub, ref, caller->device_id))
    return TRUE;
  curb_hub_reply_error (msg, SOUP_STATUS_FORBIDDEN, "forbidden",
                        "A kiosk decides substitutions only for a shopper it checked in", NULL);
  return FALSE;
}

static void
observe_claim (CurbHub    *hub,
               JsonObject *order,
               CurbEvent  *event)
{
  g_autoptr(CurbOrder) model = curb_order_codec_decode (order, NULL);
  gint64 arrived_ms = model != NULL ? curb_order_get_arrived_at (model) : 0;

  if (arrived_ms > 0)
    curb_hub_metrics_observe_alert_to_claim (hub->metrics,
                                             MAX (0, curb_event_get_at_ms (event) - arrived_ms) / 1000.0);
}

/* What the audit needs once the write is done: the caller is gone by then. */
typedef struct
{
  char *device_id;
  char *staff_id;
  char *action;
  char *ref;
} ActionDone;

static void
action_done_free (ActionDone *done)
{
  g_free (done->device_id);
  g_free (done->staff_id);
  g_free (done->action);
  g_free (done->ref);
  g_free (done);
}

static void
audit_action (CurbHub    *hub,
              ActionDone *done,
              CurbEvent  *event,
              const char *result)
{
  g_autoptr(JsonObject) detail = json_object_new ();

  json_object_set_string_member (detail, "result", result);
  json_object_set_string_member (detail, "event_id", curb_event_get_id (event));
  json_object_set_object_member (detail, "data", json_object_ref (curb_event_get_data (event)));
  curb_store_audit (hub->store, done->device_id, done->staff_id, done->action, done->ref, detail, NULL);
}

static void
on_action_applied (CurbHub           *hub,
                   SoupServerMessage *msg,
                   CurbEvent         *event,
                   JsonObject        *order,
                   gboolean           replayed,
                   gpointer           data)
{
  ActionDone *done = data;

  audit_action (hub, done, event, order != NULL ? "ok" : "refused");
  if (order == NULL)
    return;
  if (curb_event_get_kind (event) == CURB_EVENT_CLAIMED && !replayed)
    observe_claim (hub, order, event);
  curb_hub_reply_applied (hub, msg, order, event, replayed, NULL);
}

static void
run_action (CurbHub           *hub,
            SoupServerMessage *msg,
            CurbHubCaller     *caller,
            const Action      *action,
            const char        *ref)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) data = json_object_new ();
  g_autoptr(CurbEvent) event = NULL;
  ActionDone *done;
  CurbEventKind kind;

  body = soup_server_message_get_request_body (msg)->length == 0
         ? json_object_new () : curb_hub_read_body (msg, action->fields);
  if (body == NULL || !action->build (hub, msg, caller, ref, body, &kind, data))
    return;
  event = curb_hub_event_from_body (msg, body, kind, ref, caller, data);
  if (event == NULL)
    return;
  done = g_new0 (ActionDone, 1);
  done->device_id = g_strdup (caller->device_id);
  done->staff_id = g_strdup (caller->staff_id);
  done->action = g_strdup (action->action);
  done->ref = g_strdup (ref);
  curb_hub_queue_event (hub, msg, event, on_action_applied, done, (GDestroyNotify) action_done_free);
}

void
curb_hub_handle_action (CurbHub           *hub,
                        SoupServerMessage *msg,
                        CurbHubCaller     *caller,
                        const char        *ref,
                        const char        *action_name)
{
  const Action *action = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (actions); i++)
    if (g_str_equal (actions[i].action, action_name))
      action = &actions[i];
  if (action == NULL)
    curb_hub_reply_error (msg, SOUP_STATUS_NOT_FOUND, "no_route", "No such order action", NULL);
  else if (!curb_order_ref_is_valid (ref))
    curb_hub_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                          "An order reference is 1 to 32 of A-Z, 0-9 and '-'", NULL);
  else if (authorize_action (hub, msg, caller, action, ref))
    run_action (hub, msg, caller, action, ref);
}
