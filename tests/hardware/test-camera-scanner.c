#include <string.h>
#include <gst/app/gstappsrc.h>

#include "curb-camera-scanner.h"
#include "curb-hardware.h"
#include "curb-test-helpers.h"
#include "scanner-test-util.h"
#include "bench-scan-common.h"

#define APPSRC "appsrc name=cam is-live=true format=time do-timestamp=true " \
               "caps=video/x-raw,format=GRAY8,width=640,height=480,framerate=30/1"

typedef struct
{
  CurbCameraScanner *scanner;
  GBytes            *frame;
  int                width;
  int                height;
  gboolean           pushing;
  guint              pushed;
  GPtrArray         *codes;
  GArray            *errors;
  guint              recovered;
  guint              previews;
  int                preview_width;
  guint              push_id;
} Fixture;

static void
on_code (CurbCodeSource *source,
         GBytes         *payload,
         const char     *name,
         gint64          frame_time,
         Fixture        *fx)
{
  g_assert_cmpstr (name, ==, "camera");
  g_assert_cmpint (frame_time, <=, g_get_monotonic_time ());
  g_ptr_array_add (fx->codes, g_bytes_ref (payload));
}

static void
on_error (CurbCodeSource *source,
          GError         *error,
          Fixture        *fx)
{
  g_assert_true (error->domain == CURB_HARDWARE_ERROR);
  g_array_append_val (fx->errors, error->code);
}

static void
on_recovered (CurbCodeSource *source,
              Fixture        *fx)
{
  fx->recovered++;
}

static gboolean
push_frame (gpointer user_data)
{
  Fixture *fx = user_data;
  g_autoptr(GstElement) src = NULL;
  g_autoptr(GstCaps) caps = NULL;

  if (!fx->pushing || !(src = curb_camera_scanner_dup_element (fx->scanner, "cam")))
    return G_SOURCE_CONTINUE;
  caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "GRAY8",
                              "width", G_TYPE_INT, fx->width, "height", G_TYPE_INT, fx->height,
                              "framerate", GST_TYPE_FRACTION, 30, 1, NULL);
  gst_app_src_set_caps (GST_APP_SRC (src), caps);
  gst_app_src_push_buffer (GST_APP_SRC (src), gst_buffer_new_wrapped_bytes (fx->frame));
  fx->pushed++;
  return G_SOURCE_CONTINUE;
}

static void
show (Fixture    *fx,
      const char *payload,
      gboolean    inverted)
{
  g_clear_pointer (&fx->frame, g_bytes_unref);
  fx->frame = scanner_test_qr_frame ((const guint8 *) payload, payload ? strlen (payload) : 0,
                                     5, fx->width, fx->height, inverted);
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fx->scanner = curb_camera_scanner_new (APPSRC, NULL, &error);
  g_assert_no_error (error);
  fx->width = 640;
  fx->height = 480;
  fx->pushing = TRUE;
  fx->codes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  fx->errors = g_array_new (FALSE, FALSE, sizeof (int));
  show (fx, NULL, FALSE);
  g_signal_connect (fx->scanner, "code", G_CALLBACK (on_code), fx);
  g_signal_connect (fx->scanner, "error", G_CALLBACK (on_error), fx);
  g_signal_connect (fx->scanner, "recovered", G_CALLBACK (on_recovered), fx);
  fx->push_id = g_timeout_add (33, push_frame, fx);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_source_remove (fx->push_id);
  curb_code_source_stop (CURB_CODE_SOURCE (fx->scanner));
  g_assert_finalize_object (fx->scanner);
  g_clear_pointer (&fx->frame, g_bytes_unref);
  g_ptr_array_unref (fx->codes);
  g_array_unref (fx->errors);
}

static gboolean
on_timeout (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, on_timeout, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
wait_for (Fixture *fx,
          guint   *counter,
          guint    at_least,
          guint    ms)
{
  gint64 deadline = g_get_monotonic_time () + ms * 1000;

  while (*counter < at_least && g_get_monotonic_time () < deadline)
    spin (20);
  return *counter >= at_least;
}

static void
start (Fixture *fx)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (curb_code_source_start (CURB_CODE_SOURCE (fx->scanner), &error));
  g_assert_no_error (error);
}

static void
assert_code (Fixture    *fx,
             guint       index,
             const char *payload)
{
  g_assert_cmpuint (fx->codes->len, >, index);
  g_assert_true (scanner_test_bytes_equal (fx->codes->pdata[index], (const guint8 *) payload,
                                           strlen (payload)));
}

static void
test_reports_once_and_rearms (Fixture       *fx,
                              gconstpointer  data)
{
  start (fx);
  show (fx, "CP1.once", FALSE);
  g_assert_true (wait_for (fx, &fx->codes->len, 1, 3000));
  spin (1000);
  g_assert_cmpuint (fx->codes->len, ==, 1);
  assert_code (fx, 0, "CP1.once");
  g_assert_cmpint (curb_code_source_get_state (CURB_CODE_SOURCE (fx->scanner)), ==, CURB_CODE_SOURCE_RUNNING);

  show (fx, NULL, FALSE);
  spin (1800);
  show (fx, "CP1.once", FALSE);
  g_assert_true (wait_for (fx, &fx->codes->len, 2, 3000));
  assert_code (fx, 1, "CP1.once");
  g_assert_cmpuint (fx->errors->len, ==, 0);
}

static void
test_reads_inverted (Fixture       *fx,
                     gconstpointer  data)
{
  start (fx);
  show (fx, "CP1.dark-mode", TRUE);
  g_assert_true (wait_for (fx, &fx->codes->len, 1, 3000));
  assert_code (fx, 0, "CP1.dark-mode");
}

static void
test_hostile_payload (Fixture       *fx,
                      gconstpointer  data)
{
  const char *payload = "<b>markup</b>\x1b[2J\x07";

  start (fx);
  show (fx, payload, FALSE);
  g_assert_true (wait_for (fx, &fx->codes->len, 1, 3000));
  assert_code (fx, 0, payload);
}

static void
test_unplug_and_recover (Fixture       *fx,
                         gconstpointer  data)
{
  g_autoptr(GstElement) src = NULL;
  gint64 back;

  start (fx);
  g_assert_true (wait_for (fx, &fx->pushed, 10, 2000));
  spin (300);
  src = curb_camera_scanner_dup_element (fx->scanner, "cam");
  fx->pushing = FALSE;
  GST_ELEMENT_ERROR (src, RESOURCE, READ, ("Camera unplugged"), (NULL));
  g_assert_true (wait_for (fx, &fx->errors->len, 1, 2000));
  g_assert_cmpint (g_array_index (fx->errors, int, 0), ==, CURB_HARDWARE_ERROR_CAMERA_UNPLUGGED);
  g_assert_cmpint (curb_code_source_get_state (CURB_CODE_SOURCE (fx->scanner)), ==, CURB_CODE_SOURCE_FAILED);
  g_assert_error ((GError *) curb_code_source_get_error (CURB_CODE_SOURCE (fx->scanner)),
                  CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_CAMERA_UNPLUGGED);
  spin (1500);
  back = g_get_monotonic_time ();
  fx->pushing = TRUE;
  show (fx, "CP1.after-unplug", FALSE);
  g_assert_true (wait_for (fx, &fx->recovered, 1, 5000));
  g_assert_cmpint (g_get_monotonic_time () - back, <, 5 * G_USEC_PER_SEC);
  g_assert_true (wait_for (fx, &fx->codes->len, 1, 3000));
  assert_code (fx, 0, "CP1.after-unplug");
}

static void
test_frozen_and_recover (Fixture       *fx,
                         gconstpointer  data)
{
  gint64 back;

  start (fx);
  g_assert_true (wait_for (fx, &fx->pushed, 10, 2000));
  spin (300);
  fx->pushing = FALSE;
  g_assert_true (wait_for (fx, &fx->errors->len, 1, 3500));
  g_assert_cmpint (g_array_index (fx->errors, int, 0), ==, CURB_HARDWARE_ERROR_CAMERA_FROZEN);
  back = g_get_monotonic_time ();
  fx->pushing = TRUE;
  g_assert_true (wait_for (fx, &fx->recovered, 1, 5000));
  g_assert_cmpint (g_get_monotonic_time () - back, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpint (curb_code_source_get_state (CURB_CODE_SOURCE (fx->scanner)), ==, CURB_CODE_SOURCE_RUNNING);
}

static void
test_format_change (Fixture       *fx,
                    gconstpointer  data)
{
  start (fx);
  g_assert_true (wait_for (fx, &fx->pushed, 10, 2000));
  spin (300);
  fx->width = 800;
  fx->height = 600;
  show (fx, "CP1.new-format", FALSE);
  g_assert_true (wait_for (fx, &fx->errors->len, 1, 3000));
  g_assert_cmpint (g_array_index (fx->errors, int, 0), ==, CURB_HARDWARE_ERROR_FORMAT_CHANGED);
  g_assert_true (wait_for (fx, &fx->recovered, 1, 5000));
  g_assert_true (wait_for (fx, &fx->codes->len, 1, 3000));
  assert_code (fx, 0, "CP1.new-format");
}

static void
test_no_frames_at_start (Fixture       *fx,
                         gconstpointer  data)
{
  fx->pushing = FALSE;
  start (fx);
  g_assert_true (wait_for (fx, &fx->errors->len, 1, 3500));
  g_assert_cmpint (g_array_index (fx->errors, int, 0), ==, CURB_HARDWARE_ERROR_NO_CAMERA);
  fx->pushing = TRUE;
  g_assert_true (wait_for (fx, &fx->recovered, 1, 5000));
}

static void
on_preview (GBytes   *pixels,
            int       width,
            int       height,
            gsize     stride,
            gpointer  user_data)
{
  Fixture *fx = user_data;

  g_assert_cmpuint (stride, >=, (gsize) width * 4);
  g_assert_cmpuint (g_bytes_get_size (pixels), >=, stride * height);
  fx->preview_width = width;
  fx->previews++;
}

static void
test_preview_frames (Fixture       *fx,
                     gconstpointer  data)
{
  curb_camera_scanner_set_preview_func (fx->scanner, on_preview, fx, NULL);
  start (fx);
  g_assert_true (wait_for (fx, &fx->previews, 5, 3000));
  g_assert_cmpint (fx->preview_width, ==, 640);
}

static void
on_handoff (GstElement *sink,
            GstBuffer  *buffer,
            GstPad     *pad,
            Fixture    *fx)
{
  g_atomic_int_inc (&fx->previews);
}

/* The app's own sink (gtk4paintablesink where installed) gets frames, and
 * gets them again after the camera came back. */
static void
test_preview_sink_survives_unplug (Fixture       *fx,
                                   gconstpointer  data)
{
  GstElement *sink = gst_element_factory_make ("fakesink", "app-preview");
  g_autoptr(GstElement) src = NULL;
  guint before;

  g_object_set (sink, "signal-handoffs", TRUE, "sync", FALSE, NULL);
  g_signal_connect (sink, "handoff", G_CALLBACK (on_handoff), fx);
  curb_camera_scanner_set_preview_sink (fx->scanner, sink);
  start (fx);
  g_assert_true (wait_for (fx, &fx->previews, 5, 3000));
  src = curb_camera_scanner_dup_element (fx->scanner, "cam");
  GST_ELEMENT_ERROR (src, RESOURCE, READ, ("Camera unplugged"), (NULL));
  g_assert_true (wait_for (fx, &fx->errors->len, 1, 2000));
  before = g_atomic_int_get (&fx->previews);
  g_assert_true (wait_for (fx, &fx->recovered, 1, 5000));
  g_assert_true (wait_for (fx, &fx->previews, before + 5, 3000));
}

static void
test_corpus_frames (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GPtrArray) list = NULL;
  guint shown = 0;

  if (curb_test_shared_dir () == NULL)
    {
      g_test_skip ("no ../shared (CURB_SHARED_DIR)");
      return;
    }
  dir = bench_corpus_ensure (BENCH_DEFAULT_SEED, FALSE, &error);
  g_assert_no_error (error);
  list = bench_corpus_load (dir, 1, &error);
  g_assert_no_error (error);
  start (fx);
  for (guint i = 0; i < list->len; i++)
    {
      BenchCorpusEntry *entry = list->pdata[i];
      g_autofree char *contents = NULL;
      gsize length;

      if (!g_str_equal (entry->res, "480p")
          || !g_strv_contains ((const char *[]) { "clean", "typical", "rotation", NULL }, entry->category))
        continue;
      g_assert_true (g_file_get_contents (entry->path, &contents, &length, NULL));
      g_clear_pointer (&fx->frame, g_bytes_unref);
      fx->frame = g_bytes_new (contents + length - 640 * 480, 640 * 480);
      g_assert_true (wait_for (fx, &fx->codes->len, ++shown, 3000));
      assert_code (fx, shown - 1, entry->payload);
    }
  g_assert_cmpuint (shown, ==, 3);
}

/* --- adaptive rate: a real pipeline, frames stamped 1/30 s apart ---------- */

#define STAMPED_APPSRC "appsrc name=cam is-live=true format=time " \
                       "caps=video/x-raw,format=GRAY8,width=640,height=480,framerate=30/1"

typedef struct
{
  CurbCameraScanner *scanner;
  guint64            pushed;
  gint               decode_branch;   /* atomic: frames that reached the decode sink */
  guint              codes;
  guint              notifies;
} Stamped;

typedef struct
{
  guint64 frames;
  guint64 previewed;
  guint   decode_branch;
} Window;

static void
on_stamped_code (CurbCodeSource *source,
                 GBytes         *payload,
                 const char     *name,
                 gint64          frame_time,
                 Stamped        *st)
{
  st->codes++;
}

static void
on_attentive_notify (CurbCameraScanner *scanner,
                     GParamSpec        *pspec,
                     Stamped           *st)
{
  st->notifies++;
}

static void
on_any_preview (GBytes   *pixels,
                int       width,
                int       height,
                gsize     stride,
                gpointer  user_data)
{
}

static GstPadProbeReturn
on_decode_branch_buffer (GstPad          *pad,
                         GstPadProbeInfo *info,
                         gpointer         data)
{
  g_atomic_int_inc (&((Stamped *) data)->decode_branch);
  return GST_PAD_PROBE_OK;
}

/* One frame stamped at the camera's pace (the scanner paces itself by
 * the frames' time, not by when they come), then the main loop runs. */
static void
push_stamped (Stamped *st,
              GBytes  *frame)
{
  g_autoptr(GstElement) src = curb_camera_scanner_dup_element (st->scanner, "cam");
  GstBuffer *buffer = gst_buffer_new_wrapped_bytes (frame);

  GST_BUFFER_PTS (buffer) = gst_util_uint64_scale (st->pushed++, GST_SECOND, 30);
  GST_BUFFER_DURATION (buffer) = GST_SECOND / 30;
  gst_app_src_push_buffer (GST_APP_SRC (src), buffer);
  spin (33);
}

static Window
snapshot (Stamped *st)
{
  CurbCameraStats stats;
  Window w;

  curb_camera_scanner_get_stats (st->scanner, &stats);
  w.frames = stats.frames;
  w.previewed = stats.previewed;
  w.decode_branch = g_atomic_int_get (&st->decode_branch);
  return w;
}

/* What reached the preview and decode branches over @n frames of @frame. */
static Window
measure_window (Stamped *st,
                GBytes  *frame,
                guint    n)
{
  Window before = snapshot (st), after;

  for (guint i = 0; i < n; i++)
    push_stamped (st, frame);
  spin (100);
  after = snapshot (st);
  after.frames -= before.frames;
  after.previewed -= before.previewed;
  after.decode_branch -= before.decode_branch;
  g_test_message ("%" G_GUINT64_FORMAT " frames: %" G_GUINT64_FORMAT " previewed, %u to the decoder",
                  after.frames, after.previewed, after.decode_branch);
  g_assert_cmpuint (after.frames, >=, n - 2);
  return after;
}

static void
push_until (Stamped  *st,
            GBytes   *frame,
            gboolean  attentive,
            guint     max_frames)
{
  for (guint i = 0; i < max_frames && (curb_camera_scanner_get_attentive (st->scanner) != attentive
                                        || (attentive && st->codes == 0)); i++)
    push_stamped (st, frame);
  g_assert_cmpint (curb_camera_scanner_get_attentive (st->scanner), ==, attentive);
}

static void
start_stamped (Stamped *st)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstPad) pad = NULL;

  g_assert_true (curb_code_source_start (CURB_CODE_SOURCE (st->scanner), &error));
  g_assert_no_error (error);
  sink = curb_camera_scanner_dup_element (st->scanner, "curb_decode");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_decode_branch_buffer, st, NULL);
}

static CurbCameraScanner *
stamped_scanner (Stamped *st)
{
  g_autoptr(GError) error = NULL;

  st->scanner = curb_camera_scanner_new (STAMPED_APPSRC, NULL, &error);
  g_assert_no_error (error);
  curb_camera_scanner_set_preview_func (st->scanner, on_any_preview, NULL, NULL);
  g_signal_connect (st->scanner, "code", G_CALLBACK (on_stamped_code), st);
  g_signal_connect (st->scanner, "notify::attentive", G_CALLBACK (on_attentive_notify), st);
  return st->scanner;
}

/* Nobody in front: the preview gets the idle rate (5 of 30 frames here)
 * and the decoder only the frames the gate looks at (about every other
 * one), both dropped before their branch. A code in view: every frame to
 * both, and the code read; gone again: back to the idle rate. */
static void
test_adaptive_rate (void)
{
  Stamped st = { 0 };
  g_autoptr(CurbCameraScanner) scanner = stamped_scanner (&st);
  g_autoptr(GBytes) empty = scanner_test_qr_frame (NULL, 0, 5, 640, 480, FALSE);
  g_autoptr(GBytes) code = scanner_test_qr_frame ((const guint8 *) "CP1.ADAPTIVE", 12, 5, 640, 480, FALSE);
  Window w;

  curb_camera_scanner_set_preview_idle_rate (scanner, 5);
  start_stamped (&st);
  measure_window (&st, empty, 15);
  w = measure_window (&st, empty, 90);
  g_assert_false (curb_camera_scanner_get_attentive (scanner));
  g_assert_cmpuint (w.previewed * 3, <, w.frames);
  g_assert_cmpuint (w.decode_branch * 4, <, w.frames * 3);

  push_until (&st, code, TRUE, 60);
  g_assert_cmpuint (st.codes, ==, 1);
  w = measure_window (&st, code, 60);
  g_assert_cmpuint (w.previewed * 10, >=, w.frames * 9);
  g_assert_cmpuint (w.decode_branch * 10, >=, w.frames * 9);

  push_until (&st, empty, FALSE, 150);
  w = measure_window (&st, empty, 90);
  g_assert_cmpuint (w.previewed * 3, <, w.frames);
  g_assert_cmpuint (st.notifies, >=, 2);
  curb_code_source_stop (CURB_CODE_SOURCE (scanner));
}

/* Held while the app starts: a code in view is not decoded; resumed, it is
 * read from the next frames. */
static void
test_decoding_held (void)
{
  Stamped st = { 0 };
  g_autoptr(CurbCameraScanner) scanner = stamped_scanner (&st);
  g_autoptr(GBytes) code = scanner_test_qr_frame ((const guint8 *) "CP1.HELD", 8, 5, 640, 480, FALSE);
  CurbCameraStats stats;
  guint after = 0;

  curb_camera_scanner_set_decoding (scanner, FALSE);
  start_stamped (&st);
  measure_window (&st, code, 30);
  curb_camera_scanner_get_stats (scanner, &stats);
  g_assert_cmpuint (st.codes, ==, 0);
  g_assert_cmpuint (stats.decoded, ==, 0);
  /* one frame primes the decode sink, and is not decoded */
  g_assert_cmpint (g_atomic_int_get (&st.decode_branch), <=, 1);
  g_assert_cmpuint (stats.previewed, >=, 20);

  curb_camera_scanner_set_decoding (scanner, TRUE);
  while (st.codes == 0 && after++ < 30)
    push_stamped (&st, code);
  g_test_message ("read %u frames after decoding resumed", after);
  g_assert_cmpuint (st.codes, ==, 1);
  g_assert_cmpuint (after, <=, 10);
  curb_code_source_stop (CURB_CODE_SOURCE (scanner));
}

static void
on_paced_error (CurbCodeSource *source,
                GError         *error,
                guint          *errors)
{
  (*errors)++;
}

/* A file (here a non-live test source at 4 fps) plays at its own pace even
 * while nothing is decoded: the frames the decoder does not want must not
 * let it run ahead of the clock (and then stall, a frozen camera). */
static void
test_paced_file_while_held (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbCameraScanner) scanner = curb_camera_scanner_new (
    "videotestsrc pattern=black ! video/x-raw,format=GRAY8,width=320,height=240,framerate=4/1",
    NULL, &error);
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  CurbCameraStats stats;
  guint errors = 0;

  g_assert_no_error (error);
  /* like the kiosk's own preview sink, it does not wait for the clock */
  g_object_set (sink, "sync", FALSE, NULL);
  curb_camera_scanner_set_preview_sink (scanner, sink);
  curb_camera_scanner_set_decoding (scanner, FALSE);
  g_signal_connect (scanner, "error", G_CALLBACK (on_paced_error), &errors);
  g_assert_true (curb_code_source_start (CURB_CODE_SOURCE (scanner), &error));
  spin (3000);
  curb_camera_scanner_get_stats (scanner, &stats);
  g_test_message ("%" G_GUINT64_FORMAT " frames in 3 s", stats.frames);
  g_assert_cmpuint (errors, ==, 0);
  g_assert_cmpuint (stats.frames, >=, 4);
  g_assert_cmpuint (stats.frames, <=, 40);
  curb_code_source_stop (CURB_CODE_SOURCE (scanner));
}

static void
on_no_camera_error (CurbCodeSource *source,
                    GError         *error,
                    int            *code)
{
  *code = error->code;
}

/* Auto-detection on a machine without a camera: NO_CAMERA, then it keeps
 * looking (the kiosk may boot before its USB camera). */
static void
test_no_camera (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstDeviceMonitor) monitor = gst_device_monitor_new ();
  g_autoptr(CurbCameraScanner) scanner = NULL;
  GList *devices;
  int code = -1;

  gst_device_monitor_add_filter (monitor, "Video/Source", NULL);
  devices = gst_device_monitor_get_devices (monitor);
  if (devices != NULL)
    {
      g_list_free_full (devices, gst_object_unref);
      g_test_skip ("this machine has a camera");
      return;
    }
  scanner = curb_camera_scanner_new (NULL, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (scanner, "error", G_CALLBACK (on_no_camera_error), &code);
  g_assert_true (curb_code_source_start (CURB_CODE_SOURCE (scanner), &error));
  while (code < 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (code, ==, CURB_HARDWARE_ERROR_NO_CAMERA);
  g_assert_cmpint (curb_code_source_get_state (CURB_CODE_SOURCE (scanner)), ==, CURB_CODE_SOURCE_FAILED);
  curb_code_source_stop (CURB_CODE_SOURCE (scanner));
}

static void
test_bad_pipeline (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbCameraScanner) scanner = curb_camera_scanner_new ("nosuchelement ! ! (", NULL, &error);

  g_assert_null (scanner);
  g_assert_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_FAILED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/camera-scanner/once-and-rearm", test_reports_once_and_rearms);
  ADD ("/camera-scanner/inverted", test_reads_inverted);
  ADD ("/camera-scanner/hostile-payload", test_hostile_payload);
  ADD ("/camera-scanner/unplug", test_unplug_and_recover);
  ADD ("/camera-scanner/frozen", test_frozen_and_recover);
  ADD ("/camera-scanner/format-change", test_format_change);
  ADD ("/camera-scanner/no-frames-at-start", test_no_frames_at_start);
  ADD ("/camera-scanner/preview", test_preview_frames);
  ADD ("/camera-scanner/preview-sink", test_preview_sink_survives_unplug);
  ADD ("/camera-scanner/corpus", test_corpus_frames);
#undef ADD
  g_test_add_func ("/camera-scanner/adaptive-rate", test_adaptive_rate);
  g_test_add_func ("/camera-scanner/decoding-held", test_decoding_held);
  g_test_add_func ("/camera-scanner/paced-file-while-held", test_paced_file_while_held);
  g_test_add_func ("/camera-scanner/no-camera", test_no_camera);
  g_test_add_func ("/camera-scanner/bad-pipeline", test_bad_pipeline);

  return g_test_run ();
}
