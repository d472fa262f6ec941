#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * CurbBitmap:
 * @width: width in dots
 * @height: height in dots
 * @stride: bytes per row, (width + 7) / 8
 * @data: rows of packed bits, most significant bit first, 1 = black
 *
 * A 1-bit image as ESC/POS raster commands carry it.
 */
typedef struct
{
  guint   width;
  guint   height;
  guint   stride;
  guint8 *data;
} CurbBitmap;

CurbBitmap *curb_bitmap_new          (guint width,
                                      guint height) G_GNUC_WARN_UNUSED_RESULT;
void        curb_bitmap_free         (CurbBitmap *bitmap);
gboolean    curb_bitmap_get          (const CurbBitmap *bitmap,
                                      guint             x,
                                      guint             y);
void        curb_bitmap_set          (CurbBitmap *bitmap,
                                      guint       x,
                                      guint       y,
                                      gboolean    black);
CurbBitmap *curb_bitmap_new_qr       (const char *payload,
                                      guint       module_dots,
                                      int         level,
                                      GError    **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CurbBitmap, curb_bitmap_free)

G_END_DECLS
