#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CURB_TYPE_KIOSK_PREVIEW (curb_kiosk_preview_get_type ())
G_DECLARE_FINAL_TYPE (CurbKioskPreview, curb_kiosk_preview, CURB, KIOSK_PREVIEW, GtkWidget)

/**
 * CurbKioskPreview:
 *
 * The camera preview on the welcome screen: the latest frame, cropped to
 * fill and shown mirrored (like a mirror, so shoppers move the right way),
 * with a framing guide on top. Frames arrive as #GdkTexture on the UI
 * thread in the camera's orientation and, ideally, at
 * curb_kiosk_preview_get_frame_size().
 */
GtkWidget *curb_kiosk_preview_new         (void);
void       curb_kiosk_preview_set_texture (CurbKioskPreview *self,
                                           GdkTexture       *texture);
GdkTexture *curb_kiosk_preview_get_texture (CurbKioskPreview *self);
gboolean   curb_kiosk_preview_get_frame_size (CurbKioskPreview *self,
                                              int              *width,
                                              int              *height);

void             curb_kiosk_preview_frame_set_surface (GdkTexture      *frame,
                                                       cairo_surface_t *surface);
cairo_surface_t *curb_kiosk_preview_frame_get_surface (GdkTexture      *frame);

G_END_DECLS
