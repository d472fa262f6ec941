#include <errno.h>
#include <qrencode.h>
#include <string.h>

#include "curb-error.h"
#include "curb-escpos-bitmap.h"

CurbBitmap *
curb_bitmap_new (guint width,
                 guint height)
{
  CurbBitmap *bitmap;

  g_return_val_if_fail (width > 0 && height > 0, NULL);
  g_return_val_if_fail (width <= 65535 && height <= 65535, NULL);

  bitmap = g_new0 (CurbBitmap, 1);
  bitmap->width = width;
  bitmap->height = height;
  bitmap->stride = (width + 7) / 8;
  bitmap->data = g_malloc0 ((gsize) bitmap->stride * height);
  return bitmap;
}

void
curb_bitmap_free (CurbBitmap *bitmap)
{
  if (bitmap == NULL)
    return;
  g_free (bitmap->data);
  g_free (bitmap);
}

gboolean
curb_bitmap_get (const CurbBitmap *bitmap,
                 guint             x,
                 guint             y)
{
  g_assert (x < bitmap->width && y < bitmap->height);
  return (bitmap->data[y * bitmap->stride + x / 8] >> (7 - x % 8)) & 1;
}

void
curb_bitmap_set (CurbBitmap *bitmap,
                 guint       x,
                 guint       y,
                 gboolean    black)
{
  guint8 mask = 0x80 >> (x % 8);

  g_assert (x < bitmap->width && y < bitmap->height);
  if (black)
    bitmap->data[y * bitmap->stride + x / 8] |= mask;
  else
    bitmap->data[y * bitmap->stride + x / 8] &= ~mask;
}

/**
 * curb_bitmap_new_qr:
 * @payload: the text the code carries
 * @module_dots: dots per module (1..16)
 * @level: 0..3 for error correction L, M, Q, H
 * @error: return location for a #CURB_ERROR_INVALID error
 *
 * A QR code (model 2, byte mode) with its four-module quiet zone, as the
 * printer's own GS ( k would print it.
 */
CurbBitmap *
curb_bitmap_new_qr (const char  *payload,
                    guint        module_dots,
                    int          level,
                    GError     **error)
{
  QRcode *code;
  CurbBitmap *bitmap;
  guint side;

  g_return_val_if_fail (payload != NULL, NULL);
  g_return_val_if_fail (module_dots >= 1 && module_dots <= 16, NULL);

  code = QRcode_encodeData ((int) strlen (payload), (const unsigned char *) payload, 0,
                            (QRecLevel) CLAMP (level, 0, 3));
  if (code == NULL)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID,
                   "Cannot encode a QR code of %zu bytes: %s", strlen (payload), g_strerror (errno));
      return NULL;
    }
  side = ((guint) code->width + 8) * module_dots;
  bitmap = curb_bitmap_new (side, side);
  for (guint y = 0; y < side; y++)
    for (guint x = 0; x < side; x++)
      {
        int mx = (int) (x / module_dots) - 4;
        int my = (int) (y / module_dots) - 4;

        if (mx >= 0 && my >= 0 && mx < code->width && my < code->width)
          curb_bitmap_set (bitmap, x, y, code->data[my * code->width + mx] & 1);
      }
  QRcode_free (code);
  return bitmap;
}
