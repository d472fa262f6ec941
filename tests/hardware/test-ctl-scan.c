#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/input.h>
#include <gst/gst.h>
#include <gst/app/gstappsrc.h>
#include <json-glib/json-glib.h>

#include "curb-test-helpers.h"
#include "scanner-test-util.h"

#define W 640
#define H 480

typedef struct
{
  char *dir;
  char *pgm;
  char *png;
  char *jpeg;
  char *video;
} Fixture;

/* Encodes @frames GRAY8 frames with @encoder into @path. */
static void
encode (const char  *path,
        const char  *encoder,
        GBytes     **frames,
        guint        n)
{
  g_autofree char *description = g_strdup_printf (
    "appsrc name=src format=time caps=video/x-raw,format=GRAY8,width=%d,height=%d,framerate=10/1 "
    "! videoconvert ! %s ! filesink name=sink", W, H, encoder);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = gst_parse_launch (description, &error);
  g_autoptr(GstElement) src = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;

  g_assert_no_error (error);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (sink, "location", path, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < n; i++)
    {
      GstBuffer *buffer = gst_buffer_new_wrapped_bytes (frames[i]);

      GST_BUFFER_PTS (buffer) = i * GST_SECOND / 10;
      GST_BUFFER_DURATION (buffer) = GST_SECOND / 10;
      g_assert_cmpint (gst_app_src_push_buffer (GST_APP_SRC (src), buffer), ==, GST_FLOW_OK);
    }
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  bus = gst_element_get_bus (pipeline);
  message = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

static GBytes *
frame_for (const char *payload)
{
  return scanner_test_qr_frame ((const guint8 *) payload, payload ? strlen (payload) : 0, 6, W, H, FALSE);
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GBytes) still = frame_for ("CP1.still<b>&amp;");
  g_autoptr(GBytes) png_frame = frame_for ("CP1.png");
  g_autoptr(GBytes) jpeg_frame = frame_for ("CP1.jpeg");
  GBytes *video[8];

  fx->dir = curb_test_mkdtemp ();
  fx->pgm = g_build_filename (fx->dir, "still.pgm", NULL);
  fx->png = g_build_filename (fx->dir, "still.png", NULL);
  fx->jpeg = g_build_filename (fx->dir, "still.jpg", NULL);
  fx->video = g_build_filename (fx->dir, "walk-up.mkv", NULL);
  g_assert_true (scanner_test_write_pgm (fx->pgm, still, W, H));
  encode (fx->png, "pngenc", &png_frame, 1);
  encode (fx->jpeg, "jpegenc quality=90", &jpeg_frame, 1);
  for (guint i = 0; i < G_N_ELEMENTS (video); i++)
    video[i] = frame_for (i < 4 ? NULL : "CP1.video");
  encode (fx->video, "vp8enc deadline=1 target-bitrate=4000000 ! matroskamux", video, G_N_ELEMENTS (video));
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  curb_test_rmdir (fx->dir);
  g_free (fx->dir);
  g_free (fx->pgm);
  g_free (fx->png);
  g_free (fx->jpeg);
  g_free (fx->video);
}

static char **
run_ctl (const char **args,
         int         *status)
{
  g_autofree char *ctl = curb_test_build_path ("ctl", "curbside-ctl");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, ctl);
  g_ptr_array_add (argv, (gpointer) "scan");
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, status, &error));
  g_assert_no_error (error);
  return g_strsplit (g_strchomp (out), "\n", -1);
}

static JsonObject *
parse_line (const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
assert_codes (JsonObject *object,
              const char *file,
              const char *payload)
{
  JsonArray *codes = json_object_get_array_member (object, "codes");

  g_assert_cmpstr (json_object_get_string_member (object, "file"), ==, file);
  g_assert_cmpfloat (json_object_get_double_member (object, "ms"), >=, 0);
  g_assert_cmpuint (json_array_get_length (codes), ==, payload ? 1 : 0);
  if (payload)
    g_assert_cmpstr (json_array_get_string_element (codes, 0), ==, payload);
}

static void
test_images_and_video (Fixture       *fx,
                       gconstpointer  data)
{
  const char *args[] = { "--json", fx->pgm, fx->png, fx->jpeg, fx->video, NULL };
  int status;
  g_auto(GStrv) lines = run_ctl (args, &status);

  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpuint (g_strv_length (lines), ==, 3 + 8);
  {
    g_autoptr(JsonObject) pgm = parse_line (lines[0]);
    g_autoptr(JsonObject) png = parse_line (lines[1]);
    g_autoptr(JsonObject) jpeg = parse_line (lines[2]);

    assert_codes (pgm, fx->pgm, "CP1.still<b>&amp;");
    g_assert_false (json_object_has_member (pgm, "frame"));
    assert_codes (png, fx->png, "CP1.png");
    assert_codes (jpeg, fx->jpeg, "CP1.jpeg");
  }
  for (guint i = 0; i < 8; i++)
    {
      g_autoptr(JsonObject) frame = parse_line (lines[3 + i]);

      g_assert_cmpint (json_object_get_int_member (frame, "frame"), ==, i);
      assert_codes (frame, fx->video, i < 4 ? NULL : "CP1.video");
    }
}

static void
test_folder_and_bad_file (Fixture       *fx,
                          gconstpointer  data)
{
  g_autofree char *bad = g_build_filename (fx->dir, "zz-not-an-image.png", NULL);
  const char *args[] = { "--json", fx->dir, NULL };
  g_auto(GStrv) lines = NULL;
  int status;

  g_assert_true (g_file_set_contents (bad, "\x89PNG garbage", -1, NULL));
  lines = run_ctl (args, &status);
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  /* still.jpg, still.pgm, still.png, 8 video frames: the bad file is reported on stderr */
  g_assert_cmpuint (g_strv_length (lines), ==, 11);
}

static void
test_plain_output_escapes_control_characters (Fixture       *fx,
                                              gconstpointer  data)
{
  g_autoptr(GBytes) frame = frame_for ("\x1b[2Jbell\x07");
  g_autofree char *path = g_build_filename (fx->dir, "evil.pgm", NULL);
  const char *args[] = { path, NULL };
  g_auto(GStrv) lines = NULL;
  int status;

  g_assert_true (scanner_test_write_pgm (path, frame, W, H));
  lines = run_ctl (args, &status);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  g_assert_nonnull (strstr (lines[0], "\\x1b[2Jbell\\x07"));
  g_assert_null (strchr (lines[0], '\x1b'));
}

static void
test_live_camera_reports_rate (void)
{
  const char *args[] = { "--json", "--camera", "--seconds", "3",
                         "videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=15/1",
                         NULL };
  g_auto(GStrv) lines = NULL;
  guint ticks = 0;
  int status;

  lines = run_ctl (args, &status);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  for (guint i = 0; lines[i]; i++)
    {
      g_autoptr(JsonObject) tick = parse_line (lines[i]);

      if (!json_object_has_member (tick, "fps"))
        continue;
      ticks++;
      g_assert_cmpint (json_object_get_int_member (tick, "width"), ==, 320);
      g_assert_cmpfloat (json_object_get_double_member (tick, "fps"), >, 5);
      g_assert_cmpfloat (json_object_get_double_member (tick, "sharpness"), >, 0);
    }
  g_assert_cmpuint (ticks, >=, 1);
}

static void
test_video_file_as_camera (Fixture       *fx,
                           gconstpointer  data)
{
  g_autofree char *pipeline = g_strdup_printf ("filesrc location=\"%s\" ! decodebin", fx->video);
  const char *args[] = { "--json", "--camera", "--seconds", "3", pipeline, NULL };
  g_auto(GStrv) lines = NULL;
  guint reads = 0, ticks = 0;
  int status;

  lines = run_ctl (args, &status);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  for (guint i = 0; lines[i]; i++)
    {
      g_autoptr(JsonObject) line = parse_line (lines[i]);

      g_assert_false (json_object_has_member (line, "error"));
      if (json_object_has_member (line, "codes"))
        {
          assert_codes (line, "camera", "CP1.video");
          reads++;
        }
      else if (json_object_has_member (line, "fps"))
        {
          /* the 10 fps file plays at its own pace, looping */
          g_assert_cmpfloat (json_object_get_double_member (line, "fps"), <, 20);
          ticks++;
        }
    }
  g_assert_cmpuint (reads, >=, 1);
  g_assert_cmpuint (ticks, >=, 2);
}

static void
write_key (int      fd,
           guint16  key,
           gboolean shift)
{
  struct input_event events[] = {
    { .type = EV_KEY, .code = KEY_LEFTSHIFT, .value = 1 },
    { .type = EV_KEY, .code = key, .value = 1 },
    { .type = EV_KEY, .code = key, .value = 0 },
    { .type = EV_KEY, .code = KEY_LEFTSHIFT, .value = 0 },
  };

  if (shift)
    g_assert_cmpint (write (fd, events, sizeof events), ==, sizeof events);
  else
    g_assert_cmpint (write (fd, events + 1, 2 * sizeof events[0]), ==, 2 * sizeof events[0]);
}

/* A FIFO stands in for /dev/input/eventN. */
static void
test_wedge (void)
{
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *fifo = g_build_filename (dir, "event0", NULL);
  g_autofree char *ctl = curb_test_build_path ("ctl", "curbside-ctl");
  const char *argv[] = { ctl, "scan", "--json", "--wedge", "--seconds", "2", fifo, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) line = NULL;
  g_autofree char *out = NULL;
  GPid pid;
  int fd, out_fd, status;

  g_assert_no_errno (mkfifo (fifo, 0600));
  fd = open (fifo, O_RDWR | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                           NULL, NULL, &pid, NULL, &out_fd, NULL, &error));
  g_assert_no_error (error);
  g_usleep (500000);
  write_key (fd, KEY_A, TRUE);
  write_key (fd, KEY_7, FALSE);
  write_key (fd, KEY_K, TRUE);
  write_key (fd, KEY_3, FALSE);
  write_key (fd, KEY_ENTER, FALSE);
  {
    g_autoptr(GIOChannel) channel = g_io_channel_unix_new (out_fd);

    g_io_channel_set_close_on_unref (channel, TRUE);
    g_io_channel_read_to_end (channel, &out, NULL, &error);
    g_assert_no_error (error);
  }
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  close (fd);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  line = parse_line (g_strchomp (out));
  assert_codes (line, "wedge", "A7K3");
  curb_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);

  g_test_add ("/ctl-scan/images-and-video", Fixture, NULL, fixture_set_up, test_images_and_video, fixture_tear_down);
  g_test_add ("/ctl-scan/folder", Fixture, NULL, fixture_set_up, test_folder_and_bad_file, fixture_tear_down);
  g_test_add ("/ctl-scan/escapes", Fixture, NULL, fixture_set_up, test_plain_output_escapes_control_characters, fixture_tear_down);

  g_test_add_func ("/ctl-scan/live-camera", test_live_camera_reports_rate);
  g_test_add_func ("/ctl-scan/wedge", test_wedge);
  g_test_add ("/ctl-scan/video-as-camera", Fixture, NULL, fixture_set_up, test_video_file_as_camera, fixture_tear_down);

  return g_test_run ();
}
