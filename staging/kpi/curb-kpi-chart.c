#include "curb-kpi-chart.h"

#include <glib/gi18n.h>
#include <string.h>

/* Arrivals by hour of the day, drawn with cairo: bars from the first to the
 * last hour with arrivals (at least 8:00–20:00), the current hour highlighted. */
struct _CurbKpiChart
{
  GtkWidget parent_instance;

  guint     counts[24];
  int       current_hour;
};

G_DEFINE_FINAL_TYPE (CurbKpiChart, curb_kpi_chart, GTK_TYPE_WIDGET)

static void
hour_range (CurbKpiChart *self,
            int          *first,
            int          *last)
{
  *first = 8;
  *last = 20;
  for (int h = 0; h < 24; h++)
    if (self->counts[h] > 0)
      {
        *first = MIN (*first, h);
        *last = MAX (*last, h);
      }
}

static void
draw_bars (CurbKpiChart *self,
           cairo_t      *cr,
           double        width,
           double        height)
{
  int first, last;
  guint max = 1;
  double slot, base = height - 22, top = 18;

  hour_range (self, &first, &last);
  for (int h = first; h <= last; h++)
    max = MAX (max, self->counts[h]);
  slot = width / (last - first + 1);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 13);
  for (int h = first; h <= last; h++)
    {
      double x = (h - first) * slot;
      double bar = (base - top) * self->counts[h] / max;
      char text[16];

      if (h == self->current_hour)
        cairo_set_source_rgb (cr, 0.89, 0.45, 0.0);
      else
        cairo_set_source_rgb (cr, 0.11, 0.44, 0.85);
      cairo_rectangle (cr, x + slot * 0.15, base - bar, slot * 0.7, bar);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
      g_snprintf (text, sizeof text, "%02d", h);
      cairo_move_to (cr, x + slot * 0.5 - 8, height - 4);
      cairo_show_text (cr, text);
      if (self->counts[h] > 0)
        {
          g_snprintf (text, sizeof text, "%u", self->counts[h]);
          cairo_move_to (cr, x + slot * 0.5 - 4, base - bar - 4);
          cairo_show_text (cr, text);
        }
    }
  cairo_set_source_rgb (cr, 0.4, 0.4, 0.4);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, 0, base + 0.5);
  cairo_line_to (cr, width, base + 0.5);
  cairo_stroke (cr);
}

static void
curb_kpi_chart_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  CurbKpiChart *self = CURB_KPI_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  draw_bars (self, cr, width, height);
  cairo_destroy (cr);
}

static void
curb_kpi_chart_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 240 : 160;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 720 : 240;
}

static void
curb_kpi_chart_class_init (CurbKpiChartClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = curb_kpi_chart_snapshot;
  widget_class->measure = curb_kpi_chart_measure;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "kpichart");
}

static void
curb_kpi_chart_init (CurbKpiChart *self)
{
  self->current_hour = -1;
}

GtkWidget *
curb_kpi_chart_new (void)
{
  return g_object_new (CURB_TYPE_KPI_CHART, NULL);
}

static void
update_description (CurbKpiChart *self)
{
  g_autoptr(GString) text = g_string_new (_("Arrivals by hour:"));

  for (int h = 0; h < 24; h++)
    if (self->counts[h] > 0)
      g_string_append_printf (text, " %02d:00 %u;", h, self->counts[h]);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, text->str, -1);
}

void
curb_kpi_chart_set_counts (CurbKpiChart *self,
                           const guint   counts[24],
                           int           current_hour)
{
  g_return_if_fail (CURB_IS_KPI_CHART (self));
  if (memcmp (self->counts, counts, sizeof self->counts) == 0 && self->current_hour == current_hour)
    return;
  memcpy (self->counts, counts, sizeof self->counts);
  self->current_hour = current_hour;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
