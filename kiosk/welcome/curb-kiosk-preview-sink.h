#pragma once

#include <gdk/gdk.h>
#include <gst/gst.h>

G_BEGIN_DECLS

typedef void (*CurbKioskFrameFunc) (GdkTexture *frame,
                                    gpointer    user_data);

#define CURB_TYPE_KIOSK_PREVIEW_SINK (curb_kiosk_preview_sink_get_type ())
G_DECLARE_FINAL_TYPE (CurbKioskPreviewSink, curb_kiosk_preview_sink, CURB, KIOSK_PREVIEW_SINK, GObject)

/**
 * CurbKioskPreviewSink:
 *
 * The camera scanner's preview branch, sized for the screen: frames are
 * thinned to @fps, then scaled and converted in GStreamer's threads
 * (where it is cheap), then handed to @func on the main context as
 * textures that wrap the buffer without a copy (with the same pixels as a
 * cairo surface, see curb_kiosk_preview_frame_get_surface()). Only the
 * newest frame is kept.
 */
CurbKioskPreviewSink *curb_kiosk_preview_sink_new         (int                 width,
                                                           int                 height,
                                                           int                 fps,
                                                           CurbKioskFrameFunc  func,
                                                           gpointer            user_data) G_GNUC_WARN_UNUSED_RESULT;
GstElement           *curb_kiosk_preview_sink_get_element (CurbKioskPreviewSink *self);
guint64               curb_kiosk_preview_sink_get_frames  (CurbKioskPreviewSink *self);
void                  curb_kiosk_preview_sink_set_active  (CurbKioskPreviewSink *self,
                                                           gboolean              active);
void                  curb_kiosk_preview_sink_set_size    (CurbKioskPreviewSink *self,
                                                           int                   width,
                                                           int                   height);
/* No more frames to the callback, even those already on their way. */
void                  curb_kiosk_preview_sink_detach      (CurbKioskPreviewSink *self);

G_END_DECLS
