/* The scanner live at 1280×720, 30 fps, fed from the corpus video loops by
 * appsrc in real time, beside the stock zbar element in the same run:
 * process CPU share, frame-to-result latency, frames not decoded. */
#include <time.h>
#include <gst/app/gstappsrc.h>

#include "curb-camera-scanner.h"
#include "curb-scanner-gate.h"
#include "curb-scanner-image.h"
#include "bench-scan-common.h"

#define WIDTH  1280
#define HEIGHT 720
#define CAPS   "video/x-raw,format=I420,width=1280,height=720,framerate=30/1"

typedef struct
{
  GPtrArray  *frames;
  GstElement *(*get_src) (gpointer data);
  gpointer    data;
  gint64      until;
  guint       pushed;
} Feeder;

typedef struct
{
  GArray *latency;
  GArray *reading;   /* frame → handed over by the decode thread */
  GArray *hop;       /* handed over → the main loop's handler */
  guint   processed;
  guint   reads;
} Counters;

static int      seconds = 4;
static int      max_frames = 30;
static char    *corpus_dir;
static gboolean with_preview;
static int      appearances = 20;
static gboolean appear_only;

static const GOptionEntry entries[] = {
  { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "Seconds per scenario", "N" },
  { "frames", 0, 0, G_OPTION_ARG_INT, &max_frames, "Frames per video loop", "N" },
  { "corpus", 0, 0, G_OPTION_ARG_FILENAME, &corpus_dir, "Corpus directory", "DIR" },
  { "preview", 0, 0, G_OPTION_ARG_NONE, &with_preview, "Also measure with the BGRA preview branch", NULL },
  { "appearances", 0, 0, G_OPTION_ARG_INT, &appearances, "Codes shown after an empty kerb, for the time to read", "N" },
  { "appear-only", 0, 0, G_OPTION_ARG_NONE, &appear_only, "Only the time to read", NULL },
  { NULL }
};

static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static GPtrArray *
load_loop (const char *dir,
           const char *scenario)
{
  GPtrArray *frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (int i = 0; i < max_frames; i++)
    {
      g_autofree char *name = g_strdup_printf ("%03d.i420", i);
      g_autofree char *path = g_build_filename (dir, "video", scenario, name, NULL);
      char *contents;
      gsize length;

      if (!g_file_get_contents (path, &contents, &length, NULL))
        break;
      g_ptr_array_add (frames, g_bytes_new_take (contents, length));
    }
  return frames;
}

/* Stamps the frame with the pipeline's running time now, so that ours
 * and the stock element's latencies both start at the push. */
static void
push_now (GstElement *src,
          GBytes     *frame)
{
  g_autoptr(GstClock) clock = gst_element_get_clock (src);
  GstBuffer *buffer = gst_buffer_new_wrapped_bytes (frame);

  if (clock)
    GST_BUFFER_PTS (buffer) = gst_clock_get_time (clock) - gst_element_get_base_time (src);
  gst_app_src_push_buffer (GST_APP_SRC (src), buffer);
}

/* Pushes frames at 30 fps in real time until feeder->until. */
static gpointer
feed (gpointer data)
{
  Feeder *feeder = data;
  gint64 next = g_get_monotonic_time ();

  while (g_get_monotonic_time () < feeder->until)
    {
      g_autoptr(GstElement) src = feeder->get_src (feeder->data);
      GBytes *frame = feeder->frames->pdata[feeder->pushed % feeder->frames->len];

      if (src)
        push_now (src, frame);
      feeder->pushed++;
      next += G_USEC_PER_SEC / 30;
      if (next > g_get_monotonic_time ())
        g_usleep (next - g_get_monotonic_time ());
    }
  return NULL;
}

static gboolean
on_quit (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static void
run_for (Feeder *feeder,
         double *cpu_share)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  double cpu0;
  gint64 t0;
  GThread *thread;

  g_timeout_add (500, on_quit, loop);
  g_main_loop_run (loop);
  cpu0 = cpu_seconds ();
  t0 = g_get_monotonic_time ();
  feeder->until = t0 + seconds * G_USEC_PER_SEC;
  thread = g_thread_new ("feeder", feed, feeder);
  g_timeout_add (seconds * 1000 + 50, on_quit, loop);
  g_main_loop_run (loop);
  g_thread_join (thread);
  *cpu_share = 100.0 * (cpu_seconds () - cpu0) / ((g_get_monotonic_time () - t0) / 1e6);
}

/* --- ours ---------------------------------------------------------------- */

static GstElement *
scanner_src (gpointer data)
{
  return curb_camera_scanner_dup_element (data, "cam");
}

static void
on_code (CurbCodeSource *source,
         GBytes         *payload,
         const char     *name,
         gint64          frame_time,
         Counters       *counters)
{
  gint64 now = g_get_monotonic_time ();
  gint64 handed_over = curb_code_source_get_handed_over_time (source);
  double ms = (now - frame_time) / 1000.0;
  double reading = (handed_over - frame_time) / 1000.0, hop = (now - handed_over) / 1000.0;

  g_array_append_val (counters->latency, ms);
  g_array_append_val (counters->reading, reading);
  g_array_append_val (counters->hop, hop);
  counters->reads++;
}

static void
on_preview (GBytes   *pixels,
            int       width,
            int       height,
            gsize     stride,
            gpointer  user_data)
{
  (*(guint *) user_data)++;
}

static double
run_ours (const char *scenario,
          GPtrArray  *frames,
          gboolean    preview)
{
  guint previews = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbCameraScanner) scanner = curb_camera_scanner_new (
    "appsrc name=cam is-live=true format=time caps=" CAPS, NULL, &error);
  Counters counters = { g_array_new (FALSE, FALSE, sizeof (double)), g_array_new (FALSE, FALSE, sizeof (double)),
                        g_array_new (FALSE, FALSE, sizeof (double)) };
  Feeder feeder = { frames, scanner_src, scanner };
  CurbCameraStats stats;
  double cpu;

  g_assert_no_error (error);
  /* every read counts for latency, not only the first of each code */
  g_object_set (scanner, "rearm-time", 0, NULL);
  g_signal_connect (scanner, "code", G_CALLBACK (on_code), &counters);
  if (preview)
    curb_camera_scanner_set_preview_func (scanner, on_preview, &previews, NULL);
  curb_code_source_start (CURB_CODE_SOURCE (scanner), &error);
  g_assert_no_error (error);
  run_for (&feeder, &cpu);
  curb_camera_scanner_get_stats (scanner, &stats);
  curb_code_source_stop (CURB_CODE_SOURCE (scanner));
  if (preview)
    {
      bench_print_json ("live/ours_with_preview/%s/cpu", "% of a core", cpu, scenario);
      bench_print_json ("live/ours_with_preview/%s/preview_frames", "frames", previews, scenario);
      g_array_unref (counters.latency);
      return cpu;
    }
  bench_print_json ("live/ours/%s/cpu", "% of a core", cpu, scenario);
  bench_print_json ("live/ours/%s/frames_pushed", "frames", feeder.pushed, scenario);
  bench_print_json ("live/ours/%s/frames_decoded", "frames", stats.decoded, scenario);
  bench_print_json ("live/ours/%s/frames_not_decoded", "frames", feeder.pushed - stats.decoded, scenario);
  bench_print_json ("live/ours/%s/reads", "codes", counters.reads, scenario);
  if (counters.latency->len)
    {
      g_autofree char *name = g_strdup_printf ("live/ours/%s/frame_to_result", scenario);

      g_autofree char *reading = g_strdup_printf ("live/ours/%s/frame_to_handed_over", scenario);
      g_autofree char *hop = g_strdup_printf ("live/ours/%s/hop_to_main_loop", scenario);

      bench_print_percentiles (name, counters.latency);
      bench_print_percentiles (reading, counters.reading);
      bench_print_percentiles (hop, counters.hop);
    }
  g_array_unref (counters.latency);
  g_array_unref (counters.reading);
  g_array_unref (counters.hop);
  return cpu;
}

/* --- time to read a code that appears ------------------------------------- */

#define APPEAR_TIMEOUT_US (3 * G_USEC_PER_SEC)

typedef struct
{
  CurbCameraScanner *scanner;
  GPtrArray         *idle;
  GPtrArray         *active;
  GMutex             lock;
  gint64             shown_at;     /* 0 while the kerb is empty */
  gboolean           read;
  GArray            *ms;
  guint              missed;
  guint              frames;
  gboolean           done;
} Appear;

static void
push_for (Appear    *appear,
          GPtrArray *frames,
          gint64     until,
          gboolean   stop_on_read)
{
  gint64 next = g_get_monotonic_time ();

  while (g_get_monotonic_time () < until)
    {
      g_autoptr(GstElement) src = curb_camera_scanner_dup_element (appear->scanner, "cam");
      gboolean read;

      g_mutex_lock (&appear->lock);
      read = appear->read;
      g_mutex_unlock (&appear->lock);
      if (stop_on_read && read)
        return;
      if (src)
        push_now (src, frames->pdata[appear->frames++ % frames->len]);
      next += G_USEC_PER_SEC / 30;
      if (next > g_get_monotonic_time ())
        g_usleep (next - g_get_monotonic_time ());
    }
}

/* An empty kerb for 1–2 s (a random phase against the gate's clock), then
 * codes in view until one is read (or 3 s), again and again. */
static gpointer
feed_appearances (gpointer data)
{
  Appear *appear = data;
  g_autoptr(GRand) rand = g_rand_new_with_seed (1234);

  for (int i = 0; i < appearances; i++)
    {
      gint64 shown;

      push_for (appear, appear->idle, g_get_monotonic_time () + g_rand_int_range (rand, 1000, 2000) * 1000, FALSE);
      shown = g_get_monotonic_time ();
      g_mutex_lock (&appear->lock);
      appear->shown_at = shown;
      appear->read = FALSE;
      g_mutex_unlock (&appear->lock);
      push_for (appear, appear->active, shown + APPEAR_TIMEOUT_US, TRUE);
      g_mutex_lock (&appear->lock);
      appear->missed += !appear->read;
      appear->shown_at = 0;
      g_mutex_unlock (&appear->lock);
    }
  g_atomic_int_set (&appear->done, TRUE);
  return NULL;
}

static void
on_appeared_code (CurbCodeSource *source,
                  GBytes         *payload,
                  const char     *name,
                  gint64          frame_time,
                  Appear         *appear)
{
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&appear->lock);
  if (appear->shown_at != 0 && !appear->read)
    {
      double ms = (now - appear->shown_at) / 1000.0;

      g_array_append_val (appear->ms, ms);
      appear->read = TRUE;
    }
  g_mutex_unlock (&appear->lock);
}

/* From the first frame with a code (pushed after an empty kerb) to the
 * code on the main loop. */
static void
run_appear (GPtrArray *idle,
            GPtrArray *active)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbCameraScanner) scanner = curb_camera_scanner_new (
    "appsrc name=cam is-live=true format=time caps=" CAPS, NULL, &error);
  Appear appear = { scanner, idle, active };
  GThread *thread;

  g_assert_no_error (error);
  g_mutex_init (&appear.lock);
  appear.ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_object_set (scanner, "rearm-time", 0, NULL);
  g_signal_connect (scanner, "code", G_CALLBACK (on_appeared_code), &appear);
  curb_code_source_start (CURB_CODE_SOURCE (scanner), &error);
  g_assert_no_error (error);
  thread = g_thread_new ("appear", feed_appearances, &appear);
  while (!g_atomic_int_get (&appear.done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
  curb_code_source_stop (CURB_CODE_SOURCE (scanner));
  bench_print_percentiles ("live/ours/appear/code_shown_to_read", appear.ms);
  bench_print_json ("live/ours/appear/%s", "codes", appear.missed, "not_read_in_3_s");
  g_array_unref (appear.ms);
  g_mutex_clear (&appear.lock);
}

/* --- the decode alone ------------------------------------------------------ */

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* What the decode thread does with each frame (gate, then the live passes),
 * one frame after the other with nothing else running: no queueing, no hop.
 * The times of the frames that read a code are the decode alone. */
static void
run_decode_alone (const char *scenario,
                  GPtrArray  *frames)
{
  g_autoptr(CurbQrDecoder) decoder = curb_qr_decoder_new ();
  CurbScannerGate *gate = curb_scanner_gate_new (400 * G_TIME_SPAN_MILLISECOND);
  g_autoptr(GArray) reads = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *reads_name = g_strdup_printf ("decode_alone/%s/frames_read", scenario);
  g_autofree char *all_name = g_strdup_printf ("decode_alone/%s/all_frames", scenario);
  guint64 decoded = 0;
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; i < 4 * frames->len; i++)
    {
      GBytes *frame = frames->pdata[i % frames->len];
      g_autoptr(CurbScannerImage) image = curb_scanner_image_new_gray (frame, WIDTH, HEIGHT, WIDTH);
      g_autoptr(GPtrArray) codes = NULL;
      gint64 start = g_get_monotonic_time ();
      CurbGrayImage gray;
      double ms;

      now += G_USEC_PER_SEC / 30;   /* the gate's clock runs at the camera's pace */
      curb_scanner_image_get_gray (image, &gray);
      if (curb_scanner_gate_should_decode (gate, &gray, now))
        codes = curb_qr_decoder_decode (decoder, &gray, curb_camera_scanner_live_passes (decoded++));
      ms = ms_since (start);
      g_array_append_val (all, ms);
      if (codes != NULL && codes->len > 0)
        {
          curb_scanner_gate_code_seen (gate, now);
          g_array_append_val (reads, ms);
        }
    }
  curb_scanner_gate_free (gate);
  bench_print_percentiles (all_name, all);
  if (reads->len)
    bench_print_percentiles (reads_name, reads);
}

/* --- the stock zbar element -------------------------------------------- */

typedef struct
{
  GstElement *pipeline;
  Counters    counters;
} Stock;

static GstElement *
stock_src (gpointer data)
{
  return gst_bin_get_by_name (GST_BIN (((Stock *) data)->pipeline), "cam");
}

static GstBusSyncReply
on_stock_message (GstBus     *bus,
                  GstMessage *message,
                  gpointer    data)
{
  Stock *stock = data;
  const GstStructure *s = gst_message_get_structure (message);
  GstClockTime pts;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ELEMENT && gst_structure_has_name (s, "barcode")
      && gst_structure_get_clock_time (s, "timestamp", &pts))
    {
      g_autoptr(GstClock) clock = gst_element_get_clock (stock->pipeline);
      GstClockTime now = gst_clock_get_time (clock) - gst_element_get_base_time (stock->pipeline);
      double ms = ((gint64) now - (gint64) pts) / 1e6;

      g_array_append_val (stock->counters.latency, ms);
      stock->counters.reads++;
    }
  return GST_BUS_PASS;
}

static GstPadProbeReturn
on_processed (GstPad          *pad,
              GstPadProbeInfo *info,
              gpointer         data)
{
  g_atomic_int_inc (&((Stock *) data)->counters.processed);
  return GST_PAD_PROBE_OK;
}

static double
run_stock (const char *scenario,
           GPtrArray  *frames,
           gboolean    feed_only)
{
  g_autoptr(GError) error = NULL;
  Stock stock = { gst_parse_launch (feed_only
                                    ? "appsrc name=cam is-live=true format=time caps=" CAPS
                                      " ! fakesink name=sink sync=false"
                                    : "appsrc name=cam is-live=true format=time caps=" CAPS
                                      " ! queue leaky=downstream max-size-buffers=1 ! videoconvert"
                                      " ! zbar name=zbar ! fakesink name=sink sync=false", &error),
                  { g_array_new (FALSE, FALSE, sizeof (double)) } };
  g_autoptr(GstElement) sink = gst_bin_get_by_name (GST_BIN (stock.pipeline), "sink");
  g_autoptr(GstPad) pad = gst_element_get_static_pad (sink, "sink");
  g_autoptr(GstBus) bus = gst_element_get_bus (stock.pipeline);
  Feeder feeder = { frames, stock_src, &stock };
  double cpu;

  g_assert_no_error (error);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_processed, &stock, NULL);
  gst_bus_set_sync_handler (bus, on_stock_message, &stock, NULL);
  gst_element_set_state (stock.pipeline, GST_STATE_PLAYING);
  run_for (&feeder, &cpu);
  gst_element_set_state (stock.pipeline, GST_STATE_NULL);
  if (feed_only)
    {
      bench_print_json ("live/feed_only/%s/cpu", "% of a core", cpu, scenario);
      g_array_unref (stock.counters.latency);
      gst_object_unref (stock.pipeline);
      return cpu;
    }
  bench_print_json ("live/stock/%s/cpu", "% of a core", cpu, scenario);
  bench_print_json ("live/stock/%s/frames_pushed", "frames", feeder.pushed, scenario);
  bench_print_json ("live/stock/%s/frames_dropped", "frames", feeder.pushed - stock.counters.processed, scenario);
  bench_print_json ("live/stock/%s/reads", "codes", stock.counters.reads, scenario);
  if (stock.counters.latency->len)
    {
      g_autofree char *name = g_strdup_printf ("live/stock/%s/frame_to_message", scenario);

      bench_print_percentiles (name, stock.counters.latency);
    }
  g_array_unref (stock.counters.latency);
  gst_object_unref (stock.pipeline);
  return cpu;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- live scanner benchmark");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  const char *scenarios[] = { "idle", "active" };

  gst_init (NULL, NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  dir = corpus_dir ? g_strdup (corpus_dir) : bench_corpus_ensure (BENCH_DEFAULT_SEED, TRUE, &error);
  if (dir == NULL)
    {
      g_print ("{\"name\": \"skipped\", \"value\": 0, \"unit\": \"%s\"}\n", error->message);
      return 0;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (scenarios) && !appear_only; i++)
    {
      g_autoptr(GPtrArray) frames = load_loop (dir, scenarios[i]);
      double ours, stock;

      g_assert_cmpuint (frames->len, >, 0);
      run_decode_alone (scenarios[i], frames);
      run_stock (scenarios[i], frames, TRUE);
      ours = run_ours (scenarios[i], frames, FALSE);
      stock = run_stock (scenarios[i], frames, FALSE);
      bench_print_json ("live/%s/cpu_ratio_ours_to_stock", "ratio", ours / MAX (stock, 0.01), scenarios[i]);
      if (with_preview)
        run_ours (scenarios[i], frames, TRUE);
    }
  if (appearances > 0)
    {
      g_autoptr(GPtrArray) idle = load_loop (dir, "idle");
      g_autoptr(GPtrArray) active = load_loop (dir, "active");

      run_appear (idle, active);
    }
  return 0;
}
