#include <glib/gi18n.h>

#include "curb-camera-scanner.h"
#include "curb-config.h"
#include "curb-error.h"
#include "curb-sd-notify.h"
#include "curb-kiosk-application.h"
#include "curb-kiosk-i18n.h"
#include "curb-kiosk-page.h"
#include "curb-kiosk-preview-sink.h"

#define SYSTEM_CONFIG "/etc/curbside/kiosk.conf"
#define DEFAULT_KEYRING "/etc/curbside/keyring"
#define WAITING_TIMEOUT_S 300
#define THANKS_TIMEOUT_S 15
/* the hub's session waits for the first camera frame on screen, or this */
#define SESSION_DELAY_MS 1000
#define STATS_INTERVAL_S 2
/* what the preview shows needs no more: decoding uses the full frame */
#define PREVIEW_WIDTH 640
#define PREVIEW_HEIGHT 360
#define PREVIEW_FPS 15
/* nothing code-like in view: nobody is aiming a phone at the camera */
#define PREVIEW_IDLE_FPS 10

struct _CurbKioskApplication
{
  AdwApplication     parent_instance;

  /* command line */
  char              *config_path;
  char              *size;
  char              *hub_url;
  char              *hub_fingerprint;
  char              *credential_file;
  char              *keyring_path;
  char              *store_id;
  char              *camera;
  char              *state_dir;
  char              *enroll_code;
  char              *receipt_url;
  gboolean           windowed;
  gboolean           no_camera;
  gboolean           speak;
  gboolean           ready;
  gboolean           empty_gtk_theme;
  guint              session_delay;
  guint              stats_timer;

  CurbConfig        *config;
  CurbKioskFlow     *flow;
  CurbKioskSession  *session;
  CurbHubClient     *client;
  CurbCameraScanner *scanner;
  CurbKioskPreviewSink *preview;
  CurbKioskWindow   *window;
};

G_DEFINE_FINAL_TYPE (CurbKioskApplication, curb_kiosk_application, ADW_TYPE_APPLICATION)

static char *
default_config_path (void)
{
  g_autofree char *user = g_build_filename (g_get_user_config_dir (), "curbside", "kiosk.conf", NULL);

  if (g_file_test (SYSTEM_CONFIG, G_FILE_TEST_EXISTS))
    return g_strdup (SYSTEM_CONFIG);
  if (g_file_test (user, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&user);
  return NULL;
}

/* The command line wins; the config file (what an appliance's cage session
 * passes) fills in the rest. */
static void
adopt_string (char       **field,
              CurbConfig  *config,
              const char  *group,
              const char  *key,
              gboolean     is_path)
{
  const char *value;

  if (*field != NULL || !curb_config_is_set (config, group, key))
    return;
  value = is_path ? curb_config_get_path (config, group, key)
                  : curb_config_get_string (config, group, key);
  *field = g_strdup (value);
}

static void
adopt_config_defaults (CurbKioskApplication *self)
{
  adopt_string (&self->hub_fingerprint, self->config, "hub", "fingerprint", FALSE);
  adopt_string (&self->store_id, self->config, "store", "id", FALSE);
  adopt_string (&self->keyring_path, self->config, "tokens", "keyring", TRUE);
  adopt_string (&self->state_dir, self->config, "storage", "state-dir", TRUE);
  adopt_string (&self->receipt_url, self->config, "printer", "receipt-url", FALSE);
}

static gboolean
load_config (CurbKioskApplication  *self,
             GError               **error)
{
  g_autofree char *path = self->config_path != NULL ? g_strdup (self->config_path)
                                                    : default_config_path ();

  if (path == NULL)
    {
      self->config = curb_config_new_defaults (CURB_CONFIG_ROLE_KIOSK);
      return TRUE;
    }
  self->config = curb_config_load (CURB_CONFIG_ROLE_KIOSK, path, error);
  if (self->config == NULL)
    return FALSE;
  adopt_config_defaults (self);
  return TRUE;
}

static const char *
hub_url (CurbKioskApplication *self)
{
  if (self->hub_url != NULL)
    return self->hub_url;
  return curb_config_get_string (self->config, "hub", "url");
}

static const char *
credential_path (CurbKioskApplication *self)
{
  return self->credential_file != NULL ? self->credential_file
         : curb_config_get_path (self->config, "hub", "credential-file");
}

static CurbHubClient *
make_client (CurbKioskApplication  *self,
             GError               **error)
{
  g_autoptr(CurbHubClient) client = NULL;
  g_autoptr(GError) local = NULL;

  if (hub_url (self) == NULL)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_CONFIG,
                   "no hub: set [hub] url in kiosk.conf or pass --hub-url");
      return NULL;
    }
  client = curb_hub_client_new (hub_url (self));
  if (self->hub_fingerprint != NULL)
    curb_hub_client_set_pinned_certificate (client, self->hub_fingerprint);
  if (credential_path (self) == NULL || !curb_hub_client_load_credential (client, credential_path (self), &local))
    g_warning ("No device credential (%s): the hub will refuse this kiosk until it is enrolled",
               local != NULL ? local->message : "none");
  return g_steal_pointer (&client);
}

static char *
outbox_path (CurbKioskApplication *self)
{
  if (self->state_dir != NULL)
    return g_build_filename (self->state_dir, "kiosk-cache.db", NULL);
  if (access ("/var/lib/curbside-kiosk", W_OK) == 0)
    return g_strdup ("/var/lib/curbside-kiosk/kiosk-cache.db");
  return g_build_filename (g_get_user_state_dir (), "curbside", "kiosk-cache.db", NULL);
}

static gboolean
load_keyring (CurbKioskApplication  *self,
              GError               **error)
{
  g_autoptr(CurbKeyring) keyring = NULL;
  const char *path = self->keyring_path;

  if (path == NULL || g_str_equal (path, DEFAULT_KEYRING))
    path = g_file_test (DEFAULT_KEYRING, G_FILE_TEST_EXISTS) ? DEFAULT_KEYRING : NULL;
  if (path == NULL)
    {
      g_warning ("No issuer keyring (--keyring or %s): pickup codes cannot be checked at this kiosk",
                 DEFAULT_KEYRING);
      return TRUE;
    }
  keyring = curb_keyring_load (path, error);
  if (keyring == NULL)
    return FALSE;
  curb_kiosk_session_set_keyring (self->session, keyring, self->store_id);
  return TRUE;
}

static gboolean
make_session (CurbKioskApplication  *self,
              GError               **error)
{
  g_autoptr(CurbHubClient) client = make_client (self, error);
  g_autoptr(CurbKioskOutbox) outbox = NULL;
  g_autofree char *path = outbox_path (self);

  if (client == NULL)
    return FALSE;
  self->client = g_object_ref (client);
  outbox = curb_kiosk_outbox_open (path, error);
  if (outbox == NULL)
    return FALSE;
  self->session = curb_kiosk_session_new (self->flow, client, outbox);
  return load_keyring (self, error);
}

/* Enrolls with a one-time code from the hub before any window exists, and
 * keeps the credential where the configuration says. */
static gboolean
enroll (CurbKioskApplication  *self,
        GError               **error)
{
  const char *name = curb_config_get_string (self->config, "device", "name");
  g_autofree char *device_id = NULL;

  if (credential_path (self) == NULL)
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_CONFIG,
                           "no credential file: set [hub] credential-file or pass --credential-file");
      return FALSE;
    }
  device_id = curb_hub_client_enroll_to_file (self->client, self->enroll_code,
                                              name != NULL ? name : g_get_host_name (),
                                              credential_path (self), error);
  if (device_id == NULL)
    return FALSE;
  g_message ("Enrolled with the hub as %s", device_id);
  return TRUE;
}

static gboolean
make_printer (CurbKioskApplication  *self,
              GError               **error)
{
  const char *uri = curb_config_get_string (self->config, "printer", "uri");
  g_autofree char *queue = NULL;
  g_autoptr(CurbPrinterStation) station = NULL;
  CurbPrinterStationSetup setup = { 0 };

  if (uri == NULL || !curb_config_get_bool (self->config, "printer", "receipts"))
    return TRUE;
  queue = g_build_filename (self->state_dir != NULL ? self->state_dir : g_get_user_state_dir (),
                            "kiosk-print-queue.db", NULL);
  setup.uri = uri;
  setup.station = curb_config_get_string (self->config, "device", "name");
  setup.role = CURB_PRINTER_ROLE_RECEIPT;
  setup.profile = curb_config_get_string (self->config, "printer", "profile");
  setup.queue_path = queue;
  setup.store_name = _("Curbside pickup");
  setup.receipt_url = self->receipt_url;
  station = curb_printer_station_new (&setup, error);
  if (station == NULL)
    return FALSE;
  curb_kiosk_session_set_printer (self->session, station);
  return TRUE;
}

static void
configure_flow (CurbKioskApplication *self)
{
  const char * const *languages = curb_config_get_list (self->config, "ui", "languages");

  self->flow = curb_kiosk_flow_new ();
  curb_kiosk_flow_set_bays (self->flow, curb_config_get_list (self->config, "pickup", "bays"));
  if (languages != NULL && languages[0] != NULL)
    curb_kiosk_flow_set_default_language (self->flow, languages[0]);
  curb_kiosk_flow_set_store_phone (self->flow, curb_config_get_string (self->config, "ui", "store-phone"));
  curb_kiosk_flow_set_timeouts (self->flow, (guint) curb_config_get_int (self->config, "ui", "idle-timeout"),
                                WAITING_TIMEOUT_S, THANKS_TIMEOUT_S);
}

/* Ready, or a second without a first frame on screen: decoding (held
 * while the UI starts, so it has the cores) and the hub's session start. */
static void
start_session (CurbKioskApplication *self)
{
  g_clear_handle_id (&self->session_delay, g_source_remove);
  if (self->scanner != NULL)
    curb_camera_scanner_set_decoding (self->scanner, TRUE);
  curb_kiosk_session_start (self->session);
}

static gboolean
on_session_delay (gpointer user_data)
{
  CurbKioskApplication *self = user_data;

  self->session_delay = 0;
  start_session (self);
  return G_SOURCE_REMOVE;
}

/* The hub's requests and stream (TLS, JSON) wait until the camera is on
 * screen: a code is checked offline first, so scanning does not need them. */
static void
start_session_after_first_frame (CurbKioskApplication *self)
{
  if (self->scanner == NULL)
    {
      start_session (self);
      return;
    }
  self->session_delay = g_timeout_add (SESSION_DELAY_MS, on_session_delay, self);
}

static void
on_first_preview_painted (CurbKioskApplication *self,
                          GdkFrameClock        *clock)
{
  g_signal_handlers_disconnect_by_func (clock, on_first_preview_painted, self);
  g_message ("Ready to scan: the camera preview is on screen");
  start_session (self);
}

static void
on_preview_frame (GdkTexture *frame,
                  gpointer    user_data)
{
  CurbKioskApplication *self = user_data;
  GdkFrameClock *clock;
  int width, height;

  if (self->window == NULL || curb_kiosk_flow_get_screen (self->flow) != CURB_KIOSK_SCREEN_WELCOME)
    return;
  curb_kiosk_window_set_preview_texture (self->window, frame);
  if (curb_kiosk_window_get_preview_size (self->window, &width, &height))
    curb_kiosk_preview_sink_set_size (self->preview, width, height);
  if (!self->ready && (clock = gtk_widget_get_frame_clock (GTK_WIDGET (self->window))) != NULL)
    {
      self->ready = TRUE;
      g_signal_connect_object (clock, "after-paint", G_CALLBACK (on_first_preview_painted), self,
                               G_CONNECT_SWAPPED);
    }
}

/* Only the welcome screen shows the camera. */
static void
on_flow_changed (CurbKioskApplication *self)
{
  if (self->preview != NULL)
    curb_kiosk_preview_sink_set_active (self->preview, curb_kiosk_flow_get_screen (self->flow)
                                                       == CURB_KIOSK_SCREEN_WELCOME);
}

/* With G_MESSAGES_DEBUG=curbside-kiosk, the camera's counters since start
 * (the side-by-side benchmark reads the frame rate from them). */
static gboolean
on_stats_timer (gpointer user_data)
{
  CurbKioskApplication *self = user_data;
  CurbCameraStats stats;

  curb_camera_scanner_get_stats (self->scanner, &stats);
  g_debug ("camera at %" G_GINT64_FORMAT " us: %" G_GUINT64_FORMAT " frames, %" G_GUINT64_FORMAT
           " decoded, %" G_GUINT64_FORMAT " read, %" G_GUINT64_FORMAT " shown",
           g_get_monotonic_time (), stats.frames, stats.decoded, stats.reads,
           curb_kiosk_preview_sink_get_frames (self->preview));
  return G_SOURCE_CONTINUE;
}

static void
start_camera (CurbKioskApplication *self)
{
  const char *pipeline = self->camera != NULL ? self->camera
                         : curb_config_get_string (self->config, "camera", "pipeline");
  g_autoptr(GError) error = NULL;

  if (self->no_camera)
    return;
  if (g_strcmp0 (pipeline, "auto") == 0)
    pipeline = NULL;
  self->scanner = curb_camera_scanner_new (pipeline, NULL, &error);
  if (self->scanner != NULL)
    {
      self->preview = curb_kiosk_preview_sink_new (PREVIEW_WIDTH, PREVIEW_HEIGHT, PREVIEW_FPS,
                                                   on_preview_frame, self);
      curb_camera_scanner_set_preview_sink (self->scanner,
                                            curb_kiosk_preview_sink_get_element (self->preview));
      curb_camera_scanner_set_preview_idle_rate (self->scanner, PREVIEW_IDLE_FPS);
      curb_camera_scanner_set_decoding (self->scanner, FALSE);
      curb_kiosk_session_set_code_source (self->session, CURB_CODE_SOURCE (self->scanner));
      if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
        self->stats_timer = g_timeout_add_seconds (STATS_INTERVAL_S, on_stats_timer, self);
      g_signal_connect_object (self->flow, "changed", G_CALLBACK (on_flow_changed), self,
                               G_CONNECT_SWAPPED);
    }
  if (self->scanner == NULL || !curb_code_source_start (CURB_CODE_SOURCE (self->scanner), &error))
    {
      g_warning ("Camera unavailable (%s): shoppers use the order lookup", error->message);
      curb_kiosk_flow_set_camera_ok (self->flow, FALSE);
    }
}

static void
enable_speech (CurbKioskApplication *self)
{
  g_autoptr(CurbKioskSpeech) speech = curb_kiosk_speech_new_espeak ();

  if (speech == NULL)
    {
      g_warning ("--speak: espeak-ng is not installed; prompts are not read aloud");
      return;
    }
  curb_kiosk_window_set_speech (self->window, speech);
}

static int
curb_kiosk_application_handle_local_options (GApplication *app,
                                             GVariantDict *options)
{
  CurbKioskApplication *self = CURB_KIOSK_APPLICATION (app);
  g_autoptr(GError) error = NULL;

  self->windowed = g_variant_dict_contains (options, "windowed");
  self->no_camera = g_variant_dict_contains (options, "no-camera");
  self->speak = g_variant_dict_contains (options, "speak");
  if (!load_config (self, &error))
    {
      g_printerr ("curbside-kiosk: %s\n", error->message);
      return 2;
    }
  if (g_variant_dict_contains (options, "check-config"))
    {
      g_print ("configuration OK\n");
      return 0;
    }
  configure_flow (self);
  if (!make_session (self, &error) || !make_printer (self, &error)
      || (self->enroll_code != NULL && !enroll (self, &error)))
    {
      g_printerr ("curbside-kiosk: %s\n", error->message);
      return 2;
    }
  /* the camera starts in GStreamer's threads while GTK starts */
  start_camera (self);
  return -1;
}

/* GTK parses its own theme when it makes the display's settings, and
 * libadwaita replaces it at once with an empty one ("Adwaita-empty") under
 * its own stylesheet. GTK_THEME (set while the process was still one
 * thread) names the empty theme for the settings' birth; unset again, it
 * leaves libadwaita to load its stylesheet as usual. */
static void
make_settings_with_empty_theme (CurbKioskApplication *self)
{
  if (!self->empty_gtk_theme)
    return;
  gtk_init ();
  gtk_settings_get_default ();
  g_unsetenv ("GTK_THEME");
}

static void
curb_kiosk_application_startup (GApplication *app)
{
  make_settings_with_empty_theme (CURB_KIOSK_APPLICATION (app));
  G_APPLICATION_CLASS (curb_kiosk_application_parent_class)->startup (app);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_LIGHT);
  curb_kiosk_load_style ();
}

static void
size_window (CurbKioskApplication *self)
{
  int width = 0, height = 0;

  if (self->size != NULL && sscanf (self->size, "%dx%d", &width, &height) == 2
      && width >= 320 && height >= 320)
    gtk_window_set_default_size (GTK_WINDOW (self->window), width, height);
  else
    gtk_window_set_default_size (GTK_WINDOW (self->window), 1280, 800);
  if (!self->windowed)
    gtk_window_fullscreen (GTK_WINDOW (self->window));
}

static void
curb_kiosk_application_activate (GApplication *app)
{
  CurbKioskApplication *self = CURB_KIOSK_APPLICATION (app);

  if (self->window == NULL)
    {
      self->window = curb_kiosk_window_new (GTK_APPLICATION (app), self->flow);
      if (self->speak)
        enable_speech (self);
      size_window (self);
      start_session_after_first_frame (self);
      curb_sd_notify_start_watchdog ();
    }
  gtk_window_present (GTK_WINDOW (self->window));
}

static void
curb_kiosk_application_shutdown (GApplication *app)
{
  CurbKioskApplication *self = CURB_KIOSK_APPLICATION (app);

  g_clear_handle_id (&self->session_delay, g_source_remove);
  g_clear_handle_id (&self->stats_timer, g_source_remove);
  if (self->preview != NULL)
    curb_kiosk_preview_sink_detach (self->preview);
  if (self->scanner != NULL)
    curb_code_source_stop (CURB_CODE_SOURCE (self->scanner));
  G_APPLICATION_CLASS (curb_kiosk_application_parent_class)->shutdown (app);
}

static void
curb_kiosk_application_finalize (GObject *object)
{
  CurbKioskApplication *self = CURB_KIOSK_APPLICATION (object);

  g_clear_object (&self->scanner);
  g_clear_object (&self->preview);
  g_clear_object (&self->session);
  g_clear_object (&self->client);
  g_clear_object (&self->flow);
  g_clear_object (&self->config);
  g_free (self->config_path);
  g_free (self->size);
  g_free (self->hub_url);
  g_free (self->hub_fingerprint);
  g_free (self->credential_file);
  g_free (self->keyring_path);
  g_free (self->store_id);
  g_free (self->camera);
  g_free (self->state_dir);
  g_free (self->enroll_code);
  g_free (self->receipt_url);
  G_OBJECT_CLASS (curb_kiosk_application_parent_class)->finalize (object);
}

static void
curb_kiosk_application_class_init (CurbKioskApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = curb_kiosk_application_finalize;
  app_class->handle_local_options = curb_kiosk_application_handle_local_options;
  app_class->startup = curb_kiosk_application_startup;
  app_class->activate = curb_kiosk_application_activate;
  app_class->shutdown = curb_kiosk_application_shutdown;
}

static void
curb_kiosk_application_init (CurbKioskApplication *self)
{
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &self->config_path, "Configuration file (default /etc/curbside/kiosk.conf, then ~/.config/curbside/kiosk.conf)", "PATH" },
    { "check-config", 0, 0, G_OPTION_ARG_NONE, NULL, "Validate the configuration and exit", NULL },
    { "hub-url", 0, 0, G_OPTION_ARG_STRING, &self->hub_url, "The hub's URL (overrides [hub] url)", "URL" },
    { "hub-fingerprint", 0, 0, G_OPTION_ARG_STRING, &self->hub_fingerprint, "SHA-256 fingerprint of the hub's certificate", "HEX" },
    { "credential-file", 0, 0, G_OPTION_ARG_FILENAME, &self->credential_file, "This kiosk's device credential (overrides [hub] credential-file)", "FILE" },
    { "enroll", 0, 0, G_OPTION_ARG_STRING, &self->enroll_code, "Enroll with this one-time code from the hub and keep the credential", "CODE" },
    { "keyring", 0, 0, G_OPTION_ARG_FILENAME, &self->keyring_path, "Public keys of the pickup-code issuers, for offline checks (default /etc/curbside/keyring)", "FILE" },
    { "store-id", 0, 0, G_OPTION_ARG_STRING, &self->store_id, "This store's id, as in the pickup codes (default: learnt from the hub)", "ID" },
    { "receipt-url", 0, 0, G_OPTION_ARG_STRING, &self->receipt_url, "Digital receipt page printed as a QR on receipts (the order number is appended)", "URL" },
    { "camera", 0, 0, G_OPTION_ARG_STRING, &self->camera, "GStreamer camera pipeline (overrides [camera] pipeline)", "PIPELINE" },
    { "no-camera", 0, 0, G_OPTION_ARG_NONE, NULL, "Run without a camera (order lookup only)", NULL },
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &self->state_dir, "Where the kiosk keeps its outbox", "DIR" },
    { "speak", 0, 0, G_OPTION_ARG_NONE, NULL, "Read each screen's prompt aloud with espeak-ng", NULL },
    { "windowed", 'w', 0, G_OPTION_ARG_NONE, NULL, "Run in a window instead of fullscreen", NULL },
    { "size", 's', 0, G_OPTION_ARG_STRING, &self->size, "Window size, e.g. 1280x800", "WxH" },
    { NULL },
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  /* see make_settings_with_empty_theme(); a theme chosen by the user wins */
  if (g_getenv ("GTK_THEME") == NULL)
    self->empty_gtk_theme = g_setenv ("GTK_THEME", "Adwaita-empty", FALSE);
}

CurbKioskApplication *
curb_kiosk_application_new (void)
{
  return g_object_new (CURB_TYPE_KIOSK_APPLICATION,
                       "application-id", "org.curbside.Kiosk",
                       "flags", G_APPLICATION_NON_UNIQUE,
                       NULL);
}

CurbKioskFlow *
curb_kiosk_application_get_flow (CurbKioskApplication *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_APPLICATION (self), NULL);
  return self->flow;
}

CurbKioskSession *
curb_kiosk_application_get_session (CurbKioskApplication *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_APPLICATION (self), NULL);
  return self->session;
}

CurbKioskWindow *
curb_kiosk_application_get_window (CurbKioskApplication *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_APPLICATION (self), NULL);
  return self->window;
}

void
curb_kiosk_load_style (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  curb_kiosk_ensure_resources ();
  gtk_css_provider_load_from_resource (provider, "/org/curbside/Kiosk/kiosk.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}
