#pragma once

#include <gio/gio.h>

#include "curb-escpos-status.h"
#include "curb-hardware.h"

G_BEGIN_DECLS

#define CURB_TYPE_PRINTER (curb_printer_get_type ())
G_DECLARE_DERIVABLE_TYPE (CurbPrinter, curb_printer, CURB, PRINTER, GObject)

/**
 * CurbPrinterClass:
 * @open: connect to the printer
 * @close: disconnect (must be safe to call when closed)
 * @write: write some bytes; returns how many, or -1 with @error
 * @read: read what arrives within @timeout_ms; 0 on timeout, -1 with @error
 *   (%G_IO_ERROR_CONNECTION_CLOSED when the printer went away)
 * @can_read: whether the transport carries answers back (status, markers)
 *
 * A transport to an ESC/POS printer. Subclasses: TCP 9100, device files
 * (USB printer class, serial, file or FIFO).
 */
struct _CurbPrinterClass
{
  GObjectClass parent_class;

  gboolean (*open)     (CurbPrinter  *self,
                        GError      **error);
  void     (*close)    (CurbPrinter  *self);
  gssize   (*write)    (CurbPrinter  *self,
                        const guint8 *data,
                        gsize         len,
                        GError      **error);
  gssize   (*read)     (CurbPrinter  *self,
                        guint8       *buf,
                        gsize         len,
                        guint         timeout_ms,
                        GError      **error);
  gboolean (*can_read) (CurbPrinter  *self);

  gpointer padding[8];
};

#define CURB_PRINTER_STATUS_TIMEOUT_MS 1000

/* A printer for an address: curb-printer-uri.h */
const char  *curb_printer_get_uri             (CurbPrinter *self);
gboolean     curb_printer_is_open             (CurbPrinter *self);
gboolean     curb_printer_open                (CurbPrinter  *self,
                                               GError      **error);
void         curb_printer_close               (CurbPrinter *self);
gboolean     curb_printer_can_read            (CurbPrinter *self);
gboolean     curb_printer_write_all           (CurbPrinter   *self,
                                               const guint8  *data,
                                               gsize          len,
                                               GError       **error);
gboolean     curb_printer_query_status        (CurbPrinter        *self,
                                               guint               timeout_ms,
                                               CurbPrinterStatus  *out_status,
                                               GError            **error);
gboolean     curb_printer_wait_process_id     (CurbPrinter  *self,
                                               const char   *marker,
                                               guint         timeout_ms,
                                               GError      **error);
void         curb_printer_drain               (CurbPrinter *self);
gboolean     curb_printer_status_to_error     (CurbPrinterStatus   status,
                                               GError            **error);

G_END_DECLS
