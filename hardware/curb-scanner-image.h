#pragma once

#include <gst/gst.h>

#include "curb-qr-decoder.h"

G_BEGIN_DECLS

/* Images larger than this (either side) are refused. */
#define CURB_SCANNER_IMAGE_MAX_SIDE 8192

#define CURB_TYPE_SCANNER_IMAGE (curb_scanner_image_get_type ())
G_DECLARE_FINAL_TYPE (CurbScannerImage, curb_scanner_image, CURB, SCANNER_IMAGE, GObject)

/**
 * CurbScannerFrameFunc:
 * @frame: the frame number, from 0
 *
 * Returns: %FALSE to stop reading
 */
typedef gboolean (*CurbScannerFrameFunc) (CurbScannerImage *image,
                                          guint             frame,
                                          gpointer          user_data);

CurbScannerImage *curb_scanner_image_load             (const char           *path,
                                                       GError              **error) G_GNUC_WARN_UNUSED_RESULT;
CurbScannerImage *curb_scanner_image_new_from_sample  (GstSample            *sample,
                                                       GError              **error) G_GNUC_WARN_UNUSED_RESULT;
CurbScannerImage *curb_scanner_image_new_gray         (GBytes               *pixels,
                                                       int                   width,
                                                       int                   height,
                                                       int                   stride) G_GNUC_WARN_UNUSED_RESULT;
void              curb_scanner_image_get_gray         (CurbScannerImage     *self,
                                                       CurbGrayImage        *gray);
gboolean          curb_scanner_image_foreach_frame    (const char           *path,
                                                       CurbScannerFrameFunc  func,
                                                       gpointer              user_data,
                                                       GError              **error);

G_END_DECLS
