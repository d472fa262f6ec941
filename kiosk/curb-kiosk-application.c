#include <glib/gi18n.h>

#include "curb-kiosk-application.h"
#include "curb-kiosk-i18n.h"
#include "curb-kiosk-page.h"

#define SYSTEM_CONFIG "/etc/curbside/kiosk.conf"

struct _CurbKioskApplication
{
  AdwApplication     parent_instance;

  char              *config_path;
  gboolean           windowed;
  char              *size;
  CurbKioskSettings *settings;
  CurbKioskFlow     *flow;
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

static gboolean
load_settings (CurbKioskApplication  *self,
               GError               **error)
{
  g_autofree char *path = self->config_path != NULL ? g_strdup (self->config_path)
                                                    : default_config_path ();

  if (path == NULL)
    {
      g_message ("no %s: running with built-in defaults", SYSTEM_CONFIG);
      self->settings = curb_kiosk_settings_new_default ();
      return TRUE;
    }
  self->settings = curb_kiosk_settings_load (path, error);
  return self->settings != NULL;
}

static void
configure_flow (CurbKioskApplication *self)
{
  CurbKioskSettings *s = self->settings;

  self->flow = curb_kiosk_flow_new ();
  curb_kiosk_flow_set_bays (self->flow, curb_kiosk_settings_get_bays (s));
  curb_kiosk_flow_set_default_language (self->flow, curb_kiosk_settings_get_default_language (s));
  curb_kiosk_flow_set_store_phone (self->flow, curb_kiosk_settings_get_store_phone (s));
  curb_kiosk_flow_set_timeouts (self->flow, curb_kiosk_settings_get_idle_timeout (s),
                                curb_kiosk_settings_get_waiting_timeout (s),
                                curb_kiosk_settings_get_thanks_timeout (s));
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
  if (!self->windowed && curb_kiosk_settings_get_fullscreen (self->settings))
    gtk_window_fullscreen (GTK_WINDOW (self->window));
}

static int
curb_kiosk_application_handle_local_options (GApplication *app,
                                             GVariantDict *options)
{
  CurbKioskApplication *self = CURB_KIOSK_APPLICATION (app);
  g_autoptr(GError) error = NULL;

  g_variant_dict_lookup (options, "config", "^ay", &self->config_path);
  g_variant_dict_lookup (options, "size", "s", &self->size);
  self->windowed = g_variant_dict_contains (options, "windowed");
  if (!load_settings (self, &error))
    {
      g_printerr ("curbside-kiosk: %s\n", error->message);
      return 2;
    }
  if (g_variant_dict_contains (options, "check-config"))
    {
      g_print ("configuration OK\n");
      return 0;
    }
  return -1;
}

static void
curb_kiosk_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (curb_kiosk_application_parent_class)->startup (app);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_LIGHT);
  curb_kiosk_load_style ();
}

static void
curb_kiosk_application_activate (GApplication *app)
{
  CurbKioskApplication *self = CURB_KIOSK_APPLICATION (app);

  if (self->window == NULL)
    {
      configure_flow (self);
      self->window = curb_kiosk_window_new (GTK_APPLICATION (app), self->flow);
      curb_kiosk_window_set_store_name (self->window, curb_kiosk_settings_get_store_name (self->settings));
      size_window (self);
    }
  gtk_window_present (GTK_WINDOW (self->window));
}

static void
curb_kiosk_application_finalize (GObject *object)
{
  CurbKioskApplication *self = CURB_KIOSK_APPLICATION (object);

  g_free (self->config_path);
  g_free (self->size);
  g_clear_object (&self->settings);
  g_clear_object (&self->flow);
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
}

static void
curb_kiosk_application_init (CurbKioskApplication *self)
{
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, NULL, "Configuration file", "PATH" },
    { "windowed", 'w', 0, G_OPTION_ARG_NONE, NULL, "Run in a window instead of fullscreen", NULL },
    { "size", 's', 0, G_OPTION_ARG_STRING, NULL, "Window size, e.g. 1280x800", "WxH" },
    { "check-config", 0, 0, G_OPTION_ARG_NONE, NULL, "Validate the configuration and exit", NULL },
    { NULL },
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
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
