/* Fleet health in /metrics: one series per enrolled device (what it is and
 * runs, when it was last seen, camera, printer and paper), for store IT's
 * Prometheus or a node-exporter textfile. */

#include "curb-hub-private.h"
#include "curb-util.h"

typedef double (*GaugeValue) (JsonObject *device, JsonObject *status, gboolean *out_skip);

typedef struct
{
  const char *name;
  const char *help;
  GaugeValue  value;
} DeviceGauge;

static const char *
status_part (JsonObject *status,
             const char *part)
{
  if (status == NULL)
    return NULL;
  return json_object_get_string_member_with_default (status, part, NULL);
}

/* A part the device has and reported ("none"/"disabled": it has none). */
static const char *
reported_part (JsonObject *status,
               const char *part,
               gboolean   *out_skip)
{
  const char *state = status_part (status, part);

  *out_skip = state == NULL || g_str_has_prefix (state, "none") || g_str_has_prefix (state, "disabled");
  return state;
}

static double
part_ok (JsonObject *status,
         const char *part,
         gboolean   *out_skip)
{
  const char *state = reported_part (status, part, out_skip);

  return !*out_skip && (g_str_has_prefix (state, "ok") || g_str_has_prefix (state, "ready")
                        || g_str_has_prefix (state, "paper_low"));
}

static double
online_value (JsonObject *device, JsonObject *status, gboolean *out_skip)
{
  return json_object_get_boolean_member_with_default (device, "online", FALSE);
}

static double
last_seen_value (JsonObject *device, JsonObject *status, gboolean *out_skip)
{
  const char *last_seen = json_object_get_string_member_with_default (device, "last_seen", NULL);
  gint64 ms = 0;

  if (last_seen == NULL || !curb_iso8601_to_ms (last_seen, &ms))
    return 0;
  return ms / 1000.0;
}

static double
camera_ok_value (JsonObject *device, JsonObject *status, gboolean *out_skip)
{
  return part_ok (status, "camera", out_skip);
}

static double
printer_ok_value (JsonObject *device, JsonObject *status, gboolean *out_skip)
{
  return part_ok (status, "printer", out_skip);
}

static double
paper_low_value (JsonObject *device, JsonObject *status, gboolean *out_skip)
{
  const char *state = reported_part (status, "printer", out_skip);

  return !*out_skip && g_str_has_prefix (state, "paper_low");
}

static double
paper_out_value (JsonObject *device, JsonObject *status, gboolean *out_skip)
{
  const char *state = reported_part (status, "printer", out_skip);

  return !*out_skip && g_str_has_prefix (state, "paper_out");
}

static double
outbox_value (JsonObject *device, JsonObject *status, gboolean *out_skip)
{
  *out_skip = status == NULL || !json_object_has_member (status, "outbox_depth");
  return *out_skip ? 0 : json_object_get_int_member (status, "outbox_depth");
}

static const DeviceGauge device_gauges[] = {
  { "curbside_device_online", "1 when the device sent a heartbeat in the last 90 s.", online_value },
  { "curbside_device_last_seen_timestamp_seconds", "Unix time of the device's last heartbeat (0: never).",
    last_seen_value },
  { "curbside_device_camera_ok", "1 when the device's camera reported ok in its last heartbeat.",
    camera_ok_value },
  { "curbside_device_printer_ok", "1 when the device's printer can print (ok or paper low).",
    printer_ok_value },
  { "curbside_device_printer_paper_low", "1 when the device's printer reported its paper roll low.",
    paper_low_value },
  { "curbside_device_printer_paper_out", "1 when the device's printer is out of paper.", paper_out_value },
  { "curbside_device_outbox_depth", "Actions the device holds that the hub has not received yet.",
    outbox_value },
};

static JsonObject *
device_status (JsonObject *device)
{
  JsonNode *node = json_object_get_member (device, "status");

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static char *
device_label (JsonObject *device)
{
  g_autofree char *id = curb_hub_metrics_escape_label (json_object_get_string_member (device, "id"));

  return g_strdup_printf ("device=\"%s\"", id);
}

static char *
info_labels (JsonObject *device)
{
  const char *version = status_part (device_status (device), "app_version");
  g_autofree char *id = curb_hub_metrics_escape_label (json_object_get_string_member (device, "id"));
  g_autofree char *name = curb_hub_metrics_escape_label (json_object_get_string_member (device, "name"));
  g_autofree char *role = curb_hub_metrics_escape_label (json_object_get_string_member (device, "role"));
  g_autofree char *app = curb_hub_metrics_escape_label (version != NULL ? version : "");

  return g_strdup_printf ("device=\"%s\",name=\"%s\",role=\"%s\",app_version=\"%s\"", id, name, role, app);
}

static void
append_info (GString   *out,
             JsonArray *devices)
{
  const char *help = "Enrolled devices: name, role and the app version of the last heartbeat.";

  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      g_autofree char *labels = info_labels (json_array_get_object_element (devices, i));

      curb_hub_metrics_append_gauge (out, "curbside_device_info", i == 0 ? help : NULL, labels, 1);
    }
}

static void
append_gauge (GString           *out,
              JsonArray         *devices,
              const DeviceGauge *gauge)
{
  gboolean first = TRUE;

  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *device = json_array_get_object_element (devices, i);
      gboolean skip = FALSE;
      double value = gauge->value (device, device_status (device), &skip);
      g_autofree char *labels = NULL;

      if (skip)
        continue;
      labels = device_label (device);
      curb_hub_metrics_append_gauge (out, gauge->name, first ? gauge->help : NULL, labels, value);
      first = FALSE;
    }
}

/* Revoked devices are left out: they are gone from the store. */
static JsonArray *
enrolled_devices (JsonArray *devices)
{
  JsonArray *enrolled = json_array_new ();

  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *device = json_array_get_object_element (devices, i);

      if (!json_object_has_member (device, "revoked"))
        json_array_add_object_element (enrolled, json_object_ref (device));
    }
  return enrolled;
}

void
curb_hub_append_device_metrics (GString   *out,
                                JsonArray *devices)
{
  g_autoptr(JsonArray) enrolled = enrolled_devices (devices);

  append_info (out, enrolled);
  for (gsize i = 0; i < G_N_ELEMENTS (device_gauges); i++)
    append_gauge (out, enrolled, &device_gauges[i]);
}
