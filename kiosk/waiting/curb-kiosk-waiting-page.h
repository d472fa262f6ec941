#pragma once

#include <gtk/gtk.h>

#include "curb-kiosk-flow.h"

G_BEGIN_DECLS

#define CURB_TYPE_KIOSK_WAITING_PAGE (curb_kiosk_waiting_page_get_type ())
G_DECLARE_FINAL_TYPE (CurbKioskWaitingPage, curb_kiosk_waiting_page, CURB, KIOSK_WAITING_PAGE, GtkBox)

/* @thanks: the handed-over variant ("Thank you", receipt) of the same page. */
GtkWidget *curb_kiosk_waiting_page_new (CurbKioskFlow *flow,
                                        gboolean       thanks);

G_END_DECLS
