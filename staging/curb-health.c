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

static CurbHealthEntry *
sync_entry (JsonObject *status)
{
  JsonObject *sync = NULL;
  gint64 outbox = curb_json_get_int (status, "outbox_depth", 0);
  g_autofree char *since = NULL, *text = NULL;
  const char *name = _("Order system (central)");

  if (json_object_has_member (status, "sync") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (status, "sync")))
    sync = json_object_get_object_member (status, "sync");
  if (sync != NULL && !curb_json_get_bool (sync, "configured", TRUE))
    return curb_health_entry_new (name, CURB_HEALTH_WARNING, _("Not set up on this hub"),
                                  _("Orders only come from this store's own list. Ask store IT to connect the hub to central."));
  if (sync == NULL || curb_json_get_bool (sync, "online", FALSE))
    {
      text = outbox > 0 ? g_strdup_printf (_("Online, sending %u waiting updates"), (guint) outbox)
                        : g_strdup (_("Online, up to date"));
      return curb_health_entry_new (name, CURB_HEALTH_OK, text, "");
    }
  since = format_since (curb_json_get_string (sync, "offline_since"));
  text = g_strdup_printf (_("Offline since %s; %u updates wait to be sent"), since, (guint) outbox);
  return curb_health_entry_new (name, CURB_HEALTH_WARNING, text,
                                _("Pickups keep working in the store. Nothing is lost: updates are sent when the internet is back. If it lasts, call store IT."));
}

/* Orders central sent that the store could not take: a shopper with such
 * a code is sent to staff, who serve them from the order in central. */
static void
add_order_alerts (GPtrArray  *entries,
                  JsonObject *status)
{
  JsonObject *sync = json_object_has_member (status, "sync")
                     && JSON_NODE_HOLDS_OBJECT (json_object_get_member (status, "sync"))
                     ? json_object_get_object_member (status, "sync") : NULL;
  JsonNode *node = sync != NULL ? json_object_get_member (sync, "order_alerts") : NULL;
  JsonArray *alerts = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  for (guint i = 0; alerts != NULL && i < json_array_get_length (alerts); i++)
    {
      JsonNode *element = json_array_get_element (alerts, i);
      JsonObject *alert = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      const char *ref = curb_json_get_string (alert, "ref");
      g_autofree char *name = NULL, *text = NULL;

      if (ref == NULL)
        continue;
      /* Translators: %s is an order number */
      name = g_strdup_printf (_("Order %s"), ref);
      text = curb_json_get_string (alert, "shopper_seen") != NULL
             ? g_strdup_printf (_("The shopper is here, but the order could not be taken from central (%s)"),
                                curb_json_get_string (alert, "reason") ?: "")
             : g_strdup_printf (_("Could not be taken from central (%s)"), curb_json_get_string (alert, "reason") ?: "");
      g_ptr_array_add (entries, curb_health_entry_new (name, CURB_HEALTH_PROBLEM, text,
                                                       _("Serve the shopper from the order in the order system and tell store IT.")));
    }
}

static const char *
printer_words (const char  *state,
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

static const char *
camera_words (const char  *state,
              const char **advice)
{
  *advice = _("Check the camera cable. Shoppers can still type their order number.");
  if (g_strcmp0 (state, "unplugged") == 0 || g_strcmp0 (state, "no_camera") == 0)
    return _("Unplugged");
  if (g_strcmp0 (state, "frozen") == 0)
    return _("Picture frozen");
  return state;
}

static gboolean
state_is_fine (const char *state)
{
  return state == NULL || g_str_equal (state, "ok") || g_str_equal (state, "none");
}

static void
add_part (GPtrArray  *entries,
          const char *device,
          const char *part,
          const char *state,
          const char *(*words) (const char *, const char **))
{
  g_autofree char *name = NULL;
  const char *advice = "";

  if (state == NULL || g_str_equal (state, "none"))
    return;
  /* Translators: "Kiosk 2 camera" */
  name = g_strdup_printf (_("%s %s"), device, part);
  if (state_is_fine (state))
    g_ptr_array_add (entries, curb_health_entry_new (name, CURB_HEALTH_OK, _("Working"), ""));
  else
    {
      const char *text = words (state, &advice);
      g_ptr_array_add (entries, curb_health_entry_new (name, CURB_HEALTH_PROBLEM, text, advice));
    }
}

static void
add_device_entries (GPtrArray  *entries,
                    JsonObject *device)
{
  const char *name = curb_json_get_string (device, "name") ?: curb_json_get_string (device, "id") ?: _("Device");
  JsonObject *status = json_object_has_member (device, "status")
                       && JSON_NODE_HOLDS_OBJECT (json_object_get_member (device, "status"))
                       ? json_object_get_object_member (device, "status") : NULL;
  g_autofree char *last_seen = NULL, *text = NULL;

  /* credentials of IT and scripts are not devices: they never go stale */
  if (curb_json_get_bool (device, "revoked", FALSE) || g_strcmp0 (curb_json_get_string (device, "role"), "admin") == 0
      || g_strcmp0 (curb_json_get_string (status, "kind"), "tool") == 0)
    return;
  if (!curb_json_get_bool (device, "online", TRUE) && curb_json_get_string (device, "last_seen") == NULL)
    {
      g_ptr_array_add (entries, curb_health_entry_new (name, CURB_HEALTH_PROBLEM,
                                                       _("Has not reported since it was enrolled"),
                                                       _("Start it, then check its hub address and credential.")));
      return;
    }
  if (!curb_json_get_bool (device, "online", TRUE))
    {
      last_seen = format_since (curb_json_get_string (device, "last_seen"));
      text = g_strdup_printf (_("Silent since %s"), last_seen);
      g_ptr_array_add (entries, curb_health_entry_new (name, CURB_HEALTH_PROBLEM, text,
                                                       _("Check it is switched on and its network cable is in.")));
      return;
    }
  if (curb_json_get_string (status, "camera") == NULL && curb_json_get_string (status, "printer") == NULL)
    g_ptr_array_add (entries, curb_health_entry_new (name, CURB_HEALTH_OK, _("Reporting"), ""));
  add_part (entries, name, _("camera"), curb_json_get_string (status, "camera"), camera_words);
  add_part (entries, name, _("printer"), curb_json_get_string (status, "printer"), printer_words);
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
    {
      g_ptr_array_add (entries, sync_entry (status));
      add_order_alerts (entries, status);
    }
  for (guint i = 0; devices != NULL && i < json_array_get_length (devices); i++)
    {
      JsonNode *node = json_array_get_element (devices, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        add_device_entries (entries, json_node_get_object (node));
    }
  return entries;
}
