#pragma once

#include <cairo.h>
#include <glib-object.h>

#include "curb-printer-profile.h"
#include "curb-virtual-printer-parser.h"

G_BEGIN_DECLS

/**
 * CurbRenderedPage:
 * @surface: the paper between two cuts, at the printer's width in dots
 * @text: what was printed, as UTF-8 lines; codes and images appear as
 *   "[QR …]" and "[IMAGE w×h]"
 */
typedef struct
{
  cairo_surface_t *surface;
  char            *text;
} CurbRenderedPage;

void     curb_rendered_page_free      (CurbRenderedPage *page);
gboolean curb_rendered_page_write_png (CurbRenderedPage *page,
                                       const char       *path,
                                       GError          **error);

#define CURB_TYPE_VIRTUAL_PRINTER_RENDERER (curb_virtual_printer_renderer_get_type ())
G_DECLARE_FINAL_TYPE (CurbVirtualPrinterRenderer, curb_virtual_printer_renderer,
                      CURB, VIRTUAL_PRINTER_RENDERER, GObject)

CurbVirtualPrinterRenderer *curb_virtual_printer_renderer_new     (const CurbPrinterProfile *profile) G_GNUC_WARN_UNUSED_RESULT;
void                        curb_virtual_printer_renderer_execute (CurbVirtualPrinterRenderer *self,
                                                                   const CurbEscposCommand    *cmd);
void                        curb_virtual_printer_renderer_feed    (CurbVirtualPrinterRenderer *self,
                                                                   const guint8               *data,
                                                                   gsize                       len);
void                        curb_virtual_printer_renderer_finish  (CurbVirtualPrinterRenderer *self);
GPtrArray                  *curb_virtual_printer_renderer_take_pages (CurbVirtualPrinterRenderer *self) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CurbRenderedPage, curb_rendered_page_free)

G_END_DECLS
