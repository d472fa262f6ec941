/* The staging station's models, without a display: board columns, service
 * levels, alert repeat/escalation/resume, staff session, KPIs, bag check. */
#include "curb-alert-tracker.h"
#include "curb-bag-check.h"
#include "curb-board-model.h"
#include "curb-kpi.h"
#include "curb-label.h"
#include "curb-order-codec.h"
#include "curb-staff-session.h"
#include "curbside-core.h"

#define MIN_MS (60 * 1000)
#define T0 ((gint64) 1795791600000) /* 2026-11-27T15:00:00Z */

static CurbOrder *
make_order (const char *ref,
            const char *state,
            gint64      arrived_at,
            gint64      seq)
{
  g_autofree char *arrived = arrived_at > 0 ? curb_iso8601_from_ms (arrived_at) : NULL;
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  CurbOrder *order;

  json = g_strdup_printf ("{\"ref\":\"%s\",\"state\":\"%s\",\"first_name\":\"Sam\","
                          "\"last_initial\":\"Rivera\",\"bay\":\"3\",\"staged\":true,%s%s%s"
                          "\"bags\":{\"ambient\":2,\"chilled\":1,\"frozen\":0},"
                          "\"locations\":[{\"zone\":\"C\",\"shelf\":\"2\",\"bin\":\"14\"}],"
                          "\"lines\":[{\"id\":\"L1\",\"name\":\"Eggs\",\"qty\":2,"
                          "\"temperature\":\"chilled\",\"age_restricted\":false}],"
                          "\"last_seq\":%" G_GINT64_FORMAT "}",
                          ref, state, arrived ? "\"arrived_at\":\"" : "",
                          arrived ? arrived : "", arrived ? "\"," : "", seq);
  order = curb_order_codec_decode_string (json, &error);
  g_assert_no_error (error);
  return order;
}

static void
test_location_parse (void)
{
  g_autoptr(CurbStagingLocation) location = curb_staging_location_new_parse ("BIN:c-2-14");

  g_assert_nonnull (location);
  g_assert_cmpstr (curb_staging_location_get_zone (location), ==, "C");
  g_assert_cmpstr (curb_staging_location_get_bin (location), ==, "14");
  g_assert_null (curb_staging_location_new_parse ("C-2"));
  g_assert_null (curb_staging_location_new_parse ("C-2-<b>"));
  g_assert_null (curb_staging_location_new_parse ("C-2-14-9"));
  g_assert_null (curb_staging_location_new_parse (NULL));
}

static const char *
first_ref (CurbBoardModel  *board,
           CurbBoardColumn  column)
{
  g_autoptr(GPtrArray) orders = curb_board_model_dup_column (board, column);

  return orders->len > 0 ? curb_order_get_ref (g_ptr_array_index (orders, 0)) : NULL;
}

static guint
column_size (CurbBoardModel  *board,
             CurbBoardColumn  column)
{
  g_autoptr(GPtrArray) orders = curb_board_model_dup_column (board, column);

  return orders->len;
}

static CurbOrder *
make_unstaged (const char *ref,
               gint64      seq)
{
  CurbOrder *order = make_order (ref, "pending", 0, seq);

  curb_order_set_staged (order, FALSE);
  return order;
}

static void
test_board_columns (void)
{
  g_autoptr(CurbBoardModel) board = curb_board_model_new ();
  g_autoptr(CurbOrder) a = make_order ("A1", "arrived", T0, 10);
  g_autoptr(CurbOrder) b = make_order ("B2", "arrived", T0 - MIN_MS, 11);
  g_autoptr(CurbOrder) a_claimed = make_order ("A1", "claimed", T0, 12);
  g_autoptr(CurbOrder) a_stale = make_order ("A1", "arrived", T0, 10);
  g_autoptr(CurbOrder) c = make_order ("C3", "ready", 0, 3);
  g_autoptr(CurbOrder) e = make_unstaged ("E5", 5);
  g_autoptr(CurbOrder) d = make_order ("D4", "handed_over", T0 - 9 * MIN_MS, 4);

  curb_board_model_upsert (board, a);
  curb_board_model_upsert (board, b);
  curb_board_model_upsert (board, c);
  curb_board_model_upsert (board, d);
  curb_board_model_upsert (board, e);
  g_assert_cmpuint (column_size (board, CURB_BOARD_COLUMN_ARRIVED), ==, 2);
  g_assert_cmpstr (first_ref (board, CURB_BOARD_COLUMN_ARRIVED), ==, "B2");   /* longest wait on top */
  /* each column holds what its title says: staged orders apart from those still to stage */
  g_assert_cmpuint (column_size (board, CURB_BOARD_COLUMN_STAGED), ==, 1);
  g_assert_cmpstr (first_ref (board, CURB_BOARD_COLUMN_STAGED), ==, "C3");
  g_assert_cmpuint (column_size (board, CURB_BOARD_COLUMN_TO_STAGE), ==, 1);
  g_assert_cmpstr (first_ref (board, CURB_BOARD_COLUMN_TO_STAGE), ==, "E5");
  g_assert_cmpuint (column_size (board, CURB_BOARD_COLUMN_DONE), ==, 1);

  curb_board_model_upsert (board, a_claimed);
  g_assert_cmpuint (column_size (board, CURB_BOARD_COLUMN_ARRIVED), ==, 1);
  g_assert_cmpuint (column_size (board, CURB_BOARD_COLUMN_CLAIMED), ==, 1);
  curb_board_model_upsert (board, a_stale);   /* a replayed older event moves nothing */
  g_assert_cmpuint (column_size (board, CURB_BOARD_COLUMN_ARRIVED), ==, 1);
  g_assert_cmpint (curb_board_model_get_last_seq (board), ==, 12);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (board)), ==, 5);

  g_assert_cmpuint (curb_board_model_prune_done (board, T0), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (board)), ==, 4);
}

static void
count_items_changed (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     guint      *count)
{
  (*count)++;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* A newer snapshot updates the board's object: screens bound to it see
 * only what changed; filter and sort models hear of the order only when
 * its column or its place changes. */
static void
test_board_updates_in_place (void)
{
  g_autoptr(CurbBoardModel) board = curb_board_model_new ();
  g_autoptr(CurbOrder) staged = make_order ("A1", "ready", 0, 1);
  g_autoptr(CurbOrder) relabelled = make_order ("A1", "ready", 0, 2);
  g_autoptr(CurbOrder) arrived = make_order ("A1", "arrived", T0, 3);
  CurbOrder *order;
  guint changes = 0, notifies = 0;

  order = curb_board_model_upsert (board, staged);
  g_assert_true (order != staged);
  g_signal_connect (board, "items-changed", G_CALLBACK (count_items_changed), &changes);
  g_signal_connect (order, "notify", G_CALLBACK (count_notify), &notifies);
  curb_order_set_bay (relabelled, "7");
  g_assert_true (curb_board_model_upsert (board, relabelled) == order);
  g_assert_cmpstr (curb_order_get_bay (order), ==, "7");
  g_assert_cmpuint (changes, ==, 0);                 /* same column, same place */
  g_assert_cmpuint (notifies, ==, 2);                /* bay, last-seq */
  g_assert_true (curb_board_model_upsert (board, arrived) == order);
  g_assert_cmpuint (changes, ==, 1);                 /* moved to Arrived */
  g_assert_cmpint (curb_board_column_for_order (order), ==, CURB_BOARD_COLUMN_ARRIVED);
  g_assert_true (curb_board_model_lookup (board, "A1") == order);
}

static void
test_board_replace_all (void)
{
  g_autoptr(CurbBoardModel) board = curb_board_model_new ();
  g_autoptr(GPtrArray) orders = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(CurbOrder) old = make_order ("OLD1", "arrived", T0, 1);

  curb_board_model_upsert (board, old);
  g_ptr_array_add (orders, make_order ("N1", "arrived", T0, 2));
  g_ptr_array_add (orders, make_order ("N2", "claimed", T0, 3));
  curb_board_model_replace_all (board, orders);
  g_assert_null (curb_board_model_lookup (board, "OLD1"));
  g_assert_nonnull (curb_board_model_lookup (board, "N2"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (board)), ==, 2);
}

/* Late is late: a shopper who comes an hour after the window is late even
 * when the store serves them at once. */
static void
test_past_window (void)
{
  g_autoptr(CurbBoardModel) board = curb_board_model_new ();
  g_autoptr(CurbOrder) order = make_order ("A1", "arrived", T0, 1);
  g_autoptr(CurbOrder) waiting = make_order ("W1", "ready", 0, 1);

  curb_order_set_window_end (order, T0 - 65 * MIN_MS);
  g_assert_cmpint (curb_board_model_past_window_ms (board, order, T0 + 1000), ==, 65 * MIN_MS);
  g_assert_cmpint (curb_board_model_service_level (board, order, T0 + 1000), ==, CURB_SERVICE_LEVEL_OK);
  curb_order_set_window_end (order, T0 + MIN_MS);
  g_assert_cmpint (curb_board_model_past_window_ms (board, order, T0 + 90 * MIN_MS), ==, 0);
  curb_order_set_window_end (waiting, T0);
  g_assert_cmpint (curb_board_model_past_window_ms (board, waiting, T0 - MIN_MS), ==, 0);
  g_assert_cmpint (curb_board_model_past_window_ms (board, waiting, T0 + 5 * MIN_MS), ==, 5 * MIN_MS);
}

static void
test_service_level (void)
{
  g_autoptr(CurbBoardModel) board = curb_board_model_new ();
  g_autoptr(CurbOrder) order = make_order ("A1", "arrived", T0, 1);
  g_autoptr(CurbOrder) staged = make_order ("S1", "ready", 0, 1);
  g_autofree char *wait = NULL;

  g_assert_cmpint (curb_board_model_service_level (board, order, T0 + 30000), ==, CURB_SERVICE_LEVEL_OK);
  g_assert_cmpint (curb_board_model_service_level (board, order, T0 + 2 * MIN_MS), ==, CURB_SERVICE_LEVEL_AMBER);
  g_assert_cmpint (curb_board_model_service_level (board, order, T0 + 4 * MIN_MS), ==, CURB_SERVICE_LEVEL_RED);
  g_assert_cmpint (curb_board_model_service_level (board, staged, T0), ==, CURB_SERVICE_LEVEL_NONE);
  curb_board_model_set_thresholds (board, 60000, 90000);
  g_assert_cmpint (curb_board_model_service_level (board, order, T0 + 91000), ==, CURB_SERVICE_LEVEL_RED);
  wait = curb_format_wait (272000);
  g_assert_cmpstr (wait, ==, "4:32");
}

static void
test_cold_and_no_show (void)
{
  g_autoptr(CurbBoardModel) board = curb_board_model_new ();
  g_autofree char *staged_at = curb_iso8601_from_ms (T0);
  g_autofree char *window_end = curb_iso8601_from_ms (T0 + 60 * MIN_MS);
  g_autofree char *json = g_strdup_printf ("{\"ref\":\"F1\",\"state\":\"ready\",\"staged\":true,"
                                           "\"staged_at\":\"%s\",\"window_end\":\"%s\","
                                           "\"bags\":{\"frozen\":1}}", staged_at, window_end);
  g_autoptr(CurbOrder) order = curb_order_codec_decode_string (json, NULL);

  g_assert_nonnull (order);
  curb_board_model_set_cold_limit (board, 30 * MIN_MS);
  g_assert_false (curb_board_model_is_cold_too_long (board, order, T0 + 29 * MIN_MS));
  g_assert_true (curb_board_model_is_cold_too_long (board, order, T0 + 31 * MIN_MS));
  curb_board_model_set_no_show_grace (board, 15 * MIN_MS);
  g_assert_false (curb_board_model_is_no_show_due (board, order, T0 + 70 * MIN_MS));
  g_assert_true (curb_board_model_is_no_show_due (board, order, T0 + 76 * MIN_MS));
}

static CurbOrder *
on_the_way_order (const char *ref, gint64 eta, gboolean staged, const char *restage)
{
  g_autofree char *at = curb_iso8601_from_ms (eta);
  g_autofree char *json = g_strdup_printf ("{\"ref\":\"%s\",\"state\":\"%s\",\"staged\":%s,"
                                           "\"on_the_way\":{\"announced_at\":\"%s\",\"eta\":\"%s\"},"
                                           "\"restage\":%s}",
                                           ref, staged ? "ready" : "pending", staged ? "true" : "false", at, at,
                                           restage != NULL ? restage : "[]");
  g_autoptr(GError) error = NULL;
  CurbOrder *order = curb_order_codec_decode_string (json, &error);

  g_assert_no_error (error);
  return order;
}

/* Shoppers who said "I'm on my way" have a lane of their own, the first to
 * arrive first; one not staged the configured time before its ETA warns,
 * as does one central changed after it was staged. */
static void
test_board_on_the_way (void)
{
  g_autoptr(CurbBoardModel) board = curb_board_model_new ();
  g_autoptr(CurbOrder) later = on_the_way_order ("L1", T0 + 30 * MIN_MS, FALSE, NULL);
  g_autoptr(CurbOrder) sooner = on_the_way_order ("S1", T0 + 12 * MIN_MS, FALSE, NULL);
  g_autoptr(CurbOrder) staged = on_the_way_order ("R1", T0 + 5 * MIN_MS, TRUE, NULL);
  g_autoptr(CurbOrder) changed = on_the_way_order ("C1", T0 + 20 * MIN_MS, TRUE,
      "[{\"line_id\":\"L2\",\"name\":\"Whole Milk 1 L\",\"staged_qty\":1,\"qty\":4}]");
  g_autoptr(CurbOrder) quiet = make_order ("Q1", "ready", 0, 1);
  g_autoptr(GPtrArray) lane = NULL;
  const char *expected[] = { "R1", "S1", "C1", "L1" };
  g_autoptr(CurbRestageLine) line = NULL;

  curb_board_model_upsert (board, later);
  curb_board_model_upsert (board, sooner);
  curb_board_model_upsert (board, staged);
  curb_board_model_upsert (board, changed);
  curb_board_model_upsert (board, quiet);
  lane = curb_board_model_dup_column (board, CURB_BOARD_COLUMN_ON_THE_WAY);
  g_assert_cmpuint (lane->len, ==, 4);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (curb_order_get_ref (g_ptr_array_index (lane, i)), ==, expected[i]);
  g_assert_cmpint (curb_board_column_for_order (quiet), ==, CURB_BOARD_COLUMN_STAGED);
  line = g_list_model_get_item (curb_order_get_restage (changed), 0);
  g_assert_cmpuint (curb_restage_line_get_qty (line) - curb_restage_line_get_staged_qty (line), ==, 3);

  curb_board_model_set_eta_warning (board, 10 * MIN_MS);
  g_assert_false (curb_board_model_is_late_for_eta (board, sooner, T0 + 1 * MIN_MS));
  g_assert_true (curb_board_model_is_late_for_eta (board, sooner, T0 + 2 * MIN_MS));
  g_assert_false (curb_board_model_is_late_for_eta (board, staged, T0 + 5 * MIN_MS));
  g_assert_true (curb_board_model_is_late_for_eta (board, changed, T0 + 10 * MIN_MS));
  g_assert_false (curb_board_model_is_late_for_eta (board, quiet, T0 + 60 * MIN_MS));
  curb_board_model_set_eta_warning (board, 20 * MIN_MS);
  g_assert_true (curb_board_model_is_late_for_eta (board, later, T0 + 10 * MIN_MS));
}

typedef struct
{
  guint rings;
  guint escalated_rings;
  guint escalations;
  guint silenced;
} AlertLog;

static void
on_ring (CurbAlertTracker *tracker,
         const char       *ref,
         int               level,
         AlertLog         *log)
{
  log->rings++;
  if (level == CURB_ALERT_LEVEL_ESCALATED)
    log->escalated_rings++;
}

static void
on_escalated (CurbAlertTracker *tracker,
              const char       *ref,
              AlertLog         *log)
{
  log->escalations++;
}

static void
on_silenced (CurbAlertTracker *tracker,
             const char       *ref,
             gint64            ms,
             AlertLog         *log)
{
  log->silenced++;
}

static CurbAlertTracker *
make_tracker (AlertLog *log)
{
  CurbAlertTracker *tracker = curb_alert_tracker_new (10000, 60000);

  g_signal_connect (tracker, "ring", G_CALLBACK (on_ring), log);
  g_signal_connect (tracker, "escalated", G_CALLBACK (on_escalated), log);
  g_signal_connect (tracker, "silenced", G_CALLBACK (on_silenced), log);
  return tracker;
}

static void
test_alert_repeats_until_claimed (void)
{
  AlertLog log = { 0 };
  g_autoptr(CurbAlertTracker) tracker = make_tracker (&log);
  g_autoptr(CurbOrder) arrived = make_order ("A1", "arrived", T0, 1);
  g_autoptr(CurbOrder) claimed = make_order ("A1", "claimed", T0, 2);

  curb_alert_tracker_update_order (tracker, arrived, T0);
  g_assert_cmpuint (log.rings, ==, 1);                 /* rings at once */
  curb_alert_tracker_update_order (tracker, arrived, T0 + 100);
  g_assert_cmpuint (log.rings, ==, 1);                 /* same arrival: no new alert */
  for (gint64 t = T0; t <= T0 + 35000; t += 1000)
    curb_alert_tracker_tick (tracker, t);
  g_assert_cmpuint (log.rings, ==, 4);                 /* 0, 10, 20, 30 s */
  g_assert_cmpint (curb_alert_tracker_get_next_due (tracker), ==, T0 + 40000);
  curb_alert_tracker_update_order (tracker, claimed, T0 + 36000);
  g_assert_cmpuint (log.silenced, ==, 1);
  for (gint64 t = T0 + 36000; t <= T0 + 90000; t += 1000)
    curb_alert_tracker_tick (tracker, t);
  g_assert_cmpuint (log.rings, ==, 4);
  g_assert_cmpuint (log.escalations, ==, 0);
  g_assert_cmpint (curb_alert_tracker_get_level (tracker, "A1"), ==, CURB_ALERT_LEVEL_NONE);
}

static void
test_alert_escalates (void)
{
  AlertLog log = { 0 };
  g_autoptr(CurbAlertTracker) tracker = make_tracker (&log);
  g_autoptr(CurbOrder) arrived = make_order ("A1", "arrived", T0, 1);

  curb_alert_tracker_update_order (tracker, arrived, T0);
  for (gint64 t = T0; t <= T0 + 59000; t += 1000)
    curb_alert_tracker_tick (tracker, t);
  g_assert_cmpuint (log.escalations, ==, 0);
  curb_alert_tracker_tick (tracker, T0 + 60000);
  g_assert_cmpuint (log.escalations, ==, 1);
  g_assert_cmpint (curb_alert_tracker_get_level (tracker, "A1"), ==, CURB_ALERT_LEVEL_ESCALATED);
  curb_alert_tracker_tick (tracker, T0 + 70000);
  g_assert_cmpuint (log.escalations, ==, 1);           /* escalates once */
  g_assert_cmpuint (log.escalated_rings, ==, 2);       /* then rings the escalated sound */
  g_assert_cmpuint (curb_alert_tracker_get_escalations_total (tracker), ==, 1);
}

static void
test_alert_resumes_after_restart (void)
{
  AlertLog log = { 0 };
  g_autoptr(CurbAlertTracker) tracker = make_tracker (&log);
  g_autoptr(CurbOrder) old = make_order ("A1", "arrived", T0, 1);
  g_autoptr(CurbOrder) fresh = make_order ("B1", "arrived", T0 + 110000, 2);

  /* A new station process sees the hub's board: an arrival from two
   * minutes ago rings at once, already escalated; a fresh one rings. */
  curb_alert_tracker_update_order (tracker, old, T0 + 120000);
  curb_alert_tracker_update_order (tracker, fresh, T0 + 120000);
  g_assert_cmpuint (log.rings, ==, 2);
  g_assert_cmpuint (log.escalations, ==, 1);
  g_assert_cmpint (curb_alert_tracker_get_level (tracker, "A1"), ==, CURB_ALERT_LEVEL_ESCALATED);
  g_assert_cmpint (curb_alert_tracker_get_level (tracker, "B1"), ==, CURB_ALERT_LEVEL_RINGING);
  g_assert_cmpuint (curb_alert_tracker_get_n_ringing (tracker), ==, 2);
  g_assert_cmpuint (curb_alert_tracker_get_n_escalated (tracker), ==, 1);
}

static void
on_signed_out (CurbStaffSession *session,
               int               reason,
               int              *out)
{
  *out = reason;
}

static void
test_staff_session (void)
{
  g_autoptr(CurbStaffSession) session = curb_staff_session_new (5 * MIN_MS);
  int reason = -1;

  g_signal_connect (session, "signed-out", G_CALLBACK (on_signed_out), &reason);
  g_assert_false (curb_staff_session_is_signed_in (session));
  curb_staff_session_sign_in (session, "st-7", "Alex", "tok", T0);
  g_assert_cmpstr (curb_staff_session_get_first_name (session), ==, "Alex");
  curb_staff_session_touch (session, T0 + 4 * MIN_MS);
  g_assert_false (curb_staff_session_poll (session, T0 + 8 * MIN_MS));
  g_assert_cmpint (curb_staff_session_get_remaining (session, T0 + 8 * MIN_MS), ==, MIN_MS);
  g_assert_true (curb_staff_session_poll (session, T0 + 9 * MIN_MS));
  g_assert_cmpint (reason, ==, CURB_SIGN_OUT_INACTIVE);
  g_assert_false (curb_staff_session_is_signed_in (session));
  g_assert_null (curb_staff_session_get_token (session));
}

static CurbOrder *
make_done_order (const char *ref,
                 const char *state,
                 gint64      arrived,
                 gint64      claim_after,
                 gint64      hand_after)
{
  g_autofree char *a = curb_iso8601_from_ms (arrived);
  g_autofree char *c = curb_iso8601_from_ms (arrived + claim_after);
  g_autofree char *h = curb_iso8601_from_ms (arrived + hand_after);
  g_autofree char *json = g_strdup_printf ("{\"ref\":\"%s\",\"state\":\"%s\",\"arrived_at\":\"%s\","
                                           "\"claimed_at\":\"%s\",\"handed_over_at\":\"%s\"}",
                                           ref, state, a, c, h);

  return curb_order_codec_decode_string (json, NULL);
}

static void
add_order (GListStore *store,
           CurbOrder  *order)
{
  g_assert_nonnull (order);
  g_list_store_append (store, order);
  g_object_unref (order);
}

static void
test_kpi (void)
{
  g_autoptr(GListStore) orders = g_list_store_new (CURB_TYPE_ORDER);
  CurbKpiSummary kpi;
  gint64 day = curb_kpi_day_start (T0);

  for (int i = 1; i <= 10; i++)
    {
      g_autofree char *ref = g_strdup_printf ("K%d", i);
      g_autoptr(CurbOrder) order = make_done_order (ref, i == 10 ? "partially_handed_over" : "handed_over",
                                                    T0 + i * MIN_MS, i * 10000, i * MIN_MS);

      g_list_store_append (orders, order);
    }
  add_order (orders, make_order ("W1", "arrived", T0, 1));
  add_order (orders, curb_order_codec_decode_string ("{\"ref\":\"N1\",\"state\":\"no_show\"}", NULL));
  add_order (orders, make_done_order ("Y1", "handed_over", day - 3600000, 1000, 2000));
  curb_kpi_compute (G_LIST_MODEL (orders), day, &kpi);
  g_assert_cmpuint (kpi.arrivals, ==, 11);
  g_assert_cmpuint (kpi.handed_over, ==, 10);
  g_assert_cmpuint (kpi.partial, ==, 1);
  g_assert_cmpuint (kpi.waiting_now, ==, 1);
  g_assert_cmpint (kpi.median_wait_ms, ==, 5 * MIN_MS);
  g_assert_cmpint (kpi.p90_wait_ms, ==, 9 * MIN_MS);
  g_assert_cmpint (kpi.median_alert_to_claim_ms, ==, 50000);
}

static void
test_kpi_percentile (void)
{
  g_autoptr(GArray) d = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 one = 7;

  g_assert_cmpint (curb_kpi_percentile (d, 0.5), ==, -1);
  g_array_append_val (d, one);
  g_assert_cmpint (curb_kpi_percentile (d, 0.9), ==, 7);
}

static void
test_bag_check (void)
{
  g_autoptr(CurbOrder) order = make_order ("A7K3Q9", "claimed", T0, 1);   /* 3 bags */
  g_autoptr(CurbBagCheck) check = curb_bag_check_new (order);
  g_autofree char *bag1 = curb_label_bag_code ("A7K3Q9", 1, 3);
  g_autofree char *bag3 = curb_label_bag_code ("A7K3Q9", 3, 3);
  g_autofree char *other = curb_label_bag_code ("ZZ1", 1, 2);
  g_autofree char *other_ref = NULL;

  g_assert_cmpint (curb_bag_check_scan (check, bag1, NULL), ==, CURB_BAG_SCAN_OK);
  g_assert_cmpint (curb_bag_check_scan (check, bag1, NULL), ==, CURB_BAG_SCAN_DUPLICATE);
  g_assert_cmpint (curb_bag_check_scan (check, other, &other_ref), ==, CURB_BAG_SCAN_WRONG_ORDER);
  g_assert_cmpstr (other_ref, ==, "ZZ1");
  g_assert_cmpint (curb_bag_check_scan (check, "CB1:A7K3Q9:4/3", NULL), ==, CURB_BAG_SCAN_UNKNOWN);
  g_assert_cmpint (curb_bag_check_scan (check, "CB1:A7K3Q9:2/5", NULL), ==, CURB_BAG_SCAN_UNKNOWN);
  g_assert_cmpint (curb_bag_check_scan (check, "hello", NULL), ==, CURB_BAG_SCAN_UNKNOWN);
  g_assert_cmpint (curb_bag_check_scan (check, "CB1:<i>:1/1", NULL), ==, CURB_BAG_SCAN_UNKNOWN);
  g_assert_false (curb_bag_check_is_complete (check));
  g_assert_cmpint (curb_bag_check_scan (check, bag3, NULL), ==, CURB_BAG_SCAN_OK);
  g_assert_cmpint (curb_bag_check_scan (check, "CB1:A7K3Q9:2/3", NULL), ==, CURB_BAG_SCAN_OK);
  g_assert_true (curb_bag_check_is_complete (check));
  g_assert_true (curb_bag_check_has_bag (check, 2));
  g_assert_cmpuint (curb_bag_check_get_scanned (check), ==, 3);
}

/* The card and the alert say where the car is: the bay, "choosing" while
 * the shopper picks one at the kiosk, "not given" when they left without. */
static void
test_bay_texts (void)
{
  g_autoptr(CurbOrder) order = curb_order_codec_decode_string ("{\"ref\":\"B1\",\"state\":\"arrived\"}", NULL);
  g_autofree char *choosing = curb_board_dup_bay_label (NULL, FALSE, CURB_ORDER_STATE_ARRIVED);
  g_autofree char *skipped = curb_board_dup_bay_label (NULL, TRUE, CURB_ORDER_STATE_CLAIMED);
  g_autofree char *chosen = curb_board_dup_bay_label ("3", FALSE, CURB_ORDER_STATE_ARRIVED);

  g_assert_cmpstr (choosing, ==, "Bay: choosing\u2026");
  g_assert_cmpstr (skipped, ==, "Bay not given");
  g_assert_cmpstr (chosen, ==, "Bay 3");
  g_assert_null (curb_board_dup_bay_label (NULL, FALSE, CURB_ORDER_STATE_READY));
  g_assert_cmpstr (curb_board_bay_in_sentence (order), ==, "being chosen");
  curb_order_set_bay_skipped (order, TRUE);
  g_assert_cmpstr (curb_board_bay_in_sentence (order), ==, "not given");
  curb_order_set_bay (order, "4");
  g_assert_cmpstr (curb_board_bay_in_sentence (order), ==, "4");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/staging/order/location", test_location_parse);
  g_test_add_func ("/staging/board/columns", test_board_columns);
  g_test_add_func ("/staging/board/bay-texts", test_bay_texts);
  g_test_add_func ("/staging/board/updates-in-place", test_board_updates_in_place);
  g_test_add_func ("/staging/board/replace-all", test_board_replace_all);
  g_test_add_func ("/staging/board/past-window", test_past_window);
  g_test_add_func ("/staging/board/on-the-way", test_board_on_the_way);
  g_test_add_func ("/staging/board/service-level", test_service_level);
  g_test_add_func ("/staging/board/cold-and-no-show", test_cold_and_no_show);
  g_test_add_func ("/staging/alert/repeats-until-claimed", test_alert_repeats_until_claimed);
  g_test_add_func ("/staging/alert/escalates", test_alert_escalates);
  g_test_add_func ("/staging/alert/resumes-after-restart", test_alert_resumes_after_restart);
  g_test_add_func ("/staging/session/inactivity", test_staff_session);
  g_test_add_func ("/staging/kpi/compute", test_kpi);
  g_test_add_func ("/staging/kpi/percentile", test_kpi_percentile);
  g_test_add_func ("/staging/bag-check", test_bag_check);
  return g_test_run ();
}
