#include <glib/gi18n.h>
#include <locale.h>

#include "curb-kiosk-i18n.h"

static char *current_language;

void
curb_kiosk_i18n_init (void)
{
  const char *dir = g_getenv ("CURB_LOCALEDIR");

  setlocale (LC_ALL, "");
  /* LANGUAGE is ignored under the plain C locale; C.UTF-8 honours it. */
  if (g_strcmp0 (setlocale (LC_MESSAGES, NULL), "C") == 0)
    setlocale (LC_MESSAGES, "C.UTF-8");
  bindtextdomain (GETTEXT_PACKAGE, dir != NULL ? dir : CURB_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

void
curb_kiosk_i18n_set_language (const char *language)
{
  g_return_if_fail (language != NULL);

  if (g_strcmp0 (current_language, language) == 0)
    return;
  g_free (current_language);
  current_language = g_strdup (language);
  g_setenv ("LANGUAGE", language, TRUE);
  /* Re-setting the domain makes gettext drop the translations it cached. */
  textdomain (GETTEXT_PACKAGE);
}

const char *
curb_kiosk_i18n_get_language (void)
{
  return current_language;
}
