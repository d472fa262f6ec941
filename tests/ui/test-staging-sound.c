/* Alert sounds: real GStreamer pipelines into a clocked fakesink. */
#include <gst/gst.h>

#include "curb-hardware.h"
#include "curb-sound.h"
#include "curb-test-helpers.h"

typedef struct
{
  GMainLoop *loop;
  int        started_cue;
  guint      finished;
  GError    *error;
} Watch;

static void
on_started (CurbSound *sound,
            int        cue,
            Watch     *w)
{
  w->started_cue = cue;
}

static void
on_finished (CurbSound *sound,
             Watch     *w)
{
  w->finished++;
  g_main_loop_quit (w->loop);
}

static void
on_failed (CurbSound    *sound,
           const GError *error,
           Watch        *w)
{
  w->error = g_error_copy (error);
  g_main_loop_quit (w->loop);
}

static gboolean
on_timeout (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static CurbSound *
make_sound (const char *sink,
            Watch      *w)
{
  g_autoptr(GError) error = NULL;
  CurbSound *sound = curb_sound_new (sink, &error);

  g_assert_no_error (error);
  w->loop = g_main_loop_new (NULL, FALSE);
  w->started_cue = -1;
  g_signal_connect (sound, "started", G_CALLBACK (on_started), w);
  g_signal_connect (sound, "finished", G_CALLBACK (on_finished), w);
  g_signal_connect (sound, "failed", G_CALLBACK (on_failed), w);
  return sound;
}

static void
run (Watch *w)
{
  guint id = g_timeout_add (5000, on_timeout, w->loop);

  g_main_loop_run (w->loop);
  g_source_remove (id);
}

static void
test_cues_play (void)
{
  Watch w = { 0 };
  g_autoptr(CurbSound) sound = make_sound ("fakesink sync=true", &w);

  for (int cue = 0; cue < CURB_SOUND_N_CUES; cue++)
    {
      gint64 t0 = g_get_monotonic_time ();

      g_assert_true (curb_sound_play (sound, cue));
      g_assert_true (curb_sound_is_playing (sound));
      run (&w);
      g_assert_no_error (w.error);
      g_assert_cmpint (w.started_cue, ==, cue);
      g_assert_cmpuint (w.finished, ==, (guint) cue + 1);
      /* a clocked sink plays the tones in real time */
      g_assert_cmpint (g_get_monotonic_time () - t0, >=, 60 * 1000);
    }
  g_assert_cmpuint (curb_sound_get_n_played (sound), ==, CURB_SOUND_N_CUES);
  g_main_loop_unref (w.loop);
}

static void
test_urgent_cue_wins (void)
{
  Watch w = { 0 };
  g_autoptr(CurbSound) sound = make_sound ("fakesink sync=true", &w);

  g_assert_true (curb_sound_play (sound, CURB_SOUND_ESCALATION));
  g_assert_false (curb_sound_play (sound, CURB_SOUND_ARRIVAL));
  run (&w);
  g_assert_cmpint (w.started_cue, ==, CURB_SOUND_ESCALATION);
  g_assert_true (curb_sound_play (sound, CURB_SOUND_OK));
  g_assert_true (curb_sound_play (sound, CURB_SOUND_ERROR));   /* more urgent replaces */
  run (&w);
  g_assert_cmpint (w.started_cue, ==, CURB_SOUND_ERROR);
  g_main_loop_unref (w.loop);
}

static void
test_broken_sink_fails_loudly (void)
{
  Watch w = { 0 };
  g_autoptr(CurbSound) sound = make_sound ("no-such-audio-sink", &w);

  g_assert_false (curb_sound_play (sound, CURB_SOUND_ARRIVAL));
  g_assert_error (w.error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_IO);
  g_assert_false (curb_sound_is_playing (sound));
  g_clear_error (&w.error);
  g_main_loop_unref (w.loop);
}

static void
test_sound_file (void)
{
  Watch w = { 0 };
  g_autoptr(CurbSound) sound = make_sound ("fakesink sync=true", &w);
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "chime.wav", NULL);
  g_autofree char *launch = g_strdup_printf ("audiotestsrc num-buffers=5 ! wavenc ! filesink location=%s", path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) writer = gst_parse_launch (launch, &error);
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) msg = NULL;

  g_assert_no_error (error);
  gst_element_set_state (writer, GST_STATE_PLAYING);
  bus = gst_element_get_bus (writer);
  msg = gst_bus_timed_pop_filtered (bus, 5 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_cmpint (GST_MESSAGE_TYPE (msg), ==, GST_MESSAGE_EOS);
  gst_element_set_state (writer, GST_STATE_NULL);

  g_assert_false (curb_sound_set_file (sound, CURB_SOUND_ARRIVAL, "/nonexistent.wav", &error));
  g_assert_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_IO);
  g_clear_error (&error);
  g_assert_true (curb_sound_set_file (sound, CURB_SOUND_ARRIVAL, path, &error));
  g_assert_true (curb_sound_play (sound, CURB_SOUND_ARRIVAL));
  run (&w);
  g_assert_no_error (w.error);
  g_assert_cmpuint (w.finished, ==, 1);
  curb_test_rmdir (dir);
  g_main_loop_unref (w.loop);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/staging/sound/cues", test_cues_play);
  g_test_add_func ("/staging/sound/urgent-wins", test_urgent_cue_wins);
  g_test_add_func ("/staging/sound/broken-sink", test_broken_sink_fails_loudly);
  g_test_add_func ("/staging/sound/file", test_sound_file);
  return g_test_run ();
}
