#pragma once

#include "curb-escpos-bitmap.h"

G_BEGIN_DECLS

CurbBitmap *curb_printer_logo_load (const char  *path,
                                    guint        max_width,
                                    GError     **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
