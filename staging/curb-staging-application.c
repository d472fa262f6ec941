#include "curb-staging-application.h"

#include <glib/gi18n.h>

#include "curb-staging-resources.h"

struct _CurbStagingApplication
{
  AdwApplication       parent_instance;

  CurbStagingSettings  settings;
  CurbStagingStation  *station;
  CurbStagingWindow   *window;
  gboolean             fullscreen;
};

G_DEFINE_FINAL_TYPE (CurbStagingApplication, curb_staging_application, ADW_TYPE_APPLICATION)

static int
on_handle_local_options (GApplication           *app,
                         GVariantDict           *options,
                         CurbStagingApplication *self)
{
  gint64 seconds;
  const char *sink = NULL;

  g_variant_dict_lookup (options, "fullscreen", "b", &self->fullscreen);
  if (g_variant_dict_lookup (options, "amber-after", "x", &seconds))
    self->settings.amber_ms = seconds * 1000;
  if (g_variant_dict_lookup (options, "red-after", "x", &seconds))
    self->settings.red_ms = seconds * 1000;
  if (g_variant_dict_lookup (options, "repeat-every", "x", &seconds))
    self->settings.repeat_ms = seconds * 1000;
  if (g_variant_dict_lookup (options, "escalate-after", "x", &seconds))
    self->settings.escalate_ms = seconds * 1000;
  if (g_variant_dict_lookup (options, "audio-sink", "&s", &sink))
    {
      g_free (self->settings.audio_sink);
      self->settings.audio_sink = g_strdup (sink);
    }
  if (self->settings.amber_ms <= 0 || self->settings.red_ms < self->settings.amber_ms
      || self->settings.repeat_ms <= 0)
    {
      g_printerr ("%s\n", _("Service levels must be positive and red must not come before amber."));
      return 2;
    }
  return -1;
}

static void
curb_staging_application_activate (GApplication *app)
{
  CurbStagingApplication *self = CURB_STAGING_APPLICATION (app);

  if (self->window == NULL)
    {
      self->station = curb_staging_station_new (&self->settings);
      self->window = curb_staging_window_new (ADW_APPLICATION (app), self->station);
      g_object_add_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      if (self->fullscreen)
        gtk_window_fullscreen (GTK_WINDOW (self->window));
    }
  gtk_window_present (GTK_WINDOW (self->window));
}

static void
curb_staging_application_dispose (GObject *object)
{
  CurbStagingApplication *self = CURB_STAGING_APPLICATION (object);

  g_clear_object (&self->station);

  G_OBJECT_CLASS (curb_staging_application_parent_class)->dispose (object);
}

static void
curb_staging_application_finalize (GObject *object)
{
  curb_staging_settings_clear (&CURB_STAGING_APPLICATION (object)->settings);

  G_OBJECT_CLASS (curb_staging_application_parent_class)->finalize (object);
}

static void
curb_staging_application_class_init (CurbStagingApplicationClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = curb_staging_application_dispose;
  G_OBJECT_CLASS (klass)->finalize = curb_staging_application_finalize;
  G_APPLICATION_CLASS (klass)->activate = curb_staging_application_activate;
}

static void
add_options (CurbStagingApplication *self)
{
  const GOptionEntry entries[] = {
    { "fullscreen", 'f', 0, G_OPTION_ARG_NONE, NULL, N_("Fill the screen (a staff touchscreen)"), NULL },
    { "amber-after", 0, 0, G_OPTION_ARG_INT64, NULL, N_("Cards turn amber after this many seconds of waiting"), "S" },
    { "red-after", 0, 0, G_OPTION_ARG_INT64, NULL, N_("Cards turn red after this many seconds"), "S" },
    { "repeat-every", 0, 0, G_OPTION_ARG_INT64, NULL, N_("An unclaimed arrival rings again this often"), "S" },
    { "escalate-after", 0, 0, G_OPTION_ARG_INT64, NULL, N_("Escalate an unclaimed arrival after this many seconds"), "S" },
    { "audio-sink", 0, 0, G_OPTION_ARG_STRING, NULL, N_("GStreamer audio sink for alerts"), "SINK" },
    { NULL },
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_signal_connect (self, "handle-local-options", G_CALLBACK (on_handle_local_options), self);
}

static void
curb_staging_application_init (CurbStagingApplication *self)
{
  curb_staging_resources_ensure ();
  curb_staging_settings_init (&self->settings);
  add_options (self);
}

CurbStagingApplication *
curb_staging_application_new (void)
{
  return g_object_new (CURB_TYPE_STAGING_APPLICATION,
                       "application-id", "org.curbside.Staging",
                       "resource-base-path", "/org/curbside/Staging",
                       "flags", G_APPLICATION_NON_UNIQUE,
                       NULL);
}

/* Returns: (transfer none) (nullable): the window, once activated */
CurbStagingWindow *
curb_staging_application_get_window (CurbStagingApplication *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_APPLICATION (self), NULL);
  return self->window;
}

CurbStagingStation *
curb_staging_application_get_station (CurbStagingApplication *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_APPLICATION (self), NULL);
  return self->station;
}

/* Settings to adjust before the first activation (tests). */
CurbStagingSettings *
curb_staging_application_get_settings (CurbStagingApplication *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_APPLICATION (self), NULL);
  return &self->settings;
}
