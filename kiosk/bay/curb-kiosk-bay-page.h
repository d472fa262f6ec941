#pragma once

#include <gtk/gtk.h>

#include "curb-kiosk-flow.h"

G_BEGIN_DECLS

#define CURB_TYPE_KIOSK_BAY_PAGE (curb_kiosk_bay_page_get_type ())
G_DECLARE_FINAL_TYPE (CurbKioskBayPage, curb_kiosk_bay_page, CURB, KIOSK_BAY_PAGE, GtkBox)

GtkWidget *curb_kiosk_bay_page_new (CurbKioskFlow *flow);

G_END_DECLS
