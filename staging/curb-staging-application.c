#include "curb-sd-notify.h"
#include "curb-staging-application.h"

#include <glib/gi18n.h>

#include "curbside-core.h"
#include "curb-camera-scanner.h"
#include "curb-wedge-scanner.h"

#include "curb-staging-resources.h"

struct _CurbStagingApplication
{
  AdwApplication       parent_instance;

  CurbStagingSettings  settings;
  CurbHubClient       *client;
  char                *sound_files[2];
  char                *camera;          /* "auto", "none" or a pipeline */
  char                *wedge;           /* "auto", "none" or /dev/input/… */
  char                *printer_uri;
  char                *queue_path;
  CurbStagingStation  *station;
  CurbStagingWindow   *window;
  gboolean             fullscreen;
};

G_DEFINE_FINAL_TYPE (CurbStagingApplication, curb_staging_application, ADW_TYPE_APPLICATION)

static gboolean
apply_config (CurbStagingApplication *self,
              const char             *path,
              GError                **error)
{
  g_autoptr(CurbConfig) config = curb_config_load (CURB_CONFIG_ROLE_STAGING, path, error);
  const char *value;

  if (config == NULL)
    return FALSE;
  self->settings.amber_ms = curb_config_get_int (config, "service", "amber-seconds") * 1000;
  self->settings.red_ms = curb_config_get_int (config, "service", "red-seconds") * 1000;
  self->settings.escalate_ms = curb_config_get_int (config, "service", "escalation-seconds") * 1000;
  self->settings.inactivity_ms = curb_config_get_int (config, "session", "sign-out-idle-seconds") * 1000;
  self->settings.eta_warning_ms = curb_config_get_int (config, "service", "on-the-way-warning-minutes") * 60 * 1000;
  if ((value = curb_config_get_string (config, "device", "name")) != NULL)
    {
      g_free (self->settings.station_id);
      self->settings.station_id = g_strdup (value);
    }
  self->sound_files[0] = g_strdup (curb_config_get_path (config, "sounds", "arrival"));
  self->sound_files[1] = g_strdup (curb_config_get_path (config, "sounds", "escalation"));
  g_free (self->camera);
  self->camera = g_strdup (curb_config_get_string (config, "camera", "pipeline"));
  g_free (self->printer_uri);
  self->printer_uri = g_strdup (curb_config_get_string (config, "printer", "uri"));
  if (self->wedge == NULL)
    self->wedge = g_strdup ("auto");
  self->client = curb_hub_client_new (curb_config_get_string (config, "hub", "url"));
  if ((value = curb_config_get_string (config, "hub", "fingerprint")) != NULL)
    curb_hub_client_set_pinned_certificate (self->client, value);
  return curb_staging_application_use_credential_file (self, curb_config_get_path (config, "hub", "credential-file"),
                                                       error);
}

/* Enrolls with a one-time code from `curbside-hub --issue-code staging`,
 * before any window exists, and keeps the credential in @path. */
static gboolean
enroll (CurbStagingApplication *self,
        const char             *code,
        const char             *path,
        GError                **error)
{
  g_autofree char *device_id = curb_hub_client_enroll_to_file (self->client, code, self->settings.station_id,
                                                               path, error);

  return device_id != NULL;
}

static void
override_string (GVariantDict *options,
                 const char   *name,
                 char        **field)
{
  const char *value;

  if (!g_variant_dict_lookup (options, name, "&s", &value))
    return;
  g_free (*field);
  *field = g_strdup (value);
}

static int
connect_options (CurbStagingApplication *self,
                 GVariantDict           *options)
{
  const char *url = NULL, *fingerprint = NULL, *credential_file = NULL, *code = NULL, *config = NULL;
  g_autoptr(GError) error = NULL;

  g_variant_dict_lookup (options, "config", "^&ay", &config);
  g_variant_dict_lookup (options, "hub", "&s", &url);
  g_variant_dict_lookup (options, "hub-fingerprint", "&s", &fingerprint);
  g_variant_dict_lookup (options, "credential-file", "^&ay", &credential_file);
  g_variant_dict_lookup (options, "enroll", "&s", &code);
  if (config != NULL && !apply_config (self, config, &error))
    goto fail;
  override_string (options, "camera", &self->camera);
  override_string (options, "wedge", &self->wedge);
  override_string (options, "printer", &self->printer_uri);
  if (url != NULL)
    {
      g_clear_object (&self->client);
      self->client = curb_hub_client_new (url);
    }
  if (self->client == NULL)
    return -1;
  if (fingerprint != NULL)
    curb_hub_client_set_pinned_certificate (self->client, fingerprint);
  if (code != NULL && credential_file != NULL && !enroll (self, code, credential_file, &error))
    goto fail;
  if (code == NULL && credential_file != NULL
      && !curb_staging_application_use_credential_file (self, credential_file, &error))
    goto fail;
  return -1;

fail:
  g_printerr ("curbside-staging: %s\n", error->message);
  return 1;
}

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
  return connect_options (self, options);
}

static CurbCodeSource *
open_camera (const char  *pipeline,
             GError     **error)
{
  return CURB_CODE_SOURCE (curb_camera_scanner_new (g_str_equal (pipeline, "auto") ? NULL : pipeline,
                                                    NULL, error));
}

static CurbCodeSource *
open_wedge (const char  *device,
            GError     **error)
{
  g_autofree char *found = g_str_equal (device, "auto") ? curb_wedge_scanner_find_device () : g_strdup (device);

  if (found == NULL)
    return NULL;   /* none plugged in: not a fault */
  return CURB_CODE_SOURCE (curb_wedge_scanner_new (found, NULL, error));
}

/* Scanners are optional: a missing one is shown on the health screen
 * and bag and bin labels can still be typed. */
static void
setup_scanners (CurbStagingApplication *self)
{
  const char *wanted[] = { self->camera, self->wedge };
  CurbCodeSource *(*open[]) (const char *, GError **) = { open_camera, open_wedge };

  for (guint i = 0; i < G_N_ELEMENTS (wanted); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CurbCodeSource) source = NULL;

      if (wanted[i] == NULL || g_str_equal (wanted[i], "none"))
        continue;
      source = open[i] (wanted[i], &error);
      if (source == NULL && error != NULL)
        g_message ("No %s scanner: %s", i == 0 ? "camera" : "keyboard-wedge", error->message);
      if (source != NULL && !curb_staging_station_add_code_source (self->station, source, &error))
        g_message ("Scanner does not start: %s", error->message);
    }
}

/* Jobs wait in this station's own queue file until the printer confirms them. */
static void
setup_printer (CurbStagingApplication *self)
{
  g_autofree char *dir = g_build_filename (g_get_user_state_dir (), "curbside-staging", NULL);
  g_autofree char *queue = g_build_filename (dir, "print-queue.db", NULL);
  g_autoptr(CurbStagingPrinter) printer = NULL;
  g_autoptr(GError) error = NULL;

  if (self->printer_uri == NULL || *self->printer_uri == '\0')
    return;
  g_mkdir_with_parents (dir, 0700);
  printer = curb_staging_printer_new (self->printer_uri, NULL, queue, self->settings.station_id, &error);
  if (printer == NULL)
    {
      g_warning ("No label printer (%s): %s", self->printer_uri, error->message);
      return;
    }
  curb_staging_station_set_printer (self->station, printer);
}

static void
attach_hub (CurbStagingApplication *self)
{
  g_autofree char *dir = g_build_filename (g_get_user_state_dir (), "curbside-staging", NULL);
  g_autofree char *path = g_build_filename (dir, "pending-actions.json", NULL);
  g_autoptr(GError) error = NULL;

  curb_staging_station_attach_hub (self->station, self->client);
  if (self->queue_path != NULL)
    {
      g_free (path);
      path = g_strdup (self->queue_path);
    }
  g_mkdir_with_parents (dir, 0700);
  if (!curb_staging_link_set_queue_file (curb_staging_station_get_link (self->station), path, &error))
    g_warning ("Actions waiting for the hub are not kept across restarts: %s", error->message);
}

static void
setup_sounds (CurbStagingApplication *self)
{
  CurbSound *sound = curb_staging_station_get_sound (self->station);
  const CurbSoundCue cues[] = { CURB_SOUND_ARRIVAL, CURB_SOUND_ESCALATION };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; sound != NULL && i < G_N_ELEMENTS (cues); i++)
    if (self->sound_files[i] != NULL && !curb_sound_set_file (sound, cues[i], self->sound_files[i], &error))
      {
        g_warning ("%s; using the built-in sound", error->message);
        g_clear_error (&error);
      }
}

static void
curb_staging_application_activate (GApplication *app)
{
  CurbStagingApplication *self = CURB_STAGING_APPLICATION (app);

  if (self->window == NULL)
    {
      self->station = curb_staging_station_new (&self->settings);
      setup_sounds (self);
      setup_scanners (self);
      setup_printer (self);
      if (self->client != NULL)
        attach_hub (self);
      self->window = curb_staging_window_new (ADW_APPLICATION (app), self->station);
      g_object_add_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      if (self->fullscreen)
        gtk_window_fullscreen (GTK_WINDOW (self->window));
      curb_sd_notify_start_watchdog ();
    }
  gtk_window_present (GTK_WINDOW (self->window));
}

static void
curb_staging_application_dispose (GObject *object)
{
  CurbStagingApplication *self = CURB_STAGING_APPLICATION (object);

  g_clear_object (&self->station);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (curb_staging_application_parent_class)->dispose (object);
}

static void
curb_staging_application_finalize (GObject *object)
{
  CurbStagingApplication *self = CURB_STAGING_APPLICATION (object);

  curb_staging_settings_clear (&self->settings);
  g_free (self->sound_files[0]);
  g_free (self->sound_files[1]);
  g_free (self->camera);
  g_free (self->wedge);
  g_free (self->printer_uri);
  g_free (self->queue_path);

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
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, NULL, N_("Station configuration (staging.conf)"), "FILE" },
    { "hub", 0, 0, G_OPTION_ARG_STRING, NULL, N_("The store hub's URL (overrides the configuration)"), "URL" },
    { "hub-fingerprint", 0, 0, G_OPTION_ARG_STRING, NULL, N_("SHA-256 fingerprint of the hub's certificate"), "HEX" },
    { "credential-file", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("This station's device credential"), "FILE" },
    { "enroll", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Enroll with this one-time code and store the credential"), "CODE" },
    { "camera", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Camera for bag and bin labels: auto, none or a GStreamer pipeline"), "PIPELINE" },
    { "wedge", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Keyboard-wedge scanner: auto, none or an evdev device"), "DEVICE" },
    { "printer", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Label and receipt printer, e.g. tcp://10.0.0.9:9100"), "URI" },
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

/**
 * curb_staging_application_use_credential_file:
 * @path: a file holding this station's device credential (from enrollment)
 *
 * A missing file is not an error: the station runs, and the health screen
 * says it is not enrolled.
 */
gboolean
curb_staging_application_use_credential_file (CurbStagingApplication  *self,
                                              const char              *path,
                                              GError                 **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (CURB_IS_STAGING_APPLICATION (self), FALSE);
  if (self->client == NULL || path == NULL
      || curb_hub_client_load_credential (self->client, path, &local_error)
      || g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* For tests: a hub client to attach at activation. */
void
curb_staging_application_set_hub_client (CurbStagingApplication *self,
                                         CurbHubClient          *client)
{
  g_return_if_fail (CURB_IS_STAGING_APPLICATION (self));
  g_set_object (&self->client, client);
}

/* For tests: where actions waiting for the hub are kept. */
void
curb_staging_application_set_queue_path (CurbStagingApplication *self,
                                         const char             *path)
{
  g_return_if_fail (CURB_IS_STAGING_APPLICATION (self));
  g_free (self->queue_path);
  self->queue_path = g_strdup (path);
}
