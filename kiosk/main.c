#include "curb-kiosk-application.h"
#include "curb-kiosk-i18n.h"
#include "curb-renderer.h"

int
main (int argc, char **argv)
{
  g_autoptr(CurbKioskApplication) app = NULL;
  g_autofree char *renderer = curb_renderer_apply ();

  g_message ("GTK renderer: %s", renderer);
  curb_kiosk_i18n_init ();
  app = curb_kiosk_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
