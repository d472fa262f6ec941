/* curbside-ctl commands that talk to a running hub over its LAN API:
 * enroll (this machine as a device) and status (in plain words). */

#include <stdio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ctl-commands.h"
#include "curbside-core.h"
#include "curb-hub-client.h"

typedef struct
{
  GMainLoop  *loop;
  JsonObject *reply;
  GError     *error;
} CtlCall;

static void
on_call_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  CtlCall *call = user_data;

  call->reply = curb_hub_client_request_finish (CURB_HUB_CLIENT (source), result, &call->error);
  g_main_loop_quit (call->loop);
}

static JsonObject *
wait_for (CtlCall  *call,
          GError  **error)
{
  g_main_loop_run (call->loop);
  g_main_loop_unref (call->loop);
  if (call->reply == NULL)
    {
      g_propagate_error (error, call->error);
      return NULL;
    }
  return call->reply;
}

static CurbHubClient *
make_client (const char  *url,
             const char  *fingerprint,
             const char  *ca_file,
             GError     **error)
{
  g_autoptr(CurbHubClient) client = curb_hub_client_new (url);

  if (fingerprint != NULL)
    curb_hub_client_set_pinned_certificate (client, fingerprint);
  else if (ca_file != NULL && !curb_hub_client_set_ca_file (client, ca_file, error))
    return NULL;
  curb_hub_client_set_timeout (client, 10);
  return g_steal_pointer (&client);
}

static char *
read_credential (const char  *path,
                 GError     **error)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  return g_strstrip (g_steal_pointer (&text));
}

/* A tool says so in its first heartbeat: the hub's device list then shows
 * it as a tool, never as a device that stopped reporting. */
static gboolean
report_tool (CurbHubClient  *client,
             const char     *credential,
             GError        **error)
{
  g_autoptr(JsonObject) status = json_object_new ();
  g_autoptr(JsonObject) reply = NULL;
  CtlCall call = { g_main_loop_new (NULL, FALSE), NULL, NULL };

  curb_hub_client_set_credential (client, credential);
  json_object_set_string_member (status, "kind", "tool");
  json_object_set_string_member (status, "app_version", CURB_VERSION);
  curb_hub_client_heartbeat_async (client, status, NULL, on_call_done, &call);
  reply = wait_for (&call, error);
  return reply != NULL;
}

int
ctl_enroll (int    argc,
            char **argv)
{
  g_autofree char *hub = NULL, *fingerprint = NULL, *ca_file = NULL, *code = NULL;
  g_autofree char *name = NULL, *credential_file = NULL;
  gboolean tool = FALSE;
  g_autoptr(GOptionContext) context = g_option_context_new ("— enroll this machine with the store hub");
  g_autoptr(CurbHubClient) client = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  CtlCall call = { g_main_loop_new (NULL, FALSE), NULL, NULL };
  const char *credential;
  GOptionEntry entries[] = {
    { "hub", 0, 0, G_OPTION_ARG_STRING, &hub, "Hub URL, e.g. https://hub.store.lan:8443", "URL" },
    { "fingerprint", 0, 0, G_OPTION_ARG_STRING, &fingerprint, "SHA-256 of the hub's certificate (curbside-hub --fingerprint)", "HEX" },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, "Trust this certificate file instead", "FILE" },
    { "code", 0, 0, G_OPTION_ARG_STRING, &code, "One-time enrollment code (curbside-hub --issue-code ROLE)", "CODE" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "This device's name, e.g. kiosk-2", "NAME" },
    { "credential-file", 0, 0, G_OPTION_ARG_FILENAME, &credential_file, "Where to write the device credential (0600)", "FILE" },
    { "tool", 0, 0, G_OPTION_ARG_NONE, &tool, "A credential for a script or tool, not a device that runs all day (it never shows as stale)", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error)
      || hub == NULL || code == NULL || name == NULL || credential_file == NULL)
    {
      g_printerr ("Usage: curbside-ctl enroll --hub URL (--fingerprint HEX | --ca-file FILE) "
                  "--code CODE --name NAME --credential-file FILE\n");
      return 2;
    }
  client = make_client (hub, fingerprint, ca_file, &error);
  if (client == NULL)
    goto failed;
  curb_hub_client_enroll_async (client, code, name, NULL, on_call_done, &call);
  reply = wait_for (&call, &error);
  if (reply == NULL)
    goto failed;
  credential = json_object_get_string_member_with_default (reply, "credential", NULL);
  if (credential == NULL)
    {
      g_printerr ("curbside-ctl enroll: the hub answered without a credential\n");
      return 1;
    }
  if (!g_file_set_contents_full (credential_file, credential, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    goto failed;
  if (tool && !report_tool (client, credential, &error))
    goto failed;
  g_print ("Enrolled as %s (%s). Credential written to %s\n",
           json_object_get_string_member_with_default (reply, "device_id", "?"),
           json_object_get_string_member_with_default (reply, "role", "?"),
           credential_file);
  return 0;

failed:
  g_printerr ("curbside-ctl enroll: %s\n", error->message);
  if (g_error_matches (error, CURB_ERROR, CURB_ERROR_UNAUTHORIZED))
    g_printerr ("The code is wrong, used or expired: issue a new one on the hub with "
                "“curbside-hub --issue-code kiosk”.\n");
  return 1;
}

/* --- status, in plain words --- */

/* A device's camera or printer status as it reported it: a string or an
 * object with "state"/"ok" and an optional "message". */
static char *
describe_part (JsonObject *status, const char *part)
{
  JsonNode *node;
  JsonObject *object;
  const char *state, *message;

  if (status == NULL || !json_object_has_member (status, part))
    return NULL;
  node = json_object_get_member (status, part);
  if (JSON_NODE_HOLDS_VALUE (node))
    return g_strdup (json_node_get_string (node));
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  state = curb_json_get_string (object, "state");
  message = curb_json_get_string (object, "message");
  if (state == NULL && json_object_has_member (object, "ok"))
    state = json_object_get_boolean_member (object, "ok") ? "ok" : "problem";
  return g_strdup_printf ("%s%s%s", state != NULL ? state : "reported",
                          message != NULL ? ": " : "", message != NULL ? message : "");
}

/* Plain words for what a device reported, and whether it needs someone. */
static const char *
advice_for (const char *part, const char *state)
{
  if (state == NULL)
    return NULL;
  if (g_str_has_prefix (state, "paper_out"))
    return "load a new paper roll";
  if (g_str_has_prefix (state, "cover_open"))
    return "close the printer cover";
  if (g_str_has_prefix (state, "offline") || g_str_has_prefix (state, "unplugged") || g_str_has_prefix (state, "no_camera"))
    return g_str_equal (part, "camera") ? "check the camera's USB cable" : "check the printer's power and cable";
  if (g_str_has_prefix (state, "frozen"))
    return "the camera stopped sending pictures; it restarts by itself, replug it if this stays";
  return NULL;
}

static gboolean
part_is_ok (const char *text)
{
  return text == NULL || g_str_has_prefix (text, "ok") || g_str_has_prefix (text, "ready")
         || g_str_has_prefix (text, "paper_low") || g_str_has_prefix (text, "none")
         || g_str_has_prefix (text, "disabled");
}

static int
print_part (const char *part, const char *state)
{
  const char *advice = advice_for (part, state);

  if (state == NULL)
    return 0;
  g_print (", %s %s", part, state);
  if (!part_is_ok (state) && advice != NULL)
    g_print (" (%s)", advice);
  return part_is_ok (state) ? 0 : 1;
}

static int
print_devices (JsonArray *devices)
{
  int problems = 0;

  for (guint i = 0; devices != NULL && i < json_array_get_length (devices); i++)
    {
      JsonObject *device = json_array_get_object_element (devices, i);
      JsonObject *status = json_object_has_member (device, "status")
                           && JSON_NODE_HOLDS_OBJECT (json_object_get_member (device, "status"))
                           ? json_object_get_object_member (device, "status") : NULL;
      g_autofree char *camera = describe_part (status, "camera");
      g_autofree char *printer = describe_part (status, "printer");
      gboolean online = json_object_get_boolean_member_with_default (device, "online", FALSE);
      const char *name = curb_json_get_string (device, "name");
      const char *role = curb_json_get_string (device, "role");
      gboolean is_tool = g_strcmp0 (role, "admin") == 0 || g_strcmp0 (curb_json_get_string (status, "kind"), "tool") == 0;

      if (curb_json_get_string (device, "revoked") != NULL)
        continue;
      g_print ("  %-14s %-8s ", name != NULL ? name : curb_json_get_string (device, "id"), role);
      if (is_tool)
        g_print ("tool credential (scripts, IT): not a device, never stale");
      else if (online)
        g_print ("online, reporting");
      else if (curb_json_get_string (device, "last_seen") == NULL)
        g_print ("HAS NOT REPORTED since it was enrolled — start it, then check its hub URL and credential");
      else
        g_print ("SILENT since %s — check it is on and its network cable is in", curb_json_get_string (device, "last_seen"));
      problems += !is_tool && !online;
      if (online && !is_tool)
        {
          problems += print_part ("camera", camera);
          problems += print_part ("printer", printer);
        }
      g_print ("\n");
    }
  return problems;
}

/* Orders central sent that the store could not take. */
static int
print_order_alerts (JsonObject *sync)
{
  JsonNode *node = sync != NULL ? json_object_get_member (sync, "order_alerts") : NULL;
  JsonArray *alerts = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  guint n = alerts != NULL ? json_array_get_length (alerts) : 0;

  if (n == 0)
    return 0;
  g_print ("Central orders the store could not take: %u (a shopper with such a code is sent to staff; "
           "fix the order in central and it is taken again)\n", n);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *alert = json_array_get_object_element (alerts, i);

      g_print ("  %s (version %" G_GINT64_FORMAT ") since %s%s: %s\n", curb_json_get_string (alert, "ref"),
               json_object_get_int_member_with_default (alert, "version", -1), curb_json_get_string (alert, "first_seen"),
               curb_json_get_string (alert, "shopper_seen") != NULL ? ", shopper waiting" : "",
               curb_json_get_string (alert, "reason"));
    }
  return (int) n;
}

/* Calls for staff from kiosks: answered ones are only counted. */
static int
print_assistance (JsonObject *assistance)
{
  JsonArray *calls = assistance != NULL && json_object_has_member (assistance, "calls")
                     ? json_object_get_array_member (assistance, "calls") : NULL;
  guint open = calls != NULL ? json_array_get_length (calls) : 0;

  if (assistance == NULL)
    return 0;
  if (open == 0)
    {
      g_print ("Calls for staff: none waiting (%" G_GINT64_FORMAT " since the hub started)\n",
               json_object_get_int_member_with_default (assistance, "total", 0));
      return 0;
    }
  g_print ("Calls for staff: %u WAITING — send someone to the kiosk:\n", open);
  for (guint i = 0; i < open; i++)
    {
      JsonObject *call = json_array_get_object_element (calls, i);
      const char *ref = curb_json_get_string (call, "order_ref");

      g_print ("  %s since %s, shopper on the %s screen%s%s\n", curb_json_get_string (call, "device_name"),
               curb_json_get_string (call, "at"), curb_json_get_string (call, "screen"),
               ref != NULL ? ", order " : "", ref != NULL ? ref : "");
    }
  return (int) open;
}

static int
print_status (JsonObject *status)
{
  JsonObject *sync = json_object_has_member (status, "sync") ? json_object_get_object_member (status, "sync") : NULL;
  gint64 outbox = json_object_get_int_member_with_default (status, "outbox_depth", 0);
  gint64 alerts = json_object_get_int_member_with_default (status, "alerts_outstanding", 0);
  int problems = 0;

  g_print ("Store %s — hub %s, up %" G_GINT64_FORMAT " min\n",
           curb_json_get_string (status, "store_id"), curb_json_get_string (status, "version"),
           json_object_get_int_member_with_default (status, "uptime_s", 0) / 60);
  if (sync == NULL || !json_object_get_boolean_member_with_default (sync, "configured", FALSE))
    g_print ("Central: not configured (the store runs on its own)\n");
  else if (json_object_get_boolean_member_with_default (sync, "online", FALSE))
    g_print ("Central: online, in sync (lag %" G_GINT64_FORMAT " s)\n",
             json_object_get_int_member_with_default (sync, "lag_s", 0));
  else
    {
      const char *since = curb_json_get_string (sync, "offline_since");
      const char *why = curb_json_get_string (sync, "last_error");
      g_print ("Central: OFFLINE since %s%s%s. Check-ins keep working; %" G_GINT64_FORMAT
               " event(s) wait to be sent. Check the store's internet connection.\n",
               since != NULL ? since : "start", why != NULL ? " — " : "", why != NULL ? why : "",
               outbox);
      problems++;
    }
  problems += print_order_alerts (sync);
  if (outbox > 0 && problems == 0)
    g_print ("Outbox: %" G_GINT64_FORMAT " event(s) being sent to central\n", outbox);
  if (alerts > 0)
    g_print ("Arrivals waiting for staff: %" G_GINT64_FORMAT "\n", alerts);
  problems += print_assistance (json_object_has_member (status, "assistance")
                                ? json_object_get_object_member (status, "assistance") : NULL);
  g_print ("Devices:\n");
  problems += print_devices (json_object_has_member (status, "devices")
                             ? json_object_get_array_member (status, "devices") : NULL);
  return problems;
}

static void
discard_print (const char *text)
{
}

int
ctl_status (int    argc,
            char **argv)
{
  g_autofree char *hub = NULL, *fingerprint = NULL, *ca_file = NULL, *credential_file = NULL;
  g_autofree char *credential = NULL;
  gboolean as_json = FALSE;
  g_autoptr(GOptionContext) context = g_option_context_new ("— the store's health in plain words");
  g_autoptr(CurbHubClient) client = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  CtlCall call = { g_main_loop_new (NULL, FALSE), NULL, NULL };
  GOptionEntry entries[] = {
    { "hub", 0, 0, G_OPTION_ARG_STRING, &hub, "Hub URL (default https://127.0.0.1:8443)", "URL" },
    { "fingerprint", 0, 0, G_OPTION_ARG_STRING, &fingerprint, "SHA-256 of the hub's certificate", "HEX" },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, "Trust this certificate file (default /var/lib/curbside-hub/hub-cert.pem)", "FILE" },
    { "credential-file", 0, 0, G_OPTION_ARG_FILENAME, &credential_file, "An admin or staging device credential", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, "Print the hub's status document as JSON", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || credential_file == NULL)
    {
      g_printerr ("Usage: curbside-ctl status --credential-file FILE [--hub URL] "
                  "[--fingerprint HEX | --ca-file FILE] [--json]\n"
                  "Exit: 0 all well, 1 something needs attention, 3 hub unreachable, 2 usage\n");
      return 2;
    }
  if (fingerprint == NULL && ca_file == NULL && g_file_test ("/var/lib/curbside-hub/hub-cert.pem", G_FILE_TEST_EXISTS))
    ca_file = g_strdup ("/var/lib/curbside-hub/hub-cert.pem");
  client = make_client (hub != NULL ? hub : "https://127.0.0.1:8443", fingerprint, ca_file, &error);
  credential = client != NULL ? read_credential (credential_file, &error) : NULL;
  if (credential == NULL)
    {
      g_printerr ("curbside-ctl status: %s\n", error->message);
      return 2;
    }
  curb_hub_client_set_credential (client, credential);
  curb_hub_client_get_status_async (client, NULL, on_call_done, &call);
  reply = wait_for (&call, &error);
  if (reply == NULL)
    {
      g_printerr ("curbside-ctl status: the hub did not answer: %s\n"
                  "Is it running? On the hub: systemctl status curbside-hub; journalctl -u curbside-hub\n",
                  error->message);
      return 3;
    }
  if (as_json)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), reply);
      g_autofree char *text = json_to_string (node, TRUE);
      GPrintFunc previous = g_set_print_handler (discard_print);
      int problems = print_status (reply);

      g_set_print_handler (previous);
      g_print ("%s\n", text);
      return problems > 0 ? 1 : 0;
    }
  return print_status (reply) > 0 ? 1 : 0;
}
