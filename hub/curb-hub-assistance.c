#include <string.h>

#include "curb-error.h"
#include "curb-hub-private.h"
#include "curb-util.h"

/* Calls for help from a kiosk ("Call staff"). A call is recorded in the
 * audit log ("assistance_requested"), rings on every staging station until
 * a staff member answers it ("assistance_acknowledged") and is counted in
 * the status and the metrics. Open calls are state, not messages: stations
 * fetch them (GET /v1/assistance) and the stream tells them when the list
 * changes; a restarted hub reads the open ones back from the audit log. */

#define REQUESTED "assistance_requested"
#define ACKNOWLEDGED "assistance_acknowledged"
#define RELOAD_WINDOW_MS (12 * 60 * 60 * 1000)
#define MAX_OPEN 64
/* one kiosk cannot take every place (a shopper at another kiosk still gets help) */
#define MAX_OPEN_PER_DEVICE 2
#define RETRY_S 30

static const char *const call_fields[] = { "id", "screen", "order_ref", "language", NULL };

static const char *const screens[] = {
  "welcome", "lookup", "greeting", "bay", "waiting", "thanks", "problem", NULL
};

static char *
device_name (CurbHub    *hub,
             const char *device_id)
{
  g_autoptr(JsonArray) devices = curb_store_list_devices (hub->store, NULL);

  for (guint i = 0; devices != NULL && i < json_array_get_length (devices); i++)
    {
      JsonObject *device = json_array_get_object_element (devices, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (device, "id", NULL), device_id) == 0)
        return g_strdup (json_object_get_string_member_with_default (device, "name", device_id));
    }
  return g_strdup (device_id);
}

/* The open calls; with @device_id only that kiosk's own. */
static JsonArray *
open_calls_for (CurbHub    *hub,
                const char *device_id)
{
  g_autoptr(GList) calls = g_hash_table_get_values (hub->help_calls);
  JsonArray *array = json_array_new ();

  for (GList *l = calls; l != NULL; l = l->next)
    if (device_id == NULL
        || g_strcmp0 (json_object_get_string_member_with_default (l->data, "device_id", NULL), device_id) == 0)
      json_array_add_object_element (array, json_object_ref (l->data));
  return array;
}

static JsonArray *
open_calls (CurbHub *hub)
{
  return open_calls_for (hub, NULL);
}

typedef struct
{
  CurbHub    *hub;
  JsonObject *acknowledged;
} Announcement;

/* Stations see every open call and who answered one; a kiosk only its own
 * calls and the answer to its own (other kiosks' names and order references
 * are none of its business). */
static JsonObject *
notice_for (const char *device_id,
            gboolean    station,
            gpointer    user_data)
{
  Announcement *announcement = user_data;
  JsonObject *acknowledged = announcement->acknowledged;
  JsonObject *notice;
  g_autoptr(JsonArray) calls = open_calls_for (announcement->hub, station ? NULL : device_id);

  if (!station && acknowledged != NULL
      && g_strcmp0 (json_object_get_string_member_with_default (acknowledged, "device_id", NULL), device_id) != 0)
    acknowledged = NULL;
  if (!station && acknowledged == NULL && json_array_get_length (calls) == 0)
    return NULL;
  notice = json_object_new ();
  json_object_set_string_member (notice, "type", "assistance");
  json_object_set_array_member (notice, "calls", g_steal_pointer (&calls));
  if (acknowledged != NULL)
    json_object_set_object_member (notice, "acknowledged", json_object_ref (acknowledged));
  return notice;
}

/* Tells every station, and the calling kiosk, the open calls and who
 * answered one. */
static void
announce (CurbHub    *hub,
          JsonObject *acknowledged)
{
  Announcement announcement = { hub, acknowledged };

  curb_event_broker_notify_each (hub->broker, notice_for, &announcement);
}

/* A language tag as the kiosk sends it ("es", "pt-BR"): letters, digits, '-' or '_'. */
static gboolean
language_valid (const char *language)
{
  gsize length = strlen (language);

  return length >= 2 && length <= 8 && strspn (language, "abcdefghijklmnopqrstuvwxyz"
                                                         "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == length;
}

static gboolean
call_valid (SoupServerMessage *msg,
            JsonObject        *body,
            const char       **out_id,
            const char       **out_screen,
            const char       **out_ref,
            const char       **out_language)
{
  if (!curb_hub_get_string (msg, body, "id", FALSE, out_id)
      || !curb_hub_get_string (msg, body, "screen", FALSE, out_screen)
      || !curb_hub_get_string (msg, body, "order_ref", FALSE, out_ref)
      || !curb_hub_get_string (msg, body, "language", FALSE, out_language))
    return FALSE;
  if ((*out_screen != NULL && !g_strv_contains (screens, *out_screen))
      || (*out_id != NULL && (strlen (*out_id) < 8 || strlen (*out_id) > 64))
      || (*out_id != NULL && !curb_text_is_printable (*out_id, 64))
      || (*out_ref != NULL && !curb_order_ref_is_valid (*out_ref))
      || (*out_language != NULL && !language_valid (*out_language)))
    {
      curb_hub_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                            "A call needs a known “screen”, an “id” of 8–64 characters, an order reference"
                            " and a language tag", NULL);
      return FALSE;
    }
  return TRUE;
}

static JsonObject *
new_call (CurbHub       *hub,
          CurbHubCaller *caller,
          const char    *id,
          const char    *screen,
          const char    *ref,
          const char    *language)
{
  JsonObject *call = json_object_new ();
  g_autofree char *name = device_name (hub, caller->device_id);
  g_autofree char *at = curb_iso8601_from_ms (curb_now_ms ());
  g_autofree char *new_id = id == NULL ? g_uuid_string_random () : NULL;

  json_object_set_string_member (call, "id", id != NULL ? id : new_id);
  json_object_set_string_member (call, "device_id", caller->device_id);
  json_object_set_string_member (call, "device_name", name);
  json_object_set_string_member (call, "screen", screen != NULL ? screen : "welcome");
  if (ref != NULL)
    json_object_set_string_member (call, "order_ref", ref);
  if (language != NULL)
    json_object_set_string_member (call, "language", language);
  json_object_set_string_member (call, "at", at);
  return call;
}

static guint
open_calls_of (CurbHub    *hub,
               const char *device_id)
{
  GHashTableIter iter;
  gpointer call;
  guint n = 0;

  g_hash_table_iter_init (&iter, hub->help_calls);
  while (g_hash_table_iter_next (&iter, NULL, &call))
    n += g_strcmp0 (json_object_get_string_member_with_default (call, "device_id", NULL), device_id) == 0;
  return n;
}

/* POST /v1/assistance {id?, screen, order_ref?, language?}: a kiosk asks
 * for a team member. A repeated id (a retry) answers the same call; the id
 * of another kiosk's call is a conflict. */
void
curb_hub_handle_assistance_request (CurbHub           *hub,
                                    SoupServerMessage *msg,
                                    CurbHubCaller     *caller,
                                    const char        *unused_ref,
                                    const char        *unused_action)
{
  g_autoptr(JsonObject) body = curb_hub_read_body (msg, call_fields);
  g_autoptr(JsonObject) call = NULL;
  g_autoptr(GError) error = NULL;
  const char *id = NULL, *screen = NULL, *ref = NULL, *language = NULL;
  JsonObject *known;

  if (caller->role != CURB_DEVICE_ROLE_KIOSK)
    {
      curb_hub_reply_error (msg, SOUP_STATUS_FORBIDDEN, "forbidden", "Only a kiosk calls for staff", NULL);
      return;
    }
  if (body == NULL || !call_valid (msg, body, &id, &screen, &ref, &language))
    return;
  known = id != NULL ? g_hash_table_lookup (hub->help_calls, id) : NULL;
  if (known != NULL && g_strcmp0 (json_object_get_string_member_with_default (known, "device_id", NULL),
                                  caller->device_id) != 0)
    {
      curb_hub_reply_error (msg, SOUP_STATUS_CONFLICT, "conflict", "The id names another device's call", NULL);
      return;
    }
  if (known != NULL)
    {
      curb_hub_reply_json (msg, SOUP_STATUS_OK, known);
      return;
    }
  if (open_calls_of (hub, caller->device_id) >= MAX_OPEN_PER_DEVICE)
    {
      curb_hub_reply_rate_limited (msg, RETRY_S, "This kiosk's calls for help are still open");
      return;
    }
  if (g_hash_table_size (hub->help_calls) >= MAX_OPEN)
    {
      curb_hub_reply_error (msg, CURB_HUB_STATUS_TOO_MANY_REQUESTS, "rate_limited",
                            "Too many calls for help are open", NULL);
      return;
    }
  call = new_call (hub, caller, id, screen, ref, language);
  if (!curb_store_audit (hub->store, caller->device_id, NULL, REQUESTED, ref, call, &error))
    {
      curb_hub_reply_gerror (msg, error, NULL);
      return;
    }
  g_hash_table_insert (hub->help_calls, g_strdup (json_object_get_string_member (call, "id")),
                       json_object_ref (call));
  hub->help_calls_total++;
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "CURBSIDE_DEVICE", caller->device_id,
                    "MESSAGE", "A shopper at %s called for staff (screen %s)",
                    json_object_get_string_member (call, "device_name"),
                    json_object_get_string_member (call, "screen"));
  announce (hub, NULL);
  curb_hub_reply_json (msg, SOUP_STATUS_CREATED, call);
}

/* GET /v1/assistance: the open calls, oldest first. */
void
curb_hub_handle_assistance_list (CurbHub           *hub,
                                 SoupServerMessage *msg,
                                 CurbHubCaller     *caller,
                                 const char        *unused_ref,
                                 const char        *unused_action)
{
  g_autoptr(JsonObject) reply = json_object_new ();

  json_object_set_array_member (reply, "calls", open_calls (hub));
  curb_hub_reply_json (msg, SOUP_STATUS_OK, reply);
}

/* Answered calls are remembered for the reload window, so a late "I'm
 * going" is told someone answered first (409), an id that never was a call
 * is not found (404). */
static void
remember_answered (CurbHub    *hub,
                   const char *id)
{
  gint64 now = curb_now_ms ();
  GHashTableIter iter;
  gpointer answered_ms;

  g_hash_table_iter_init (&iter, hub->help_answered);
  while (g_hash_table_iter_next (&iter, NULL, &answered_ms))
    if (now - *(gint64 *) answered_ms > RELOAD_WINDOW_MS)
      g_hash_table_iter_remove (&iter);
  g_hash_table_replace (hub->help_answered, g_strdup (id), g_memdup2 (&now, sizeof now));
}

/* POST /v1/assistance/{id}/acknowledge (staff): "I'm going"; 404 for an
 * unknown id, 409 not_open for a call someone answered already. */
void
curb_hub_handle_assistance_acknowledge (CurbHub           *hub,
                                        SoupServerMessage *msg,
                                        CurbHubCaller     *caller,
                                        const char        *id,
                                        const char        *unused_action)
{
  g_autoptr(JsonObject) call = NULL;
  g_autoptr(JsonObject) detail = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *at = curb_iso8601_from_ms (curb_now_ms ());
  JsonObject *open = g_hash_table_lookup (hub->help_calls, id);

  if (open == NULL && !g_hash_table_contains (hub->help_answered, id))
    {
      curb_hub_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", "There is no such call for help", NULL);
      return;
    }
  if (open == NULL)
    {
      curb_hub_reply_error (msg, SOUP_STATUS_CONFLICT, "not_open",
                            "This call for help was already answered", NULL);
      return;
    }
  call = json_object_ref (open);
  json_object_set_string_member (detail, "id", id);
  json_object_set_string_member (detail, "staff_name", caller->staff_name != NULL ? caller->staff_name : "");
  if (!curb_store_audit (hub->store, caller->device_id, caller->staff_id, ACKNOWLEDGED,
                         json_object_get_string_member_with_default (call, "order_ref", NULL), detail, &error))
    {
      curb_hub_reply_gerror (msg, error, NULL);
      return;
    }
  remember_answered (hub, id);
  g_hash_table_remove (hub->help_calls, id);
  json_object_set_string_member (call, "acknowledged_by", caller->staff_name != NULL ? caller->staff_name : "");
  json_object_set_string_member (call, "acknowledged_at", at);
  announce (hub, call);
  curb_hub_reply_json (msg, SOUP_STATUS_OK, call);
}

/* The calls still open in the audit log of the last hours (after a hub
 * restart nobody has answered them yet). */
void
curb_hub_load_assistance (CurbHub *hub)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) entries = curb_store_list_audit_since (hub->store, "assistance_",
                                                               curb_now_ms () - RELOAD_WINDOW_MS, &error);

  if (entries == NULL)
    {
      g_warning ("Cannot read open calls for help: %s", error->message);
      return;
    }
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      JsonObject *detail = json_object_get_object_member (entry, "detail");
      const char *action = json_object_get_string_member_with_default (entry, "action", "");
      const char *id = json_object_get_string_member_with_default (detail, "id", NULL);

      if (id == NULL)
        continue;
      if (g_str_equal (action, REQUESTED))
        g_hash_table_replace (hub->help_calls, g_strdup (id), json_object_ref (detail));
      else if (g_str_equal (action, ACKNOWLEDGED))
        {
          remember_answered (hub, id);
          g_hash_table_remove (hub->help_calls, id);
        }
    }
}

/* For /v1/status: {open, total, oldest_at?, calls}; for a kiosk
 * (@device_id) only its own calls: {open, calls}. */
JsonObject *
curb_hub_assistance_status (CurbHub    *hub,
                            const char *device_id)
{
  JsonObject *status = json_object_new ();
  g_autoptr(JsonArray) calls = open_calls_for (hub, device_id);
  const char *oldest = NULL;

  for (guint i = 0; i < json_array_get_length (calls); i++)
    {
      const char *at = json_object_get_string_member_with_default (json_array_get_object_element (calls, i),
                                                                   "at", NULL);
      if (at != NULL && (oldest == NULL || strcmp (at, oldest) < 0))
        oldest = at;
    }
  json_object_set_int_member (status, "open", json_array_get_length (calls));
  if (device_id == NULL)
    json_object_set_int_member (status, "total", (gint64) hub->help_calls_total);
  if (oldest != NULL)
    json_object_set_string_member (status, "oldest_at", oldest);
  json_object_set_array_member (status, "calls", g_steal_pointer (&calls));
  return status;
}

void
curb_hub_append_assistance_metrics (CurbHub *hub,
                                    GString *out)
{
  curb_hub_metrics_append_gauge (out, "curbside_assistance_open",
                                 "Calls for staff from a kiosk not yet answered.", NULL,
                                 g_hash_table_size (hub->help_calls));
  g_string_append_printf (out, "# HELP curbside_assistance_calls_total Calls for staff from a kiosk since the hub started.\n"
                               "# TYPE curbside_assistance_calls_total counter\n"
                               "curbside_assistance_calls_total %" G_GUINT64_FORMAT "\n",
                          hub->help_calls_total);
}
