#pragma once

#include <gtk/gtk.h>

#include "curb-kiosk-flow.h"

G_BEGIN_DECLS

#define CURB_TYPE_KIOSK_LOOKUP_PAGE (curb_kiosk_lookup_page_get_type ())
G_DECLARE_FINAL_TYPE (CurbKioskLookupPage, curb_kiosk_lookup_page, CURB, KIOSK_LOOKUP_PAGE, GtkBox)

GtkWidget *curb_kiosk_lookup_page_new  (CurbKioskFlow *flow);
/* Types @text as if tapped on the on-screen keyboard (tests, benchmarks). */
void       curb_kiosk_lookup_page_type (CurbKioskLookupPage *self,
                                        const char          *text);
void       curb_kiosk_lookup_page_next_field (CurbKioskLookupPage *self,
                                              gboolean             phone);
void       curb_kiosk_lookup_page_submit (CurbKioskLookupPage *self);
/* A key from a physical keyboard: letters and digits type, Backspace
 * deletes, Enter goes to the next field and then finds the order. */
gboolean   curb_kiosk_lookup_page_key_pressed (CurbKioskLookupPage *self,
                                               guint                keyval,
                                               GdkModifierType      state);

G_END_DECLS
