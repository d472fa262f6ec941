#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CURB_TYPE_KIOSK_PREVIEW (curb_kiosk_preview_get_type ())
G_DECLARE_FINAL_TYPE (CurbKioskPreview, curb_kiosk_preview, CURB, KIOSK_PREVIEW, GtkWidget)

/**
 * CurbKioskPreview:
 *
 * The camera preview on the welcome screen: the latest frame, mirrored like
 * a mirror so shoppers move the right way, cropped to fill, with a framing
 * guide on top. Frames arrive as #GdkTexture on the UI thread.
 */
GtkWidget *curb_kiosk_preview_new         (void);
void       curb_kiosk_preview_set_texture (CurbKioskPreview *self,
                                           GdkTexture       *texture);
GdkTexture *curb_kiosk_preview_get_texture (CurbKioskPreview *self);

G_END_DECLS
