#pragma once

#include <gio/gio.h>

#include "curb-code-source.h"

G_BEGIN_DECLS

#define CURB_TYPE_WEDGE_SCANNER (curb_wedge_scanner_get_type ())
G_DECLARE_FINAL_TYPE (CurbWedgeScanner, curb_wedge_scanner, CURB, WEDGE_SCANNER, CurbCodeSource)

CurbWedgeScanner *curb_wedge_scanner_new             (const char    *device,
                                                      GCancellable  *cancellable,
                                                      GError       **error) G_GNUC_WARN_UNUSED_RESULT;
CurbWedgeScanner *curb_wedge_scanner_new_for_stream  (GInputStream  *events) G_GNUC_WARN_UNUSED_RESULT;
char             *curb_wedge_scanner_find_device     (void) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
