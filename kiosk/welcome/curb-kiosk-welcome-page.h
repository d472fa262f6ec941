#pragma once

#include <gtk/gtk.h>

#include "curb-kiosk-flow.h"
#include "curb-kiosk-preview.h"

G_BEGIN_DECLS

#define CURB_TYPE_KIOSK_WELCOME_PAGE (curb_kiosk_welcome_page_get_type ())
G_DECLARE_FINAL_TYPE (CurbKioskWelcomePage, curb_kiosk_welcome_page, CURB, KIOSK_WELCOME_PAGE, GtkBox)

GtkWidget        *curb_kiosk_welcome_page_new         (CurbKioskFlow *flow);
CurbKioskPreview *curb_kiosk_welcome_page_get_preview (CurbKioskWelcomePage *self);

G_END_DECLS
