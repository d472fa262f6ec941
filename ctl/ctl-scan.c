#include <string.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>

#include "ctl-commands.h"
#include "curb-camera-scanner.h"
#include "curb-hardware.h"
#include "curb-qr-decoder.h"
#include "curb-scanner-image.h"
#include "curb-wedge-scanner.h"

typedef struct
{
  gboolean       json;
  CurbQrPasses   passes;
  CurbQrDecoder *decoder;
  const char    *file;
  GPtrArray     *held;
  double         held_ms;
  guint          frames;
  gboolean       failed;
} ScanRun;

/* Payloads are shown as text only where they are printable UTF-8;
 * everything else is escaped, so no payload can drive the terminal. */
static char *
display_payload (GBytes *payload)
{
  gsize size, i = 0;
  const char *data = g_bytes_get_data (payload, &size);
  GString *out = g_string_new (NULL);

  while (i < size)
    {
      gunichar c = g_utf8_get_char_validated (data + i, size - i);

      if (c == (gunichar) -1 || c == (gunichar) -2 || c < 0x20 || (c >= 0x7f && c < 0xa0))
        {
          g_string_append_printf (out, "\\x%02x", (guchar) data[i++]);
          continue;
        }
      if (c == '\\')
        g_string_append_c (out, '\\');
      g_string_append_unichar (out, c);
      i += g_utf8_skip[(guchar) data[i]];
    }
  return g_string_free (out, FALSE);
}

static void
add_json_code (JsonBuilder *builder,
               GBytes      *payload)
{
  gsize size;
  const char *data = g_bytes_get_data (payload, &size);

  if (g_utf8_validate_len (data, size, NULL) && memchr (data, '\0', size) == NULL)
    {
      g_autofree char *text = g_strndup (data, size);

      json_builder_add_string_value (builder, text);
    }
  else
    {
      g_autofree char *text = display_payload (payload);

      json_builder_add_string_value (builder, text);
    }
}

static char *
json_line (ScanRun   *run,
           GPtrArray *codes,
           double     ms,
           int        frame)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *object = NULL;
  char ms_text[G_ASCII_DTOSTR_BUF_SIZE];
  gboolean binary = FALSE;
  gsize length;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, run->file);
  if (frame >= 0)
    {
      json_builder_set_member_name (builder, "frame");
      json_builder_add_int_value (builder, frame);
    }
  json_builder_set_member_name (builder, "codes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < codes->len; i++)
    {
      gsize size;
      const char *data = g_bytes_get_data (codes->pdata[i], &size);

      binary |= !g_utf8_validate_len (data, size, NULL) || memchr (data, '\0', size);
      add_json_code (builder, codes->pdata[i]);
    }
  json_builder_end_array (builder);
  if (binary)
    {
      json_builder_set_member_name (builder, "codes_base64");
      json_builder_begin_array (builder);
      for (guint i = 0; i < codes->len; i++)
        {
          gsize size;
          const guchar *data = g_bytes_get_data (codes->pdata[i], &size);
          g_autofree char *b64 = g_base64_encode (data, size);

          json_builder_add_string_value (builder, b64);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  object = json_generator_to_data (generator, &length);
  object[length - 1] = '\0';
  return g_strdup_printf ("%s,\"ms\":%s}", object, g_ascii_formatd (ms_text, sizeof ms_text, "%.3f", ms));
}

static char *
text_line (ScanRun   *run,
           GPtrArray *codes,
           double     ms,
           int        frame)
{
  GString *line = g_string_new (run->file);

  if (frame >= 0)
    g_string_append_printf (line, " [frame %d]", frame);
  if (codes->len == 0)
    g_string_append (line, ": no code");
  for (guint i = 0; i < codes->len; i++)
    {
      g_autofree char *text = display_payload (codes->pdata[i]);

      g_string_append_printf (line, "%s %s", i ? "," : ":", text);
    }
  g_string_append_printf (line, " (%.1f ms)", ms);
  return g_string_free (line, FALSE);
}

static void
print_result (ScanRun   *run,
              GPtrArray *codes,
              double     ms,
              int        frame)
{
  g_autofree char *line = run->json ? json_line (run, codes, ms, frame)
                                    : text_line (run, codes, ms, frame);

  g_print ("%s\n", line);
}

/* A file's first frame is held back until a second one shows it is a video. */
static gboolean
on_frame (CurbScannerImage *image,
          guint             frame,
          gpointer          user_data)
{
  ScanRun *run = user_data;
  g_autoptr(GPtrArray) codes = NULL;
  CurbGrayImage gray;
  gint64 t0 = g_get_monotonic_time ();
  double ms;

  curb_scanner_image_get_gray (image, &gray);
  codes = curb_qr_decoder_decode (run->decoder, &gray, run->passes);
  ms = (g_get_monotonic_time () - t0) / 1000.0;
  run->frames = frame + 1;
  if (frame == 0)
    {
      run->held = g_steal_pointer (&codes);
      run->held_ms = ms;
      return TRUE;
    }
  if (frame == 1)
    {
      print_result (run, run->held, run->held_ms, 0);
      g_clear_pointer (&run->held, g_ptr_array_unref);
    }
  print_result (run, codes, ms, (int) frame);
  return TRUE;
}

static void
scan_file (ScanRun    *run,
           const char *path,
           const char *shown)
{
  g_autoptr(GError) error = NULL;

  run->file = shown;
  run->frames = 0;
  if (!curb_scanner_image_foreach_frame (path, on_frame, run, &error))
    {
      g_printerr ("curbside-ctl scan: %s\n", error->message);
      run->failed = TRUE;
    }
  if (run->held)
    print_result (run, run->held, run->held_ms, -1);
  g_clear_pointer (&run->held, g_ptr_array_unref);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char **) a, *(char **) b);
}

static void
scan_dir (ScanRun    *run,
          const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    {
      g_printerr ("curbside-ctl scan: %s\n", error->message);
      run->failed = TRUE;
      return;
    }
  while ((name = g_dir_read_name (dir)))
    g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    if (g_file_test (names->pdata[i], G_FILE_TEST_IS_REGULAR))
      scan_file (run, names->pdata[i], names->pdata[i]);
}

/* --- live camera ---------------------------------------------------------- */

typedef struct
{
  ScanRun           *run;
  CurbCameraScanner *scanner;
  GMainLoop         *loop;
  CurbCameraStats    last;
  gint64             last_time;
} LiveRun;

static void
on_code (CurbCodeSource *source,
         GBytes         *payload,
         const char     *name,
         gint64          frame_time,
         LiveRun        *live)
{
  double ms = (g_get_monotonic_time () - frame_time) / 1000.0;
  g_autoptr(GPtrArray) codes = g_ptr_array_new ();

  g_ptr_array_add (codes, payload);
  live->run->file = name;
  print_result (live->run, codes, ms, -1);
}

static void
on_error (CurbCodeSource *source,
          GError         *error,
          LiveRun        *live)
{
  if (live->run->json)
    g_print ("{\"error\": \"%s\", \"code\": %d}\n",
             g_quark_to_string (error->domain), error->code);
  else
    g_print ("camera problem: %s (retrying)\n", error->message);
}

static void
on_recovered (CurbCodeSource *source,
              LiveRun        *live)
{
  g_print (live->run->json ? "{\"recovered\": true}\n" : "camera recovered\n");
}

static gboolean
on_tick (gpointer user_data)
{
  LiveRun *live = user_data;
  CurbCameraStats now;
  gint64 t = g_get_monotonic_time ();
  double seconds = (t - live->last_time) / (double) G_USEC_PER_SEC;

  curb_camera_scanner_get_stats (live->scanner, &now);
  if (live->run->json)
    g_print ("{\"fps\": %.1f, \"decoded_fps\": %.1f, \"width\": %d, \"height\": %d, "
             "\"sharpness\": %.1f, \"decode_ms\": %.1f, \"reads\": %" G_GUINT64_FORMAT "}\n",
             (now.frames - live->last.frames) / seconds, (now.decoded - live->last.decoded) / seconds,
             now.width, now.height, now.sharpness, now.decode_ms, now.reads);
  else
    g_print ("%4.1f fps (%4.1f decoded)  %dx%d  sharpness %5.1f  decode %5.1f ms  reads %" G_GUINT64_FORMAT "\n",
             (now.frames - live->last.frames) / seconds, (now.decoded - live->last.decoded) / seconds,
             now.width, now.height, now.sharpness, now.decode_ms, now.reads);
  live->last = now;
  live->last_time = t;
  return G_SOURCE_CONTINUE;
}

static gboolean
on_quit (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static int
scan_camera (ScanRun    *run,
             const char *pipeline,
             int         seconds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbCameraScanner) scanner = curb_camera_scanner_new (pipeline, NULL, &error);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  LiveRun live = { run, scanner, loop, { 0 }, g_get_monotonic_time () };

  if (scanner == NULL || !curb_code_source_start (CURB_CODE_SOURCE (scanner), &error))
    {
      g_printerr ("curbside-ctl scan: %s\n", error->message);
      return 1;
    }
  g_signal_connect (scanner, "code", G_CALLBACK (on_code), &live);
  g_signal_connect (scanner, "error", G_CALLBACK (on_error), &live);
  g_signal_connect (scanner, "recovered", G_CALLBACK (on_recovered), &live);
  g_timeout_add_seconds (1, on_tick, &live);
  g_unix_signal_add (SIGINT, on_quit, loop);
  g_unix_signal_add (SIGTERM, on_quit, loop);
  if (seconds > 0)
    g_timeout_add_seconds (seconds, on_quit, loop);
  g_main_loop_run (loop);
  curb_code_source_stop (CURB_CODE_SOURCE (scanner));
  return 0;
}

static int
scan_wedge (ScanRun    *run,
            const char *device,
            int         seconds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbWedgeScanner) scanner = curb_wedge_scanner_new (device, NULL, &error);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  LiveRun live = { run, NULL, loop, { 0 }, 0 };

  if (scanner == NULL || !curb_code_source_start (CURB_CODE_SOURCE (scanner), &error))
    {
      g_printerr ("curbside-ctl scan: %s\n", error->message);
      return 1;
    }
  if (!run->json)
    g_print ("Scan a code with the barcode scanner (Ctrl-C to stop)\n");
  g_signal_connect (scanner, "code", G_CALLBACK (on_code), &live);
  g_signal_connect (scanner, "error", G_CALLBACK (on_error), &live);
  g_signal_connect (scanner, "recovered", G_CALLBACK (on_recovered), &live);
  g_unix_signal_add (SIGINT, on_quit, loop);
  g_unix_signal_add (SIGTERM, on_quit, loop);
  if (seconds > 0)
    g_timeout_add_seconds (seconds, on_quit, loop);
  g_main_loop_run (loop);
  curb_code_source_stop (CURB_CODE_SOURCE (scanner));
  return 0;
}

int
ctl_scan (int    argc,
          char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE|DIR|VIDEO… | --camera [PIPELINE] | --wedge [DEVICE]");
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbQrDecoder) decoder = curb_qr_decoder_new ();
  g_autofree char *passes = NULL;
  gboolean json = FALSE, camera = FALSE, wedge = FALSE;
  int seconds = 0;
  ScanRun run = { 0 };
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object per line per image or video frame", NULL },
    { "camera", 0, 0, G_OPTION_ARG_NONE, &camera, "Watch a camera: frame rate, focus, codes", NULL },
    { "wedge", 0, 0, G_OPTION_ARG_NONE, &wedge, "Read a keyboard-wedge barcode scanner (optional /dev/input/eventN)", NULL },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "Stop watching after N seconds", "N" },
    { "passes", 0, 0, G_OPTION_ARG_STRING, &passes, "Decoding passes (default: all)", "LIST" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context, "Decode QR codes in images, folders, videos or a live camera, "
                                         "exactly as the kiosk does.");
  if (!g_option_context_parse (context, &argc, &argv, &error)
      || !(run.passes = curb_qr_passes_parse (passes ? passes : "all", &error)))
    {
      g_printerr ("curbside-ctl scan: %s\n", error->message);
      return 2;
    }
  gst_init (NULL, NULL);
  run.json = json;
  run.decoder = decoder;
  if (wedge)
    return scan_wedge (&run, argc >= 2 ? argv[1] : NULL, seconds);
  if (camera)
    return argc > 2 ? (g_printerr ("curbside-ctl scan: one camera pipeline, quoted\n"), 2)
                    : scan_camera (&run, argc == 2 ? argv[1] : NULL, seconds);
  if (argc < 2)
    {
      g_printerr ("curbside-ctl scan: give images, folders or videos, or --camera\n");
      return 2;
    }
  for (int i = 1; i < argc; i++)
    if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
      scan_dir (&run, argv[i]);
    else
      scan_file (&run, argv[i], argv[i]);
  return run.failed ? 1 : 0;
}
