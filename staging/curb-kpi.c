#include "curb-kpi.h"

#include <string.h>

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Nearest-rank percentile of @durations (sorted in place); -1 when empty. */
gint64
curb_kpi_percentile (GArray *durations,
                     double  fraction)
{
  guint rank;

  g_return_val_if_fail (durations != NULL, -1);
  if (durations->len == 0)
    return -1;
  g_array_sort (durations, compare_gint64);
  rank = (guint) MAX (1.0, (fraction * durations->len) + 0.999999);
  rank = MIN (rank, durations->len);
  return g_array_index (durations, gint64, rank - 1);
}

static int
local_hour (gint64 ms)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

  return local != NULL ? g_date_time_get_hour (local) : 0;
}

static void
count_order (CurbOrder      *order,
             CurbKpiSummary *out,
             GArray         *waits,
             GArray         *claims)
{
  gint64 arrived = curb_order_get_arrived_at (order);
  gint64 claimed = curb_order_get_claimed_at (order);
  gint64 handed = curb_order_get_handed_over_at (order);
  CurbOrderState state = curb_order_get_state (order);

  if (state == CURB_ORDER_STATE_NO_SHOW)
    out->no_shows++;
  if (arrived <= 0)
    return;
  out->arrivals++;
  out->arrivals_by_hour[local_hour (arrived)]++;
  if (state == CURB_ORDER_STATE_ARRIVED)
    out->waiting_now++;
  if (claimed >= arrived)
    {
      gint64 d = claimed - arrived;
      g_array_append_val (claims, d);
    }
  if (state == CURB_ORDER_STATE_HANDED_OVER || state == CURB_ORDER_STATE_PARTIALLY_HANDED_OVER)
    {
      if (state == CURB_ORDER_STATE_PARTIALLY_HANDED_OVER)
        out->partial++;
      out->handed_over++;
      if (handed >= arrived)
        {
          gint64 d = handed - arrived;
          g_array_append_val (waits, d);
        }
    }
}

static gboolean
is_today (CurbOrder      *order,
          gint64          day_start_ms)
{
  gint64 t = curb_order_get_arrived_at (order);

  if (t <= 0)
    t = curb_order_get_window_end (order);
  return t >= day_start_ms;
}

/**
 * curb_kpi_compute:
 * @orders: (element-type CurbOrder): the board's orders
 * @day_start_ms: local midnight; earlier orders are not counted
 * @out: (out caller-allocates): the summary
 */
void
curb_kpi_compute (GListModel     *orders,
                  gint64          day_start_ms,
                  CurbKpiSummary *out)
{
  g_autoptr(GArray) waits = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) claims = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_if_fail (G_IS_LIST_MODEL (orders) && out != NULL);

  memset (out, 0, sizeof *out);
  for (guint i = 0; i < g_list_model_get_n_items (orders); i++)
    {
      g_autoptr(CurbOrder) order = g_list_model_get_item (orders, i);

      if (is_today (order, day_start_ms))
        count_order (order, out, waits, claims);
    }
  out->median_wait_ms = curb_kpi_percentile (waits, 0.5);
  out->p90_wait_ms = curb_kpi_percentile (waits, 0.9);
  out->median_alert_to_claim_ms = curb_kpi_percentile (claims, 0.5);
  out->p90_alert_to_claim_ms = curb_kpi_percentile (claims, 0.9);
}

gint64
curb_kpi_day_start (gint64 now_ms)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now_ms / 1000);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);
  g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (local),
                                                         g_date_time_get_month (local),
                                                         g_date_time_get_day_of_month (local),
                                                         0, 0, 0);

  return g_date_time_to_unix (midnight) * 1000;
}
