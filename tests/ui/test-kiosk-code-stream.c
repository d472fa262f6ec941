#include <adwaita.h>
#include <gst/app/gstappsrc.h>

#include "curb-camera-scanner.h"
#include "curb-kiosk-i18n.h"
#include "curb-kiosk-preview-sink.h"
#include "curb-kiosk-session.h"
#include "curb-kiosk-window.h"
#include "curb-test-helpers.h"
#include "scanner-test-util.h"
#include "test-hub-fixture.h"

/* What a stream of codes costs the kiosk (docs/design-kiosk.md, "Per frame
 * and per code read"): the real window under Xvfb, the real session and
 * camera scanner fed through appsrc, a real hub. A camera by the bays sees
 * codes that are not ours, the same code again and again, and a queue of
 * shoppers; none of that may rebuild a page once the screen shows what it
 * should. */

#define FRAME_W 640
#define FRAME_H 480
#define CAMERA "appsrc name=cam is-live=true format=time do-timestamp=true " \
               "caps=video/x-raw,format=GRAY8,width=640,height=480,framerate=30/1"

typedef struct
{
  HubFixture            hub;
  char                 *dir;
  CurbKeyring          *keyring;
  CurbKioskFlow        *flow;
  CurbKioskWindow      *window;
  CurbKioskSession     *session;
  CurbCameraScanner    *scanner;
  CurbKioskPreviewSink *preview;
  CurbHubClient        *client;
  GPtrArray            *frames;     /* shown in turn, one per camera frame */
  guint                 next_frame;
  guint                 push_id;
  guint                 reads;
  guint                 changes;
} Fixture;

static gboolean
push_frame (gpointer data)
{
  Fixture *fx = data;
  g_autoptr(GstElement) src = curb_camera_scanner_dup_element (fx->scanner, "cam");
  GBytes *frame;

  if (src == NULL || fx->frames->len == 0)
    return G_SOURCE_CONTINUE;
  frame = fx->frames->pdata[fx->next_frame++ % fx->frames->len];
  gst_app_src_push_buffer (GST_APP_SRC (src), gst_buffer_new_wrapped_bytes (frame));
  return G_SOURCE_CONTINUE;
}

static void
show_codes (Fixture *fx, const char * const *payloads, guint n)
{
  g_ptr_array_set_size (fx->frames, 0);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (fx->frames,
                     scanner_test_qr_frame ((const guint8 *) payloads[i],
                                            payloads[i] != NULL ? strlen (payloads[i]) : 0,
                                            4, FRAME_W, FRAME_H, FALSE));
  fx->next_frame = 0;
}

static void
show_code (Fixture *fx, const char *payload)
{
  show_codes (fx, &payload, 1);
}

static void
on_preview (GdkTexture *frame, gpointer data)
{
  Fixture *fx = data;

  curb_kiosk_window_set_preview_texture (fx->window, frame);
}

static void
on_code (CurbCodeSource *source, GBytes *payload, const char *name, gint64 t, Fixture *fx)
{
  fx->reads++;
}

static void
on_changed (CurbKioskFlow *flow, Fixture *fx)
{
  fx->changes++;
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
fixture_setup (Fixture *fx, gconstpointer data)
{
  const char *bays[] = { "1", "2", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbKioskOutbox) outbox = NULL;
  g_autofree char *path = NULL;

  hub_fixture_setup (&fx->hub, NULL);
  fx->keyring = curb_keyring_new ();
  curb_keyring_add (fx->keyring, "t1", curb_signing_key_get_public_key (fx->hub.issuer), &error);
  g_assert_no_error (error);
  fx->dir = curb_test_mkdtemp ();
  path = g_build_filename (fx->dir, "kiosk-cache.db", NULL);
  outbox = curb_kiosk_outbox_open (path, &error);
  g_assert_no_error (error);
  fx->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  fx->flow = curb_kiosk_flow_new ();
  curb_kiosk_flow_set_bays (fx->flow, bays);
  fx->client = hub_fixture_device (&fx->hub, CURB_DEVICE_ROLE_KIOSK, NULL);
  fx->session = curb_kiosk_session_new (fx->flow, fx->client, outbox);
  curb_kiosk_session_set_keyring (fx->session, fx->keyring, HUB_TEST_STORE_ID);
  fx->window = curb_kiosk_window_new (NULL, fx->flow);
  gtk_window_set_default_size (GTK_WINDOW (fx->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (fx->window));

  fx->scanner = curb_camera_scanner_new (CAMERA, NULL, &error);
  g_assert_no_error (error);
  fx->preview = curb_kiosk_preview_sink_new (640, 360, 15, on_preview, fx);
  curb_camera_scanner_set_preview_sink (fx->scanner, curb_kiosk_preview_sink_get_element (fx->preview));
  curb_kiosk_session_set_code_source (fx->session, CURB_CODE_SOURCE (fx->scanner));
  g_signal_connect (fx->scanner, "code", G_CALLBACK (on_code), fx);
  g_signal_connect (fx->flow, "changed", G_CALLBACK (on_changed), fx);
  g_assert_true (curb_code_source_start (CURB_CODE_SOURCE (fx->scanner), &error));
  show_code (fx, NULL);
  fx->push_id = g_timeout_add (33, push_frame, fx);
  curb_kiosk_session_start (fx->session);
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fx->window)), 10000);
  /* the hub's first status (queue length) is a change of its own */
  WAIT_FOR (curb_kiosk_flow_get_queue_waiting (fx->flow) >= 0, 10000);
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
  g_clear_object (&fx->flow);
  g_clear_object (&fx->keyring);
  g_clear_pointer (&fx->frames, g_ptr_array_unref);
  hub_spin (50);
  hub_fixture_teardown (&fx->hub, NULL);
  curb_test_rmdir (fx->dir);
  g_free (fx->dir);
}

/* The page on screen now, watched: it stays non-NULL for as long as it lives. */
static GtkWidget *
watch_page (Fixture *fx, GtkWidget **slot)
{
  *slot = curb_kiosk_window_get_page (fx->window);
  g_assert_nonnull (*slot);
  g_object_add_weak_pointer (G_OBJECT (*slot), (gpointer *) slot);
  return *slot;
}

static void
unwatch_page (GtkWidget **slot)
{
  if (*slot != NULL)
    g_object_remove_weak_pointer (G_OBJECT (*slot), (gpointer *) slot);
}

/* Codes of other systems (tokens of another format, a URL, a loyalty card)
 * flashing past, each a new payload, as a queue or a poster wall gives
 * (like the benchmark's video: 60 codes, each in view every 2 s). */
static void
test_codes_not_ours (Fixture *fx, gconstpointer data)
{
  g_autoptr(GPtrArray) payloads = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *page = NULL;
  guint visit, changes, reads;

  for (guint i = 0; i < 60; i++)
    g_ptr_array_add (payloads, i % 3 == 0 ? g_strdup_printf ("https://example.invalid/loyalty/%u", i)
                                          : g_strdup_printf ("CP1.%08uQm9uam91ci1vdGhlci1zeXN0ZW0.c2lnbmF0dXJl", i));
  show_code (fx, g_ptr_array_index (payloads, 0));
  WAIT_FOR (curb_kiosk_flow_get_problem (fx->flow) == CURB_KIOSK_PROBLEM_NOT_PICKUP_CODE, 10000);
  watch_page (fx, &page);
  visit = curb_kiosk_flow_get_visit (fx->flow);
  changes = fx->changes;
  reads = fx->reads;

  show_codes (fx, (const char * const *) payloads->pdata, payloads->len);
  WAIT_FOR (fx->reads >= reads + 40, 30000);

  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_PROBLEM);
  g_assert_cmpuint (curb_kiosk_flow_get_visit (fx->flow), ==, visit);
  g_assert_cmpuint (fx->changes, ==, changes);
  g_assert_true (page != NULL && page == curb_kiosk_window_get_page (fx->window));
  unwatch_page (&page);
}

/* A code that is refused for another reason is shown at once; then it too
 * stays put while the same kind of code keeps coming. */
static void
test_other_refusal_shown (Fixture *fx, gconstpointer data)
{
  g_autofree char *expired = hub_fixture_token (&fx->hub, HUB_TEST_STORE_ID, "E5X", 1000);
  g_autofree char *expired2 = hub_fixture_token (&fx->hub, HUB_TEST_STORE_ID, "E6X", 1000);
  const char *both[] = { expired, expired2 };
  GtkWidget *page = NULL;
  guint changes, reads;

  show_code (fx, "https://example.invalid/not-a-pickup-code");
  WAIT_FOR (curb_kiosk_flow_get_problem (fx->flow) == CURB_KIOSK_PROBLEM_NOT_PICKUP_CODE, 10000);
  show_code (fx, expired);
  WAIT_FOR (curb_kiosk_flow_get_problem (fx->flow) == CURB_KIOSK_PROBLEM_EXPIRED, 10000);
  watch_page (fx, &page);
  changes = fx->changes;
  reads = fx->reads;
  show_codes (fx, both, 2);
  WAIT_FOR (fx->reads >= reads + 1, 10000);
  hub_spin (300);
  g_assert_cmpuint (fx->changes, ==, changes);
  g_assert_true (page != NULL && page == curb_kiosk_window_get_page (fx->window));
  unwatch_page (&page);
}

static void
add_ready_order (Fixture *fx, const char *ref)
{
  g_autoptr(CurbHubClient) staff = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;

  hub_fixture_add_order (&fx->hub, ref, FALSE);
  staff = hub_fixture_staff (&fx->hub, "st-1", "4321");
  reply = hub_action (staff, ref, CURB_HUB_ACTION_STAGE,
                      "{\"locations\": [{\"zone\": \"A\", \"shelf\": \"1\", \"bin\": \"1\"}],"
                      " \"bags\": {\"ambient\": 1, \"chilled\": 0, \"frozen\": 0}}", NULL, &error);
  g_assert_no_error (error);
}

/* One shopper at the greeting; their code again (held up, lowered, held up)
 * and the next shoppers' codes behind them change nothing. */
static void
test_queue_and_repeats (Fixture *fx, gconstpointer data)
{
  g_autofree char *first = NULL, *second = NULL, *third = NULL;
  const char *queue[3];
  GtkWidget *page = NULL;
  guint visit, changes, reads;

  hub_fixture_add_staff (&fx->hub, "st-1", "Alex", "4321");
  add_ready_order (fx, "Q1");
  add_ready_order (fx, "Q2");
  add_ready_order (fx, "Q3");
  first = hub_fixture_token (&fx->hub, HUB_TEST_STORE_ID, "Q1", g_get_real_time () / G_USEC_PER_SEC + 3600);
  second = hub_fixture_token (&fx->hub, HUB_TEST_STORE_ID, "Q2", g_get_real_time () / G_USEC_PER_SEC + 3600);
  third = hub_fixture_token (&fx->hub, HUB_TEST_STORE_ID, "Q3", g_get_real_time () / G_USEC_PER_SEC + 3600);
  show_code (fx, first);
  WAIT_FOR (curb_kiosk_flow_get_screen (fx->flow) == CURB_KIOSK_SCREEN_GREETING, 10000);
  watch_page (fx, &page);
  visit = curb_kiosk_flow_get_visit (fx->flow);
  changes = fx->changes;

  /* lowered for longer than the scanner's re-arm time, then shown again */
  show_code (fx, NULL);
  hub_spin (1800);
  reads = fx->reads;
  show_code (fx, first);
  WAIT_FOR (fx->reads > reads, 10000);
  /* the queue behind */
  queue[0] = second, queue[1] = third, queue[2] = first;
  reads = fx->reads;
  show_codes (fx, queue, 3);
  WAIT_FOR (fx->reads >= reads + 2, 10000);
  hub_spin (300);

  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_GREETING);
  g_assert_cmpstr (curb_order_get_ref (curb_kiosk_flow_get_order (fx->flow)), ==, "Q1");
  g_assert_cmpuint (curb_kiosk_flow_get_visit (fx->flow), ==, visit);
  g_assert_cmpuint (fx->changes, ==, changes);
  g_assert_true (page != NULL && page == curb_kiosk_window_get_page (fx->window));
  unwatch_page (&page);
}

int
main (int argc, char **argv)
{
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
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/kiosk/code-stream/not-ours", test_codes_not_ours);
  ADD ("/kiosk/code-stream/other-refusal", test_other_refusal_shown);
  ADD ("/kiosk/code-stream/queue-and-repeats", test_queue_and_repeats);
#undef ADD
  return g_test_run ();
}
