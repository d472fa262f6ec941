#include <string.h>

#include "curb-error.h"
#include "curb-hub-cert.h"
#include "curb-hub-private.h"
#include "curb-util.h"

#define ONLINE_WINDOW_MS (90 * 1000)
#define MAX_OUTBOX_DEPTH 1000000000

static const char *const enroll_fields[] = { "code", "name", "kind", NULL };
static const char *const heartbeat_fields[] = {
  "camera", "printer", "scanner", "app_version", "outbox_depth", "detail", "kind", NULL
};

void
curb_hub_handle_enroll (CurbHub           *hub,
                        SoupServerMessage *msg,
                        CurbHubCaller     *caller,
                        const char        *unused_ref,
                        const char        *unused_action)
{
  g_autoptr(JsonObject) body = curb_hub_read_body (msg, enroll_fields);
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *device_id = NULL;
  g_autofree char *credential = NULL;
  g_autofree char *fingerprint = NULL;
  const char *code, *name, *kind = NULL;
  CurbDeviceRole role;
  double retry_s = 0;
  const char *address = soup_server_message_get_remote_host (msg);

  if (body == NULL
      || !curb_hub_get_string (msg, body, "code", TRUE, &code)
      || !curb_hub_get_string (msg, body, "name", TRUE, &name)
      || !curb_hub_get_string (msg, body, "kind", FALSE, &kind))
    return;
  if (kind != NULL && !g_str_equal (kind, "app") && !g_str_equal (kind, "tool"))
    {
      curb_hub_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid", "Field “kind” must be “app” or “tool”", NULL);
      return;
    }
  /* per client address: guessing from one machine cannot block the others */
  if (!curb_rate_limiter_take (hub->enroll_limiter, address != NULL ? address : "unknown",
                               g_get_monotonic_time (), &retry_s))
    {
      curb_hub_reply_rate_limited (msg, retry_s, "Too many enrollment attempts from this address; wait a minute");
      return;
    }
  if (!curb_store_enroll_device_as (hub->store, code, name, g_strcmp0 (kind, "tool") == 0, &device_id,
                                    &credential, &role, &error))
    {
      curb_hub_reply_gerror (msg, error, NULL);
      return;
    }
  curb_store_audit (hub->store, device_id, NULL, "device_enrolled", NULL, NULL, NULL);
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "CURBSIDE_DEVICE", device_id,
                    "MESSAGE", "Enrolled device %s as %s", device_id, curb_device_role_to_string (role));
  reply = json_object_new ();
  json_object_set_string_member (reply, "device_id", device_id);
  json_object_set_string_member (reply, "role", curb_device_role_to_string (role));
  json_object_set_string_member (reply, "credential", credential);
  json_object_set_string_member (reply, "store_id", hub->store_id);
  if (hub->certificate != NULL)
    {
      fingerprint = curb_hub_cert_fingerprint (hub->certificate);
      json_object_set_string_member (reply, "hub_fingerprint", fingerprint);
    }
  curb_hub_reply_json (msg, SOUP_STATUS_OK, reply);
}

static gboolean
heartbeat_valid (SoupServerMessage *msg,
                 JsonObject        *body)
{
  const char *text_fields[] = { "camera", "printer", "scanner", "app_version", "detail", "kind" };
  JsonNode *depth = json_object_get_member (body, "outbox_depth");
  const char *value;

  for (gsize i = 0; i < G_N_ELEMENTS (text_fields); i++)
    {
      if (!curb_hub_get_string (msg, body, text_fields[i], FALSE, &value))
        return FALSE;
      /* shown on the staging Devices page and by curbside-ctl status */
      if (value != NULL && *value != '\0' && !curb_text_is_printable (value, i == 4 ? 1024 : 64))
        {
          curb_hub_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                                "Heartbeat text is plain: no control or bidi characters, 64 bytes (detail 1024)",
                                NULL);
          return FALSE;
        }
    }
  if (!curb_hub_get_string (msg, body, "kind", FALSE, &value))
    return FALSE;
  if (value != NULL && !g_str_equal (value, "app") && !g_str_equal (value, "tool"))
    {
      curb_hub_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                            "Field “kind” must be “app” or “tool”", NULL);
      return FALSE;
    }
  if (depth != NULL && (json_node_get_value_type (depth) != G_TYPE_INT64 || json_node_get_int (depth) < 0
                        || json_node_get_int (depth) > MAX_OUTBOX_DEPTH))
    {
      curb_hub_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                            "Field “outbox_depth” must be an integer from 0 to 1000000000", NULL);
      return FALSE;
    }
  return TRUE;
}

/* A station sends its staff session with its heartbeat: the answer says
 * whether the hub still knows it, so a station whose staff were signed out
 * (a hub restart) shows the sign-in at once instead of at the next action. */
static void
add_staff_session_state (CurbHub           *hub,
                         SoupServerMessage *msg,
                         CurbHubCaller     *caller,
                         JsonObject        *reply)
{
  const char *token = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    CURB_HUB_STAFF_HEADER);
  CurbHubCaller probe = { NULL, };

  if (token == NULL)
    return;
  json_object_set_boolean_member (reply, "staff_session_valid",
                                  curb_hub_staff_session_check (hub, token, caller->device_id, &probe));
  g_free (probe.staff_id);
  g_free (probe.staff_name);
}

void
curb_hub_handle_heartbeat (CurbHub           *hub,
                           SoupServerMessage *msg,
                           CurbHubCaller     *caller,
                           const char        *unused_ref,
                           const char        *unused_action)
{
  g_autoptr(JsonObject) body = curb_hub_read_body (msg, heartbeat_fields);
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *now = NULL;

  if (body == NULL || !heartbeat_valid (msg, body))
    return;
  if (!curb_store_record_heartbeat (hub->store, caller->device_id, body, &error))
    {
      curb_hub_reply_gerror (msg, error, NULL);
      return;
    }
  now = curb_iso8601_from_ms (curb_now_ms ());
  reply = json_object_new ();
  json_object_set_boolean_member (reply, "ok", TRUE);
  json_object_set_string_member (reply, "server_time", now);
  json_object_set_int_member (reply, "last_seq", curb_store_get_last_seq (hub->store));
  add_staff_session_state (hub, msg, caller, reply);
  curb_hub_reply_json (msg, SOUP_STATUS_OK, reply);
}

static gboolean
device_online (JsonObject *device,
               gint64      now_ms)
{
  const char *last_seen = json_object_get_string_member_with_default (device, "last_seen", NULL);
  gint64 seen_ms;

  return last_seen != NULL && curb_iso8601_to_ms (last_seen, &seen_ms)
         && now_ms - seen_ms <= ONLINE_WINDOW_MS
         && !json_object_has_member (device, "revoked");
}

/* The devices with an "online" member added. */
static JsonArray *
list_devices (CurbHub  *hub,
              guint    *out_online,
              GError  **error)
{
  JsonArray *devices = curb_store_list_devices (hub->store, error);
  gint64 now = curb_now_ms ();

  *out_online = 0;
  for (guint i = 0; devices != NULL && i < json_array_get_length (devices); i++)
    {
      JsonObject *device = json_array_get_object_element (devices, i);
      gboolean online = device_online (device, now);

      json_object_set_boolean_member (device, "online", online);
      *out_online += online;
    }
  return devices;
}

void
curb_hub_handle_devices (CurbHub           *hub,
                         SoupServerMessage *msg,
                         CurbHubCaller     *caller,
                         const char        *unused_ref,
                         const char        *unused_action)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = json_object_new ();
  guint online;
  JsonArray *devices = list_devices (hub, &online, &error);

  if (devices == NULL)
    {
      curb_hub_reply_gerror (msg, error, NULL);
      return;
    }
  json_object_set_array_member (reply, "devices", devices);
  json_object_set_int_member (reply, "online", online);
  curb_hub_reply_json (msg, SOUP_STATUS_OK, reply);
}

static guint
count_alerts (CurbHub *hub)
{
  g_autoptr(JsonArray) orders = curb_store_list_orders (hub->store, CURB_ORDER_FILTER_ACTIVE, NULL);
  g_autoptr(JsonArray) alerts = orders != NULL ? curb_hub_outstanding_alerts (orders) : NULL;

  return alerts != NULL ? json_array_get_length (alerts) : 0;
}

void
curb_hub_handle_status (CurbHub           *hub,
                        SoupServerMessage *msg,
                        CurbHubCaller     *caller,
                        const char        *unused_ref,
                        const char        *unused_action)
{
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autoptr(JsonArray) devices = NULL;
  guint online = 0;

  devices = list_devices (hub, &online, NULL);
  json_object_set_string_member (reply, "store_id", hub->store_id);
  json_object_set_string_member (reply, "version", CURB_VERSION);
  json_object_set_int_member (reply, "uptime_s", (curb_now_ms () - hub->started_ms) / 1000);
  json_object_set_int_member (reply, "last_seq", curb_store_get_last_seq (hub->store));
  json_object_set_int_member (reply, "outbox_depth", curb_store_outbox_depth (hub->store));
  json_object_set_int_member (reply, "alerts_outstanding", count_alerts (hub));
  json_object_set_int_member (reply, "devices_online", online);
  json_object_set_int_member (reply, "stream_subscribers", curb_hub_get_n_subscribers (hub));
  json_object_set_object_member (reply, "sync", curb_hub_sync_status (hub));
  json_object_set_object_member (reply, "assistance",
                                 curb_hub_assistance_status (hub, caller->role == CURB_DEVICE_ROLE_KIOSK
                                                                  ? caller->device_id : NULL));
  if (caller->role != CURB_DEVICE_ROLE_KIOSK && devices != NULL)
    json_object_set_array_member (reply, "devices", g_steal_pointer (&devices));
  curb_hub_reply_json (msg, SOUP_STATUS_OK, reply);
}

void
curb_hub_handle_healthz (CurbHub           *hub,
                         SoupServerMessage *msg,
                         CurbHubCaller     *caller,
                         const char        *unused_ref,
                         const char        *unused_action)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autofree char *probe = NULL;

  probe = curb_store_get_meta (hub->store, "schema", &error);
  if (error != NULL)
    {
      curb_hub_reply_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "database", error->message, NULL);
      return;
    }
  json_object_set_string_member (reply, "status", "ok");
  curb_hub_reply_json (msg, SOUP_STATUS_OK, reply);
}

char *
curb_hub_render_metrics (CurbHub *self)
{
  GString *out = g_string_new (NULL);
  g_autoptr(JsonArray) devices = NULL;
  guint online = 0;

  g_return_val_if_fail (CURB_IS_HUB (self), NULL);

  curb_hub_metrics_append_gauge (out, "curbside_hub_info", "The hub's version.", "version=\"" CURB_VERSION "\"", 1);
  curb_hub_metrics_append_gauge (out, "curbside_hub_start_time_seconds", "Unix time the hub started.", NULL,
                                 self->started_ms / 1000.0);
  curb_hub_metrics_render (self->metrics, out);
  devices = list_devices (self, &online, NULL);
  curb_hub_metrics_append_gauge (out, "curbside_alerts_outstanding",
                                 "Shoppers arrived and not yet claimed by staff.", NULL, count_alerts (self));
  curb_hub_metrics_append_gauge (out, "curbside_outbox_depth",
                                 "Store events not yet acknowledged by central.", NULL,
                                 curb_store_outbox_depth (self->store));
  curb_hub_metrics_append_gauge (out, "curbside_devices_online",
                                 "Devices with a heartbeat in the last 90 s.", NULL, online);
  curb_hub_metrics_append_gauge (out, "curbside_stream_subscribers",
                                 "Open event stream connections.", NULL, curb_hub_get_n_subscribers (self));
  curb_hub_append_sync_metrics (self, out);
  curb_hub_append_assistance_metrics (self, out);
  if (devices != NULL)
    curb_hub_append_device_metrics (out, devices);
  return g_string_free (out, FALSE);
}

void
curb_hub_handle_metrics (CurbHub           *hub,
                         SoupServerMessage *msg,
                         CurbHubCaller     *caller,
                         const char        *unused_ref,
                         const char        *unused_action)
{
  char *text = curb_hub_render_metrics (hub);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain; version=0.0.4; charset=utf-8",
                                    SOUP_MEMORY_TAKE, text, strlen (text));
}
