#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CURB_TYPE_KPI_CHART (curb_kpi_chart_get_type ())
G_DECLARE_FINAL_TYPE (CurbKpiChart, curb_kpi_chart, CURB, KPI_CHART, GtkWidget)

GtkWidget *curb_kpi_chart_new        (void);
void       curb_kpi_chart_set_counts (CurbKpiChart *self,
                                      const guint   counts[24],
                                      int           current_hour);

G_END_DECLS
