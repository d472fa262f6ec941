#include <math.h>
#include <string.h>
#include <zbar.h>

#include "curb-hardware.h"
#include "curb-qr-decoder.h"
#include "curb-zxing-shim.h"

struct _CurbQrDecoder
{
  GObject                parent_instance;

  zbar_image_scanner_t  *zbar;
  guint8                *scratch;
  gsize                  scratch_size;
  guint8                *packed;
  gsize                  packed_size;
  guint32               *sums;        /* column sums for the normalised pass */
  float                 *gain;        /* contrast gain by local variance */
};

G_DEFINE_FINAL_TYPE (CurbQrDecoder, curb_qr_decoder, G_TYPE_OBJECT)

static const struct
{
  const char   *name;
  CurbQrPasses  pass;
} pass_names[] = {
  { "zxing", CURB_QR_PASS_ZXING },
  { "zxing-inverted", CURB_QR_PASS_ZXING_INVERTED },
  { "zbar", CURB_QR_PASS_ZBAR },
  { "zbar-inverted", CURB_QR_PASS_ZBAR_INVERTED },
  { "stretch", CURB_QR_PASS_STRETCH },
  { "upscale", CURB_QR_PASS_UPSCALE },
  { "normalize", CURB_QR_PASS_NORMALIZE },
};

static guint8 *
scratch_buffer (CurbQrDecoder *self,
                gsize          size)
{
  if (self->scratch_size < size)
    {
      g_free (self->scratch);
      self->scratch = g_malloc (size);
      self->scratch_size = size;
    }
  return self->scratch;
}

static void
add_payload (GPtrArray    *codes,
             const guint8 *data,
             gsize         length)
{
  g_autoptr(GBytes) bytes = NULL;

  if (length == 0 || length > CURB_QR_MAX_PAYLOAD)
    return;
  bytes = g_bytes_new (data, length);
  for (guint i = 0; i < codes->len; i++)
    if (g_bytes_equal (codes->pdata[i], bytes))
      return;
  g_ptr_array_add (codes, g_steal_pointer (&bytes));
}

static void
on_zxing_found (const guint8 *payload,
                gsize         length,
                gpointer      user_data)
{
  add_payload (user_data, payload, length);
}

static void
read_zxing (const CurbGrayImage *image,
            GPtrArray           *codes)
{
  curb_zxing_read_qr (image->data, image->width, image->height, image->stride,
                      on_zxing_found, codes);
}

static const guint8 *
packed_rows (CurbQrDecoder       *self,
             const CurbGrayImage *image)
{
  gsize size = (gsize) image->width * image->height;

  if (image->stride == image->width)
    return image->data;
  if (self->packed_size < size)
    {
      g_free (self->packed);
      self->packed = g_malloc (size);
      self->packed_size = size;
    }
  for (int y = 0; y < image->height; y++)
    memcpy (self->packed + (gsize) y * image->width,
            image->data + (gsize) y * image->stride, image->width);
  return self->packed;
}

static void
read_zbar (CurbQrDecoder       *self,
           const CurbGrayImage *image,
           GPtrArray           *codes)
{
  zbar_image_t *zimage = zbar_image_create ();
  const zbar_symbol_t *symbol;

  zbar_image_set_format (zimage, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (zimage, image->width, image->height);
  zbar_image_set_data (zimage, packed_rows (self, image),
                       (unsigned long) image->width * image->height, NULL);
  if (zbar_scan_image (self->zbar, zimage) > 0)
    for (symbol = zbar_image_first_symbol (zimage); symbol; symbol = zbar_symbol_next (symbol))
      if (zbar_symbol_get_type (symbol) == ZBAR_QRCODE)
        add_payload (codes, (const guint8 *) zbar_symbol_get_data (symbol),
                     zbar_symbol_get_data_length (symbol));
  zbar_image_destroy (zimage);
}

static CurbGrayImage
apply_lut (CurbQrDecoder       *self,
           const CurbGrayImage *image,
           const guint8         lut[256])
{
  guint8 *out = scratch_buffer (self, (gsize) image->width * image->height);
  CurbGrayImage result = { out, image->width, image->height, image->width };

  for (int y = 0; y < image->height; y++)
    {
      const guint8 *row = image->data + (gsize) y * image->stride;
      guint8 *dst = out + (gsize) y * image->width;

      for (int x = 0; x < image->width; x++)
        dst[x] = lut[row[x]];
    }
  return result;
}

static CurbGrayImage
inverted (CurbQrDecoder       *self,
          const CurbGrayImage *image)
{
  guint8 lut[256];

  for (int i = 0; i < 256; i++)
    lut[i] = 255 - i;
  return apply_lut (self, image, lut);
}

static gboolean
stretched (CurbQrDecoder       *self,
           const CurbGrayImage *image,
           CurbGrayImage       *result)
{
  guint histogram[256] = { 0 };
  guint total = 0, seen = 0;
  int lo = -1, hi = 255;
  guint8 lut[256];

  for (int y = 0; y < image->height; y += 4)
    for (int x = 0; x < image->width; x += 4, total++)
      histogram[image->data[(gsize) y * image->stride + x]]++;
  for (int i = 0; i < 256; i++)
    {
      seen += histogram[i];
      if (lo < 0 && seen > total / 100)
        lo = i;
      if (seen >= total - total / 100)
        {
          hi = i;
          break;
        }
    }
  if (hi - lo > 160 || hi <= lo)
    return FALSE;
  for (int i = 0; i < 256; i++)
    lut[i] = (guint8) CLAMP ((i - lo) * 255 / (hi - lo), 0, 255);
  *result = apply_lut (self, image, lut);
  return TRUE;
}

static CurbGrayImage
upscaled (CurbQrDecoder       *self,
          const CurbGrayImage *image)
{
  int w = image->width * 2, h = image->height * 2;
  guint8 *out = scratch_buffer (self, (gsize) w * h);
  CurbGrayImage result = { out, w, h, w };

  for (int y = 0; y < h; y++)
    {
      const guint8 *r0 = image->data + (gsize) (y / 2) * image->stride;
      const guint8 *r1 = image->data + (gsize) MIN (y / 2 + (y & 1), image->height - 1) * image->stride;
      guint8 *dst = out + (gsize) y * w;

      for (int x = 0; x < w; x++)
        {
          int x0 = x / 2, x1 = MIN (x0 + (x & 1), image->width - 1);

          dst[x] = (guint8) ((r0[x0] + r0[x1] + r1[x0] + r1[x1] + 2) / 4);
        }
    }
  return result;
}

#define NORM_RADIUS 10
#define NORM_VARIANCES 16384

/* 50 / (local standard deviation + 4), by variance */
static const float *
gain_table (CurbQrDecoder *self)
{
  if (self->gain == NULL)
    {
      self->gain = g_new (float, NORM_VARIANCES);
      for (int v = 0; v < NORM_VARIANCES; v++)
        self->gain[v] = 50.0f / (sqrtf ((float) v) + 4.0f);
    }
  return self->gain;
}

/* Adds (@sign 1) or removes (-1) row @y to the column sums of pixels and
 * their squares. */
static void
column_sums_add (guint32             *sums,
                 const CurbGrayImage *image,
                 int                  y,
                 int                  sign)
{
  const guint8 *row = image->data + (gsize) y * image->stride;

  for (int x = 0; x < image->width; x++)
    {
      sums[2 * x] += sign * row[x];
      sums[2 * x + 1] += sign * row[x] * row[x];
    }
}

static void
normalize_row (const CurbGrayImage *image,
               const guint32       *sums,
               const float         *gain,
               int                  y,
               int                  rows,
               guint8              *dst)
{
  const guint8 *row = image->data + (gsize) y * image->stride;
  guint32 s = 0, s2 = 0;
  int x0 = 0, x1 = 0;

  for (int x = 0; x < image->width; x++)
    {
      int n, mean, variance;

      for (; x1 < image->width && x1 <= x + NORM_RADIUS; x1++)
        s += sums[2 * x1], s2 += sums[2 * x1 + 1];
      for (; x0 < x - NORM_RADIUS; x0++)
        s -= sums[2 * x0], s2 -= sums[2 * x0 + 1];
      n = (x1 - x0) * rows;
      mean = s / n;
      variance = MIN ((int) (s2 / n) - mean * mean, NORM_VARIANCES - 1);
      dst[x] = (guint8) CLAMP (128.0f + (row[x] - mean) * gain[MAX (variance, 0)], 0.0f, 255.0f);
    }
}

/* Each pixel relative to the mean and contrast of its 21×21 neighbourhood:
 * a code of 12 grey levels under sensor noise, beside a glare or on a
 * phone screen's moiré, comes out as a code of full contrast. */
static CurbGrayImage
normalized (CurbQrDecoder       *self,
            const CurbGrayImage *image)
{
  guint8 *out = scratch_buffer (self, (gsize) image->width * image->height);
  CurbGrayImage result = { out, image->width, image->height, image->width };
  const float *gain = gain_table (self);
  int top = 0, bottom = 0;

  self->sums = g_renew (guint32, self->sums, 2 * (gsize) image->width);
  memset (self->sums, 0, 2 * sizeof (guint32) * image->width);
  for (int y = 0; y < image->height; y++)
    {
      for (; bottom < image->height && bottom <= y + NORM_RADIUS; bottom++)
        column_sums_add (self->sums, image, bottom, 1);
      for (; top < y - NORM_RADIUS; top++)
        column_sums_add (self->sums, image, top, -1);
      normalize_row (image, self->sums, gain, y, bottom - top, out + (gsize) y * image->width);
    }
  return result;
}

static void
run_pass (CurbQrDecoder       *self,
          const CurbGrayImage *image,
          CurbQrPasses         pass,
          GPtrArray           *codes)
{
  CurbGrayImage work;

  switch (pass)
    {
    case CURB_QR_PASS_ZXING:
      read_zxing (image, codes);
      break;
    case CURB_QR_PASS_ZXING_INVERTED:
      work = inverted (self, image);
      read_zxing (&work, codes);
      break;
    case CURB_QR_PASS_ZBAR:
      read_zbar (self, image, codes);
      break;
    case CURB_QR_PASS_ZBAR_INVERTED:
      work = inverted (self, image);
      read_zbar (self, &work, codes);
      break;
    case CURB_QR_PASS_STRETCH:
      if (stretched (self, image, &work))
        {
          read_zxing (&work, codes);
          if (codes->len == 0)
            read_zbar (self, &work, codes);
        }
      break;
    case CURB_QR_PASS_UPSCALE:
      if (image->width <= 1280)
        {
          work = upscaled (self, image);
          read_zxing (&work, codes);
        }
      break;
    case CURB_QR_PASS_NORMALIZE:
      work = normalized (self, image);
      read_zxing (&work, codes);
      if (codes->len == 0)
        read_zbar (self, &work, codes);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
curb_qr_decoder_finalize (GObject *object)
{
  CurbQrDecoder *self = CURB_QR_DECODER (object);

  zbar_image_scanner_destroy (self->zbar);
  g_free (self->scratch);
  g_free (self->packed);
  g_free (self->sums);
  g_free (self->gain);
  G_OBJECT_CLASS (curb_qr_decoder_parent_class)->finalize (object);
}

static void
curb_qr_decoder_class_init (CurbQrDecoderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_qr_decoder_finalize;
}

static void
curb_qr_decoder_init (CurbQrDecoder *self)
{
  self->zbar = zbar_image_scanner_create ();
  zbar_image_scanner_set_config (self->zbar, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (self->zbar, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  zbar_image_scanner_set_config (self->zbar, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
}

/**
 * curb_qr_decoder_new:
 *
 * A QR decoder. One instance is used by one thread at a time.
 */
CurbQrDecoder *
curb_qr_decoder_new (void)
{
  return g_object_new (CURB_TYPE_QR_DECODER, NULL);
}

/**
 * curb_qr_decoder_decode:
 * @passes: which passes to try, in the order of #CurbQrPasses, stopping at
 *   the first that reads a code
 *
 * Returns: (transfer full) (element-type GBytes): the distinct payloads read,
 *   exactly as encoded (never converted, never interpreted)
 */
GPtrArray *
curb_qr_decoder_decode (CurbQrDecoder       *self,
                        const CurbGrayImage *image,
                        CurbQrPasses         passes)
{
  GPtrArray *codes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  g_return_val_if_fail (CURB_IS_QR_DECODER (self), codes);
  g_return_val_if_fail (image != NULL && image->data != NULL, codes);
  g_return_val_if_fail (image->width > 0 && image->height > 0, codes);
  g_return_val_if_fail (image->stride >= image->width, codes);

  for (guint bit = 1; bit <= CURB_QR_PASS_NORMALIZE && codes->len == 0; bit <<= 1)
    if (passes & bit)
      run_pass (self, image, (CurbQrPasses) bit, codes);
  return codes;
}

/**
 * curb_qr_decoder_sharpness:
 *
 * A focus metric for store IT: the mean absolute Laplacian over the centre
 * of the image. Higher is sharper; a well-focused code at arm's length
 * reads well above 10.
 */
double
curb_qr_decoder_sharpness (const CurbGrayImage *image)
{
  guint64 sum = 0, n = 0;
  int x0 = image->width / 4, y0 = image->height / 4;

  for (int y = MAX (y0, 1); y < image->height - MAX (y0, 1); y += 2)
    {
      const guint8 *row = image->data + (gsize) y * image->stride;

      for (int x = MAX (x0, 1); x < image->width - MAX (x0, 1); x += 2, n++)
        sum += ABS (4 * row[x] - row[x - 1] - row[x + 1]
                    - row[x - image->stride] - row[x + image->stride]);
    }
  return n ? (double) sum / n : 0.0;
}

/**
 * curb_qr_passes_parse:
 * @list: comma-separated pass names ("zxing,zxing-inverted,zbar"), or "all"
 */
CurbQrPasses
curb_qr_passes_parse (const char  *list,
                      GError     **error)
{
  g_auto(GStrv) names = g_strsplit (list, ",", -1);
  CurbQrPasses passes = 0;

  if (g_str_equal (list, "all"))
    return CURB_QR_PASSES_ALL;
  for (guint i = 0; names[i]; i++)
    {
      gboolean known = FALSE;

      for (gsize j = 0; j < G_N_ELEMENTS (pass_names); j++)
        if (g_str_equal (g_strstrip (names[i]), pass_names[j].name))
          {
            passes |= pass_names[j].pass;
            known = TRUE;
          }
      if (!known)
        {
          g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_UNSUPPORTED,
                       "Unknown decoding pass “%s”", names[i]);
          return 0;
        }
    }
  return passes;
}
