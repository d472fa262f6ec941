#include <string.h>

#include "curb-escpos-bitmap.h"
#include "curb-hardware.h"
#include "curb-virtual-printer-renderer.h"

/* Font A: 12×24 dot cells on a 30-dot line pitch. */
#define CELL_W       12
#define CELL_H       24
#define LINE_GAP     6
#define FONT_SIZE    20.0
#define FONT_DESCENT 5.0
#define FONT_FAMILY  "DejaVu Sans Mono"
/* Pictures stay below cairo's 32767-pixel limit: longer paper is split. */
#define MAX_PAGE_DOTS 30000

typedef struct
{
  gunichar c;
  guint8   bold;
  guint8   underline;
  guint8   invert;
  guint8   wmul;
  guint8   hmul;
} Cell;

struct _CurbVirtualPrinterRenderer
{
  GObject                   parent_instance;

  const CurbPrinterProfile *profile;
  GByteArray               *pending;
  GArray                   *cells;
  GPtrArray                *bands;
  int                       page_height;
  GString                  *text;
  GPtrArray                *pages;

  CurbCodePage              code_page;
  guint                     align;
  guint                     line_align;
  gboolean                  bold;
  guint                     underline;
  gboolean                  invert;
  guint                     wmul;
  guint                     hmul;

  guint                     qr_module;
  guint                     qr_level;
  GByteArray               *qr_data;
};

G_DEFINE_FINAL_TYPE (CurbVirtualPrinterRenderer, curb_virtual_printer_renderer, G_TYPE_OBJECT)

static void
reset_state (CurbVirtualPrinterRenderer *self)
{
  if (!curb_printer_profile_code_page_for_number (self->profile, 0, &self->code_page))
    self->code_page = CURB_CODE_PAGE_CP437;
  self->align = 0;
  self->bold = FALSE;
  self->underline = 0;
  self->invert = FALSE;
  self->wmul = 1;
  self->hmul = 1;
  self->qr_module = 3;
  self->qr_level = 1;
}

static int
width (CurbVirtualPrinterRenderer *self)
{
  return (int) self->profile->dots;
}

static void emit_page (CurbVirtualPrinterRenderer *self);

static cairo_surface_t *
band_new (CurbVirtualPrinterRenderer *self,
          int                         height)
{
  cairo_surface_t *band;
  cairo_t *cr;

  height = CLAMP (height, 1, MAX_PAGE_DOTS);
  if (self->page_height + height > MAX_PAGE_DOTS)
    emit_page (self);
  band = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width (self), height);
  cr = cairo_create (band);
  self->page_height += height;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_ptr_array_add (self->bands, band);
  return band;
}

static int
aligned_x (CurbVirtualPrinterRenderer *self,
           guint                       align,
           int                         used)
{
  int free_dots = MAX (width (self) - used, 0);

  if (align == 1)
    return free_dots / 2;
  if (align == 2)
    return free_dots;
  return 0;
}

static int
line_used (CurbVirtualPrinterRenderer *self,
           guint                      *max_h)
{
  int used = 0;

  *max_h = 1;
  for (guint i = 0; i < self->cells->len; i++)
    {
      Cell *cell = &g_array_index (self->cells, Cell, i);
      used += CELL_W * cell->wmul;
      *max_h = MAX (*max_h, cell->hmul);
    }
  return used;
}

static void
draw_cell (cairo_t    *cr,
           const Cell *cell,
           int         x,
           int         bottom)
{
  char utf8[8];

  utf8[g_unichar_to_utf8 (cell->c, utf8)] = '\0';
  cairo_save (cr);
  cairo_translate (cr, x, bottom);
  cairo_scale (cr, cell->wmul, cell->hmul);
  if (cell->invert)
    {
      cairo_rectangle (cr, 0, -CELL_H, CELL_W, CELL_H);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
    }
  cairo_select_font_face (cr, FONT_FAMILY, CAIRO_FONT_SLANT_NORMAL,
                          cell->bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, FONT_SIZE);
  cairo_move_to (cr, 0.5, -FONT_DESCENT);
  cairo_show_text (cr, utf8);
  if (cell->underline)
    cairo_rectangle (cr, 0, -1.0 * cell->underline, CELL_W, cell->underline);
  cairo_fill (cr);
  cairo_restore (cr);
}

static void
flush_line (CurbVirtualPrinterRenderer *self,
            gboolean                    feed_if_empty)
{
  guint max_h;
  int used, x, bottom;
  cairo_t *cr;

  if (self->cells->len == 0 && !feed_if_empty)
    return;
  used = line_used (self, &max_h);
  bottom = (int) max_h * CELL_H;
  cr = cairo_create (band_new (self, bottom + LINE_GAP));
  cairo_set_source_rgb (cr, 0, 0, 0);
  x = aligned_x (self, self->cells->len > 0 ? self->line_align : self->align, used);
  for (guint i = 0; i < self->cells->len; i++)
    {
      Cell *cell = &g_array_index (self->cells, Cell, i);

      draw_cell (cr, cell, x, bottom);
      g_string_append_unichar (self->text, cell->c);
      x += CELL_W * cell->wmul;
    }
  cairo_destroy (cr);
  g_string_append_c (self->text, '\n');
  g_array_set_size (self->cells, 0);
}

static void
add_char (CurbVirtualPrinterRenderer *self,
          gunichar                    c)
{
  Cell cell = { c, self->bold, self->underline, self->invert, self->wmul, self->hmul };
  guint max_h;

  if (line_used (self, &max_h) + CELL_W * (int) self->wmul > width (self))
    flush_line (self, FALSE);
  if (self->cells->len == 0)
    self->line_align = self->align;
  g_array_append_val (self->cells, cell);
}

static void
draw_bitmap (CurbVirtualPrinterRenderer *self,
             const CurbBitmap           *bitmap,
             guint                       xmul,
             guint                       ymul)
{
  int w = (int) (bitmap->width * xmul);
  cairo_surface_t *band = band_new (self, (int) (bitmap->height * ymul));
  int x0 = aligned_x (self, self->align, w);
  guint8 *pixels;
  int stride;

  cairo_surface_flush (band);
  pixels = cairo_image_surface_get_data (band);
  stride = cairo_image_surface_get_stride (band);
  for (guint y = 0; y < bitmap->height * ymul && y < (guint) cairo_image_surface_get_height (band); y++)
    for (guint x = 0; x < bitmap->width * xmul; x++)
      if ((int) x + x0 < width (self) && curb_bitmap_get (bitmap, x / xmul, y / ymul))
        memset (pixels + y * stride + (x + x0) * 4, 0, 4);
  cairo_surface_mark_dirty (band);
}

static void
draw_raster (CurbVirtualPrinterRenderer *self,
             const CurbEscposCommand    *cmd)
{
  g_autoptr(CurbBitmap) bitmap = NULL;

  if (cmd->width_bytes == 0 || cmd->height == 0)
    return;
  flush_line (self, FALSE);
  bitmap = curb_bitmap_new (cmd->width_bytes * 8, cmd->height);
  memcpy (bitmap->data, cmd->data, cmd->len);
  draw_bitmap (self, bitmap, (cmd->n & 1) ? 2 : 1, (cmd->n & 2) ? 2 : 1);
  g_string_append_printf (self->text, "[IMAGE %ux%u]\n", bitmap->width, bitmap->height);
}

static void
qr_function (CurbVirtualPrinterRenderer *self,
             const CurbEscposCommand    *cmd)
{
  g_autoptr(CurbBitmap) bitmap = NULL;
  g_autofree char *payload = NULL;

  if (cmd->n == 67 && cmd->len >= 1)
    self->qr_module = CLAMP (cmd->data[0], 1, 16);
  else if (cmd->n == 69 && cmd->len >= 1)
    self->qr_level = CLAMP (cmd->data[0], 48, 51) - 48;
  else if (cmd->n == 80 && cmd->len >= 1)
    {
      g_byte_array_set_size (self->qr_data, 0);
      g_byte_array_append (self->qr_data, cmd->data + 1, cmd->len - 1);
    }
  if (cmd->n != 81 || self->qr_data->len == 0)
    return;
  flush_line (self, FALSE);
  payload = g_strndup ((const char *) self->qr_data->data, self->qr_data->len);
  bitmap = curb_bitmap_new_qr (payload, self->qr_module, (int) self->qr_level, NULL);
  if (bitmap == NULL)
    return;
  draw_bitmap (self, bitmap, 1, 1);
  g_string_append_printf (self->text, "[QR %s]\n", payload);
}

/* The bands drawn so far become one picture. */
static void
emit_page (CurbVirtualPrinterRenderer *self)
{
  CurbRenderedPage *page;
  int y = 0;
  cairo_t *cr;

  if (self->bands->len == 0)
    return;
  page = g_new0 (CurbRenderedPage, 1);
  page->surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width (self), self->page_height);
  cr = cairo_create (page->surface);
  for (guint i = 0; i < self->bands->len; i++)
    {
      cairo_surface_t *band = g_ptr_array_index (self->bands, i);
      cairo_set_source_surface (cr, band, 0, y);
      cairo_paint (cr);
      y += cairo_image_surface_get_height (band);
    }
  cairo_destroy (cr);
  page->text = g_strdup (self->text->str);
  g_string_truncate (self->text, 0);
  g_ptr_array_set_size (self->bands, 0);
  self->page_height = 0;
  g_ptr_array_add (self->pages, page);
}

static void
finish_page (CurbVirtualPrinterRenderer *self)
{
  flush_line (self, FALSE);
  emit_page (self);
}

static void
set_print_mode (CurbVirtualPrinterRenderer *self,
                guint                       n)
{
  self->bold = (n & 0x08) != 0;
  self->hmul = (n & 0x10) ? 2 : 1;
  self->wmul = (n & 0x20) ? 2 : 1;
  self->underline = (n & 0x80) ? 1 : 0;
}

static void
execute_text (CurbVirtualPrinterRenderer *self,
              const CurbEscposCommand    *cmd)
{
  for (gsize i = 0; i < cmd->len; i++)
    add_char (self, curb_code_page_to_unichar (self->code_page, cmd->data[i]));
}

static void
curb_virtual_printer_renderer_finalize (GObject *object)
{
  CurbVirtualPrinterRenderer *self = CURB_VIRTUAL_PRINTER_RENDERER (object);

  g_byte_array_unref (self->pending);
  g_byte_array_unref (self->qr_data);
  g_array_unref (self->cells);
  g_ptr_array_unref (self->bands);
  g_ptr_array_unref (self->pages);
  g_string_free (self->text, TRUE);
  G_OBJECT_CLASS (curb_virtual_printer_renderer_parent_class)->finalize (object);
}

static void
curb_virtual_printer_renderer_class_init (CurbVirtualPrinterRendererClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_virtual_printer_renderer_finalize;
}

static void
curb_virtual_printer_renderer_init (CurbVirtualPrinterRenderer *self)
{
  self->pending = g_byte_array_new ();
  self->qr_data = g_byte_array_new ();
  self->cells = g_array_new (FALSE, FALSE, sizeof (Cell));
  self->bands = g_ptr_array_new_with_free_func ((GDestroyNotify) cairo_surface_destroy);
  self->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) curb_rendered_page_free);
  self->text = g_string_new (NULL);
}

/**
 * curb_virtual_printer_renderer_new:
 * @profile: the printer to emulate (paper width, code page numbers)
 *
 * Turns ESC/POS into pictures of the paper, one per cut.
 */
CurbVirtualPrinterRenderer *
curb_virtual_printer_renderer_new (const CurbPrinterProfile *profile)
{
  CurbVirtualPrinterRenderer *self;

  g_return_val_if_fail (profile != NULL, NULL);

  self = g_object_new (CURB_TYPE_VIRTUAL_PRINTER_RENDERER, NULL);
  self->profile = profile;
  reset_state (self);
  return self;
}

void
curb_virtual_printer_renderer_execute (CurbVirtualPrinterRenderer *self,
                                       const CurbEscposCommand    *cmd)
{
  CurbCodePage page;

  g_return_if_fail (CURB_IS_VIRTUAL_PRINTER_RENDERER (self));

  switch (cmd->kind)
    {
    case CURB_ESCPOS_CMD_TEXT:       execute_text (self, cmd); break;
    case CURB_ESCPOS_CMD_LF:         flush_line (self, TRUE); break;
    case CURB_ESCPOS_CMD_INIT:       reset_state (self); break;
    case CURB_ESCPOS_CMD_ALIGN:      self->align = cmd->n % 48 <= 2 ? cmd->n % 48 : 0; break;
    case CURB_ESCPOS_CMD_BOLD:       self->bold = cmd->n & 1; break;
    case CURB_ESCPOS_CMD_UNDERLINE:  self->underline = MIN (cmd->n % 48, 2); break;
    case CURB_ESCPOS_CMD_INVERT:     self->invert = cmd->n & 1; break;
    case CURB_ESCPOS_CMD_PRINT_MODE: set_print_mode (self, cmd->n); break;
    case CURB_ESCPOS_CMD_SIZE:
      self->wmul = MIN (((cmd->n >> 4) & 7) + 1, 8);
      self->hmul = MIN ((cmd->n & 7) + 1, 8);
      break;
    case CURB_ESCPOS_CMD_CODE_PAGE:
      if (curb_printer_profile_code_page_for_number (self->profile, (int) cmd->n, &page))
        self->code_page = page;
      break;
    case CURB_ESCPOS_CMD_FEED_LINES:
      flush_line (self, FALSE);
      if (cmd->n > 0)
        band_new (self, (int) cmd->n * (CELL_H + LINE_GAP));
      break;
    case CURB_ESCPOS_CMD_FEED_DOTS:
      flush_line (self, FALSE);
      band_new (self, (int) cmd->n);
      break;
    case CURB_ESCPOS_CMD_CUT:        finish_page (self); break;
    case CURB_ESCPOS_CMD_QR:         qr_function (self, cmd); break;
    case CURB_ESCPOS_CMD_RASTER:     draw_raster (self, cmd); break;
    case CURB_ESCPOS_CMD_STATUS_REALTIME:
    case CURB_ESCPOS_CMD_PROCESS_ID:
    case CURB_ESCPOS_CMD_STATUS_TRANSMIT:
    case CURB_ESCPOS_CMD_IGNORED:
    case CURB_ESCPOS_CMD_UNKNOWN:
    default:
      break;
    }
}

/* Parse and execute @data; a command cut in two waits for the rest. */
void
curb_virtual_printer_renderer_feed (CurbVirtualPrinterRenderer *self,
                                    const guint8               *data,
                                    gsize                       len)
{
  gsize offset = 0, used;
  CurbEscposCommand cmd;

  g_return_if_fail (CURB_IS_VIRTUAL_PRINTER_RENDERER (self));

  g_byte_array_append (self->pending, data, len);
  while ((used = curb_escpos_parse_next (self->pending->data + offset,
                                         self->pending->len - offset, &cmd)) > 0)
    {
      curb_virtual_printer_renderer_execute (self, &cmd);
      offset += used;
    }
  g_byte_array_remove_range (self->pending, 0, offset);
}

/* End of stream: what was printed after the last cut becomes a page. */
void
curb_virtual_printer_renderer_finish (CurbVirtualPrinterRenderer *self)
{
  g_return_if_fail (CURB_IS_VIRTUAL_PRINTER_RENDERER (self));

  g_byte_array_set_size (self->pending, 0);
  finish_page (self);
}

/**
 * curb_virtual_printer_renderer_take_pages:
 * @self: a renderer
 *
 * Returns: (transfer full) (element-type CurbRenderedPage): the pages cut so far
 */
GPtrArray *
curb_virtual_printer_renderer_take_pages (CurbVirtualPrinterRenderer *self)
{
  GPtrArray *pages;

  g_return_val_if_fail (CURB_IS_VIRTUAL_PRINTER_RENDERER (self), NULL);

  pages = g_steal_pointer (&self->pages);
  self->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) curb_rendered_page_free);
  return pages;
}

void
curb_rendered_page_free (CurbRenderedPage *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->surface, cairo_surface_destroy);
  g_free (page->text);
  g_free (page);
}

gboolean
curb_rendered_page_write_png (CurbRenderedPage  *page,
                              const char        *path,
                              GError           **error)
{
  cairo_status_t status = cairo_surface_write_to_png (page->surface, path);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_IO,
                   "Cannot write %s: %s", path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
