/* Staging station benchmarks (JSON lines):
 *  - check-in at a real hub → card painted and chime started, p50/p99,
 *    against the bare check-in round trip measured in the same run; the
 *    check-ins come from a real kiosk session (the code as the scanner
 *    reads it), so the hub's request count says what the kiosk asks before
 *    the staff alert and what it sends after (the bay);
 *  - a board of 300 active orders scrolled: per-frame work p95, against a
 *    board of 12 orders;
 *  - RSS over a simulated 8-hour shift (compressed clock). */
#include <unistd.h>

#include "board/curb-board-page.h"
#include "curb-kiosk-session.h"
#include "curb-test-helpers.h"
#include "curb-staging-application.h"
#include "test-hub-fixture.h"
#include "test-staging-display.h"
#include "test-staging-orders.h"

static CurbStagingApplication *app;
static CurbStagingWindow *window;
static CurbStagingStation *station;
static gint64 painted_at;
static gint64 sound_at;
static gint64 changed_at;
static gint64 frame_begin;
static GArray *frame_times;
static gint64 sim_now;

static gint64 greeted_at;

/* The kiosk greets from the check-in's reply (or says the order is not
 * ready yet, the shopper checked in all the same). */
static gboolean
is_greeting (CurbKioskFlow *flow)
{
  return curb_kiosk_flow_get_screen (flow) == CURB_KIOSK_SCREEN_GREETING
         || (curb_kiosk_flow_get_screen (flow) == CURB_KIOSK_SCREEN_PROBLEM
             && curb_kiosk_flow_get_problem (flow) == CURB_KIOSK_PROBLEM_NOT_READY);
}

static void
on_kiosk_changed (CurbKioskFlow *flow,
                  gpointer       unused)
{
  if (greeted_at == 0 && is_greeting (flow))
    greeted_at = g_get_monotonic_time ();
}

static gboolean
greeted (gpointer data)
{
  return greeted_at > 0;
}

/* A kiosk as deployed minus its camera and timers: flow, session, outbox. */
typedef struct
{
  CurbKioskFlow    *flow;
  CurbKioskSession *session;
  CurbKeyring      *keyring;
  char             *dir;
} BenchKiosk;

static void
bench_kiosk_start (BenchKiosk    *k,
                   HubFixture    *fx,
                   CurbHubClient *client)
{
  const char *bays[] = { "1", "2", "3", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbKioskOutbox) outbox = NULL;
  g_autofree char *path = NULL;

  k->dir = curb_test_mkdtemp ();
  path = g_build_filename (k->dir, "kiosk-cache.db", NULL);
  outbox = curb_kiosk_outbox_open (path, &error);
  g_assert_no_error (error);
  k->keyring = curb_keyring_new ();
  curb_keyring_add (k->keyring, "t1", curb_signing_key_get_public_key (fx->issuer), &error);
  g_assert_no_error (error);
  k->flow = curb_kiosk_flow_new ();
  curb_kiosk_flow_set_bays (k->flow, bays);
  k->session = curb_kiosk_session_new (k->flow, client, outbox);
  g_signal_connect (k->flow, "changed", G_CALLBACK (on_kiosk_changed), NULL);
  curb_kiosk_session_set_keyring (k->session, k->keyring, HUB_TEST_STORE_ID);
}

static void
bench_kiosk_stop (BenchKiosk *k)
{
  g_clear_object (&k->session);
  g_clear_object (&k->flow);
  g_clear_object (&k->keyring);
  curb_test_rmdir (k->dir);
  g_free (k->dir);
}

static void
emit (const char *name,
      double      value,
      const char *unit)
{
  g_print ("{\"name\": \"%s\", \"value\": %.3f, \"unit\": \"%s\"}\n", name, value, unit);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *values,
            double  fraction)
{
  guint rank;

  g_array_sort (values, compare_double);
  rank = (guint) MAX (1.0, fraction * values->len + 0.999999);
  return g_array_index (values, double, MIN (rank, values->len) - 1);
}

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       data)
{
  if (painted_at == 0)
    painted_at = g_get_monotonic_time ();
  if (frame_times != NULL && frame_begin > 0)
    {
      double ms = (g_get_monotonic_time () - frame_begin) / 1000.0;
      g_array_append_val (frame_times, ms);
      frame_begin = 0;
    }
}

static gint64 paint_begin;
static GArray *paint_times;

static void
on_before_paint (GdkFrameClock *clock,
                 gpointer       data)
{
  frame_begin = g_get_monotonic_time ();
}

static gint64 update_end, layout_end;
static GArray *update_times, *layout_times;

static void
on_update_end (GdkFrameClock *clock,
               gpointer       data)
{
  update_end = g_get_monotonic_time ();
  if (frame_begin > 0 && update_times != NULL)
    {
      double ms = (update_end - frame_begin) / 1000.0;
      g_array_append_val (update_times, ms);
    }
}

static void
on_layout_end (GdkFrameClock *clock,
               gpointer       data)
{
  layout_end = g_get_monotonic_time ();
  if (update_end > 0 && layout_times != NULL)
    {
      double ms = (layout_end - update_end) / 1000.0;
      g_array_append_val (layout_times, ms);
    }
}

/* GTK's own handlers run first: this marks the end of the phase. */
static void
on_paint (GdkFrameClock *clock,
          gpointer       data)
{
  double ms;

  paint_begin = g_get_monotonic_time ();
  if (paint_times == NULL || layout_end == 0)
    return;
  ms = (paint_begin - layout_end) / 1000.0;
  g_array_append_val (paint_times, ms);
}

static void
on_paint_done (GdkFrameClock *clock,
               gpointer       data)
{
  paint_begin = 0;
}

static void
on_sound_started (CurbSound *sound, int cue, gpointer data)
{
  sound_at = g_get_monotonic_time ();
}

static void
on_order_changed (CurbBoardModel *board, const char *ref, CurbOrder *order, gpointer data)
{
  if (order != NULL && curb_order_get_state (order) == CURB_ORDER_STATE_ARRIVED && painted_at == 1)
    {
      painted_at = 0;   /* the next frame shows it */
      changed_at = g_get_monotonic_time ();
    }
}

static gboolean
arrival_shown (gpointer data)
{
  CurbOrder *order = curb_board_model_lookup (curb_staging_station_get_board (station), data);

  return order != NULL && curb_order_get_state (order) == CURB_ORDER_STATE_ARRIVED
         && painted_at > 0 && sound_at > 0;
}

static gboolean
bay_shown (gpointer data)
{
  CurbOrder *order = curb_board_model_lookup (curb_staging_station_get_board (station), data);

  return order != NULL && g_strcmp0 (curb_order_get_bay (order), "3") == 0;
}

static CurbStagingApplication *
start_app (CurbHubClient *client)
{
  CurbStagingApplication *a = curb_staging_application_new ();
  CurbStagingSettings *settings = curb_staging_application_get_settings (a);

  g_free (settings->audio_sink);
  settings->audio_sink = g_strdup ("fakesink sync=true");
  settings->escalate_ms = 0;
  settings->repeat_ms = 60 * 60 * 1000;
  if (client != NULL)
    {
      g_autofree char *queue = g_build_filename (g_get_tmp_dir (), "bench-staging-pending.json", NULL);

      curb_staging_application_set_hub_client (a, client);
      curb_staging_application_set_queue_path (a, queue);
    }
  g_assert_true (g_application_register (G_APPLICATION (a), NULL, NULL));
  g_application_activate (G_APPLICATION (a));
  window = curb_staging_application_get_window (a);
  station = curb_staging_application_get_station (a);
  curb_staff_session_sign_in (curb_staging_station_get_session (station), "1007", "Alex", NULL, curb_now_ms ());
  curb_test_spin (300);
  return a;
}

/* Requests the hub answered so far (every status class). */
static double
hub_requests (HubFixture *fx)
{
  g_autofree char *metrics = curb_hub_render_metrics (fx->hub);
  g_auto(GStrv) lines = g_strsplit (metrics, "\n", -1);
  double total = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "curbside_http_requests_total{"))
      total += g_ascii_strtod (strrchr (lines[i], ' ') + 1, NULL);
  return total;
}

static void
bench_checkin (guint n)
{
  HubFixture fx = { 0 };
  g_autoptr(CurbHubClient) kiosk = NULL;
  g_autoptr(CurbHubClient) client = NULL;
  g_autofree char *credential = NULL;
  g_autoptr(GArray) card = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) rtt = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) stream = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) paint = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) chime = g_array_new (FALSE, FALSE, sizeof (double));
  GdkFrameClock *clock;
  double requests_before, before_alert = 0;
  BenchKiosk shopper_kiosk = { 0 };

  hub_fixture_setup (&fx, NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *ref = g_strdup_printf ("BN%04u", i);
      hub_fixture_add_order (&fx, ref, FALSE);
    }
  kiosk = hub_fixture_device (&fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  credential = hub_fixture_enroll (&fx, CURB_DEVICE_ROLE_STAGING, NULL);
  client = hub_fixture_client (&fx);
  curb_hub_client_set_credential (client, credential);
  app = start_app (client);
  curb_test_spin (500);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), NULL);
  g_signal_connect (curb_staging_station_get_sound (station), "started", G_CALLBACK (on_sound_started), NULL);
  g_signal_connect (curb_staging_station_get_board (station), "order-changed", G_CALLBACK (on_order_changed), NULL);

  bench_kiosk_start (&shopper_kiosk, &fx, kiosk);
  requests_before = hub_requests (&fx);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *ref = g_strdup_printf ("BN%04u", i);
      g_autofree char *token = hub_fixture_token (&fx, HUB_TEST_STORE_ID, ref, g_get_real_time () / G_USEC_PER_SEC + 3600);
      gint64 t0 = g_get_monotonic_time ();
      double requests_at_scan = hub_requests (&fx);
      double ms;

      painted_at = 1;   /* not armed until the order arrives */
      sound_at = 0;
      greeted_at = 0;
      curb_kiosk_session_handle_code (shopper_kiosk.session, token);
      if (!curb_test_spin_until (arrival_shown, ref, 2000))
        g_error ("arrival %s not shown within 2 s", ref);
      before_alert += hub_requests (&fx) - requests_at_scan;
      if (!curb_test_spin_until (greeted, NULL, 2000))
        g_error ("kiosk did not greet %s", ref);
      /* the kiosk's one round trip: scan → greeted from the reply */
      ms = (greeted_at - t0) / 1000.0;
      g_array_append_val (rtt, ms);
      ms = (MAX (painted_at, sound_at) - t0) / 1000.0;
      g_array_append_val (card, ms);
      /* where the time goes: the hub's stream, then the frame, the chime */
      ms = (changed_at - t0) / 1000.0;
      g_array_append_val (stream, ms);
      ms = (painted_at - changed_at) / 1000.0;
      g_array_append_val (paint, ms);
      ms = (sound_at - changed_at) / 1000.0;
      g_array_append_val (chime, ms);
      /* the shopper picks bay 3: the update after the alert */
      curb_kiosk_flow_check_in_anyway (shopper_kiosk.flow);
      curb_kiosk_flow_confirm (shopper_kiosk.flow);
      curb_kiosk_flow_choose_bay (shopper_kiosk.flow, "3");
      if (!curb_test_spin_until (bay_shown, ref, 2000))
        g_error ("bay of %s not shown within 2 s", ref);
      curb_kiosk_flow_start_over (shopper_kiosk.flow);
      curb_test_spin (60);
    }
  g_signal_handlers_disconnect_by_func (clock, on_after_paint, NULL);
  curb_staging_link_stop (curb_staging_station_get_link (station));
  emit ("staging_checkin_to_card_and_sound_p50", percentile (card, 0.5), "ms");
  emit ("staging_checkin_to_card_and_sound_p99", percentile (card, 0.99), "ms");
  emit ("staging_checkin_to_board_model_p50", percentile (stream, 0.5), "ms");
  emit ("staging_checkin_to_board_model_p99", percentile (stream, 0.99), "ms");
  emit ("staging_board_model_to_card_painted_p50", percentile (paint, 0.5), "ms");
  emit ("staging_board_model_to_card_painted_p99", percentile (paint, 0.99), "ms");
  emit ("staging_board_model_to_chime_started_p50", percentile (chime, 0.5), "ms");
  emit ("staging_board_model_to_chime_started_p99", percentile (chime, 0.99), "ms");
  emit ("staging_hub_checkin_rtt_p50_baseline", percentile (rtt, 0.5), "ms");
  emit ("staging_checkin_to_card_p99_vs_rtt_p50", percentile (card, 0.99) / MAX (percentile (rtt, 0.5), 0.001), "ratio");
  /* what the kiosk asked before staff were alerted (the check-in; it used to
   * read the order first), and everything per check-in: the check-in, the
   * bay and answers after it, whatever the station asked to show them */
  emit ("staging_kiosk_requests_before_alert_per_checkin", before_alert / n, "requests");
  emit ("staging_hub_requests_per_checkin", (hub_requests (&fx) - requests_before) / n, "requests");
  bench_kiosk_stop (&shopper_kiosk);
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  curb_test_spin (100);
  hub_fixture_teardown (&fx, NULL);
}

static gboolean
on_scroll_tick (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       data)
{
  GtkAdjustment *adj = data;
  double next = gtk_adjustment_get_value (adj) + 37;

  if (next > gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj))
    next = 0;
  gtk_adjustment_set_value (adj, next);
  return G_SOURCE_CONTINUE;
}

static double
scroll_frames (guint n_orders,
               guint n_frames,
               guint n_columns)
{
  CurbBoardPage *page = CURB_BOARD_PAGE (curb_staging_window_get_page_widget (window, "board"));
  guint ids[3];
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  gint64 now = curb_now_ms ();
  double p95;
  g_autoptr(GPtrArray) none = g_ptr_array_new ();

  curb_board_model_replace_all (curb_staging_station_get_board (station), none);
  for (guint i = 0; i < n_orders; i++)
    {
      const char *state = i % 4 == 0 ? "claimed" : i % 4 == 1 ? "ready" : "arrived";
      g_autoptr(CurbOrder) order = curb_test_order_nth (i, state, now);

      curb_staging_station_ingest_order (station, order);
    }
  curb_staging_window_show_page (window, "board");
  curb_test_spin (500);
  frame_times = g_array_new (FALSE, FALSE, sizeof (double));
  paint_times = g_array_new (FALSE, FALSE, sizeof (double));
  update_times = g_array_new (FALSE, FALSE, sizeof (double));
  layout_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_signal_connect (clock, "update", G_CALLBACK (on_update_end), NULL);
  g_signal_connect (clock, "layout", G_CALLBACK (on_layout_end), NULL);
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), NULL);
  g_signal_connect (clock, "paint", G_CALLBACK (on_paint), NULL);
  g_signal_connect_after (clock, "after-paint", G_CALLBACK (on_paint_done), NULL);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), NULL);
  /* staff scroll one column at a time (Arrived, the longest); the worst
   * case scrolls three at once */
  for (guint c = 0; c < n_columns; c++)
    {
      GtkWidget *view = GTK_WIDGET (curb_board_page_get_column_view (page, c));
      GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));

      ids[c] = gtk_widget_add_tick_callback (view, on_scroll_tick, adj, NULL);
    }
  while (frame_times->len < n_frames)
    g_main_context_iteration (NULL, TRUE);
  for (guint c = 0; c < n_columns; c++)
    gtk_widget_remove_tick_callback (GTK_WIDGET (curb_board_page_get_column_view (page, c)), ids[c]);
  g_signal_handlers_disconnect_by_func (clock, on_before_paint, NULL);
  g_signal_handlers_disconnect_by_func (clock, on_after_paint, NULL);
  g_signal_handlers_disconnect_by_func (clock, on_paint, NULL);
  g_signal_handlers_disconnect_by_func (clock, on_paint_done, NULL);
  p95 = percentile (frame_times, 0.95);
  g_signal_handlers_disconnect_by_func (clock, on_update_end, NULL);
  g_signal_handlers_disconnect_by_func (clock, on_layout_end, NULL);
  g_printerr ("# %u orders, %u columns scrolling: frame p95 %.1f ms; update p95 %.1f, layout p95 %.1f, paint p95 %.1f ms\n",
              n_orders, n_columns, p95, percentile (update_times, 0.95), percentile (layout_times, 0.95),
              percentile (paint_times, 0.95));
  g_clear_pointer (&paint_times, g_array_unref);
  g_clear_pointer (&update_times, g_array_unref);
  g_clear_pointer (&layout_times, g_array_unref);
  g_clear_pointer (&frame_times, g_array_unref);
  return p95;
}

static void
bench_scroll (void)
{
  double base, big, three;

  app = start_app (NULL);
  base = scroll_frames (40, 200, 1);
  big = scroll_frames (300, 300, 1);
  three = scroll_frames (300, 200, 3);
  emit ("staging_board_40_orders_scroll_frame_p95_baseline", base, "ms");
  emit ("staging_board_300_orders_scroll_frame_p95", big, "ms");
  emit ("staging_board_300_vs_40_frame_p95", big / MAX (base, 0.001), "ratio");
  emit ("staging_board_300_orders_three_columns_scrolling_frame_p95", three, "ms");
}

static gint64
sim_clock (gpointer data)
{
  return sim_now;
}

static double
rss_mib (void)
{
  g_autofree char *text = NULL;
  unsigned long size = 0, resident = 0;

  if (!g_file_get_contents ("/proc/self/statm", &text, NULL, NULL)
      || sscanf (text, "%lu %lu", &size, &resident) != 2)
    return 0;
  return resident * (double) sysconf (_SC_PAGESIZE) / (1024.0 * 1024.0);
}

static void
advance (CurbTestOrder *spec,
         const char    *state,
         guint          seq)
{
  g_autoptr(CurbOrder) order = NULL;

  spec->state = state;
  spec->seq = seq;
  order = curb_test_order_new (spec, sim_now);
  curb_staging_station_ingest_order (station, order);
}

/* 8 hours, an arrival every 90 s; each is claimed after 60 s and handed
 * over 3 min after arrival; one simulated minute per main-loop slice. */
static void
bench_shift (void)
{
  double start_rss = 0, peak = 0, end_rss;
  guint seq = 1;
  gint64 start = curb_now_ms ();

  sim_now = start;
  curb_staging_station_set_clock (station, sim_clock, NULL);
  {
    g_autoptr(GPtrArray) none = g_ptr_array_new ();
    curb_board_model_replace_all (curb_staging_station_get_board (station), none);
  }
  for (guint minute = 0; minute < 8 * 60; minute++)
    {
      for (guint s = 0; s < 60; s += 30)
        {
          guint t = minute * 60 + s;
          guint n = t / 90;
          g_autofree char *ref = g_strdup_printf ("S%05u", n);
          CurbTestOrder spec = { .ref = ref, .first_name = "Sam", .last_initial = "R", .bay = "2",
                                 .claimed_ago_ms = -1, .handed_ago_ms = -1, .staged = TRUE,
                                 .staged_ago_ms = 30 * 60 * 1000, .bags = { 2, 1, 0 },
                                 .window_end_in_ms = 30 * 60 * 1000 };

          sim_now = start + (gint64) t * 1000;
          spec.arrived_ago_ms = (gint64) (t % 90) * 1000;
          if (t % 90 == 0)
            advance (&spec, "arrived", seq++);
          if (n > 0 && t % 90 == 60)
            advance (&spec, "claimed", seq++);
          if (n >= 2 && t % 90 == 0)
            {
              g_autofree char *old = g_strdup_printf ("S%05u", n - 2);
              CurbTestOrder done = spec;
              done.ref = old;
              done.arrived_ago_ms = 180000;
              done.claimed_ago_ms = 120000;
              done.handed_ago_ms = 0;
              advance (&done, "handed_over", seq++);
            }
          curb_staging_station_tick (station);
        }
      curb_test_spin (minute % 60 == 0 ? 200 : 8);
      if (minute == 60)
        start_rss = rss_mib ();
      peak = MAX (peak, rss_mib ());
    }
  end_rss = rss_mib ();
  emit ("staging_shift_rss_after_1h", start_rss, "MiB");
  emit ("staging_shift_rss_after_8h", end_rss, "MiB");
  emit ("staging_shift_rss_peak", peak, "MiB");
  emit ("staging_shift_rss_8h_vs_1h", end_rss / MAX (start_rss, 0.001), "ratio");
}

int
main (int argc, char *argv[])
{
  guint n = argc > 1 ? (guint) atoi (argv[1]) : 60;

  if (!curb_test_display_start ())
    {
      g_printerr ("Xvfb is not installed: no staging benchmarks\n");
      return 77;
    }
  gtk_init ();
  adw_init ();
  bench_checkin (MAX (n, 10));
  bench_scroll ();
  bench_shift ();
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  curb_test_display_stop ();
  return 0;
}
