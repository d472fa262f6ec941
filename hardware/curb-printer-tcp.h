#pragma once

#include "curb-printer.h"

G_BEGIN_DECLS

#define CURB_TYPE_PRINTER_TCP (curb_printer_tcp_get_type ())
G_DECLARE_FINAL_TYPE (CurbPrinterTcp, curb_printer_tcp, CURB, PRINTER_TCP, CurbPrinter)

CurbPrinter *curb_printer_tcp_new (const char  *uri,
                                   GError     **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
