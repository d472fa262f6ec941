#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* gettext for the kiosk: the catalog directory is $CURB_LOCALEDIR when set
 * (tests, the demo from the build tree), else the installed one. */
void        curb_kiosk_i18n_init         (void);
/* Switches the language of every later _() call ("en", "es"). */
void        curb_kiosk_i18n_set_language (const char *language);
const char *curb_kiosk_i18n_get_language (void);

G_END_DECLS
