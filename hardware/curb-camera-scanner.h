#pragma once

#include <gst/gst.h>

#include "curb-code-source.h"
#include "curb-qr-decoder.h"

G_BEGIN_DECLS

/**
 * CurbPreviewFunc:
 * @pixels: the frame, B8G8R8A8 (GDK_MEMORY_B8G8R8A8), wrapping the
 *   GStreamer buffer without a copy; keep a reference as long as needed
 *
 * Hands the newest camera frame to the UI, on the scanner's main context.
 * Frames that arrive while one is pending replace it.
 */
typedef void (*CurbPreviewFunc) (GBytes   *pixels,
                                 int       width,
                                 int       height,
                                 gsize     stride,
                                 gpointer  user_data);

/**
 * CurbCameraStats:
 *
 * Counters for store IT (curbside-ctl scan --camera), since start.
 */
typedef struct
{
  guint64 frames;
  guint64 decoded;
  guint64 reads;
  guint64 previewed;
  int     width;
  int     height;
  double  sharpness;
  double  decode_ms;
} CurbCameraStats;

#define CURB_TYPE_CAMERA_SCANNER (curb_camera_scanner_get_type ())
G_DECLARE_FINAL_TYPE (CurbCameraScanner, curb_camera_scanner, CURB, CAMERA_SCANNER, CurbCodeSource)

CurbCameraScanner *curb_camera_scanner_new              (const char         *pipeline,
                                                         GCancellable       *cancellable,
                                                         GError            **error) G_GNUC_WARN_UNUSED_RESULT;
void               curb_camera_scanner_set_preview_sink (CurbCameraScanner  *self,
                                                         GstElement         *sink);
void               curb_camera_scanner_set_preview_func (CurbCameraScanner  *self,
                                                         CurbPreviewFunc     func,
                                                         gpointer            user_data,
                                                         GDestroyNotify      destroy);
GstElement        *curb_camera_scanner_dup_element      (CurbCameraScanner  *self,
                                                         const char         *name) G_GNUC_WARN_UNUSED_RESULT;
void               curb_camera_scanner_get_stats        (CurbCameraScanner  *self,
                                                         CurbCameraStats    *stats);
void               curb_camera_scanner_set_preview_idle_rate (CurbCameraScanner *self,
                                                              guint              fps);
gboolean           curb_camera_scanner_get_attentive    (CurbCameraScanner  *self);
void               curb_camera_scanner_set_decoding     (CurbCameraScanner  *self,
                                                         gboolean            decoding);
CurbQrPasses       curb_camera_scanner_live_passes      (guint64             decoded);

G_END_DECLS
