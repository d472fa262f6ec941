#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A C view of zxing-cpp's QR reader, compiled as C++ in curb-zxing-shim.cpp. */
typedef void (*CurbZxingFoundFunc) (const guint8 *payload,
                                    gsize         length,
                                    gpointer      user_data);

guint curb_zxing_read_qr (const guint8       *gray,
                          int                 width,
                          int                 height,
                          int                 stride,
                          CurbZxingFoundFunc  found,
                          gpointer            user_data);

G_END_DECLS
