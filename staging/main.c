#include <glib/gi18n.h>
#include <locale.h>

#include "curb-renderer.h"
#include "curb-staging-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CurbStagingApplication) app = NULL;
  g_autofree char *renderer = curb_renderer_apply ();

  g_message ("GTK renderer: %s", renderer);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, CURB_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  app = curb_staging_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
