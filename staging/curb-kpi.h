#pragma once

#include <gio/gio.h>

#include "curb-order-model.h"

G_BEGIN_DECLS

/**
 * CurbKpiSummary:
 *
 * Today's service figures, computed from the board's orders.
 * Durations are -1 when there is nothing to measure yet.
 */
typedef struct
{
  guint  arrivals;
  guint  handed_over;
  guint  partial;
  guint  no_shows;
  guint  waiting_now;
  gint64 median_wait_ms;           /* check-in → handoff */
  gint64 p90_wait_ms;
  gint64 median_alert_to_claim_ms; /* check-in → claim */
  gint64 p90_alert_to_claim_ms;
  guint  arrivals_by_hour[24];     /* local hours */
} CurbKpiSummary;

void   curb_kpi_compute     (GListModel     *orders,
                             gint64          day_start_ms,
                             CurbKpiSummary *out);
gint64 curb_kpi_percentile  (GArray         *durations,
                             double          fraction);
gint64 curb_kpi_day_start   (gint64          now_ms);

G_END_DECLS
