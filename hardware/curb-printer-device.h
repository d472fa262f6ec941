#pragma once

#include "curb-printer.h"

G_BEGIN_DECLS

#define CURB_TYPE_PRINTER_DEVICE (curb_printer_device_get_type ())
G_DECLARE_FINAL_TYPE (CurbPrinterDevice, curb_printer_device, CURB, PRINTER_DEVICE, CurbPrinter)

CurbPrinter *curb_printer_device_new (const char  *uri,
                                      GError     **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
