#pragma once

#include "curb-printer.h"

G_BEGIN_DECLS

/* The printer class for an address (tcp://, usb:, serial:, file:): kept
 * apart from the base class, which knows none of its subclasses. */
CurbPrinter *curb_printer_create      (const char    *uri,
                                       GError       **error) G_GNUC_WARN_UNUSED_RESULT;
CurbPrinter *curb_printer_new_for_uri (const char    *uri,
                                       GCancellable  *cancellable,
                                       GError       **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
