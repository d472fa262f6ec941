#pragma once

#include "curb-escpos-status.h"

G_BEGIN_DECLS

typedef enum
{
  CURB_PRINTER_ROLE_RECEIPT,
  CURB_PRINTER_ROLE_LABEL,
} CurbPrinterRole;

char *curb_printer_staff_message   (CurbPrinterStatus  status,
                                    CurbPrinterRole    role,
                                    const char        *station,
                                    const char        *lang) G_GNUC_WARN_UNUSED_RESULT;
char *curb_printer_shopper_message (CurbPrinterStatus  status,
                                    CurbPrinterRole    role,
                                    const char        *lang) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
