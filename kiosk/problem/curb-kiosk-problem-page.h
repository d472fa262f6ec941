#pragma once

#include <gtk/gtk.h>

#include "curb-kiosk-flow.h"

G_BEGIN_DECLS

#define CURB_TYPE_KIOSK_PROBLEM_PAGE (curb_kiosk_problem_page_get_type ())
G_DECLARE_FINAL_TYPE (CurbKioskProblemPage, curb_kiosk_problem_page, CURB, KIOSK_PROBLEM_PAGE, GtkBox)

/* Every calm failure screen: what happened and the one next step. */
GtkWidget *curb_kiosk_problem_page_new (CurbKioskFlow *flow);

G_END_DECLS
