#pragma once

#include <gio/gio.h>

#include "curb-escpos-status.h"
#include "curb-printer-profile.h"
#include "curb-virtual-printer-renderer.h"

G_BEGIN_DECLS

#define CURB_TYPE_VIRTUAL_PRINTER (curb_virtual_printer_get_type ())
G_DECLARE_FINAL_TYPE (CurbVirtualPrinter, curb_virtual_printer, CURB, VIRTUAL_PRINTER, GObject)

/**
 * CurbVirtualPage:
 * @page: the rendered paper (%NULL surface when rendering is off)
 * @fragment: the connection ended before a cut: paper a person would tear off and bin
 *
 * One piece of paper that came out of the virtual printer.
 */
typedef struct
{
  CurbRenderedPage *page;
  gboolean          fragment;
} CurbVirtualPage;

CurbVirtualPrinter *curb_virtual_printer_new             (const CurbPrinterProfile *profile) G_GNUC_WARN_UNUSED_RESULT;
gboolean            curb_virtual_printer_listen          (CurbVirtualPrinter  *self,
                                                          guint16              port,
                                                          GError             **error);
guint16             curb_virtual_printer_get_port        (CurbVirtualPrinter *self);
gboolean            curb_virtual_printer_listen_control  (CurbVirtualPrinter  *self,
                                                          guint16              port,
                                                          GError             **error);
guint16             curb_virtual_printer_get_control_port (CurbVirtualPrinter *self);
gboolean            curb_virtual_printer_read_fifo       (CurbVirtualPrinter  *self,
                                                          const char          *path,
                                                          GError             **error);
void                curb_virtual_printer_stop            (CurbVirtualPrinter *self);
void                curb_virtual_printer_set_render      (CurbVirtualPrinter *self,
                                                          gboolean            render);
void                curb_virtual_printer_set_output_dir  (CurbVirtualPrinter *self,
                                                          const char         *dir);

void                curb_virtual_printer_feed            (CurbVirtualPrinter *self,
                                                          const guint8       *data,
                                                          gsize               len);

void                curb_virtual_printer_set_fault       (CurbVirtualPrinter *self,
                                                          CurbPrinterStatus   fault);
CurbPrinterStatus   curb_virtual_printer_get_fault       (CurbVirtualPrinter *self);
void                curb_virtual_printer_fault_after     (CurbVirtualPrinter *self,
                                                          CurbPrinterStatus   fault,
                                                          gsize               n_bytes);
void                curb_virtual_printer_disconnect_after (CurbVirtualPrinter *self,
                                                          gsize               n_bytes);
void                curb_virtual_printer_disconnect_now  (CurbVirtualPrinter *self);
void                curb_virtual_printer_set_unplugged   (CurbVirtualPrinter *self,
                                                          gboolean            unplugged);
char               *curb_virtual_printer_command         (CurbVirtualPrinter *self,
                                                          const char         *line) G_GNUC_WARN_UNUSED_RESULT;

guint               curb_virtual_printer_get_marker_count (CurbVirtualPrinter *self,
                                                           const char         *marker);
guint               curb_virtual_printer_get_n_markers   (CurbVirtualPrinter *self);
guint               curb_virtual_printer_get_n_pages     (CurbVirtualPrinter *self,
                                                          gboolean            fragments);
guint64             curb_virtual_printer_get_bytes_received (CurbVirtualPrinter *self);
GPtrArray          *curb_virtual_printer_take_pages      (CurbVirtualPrinter *self) G_GNUC_WARN_UNUSED_RESULT;
gboolean            curb_virtual_printer_wait_markers    (CurbVirtualPrinter *self,
                                                          guint               n_markers,
                                                          guint               timeout_ms);

void                curb_virtual_page_free               (CurbVirtualPage *page);

G_END_DECLS
