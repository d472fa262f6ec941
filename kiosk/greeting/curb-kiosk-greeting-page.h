#pragma once

#include <gtk/gtk.h>

#include "curb-kiosk-flow.h"

G_BEGIN_DECLS

#define CURB_TYPE_KIOSK_GREETING_PAGE (curb_kiosk_greeting_page_get_type ())
G_DECLARE_FINAL_TYPE (CurbKioskGreetingPage, curb_kiosk_greeting_page, CURB, KIOSK_GREETING_PAGE, GtkBox)

GtkWidget *curb_kiosk_greeting_page_new (CurbKioskFlow *flow);

G_END_DECLS
