#include <adwaita.h>
#include <gst/app/gstappsrc.h>

#include "curb-camera-scanner.h"
#include "curb-hub-cert.h"
#include "curb-virtual-printer.h"
#include "curb-kiosk-application.h"
#include "curb-kiosk-i18n.h"
#include "curb-kiosk-lookup-page.h"
#include "curb-kiosk-preview-sink.h"
#include "curb-kiosk-session.h"
#include "curb-kiosk-window.h"
#include "curb-test-helpers.h"
#include "scanner-test-util.h"
#include "test-hub-fixture.h"

/* The kiosk end to end: a real hub (TLS on 127.0.0.1, in process), the real
 * camera scanner fed QR frames through an appsrc pipeline, the real window
 * under Xvfb. Screens reached and their text are asserted; screenshots go
 * to kiosk-screens/e2e-*.png in the build dir. */

#define FRAME_W 640
#define FRAME_H 480
#define CAMERA "appsrc name=cam is-live=true format=time do-timestamp=true " \
               "caps=video/x-raw,format=GRAY8,width=640,height=480,framerate=30/1"

typedef struct
{
  HubFixture         hub;
  char              *kiosk_dir;
  CurbKeyring       *keyring;
  CurbKioskFlow     *flow;
  CurbKioskWindow   *window;
  CurbKioskSession  *session;
  CurbCameraScanner *scanner;
  CurbKioskPreviewSink *preview;
  CurbHubClient     *client;
  CurbHubClient     *staff;
  CurbVirtualPrinter *printer;
  GBytes            *frame;
  guint              push_id;
  guint              previews;
} Fixture;

static char *shots_dir;

static gboolean
push_frame (gpointer data)
{
  Fixture *fx = data;
  g_autoptr(GstElement) src = curb_camera_scanner_dup_element (fx->scanner, "cam");

  if (src != NULL)
    gst_app_src_push_buffer (GST_APP_SRC (src), gst_buffer_new_wrapped_bytes (fx->frame));
  return G_SOURCE_CONTINUE;
}

static void
show_code (Fixture *fx, const char *payload)
{
  g_clear_pointer (&fx->frame, g_bytes_unref);
  fx->frame = scanner_test_qr_frame ((const guint8 *) payload, payload != NULL ? strlen (payload) : 0,
                                     4, FRAME_W, FRAME_H, FALSE);
}

static void
on_preview (GdkTexture *frame, gpointer data)
{
  Fixture *fx = data;

  fx->previews++;
  curb_kiosk_window_set_preview_texture (fx->window, frame);
}

static gboolean
on_deadline (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

#define WAIT_FOR(cond, ms) G_STMT_START { \
    gboolean timed_out_ = FALSE; \
    guint id_ = g_timeout_add (ms, on_deadline, &timed_out_); \
    while (!(cond) && !timed_out_) \
      g_main_context_iteration (NULL, TRUE); \
    if (!timed_out_) g_source_remove (id_); \
    if (!(cond)) g_error ("timed out waiting for " #cond " (screen %s, problem %s)", \
                          curb_kiosk_screen_to_string (curb_kiosk_flow_get_screen (fx->flow)), \
                          curb_kiosk_problem_to_string (curb_kiosk_flow_get_problem (fx->flow))); \
  } G_STMT_END

static void
collect_text (GtkWidget *widget, GString *out)
{
  if (!gtk_widget_get_visible (widget))
    return;
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (out, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_text (c, out);
}

static char *
window_text (Fixture *fx)
{
  GString *text = g_string_new (NULL);

  collect_text (GTK_WIDGET (fx->window), text);
  return g_string_free (text, FALSE);
}

static void
assert_shows (Fixture *fx, const char *expected)
{
  g_autofree char *text = window_text (fx);

  if (strstr (text, expected) == NULL)
    g_error ("expected \"%s\" on screen, found:\n%s", expected, text);
}

static void
shoot (Fixture *fx, const char *name)
{
  GtkWidget *widget = GTK_WIDGET (fx->window);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = g_strdup_printf ("e2e-%s.png", name);
  g_autofree char *path = g_build_filename (shots_dir, file, NULL);
  GtkSnapshot *snapshot;
  int frames_before = 0;

  /* let layout and paint catch up */
  for (int i = 0; i < 5; i++)
    {
      frames_before++;
      g_usleep (5000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* An order from central, staged by staff: ready for pickup. */
static void
add_order (Fixture *fx, const char *ref)
{
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;

  hub_fixture_add_order (&fx->hub, ref, TRUE);
  if (fx->staff == NULL)
    {
      hub_fixture_add_staff (&fx->hub, "st-7", "Alex", "4321");
      fx->staff = hub_fixture_staff (&fx->hub, "st-7", "4321");
    }
  reply = hub_action (fx->staff, ref, CURB_HUB_ACTION_STAGE,
                      "{\"locations\": [{\"zone\": \"C\", \"shelf\": \"2\", \"bin\": \"14\"}],"
                      " \"bags\": {\"ambient\": 2, \"chilled\": 1, \"frozen\": 0}}", NULL, &error);
  g_assert_no_error (error);
}

static char *
token_for (Fixture *fx, const char *ref)
{
  return hub_fixture_token (&fx->hub, HUB_TEST_STORE_ID, ref, g_get_real_time () / G_USEC_PER_SEC + 3600);
}

/* A receipt printer: the virtual ESC/POS printer on 127.0.0.1. */
static void
attach_printer (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbPrinterStation) station = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *queue = g_build_filename (fx->kiosk_dir, "print-queue.db", NULL);
  CurbPrinterStationSetup setup = { 0 };

  fx->printer = curb_virtual_printer_new (curb_printer_profile_default ());
  curb_virtual_printer_set_render (fx->printer, FALSE);
  g_assert_true (curb_virtual_printer_listen (fx->printer, 0, &error));
  g_assert_no_error (error);
  uri = g_strdup_printf ("tcp://127.0.0.1:%u", curb_virtual_printer_get_port (fx->printer));
  setup.uri = uri;
  setup.station = "kiosk 1";
  setup.role = CURB_PRINTER_ROLE_RECEIPT;
  setup.queue_path = queue;
  setup.store_name = "Demo Market";
  setup.receipt_url = "https://receipts.example/r/";
  station = curb_printer_station_new (&setup, &error);
  g_assert_no_error (error);
  curb_kiosk_session_set_printer (fx->session, station);
}

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
  const char *bays[] = { "1", "2", "3", "4", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbKioskOutbox) outbox = NULL;
  g_autofree char *outbox_path = NULL;

  hub_fixture_setup (&fx->hub, NULL);
  fx->keyring = curb_keyring_new ();
  curb_keyring_add (fx->keyring, "t1", curb_signing_key_get_public_key (fx->hub.issuer), &error);
  g_assert_no_error (error);
  fx->kiosk_dir = curb_test_mkdtemp ();
  outbox_path = g_build_filename (fx->kiosk_dir, "kiosk-cache.db", NULL);
  outbox = curb_kiosk_outbox_open (outbox_path, &error);
  g_assert_no_error (error);

  fx->flow = curb_kiosk_flow_new ();
  curb_kiosk_flow_set_bays (fx->flow, bays);
  curb_kiosk_flow_set_store_phone (fx->flow, "(555) 010-0142");
  fx->client = hub_fixture_device (&fx->hub, CURB_DEVICE_ROLE_KIOSK, NULL);
  curb_hub_client_set_timeout (fx->client, 3);
  fx->session = curb_kiosk_session_new (fx->flow, fx->client, outbox);
  /* the store id is learnt from the hub (and remembered in the outbox file) */
  curb_kiosk_session_set_keyring (fx->session, fx->keyring, NULL);

  fx->window = curb_kiosk_window_new (NULL, fx->flow);
  gtk_window_set_decorated (GTK_WINDOW (fx->window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (fx->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (fx->window));

  fx->scanner = curb_camera_scanner_new (CAMERA, NULL, &error);
  g_assert_no_error (error);
  fx->preview = curb_kiosk_preview_sink_new (640, 360, 15, on_preview, fx);
  curb_camera_scanner_set_preview_sink (fx->scanner, curb_kiosk_preview_sink_get_element (fx->preview));
  curb_kiosk_session_set_code_source (fx->session, CURB_CODE_SOURCE (fx->scanner));
  g_assert_true (curb_code_source_start (CURB_CODE_SOURCE (fx->scanner), &error));
  g_assert_no_error (error);
  show_code (fx, NULL);
  fx->push_id = g_timeout_add (33, push_frame, fx);
  attach_printer (fx);
  curb_kiosk_session_start (fx->session);
  WAIT_FOR (curb_kiosk_session_get_stream_connected (fx->session), 10000);
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
  g_clear_handle_id (&fx->push_id, g_source_remove);
  curb_kiosk_preview_sink_detach (fx->preview);
  curb_code_source_stop (CURB_CODE_SOURCE (fx->scanner));
  g_clear_object (&fx->scanner);
  g_clear_object (&fx->preview);
  gtk_window_destroy (GTK_WINDOW (fx->window));
  g_clear_object (&fx->session);
  g_clear_object (&fx->client);
  g_clear_object (&fx->staff);
  g_clear_object (&fx->flow);
  curb_virtual_printer_stop (fx->printer);
  g_clear_object (&fx->printer);
  g_clear_object (&fx->keyring);
  g_clear_pointer (&fx->frame, g_bytes_unref);
  hub_spin (50);
  hub_fixture_teardown (&fx->hub, NULL);
  curb_test_rmdir (fx->kiosk_dir);
  g_free (fx->kiosk_dir);
}

static JsonObject *
hub_order (Fixture *fx, const char *ref)
{
  g_autoptr(GError) error = NULL;
  JsonObject *order = curb_store_get_order (fx->hub.store, ref, &error);

  g_assert_no_error (error);
  return order;
}

static CurbKioskScreen
screen (Fixture *fx)
{
  return curb_kiosk_flow_get_screen (fx->flow);
}

static gboolean
hub_has_bay (Fixture    *fx,
             const char *ref,
             const char *bay)
{
  g_autoptr(JsonObject) order = hub_order (fx, ref);

  return g_strcmp0 (json_object_get_string_member_with_default (order, "bay", NULL), bay) == 0;
}

static void
test_scan_to_thanks (Fixture *fx, gconstpointer data)
{
  g_autofree char *token = NULL;
  g_autoptr(JsonObject) claimed = NULL;
  g_autoptr(JsonObject) handed = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *sub;

  add_order (fx, "A7K3Q9");
  WAIT_FOR (fx->previews > 3 && curb_kiosk_session_get_stream_connected (fx->session), 10000);
  shoot (fx, "welcome");

  token = token_for (fx, "A7K3Q9");
  show_code (fx, token);
  WAIT_FOR (screen (fx) == CURB_KIOSK_SCREEN_GREETING, 10000);
  show_code (fx, NULL);
  assert_shows (fx, "Hi Sam R.");
  assert_shows (fx, "Order A7K3Q9");
  assert_shows (fx, "Please have your ID ready");
  assert_shows (fx, "Soy milk 1 L instead of Oat milk 1 L");
  assert_shows (fx, "2 bags");
  shoot (fx, "greeting");
  /* checked in on the scan: staff were alerted before the greeting */
  order = hub_order (fx, "A7K3Q9");
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "arrived");
  g_assert_true (json_object_get_null_member (order, "bay"));
  g_assert_false (json_object_get_boolean_member (order, "bay_skipped"));
  g_clear_pointer (&order, json_object_unref);

  curb_kiosk_flow_decide_substitution (fx->flow, "S1", FALSE);
  curb_kiosk_flow_confirm (fx->flow);
  g_assert_cmpint (screen (fx), ==, CURB_KIOSK_SCREEN_BAY);
  curb_kiosk_flow_choose_bay (fx->flow, "2");
  WAIT_FOR (screen (fx) == CURB_KIOSK_SCREEN_WAITING, 10000);
  assert_shows (fx, "You are checked in");
  assert_shows (fx, "Ready in about");
  shoot (fx, "waiting");

  /* the bay and the answer follow as one update */
  WAIT_FOR (hub_has_bay (fx, "A7K3Q9", "2"), 10000);
  order = hub_order (fx, "A7K3Q9");
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "arrived");

  claimed = hub_action (fx->staff, "A7K3Q9", CURB_HUB_ACTION_CLAIM, "{\"eta_s\": 180}", NULL, &error);
  g_assert_no_error (error);
  WAIT_FOR (curb_kiosk_flow_get_staff_name (fx->flow) != NULL, 10000);
  assert_shows (fx, "Alex is bringing your order");
  assert_shows (fx, "about 3 min");
  shoot (fx, "waiting-claimed");

  handed = hub_action (fx->staff, "A7K3Q9", CURB_HUB_ACTION_HANDOVER, "{\"id_checked\": true}", NULL, &error);
  g_assert_no_error (error);
  WAIT_FOR (screen (fx) == CURB_KIOSK_SCREEN_THANKS, 10000);
  assert_shows (fx, "Thank you, Sam!");
  WAIT_FOR (curb_kiosk_flow_get_receipt_note (fx->flow) != NULL, 10000);
  assert_shows (fx, "Your receipt is printing");
  WAIT_FOR (curb_virtual_printer_get_n_pages (fx->printer, FALSE) >= 1, 10000);
  shoot (fx, "thanks");

  g_clear_pointer (&order, json_object_unref);
  order = hub_order (fx, "A7K3Q9");
  sub = json_array_get_object_element (json_object_get_array_member (order, "substitutions"), 0);
  g_assert_cmpstr (json_object_get_string_member (sub, "status"), ==, "declined");
}

static void
restart_hub (Fixture *fx, guint port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = curb_hub_cert_ensure (fx->hub.dir, &error);

  g_assert_no_error (error);
  g_clear_object (&fx->hub.hub);
  fx->hub.hub = curb_hub_new (fx->hub.store, fx->keyring, HUB_TEST_STORE_ID);
  curb_hub_set_tls_certificate (fx->hub.hub, certificate);
  curb_hub_listen (fx->hub.hub, "127.0.0.1", port, &error);
  g_assert_no_error (error);
}

static void
test_offline_delivered_later (Fixture *fx, gconstpointer data)
{
  guint port = curb_hub_get_port (fx->hub.hub);
  g_autofree char *token = NULL;
  g_autoptr(JsonObject) order = NULL;
  gint64 checked_in_at, arrived_ms = 0;

  add_order (fx, "B2OFF");
  WAIT_FOR (curb_kiosk_session_get_stream_connected (fx->session), 10000);
  curb_hub_shutdown (fx->hub.hub);
  hub_spin (100);

  token = token_for (fx, "B2OFF");
  show_code (fx, token);
  WAIT_FOR (screen (fx) == CURB_KIOSK_SCREEN_BAY, 15000);
  show_code (fx, NULL);
  curb_kiosk_flow_choose_bay (fx->flow, "3");
  WAIT_FOR (curb_kiosk_flow_get_problem (fx->flow) == CURB_KIOSK_PROBLEM_OFFLINE_QUEUED, 10000);
  checked_in_at = curb_kiosk_flow_get_checked_in_at (fx->flow);
  /* the check-in, then the bay behind it */
  WAIT_FOR (curb_kiosk_session_get_outbox_depth (fx->session) == 2, 5000);
  assert_shows (fx, "You are checked in");
  assert_shows (fx, "(555) 010-0142");
  shoot (fx, "offline-queued");
  order = hub_order (fx, "B2OFF");
  g_assert_cmpstr (json_object_get_string_member (order, "state"), !=, "arrived");
  g_clear_pointer (&order, json_object_unref);

  hub_spin (1200);
  restart_hub (fx, port);
  curb_kiosk_session_flush_outbox (fx->session);
  WAIT_FOR (curb_kiosk_session_get_outbox_depth (fx->session) == 0, 20000);

  order = hub_order (fx, "B2OFF");
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "arrived");
  g_assert_cmpstr (json_object_get_string_member (order, "bay"), ==, "3");
  g_assert_true (curb_iso8601_to_ms (json_object_get_string_member (order, "arrived_at"), &arrived_ms));
  /* staff see it with its original time, not the time it was delivered */
  g_assert_cmpint (ABS (arrived_ms - checked_in_at), <, 1000);
  g_assert_cmpint (curb_now_ms () - arrived_ms, >=, 1000);

  /* delivered once: a second flush has nothing left to send */
  curb_kiosk_session_flush_outbox (fx->session);
  hub_spin (300);
  g_assert_cmpint (curb_kiosk_session_get_outbox_depth (fx->session), ==, 0);
}

static void
test_idle_reset_clears_shopper (Fixture *fx, gconstpointer data)
{
  g_autofree char *token = NULL;
  g_autofree char *text = NULL;

  add_order (fx, "C3IDLE");
  curb_kiosk_flow_set_timeouts (fx->flow, 1, 1, 1);
  token = token_for (fx, "C3IDLE");
  show_code (fx, token);
  WAIT_FOR (screen (fx) == CURB_KIOSK_SCREEN_GREETING, 10000);
  show_code (fx, NULL);
  assert_shows (fx, "Hi Sam R.");
  WAIT_FOR (screen (fx) == CURB_KIOSK_SCREEN_WELCOME, 5000);
  hub_spin (100);
  text = window_text (fx);
  g_assert_null (strstr (text, "Sam"));
  g_assert_null (strstr (text, "C3IDLE"));
  g_assert_null (curb_kiosk_flow_get_order (fx->flow));
  g_assert_null (curb_kiosk_flow_get_token (fx->flow));
}

static void
test_lookup_and_rate_limit (Fixture *fx, gconstpointer data)
{
  CurbKioskLookupPage *page;
  g_autoptr(JsonObject) order = NULL;

  add_order (fx, "D4LOOK");
  curb_kiosk_flow_find_order (fx->flow);
  page = CURB_KIOSK_LOOKUP_PAGE (curb_kiosk_window_get_page (fx->window));
  curb_kiosk_lookup_page_type (page, "D4LOOK");
  curb_kiosk_lookup_page_next_field (page, TRUE);
  curb_kiosk_lookup_page_type (page, "0142");
  curb_kiosk_lookup_page_submit (page);
  WAIT_FOR (screen (fx) == CURB_KIOSK_SCREEN_GREETING, 10000);
  assert_shows (fx, "Hi Sam R.");
  curb_kiosk_flow_confirm (fx->flow);
  curb_kiosk_flow_choose_bay (fx->flow, "1");
  WAIT_FOR (screen (fx) == CURB_KIOSK_SCREEN_WAITING, 10000);
  order = hub_order (fx, "D4LOOK");
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "arrived");

  /* wrong guesses: the hub's limit turns into a calm "short break" */
  for (int i = 0; i < 15 && curb_kiosk_flow_get_problem (fx->flow) != CURB_KIOSK_PROBLEM_RATE_LIMITED; i++)
    {
      curb_kiosk_flow_start_over (fx->flow);
      curb_kiosk_flow_find_order (fx->flow);
      g_assert_true (curb_kiosk_flow_submit_lookup (fx->flow, "D4LOOK", "WRONG", NULL));
      WAIT_FOR (!curb_kiosk_flow_get_busy (fx->flow), 10000);
    }
  g_assert_cmpint (curb_kiosk_flow_get_problem (fx->flow), ==, CURB_KIOSK_PROBLEM_RATE_LIMITED);
  assert_shows (fx, "Let's take a short break");
  shoot (fx, "rate-limited");
}

static void
test_bad_codes (Fixture *fx, gconstpointer data)
{
  g_autofree char *other = hub_fixture_token (&fx->hub, "store-999", "E5X", g_get_real_time () / G_USEC_PER_SEC + 3600);
  g_autofree char *expired = hub_fixture_token (&fx->hub, HUB_TEST_STORE_ID, "E5X", 1000);

  show_code (fx, "https://example.invalid/not-a-pickup-code");
  WAIT_FOR (curb_kiosk_flow_get_problem (fx->flow) == CURB_KIOSK_PROBLEM_NOT_PICKUP_CODE, 10000);
  assert_shows (fx, "That is not a pickup code");
  show_code (fx, other);
  WAIT_FOR (curb_kiosk_flow_get_problem (fx->flow) == CURB_KIOSK_PROBLEM_OTHER_STORE, 10000);
  show_code (fx, expired);
  WAIT_FOR (curb_kiosk_flow_get_problem (fx->flow) == CURB_KIOSK_PROBLEM_EXPIRED, 10000);
  assert_shows (fx, "This pickup code has expired");
}

int
main (int argc, char **argv)
{
  const char *build = g_getenv ("G_TEST_BUILDDIR");

  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GDK_BACKEND", "x11", FALSE);
  g_setenv ("LANGUAGE", "en", TRUE);
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);
  curb_kiosk_i18n_init ();
  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      return g_test_run ();
    }
  adw_init ();
  curb_kiosk_load_style ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  shots_dir = g_build_filename (build != NULL ? build : ".", "kiosk-screens", NULL);
  g_mkdir_with_parents (shots_dir, 0755);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/kiosk/e2e/scan-to-thanks", test_scan_to_thanks);
  ADD ("/kiosk/e2e/offline-delivered-later", test_offline_delivered_later);
  ADD ("/kiosk/e2e/idle-reset", test_idle_reset_clears_shopper);
  ADD ("/kiosk/e2e/lookup-rate-limit", test_lookup_and_rate_limit);
  ADD ("/kiosk/e2e/bad-codes", test_bad_codes);
#undef ADD
  return g_test_run ();
}
