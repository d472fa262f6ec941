#include "curb-kpi-page.h"

#include "curb-staging-resources.h"

#include <glib/gi18n.h>

#include "curb-kpi-chart.h"
#include "curb-kpi.h"

typedef enum
{
  TILE_ARRIVALS,
  TILE_MEDIAN_WAIT,
  TILE_P90_WAIT,
  TILE_ALERT_TO_CLAIM,
  TILE_NO_SHOWS,
  TILE_ESCALATIONS,
  N_TILES,
} Tile;

struct _CurbKpiPage
{
  AdwBin              parent_instance;

  GtkFlowBox         *tiles;
  CurbKpiChart       *chart;
  GtkLabel           *values[N_TILES];
  CurbStagingStation *station;
  guint               refresh_id;
};

G_DEFINE_FINAL_TYPE (CurbKpiPage, curb_kpi_page, ADW_TYPE_BIN)

static const char *
tile_title (Tile tile)
{
  switch (tile)
    {
    case TILE_ARRIVALS:
      return _("Arrivals");
    case TILE_MEDIAN_WAIT:
      return _("Median wait");
    case TILE_P90_WAIT:
      return _("9 in 10 served within");
    case TILE_ALERT_TO_CLAIM:
      return _("Alert to claim (median)");
    case TILE_NO_SHOWS:
      return _("No-shows");
    case TILE_ESCALATIONS:
    case N_TILES:
    default:
      return _("Escalations");
    }
}

static void
build_tiles (CurbKpiPage *self)
{
  for (guint i = 0; i < N_TILES; i++)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      GtkWidget *value = gtk_label_new ("—");
      GtkWidget *title = gtk_label_new (tile_title (i));

      gtk_widget_add_css_class (box, "kpi-tile");
      gtk_widget_add_css_class (value, "kpi-value");
      gtk_widget_add_css_class (title, "kpi-title");
      gtk_label_set_wrap (GTK_LABEL (title), TRUE);
      gtk_box_append (GTK_BOX (box), value);
      gtk_box_append (GTK_BOX (box), title);
      gtk_flow_box_append (self->tiles, box);
      self->values[i] = GTK_LABEL (value);
    }
}

static void
set_value (CurbKpiPage *self,
           Tile         tile,
           const char  *value)
{
  g_autofree char *label = g_strdup_printf ("%s: %s", tile_title (tile), value);

  gtk_label_set_text (self->values[tile], value);
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (GTK_WIDGET (self->values[tile]))),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
set_count (CurbKpiPage *self,
           Tile         tile,
           guint64      n)
{
  g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, n);

  set_value (self, tile, text);
}

static void
set_duration (CurbKpiPage *self,
              Tile         tile,
              gint64       ms)
{
  g_autofree char *text = ms >= 0 ? curb_format_wait (ms) : g_strdup ("—");

  set_value (self, tile, text);
}

static int
current_hour (gint64 now)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now / 1000);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);

  return g_date_time_get_hour (local);
}

static gboolean
on_refresh_idle (gpointer user_data)
{
  CurbKpiPage *self = user_data;

  self->refresh_id = 0;
  curb_kpi_page_refresh (self);
  return G_SOURCE_REMOVE;
}

static void
on_board_changed (CurbKpiPage *self)
{
  if (self->refresh_id == 0 && gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->refresh_id = g_timeout_add (250, on_refresh_idle, self);
}

static void
curb_kpi_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (curb_kpi_page_parent_class)->map (widget);
  curb_kpi_page_refresh (CURB_KPI_PAGE (widget));
}

static void
curb_kpi_page_dispose (GObject *object)
{
  CurbKpiPage *self = CURB_KPI_PAGE (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_object (&self->station);

  G_OBJECT_CLASS (curb_kpi_page_parent_class)->dispose (object);
}

static void
curb_kpi_page_class_init (CurbKpiPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = curb_kpi_page_dispose;
  widget_class->map = curb_kpi_page_map;
  g_type_ensure (CURB_TYPE_KPI_CHART);
  curb_staging_resources_ensure ();
  gtk_widget_class_set_template_from_resource (widget_class, "/org/curbside/Staging/kpi/curb-kpi-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CurbKpiPage, tiles);
  gtk_widget_class_bind_template_child (widget_class, CurbKpiPage, chart);
}

static void
curb_kpi_page_init (CurbKpiPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  build_tiles (self);
}

GtkWidget *
curb_kpi_page_new (CurbStagingStation *station)
{
  CurbKpiPage *self = g_object_new (CURB_TYPE_KPI_PAGE, NULL);

  self->station = g_object_ref (station);
  g_signal_connect_object (curb_staging_station_get_board (station), "order-changed",
                           G_CALLBACK (on_board_changed), self, G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}

void
curb_kpi_page_refresh (CurbKpiPage *self)
{
  CurbKpiSummary kpi;
  gint64 now;

  g_return_if_fail (CURB_IS_KPI_PAGE (self));
  now = curb_staging_station_now (self->station);
  curb_kpi_compute (G_LIST_MODEL (curb_staging_station_get_board (self->station)), curb_kpi_day_start (now), &kpi);
  set_count (self, TILE_ARRIVALS, kpi.arrivals);
  set_duration (self, TILE_MEDIAN_WAIT, kpi.median_wait_ms);
  set_duration (self, TILE_P90_WAIT, kpi.p90_wait_ms);
  set_duration (self, TILE_ALERT_TO_CLAIM, kpi.median_alert_to_claim_ms);
  set_count (self, TILE_NO_SHOWS, kpi.no_shows);
  set_count (self, TILE_ESCALATIONS,
             curb_alert_tracker_get_escalations_total (curb_staging_station_get_alerts (self->station)));
  curb_kpi_chart_set_counts (self->chart, kpi.arrivals_by_hour, current_hour (now));
}
