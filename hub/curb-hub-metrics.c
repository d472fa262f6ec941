#include <math.h>

#include "curb-hub-metrics.h"

static const double alert_buckets[] = { 5, 10, 20, 30, 60, 120, 300, 600 };

struct _CurbHubMetrics
{
  GObject     parent_instance;
  guint64     checkins;
  GHashTable *rejections;        /* reason -> count */
  guint64     requests[6];       /* by status class 1xx..5xx */
  guint64     alert_counts[G_N_ELEMENTS (alert_buckets)];
  guint64     alert_count;
  double      alert_sum;
};

G_DEFINE_FINAL_TYPE (CurbHubMetrics, curb_hub_metrics, G_TYPE_OBJECT)

static void
curb_hub_metrics_finalize (GObject *object)
{
  CurbHubMetrics *self = CURB_HUB_METRICS (object);

  g_hash_table_unref (self->rejections);
  G_OBJECT_CLASS (curb_hub_metrics_parent_class)->finalize (object);
}

static void
curb_hub_metrics_class_init (CurbHubMetricsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_hub_metrics_finalize;
}

static void
curb_hub_metrics_init (CurbHubMetrics *self)
{
  self->rejections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

CurbHubMetrics *
curb_hub_metrics_new (void)
{
  return g_object_new (CURB_TYPE_HUB_METRICS, NULL);
}

void
curb_hub_metrics_count_checkin (CurbHubMetrics *self)
{
  g_return_if_fail (CURB_IS_HUB_METRICS (self));
  self->checkins++;
}

void
curb_hub_metrics_count_rejection (CurbHubMetrics *self,
                                  const char     *reason)
{
  guint64 *count;

  g_return_if_fail (CURB_IS_HUB_METRICS (self));

  count = g_hash_table_lookup (self->rejections, reason);
  if (count == NULL)
    {
      count = g_new0 (guint64, 1);
      g_hash_table_insert (self->rejections, g_strdup (reason), count);
    }
  (*count)++;
}

void
curb_hub_metrics_count_request (CurbHubMetrics *self,
                                guint           status)
{
  g_return_if_fail (CURB_IS_HUB_METRICS (self));
  self->requests[MIN (status / 100, 5)]++;
}

void
curb_hub_metrics_observe_alert_to_claim (CurbHubMetrics *self,
                                         double          seconds)
{
  g_return_if_fail (CURB_IS_HUB_METRICS (self));

  for (gsize i = 0; i < G_N_ELEMENTS (alert_buckets); i++)
    if (seconds <= alert_buckets[i])
      self->alert_counts[i]++;
  self->alert_count++;
  self->alert_sum += seconds;
}

guint64
curb_hub_metrics_get_checkins (CurbHubMetrics *self)
{
  g_return_val_if_fail (CURB_IS_HUB_METRICS (self), 0);
  return self->checkins;
}

char *
curb_hub_metrics_escape_label (const char *value)
{
  GString *out = g_string_new (NULL);

  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '\\' || *p == '"')
        g_string_append_c (out, '\\');
      if (*p == '\n')
        g_string_append (out, "\\n");
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

void
curb_hub_metrics_append_gauge (GString    *out,
                               const char *name,
                               const char *help,
                               const char *labels,
                               double      value)
{
  if (help != NULL)
    g_string_append_printf (out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
  g_string_append (out, name);
  if (labels != NULL)
    g_string_append_printf (out, "{%s}", labels);
  if (isnan (value))
    g_string_append (out, " NaN\n");
  else
    g_string_append_printf (out, " %.17g\n", value);
}

static void
render_rejections (CurbHubMetrics *self,
                   GString        *out)
{
  GHashTableIter iter;
  gpointer key, value;

  g_string_append (out, "# HELP curbside_checkin_rejections_total Check-ins refused, by reason.\n"
                        "# TYPE curbside_checkin_rejections_total counter\n");
  g_hash_table_iter_init (&iter, self->rejections);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_string_append_printf (out, "curbside_checkin_rejections_total{reason=\"%s\"} %" G_GUINT64_FORMAT "\n",
                            (const char *) key, *(guint64 *) value);
}

static void
render_histogram (CurbHubMetrics *self,
                  GString        *out)
{
  const char *name = "curbside_alert_to_claim_seconds";

  g_string_append_printf (out, "# HELP %s Seconds from a shopper's arrival to a staff claim.\n"
                               "# TYPE %s histogram\n", name, name);
  for (gsize i = 0; i < G_N_ELEMENTS (alert_buckets); i++)
    g_string_append_printf (out, "%s_bucket{le=\"%g\"} %" G_GUINT64_FORMAT "\n",
                            name, alert_buckets[i], self->alert_counts[i]);
  g_string_append_printf (out, "%s_bucket{le=\"+Inf\"} %" G_GUINT64_FORMAT "\n"
                               "%s_sum %.17g\n%s_count %" G_GUINT64_FORMAT "\n",
                          name, self->alert_count, name, self->alert_sum, name, self->alert_count);
}

void
curb_hub_metrics_render (CurbHubMetrics *self,
                         GString        *out)
{
  g_return_if_fail (CURB_IS_HUB_METRICS (self));

  g_string_append_printf (out, "# HELP curbside_checkins_total Shopper check-ins accepted.\n"
                               "# TYPE curbside_checkins_total counter\n"
                               "curbside_checkins_total %" G_GUINT64_FORMAT "\n", self->checkins);
  render_rejections (self, out);
  g_string_append (out, "# HELP curbside_http_requests_total API requests answered, by status class.\n"
                        "# TYPE curbside_http_requests_total counter\n");
  for (guint i = 1; i < G_N_ELEMENTS (self->requests); i++)
    g_string_append_printf (out, "curbside_http_requests_total{code=\"%uxx\"} %" G_GUINT64_FORMAT "\n",
                            i, self->requests[i]);
  render_histogram (self, out);
}
