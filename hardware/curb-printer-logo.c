#include <cairo.h>
#include <string.h>

#include "curb-hardware.h"
#include "curb-printer-logo.h"

#define MAX_SIDE 4096

/* Gray levels (0 black .. 255 white) of an image, row by row. */
typedef struct
{
  guint   width;
  guint   height;
  guint8 *gray;
} Gray;

static void
gray_clear (Gray *image)
{
  g_clear_pointer (&image->gray, g_free);
}

static gboolean
bad_image (GError     **error,
           const char  *path,
           const char  *why)
{
  g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_UNSUPPORTED, "Logo %s: %s", path, why);
  return FALSE;
}

static gboolean
load_png (const char  *path,
          Gray        *out,
          GError     **error)
{
  cairo_surface_t *png = cairo_image_surface_create_from_png (path);
  cairo_surface_t *rgb;
  cairo_t *cr;
  int stride;
  const guint8 *pixels;

  if (cairo_surface_status (png) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (png);
      return bad_image (error, path, "not a readable PNG");
    }
  out->width = (guint) cairo_image_surface_get_width (png);
  out->height = (guint) cairo_image_surface_get_height (png);
  if (out->width == 0 || out->height == 0 || out->width > MAX_SIDE || out->height > MAX_SIDE)
    {
      cairo_surface_destroy (png);
      return bad_image (error, path, "empty or larger than 4096 pixels");
    }
  rgb = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) out->width, (int) out->height);
  cr = cairo_create (rgb);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_surface (cr, png, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_flush (rgb);
  pixels = cairo_image_surface_get_data (rgb);
  stride = cairo_image_surface_get_stride (rgb);
  out->gray = g_malloc ((gsize) out->width * out->height);
  for (guint y = 0; y < out->height; y++)
    for (guint x = 0; x < out->width; x++)
      {
        const guint8 *p = pixels + y * stride + x * 4;
        out->gray[y * out->width + x] = (guint8) ((p[2] * 30 + p[1] * 59 + p[0] * 11) / 100);
      }
  cairo_surface_destroy (rgb);
  cairo_surface_destroy (png);
  return TRUE;
}

static const char *
pgm_token (const char *p,
           const char *end,
           guint      *out)
{
  guint64 v = 0;
  gboolean digits = FALSE;

  while (p < end && (g_ascii_isspace (*p) || *p == '#'))
    if (*p++ == '#')
      while (p < end && *p != '\n')
        p++;
  for (; p < end && g_ascii_isdigit (*p); p++, digits = TRUE)
    v = MIN (v * 10 + (guint) (*p - '0'), G_MAXUINT32);
  *out = (guint) v;
  return digits ? p : NULL;
}

/* Binary PGM (P5) with 8-bit samples. */
static gboolean
load_pgm (const char  *path,
          const char  *data,
          gsize        len,
          Gray        *out,
          GError     **error)
{
  const char *p = data + 2, *end = data + len;
  guint maxval = 0;

  if ((p = pgm_token (p, end, &out->width)) == NULL || (p = pgm_token (p, end, &out->height)) == NULL
      || (p = pgm_token (p, end, &maxval)) == NULL || p >= end)
    return bad_image (error, path, "malformed PGM header");
  if (out->width == 0 || out->height == 0 || out->width > MAX_SIDE || out->height > MAX_SIDE
      || maxval == 0 || maxval > 255)
    return bad_image (error, path, "unsupported PGM size or depth");
  p++;
  if ((gsize) (end - p) < (gsize) out->width * out->height)
    return bad_image (error, path, "truncated PGM");
  out->gray = g_malloc ((gsize) out->width * out->height);
  for (gsize i = 0; i < (gsize) out->width * out->height; i++)
    out->gray[i] = (guint8) ((guint8) p[i] * 255 / maxval);
  return TRUE;
}

static CurbBitmap *
threshold (const Gray *image,
           guint       max_width)
{
  guint width = MIN (image->width, max_width);
  guint height = (guint) MAX (1, (guint64) image->height * width / image->width);
  CurbBitmap *bitmap = curb_bitmap_new (width, height);

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        guint sx = (guint) ((guint64) x * image->width / width);
        guint sy = (guint) ((guint64) y * image->height / height);
        curb_bitmap_set (bitmap, x, y, image->gray[sy * image->width + sx] < 128);
      }
  return bitmap;
}

/**
 * curb_printer_logo_load:
 * @path: a PNG or binary PGM (P5) file
 * @max_width: the paper's width in dots; wider images are scaled down
 * @error: return location for a #CURB_HARDWARE_ERROR_UNSUPPORTED error
 *
 * The store logo as a 1-bit bitmap (dark pixels print), for
 * #CurbPrintContext.logo.
 */
CurbBitmap *
curb_printer_logo_load (const char  *path,
                        guint        max_width,
                        GError     **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  Gray image = { 0 };
  CurbBitmap *bitmap;
  gboolean ok;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (max_width > 0, NULL);

  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  if (len > 8 && memcmp (data, "\x89PNG", 4) == 0)
    ok = load_png (path, &image, error);
  else if (len > 2 && memcmp (data, "P5", 2) == 0)
    ok = load_pgm (path, data, len, &image, error);
  else
    ok = bad_image (error, path, "not a PNG or binary PGM (P5) file");
  if (!ok)
    return NULL;
  bitmap = threshold (&image, max_width);
  gray_clear (&image);
  return bitmap;
}
