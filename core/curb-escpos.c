#include <string.h>

#include "curb-error.h"
#include "curb-escpos.h"

#define ESC 0x1b
#define GS  0x1d
#define DLE 0x10
#define EOT 0x04
#define LF  0x0a

/* Raster images go out in bands so no printer's input buffer overflows. */
#define RASTER_BAND_ROWS 128

struct _CurbEscpos
{
  GObject                   parent_instance;

  const CurbPrinterProfile *profile;
  GByteArray               *bytes;
  CurbCodePage              code_page;
  CurbEscposStyle           style;
};

G_DEFINE_FINAL_TYPE (CurbEscpos, curb_escpos, G_TYPE_OBJECT)

static void
put (CurbEscpos *self,
     gsize       len,
     ...)
{
  va_list args;

  va_start (args, len);
  for (gsize i = 0; i < len; i++)
    {
      guint8 b = (guint8) va_arg (args, int);
      g_byte_array_append (self->bytes, &b, 1);
    }
  va_end (args);
}

static void
curb_escpos_finalize (GObject *object)
{
  CurbEscpos *self = CURB_ESCPOS (object);

  g_byte_array_unref (self->bytes);
  G_OBJECT_CLASS (curb_escpos_parent_class)->finalize (object);
}

static void
curb_escpos_class_init (CurbEscposClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_escpos_finalize;
}

static void
curb_escpos_init (CurbEscpos *self)
{
  self->bytes = g_byte_array_sized_new (1024);
  self->code_page = CURB_CODE_PAGE_ASCII;
}

/**
 * curb_escpos_new:
 * @profile: the printer model the bytes are for
 *
 * An empty command stream; start it with curb_escpos_initialize().
 */
CurbEscpos *
curb_escpos_new (const CurbPrinterProfile *profile)
{
  CurbEscpos *self;

  g_return_val_if_fail (profile != NULL, NULL);

  self = g_object_new (CURB_TYPE_ESCPOS, NULL);
  self->profile = profile;
  return self;
}

const CurbPrinterProfile *
curb_escpos_get_profile (CurbEscpos *self)
{
  g_return_val_if_fail (CURB_IS_ESCPOS (self), NULL);
  return self->profile;
}

/**
 * curb_escpos_initialize:
 * @self: a #CurbEscpos
 *
 * ESC @ (reset styles and alignment), then the profile's code page.
 */
void
curb_escpos_initialize (CurbEscpos *self)
{
  g_return_if_fail (CURB_IS_ESCPOS (self));

  put (self, 2, ESC, '@');
  self->style = CURB_ESCPOS_STYLE_NONE;
  self->code_page = CURB_CODE_PAGE_ASCII;
  curb_escpos_select_code_page (self, self->profile->code_page);
}

/**
 * curb_escpos_select_code_page:
 * @self: a #CurbEscpos
 * @page: the table to print text from
 *
 * ESC t with the profile's number for @page. A page the profile lacks
 * leaves the current one; text is then transliterated to fit it.
 */
void
curb_escpos_select_code_page (CurbEscpos  *self,
                              CurbCodePage page)
{
  int number;

  g_return_if_fail (CURB_IS_ESCPOS (self));

  if (!curb_printer_profile_has_code_page (self->profile, page))
    return;
  self->code_page = page;
  number = self->profile->code_page_numbers[page];
  if (page != CURB_CODE_PAGE_ASCII && number >= 0)
    put (self, 3, ESC, 't', number);
}

CurbCodePage
curb_escpos_get_code_page (CurbEscpos *self)
{
  g_return_val_if_fail (CURB_IS_ESCPOS (self), CURB_CODE_PAGE_ASCII);
  return self->code_page;
}

void
curb_escpos_set_align (CurbEscpos     *self,
                       CurbEscposAlign align)
{
  g_return_if_fail (CURB_IS_ESCPOS (self));
  g_return_if_fail (align <= CURB_ESCPOS_ALIGN_RIGHT);

  put (self, 3, ESC, 'a', (int) align);
}

/**
 * curb_escpos_set_style:
 * @self: a #CurbEscpos
 * @style: the styles for the text that follows
 *
 * ESC E (bold), ESC - (underline), GS B (white on black) and GS !
 * (double width/height).
 */
void
curb_escpos_set_style (CurbEscpos     *self,
                       CurbEscposStyle style)
{
  guint8 size = 0;

  g_return_if_fail (CURB_IS_ESCPOS (self));

  if (style & CURB_ESCPOS_STYLE_DOUBLE_WIDTH)
    size |= 0x10;
  if (style & CURB_ESCPOS_STYLE_DOUBLE_HEIGHT)
    size |= 0x01;
  put (self, 3, ESC, 'E', (style & CURB_ESCPOS_STYLE_BOLD) ? 1 : 0);
  put (self, 3, ESC, '-', (style & CURB_ESCPOS_STYLE_UNDERLINE) ? 1 : 0);
  put (self, 3, GS, 'B', (style & CURB_ESCPOS_STYLE_INVERT) ? 1 : 0);
  put (self, 3, GS, '!', size);
  self->style = style;
}

/* Characters per line in the current style. */
guint
curb_escpos_get_columns (CurbEscpos *self)
{
  g_return_val_if_fail (CURB_IS_ESCPOS (self), 0);

  if (self->style & CURB_ESCPOS_STYLE_DOUBLE_WIDTH)
    return self->profile->columns / 2;
  return self->profile->columns;
}

/**
 * curb_escpos_fit:
 * @self: a #CurbEscpos
 * @utf8: text
 *
 * @utf8 as it will print in the current code page (transliterated where
 * needed); its g_utf8_strlen() is the columns it takes.
 */
char *
curb_escpos_fit (CurbEscpos *self,
                 const char *utf8)
{
  g_return_val_if_fail (CURB_IS_ESCPOS (self), NULL);
  return curb_code_page_fit (self->code_page, utf8);
}

/**
 * curb_escpos_text:
 * @self: a #CurbEscpos
 * @utf8: text; characters the code page lacks are transliterated
 *
 * Control characters other than newline become spaces, so text can never
 * inject commands.
 */
void
curb_escpos_text (CurbEscpos *self,
                  const char *utf8)
{
  g_autoptr(GBytes) encoded = NULL;
  gsize len = 0;
  const guint8 *data;

  g_return_if_fail (CURB_IS_ESCPOS (self));
  g_return_if_fail (utf8 != NULL);

  encoded = curb_code_page_encode (self->code_page, utf8);
  data = g_bytes_get_data (encoded, &len);
  g_byte_array_append (self->bytes, data, len);
}

void
curb_escpos_line (CurbEscpos *self,
                  const char *utf8)
{
  curb_escpos_text (self, utf8);
  put (self, 1, LF);
}

/* ESC d: print and feed @lines lines. */
void
curb_escpos_feed (CurbEscpos *self,
                  guint       lines)
{
  g_return_if_fail (CURB_IS_ESCPOS (self));
  put (self, 3, ESC, 'd', MIN (lines, 255));
}

static void
put_qr_function (CurbEscpos   *self,
                 guint8        fn,
                 const guint8 *params,
                 gsize         len)
{
  gsize total = len + 2;

  put (self, 7, GS, '(', 'k', (int) (total & 0xff), (int) (total >> 8), 49, fn);
  g_byte_array_append (self->bytes, params, len);
}

static void
put_native_qr (CurbEscpos        *self,
               const char        *payload,
               guint              module_dots,
               CurbEscposQrLevel  level)
{
  const guint8 model[] = { 50, 0 };
  const guint8 size[] = { (guint8) module_dots };
  const guint8 ec[] = { (guint8) (48 + level) };
  const guint8 print[] = { 48 };
  g_autoptr(GByteArray) store = g_byte_array_new ();
  guint8 m = 48;

  g_byte_array_append (store, &m, 1);
  g_byte_array_append (store, (const guint8 *) payload, strlen (payload));
  put_qr_function (self, 65, model, sizeof model);
  put_qr_function (self, 67, size, sizeof size);
  put_qr_function (self, 69, ec, sizeof ec);
  put_qr_function (self, 80, store->data, store->len);
  put_qr_function (self, 81, print, sizeof print);
}

/**
 * curb_escpos_qr:
 * @self: a #CurbEscpos
 * @payload: the text the code carries (at most %CURB_ESCPOS_QR_MAX_PAYLOAD bytes)
 * @module_dots: dots per module, 1..16
 * @level: error correction
 * @error: return location for a #CURB_ERROR_INVALID error
 *
 * GS ( k when the profile has native QR, else a GS v 0 raster image of the
 * same code rendered with libqrencode. Either way the code is followed by a
 * line feed.
 */
gboolean
curb_escpos_qr (CurbEscpos         *self,
                const char         *payload,
                guint               module_dots,
                CurbEscposQrLevel   level,
                GError            **error)
{
  g_return_val_if_fail (CURB_IS_ESCPOS (self), FALSE);
  g_return_val_if_fail (payload != NULL, FALSE);

  module_dots = CLAMP (module_dots, 1, 16);
  if (*payload == '\0' || strlen (payload) > CURB_ESCPOS_QR_MAX_PAYLOAD)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID,
                   "A QR payload must have 1 to %d bytes", CURB_ESCPOS_QR_MAX_PAYLOAD);
      return FALSE;
    }
  if (self->profile->native_qr)
    put_native_qr (self, payload, module_dots, level);
  else
    {
      g_autoptr(CurbBitmap) bitmap = curb_bitmap_new_qr (payload, module_dots, level, error);

      if (bitmap == NULL)
        return FALSE;
      if (bitmap->width > self->profile->dots)
        {
          g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID,
                       "The QR code is %u dots wide; the paper has %u",
                       bitmap->width, self->profile->dots);
          return FALSE;
        }
      curb_escpos_raster (self, bitmap);
    }
  put (self, 1, LF);
  return TRUE;
}

/**
 * curb_escpos_raster:
 * @self: a #CurbEscpos
 * @bitmap: a 1-bit image no wider than the paper
 *
 * GS v 0 in bands of at most 128 rows.
 */
void
curb_escpos_raster (CurbEscpos       *self,
                    const CurbBitmap *bitmap)
{
  g_return_if_fail (CURB_IS_ESCPOS (self));
  g_return_if_fail (bitmap != NULL);

  for (guint top = 0; top < bitmap->height; top += RASTER_BAND_ROWS)
    {
      guint rows = MIN (RASTER_BAND_ROWS, bitmap->height - top);

      put (self, 8, GS, 'v', '0', 0, (int) (bitmap->stride & 0xff), (int) (bitmap->stride >> 8),
           (int) (rows & 0xff), (int) (rows >> 8));
      g_byte_array_append (self->bytes, bitmap->data + (gsize) top * bitmap->stride,
                           rows * bitmap->stride);
    }
}

/* Feed past the tear bar, then GS V B 0 (partial cut); without a cutter only feed. */
void
curb_escpos_cut (CurbEscpos *self)
{
  g_return_if_fail (CURB_IS_ESCPOS (self));

  if (self->profile->cutter)
    put (self, 4, GS, 'V', 66, 3);
  else
    put (self, 3, ESC, 'd', 4);
}

gboolean
curb_escpos_marker_valid (const char *marker)
{
  if (marker == NULL || strlen (marker) != 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    if (!g_ascii_isdigit (marker[i]))
      return FALSE;
  return TRUE;
}

/* Four digits that tell a job from its neighbours in the queue. */
char *
curb_escpos_marker_for_job (gint64 job_id)
{
  return g_strdup_printf ("%04d", (int) (ABS (job_id) % 10000));
}

/**
 * curb_escpos_process_id:
 * @self: a #CurbEscpos
 * @marker: four digits
 *
 * GS ( H fn 48: the printer answers "7 \" d1 d2 d3 d4 NUL" once it has
 * processed every byte before this command — how a job's completion is
 * confirmed. Only on profiles with @process_id.
 */
void
curb_escpos_process_id (CurbEscpos *self,
                        const char *marker)
{
  g_return_if_fail (CURB_IS_ESCPOS (self));
  g_return_if_fail (curb_escpos_marker_valid (marker));

  if (!self->profile->process_id)
    return;
  put (self, 7, GS, '(', 'H', 6, 0, 48, 48);
  g_byte_array_append (self->bytes, (const guint8 *) marker, 4);
}

void
curb_escpos_raw (CurbEscpos   *self,
                 const guint8 *data,
                 gsize         len)
{
  g_return_if_fail (CURB_IS_ESCPOS (self));
  g_byte_array_append (self->bytes, data, len);
}

gsize
curb_escpos_get_size (CurbEscpos *self)
{
  g_return_val_if_fail (CURB_IS_ESCPOS (self), 0);
  return self->bytes->len;
}

GBytes *
curb_escpos_get_bytes (CurbEscpos *self)
{
  g_return_val_if_fail (CURB_IS_ESCPOS (self), NULL);
  return g_bytes_new (self->bytes->data, self->bytes->len);
}

/* DLE EOT @query: answered in real time, even while the printer is stopped. */
void
curb_escpos_status_request (guint  query,
                            guint8 out[3])
{
  g_return_if_fail (query >= 1 && query <= 4);

  out[0] = DLE;
  out[1] = EOT;
  out[2] = (guint8) query;
}
