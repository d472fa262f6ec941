#include <string.h>

#include "curb-error.h"
#include "curb-hub-private.h"
#include "curb-util.h"

#define SESSION_IDLE_MS   (30 * 60 * 1000)
#define SESSION_MAX_MS    (12 * 3600 * 1000)
#define DEFAULT_CLAIM_ETA 120

static const char *const session_fields[] = { "staff_id", "pin", "badge", NULL };
static const char *const claim_fields[] = { "event_id", "at", "eta_s", NULL };
static const char *const reason_fields[] = { "event_id", "at", "reason", NULL };
static const char *const stage_fields[] = { "event_id", "at", "locations", "bags", NULL };
static const char *const handover_fields[] = { "event_id", "at", "id_checked", "proof", "not_taken", NULL };
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
session_expired (CurbHubStaffSession *session,
                 gint64               now)
{
  return now - session->last_used_ms > SESSION_IDLE_MS || now - session->created_ms > SESSION_MAX_MS;
}

gboolean
curb_hub_staff_session_check (CurbHub       *hub,
                              const char    *token,
                              const char    *device_id,
                              CurbHubCaller *caller)
{
  CurbHubStaffSession *session = g_hash_table_lookup (hub->staff_sessions, token);
  gint64 now = curb_now_ms ();

  if (session == NULL || g_strcmp0 (session->device_id, device_id) != 0)
    return FALSE;
  if (session_expired (session, now))
    {
      g_hash_table_remove (hub->staff_sessions, token);
      return FALSE;
    }
  session->last_used_ms = now;
  caller->staff_id = g_strdup (session->staff_id);
  caller->staff_name = g_strdup (session->first_name);
  return TRUE;
}

static void
forget_expired_sessions (CurbHub *hub)
{
  GHashTableIter iter;
  gpointer value;
  gint64 now = curb_now_ms ();

  g_hash_table_iter_init (&iter, hub->staff_sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (session_expired (value, now))
      g_hash_table_iter_remove (&iter);
}

static char *
open_session (CurbHub    *hub,
              JsonObject *staff,
              const char *device_id)
{
  CurbHubStaffSession *session = g_new0 (CurbHubStaffSession, 1);
  guint8 secret[24];
  char *token;

  for (gsize i = 0; i < sizeof secret; i++)
    secret[i] = (guint8) g_random_int_range (0, 256);
  token = g_base64_encode (secret, sizeof secret);
  g_strdelimit (token, "+/", '-');
  forget_expired_sessions (hub);
  session->staff_id = g_strdup (json_object_get_string_member (staff, "id"));
  session->first_name = g_strdup (json_object_get_string_member (staff, "first_name"));
  session->role = g_strdup (json_object_get_string_member_with_default (staff, "role", "staff"));
  session->device_id = g_strdup (device_id);
  session->created_ms = session->last_used_ms = curb_now_ms ();
  g_hash_table_insert (hub->staff_sessions, g_strdup (token), session);
  return token;
}

static JsonObject *
verify_staff (CurbHub           *hub,
              SoupServerMessage *msg,
              CurbHubCaller     *caller,
              JsonObject        *body)
{
  const char *staff_id, *pin, *badge;
  g_autoptr(GError) error = NULL;
  JsonObject *staff;

  if (!curb_hub_get_string (msg, body, "staff_id", FALSE, &staff_id)
      || !curb_hub_get_string (msg, body, "pin", FALSE, &pin)
      || !curb_hub_get_string (msg, body, "badge", FALSE, &badge))
    return NULL;
  if ((badge != NULL) == (staff_id != NULL || pin != NULL) || (badge == NULL && (staff_id == NULL || pin == NULL)))
    {
      curb_hub_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                            "Send either “staff_id” and “pin”, or “badge”", NULL);
      return NULL;
    }
  if (!curb_rate_limiter_take (hub->sign_in_limiter, caller->device_id, g_get_monotonic_time (), NULL))
    {
      curb_hub_reply_error (msg, CURB_HUB_STATUS_TOO_MANY_REQUESTS, "rate_limited",
                            "Too many sign-in attempts; wait a minute", NULL);
      return NULL;
    }
  staff = badge != NULL ? curb_store_verify_badge (hub->store, badge, &error)
                        : curb_store_verify_staff (hub->store, staff_id, pin, &error);
  if (staff == NULL)
    {
      curb_store_audit (hub->store, caller->device_id, staff_id, "staff_sign_in_failed", NULL, NULL, NULL);
      curb_hub_reply_gerror (msg, error, NULL);
    }
  return staff;
}

void
curb_hub_handle_staff_session (CurbHub           *hub,
                               SoupServerMessage *msg,
                               CurbHubCaller     *caller,
                               const char        *unused_ref,
                               const char        *unused_action)
{
  g_autoptr(JsonObject) body = curb_hub_read_body (msg, session_fields);
  g_autoptr(JsonObject) staff = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *token = NULL;
  g_autofree char *expires = NULL;

  if (body == NULL || (staff = verify_staff (hub, msg, caller, body)) == NULL)
    return;
  token = open_session (hub, staff, caller->device_id);
  expires = curb_iso8601_from_ms (curb_now_ms () + SESSION_IDLE_MS);
  curb_store_audit (hub->store, caller->device_id, json_object_get_string_member (staff, "id"),
                    "staff_sign_in", NULL, NULL, NULL);
  reply = json_object_new ();
  json_object_set_string_member (reply, "session", token);
  json_object_set_string_member (reply, "expires_at", expires);
  json_object_set_int_member (reply, "idle_timeout_s", SESSION_IDLE_MS / 1000);
  json_object_set_object_member (reply, "staff", g_steal_pointer (&staff));
  curb_hub_reply_json (msg, SOUP_STATUS_OK, reply);
}

void
curb_hub_handle_staff_sign_out (CurbHub           *hub,
                                SoupServerMessage *msg,
                                CurbHubCaller     *caller,
                                const char        *unused_ref,
                                const char        *unused_action)
{
  const char *token = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    CURB_HUB_STAFF_HEADER);
  CurbHubStaffSession *session = token != NULL ? g_hash_table_lookup (hub->staff_sessions, token) : NULL;

  if (session != NULL && g_str_equal (session->device_id, caller->device_id))
    {
      curb_store_audit (hub->store, caller->device_id, session->staff_id, "staff_sign_out",
                        NULL, NULL, NULL);
      g_hash_table_remove (hub->staff_sessions, token);
    }
  curb_hub_reply_json (msg, SOUP_STATUS_OK, NULL);
}

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

gboolean
curb_hub_order_needs_id_check (CurbHub    *hub,
                               const char *ref)
{
  g_autoptr(JsonObject) order = curb_store_get_order (hub->store, ref, NULL);

  return order != NULL && json_object_get_boolean_member_with_default (order, "age_restricted", FALSE);
}

static gboolean
build_handover (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller, const char *ref,
                JsonObject *body, CurbEventKind *out_kind, JsonObject *data)
{
  JsonNode *not_taken = json_object_get_member (body, "not_taken");
  gboolean id_checked;

  if (!curb_hub_get_bool (msg, body, "id_checked", TRUE, &id_checked)
      || !copy_member (msg, body, data, "proof", JSON_NODE_VALUE, FALSE))
    return FALSE;
  if (!id_checked && curb_hub_order_needs_id_check (hub, ref))
    {
      curb_hub_reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "id_check_required",
                            "This order has age-restricted items: check the shopper's ID", NULL);
      return FALSE;
    }
  json_object_set_boolean_member (data, "id_checked", id_checked);
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

/* The kiosk decides substitutions only for a shopper it checked in. */
gboolean
curb_hub_kiosk_checked_in (CurbHub    *hub,
                           const char *ref,
                           const char *device_id)
{
  g_autoptr(GPtrArray) events = curb_store_list_order_events (hub->store, ref, NULL);

  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      CurbEvent *event = g_ptr_array_index (events, i);

      if (curb_event_get_kind (event) == CURB_EVENT_ARRIVED
          && g_strcmp0 (curb_event_get_device (event), device_id) == 0)
        return TRUE;
    }
  return FALSE;
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
  gint64 arrived_ms;
  const char *arrived = json_object_get_string_member_with_default (order, "arrived_at", NULL);

  if (arrived != NULL && curb_iso8601_to_ms (arrived, &arrived_ms))
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
