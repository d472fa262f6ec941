/* The real staging app under a private Xvfb: every screen, driven through
 * its models (a live hub is exercised in test-staging-hub.c), with a
 * screenshot of each saved to <build>/screenshots/. */
#include "board/curb-board-page.h"
#include "board/curb-order-card.h"
#include "curb-health.h"
#include "curb-staging-application.h"
#include "curbside-core.h"
#include "detail/curb-detail-page.h"
#include "health/curb-health-page.h"
#include "kpi/curb-kpi-page.h"
#include "signin/curb-signin-page.h"
#include "stage/curb-stage-page.h"
#include "test-staging-display.h"
#include "test-staging-orders.h"

#define MIN_MS ((gint64) 60 * 1000)

static gint64 clock_now;
static CurbStagingApplication *app;
static CurbStagingWindow *window;
static CurbStagingStation *station;

static gint64
test_clock (gpointer data)
{
  return clock_now;
}

static void
shot (const char *name)
{
  g_autofree char *path = NULL;

  curb_test_spin (350);
  path = curb_test_screenshot (GTK_WIDGET (window), name);
  g_test_message ("screenshot %s", path);
}

static void
ingest (const CurbTestOrder *spec)
{
  g_autoptr(CurbOrder) order = curb_test_order_new (spec, clock_now);

  curb_staging_station_ingest_order (station, order);
}

static void
load_demo_board (void)
{
  const CurbTestOrder specs[] = {
    { .ref = "A7K3Q9", .state = "arrived", .first_name = "Sam", .last_initial = "Rivera", .bay = "3",
      .arrived_ago_ms = 272000, .claimed_ago_ms = -1, .handed_ago_ms = -1, .staged = TRUE,
      .staged_ago_ms = 50 * MIN_MS, .bags = { 2, 1, 1 }, .age_restricted = TRUE, .seq = 40,
      .window_end_in_ms = 40 * MIN_MS },
    { .ref = "M2X8", .state = "arrived", .first_name = "Maria", .last_initial = "G", .bay = "1",
      .arrived_ago_ms = 150000, .claimed_ago_ms = -1, .handed_ago_ms = -1, .staged = TRUE,
      .staged_ago_ms = 20 * MIN_MS, .bags = { 1, 0, 0 }, .substitution_pending = TRUE, .seq = 41,
      .window_end_in_ms = 30 * MIN_MS },
    { .ref = "K4P1", .state = "arrived", .first_name = "Jonas", .last_initial = "B", .bay = "5",
      .arrived_ago_ms = 20000, .claimed_ago_ms = -1, .handed_ago_ms = -1, .staged = TRUE,
      .staged_ago_ms = 10 * MIN_MS, .bags = { 3, 0, 0 }, .alternate = TRUE, .seq = 42,
      .window_end_in_ms = 50 * MIN_MS },
    { .ref = "C9D2", .state = "claimed", .first_name = "Aiko", .last_initial = "T", .bay = "2",
      .arrived_ago_ms = 100000, .claimed_ago_ms = 40000, .handed_ago_ms = -1, .staged = TRUE,
      .staged_ago_ms = 30 * MIN_MS, .bags = { 1, 1, 0 }, .claimed_by = "st-9", .seq = 43,
      .window_end_in_ms = 20 * MIN_MS },
    { .ref = "R5T7", .state = "ready", .first_name = "Priya", .last_initial = "S",
      .arrived_ago_ms = -1, .claimed_ago_ms = -1, .handed_ago_ms = -1, .staged = TRUE,
      .staged_ago_ms = 15 * MIN_MS, .bags = { 2, 0, 1 }, .seq = 30, .window_end_in_ms = 90 * MIN_MS },
    { .ref = "P0Z3", .state = "pending", .first_name = "Tom", .last_initial = "H",
      .arrived_ago_ms = -1, .claimed_ago_ms = -1, .handed_ago_ms = -1, .staged = FALSE,
      .seq = 31, .window_end_in_ms = 120 * MIN_MS },
    { .ref = "L8N4", .state = "ready", .first_name = "Lea", .last_initial = "M",
      .arrived_ago_ms = -1, .claimed_ago_ms = -1, .handed_ago_ms = -1, .staged = TRUE,
      .staged_ago_ms = 100 * MIN_MS, .bags = { 1, 1, 0 }, .seq = 32, .window_end_in_ms = -45 * MIN_MS },
    { .ref = "D1E5", .state = "handed_over", .first_name = "Omar", .last_initial = "F", .bay = "4",
      .arrived_ago_ms = 40 * MIN_MS, .claimed_ago_ms = 39 * MIN_MS, .handed_ago_ms = 36 * MIN_MS,
      .staged = TRUE, .staged_ago_ms = 60 * MIN_MS, .bags = { 2, 0, 0 }, .seq = 20, .window_end_in_ms = 0 },
    { .ref = "F6G7", .state = "partially_handed_over", .first_name = "Eva", .last_initial = "L", .bay = "6",
      .arrived_ago_ms = 70 * MIN_MS, .claimed_ago_ms = 68 * MIN_MS, .handed_ago_ms = 63 * MIN_MS,
      .staged = TRUE, .staged_ago_ms = 90 * MIN_MS, .bags = { 1, 0, 0 }, .seq = 21, .window_end_in_ms = 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    ingest (&specs[i]);
}

static void
sign_in (void)
{
  curb_staff_session_sign_in (curb_staging_station_get_session (station), "st-7", "Alex", "token", clock_now);
}

static void
test_signin_screen (void)
{
  CurbSigninPage *page = CURB_SIGNIN_PAGE (curb_staging_window_get_page_widget (window, "signin"));

  g_assert_cmpstr (curb_staging_window_get_page (window), ==, "signin");
  curb_staging_window_show_page (window, "board");
  g_assert_cmpstr (curb_staging_window_get_page (window), ==, "signin");   /* needs sign-in */
  curb_signin_page_press (page, "4");
  curb_signin_page_press (page, "2");
  shot ("signin");
  curb_signin_page_press (page, "next");
  curb_signin_page_press (page, "next");
  curb_test_spin (50);
  shot ("signin-error");
  /* staff ids with letters: the pad switches to A–Z */
  curb_signin_page_reset (page);
  curb_signin_page_press (page, "letters");
  for (const char *k = "ST-ALEXX"; *k; k++)
    {
      char key[2] = { *k, 0 };
      curb_signin_page_press (page, key);
    }
  curb_signin_page_press (page, "back");
  g_assert_cmpstr (curb_signin_page_get_staff_id (page), ==, "st-alex");
  shot ("signin-letters");
  curb_signin_page_press (page, "digits");
}

static void
test_board_screen (void)
{
  CurbBoardModel *board = curb_staging_station_get_board (station);
  CurbAlertTracker *alerts = curb_staging_station_get_alerts (station);
  g_autoptr(GPtrArray) arrived = curb_board_model_dup_column (board, CURB_BOARD_COLUMN_ARRIVED);

  sign_in ();
  g_assert_cmpstr (curb_staging_window_get_page (window), ==, "board");
  g_assert_cmpuint (arrived->len, ==, 3);
  g_assert_cmpuint (curb_alert_tracker_get_n_ringing (alerts), ==, 3);
  g_assert_nonnull (curb_staging_window_get_banner_text (window));
  g_assert_nonnull (strstr (curb_staging_window_get_banner_text (window), "A7K3Q9"));
  shot ("board");
  g_assert_cmpuint (curb_test_assert_nothing_cut (curb_staging_window_get_page_widget (window, "board")), >, 20);
  curb_test_assert_board_at_top (curb_staging_window_get_page_widget (window, "board"));
}

static void
test_detail_screen (void)
{
  CurbDetailPage *detail = CURB_DETAIL_PAGE (curb_staging_window_get_page_widget (window, "detail"));

  g_assert_true (curb_staging_window_open_order (window, "A7K3Q9"));
  g_assert_cmpstr (curb_staging_window_get_page (window), ==, "detail");
  shot ("detail-arrived");
  {
    /* the hub says: claimed by me */
    CurbTestOrder spec = { .ref = "A7K3Q9", .state = "claimed", .first_name = "Sam", .last_initial = "Rivera",
                           .bay = "3", .arrived_ago_ms = 280000, .claimed_ago_ms = 5000, .handed_ago_ms = -1,
                           .staged = TRUE, .staged_ago_ms = 50 * MIN_MS, .bags = { 2, 1, 1 },
                           .age_restricted = TRUE, .claimed_by = "st-7", .seq = 50,
                           .window_end_in_ms = 40 * MIN_MS };
    ingest (&spec);
  }
  g_assert_cmpint (curb_alert_tracker_get_level (curb_staging_station_get_alerts (station), "A7K3Q9"), ==,
                   CURB_ALERT_LEVEL_NONE);
  g_assert_false (curb_detail_page_can_complete (detail));
  curb_detail_page_scan (detail, "CB1:A7K3Q9:1/4");
  curb_detail_page_scan (detail, "CB1:A7K3Q9:2/4");
  shot ("detail-handoff");
  curb_staging_window_handle_code (window, "CB1:M2X8:1/1");
  shot ("detail-wrong-bag");
  curb_detail_page_scan (detail, "CB1:A7K3Q9:3/4");
  curb_detail_page_scan (detail, "CB1:A7K3Q9:4/4");
  g_assert_false (curb_detail_page_can_complete (detail));   /* ID not checked */
  curb_detail_page_set_id_checked (detail, TRUE);
  g_assert_true (curb_detail_page_can_complete (detail));
  curb_detail_page_set_not_taken (detail, "L2", 1, 1);
  g_assert_true (curb_detail_page_can_complete (detail));
  {
    g_autoptr(JsonNode) not_taken = curb_detail_page_dup_not_taken (detail);
    g_autofree char *json = json_to_string (not_taken, FALSE);

    g_assert_cmpstr (json, ==, "[{\"line_id\":\"L2\",\"qty\":1,\"reason\":\"declined\"}]");
  }
  shot ("detail-partial");
  g_assert_cmpuint (curb_test_assert_nothing_cut (GTK_WIDGET (detail)), >, 10);
}

static void
test_cancelled_order (void)
{
  CurbDetailPage *detail = CURB_DETAIL_PAGE (curb_staging_window_get_page_widget (window, "detail"));
  CurbTestOrder spec = { .ref = "A7K3Q9", .state = "cancelled", .first_name = "Sam", .last_initial = "R",
                         .bay = "3", .arrived_ago_ms = 280000, .claimed_ago_ms = 5000, .handed_ago_ms = -1,
                         .staged = TRUE, .staged_ago_ms = 50 * MIN_MS, .bags = { 2, 1, 1 },
                         .claimed_by = "st-7", .seq = 51, .window_end_in_ms = 40 * MIN_MS };

  ingest (&spec);
  g_assert_false (curb_detail_page_can_complete (detail));
  shot ("detail-cancelled");
}

static void
test_stage_screen (void)
{
  CurbStagePage *stage = CURB_STAGE_PAGE (curb_staging_window_get_page_widget (window, "stage"));
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *json = NULL;

  curb_staging_window_show_page (window, "stage");
  g_assert_true (curb_stage_page_select (stage, "P0Z3"));
  g_assert_true (curb_stage_page_scan (stage, "BIN:B-1-07"));
  curb_staging_window_handle_code (window, "not a bin");
  curb_stage_page_set_bags (stage, CURB_TEMPERATURE_AMBIENT, 2);
  curb_stage_page_set_bags (stage, CURB_TEMPERATURE_FROZEN, 1);
  body = curb_stage_page_dup_body (stage);
  json = json_to_string (body, FALSE);
  g_assert_cmpstr (json, ==, "{\"locations\":[{\"zone\":\"B\",\"shelf\":\"1\",\"bin\":\"07\"}],"
                             "\"bags\":{\"ambient\":2,\"chilled\":0,\"frozen\":1}}");
  shot ("stage");
}

static void
test_kpi_screen (void)
{
  curb_staging_window_show_page (window, "kpi");
  curb_kpi_page_refresh (CURB_KPI_PAGE (curb_staging_window_get_page_widget (window, "kpi")));
  shot ("kpi");
}

static void
test_health_screen (void)
{
  CurbHealthPage *health = CURB_HEALTH_PAGE (curb_staging_window_get_page_widget (window, "health"));
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *since = curb_iso8601_from_ms (clock_now - 25 * MIN_MS);
  g_autofree char *status = g_strdup_printf ("{\"outbox_depth\":3,\"sync\":{\"configured\":true,"
                                             "\"online\":false,\"offline_since\":\"%s\","
                                             "\"order_alerts\":[{\"ref\":\"P00002\",\"version\":2,"
                                             "\"reason\":\"Order field lines must be an array\","
                                             "\"shopper_seen\":\"%s\"}]}}", since, since);
  const char *devices = "[{\"id\":\"kiosk-1\",\"name\":\"Kiosk 1\",\"online\":true,"
                        "\"status\":{\"camera\":\"ok\",\"printer\":\"ok\"}},"
                        "{\"id\":\"kiosk-2\",\"name\":\"Kiosk 2\",\"online\":true,"
                        "\"status\":{\"camera\":\"unplugged\",\"printer\":\"paper_out\"}},"
                        "{\"id\":\"staging-2\",\"name\":\"<b>Back door</b>\",\"online\":false,"
                        "\"last_seen\":\"2026-11-27T14:02:00.000Z\"}]";
  g_autoptr(JsonParser) dparser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, status, -1, NULL));
  g_assert_true (json_parser_load_from_data (dparser, devices, -1, NULL));
  entries = curb_health_from_hub (json_node_get_object (json_parser_get_root (parser)),
                                  json_node_get_array (json_parser_get_root (dparser)), clock_now);
  g_assert_cmpuint (entries->len, ==, 7);
  /* an order central sent that the store could not take: staff and IT see it */
  g_assert_cmpstr (((CurbHealthEntry *) g_ptr_array_index (entries, 1))->name, ==, "Order P00002");
  g_assert_cmpint (((CurbHealthEntry *) g_ptr_array_index (entries, 1))->level, ==, CURB_HEALTH_PROBLEM);
  curb_health_page_set_entries (health, entries);
  g_assert_cmpuint (curb_health_page_get_n_problems (health), ==, 5);
  curb_staging_window_show_page (window, "health");
  shot ("health");
}

static void
test_hostile_strings (void)
{
  CurbTestOrder spec = { .ref = "H0ST1LE", .state = "arrived", .first_name = "<b>Bob</b> &amp; <i>",
                         .last_initial = "<", .bay = "7", .arrived_ago_ms = 1000, .claimed_ago_ms = -1,
                         .handed_ago_ms = -1, .seq = 90, .window_end_in_ms = MIN_MS };
  CurbBoardPage *board = CURB_BOARD_PAGE (curb_staging_window_get_page_widget (window, "board"));
  GtkListView *view = curb_board_page_get_column_view (board, CURB_BOARD_COLUMN_ARRIVED);
  gboolean found = FALSE;

  ingest (&spec);
  curb_staging_window_show_page (window, "board");
  curb_test_spin (200);
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (view)); row; row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *card = gtk_widget_get_first_child (row);

      if (card == NULL || !CURB_IS_ORDER_CARD (card) || curb_order_card_get_order (CURB_ORDER_CARD (card)) == NULL)
        continue;
      if (g_str_equal (curb_order_get_ref (curb_order_card_get_order (CURB_ORDER_CARD (card))), "H0ST1LE"))
        found = TRUE;
    }
  g_assert_true (found);
  shot ("board-hostile");
}

static void
test_escalation_and_inactivity (void)
{
  CurbAlertTracker *alerts = curb_staging_station_get_alerts (station);

  clock_now += 4 * MIN_MS;
  curb_staging_station_tick (station);
  g_assert_cmpuint (curb_alert_tracker_get_n_escalated (alerts), >=, 2);
  curb_staging_window_show_page (window, "board");
  shot ("board-escalated");
  curb_test_assert_nothing_cut (curb_staging_window_get_page_widget (window, "board"));
  clock_now += 11 * MIN_MS;
  curb_staging_station_tick (station);
  g_assert_cmpstr (curb_staging_window_get_page (window), ==, "signin");
  g_assert_cmpuint (curb_alert_tracker_get_n_ringing (alerts), >, 0);   /* alerts go on */
  g_assert_nonnull (curb_staging_window_get_banner_text (window));
  shot ("signed-out-ringing");
}

static gboolean
has_label_inside (GtkWidget *widget)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if ((GTK_IS_LABEL (c) && gtk_widget_get_visible (c) && *gtk_label_get_text (GTK_LABEL (c)) != '\0')
        || has_label_inside (c))
      return TRUE;
  return FALSE;
}

static gboolean
has_words (GtkWidget *widget)
{
  const char *text = NULL;

  if (GTK_IS_CHECK_BUTTON (widget))
    text = gtk_check_button_get_label (GTK_CHECK_BUTTON (widget));
  else if (GTK_IS_BUTTON (widget))
    text = gtk_button_get_label (GTK_BUTTON (widget));
  if (text != NULL && *text != '\0')
    return TRUE;
  if (gtk_widget_get_tooltip_text (widget) != NULL)
    return TRUE;
  return has_label_inside (widget);
}

/* Every button of ours says in words what it does, and no label of ours
 * renders markup (hostile order data is shown as typed). */
static void
check_widget (GtkWidget *widget,
              guint     *n_buttons,
              guint     *n_labels)
{
  const char *type = G_OBJECT_TYPE_NAME (widget);

  if ((GTK_IS_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget)) && !GTK_IS_MENU_BUTTON (widget)
      && gtk_widget_get_visible (widget) && g_str_has_prefix (type, "Gtk")
      && !GTK_IS_SPIN_BUTTON (gtk_widget_get_parent (widget)))
    {
      if (!has_words (widget))
        g_error ("a %s without words inside %s", type, G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)));
      (*n_buttons)++;
    }
  if (GTK_IS_LABEL (widget) && gtk_label_get_use_markup (GTK_LABEL (widget))
      && strchr (gtk_label_get_text (GTK_LABEL (widget)), '<') == NULL)
    (*n_labels)++;
  if (GTK_IS_LABEL (widget) && gtk_label_get_use_markup (GTK_LABEL (widget))
      && strstr (gtk_label_get_label (GTK_LABEL (widget)), "Bob") != NULL)
    g_error ("order data rendered as markup: %s", gtk_label_get_label (GTK_LABEL (widget)));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    check_widget (c, n_buttons, n_labels);
}

static void
test_buttons_have_words (void)
{
  const char *pages[] = { "board", "detail", "stage", "kpi", "health" };
  guint n_buttons = 0, n_labels = 0;

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      curb_staging_window_show_page (window, pages[i]);
      curb_test_spin (100);
      check_widget (GTK_WIDGET (window), &n_buttons, &n_labels);
    }
  g_test_message ("%u buttons checked", n_buttons);
  g_assert_cmpuint (n_buttons, >, 20);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!curb_test_display_start ())
    {
      g_test_skip ("Xvfb is not installed");
      return g_test_run ();
    }
  gtk_init ();
  adw_init ();
  app = curb_staging_application_new ();
  g_free (curb_staging_application_get_settings (app)->audio_sink);
  curb_staging_application_get_settings (app)->audio_sink = g_strdup ("fakesink sync=true");
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_application_activate (G_APPLICATION (app));
  window = curb_staging_application_get_window (app);
  station = curb_staging_application_get_station (app);
  clock_now = curb_now_ms ();
  curb_staging_station_set_clock (station, test_clock, NULL);
  load_demo_board ();

  g_test_add_func ("/staging/app/signin", test_signin_screen);
  g_test_add_func ("/staging/app/board", test_board_screen);
  g_test_add_func ("/staging/app/detail", test_detail_screen);
  g_test_add_func ("/staging/app/cancelled", test_cancelled_order);
  g_test_add_func ("/staging/app/stage", test_stage_screen);
  g_test_add_func ("/staging/app/kpi", test_kpi_screen);
  g_test_add_func ("/staging/app/health", test_health_screen);
  g_test_add_func ("/staging/app/hostile-strings", test_hostile_strings);
  g_test_add_func ("/staging/app/buttons-have-words", test_buttons_have_words);
  g_test_add_func ("/staging/app/escalation-inactivity", test_escalation_and_inactivity);
  status = g_test_run ();
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (app);
  curb_test_display_stop ();
  return status;
}
