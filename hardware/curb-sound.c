#include "curb-sound.h"

#include <gst/gst.h>
#include <stdlib.h>

#include "curb-hardware.h"

struct _CurbSound
{
  GObject       parent_instance;

  char         *sink_description;
  char         *files[CURB_SOUND_N_CUES];
  GstElement   *pipeline;
  GstElement   *spare[CURB_SOUND_N_CUES];   /* built, not started (no device held) */
  guint         spare_source;
  guint         bus_watch;
  CurbSoundCue  playing;
  guint64       n_played;
};

G_DEFINE_FINAL_TYPE (CurbSound, curb_sound, G_TYPE_OBJECT)

enum { STARTED, FINISHED, FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* Tones as "wave:freq:ms" steps, synthesized with audiotestsrc so the
 * appliance needs no sound files; a store may set its own (curb_sound_set_file). */
static const char *const cue_tones[CURB_SOUND_N_CUES] = {
  [CURB_SOUND_OK] = "sine:1320:90",
  [CURB_SOUND_ARRIVAL] = "sine:880:180 sine:1175:180 sine:1568:320",
  [CURB_SOUND_ERROR] = "saw:196:250 silence:0:80 saw:196:450",
  [CURB_SOUND_ESCALATION] = "square:988:120 square:740:120 square:988:120 square:740:120 square:988:120",
};

static char *
describe_tone (const char *step)
{
  g_auto(GStrv) f = g_strsplit (step, ":", 3);
  int buffers;

  if (g_strv_length (f) != 3)
    return NULL;
  /* 441 samples per buffer at 44.1 kHz: 10 ms steps. */
  buffers = MAX (1, atoi (f[2]) / 10);
  return g_strdup_printf ("audiotestsrc wave=%s freq=%s volume=0.6 samplesperbuffer=441 "
                          "num-buffers=%d ! audio/x-raw,rate=44100,channels=1 ! c. ",
                          f[0], f[1], buffers);
}

static char *
describe_tones (const char *tones,
                const char *sink)
{
  g_auto(GStrv) steps = g_strsplit (tones, " ", -1);
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append_printf (text, "concat name=c ! audioconvert ! audioresample ! %s ", sink);
  for (guint i = 0; steps[i] != NULL; i++)
    {
      g_autofree char *tone = describe_tone (steps[i]);

      if (tone != NULL)
        g_string_append (text, tone);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GstElement *
build_pipeline (CurbSound     *self,
                CurbSoundCue   cue,
                GError       **error)
{
  g_autofree char *description = NULL;
  GstElement *pipeline;

  if (self->files[cue] != NULL)
    {
      g_autofree char *uri = g_filename_to_uri (self->files[cue], NULL, error);
      GstElement *sink;

      if (uri == NULL)
        return NULL;
      pipeline = gst_element_factory_make ("playbin", NULL);
      sink = gst_parse_bin_from_description_full (self->sink_description, TRUE, NULL,
                                                  GST_PARSE_FLAG_FATAL_ERRORS, error);
      if (pipeline == NULL || sink == NULL)
        {
          g_clear_object (&sink);
          if (pipeline != NULL)
            gst_object_unref (pipeline);
          return NULL;
        }
      g_object_set (pipeline, "uri", uri, "audio-sink", sink, NULL);
      return pipeline;
    }
  description = describe_tones (cue_tones[cue], self->sink_description);
  return gst_parse_launch_full (description, NULL, GST_PARSE_FLAG_FATAL_ERRORS, error);
}

/* Building a pipeline (parsing, creating elements) takes tens of ms on a
 * busy station: done ahead, at low priority, so a chime only starts one. */
static gboolean
prepare_spares (gpointer data)
{
  CurbSound *self = data;

  self->spare_source = 0;
  for (guint cue = 0; cue < CURB_SOUND_N_CUES; cue++)
    if (self->spare[cue] == NULL)
      self->spare[cue] = build_pipeline (self, cue, NULL);
  return G_SOURCE_REMOVE;
}

static void
schedule_spares (CurbSound *self)
{
  if (self->spare_source == 0)
    self->spare_source = g_idle_add_full (G_PRIORITY_LOW, prepare_spares, self, NULL);
}

static GstElement *
take_pipeline (CurbSound     *self,
               CurbSoundCue   cue,
               GError       **error)
{
  GstElement *pipeline = g_steal_pointer (&self->spare[cue]);

  schedule_spares (self);
  return pipeline != NULL ? pipeline : build_pipeline (self, cue, error);
}

static void
drop_spares (CurbSound *self)
{
  g_clear_handle_id (&self->spare_source, g_source_remove);
  for (guint cue = 0; cue < CURB_SOUND_N_CUES; cue++)
    gst_clear_object (&self->spare[cue]);
}

static void
teardown (CurbSound *self)
{
  if (self->pipeline == NULL)
    return;
  g_clear_handle_id (&self->bus_watch, g_source_remove);
  gst_element_set_state (self->pipeline, GST_STATE_NULL);
  gst_clear_object (&self->pipeline);
}

static void
on_bus_error (CurbSound  *self,
              GstMessage *message)
{
  g_autoptr(GError) gst_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *debug = NULL;

  gst_message_parse_error (message, &gst_error, &debug);
  g_debug ("sound: %s (%s)", gst_error->message, debug ? debug : "");
  error = g_error_new (CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_IO,
                       "The speaker does not play: %s", gst_error->message);
  teardown (self);
  g_signal_emit (self, signals[FAILED], 0, error);
}

static void
on_bus_state_changed (CurbSound  *self,
                      GstMessage *message)
{
  GstState old_state, new_state;

  if (GST_MESSAGE_SRC (message) != GST_OBJECT (self->pipeline))
    return;
  gst_message_parse_state_changed (message, &old_state, &new_state, NULL);
  if (new_state == GST_STATE_PLAYING && old_state != GST_STATE_PLAYING)
    {
      self->n_played++;
      g_signal_emit (self, signals[STARTED], 0, (int) self->playing);
    }
}

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  CurbSound *self = user_data;
  GstMessageType type = GST_MESSAGE_TYPE (message);

  if (type == GST_MESSAGE_EOS)
    {
      teardown (self);
      g_signal_emit (self, signals[FINISHED], 0);
      return G_SOURCE_REMOVE;
    }
  if (type == GST_MESSAGE_ERROR)
    {
      on_bus_error (self, message);
      return G_SOURCE_REMOVE;
    }
  if (type == GST_MESSAGE_STATE_CHANGED)
    on_bus_state_changed (self, message);
  return G_SOURCE_CONTINUE;
}

static void
curb_sound_dispose (GObject *object)
{
  CurbSound *self = CURB_SOUND (object);

  teardown (self);
  drop_spares (self);

  G_OBJECT_CLASS (curb_sound_parent_class)->dispose (object);
}

static void
curb_sound_finalize (GObject *object)
{
  CurbSound *self = CURB_SOUND (object);

  g_free (self->sink_description);
  for (guint i = 0; i < CURB_SOUND_N_CUES; i++)
    g_free (self->files[i]);

  G_OBJECT_CLASS (curb_sound_parent_class)->finalize (object);
}

static void
curb_sound_class_init (CurbSoundClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = curb_sound_dispose;
  object_class->finalize = curb_sound_finalize;

  /**
   * CurbSound::started:
   * @cue: the #CurbSoundCue now audible
   */
  signals[STARTED] = g_signal_new ("started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * CurbSound::failed:
   * @error: a %CURB_HARDWARE_ERROR saying what went wrong
   */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
curb_sound_init (CurbSound *self)
{
}

/**
 * curb_sound_new:
 * @sink_description: (nullable): a gst-launch sink description, e.g.
 *   "autoaudiosink" or "fakesink sync=true"; %NULL uses $CURB_AUDIO_SINK or
 *   "autoaudiosink"
 * @error: return location for a %CURB_HARDWARE_ERROR_UNSUPPORTED error
 *
 * Returns: (transfer full): the sound output, or %NULL when GStreamer
 *   lacks the elements to make tones
 */
CurbSound *
curb_sound_new (const char  *sink_description,
                GError     **error)
{
  CurbSound *self;
  const char *needed[] = { "audiotestsrc", "concat", "audioconvert", "audioresample" };

  if (!gst_init_check (NULL, NULL, error))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (needed); i++)
    {
      g_autoptr(GstElementFactory) factory = gst_element_factory_find (needed[i]);

      if (factory == NULL)
        {
          g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_UNSUPPORTED,
                       "GStreamer element %s is missing", needed[i]);
          return NULL;
        }
    }
  if (sink_description == NULL)
    sink_description = g_getenv ("CURB_AUDIO_SINK");
  self = g_object_new (CURB_TYPE_SOUND, NULL);
  self->sink_description = g_strdup (sink_description != NULL ? sink_description : "autoaudiosink");
  schedule_spares (self);
  return self;
}

/* Plays @path (any format GStreamer decodes) for @cue instead of the tones. */
gboolean
curb_sound_set_file (CurbSound     *self,
                     CurbSoundCue   cue,
                     const char    *path,
                     GError       **error)
{
  g_return_val_if_fail (CURB_IS_SOUND (self), FALSE);
  g_return_val_if_fail (cue < CURB_SOUND_N_CUES, FALSE);

  if (path != NULL && !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_IO,
                   "Sound file %s does not exist", path);
      return FALSE;
    }
  g_free (self->files[cue]);
  self->files[cue] = g_strdup (path);
  gst_clear_object (&self->spare[cue]);
  schedule_spares (self);
  return TRUE;
}

/**
 * curb_sound_play:
 *
 * Starts @cue without blocking. A cue never cuts off a more urgent one that
 * is still playing. Failures arrive as #CurbSound::failed.
 *
 * Returns: whether @cue started
 */
gboolean
curb_sound_play (CurbSound    *self,
                 CurbSoundCue  cue)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstBus) bus = NULL;

  g_return_val_if_fail (CURB_IS_SOUND (self), FALSE);
  g_return_val_if_fail (cue < CURB_SOUND_N_CUES, FALSE);

  if (self->pipeline != NULL && self->playing > cue)
    return FALSE;
  teardown (self);
  self->pipeline = take_pipeline (self, cue, &error);
  if (self->pipeline == NULL)
    {
      g_autoptr(GError) failure = g_error_new (CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_IO,
                                               "The speaker does not play: %s", error->message);
      g_signal_emit (self, signals[FAILED], 0, failure);
      return FALSE;
    }
  self->playing = cue;
  bus = gst_element_get_bus (self->pipeline);
  self->bus_watch = gst_bus_add_watch (bus, on_bus_message, self);
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      teardown (self);
      error = g_error_new (CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_IO,
                           "The speaker does not play (no audio output)");
      g_signal_emit (self, signals[FAILED], 0, error);
      return FALSE;
    }
  return TRUE;
}

void
curb_sound_stop (CurbSound *self)
{
  g_return_if_fail (CURB_IS_SOUND (self));
  teardown (self);
}

gboolean
curb_sound_is_playing (CurbSound *self)
{
  g_return_val_if_fail (CURB_IS_SOUND (self), FALSE);
  return self->pipeline != NULL;
}

guint64
curb_sound_get_n_played (CurbSound *self)
{
  g_return_val_if_fail (CURB_IS_SOUND (self), 0);
  return self->n_played;
}
