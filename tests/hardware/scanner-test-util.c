#include <string.h>
#include <qrencode.h>

#include "scanner-test-util.h"

static void
draw_code (guint8       *frame,
           int           width,
           int           height,
           const QRcode *code,
           int           module_px,
           guint8        dark)
{
  int side = code->width * module_px;
  int x0 = (width - side) / 2, y0 = (height - side) / 2;

  g_assert_cmpint (x0, >=, 4 * module_px);
  g_assert_cmpint (y0, >=, 4 * module_px);
  for (int y = 0; y < side; y++)
    for (int x = 0; x < side; x++)
      if (code->data[(y / module_px) * code->width + x / module_px] & 1)
        frame[(gsize) (y0 + y) * width + x0 + x] = dark;
}

GBytes *
scanner_test_qr_frame (const guint8 *payload,
                       gsize         length,
                       int           module_px,
                       int           width,
                       int           height,
                       gboolean      inverted)
{
  guint8 light = inverted ? 25 : 230, dark = inverted ? 230 : 25;
  guint8 *frame = g_malloc ((gsize) width * height);

  memset (frame, light, (gsize) width * height);
  if (payload)
    {
      QRcode *code = QRcode_encodeData ((int) length, payload, 0, QR_ECLEVEL_L);

      g_assert_nonnull (code);
      draw_code (frame, width, height, code, module_px, dark);
      QRcode_free (code);
    }
  return g_bytes_new_take (frame, (gsize) width * height);
}

gboolean
scanner_test_write_pgm (const char *path,
                        GBytes     *gray,
                        int         width,
                        int         height)
{
  g_autofree char *header = g_strdup_printf ("P5\n%d %d\n255\n", width, height);
  g_autoptr(GByteArray) file = g_byte_array_new ();

  g_byte_array_append (file, (const guint8 *) header, strlen (header));
  g_byte_array_append (file, g_bytes_get_data (gray, NULL), g_bytes_get_size (gray));
  return g_file_set_contents (path, (const char *) file->data, file->len, NULL);
}

gboolean
scanner_test_bytes_equal (GBytes       *bytes,
                          const guint8 *data,
                          gsize         length)
{
  gsize size;
  const guint8 *got = g_bytes_get_data (bytes, &size);

  return size == length && memcmp (got, data, length) == 0;
}
