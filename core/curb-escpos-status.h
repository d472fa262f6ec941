#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * CurbPrinterStatus:
 * @CURB_PRINTER_STATUS_OK: ready
 * @CURB_PRINTER_STATUS_OFFLINE: the printer says it is offline
 * @CURB_PRINTER_STATUS_COVER_OPEN: the cover is open
 * @CURB_PRINTER_STATUS_PAPER_OUT: no paper
 * @CURB_PRINTER_STATUS_PAPER_NEAR_END: the roll is nearly used up (still prints)
 * @CURB_PRINTER_STATUS_ERROR: cutter jam, head too hot or another error
 * @CURB_PRINTER_STATUS_UNREACHABLE: no answer at all (unplugged, switched off)
 *
 * What DLE EOT 1..4 told us, plus whether the printer answered at all.
 */
typedef enum
{
  CURB_PRINTER_STATUS_OK             = 0,
  CURB_PRINTER_STATUS_OFFLINE        = 1 << 0,
  CURB_PRINTER_STATUS_COVER_OPEN     = 1 << 1,
  CURB_PRINTER_STATUS_PAPER_OUT      = 1 << 2,
  CURB_PRINTER_STATUS_PAPER_NEAR_END = 1 << 3,
  CURB_PRINTER_STATUS_ERROR          = 1 << 4,
  CURB_PRINTER_STATUS_UNREACHABLE    = 1 << 5,
} CurbPrinterStatus;

/* The flags that stop a printer from printing. */
#define CURB_PRINTER_STATUS_BLOCKING (CURB_PRINTER_STATUS_OFFLINE | CURB_PRINTER_STATUS_COVER_OPEN | \
                                      CURB_PRINTER_STATUS_PAPER_OUT | CURB_PRINTER_STATUS_ERROR | \
                                      CURB_PRINTER_STATUS_UNREACHABLE)

/* DLE EOT n (n = 1 printer, 2 offline cause, 3 error cause, 4 paper sensor). */
#define CURB_ESCPOS_STATUS_PRINTER   1
#define CURB_ESCPOS_STATUS_OFFLINE   2
#define CURB_ESCPOS_STATUS_ERROR     3
#define CURB_ESCPOS_STATUS_PAPER     4

gboolean          curb_escpos_status_byte_valid (guint8 byte);
CurbPrinterStatus curb_escpos_status_parse      (guint  query,
                                                 guint8 byte);
guint8            curb_escpos_status_encode     (guint             query,
                                                 CurbPrinterStatus status);
char             *curb_printer_status_to_string (CurbPrinterStatus status) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
