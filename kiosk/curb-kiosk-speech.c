#include "curb-kiosk-speech.h"

struct _CurbKioskSpeech
{
  GObject      parent_instance;

  GStrv        argv;
  GSubprocess *current;
  guint        n_said;
};

G_DEFINE_FINAL_TYPE (CurbKioskSpeech, curb_kiosk_speech, G_TYPE_OBJECT)

static void
on_spoken (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CurbKioskSpeech) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error))
    g_debug ("speech: %s", error->message);
  if (self->current == G_SUBPROCESS (source))
    g_clear_object (&self->current);
}

static void
curb_kiosk_speech_dispose (GObject *object)
{
  CurbKioskSpeech *self = CURB_KIOSK_SPEECH (object);

  if (self->current != NULL)
    g_subprocess_force_exit (self->current);
  g_clear_object (&self->current);
  G_OBJECT_CLASS (curb_kiosk_speech_parent_class)->dispose (object);
}

static void
curb_kiosk_speech_finalize (GObject *object)
{
  g_strfreev (CURB_KIOSK_SPEECH (object)->argv);
  G_OBJECT_CLASS (curb_kiosk_speech_parent_class)->finalize (object);
}

static void
curb_kiosk_speech_class_init (CurbKioskSpeechClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = curb_kiosk_speech_dispose;
  G_OBJECT_CLASS (klass)->finalize = curb_kiosk_speech_finalize;
}

static void
curb_kiosk_speech_init (CurbKioskSpeech *self)
{
}

CurbKioskSpeech *
curb_kiosk_speech_new (const char * const *argv)
{
  CurbKioskSpeech *self;

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  self = g_object_new (CURB_TYPE_KIOSK_SPEECH, NULL);
  self->argv = g_strdupv ((char **) argv);
  return self;
}

CurbKioskSpeech *
curb_kiosk_speech_new_espeak (void)
{
  g_autofree char *path = g_find_program_in_path ("espeak-ng");
  const char *argv[] = { NULL, "-s", "150", NULL };

  if (path == NULL)
    return NULL;
  argv[0] = path;
  return curb_kiosk_speech_new (argv);
}

void
curb_kiosk_speech_say (CurbKioskSpeech *self,
                       const char      *language,
                       const char      *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CURB_IS_KIOSK_SPEECH (self));

  if (text == NULL || *text == '\0')
    return;
  if (self->current != NULL)
    g_subprocess_force_exit (self->current);
  g_clear_object (&self->current);
  g_strv_builder_addv (builder, (const char **) self->argv);
  g_strv_builder_add_many (builder, "-v", language != NULL ? language : "en", "--", text, NULL);
  argv = g_strv_builder_end (builder);
  self->current = g_subprocess_newv ((const char * const *) argv,
                                     G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                     &error);
  if (self->current == NULL)
    {
      g_debug ("speech: %s", error->message);
      return;
    }
  self->n_said++;
  g_subprocess_wait_async (self->current, NULL, on_spoken, g_object_ref (self));
}

guint
curb_kiosk_speech_get_n_said (CurbKioskSpeech *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_SPEECH (self), 0);
  return self->n_said;
}
