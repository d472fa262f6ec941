#pragma once

#include <gtk/gtk.h>

#include "curb-kiosk-flow.h"

G_BEGIN_DECLS

/* Helpers shared by the screens: each screen is a template-built widget
 * that refreshes itself from the flow on "changed". */

/* Registers the kiosk's GResource (templates, CSS) once. */
void   curb_kiosk_ensure_resources (void);
void   curb_kiosk_page_bind          (GtkWidget     *page,
                                      CurbKioskFlow *flow,
                                      GCallback      refresh);
void   curb_kiosk_page_set_adaptive  (GtkWidget     *page,
                                      GtkOrientable *layout);
void   curb_kiosk_page_set_portrait  (GtkWidget     *page,
                                      gboolean       portrait);
void   curb_kiosk_set_text           (GtkLabel      *label,
                                      const char    *text);
void   curb_kiosk_set_name           (GtkWidget     *widget,
                                      const char    *name);
/* Untrusted text from an order (names, items) without control or format
 * characters (bidi overrides, zero width), so it shows as it reads. */
char  *curb_kiosk_dup_plain_text     (const char    *text) G_GNUC_WARN_UNUSED_RESULT;
char  *curb_kiosk_format_time        (gint64         ms) G_GNUC_WARN_UNUSED_RESULT;
char  *curb_kiosk_format_minutes     (int            seconds) G_GNUC_WARN_UNUSED_RESULT;
void   curb_kiosk_remove_children    (GtkBox        *box);

G_END_DECLS
