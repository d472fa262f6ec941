#include "curb-health.h"

#include <glib/gi18n.h>

#include "curbside-core.h"

CurbHealthEntry *
curb_health_entry_new (const char      *name,
                       CurbHealthLevel  level,
                       const char      *status,
                       const char      *advice)
{
  CurbHealthEntry *entry = g_new0 (CurbHealthEntry, 1);

  entry->name = g_strdup (name);
  entry->level = level;
  entry->status = g_strdup (status);
  entry->advice = g_strdup (advice);
  return entry;
}

void
curb_health_entry_free (CurbHealthEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->name);
  g_free (entry->status);
  g_free (entry->advice);
  g_free (entry);
}

static char *
format_since (const char *iso)
{
  gint64 ms;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (!curb_iso8601_to_ms (iso, &ms))
    return g_strdup (_("a while"));
  utc = g_date_time_new_from_unix_utc (ms / 1000);
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%H:%M");
}

static const char *
str_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
int_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}

static gboolean
bool_member (JsonObject *object,
             const char *name,
             gboolean    fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fallback;
  return json_node_get_boolean (node);
}

static CurbHealthEntry *
sync_entry (JsonObject *status)
{
  JsonObject *sync = status;
  gint64 outbox;
  g_autofree char *since = NULL, *text = NULL;

  if (status != NULL && json_object_has_member (status, "sync")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (status, "sync")))
    sync = json_object_get_object_member (status, "sync");
  outbox = int_member (sync, "outbox_depth");
  if (bool_member (sync, "online", FALSE))
    {
      text = outbox > 0 ? g_strdup_printf (_("Online, sending %" G_GINT64_FORMAT " waiting updates"), outbox)
                        : g_strdup (_("Online, up to date"));
      return curb_health_entry_new (_("Order system (central)"), CURB_HEALTH_OK, text, "");
    }
  since = format_since (str_member (sync, "offline_since"));
  text = g_strdup_printf (_("Offline since %s; %" G_GINT64_FORMAT " updates wait to be sent"), since, outbox);
  return curb_health_entry_new (_("Order system (central)"), CURB_HEALTH_WARNING, text,
                                _("Pickups keep working in the store. Nothing is lost: updates are sent when the internet is back. If it lasts, call store IT."));
}

static const char *
printer_words (const char *state,
               const char **advice)
{
  static const struct { const char *state, *words, *advice; } table[] = {
    { "paper_out", N_("Out of paper"), N_("Put in a new paper roll.") },
    { "cover_open", N_("Cover open"), N_("Close the printer cover.") },
    { "offline", N_("Not answering"), N_("Check the printer is switched on and its cable is in.") },
    { "error", N_("Printer error"), N_("Switch the printer off and on again.") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (g_strcmp0 (state, table[i].state) == 0)
      {
        *advice = _(table[i].advice);
        return _(table[i].words);
      }
  *advice = _("Check the printer.");
  return state;
}

static void
add_device_entries (GPtrArray  *entries,
                    JsonObject *device)
{
  const char *name = str_member (device, "name") ?: str_member (device, "id") ?: _("Device");
  JsonObject *camera = json_object_has_member (device, "camera")
                       && JSON_NODE_HOLDS_OBJECT (json_object_get_member (device, "camera"))
                       ? json_object_get_object_member (device, "camera") : NULL;
  const char *printer = str_member (device, "printer");
  g_autofree char *camera_name = g_strdup_printf (_("%s camera"), name);
  g_autofree char *printer_name = g_strdup_printf (_("%s printer"), name);
  const char *advice = NULL;

  if (camera != NULL && bool_member (camera, "ok", TRUE))
    g_ptr_array_add (entries, curb_health_entry_new (camera_name, CURB_HEALTH_OK, _("Working"), ""));
  else if (camera != NULL)
    g_ptr_array_add (entries, curb_health_entry_new (camera_name, CURB_HEALTH_PROBLEM,
                                                     str_member (camera, "message") ?: _("Not working"),
                                                     _("Check the camera cable. Shoppers can still type their order number.")));
  if (printer == NULL)
    return;
  if (g_str_equal (printer, "ok"))
    g_ptr_array_add (entries, curb_health_entry_new (printer_name, CURB_HEALTH_OK, _("Ready"), ""));
  else
    {
      const char *words = printer_words (printer, &advice);
      g_ptr_array_add (entries, curb_health_entry_new (printer_name, CURB_HEALTH_PROBLEM, words, advice));
    }
}

/**
 * curb_health_from_hub:
 * @status: (nullable): the hub's /v1/status answer
 * @devices: (nullable): the hub's /v1/devices list
 * @now_ms: the station clock
 *
 * Returns: (transfer full) (element-type CurbHealthEntry): entries, problems first
 */
GPtrArray *
curb_health_from_hub (JsonObject *status,
                      JsonArray  *devices,
                      gint64      now_ms)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) curb_health_entry_free);

  if (status != NULL)
    g_ptr_array_add (entries, sync_entry (status));
  for (guint i = 0; devices != NULL && i < json_array_get_length (devices); i++)
    {
      JsonNode *node = json_array_get_element (devices, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        add_device_entries (entries, json_node_get_object (node));
    }
  return entries;
}
