#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A QR code for @payload (8-bit mode, libqrencode) drawn into a fresh
 * @width × @height GRAY8 frame (stride = width), dark on light, or light on
 * dark when @inverted; @payload NULL gives an empty scene. */
GBytes *scanner_test_qr_frame (const guint8 *payload,
                               gsize         length,
                               int           module_px,
                               int           width,
                               int           height,
                               gboolean      inverted);
gboolean scanner_test_write_pgm (const char *path,
                                 GBytes     *gray,
                                 int         width,
                                 int         height);
gboolean scanner_test_bytes_equal (GBytes       *bytes,
                                   const guint8 *data,
                                   gsize         length);

G_END_DECLS
